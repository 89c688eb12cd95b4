// Bundles tests/js/load/jose-worker.js (jose inlined) with esbuild from tests/js, into a bundle
// that tests/js/lib/worker-run.mjs runs like the worker example's: `{ outdir, main, files }`.
// Rebuilt only when the worker source or jose's version changes.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";

const here = new URL(".", import.meta.url).pathname;
const require = createRequire(join(here, "../package.json"));

export async function joseWorker() {
  const t0 = performance.now();
  const source = join(here, "jose-worker.js");
  const jose = require("jose/package.json").version;
  const sha = createHash("sha256").update(readFileSync(source)).update(jose).digest("hex").slice(0, 16);
  const outdir = join(tmpdir(), `stytch-sessions-wasm-jose-worker-${sha}`);
  const main = "worker.js";
  const cached = existsSync(join(outdir, main));
  if (!cached) {
    mkdirSync(outdir, { recursive: true });
    const esbuild = require("esbuild");
    await esbuild.build({
      entryPoints: [source],
      bundle: true,
      format: "esm",
      platform: "neutral",
      conditions: ["workerd", "worker", "browser"],
      mainFields: ["module", "main"],
      target: "es2022",
      outfile: join(outdir, main),
      logLevel: "warning",
    });
  }
  return { outdir, main, files: [main], cached, ms: performance.now() - t0, jose };
}
