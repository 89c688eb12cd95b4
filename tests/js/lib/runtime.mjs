// The scaffolding of one runtime file (tests/js/package/run-*.mjs, tests/js/next/run-*.mjs,
// tests/js/bun/run-bun.mjs): each is a Node script, runnable alone, that sets up what its runtime
// needs (a fresh project with the packed tarball installed, emulators, servers), runs its cases,
// and tears everything down, through this file:
//
//   await runtime("deno", async (t) => {
//     const { dir, installMs } = await t.project(["deno.test.ts", …]);   // from the file's directory
//     const emu = await t.emulator(join(dir, "node_modules/.bin/stytch-sessions-emulator"));
//     await t.test("a case", async () => { …node:assert/strict… });      // or:
//     t.tally(await t.run("deno", ["test", …], { cwd: dir }));           // a runner's own counts
//     return { note: "…" };                                              // for the summary table
//   });
//
// It prints each case, a closing table of them, and last a `RUNTIME_RESULT {json}` line that
// tests/js/lib/orchestrate.mjs reads; it exits non-zero if any case failed. `--keep` keeps the
// temporary directory.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, cpSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer } from "node:http";
import { basename, dirname, extname, join, normalize } from "node:path";
import { startEmulatorProcess } from "./emulator.mjs";
import { findTarball, installedPackage } from "./package-install.mjs";
import { killAll, run } from "./procs.mjs";

export const root = join(new URL(".", import.meta.url).pathname, "../../..");

