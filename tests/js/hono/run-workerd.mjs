#!/usr/bin/env node
// Runtime hono-workerd: app.ts as a Worker (its default export), bundled by `wrangler deploy
// --dry-run` (hono.js's self-reference then resolves to the package's "workerd" entry), run by
// Miniflare with STYTCH_PROJECT_ID, STYTCH_SECRET and STYTCH_BASE_URL as bindings (c.env: the
// middleware is given no options), and asked over HTTP: the checks of checks.mjs that need no
// in-process app. Runnable alone: `node tests/js/hono/run-workerd.mjs`.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { runtime } from "../lib/runtime.mjs";
import { bundleWorker, startWorker } from "../lib/worker.mjs";
import { honoProject } from "./lib.mjs";

await runtime("hono-workerd", async (t) => {
  const { dir, env } = await honoProject(t, []);
  // The project's copy: it imports the assert.mjs copied beside it.
  const { honoChecks } = await import(pathToFileURL(join(dir, "checks.mjs")).href);
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "src/index.ts"), 'export { default } from "../app.ts";\n');
  writeFileSync(join(dir, "wrangler.toml"), 'name = "hono-test"\nmain = "src/index.ts"\ncompatibility_date = "2026-04-01"\nsend_metrics = false\n');
  const bundle = await bundleWorker(dir);
  t.say(`wrangler deploy --dry-run: ${bundle.files.join(" + ")} = ${bundle.raw} bytes, ${bundle.gzip} gzip`);
  await t.test("the bundle holds the workerd entry (the .wasm imported), not the browser one", () => {
    assert.ok(bundle.files.some((f) => f.endsWith(".wasm")), `no .wasm module in ${bundle.files.join(", ")}`);
  });
  const emuUrl = env.STYTCH_EMULATOR_URL;
  const worker = await startWorker(bundle, { STYTCH_PROJECT_ID: env.STYTCH_PROJECT_ID, STYTCH_SECRET: env.STYTCH_SECRET, STYTCH_BASE_URL: emuUrl }, { kv: false });
  t.defer(() => worker.dispose());
  const ctx = { emuUrl, ask: (path, init = {}) => fetch(worker.url + path, { ...init, signal: AbortSignal.timeout(15_000) }) };
  for (const [name, fn] of honoChecks().checks) await t.test(name, () => fn(ctx));
});
