/**
 * B2B (USAGE.md, "B2B"): organizations, members and member sessions; the B2B keys and JWT claims;
 * every `/v1/b2b/` route with its errors; the B2B control routes; counts, faults and reset.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { emulatorForFile, decodeJwt, assertStytchError, UUID_ID, RFC3339, rfc, SESSION_CLAIM, B2B_POLICY as PROJECT_POLICY, ORG_ROLES } from "./helpers.mjs";

let emu;
let c;
let clock = 1_800_000_000; // a fake clock, in Unix seconds, moved by the tests
const ORG_CLAIM = "https://stytch.com/organization";

emulatorForFile({ now: () => clock }, (started, client) => {
  [emu, c] = [started, client];
});

const api = (method, path, body, opts) => c.call(method, `/v1/b2b${path}`, body, opts);
const post = (path, body, opts) => api("POST", path, body, opts);
const ctl = (method, path, body) => c.controlOk(method, `/b2b${path}`, body);
let n = 0;
const org = (body = {}) => ctl("POST", "/organizations", { organization_slug: `org-${++n}`, ...body });
const member = (orgId, body = {}) => ctl("POST", "/members", { organization_id: orgId, email_address: `m${++n}@example.com`, ...body });
const session = (memberId, body = {}) => ctl("POST", "/sessions", { member_id: memberId, ...body });

/** An organization (with the org roles), one member with `roles`, and a session of it. */
async function world(roles = [], sessionBody = {}) {
  const o = await org({ org_policy: { roles: ORG_ROLES } });
  const m = await member(o.organization_id, { roles });
  return { org: o, member: m, ...(await session(m.member_id, sessionBody)) };
}

const MEMBER_SESSION_KEYS = ["member_session_id", "member_id", "started_at", "last_accessed_at", "expires_at", "authentication_factors", "organization_id", "roles", "organization_slug", "custom_claims"];

test("control: organizations, members, their objects and their errors", async () => {
  const o = await org({ organization_name: "Acme Inc" });
  assert.match(o.organization_id, UUID_ID("organization-test"));
  assert.equal(o.organization_name, "Acme Inc");
  assert.deepEqual(o.custom_roles, []);
  for (const k of ["organization_logo_url", "sso_jit_provisioning", "email_allowed_domains", "mfa_policy", "allowed_auth_methods", "rbac_email_implicit_role_assignments"]) {
    assert.ok(k in o, k);
  }
  assert.equal((await org()).organization_name.startsWith("org-"), true, "the name defaults to the slug");
  const dup = await c.control("POST", "/b2b/organizations", { organization_slug: o.organization_slug.toUpperCase() });
  assertStytchError(dup, 400, "organization_slug_already_used");
  for (const slug of [undefined, "a", "has space", 5, "x".repeat(129)]) {
    assertStytchError(await c.control("POST", "/b2b/organizations", { organization_slug: slug }), 400, "bad_request");
  }
  assertStytchError(await c.control("POST", "/b2b/organizations", { organization_slug: "ok-slug", org_policy: { roles: [{ role_id: 1 }] } }), 400, "bad_request");

  const m = await member(o.organization_id, { name: "Ada Lovelace", roles: ["reader", "reader", "admin"] });
  assert.match(m.member_id, UUID_ID("member-test"));
  assert.equal(m.organization_id, o.organization_id);
  assert.equal(m.status, "active");
  assert.equal(m.name, "Ada Lovelace");
  assert.deepEqual(m.roles, [
    { role_id: "reader", sources: [{ type: "direct_assignment", details: {} }] },
    { role_id: "admin", sources: [{ type: "direct_assignment", details: {} }] },
  ]);
  assertStytchError(await c.control("POST", "/b2b/members", { organization_id: o.organization_id, email_address: m.email_address.toUpperCase() }), 400, "duplicate_member_email");
  const other = await org();
  assert.equal((await member(other.organization_id, { email_address: m.email_address })).email_address, m.email_address, "the same email in another org is a new member");
  assertStytchError(await c.control("POST", "/b2b/members", { organization_id: "organization-test-none", email_address: "x@example.com" }), 404, "organization_not_found");
  assertStytchError(await c.control("POST", "/b2b/members", { organization_id: o.organization_id, email_address: "nope" }), 400, "invalid_email");
  assertStytchError(await c.control("POST", "/b2b/members", { organization_id: o.organization_id, email_address: "r@example.com", roles: "admin" }), 400, "bad_request");
});

