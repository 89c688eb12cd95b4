// Finding 4 of issue 22: a misspelled option or parameter is refused (ClientError
// invalid_argument naming the member and the nearest known name), never silently ignored:
// `authorisation_check` must not let a request in unchecked.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { AUTH, POLICY, PROJECT_ID, settle, setup, world } from "./lib.mjs";

const POLICY_BODY = { roles: [{ role_id: "viewer", permissions: [{ resource_id: "documents", actions: ["read"] }] }] };
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** The agreed message: `<what>: <name> is not an option; did you mean <near>?`. */
const unknown = (name, near, kind = "option") => new RegExp(`: ${esc(name)} is not an? ${kind}${near ? `; did you mean ${esc(near)}\\?` : ""}$`);

function assertRefused(r, name, near, kind) {
  assert.ok(r.err, `${name} was accepted`);
  assert.equal(r.err.name, "ClientError", String(r.err));
  assert.equal(r.err.code, "invalid_argument", r.err.message);
  assert.match(r.err.message, unknown(name, near, kind));
}

describe("finding 4: misspelled names are refused", () => {
  let api;
  let w;
  let viewer;
  before(async () => {
    ({ api } = await setup());
    w = await world({ roles: ["viewer"] });
    await w.ctl.putPolicy(POLICY_BODY);
    viewer = await w.mint();
  });
  after(async () => {
    await w?.close();
  });

  test("finding 4: authenticateRequest with authorisation_check is refused (did you mean authorization_check?), not let in unchecked", async () => {
    await w.delta();
    const request = new Request(`${w.url}/documents`, { method: "POST", headers: { Authorization: `Bearer ${viewer.session_jwt}` } });
    const r = await settle(() => api.authenticateRequest(request, w.opts({ authorisation_check: { resource_id: "documents", action: "write" } })));
    assert.ok(!r.value?.ok, "the request was let in with no permission check");
    assertRefused(r, "authorisation_check", "authorization_check");
    assert.equal(r.err.message, "authenticateRequest options: authorisation_check is not an option; did you mean authorization_check?");
    const d = await w.delta();
    assert.equal(d[AUTH] + d[POLICY], 0, "refused before any request");
  });

  test("finding 4: misspelled options of new Client, verifyJwt and authenticateRequest are refused with the nearest name", async () => {
    const jwt = viewer.session_jwt;
    const request = () => new Request(`${w.url}/`, { headers: { Cookie: `stytch_session_jwt=${jwt}` } });
    const cases = [
      ["new Client", "custom_base_uri", "custom_base_url", () => new api.Client({ project_id: PROJECT_ID, secret: "secret-test-emulator", custom_base_uri: w.url })],
      ["verifyJwt", "max_token_age", "max_token_age_seconds", () => api.verifyJwt(jwt, { project_id: PROJECT_ID, custom_base_url: w.url, max_token_age: 600 })],
      ["authenticateRequest", "cookieName", "cookie_name", () => api.authenticateRequest(request(), w.opts({ cookieName: "sid" }))],
      ["authenticateRequest", "max_stale_second", "max_stale_seconds", () => api.authenticateRequest(request(), w.opts({ max_stale_second: 1 }))],
    ];
    for (const [call, name, near, fn] of cases) {
      const r = await settle(fn);
      assertRefused(r, name, near);
      assert.ok(!r.err.message.includes(w.url) && !r.err.message.includes("600"), `${call}: the message holds a value: ${r.err.message}`);
    }
  });

  test("finding 4: misspelled parameters of an operation and of authorization_check are refused; known names and free-form values are not", async () => {
    const client = new api.Client(w.opts());
    const r1 = await settle(() => client.sessions.authenticateJwt({ session_jwt: viewer.session_jwt, session_duration_minute: 60 }));
    assertRefused(r1, "session_duration_minute", "session_duration_minutes", "parameter");
    const r2 = await settle(() => client.sessions.authenticateJwtLocal({ session_jwt: viewer.session_jwt, authorization_check: { resource_id: "documents", acton: "read" } }));
    assert.equal(r2.err?.code, "invalid_argument", `authorization_check.acton: ${r2.err ?? "accepted"}`);
    assert.match(r2.err.message, /acton/);
    // A name longer than 64 characters is cut in the message.
    const long = `x${"y".repeat(200)}`;
    const r3 = await settle(() => api.verifyJwt(viewer.session_jwt, { project_id: PROJECT_ID, custom_base_url: w.url, [long]: 1 }));
    assert.equal(r3.err?.code, "invalid_argument", `a 201-character option name: ${r3.err ?? "accepted"}`);
    assert.ok(!r3.err.message.includes(long) && r3.err.message.length < 200, r3.err.message);
    // The names stytch-node 14 knows for the call (telemetry_id on exchangeAccessToken) and
    // free-form values (session_custom_claims) stay accepted.
    const { access_token } = await w.ctl.accessToken({ user_id: w.user.user_id });
    const r4 = await settle(() => client.sessions.exchangeAccessToken({ access_token, telemetry_id: "telemetry-id-test", session_duration_minutes: 60, session_custom_claims: { anyName: 1, nested: { whatever: true } } }));
    assert.ok(!r4.err, String(r4.err));
    assert.equal(r4.value.session.custom_claims.anyName, 1);
  });
});
