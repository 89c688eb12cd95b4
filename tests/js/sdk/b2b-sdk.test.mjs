// The official `stytch` Node SDK's B2BClient against the emulator (tests/emulator/USAGE.md, "B2B"):
// every B2B Sessions call, with and without authorization checks (project roles, org roles,
// denial, tenancy), must work through the SDK exactly as it would against Stytch.
// Run: cd tests/js && node --test sdk/
import { test } from "node:test";
import assert from "node:assert/strict";
import * as stytch from "stytch";
import { PROJECT_ID, SECRET } from "../lib/emulator.mjs";
import { emulatorProcessForFile } from "./emulator-process.mjs";
import { B2B_POLICY as POLICY, ORG_ROLES } from "../../emulator/helpers.mjs";
import { sdkClient, settle } from "./calls.mjs";

const ORG_CLAIM = "https://stytch.com/organization";

let emu;
let ctl;
emulatorProcessForFile((control) => control.putB2BPolicy(POLICY), (started, control) => {
  [emu, ctl] = [started, control];
});

/** A `stytch.B2BClient` for the emulator (calls.mjs `sdkClient`). */
const client = () => sdkClient(emu.url, { projectId: PROJECT_ID, secret: SECRET }, stytch.B2BClient);

const failure = (r) => (r.ok ? ["ok"] : [r.error.kind, r.error.status_code ?? r.error.code, r.error.error_type].filter((x) => x !== undefined));
const counts = () => ctl.requests();
let n = 0;

/** An organization with the org roles, a member with `roles` and a session of it. */
async function world(roles, sessionBody = {}) {
  const org = await ctl.createOrganization({ organization_slug: `sdk-org-${++n}`, org_policy: { roles: ORG_ROLES } });
  const member = await ctl.createMember({ organization_id: org.organization_id, email_address: `sdk${++n}@example.com`, roles });
  return { org, member, ...(await ctl.createMemberSession({ member_id: member.member_id, ...sessionBody })) };
}
const check = (org, action) => ({ organization_id: org.organization_id, resource_id: "documents", action });

test("getJWKS serves the B2B keys; rbac.policy and rbac.organizations.getOrgPolicy read the policies", async () => {
  const c = client();
  const { org, session_jwt } = await world([]);
  const jwks = await settle(c.sessions.getJWKS({ project_id: PROJECT_ID }));
  assert.equal(jwks.ok, true, JSON.stringify(jwks.error));
  const kid = JSON.parse(Buffer.from(session_jwt.split(".")[0], "base64url")).kid;
  assert.deepEqual(jwks.value.keys.map((k) => k.kid), [kid]);
  assert.deepEqual(failure(await settle(c.sessions.getJWKS({ project_id: "project-test-other" }))), ["StytchError", 404, "project_not_found"]);
  const { kid: next } = await ctl.rotateB2BKeys({ keep_old: false });
  assert.deepEqual((await c.sessions.getJWKS({ project_id: PROJECT_ID })).keys.map((k) => k.kid), [next]);
  assert.deepEqual((await c.rbac.policy()).policy, POLICY);
  assert.deepEqual((await c.rbac.organizations.getOrgPolicy({ organization_id: org.organization_id })).org_policy, { roles: ORG_ROLES });
  await ctl.putOrgPolicy(org.organization_id, []);
  assert.deepEqual((await c.rbac.organizations.getOrgPolicy({ organization_id: org.organization_id })).org_policy, { roles: [] });
});

test("sessions.authenticate: plain, verdict by project and by org role, denial and tenancy as StytchError 403", async () => {
  const c = client();
  const { org, member, session_token, member_session } = await world(["reader", "org-writer"]);
  const plain = await settle(c.sessions.authenticate({ session_token, session_custom_claims: { plan: "pro" } }));
  assert.equal(plain.ok, true, JSON.stringify(plain.error));
  assert.equal(plain.value.member_session.member_session_id, member_session.member_session_id);
  assert.deepEqual(plain.value.member_session.custom_claims, { plan: "pro" });
  assert.equal(plain.value.member.member_id, member.member_id);
  assert.equal(plain.value.organization.organization_id, org.organization_id);
  assert.equal(plain.value.verdict, undefined);
  const read = await c.sessions.authenticate({ session_token, authorization_check: check(org, "read") });
  assert.deepEqual(read.verdict, { authorized: true, granting_roles: ["reader"] });
  const write = await c.sessions.authenticate({ session_jwt: read.session_jwt, authorization_check: check(org, "write") });
  assert.deepEqual(write.verdict, { authorized: true, granting_roles: ["org-writer"] });
  const denied = await settle(c.sessions.authenticate({ session_token, authorization_check: check(org, "delete") }));
  assert.deepEqual(failure(denied), ["StytchError", 403, "session_authorization_error"]);
  const other = await world(["admin"]);
  const tenancy = await settle(c.sessions.authenticate({ session_token, authorization_check: check(other.org, "read") }));
  assert.deepEqual(failure(tenancy), ["StytchError", 403, "session_authorization_tenancy_error"]);
});