test("control: org policies by path parameter, and the B2B project policy", async () => {
  const o = await org();
  assert.deepEqual(await ctl("PUT", `/organizations/${o.organization_id}/policy`, { roles: ORG_ROLES }), { roles: ORG_ROLES });
  const got = await api("GET", `/rbac/organizations/${o.organization_id}`);
  assert.equal(got.status, 200, got.text);
  assert.deepEqual(got.body.org_policy, { roles: ORG_ROLES });
  assertStytchError(await c.control("PUT", "/b2b/organizations/organization-test-none/policy", { roles: [] }), 404, "organization_not_found");
  assertStytchError(await c.control("PUT", `/b2b/organizations/${o.organization_id}/policy`, { roles: [{ role_id: "a" }, { role_id: "a" }] }), 400, "bad_request");
  assert.deepEqual((await api("GET", `/rbac/organizations/${o.organization_id}`)).body.org_policy, { roles: ORG_ROLES }, "a bad PUT keeps the old roles");
  assert.equal((await c.control("GET", `/b2b/organizations/${o.organization_id}/policy`)).status, 405);

  assert.deepEqual((await api("GET", "/rbac/policy")).body.policy.roles, []);
  assert.deepEqual(await ctl("PUT", "/rbac/policy", PROJECT_POLICY), PROJECT_POLICY);
  const p = await api("GET", "/rbac/policy");
  assert.deepEqual(Object.keys(p.body), ["request_id", "status_code", "policy"]);
  assert.deepEqual(p.body.policy, PROJECT_POLICY);
  assert.deepEqual((await c.call("GET", "/v1/rbac/policy")).body.policy.roles, [], "the consumer policy is separate");
  assertStytchError(await api("GET", "/rbac/policy", undefined, { auth: false }), 401, "unauthorized_credentials");
  assertStytchError(await api("GET", "/rbac/organizations/organization-test-none"), 404, "organization_not_found");
});

test("control: a member session, its object and its JWT claims in Stytch's order", async () => {
  const { org: o, member: m, session_token, session_jwt, member_session } = await world(["reader"], { custom_claims: { plan: "pro", [ORG_CLAIM]: "dropped" } });
  assert.match(session_token, /^[A-Za-z0-9_-]{44}$/);
  assert.deepEqual(Object.keys(member_session), MEMBER_SESSION_KEYS);
  assert.match(member_session.member_session_id, UUID_ID("member-session-test"));
  assert.equal(member_session.organization_slug, o.organization_slug);
  assert.deepEqual(member_session.roles, ["reader"], "roles default to the member's");
  assert.equal(member_session.expires_at, rfc(clock + 3600));
  assert.deepEqual(member_session.custom_claims, { plan: "pro" });
  assert.equal(member_session.authentication_factors[0].email_factor.email_address, m.email_address);
  const { header, payload } = decodeJwt(session_jwt);
  assert.deepEqual(Object.keys(payload), ["aud", "exp", ORG_CLAIM, SESSION_CLAIM, "iat", "iss", "nbf", "sub", "plan"]);
  assert.deepEqual(payload.aud, [emu.projectId]);
  assert.equal(payload.iss, `stytch.com/${emu.projectId}`);
  assert.equal(payload.sub, m.member_id);
  assert.deepEqual([payload.iat, payload.nbf, payload.exp], [clock, clock, clock + 300]);
  assert.deepEqual(payload[ORG_CLAIM], { organization_id: o.organization_id, slug: o.organization_slug });
  assert.deepEqual(Object.keys(payload[SESSION_CLAIM]), ["id", "started_at", "last_accessed_at", "expires_at", "attributes", "authentication_factors", "roles"]);
  assert.equal(payload[SESSION_CLAIM].id, member_session.member_session_id);
  const b2bKids = (await api("GET", `/sessions/jwks/${emu.projectId}`, undefined, { auth: false })).body.keys.map((k) => k.kid);
  assert.deepEqual(b2bKids, [header.kid]);
  assert.ok(!(await c.jwks()).body.keys.some((k) => k.kid === header.kid), "B2B keys are not the consumer keys");

  const custom = await session(m.member_id, { roles: ["admin"], session_duration_minutes: 0, iat_offset_seconds: -600, factors: [{ type: "sso" }] });
  assert.deepEqual(custom.member_session.roles, ["admin"]);
  assert.equal(custom.member_session.expires_at, rfc(clock));
  assert.equal(decodeJwt(custom.session_jwt).payload.iat, clock - 600);
  assert.equal(custom.member_session.authentication_factors[0].delivery_method, "email");
  assertStytchError(await c.control("POST", "/b2b/sessions", { member_id: "member-test-none" }), 404, "member_not_found");
  assertStytchError(await c.control("POST", "/b2b/sessions", { member_id: m.member_id, roles: [1] }), 400, "bad_request");
  assertStytchError(await c.control("POST", "/b2b/sessions", { member_id: m.member_id, session_duration_minutes: -1 }), 400, "invalid_session_duration_minutes");
});

