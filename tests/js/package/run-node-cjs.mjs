#!/usr/bin/env node
// Runtime node-cjs: node:test over the installed package's "node" + "require" entry
// (node.test.cjs: the checks of suite.mjs and gate.mjs), in a fresh project, against three
// emulators started from the package's own bin. Runnable alone: `node tests/js/package/run-node-cjs.mjs`.
import { firstVerify, runtime, suiteEnv, timing } from "../lib/runtime.mjs";

await runtime("node-cjs", async (t) => {
  const { dir, installMs } = await t.project(["node.test.cjs", "suite.mjs", "gate.mjs", "assert.mjs"]);
  const env = await suiteEnv(t, dir);
  const startedAt = Date.now();
  const r = await t.run(process.execPath, ["--test", "--test-reporter=spec", "node.test.cjs"], { cwd: dir, env, timeoutMs: 120_000 });
  t.tally(r, "node --test node.test.cjs");
  return { note: timing(installMs, firstVerify(r.stdout, startedAt)) };
});
