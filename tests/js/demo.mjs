// The main job, shown: a Cloudflare Worker in real workerd gating requests on Stytch sessions,
// against the local emulator. Run by ./scripts/demo after ./scripts/build.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulatorProcess, PROJECT_ID, SECRET } from "./lib/emulator.mjs";
import { killAll } from "./lib/procs.mjs";
import { bundleWorker, checkScenario, formatScenario, gateScenario, prepareWorkerProject, startWorker, typecheck } from "./lib/worker.mjs";

const root = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const tgz = readdirSync(join(root, "target/npm")).find((f) => /^stytch-sessions-wasm-.*\.tgz$/.test(f));
if (!tgz) throw new Error("no target/npm/stytch-sessions-wasm-*.tgz: run ./scripts/build first");
const say = (s) => console.log(`\x1b[1;36mdemo:\x1b[0m ${s}`);

const dir = mkdtempSync(join(tmpdir(), "stytch-worker-demo-"));
let emulator;
let worker;
let failed = false;
try {
  say(`installing ${tgz} into a fresh copy of worker-example/ (${dir})`);
  const installMs = await prepareWorkerProject(root, join(root, "target/npm", tgz), dir);
  say(`npm install: ${installMs.toFixed(0)} ms; type-checking src/index.ts (tsc --noEmit)`);
  const tc = await typecheck(dir);
  if (tc.code !== 0) throw new Error(`tsc failed:\n${tc.stdout}${tc.stderr}`);
  const bundle = await bundleWorker(dir);
  say(`wrangler deploy --dry-run: ${bundle.files.join(" + ")}, ${bundle.raw} bytes (${bundle.gzip} gzip), ${bundle.ms.toFixed(0)} ms`);

  emulator = await startEmulatorProcess(join(root, "tests/emulator/cli.mjs"));
  say(`emulator: ${emulator.url}`);
  const vars = { STYTCH_PROJECT_ID: PROJECT_ID, STYTCH_SECRET: SECRET, STYTCH_BASE_URL: emulator.url };
  // The KV namespace JWKS persisted in one directory, shared by the two workerd instances.
  const kvPersist = join(dir, "kv");
  worker = await startWorker(bundle, vars, { kvPersist });
  say(`worker (workerd via Miniflare, offline): ${worker.url}, STYTCH_BASE_URL=${emulator.url}, KV namespace JWKS persisted in ${kvPersist}\n`);

  // (6): a second workerd instance (a cold isolate) on the same KV namespace.
  const rows = await gateScenario(worker.url, emulator.url, { coldWorker: () => startWorker(bundle, vars, { kvPersist }) });
  console.log(formatScenario(rows));
  const problems = checkScenario(rows);
  console.log("");
  if (problems.length) {
    failed = true;
    for (const p of problems) console.log(`\x1b[1;31m  unexpected: ${p}\x1b[0m`);
  } else {
    say("as expected: no token 401; fresh JWT let in locally (no API call); a 10-minute-old JWT let in by the API with a refreshed cookie; a revoked session refused by the API; a forged JWT refused locally with no API call; a cold isolate let the fresh JWT in with the keys from KV: 0 JWKS fetches");
  }
} catch (err) {
  failed = true;
  console.error(err);
} finally {
  await worker?.dispose().catch(() => {});
  await emulator?.close();
  killAll();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
