/** OAuth (USAGE.md, "M2M and Connected Apps"): clients, the token and introspection endpoints, the tokens' claims. */
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { createPublicKey, verify } from "node:crypto";
import { startEmulator } from "./index.mjs";
import { emulatorForFile, clientFor, decodeJwt, assertStytchError, UUID_ID } from "./helpers.mjs";

let emu;
let c;
let clock = 1_800_000_000;
emulatorForFile({ now: () => clock }, (started, client) => {
  [emu, c] = [started, client];
});
beforeEach(async () => {
  clock = 1_800_000_000;
  assert.equal((await c.control("POST", "/reset")).status, 200);
});

const TOKEN = () => `/v1/public/${emu.projectId}/oauth2/token`;
const INTROSPECT = () => `/v1/public/${emu.projectId}/oauth2/introspect`;

/** POST form-encoded parameters (what stytch-node sends); `{status, body, text, headers}`. */
async function form(path, params, headers = {}) {
  const res = await fetch(emu.url + path, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(params).toString(),
  });
  const text = await res.text();
  let body;
  try { body = JSON.parse(text); } catch { body = undefined; }
  return { status: res.status, body, text, headers: res.headers };
}

const m2mClient = (body) => c.controlOk("POST", "/m2m_clients", body);
const appClient = (body = {}) => c.controlOk("POST", "/connected_apps/clients", body);
const mint = (body) => c.controlOk("POST", "/connected_apps/tokens", body);
const basic = (id, secret) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;

/** Assert an OAuth 2.0 error answer: exactly `{status_code, request_id, error, error_description}`. */
function assertOAuthError(r, status, error) {
  assert.equal(r.status, status, r.text);
  assert.deepEqual(Object.keys(r.body), ["status_code", "request_id", "error", "error_description"]);
  assert.equal(r.body.status_code, status);
  assert.equal(r.body.error, error);
  assert.match(r.body.request_id, UUID_ID("request-id-test"));
  assert.equal(typeof r.body.error_description, "string");
}

/** True when the JWT's signature verifies with the key its `kid` names in the served JWKS. */
async function signedByJwks(jwt, jwksPath = `/v1/sessions/jwks/${emu.projectId}`) {
  const { header, signingInput, signature } = decodeJwt(jwt);
  const jwk = (await c.call("GET", jwksPath, undefined, { auth: false })).body.keys.find((k) => k.kid === header.kid);
  if (!jwk) return false;
  return verify("sha256", Buffer.from(signingInput), createPublicKey({ key: jwk, format: "jwk" }), signature);
}

test("M2M clients: generated and given ids and secrets, scopes, validation", async () => {
  const gen = await m2mClient({ scopes: ["read:users", "write:users", "read:users"], client_name: "svc" });
  assert.match(gen.client_id, UUID_ID("m2m-client-test"));
  assert.equal(gen.client_secret.length, 44);
  assert.equal(gen.client_secret_last_four, gen.client_secret.slice(-4));
  assert.deepEqual(gen.scopes, ["read:users", "write:users"], "duplicates dropped");
  assert.deepEqual([gen.status, gen.client_name, gen.client_description], ["active", "svc", ""]);
  const given = await m2mClient({ client_id: "m2m-client-test-fixed", client_secret: "secret-1234", scopes: [] });
  assert.deepEqual([given.client_id, given.client_secret, given.client_secret_last_four], ["m2m-client-test-fixed", "secret-1234", "1234"]);
  assertStytchError(await c.control("POST", "/m2m_clients", { client_id: "m2m-client-test-fixed" }), 400, "duplicate_client_id");
  for (const body of [{ scopes: "read:users" }, { scopes: ["read users"] }, { scopes: [""] }, { scopes: [1] }, { status: "paused" }, { client_secret: 5 }, { custom_claims: [] }]) {
    assertStytchError(await c.control("POST", "/m2m_clients", body), 400, "bad_request");
  }
});

