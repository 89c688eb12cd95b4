// The official `stytch` Node SDK's M2M and Connected Apps (IdP) calls against the emulator
// (tests/emulator/USAGE.md, "M2M and Connected Apps"): tokens from `m2m.token` must pass
// `m2m.authenticateToken`, and Connected App tokens `idp.introspectTokenLocal` and
// `idp.introspectTokenNetwork`, exactly as they would against Stytch.  Run: node --test tests/js/sdk/
import { test } from "node:test";
import assert from "node:assert/strict";
import { PROJECT_ID, SECRET } from "../lib/emulator.mjs";
import { emulatorProcessForFile } from "./emulator-process.mjs";
import * as stytch from "stytch";
import { sdkClient, describeError } from "./calls.mjs";

const POLICY = {
  roles: [],
  resources: [{ resource_id: "documents", description: "", actions: ["read", "write"] }],
  scopes: [
    { scope: "read:docs", description: "", permissions: [{ resource_id: "documents", actions: ["read"] }] },
    { scope: "admin:docs", description: "", permissions: [{ resource_id: "documents", actions: ["*"] }] },
  ],
};
const READ = { resource_id: "documents", action: "read" };
const WRITE = { resource_id: "documents", action: "write" };

let emu;
let ctl;
emulatorProcessForFile((control) => control.putPolicy(POLICY), (started, control) => {
  [emu, ctl] = [started, control];
});

/** A fresh client each time, so that the SDK's JWKS and policy caches start empty. */
const client = () => sdkClient(emu.url, { projectId: PROJECT_ID, secret: SECRET });

/** `{ok: true, value}` or `{ok: false, error}` (calls.mjs `describeError`, plus a ClientError's cause). */
async function settle(promise) {
  try {
    return { ok: true, value: await promise };
  } catch (err) {
    return { ok: false, error: describeError(err), cause: err?.cause ? describeError(err.cause) : undefined };
  }
}

const nowSec = () => Math.floor(Date.now() / 1000);

test("m2m.token then m2m.authenticateToken: client id, scopes and custom claims", async () => {
  const c = client();
  const m2m = await ctl.createM2MClient({ scopes: ["read:users", "write:users"], custom_claims: { team: "billing" } });
  const all = await settle(c.m2m.token({ client_id: m2m.client_id, client_secret: m2m.client_secret }));
  assert.equal(all.ok, true, JSON.stringify(all.error));
  assert.deepEqual([all.value.token_type, all.value.expires_in, all.value.status_code], ["bearer", 3600, 200]);
  const authed = await settle(c.m2m.authenticateToken({ access_token: all.value.access_token }));
  assert.equal(authed.ok, true, JSON.stringify(authed.error));
  assert.deepEqual(authed.value, { client_id: m2m.client_id, scopes: ["read:users", "write:users"], custom_claims: { team: "billing" } });

  const one = await settle(c.m2m.token({ client_id: m2m.client_id, client_secret: m2m.client_secret, scopes: ["write:users"] }));
  const narrowed = await settle(c.m2m.authenticateToken({ access_token: one.value.access_token }));
  assert.deepEqual(narrowed.value.scopes, ["write:users"]);
});

test("m2m.authenticateToken with required_scopes: a read:* wildcard grants, a missing scope is missing_scopes", async () => {
  const c = client();
  const m2m = await ctl.createM2MClient({ scopes: ["read:*", "write:users"] });
  const { access_token } = await c.m2m.token({ client_id: m2m.client_id, client_secret: m2m.client_secret });
  const wildcard = await settle(c.m2m.authenticateToken({ access_token, required_scopes: ["read:users", "read:invoices", "write:users"] }));
  assert.equal(wildcard.ok, true, JSON.stringify(wildcard.error));
  const missing = await settle(c.m2m.authenticateToken({ access_token, required_scopes: ["read:users", "delete:users"] }));
  assert.deepEqual([missing.ok, missing.error.kind, missing.error.code], [false, "ClientError", "missing_scopes"]);
  const tooOld = await settle(c.m2m.authenticateToken({ access_token, max_token_age_seconds: 0 }));
  assert.deepEqual([tooOld.error.kind, tooOld.error.code], ["ClientError", "jwt_too_old"]);
});

