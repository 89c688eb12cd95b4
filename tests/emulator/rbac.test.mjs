/**
 * Roles, the RBAC policy, authorization checks on authenticate, exchange_access_token and attest
 * (USAGE.md, "RBAC" and "Access tokens and trusted auth tokens").
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { emulatorForFile, decodeJwt, assertStytchError, UUID_ID, RFC3339, rfc, SESSION_CLAIM } from "./helpers.mjs";

let emu;
let c;
let clock = 1_800_000_000;

emulatorForFile({ now: () => clock }, (started, client) => {
  [emu, c] = [started, client];
});

const POLICY = {
  roles: [
    { role_id: "reader", description: "Reads documents", permissions: [{ resource_id: "documents", actions: ["read"] }] },
    { role_id: "editor", description: "Edits documents", permissions: [{ resource_id: "documents", actions: ["read", "write"] }, { resource_id: "images", actions: ["upload"] }] },
    { role_id: "admin", description: "Everything on documents", permissions: [{ resource_id: "documents", actions: ["*"] }] },
    { role_id: "stytch_user", description: "Every user", permissions: [] },
  ],
  resources: [
    { resource_id: "documents", description: "Docs", actions: ["read", "write", "delete"] },
    { resource_id: "images", description: "Images", actions: ["upload"] },
  ],
  scopes: [{ scope: "read:docs", description: "Read docs", permissions: [{ resource_id: "documents", actions: ["read"] }] }],
};

const putPolicy = async (p) => {
  const r = await c.call("PUT", "/__emulator/rbac/policy", p, { auth: false });
  assert.equal(r.status, 200, r.text);
  return r.body;
};
const getPolicy = (opts) => c.call("GET", "/v1/rbac/policy", undefined, opts);
const exchange = (body, opts) => c.call("POST", "/v1/sessions/exchange_access_token", body, opts);
const attest = (body, opts) => c.call("POST", "/v1/sessions/attest", body, opts);
const mintAccess = async (body) => (await c.controlOk("POST", "/access_tokens", body)).access_token;
const mintTrusted = async (body) => (await c.controlOk("POST", "/trusted_auth_tokens", body)).token;

test("the policy: empty before any PUT, Basic auth, PUT sets it, reset empties it", async () => {
  await c.control("POST", "/reset");
  const r = await getPolicy();
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.body), ["request_id", "status_code", "policy"]);
  assert.match(r.body.request_id, UUID_ID("request-id-test"));
  assert.deepEqual(r.body.policy, { roles: [], resources: [], scopes: [] });
  assertStytchError(await getPolicy({ auth: false }), 401, "unauthorized_credentials");
  assertStytchError(await getPolicy({ auth: "Basic " + Buffer.from(`${emu.projectId}:wrong`).toString("base64") }), 401, "unauthorized_credentials");

  assert.deepEqual(await putPolicy(POLICY), POLICY, "PUT answers the stored policy");
  assert.deepEqual((await getPolicy()).body.policy, POLICY, "GET serves exactly what was PUT");
  // Missing lists and descriptions are filled in; unknown members are dropped.
  const stored = await putPolicy({ roles: [{ role_id: "x", permissions: [{ resource_id: "r", actions: ["a"], extra: 1 }] }], junk: true });
  assert.deepEqual(stored, { roles: [{ role_id: "x", description: "", permissions: [{ resource_id: "r", actions: ["a"] }] }], resources: [], scopes: [] });
  assert.deepEqual((await getPolicy()).body.policy, stored);
  await c.control("POST", "/reset");
  assert.deepEqual((await getPolicy()).body.policy, { roles: [], resources: [], scopes: [] });
});

test("PUT /__emulator/rbac/policy refuses bad shapes and keeps the old policy", async () => {
  await putPolicy(POLICY);
  for (const bad of [
    "[1]",
    { roles: {} },
    { roles: [{ description: "no id" }] },
    { roles: [{ role_id: 7 }] },
    { roles: [{ role_id: "a", permissions: [{ resource_id: "d" }] }] },
    { roles: [{ role_id: "a", permissions: [{ resource_id: "d", actions: [1] }] }] },
    { roles: [{ role_id: "a" }, { role_id: "a" }] },
    { resources: [{ resource_id: "d", actions: "read" }] },
    { scopes: [{ permissions: [] }] },
  ]) {
    assertStytchError(await c.call("PUT", "/__emulator/rbac/policy", bad, { auth: false }), 400, "bad_request");
  }
  assertStytchError(await c.call("POST", "/__emulator/rbac/policy", POLICY, { auth: false }), 405, "method_not_allowed");
  assertStytchError(await c.call("PUT", "/v1/rbac/policy", POLICY), 405, "method_not_allowed");
  assert.deepEqual((await getPolicy()).body.policy, POLICY);
});

test("roles: a user's roles become its sessions' roles, in the JWT claim and in every answer", async () => {
  const user = await c.user({ email: `roles${Math.random()}@example.com`, roles: ["editor", "reader", "editor"] });
  assert.deepEqual(user.roles, ["editor", "reader"], "duplicates dropped, order kept");
  const s = await c.session({ user_id: user.user_id });
  assert.deepEqual(s.session.roles, ["editor", "reader"]);
  assert.deepEqual(decodeJwt(s.session_jwt).payload[SESSION_CLAIM].roles, ["editor", "reader"]);
  const own = await c.session({ user_id: user.user_id, roles: ["admin"] });
  assert.deepEqual(own.session.roles, ["admin"], "the session route's roles replace the user's");
  assert.deepEqual(decodeJwt(own.session_jwt).payload[SESSION_CLAIM].roles, ["admin"]);
  const a = await c.authenticate({ session_token: s.session_token });
  assert.deepEqual(a.body.session.roles, ["editor", "reader"]);
  assert.deepEqual(a.body.user.roles, ["editor", "reader"]);
  assert.deepEqual(decodeJwt(a.body.session_jwt).payload[SESSION_CLAIM].roles, ["editor", "reader"]);
  const listed = (await c.list(user.user_id)).body.sessions.map((x) => x.roles);
  assert.deepEqual(listed.sort(), [["admin"], ["editor", "reader"]].sort());
  const plain = await c.user({});
  assert.deepEqual(plain.roles, [], "no implicit stytch_user");
  assert.deepEqual((await c.session({ user_id: plain.user_id })).session.roles, []);
  assertStytchError(await c.control("POST", "/users", { roles: "admin" }), 400, "bad_request");
  assertStytchError(await c.control("POST", "/users", { roles: [1] }), 400, "bad_request");
  assertStytchError(await c.control("POST", "/sessions", { user_id: plain.user_id, roles: [null] }), 400, "bad_request");
});

test("authorization_check: allowed checks carry a verdict with every granting role", async () => {
  await putPolicy(POLICY);
  const user = await c.user({});
  const { session_token, session_jwt } = await c.session({ user_id: user.user_id, roles: ["reader", "editor", "admin", "ghost"] });
  const cases = [
    [{ resource_id: "documents", action: "read" }, ["reader", "editor", "admin"]],
    [{ resource_id: "documents", action: "write" }, ["editor", "admin"]],
    [{ resource_id: "documents", action: "delete" }, ["admin"], "* grants any action"],
    [{ resource_id: "images", action: "upload" }, ["editor"]],
  ];
  for (const [check, granting, why] of cases) {
    const r = await c.authenticate({ session_token, authorization_check: check });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(Object.keys(r.body), ["request_id", "status_code", "session", "session_token", "session_jwt", "user", "verdict"]);
    assert.deepEqual(r.body.verdict, { authorized: true, granting_roles: granting }, why);
  }
  const byJwt = await c.authenticate({ session_jwt, authorization_check: { resource_id: "documents", action: "write" } });
  assert.equal(byJwt.status, 200, byJwt.text);
  assert.deepEqual(byJwt.body.verdict, { authorized: true, granting_roles: ["editor", "admin"] });
  const none = await c.authenticate({ session_token });
  assert.equal("verdict" in none.body, false, "no check, no verdict");
  const nullCheck = await c.authenticate({ session_token, authorization_check: null });
  assert.equal("verdict" in nullCheck.body, false);
});

test("authorization_check: denials are 403 consumer_session_authorization_error and change nothing", async () => {
  await putPolicy(POLICY);
  const user = await c.user({});
  const reader = await c.session({ user_id: user.user_id, roles: ["reader"] });
  const ghost = await c.session({ user_id: user.user_id, roles: ["ghost", "stytch_user"] });
  const deny = [
    [reader.session_token, { resource_id: "documents", action: "write" }, "exact action missing"],
    [reader.session_token, { resource_id: "images", action: "read" }, "other resource"],
    [reader.session_token, { resource_id: "Documents", action: "read" }, "resource ids are case-sensitive"],
    [reader.session_token, { resource_id: "documents", action: "*" }, "a literal * action is not a wildcard request"],
    [ghost.session_token, { resource_id: "documents", action: "read" }, "a role not in the policy grants nothing"],
  ];
  for (const [session_token, check, why] of deny) {
    const r = await c.authenticate({ session_token, authorization_check: check });
    assert.equal(r.status, 403, why);
    assertStytchError(r, 403, "consumer_session_authorization_error");
  }
  clock += 7;
  const denied = await c.authenticate({ session_token: reader.session_token, session_duration_minutes: 5, session_custom_claims: { x: 1 }, authorization_check: { resource_id: "documents", action: "write" } });
  assertStytchError(denied, 403, "consumer_session_authorization_error");
  const after = await c.authenticate({ session_token: reader.session_token });
  assert.equal(after.body.session.expires_at, reader.session.expires_at, "a denial does not change the expiry");
  assert.deepEqual(after.body.session.custom_claims, {}, "nor the claims");
  assert.equal(after.body.session.last_accessed_at, rfc(clock));

  await c.control("POST", "/reset");
  const u2 = await c.user({});
  const admin = await c.session({ user_id: u2.user_id, roles: ["admin"] });
  // An empty policy allows nothing; an unknown session is 404 before any check.
  assertStytchError(await c.authenticate({ session_token: admin.session_token, authorization_check: { resource_id: "documents", action: "read" } }),
    403, "consumer_session_authorization_error");
  assertStytchError(await c.authenticate({ session_token: "nope", authorization_check: { resource_id: "documents", action: "read" } }),
    404, "session_not_found");
});

test("authorization_check: bad shapes are 400 bad_request", async () => {
  const user = await c.user({});
  const { session_token } = await c.session({ user_id: user.user_id });
  for (const check of ["documents:read", [], {}, { resource_id: "documents" }, { action: "read" }, { resource_id: "", action: "read" }, { resource_id: "d", action: 3 }]) {
    assertStytchError(await c.authenticate({ session_token, authorization_check: check }), 400, "bad_request");
  }
});

test("faults apply to the policy route: 5xx, 429, malformed body, delay, reset", async () => {
  await putPolicy(POLICY);
  const fault = async (f) => assert.equal((await c.control("POST", "/faults", f)).status, 200);
  await fault({ path_prefix: "/v1/rbac/policy", status: 503, times: 1 });
  assertStytchError(await getPolicy(), 503, "service_unavailable");
  await fault({ method: "GET", path_prefix: "/v1/rbac", status: 429, times: 1 });
  assertStytchError(await getPolicy({ auth: false }), 429, "too_many_requests");
  await fault({ path_prefix: "/v1/rbac/policy", malformed_body: true, times: 1 });
  const bad = await getPolicy();
  assert.equal(bad.status, 200);
  assert.equal(bad.body, undefined);
  await fault({ path_prefix: "/v1/rbac/policy", delay_ms: 200, times: 1 });
  const t = Date.now();
  const slow = await getPolicy();
  assert.ok(Date.now() - t >= 190);
  assert.deepEqual(slow.body.policy, POLICY, "a delay alone then answers");
  await fault({ path_prefix: "/v1/rbac/policy", reset_connection: true, times: 1 });
  await assert.rejects(getPolicy());
  await fault({ path_prefix: "/v1/sessions/exchange_access_token", status: 500, times: 1 });
  assertStytchError(await exchange({ access_token: "x" }), 500, "internal_server_error");
  await fault({ path_prefix: "/v1/sessions/attest", status: 502, times: 1 });
  assertStytchError(await attest({}), 502, "bad_gateway");
  assert.deepEqual((await getPolicy()).body.policy, POLICY, "faults used up");
});

test("exchange_access_token: a new session for the token's user, once", async () => {
  const user = await c.user({ email: `ex${Math.random()}@example.com`, roles: ["reader"] });
  const access_token = await mintAccess({ user_id: user.user_id, client_id: "connected-app-test-fixed" });
  assert.match(access_token, /^[A-Za-z0-9_-]{44}$/);
  clock += 3;
  const r = await exchange({ access_token, session_duration_minutes: 30, session_custom_claims: { plan: "pro", iss: "evil" } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.body), ["request_id", "status_code", "user_id", "user", "session_token", "session_jwt", "session"]);
  assert.equal(r.body.user_id, user.user_id);
  assert.deepEqual(r.body.user, user);
  const s = r.body.session;
  assert.equal(s.user_id, user.user_id);
  assert.equal(s.started_at, rfc(clock));
  assert.equal(s.expires_at, rfc(clock + 30 * 60));
  assert.deepEqual(s.custom_claims, { plan: "pro" });
  assert.deepEqual(s.roles, ["reader"]);
  assert.deepEqual(s.authentication_factors, [{
    type: "oauth", delivery_method: "oauth_access_token_exchange",
    oauth_access_token_exchange_factor: { client_id: "connected-app-test-fixed" },
    last_authenticated_at: rfc(clock), created_at: rfc(clock), updated_at: rfc(clock),
  }]);
  const { payload } = decodeJwt(r.body.session_jwt);
  assert.equal(payload.sub, user.user_id);
  assert.equal(payload[SESSION_CLAIM].id, s.session_id);
  assert.deepEqual(payload[SESSION_CLAIM].roles, ["reader"]);
  assert.equal(payload.plan, "pro");
  const a = await c.authenticate({ session_token: r.body.session_token });
  assert.equal(a.body.session.session_id, s.session_id, "the session is live");

  assertStytchError(await exchange({ access_token }), 404, "idp_access_token_could_not_be_exchanged");
  assertStytchError(await exchange({ access_token: "never-minted" }), 404, "idp_access_token_not_found");
});

test("exchange_access_token: no duration still makes a 60-minute session but leaves `session` out; 5-minute tokens", async () => {
  const user = await c.user({});
  const t1 = await mintAccess({ user_id: user.user_id });
  const r = await exchange({ access_token: t1 });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.body), ["request_id", "status_code", "user_id", "user", "session_token", "session_jwt"]);
  const a = await c.authenticate({ session_token: r.body.session_token });
  assert.equal(a.body.session.expires_at, rfc(clock + 3600));
  assert.match(a.body.session.authentication_factors[0].oauth_access_token_exchange_factor.client_id, UUID_ID("connected-app-test"));
  const t2 = await mintAccess({ user_id: user.user_id });
  clock += 300;
  assert.equal((await exchange({ access_token: t2, session_duration_minutes: 5 })).status, 200, "300 s old still exchanges");
  const t3 = await mintAccess({ user_id: user.user_id });
  clock += 301;
  assertStytchError(await exchange({ access_token: t3 }), 404, "idp_access_token_could_not_be_exchanged");
});

test("exchange_access_token: bad bodies are 400 and do not use the token up; auth required", async () => {
  const user = await c.user({});
  const access_token = await mintAccess({ user_id: user.user_id });
  assertStytchError(await exchange({}), 400, "bad_request");
  assertStytchError(await exchange({ access_token: 5 }), 400, "bad_request");
  assertStytchError(await exchange({ access_token, session_duration_minutes: 4 }), 400, "invalid_session_duration_minutes");
  assertStytchError(await exchange({ access_token, session_custom_claims: [] }), 400, "bad_request");
  assertStytchError(await exchange({ access_token, session_custom_claims: { big: "x".repeat(5000) } }), 400, "custom_claims_too_large");
  assertStytchError(await c.call("POST", "/v1/sessions/exchange_access_token", "{nope"), 400, "bad_request");
  assertStytchError(await exchange({ access_token }, { auth: false }), 401, "unauthorized_credentials");
  assert.equal((await exchange({ access_token })).status, 200, "still unused");
  assertStytchError(await c.control("POST", "/access_tokens", { user_id: "user-test-nope" }), 404, "user_not_found");
  assertStytchError(await c.control("POST", "/access_tokens", { user_id: user.user_id, client_id: 1 }), 400, "bad_request");
});

test("attest: a new session from a trusted auth token, once, for its profile only", async () => {
  const user = await c.user({ email: `at${Math.random()}@example.com`, roles: ["editor"] });
  const profile_id = "trusted-token-profile-test-a";
  const token = await mintTrusted({ profile_id, user_id: user.user_id });
  clock += 2;
  const r = await attest({ profile_id, token, session_duration_minutes: 15, session_custom_claims: { tier: 2 } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.body), ["request_id", "status_code", "user_id", "user", "session_token", "session_jwt", "session"]);
  assert.equal(r.body.user_id, user.user_id);
  const s = r.body.session;
  assert.equal(s.expires_at, rfc(clock + 900));
  assert.deepEqual(s.custom_claims, { tier: 2 });
  assert.deepEqual(s.roles, ["editor"]);
  assert.equal(s.authentication_factors.length, 1);
  const f = s.authentication_factors[0];
  assert.equal(f.type, "trusted_auth_token");
  assert.equal(f.delivery_method, "trusted_token_exchange");
  assert.match(f.trusted_auth_token_factor.token_id, UUID_ID("trusted-auth-token-test"));
  for (const k of ["last_authenticated_at", "created_at", "updated_at"]) assert.match(f[k], RFC3339);
  assert.deepEqual(decodeJwt(r.body.session_jwt).payload[SESSION_CLAIM].authentication_factors, s.authentication_factors);

  assertStytchError(await attest({ profile_id, token }), 401, "invalid_trusted_auth_token");
  assertStytchError(await attest({ profile_id, token: "never-minted" }), 401, "invalid_trusted_auth_token");
  const other = await mintTrusted({ profile_id: "trusted-token-profile-test-b", user_id: user.user_id });
  assertStytchError(await attest({ profile_id, token: other }), 401, "invalid_trusted_auth_token");
  assertStytchError(await attest({ profile_id: "unknown-profile", token: other }), 404, "trusted_auth_token_profile_not_found");
  const plain = await attest({ profile_id: "trusted-token-profile-test-b", token: other });
  assert.equal(plain.status, 200, "the right profile still works");
  assert.equal("session" in plain.body, false, "no duration: no `session` key");
});

test("attest into an existing session adds the factor, merges claims, extends on a duration", async () => {
  const user = await c.user({ email: `at2${Math.random()}@example.com` });
  const profile_id = "trusted-token-profile-test-c";
  const existing = await c.session({ user_id: user.user_id, custom_claims: { a: 1 } });
  const t1 = await mintTrusted({ profile_id, user_id: user.user_id });
  clock += 4;
  const r = await attest({ profile_id, token: t1, session_token: existing.session_token, session_custom_claims: { b: 2 }, session_duration_minutes: 10 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.session_token, existing.session_token);
  assert.equal(r.body.session.session_id, existing.session.session_id);
  assert.deepEqual(r.body.session.custom_claims, { a: 1, b: 2 });
  assert.equal(r.body.session.expires_at, rfc(clock + 600));
  assert.deepEqual(r.body.session.authentication_factors.map((f) => f.type), ["magic_link", "trusted_auth_token"]);
  const t2 = await mintTrusted({ profile_id, user_id: user.user_id });
  const byJwt = await attest({ profile_id, token: t2, session_jwt: r.body.session_jwt });
  assert.equal(byJwt.status, 200, byJwt.text);
  assert.equal(byJwt.body.session_token, existing.session_token);
  assert.equal("session" in byJwt.body, false);
  const now = await c.authenticate({ session_token: existing.session_token });
  assert.equal(now.body.session.authentication_factors.length, 3);

  const t3 = await mintTrusted({ profile_id, user_id: user.user_id });
  assertStytchError(await attest({ profile_id, token: t3, session_token: existing.session_token, session_jwt: r.body.session_jwt }), 400, "too_many_session_arguments");
  assertStytchError(await attest({ profile_id, token: t3, session_token: "nope" }), 404, "session_not_found");
  const stranger = await c.user({});
  const theirs = await c.session({ user_id: stranger.user_id });
  assertStytchError(await attest({ profile_id, token: t3, session_token: theirs.session_token }), 401, "invalid_trusted_auth_token");
  assertStytchError(await attest({ profile_id, token: t3, session_token: existing.session_token, session_custom_claims: { big: "x".repeat(5000) } }), 400, "custom_claims_too_large");
  assert.equal((await attest({ profile_id, token: t3 })).status, 200, "failed attempts did not use the token up");
});

test("attest: bad bodies are 400; control route validation; auth required", async () => {
  const user = await c.user({});
  const profile_id = "trusted-token-profile-test-d";
  const token = await mintTrusted({ profile_id, user_id: user.user_id });
  assertStytchError(await attest({ token }), 400, "bad_request");
  assertStytchError(await attest({ profile_id }), 400, "bad_request");
  assertStytchError(await attest({ profile_id, token: ["x"] }), 400, "bad_request");
  assertStytchError(await attest({ profile_id, token, session_duration_minutes: 527041 }), 400, "invalid_session_duration_minutes");
  assertStytchError(await attest({ profile_id, token, session_custom_claims: "x" }), 400, "bad_request");
  assertStytchError(await attest({ profile_id, token }, { auth: false }), 401, "unauthorized_credentials");
  assert.equal((await attest({ profile_id, token })).status, 200);
  assertStytchError(await c.control("POST", "/trusted_auth_tokens", { user_id: user.user_id }), 400, "bad_request");
  assertStytchError(await c.control("POST", "/trusted_auth_tokens", { profile_id: "p", user_id: "user-test-nope" }), 404, "user_not_found");
});

test("reset forgets access tokens, trusted tokens and profiles", async () => {
  const user = await c.user({});
  const access_token = await mintAccess({ user_id: user.user_id });
  const token = await mintTrusted({ profile_id: "p-reset", user_id: user.user_id });
  await c.control("POST", "/reset");
  assertStytchError(await exchange({ access_token }), 404, "idp_access_token_not_found");
  assertStytchError(await attest({ profile_id: "p-reset", token }), 404, "trusted_auth_token_profile_not_found");
});
