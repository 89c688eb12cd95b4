// The official `stytch` Node SDK against the emulator (tests/emulator/USAGE.md): every Sessions
// call the package mirrors, with and without authorization checks, must work through the SDK
// exactly as it would against Stytch.  Run: node --test tests/js/sdk/
import { test } from "node:test";
import assert from "node:assert/strict";
import { PROJECT_ID, SECRET } from "../lib/emulator.mjs";
import { emulatorProcessForFile } from "./emulator-process.mjs";
import { sdkClient, calls } from "./calls.mjs";

const SESSION_CLAIM = "https://stytch.com/session";
const POLICY = {
  roles: [
    { role_id: "reader", description: "", permissions: [{ resource_id: "documents", actions: ["read"] }] },
    { role_id: "editor", description: "", permissions: [{ resource_id: "documents", actions: ["read", "write"] }] },
    { role_id: "admin", description: "", permissions: [{ resource_id: "documents", actions: ["*"] }] },
  ],
  resources: [{ resource_id: "documents", description: "", actions: ["read", "write", "delete"] }],
  scopes: [],
};
const READ = { resource_id: "documents", action: "read" };
const WRITE = { resource_id: "documents", action: "write" };
const DELETE = { resource_id: "documents", action: "delete" };

let emu;
let ctl;
emulatorProcessForFile((control) => control.putPolicy(POLICY), (started, control) => {
  [emu, ctl] = [started, control];
});

const client = () => sdkClient(emu.url, { projectId: PROJECT_ID, secret: SECRET });
const count = async (key) => (await ctl.requests())[key];
const decode = (jwt) => JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString());

async function minted(roles, extra = {}) {
  const user = await ctl.createUser({ email: `sdk${Math.random()}@example.com`, roles });
  return { user, ...(await ctl.createSession({ user_id: user.user_id, ...extra })) };
}

test("the SDK's getJWKS and rbac.policy read the emulator", async () => {
  const c = client();
  const jwks = await calls.getJWKS(c, { project_id: PROJECT_ID });
  assert.equal(jwks.ok, true, JSON.stringify(jwks.error));
  assert.equal(jwks.value.status_code, 200);
  assert.equal(jwks.value.keys.length, 1);
  assert.equal(jwks.value.keys[0].alg, "RS256");
  const other = await calls.getJWKS(c, { project_id: "project-test-other" });
  assert.deepEqual([other.ok, other.error.kind, other.error.status_code, other.error.error_type], [false, "StytchError", 404, "project_not_found"]);
  const policy = await calls.policy(c);
  assert.equal(policy.ok, true, JSON.stringify(policy.error));
  assert.deepEqual(policy.value.policy, POLICY);
});

test("sessions.authenticate through the SDK: plain, allowed check with verdict, denied check as StytchError 403", async () => {
  const c = client();
  const { user, session_token, session } = await minted(["reader", "admin"]);
  const plain = await calls.authenticate(c, { session_token });
  assert.equal(plain.ok, true, JSON.stringify(plain.error));
  assert.equal(plain.value.session.session_id, session.session_id);
  assert.deepEqual(plain.value.session.roles, ["reader", "admin"]);
  assert.equal(plain.value.user.user_id, user.user_id);
  assert.equal(plain.value.verdict, undefined);

  const allowed = await calls.authenticate(c, { session_token, authorization_check: DELETE });
  assert.equal(allowed.ok, true, JSON.stringify(allowed.error));
  assert.deepEqual(allowed.value.verdict, { authorized: true, granting_roles: ["admin"] });
  const both = await calls.authenticate(c, { session_jwt: allowed.value.session_jwt, authorization_check: READ });
  assert.deepEqual(both.value.verdict, { authorized: true, granting_roles: ["reader", "admin"] });

  const reader = await minted(["reader"]);
  const denied = await calls.authenticate(c, { session_token: reader.session_token, authorization_check: WRITE });
  assert.equal(denied.ok, false);
  assert.equal(denied.error.kind, "StytchError");
  assert.equal(denied.error.status_code, 403);
  assert.equal(denied.error.error_type, "consumer_session_authorization_error");
  assert.match(denied.error.request_id, /^request-id-test-/);
});

test("authenticateJwtLocal with a check fetches the policy once, decides locally, and denies with invalid_permissions", async () => {
  const c = client();
  const { session_jwt, session } = await minted(["editor"]);
  const before = await ctl.requests();
  const ok = await calls.authenticateJwtLocal(c, { session_jwt, authorization_check: WRITE });
  assert.equal(ok.ok, true, JSON.stringify(ok.error));
  assert.equal(ok.value.session_id, session.session_id);
  assert.deepEqual(ok.value.roles, ["editor"]);
  const again = await calls.authenticateJwtLocal(c, { session_jwt, authorization_check: READ });
  assert.equal(again.ok, true);
  const denied = await calls.authenticateJwtLocal(c, { session_jwt, authorization_check: DELETE });
  assert.deepEqual(denied.error && [denied.error.kind, denied.error.code], ["ClientError", "invalid_permissions"]);
  const after = await ctl.requests();
  assert.equal(after["GET /v1/rbac/policy"] - before["GET /v1/rbac/policy"], 1, "the policy is fetched once and cached");
  assert.equal(after["POST /v1/sessions/authenticate"] - before["POST /v1/sessions/authenticate"], 0, "no session call");
  const noCheck = await calls.authenticateJwtLocal(client(), { session_jwt });
  assert.equal(noCheck.ok, true);
  assert.equal((await ctl.requests())["GET /v1/rbac/policy"], after["GET /v1/rbac/policy"], "no check, no policy fetch");
});

