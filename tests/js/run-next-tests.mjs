#!/usr/bin/env node
// Tests the packed npm package (target/npm/stytch-sessions-wasm-*.tgz, from ./scripts/build) where
// most Stytch users gate requests: Next.js middleware and Bun. Each app is a fresh temporary
// project (never the source tree) with the tarball npm-installed into it, run against a started
// emulator:
//   next15  the app of tests/js/next/ with the package README's "Next.js middleware" example,
//           pasted from the README as middleware.ts (Edge runtime, the "edge-light" entry), in
//           `next build` + `next start` and `next dev`, each with webpack and with Turbopack
//   next16  the same app with the same example as proxy.ts (Node runtime, the "node" entry), in
//           `next build` + `next start` and `next dev` with Turbopack (Next 16's default), and
//           `next build --webpack` + `next start`
//   bun     tests/js/bun/esm.mjs and cjs.cjs under npm's `bun` binary (the "node" entries)
// Every Next mode must answer 200 for a fresh JWT (cookie or Bearer), 401 for no token, garbage
// and a forged signature; verify in a Node.js route handler (the "node" entry, bundled by Next);
// serve an Edge route importing `stytch-sessions-wasm/wasm?module`; and log no "Dynamic WASM code
// generation" and no instantiateStreaming fallback, in the build or the server log. Other
// warning lines are printed in the closing table (the app's own Edge route causes some).
//
// next, react, typescript and bun are not dependencies of tests/js: they are npm-installed once
// per version set into target/js-apps/<app>-<hash>/ (npm's own cache keeps the downloads), and
// each fresh project gets a hard-linked copy of that node_modules before `npm install <tarball>`.
//
// Usage: node tests/js/run-next-tests.mjs [--only next15,next16,bun] [--keep]
// Prints "N passed, N failed" last; exits non-zero on any failure.
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { control, forge, PROJECT_ID, SECRET, startEmulatorProcess } from "./lib/emulator.mjs";
import { findTarball } from "./lib/package-install.mjs";
import { freePort, killAll, run, start, waitForLine } from "./lib/procs.mjs";

const here = new URL(".", import.meta.url).pathname;
const root = join(here, "../..");

const args = process.argv.slice(2);
const only = args.includes("--only") ? args[args.indexOf("--only") + 1].split(",") : null;
const keep = args.includes("--keep");

/** Exact versions of what each app installs besides the package (Next 15 wants TypeScript 5). */
const NEXT_TYPES = { typescript: "5.9.3", "@types/react": "19.3.3", "@types/react-dom": "19.3.0", "@types/node": "20.19.43" };
const APPS = {
  next15: { next: "15.5.29", react: "19.3.1", "react-dom": "19.3.1", ...NEXT_TYPES },
  next16: { next: "16.4.6", react: "19.3.1", "react-dom": "19.3.1", ...NEXT_TYPES },
  bun: { bun: "1.4.5" },
};