test("jwks: the B2B keys, rotation with and without the old keys, another project", async () => {
  const jwks = () => api("GET", `/sessions/jwks/${emu.projectId}`, undefined, { auth: false });
  const before = (await jwks()).body;
  assert.deepEqual(Object.keys(before), ["request_id", "status_code", "keys"]);
  const { session_jwt } = await world();
  const { kid } = await ctl("POST", "/keys/rotate", {});
  const keys = (await jwks()).body.keys;
  assert.deepEqual(keys.map((k) => k.kid), [...before.keys.map((k) => k.kid), kid]);
  assert.equal(keys[1].alg, "RS256");
  assert.equal((await post("/sessions/authenticate", { session_jwt })).status, 200, "the old key still verifies");
  const consumerKids = (await c.jwks()).body.keys.map((k) => k.kid);
  await ctl("POST", "/keys/rotate", { keep_old: false });
  assert.deepEqual((await c.jwks()).body.keys.map((k) => k.kid), consumerKids, "consumer keys untouched");
  assertStytchError(await post("/sessions/authenticate", { session_jwt }), 401, "unauthorized_session_jwt");
  assertStytchError(await c.control("POST", "/b2b/keys/rotate", { keep_old: "no" }), 400, "bad_request");
  assertStytchError(await api("GET", "/sessions/jwks/project-test-other", undefined, { auth: false }), 404, "project_not_found");
});

test("authenticate by token and by JWT: shape, last access, duration, claims", async () => {
  const { org: o, member: m, session_token, member_session } = await world(["reader"]);
  clock += 10;
  const r = await post("/sessions/authenticate", { session_token, session_custom_claims: { team: "a", [ORG_CLAIM]: "x", iss: "x" } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.body), ["request_id", "status_code", "member_session", "session_token", "session_jwt", "member", "organization"]);
  assert.equal(r.body.session_token, session_token);
  assert.deepEqual(r.body.member, m);
  assert.deepEqual(r.body.organization, o);
  assert.equal(r.body.member_session.last_accessed_at, rfc(clock));
  assert.equal(r.body.member_session.expires_at, member_session.expires_at);
  assert.deepEqual(r.body.member_session.custom_claims, { team: "a" });
  const payload = decodeJwt(r.body.session_jwt).payload;
  assert.equal(payload.team, "a");
  assert.equal(payload.iat, clock);
  const byJwt = await post("/sessions/authenticate", { session_jwt: r.body.session_jwt, session_duration_minutes: 5 });
  assert.equal(byJwt.status, 200, byJwt.text);
  assert.equal(byJwt.body.member_session.expires_at, rfc(clock + 300));
  const old = await session(m.member_id, { iat_offset_seconds: -600 });
  assert.equal((await post("/sessions/authenticate", { session_jwt: old.session_jwt })).status, 200, "an exp-expired JWT of a live session");
});

