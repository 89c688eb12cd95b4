/** The five API endpoints: success shapes, argument rules and Stytch errors (Stytch's API reference; USAGE.md). */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startEmulator } from "./index.mjs";
import { clientFor, decodeJwt, assertStytchError, UUID_ID, RFC3339, rfc } from "./helpers.mjs";

let emu;
let c;
let clock = 1_800_000_000; // a fake clock, in Unix seconds, moved by the tests

before(async () => {
  emu = await startEmulator({ now: () => clock });
  c = clientFor(emu);
});
after(() => emu.close());

const SESSION_KEYS = ["attributes", "authentication_factors", "custom_claims", "expires_at", "last_accessed_at", "roles", "session_id", "started_at", "user_id"];

async function userWithSession(extra = {}, email = `u${Math.random()}@example.com`) {
  const user = await c.user({ email });
  const s = await c.session({ user_id: user.user_id, ...extra });
  return { user, ...s };
}

test("authenticate by session_token: shape, token, user, fresh JWT", async () => {
  const { user, session_token, session_jwt, session } = await userWithSession();
  assert.equal(session_token.length, 44);
  assert.match(session_token, /^[A-Za-z0-9_-]{44}$/);
  assert.match(session.session_id, UUID_ID("session-test"));
  assert.match(user.user_id, UUID_ID("user-test"));
  clock += 10;
  const r = await c.authenticate({ session_token });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.body), ["request_id", "status_code", "session", "session_token", "session_jwt", "user"]);
  assert.match(r.body.request_id, UUID_ID("request-id-test"));
  assert.equal(r.body.status_code, 200);
  assert.equal(r.body.session_token, session_token);
  assert.notEqual(r.body.session_jwt, session_jwt);
  assert.deepEqual(r.body.user, user);
  assert.deepEqual(Object.keys(r.body.session).sort(), SESSION_KEYS);
  for (const k of ["started_at", "last_accessed_at", "expires_at"]) assert.match(r.body.session[k], RFC3339);
  assert.equal(r.body.session.started_at, session.started_at);
  assert.equal(r.body.session.last_accessed_at, rfc(clock));
  assert.equal(r.body.session.expires_at, session.expires_at, "no duration: expiry unchanged");
  const { payload } = decodeJwt(r.body.session_jwt);
  assert.equal(payload.iat, clock);
  assert.equal(payload["https://stytch.com/session"].last_accessed_at, rfc(clock));
});

test("authenticate with a duration resets the expiry to now + duration", async () => {
  const { session_token } = await userWithSession();
  clock += 30;
  const r = await c.authenticate({ session_token, session_duration_minutes: 5 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.session.expires_at, rfc(clock + 300));
  const r2 = await c.authenticate({ session_token, session_duration_minutes: 527040 });
  assert.equal(r2.body.session.expires_at, rfc(clock + 527040 * 60));
});

test("authenticate by session_jwt, including an exp-expired JWT of a live session", async () => {
  const { session, session_jwt } = await userWithSession();
  const r = await c.authenticate({ session_jwt });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.session.session_id, session.session_id);
  const old = await c.session({ user_id: session.user_id, iat_offset_seconds: -600 });
  const oldPayload = decodeJwt(old.session_jwt).payload;
  assert.ok(oldPayload.exp < clock, "minted already expired");
  const r2 = await c.authenticate({ session_jwt: old.session_jwt });
  assert.equal(r2.status, 200, r2.text);
  assert.notEqual(r2.body.session_jwt, old.session_jwt);
  assert.equal(decodeJwt(r2.body.session_jwt).payload.exp, clock + 300);
});

test("authenticate argument rules", async () => {
  const { session_token, session_jwt } = await userWithSession();
  assertStytchError(await c.authenticate({ session_token, session_jwt }), 400, "too_many_session_arguments");
  assertStytchError(await c.authenticate({}), 400, "no_session_arguments");
  assertStytchError(await c.authenticate(undefined), 400, "no_session_arguments");
  assertStytchError(await c.authenticate({ session_token: "", session_jwt: null }), 400, "no_session_arguments");
  assert.equal((await c.authenticate({ session_token, session_jwt: "" })).status, 200, "empty string counts as absent");
  for (const d of [4, 527041, 5.5, "60", 0, -1]) {
    assertStytchError(await c.authenticate({ session_token, session_duration_minutes: d }), 400, "invalid_session_duration_minutes");
  }
  assertStytchError(await c.authenticate({ session_token: 123 }), 400, "bad_request");
  assertStytchError(await c.authenticate({ session_token, session_custom_claims: [1] }), 400, "bad_request");
});