test("authenticateJwtLocal with a check fails when the policy fetch fails (5xx, 429)", async () => {
  const { session_jwt } = await minted(["admin"]);
  for (const status of [503, 429]) {
    await ctl.fault({ path_prefix: "/v1/rbac/policy", status, times: 1 });
    const r = await calls.authenticateJwtLocal(client(), { session_jwt, authorization_check: READ });
    assert.equal(r.ok, false);
    assert.equal(r.error.kind, "StytchError");
    assert.equal(r.error.status_code, status);
  }
  assert.equal((await calls.authenticateJwtLocal(client(), { session_jwt, authorization_check: READ })).ok, true, "fault used up");
});

test("authenticateJwt: local allow makes no session call; a local denial asks the API, which answers 403", async () => {
  const c = client();
  const admin = await minted(["admin"]);
  const n0 = await count("POST /v1/sessions/authenticate");
  const allowed = await calls.authenticateJwt(c, { session_jwt: admin.session_jwt, authorization_check: DELETE });
  assert.equal(allowed.ok, true, JSON.stringify(allowed.error));
  assert.equal(allowed.value.session_jwt, admin.session_jwt, "local success returns the given JWT");
  assert.deepEqual(allowed.value.session.roles, ["admin"]);
  assert.equal(await count("POST /v1/sessions/authenticate"), n0);

  const reader = await minted(["reader"]);
  const denied = await calls.authenticateJwt(c, { session_jwt: reader.session_jwt, authorization_check: WRITE });
  assert.equal(denied.ok, false);
  assert.deepEqual([denied.error.kind, denied.error.status_code, denied.error.error_type], ["StytchError", 403, "consumer_session_authorization_error"]);
  assert.equal(await count("POST /v1/sessions/authenticate"), n0 + 1, "the denial went to the API once");

  const old = await ctl.createSession({ user_id: admin.user.user_id, iat_offset_seconds: -600 });
  const remote = await calls.authenticateJwt(c, { session_jwt: old.session_jwt, authorization_check: READ });
  assert.equal(remote.ok, true, JSON.stringify(remote.error));
  assert.deepEqual(remote.value.verdict, { authorized: true, granting_roles: ["admin"] }, "an expired JWT goes to the API, which gives the verdict");
  assert.notEqual(remote.value.session_jwt, old.session_jwt);
  assert.deepEqual(decode(remote.value.session_jwt)[SESSION_CLAIM].roles, ["admin"]);
});

test("exchangeAccessToken through the SDK: success, reuse and unknown tokens", async () => {
  const c = client();
  const user = await ctl.createUser({ email: `x${Math.random()}@example.com`, roles: ["reader"] });
  const { access_token } = await ctl.accessToken({ user_id: user.user_id });
  const r = await calls.exchangeAccessToken(c, { access_token, session_duration_minutes: 60, session_custom_claims: { plan: "pro" } });
  assert.equal(r.ok, true, JSON.stringify(r.error));
  assert.equal(r.value.status_code, 200);
  assert.equal(r.value.user_id, user.user_id);
  assert.equal(r.value.user.user_id, user.user_id);
  assert.deepEqual(r.value.session.roles, ["reader"]);
  assert.deepEqual(r.value.session.custom_claims, { plan: "pro" });
  assert.equal(r.value.session.authentication_factors[0].delivery_method, "oauth_access_token_exchange");
  const local = await calls.authenticateJwtLocal(c, { session_jwt: r.value.session_jwt, authorization_check: READ });
  assert.equal(local.ok, true, "the minted JWT verifies and authorizes in the SDK");
  assert.equal(local.value.custom_claims.plan, "pro");

  const reused = await calls.exchangeAccessToken(c, { access_token });
  assert.deepEqual([reused.error.kind, reused.error.status_code, reused.error.error_type], ["StytchError", 404, "idp_access_token_could_not_be_exchanged"]);
  const unknown = await calls.exchangeAccessToken(c, { access_token: "never-minted" });
  assert.deepEqual([unknown.error.status_code, unknown.error.error_type], [404, "idp_access_token_not_found"]);
});

test("attest through the SDK: new session, into an existing session, reuse and unknown profile", async () => {
  const c = client();
  const user = await ctl.createUser({ email: `a${Math.random()}@example.com`, roles: ["editor"] });
  const profile_id = "trusted-token-profile-test-sdk";
  const { token } = await ctl.trustedAuthToken({ profile_id, user_id: user.user_id });
  const r = await calls.attest(c, { profile_id, token, session_duration_minutes: 30 });
  assert.equal(r.ok, true, JSON.stringify(r.error));
  assert.equal(r.value.user_id, user.user_id);
  assert.deepEqual(r.value.session.roles, ["editor"]);
  assert.equal(r.value.session.authentication_factors[0].type, "trusted_auth_token");

  const { token: t2 } = await ctl.trustedAuthToken({ profile_id, user_id: user.user_id });
  const into = await calls.attest(c, { profile_id, token: t2, session_token: r.value.session_token, session_duration_minutes: 30 });
  assert.equal(into.ok, true, JSON.stringify(into.error));
  assert.equal(into.value.session.session_id, r.value.session.session_id);
  assert.equal(into.value.session.authentication_factors.length, 2);

  const reused = await calls.attest(c, { profile_id, token });
  assert.deepEqual([reused.error.kind, reused.error.status_code, reused.error.error_type], ["StytchError", 401, "invalid_trusted_auth_token"]);
  const unknown = await calls.attest(c, { profile_id: "no-such-profile", token: t2 });
  assert.deepEqual([unknown.error.status_code, unknown.error.error_type], [404, "trusted_auth_token_profile_not_found"]);
});
