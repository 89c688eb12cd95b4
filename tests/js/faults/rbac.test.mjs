// Authorization checks, exchangeAccessToken and attest against the installed package in Node
// (`docs/rules.md`, "Authorization checks"), and the same calls through the official `stytch` SDK
// against the same emulator, which must return the same fields.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { calls, sdkClient } from "../sdk/calls.mjs";
import { AUTH, PROJECT_ID, SECRET, setup, world } from "./lib.mjs";

const POLICY_ROUTE = "GET /v1/rbac/policy";
const EXCHANGE = "POST /v1/sessions/exchange_access_token";
const ATTEST = "POST /v1/sessions/attest";
const POLICY = {
  roles: [
    { role_id: "reader", description: "", permissions: [{ resource_id: "documents", actions: ["read"] }] },
    { role_id: "editor", description: "", permissions: [{ resource_id: "documents", actions: ["read", "write"] }] },
    { role_id: "admin", description: "", permissions: [{ resource_id: "documents", actions: ["*"] }, { resource_id: "billing", actions: ["read"] }] },
  ],
  resources: [{ resource_id: "documents", description: "", actions: ["read", "write", "delete"] }],
  scopes: [],
};
const check = (resource_id, action) => ({ resource_id, action });
// Tokens stay valid however far a test moves the package's clock.
const LENIENT = { max_token_age_seconds: 86_400, clock_tolerance_seconds: 86_400 };
const realNow = Date.now.bind(Date);
let skewMs = 0;

/** What a call settled with: `{ ok, value }` or `{ ok: false, kind, code, status }`. */
async function outcome(promise) {
  try {
    return { ok: true, value: await promise };
  } catch (err) {
    return { ok: false, kind: err.name, code: err.code, status: err.status_code, err };
  }
}

/** A value's shape: its type, and for objects the shapes of their members. */
function shape(v) {
  if (Array.isArray(v)) return v.length ? [shape(v[0])] : [];
  if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, shape(v[k])]));
  return v === null ? "null" : typeof v;
}