test("token: form-encoded client credentials → a bearer JWT for an hour with the client's scopes and claims", async () => {
  const client = await m2mClient({ scopes: ["read:users", "write:users"], custom_claims: { plan: "pro", sub: "dropped", scope: "dropped" } });
  assert.deepEqual(client.custom_claims, { plan: "pro" }, "reserved names are dropped");
  const r = await form(TOKEN(), { grant_type: "client_credentials", client_id: client.client_id, client_secret: client.client_secret });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.body), ["request_id", "status_code", "access_token", "token_type", "expires_in"]);
  assert.deepEqual([r.body.status_code, r.body.token_type, r.body.expires_in], [200, "bearer", 3600]);
  const { header, payload } = decodeJwt(r.body.access_token);
  assert.deepEqual(Object.keys(header), ["alg", "kid", "typ"]);
  assert.equal(header.typ, "JWT");
  assert.deepEqual(Object.keys(payload), ["sub", "iss", "aud", "scope", "iat", "nbf", "exp", "jti", "plan"]);
  assert.deepEqual(payload, {
    sub: client.client_id, iss: `stytch.com/${emu.projectId}`, aud: [emu.projectId], scope: "read:users write:users",
    iat: clock, nbf: clock, exp: clock + 3600, jti: payload.jti, plan: "pro",
  });
  assert.equal(typeof payload.jti, "string");
  assert.ok(await signedByJwks(r.body.access_token), "signed by a key of the consumer JWKS");
});

test("token: a scope subset, JSON bodies and Basic client credentials; no project credentials needed", async () => {
  const client = await m2mClient({ scopes: ["read:users", "write:users", "admin"] });
  const sub = await form(TOKEN(), { grant_type: "client_credentials", client_id: client.client_id, client_secret: client.client_secret, scope: "write:users  read:users" });
  assert.equal(decodeJwt(sub.body.access_token).payload.scope, "write:users read:users");
  const json = await c.call("POST", TOKEN(), { grant_type: "client_credentials", client_id: client.client_id, client_secret: client.client_secret, scope: "admin" }, { auth: false });
  assert.equal(json.status, 200, json.text);
  assert.equal(decodeJwt(json.body.access_token).payload.scope, "admin");
  const viaHeader = await form(TOKEN(), { grant_type: "client_credentials" }, { authorization: basic(client.client_id, client.client_secret) });
  assert.equal(viaHeader.status, 200, viaHeader.text);
  assert.equal(decodeJwt(viaHeader.body.access_token).payload.sub, client.client_id);
  const withProjectAuth = await form(TOKEN(), { grant_type: "client_credentials", client_id: client.client_id, client_secret: client.client_secret },
    { authorization: basic(emu.projectId, emu.secret) });
  assert.equal(withProjectAuth.status, 200, "with a client_id in the body, the Authorization header is ignored");
});

test("token: OAuth 2.0 errors, never echoing the secret", async () => {
  const client = await m2mClient({ client_secret: "secret-never-echoed", scopes: ["read:users"] });
  const good = { grant_type: "client_credentials", client_id: client.client_id, client_secret: client.client_secret };
  assertOAuthError(await form(TOKEN(), { ...good, client_secret: "wrong" }), 401, "invalid_client");
  assertOAuthError(await form(TOKEN(), { ...good, client_secret: "" }), 401, "invalid_client");
  assertOAuthError(await form(TOKEN(), { ...good, client_id: "m2m-client-test-unknown" }), 401, "invalid_client");
  const header = await form(TOKEN(), { grant_type: "client_credentials" }, { authorization: basic(client.client_id, "wrong") });
  assertOAuthError(header, 401, "invalid_client");
  assert.match(header.headers.get("www-authenticate"), /^Basic /);
  assertOAuthError(await form(TOKEN(), { ...good, scope: "read:users write:users" }), 400, "invalid_scope");
  assertOAuthError(await form(TOKEN(), { ...good, grant_type: "authorization_code" }), 400, "unsupported_grant_type");
  assertOAuthError(await form(TOKEN(), { client_id: good.client_id, client_secret: good.client_secret }), 400, "invalid_request");
  assertOAuthError(await form(TOKEN(), { grant_type: "client_credentials" }), 400, "invalid_request");
  assertOAuthError(await form(TOKEN(), new URLSearchParams([...Object.entries(good), ["scope", "a"], ["scope", "b"]])), 400, "invalid_request");
  const plain = await c.call("POST", TOKEN(), "grant_type=client_credentials", { auth: false, headers: { "content-type": "text/plain" } });
  assertOAuthError(plain, 400, "invalid_request");
  assertOAuthError(await c.call("POST", TOKEN(), { ...good, client_secret: 42 }, { auth: false }), 400, "invalid_request");
  const inactive = await m2mClient({ status: "inactive", scopes: [] });
  assertOAuthError(await form(TOKEN(), { ...good, client_id: inactive.client_id, client_secret: inactive.client_secret }), 401, "invalid_client");
  assertStytchError(await form("/v1/public/project-test-other/oauth2/token", good), 404, "project_not_found");
  for (const r of [await form(TOKEN(), { ...good, scope: "nope" }), await form(TOKEN(), { ...good, client_secret: "secret-never-echoed!" })]) {
    assert.ok(!r.text.includes("secret-never-echoed"), r.text);
  }
});

