#!/usr/bin/env node
// Runtime node-esm: node:test over the installed package's "node" + "import" entry
// (node.test.mjs: the checks of suite.mjs and gate.mjs), in a fresh project, against three
// emulators started from the package's own bin. Runnable alone: `node tests/js/package/run-node-esm.mjs`.
import { firstVerify, runtime, suiteEnv, timing } from "../lib/runtime.mjs";

await runtime("node-esm", async (t) => {
  const { dir, installMs } = await t.project(["node.test.mjs", "suite.mjs", "gate.mjs", "assert.mjs"]);
  const env = await suiteEnv(t, dir);
  const startedAt = Date.now();
  const r = await t.run(process.execPath, ["--test", "--test-reporter=spec", "node.test.mjs"], { cwd: dir, env, timeoutMs: 120_000 });
  t.tally(r, "node --test node.test.mjs");
  return { note: timing(installMs, firstVerify(r.stdout, startedAt)) };
});
