// Parity with stytch-node's B2BClient (tests/js/node_modules/stytch), against one emulator: every
// B2B Sessions operation run through both clients, their answers compared field by field (values
// where both must agree, the shape of the rest), their errors by class and code; and what the
// emulator counts for 1,000 org-scoped checks, a tenancy mismatch, and each product's tokens
// given to the other's verifier.
//
//   ./scripts/build && node --test tests/js/b2b/
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as stytch from "stytch";
import { startEmulator } from "../../emulator/index.mjs";
import { control, PROJECT_ID, SECRET } from "../lib/emulator.mjs";
import { installedPackage } from "../lib/package-install.mjs";
import { sdkClient } from "../sdk/calls.mjs";
import { agree as agreeOutcomes, outcome } from "../lib/parity.mjs";

const root = new URL("../../..", import.meta.url).pathname;
const reader = (resource_id, actions) => [{ role_id: "reader", description: "", permissions: [{ resource_id, actions }] }];
const ORG_ROLES = [{ role_id: "org-writer", description: "", permissions: [{ resource_id: "documents", actions: ["write"] }] }];

let api, emu, ctl, ours, sdk;
before(async () => {
  api = await (await installedPackage(root)).importPackage();
  emu = await startEmulator({ port: 0 });
  ctl = control(emu.url);
  await ctl.putB2BPolicy({ roles: reader("documents", ["read"]) });
  ours = new api.B2BClient({ project_id: PROJECT_ID, secret: SECRET, custom_base_url: emu.url });
  sdk = sdkClient(emu.url, { projectId: PROJECT_ID, secret: SECRET }, stytch.B2BClient);
});
after(() => emu?.close());

let n = 0;
/** An organization with its own `org-writer` role, a member holding `roles`, and `sessions` of it. */
async function world(roles = ["reader", "org-writer"], sessions = 1, sessionBody = {}) {
  const org = await ctl.createOrganization({ organization_slug: `parity-${++n}-${Date.now()}`, org_policy: { roles: ORG_ROLES } });
  const member = await ctl.createMember({ organization_id: org.organization_id, email_address: `parity${++n}@example.com`, roles });
  const minted = [];
  for (let i = 0; i < sessions; i++) minted.push(await ctl.createMemberSession({ member_id: member.member_id, ...sessionBody }));
  return { org, member, minted };
}
const check = (org, action) => ({ organization_id: org.organization_id, resource_id: "documents", action });

/** Both outcomes agree (lib/parity.mjs `agree`), timestamps compared as instants. */
const agree = (mine, theirs, same, label) => agreeOutcomes(mine, theirs, same, label, { byInstant: true });

/** Runs `call` with each client; `fresh` gives each its own inputs (for calls that use them up). */
async function both(call, fresh = async () => undefined) {
  const a = await fresh();
  const b = await fresh();
  return [await outcome(call(ours, a)), await outcome(call(sdk, b)), a, b];
}

/** Each client's new session is its own world's member's, in its organization. */
function ownMember(results) {
  const [mine, theirs, a, b] = results;
  for (const [r, w] of [[mine, a], [theirs, b]]) {
    assert.equal(r.value.member_id, w.member.member_id);
    assert.equal(r.value.organization.organization_id, w.org.organization_id);
  }
}

test("authenticateJwtLocal: the member session, allowed by a project role and by an org role, denied, tenancy mismatch", async () => {
  const { org, minted: [s] } = await world(["reader", "org-writer"], 1, { custom_claims: { plan: "pro" } });
  const other = await world();
  for (const [label, params] of [
    ["plain", { session_jwt: s.session_jwt }],
    ["project role", { session_jwt: s.session_jwt, authorization_check: check(org, "read") }],
    ["org role", { session_jwt: s.session_jwt, authorization_check: check(org, "write") }],
    ["denied", { session_jwt: s.session_jwt, authorization_check: check(org, "delete") }],
    ["tenancy", { session_jwt: s.session_jwt, authorization_check: check(other.org, "read") }],
  ]) {
    const [mine, theirs] = await both((c) => c.sessions.authenticateJwtLocal(params));
    agree(mine, theirs, ["member_session_id", "member_id", "organization_id", "organization_slug", "started_at", "last_accessed_at", "expires_at", "authentication_factors", "custom_claims", "roles"], label);
  }
});

