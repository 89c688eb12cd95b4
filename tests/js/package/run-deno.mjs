#!/usr/bin/env node
// Runtime deno: `deno test` (npm's deno binary) over the installed package's "deno" entry
// (deno.test.ts, type-checked against index.d.ts: the checks of suite.mjs and gate.mjs), with net
// access to 127.0.0.1 only and no read permission (the entry imports the .wasm as a module).
// Runnable alone: `node tests/js/package/run-deno.mjs`.
import { join } from "node:path";
import { firstVerify, runtime, suiteEnv, timing } from "../lib/runtime.mjs";

await runtime("deno", async (t) => {
  const { dir, installMs } = await t.project(["deno.test.ts", "suite.mjs", "gate.mjs", "assert.mjs"]);
  const env = { ...(await suiteEnv(t, dir)), DENO_NO_UPDATE_CHECK: "1", DENO_DIR: join(t.work, "deno-dir"), NO_COLOR: "1" };
  const startedAt = Date.now();
  const deno = join(t.root, "tests/js/node_modules/.bin/deno");
  const r = await t.run(deno, ["test", "--allow-net=127.0.0.1", "--allow-env=STYTCH_EMULATOR_URL,STYTCH_EMULATOR_URL_2,STYTCH_EMULATOR_URL_3", "--no-prompt", "deno.test.ts"], { cwd: dir, env, timeoutMs: 180_000 });
  t.tally(r, "deno test");
  return { note: timing(installMs, firstVerify(r.stdout, startedAt)) };
});
