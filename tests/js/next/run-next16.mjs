#!/usr/bin/env node
// Runtime next16: the app of this directory with the package README's "Next.js middleware"
// example pasted as proxy.ts (Node runtime, the "node" entry), in `next build` + `next start` and
// `next dev` with Turbopack (Next 16's default), and `next build --webpack` + `next start`; the
// same gate requests and log checks as next15 (lib/next-app.mjs).
// Runnable alone: `node tests/js/next/run-next16.mjs`.
import { buildAndStart, dev, freshProject, nextFiles } from "../lib/next-app.mjs";
import { runtime } from "../lib/runtime.mjs";

await runtime("next16", async (t) => {
  const emulator = await t.emulator();
  const project = await freshProject(t, "next16", nextFiles(t.root, "proxy.ts"));
  await t.test("next16 proxy.ts (Node), turbopack, build + start", () => buildAndStart(t, project, [], emulator.url, { edge: false }));
  await t.test("next16 proxy.ts (Node), turbopack, dev", () => dev(t, project, [], emulator.url));
  await t.test("next16 proxy.ts (Node), webpack, build + start", () => buildAndStart(t, project, ["--webpack"], emulator.url, { edge: false }));
});
