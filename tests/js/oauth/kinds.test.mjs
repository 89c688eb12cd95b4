// Token kinds stay apart (issue 25): a session JWT is refused where an access token is required,
// an access token by every session operation and gate, an M2M token as a Connected Apps token and
// the other way round; each a ClientError (or a 401 refusal) with a clear code and no API call.
// Every token is first verified as its own kind on the same clients, so the memo of verified
// tokens is warm: it must never answer for another kind.
//
// stytch-node is laxer (recorded, not required): its idp.introspectTokenLocal accepts a session
// JWT and an M2M token, its m2m.authenticateToken accepts a Connected Apps token (client_id = the
// user), and a session JWT makes it throw a TypeError (no `scope` to split).
//
//   ./scripts/build && node --test tests/js/oauth/kinds.test.mjs
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { B2B_JWKS, bearer, callsBut, emulator, importPackage, JWKS, m2mToken, outcome, people } from "./lib.mjs";

const PRODUCTS = ["consumer", "b2b"];
let api, emu, who;
/** Per product: `{ client, session, m2m, connected, gate, verify, authenticateRequest }`. */
const kit = {};

before(async () => {
  api = await importPackage();
  emu = await emulator();
  who = await people(emu.ctl);
  const app = await emu.ctl.createConnectedAppClient();
  for (const product of PRODUCTS) {
    const b2b = product === "b2b";
    const subject = b2b ? { member_id: who.member.member_id } : { user_id: who.user.user_id };
    const m2mClient = await emu.ctl.createM2MClient({ scopes: ["read:users"], b2b });
    kit[product] = {
      client: b2b ? new api.B2BClient(emu.options) : new api.Client(emu.options),
      session: b2b ? who.memberSession.session_jwt : who.session.session_jwt,
      m2m: await m2mToken(emu.url, m2mClient),
      connected: (await emu.ctl.mintConnectedAppToken({ ...subject, client_id: app.client_id, scopes: ["read:docs"] })).access_token,
      gate: b2b ? api.authenticateB2BAccessToken : api.authenticateAccessToken,
      verify: b2b ? api.verifyB2BJwt : api.verifyJwt,
      authenticateRequest: b2b ? api.authenticateB2BRequest : api.authenticateRequest,
    };
  }
  // Every kind verified as itself first: keys fetched, the memo warm.
  for (const product of PRODUCTS) {
    const k = kit[product];
    await k.client.sessions.authenticateJwt({ session_jwt: k.session });
    await k.verify(k.session, emu.options);
    await k.client.m2m.authenticateToken({ access_token: k.m2m });
    await k.client.idp.introspectTokenLocal(k.connected);
    for (const [token_type, token] of [["m2m", k.m2m], ["connected_app", k.connected]]) {
      const r = await k.gate(bearer(token), { ...emu.options, token_type });
      assert.equal(r.ok, true, `${product} ${token_type} admitted as itself`);
    }
  }
});
after(() => emu?.close());

/** Runs `fn` and asserts the emulator saw no request at all (keys are warm: no JWKS fetch either). */
async function noRequests(label, fn) {
  await emu.delta();
  const result = await fn();
  const d = await emu.delta();
  assert.equal(callsBut(d), 0, `${label}: requests ${JSON.stringify(Object.fromEntries(Object.entries(d).filter(([, v]) => v)))}`);
  return result;
}

/** A ClientError with `code` whose message says why (names what the token is or lacks). */
function refused(r, code, why, label) {
  assert.equal(r.ok, false, `${label}: refused`);
  assert.deepEqual(r.error, ["ClientError", code], label);
  assert.ok(r.thrown instanceof api.ClientError, `${label}: the package's ClientError`);
  assert.match(r.thrown.message, why, label);
}

/** The gate's refusal: 401, the code, `invalid_token` in the challenge. */
function gateRefused(r, code, label) {
  assert.deepEqual([r.ok, r.status, r.code], [false, 401, code], label);
  assert.equal(r.error?.code, code, label);
  assert.match(r.response().headers.get("www-authenticate"), /^Bearer error="invalid_token"/, label);
}