test("custom claims: merge, null deletes, nested merge, reserved ignored, 4 KB limit", async () => {
  const { session_token } = await userWithSession({ custom_claims: { a: 1, nested: { x: 1, y: 2 }, gone: true } });
  const r = await c.authenticate({
    session_token,
    session_custom_claims: { b: "two", gone: null, nested: { y: null, z: 3 }, iss: "evil", sub: "evil", aud: "x", exp: 1, nbf: 1, iat: 1, jti: "j" },
  });
  assert.equal(r.status, 200, r.text);
  const want = { a: 1, nested: { x: 1, z: 3 }, b: "two" };
  assert.deepEqual(r.body.session.custom_claims, want);
  const { payload } = decodeJwt(r.body.session_jwt);
  assert.equal(payload.a, 1);
  assert.deepEqual(payload.nested, { x: 1, z: 3 });
  assert.equal(payload.b, "two");
  assert.equal(payload.iss, `stytch.com/${emu.projectId}`);
  assert.equal(payload.sub, r.body.session.user_id);
  assert.ok(!("jti" in payload));
  assert.ok(!("gone" in payload));

  const big = { blob: "x".repeat(4100) };
  assertStytchError(await c.authenticate({ session_token, session_custom_claims: big }), 400, "custom_claims_too_large");
  const after = await c.authenticate({ session_token });
  assert.deepEqual(after.body.session.custom_claims, want, "a rejected update changes nothing");
  const proto = await c.authenticate({ session_token, session_custom_claims: JSON.parse('{"__proto__":{"p":1}}') });
  assert.equal(proto.status, 200, proto.text);
  assert.ok(proto.text.includes('"__proto__":{"p":1}'), "a claim named __proto__ is stored as a plain claim");
  assert.equal(({}).p, undefined);
  await c.authenticate({ session_token, session_custom_claims: JSON.parse('{"__proto__":null}') });
  const fits = { blob: "x".repeat(3000) };
  assert.equal((await c.authenticate({ session_token, session_custom_claims: fits })).status, 200);
});

test("unknown, revoked and expired sessions are not found", async () => {
  assertStytchError(await c.authenticate({ session_token: "A".repeat(44) }), 404, "session_not_found");
  const { session_token, session_jwt, session } = await userWithSession();
  assert.equal((await c.revoke({ session_id: session.session_id })).status, 200);
  assertStytchError(await c.authenticate({ session_token }), 404, "session_not_found");
  assertStytchError(await c.authenticate({ session_jwt }), 404, "session_not_found");

  const s2 = await userWithSession({ session_duration_minutes: 5 });
  assert.equal((await c.authenticate({ session_token: s2.session_token })).status, 200);
  clock += 301;
  assertStytchError(await c.authenticate({ session_token: s2.session_token }), 404, "session_not_found");
  assertStytchError(await c.authenticate({ session_jwt: s2.session_jwt }), 404, "session_not_found");
});

