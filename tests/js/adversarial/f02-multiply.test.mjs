// Finding 2 of issue 22: one genuine token (or a forger during a JWKS outage) must not make every
// request cost a Stytch API call. Counted by the emulator (POST /v1/sessions/authenticate and
// GET /v1/rbac/policy), through authenticateRequest, in Node and in workerd:
//   200 replays of one JWT issued 10 minutes ago of a live session → 1 call
//   200 replays of a revoked session's JWT                          → 1 call
//   100 concurrent copies of an old JWT                             → 1 call
//   200 fresh-JWT requests whose authorization_check is denied      → 1 call, 1 policy fetch
//   200 forged random-kid tokens while the JWKS fails (429 cold, 503 warm), and 50 more 1.1 s
//   later                        → at most 10 + (elapsed seconds) calls, the rest 503
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { AUTH, JWKS, pool, POLICY, probeWorker, PROJECT_ID, randomKid, SECRET, setup, tally, world } from "./lib.mjs";

const POLICY_BODY = { roles: [{ role_id: "viewer", permissions: [{ resource_id: "documents", actions: ["read"] }] }] };
const DENIED = "documents:write";
const bearer = (jwt) => ({ Authorization: `Bearer ${jwt}` });
const cookie = (jwt) => ({ Cookie: `stytch_session_jwt=${jwt}` });

/** The counted scenarios over one way of gating a request: `gate(base, headers, check?) → status`. */
function scenarios(runtime, gateOf, { jump } = {}) {
  let gate;
  const worlds = [];
  const fresh = async (opts) => {
    const w = await world(opts);
    worlds.push(w);
    return w;
  };
  /** `n` requests (at most `concurrency` at a time); `{ statuses, d, seconds }`. */
  const burst = async (w, n, concurrency, headersOf, check) => {
    await w.delta();
    const t0 = performance.now();
    const statuses = tally(await pool(Array.from({ length: n }, (_, i) => i), concurrency, (i) => gate(w.url, headersOf(i), check)));
    const seconds = (performance.now() - t0) / 1000;
    return { statuses, d: await w.delta(), seconds };
  };

  before(async () => {
    gate = await gateOf();
  });
  after(async () => {
    for (const w of worlds) await w.close();
  });

  test(`finding 2 (${runtime}): 200 replays of one JWT issued 10 minutes ago, session live → 1 POST /v1/sessions/authenticate`, async (t) => {
    const w = await fresh();
    const old = await w.mint({ iat_offset_seconds: -600 });
    const { statuses, d } = await burst(w, 200, 1, () => bearer(old.session_jwt));
    t.diagnostic(`${runtime}: 200 replays of a live old JWT → ${d[AUTH]} authenticate calls`);
    assert.deepEqual(statuses, { 200: 200 });
    assert.equal(d[AUTH], 1);
    if (jump) {
      // The API's answer is reused for 30 s only: a revocation is seen after that.
      await w.ctl.revokeViaApi({ session_id: old.session.session_id });
      assert.equal(await jump(31_000, () => gate(w.url, bearer(old.session_jwt))), 401, "the session was revoked 31 s before");
      assert.equal((await w.delta())[AUTH], 1);
    }
  });

  test(`finding 2 (${runtime}): 200 replays of a revoked session's JWT → 1 POST /v1/sessions/authenticate`, async (t) => {
    const w = await fresh();
    const revoked = await w.mint({ iat_offset_seconds: -600 });
    await w.ctl.revokeViaApi({ session_id: revoked.session.session_id });
    const { statuses, d } = await burst(w, 200, 1, () => cookie(revoked.session_jwt));
    t.diagnostic(`${runtime}: 200 replays of a revoked JWT → ${d[AUTH]} authenticate calls`);
    assert.deepEqual(statuses, { 401: 200 });
    assert.equal(d[AUTH], 1);
    if (jump) {
      // The refusal is remembered for 60 s only.
      assert.equal(await jump(61_000, () => gate(w.url, cookie(revoked.session_jwt))), 401);
      assert.equal((await w.delta())[AUTH], 1, "the API was asked again after 60 s");
    }
  });

  test(`finding 2 (${runtime}): 100 concurrent copies of an old JWT → 1 POST /v1/sessions/authenticate`, async (t) => {
    const w = await fresh();
    const warm = await w.mint();
    assert.equal(await gate(w.url, bearer(warm.session_jwt)), 200, "keys warmed");
    const old = await w.mint({ iat_offset_seconds: -600 });
    const { statuses, d } = await burst(w, 100, 100, () => bearer(old.session_jwt));
    t.diagnostic(`${runtime}: 100 concurrent copies of an old JWT → ${d[AUTH]} authenticate calls`);
    assert.deepEqual(statuses, { 200: 100 });
    assert.equal(d[AUTH], 1);
  });

  test(`finding 2 (${runtime}): 200 fresh-JWT requests whose authorization_check the policy denies → 1 authenticate call, 1 policy fetch`, async (t) => {
    const w = await fresh({ roles: ["viewer"] });
    await w.ctl.putPolicy(POLICY_BODY);
    const jwt = (await w.mint()).session_jwt;
    const { statuses, d } = await burst(w, 200, 1, () => bearer(jwt), DENIED);
    t.diagnostic(`${runtime}: 200 denied checks → ${d[AUTH]} authenticate calls, ${d[POLICY]} policy fetches`);
    assert.deepEqual(statuses, { 403: 200 });
    assert.deepEqual({ authenticate: d[AUTH], policy: d[POLICY] }, { authenticate: 1, policy: 1 });
  });

  for (const [state, status] of [["cold", 429], ["warm", 503]]) {
    test(`finding 2 (${runtime}): 200 forged random-kid tokens while the JWKS answers ${status} (${state}) → at most 10 + elapsed seconds authenticate calls, the rest 503`, async (t) => {
      const w = await fresh();
      const genuine = (await w.mint()).session_jwt;
      if (state === "warm") assert.equal(await gate(w.url, bearer(genuine)), 200, "keys warmed");
      await w.ctl.fault({ path_prefix: "/v1/sessions/jwks", status });
      const forged = Array.from({ length: 250 }, () => randomKid(genuine));
      const t0 = performance.now();
      const first = await burst(w, 200, 4, (i) => bearer(forged[i]));
      // A second burst 1.1 s later: the rate holds past the first second (no fresh burst of 10).
      await new Promise((res) => setTimeout(res, 1100));
      const second = await burst(w, 50, 4, (i) => bearer(forged[200 + i]));
      const seconds = (performance.now() - t0) / 1000;
      const calls = first.d[AUTH] + second.d[AUTH];
      const statuses = { ...first.statuses };
      for (const [k, n] of Object.entries(second.statuses)) statuses[k] = (statuses[k] ?? 0) + n;
      const bound = 10 + Math.ceil(seconds);
      t.diagnostic(`${runtime}: 200 forged random-kid tokens, JWKS ${status} (${state}) → ${first.d[AUTH]} authenticate calls in ${first.seconds.toFixed(2)} s, statuses ${JSON.stringify(first.statuses)}; 50 more 1.1 s later → ${second.d[AUTH]}; total ${calls} in ${seconds.toFixed(2)} s (bound ${bound}), ${first.d[JWKS] + second.d[JWKS]} JWKS fetches`);
      assert.ok(first.d[AUTH] <= 10 + Math.ceil(first.seconds), `${first.d[AUTH]} authenticate calls for the first 200 in ${first.seconds.toFixed(2)} s`);
      assert.ok(calls <= bound, `${calls} authenticate calls in ${seconds.toFixed(2)} s, more than ${bound}`);
      assert.deepEqual(Object.keys(statuses).filter((s) => s !== "401" && s !== "503"), [], JSON.stringify(statuses));
      assert.ok((statuses[503] ?? 0) >= 250 - bound, `only ${statuses[503] ?? 0} of 250 refused with 503: ${JSON.stringify(statuses)}`);
    });
  }
}