export async function runtime(name, fn) {
  const from = dirname(process.argv[1]); // the runtime file's directory: its fixtures
  const say = (s) => console.log(`\x1b[1;34m${name}:\x1b[0m ${s}`);
  const keep = process.argv.includes("--keep");
  const work = mkdtempSync(join(tmpdir(), `stytch-${name}-`));
  const teardown = [];
  const cases = []; // { name, ok, ms, note, detail }
  const counted = { passed: 0, failed: 0 }; // from a test runner's own summary
  const t0 = performance.now();
  let tarballBytes; // read once: a concurrent ./scripts/build may replace the file
  const t = {
    root,
    work,
    say,
    defer: (f) => teardown.push(f),
    /** A stable copy of the packed tarball under the work directory. */
    tarball(tag = name) {
      const file = join(work, `stytch-sessions-wasm-${tag}.tgz`);
      tarballBytes ??= readFileSync(findTarball(root));
      writeFileSync(file, tarballBytes);
      return file;
    },
    /**
     * A fresh project: `package.json` (ESM), `files` copied from `from`, and the node_modules of
     * the tarball's npm install (lib/package-install.mjs: made once per build, then copied).
     * `installMs` is that npm install's time.
     */
    async project(files = [], { sub = "project" } = {}) {
      const pkg = await installedPackage(root);
      const dir = join(work, sub);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `${name}-test-project`, private: true, type: "module" }, null, 2));
      cpSync(join(pkg.dir, "node_modules"), join(dir, "node_modules"), { recursive: true, verbatimSymlinks: true });
      for (const f of files) cpSync(join(from, f), join(dir, f), { recursive: true });
      say(`${basename(pkg.tarball)} (sha256 ${pkg.sha}) installed into ${dir}`);
      return { dir, installMs: pkg.installMs ?? 0 };
    },
    /** `n` emulator processes of the installed package's bin in `dir`, started together. */
    emulators: (dir, n) => Promise.all(Array.from({ length: n }, () => t.emulator(join(dir, "node_modules/.bin/stytch-sessions-emulator")))),
    /** An emulator process (`node <cli> --port 0`), closed at teardown. */
    async emulator(cli = join(root, "tests/emulator/cli.mjs")) {
      const e = await startEmulatorProcess(cli);
      teardown.push(() => e.close());
      return e;
    },
    /** procs.run, echoing the output indented. */
    run: (cmd, args, opts = {}) => run(cmd, args, { echo: true, prefix: "    ", ...opts }),
    /** One named case; a throw fails it (and only it). `fn` may return a note (warning lines). */
    async test(caseName, f) {
      const c0 = performance.now();
      try {
        const note = await f();
        cases.push({ name: caseName, ok: true, ms: performance.now() - c0, note });
        say(`✔ ${caseName}`);
      } catch (err) {
        cases.push({ name: caseName, ok: false, ms: performance.now() - c0, note: err.note, detail: String(err?.stack ?? err).slice(0, 6000) });
        say(`\x1b[31m✘ ${caseName}: ${String(err?.message ?? err).slice(0, 6000)}\x1b[0m`);
      }
    },
    /** Adds the counts of a `node --test` (spec reporter) or `deno test` run, whose exit code must agree. */
    tally(r, what = "the test runner") {
      const m = /ℹ pass (\d+)[\s\S]*?ℹ fail (\d+)/.exec(r.stdout) ?? /(?:ok|FAILED) \| (\d+) passed[^|]*\| (\d+) failed/.exec(r.stdout);
      counted.passed += m ? Number(m[1]) : 0;
      counted.failed += m ? Number(m[2]) : 0;
      // A failing run with its failures counted is those failures; any other non-zero exit is one more.
      if (r.code !== 0 && !(m && Number(m[2]) > 0)) throw new Error(`${what} failed (exit ${r.code})${m ? "" : `\n${r.stderr.slice(-2000)}`}`);
    },
  };
  let result = {};
  let setupError;
  try {
    result = (await fn(t)) ?? {};
  } catch (err) {
    setupError = err;
    say(`\x1b[31m✘ ${String(err?.stack ?? err).slice(0, 6000)}\x1b[0m`);
  } finally {
    for (const f of teardown.reverse()) await Promise.resolve().then(f).catch((e) => say(`teardown: ${e.message}`));
    killAll();
    if (keep) say(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
  if (cases.length) {
    console.log(`\ncase${" ".repeat(58)} result  time    notes`);
    for (const c of cases) {
      const note = Array.isArray(c.note) ? (c.note.length ? c.note.map((l) => `\n${" ".repeat(8)}| ${l}`).join("") : " none") : ` ${c.note ?? ""}`;
      console.log(`${c.name.padEnd(62)} ${c.ok ? "pass" : "FAIL"}    ${(c.ms / 1000).toFixed(1).padStart(5)} s${note}`);
    }
    for (const c of cases.filter((c) => !c.ok)) console.log(`\n${c.name}:\n${c.detail}`);
  }
  const passed = counted.passed + cases.filter((c) => c.ok).length;
  const failed = counted.failed + cases.filter((c) => !c.ok).length + (setupError ? 1 : 0);
  const out = { name, ok: failed === 0 && !setupError, passed, failed, ms: performance.now() - t0, ...result };
  if (setupError) out.error = String(setupError?.message ?? setupError).slice(0, 300);
  console.log(`RUNTIME_RESULT ${JSON.stringify(out)}`);
  process.exit(out.ok ? 0 : 1);
}

/** Every file under `dir` (relative paths), except this layout's runtime files `run-*.mjs`. */
export function fixtures(dir, prefix = "") {
  const out = [];
  for (const d of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${d.name}` : d.name;
    if (d.isDirectory()) out.push(...fixtures(dir, rel));
    else if (!/^run-.*\.mjs$/.test(d.name)) out.push(rel);
  }
  return out;
}

/** `FIRST_VERIFY_AT=<epoch ms>` printed by a child → ms since `startedAt` (epoch ms). */
export function firstVerify(stdout, startedAt) {
  const m = /FIRST_VERIFY_AT=(\d+)/.exec(stdout);
  return m ? Number(m[1]) - startedAt : undefined;
}

/** "npm install → first verified request" for the summary table. */
export const timing = (installMs, firstMs) =>
  firstMs === undefined ? "" : `${installMs.toFixed(0)} ms install + ${firstMs.toFixed(0)} ms to first verify = ${(installMs + firstMs).toFixed(0)} ms`;

/**
 * The environment of the shared package checks (package/suite.mjs, package/gate.mjs): three
 * emulators from the installed package's bin in `dir` (the suite's; the gate checks' own, whose
 * policy and faults only they touch; one the process meets cold), as STYTCH_EMULATOR_URL(_2, _3).
 */
export async function suiteEnv(t, dir) {
  const [a, b, c] = await t.emulators(dir, 3);
  t.say(`emulators: ${a.url}, ${b.url} (gate), ${c.url} (cold)`);
  return { ...process.env, STYTCH_EMULATOR_URL: a.url, STYTCH_EMULATOR_URL_2: b.url, STYTCH_EMULATOR_URL_3: c.url, NODE_NO_WARNINGS: "1" };
}

/** A tiny static file server on 127.0.0.1 for `dir` (right MIME types for wasm), closed at teardown. */
export function serveStatic(t, dir) {
  const types = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
    if (path.includes("..")) return void res.writeHead(400).end();
    try {
      const body = readFileSync(join(dir, path));
      res.writeHead(200, { "Content-Type": types[extname(path)] ?? "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  t.defer(() => new Promise((r) => server.close(r)));
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${server.address().port}`)));
}