test("m2m.token failures are StytchErrors carrying the OAuth error code", async () => {
  const c = client();
  const m2m = await ctl.createM2MClient({ scopes: ["read:users"] });
  const bad = await settle(c.m2m.token({ client_id: m2m.client_id, client_secret: "wrong" }));
  assert.deepEqual([bad.ok, bad.error.kind, bad.error.status_code, bad.error.error_type], [false, "StytchError", 401, "invalid_client"]);
  assert.match(bad.error.request_id, /^request-id-test-/);
  assert.equal(typeof bad.error.error_message, "string");
  const scope = await settle(c.m2m.token({ client_id: m2m.client_id, client_secret: m2m.client_secret, scopes: ["write:users"] }));
  assert.deepEqual([scope.error.kind, scope.error.status_code, scope.error.error_type], ["StytchError", 400, "invalid_scope"]);
  await ctl.fault({ path_prefix: "/v1/public/", status: 503, times: 1 });
  const down = await settle(c.m2m.token({ client_id: m2m.client_id, client_secret: m2m.client_secret }));
  assert.deepEqual([down.error.kind, down.error.status_code], ["StytchError", 503]);
});

test("idp.introspectTokenLocal: the claims, a scope check against the policy's scopes, and denials", async () => {
  const user = await ctl.createUser({ email: "ada@example.com" });
  const app = await ctl.createConnectedAppClient();
  const { access_token } = await ctl.mintConnectedAppToken({ subject: user.user_id, client_id: app.client_id, scopes: ["openid", "read:docs"], custom_claims: { tier: "gold" } });
  const c = client();
  const before = await ctl.requests();
  const plain = await settle(c.idp.introspectTokenLocal(access_token));
  assert.equal(plain.ok, true, JSON.stringify(plain.error));
  const { issued_at, expires_at, not_before, ...rest } = plain.value;
  assert.deepEqual(rest, {
    subject: user.user_id, audience: [PROJECT_ID], issuer: `stytch.com/${PROJECT_ID}`, scope: "openid read:docs",
    token_type: "access_token", custom_claims: { client_id: app.client_id, tier: "gold" },
  });
  assert.ok(Math.abs(issued_at - nowSec()) <= 5);
  assert.deepEqual([not_before, expires_at], [issued_at, issued_at + 3600]);
  assert.equal((await ctl.requests())["GET /v1/rbac/policy"], before["GET /v1/rbac/policy"], "no check, no policy fetch");

  const allowed = await settle(c.idp.introspectTokenLocal(access_token, { authorization_check: READ }));
  assert.equal(allowed.ok, true, JSON.stringify(allowed.error));
  const denied = await settle(c.idp.introspectTokenLocal(access_token, { authorization_check: WRITE }));
  assert.deepEqual([denied.ok, denied.error.kind, denied.error.code], [false, "ClientError", "invalid_permissions"]);
  assert.equal((await ctl.requests())["GET /v1/rbac/policy"] - before["GET /v1/rbac/policy"], 1, "the policy is fetched once, then cached");

  const admin = await ctl.mintConnectedAppToken({ subject: user.user_id, client_id: app.client_id, scopes: ["admin:docs"] });
  assert.equal((await settle(client().idp.introspectTokenLocal(admin.access_token, { authorization_check: WRITE }))).ok, true, "a \"*\" action grants");
  const expired = await ctl.mintConnectedAppToken({ subject: user.user_id, client_id: app.client_id, scopes: ["read:docs"], iat_offset_seconds: -7200 });
  const old = await settle(c.idp.introspectTokenLocal(expired.access_token));
  assert.deepEqual([old.error.kind, old.error.code], ["ClientError", "jwt_invalid"]);
});

