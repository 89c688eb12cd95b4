// `authenticateRequest` in one runtime (docs/rules.md, "Gating a request"), as named checks that
// node.test.mjs, node.test.cjs and deno.test.ts register with their runtime's test runner.
// `gateUrl` is an emulator only these checks use (they set its policy and faults); `coldUrl`
// another whose keys this process has never fetched (the cold-isolate checks, which leave its
// keys failed for the 30 s cooldown). Every check counts the emulator's API calls.
import assert from "./assert.mjs";
import { control, forge, PROJECT_ID, rejection, SECRET } from "./suite.mjs";

const AUTH = "POST /v1/sessions/authenticate";
const JWKS = "GET /v1/sessions/jwks/:project_id";
const POLICY = "GET /v1/rbac/policy";
const SET_COOKIE = /^stytch_session_jwt=([\w-]+\.[\w-]+\.[\w-]+); Path=\/; Max-Age=(\d+); Secure; SameSite=Lax$/;
const POLICY_BODY = {
  roles: [
    { role_id: "viewer", permissions: [{ resource_id: "documents", actions: ["read"] }] },
    { role_id: "editor", permissions: [{ resource_id: "documents", actions: ["read", "write"] }] },
  ],
  resources: [{ resource_id: "documents", actions: ["read", "write"] }],
};

