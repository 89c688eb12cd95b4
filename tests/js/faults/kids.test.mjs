// Invented kids and concurrent misses (`docs/rules.md`, "Keys and the memo"), against the installed
// package in Node and the worker example in real workerd:
//   - a kid still missing from a JWKS fetched within the cooldown is proven unknown: no API call,
//     and at most one refetch per 30 s window, however many forgeries arrive;
//   - concurrent misses wait for one fetch, in workerd too, where one request cannot await
//     another's fetch.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startEmulatorProcess, control, PROJECT_ID, SECRET } from "../lib/emulator.mjs";
import { builtWorker, startWorkerCaptured } from "../lib/worker-run.mjs";
import { AUTH, JWKS, root, setup, world } from "./lib.mjs";

const COOLDOWN_MS = 30_000;
const realNow = Date.now.bind(Date);
let skewMs = 0;

/** `jwt` with its header replaced by one that names a kid no JWKS serves (a forger's invention). */
function invented(jwt, i) {
  const [, payload, signature] = jwt.split(".");
  const header = Buffer.from(JSON.stringify({ alg: "RS256", kid: `jwk-test-invented-${i}`, typ: "JWT" })).toString("base64url");
  return `${header}.${payload}.${signature}`;
}

describe("Node: invented kids", { concurrency: 1 }, () => {
  let ctx;
  before(async () => {
    ctx = await setup();
    Date.now = () => realNow() + skewMs;
  });
  after(() => {
    Date.now = realNow;
  });

  test("1,000 invented kids through authenticateJwt: no API call, at most one refetch per cooldown window", async () => {
    const w = await world(ctx.leaks, { now: () => Math.floor(realNow() / 1000) });
    try {
      const client = w.client(ctx.api);
      const warm = await client.sessions.authenticateJwt({ session_jwt: w.fresh.session_jwt });
      assert.equal(warm.session.user_id, w.user.user_id);
      await w.delta();
      const spanMs = 100_000; // the forgeries arrive over 100 s of the package's clock
      for (let i = 0; i < 1000; i++) {
        skewMs = (i * spanMs) / 1000;
        await assert.rejects(client.sessions.authenticateJwt({ session_jwt: invented(w.fresh.session_jwt, i) }), (e) => {
          assert.equal(e.name, "ClientError");
          assert.equal(e.code, "jwks_no_matching_key");
          return true;
        });
      }
      const d = await w.delta();
      assert.equal(d[AUTH], 0, "a forged kid never reaches the API");
      const windows = Math.ceil(spanMs / COOLDOWN_MS);
      assert.ok(d[JWKS] >= 1 && d[JWKS] <= windows, `${d[JWKS]} JWKS fetches in ${windows} windows`);
    } finally {
      skewMs = 0;
      await w.close();
    }
  });

  test("100 concurrent invented kids on warm keys: one refetch, no API call", async () => {
    const w = await world(ctx.leaks);
    try {
      const client = w.client(ctx.api);
      await client.sessions.authenticateJwt({ session_jwt: w.fresh.session_jwt });
      await w.delta();
      const results = await Promise.allSettled(
        Array.from({ length: 100 }, (_, i) => client.sessions.authenticateJwt({ session_jwt: invented(w.fresh.session_jwt, i) })),
      );
      assert.ok(results.every((r) => r.status === "rejected" && r.reason.code === "jwks_no_matching_key"));
      const d = await w.delta();
      assert.deepEqual([d[JWKS], d[AUTH]], [1, 0]);
    } finally {
      await w.close();
    }
  });
});

describe("workerd: invented kids and a cold isolate", { concurrency: 1 }, () => {
  let emulator;
  let worker;
  let ctl;
  let user;
  let mark;
  const delta = async () => {
    const now = await ctl.requests();
    const d = {};
    for (const k of new Set([...Object.keys(now), ...Object.keys(mark)])) d[k] = (now[k] ?? 0) - (mark[k] ?? 0);
    mark = now;
    return d;
  };
  const ask = (token) => fetch(worker.url + "/app", { headers: { Authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(15_000) });

  before(async () => {
    const bundle = await builtWorker(root);
    emulator = await startEmulatorProcess(join(root, "tests/emulator/cli.mjs"));
    ctl = control(emulator.url);
    worker = await startWorkerCaptured(bundle, { STYTCH_PROJECT_ID: PROJECT_ID, STYTCH_SECRET: SECRET, STYTCH_BASE_URL: emulator.url }, { inspector: false });
    user = await ctl.createUser({ email: "kids@example.com" });
    mark = await ctl.requests();
  });
  after(async () => {
    await worker?.dispose();
    await emulator?.close();
  });

  test("a cold isolate hit by 100 concurrent valid requests fetches the JWKS at most twice", async () => {
    const tokens = [];
    for (let i = 0; i < 100; i++) tokens.push((await ctl.createSession({ user_id: user.user_id })).session_jwt);
    await delta();
    const answers = await Promise.all(tokens.map((t) => ask(t).then(async (r) => [r.status, await r.json()])));
    for (const [status, body] of answers) assert.deepEqual([status, body.remote], [200, false]);
    const d = await delta();
    assert.ok(d[JWKS] >= 1 && d[JWKS] <= 2, `${d[JWKS]} JWKS fetches`);
    assert.equal(d[AUTH] ?? 0, 0);
  });

  test("100 concurrent invented kids on a warm isolate: at most one refetch, no API call", async () => {
    const jwt = (await ctl.createSession({ user_id: user.user_id })).session_jwt;
    await delta();
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => ask(invented(jwt, i)).then(async (r) => [r.status, await r.json()])));
    for (const [status, body] of answers) assert.deepEqual([status, body.code], [401, "jwks_no_matching_key"]);
    const d = await delta();
    assert.ok((d[JWKS] ?? 0) <= 1, `${d[JWKS]} refetches`);
    assert.equal(d[AUTH] ?? 0, 0);
  });

  test("1,000 invented kids: no API call, at most one refetch per cooldown window", async () => {
    const jwt = (await ctl.createSession({ user_id: user.user_id })).session_jwt;
    await delta();
    const t0 = performance.now();
    for (let batch = 0; batch < 20; batch++) {
      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => ask(invented(jwt, 1000 + batch * 50 + i)).then((r) => r.status)));
      assert.ok(answers.every((s) => s === 401));
    }
    const windows = Math.ceil((performance.now() - t0) / COOLDOWN_MS) + 1; // +1: the window the previous test opened
    const d = await delta();
    assert.equal(d[AUTH] ?? 0, 0, "a forged kid never reaches the API");
    assert.ok((d[JWKS] ?? 0) <= windows, `${d[JWKS]} JWKS fetches in ${windows} windows`);
  });
});