describe("Node: authorization checks, exchangeAccessToken and attest", { concurrency: 1 }, () => {
  let ctx;
  let w;
  before(async () => {
    ctx = await setup();
    Date.now = () => realNow() + skewMs;
    w = await world(ctx.leaks, { now: () => Math.floor(Date.now() / 1000) });
  });
  after(async () => {
    Date.now = realNow;
    await w?.close();
  });

  /** A user holding `roles`, and a fresh session of theirs. */
  async function member(roles) {
    const user = await w.ctl.createUser({ email: `rbac-${Math.random().toString(36).slice(2)}@example.com`, roles });
    return { user, ...ctx.leaks.tokensOf(await w.ctl.createSession({ user_id: user.user_id }), "rbac") };
  }

  test("before any policy, no check is allowed; the policy is fetched once, on first use", async () => {
    const client = w.client(ctx.api);
    const { session_jwt } = await member(["admin"]);
    await w.delta();
    const plain = await client.sessions.authenticateJwtLocal({ session_jwt });
    assert.deepEqual(plain.roles, ["admin"]);
    assert.equal((await w.delta())[POLICY_ROUTE], 0, "no check, no policy fetch");
    const denied = await outcome(client.sessions.authenticateJwtLocal({ session_jwt, authorization_check: check("documents", "read") }));
    assert.deepEqual([denied.kind, denied.code], ["ClientError", "invalid_permissions"]);
    const d = await w.delta();
    assert.deepEqual([d[POLICY_ROUTE], d[AUTH]], [1, 0]);
  });

  test("exact actions, '*', several roles and unknown roles, judged locally with no API call", async () => {
    await w.ctl.putPolicy(POLICY);
    skewMs += 6 * 60_000; // past the cached empty policy's five minutes
    const client = w.client(ctx.api);
    const reader = await member(["reader"]);
    const both = await member(["reader", "admin"]);
    const stranger = await member(["auditor"]);
    await w.delta();
    const judge = async (m, resource, action) => {
      const r = await outcome(client.sessions.authenticateJwtLocal({ session_jwt: m.session_jwt, ...LENIENT, authorization_check: check(resource, action) }));
      return r.ok ? "allowed" : r.code;
    };
    assert.equal(await judge(reader, "documents", "read"), "allowed");
    assert.equal(await judge(reader, "documents", "write"), "invalid_permissions");
    assert.equal(await judge(both, "documents", "delete"), "allowed"); // admin's "*"
    assert.equal(await judge(both, "billing", "read"), "allowed");
    assert.equal(await judge(both, "billing", "write"), "invalid_permissions");
    assert.equal(await judge(stranger, "documents", "read"), "invalid_permissions");
    const d = await w.delta();
    assert.deepEqual([d[POLICY_ROUTE], d[AUTH]], [1, 0], "one refresh of the stale policy, no session call");
    // authenticateJwt returns the verdict it judged locally.
    const r = await client.sessions.authenticateJwt({ session_jwt: both.session_jwt, ...LENIENT, authorization_check: check("documents", "read") });
    assert.deepEqual(r.verdict, { authorized: true, granting_roles: ["reader", "admin"] });
    assert.equal(r.user, undefined, "judged locally");
    assert.equal((await w.delta())[AUTH], 0);
  });

  test("1,000 allowed authenticateJwtLocal checks: no policy refetch and no session call", async () => {
    const client = w.client(ctx.api);
    const { session_jwt } = await member(["editor"]);
    await w.delta();
    for (let i = 0; i < 1000; i++) {
      await client.sessions.authenticateJwtLocal({ session_jwt, ...LENIENT, authorization_check: check("documents", "write") });
    }
    const d = await w.delta();
    assert.deepEqual([d[POLICY_ROUTE], d[AUTH]], [0, 0]);
  });

  test("the policy is refreshed after five minutes; a failed refresh keeps the last good one", async () => {
    const client = w.client(ctx.api);
    const { session_jwt } = await member(["editor"]);
    const write = () => outcome(client.sessions.authenticateJwtLocal({ session_jwt, ...LENIENT, authorization_check: check("documents", "write") }));
    assert.equal((await write()).ok, true);
    await w.delta();
    skewMs += 4 * 60_000;
    assert.equal((await write()).ok, true);
    assert.equal((await w.delta())[POLICY_ROUTE], 0, "fresh for five minutes");
    await w.fault({ path_prefix: "/v1/rbac/policy", status: 500 });
    skewMs += 2 * 60_000;
    assert.equal((await write()).ok, true, "the last good policy still judges");
    assert.equal((await write()).ok, true);
    assert.equal((await w.delta())[POLICY_ROUTE], 1, "one failed refresh, none more within the cooldown");
    await w.clearFaults();
    // The refresh lands: editors lose documents/write.
    await w.ctl.putPolicy({ ...POLICY, roles: POLICY.roles.map((r) => (r.role_id === "editor" ? { ...r, permissions: [{ resource_id: "documents", actions: ["read"] }] } : r)) });
    skewMs += 31_000;
    assert.equal((await write()).code, "invalid_permissions");
    assert.equal((await w.delta())[POLICY_ROUTE], 1);
    await w.ctl.putPolicy(POLICY);
    skewMs += 6 * 60_000;
  });

  test("100 concurrent cold authenticateJwtLocal calls with a check make one policy fetch", async () => {
    const cold = await world(ctx.leaks, { now: () => Math.floor(Date.now() / 1000) });
    try {
      await cold.ctl.putPolicy(POLICY);
      const user = await cold.ctl.createUser({ email: "cold@example.com", roles: ["reader"] });
      const { session_jwt } = ctx.leaks.tokensOf(await cold.ctl.createSession({ user_id: user.user_id }), "cold");
      await cold.delta();
      const client = cold.client(ctx.api);
      const results = await Promise.all(
        Array.from({ length: 100 }, () => outcome(client.sessions.authenticateJwtLocal({ session_jwt, ...LENIENT, authorization_check: check("documents", "read") }))),
      );
      assert.ok(results.every((r) => r.ok), JSON.stringify(results.find((r) => !r.ok)));
      const d = await cold.delta();
      assert.deepEqual([d[POLICY_ROUTE], d[AUTH]], [1, 0]);
    } finally {
      await cold.close();
    }
  });

  test("no policy and no way to get one never allows; authenticateJwt then asks the API", async () => {
    const cold = await world(ctx.leaks, { now: () => Math.floor(Date.now() / 1000) });
    try {
      await cold.ctl.putPolicy(POLICY);
      const user = await cold.ctl.createUser({ email: "down@example.com", roles: ["reader"] });
      const { session_jwt } = ctx.leaks.tokensOf(await cold.ctl.createSession({ user_id: user.user_id }), "down");
      await cold.fault({ path_prefix: "/v1/rbac/policy", status: 503 });
      const client = cold.client(ctx.api);
      const r = await outcome(client.sessions.authenticateJwtLocal({ session_jwt, authorization_check: check("documents", "read") }));
      assert.deepEqual([r.ok, r.kind, r.status], [false, "StytchError", 503]);
      await cold.delta();
      const api = await client.sessions.authenticateJwt({ session_jwt, authorization_check: check("documents", "read") });
      assert.deepEqual(api.verdict, { authorized: true, granting_roles: ["reader"] });
      assert.ok(api.user, "the API's answer");
      assert.equal((await cold.delta())[AUTH], 1);
      await cold.clearFaults();
      await cold.fault({ path_prefix: "/v1/rbac/policy", reset_connection: true });
      const other = cold.client(ctx.api, { timeout_ms: 2000 });
      skewMs += 31_000;
      const net = await outcome(other.sessions.authenticateJwtLocal({ session_jwt, ...LENIENT, authorization_check: check("documents", "read") }));
      assert.deepEqual([net.ok, net.kind], [false, "RequestError"]);
    } finally {
      await cold.close();
    }
  });

  test("an authenticateJwt denial asks the API once, and its 403 is the answer", async () => {
    const client = w.client(ctx.api);
    const { session_jwt } = await member(["reader"]);
    await w.delta();
    const r = await outcome(client.sessions.authenticateJwt({ session_jwt, authorization_check: check("documents", "write") }));
    assert.deepEqual([r.kind, r.status, r.code], ["StytchError", 403, "consumer_session_authorization_error"]);
    assert.equal((await w.delta())[AUTH], 1);
    // authenticate sends the check to the API and returns its verdict.
    const ok = await client.sessions.authenticate({ session_jwt, authorization_check: check("documents", "read") });
    assert.deepEqual(ok.verdict, { authorized: true, granting_roles: ["reader"] });
    const no = await outcome(client.sessions.authenticate({ session_jwt, authorization_check: check("billing", "read") }));
    assert.deepEqual([no.status, no.code], [403, "consumer_session_authorization_error"]);
    // A forged token with a check costs nothing.
    await w.delta();
    const forged = await outcome(client.sessions.authenticateJwt({ session_jwt: session_jwt.slice(0, -4) + "AAAA", authorization_check: check("documents", "read") }));
    assert.equal(forged.code, "jwt_signature_invalid");
    const d = await w.delta();
    assert.deepEqual([d[AUTH], d[POLICY_ROUTE]], [0, 0]);
    // A malformed check is refused before anything is sent.
    const bad = await outcome(client.sessions.authenticateJwt({ session_jwt, authorization_check: { resource_id: "documents" } }));
    assert.equal(bad.code, "invalid_argument");
  });

  test("exchangeAccessToken: success, and every error the emulator gives", async () => {
    const client = w.client(ctx.api);
    const { user } = await member(["reader"]);
    const { access_token } = await w.ctl.accessToken({ user_id: user.user_id });
    ctx.leaks.token(access_token, "access token");
    const r = await client.sessions.exchangeAccessToken({ access_token, session_duration_minutes: 60, session_custom_claims: { plan: "pro" } });
    assert.equal(r.user_id, user.user_id);
    assert.equal(r.session.custom_claims.plan, "pro");
    assert.deepEqual(r.session.roles, ["reader"]);
    const local = await client.sessions.authenticateJwtLocal({ session_jwt: r.session_jwt });
    assert.equal(local.session_id, r.session.session_id);
    for (const [params, status, type] of [
      [{ access_token }, 404, "idp_access_token_could_not_be_exchanged"], // reused
      [{ access_token: "never-minted-" + "x".repeat(30) }, 404, "idp_access_token_not_found"],
      [{ access_token: (await w.ctl.accessToken({ user_id: user.user_id })).access_token, session_duration_minutes: 1 }, 400, "invalid_session_duration_minutes"],
    ]) {
      const e = await outcome(client.sessions.exchangeAccessToken(params));
      assert.deepEqual([e.kind, e.status, e.code], ["StytchError", status, type]);
    }
    const missing = await outcome(client.sessions.exchangeAccessToken({}));
    assert.deepEqual([missing.kind, missing.code], ["ClientError", "invalid_argument"]);
  });

  test("attest: a new session, into an existing session, and every error the emulator gives", async () => {
    const client = w.client(ctx.api);
    const { user } = await member(["reader"]);
    const profile_id = "trusted-auth-token-profile-test-1";
    const mint = async () => ctx.leaks.token((await w.ctl.trustedAuthToken({ profile_id, user_id: user.user_id })).token, "trusted token");
    const token = await mint();
    const r = await client.sessions.attest({ profile_id, token, session_duration_minutes: 30 });
    assert.equal(r.user_id, user.user_id);
    assert.equal(r.session.authentication_factors.at(-1).type, "trusted_auth_token");
    const into = await client.sessions.attest({ profile_id, token: await mint(), session_token: r.session_token, session_duration_minutes: 30 });
    assert.equal(into.session.session_id, r.session.session_id);
    for (const [params, status, type] of [
      [{ profile_id, token }, 401, "invalid_trusted_auth_token"], // reused
      [{ profile_id, token: "never-minted-" + "x".repeat(30) }, 401, "invalid_trusted_auth_token"],
      [{ profile_id: "no-such-profile", token: await mint() }, 404, "trusted_auth_token_profile_not_found"],
      [{ profile_id, token: await mint(), session_token: r.session_token, session_jwt: r.session_jwt }, 400, "too_many_session_arguments"],
    ]) {
      const e = await outcome(client.sessions.attest(params));
      assert.deepEqual([e.kind, e.status, e.code], ["StytchError", status, type], JSON.stringify(params.profile_id));
    }
    const missing = await outcome(client.sessions.attest({ profile_id }));
    assert.deepEqual([missing.kind, missing.code], ["ClientError", "invalid_argument"]);
  });

  test("the official stytch SDK and this package return the same fields for the same calls", async () => {
    skewMs = 0; // the SDK's jose reads `new Date()`, which the skew does not move
    const sdk = sdkClient(w.url, { projectId: PROJECT_ID, secret: SECRET });
    const ours = w.client(ctx.api);
    const m = await member(["reader", "admin"]);
    const read = check("documents", "read");
    const pairs = [];
    const both = async (name, params, ourCall) => {
      const theirs = await calls[name](sdk, params);
      assert.ok(theirs.ok, `${name} through the SDK: ${JSON.stringify(theirs.error)}`);
      const mine = await ourCall(params);
      pairs.push([name, theirs.value, mine]);
      return [theirs.value, mine];
    };
    const [a1, a2] = await both("authenticate", { session_token: m.session_token, authorization_check: read }, (p) => ours.sessions.authenticate(p));
    assert.deepEqual(a2.verdict, a1.verdict);
    assert.deepEqual(a2.session.roles, a1.session.roles);
    assert.deepEqual(a2.user, a1.user);
    const [l1, l2] = await both("authenticateJwtLocal", { session_jwt: m.session_jwt, authorization_check: read }, (p) => ours.sessions.authenticateJwtLocal(p));
    // The SDK rewrites the claim's expires_at with toISOString ("…:11.000Z"); this package keeps
    // the claim's text ("…:11Z"), as the API writes it: the same instant.
    const iso = (session) => ({ ...session, expires_at: new Date(session.expires_at).toISOString() });
    assert.deepEqual(iso(l2), iso(l1), "the session marshalled from the JWT, roles included");
    assert.equal(l2.expires_at, a2.session.expires_at.replace(/\.\d+Z$/, "Z"));
    const [j1, j2] = await both("authenticateJwt", { session_jwt: m.session_jwt, authorization_check: read }, (p) => ours.sessions.authenticateJwt(p));
    assert.deepEqual(iso(j2.session), iso(j1.session));
    assert.equal(j2.session_jwt, j1.session_jwt);
    const user = m.user;
    const e = await both("exchangeAccessToken", { access_token: (await w.ctl.accessToken({ user_id: user.user_id })).access_token, session_duration_minutes: 60 }, async (p) =>
      ours.sessions.exchangeAccessToken({ ...p, access_token: (await w.ctl.accessToken({ user_id: user.user_id })).access_token }),
    );
    assert.deepEqual(e[1].user, e[0].user);
    const profile_id = "trusted-auth-token-profile-test-2";
    const mint = async () => (await w.ctl.trustedAuthToken({ profile_id, user_id: user.user_id })).token;
    await both("attest", { profile_id, token: await mint(), session_duration_minutes: 30 }, async (p) => ours.sessions.attest({ ...p, token: await mint() }));
    const k = await both("getJWKS", { project_id: PROJECT_ID }, (p) => ours.sessions.getJWKS(p));
    assert.deepEqual(k[1].keys, k[0].keys);
    // Every call: the same members, of the same types, all the way down (values differ where the
    // API mints new tokens, ids and times).
    // One deliberate addition: authenticateJwt judged locally also returns its `verdict` (the SDK
    // returns only session and session_jwt there; the API's answer carries one).
    assert.deepEqual(j2.verdict, { authorized: true, granting_roles: ["reader", "admin"] });
    for (const [name, theirs, mine] of pairs) {
      const strip = (v) => {
        const { status_code: _a, request_id: _b, ...o } = v;
        if (name === "authenticateJwt") delete o.verdict;
        return o;
      };
      assert.deepEqual(shape(strip(mine)), shape(strip(theirs)), name);
    }
  });
});