test("Connected App clients: confidential and public", async () => {
  const conf = await appClient({ client_name: "app" });
  assert.match(conf.client_id, UUID_ID("connected-app-test"));
  assert.deepEqual(Object.keys(conf), ["client_id", "client_name", "client_description", "client_type", "status", "client_secret", "client_secret_last_four"]);
  assert.deepEqual([conf.client_type, conf.status, conf.client_secret.length], ["first_party", "active", 44]);
  const pub = await appClient({ client_id: "connected-app-test-public", client_type: "third_party_public" });
  assert.deepEqual(Object.keys(pub), ["client_id", "client_name", "client_description", "client_type", "status"]);
  assertStytchError(await c.control("POST", "/connected_apps/clients", { client_type: "first_party_public", client_secret: "s" }), 400, "bad_request");
  assertStytchError(await c.control("POST", "/connected_apps/clients", { client_type: "public" }), 400, "bad_request");
  assertStytchError(await c.control("POST", "/connected_apps/clients", { client_id: "connected-app-test-public" }), 400, "duplicate_client_id");
  const m2m = await m2mClient({ scopes: [] });
  assertStytchError(await c.control("POST", "/connected_apps/clients", { client_id: m2m.client_id }), 400, "duplicate_client_id");
});

test("Connected App tokens: Stytch's claims in Stytch's order, signed with the consumer keys", async () => {
  const user = await c.user({ email: "ada@example.com" });
  const app = await appClient();
  const t = await mint({ subject: user.user_id, client_id: app.client_id, scopes: ["openid", "read:docs"], custom_claims: { tier: "gold", client_id: "dropped" } });
  assert.deepEqual(Object.keys(t), ["access_token", "token_type", "expires_in", "scope"]);
  assert.deepEqual([t.token_type, t.expires_in, t.scope], ["bearer", 3600, "openid read:docs"]);
  const { payload } = decodeJwt(t.access_token);
  assert.deepEqual(Object.keys(payload), ["iss", "sub", "aud", "client_id", "exp", "nbf", "iat", "jti", "scope", "tier"]);
  assert.deepEqual(payload, {
    iss: `stytch.com/${emu.projectId}`, sub: user.user_id, aud: [emu.projectId], client_id: app.client_id,
    exp: clock + 3600, nbf: clock, iat: clock, jti: payload.jti, scope: "openid read:docs", tier: "gold",
  });
  assert.ok(await signedByJwks(t.access_token));
  const old = decodeJwt((await mint({ user_id: user.user_id, client_id: app.client_id, scopes: [], expires_in: 60, iat_offset_seconds: -600 })).access_token).payload;
  assert.deepEqual([old.iat, old.nbf, old.exp, old.scope], [clock - 600, clock - 600, clock - 540, ""]);
  for (const [body, status, type] of [
    [{ client_id: app.client_id, scopes: [] }, 400, "bad_request"],
    [{ subject: user.user_id, member_id: "member-test-x", client_id: app.client_id, scopes: [] }, 400, "bad_request"],
    [{ subject: "user-test-unknown", client_id: app.client_id, scopes: [] }, 404, "user_not_found"],
    [{ subject: user.user_id, client_id: "connected-app-test-unknown", scopes: [] }, 404, "connected_app_client_not_found"],
    [{ subject: user.user_id, client_id: app.client_id }, 400, "bad_request"],
    [{ subject: user.user_id, client_id: app.client_id, scopes: ["a b"] }, 400, "bad_request"],
    [{ subject: user.user_id, client_id: app.client_id, scopes: [], expires_in: -1 }, 400, "bad_request"],
    [{ subject: user.user_id, client_id: app.client_id, scopes: [], iat_offset_seconds: 1.5 }, 400, "bad_request"],
    [{ subject: user.user_id, client_id: app.client_id, scopes: [], custom_claims: { big: "x".repeat(5000) } }, 400, "custom_claims_too_large"],
  ]) {
    assertStytchError(await c.control("POST", "/connected_apps/tokens", body), status, type);
  }
});

