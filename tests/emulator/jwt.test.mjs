/** Session JWTs and the JWKS (`docs/rules.md`, "How a session JWT is judged"): exact shape, real RS256 signatures, key rotation. */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createPublicKey, verify } from "node:crypto";
import { startEmulator } from "./index.mjs";
import { clientFor, decodeJwt, assertStytchError, UUID_ID, RFC3339 } from "./helpers.mjs";

let emu;
let c;
before(async () => {
  emu = await startEmulator();
  c = clientFor(emu);
});
after(() => emu.close());

/** Verify a JWT with node:crypto against the key the emulator serves for its kid. */
async function verifiesAgainstJwks(jwt) {
  const { header, signingInput, signature } = decodeJwt(jwt);
  const jwk = (await c.jwks()).body.keys.find((k) => k.kid === header.kid);
  if (!jwk) return false;
  const key = createPublicKey({ key: jwk, format: "jwk" });
  return verify("sha256", Buffer.from(signingInput), key, signature);
}

test("JWKS keys have exactly Stytch's JWK fields", async () => {
  const { keys } = (await c.jwks()).body;
  assert.equal(keys.length, 1);
  const [k] = keys;
  assert.deepEqual(Object.keys(k), ["kty", "use", "key_ops", "alg", "kid", "x5c", "x5tS256", "n", "e"]);
  assert.equal(k.kty, "RSA");
  assert.equal(k.use, "sig");
  assert.deepEqual(k.key_ops, ["verify"]);
  assert.equal(k.alg, "RS256");
  assert.match(k.kid, UUID_ID("jwk-test"));
  assert.deepEqual(k.x5c, []);
  assert.equal(k.x5tS256, "");
  assert.match(k.n, /^[A-Za-z0-9_-]+$/);
  assert.equal(k.e, "AQAB");
  const key = createPublicKey({ key: k, format: "jwk" });
  assert.equal(key.asymmetricKeyDetails.modulusLength, 2048);
});

