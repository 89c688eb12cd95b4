#!/usr/bin/env node
// The JavaScript benchmark behind ./scripts/bench (which builds the package first).
//
// Compares the packed package (target/npm/stytch-sessions-wasm-*.tgz, installed into a temporary
// project, never the source tree) with jose, node:crypto, the official `stytch` SDK and fast-jwt,
// in Node and inside workerd (Miniflare), on session JWTs minted by the local emulator; then the
// .wasm size and the cold start. Everything is loopback-only and bounded; it prints, it asserts
// nothing (a failed verification is reported next to its row, since it would make a row meaningless).
//
// Usage: node --expose-gc benches/js/bench.mjs [--quick] [--rounds 11] [--n 200] [--worker-rounds 11]
//                                                [--cold-runs 7] [--only workerd,node,parts,cold]
// (--quick: 3 rounds of 50 tokens, for trying it out.) The report goes to stdout, progress to stderr;
// BENCH_DEBUG=1 also prints the workerd medians round by round.
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { brotliCompressSync, constants as zc, gzipSync } from "node:zlib";
import { control, PROJECT_ID, SECRET, startEmulatorProcess } from "../../tests/js/lib/emulator.mjs";
import { killAll, run } from "../../tests/js/lib/procs.mjs";
import { bundleWorker, startWorker } from "../../tests/js/lib/worker.mjs";
import { partsBench, partsTable } from "./parts.mjs";

const here = new URL(".", import.meta.url).pathname;
const root = join(here, "../..");

const args = process.argv.slice(2);
const arg = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const quick = args.includes("--quick");
const ROUNDS = Number(arg("--rounds", quick ? 3 : 11));
const N = Number(arg("--n", quick ? 50 : 200));
const W_ROUNDS = Number(arg("--worker-rounds", quick ? 3 : 11));
const COLD_RUNS = Number(arg("--cold-runs", quick ? 3 : 7));
// Each round's N tokens are timed in SLICES short samples (Node: 10 of 20 tokens; workerd: 4
// requests of 50), the implementations interleaved slice by slice: a sample of a few ms usually
// runs within one time slice of the scheduler, so the median holds up while other processes
// compete for the 2 cores.
const SLICES = Number(arg("--slices", 10));
const W_SLICES = Number(arg("--worker-slices", 4));
const only = arg("--only", "workerd,node,parts,cold").split(",");

const say = (s) => process.stderr.write(`\x1b[1;34mbench:\x1b[0m ${s}\n`);
const gc = globalThis.gc ?? (() => {});
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x, d = 1) => (x >= 100 ? x.toFixed(0) : x.toFixed(d));
const ratio = (a, b) => (b > 0 ? `${(a / b).toFixed(2)}×` : "–");
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const iqr = (xs) => `${fmt(quantile(xs, 0.25))}–${fmt(quantile(xs, 0.75))}`;
const slice = (tokens, j, k) => tokens.slice(Math.floor((j * tokens.length) / k), Math.floor(((j + 1) * tokens.length) / k));
const tStart = performance.now();

// ---------------------------------------------------------------------------------------------
// The package, from its tarball, in a temporary project (with jose linked in for the Worker).
const tgzDir = join(root, "target/npm");
const tgz = readdirSync(tgzDir).find((f) => /^stytch-sessions-wasm-.*\.tgz$/.test(f));
if (!tgz) {
  console.error("no target/npm/stytch-sessions-wasm-*.tgz: run ./scripts/build first");
  process.exit(2);
}
const work = mkdtempSync(join(os.tmpdir(), "stytch-bench-"));
const project = join(work, "project");
mkdirSync(project);
writeFileSync(join(project, "package.json"), JSON.stringify({ name: "bench-project", private: true, type: "module" }, null, 2));
const install = await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", "--prefer-offline", join(tgzDir, tgz)], { cwd: project, timeoutMs: 120_000 });
if (install.code !== 0) {
  console.error(`npm install ${tgz} failed:\n${install.stderr}`);
  process.exit(1);
}
process.once("exit", () => rmSync(work, { recursive: true, force: true })); // also on Ctrl-C
symlinkSync(join(here, "node_modules/jose"), join(project, "node_modules/jose"));
for (const f of ["cold.mjs", "worker.js", "cold-worker.js"]) cpSync(join(here, f), join(project, f));
say(`installed ${tgz} into ${project}`);
const pkgDir = join(project, "node_modules/stytch-sessions-wasm");
const pkgVersion = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")).version;

