#!/usr/bin/env node
// Runtime publish: the packed tarball is ready to publish. `npm publish --dry-run` on it, offline
// (an unreachable registry: nothing is sent), must pass with no warning but the login one; its
// file list must hold LICENSE, the README and every file package.json names, and nothing else we
// do not ship; package.json must have what a registry page and a resolver read (license,
// repository, keywords, engines, sideEffects, types for every code entry, Hono as an optional
// peer); and `tsc --noEmit --strict` must pass on a file importing every entry.
// Runnable alone: `node tests/js/package/run-publish.mjs`.
import assert from "node:assert/strict";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runtime } from "../lib/runtime.mjs";

/** The entries that are files, not code (no types to give). */
const ASSETS = new Set(["./wasm", "./wasm?module", "./package.json"]);

await runtime("publish", async (t) => {
  const tarball = t.tarball();
  const { dir } = await t.project();
  const manifest = JSON.parse(readFileSync(join(dir, "node_modules/stytch-sessions-wasm/package.json"), "utf8"));
  let files = [];
  await t.test("npm publish --dry-run (offline) passes, with no warning but the login one", async () => {
    const r = await t.run("npm", ["publish", "--dry-run", "--offline", "--json", "--registry", "http://127.0.0.1:9/", tarball], { cwd: t.work, echo: false, timeoutMs: 120_000 });
    assert.equal(r.code, 0, `npm publish --dry-run failed:\n${r.stderr.slice(-2000)}`);
    const warnings = r.stderr.split("\n").filter((l) => /\bwarn\b/i.test(l) && !/requires you to be logged in/.test(l));
    assert.deepEqual(warnings, [], "npm warned about the package (auto-corrected fields, a bad bin, …)");
    files = Object.values(JSON.parse(r.stdout))[0].files.map((f) => f.path);
    return [`${files.length} files`];
  });
  await t.test("the tarball holds LICENSE, the README and every file package.json names; no tests", () => {
    for (const f of ["LICENSE", "README.md", "package.json"]) assert.ok(files.includes(f), `${f} is not in the tarball`);
    const named = [];
    const walk = (v) => (typeof v === "string" ? named.push(v) : Object.values(v).forEach(walk));
    walk(manifest.exports);
    walk(manifest.bin);
    named.push(manifest.main, manifest.module, manifest.types, ...manifest.sideEffects);
    const missing = named.map((f) => f.replace(/^\.\//, "").replace(/\?.*$/, "")).filter((f) => !files.includes(f));
    assert.deepEqual(missing, [], "files package.json names that the tarball lacks");
    assert.deepEqual(files.filter((f) => /\.test\.|(^|\/)tests?\/|\.map$/.test(f)), [], "test files or source maps in the tarball");
    const license = readFileSync(join(dir, "node_modules/stytch-sessions-wasm/LICENSE"), "utf8");
    assert.match(license, /^MIT License\n\nCopyright \(c\) 2026 stytch-sessions-wasm contributors\n/);
  });
  await t.test("package.json: license, repository, keywords, engines, sideEffects, types for every code entry", () => {
    assert.equal(manifest.license, "MIT");
    assert.match(manifest.repository?.url ?? "", /^git\+https:\/\/github\.com\/.+\.git$/);
    assert.ok(Array.isArray(manifest.keywords) && manifest.keywords.includes("hono"), "keywords");
    assert.match(manifest.engines?.node ?? "", /^>=\d+/);
    assert.ok(Array.isArray(manifest.sideEffects) && !manifest.sideEffects.includes("./hono.js"), "sideEffects: the runtime entries only");
    const untyped = Object.entries(manifest.exports).filter(([k, v]) => !ASSETS.has(k) && (typeof v === "string" || Object.keys(v)[0] !== "types")).map(([k]) => k);
    assert.deepEqual(untyped, [], "code entries without `types` as their first condition");
    assert.deepEqual(manifest.peerDependencies, { hono: "^4.0.0" });
    assert.deepEqual(manifest.peerDependenciesMeta, { hono: { optional: true } });
  });
  await t.test("a first release: no free() in the types, no \"earlier versions\"", () => {
    const pkg = join(dir, "node_modules/stytch-sessions-wasm");
    for (const f of ["index.d.ts", "index.d.cts", "README.md"]) {
      const text = readFileSync(join(pkg, f), "utf8");
      assert.doesNotMatch(text, /\bfree\(\): void/, `${f} declares free()`);
      assert.doesNotMatch(text, /earlier versions/i, `${f} speaks of earlier versions`);
    }
  });
  await t.test("tsc --noEmit --strict on a file importing every entry (the emulator's and Hono's included)", async () => {
    cpSync(join(t.root, "tests/js/node_modules/hono"), join(dir, "node_modules/hono"), { recursive: true });
    const entries = Object.keys(manifest.exports).filter((k) => !ASSETS.has(k)).map((k) => `stytch-sessions-wasm${k.slice(1)}`);
    writeFileSync(join(dir, "entries.ts"), entries.map((e, i) => `import * as entry${i} from "${e}";\nexport { entry${i} };\n`).join(""));
    const compilerOptions = { noEmit: true, strict: true, target: "es2022", module: "node16", moduleResolution: "node16", lib: ["es2022", "dom"], types: [] };
    writeFileSync(join(dir, "tsconfig.entries.json"), JSON.stringify({ compilerOptions, files: ["entries.ts"] }));
    const r = await t.run(join(t.root, "tests/js/node_modules/.bin/tsc"), ["-p", "tsconfig.entries.json"], { cwd: dir, timeoutMs: 120_000 });
    assert.equal(r.code, 0, `tsc --strict on ${entries.join(", ")}:\n${r.stdout}${r.stderr}`);
    return [entries.join(", ")];
  });
});