test("introspect: an active token's claims, with body or Basic client credentials", async () => {
  const user = await c.user();
  const app = await appClient();
  const { access_token } = await mint({ subject: user.user_id, client_id: app.client_id, scopes: ["read:docs"], custom_claims: { tier: "gold" } });
  const r = await form(INTROSPECT(), { token: access_token, client_id: app.client_id, client_secret: app.client_secret, token_type_hint: "access_token" });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body, {
    request_id: r.body.request_id, status_code: 200, active: true, sub: user.user_id, scope: "read:docs", aud: [emu.projectId],
    exp: clock + 3600, iat: clock, iss: `stytch.com/${emu.projectId}`, nbf: clock, client_id: app.client_id,
    token_type: "access_token", tier: "gold",
  });
  const viaHeader = await form(INTROSPECT(), { token: access_token }, { authorization: basic(app.client_id, app.client_secret) });
  assert.equal(viaHeader.body.active, true, viaHeader.text);
  const pub = await appClient({ client_type: "first_party_public" });
  const pubToken = await mint({ subject: user.user_id, client_id: pub.client_id, scopes: [] });
  assert.equal((await form(INTROSPECT(), { token: pubToken.access_token, client_id: pub.client_id })).body.active, true, "a public client gives no secret");
});

test("introspect: inactive for expired, not-yet-valid, foreign, M2M, forged, dropped-key and garbage tokens", async () => {
  const user = await c.user();
  const app = await appClient();
  const other = await appClient();
  const creds = { client_id: app.client_id, client_secret: app.client_secret };
  const inactive = async (token, why) => {
    const r = await form(INTROSPECT(), { token, ...creds });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(Object.keys(r.body), ["request_id", "status_code", "active"], why);
    assert.equal(r.body.active, false, why);
  };
  const live = (await mint({ subject: user.user_id, client_id: app.client_id, scopes: [], expires_in: 60 })).access_token;
  clock += 59;
  assert.equal((await form(INTROSPECT(), { token: live, ...creds })).body.active, true, "one second before exp");
  clock += 1;
  await inactive(live, "at exp");
  await inactive((await mint({ subject: user.user_id, client_id: app.client_id, scopes: [], iat_offset_seconds: 30 })).access_token, "nbf in the future");
  await inactive((await mint({ subject: user.user_id, client_id: other.client_id, scopes: [] })).access_token, "another client's token");
  const m2m = await m2mClient({ scopes: [] });
  await inactive((await form(TOKEN(), { grant_type: "client_credentials", client_id: m2m.client_id, client_secret: m2m.client_secret })).body.access_token, "an M2M token");
  const mine = (await mint({ subject: user.user_id, client_id: app.client_id, scopes: [] })).access_token;
  const [h, p, s] = mine.split(".");
  const tampered = Buffer.from(p, "base64url").toString().replace('"scope":""', '"scope":"admin"');
  await inactive(`${h}.${Buffer.from(tampered).toString("base64url")}.${s}`, "payload changed after signing");
  const session = await c.session({ user_id: user.user_id });
  await inactive(session.session_jwt, "a session JWT");
  for (const garbage of ["x", "a.b.c", `${h}.${p}`, mine + "x"]) await inactive(garbage, garbage);
  await c.controlOk("POST", "/keys/rotate", { keep_old: false });
  await inactive(mine, "its key was dropped");
});

test("introspect: client and request errors", async () => {
  const user = await c.user();
  const app = await appClient();
  const pub = await appClient({ client_type: "third_party_public" });
  const { access_token } = await mint({ subject: user.user_id, client_id: app.client_id, scopes: [] });
  assertOAuthError(await form(INTROSPECT(), { token: access_token, client_id: app.client_id }), 401, "invalid_client");
  assertOAuthError(await form(INTROSPECT(), { token: access_token, client_id: app.client_id, client_secret: "wrong" }), 401, "invalid_client");
  assertOAuthError(await form(INTROSPECT(), { token: access_token, client_id: pub.client_id, client_secret: "anything" }), 401, "invalid_client");
  const m2m = await m2mClient({ scopes: [] });
  assertOAuthError(await form(INTROSPECT(), { token: access_token, client_id: m2m.client_id, client_secret: m2m.client_secret }), 401, "invalid_client");
  assertOAuthError(await form(INTROSPECT(), { client_id: app.client_id, client_secret: app.client_secret }), 400, "invalid_request");
  assertOAuthError(await form(INTROSPECT(), { token: access_token }), 400, "invalid_request");
  const r = await form(INTROSPECT(), { token: access_token, client_id: app.client_id, client_secret: "wrong" });
  assert.ok(!r.text.includes(access_token) && !r.text.includes(app.client_secret), "neither the token nor the secret is echoed");
});

