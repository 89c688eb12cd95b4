// The worker example (worker-example/src/index.ts, built from the packed package) in workerd:
// every case of authenticateRequest over HTTP (docs/rules.md, "Gating a request"), the action
// route (docs/rules.md, "Authorization checks") and the API calls each one costs.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { AUTH, emulator, exampleBundle, forge, JWKS, POLICY, refusal, SET_COOKIE, workers } from "./lib.mjs";

const POLICY_BODY = {
  roles: [
    { role_id: "viewer", permissions: [{ resource_id: "documents", actions: ["read"] }] },
    { role_id: "editor", permissions: [{ resource_id: "documents", actions: ["read", "write"] }] },
  ],
};
const bearer = (jwt) => ({ Authorization: `Bearer ${jwt}` });
const cookie = (jwt) => ({ Cookie: `theme=dark; stytch_session_jwt=${jwt}` });

describe("the worker example in workerd: authenticateRequest", () => {
  let emu;
  let bundle;
  let w; // one isolate, warmed by the first request
  let viewer;
  let editor;
  const mint = async (user, extra = {}) => emu.ctl.createSession({ user_id: user.user_id, ...extra });
  const get = (headers, path = "/dashboard") => w.fetch("example", path, { headers });
  /** `fn()` and the API calls it caused. */
  const counted = async (fn) => {
    await emu.delta();
    const r = await fn();
    return { r, d: await emu.delta() };
  };

  before(async () => {
    bundle = await exampleBundle();
    emu = await emulator();
    await emu.ctl.putPolicy(POLICY_BODY);
    viewer = await emu.ctl.createUser({ email: "viewer@example.com", roles: ["viewer"] });
    editor = await emu.ctl.createUser({ email: "editor@example.com", roles: ["editor"] });
    w = await workers(bundle, emu.vars, [{ name: "example", kv: "jwks-main" }]);
  });
  after(async () => {
    await w?.dispose();
    await emu?.close();
  });

  test("the public route needs no session", async () => {
    const { r, d } = await counted(() => get({}, "/public"));
    assert.deepEqual([r.status, r.body], [200, { ok: true, public: true }]);
    assert.equal(d[AUTH] + d[JWKS], 0);
  });

  test("no token → 401 no_session", async () => {
    for (const headers of [{}, { Cookie: "theme=dark" }, { Authorization: "Basic eHg6eXk=" }]) {
      const { r, d } = await counted(() => get(headers));
      assert.deepEqual(refusal(r, 401, "no_session"), []);
      assert.equal(d[AUTH], 0);
    }
  });

  test("a fresh JWT as Bearer, in the cookie, and both (the Bearer wins) → let in locally", async () => {
    const a = await mint(viewer);
    const b = await mint(editor);
    for (const [headers, user] of [[bearer(a.session_jwt), viewer], [cookie(a.session_jwt), viewer], [{ ...bearer(b.session_jwt), ...cookie(a.session_jwt) }, editor]]) {
      const { r, d } = await counted(() => get(headers));
      assert.equal(r.status, 200, r.text);
      assert.deepEqual([r.body.user_id, r.body.remote, r.setCookie], [user.user_id, false, null]);
      assert.equal(r.headers.get("cache-control"), "no-store");
      assert.equal(d[AUTH], 0);
    }
    const forged = forge(a.session_jwt);
    assert.deepEqual(refusal(await get({ ...bearer(forged), ...cookie(b.session_jwt) }), 401, "jwt_signature_invalid", [forged]), [], "a bad Bearer is not rescued by the cookie");
  });

  test("malformed → 401 jwt_invalid; forged → 401 jwt_signature_invalid; no API call", async () => {
    for (const headers of [bearer("abc"), { Authorization: "Bearer " }, cookie("x.y")]) {
      const { r, d } = await counted(() => get(headers));
      assert.deepEqual(refusal(r, 401, "jwt_invalid"), [], JSON.stringify(headers));
      assert.equal(d[AUTH], 0);
    }
    const forged = forge((await mint(viewer)).session_jwt);
    for (const headers of [bearer(forged), cookie(forged)]) {
      const { r, d } = await counted(() => get(headers));
      assert.deepEqual(refusal(r, 401, "jwt_signature_invalid", [forged]), []);
      assert.equal(d[AUTH], 0);
    }
  });

  test("an expired JWT of a live session → 200 via the API with the new JWT as Set-Cookie; revoked → 401", async () => {
    const old = await mint(viewer, { iat_offset_seconds: -600 });
    const { r, d } = await counted(() => get(cookie(old.session_jwt)));
    assert.equal(r.status, 200, r.text);
    assert.deepEqual([r.body.user_id, r.body.session_id, r.body.remote], [viewer.user_id, old.session.session_id, true]);
    assert.match(r.setCookie ?? "", SET_COOKIE);
    assert.notEqual(r.setCookie.split(";")[0], `stytch_session_jwt=${old.session_jwt}`);
    assert.equal(d[AUTH], 1);
    // The refreshed cookie is let in locally.
    const again = await get({ Cookie: r.setCookie.split(";")[0] });
    assert.deepEqual([again.status, again.body.remote], [200, false]);

    const revoked = await mint(viewer, { iat_offset_seconds: -600 });
    await emu.ctl.revokeViaApi({ session_id: revoked.session.session_id });
    const { r: r2, d: d2 } = await counted(() => get(bearer(revoked.session_jwt)));
    assert.deepEqual(refusal(r2, 401, "session_not_found", [revoked.session_jwt]), []);
    assert.equal(d2[AUTH], 1);
  });

  test("Stytch down (500) or 429 for an expired JWT → 503", async () => {
    const old = await mint(viewer, { iat_offset_seconds: -600 });
    try {
      for (const [status, code] of [[500, "internal_server_error"], [503, "service_unavailable"], [429, "too_many_requests"]]) {
        await emu.ctl.clearFaults();
        await emu.ctl.fault({ path_prefix: "/v1/sessions/authenticate", status, times: 1 });
        const { r, d } = await counted(() => get(bearer(old.session_jwt)));
        assert.deepEqual(refusal(r, 503, code, [old.session_jwt]), [], `fault ${status}`);
        assert.equal(d[AUTH], 1);
      }
    } finally {
      await emu.ctl.clearFaults();
    }
  });

  test("a cold isolate with Stytch down (JWKS and API 500) → 503", async () => {
    const cold = await workers(bundle, emu.vars, [{ name: "example", kv: "jwks-cold" }]);
    try {
      const fresh = await mint(viewer);
      await emu.ctl.fault({ path_prefix: "/v1/sessions/", status: 500 });
      await emu.delta();
      const r = await cold.fetch("example", "/dashboard", { headers: bearer(fresh.session_jwt) });
      const d = await emu.delta();
      assert.deepEqual(refusal(r, 503, "internal_server_error", [fresh.session_jwt]), []);
      assert.ok(d[JWKS] >= 1);
      assert.equal(d[AUTH], 1);
    } finally {
      await emu.ctl.clearFaults();
      await cold.dispose();
    }
  });

  test("POST /documents needs write on documents: viewer → 403, editor → 200 with the verdict", async () => {
    const v = await mint(viewer);
    const e = await mint(editor);
    const { r, d } = await counted(() => w.fetch("example", "/documents", { method: "POST", headers: bearer(v.session_jwt) }));
    assert.deepEqual(refusal(r, 403, "consumer_session_authorization_error", [v.session_jwt]), []);
    assert.equal(d[AUTH], 1, "a local denial asks the API once");
    const { r: ok, d: d2 } = await counted(() => w.fetch("example", "/documents", { method: "POST", headers: cookie(e.session_jwt) }));
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.body.verdict, { authorized: true, granting_roles: ["editor"] });
    assert.equal(d2[AUTH], 0);
    // GET /documents needs a session only.
    const read = await get(bearer(v.session_jwt), "/documents");
    assert.deepEqual([read.status, read.body.verdict], [200, undefined]);
  });

  test("1,000 allowed checks on a cold isolate → 1 policy fetch, 0 session calls", { timeout: 120_000 }, async () => {
    const cold = await workers(bundle, emu.vars, [{ name: "example", kv: "jwks-rbac" }]);
    try {
      const tokens = [];
      for (let i = 0; i < 20; i++) tokens.push((await mint(editor)).session_jwt);
      await emu.delta();
      let next = 0;
      const statuses = {};
      await Promise.all(
        Array.from({ length: 50 }, async () => {
          while (next < 1000) {
            const i = next++;
            const r = await cold.fetch("example", "/documents", { method: "POST", headers: bearer(tokens[i % tokens.length]) });
            const k = `${r.status} ${r.body.verdict?.granting_roles?.join(",")}`;
            statuses[k] = (statuses[k] ?? 0) + 1;
          }
        }),
      );
      const d = await emu.delta();
      assert.deepEqual(statuses, { "200 editor": 1000 });
      assert.deepEqual({ policy: d[POLICY], session: d[AUTH], jwks: d[JWKS] }, { policy: 1, session: 0, jwks: 1 });
      process.stdout.write(`# 1,000 allowed checks in a cold isolate: ${d[POLICY]} policy fetch, ${d[AUTH]} session calls, ${d[JWKS]} JWKS fetch\n`);
    } finally {
      await cold.dispose();
    }
  });
});