test("authenticate errors: arguments, unknown sessions, consumer sessions, credentials", async () => {
  const { session_token, session_jwt } = await world();
  assertStytchError(await post("/sessions/authenticate", { session_token, session_jwt }), 400, "too_many_session_arguments");
  assertStytchError(await post("/sessions/authenticate", {}), 400, "no_session_arguments");
  assertStytchError(await post("/sessions/authenticate", { session_token, session_duration_minutes: 4 }), 400, "invalid_session_duration_minutes");
  assertStytchError(await post("/sessions/authenticate", { session_token, session_custom_claims: [] }), 400, "bad_request");
  assertStytchError(await post("/sessions/authenticate", { session_token, sesion_duration_minutes: 60 }), 400, "bad_request");
  assertStytchError(await post("/sessions/authenticate", { session_token: 5 }), 400, "bad_request");
  assertStytchError(await post("/sessions/authenticate", { session_token: "x".repeat(44) }), 404, "session_not_found");
  assertStytchError(await post("/sessions/authenticate", { session_jwt: "a.b" }), 400, "invalid_session_jwt");
  assertStytchError(await post("/sessions/authenticate", { session_token }, { auth: false }), 401, "unauthorized_credentials");
  const user = await c.user({ email: `u${++n}@example.com` });
  const consumer = await c.session({ user_id: user.user_id });
  assertStytchError(await post("/sessions/authenticate", { session_jwt: consumer.session_jwt }), 401, "unauthorized_session_jwt");
  assertStytchError(await post("/sessions/authenticate", { session_token: consumer.session_token }), 404, "session_not_found");
  assertStytchError(await c.authenticate({ session_token }), 404, "session_not_found");
  const expired = await session((await world()).member.member_id, { session_duration_minutes: 0 });
  assertStytchError(await post("/sessions/authenticate", { session_token: expired.session_token }), 404, "session_not_found");
});

test("authorization_check: project role, org role, denial, tenancy, bad checks", async () => {
  await ctl("PUT", "/rbac/policy", PROJECT_POLICY);
  const { org: o, session_token, member_session } = await world(["reader", "org-writer"]);
  const check = (action, organization_id = o.organization_id) => post("/sessions/authenticate", {
    session_token, authorization_check: { organization_id, resource_id: "documents", action },
  });
  const read = await check("read");
  assert.equal(read.status, 200, read.text);
  assert.deepEqual(read.body.verdict, { authorized: true, granting_roles: ["reader"] });
  assert.equal(Object.keys(read.body).at(-1), "verdict");
  assert.deepEqual((await check("write")).body.verdict, { authorized: true, granting_roles: ["org-writer"] });
  clock += 5;
  assertStytchError(await check("delete"), 403, "session_authorization_error");
  const other = await org();
  assertStytchError(await check("read", other.organization_id), 403, "session_authorization_tenancy_error");
  const after = await post("/sessions/authenticate", { session_token });
  assert.equal(after.body.member_session.last_accessed_at, rfc(clock), "now it moves");
  assert.notEqual(member_session.last_accessed_at, rfc(clock));
  const roleless = await world([]);
  assertStytchError(await post("/sessions/authenticate", { session_token: roleless.session_token, authorization_check: { organization_id: roleless.org.organization_id, resource_id: "documents", action: "read" } }), 403, "session_authorization_error");
  for (const bad of [{ resource_id: "documents", action: "read" }, { organization_id: o.organization_id, resource_id: "", action: "read" }, "read"]) {
    assertStytchError(await post("/sessions/authenticate", { session_token, authorization_check: bad }), 400, "bad_request");
  }
});