test("authenticateJwt: local for a fresh JWT (with a verdict), the API for an old one", async () => {
  const { org, minted: [s] } = await world();
  const [mine, theirs] = await both((c) => c.sessions.authenticateJwt({ session_jwt: s.session_jwt }));
  agree(mine, theirs, ["member_session", "session_jwt"], "fresh");
  const checked = await outcome(ours.sessions.authenticateJwt({ session_jwt: s.session_jwt, authorization_check: check(org, "write") }));
  assert.deepEqual(checked.value.verdict, { authorized: true, granting_roles: ["org-writer"] }, "ours carries the local verdict");
  const old = await world(["reader"], 1, { iat_offset_seconds: -600 });
  const [a, b] = await both((c) => c.sessions.authenticateJwt({ session_jwt: old.minted[0].session_jwt }));
  agree(a, b, ["member_session.member_session_id", "member.member_id", "organization.organization_id"], "old");
});

test("authenticate: plain, with a verdict, denied and tenancy-mismatched by the API", async () => {
  const { org, minted: [s] } = await world();
  const other = await world();
  for (const [label, params, same] of [
    ["token", { session_token: s.session_token }, ["member_session.member_session_id", "member", "organization", "session_token"]],
    ["verdict", { session_token: s.session_token, authorization_check: check(org, "write") }, ["verdict", "member_session.member_session_id"]],
    ["denied", { session_token: s.session_token, authorization_check: check(org, "delete") }, []],
    ["tenancy", { session_token: s.session_token, authorization_check: check(other.org, "read") }, []],
  ]) {
    const [mine, theirs] = await both((c) => c.sessions.authenticate(params));
    agree(mine, theirs, same, label);
  }
});

test("get, getJWKS, exchange", async () => {
  const { org, member, minted: [s] } = await world(["reader"], 2);
  const [g1, g2] = await both((c) => c.sessions.get({ organization_id: org.organization_id, member_id: member.member_id }));
  agree(g1, g2, ["member_sessions"], "get");
  const [j1, j2] = await both((c) => c.sessions.getJWKS({ project_id: PROJECT_ID }));
  agree(j1, j2, ["keys"], "getJWKS");
  const target = await ctl.createOrganization({ organization_slug: `parity-x-${++n}-${Date.now()}` });
  await ctl.createMember({ organization_id: target.organization_id, email_address: member.email_address });
  const [e1, e2] = await both((c) => c.sessions.exchange({ organization_id: target.organization_id, session_token: s.session_token }));
  agree(e1, e2, ["member_id", "organization", "member_authenticated", "intermediate_session_token", "mfa_required", "primary_required"], "exchange");
  const [x1, x2] = await both((c) => c.sessions.exchange({ organization_id: "organization-test-none", session_token: s.session_token }));
  agree(x1, x2, [], "exchange to an unknown organization");
});

test("revoke, in each form and as a member (the X-Stytch-Member-Session headers)", async () => {
  const forms = [
    (w) => [{ member_session_id: w.minted[0].member_session.member_session_id }],
    (w) => [{ session_token: w.minted[0].session_token }],
    (w) => [{ session_jwt: w.minted[0].session_jwt }],
    (w) => [{ member_id: w.member.member_id }],
    (w) => [{ member_session_id: w.minted[0].member_session.member_session_id }, { authorization: { session_jwt: w.minted[1].session_jwt } }],
    (w) => [{ member_id: w.member.member_id }, { authorization: { session_token: "not-a-live-session-token-xxxxxxxxxxxxxxxxxx" } }],
  ];
  for (const [i, form] of forms.entries()) {
    const [mine, theirs] = await both((c, w) => c.sessions.revoke(...form(w)), () => world(["reader"], 2));
    agree(mine, theirs, ["status_code"], `form ${i}`);
  }
});