/** Log lines that mean the wasm was compiled from bytes or fetched (the Edge runtime forbids it). */
const FORBIDDEN = /Dynamic WASM code generation|instantiateStreaming|Falling back to `?WebAssembly\.instantiate/i;
/** Log lines quoted in the closing table. */
const WARNING = /\bwarn(ing)?\b|⚠|deprecat/i;

const NEXT_ENV = { NEXT_TELEMETRY_DISABLED: "1", NO_UPDATE_NOTIFIER: "1", NODE_NO_WARNINGS: "1" };

const say = (s) => console.log(`\x1b[1;34mnext-tests:\x1b[0m ${s}`);
const results = []; // { name, ok, detail, warnings, ms }

/** Run one case, recording pass/fail; never throws. `fn` returns the warning lines it saw. */
async function testCase(app, name, fn) {
  if (only && !only.includes(app)) return;
  say(`── ${name}`);
  const t0 = performance.now();
  try {
    const warnings = (await fn()) ?? [];
    results.push({ name, ok: true, warnings, ms: performance.now() - t0 });
    say(`✔ ${name} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (err) {
    results.push({ name, ok: false, warnings: err.warnings ?? [], detail: String(err?.stack ?? err).slice(0, 6000), ms: performance.now() - t0 });
    say(`\x1b[31m✘ ${name}: ${String(err?.message ?? err).slice(0, 6000)}\x1b[0m`);
  }
}

const tarball = findTarball(root);
const tarballBytes = readFileSync(tarball); // a concurrent rebuild may replace the file
const work = mkdtempSync(join(tmpdir(), "stytch-next-tests-"));
let emulator;
try {
  emulator = await startEmulatorProcess(join(root, "tests/emulator/cli.mjs"));
  say(`emulator: ${emulator.url}`);
  const emu = control(emulator.url);
  const appEnv = { ...process.env, ...NEXT_ENV, STYTCH_PROJECT_ID: PROJECT_ID, STYTCH_BASE_URL: emulator.url };

  const example = readmeExample();
  const nextFiles = (gateFile) => ({ [gateFile]: example, ...fixtureFiles(join(here, "next")) });

  if (!only || only.includes("next15")) {
    const project = await freshProject("next15", nextFiles("middleware.ts"));
    for (const [bundler, flag] of [["webpack", []], ["turbopack", ["--turbopack"]]]) {
      await testCase("next15", `next15 edge middleware, ${bundler}, build + start`, () => buildAndStart(project, flag, appEnv, emu, { edge: true }));
      await testCase("next15", `next15 edge middleware, ${bundler}, dev`, () => dev(project, flag, appEnv, emu));
    }
  }
  if (!only || only.includes("next16")) {
    const project = await freshProject("next16", nextFiles("proxy.ts"));
    await testCase("next16", "next16 proxy.ts (Node), turbopack, build + start", () => buildAndStart(project, [], appEnv, emu, { edge: false }));
    await testCase("next16", "next16 proxy.ts (Node), turbopack, dev", () => dev(project, [], appEnv, emu));
    await testCase("next16", "next16 proxy.ts (Node), webpack, build + start", () => buildAndStart(project, ["--webpack"], appEnv, emu, { edge: false }));
  }
  if (!only || only.includes("bun")) {
    const project = await freshProject("bun", fixtureFiles(join(here, "bun")));
    const bun = join(project, "node_modules/bun/bin/bun.exe");
    for (const [style, file, entry] of [["ESM", "esm.mjs", "node.mjs"], ["CJS", "cjs.cjs", "node.cjs"]]) {
      await testCase("bun", `bun ${style}`, async () => {
        const user = await emu.createUser({ email: `bun-${style}-${Date.now()}@example.com` });
        const { session_jwt } = await emu.createSession({ user_id: user.user_id });
        const env = { ...appEnv, STYTCH_EMULATOR_URL: emulator.url, PROJECT_ID, SECRET, JWT: session_jwt, FORGED: forge(session_jwt), USER_ID: user.user_id };
        const r = await run(bun, [file], { cwd: project, env, timeoutMs: 60_000, echo: true, prefix: "    " });
        const log = r.stdout + r.stderr;
        if (r.code !== 0) throw new Error(`bun ${file} exited ${r.code}`);
        const ok = /BUN_OK (\{.*\})/.exec(r.stdout);
        if (!ok) throw new Error(`bun ${file} printed no BUN_OK line`);
        const info = JSON.parse(ok[1]);
        if (!info.entry.endsWith(`/stytch-sessions-wasm/${entry}`)) throw new Error(`Bun resolved ${info.entry}, not the ${entry} entry`);
        say(`Bun ${info.bun} ${style}: ${entry}, fresh JWT verified, forged and garbage refused`);
        return warningLines(log);
      });
    }
  }
} catch (err) {
  results.push({ name: "setup", ok: false, warnings: [], detail: String(err?.stack ?? err) });
  console.error(err);
} finally {
  await emulator?.close();
  killAll();
  if (keep) say(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

console.log("\ncase                                                   result  time    warnings");
for (const r of results) {
  const w = r.warnings.length ? r.warnings.map((l) => `\n${" ".repeat(8)}| ${l}`).join("") : " none";
  console.log(`${r.name.padEnd(54)} ${r.ok ? "pass" : "FAIL"}    ${((r.ms ?? 0) / 1000).toFixed(0).padStart(4)} s ${w}`);
}
const failed = results.filter((r) => !r.ok);
for (const r of failed) console.log(`\n${r.name}:\n${r.detail}`);
console.log(`\nnext-bun: ${results.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length ? 1 : 0);

// ---------------------------------------------------------------------------------------------

/** The first ```ts block of the package README's "## Next.js middleware" section, as pasted. */
function readmeExample() {
  const readme = readFileSync(join(root, "pkg-template/README.md"), "utf8");
  const section = /^## Next\.js middleware\n([\s\S]*?)(?=^## )/m.exec(readme);
  if (!section) throw new Error('pkg-template/README.md has no "## Next.js middleware" section');
  const block = /^```ts\n([\s\S]*?)^```$/m.exec(section[1]);
  if (!block) throw new Error('the README\'s "Next.js middleware" section has no ```ts block');
  return block[1];
}

/** Every file under `dir`, as { relative path: contents }. */
function fixtureFiles(dir, prefix = "") {
  const files = {};
  for (const d of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${d.name}` : d.name;
    if (d.isDirectory()) Object.assign(files, fixtureFiles(dir, rel));
    else files[rel] = readFileSync(join(dir, rel));
  }
  return files;
}

/**
 * node_modules with APPS[app] installed, kept under target/js-apps/<app>-<hash of the versions
 * and Node's major>/ so that a second run installs nothing.
 */
async function cachedModules(app) {
  const deps = APPS[app];
  const key = createHash("sha256").update(JSON.stringify({ deps, node: process.versions.node.split(".")[0] })).digest("hex").slice(0, 12);
  const base = join(root, "target/js-apps");
  const dir = join(base, `${app}-${key}`);
  if (!existsSync(join(dir, ".ready"))) {
    mkdirSync(base, { recursive: true });
    const tmp = mkdtempSync(join(base, `${app}-${key}-tmp-`));
    writeFileSync(join(tmp, "package.json"), JSON.stringify({ name: `stytch-${app}-deps`, private: true, dependencies: deps }, null, 2));
    say(`npm install ${Object.entries(deps).map(([n, v]) => `${n}@${v}`).join(" ")} (once, into target/js-apps/${app}-${key})`);
    const r = await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", "--prefer-offline"], { cwd: tmp, timeoutMs: 600_000 });
    if (r.code !== 0) throw new Error(`npm install for ${app} failed:\n${r.stderr}`);
    writeFileSync(join(tmp, ".ready"), new Date().toISOString());
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  }
  // Older version sets go, and installs left half-done (by a killed run) an hour ago.
  for (const f of readdirSync(base)) {
    if (!f.startsWith(`${app}-`) || f === `${app}-${key}`) continue;
    if (!f.includes("-tmp-") || Date.now() - statSync(join(base, f)).mtimeMs > 3_600_000) rmSync(join(base, f), { recursive: true, force: true });
  }
  return dir;
}

/** A fresh project under the run's temp dir: the cached node_modules, `files`, then the tarball. */
async function freshProject(app, files) {
  const t0 = performance.now();
  const cache = await cachedModules(app);
  const project = join(work, app);
  mkdirSync(project);
  // Hard links: instant, and npm replaces files rather than writing into them. Another file
  // system than target/'s gets a plain copy.
  const link = await run("cp", ["-al", join(cache, "node_modules"), join(project, "node_modules")], { timeoutMs: 120_000 });
  if (link.code !== 0) cpSync(join(cache, "node_modules"), join(project, "node_modules"), { recursive: true });
  for (const f of ["package.json", "package-lock.json"]) cpSync(join(cache, f), join(project, f));
  for (const [rel, body] of Object.entries(files)) {
    mkdirSync(join(project, rel, ".."), { recursive: true });
    writeFileSync(join(project, rel), body);
  }
  const copy = join(work, `stytch-sessions-wasm-${app}.tgz`);
  writeFileSync(copy, tarballBytes);
  const r = await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", "--prefer-offline", copy], { cwd: project, timeoutMs: 300_000 });
  if (r.code !== 0) throw new Error(`npm install of the tarball into ${app} failed:\n${r.stderr}`);
  say(`${app}: fresh project ${project} ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return project;
}

/** `next <args>` as a server on a free port; resolves once it is ready, with its log. */
async function nextServer(project, args, env) {
  const port = await freePort();
  const child = start(process.execPath, [join(project, "node_modules/next/dist/bin/next"), ...args, "-p", String(port), "-H", "127.0.0.1"], { cwd: project, env });
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  await waitForLine(child, /Ready in/, 120_000).catch((err) => {
    throw new Error(`next ${args.join(" ")} did not start: ${err.message}\n${log}`);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    log: () => log,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", resolve);
        process.kill(-child.pid, "SIGTERM");
      }),
  };
}

async function buildAndStart(project, flags, env, emu, { edge }) {
  rmSync(join(project, ".next"), { recursive: true, force: true });
  const build = await run(process.execPath, [join(project, "node_modules/next/dist/bin/next"), "build", ...flags], { cwd: project, env, timeoutMs: 600_000, echo: true, prefix: "    " });
  const buildLog = build.stdout + build.stderr;
  const cmd = ["next build", ...flags].join(" ");
  if (build.code !== 0) throw withWarnings(new Error(`${cmd} failed (exit ${build.code})`), buildLog);
  say(`${cmd}: ${(build.ms / 1000).toFixed(1)} s`);
  if (edge) checkEdgeManifest(project);
  const server = await nextServer(project, ["start"], env);
  try {
    await gate(server.url, emu);
  } catch (err) {
    throw withWarnings(new Error(`${err.message}\n--- next start log:\n${server.log()}`), buildLog + server.log());
  } finally {
    await server.stop();
  }
  return checkLogs(buildLog + server.log());
}

async function dev(project, flags, env, emu) {
  rmSync(join(project, ".next"), { recursive: true, force: true });
  const server = await nextServer(project, ["dev", ...flags], env);
  try {
    await gate(server.url, emu);
  } catch (err) {
    throw withWarnings(new Error(`${err.message}\n--- next dev log:\n${server.log()}`), server.log());
  } finally {
    await server.stop();
  }
  return checkLogs(server.log());
}

/** The middleware of a production build is an Edge function that binds the .wasm as a module. */
function checkEdgeManifest(project) {
  const manifest = JSON.parse(readFileSync(join(project, ".next/server/middleware-manifest.json"), "utf8"));
  const mw = Object.values(manifest.middleware ?? {});
  if (mw.length !== 1) throw new Error(`middleware-manifest.json lists ${mw.length} middleware, not 1`);
  if (!(mw[0].wasm ?? []).length) throw new Error(`the middleware binds no wasm module (middleware-manifest.json: ${JSON.stringify(mw[0])})`);
}

/** Throws on a forbidden log line; returns the warning lines. */
function checkLogs(log) {
  const bad = log.split("\n").filter((l) => FORBIDDEN.test(l));
  if (bad.length) throw withWarnings(new Error(`forbidden log lines:\n${bad.join("\n")}`), log);
  return warningLines(log);
}

function warningLines(log) {
  return [...new Set(log.split("\n").map((l) => l.replace(/\x1b\[[0-9;]*m/g, "").trim()).filter((l) => WARNING.test(l)))];
}

function withWarnings(err, log) {
  err.warnings = warningLines(log);
  return err;
}

/** The gate requests against a running app; throws on the first wrong answer. */
async function gate(url, emu) {
  const user = await emu.createUser({ email: `next-${Date.now()}@example.com` });
  const { session_jwt } = await emu.createSession({ user_id: user.user_id });
  // The first request compiles the middleware in `next dev`: two cores may need a while.
  const get = async (path, headers = {}) => {
    const res = await fetch(url + path, { headers, redirect: "manual", signal: AbortSignal.timeout(240_000) });
    return { status: res.status, body: await res.text() };
  };
  const cases = [
    ["no token", {}, 401, "no_session"],
    ["fresh JWT (Bearer)", { Authorization: `Bearer ${session_jwt}` }, 200, JSON.stringify({ user_id: user.user_id })],
    ["fresh JWT (cookie), spoofed x-stytch-user-id", { Cookie: `stytch_session_jwt=${session_jwt}`, "x-stytch-user-id": "user-test-spoofed" }, 200, JSON.stringify({ user_id: user.user_id })],
    ["garbage", { Authorization: "Bearer garbage" }, 401, "jwt_invalid"],
    ["forged signature", { Authorization: `Bearer ${forge(session_jwt)}` }, 401, "jwt_signature_invalid"],
  ];
  for (const [what, headers, status, body] of cases) {
    const r = await get("/api/whoami", headers);
    if (r.status !== status || r.body !== body) throw new Error(`${what}: expected ${status} ${body}, got ${r.status} ${r.body.slice(0, 2000)}`);
    console.log(`    ${what.padEnd(46)} → ${r.status} ${r.body}`);
  }
  const node = [
    ["fresh JWT (Bearer)", { Authorization: `Bearer ${session_jwt}` }, 200, JSON.stringify({ user_id: user.user_id, runtime: "nodejs" })],
    ["forged signature", { Authorization: `Bearer ${forge(session_jwt)}` }, 401, "jwt_signature_invalid"],
  ];
  for (const [what, headers, status, body] of node) {
    const r = await get("/node/whoami", headers);
    if (r.status !== status || r.body !== body) throw new Error(`Node.js route, ${what}: expected ${status} ${body}, got ${r.status} ${r.body.slice(0, 2000)}`);
    console.log(`    ${`Node.js route, ${what}`.padEnd(46)} → ${r.status} ${r.body}`);
  }
  const w = await get("/wasm-module");
  const info = w.status === 200 ? JSON.parse(w.body) : null;
  if (!info || info.tag !== "[object WebAssembly.Module]" || !(info.exports > 0)) throw new Error(`/wasm-module (stytch-sessions-wasm/wasm?module in an Edge route): ${w.status} ${w.body.slice(0, 2000)}`);
  console.log(`    ${"Edge route: stytch-sessions-wasm/wasm?module".padEnd(46)} → ${w.status} ${w.body}`);
}
