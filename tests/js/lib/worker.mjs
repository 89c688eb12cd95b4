// The worker example in real workerd: bundled by `wrangler deploy --dry-run` (exactly what a
// deploy would upload), then run offline by Miniflare, plus the gate scenario the demo shows
// and the package tests assert.
import { readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import { run } from "./procs.mjs";
import { control, forge, PROJECT_ID, SECRET } from "./emulator.mjs";

const toolsDir = new URL("..", import.meta.url).pathname;
const require = createRequire(join(toolsDir, "package.json"));

/** No telemetry, no update checks, no cf.json download. */
export const OFFLINE_ENV = {
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_SEND_ERROR_REPORTS: "false",
  CLOUDFLARE_TELEMETRY_DISABLED: "1",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  NO_UPDATE_NOTIFIER: "1",
  CI: "1",
};

/** `wrangler deploy --dry-run --outdir <projectDir>/dist`; returns the bundle files and sizes. */
export async function bundleWorker(projectDir) {
  const wrangler = join(toolsDir, "node_modules/.bin/wrangler");
  const r = await run(wrangler, ["deploy", "--dry-run", "--outdir", "dist"], {
    cwd: projectDir,
    env: { ...process.env, ...OFFLINE_ENV },
    timeoutMs: 120_000,
  });
  if (r.code !== 0) throw new Error(`wrangler deploy --dry-run failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  const outdir = join(projectDir, "dist");
  const files = readdirSync(outdir).filter((f) => /\.(js|mjs|wasm)$/.test(f));
  let raw = 0;
  let gzip = 0;
  for (const f of files) {
    const bytes = readFileSync(join(outdir, f));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  const main = files.find((f) => f.endsWith(".js"));
  return { outdir, files, main, raw, gzip, ms: r.ms, log: r.stdout + r.stderr };
}

/**
 * Miniflare options that run a bundle from bundleWorker offline on a free loopback port, with
 * the worker example's KV namespace `JWKS` (in memory, or persisted under `kvPersist`, a
 * directory: instances given the same one share the namespace). `kv: false` leaves the binding
 * out (the worker then runs with no shared store).
 */
export function miniflareOptions(bundle, vars, { kvPersist, kv = true } = {}) {
  return {
    ...(kv ? { kvNamespaces: { JWKS: KV_NAMESPACE_ID } } : {}),
    ...(kvPersist ? { kvPersist } : {}),
    scriptPath: join(bundle.outdir, bundle.main),
    modulesRoot: bundle.outdir,
    modules: true,
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: "2026-04-01",
    bindings: vars,
    cf: false,
    host: "127.0.0.1",
    port: 0,
  };
}

/** The id of the worker example's KV namespace (worker-example/wrangler.toml). */
export const KV_NAMESPACE_ID = "00000000000000000000000000000000";
/** The key kvJwksStore keeps the JWKS under (pkg-template/api.js). */
export const KV_JWKS_KEY = "stytch-sessions-wasm:jwks";

/**
 * Run a bundle from bundleWorker in workerd (Miniflare); resolves `{ url, mf, kv(), dispose }`
 * (`kv()`: the JWKS namespace, to read or write from Node). `opts` as for miniflareOptions.
 */
export async function startWorker(bundle, vars, opts = {}) {
  Object.assign(process.env, OFFLINE_ENV);
  const { Miniflare } = require("miniflare");
  const mf = new Miniflare(miniflareOptions(bundle, vars, opts));
  const url = (await mf.ready).toString().replace(/\/$/, "");
  return { url, mf, kv: () => mf.getKVNamespace("JWKS"), dispose: () => mf.dispose() };
}

/** The `Set-Cookie` of a JWT the API minted (docs/rules.md, "Gating a request"). */
export const SET_COOKIE = /^stytch_session_jwt=[\w-]+\.[\w-]+\.[\w-]+; Path=\/; Max-Age=\d+; Secure; SameSite=Lax$/;

/** One request to the worker: `{ status, body, setCookie, headers, text, ms }`. */
export async function ask(url, init = {}) {
  const t0 = performance.now();
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  const ms = performance.now() - t0;
  return { ...(await readResponse(res)), ms };
}

/** A response as `{ status, body (JSON, or { raw }), text, setCookie, headers }`. */
export async function readResponse(res) {
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = { raw: text };
  }
  return { status: res.status, body, text, setCookie: res.headers.get("set-cookie"), headers: res.headers };
}

/**
 * The gate scenario: (1) no token, (2) a fresh JWT, (3) a JWT older than 5 minutes of a live
 * session, (4) a revoked session's old JWT, (5) a forged JWT, and, when `coldWorker` is given,
 * (6) a fresh JWT sent to a second, cold workerd instance (`await coldWorker()` starts it and
 * resolves `{ url, dispose }`) sharing the first one's persisted KV namespace. Returns one row per
 * case with the status, the JSON body, the Set-Cookie header, how many times the worker called
 * `POST /v1/sessions/authenticate` and how many JWKS fetches it made (the emulator's counts).
 */
export async function gateScenario(workerUrl, emulatorUrl, { coldWorker } = {}) {
  const emu = control(emulatorUrl);
  const user = await emu.createUser({ email: `gate-${Date.now()}@example.com`, name: "Ada Lovelace" });
  const fresh = await emu.createSession({ user_id: user.user_id });
  const old = await emu.createSession({ user_id: user.user_id, iat_offset_seconds: -600 });
  const revoked = await emu.createSession({ user_id: user.user_id, iat_offset_seconds: -600 });
  await emu.revokeViaApi({ session_id: revoked.session.session_id });

  const AUTH = "POST /v1/sessions/authenticate";
  const JWKS = "GET /v1/sessions/jwks/:project_id";
  const cases = [
    { name: "no token", headers: {}, expect: { status: 401, remote: false, error: "no_session" } },
    { name: "fresh JWT (cookie)", headers: { Cookie: `theme=dark; stytch_session_jwt=${fresh.session_jwt}` }, expect: { status: 200, remote: false, user: user.user_id } },
    { name: "JWT issued 10 min ago, live session (cookie)", headers: { Cookie: `stytch_session_jwt=${old.session_jwt}` }, expect: { status: 200, remote: true, user: user.user_id, cookie: true } },
    { name: "revoked session's JWT (issued 10 min ago)", headers: { Authorization: `Bearer ${revoked.session_jwt}` }, expect: { status: 401, remote: true, error: "session_not_found" } },
    { name: "forged JWT (signature flipped)", headers: { Authorization: `Bearer ${forge(fresh.session_jwt)}` }, expect: { status: 401, remote: false, error: "jwt_signature_invalid" } },
  ];
  if (coldWorker) cases.push({ name: "cold isolate, JWKS from the store (cookie)", cold: true, headers: { Cookie: `stytch_session_jwt=${fresh.session_jwt}` }, expect: { status: 200, remote: false, user: user.user_id, jwks: 0 } });
  const rows = [];
  for (const c of cases) {
    const cold = c.cold ? await coldWorker() : null;
    try {
      const before = await emu.requests();
      const r = await ask((cold?.url ?? workerUrl) + "/dashboard", { headers: c.headers });
      const after = await emu.requests();
      rows.push({ ...c, ...r, apiCalls: (after[AUTH] ?? 0) - (before[AUTH] ?? 0), jwksFetches: (after[JWKS] ?? 0) - (before[JWKS] ?? 0) });
    } finally {
      await cold?.dispose();
    }
  }
  return rows;
}

/** Problems of a gateScenario result against each case's expectations (empty: all good). */
export function checkScenario(rows) {
  const problems = [];
  for (const r of rows) {
    const e = r.expect;
    const why = [];
    if (r.status !== e.status) why.push(`status ${r.status}, expected ${e.status}`);
    if ((r.apiCalls > 0) !== e.remote) why.push(e.remote ? "expected an API call" : "expected no API call");
    if (e.jwks !== undefined && r.jwksFetches !== e.jwks) why.push(`${r.jwksFetches} JWKS fetches, expected ${e.jwks}`);
    if (e.user && r.body.user_id !== e.user) why.push(`user_id ${r.body.user_id}, expected ${e.user}`);
    if (e.status === 200 && r.body.remote !== e.remote) why.push(`body.remote ${r.body.remote}, expected ${e.remote}`);
    if (e.error && r.body.code !== e.error) why.push(`code ${r.body.code}, expected ${e.error}`);
    if (e.cookie) {
      if (!SET_COOKIE.test(r.setCookie ?? "")) why.push(`bad Set-Cookie ${r.setCookie}`);
    } else if (r.setCookie) why.push(`unexpected Set-Cookie ${r.setCookie}`);
    if (why.length) problems.push(`${r.name}: ${why.join("; ")} (body ${JSON.stringify(r.body).slice(0, 300)})`);
  }
  return problems;
}

/** The scenario as a table for people. */
export function formatScenario(rows) {
  const lines = [];
  lines.push("  case                                              status  result                                                                            API called  JWKS fetches");
  lines.push("  " + "-".repeat(154));
  rows.forEach((r, i) => {
    const who = r.status === 200
      ? `let in ${r.body.user_id}${r.body.remote ? " (remote)" : " (local)"}`
      : `refused: ${r.body.error} ${r.body.code}`;
    const cookie = r.setCookie ? " + Set-Cookie" : "";
    const api = r.apiCalls ? `yes (${r.apiCalls})` : "no";
    lines.push(`  (${i + 1}) ${r.name.padEnd(46)} ${String(r.status).padEnd(7)} ${(who + cookie).padEnd(81)} ${api.padEnd(11)} ${String(r.jwksFetches).padEnd(3)} ${r.ms.toFixed(1)} ms`);
  });
  return lines.join("\n");
}

/**
 * A fresh copy of worker-example/ in `dir`, with the packed tarball installed from its file
 * (not the source tree) and the type packages linked from tests/js. Returns the npm install time.
 */
export async function prepareWorkerProject(repoRoot, tarball, dir, example = "worker-example") {
  const { cpSync, mkdirSync, symlinkSync, writeFileSync } = await import("node:fs");
  const src = join(repoRoot, example);
  mkdirSync(dir, { recursive: true });
  for (const f of ["src", "wrangler.toml", "tsconfig.json"]) cpSync(join(src, f), join(dir, f), { recursive: true });
  const pkg = JSON.parse(readFileSync(join(src, "package.json"), "utf8"));
  pkg.dependencies["stytch-sessions-wasm"] = `file:${tarball}`;
  delete pkg.devDependencies; // the same tools, already installed in tests/js
  writeFileSync(join(dir, "package.json"), JSON.stringify(pkg, null, 2));
  const r = await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir, timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`npm install in ${dir} failed:\n${r.stderr}`);
  mkdirSync(join(dir, "node_modules/@cloudflare"), { recursive: true });
  symlinkSync(join(toolsDir, "node_modules/@cloudflare/workers-types"), join(dir, "node_modules/@cloudflare/workers-types"));
  return r.ms;
}

/** `tsc --noEmit -p <dir>` with tests/js's TypeScript. */
export function typecheck(dir) {
  return run(join(toolsDir, "node_modules/.bin/tsc"), ["--noEmit", "-p", dir], { timeoutMs: 120_000 });
}