let emulator;
let emu; // control routes of the emulator
let user; // the user every token belongs to
const report = []; // markdown lines
const out = (s = "") => report.push(s);
try {
  emulator = await startEmulatorProcess(join(root, "tests/emulator/cli.mjs"));
  const url = emulator.url;
  emu = control(url);
  user = await emu.createUser({ email: "bench@example.com", name: "Bench Mark" });
  const jwks = await (await fetch(`${url}/v1/sessions/jwks/${PROJECT_ID}`)).json();
  say(`emulator ${url}, user ${user.user_id}, ${jwks.keys.length} key(s)`);

  const cpu = (readFileSync("/proc/cpuinfo", "utf8").match(/^model name\s*:\s*(.*)$/m) ?? [])[1] ?? os.cpus()[0]?.model;
  out(`Run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on ${os.availableParallelism()} cores (${cpu}), Node ${process.version}, ${os.platform()} ${os.release()}; load average at start ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}.`);
  out(`Package ${tgz} (version ${pkgVersion}); tokens from the local emulator (2048-bit RSA, RS256, ~${(await mint(1))[0].length} characters each).`);
  out();

  // workerd first: it is where the package is meant to run.
  const pkgRows = {};
  if (only.includes("workerd")) pkgRows.workerd = await workerBench(url, jwks, pools);
  else if (only.includes("workerd-cold")) await workerColdBench(url, jwks, pools);
  if (only.includes("node")) pkgRows.node = await nodeBench(url, jwks, pools);
  if (only.includes("parts")) {
    say("parts: building nothing (scripts/bench built target/bench-parts); minting tokens");
    const [token] = await mint(1);
    const parts = await partsBench({ root, jwks, token, pools: await pools(ROUNDS + 5, 20), projectId: PROJECT_ID, baseUrl: url, rounds: ROUNDS, say });
    out(`### The parts of a verification, each inside wasm (bench-only module \`benches/wasm-parts\`, built like the package's; µs, medians of ${ROUNDS} rounds)`);
    out();
    for (const line of partsTable(parts, pkgRows)) out(line);
    out();
  }
  if (only.includes("cold")) await coldBench(url, jwks);
  sizes();
} finally {
  await emulator?.close();
  killAll();
  rmSync(work, { recursive: true, force: true });
}
console.log(report.join("\n"));
console.log(`\nbench (after the build) took ${((performance.now() - tStart) / 1000).toFixed(1)} s`);
process.exit(0);

// ---------------------------------------------------------------------------------------------
/** `count` distinct fresh session JWTs (8 requests in flight). */
async function mint(count) {
  const tokens = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < count) {
        const i = next++;
        tokens[i] = (await emu.createSession({ user_id: user.user_id })).session_jwt;
      }
    }),
  );
  return tokens;
}
/** `count` arrays of `n` distinct fresh tokens each. */
async function pools(count, n) {
  const all = await mint(count * n);
  return Array.from({ length: count }, (_, i) => all.slice(i * n, (i + 1) * n));
}

