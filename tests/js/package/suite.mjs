// The package's behaviour in one runtime, as a list of named checks; node.test.mjs (ESM),
// node.test.cjs (CommonJS) and deno.test.ts register them with their runtime's test runner.
// `api` is what the runtime's entry of the installed package exports.
// Assertions: node:assert/strict's API (./assert.mjs, the same in Node and Deno).
import assert from "./assert.mjs";

export const PROJECT_ID = "project-test-00000000-0000-4000-8000-000000000000";
export const SECRET = "secret-test-emulator";

/** True for an object whose prototype is Object.prototype and that holds no Map, at any depth. */
function isPlain(value) {
  if (value === null || typeof value !== "object") return true;
  if (value instanceof Map || value instanceof Set) return false;
  if (Array.isArray(value)) return value.every(isPlain);
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value).every(isPlain);
}

export function forge(jwt) {
  const [h, p, s] = jwt.split(".");
  const last = s[0] === "A" ? "B" : "A";
  return `${h}.${p}.${last}${s.slice(1)}`;
}

export async function control(url, path, body) {
  const res = await fetch(url + path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  assert.ok(res.ok, `${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** The error `promise` rejects with; fails if it resolves. */
export async function rejection(promise) {
  let err;
  await assert.rejects(promise, (e) => ((err = e), true));
  return err;
}

function assertSession(session, userId) {
  assert.ok(isPlain(session), "session is a plain object");
  assert.equal(session.user_id, userId);
  assert.match(session.session_id, /^session-test-/);
  for (const f of ["started_at", "last_accessed_at", "expires_at"]) assert.match(session[f], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  assert.ok(Array.isArray(session.authentication_factors));
  assert.ok(Array.isArray(session.roles));
  assert.equal(typeof session.custom_claims, "object");
}

/**
 * The checks: `[name, async (ctx) => …]`. `ctx = { api, url, onFirstVerify }`; `onFirstVerify`
 * is called once, right after the first successful verification (for timing).
 * @returns {Array<[string, (ctx: { api: any, url: string, onFirstVerify?: () => void }) => Promise<void>]>}
 */
export function checks() {
  let fixtures;
  const setup = async (url) => {
    if (fixtures) return fixtures;
    const user = await control(url, "/__emulator/users", { email: `pkg-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`, name: "Grace Hopper" });
    const fresh = await control(url, "/__emulator/sessions", { user_id: user.user_id, custom_claims: { plan: "pro", org: { id: 7 } } });
    fixtures = { user, fresh };
    return fixtures;
  };
  let b2b;
  /** An organization whose own role `reader` grants `billing:*`, a member holding it, a session. */
  const b2bSetup = async (url) => {
    if (b2b) return b2b;
    const reader = (resource_id, actions) => [{ role_id: "reader", description: "", permissions: [{ resource_id, actions }] }];
    await fetch(url + "/__emulator/b2b/rbac/policy", { method: "PUT", body: JSON.stringify({ roles: reader("documents", ["read"]) }) });
    const slug = `acme-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    const org = await control(url, "/__emulator/b2b/organizations", { organization_slug: slug, org_policy: { roles: reader("billing", ["*"]) } });
    const member = await control(url, "/__emulator/b2b/members", { organization_id: org.organization_id, email_address: `m-${slug}@example.com`, roles: ["reader"] });
    const session = await control(url, "/__emulator/b2b/sessions", { member_id: member.member_id });
    b2b = { org, member, session };
    return b2b;
  };
  const client = (api, url, extra = {}) => new api.Client({ project_id: PROJECT_ID, secret: SECRET, custom_base_url: url, ...extra });

  return [
    ["verifyJwt verifies a fresh JWT into a plain Session", async ({ api, url, onFirstVerify }) => {
      const { user, fresh } = await setup(url);
      const session = await api.verifyJwt(fresh.session_jwt, { project_id: PROJECT_ID, custom_base_url: url });
      onFirstVerify?.();
      assertSession(session, user.user_id);
      assert.equal(session.session_id, fresh.session.session_id);
      assert.deepEqual(session.custom_claims, { plan: "pro", org: { id: 7 } });
      assert.equal(session.authentication_factors[0].email_factor.email_address, user.emails[0].email);
    }],
    ["verifyJwt rejects a forged JWT with a ClientError", async ({ api, url }) => {
      const { fresh } = await setup(url);
      const forged = forge(fresh.session_jwt);
      const err = await rejection(api.verifyJwt(forged, { project_id: PROJECT_ID, custom_base_url: url }));
      assert.ok(err instanceof api.ClientError, `ClientError, got ${err?.name}: ${err?.message}`);
      assert.ok(err instanceof Error);
      assert.ok(!(err instanceof api.StytchError) && !(err instanceof api.RequestError));
      assert.equal(err.name, "ClientError");
      assert.equal(err.code, "jwt_signature_invalid");
      assert.ok(!String(err.message).includes(forged), "the message does not hold the token");
    }],
    ["verifyJwt rejects malformed tokens and the wrong audience", async ({ api, url }) => {
      const { fresh } = await setup(url);
      const bad = await rejection(api.verifyJwt("not.a.jwt", { project_id: PROJECT_ID, custom_base_url: url }));
      assert.ok(bad instanceof api.ClientError);
      assert.equal(bad.code, "jwt_invalid");
      // Another project's verification: a different JWKS URL, which the emulator answers with 404.
      const other = await rejection(api.verifyJwt(fresh.session_jwt, { project_id: "project-test-11111111-1111-4111-8111-111111111111", custom_base_url: url }));
      assert.ok(other instanceof api.StytchError || other instanceof api.ClientError, `${other?.name}: ${other?.message}`);
    }],
    ["client.sessions.authenticate with a session token", async ({ api, url }) => {
      const { user, fresh } = await setup(url);
      const res = await client(api, url).sessions.authenticate({ session_token: fresh.session_token, session_duration_minutes: 60 });
      assert.ok(isPlain(res), "response is plain");
      assert.match(res.request_id, /^request-id-test-/);
      assert.equal(res.status_code, 200);
      assertSession(res.session, user.user_id);
      assert.equal(res.session_token, fresh.session_token);
      assert.equal(res.session_jwt.split(".").length, 3);
      assert.equal(res.user.user_id, user.user_id);
      assert.equal(res.user.emails[0].email, user.emails[0].email);
    }],
    ["strings beyond ASCII cross into the module intact, wherever their first such character is", async ({ api, url }) => {
      const { fresh } = await setup(url);
      // The package copies each string into the module with TextEncoder.encodeInto (scripts/lib/glue-strings.mjs):
      // two-, three- and four-byte characters at the start, after a long ASCII run, and last.
      const claims = { a: "é at the start", b: `${"x".repeat(2000)}日本語 after 2000 ASCII`, c: "ends with a crab 🦀", d: "🦀", e: "mixed é 日 🦀 é" };
      const res = await client(api, url).sessions.authenticate({ session_token: fresh.session_token, session_custom_claims: claims });
      for (const [k, v] of Object.entries(claims)) assert.equal(res.session.custom_claims[k], v, k);
      // A token with such a character is refused as a malformed token, like any other.
      for (const token of [`é${fresh.session_jwt}`, `${fresh.session_jwt}🦀`]) {
        const err = await rejection(api.verifyJwt(token, { project_id: PROJECT_ID, custom_base_url: url }));
        assert.equal(err.code, "jwt_invalid");
      }
    }],
    ["client.sessions.authenticateJwt: local for a fresh JWT, remote for an old one", async ({ api, url }) => {
      const { user, fresh } = await setup(url);
      const c = client(api, url);
      const local = await c.sessions.authenticateJwt({ session_jwt: fresh.session_jwt });
      assert.ok(isPlain(local));
      assert.equal(local.session_jwt, fresh.session_jwt);
      assert.equal(local.request_id, undefined);
      assertSession(local.session, user.user_id);
      const old = await control(url, "/__emulator/sessions", { user_id: user.user_id, iat_offset_seconds: -600 });
      const remote = await c.sessions.authenticateJwt({ session_jwt: old.session_jwt });
      assert.ok(isPlain(remote));
      assert.match(remote.request_id, /^request-id-test-/);
      assert.notEqual(remote.session_jwt, old.session_jwt);
      assert.equal(remote.session.session_id, old.session.session_id);
      assert.equal(remote.user.user_id, user.user_id);
    }],
    ["client.sessions.authenticateJwtLocal: Session, and jwt_too_old", async ({ api, url }) => {
      const { user, fresh } = await setup(url);
      const c = client(api, url);
      assertSession(await c.sessions.authenticateJwtLocal({ session_jwt: fresh.session_jwt }), user.user_id);
      const err = await rejection(c.sessions.authenticateJwtLocal({ session_jwt: fresh.session_jwt, current_date: new Date(Date.now() + 200_000), max_token_age_seconds: 60 }));
      assert.ok(err instanceof api.ClientError);
      assert.equal(err.code, "jwt_too_old");
    }],
    ["client.sessions.get lists the user's sessions", async ({ api, url }) => {
      const { user, fresh } = await setup(url);
      const res = await client(api, url).sessions.get({ user_id: user.user_id });
      assert.ok(isPlain(res));
      assert.equal(res.status_code, 200);
      assert.ok(res.sessions.some((s) => s.session_id === fresh.session.session_id));
    }],
    ["client.sessions.getJWKS returns the keys", async ({ api, url }) => {
      const res = await client(api, url).sessions.getJWKS({ project_id: PROJECT_ID });
      assert.ok(isPlain(res));
      assert.ok(res.keys.length >= 1);
      const k = res.keys[0];
      assert.equal(k.kty, "RSA");
      assert.match(k.kid, /^jwk-test-/);
      assert.ok("x5tS256" in k);
    }],
    ["client.sessions.migrate exchanges an external token", async ({ api, url }) => {
      const email = `migrate-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;
      const token = `external-${Math.random().toString(36).slice(2)}`;
      const existing = await control(url, "/__emulator/users", { email });
      await control(url, "/__emulator/external_tokens", { token, email });
      const res = await client(api, url).sessions.migrate({ session_token: token, session_duration_minutes: 30 });
      assert.ok(isPlain(res));
      assert.equal(res.user_id, existing.user_id);
      assert.equal(res.user.emails[0].email, email);
      assert.equal(res.session.user_id, res.user_id);
      assert.equal(res.session_jwt.split(".").length, 3);
    }],
    ["client.sessions.revoke, then authenticate fails with a StytchError", async ({ api, url }) => {
      const { user } = await setup(url);
      const s = await control(url, "/__emulator/sessions", { user_id: user.user_id });
      const c = client(api, url);
      const res = await c.sessions.revoke({ session_id: s.session.session_id });
      assert.ok(isPlain(res));
      assert.equal(res.status_code, 200);
      const err = await rejection(c.sessions.authenticate({ session_token: s.session_token }));
      assert.ok(err instanceof api.StytchError, `StytchError, got ${err?.name}: ${err?.message}`);
      assert.ok(err instanceof Error);
      assert.equal(err.name, "StytchError");
      assert.equal(err.code, "session_not_found");
      assert.equal(err.error_type, "session_not_found");
      assert.equal(err.status_code, 404);
      assert.match(err.request_id, /^request-id-test-/);
      assert.equal(typeof err.error_message, "string");
      assert.equal(typeof err.error_url, "string");
    }],
    ["an unreachable API gives a RequestError", async ({ api }) => {
      const c = new api.Client({ project_id: PROJECT_ID, secret: SECRET, custom_base_url: "http://127.0.0.1:9", timeout_ms: 3000 });
      const err = await rejection(c.sessions.get({ user_id: "user-test-00000000-0000-4000-8000-000000000000" }));
      assert.ok(err instanceof api.RequestError, `RequestError, got ${err?.name}: ${err?.message}`);
      assert.equal(err.name, "RequestError");
      assert.ok(["network_error", "timeout"].includes(err.code), err.code);
    }],
    ["authenticateRequest without a secret judges locally only: fresh JWT in, old JWT 401 jwt_too_old, expired 401, no API call", async ({ api, url }) => {
      const { user, fresh } = await setup(url);
      const old = await control(url, "/__emulator/sessions", { user_id: user.user_id, iat_offset_seconds: -100 });
      const expired = await control(url, "/__emulator/sessions", { user_id: user.user_id, iat_offset_seconds: -600 });
      const before = await (await fetch(url + "/__emulator/requests")).json();
      const ask = (jwt) => api.authenticateRequest(new Request("https://app.example/", { headers: { cookie: `stytch_session_jwt=${jwt}` } }), { project_id: PROJECT_ID, custom_base_url: url, max_token_age_seconds: 60 });
      const ok = await ask(fresh.session_jwt);
      assert.equal(ok.ok, true);
      assert.equal(ok.session.user_id, user.user_id);
      assert.equal(ok.session_jwt, fresh.session_jwt);
      assert.equal([...ok.headers].length, 0, "no cookie: nothing was minted");
      const refused = await ask(old.session_jwt);
      assert.deepEqual([refused.ok, refused.status, refused.code], [false, 401, "jwt_too_old"]);
      const gone = await ask(expired.session_jwt);
      assert.deepEqual([gone.ok, gone.status, gone.code], [false, 401, "jwt_expired"]);
      const after = await (await fetch(url + "/__emulator/requests")).json();
      assert.equal(after["POST /v1/sessions/authenticate"] - before["POST /v1/sessions/authenticate"], 0);
      const needsSecret = await rejection(api.authenticateRequest(new Request("https://app.example/"), { project_id: PROJECT_ID, custom_base_url: url, allow_session_token: true }));
      assert.equal(needsSecret.code, "invalid_argument");
    }],
    ["on_decision reports each call: operation, outcome, local or remote, memo, requests, time; never a token", async ({ api, url }) => {
      const { user, fresh } = await setup(url);
      const old = await control(url, "/__emulator/sessions", { user_id: user.user_id, iat_offset_seconds: -600 });
      const seen = [];
      const on_decision = (d) => seen.push(d);
      const options = { project_id: PROJECT_ID, custom_base_url: url, on_decision };
      // A port of its own: the memo and keys of earlier checks do not answer here.
      await api.verifyJwt(fresh.session_jwt, options);
      await api.verifyJwt(fresh.session_jwt, { ...options, on_decision: () => { throw new Error("a hook's error is not the call's"); } });
      const c = new api.Client({ ...options, secret: SECRET });
      await c.sessions.authenticateJwt({ session_jwt: old.session_jwt });
      await rejection(c.sessions.get({ user_id: "user-test-00000000-0000-4000-8000-00000000dead" }));
      await api.authenticateRequest(new Request("https://app.example/"), { ...options, secret: SECRET });
      const pick = (d) => [d.operation, d.ok, d.code, d.local, d.api_calls];
      assert.deepEqual(seen.map(pick), [
        ["verifyJwt", true, "ok", true, 0],
        ["sessions.authenticateJwt", true, "ok", false, 1],
        ["sessions.get", false, "user_not_found", false, 1],
        ["authenticateRequest", false, "no_session", true, 0],
      ]);
      for (const d of seen) {
        assert.equal(typeof d.elapsed_ms, "number");
        assert.equal(typeof d.memo, "boolean");
        for (const secret of [fresh.session_jwt, old.session_jwt, SECRET]) assert.ok(!JSON.stringify(d).includes(secret), "no token or secret");
      }
      const bad = await rejection(api.verifyJwt(fresh.session_jwt, { ...options, on_decision: "log" }));
      assert.equal(bad.code, "invalid_argument");
    }],
    ["B2B: verifyB2BJwt and B2BClient verify a member session JWT; an org role grants a check", async ({ api, url }) => {
      const { org, member, session } = await b2bSetup(url);
      const verified = await api.verifyB2BJwt(session.session_jwt, { project_id: PROJECT_ID, custom_base_url: url });
      assert.ok(isPlain(verified));
      assert.deepEqual([verified.member_id, verified.organization_id, verified.organization_slug], [member.member_id, org.organization_id, org.organization_slug]);
      assert.equal(verified.member_session_id, session.member_session.member_session_id);
      const c = new api.B2BClient({ project_id: PROJECT_ID, secret: SECRET, custom_base_url: url });
      const check = { organization_id: org.organization_id, resource_id: "billing", action: "refund" };
      const local = await c.sessions.authenticateJwt({ session_jwt: session.session_jwt, authorization_check: check });
      assert.equal(local.request_id, undefined, "verified locally");
      assert.deepEqual(local.verdict, { authorized: true, granting_roles: ["reader"] });
      const other = await rejection(c.sessions.authenticateJwtLocal({ session_jwt: session.session_jwt, authorization_check: { ...check, organization_id: "organization-test-other" } }));
      assert.ok(other instanceof api.ClientError);
      assert.equal(other.code, "tenancy_mismatch");
      // revoke's options narrow who it runs as: what is not an options object is refused, never dropped.
      for (const options of [5, "x", [], { authorisation: {} }]) {
        const bad = await rejection(c.sessions.revoke({ member_session_id: "member-session-test-none" }, options));
        assert.equal(bad.code, "invalid_argument", JSON.stringify(options));
      }
    }],
    ["B2B: authenticateB2BRequest admits a member session cookie and refuses another organization with 403", async ({ api, url }) => {
      const { org, session } = await b2bSetup(url);
      const options = { project_id: PROJECT_ID, secret: SECRET, custom_base_url: url, authorization_check: { organization_id: org.organization_id, resource_id: "documents", action: "read" } };
      const request = new Request("https://app.example/api", { headers: { cookie: `stytch_session_jwt=${session.session_jwt}` } });
      const admitted = await api.authenticateB2BRequest(request, options);
      assert.equal(admitted.ok, true);
      assert.equal(admitted.organization_id, org.organization_id);
      assert.equal(admitted.member_session.member_id, session.member_session.member_id);
      const refused = await api.authenticateB2BRequest(request, { ...options, authorization_check: { ...options.authorization_check, organization_id: "organization-test-other" } });
      assert.deepEqual([refused.ok, refused.status, refused.code], [false, 403, "tenancy_mismatch"]);
      assert.equal(refused.response().status, 403);
    }],
    ["B2B: each product's verifier refuses the other's JWT", async ({ api, url }) => {
      const { fresh } = await setup(url);
      const { session } = await b2bSetup(url);
      const asB2B = await rejection(api.verifyB2BJwt(fresh.session_jwt, { project_id: PROJECT_ID, custom_base_url: url }));
      const asConsumer = await rejection(api.verifyJwt(session.session_jwt, { project_id: PROJECT_ID, custom_base_url: url }));
      for (const err of [asB2B, asConsumer]) {
        assert.ok(err instanceof api.ClientError, `${err?.name}: ${err?.message}`);
        assert.equal(err.code, "jwks_no_matching_key");
      }
    }],
    ["bad options give a ClientError invalid_argument", async ({ api }) => {
      let err;
      try {
        new api.Client({ project_id: PROJECT_ID, secret: SECRET, custom_base_url: "http://example.com" });
      } catch (e) {
        err = e;
      }
      if (err === undefined) {
        err = await rejection(api.verifyJwt("a.b.c", { project_id: PROJECT_ID, custom_base_url: "http://example.com" }));
      }
      assert.ok(err instanceof api.ClientError, `ClientError, got ${err?.name}: ${err?.message}`);
      assert.equal(err.code, "invalid_argument");
      assert.ok(!String(err.message).includes(SECRET), "no secret in messages");
    }],
  ];
}

/** Print the moment of the first verification, once, for the runner's timing. */
export function firstVerifyReporter() {
  let done = false;
  return () => {
    if (!done) {
      done = true;
      console.log(`FIRST_VERIFY_AT=${Date.now()}`);
    }
  };
}
