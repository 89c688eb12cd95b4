// Finding 6 of issue 22: stale authority has a bound. A policy or a key set is used at most
// `max_stale_seconds` past its last successful fetch; past it, local verification fails closed
// (and authenticateJwt asks the API). The host clock (Date.now, which the package reads for its
// caches) is moved 11 minutes ahead while the refreshes fail; the token itself is judged at the
// real time through `current_date`, so only the staleness differs.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { AUTH, JWKS, POLICY, PROJECT_ID, settle, setup, world } from "./lib.mjs";

const JUMP_MS = 11 * 60_000;
const realNow = Date.now;
/** Runs `fn` with Date.now() `ms` ahead; restored however `fn` ends. */
async function later(ms, fn) {
  Date.now = () => realNow.call(Date) + ms;
  try {
    return await fn();
  } finally {
    Date.now = realNow;
  }
}

describe("finding 6: stale policy and keys have a bound (max_stale_seconds)", () => {
  let api;
  const worlds = [];
  const fresh = async (opts) => {
    const w = await world(opts);
    worlds.push(w);
    return w;
  };
  before(async () => {
    ({ api } = await setup());
  });
  after(async () => {
    Date.now = realNow;
    for (const w of worlds) await w.close();
  });

  test("finding 6: a policy whose refreshes fail is not used past max_stale_seconds (a revoked permission is not granted)", async () => {
    const w = await fresh({ roles: ["editor"] });
    await w.ctl.putPolicy({ roles: [{ role_id: "editor", permissions: [{ resource_id: "documents", actions: ["write"] }] }] });
    const client = new api.Client(w.opts({ max_stale_seconds: 2 }));
    const jwt = (await w.mint()).session_jwt;
    const check = { resource_id: "documents", action: "write" };
    const issued = new Date();
    const first = await settle(() => client.sessions.authenticateJwtLocal({ session_jwt: jwt, authorization_check: check }));
    assert.ok(!first.err, `granted while fresh: ${first.err}`);
    // The permission is revoked, and the policy can no longer be fetched.
    await w.ctl.putPolicy({ roles: [] });
    await w.ctl.fault({ path_prefix: "/v1/rbac/policy", status: 503 });
    await w.delta();
    const r = await later(JUMP_MS, () => settle(() => client.sessions.authenticateJwtLocal({ session_jwt: jwt, authorization_check: check, current_date: issued })));
    const d = await w.delta();
    assert.ok(r.err, "a revoked permission was granted from a policy 11 minutes past its last successful fetch");
    assert.notEqual(r.err.code, "invalid_argument", r.err.message);
    assert.ok(d[POLICY] >= 1, "the policy was asked for");
  });

  test("finding 6: keys whose refreshes fail do not verify past max_stale_seconds", async () => {
    const w = await fresh();
    const opts = { project_id: PROJECT_ID, custom_base_url: w.url, max_stale_seconds: 2 };
    const seen = (await w.mint()).session_jwt;
    const unseen = (await w.mint()).session_jwt;
    const issued = new Date();
    assert.ok(!(await settle(() => api.verifyJwt(seen, opts))).err, "verified while fresh");
    await w.ctl.fault({ path_prefix: "/v1/sessions/jwks", status: 503 });
    await w.delta();
    const r = await later(JUMP_MS, async () => ({
      unseen: await settle(() => api.verifyJwt(unseen, { ...opts, current_date: issued })),
      seen: await settle(() => api.verifyJwt(seen, { ...opts, current_date: issued })),
    }));
    const d = await w.delta();
    assert.ok(r.unseen.err, "a token verified with keys 11 minutes past their last successful fetch");
    assert.ok(r.seen.err, "a token verified before (the memo) passed with keys 11 minutes past their last successful fetch");
    for (const e of [r.unseen.err, r.seen.err]) assert.notEqual(e.code, "invalid_argument", e.message);
    assert.ok(d[JWKS] >= 1, "the keys were asked for");
  });

  test("finding 6: past the bound, authenticateJwt asks the API instead of trusting the stale keys", async () => {
    const w = await fresh();
    const client = new api.Client(w.opts({ max_stale_seconds: 1 }));
    // Minted 10 minutes in the future (nbf too), so that it is young and valid 11 minutes on.
    const jwt = (await w.mint({ iat_offset_seconds: 600 })).session_jwt;
    const warm = (await w.mint()).session_jwt;
    assert.ok(!(await settle(() => client.sessions.authenticateJwtLocal({ session_jwt: warm }))).err, "keys fetched");
    await w.ctl.fault({ path_prefix: "/v1/sessions/jwks", status: 503 });
    await w.delta();
    const r = await later(JUMP_MS, () => settle(() => client.sessions.authenticateJwt({ session_jwt: jwt })));
    const d = await w.delta();
    assert.ok(!r.err, String(r.err));
    assert.equal(d[AUTH], 1, "keys 11 minutes past their last successful fetch (bound 1 s) were trusted without asking the API");
  });

  test("finding 6: max_stale_seconds is checked: an integer 0..86400", async () => {
    for (const bad of [-1, 86401, 1.5, "60"]) {
      const r = await settle(() => new api.Client({ project_id: PROJECT_ID, secret: "secret-test-emulator", max_stale_seconds: bad }));
      assert.equal(r.err?.code, "invalid_argument", `max_stale_seconds ${JSON.stringify(bad)}: ${r.err ?? "accepted"}`);
    }
    for (const good of [0, 1, 3600, 86400]) new api.Client({ project_id: PROJECT_ID, secret: "secret-test-emulator", max_stale_seconds: good });
  });
});