for (const product of PRODUCTS) {
  describe(`${product}`, () => {
    test("a session JWT is refused where an access token is required", async () => {
      const k = kit[product];
      await noRequests("session JWT as an access token", async () => {
        refused(await outcome(k.client.m2m.authenticateToken({ access_token: k.session })), "jwt_invalid", /session JWT, not an M2M access token/, "m2m.authenticateToken");
        refused(await outcome(k.client.m2m.authenticateToken({ access_token: k.session, required_scopes: ["read:users"] })), "jwt_invalid", /session JWT/, "m2m.authenticateToken with scopes");
        refused(await outcome(k.client.idp.introspectTokenLocal(k.session)), "jwt_invalid", /session JWT, not a Connected Apps access token/, "idp.introspectTokenLocal");
        for (const token_type of ["m2m", "connected_app"]) gateRefused(await k.gate(bearer(k.session), { ...emu.options, token_type }), "jwt_invalid", `gate ${token_type}`);
      });
    });

    test("an access token is refused by every session operation and gate", async () => {
      const k = kit[product];
      const sessionClaim = /no https:\/\/stytch\.com\/session claim/;
      for (const [kind, token] of [["M2M", k.m2m], ["Connected Apps", k.connected]]) {
        await noRequests(`${kind} token as a session`, async () => {
          refused(await outcome(k.client.sessions.authenticateJwt({ session_jwt: token })), "jwt_invalid", sessionClaim, `${kind}: sessions.authenticateJwt`);
          refused(await outcome(k.client.sessions.authenticateJwtLocal({ session_jwt: token })), "jwt_invalid", sessionClaim, `${kind}: sessions.authenticateJwtLocal`);
          refused(await outcome(k.verify(token, emu.options)), "jwt_invalid", sessionClaim, `${kind}: verify`);
          for (const request of [bearer(token), new Request("https://app.example/", { headers: { cookie: `stytch_session_jwt=${token}` } })]) {
            const r = await k.authenticateRequest(request, emu.options);
            assert.deepEqual([r.ok, r.status, r.code], [false, 401, "jwt_invalid"], `${kind}: authenticateRequest`);
          }
        });
      }
    });

    test("an M2M token is refused as a Connected Apps token, and the other way round", async () => {
      const k = kit[product];
      await noRequests("kinds crossed", async () => {
        refused(await outcome(k.client.idp.introspectTokenLocal(k.m2m)), "jwt_invalid", /no client_id claim: not a Connected Apps access token/, "M2M as Connected Apps");
        refused(await outcome(k.client.m2m.authenticateToken({ access_token: k.connected })), "jwt_invalid", /a Connected Apps access token, not an M2M one/, "Connected Apps as M2M");
        gateRefused(await k.gate(bearer(k.m2m), { ...emu.options, token_type: "connected_app" }), "jwt_invalid", "gate connected_app, M2M token");
        gateRefused(await k.gate(bearer(k.connected), { ...emu.options, token_type: "m2m" }), "jwt_invalid", "gate m2m, Connected Apps token");
      });
      // And each is still admitted as itself afterwards (a refusal does not spoil the memo).
      assert.equal((await k.client.m2m.authenticateToken({ access_token: k.m2m })).scopes[0], "read:users");
      assert.equal((await k.client.idp.introspectTokenLocal(k.connected)).scope, "read:docs");
    });
  });
}

test("each product's access tokens are refused by the other product's client and gate (its keys)", async () => {
  const cross = async () => {
    for (const [from, to] of [["consumer", "b2b"], ["b2b", "consumer"]]) {
      const k = kit[to];
      refused(await outcome(k.client.m2m.authenticateToken({ access_token: kit[from].m2m })), "jwks_no_matching_key", /./, `${from} M2M on ${to}`);
      refused(await outcome(k.client.idp.introspectTokenLocal(kit[from].connected)), "jwks_no_matching_key", /./, `${from} Connected Apps on ${to}`);
      gateRefused(await k.gate(bearer(kit[from].m2m), { ...emu.options, token_type: "m2m" }), "jwks_no_matching_key", `${from} M2M, ${to} gate`);
    }
  };
  // An unknown kid is looked for once in a fresh key set (one JWKS fetch per product), then
  // known to be unknown: the second round asks for nothing.
  await emu.delta();
  await cross();
  const d = await emu.delta();
  assert.deepEqual([d[JWKS], d[B2B_JWKS], callsBut(d, [JWKS, B2B_JWKS])], [1, 1, 0]);
  await noRequests("products crossed again", cross);
});
