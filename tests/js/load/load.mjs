#!/usr/bin/env node
// Load test of the worker example in real workerd (Miniflare) against the emulator, on loopback
// only, bounded in request count and time.
//
//   scripts/load [requests=10000] [concurrency=100]      (after ./scripts/build)
//
// Pre-mints a token pool and sends a deterministic mix of: fresh JWTs (verified locally), old
// JWTs (issued 10 minutes ago, live session: the API re-authenticates, Set-Cookie), revoked
// sessions' old JWTs (API: 401 session_not_found), forged JWTs (401 jwt_signature_invalid, no
// API call) and no token (401 no_session). Half-way through, the emulator rotates its signing
// key (keep_old: true) and fresh JWTs signed by the new key join the mix. Every answer is checked
// against its kind; the emulator's request counts give the JWKS fetches and API calls; latency
// percentiles, isolate heap (V8 inspector) and workerd RSS (/proc) are printed. Every response
// body and workerd console line is checked for the secret, whole tokens and signatures.
//
// Exits non-zero on any wrong decision, any 5xx, a leak, an unexplained API call count, or the
// time bound (LOAD_TIMEOUT_S, default 240 s). LOAD_SEED picks the mix.
//
// For the soak (scripts/soak): LOAD_WORKER=jose runs the jose-only baseline Worker
// (jose-worker.js) instead of the worker example; LOAD_SAMPLE_EVERY=N samples workerd's RSS and
// the isolate's V8 heap every N requests (in LOAD_SUMMARY). Fresh JWTs are minted anew every
// 60 s, so a run may last longer than their 300 s age limit.
import { join } from "node:path";
import { control, forge, PROJECT_ID, SECRET, startEmulatorProcess } from "../lib/emulator.mjs";
import { LeakCollector } from "../lib/leaks.mjs";
import { killAll } from "../lib/procs.mjs";
import { SET_COOKIE } from "../lib/worker.mjs";
import { builtWorker, startWorkerCaptured } from "../lib/worker-run.mjs";
import { joseWorker } from "./jose-bundle.mjs";

const root = join(new URL(".", import.meta.url).pathname, "../../..");
const args = process.argv.slice(2);
const usage = () => {
  console.error("usage: scripts/load [requests=10000] [concurrency=100]  (env LOAD_WORKER=ours|jose, LOAD_SAMPLE_EVERY=N)");
  process.exit(2);
};
const total = args[0] === undefined ? 10_000 : Number(args[0]);
const concurrency = args[1] === undefined ? 100 : Number(args[1]);
if (!Number.isInteger(total) || total < 10 || total > 1_000_000 || !Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1000) usage();
const timeoutS = Number(process.env.LOAD_TIMEOUT_S ?? 240);
const seed = Number(process.env.LOAD_SEED ?? 1);
// After the run, wait out the 30 s key cooldown and send this many new-key JWTs (default: on for
// runs of 5000 requests or more; the short run in ./scripts/test stays under 30 s).
const probeCount = Number(process.env.LOAD_COOLDOWN_PROBE ?? 0);
const workerKind = process.env.LOAD_WORKER ?? "ours";
if (workerKind !== "ours" && workerKind !== "jose") usage();
const sampleEvery = Number(process.env.LOAD_SAMPLE_EVERY ?? 0);
if (!Number.isInteger(sampleEvery) || sampleEvery < 0) usage();

const AUTH = "POST /v1/sessions/authenticate";
const JWKS = "GET /v1/sessions/jwks/:project_id";
const t0 = performance.now();
const elapsed = () => ((performance.now() - t0) / 1000).toFixed(1) + " s";
const say = (s) => console.log(`\x1b[1;34mload:\x1b[0m ${s}`);