test("get: a member's live sessions, oldest first, and its errors", async () => {
  const { org: o, member: m, member_session } = await world();
  clock += 1;
  const second = await session(m.member_id);
  await session(m.member_id, { session_duration_minutes: 0 });
  await session((await member(o.organization_id)).member_id);
  const q = (org_id, member_id) => api("GET", `/sessions?organization_id=${encodeURIComponent(org_id)}&member_id=${encodeURIComponent(member_id)}`);
  const r = await q(o.organization_id, m.member_id);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.body), ["request_id", "status_code", "member_sessions"]);
  assert.deepEqual(r.body.member_sessions.map((s) => s.member_session_id), [member_session.member_session_id, second.member_session.member_session_id]);
  assert.deepEqual((await q(o.organization_slug, m.member_id)).body.member_sessions.length, 2, "the slug works as organization_id");
  assertStytchError(await api("GET", `/sessions?member_id=${m.member_id}`), 400, "bad_request");
  assertStytchError(await api("GET", `/sessions?organization_id=${o.organization_id}`), 400, "bad_request");
  assertStytchError(await api("GET", `/sessions?organization_id=${o.organization_id}&member_id=${m.member_id}&user_id=x`), 400, "bad_request");
  assertStytchError(await q("organization-test-none", m.member_id), 404, "organization_not_found");
  assertStytchError(await q((await org()).organization_id, m.member_id), 404, "member_not_found");
  assertStytchError(await q(o.organization_id, "member-test-none"), 404, "member_not_found");
});

test("revoke: by member_session_id, session_token, session_jwt and member_id", async () => {
  const live = (token) => post("/sessions/authenticate", { session_token: token }).then((r) => r.status);
  const { member: m, member_session, session_token } = await world();
  const s2 = await session(m.member_id);
  const s3 = await session(m.member_id);
  const otherMember = await world();
  const ok = async (body) => {
    const r = await post("/sessions/revoke", body);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(Object.keys(r.body), ["request_id", "status_code"]);
  };
  await ok({ member_session_id: member_session.member_session_id });
  assert.equal(await live(session_token), 404);
  await ok({ session_token: s2.session_token });
  assert.equal(await live(s2.session_token), 404);
  await ok({ session_jwt: s3.session_jwt });
  assert.equal(await live(s3.session_token), 404);
  const a = await session(m.member_id);
  const b = await session(m.member_id);
  await ok({ member_id: m.member_id });
  assert.deepEqual([await live(a.session_token), await live(b.session_token)], [404, 404]);
  assert.equal(await live(otherMember.session_token), 200, "another member's session stays");
  await ok({ member_id: m.member_id }); // no sessions left: still fine

  assertStytchError(await post("/sessions/revoke", { member_id: m.member_id, session_token: "x" }), 400, "too_many_session_revoke_arguments");
  assertStytchError(await post("/sessions/revoke", {}), 400, "no_session_revoke_arguments");
  assertStytchError(await post("/sessions/revoke", { session_id: "x" }), 400, "bad_request");
  assertStytchError(await post("/sessions/revoke", { member_session_id: member_session.member_session_id }), 404, "session_not_found");
  assertStytchError(await post("/sessions/revoke", { member_id: "member-test-none" }), 404, "member_not_found");
});

test("revoke with X-Stytch-Member-Session / -SessionJWT: same organization only, live sessions only", async () => {
  const actor = await world();
  const colleague = await session((await member(actor.org.organization_id)).member_id);
  const stranger = await world();
  const as = (headers) => (body) => post("/sessions/revoke", body, { headers });
  assertStytchError(await as({ "X-Stytch-Member-Session": actor.session_token })({ session_token: stranger.session_token }), 403, "session_authorization_error");
  assertStytchError(await as({ "X-Stytch-Member-SessionJWT": actor.session_jwt })({ member_id: stranger.member.member_id }), 403, "session_authorization_error");
  assertStytchError(await as({ "X-Stytch-Member-Session": "x".repeat(44) })({ session_token: colleague.session_token }), 401, "unauthorized_credentials");
  assertStytchError(await as({ "X-Stytch-Member-SessionJWT": "not.a.jwt" })({ session_token: colleague.session_token }), 401, "unauthorized_credentials");
  assertStytchError(await as({ "X-Stytch-Member-Session": actor.session_token, "X-Stytch-Member-SessionJWT": stranger.session_jwt })({ session_token: colleague.session_token }), 401, "unauthorized_credentials");
  assert.equal((await post("/sessions/authenticate", { session_token: stranger.session_token })).status, 200, "nothing was revoked");
  const r = await as({ "X-Stytch-Member-Session": actor.session_token, "X-Stytch-Member-SessionJWT": actor.session_jwt })({ session_token: colleague.session_token });
  assert.equal(r.status, 200, r.text);
  assertStytchError(await post("/sessions/authenticate", { session_token: colleague.session_token }), 404, "session_not_found");
});