test("malformed and forged JWTs are rejected", async () => {
  const { session_jwt } = await userWithSession();
  for (const bad of ["abc", "a.b.c", "a.b", `${session_jwt}.x`, "e30.e30.", "!!.e30.e30"]) {
    assertStytchError(await c.authenticate({ session_jwt: bad }), 400, "invalid_session_jwt");
  }
  const [h, p, s] = session_jwt.split(".");
  const flipped = `${h}.${p}.${s.slice(0, 10)}${s[10] === "A" ? "B" : "A"}${s.slice(11)}`;
  assertStytchError(await c.authenticate({ session_jwt: flipped }), 401, "unauthorized_session_jwt");
  const payload = JSON.parse(Buffer.from(p, "base64url"));
  payload.sub = "user-test-00000000-0000-4000-8000-000000000000";
  const tampered = `${h}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.${s}`;
  assertStytchError(await c.authenticate({ session_jwt: tampered }), 401, "unauthorized_session_jwt");
  const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${p}.${s}`;
  assertStytchError(await c.authenticate({ session_jwt: none }), 400, "invalid_session_jwt");
  const otherKid = `${Buffer.from('{"alg":"RS256","kid":"jwk-test-unknown","typ":"JWT"}').toString("base64url")}.${p}.${s}`;
  assertStytchError(await c.authenticate({ session_jwt: otherKid }), 401, "unauthorized_session_jwt");
});

test("API routes need Basic project_id:secret (JWKS does not)", async () => {
  const { session_token, user } = await userWithSession();
  const wrong = (id, secret) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;
  for (const auth of [false, wrong(emu.projectId, "nope"), wrong("project-test-other", emu.secret), "Bearer x", "Basic !!!"]) {
    assertStytchError(await c.authenticate({ session_token }, { auth }), 401, "unauthorized_credentials");
    assertStytchError(await c.list(user.user_id, { auth }), 401, "unauthorized_credentials");
    assertStytchError(await c.revoke({ session_token }, { auth }), 401, "unauthorized_credentials");
    assertStytchError(await c.migrate({ session_token: "x" }, { auth }), 401, "unauthorized_credentials");
    assert.equal((await c.jwks(emu.projectId, { auth })).status, 200);
  }
  assert.equal((await c.jwks(emu.projectId, { auth: true })).status, 200);
});

test("GET /v1/sessions lists only live sessions", async () => {
  const user = await c.user({ email: "lister@example.com" });
  const none = await c.list(user.user_id);
  assert.equal(none.status, 200);
  assert.deepEqual(Object.keys(none.body), ["request_id", "status_code", "sessions"]);
  assert.deepEqual(none.body.sessions, []);
  const a = await c.session({ user_id: user.user_id });
  const b = await c.session({ user_id: user.user_id, session_duration_minutes: 5 });
  const gone = await c.session({ user_id: user.user_id });
  await c.revoke({ session_token: gone.session_token });
  const r = await c.list(user.user_id);
  assert.deepEqual(r.body.sessions.map((s) => s.session_id).sort(), [a.session.session_id, b.session.session_id].sort());
  assert.deepEqual(Object.keys(r.body.sessions[0]).sort(), SESSION_KEYS);
  clock += 301;
  assert.deepEqual((await c.list(user.user_id)).body.sessions.map((s) => s.session_id), [a.session.session_id]);
  assertStytchError(await c.list("user-test-00000000-0000-4000-8000-000000000000"), 404, "user_not_found");
  assertStytchError(await c.call("GET", "/v1/sessions"), 400, "invalid_user_id");
});

test("JWKS: served keys, wrong project id is 404", async () => {
  const r = await c.jwks();
  assert.equal(r.status, 200);
  assert.deepEqual(Object.keys(r.body), ["request_id", "status_code", "keys"]);
  assert.equal(r.body.keys.length, 1);
  assertStytchError(await c.jwks("project-test-wrong"), 404, "project_not_found");
});

test("migrate: external token → user by email; session only with a duration", async () => {
  const user = await c.user({ email: "Migrant@Example.com" });
  await c.control("POST", "/external_tokens", { token: "ext-token-1", email: "migrant@example.com" });
  const r = await c.migrate({ session_token: "ext-token-1", session_custom_claims: { plan: "pro" } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.body), ["request_id", "status_code", "user_id", "user", "session_token", "session_jwt"]);
  assert.equal(r.body.user_id, user.user_id);
  assert.deepEqual(r.body.user, user);
  assert.equal(r.body.session_token.length, 44);
  assert.equal(decodeJwt(r.body.session_jwt).payload.plan, "pro");
  const auth = await c.authenticate({ session_token: r.body.session_token });
  assert.equal(auth.status, 200, "the minted token is a live session");
  assert.equal(auth.body.session.expires_at, rfc(clock + 3600), "60 minutes when no duration");

  const r2 = await c.migrate({ session_token: "ext-token-1", session_duration_minutes: 30 });
  assert.equal(r2.status, 200, r2.text);
  assert.deepEqual(Object.keys(r2.body), ["request_id", "status_code", "user_id", "user", "session_token", "session_jwt", "session"]);
  assert.equal(r2.body.session.expires_at, rfc(clock + 1800));
  assert.equal(r2.body.session.user_id, user.user_id);

  await c.control("POST", "/external_tokens", { token: "ext-token-2", email: "nobody@example.com" });
  assertStytchError(await c.migrate({ session_token: "ext-token-2" }), 404, "migrate_from_external_email_does_not_exist");
  assertStytchError(await c.migrate({ session_token: "never-registered" }), 401, "invalid_external_session_token");
  assertStytchError(await c.migrate({}), 400, "bad_request");
  assertStytchError(await c.migrate({ session_token: "ext-token-1", session_duration_minutes: 1 }), 400, "invalid_session_duration_minutes");
  assertStytchError(await c.migrate({ session_token: "ext-token-1", session_custom_claims: { x: "y".repeat(5000) } }), 400, "custom_claims_too_large");
});

test("revoke by id, token or JWT (even exp-expired); argument rules", async () => {
  const { user, session, session_token } = await userWithSession();
  const byToken = await c.session({ user_id: user.user_id });
  const byJwt = await c.session({ user_id: user.user_id, iat_offset_seconds: -3600 });
  for (const body of [{ session_id: session.session_id }, { session_token: byToken.session_token }, { session_jwt: byJwt.session_jwt }]) {
    const r = await c.revoke(body);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(Object.keys(r.body), ["request_id", "status_code"]);
    assertStytchError(await c.revoke(body), 404, "session_not_found");
  }
  assertStytchError(await c.authenticate({ session_token }), 404, "session_not_found");
  assert.deepEqual((await c.list(user.user_id)).body.sessions, []);
  assertStytchError(await c.revoke({ session_id: "a", session_token: "b" }), 400, "too_many_session_revoke_arguments");
  assertStytchError(await c.revoke({ session_id: "a", session_jwt: "b", session_token: "c" }), 400, "too_many_session_revoke_arguments");
  assertStytchError(await c.revoke({}), 400, "no_session_revoke_arguments");
  assertStytchError(await c.revoke({ session_jwt: "nope" }), 400, "invalid_session_jwt");
});

test("control: users and sessions", async () => {
  const u = await c.user({ email: "ctl@example.com", name: { first_name: "Grace", last_name: "Hopper" } });
  assert.deepEqual(u.name, { first_name: "Grace", middle_name: "", last_name: "Hopper" });
  assert.equal(u.status, "active");
  assert.match(u.emails[0].email_id, UUID_ID("email-test"));
  assert.deepEqual(u.emails[0], { email_id: u.emails[0].email_id, email: "ctl@example.com", verified: true });
  for (const k of ["phone_numbers", "providers"]) assert.deepEqual(u[k], []);
  assert.deepEqual(u.trusted_metadata, {});
  assert.deepEqual(u.untrusted_metadata, {});
  assert.match(u.created_at, RFC3339);
  assertStytchError(await c.control("POST", "/users", { email: "CTL@example.com" }), 400, "duplicate_email");
  assertStytchError(await c.control("POST", "/users", { email: "not-an-email" }), 400, "invalid_email");
  const anon = await c.user({});
  assert.deepEqual(anon.emails, []);

  const s = await c.session({ user_id: u.user_id });
  assert.deepEqual(Object.keys(s), ["session_token", "session_jwt", "session"]);
  assert.equal(s.session.expires_at, rfc(clock + 3600), "default duration 60 minutes");
  assert.deepEqual(s.session.attributes, { ip_address: "", user_agent: "" });
  assert.deepEqual(s.session.roles, []);
  assert.deepEqual(s.session.authentication_factors, [{
    type: "magic_link", delivery_method: "email",
    last_authenticated_at: rfc(clock), created_at: rfc(clock), updated_at: rfc(clock),
    email_factor: { email_id: u.emails[0].email_id, email_address: "ctl@example.com" },
  }]);
  const f = { type: "otp", delivery_method: "sms", phone_number_factor: { phone_id: "phone-number-test-1", phone_number: "+15555550100" } };
  const s2 = await c.session({ user_id: u.user_id, factors: [f], session_duration_minutes: 10, custom_claims: { k: 1 }, roles: ["admin"] });
  assert.deepEqual(s2.session.authentication_factors, [{ ...f, last_authenticated_at: rfc(clock), created_at: rfc(clock), updated_at: rfc(clock) }]);
  assert.equal(s2.session.expires_at, rfc(clock + 600));
  assert.deepEqual(s2.session.custom_claims, { k: 1 });
  assert.deepEqual(decodeJwt(s2.session_jwt).payload["https://stytch.com/session"].roles, ["admin"]);
  assertStytchError(await c.control("POST", "/sessions", { user_id: "user-test-nope" }), 404, "user_not_found");
  assertStytchError(await c.control("POST", "/sessions", { user_id: u.user_id, factors: [{}] }), 400, "bad_request");
  assertStytchError(await c.control("POST", "/sessions", { user_id: u.user_id, iat_offset_seconds: 1.5 }), 400, "bad_request");
  assertStytchError(await c.control("POST", "/external_tokens", { token: "" }), 400, "bad_request");
});