test("authenticateJwtLocal: the MemberSession, allowed by a project role and by an org role, denied, tenancy mismatch", async () => {
  const c = client();
  const { org, member, session_jwt, member_session } = await world(["reader", "org-writer"], { custom_claims: { plan: "pro" } });
  const mark = await counts();
  const local = await settle(c.sessions.authenticateJwtLocal({ session_jwt }));
  assert.equal(local.ok, true, JSON.stringify(local.error));
  const { expires_at, ...rest } = local.value;
  const { expires_at: expected, ...expectedRest } = member_session;
  assert.deepEqual(rest, expectedRest, "every MemberSession field as the API gives it");
  assert.equal(Date.parse(expires_at), Date.parse(expected));
  assert.equal(local.value.member_id, member.member_id);
  assert.equal(ORG_CLAIM in local.value.custom_claims, false);

  const byProject = await settle(c.sessions.authenticateJwtLocal({ session_jwt, authorization_check: check(org, "read") }));
  assert.equal(byProject.ok, true, JSON.stringify(byProject.error));
  const byOrg = await settle(c.sessions.authenticateJwtLocal({ session_jwt, authorization_check: check(org, "write") }));
  assert.equal(byOrg.ok, true, JSON.stringify(byOrg.error));
  assert.deepEqual(failure(await settle(c.sessions.authenticateJwtLocal({ session_jwt, authorization_check: check(org, "delete") }))), ["ClientError", "invalid_permissions"]);
  const other = await world([]);
  assert.deepEqual(failure(await settle(c.sessions.authenticateJwtLocal({ session_jwt, authorization_check: check(other.org, "read") }))), ["ClientError", "tenancy_mismatch"]);
  const after = await counts();
  const delta = (k) => after[k] - mark[k];
  assert.equal(delta("GET /v1/b2b/rbac/policy"), 1, "the project policy is fetched once and cached");
  assert.equal(delta("GET /v1/b2b/rbac/organizations/:organization_id"), 1, "the session's org policy, once (also for the tenancy mismatch)");
  assert.equal(delta("POST /v1/b2b/sessions/authenticate"), 0, "no session call");
  assert.equal(delta("GET /v1/b2b/sessions/jwks/:project_id"), 1);

  const consumerUser = await ctl.createUser({ email: `c${++n}@example.com` });
  const consumer = await ctl.createSession({ user_id: consumerUser.user_id });
  assert.deepEqual(failure(await settle(c.sessions.authenticateJwtLocal({ session_jwt: consumer.session_jwt }))), ["ClientError", "jwt_invalid"], "a consumer JWT is not a member JWT");
});

test("authenticateJwt: a local allow makes no API call; a local denial and an expired JWT go to the API", async () => {
  const c = client();
  const { org, member, session_jwt } = await world(["reader"]);
  const mark = await counts();
  const allowed = await settle(c.sessions.authenticateJwt({ session_jwt, authorization_check: check(org, "read") }));
  assert.equal(allowed.ok, true, JSON.stringify(allowed.error));
  assert.equal(allowed.value.session_jwt, session_jwt);
  assert.equal(allowed.value.member_session.member_id, member.member_id);
  assert.equal((await counts())["POST /v1/b2b/sessions/authenticate"], mark["POST /v1/b2b/sessions/authenticate"]);
  const denied = await settle(c.sessions.authenticateJwt({ session_jwt, authorization_check: check(org, "write") }));
  assert.deepEqual(failure(denied), ["StytchError", 403, "session_authorization_error"]);
  assert.equal((await counts())["POST /v1/b2b/sessions/authenticate"], mark["POST /v1/b2b/sessions/authenticate"] + 1);
  const old = await ctl.createMemberSession({ member_id: member.member_id, iat_offset_seconds: -600 });
  const remote = await settle(c.sessions.authenticateJwt({ session_jwt: old.session_jwt, authorization_check: check(org, "read") }));
  assert.equal(remote.ok, true, JSON.stringify(remote.error));
  assert.deepEqual(remote.value.verdict, { authorized: true, granting_roles: ["reader"] });
  assert.notEqual(remote.value.session_jwt, old.session_jwt);
});