test("a minted JWT has exactly the header and claims of a Stytch session JWT and verifies", async () => {
  const user = await c.user({ email: "jwt@example.com" });
  const before = Math.floor(Date.now() / 1000);
  const { session_jwt, session } = await c.session({ user_id: user.user_id, custom_claims: { tier: "gold", org: { id: 7 } } });
  const after = Math.floor(Date.now() / 1000);
  const { header, headerText, payload } = decodeJwt(session_jwt);
  const kid = (await c.jwks()).body.keys[0].kid;
  assert.equal(headerText, `{"alg":"RS256","kid":"${kid}","typ":"JWT"}`);
  assert.deepEqual(header, { alg: "RS256", kid, typ: "JWT" });
  assert.deepEqual(Object.keys(payload), ["aud", "exp", "https://stytch.com/session", "iat", "iss", "nbf", "sub", "tier", "org"]);
  assert.deepEqual(payload.aud, [emu.projectId]);
  assert.ok(payload.iat >= before && payload.iat <= after);
  assert.equal(payload.nbf, payload.iat);
  assert.equal(payload.exp, payload.iat + 300);
  assert.equal(payload.iss, `stytch.com/${emu.projectId}`);
  assert.equal(payload.sub, user.user_id);
  assert.equal(payload.tier, "gold");
  assert.deepEqual(payload.org, { id: 7 });
  const claim = payload["https://stytch.com/session"];
  assert.deepEqual(Object.keys(claim), ["id", "started_at", "last_accessed_at", "expires_at", "attributes", "authentication_factors", "roles"]);
  assert.equal(claim.id, session.session_id);
  for (const k of ["started_at", "last_accessed_at", "expires_at"]) {
    assert.match(claim[k], RFC3339);
    assert.equal(claim[k], session[k]);
  }
  assert.deepEqual(claim.attributes, session.attributes);
  assert.deepEqual(claim.authentication_factors, session.authentication_factors);
  assert.deepEqual(claim.roles, []);
  assert.ok(await verifiesAgainstJwks(session_jwt));

  const [h, p, s] = session_jwt.split(".");
  const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: "someone-else" })).toString("base64url")}.${s}`;
  assert.equal(await verifiesAgainstJwks(forged), false);
});

test("iat_offset_seconds mints an old (and expired) JWT", async () => {
  const user = await c.user({});
  const now = Math.floor(Date.now() / 1000);
  const { session_jwt } = await c.session({ user_id: user.user_id, iat_offset_seconds: -600 });
  const { payload } = decodeJwt(session_jwt);
  assert.ok(Math.abs(payload.iat - (now - 600)) <= 1);
  assert.equal(payload.nbf, payload.iat);
  assert.equal(payload.exp, payload.iat + 300);
  assert.ok(payload.exp < now);
  assert.ok(await verifiesAgainstJwks(session_jwt));
});

test("key rotation keeps the old key while overlapping, then drops it", async () => {
  const user = await c.user({});
  const first = await c.session({ user_id: user.user_id });
  const kid1 = decodeJwt(first.session_jwt).header.kid;

  const rot = await c.control("POST", "/keys/rotate", {});
  assert.equal(rot.status, 200, rot.text);
  assert.deepEqual(Object.keys(rot.body), ["kid"]);
  const kid2 = rot.body.kid;
  assert.match(kid2, UUID_ID("jwk-test"));
  assert.notEqual(kid2, kid1);
  assert.deepEqual((await c.jwks()).body.keys.map((k) => k.kid), [kid1, kid2]);

  const second = await c.session({ user_id: user.user_id });
  assert.equal(decodeJwt(second.session_jwt).header.kid, kid2, "the new key signs");
  assert.ok(await verifiesAgainstJwks(first.session_jwt));
  assert.ok(await verifiesAgainstJwks(second.session_jwt));
  const reissued = await c.authenticate({ session_jwt: first.session_jwt });
  assert.equal(reissued.status, 200, "a JWT signed by the old key still authenticates");
  assert.equal(decodeJwt(reissued.body.session_jwt).header.kid, kid2);

  const rot3 = await c.control("POST", "/keys/rotate", { keep_old: false });
  const kid3 = rot3.body.kid;
  assert.deepEqual((await c.jwks()).body.keys.map((k) => k.kid), [kid3]);
  assert.equal(await verifiesAgainstJwks(second.session_jwt), false);
  assertStytchError(await c.authenticate({ session_jwt: second.session_jwt }), 401, "unauthorized_session_jwt");
  const byToken = await c.authenticate({ session_token: second.session_token });
  assert.equal(byToken.status, 200, "the session itself is still live");
  assert.ok(await verifiesAgainstJwks(byToken.body.session_jwt));
  assertStytchError(await c.control("POST", "/keys/rotate", { keep_old: "no" }), 400, "bad_request");
});

test("a custom domain becomes the issuer (no trailing slash)", async () => {
  const custom = await startEmulator({ customDomain: "https://login.example.com/", projectId: "project-live-1234", secret: "s3" });
  try {
    const cc = clientFor(custom);
    const user = await cc.user({});
    const { session_jwt } = await cc.session({ user_id: user.user_id });
    const { payload } = decodeJwt(session_jwt);
    assert.equal(payload.iss, "https://login.example.com");
    assert.deepEqual(payload.aud, ["project-live-1234"]);
    const r = await cc.authenticate({ session_jwt });
    assert.equal(r.status, 200, r.text);
    assert.equal(decodeJwt(r.body.session_jwt).payload.iss, "https://login.example.com");
    assert.equal((await cc.jwks("project-live-1234")).status, 200);
  } finally {
    await custom.close();
  }
});

test("a JWT from another emulator (same shape, other key) is rejected", async () => {
  const other = await startEmulator();
  try {
    const oc = clientFor(other);
    const user = await oc.user({});
    const { session_jwt } = await oc.session({ user_id: user.user_id });
    assertStytchError(await c.authenticate({ session_jwt }), 401, "unauthorized_session_jwt");
  } finally {
    await other.close();
  }
});
