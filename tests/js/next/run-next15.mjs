#!/usr/bin/env node
// Runtime next15: the app of this directory with the package README's "Next.js middleware"
// example pasted as middleware.ts (Edge runtime, the "edge-light" entry), in `next build` +
// `next start` and `next dev`, each with webpack and with Turbopack. Each must answer the gate
// requests (lib/next-app.mjs), bind the .wasm as a module in the Edge manifest, and log no
// "Dynamic WASM code generation" and no instantiateStreaming fallback; other warning lines are
// printed in the closing table. Runnable alone: `node tests/js/next/run-next15.mjs`.
import { buildAndStart, dev, freshProject, nextFiles } from "../lib/next-app.mjs";
import { runtime } from "../lib/runtime.mjs";

await runtime("next15", async (t) => {
  const emulator = await t.emulator();
  const project = await freshProject(t, "next15", nextFiles(t.root, "middleware.ts"));
  for (const [bundler, flags] of [["webpack", []], ["turbopack", ["--turbopack"]]]) {
    await t.test(`next15 edge middleware, ${bundler}, build + start`, () => buildAndStart(t, project, flags, emulator.url, { edge: true }));
    await t.test(`next15 edge middleware, ${bundler}, dev`, () => dev(t, project, flags, emulator.url));
  }
});