test("sessions.get and every form of sessions.revoke, with and without member authorization", async () => {
  const c = client();
  const { org, member, member_session, session_token, session_jwt } = await world([]);
  const s2 = await ctl.createMemberSession({ member_id: member.member_id });
  const s3 = await ctl.createMemberSession({ member_id: member.member_id });
  const get = () => c.sessions.get({ organization_id: org.organization_id, member_id: member.member_id });
  const ids = async () => (await get()).member_sessions.map((s) => s.member_session_id);
  assert.deepEqual(await ids(), [member_session, s2.member_session, s3.member_session].map((s) => s.member_session_id));
  assert.deepEqual(failure(await settle(c.sessions.get({ organization_id: org.organization_id, member_id: "member-test-none" }))), ["StytchError", 404, "member_not_found"]);

  const stranger = await world([]);
  const refused = await settle(c.sessions.revoke({ member_session_id: s2.member_session.member_session_id }, { authorization: { session_token: stranger.session_token } }));
  assert.deepEqual(failure(refused), ["StytchError", 403, "session_authorization_error"]);
  const r = await c.sessions.revoke({ member_session_id: s2.member_session.member_session_id }, { authorization: { session_jwt } });
  assert.equal(r.status_code, 200);
  await c.sessions.revoke({ session_token: s3.session_token });
  assert.deepEqual(await ids(), [member_session.member_session_id]);
  await c.sessions.revoke({ session_jwt });
  assert.deepEqual(await ids(), []);
  const a = await ctl.createMemberSession({ member_id: member.member_id });
  await ctl.createMemberSession({ member_id: member.member_id });
  await c.sessions.revoke({ member_id: member.member_id }, { authorization: { session_token: a.session_token } });
  assert.deepEqual(await ids(), []);
  assert.deepEqual(failure(await settle(c.sessions.authenticate({ session_token }))), ["StytchError", 404, "session_not_found"]);
  assert.deepEqual(failure(await settle(c.sessions.revoke({ member_id: member.member_id, session_token }))), ["StytchError", 400, "too_many_session_revoke_arguments"]);
});

test("sessions.exchange into the same person's member of another organization", async () => {
  const c = client();
  const home = await world(["reader"]);
  const target = await ctl.createOrganization({ organization_slug: `sdk-target-${++n}` });
  const there = await ctl.createMember({ organization_id: target.organization_id, email_address: home.member.email_address, roles: ["admin"] });
  const r = await settle(c.sessions.exchange({ organization_id: target.organization_id, session_token: home.session_token, session_duration_minutes: 30 }));
  assert.equal(r.ok, true, JSON.stringify(r.error));
  assert.equal(r.value.member_id, there.member_id);
  assert.equal(r.value.member_authenticated, true);
  assert.equal(r.value.intermediate_session_token, "");
  assert.deepEqual(r.value.member_session.roles, ["admin"]);
  const local = await c.sessions.authenticateJwtLocal({ session_jwt: r.value.session_jwt, authorization_check: check(target, "delete") });
  assert.equal(local.organization_id, target.organization_id);
  const nobody = await ctl.createOrganization({ organization_slug: `sdk-empty-${++n}` });
  assert.deepEqual(failure(await settle(c.sessions.exchange({ organization_id: nobody.organization_id, session_jwt: home.session_jwt }))), ["StytchError", 404, "member_not_found"]);
});

test("sessions.exchangeAccessToken, attest and migrate give member sessions the SDK verifies", async () => {
  const c = client();
  const { org, member, session_token } = await world(["reader"]);

  const { access_token } = await ctl.b2bAccessToken({ member_id: member.member_id });
  const ex = await settle(c.sessions.exchangeAccessToken({ access_token, session_duration_minutes: 60, session_custom_claims: { plan: "pro" } }));
  assert.equal(ex.ok, true, JSON.stringify(ex.error));
  assert.equal(ex.value.member_id, member.member_id);
  assert.equal(ex.value.member_session.authentication_factors[0].delivery_method, "oauth_access_token_exchange");
  const local = await c.sessions.authenticateJwtLocal({ session_jwt: ex.value.session_jwt, authorization_check: check(org, "read") });
  assert.equal(local.custom_claims.plan, "pro");
  assert.deepEqual(failure(await settle(c.sessions.exchangeAccessToken({ access_token }))), ["StytchError", 404, "idp_access_token_could_not_be_exchanged"]);

  const profile_id = "trusted-token-profile-test-sdk-b2b";
  const { token } = await ctl.b2bTrustedAuthToken({ profile_id, member_id: member.member_id });
  const at = await settle(c.sessions.attest({ profile_id, token, organization_id: org.organization_id, session_token }));
  assert.equal(at.ok, true, JSON.stringify(at.error));
  assert.equal(at.value.session_token, session_token);
  assert.deepEqual(at.value.member_session.authentication_factors.map((f) => f.type), ["magic_link", "trusted_auth_token"]);
  assert.deepEqual(failure(await settle(c.sessions.attest({ profile_id, token }))), ["StytchError", 401, "invalid_trusted_auth_token"]);

  await ctl.externalToken({ token: "sdk-external", email: member.email_address });
  const mig = await settle(c.sessions.migrate({ session_token: "sdk-external", organization_id: org.organization_id, session_duration_minutes: 20 }));
  assert.equal(mig.ok, true, JSON.stringify(mig.error));
  assert.equal(mig.value.member_id, member.member_id);
  assert.equal((await c.sessions.authenticateJwtLocal({ session_jwt: mig.value.session_jwt })).member_session_id, mig.value.member_session.member_session_id);
  assert.deepEqual(failure(await settle(c.sessions.migrate({ session_token: "unknown", organization_id: org.organization_id }))), ["StytchError", 401, "invalid_external_session_token"]);
});