// ---------------------------------------------------------------------------------------------
async function nodeBench(url, jwks, pools) {
  const ours = await import(join(pkgDir, "node.mjs"));
  const jose = await import("jose");
  const { Client: StytchClient } = (await import("stytch")).default;
  const { createVerifier } = (await import("fast-jwt")).default;

  const issuer = [`stytch.com/${PROJECT_ID}`, url];
  const oursOpts = { project_id: PROJECT_ID, custom_base_url: url };
  const oursClient = new ours.Client({ project_id: PROJECT_ID, secret: SECRET, custom_base_url: url });
  const joseKeys = jose.createLocalJWKSet(jwks);
  const joseOpts = { issuer, audience: PROJECT_ID, algorithms: ["RS256"], maxTokenAge: 300, requiredClaims: ["exp", "iat"] };
  const keyObject = crypto.createPublicKey({ key: { kty: "RSA", n: jwks.keys[0].n, e: jwks.keys[0].e }, format: "jwk" });
  const pem = keyObject.export({ type: "spki", format: "pem" });
  const fast = createVerifier({ key: pem, algorithms: ["RS256"], allowedIss: issuer, allowedAud: PROJECT_ID, maxAge: 300_000, requiredClaims: ["exp", "iat"] });
  // The SDK refuses an http:// custom_base_url ("must use HTTPS scheme"); `env` is its other way
  // to set the base URL (it warns that the value is not one of its own; silenced here).
  const warn = console.warn;
  console.warn = () => {};
  const stytch = new StytchClient({ project_id: PROJECT_ID, secret: SECRET, env: `${url}/` });
  console.warn = warn;

  // Warm the key caches that fetch (ours: module cache; the SDK: jose's remote JWKS) and check
  // that every implementation accepts a token and reads the right user.
  const [probe] = await mint(1);
  const subs = {
    ours: (await ours.verifyJwt(probe, oursOpts)).user_id,
    oursClient: (await oursClient.sessions.authenticateJwtLocal({ session_jwt: probe })).user_id,
    jose: (await jose.jwtVerify(probe, joseKeys, joseOpts)).payload.sub,
    stytch: (await stytch.sessions.authenticateJwtLocal({ session_jwt: probe })).user_id,
    fast: fast(probe).sub,
  };
  say(`node: every implementation reads user ${JSON.stringify(new Set(Object.values(subs)).size === 1 ? subs.ours : subs)}`);

  say(`node: minting ${2 * (ROUNDS + 1) * N} fresh tokens`);
  const oursPools = await pools(ROUNDS + 1, N); // fresh tokens for verifyJwt, one pool per round (+ warm-up)
  const clientPools = await pools(ROUNDS + 1, N); // and for Client.sessions.authenticateJwtLocal
  const repeat = oursPools[0][0];

  const rsOnly = (t) => {
    const i = t.lastIndexOf(".");
    if (!crypto.verify("sha256", Buffer.from(t.slice(0, i)), keyObject, Buffer.from(t.slice(i + 1), "base64url"))) throw new Error("bad signature");
  };
  // pool(r): the tokens of round r. Only ours remembers tokens, so the others reuse ours' pool.
  const impls = [
    { key: "ours", label: "**ours** `verifyJwt`, fresh token, keys warm", pool: (r) => oursPools[r], run: (t) => ours.verifyJwt(t, oursOpts) },
    { key: "oursRepeat", label: "**ours** `verifyJwt`, the same token again", pool: () => Array(N).fill(repeat), run: (t) => ours.verifyJwt(t, oursOpts) },
    { key: "oursClient", label: "**ours** `client.sessions.authenticateJwtLocal`, fresh token", pool: (r) => clientPools[r], run: (t) => oursClient.sessions.authenticateJwtLocal({ session_jwt: t }) },
    { key: "jose", label: "jose 6 `jwtVerify` + `createLocalJWKSet` (iss, aud, exp, maxTokenAge)", pool: (r) => oursPools[r], run: (t) => jose.jwtVerify(t, joseKeys, joseOpts) },
    { key: "stytch", label: "`stytch` 14 SDK `sessions.authenticateJwtLocal` (jose 5 inside)", pool: (r) => oursPools[r], run: (t) => stytch.sessions.authenticateJwtLocal({ session_jwt: t }) },
    { key: "fast", label: "fast-jwt 6 `createVerifier` RS256, PEM key (iss, aud, maxAge)", pool: (r) => oursPools[r], sync: (t) => fast(t) },
    { key: "crypto", label: "node:crypto `crypto.verify` RS256 alone (split + base64url + verify)", pool: (r) => oursPools[r], sync: rsOnly },
  ];
  const samples = Object.fromEntries(impls.map((i) => [i.key, []]));
  const failures = Object.fromEntries(impls.map((i) => [i.key, 0]));
  const firstErr = {};
  async function batch(impl, tokens) {
    let failed = 0;
    const t0 = performance.now();
    if (impl.sync) {
      for (const t of tokens) {
        try {
          impl.sync(t);
        } catch (e) {
          failed++;
          firstErr[impl.key] ??= e?.code ?? e?.message;
        }
      }
    } else {
      for (const t of tokens) {
        try {
          await impl.run(t);
        } catch (e) {
          failed++;
          firstErr[impl.key] ??= e?.code ?? e?.message;
        }
      }
    }
    const us = ((performance.now() - t0) * 1000) / tokens.length;
    failures[impl.key] += failed;
    return us;
  }
  // Round 0 warms the JITs (not counted). Each round times every implementation on its N tokens,
  // slice by slice, in an order rotated each slice, so drift and noise spread over all of them.
  const t0 = performance.now();
  for (let r = 0; r <= ROUNDS; r++) {
    gc();
    for (let j = 0; j < SLICES; j++) {
      const order = impls.map((_, i) => impls[(i + r * SLICES + j) % impls.length]);
      for (const impl of order) {
        const us = await batch(impl, slice(impl.pool(r), j, SLICES));
        if (r > 0) samples[impl.key].push(us);
      }
    }
  }
  say(`node: ${ROUNDS} rounds × ${N} tokens × ${impls.length} implementations in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const med = Object.fromEntries(impls.map((i) => [i.key, median(samples[i.key])]));
  out(`### Node ${process.version}: one verification, µs per token (median of ${ROUNDS} rounds × ${SLICES} interleaved samples of ${Math.floor(N / SLICES)} tokens)`);
  out();
  out("| implementation | µs / token | verifications / s | p25–p75 of samples (µs) | time ÷ jose | time ÷ node:crypto |");
  out("|---|---:|---:|---:|---:|---:|");
  for (const i of impls) {
    const m = med[i.key];
    const s = samples[i.key];
    const bad = failures[i.key] ? ` ⚠ ${failures[i.key]} failed (${firstErr[i.key]})` : "";
    out(`| ${i.label}${bad} | ${fmt(m)} | ${Math.round(1e6 / m).toLocaleString("en-US")} | ${iqr(s)} | ${ratio(m, med.jose)} | ${ratio(m, med.crypto)} |`);
  }
  out();
  return { fresh: med.ours, repeat: med.oursRepeat };
}

// ---------------------------------------------------------------------------------------------
async function workerBench(url, jwks, pools) {
  writeFileSync(join(project, "wrangler.toml"), `name = "stytch-bench"\nmain = "worker.js"\ncompatibility_date = "2026-04-01"\nsend_metrics = false\n`);
  const bundle = await bundleWorker(project);
  say(`workerd: bundle ${bundle.files.join(" + ")} = ${bundle.raw} bytes (${bundle.gzip} gzip)`);
  const worker = await startWorker(bundle, { PROJECT_ID, EMU_URL: url, JWKS: JSON.stringify(jwks) }, { kv: false });
  let rows;
  try {
    const call = async (path, init) => {
      const t0 = performance.now();
      const res = await fetch(worker.url + path, { ...init, signal: AbortSignal.timeout(60_000) });
      const json = await res.json().catch(() => ({}));
      const ms = performance.now() - t0;
      if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
      return { ms, ...json };
    };
    const load = (named) => call("/load", { method: "POST", body: JSON.stringify(named), headers: { "Content-Type": "application/json" } });
    // Warm: ours fetches the JWKS from the emulator once (keys warm from then on); every
    // endpoint must accept a token.
    const [[probe]] = await pools(1, 1);
    await load({ probe: [probe] });
    for (const p of ["/ours", "/jose", "/subtle", "/empty"]) {
      const r = await call(`${p}?pool=probe`);
      if (r.failed) say(`\x1b[31mworkerd ${p} rejects a fresh token: ${r.firstError}\x1b[0m`);
    }
    const WARM = 2; // warm-up rounds (V8 tiers the wasm up in the background), not counted
    say(`workerd: minting ${(W_ROUNDS + WARM) * N} fresh tokens`);
    const fresh = await pools(W_ROUNDS + WARM, N);
    // The tokens go into the Worker's memory first, so each timed request is a bare GET.
    // The same token, REPEAT times as many per request: a memo hit is ~50x cheaper than a new
    // token, and at 50 a request its time was within the noise of the request's own.
    const REPEAT = 20;
    const named = { repeat: Array(REPEAT * Math.floor(N / W_SLICES)).fill(probe) };
    fresh.forEach((p, r) => {
      for (let j = 0; j < W_SLICES; j++) named[`r${r}s${j}`] = slice(p, j, W_SLICES);
    });
    await load(named);
    const per = Math.floor(N / W_SLICES); // tokens per request
    const eps = [
      { key: "empty", path: "/empty", pool: (r, j) => `r${r}s${j}` },
      { key: "ours", path: "/ours", pool: (r, j) => `r${r}s${j}`, label: "**ours** `verifyJwt`, fresh token, keys warm" },
      { key: "oursRepeat", path: "/ours", pool: () => "repeat", label: `**ours** \`verifyJwt\`, the same token again (${REPEAT * per} a request)` },
      { key: "jose", path: "/jose", pool: (r, j) => `r${r}s${j}`, label: "jose 6 `jwtVerify` + `createLocalJWKSet` (WebCrypto)" },
      { key: "subtle", path: "/subtle", pool: (r, j) => `r${r}s${j}`, label: "`crypto.subtle.verify` RS256 alone (split + base64url + verify)" },
    ];
    const raw = Object.fromEntries(eps.map((e) => [e.key, []]));
    const failures = {};
    const t0 = performance.now();
    for (let r = 0; r < W_ROUNDS + WARM; r++) {
      for (let j = 0; j < W_SLICES; j++) {
        const order = eps.map((_, i) => eps[(i + r * W_SLICES + j) % eps.length]);
        for (const e of order) {
          const res = await call(`${e.path}?pool=${e.pool(r, j)}`);
          if (res.failed) failures[e.key] = `${res.failed} failed (${res.firstError})`;
          if (r >= WARM) raw[e.key].push(res.ms);
        }
      }
    }
    say(`workerd: ${W_ROUNDS} rounds × ${W_SLICES} requests × ${eps.length} endpoints in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    // µs per token: (request time − the median /empty request) / tokens per request; the median.
    const empty = median(raw.empty);
    const us = Object.fromEntries(eps.map((e) => [e.key, raw[e.key].map((ms) => ((ms - empty) * 1000) / (e.key === "oursRepeat" ? REPEAT * per : per))]));
    const med = Object.fromEntries(eps.map((e) => [e.key, median(us[e.key])]));
    rows = { fresh: med.ours, repeat: med.oursRepeat };
    if (process.env.BENCH_DEBUG) for (const e of eps) say(`${e.key} per round: ${Array.from({ length: W_ROUNDS }, (_, r) => fmt(median(us[e.key].slice(r * W_SLICES, (r + 1) * W_SLICES)))).join(" ")}`);
    out(`### workerd (Miniflare ${JSON.parse(readFileSync(join(root, "tests/js/node_modules/miniflare/package.json"), "utf8")).version}, one Worker holding both): µs per token (median of ${W_ROUNDS} rounds × ${W_SLICES} interleaved requests of ${per} tokens, timed by the client, minus the median /empty request)`);
    out();
    out("| implementation | µs / token | verifications / s | p25–p75 of samples (µs) | time ÷ jose | time ÷ crypto.subtle |");
    out("|---|---:|---:|---:|---:|---:|");
    for (const e of eps.slice(1)) {
      const m = med[e.key];
      const bad = failures[e.key] ? ` ⚠ ${failures[e.key]}` : "";
      out(`| ${e.label}${bad} | ${fmt(m)} | ${Math.round(1e6 / m).toLocaleString("en-US")} | ${iqr(us[e.key])} | ${ratio(m, med.jose)} | ${ratio(m, med.subtle)} |`);
    }
    out(`| (the /empty request: the same loop over ${per} tokens without verifying) | ${fmt(empty, 2)} ms per request | | | | |`);
    out();
    out(`Worker bundle (\`wrangler deploy --dry-run\`, ours + jose): ${bundle.raw.toLocaleString("en-US")} bytes, ${bundle.gzip.toLocaleString("en-US")} gzip.`);
    out();
  } finally {
    await worker.dispose();
  }
  await workerColdBench(url, jwks, pools);
  return rows;
}

/**
 * The first verified request of a cold isolate: a new workerd per sample, running
 * cold-worker.js, which imports each implementation dynamically. The token goes into the
 * isolate's memory by one request; then the import is timed (one request, minus a request that
 * does nothing) and then the first verification (the first wasm code run for ours, apart from
 * what the package's entry runs at import). Both are given the keys up front (ours: `jwks`), so
 * no JWKS fetch is timed.
 */
async function workerColdBench(url, jwks, pools) {
  const dir = join(project, "cold");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "wrangler.toml"), `name = "stytch-bench-cold"\nmain = "../cold-worker.js"\ncompatibility_date = "2026-04-01"\nsend_metrics = false\n`);
  const bundle = await bundleWorker(dir);
  const ROUNDS = Math.max(3, COLD_RUNS);
  const times = { ours: { imp: [], first: [], both: [] }, jose: { imp: [], first: [], both: [] } };
  const [tokens] = await pools(1, ROUNDS * 2);
  const get = async (base, path) => {
    const t0 = performance.now();
    const res = await (await fetch(base + path, { signal: AbortSignal.timeout(60_000) })).json();
    const ms = performance.now() - t0;
    if (res.ok !== 1) throw new Error(`${path} on a cold isolate: ${JSON.stringify(res)}`);
    return ms;
  };
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, impl] of (r % 2 ? ["jose", "ours"] : ["ours", "jose"]).entries()) {
      const worker = await startWorker(bundle, { PROJECT_ID, EMU_URL: url, JWKS: JSON.stringify(jwks) }, { kv: false });
      try {
        const pool = { cold: [tokens[r * 2 + i]] };
        await fetch(worker.url + "/load", { method: "POST", body: JSON.stringify(pool), headers: { "Content-Type": "application/json" } }).then((x) => x.json());
        const noop = median([await get(worker.url, "/noop"), await get(worker.url, "/noop"), await get(worker.url, "/noop")]);
        const imp = (await get(worker.url, `/import?impl=${impl}`)) - noop;
        const first = await get(worker.url, `${impl === "ours" ? "/ours-seeded" : "/jose"}?pool=cold`);
        times[impl].imp.push(imp);
        times[impl].first.push(first);
        times[impl].both.push(imp + first);
      } finally {
        await worker.dispose();
      }
    }
  }
  const m = (impl, k) => median(times[impl][k]);
  if (process.env.BENCH_DEBUG) for (const impl of ["ours", "jose"]) for (const k of ["imp", "first", "both"]) say(`cold ${impl} ${k}: ${times[impl][k].map((x) => x.toFixed(2)).join(" ")}`);
  out(`### workerd: the first verified request of a cold isolate (median of ${ROUNDS} isolates each; keys given up front, timed by the client)`);
  out();
  out("The import (for ours, the package entry's top level, which workerd runs before the first request) is timed by a request of its own that imports the implementation dynamically, minus the median of three requests that do nothing.");
  out();
  out("| implementation | import (ms) | first request (ms) | first request ÷ jose's | import + first request (ms) | ÷ jose's |");
  out("|---|---:|---:|---:|---:|---:|");
  out(`| **ours** \`verifyJwt\` with \`jwks\` | ${fmt(m("ours", "imp"), 2)} | ${fmt(m("ours", "first"), 2)} | ${ratio(m("ours", "first"), m("jose", "first"))} | ${fmt(m("ours", "both"), 2)} | ${ratio(m("ours", "both"), m("jose", "both"))} |`);
  out(`| jose 6 \`jwtVerify\` + \`createLocalJWKSet\` | ${fmt(m("jose", "imp"), 2)} | ${fmt(m("jose", "first"), 2)} | 1.00× | ${fmt(m("jose", "both"), 2)} | 1.00× |`);
  out();
}

