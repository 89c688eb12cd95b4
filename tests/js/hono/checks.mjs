// What the Hono app of app.ts must do in every runtime (docs/rules.md, "Hono"), as named checks
// that node.test.mjs and deno.test.ts register with their test runner and run-workerd.mjs runs
// against the app in workerd. Each check counts the emulator's requests around its own calls.
//
// ctx: { ask(path, init?) → Promise<Response> (the app, as its runtime serves it), emuUrl (the
// emulator the app's c.env points at), local? } where `local`, for in-process runtimes only, is
// { makeApp, env, coldUrl }: the app factory, the env the app is asked with, and an emulator whose
// RBAC policy this process has never fetched.
import assert from "./assert.mjs";

const AUTH = "POST /v1/sessions/authenticate";
const JWKS = "GET /v1/sessions/jwks/:project_id";
const POLICY = "GET /v1/rbac/policy";
const SET_COOKIE = /^stytch_session_jwt=[\w-]+\.[\w-]+\.[\w-]+; Path=\/; Max-Age=\d+; Secure; SameSite=Lax$/;
export const POLICY_BODY = {
  roles: [
    { role_id: "viewer", permissions: [{ resource_id: "documents", actions: ["read"] }] },
    { role_id: "editor", permissions: [{ resource_id: "documents", actions: ["read", "write"] }] },
  ],
  resources: [{ resource_id: "documents", actions: ["read", "write"] }],
};

