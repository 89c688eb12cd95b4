#!/usr/bin/env node
// Runtime workerd: worker-example/ with the tarball npm-installed, type-checked (tsc), bundled by
// `wrangler deploy --dry-run` and run by Miniflare: the demo's six gate requests
// (lib/worker.mjs gateScenario), each asserted; the sixth goes to a second, cold instance sharing
// the persisted KV namespace (0 JWKS fetches). Runnable alone: `node tests/js/package/run-workerd.mjs`.
import assert from "node:assert/strict";
import { join } from "node:path";
import { PROJECT_ID, SECRET } from "../lib/emulator.mjs";
import { runtime, timing } from "../lib/runtime.mjs";
import { bundleWorker, checkScenario, formatScenario, gateScenario, prepareWorkerProject, startWorker, typecheck } from "../lib/worker.mjs";

await runtime("workerd", async (t) => {
  const dir = join(t.work, "worker");
  const installMs = await prepareWorkerProject(t.root, t.tarball(), dir);
  const emulator = await t.emulator(join(dir, "node_modules/.bin/stytch-sessions-emulator"));
  await t.test("worker-example type-checks (tsc --noEmit)", async () => {
    const tc = await typecheck(dir);
    assert.equal(tc.code, 0, `tsc --noEmit (worker-example) failed:\n${tc.stdout}${tc.stderr}`);
  });
  const bundle = await bundleWorker(dir);
  t.say(`wrangler deploy --dry-run --outdir: ${bundle.files.join(" + ")} = ${bundle.raw} bytes, ${bundle.gzip} gzip (Workers' limit counts the gzip size)`);
  const startedAt = Date.now();
  const vars = { STYTCH_PROJECT_ID: PROJECT_ID, STYTCH_SECRET: SECRET, STYTCH_BASE_URL: emulator.url };
  const kvPersist = join(t.work, "worker-kv"); // shared by the second, cold instance of case (6)
  const worker = await startWorker(bundle, vars, { kvPersist });
  t.defer(() => worker.dispose());
  const rows = await gateScenario(worker.url, emulator.url, { coldWorker: () => startWorker(bundle, vars, { kvPersist }) });
  const firstAt = Date.now() - rows.slice(2).reduce((a, r) => a + r.ms, 0); // about the end of case (2)
  console.log(formatScenario(rows));
  for (const [i, row] of rows.entries()) await t.test(`(${i + 1}) ${row.name}`, () => assert.deepEqual(checkScenario([row]), []));
  return { note: `${timing(installMs, bundle.ms + (firstAt - startedAt))}  (worker bundle ${bundle.raw} B, ${bundle.gzip} B gzip)` };
});
