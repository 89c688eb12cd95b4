#!/usr/bin/env node
// Tests the packed npm package (target/npm/stytch-sessions-wasm-*.tgz, from ./scripts/build) in
// every runtime, each installed into a fresh temporary project (never the source tree) and run
// against a started emulator:
//   node-esm, node-cjs  node:test over the package's "node" import / require entries
//   deno                deno test over the "deno" entry (npm's deno binary), with net access to
//                       127.0.0.1 only and no read permission (the entry imports the .wasm as a module)
//   workerd             worker-example/ bundled by `wrangler deploy --dry-run`, run by Miniflare:
//                       the demo's six gate requests, asserted (the sixth to a second,
//                       cold instance sharing the persisted KV namespace: 0 JWKS fetches)
//   workerd-gate        node --test tests/js/gate/: authenticateRequest through the worker example,
//                       the KV and Cache API JWKS stores, 100,000 clients without free()
//   chromium            a page importing the "browser" entry, in headless Debian Chromium
//   types               tsc against the published .d.ts (ESM and CommonJS resolution)
//   readme              every JS/TS snippet of README.md and pkg-template/README.md, type-checked
//                       and run where it belongs (tests/js/readme/snippets.mjs)
//   firefox             the same page in headless Debian Firefox ESR, through geckodriver (WebDriver:
//                       Playwright cannot drive firefox-esr; it needs its own patched build)
//
// Usage: node tests/js/run-package-tests.mjs [--only name,name] [--keep]
// Prints "N passed, N failed" last; exits non-zero on any failure.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { control, forge, PROJECT_ID, SECRET, startEmulatorProcess } from "./lib/emulator.mjs";
import { killAll, run } from "./lib/procs.mjs";
import { firefox } from "./lib/webdriver.mjs";
import { bundleWorker, checkScenario, formatScenario, gateScenario, prepareWorkerProject, startWorker, typecheck } from "./lib/worker.mjs";
import { runReadmeSnippets } from "./readme/snippets.mjs";

const here = new URL(".", import.meta.url).pathname;
const root = join(here, "../..");
const bin = (name) => join(here, "node_modules/.bin", name);
const require = createRequire(join(here, "package.json"));

const args = process.argv.slice(2);
const only = args.includes("--only") ? args[args.indexOf("--only") + 1].split(",") : null;
const keep = args.includes("--keep");

const tgzDir = join(root, "target/npm");
const tgz = readdirSync(tgzDir, { withFileTypes: true }).map((d) => d.name).find((f) => /^stytch-sessions-wasm-.*\.tgz$/.test(f));
if (!tgz) {
  console.error("no target/npm/stytch-sessions-wasm-*.tgz: run ./scripts/build first");
  process.exit(2);
}
const tarball = join(tgzDir, tgz);

/** What the browser pages run (Chromium through Playwright, Firefox through WebDriver). */
const inPage = async ({ jwt, forged, url, projectId, secret }) => {
  const { verifyJwt, Client, ClientError, StytchError } = window.stytch;
  const session = await verifyJwt(jwt, { project_id: projectId, custom_base_url: url });
  const firstAt = Date.now();
  let forgedErr;
  try {
    await verifyJwt(forged, { project_id: projectId, custom_base_url: url });
  } catch (e) {
    // Realm-independent checks: WebDriver runs this in a sandbox whose Error and Object are not
    // the page's.
    forgedErr = { isClientError: e instanceof ClientError, isError: Object.prototype.toString.call(e) === "[object Error]", notStytch: !(e instanceof StytchError), name: e.name, code: e.code };
  }
  const client = new Client({ project_id: projectId, secret, custom_base_url: url });
  const local = await client.sessions.authenticateJwt({ session_jwt: jwt });
  const jwks = await client.sessions.getJWKS({ project_id: projectId });
  return {
    firstAt,
    user_id: session.user_id,
    plain: Object.getPrototypeOf(Object.getPrototypeOf(session)) === null && Object.prototype.toString.call(session) === "[object Object]",
    forgedErr,
    localRemote: local.request_id !== undefined,
    kids: jwks.keys.length,
    ua: navigator.userAgent,
  };
};