test("idp.introspectTokenNetwork: active claims, inactive tokens and a bad client", async () => {
  const user = await ctl.createUser();
  const app = await ctl.createConnectedAppClient();
  const { access_token } = await ctl.mintConnectedAppToken({ subject: user.user_id, client_id: app.client_id, scopes: ["read:docs"], custom_claims: { tier: "gold" } });
  const c = client();
  const creds = { client_id: app.client_id, client_secret: app.client_secret };
  const active = await settle(c.idp.introspectTokenNetwork({ token: access_token, ...creds, token_type_hint: "access_token" }));
  assert.equal(active.ok, true, JSON.stringify(active.error));
  const { issued_at, expires_at, not_before, ...rest } = active.value;
  assert.deepEqual(rest, {
    subject: user.user_id, scope: "read:docs", audience: [PROJECT_ID], issuer: `stytch.com/${PROJECT_ID}`,
    token_type: "access_token", custom_claims: { tier: "gold" },
  });
  assert.deepEqual([not_before, expires_at], [issued_at, issued_at + 3600]);

  const checked = await settle(c.idp.introspectTokenNetwork({ token: access_token, ...creds }, { authorization_check: READ }));
  assert.equal(checked.ok, true, JSON.stringify(checked.error));
  const denied = await settle(c.idp.introspectTokenNetwork({ token: access_token, ...creds }, { authorization_check: WRITE }));
  assert.deepEqual([denied.error.kind, denied.error.code], ["ClientError", "invalid_permissions"]);

  const expired = await ctl.mintConnectedAppToken({ subject: user.user_id, client_id: app.client_id, scopes: [], expires_in: 0 });
  const inactive = await settle(c.idp.introspectTokenNetwork({ token: expired.access_token, ...creds }));
  assert.deepEqual([inactive.ok, inactive.error.kind, inactive.error.code], [false, "ClientError", "token_invalid"]);
  assert.match(inactive.error.message, /not active/);
  const garbage = await settle(c.idp.introspectTokenNetwork({ token: "not-a-token", ...creds }));
  assert.deepEqual([garbage.error.code, /not active/.test(garbage.error.message)], ["token_invalid", true]);

  const badClient = await settle(c.idp.introspectTokenNetwork({ token: access_token, client_id: app.client_id, client_secret: "wrong" }));
  assert.deepEqual([badClient.error.kind, badClient.error.code], ["ClientError", "token_invalid"]);
  assert.deepEqual([badClient.cause.kind, badClient.cause.status_code, badClient.cause.error_type], ["StytchError", 401, "invalid_client"]);
  const counts = await ctl.requests();
  assert.equal(counts["POST /v1/public/:project_id/oauth2/introspect"], 6);
});

test("B2B: member tokens through B2BClient.idp (organization, tenancy, scopes) and B2B M2M clients through B2BClient.m2m", async () => {
  const org = await ctl.createOrganization({ organization_slug: "acme-oauth" });
  const other = await ctl.createOrganization({ organization_slug: "other-oauth" });
  const member = await ctl.createMember({ organization_id: org.organization_id, email_address: "ada@acme.example" });
  await ctl.putB2BPolicy({ scopes: [{ scope: "read:docs", description: "", permissions: [{ resource_id: "documents", actions: ["read"] }] }] });
  const app = await ctl.createConnectedAppClient();
  const { access_token } = await ctl.mintConnectedAppToken({ member_id: member.member_id, client_id: app.client_id, scopes: ["read:docs"] });
  const b2b = () => sdkClient(emu.url, { projectId: PROJECT_ID, secret: SECRET }, stytch.B2BClient);
  const organization = { organization_id: org.organization_id, slug: "acme-oauth" };
  const check = (orgId, action) => ({ authorization_check: { organization_id: orgId, resource_id: "documents", action } });

  const local = await settle(b2b().idp.introspectTokenLocal(access_token, check(org.organization_id, "read")));
  assert.equal(local.ok, true, JSON.stringify(local.error));
  assert.deepEqual([local.value.subject, local.value.organization], [member.member_id, organization]);
  const denied = await settle(b2b().idp.introspectTokenLocal(access_token, check(org.organization_id, "write")));
  assert.deepEqual([denied.error.kind, denied.error.code], ["ClientError", "invalid_permissions"]);
  const tenancy = await settle(b2b().idp.introspectTokenLocal(access_token, check(other.organization_id, "read")));
  assert.deepEqual([tenancy.error.kind, tenancy.error.code], ["ClientError", "tenancy_mismatch"]);
  const consumerSdk = await settle(client().idp.introspectTokenLocal(access_token));
  assert.deepEqual([consumerSdk.error.kind, consumerSdk.error.code], ["ClientError", "jwt_invalid"], "signed with the B2B keys, not the consumer ones");

  const network = await settle(b2b().idp.introspectTokenNetwork({ token: access_token, client_id: app.client_id, client_secret: app.client_secret }, check(org.organization_id, "read")));
  assert.equal(network.ok, true, JSON.stringify(network.error));
  assert.deepEqual([network.value.subject, network.value.organization, network.value.custom_claims], [member.member_id, organization, {}]);

  const m2m = await ctl.createM2MClient({ scopes: ["read:*"], b2b: true });
  const { access_token: m2mToken } = await b2b().m2m.token({ client_id: m2m.client_id, client_secret: m2m.client_secret });
  const authed = await settle(b2b().m2m.authenticateToken({ access_token: m2mToken, required_scopes: ["read:invoices"] }));
  assert.deepEqual(authed.value, { client_id: m2m.client_id, scopes: ["read:*"], custom_claims: {} });
});
