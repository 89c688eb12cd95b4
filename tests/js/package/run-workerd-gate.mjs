#!/usr/bin/env node
// Runtime workerd-gate: node --test tests/js/gate/ (authenticateRequest through the worker
// example and a test-only worker, the KV and Cache API JWKS stores, 100,000 clients without
// free()), each test with its own emulators. Runnable alone: `node tests/js/package/run-workerd-gate.mjs`.
import { join } from "node:path";
import { runtime } from "../lib/runtime.mjs";

await runtime("workerd-gate", async (t) => {
  const here = join(t.root, "tests/js");
  t.tally(await t.run(process.execPath, ["--test", "--test-reporter=spec", join(here, "gate")], { cwd: here, env: { ...process.env, NODE_NO_WARNINGS: "1" }, timeoutMs: 240_000 }), "node --test tests/js/gate");
});