async function json(url, method, path, body) {
  const res = await fetch(url + path, { method, headers: { "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const out = await res.json();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(out)}`);
  return out;
}
const counts = (url) => json(url, "GET", "/__emulator/requests");
const fault = (url, f) => json(url, "POST", "/__emulator/faults", f);
const clearFaults = (url) => json(url, "DELETE", "/__emulator/faults");

/** `fn()` and the emulator's request counts it caused, per route. */
async function counted(url, fn) {
  const before = await counts(url);
  const value = await fn();
  const after = await counts(url);
  const d = {};
  for (const k of Object.keys(after)) d[k] = after[k] - (before[k] ?? 0);
  return { value, d };
}

/**
 * A refusal as the rules describe it: status, code, and a `response()` with the JSON body
 * `{error, code}`, `Cache-Control: no-store`, `WWW-Authenticate: Bearer` on 401, and not one of
 * `secrets` (the token, its signature, the project secret) in its body or headers.
 */
async function assertRefused(r, status, code, secrets) {
  assert.equal(r.ok, false, `refused, got ${JSON.stringify(r).slice(0, 300)}`);
  assert.equal(r.status, status, `status ${r.status} (${r.code}), expected ${status}`);
  assert.equal(r.code, code);
  const res = r.response();
  assert.equal(res.status, status);
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  assert.equal(res.headers.get("cache-control"), "no-store");
  assert.equal(res.headers.get("www-authenticate"), status === 401 ? "Bearer" : null);
  const text = await res.text();
  assert.deepEqual(JSON.parse(text), { error: { 401: "unauthorized", 403: "forbidden", 503: "unavailable" }[status], code });
  const all = text + [...res.headers].map(([k, v]) => `${k}: ${v}`).join("\n") + JSON.stringify({ ...r, response: undefined }) + String(r.error?.message ?? "");
  for (const s of [SECRET, ...secrets]) if (s) assert.ok(!all.includes(s), "a refusal holds the token, its signature or the secret");
}
const secretsOf = (jwt) => (jwt ? [jwt, jwt.split(".")[2]] : []);

function assertLetIn(r, userId) {
  assert.equal(r.ok, true, `let in, got ${r.ok === false ? `${r.status} ${r.code}` : JSON.stringify(r)}`);
  assert.equal(r.session.user_id, userId);
  assert.ok(r.headers instanceof Headers, "headers is a Headers");
}

/**
 * @returns {Array<[string, (ctx: { api: any, gateUrl: string, coldUrl: string }) => Promise<void>]>}
 */
export function gateChecks() {
  let fx;
  const setup = async (url) => {
    if (fx) return fx;
    await json(url, "PUT", "/__emulator/rbac/policy", POLICY_BODY);
    const tag = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const ada = await control(url, "/__emulator/users", { email: `gate-ada-${tag}@example.com`, roles: ["viewer"] });
    const bob = await control(url, "/__emulator/users", { email: `gate-bob-${tag}@example.com`, roles: ["editor"] });
    const mint = (user, extra = {}) => control(url, "/__emulator/sessions", { user_id: user.user_id, ...extra });
    fx = { ada, bob, mint, fresh: await mint(ada), bobFresh: await mint(bob) };
    return fx;
  };
  const request = (headers) => new Request("https://app.example/dashboard", { headers });
  const gate = (api, url, headers, extra = {}) => api.authenticateRequest(request(headers), { project_id: PROJECT_ID, secret: SECRET, custom_base_url: url, ...extra });

  return [
    ["authenticateRequest: no token → 401 no_session, no API call", async ({ api, gateUrl: url }) => {
      await setup(url);
      for (const headers of [{}, { Cookie: "theme=dark; other=1" }, { Authorization: "Basic eHg6eXk=" }]) {
        const { value, d } = await counted(url, () => gate(api, url, headers));
        await assertRefused(value, 401, "no_session", []);
        assert.equal(d[AUTH], 0);
      }
    }],
    ["authenticateRequest: a fresh JWT as Bearer → let in locally, no cookie", async ({ api, gateUrl: url }) => {
      const { ada, fresh } = await setup(url);
      await gate(api, url, { Authorization: `Bearer ${fresh.session_jwt}` }); // keys warm
      const { value: r, d } = await counted(url, () => gate(api, url, { Authorization: `bearer  ${fresh.session_jwt}` }));
      assertLetIn(r, ada.user_id);
      assert.equal(r.session.session_id, fresh.session.session_id);
      assert.equal(r.session_jwt, fresh.session_jwt);
      assert.equal(r.headers.get("set-cookie"), null);
      assert.equal(r.verdict, undefined);
      assert.deepEqual([d[AUTH], d[JWKS]], [0, 0]);
    }],
    ["authenticateRequest: a fresh JWT in the cookie (among others, quoted) → let in locally", async ({ api, gateUrl: url }) => {
      const { ada, fresh } = await setup(url);
      for (const cookie of [`theme=dark; stytch_session_jwt=${fresh.session_jwt}; b=2`, `stytch_session_jwt="${fresh.session_jwt}"`]) {
        const { value: r, d } = await counted(url, () => gate(api, url, { Cookie: cookie }));
        assertLetIn(r, ada.user_id);
        assert.equal(r.headers.get("set-cookie"), null);
        assert.equal(d[AUTH], 0);
      }
      // Another cookie name, when configured.
      const r = await gate(api, url, { Cookie: `sess_jwt=${fresh.session_jwt}` }, { cookie_name: "sess_jwt" });
      assertLetIn(r, ada.user_id);
    }],
    ["authenticateRequest: Bearer and cookie both → the Bearer wins", async ({ api, gateUrl: url }) => {
      const { ada, bob, fresh, bobFresh } = await setup(url);
      const r = await gate(api, url, { Authorization: `Bearer ${fresh.session_jwt}`, Cookie: `stytch_session_jwt=${bobFresh.session_jwt}` });
      assertLetIn(r, ada.user_id);
      const r2 = await gate(api, url, { Authorization: `Bearer ${bobFresh.session_jwt}`, Cookie: `stytch_session_jwt=${fresh.session_jwt}` });
      assertLetIn(r2, bob.user_id);
      // A bad Bearer is not rescued by a good cookie.
      const forged = forge(fresh.session_jwt);
      await assertRefused(await gate(api, url, { Authorization: `Bearer ${forged}`, Cookie: `stytch_session_jwt=${bobFresh.session_jwt}` }), 401, "jwt_signature_invalid", secretsOf(forged));
    }],
    ["authenticateRequest: malformed tokens → 401 jwt_invalid, no API call", async ({ api, gateUrl: url }) => {
      await setup(url);
      for (const headers of [{ Authorization: "Bearer abc" }, { Authorization: "Bearer " }, { Cookie: "stytch_session_jwt=x.y" }, { Authorization: "Bearer a.b.c" }]) {
        const { value, d } = await counted(url, () => gate(api, url, headers));
        await assertRefused(value, 401, "jwt_invalid", []);
        assert.equal(d[AUTH], 0, JSON.stringify(headers));
      }
    }],
    ["authenticateRequest: a forged JWT → 401 jwt_signature_invalid, 0 API calls", async ({ api, gateUrl: url }) => {
      const { fresh } = await setup(url);
      const forged = forge(fresh.session_jwt);
      for (const headers of [{ Authorization: `Bearer ${forged}` }, { Cookie: `stytch_session_jwt=${forged}` }]) {
        const { value, d } = await counted(url, () => gate(api, url, headers));
        await assertRefused(value, 401, "jwt_signature_invalid", secretsOf(forged));
        assert.equal(d[AUTH], 0);
      }
    }],
    ["authenticateRequest: an expired JWT of a live session → let in by the API, Set-Cookie with the new JWT", async ({ api, gateUrl: url }) => {
      const { ada, mint } = await setup(url);
      const old = await mint(ada, { iat_offset_seconds: -600 }); // exp 5 minutes ago; the session lives 60 minutes
      const { value: r, d } = await counted(url, () => gate(api, url, { Cookie: `stytch_session_jwt=${old.session_jwt}` }));
      assertLetIn(r, ada.user_id);
      assert.equal(r.session.session_id, old.session.session_id);
      assert.notEqual(r.session_jwt, old.session_jwt);
      const m = SET_COOKIE.exec(r.headers.get("set-cookie") ?? "");
      assert.ok(m, `Set-Cookie ${r.headers.get("set-cookie")}`);
      assert.equal(m[1], r.session_jwt);
      const untilExpiry = (Date.parse(r.session.expires_at) - Date.now()) / 1000;
      assert.ok(Math.abs(Number(m[2]) - untilExpiry) <= 5, `Max-Age ${m[2]}, session ends in ${untilExpiry} s`);
      assert.equal(d[AUTH], 1);
    }],
    ["authenticateRequest: a revoked session's JWT → 401 session_not_found (the API said so)", async ({ api, gateUrl: url }) => {
      const { ada, mint } = await setup(url);
      const s = await mint(ada, { iat_offset_seconds: -600 });
      const auth = "Basic " + btoa(`${PROJECT_ID}:${SECRET}`);
      const res = await fetch(url + "/v1/sessions/revoke", { method: "POST", headers: { Authorization: auth, "Content-Type": "application/json" }, body: JSON.stringify({ session_id: s.session.session_id }) });
      assert.equal(res.status, 200);
      await res.body?.cancel();
      const { value, d } = await counted(url, () => gate(api, url, { Authorization: `Bearer ${s.session_jwt}` }));
      await assertRefused(value, 401, "session_not_found", secretsOf(s.session_jwt));
      assert.equal(d[AUTH], 1);
    }],
    ["authenticateRequest: Stytch down (500, 503, reset) or 429 for an expired JWT → 503", async ({ api, gateUrl: url }) => {
      const { ada, mint } = await setup(url);
      const old = await mint(ada, { iat_offset_seconds: -600 });
      const cases = [
        [{ status: 500 }, "internal_server_error"],
        [{ status: 503 }, "service_unavailable"],
        [{ status: 429 }, "too_many_requests"],
        // Deno's fetch resends a request whose pooled connection was reset: reset twice.
        [{ reset_connection: true, times: 2 }, "network_error"],
      ];
      try {
        for (const [f, code] of cases) {
          await clearFaults(url);
          await fault(url, { path_prefix: "/v1/sessions/authenticate", times: 1, ...f });
          const { value, d } = await counted(url, () => gate(api, url, { Authorization: `Bearer ${old.session_jwt}` }));
          assert.ok(d[AUTH] === 1 || (f.reset_connection && d[AUTH] === 2), `${JSON.stringify(f)}: ${d[AUTH]} API calls`);
          await assertRefused(value, 503, code, secretsOf(old.session_jwt));
        }
      } finally {
        await clearFaults(url);
      }
      // And once Stytch is back, the same JWT is let in.
      assertLetIn(await gate(api, url, { Authorization: `Bearer ${old.session_jwt}` }), ada.user_id);
    }],
    ["authenticateRequest: a cold isolate with the JWKS and the API down → 503; JWKS still down → the API decides", async ({ api, coldUrl: url }) => {
      const user = await control(url, "/__emulator/users", { email: `cold-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com` });
      const fresh = await control(url, "/__emulator/sessions", { user_id: user.user_id });
      try {
        await fault(url, { path_prefix: "/v1/sessions/", status: 500 }); // the JWKS and authenticate
        const { value, d } = await counted(url, () => gate(api, url, { Authorization: `Bearer ${fresh.session_jwt}` }));
        await assertRefused(value, 503, "internal_server_error", secretsOf(fresh.session_jwt));
        assert.ok(d[JWKS] >= 1, `${d[JWKS]} JWKS fetches`);
        assert.equal(d[AUTH], 1);
        // Only the JWKS down (within the 30 s after the failed fetch): the API judges the genuine token.
        await clearFaults(url);
        await fault(url, { path_prefix: "/v1/sessions/jwks", status: 500 });
        const { value: r, d: d2 } = await counted(url, () => gate(api, url, { Authorization: `Bearer ${fresh.session_jwt}` }));
        assertLetIn(r, user.user_id);
        // The JWT came as Bearer: no cookie (docs/rules.md, "Gating a request").
        assert.equal(r.headers.get("set-cookie"), null);
        assert.equal(d2[AUTH], 1);
        // With no keys, a forged token cannot be proven bad locally: the API refuses it with its
        // 401 for the session, a 401 of the gate (docs/rules.md, "Gating a request"; only
        // `unauthorized_credentials`, the project's own, is a 503).
        const forged = forge(fresh.session_jwt);
        const { value: f, d: d3 } = await counted(url, () => gate(api, url, { Authorization: `Bearer ${forged}` }));
        await assertRefused(f, 401, "unauthorized_session_jwt", secretsOf(forged));
        assert.equal(d3[AUTH], 1);
      } finally {
        await clearFaults(url);
      }
    }],
    ["authenticateRequest: a denied check → 403 from the API; an allowed one → verdict, no session call", async ({ api, gateUrl: url }) => {
      const { ada, bob, fresh, bobFresh } = await setup(url);
      const write = { authorization_check: { resource_id: "documents", action: "write" } };
      const { value: denied, d } = await counted(url, () => gate(api, url, { Authorization: `Bearer ${fresh.session_jwt}` }, write));
      await assertRefused(denied, 403, "consumer_session_authorization_error", secretsOf(fresh.session_jwt));
      assert.equal(d[AUTH], 1, "a local denial asks the API once");
      const { value: allowed, d: d2 } = await counted(url, () => gate(api, url, { Cookie: `stytch_session_jwt=${bobFresh.session_jwt}` }, write));
      assertLetIn(allowed, bob.user_id);
      assert.deepEqual(allowed.verdict, { authorized: true, granting_roles: ["editor"] });
      assert.equal(allowed.headers.get("set-cookie"), null);
      assert.equal(d2[AUTH], 0);
      assert.ok(d2[POLICY] <= 1);
      // Read is allowed for the viewer, locally.
      const { value: read, d: d3 } = await counted(url, () => gate(api, url, { Authorization: `Bearer ${fresh.session_jwt}` }, { authorization_check: { resource_id: "documents", action: "read" } }));
      assertLetIn(read, ada.user_id);
      assert.deepEqual(read.verdict, { authorized: true, granting_roles: ["viewer"] });
      assert.deepEqual([d3[AUTH], d3[POLICY]], [0, 0]);
    }],
    ["authenticateRequest: bad options and a non-request reject with invalid_argument", async ({ api, gateUrl: url }) => {
      const bad = await rejection(api.authenticateRequest(request({}), { project_id: "", secret: SECRET, custom_base_url: url }));
      assert.ok(bad instanceof api.ClientError, `${bad?.name}`);
      assert.equal(bad.code, "invalid_argument");
      const notRequest = await rejection(api.authenticateRequest({}, { project_id: PROJECT_ID, secret: SECRET, custom_base_url: url }));
      assert.equal(notRequest.code, "invalid_argument");
      const badCookie = await rejection(api.authenticateRequest(request({}), { project_id: PROJECT_ID, secret: SECRET, custom_base_url: url, cookie_name: "a b" }));
      assert.equal(badCookie.code, "invalid_argument");
    }],
  ];
}