// A small seeded PRNG (mulberry32): the same mix for the same seed.
function rng(a) {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(seed);
const pick = (arr) => arr[Math.floor(rand() * arr.length)];

/** Kinds, their share of the mix, and what the worker must answer. */
const KINDS = {
  fresh: { weight: 45, expect: { status: 200, remote: false } },
  "fresh (new key)": { weight: 0, expect: { status: 200 } }, // after the rotation: local or via the API (cooldown)
  old: { weight: 15, expect: { status: 200, remote: true, cookie: true } },
  revoked: { weight: 10, expect: { status: 401, error: "session_not_found" } },
  forged: { weight: 20, expect: { status: 401, error: "jwt_signature_invalid" } },
  missing: { weight: 10, expect: { status: 401, error: "no_session" } },
};

function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

let emulator;
let worker;
let exitCode = 0;
const deadline = setTimeout(() => {
  console.error(`load: time bound of ${timeoutS} s exceeded`);
  killAll();
  process.exit(3);
}, timeoutS * 1000);
deadline.unref();

try {
  const bundle = workerKind === "jose" ? await joseWorker() : await builtWorker(root);
  say(`${workerKind === "jose" ? `jose ${bundle.jose} baseline` : "worker example"} bundle ${bundle.cached ? "(cached)" : "built"}: ${bundle.files.join(" + ")} in ${(bundle.ms / 1000).toFixed(1)} s`);
  emulator = await startEmulatorProcess(join(root, "tests/emulator/cli.mjs"));
  const emu = control(emulator.url);
  worker = await startWorkerCaptured(bundle, { STYTCH_PROJECT_ID: PROJECT_ID, STYTCH_SECRET: SECRET, STYTCH_BASE_URL: emulator.url });
  say(`emulator ${emulator.url}, workerd ${worker.url} (pid ${worker.pid ?? "?"})`);

  // The pool.
  const leaks = new LeakCollector();
  const mintStart = performance.now();
  const users = [];
  for (let i = 0; i < 10; i++) users.push(await emu.createUser({ email: `load-${i}-${Date.now()}@example.com` }));
  const mint = async (n, body) => {
    const out = [];
    for (let i = 0; i < n; i += 20) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(20, n - i) }, () => {
          const user = pick(users);
          return emu.createSession({ user_id: user.user_id, ...body }).then((s) => ({ jwt: leaks.token(s.session_jwt, "pool JWT"), user_id: user.user_id, session_id: s.session.session_id, token: leaks.token(s.session_token, "pool session token") }));
        }),
      );
      out.push(...batch);
    }
    return out;
  };
  const pool = {
    fresh: await mint(200, {}),
    old: await mint(100, { iat_offset_seconds: -600 }),
    revoked: await mint(60, { iat_offset_seconds: -600 }),
    missing: [{ jwt: null }],
    "fresh (new key)": [],
  };
  for (const r of pool.revoked) await emu.revokeViaApi({ session_id: r.session_id });
  pool.forged = pool.fresh.slice(0, 100).map((t) => ({ ...t, jwt: leaks.token(forge(t.jwt), "forged JWT") }));
  say(`pool: ${pool.fresh.length} fresh, ${pool.old.length} old, ${pool.revoked.length} revoked, ${pool.forged.length} forged (${((performance.now() - mintStart) / 1000).toFixed(1)} s)`);

  // The planned kinds, decided up front (the new-key share replaces half the fresh share after rotation).
  const weights = Object.entries(KINDS).filter(([k]) => k !== "fresh (new key)");
  const sum = weights.reduce((a, [, v]) => a + v.weight, 0);
  const plan = Array.from({ length: total }, () => {
    let x = rand() * sum;
    for (const [k, v] of weights) if ((x -= v.weight) < 0) return k;
    return "fresh";
  });
  const half = Math.floor(total / 2);

  const before = { mem: worker.memory(), heap: await worker.heap(), counts: await emu.requests() };
  // Samples of workerd's RSS and the isolate's heap, one at a time, every `sampleEvery` requests.
  const samples = [{ requests: 0, rssKiB: before.mem?.rssKiB, heapUsed: before.heap?.usedBytes, heapTotal: before.heap?.totalBytes }];
  let sampling = Promise.resolve();
  let completed = 0;
  const sample = (requests) => {
    sampling = sampling.then(async () => {
      const mem = worker.memory();
      const heap = await worker.heap();
      samples.push({ requests, rssKiB: mem?.rssKiB, heapUsed: heap?.usedBytes, heapTotal: heap?.totalBytes });
    });
  };
  // Fresh JWTs are too old for local verification 300 s after minting: mint the fresh pools anew
  // every 60 s (the forged, old and revoked pools stay as they are).
  let refreshing = null;
  const refresh = setInterval(() => {
    refreshing ??= (async () => {
      const fresh = await mint(pool.fresh.length, {});
      pool.fresh = fresh;
      if (pool["fresh (new key)"].length) pool["fresh (new key)"] = await mint(40, {});
    })()
      .catch((err) => problems.push(`pool refresh: ${err?.message ?? err}`))
      .finally(() => (refreshing = null));
  }, 60_000);
  const results = []; // { kind, status, ms, ok, why, remote }
  const problems = [];
  let rotation = null; // { at, kid, counts, ready }
  let next = 0;
  const runStart = performance.now();

  const rotate = async () => {
    const counts = await emu.requests();
    const { kid } = await emu.rotate({ keep_old: true });
    const newPool = await mint(40, {});
    pool["fresh (new key)"].push(...newPool);
    rotation.kid = kid;
    rotation.counts = counts;
    rotation.readyAt = next;
  };

  const one = async (i, forced) => {
    let kind = forced ?? plan[i];
    if (!forced && i >= half && !rotation) {
      rotation = { at: i };
      rotation.promise = rotate();
    }
    // Requests already sent carry on; new ones wait for the new key's JWTs (a few hundred ms).
    if (!forced && i >= half) await rotation.promise;
    if (!forced && kind === "fresh" && rotation?.readyAt !== undefined && rand() < 0.5) kind = "fresh (new key)";
    const t = pick(pool[kind]);
    const headers = t.jwt === null ? {} : rand() < 0.5 ? { Authorization: `Bearer ${t.jwt}` } : { Cookie: `theme=dark; stytch_session_jwt=${t.jwt}` };
    const s = performance.now();
    let status;
    let body;
    let text = "";
    let cookie = null;
    try {
      const res = await fetch(worker.url + "/app", { headers, signal: AbortSignal.timeout(15_000) });
      status = res.status;
      cookie = res.headers.get("set-cookie");
      text = await res.text();
      try {
        body = JSON.parse(text);
      } catch {
        body = { raw: text.slice(0, 200) };
      }
    } catch (err) {
      status = 0;
      body = { error: `client: ${err.name}` };
    }
    const ms = performance.now() - s;
    if (results.length < 20_000 || status !== 200) leaks.text(`response ${kind}`, text);
    const e = KINDS[kind].expect;
    const why = [];
    if (status !== e.status) why.push(`status ${status} ≠ ${e.status}`);
    if (e.error && body.code !== e.error) why.push(`code ${body.code} ≠ ${e.error}`);
    if (e.status === 200) {
      if (body.user_id !== t.user_id) why.push(`user ${body.user_id} ≠ ${t.user_id}`);
      if (body.session_id !== t.session_id) why.push("wrong session");
      if (e.remote !== undefined && body.remote !== e.remote) why.push(`remote ${body.remote} ≠ ${e.remote}`);
      // Old JWTs come back renewed; a locally verified JWT never sets a cookie. (A new-key JWT
      // re-authenticated by the API within the second it was minted may come back identical.)
      // Only a JWT that came from the cookie is renewed by a cookie (docs/rules.md, "Gating a
      // request"); a Bearer client gets the new JWT in the body.
      const cookieOk = SET_COOKIE.test(cookie ?? "");
      // (The jose baseline Worker sets the cookie whatever the credential.)
      const viaCookie = headers.Cookie !== undefined || workerKind === "jose";
      if (e.cookie && viaCookie && !cookieOk) why.push(`Set-Cookie ${cookie}`);
      if (!viaCookie && cookie) why.push("Set-Cookie for a Bearer credential");
      if (body.remote === false && cookie) why.push("Set-Cookie on a local decision");
      if (body.remote === true && cookie && !cookieOk) why.push(`bad Set-Cookie ${cookie}`);
    } else if (cookie) why.push("Set-Cookie on a refusal");
    if (why.length && problems.length < 20) problems.push(`#${i} ${kind}: ${why.join("; ")} — ${JSON.stringify(body).slice(0, 200)}`);
    (forced ? probeResults : results).push({ kind, status, ms, ok: why.length === 0, remote: body.remote === true, token: t.jwt, at: s });
    if (!forced && sampleEvery && ++completed % sampleEvery === 0) sample(completed);
  };
  const probeResults = [];

  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await one(next++);
    }),
  );
  await rotation?.promise;
  const runMs = performance.now() - runStart;
  clearInterval(refresh);
  await refreshing;
  await sampling;

  // The cooldown probe (opt-in, LOAD_COOLDOWN_PROBE=N): once 30 s have passed, N more new-key
  // JWTs are all verified locally, with no API call.
  let probe = null;
  if (probeCount > 0) {
    const wait = runStart + 32_000 - performance.now();
    if (wait > 0) {
      say(`cooldown probe: waiting ${(wait / 1000).toFixed(1)} s (30 s after the cold-start JWKS fetches), then ${probeCount} new-key JWTs`);
      await new Promise((r) => setTimeout(r, wait));
    }
    const c0 = await emu.requests();
    let n = 0;
    await Promise.all(Array.from({ length: Math.min(concurrency, probeCount) }, async () => {
      while (n < probeCount) await one(n++, "fresh (new key)");
    }));
    const c1 = await emu.requests();
    probe = { n: probeResults.length, jwks: c1[JWKS] - c0[JWKS], api: c1[AUTH] - c0[AUTH], local: probeResults.filter((r) => r.status === 200 && !r.remote).length, wrong: probeResults.filter((r) => !r.ok).length };
    probe.remote = probeResults.filter((r) => r.remote).length;
  }
  await new Promise((r) => setTimeout(r, 200));
  const after = { counts: await emu.requests(), mem: worker.memory(), heap: await worker.heap() };
  for (const { stream, line } of worker.lines) leaks.text(`workerd ${stream}`, line);

  // Figures.
  const byKind = {};
  for (const r of results) {
    const k = (byKind[r.kind] ??= { n: 0, ok: 0, statuses: {}, local: 0, remote: 0, ms: [] });
    k.n++;
    if (r.ok) k.ok++;
    k.statuses[r.status] = (k.statuses[r.status] ?? 0) + 1;
    if (r.status === 200) r.remote ? k.remote++ : k.local++;
    k.ms.push(r.ms);
  }
  const all = results.map((r) => r.ms).sort((a, b) => a - b);
  const fivexx = [...results, ...probeResults].filter((r) => r.status >= 500 || r.status === 0).length;
  const wrong = results.filter((r) => !r.ok).length;
  const jwksStart = rotation.counts[JWKS] - before.counts[JWKS];
  const jwksAfterRotation = after.counts[JWKS] - rotation.counts[JWKS] - (probe?.jwks ?? 0);
  const apiCalls = after.counts[AUTH] - before.counts[AUTH] - (probe?.api ?? 0);
  // The jose baseline asks the API for every such request. Ours asks once per token and then
  // reuses the API's answer for 30 s, its refusal for 60 s (docs/rules.md, "When the API is
  // asked"): the calls expected are the windows those open, counted from the requests' start
  // times with a 2 s margin either way for the time a request takes to reach the Worker.
  const asked = results.filter((r) => r.kind === "old" || r.kind === "revoked" || (r.kind === "fresh (new key)" && r.remote));
  const windows = (slackMs) => {
    const open = new Map();
    let calls = 0;
    for (const r of [...asked].sort((a, b) => a.at - b.at)) {
      const keepMs = (r.kind === "revoked" ? 60_000 : 30_000) + slackMs;
      if (open.has(r.token) && r.at - open.get(r.token) < keepMs) continue;
      open.set(r.token, r.at);
      calls++;
    }
    return calls;
  };
  const [expectedMin, expectedMax] = workerKind === "jose" ? [asked.length, asked.length] : [windows(2000), windows(-2000)];
  const expectedApi = expectedMin === expectedMax ? `${expectedMin}` : `${expectedMin} to ${expectedMax}`;
  const other = ["GET /v1/sessions", "POST /v1/sessions/migrate"].reduce((a, k) => a + (after.counts[k] - before.counts[k]), 0);

  console.log("");
  console.log(`LOAD RESULTS  (${total} requests, concurrency ${concurrency}, seed ${seed}, ${workerKind === "jose" ? "jose-only baseline Worker" : "the worker example"} in workerd via Miniflare, loopback)`);
  console.log(`  run time          ${(runMs / 1000).toFixed(2)} s → ${(total / (runMs / 1000)).toFixed(0)} req/s; rotation (keep_old) after request #${rotation.at}, new-key JWTs in the mix from #${rotation.readyAt}`);
  console.log(`  latency           p50 ${percentile(all, 50).toFixed(2)} ms, p90 ${percentile(all, 90).toFixed(2)} ms, p99 ${percentile(all, 99).toFixed(2)} ms, max ${all.at(-1).toFixed(1)} ms (client-side, whole HTTP round trip)`);
  console.log("  decisions by kind:");
  console.log("    kind              requests  correct  statuses            local  via API   p50 ms   p99 ms");
  for (const [k, v] of Object.entries(byKind)) {
    const ms = v.ms.sort((a, b) => a - b);
    const st = Object.entries(v.statuses).map(([s, n]) => `${s}×${n}`).join(" ");
    console.log(`    ${k.padEnd(17)} ${String(v.n).padStart(8)}  ${String(v.ok).padStart(7)}  ${st.padEnd(18)} ${String(v.local).padStart(6)}  ${String(v.remote).padStart(7)}  ${percentile(ms, 50).toFixed(2).padStart(7)}  ${percentile(ms, 99).toFixed(2).padStart(7)}`);
  }
  console.log(`  wrong decisions   ${wrong};  5xx/failed requests ${fivexx}`);
  console.log(`  JWKS fetches      ${jwksStart} before the rotation (a cold isolate: concurrent misses wait for one fetch to land in module memory), ${jwksAfterRotation} after it (the first new-kid JWTs refetch at once; the others wait for it; then at most once per 30 s)`);
  if (probe) console.log(`  cooldown probe    ${probe.n} new-key JWTs after 30 s: ${probe.jwks} JWKS fetch(es), ${probe.local} verified locally, ${probe.remote} via the API (${probe.api} API calls), ${probe.wrong} wrong`);
  console.log(`  API authenticate  ${apiCalls} calls for old ${byKind.old?.n ?? 0} + revoked ${byKind.revoked?.n ?? 0} + new-key via API ${byKind["fresh (new key)"]?.remote ?? 0} requests of ${new Set(asked.map((r) => r.token)).size} tokens (expected ${expectedApi}); forged and missing: 0; other API routes: ${other}`);
  const heapText = (h) => (h && h.usedBytes !== undefined ? `${(h.usedBytes / 1024).toFixed(0)} KiB used / ${(h.totalBytes / 1024).toFixed(0)} KiB total` : `not available (${h?.error ?? "no inspector"})`);
  console.log(`  isolate heap      before ${heapText(before.heap)}; after ${heapText(after.heap)} (V8 Runtime.getHeapUsage via the inspector${after.heap?.gc ? ", after a forced GC" : "; workerd did not answer a forced GC, so garbage is included"}; wasm linear memory is outside it)`);
  const rss = (m) => (m ? `${(m.rssKiB / 1024).toFixed(1)} MiB (peak ${(m.peakKiB / 1024).toFixed(1)} MiB)` : "not available");
  console.log(`  workerd RSS       before ${rss(before.mem)}; after ${rss(after.mem)} (/proc/${worker.pid}/status)`);
  const leakProblems = leaks.problems();
  console.log(`  leaks             ${leakProblems.length} in ${leaks.items.length} response bodies and workerd console lines (${worker.lines.length} console lines), checked against ${leaks.needles.size} secrets/tokens/signatures`);
  console.log(`  total time        ${elapsed()}`);
  console.log(
    "LOAD_SUMMARY " +
      JSON.stringify({
        requests: total,
        concurrency,
        run_ms: Math.round(runMs),
        p50_ms: +percentile(all, 50).toFixed(2),
        p99_ms: +percentile(all, 99).toFixed(2),
        kinds: Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, { n: v.n, correct: v.ok, local: v.local, remote: v.remote }])),
        jwks_fetches: { before_rotation: jwksStart, after_rotation: jwksAfterRotation },
        api_authenticate: apiCalls,
        heap_before: before.heap,
        heap_after: after.heap,
        rss_kib_before: before.mem?.rssKiB,
        rss_kib_after: after.mem?.rssKiB,
        cooldown_probe: probe,
        worker: workerKind,
        samples,
        wrong,
        fivexx,
        leaks: leakProblems.length,
      }),
  );
  for (const p of problems) console.log(`  ✘ ${p}`);
  for (const p of leakProblems.slice(0, 10)) console.log(`  ✘ leak: ${p.source} holds ${p.what}`);
  const probeBad = probe && (probe.wrong > 0 || probe.local !== probe.n || probe.api !== 0);
  if (probeBad) console.log(`  ✘ cooldown probe: ${JSON.stringify(probe)}`);
  const apiOff = apiCalls < expectedMin || apiCalls > expectedMax;
  if (wrong || fivexx || leakProblems.length || apiOff || other !== 0 || probeBad) {
    if (apiOff) console.log(`  ✘ API calls ${apiCalls}, expected ${expectedApi}`);
    exitCode = 1;
  }
  say(exitCode ? "\x1b[31mFAILED\x1b[0m" : "passed");
} catch (err) {
  console.error(`load: ${err?.stack ?? err}`);
  exitCode = 1;
} finally {
  await worker?.dispose().catch(() => {});
  await emulator?.close();
  killAll();
}
process.exit(exitCode);