test("exchange: the same person's member in another organization", async () => {
  const home = await world(["reader"], { factors: [{ type: "magic_link" }, { type: "password" }, { type: "oauth", delivery_method: "oauth_google" }] });
  const target = await org();
  const there = await member(target.organization_id, { email_address: home.member.email_address.toUpperCase(), roles: ["admin"] });
  clock += 3;
  const r = await post("/sessions/exchange", { organization_id: target.organization_id, session_token: home.session_token, session_custom_claims: { via: "exchange" }, locale: "en" });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.body), ["request_id", "status_code", "member_id", "member_session", "session_token", "session_jwt", "member", "organization", "member_authenticated", "intermediate_session_token", "mfa_required", "primary_required"]);
  assert.equal(r.body.member_id, there.member_id);
  assert.deepEqual(r.body.member, there);
  assert.deepEqual(r.body.organization, target);
  assert.deepEqual([r.body.member_authenticated, r.body.intermediate_session_token, r.body.mfa_required, r.body.primary_required], [true, "", null, null]);
  const s = r.body.member_session;
  assert.equal(s.organization_id, target.organization_id);
  assert.deepEqual(s.roles, ["admin"]);
  assert.deepEqual(s.custom_claims, { via: "exchange" });
  assert.equal(s.expires_at, rfc(clock + 3600));
  assert.deepEqual(s.authentication_factors.map((f) => f.type), ["magic_link", "oauth"], "passwords do not carry over");
  assert.notEqual(r.body.session_token, home.session_token);
  assert.equal(decodeJwt(r.body.session_jwt).payload[ORG_CLAIM].organization_id, target.organization_id);
  assert.equal((await post("/sessions/authenticate", { session_token: home.session_token })).status, 200, "the old session stays live");
  const bySlug = await post("/sessions/exchange", { organization_id: target.organization_slug, session_jwt: home.session_jwt, session_duration_minutes: 10 });
  assert.equal(bySlug.status, 200, bySlug.text);
  assert.equal(bySlug.body.member_session.expires_at, rfc(clock + 600));

  assertStytchError(await post("/sessions/exchange", { organization_id: (await org()).organization_id, session_token: home.session_token }), 404, "member_not_found");
  assertStytchError(await post("/sessions/exchange", { organization_id: "organization-test-none", session_token: home.session_token }), 404, "organization_not_found");
  assertStytchError(await post("/sessions/exchange", { organization_id: target.organization_id, session_token: "x".repeat(44) }), 404, "session_not_found");
  assertStytchError(await post("/sessions/exchange", { session_token: home.session_token }), 400, "bad_request");
  assertStytchError(await post("/sessions/exchange", { organization_id: target.organization_id }), 400, "no_session_arguments");
  assertStytchError(await post("/sessions/exchange", { organization_id: target.organization_id, session_token: home.session_token, locale: 1 }), 400, "bad_request");
});