test("a custom domain is the tokens' issuer", async () => {
  const custom = await startEmulator({ customDomain: "https://login.example.com/" });
  try {
    const cc = clientFor(custom);
    const ctl = async (path, body) => (await cc.control("POST", path, body)).body;
    const user = await cc.user();
    const app = await ctl("/connected_apps/clients", {});
    const { access_token } = await ctl("/connected_apps/tokens", { subject: user.user_id, client_id: app.client_id, scopes: [] });
    assert.equal(decodeJwt(access_token).payload.iss, "https://login.example.com");
    const m2m = await ctl("/m2m_clients", { scopes: [] });
    const r = await cc.call("POST", `/v1/public/${custom.projectId}/oauth2/token`, { grant_type: "client_credentials", client_id: m2m.client_id, client_secret: m2m.client_secret }, { auth: false });
    assert.equal(decodeJwt(r.body.access_token).payload.iss, "https://login.example.com");
    const i = await cc.call("POST", `/v1/public/${custom.projectId}/oauth2/introspect`, { token: access_token, client_id: app.client_id, client_secret: app.client_secret }, { auth: false });
    assert.deepEqual([i.body.active, i.body.iss], [true, "https://login.example.com"]);
  } finally {
    await custom.close();
  }
});

test("counts, faults and CORS cover the OAuth routes; reset forgets the clients", async () => {
  const m2m = await m2mClient({ scopes: [] });
  const good = { grant_type: "client_credentials", client_id: m2m.client_id, client_secret: m2m.client_secret };
  await form(TOKEN(), good);
  await form(TOKEN(), { ...good, client_secret: "wrong" });
  await c.controlOk("POST", "/faults", { path_prefix: "/v1/public/", status: 503, times: 1 });
  assertStytchError(await form(INTROSPECT(), { token: "x", client_id: "y" }), 503, "service_unavailable");
  const counts = await c.controlOk("GET", "/requests");
  assert.equal(counts["POST /v1/public/:project_id/oauth2/token"], 2);
  assert.equal(counts["POST /v1/public/:project_id/oauth2/introspect"], 1);
  const r = await form(TOKEN(), good);
  assert.equal(r.headers.get("access-control-allow-origin"), "*");
  await c.controlOk("POST", "/reset");
  assertOAuthError(await form(TOKEN(), good), 401, "invalid_client");
  assert.equal((await c.controlOk("GET", "/requests"))["POST /v1/public/:project_id/oauth2/token"], 1);
});

test("B2B members as subjects: the organization claim, signed with the B2B keys; B2B M2M clients", async () => {
  const org = await c.controlOk("POST", "/b2b/organizations", { organization_slug: "acme-oauth" });
  const member = await c.controlOk("POST", "/b2b/members", { organization_id: org.organization_id, email_address: "ada@acme.example" });
  const app = await appClient();
  const t = await mint({ member_id: member.member_id, client_id: app.client_id, scopes: ["read:docs"], custom_claims: { tier: "gold" } });
  const { payload } = decodeJwt(t.access_token);
  assert.deepEqual(Object.keys(payload), ["iss", "sub", "aud", "client_id", "exp", "nbf", "iat", "jti", "scope", "https://stytch.com/organization", "tier"]);
  assert.deepEqual([payload.sub, payload["https://stytch.com/organization"]], [member.member_id, { organization_id: org.organization_id, slug: "acme-oauth" }]);
  const b2bJwks = `/v1/b2b/sessions/jwks/${emu.projectId}`;
  assert.ok(await signedByJwks(t.access_token, b2bJwks), "signed by a B2B key");
  assert.equal(await signedByJwks(t.access_token), false, "not by a consumer key");
  const r = await form(INTROSPECT(), { token: t.access_token, client_id: app.client_id, client_secret: app.client_secret });
  assert.deepEqual([r.body.active, r.body.sub, r.body["https://stytch.com/organization"], r.body.tier], [true, member.member_id, payload["https://stytch.com/organization"], "gold"]);
  assertStytchError(await c.control("POST", "/connected_apps/tokens", { member_id: "member-test-unknown", client_id: app.client_id, scopes: [] }), 404, "member_not_found");

  const m2m = await m2mClient({ scopes: ["read:*"], b2b: true });
  assert.equal(m2m.b2b, true);
  const tok = await form(TOKEN(), { grant_type: "client_credentials", client_id: m2m.client_id, client_secret: m2m.client_secret });
  assert.ok(await signedByJwks(tok.body.access_token, b2bJwks));
  assert.equal((await m2mClient({ scopes: [] })).b2b, false);
  assertStytchError(await c.control("POST", "/m2m_clients", { scopes: [], b2b: "yes" }), 400, "bad_request");
});