async function control(url, method, path, body) {
  const res = await fetch(url + path, { method, headers: { "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const out = await res.json();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(out)}`);
  return out;
}

/** A user with `roles` and a JWT of theirs: fresh, or issued `age` seconds ago. */
async function jwtOf(url, roles, age = 0) {
  const user = await control(url, "POST", "/__emulator/users", { roles });
  const s = await control(url, "POST", "/__emulator/sessions", { user_id: user.user_id, ...(age ? { iat_offset_seconds: -age } : {}) });
  return { user_id: user.user_id, jwt: s.session_jwt };
}

/** `fn()`'s answer, read (`{ res, status, body, text, cookies }`), and the emulator requests it caused. */
async function counted(url, fn) {
  const before = await control(url, "GET", "/__emulator/requests");
  const res = await fn();
  const text = await res.text();
  const after = await control(url, "GET", "/__emulator/requests");
  const d = (k) => (after[k] ?? 0) - (before[k] ?? 0);
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { res, status: res.status, text, body, cookies: res.headers.getSetCookie(), d };
}

const cookie = (jwt) => ({ headers: { Cookie: `theme=dark; stytch_session_jwt=${jwt}` } });
const bearer = (jwt) => ({ headers: { Authorization: `Bearer ${jwt}` } });
const post = (init) => ({ ...init, method: "POST" });

/** A refusal as the gate sends it: JSON `{ error, code }`, no-store, Bearer challenge on 401, no cookie. */
function assertRefusal(r, status, code) {
  assert.equal(r.status, status, `status ${r.status} ${r.text.slice(0, 300)}, expected ${status}`);
  const error = { 401: "unauthorized", 403: "forbidden", 503: "unavailable" }[status];
  if (code === undefined) assert.equal(r.body?.error, error, r.text);
  else assert.deepEqual(r.body, { error, code });
  assert.match(r.res.headers.get("content-type") ?? "", /^application\/json/);
  assert.equal(r.res.headers.get("cache-control"), "no-store");
  assert.equal(r.res.headers.get("www-authenticate"), status === 401 ? "Bearer" : null);
}

/** The refreshed session cookie, exactly once. */
function assertOneCookie(r) {
  assert.equal(r.cookies.length, 1, `Set-Cookie headers: ${JSON.stringify(r.cookies)}`);
  assert.match(r.cookies[0], SET_COOKIE);
  assert.equal(r.res.headers.get("cache-control"), "private, no-store");
}

/**
 * `{ checks, local }`, each `[name, async (ctx) => …]` in order (the first sets the policy and
 * warms the keys); `local` needs `ctx.local` (an in-process app).
 * @returns {{ checks: Array<[string, (ctx: any) => Promise<void>]>, local: Array<[string, (ctx: any) => Promise<void>]> }}
 */
export function honoChecks() {
  /** @type {Array<[string, (ctx: any) => Promise<void>]>} */
  const checks = [
    [
      "a fresh JWT is let in with no API call, and c.get(\"stytch\") holds its session",
      async ({ ask, emuUrl }) => {
        await control(emuUrl, "PUT", "/__emulator/rbac/policy", POLICY_BODY);
        const s = await jwtOf(emuUrl, ["viewer"]);
        await ask("/api/me", bearer(s.jwt)); // the keys, once
        for (const init of [cookie(s.jwt), bearer(s.jwt)]) {
          const r = await counted(emuUrl, () => ask("/api/me", init));
          assert.equal(r.status, 200, r.text);
          assert.deepEqual(r.body, { user_id: s.user_id, user: null });
          assert.equal(r.d(AUTH), 0, "API calls");
          assert.equal(r.d(JWKS), 0, "JWKS fetches");
          assert.deepEqual(r.cookies, []);
        }
      },
    ],
    [
      "B2B: stytchAuth({ b2b: true }) lets a member in; requirePermission judges in its organization (an org role grants it) with no API call",
      async ({ ask, emuUrl }) => {
        const roles = (resource_id, actions) => [{ role_id: "billing-admin", description: "", permissions: [{ resource_id, actions }] }];
        await control(emuUrl, "PUT", "/__emulator/b2b/rbac/policy", { roles: [] });
        const org = await control(emuUrl, "POST", "/__emulator/b2b/organizations", { organization_slug: `hono-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`, org_policy: { roles: roles("billing", ["*"]) } });
        const mint = async (memberRoles) => {
          const m = await control(emuUrl, "POST", "/__emulator/b2b/members", { organization_id: org.organization_id, email_address: `hono-${Math.random().toString(36).slice(2)}@example.com`, roles: memberRoles });
          return (await control(emuUrl, "POST", "/__emulator/b2b/sessions", { member_id: m.member_id })).session_jwt;
        };
        const [admin, plain] = [await mint(["billing-admin"]), await mint([])];
        const me = await counted(emuUrl, () => ask("/b2b/me", cookie(admin)));
        assert.equal(me.status, 200, me.text);
        assert.equal(me.body.organization_id, org.organization_id);
        const ok = await counted(emuUrl, () => ask("/b2b/refunds", post(bearer(admin))));
        assert.equal(ok.status, 200, ok.text);
        assert.deepEqual(ok.body, { refunded: true });
        assert.equal(ok.d("POST /v1/b2b/sessions/authenticate"), 0, "API calls");
        const denied = await counted(emuUrl, () => ask("/b2b/refunds", post(bearer(plain))));
        assertRefusal(denied, 403, "invalid_permissions");
        const consumer = await jwtOf(emuUrl, ["editor"]);
        const wrongProduct = await counted(emuUrl, () => ask("/b2b/me", bearer(consumer.jwt)));
        assertRefusal(wrongProduct, 401, "jwks_no_matching_key");
        assert.equal(wrongProduct.d("POST /v1/b2b/sessions/authenticate") + wrongProduct.d(AUTH), 0);
      },
    ],
    [
      "a public route is not gated; no credential on /api/* is the gate's 401 no_session",
      async ({ ask, emuUrl }) => {
        const pub = await ask("/");
        assert.equal(pub.status, 200);
        assert.equal(await pub.text(), "public");
        const r = await counted(emuUrl, () => ask("/api/me"));
        assertRefusal(r, 401, "no_session");
        assert.equal(r.d(AUTH), 0);
      },
    ],
    [
      "gate + requirePermission, fresh JWT: allowed with 0 API calls, no Set-Cookie",
      async ({ ask, emuUrl }) => {
        const s = await jwtOf(emuUrl, ["editor"]);
        const first = await counted(emuUrl, () => ask("/api/documents", post(cookie(s.jwt))));
        assert.equal(first.status, 200, first.text);
        assert.deepEqual(first.body, { saved: true, user_id: s.user_id });
        assert.equal(first.d(AUTH), 0, "API calls");
        assert.ok(first.d(POLICY) <= 1, `${first.d(POLICY)} policy fetches`);
        assert.deepEqual(first.cookies, []);
        const again = await counted(emuUrl, () => ask("/api/documents", post(cookie(s.jwt))));
        assert.equal(again.status, 200, again.text);
        assert.deepEqual([again.d(AUTH), again.d(JWKS), again.d(POLICY)], [0, 0, 0], "API calls, JWKS and policy fetches of a second request");
      },
    ],
    [
      "gate + requirePermission, JWT of 10 min ago (cookie): exactly 1 API call, exactly one Set-Cookie",
      async ({ ask, emuUrl }) => {
        const s = await jwtOf(emuUrl, ["editor"], 600);
        const r = await counted(emuUrl, () => ask("/api/documents", post(cookie(s.jwt))));
        assert.equal(r.status, 200, r.text);
        assert.deepEqual(r.body, { saved: true, user_id: s.user_id });
        assert.equal(r.d(AUTH), 1, "API calls");
        assert.equal(r.d(POLICY), 0, "policy fetches");
        assertOneCookie(r);
      },
    ],
    [
      "an old JWT the API judged: c.get(\"stytch\") carries the API's user too",
      async ({ ask, emuUrl }) => {
        const s = await jwtOf(emuUrl, ["viewer"], 600);
        const r = await counted(emuUrl, () => ask("/api/me", cookie(s.jwt)));
        assert.equal(r.status, 200, r.text);
        assert.deepEqual(r.body, { user_id: s.user_id, user: s.user_id });
        assert.equal(r.d(AUTH), 1, "API calls");
        assertOneCookie(r);
      },
    ],
    [
      "the same over Bearer: 1 API call and no cookie (a Bearer client gets none)",
      async ({ ask, emuUrl }) => {
        const s = await jwtOf(emuUrl, ["editor"], 600);
        const r = await counted(emuUrl, () => ask("/api/documents", post(bearer(s.jwt))));
        assert.equal(r.status, 200, r.text);
        assert.equal(r.d(AUTH), 1, "API calls");
        assert.deepEqual(r.cookies, []);
      },
    ],
    [
      "denied: 403 invalid_permissions with no API call; the allowed action on the same resource passes",
      async ({ ask, emuUrl }) => {
        const s = await jwtOf(emuUrl, ["viewer"]);
        const denied = await counted(emuUrl, () => ask("/api/documents", post(cookie(s.jwt))));
        assertRefusal(denied, 403, "invalid_permissions");
        assert.equal(denied.d(AUTH), 0, "API calls");
        assert.deepEqual(denied.cookies, []);
        const read = await counted(emuUrl, () => ask("/api/documents", cookie(s.jwt)));
        assert.equal(read.status, 200, read.text);
        assert.deepEqual(read.body, { read: true, user_id: s.user_id });
      },
    ],
    [
      "denied after an old cookie JWT: 403, 1 API call, and the refreshed cookie once",
      async ({ ask, emuUrl }) => {
        const s = await jwtOf(emuUrl, ["viewer"], 600);
        const r = await counted(emuUrl, () => ask("/api/documents", post(cookie(s.jwt))));
        assert.equal(r.status, 403, r.text);
        assert.deepEqual(r.body, { error: "forbidden", code: "invalid_permissions" });
        assert.equal(r.d(AUTH), 1, "API calls");
        assertOneCookie(r);
      },
    ],
    [
      "a route's response with immutable headers (Response.redirect) still gets the cookie, once",
      async ({ ask, emuUrl }) => {
        const s = await jwtOf(emuUrl, ["viewer"], 600);
        const r = await counted(emuUrl, () => ask("/api/redirect", { ...cookie(s.jwt), redirect: "manual" }));
        assert.equal(r.status, 302, r.text);
        assert.equal(r.res.headers.get("location"), "https://app.example/next");
        assert.equal(r.d(AUTH), 1, "API calls");
        assertOneCookie(r);
      },
    ],
    [
      "the refreshed cookie's Cache-Control replaces the route's own; without a cookie the route's stays",
      async ({ ask, emuUrl }) => {
        const old = await jwtOf(emuUrl, ["viewer"], 600);
        const r = await counted(emuUrl, () => ask("/api/cacheable", cookie(old.jwt)));
        assert.equal(r.status, 200, r.text);
        assertOneCookie(r);
        const fresh = await jwtOf(emuUrl, ["viewer"]);
        const kept = await counted(emuUrl, () => ask("/api/cacheable", cookie(fresh.jwt)));
        assert.equal(kept.status, 200, kept.text);
        assert.deepEqual(kept.cookies, []);
        assert.equal(kept.res.headers.get("cache-control"), "public, max-age=600");
      },
    ],
    [
      "a forged JWT: the gate's 401 jwt_signature_invalid, no API call, the route never runs",
      async ({ ask, emuUrl }) => {
        const s = await jwtOf(emuUrl, ["editor"]);
        const [h, p, sig] = s.jwt.split(".");
        const flipped = (sig[0] === "A" ? "B" : "A") + sig.slice(1);
        const r = await counted(emuUrl, () => ask("/api/documents", post(bearer(`${h}.${p}.${flipped}`))));
        assertRefusal(r, 401, "jwt_signature_invalid");
        assert.equal(r.d(AUTH), 0);
      },
    ],
    [
      "requirePermission without stytchAuth before it: 500, never the route",
      async ({ ask, emuUrl }) => {
        const s = await jwtOf(emuUrl, ["editor"]);
        const r = await ask("/unguarded", bearer(s.jwt));
        assert.equal(r.status, 500);
        assert.equal(await r.text(), "error: TypeError");
      },
    ],
  ];
  /** @type {Array<[string, (ctx: any) => Promise<void>]>} */
  const local = [
    [
      "options: c.env is read when none are given; given options win over c.env; none at all is a 500",
      async ({ emuUrl, local }) => {
        const s = await jwtOf(emuUrl, ["editor"]);
        const { makeApp, env } = local;
        const fromEnv = await makeApp().request("/api/me", bearer(s.jwt), env);
        assert.equal(fromEnv.status, 200, await fromEnv.clone().text());
        // c.env points at a port nothing listens on; the option points at the emulator.
        const given = await makeApp({ custom_base_url: emuUrl }).request("/api/me", bearer(s.jwt), { ...env, STYTCH_BASE_URL: "http://127.0.0.1:9" });
        assert.equal(given.status, 200, await given.clone().text());
        assert.equal((await given.json()).user_id, s.user_id);
        const wrongEnv = await makeApp().request("/api/me", bearer(s.jwt), { ...env, STYTCH_BASE_URL: "http://127.0.0.1:9" });
        assert.equal(wrongEnv.status, 503, "c.env's base URL is the one used when the options give none");
        const none = await makeApp().request("/api/me", bearer(s.jwt), {});
        assert.equal(none.status, 500);
        assert.equal(await none.text(), "error: ClientError", "authenticateRequest refuses the options (no project_id)");
      },
    ],
    [
      "the RBAC policy cannot be had: 503 unavailable (never an allow)",
      async ({ local }) => {
        const { makeApp, env, coldUrl } = local;
        await control(coldUrl, "PUT", "/__emulator/rbac/policy", POLICY_BODY);
        await control(coldUrl, "POST", "/__emulator/faults", { path_prefix: "/v1/rbac/policy", status: 500, times: 100 });
        try {
          const s = await jwtOf(coldUrl, ["editor"]);
          const app = makeApp();
          const r = await counted(coldUrl, () => app.request("/api/documents", post(bearer(s.jwt)), { ...env, STYTCH_BASE_URL: coldUrl }));
          assertRefusal(r, 503);
          assert.ok(r.d(POLICY) >= 1, "the policy was asked for");
          assert.equal(r.d(AUTH), 0, "API calls");
        } finally {
          await control(coldUrl, "DELETE", "/__emulator/faults");
        }
      },
    ],
  ];
  return { checks, local };
}