describe("finding 2: nothing an attacker can multiply (Node, authenticateRequest)", () => {
  scenarios("Node", async () => {
    const { api } = await setup();
    return async (base, headers, check) => {
      const opts = { project_id: PROJECT_ID, secret: SECRET, custom_base_url: base };
      if (check) opts.authorization_check = { resource_id: check.split(":")[0], action: check.split(":")[1] };
      const r = await api.authenticateRequest(new Request(`${base}/app`, { headers }), opts);
      return r.ok ? 200 : r.status;
    };
  }, {
    /** `fn()` with the package's clock (Date.now) `ms` ahead. */
    async jump(ms, fn) {
      const now = Date.now;
      Date.now = () => now.call(Date) + ms;
      try {
        return await fn();
      } finally {
        Date.now = now;
      }
    },
  });
});

describe("finding 2: nothing an attacker can multiply (workerd, authenticateRequest in a Worker)", () => {
  let worker;
  after(async () => {
    await worker?.dispose();
  });
  scenarios("workerd", async () => {
    worker = await probeWorker();
    return async (base, headers, check) => {
      const q = `base=${encodeURIComponent(base)}${check ? `&check=${check}` : ""}`;
      const res = await fetch(`${worker.url}/gate?${q}`, { headers, signal: AbortSignal.timeout(30_000) });
      await res.arrayBuffer();
      return res.status;
    };
  });
});