// ---------------------------------------------------------------------------------------------
async function coldBench(url, jwks) {
  const [token, token2] = await mint(2);
  const env = { ...process.env, TOKEN: token, TOKEN2: token2, JWKS: JSON.stringify(jwks), PROJECT_ID, EMU_URL: url, NODE_NO_WARNINGS: "1" };
  /** `node [...flags] cold.mjs mode` in a fresh process: its stdout. */
  const cold = (mode, flags = []) =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [...flags, "cold.mjs", mode], { cwd: project, env, stdio: ["ignore", "pipe", "inherit"] });
      let s = "";
      child.stdout.on("data", (d) => (s += d));
      child.on("close", (code) => (code === 0 ? resolve(s) : reject(new Error(`cold.mjs ${mode} exited ${code}`))));
    });
  const once = async (mode) => {
    const t0 = performance.now();
    const s = await cold(mode);
    const processMs = performance.now() - t0;
    const r = JSON.parse(s);
    if (r.sub !== user.user_id || r.sub2 !== user.user_id) throw new Error(`cold.mjs ${mode}: ${s}`);
    return { ...r, processMs };
  };
  const runs = { ours: [], jose: [] };
  await once("ours"); // page cache
  for (let i = 0; i < COLD_RUNS; i++) for (const m of i % 2 ? ["jose", "ours"] : ["ours", "jose"]) runs[m].push(await once(m));
  const col = (m, k) => fmt(median(runs[m].map((r) => r[k])), 1);
  // What V8 compiled for our cold run, which does not depend on the machine's speed: the wasm
  // functions compiled lazily (Liftoff) by the import, the first and the second verification,
  // and those tiered up (TurboFan).
  const traced = await cold("ours", ["--trace-wasm-compilation-times"]);
  const compiled = (tier) => {
    const sizes = [...traced.matchAll(new RegExp(`using ${tier}.*?bodysize (\\d+)`, "g"))].map((m) => Number(m[1]));
    return `${sizes.length} functions, ${sizes.reduce((a, b) => a + b, 0).toLocaleString("en-US")} bytes`;
  };
  out(`### Cold start in a fresh Node process (median of ${COLD_RUNS}; keys passed in, no network)`);
  out();
  out("| | import (ours: read + compile + instantiate the .wasm) | first verification | **import + first verification** | process start → first verification | then a second token | whole process (spawn → exit) |");
  out("|---|---:|---:|---:|---:|---:|---:|");
  out(`| **ours** (\`verifyJwt\` with \`jwks\`) | ${col("ours", "importMs")} ms | ${col("ours", "firstMs")} ms | **${col("ours", "totalMs")} ms** | ${col("ours", "fromProcessStartMs")} ms | ${col("ours", "secondMs")} ms | ${col("ours", "processMs")} ms |`);
  out(`| jose (\`createLocalJWKSet\` + \`jwtVerify\`) | ${col("jose", "importMs")} ms | ${col("jose", "firstMs")} ms | **${col("jose", "totalMs")} ms** | ${col("jose", "fromProcessStartMs")} ms | ${col("jose", "secondMs")} ms | ${col("jose", "processMs")} ms |`);
  out();
  out(`Wasm code V8 compiled in one such process of ours (import and two verifications, \`--trace-wasm-compilation-times\`): lazily with Liftoff ${compiled("Liftoff")}; tiered up with TurboFan ${compiled("TurboFan")}.`);
  out();
}

function sizes() {
  const wasm = readFileSync(join(pkgDir, "stytch_sessions_wasm_bg.wasm"));
  const gz = gzipSync(wasm, { level: 9 }).length;
  const br = brotliCompressSync(wasm, { params: { [zc.BROTLI_PARAM_QUALITY]: 11 } }).length;
  const tarball = readFileSync(join(tgzDir, tgz)).length;
  out(`### Size`);
  out();
  out(`\`stytch_sessions_wasm_bg.wasm\`: ${wasm.length.toLocaleString("en-US")} bytes raw, ${gz.toLocaleString("en-US")} gzip -9, ${br.toLocaleString("en-US")} brotli 11; the npm tarball: ${tarball.toLocaleString("en-US")} bytes.`);
}
