// The packed npm package (target/npm/stytch-sessions-wasm-*.tgz, from ./scripts/build), installed
// once into a temporary project outside the source tree and shared by every test process that
// asks for the same tarball (keyed by its SHA-256, so a rebuilt package is installed afresh).
//
//   const { dir, tarball, importPackage } = await installedPackage(repoRoot);
//   const api = await importPackage();   // the package's "node" + "import" entry, as a user gets it
//
// Several node:test files may call this at once: each installs into its own directory and the
// first to finish renames it into place; the others use that one.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { run } from "./procs.mjs";

const PREFIX = "stytch-sessions-wasm-installed-";

/** The tarball under `<root>/target/npm`, or throws with a hint to build it. */
export function findTarball(root) {
  const dir = join(root, "target/npm");
  const name = existsSync(dir) && readdirSync(dir).find((f) => /^stytch-sessions-wasm-.*\.tgz$/.test(f));
  if (!name) throw new Error("no target/npm/stytch-sessions-wasm-*.tgz: run ./scripts/build first");
  return join(dir, name);
}

/**
 * Installs the tarball into `<tmpdir>/stytch-sessions-wasm-installed-<sha12>/` unless already
 * there. Resolves `{ dir, tarball, sha, installMs, importPackage }` (`installMs`: how long that
 * `npm install` took, whichever process ran it); `importPackage()` imports the package
 * by name from inside that project (so the package's own `exports` conditions pick the entry).
 */
export async function installedPackage(root) {
  const tarball = findTarball(root);
  const bytes = readFileSync(tarball); // read once: a concurrent rebuild may replace the file
  const sha = createHash("sha256").update(bytes).digest("hex").slice(0, 12);
  const dir = join(tmpdir(), PREFIX + sha);
  if (!existsSync(join(dir, ".ready"))) {
    const work = mkdtempSync(join(tmpdir(), `${PREFIX}${sha}-tmp-`));
    const copy = join(work, "stytch-sessions-wasm.tgz");
    writeFileSync(copy, bytes);
    writeFileSync(join(work, "package.json"), JSON.stringify({ name: "stytch-faults-project", private: true, type: "module" }, null, 2));
    const r = await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", copy], { cwd: work, timeoutMs: 180_000 });
    if (r.code !== 0) throw new Error(`npm install of ${tarball} failed:\n${r.stderr}`);
    // Re-exported from a file inside the project: resolution starts there, with Node's conditions.
    writeFileSync(join(work, "entry.mjs"), 'export * from "stytch-sessions-wasm";\n');
    writeFileSync(join(work, ".ready"), JSON.stringify({ at: new Date().toISOString(), installMs: r.ms }));
    try {
      renameSync(work, dir);
    } catch {
      rmSync(work, { recursive: true, force: true }); // another process won the race
    }
    // Older installs (earlier builds) are dropped, except one still being made.
    for (const f of readdirSync(tmpdir())) {
      if (f.startsWith(PREFIX) && !f.startsWith(PREFIX + sha) && !f.includes("-tmp-")) {
        const p = join(tmpdir(), f);
        if (Date.now() - statSync(p).mtimeMs > 60_000) rmSync(p, { recursive: true, force: true });
      }
    }
  }
  let installMs;
  try {
    installMs = JSON.parse(readFileSync(join(dir, ".ready"), "utf8")).installMs;
  } catch {
    /* an install made before .ready held its time */
  }
  return {
    dir,
    tarball,
    sha,
    installMs,
    importPackage: () => import(pathToFileURL(join(dir, "entry.mjs")).href),
    /** Copies the tarball into `dest` (for a worker project install from a stable file). */
    copyTarball: (dest) => {
      mkdirSync(dest, { recursive: true });
      const file = join(dest, "stytch-sessions-wasm.tgz");
      writeFileSync(file, bytes);
      return file;
    },
  };
}