test("exchange_access_token: a new session, once, within 5 minutes", async () => {
  const { member: m, org: o } = await world(["reader"]);
  const mint = (body = {}) => ctl("POST", "/access_tokens", { member_id: m.member_id, ...body });
  const { access_token } = await mint({ client_id: "connected-app-test-1" });
  const r = await post("/sessions/exchange_access_token", { access_token, session_duration_minutes: 30, session_custom_claims: { plan: "pro" } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.body), ["request_id", "status_code", "member_id", "member_session", "session_token", "session_jwt", "member", "organization"]);
  assert.equal(r.body.member_id, m.member_id);
  assert.equal(r.body.organization.organization_id, o.organization_id);
  assert.deepEqual(r.body.member_session.roles, ["reader"]);
  assert.deepEqual(r.body.member_session.custom_claims, { plan: "pro" });
  assert.equal(r.body.member_session.expires_at, rfc(clock + 1800));
  assert.deepEqual(r.body.member_session.authentication_factors[0].oauth_access_token_exchange_factor, { client_id: "connected-app-test-1" });
  assertStytchError(await post("/sessions/exchange_access_token", { access_token }), 404, "idp_access_token_could_not_be_exchanged");

  const plain = await post("/sessions/exchange_access_token", { access_token: (await mint()).access_token });
  assert.equal(plain.status, 200, plain.text);
  assert.equal("member_session" in plain.body, false, "no duration: no member_session key");
  assert.equal((await post("/sessions/authenticate", { session_token: plain.body.session_token })).body.member_session.expires_at, rfc(clock + 3600));

  const stale = (await mint()).access_token;
  clock += 301;
  assertStytchError(await post("/sessions/exchange_access_token", { access_token: stale }), 404, "idp_access_token_could_not_be_exchanged");
  assertStytchError(await post("/sessions/exchange_access_token", { access_token: "never-minted" }), 404, "idp_access_token_not_found");
  assertStytchError(await post("/sessions/exchange_access_token", {}), 400, "bad_request");
  const fresh = (await mint()).access_token;
  assertStytchError(await post("/sessions/exchange_access_token", { access_token: fresh, session_duration_minutes: 1 }), 400, "invalid_session_duration_minutes");
  assert.equal((await post("/sessions/exchange_access_token", { access_token: fresh })).status, 200, "a failed call does not use the token up");
  assertStytchError(await c.control("POST", "/b2b/access_tokens", { member_id: "member-test-none" }), 404, "member_not_found");
});

test("attest: a new session, into an existing one, and its errors", async () => {
  const { member: m, org: o, session_token } = await world(["reader"]);
  const profile_id = "trusted-token-profile-test-b2b";
  const mint = async (memberId = m.member_id) => (await ctl("POST", "/trusted_auth_tokens", { profile_id, member_id: memberId })).token;
  const r = await post("/sessions/attest", { profile_id, token: await mint(), organization_id: o.organization_id });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.body), ["request_id", "status_code", "member_id", "member_session", "session_token", "session_jwt", "member", "organization"]);
  assert.equal(r.body.member_session.expires_at, rfc(clock + 3600));
  assert.equal(r.body.member_session.authentication_factors[0].type, "trusted_auth_token");
  const into = await post("/sessions/attest", { profile_id, token: await mint(), session_token, session_duration_minutes: 10, session_custom_claims: { t: 1 } });
  assert.equal(into.status, 200, into.text);
  assert.equal(into.body.session_token, session_token);
  assert.deepEqual(into.body.member_session.authentication_factors.map((f) => f.type), ["magic_link", "trusted_auth_token"]);
  assert.deepEqual(into.body.member_session.custom_claims, { t: 1 });

  const used = await mint();
  await post("/sessions/attest", { profile_id, token: used });
  assertStytchError(await post("/sessions/attest", { profile_id, token: used }), 401, "invalid_trusted_auth_token");
  assertStytchError(await post("/sessions/attest", { profile_id: "no-such-profile", token: await mint() }), 404, "trusted_auth_token_profile_not_found");
  assertStytchError(await post("/sessions/attest", { profile_id, token: await mint(), organization_id: (await org()).organization_id }), 401, "invalid_trusted_auth_token");
  assertStytchError(await post("/sessions/attest", { profile_id, token: await mint(), organization_id: "organization-test-none" }), 404, "organization_not_found");
  const stranger = await world();
  assertStytchError(await post("/sessions/attest", { profile_id, token: await mint(), session_token: stranger.session_token }), 401, "invalid_trusted_auth_token");
  assertStytchError(await post("/sessions/attest", { profile_id, token: await mint(), session_token, session_jwt: "x" }), 400, "too_many_session_arguments");
  assertStytchError(await post("/sessions/attest", { profile_id }), 400, "bad_request");
  assertStytchError(await post("/sessions/attest", { token: await mint() }), 400, "bad_request");
});