test("exchangeAccessToken, attest, migrate", async () => {
  const fresh = async () => {
    const w = await world(["reader"]);
    const { access_token } = await ctl.b2bAccessToken({ member_id: w.member.member_id });
    const { token } = await ctl.b2bTrustedAuthToken({ profile_id: "profile-test-1", member_id: w.member.member_id });
    const external = `external-${++n}-${Date.now()}`;
    await ctl.externalToken({ token: external, email: w.member.email_address });
    return { ...w, access_token, token, external };
  };
  for (const [label, call] of [
    ["exchangeAccessToken", (c, w) => c.sessions.exchangeAccessToken({ access_token: w.access_token, session_duration_minutes: 30 })],
    ["attest", (c, w) => c.sessions.attest({ profile_id: "profile-test-1", token: w.token, organization_id: w.org.organization_id })],
    ["migrate", (c, w) => c.sessions.migrate({ session_token: w.external, organization_id: w.org.organization_id, session_duration_minutes: 30 })],
  ]) {
    const results = await both(call, fresh);
    agree(results[0], results[1], ["status_code"], label);
    ownMember(results);
  }
  const [u1, u2] = await both((c) => c.sessions.exchangeAccessToken({ access_token: "unknown-access-token" }));
  agree(u1, u2, [], "an unknown access token");
});

test("1,000 allowed org-scoped checks on one instance: 1 JWKS fetch, 1 project policy, 1 org policy, 0 session calls; a tenancy mismatch fetches no policy", async () => {
  // Fresh keys and policies for this count: another emulator, so no cache of ours is warm.
  const emu2 = await startEmulator({ port: 0 });
  try {
    const ctl2 = control(emu2.url);
    await ctl2.putB2BPolicy({ roles: reader("documents", ["read"]) });
    const org = await ctl2.createOrganization({ organization_slug: "count", org_policy: { roles: ORG_ROLES } });
    const member = await ctl2.createMember({ organization_id: org.organization_id, email_address: "count@example.com", roles: ["reader", "org-writer"] });
    const { session_jwt } = await ctl2.createMemberSession({ member_id: member.member_id });
    const options = { project_id: PROJECT_ID, secret: SECRET, custom_base_url: emu2.url };
    const before = await ctl2.requests();
    const tenancy = await outcome(api.authenticateB2BRequest(new Request("https://app.example/", { headers: { authorization: `Bearer ${session_jwt}` } }), { ...options, authorization_check: check({ organization_id: "organization-test-other" }, "read") }));
    assert.deepEqual([tenancy.value.ok, tenancy.value.status, tenancy.value.code], [false, 403, "tenancy_mismatch"]);
    const mid = await ctl2.requests();
    assert.equal(mid["GET /v1/b2b/rbac/policy"] + mid["GET /v1/b2b/rbac/organizations/:organization_id"], 0, "a tenancy mismatch fetches no policy");
    const client = new api.B2BClient(options);
    for (let i = 0; i < 1000; i++) {
      const r = await client.sessions.authenticateJwt({ session_jwt, authorization_check: check(org, i % 2 ? "write" : "read") });
      assert.equal(r.request_id, undefined);
    }
    const after = await ctl2.requests();
    const d = (k) => after[k] - before[k];
    assert.deepEqual(
      [d("GET /v1/b2b/sessions/jwks/:project_id"), d("GET /v1/b2b/rbac/policy"), d("GET /v1/b2b/rbac/organizations/:organization_id"), d("POST /v1/b2b/sessions/authenticate")],
      [1, 1, 1, 0],
    );
  } finally {
    await emu2.close();
  }
});

test("each product's verifier refuses the other's JWT, with a clear code and no API call", async () => {
  const { minted: [s] } = await world();
  const user = await ctl.createUser({ email: `consumer${++n}@example.com` });
  const consumer = await ctl.createSession({ user_id: user.user_id });
  const c = new api.Client({ project_id: PROJECT_ID, secret: SECRET, custom_base_url: emu.url });
  const before = await ctl.requests();
  const asB2B = await outcome(ours.sessions.authenticateJwt({ session_jwt: consumer.session_jwt }));
  const asConsumer = await outcome(c.sessions.authenticateJwt({ session_jwt: s.session_jwt }));
  assert.deepEqual(asB2B.error, ["ClientError", "jwks_no_matching_key"]);
  assert.deepEqual(asConsumer.error, ["ClientError", "jwks_no_matching_key"]);
  const after = await ctl.requests();
  assert.equal(after["POST /v1/b2b/sessions/authenticate"] - before["POST /v1/b2b/sessions/authenticate"], 0);
  assert.equal(after["POST /v1/sessions/authenticate"] - before["POST /v1/sessions/authenticate"], 0);
});