/** What is wrong with `inPage`'s result for `user`. */
function pageProblems(out, user) {
  const problems = [];
  if (out.user_id !== user.user_id) problems.push(`user_id ${out.user_id}`);
  if (!out.plain) problems.push("session is not a plain object");
  const fe = out.forgedErr;
  if (!fe || !fe.isClientError || !fe.isError || !fe.notStytch || fe.name !== "ClientError" || fe.code !== "jwt_signature_invalid") problems.push(`forged: ${JSON.stringify(fe)}`);
  if (out.localRemote) problems.push("authenticateJwt of a fresh JWT called the API");
  if (out.kids < 1) problems.push("no keys");
  return problems;
}

const results = []; // { name, ok, detail, installMs, firstMs }
const say = (s) => console.log(`\x1b[1;34mpackage-tests:\x1b[0m ${s}`);

/** Run one runtime's tests, recording pass/fail; never throws. */
async function runtime(name, fn) {
  if (only && !only.includes(name)) return;
  say(`── ${name}`);
  const t0 = performance.now();
  try {
    const r = (await fn()) ?? {};
    results.push({ name, ok: true, ...r, ms: performance.now() - t0 });
    say(`✔ ${name} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (err) {
    results.push({ name, ok: false, detail: String(err?.stack ?? err).slice(0, 4000), ms: performance.now() - t0 });
    say(`\x1b[31m✘ ${name}: ${String(err?.message ?? err).slice(0, 4000)}\x1b[0m`);
  }
}

/** `FIRST_VERIFY_AT=<epoch ms>` printed by a child → ms since `startedAt` (epoch ms). */
function firstVerify(stdout, startedAt) {
  const m = /FIRST_VERIFY_AT=(\d+)/.exec(stdout);
  return m ? Number(m[1]) - startedAt : undefined;
}

const work = mkdtempSync(join(tmpdir(), "stytch-pkg-tests-"));
const project = join(work, "project");
let emulator;
let gateEmulators = [];
try {
  // One fresh project with the tarball installed, shared by Node, Deno, the types and the page.
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "pkg-test-project", private: true, type: "module" }, null, 2));
  say(`npm install ${tgz} into ${project}`);
  const install = await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", tarball], { cwd: project, timeoutMs: 120_000 });
  if (install.code !== 0) throw new Error(`npm install failed: ${install.stderr}`);
  const installMs = install.ms;
  say(`npm install: ${installMs.toFixed(0)} ms`);
  for (const f of readdirSync(join(here, "package"))) cpSync(join(here, "package", f), join(project, f));

  // The emulator as users get it: the installed package's bin (npx stytch-sessions-emulator).
  emulator = await startEmulatorProcess(join(project, "node_modules/.bin/stytch-sessions-emulator"));
  const url = emulator.url;
  say(`emulator: ${url}`);
  // Two more for authenticateRequest (package/gate.mjs): one whose policy and faults only those
  // checks touch, and one each process meets cold.
  gateEmulators = [await startEmulatorProcess(join(project, "node_modules/.bin/stytch-sessions-emulator")), await startEmulatorProcess(join(project, "node_modules/.bin/stytch-sessions-emulator"))];
  const env = { ...process.env, STYTCH_EMULATOR_URL: url, STYTCH_EMULATOR_URL_2: gateEmulators[0].url, STYTCH_EMULATOR_URL_3: gateEmulators[1].url, NODE_NO_WARNINGS: "1" };

  const nodeTest = async (file) => {
    const startedAt = Date.now();
    const r = await run(process.execPath, ["--test", "--test-reporter=spec", file], { cwd: project, env, timeoutMs: 120_000, echo: true, prefix: "    " });
    if (r.code !== 0) throw new Error(`node --test ${file} failed (exit ${r.code})`);
    return { installMs, firstMs: firstVerify(r.stdout, startedAt) };
  };
  await runtime("node-esm", () => nodeTest("node.test.mjs"));
  await runtime("node-cjs", () => nodeTest("node.test.cjs"));

  await runtime("deno", async () => {
    const startedAt = Date.now();
    const r = await run(bin("deno"), ["test", "--allow-net=127.0.0.1", "--allow-env=STYTCH_EMULATOR_URL,STYTCH_EMULATOR_URL_2,STYTCH_EMULATOR_URL_3", "--no-prompt", "deno.test.ts"], {
      cwd: project,
      env: { ...env, DENO_NO_UPDATE_CHECK: "1", DENO_DIR: join(work, "deno-dir"), NO_COLOR: "1" },
      timeoutMs: 180_000,
      echo: true,
      prefix: "    ",
    });
    if (r.code !== 0) throw new Error(`deno test failed (exit ${r.code})`);
    return { installMs, firstMs: firstVerify(r.stdout, startedAt) };
  });

  await runtime("workerd", async () => {
    const dir = join(work, "worker");
    const workerInstallMs = await prepareWorkerProject(root, tarball, dir);
    const tc = await typecheck(dir);
    if (tc.code !== 0) throw new Error(`tsc --noEmit (worker-example) failed:\n${tc.stdout}${tc.stderr}`);
    say("worker-example type-checks (tsc --noEmit)");
    const bundle = await bundleWorker(dir);
    say(`wrangler deploy --dry-run --outdir: ${bundle.files.join(" + ")} = ${bundle.raw} bytes, ${bundle.gzip} gzip (Workers' limit counts the gzip size)`);
    const startedAt = Date.now();
    const vars = { STYTCH_PROJECT_ID: PROJECT_ID, STYTCH_SECRET: SECRET, STYTCH_BASE_URL: url };
    const kvPersist = join(work, "worker-kv"); // shared by the second, cold instance of case (6)
    const worker = await startWorker(bundle, vars, { kvPersist });
    try {
      const rows = await gateScenario(worker.url, url, { coldWorker: () => startWorker(bundle, vars, { kvPersist }) });
      const firstAt = Date.now() - rows.slice(2).reduce((a, r) => a + r.ms, 0); // about the end of case (2)
      console.log(formatScenario(rows));
      const problems = checkScenario(rows);
      if (problems.length) throw new Error(problems.join("\n"));
      return { installMs: workerInstallMs, firstMs: bundle.ms + (firstAt - startedAt), bundle: `${bundle.raw} B (${bundle.gzip} B gzip)` };
    } finally {
      await worker.dispose();
    }
  });

  // authenticateRequest, the JWKS stores and per-request clients in workerd (tests/js/gate/):
  // the worker example and a test-only worker, each test with its own emulators.
  await runtime("workerd-gate", async () => {
    const r = await run(process.execPath, ["--test", "--test-reporter=spec", join(here, "gate")], { cwd: here, env: { ...process.env, NODE_NO_WARNINGS: "1" }, timeoutMs: 240_000, echo: true, prefix: "    " });
    if (r.code !== 0) throw new Error(`node --test tests/js/gate failed (exit ${r.code})`);
  });

  await runtime("chromium", async () => {
    const { chromium } = require("playwright-core");
    const server = await serveStatic(project);
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      headless: true,
      timeout: 30_000,
      // Playwright starts Chromium headless with a fresh temporary --user-data-dir of its own.
      args: ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--no-first-run", "--disable-component-update", "--disable-sync", "--disable-quic"],
    });
    try {
      const emu = control(url);
      const user = await emu.createUser({ email: `browser-${Date.now()}@example.com` });
      const minted = await emu.createSession({ user_id: user.user_id });
      const page = await browser.newPage();
      const logs = [];
      page.on("console", (m) => logs.push(`${m.type()}: ${m.text()}`));
      page.on("pageerror", (e) => logs.push(`pageerror: ${e.message}`));
      const startedAt = Date.now();
      await page.goto(`${server.url}/browser.html`, { timeout: 15_000 });
      await page.waitForSelector("body[data-ready=yes]", { state: "attached", timeout: 15_000 }).catch((e) => {
        throw new Error(`page did not load the package: ${e.message}\n${logs.join("\n")}`);
      });
      const out = await page.evaluate(inPage, { jwt: minted.session_jwt, forged: forge(minted.session_jwt), url, projectId: PROJECT_ID, secret: SECRET });
      const problems = pageProblems(out, user);
      if (problems.length) throw new Error(problems.join("; ") + "\n" + logs.join("\n"));
      say(`page in ${out.ua.match(/(HeadlessChrome|Chrome)\/[\d.]+/)?.[0]}: verified ${out.user_id}, forged → ClientError jwt_signature_invalid`);
      return { installMs, firstMs: out.firstAt - startedAt };
    } finally {
      await browser.close();
      await server.close();
    }
  });

  await runtime("firefox", async () => {
    const server = await serveStatic(project);
    const browser = await firefox();
    try {
      const emu = control(url);
      const user = await emu.createUser({ email: `firefox-${Date.now()}@example.com` });
      const minted = await emu.createSession({ user_id: user.user_id });
      const startedAt = Date.now();
      await browser.goto(`${server.url}/browser.html`);
      await browser.waitFor(() => document.body?.dataset.ready === "yes", 15_000);
      const out = await browser.run(inPage, { jwt: minted.session_jwt, forged: forge(minted.session_jwt), url, projectId: PROJECT_ID, secret: SECRET });
      const problems = pageProblems(out, user);
      if (problems.length) throw new Error(problems.join("; "));
      say(`page in Firefox ${browser.version}: verified ${out.user_id}, forged → ClientError jwt_signature_invalid`);
      return { installMs, firstMs: out.firstAt - startedAt };
    } finally {
      await browser.close();
      await server.close();
    }
  });

  await runtime("types", async () => {
    const r = await run(bin("tsc"), ["-p", join(project, "tsconfig.json")], { cwd: project, timeoutMs: 120_000 });
    if (r.code !== 0) throw new Error(`tsc against the published .d.ts failed:\n${r.stdout}${r.stderr}`);
    // And the declarations must not use `any`.
    const dts = readFileSync(join(project, "node_modules/stytch-sessions-wasm/index.d.ts"), "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
    if (/\bany\b/.test(dts)) throw new Error("index.d.ts uses `any`");
    say("tsc --noEmit (strict, exactOptionalPropertyTypes, node16 ESM + CJS) passes; no `any` in index.d.ts");
  });

  await runtime("readme", () => runReadmeSnippets({ root, tarball, work, emulatorUrl: url, say }).then(() => undefined));
} catch (err) {
  results.push({ name: "setup", ok: false, detail: String(err?.stack ?? err) });
  console.error(err);
} finally {
  await emulator?.close();
  for (const e of gateEmulators) await e.close();
  killAll();
  if (keep) say(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

console.log("\nruntime     result  npm install → first verified request");
for (const r of results) {
  const timing = r.firstMs !== undefined ? `${r.installMs.toFixed(0)} ms install + ${r.firstMs.toFixed(0)} ms to first verify = ${(r.installMs + r.firstMs).toFixed(0)} ms` : "";
  console.log(`${r.name.padEnd(11)} ${r.ok ? "pass" : "FAIL"}    ${timing}${r.bundle ? `  (worker bundle ${r.bundle})` : ""}`);
}
const failed = results.filter((r) => !r.ok);
for (const r of failed) console.log(`\n${r.name}:\n${r.detail}`);
console.log(`\npackage: ${results.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length ? 1 : 0);

/** A tiny static file server on 127.0.0.1 for the browser page (right MIME types for wasm). */
function serveStatic(dir) {
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
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) }),
    ),
  );
}