test("migrate: the external token's email, matched in the organization", async () => {
  const { member: m, org: o } = await world(["reader"]);
  assert.equal((await c.control("POST", "/external_tokens", { token: "ext-1", email: m.email_address.toUpperCase() })).status, 200);
  const r = await post("/sessions/migrate", { session_token: "ext-1", organization_id: o.organization_id, session_duration_minutes: 15 });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.body), ["request_id", "status_code", "member_id", "member_session", "session_token", "session_jwt", "member", "organization"]);
  assert.equal(r.body.member_id, m.member_id);
  assert.equal(r.body.member_session.expires_at, rfc(clock + 900));
  const plain = await post("/sessions/migrate", { session_token: "ext-1", organization_id: o.organization_slug });
  assert.equal(plain.status, 200, plain.text);
  assert.equal("member_session" in plain.body, false);
  assertStytchError(await post("/sessions/migrate", { session_token: "ext-1", organization_id: (await org()).organization_id }), 404, "member_not_found");
  assertStytchError(await post("/sessions/migrate", { session_token: "ext-1", organization_id: "organization-test-none" }), 404, "organization_not_found");
  assertStytchError(await post("/sessions/migrate", { session_token: "never", organization_id: o.organization_id }), 401, "invalid_external_session_token");
  assertStytchError(await post("/sessions/migrate", { session_token: "ext-1" }), 400, "bad_request");
});

test("counts cover every B2B route, faults apply to them, reset clears B2B state and keys", async () => {
  await c.control("POST", "/reset");
  const { org: o, member: m, session_token } = await world();
  const calls = [
    ["GET /v1/b2b/sessions/jwks/:project_id", () => api("GET", `/sessions/jwks/${emu.projectId}`, undefined, { auth: false })],
    ["POST /v1/b2b/sessions/authenticate", () => post("/sessions/authenticate", { session_token })],
    ["GET /v1/b2b/sessions", () => api("GET", `/sessions?organization_id=${o.organization_id}&member_id=${m.member_id}`)],
    ["POST /v1/b2b/sessions/revoke", () => post("/sessions/revoke", {})],
    ["POST /v1/b2b/sessions/exchange", () => post("/sessions/exchange", {})],
    ["POST /v1/b2b/sessions/exchange_access_token", () => post("/sessions/exchange_access_token", {})],
    ["POST /v1/b2b/sessions/attest", () => post("/sessions/attest", {})],
    ["POST /v1/b2b/sessions/migrate", () => post("/sessions/migrate", {})],
    ["GET /v1/b2b/rbac/policy", () => api("GET", "/rbac/policy")],
    ["GET /v1/b2b/rbac/organizations/:organization_id", () => api("GET", `/rbac/organizations/${o.organization_id}`)],
  ];
  for (const [key, call] of calls) {
    const before = (await c.control("GET", "/requests")).body;
    assert.equal(before[key], 0, key);
    const path = key.split(" ")[1].replace(/\/:.*$/, "");
    assert.equal((await c.control("POST", "/faults", { path_prefix: path, status: 503, times: 1 })).status, 200);
    assertStytchError(await call(), 503, "service_unavailable");
    await call();
    const after = (await c.control("GET", "/requests")).body;
    assert.equal(after[key], 2, key);
    assert.deepEqual(Object.keys(after).filter((k) => after[k] !== before[k]), [key], `${key} counts only itself`);
  }
  assert.equal((await api("PUT", "/sessions/authenticate")).status, 405);
  const kid = (await api("GET", `/sessions/jwks/${emu.projectId}`, undefined, { auth: false })).body.keys[0].kid;
  await ctl("PUT", "/rbac/policy", PROJECT_POLICY);
  assert.equal((await c.control("POST", "/reset")).status, 200);
  const keys = (await api("GET", `/sessions/jwks/${emu.projectId}`, undefined, { auth: false })).body.keys;
  assert.equal(keys.length, 1);
  assert.notEqual(keys[0].kid, kid);
  assertStytchError(await post("/sessions/authenticate", { session_token }), 404, "session_not_found");
  assertStytchError(await api("GET", `/rbac/organizations/${o.organization_id}`), 404, "organization_not_found");
  assert.deepEqual((await api("GET", "/rbac/policy")).body.policy, { roles: [], resources: [], scopes: [] });
  assert.equal((await org({ organization_slug: o.organization_slug })).organization_slug, o.organization_slug, "the slug is free again");
});

test("member session timestamps are RFC 3339 with whole seconds", async () => {
  const { member_session } = await world();
  for (const k of ["started_at", "last_accessed_at", "expires_at"]) assert.match(member_session[k], RFC3339);
});
