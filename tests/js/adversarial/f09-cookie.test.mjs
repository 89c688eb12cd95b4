// Finding 9 of issue 22: the refresh cookie. A `Set-Cookie` only when the JWT came from the cookie
// (unless `set_cookie_for_bearer`), `cookie_http_only` and `cookie_domain` options, and
// `Cache-Control: private, no-store` on any success `headers` that carry a `Set-Cookie`.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { settle, setup, world } from "./lib.mjs";

/** A Set-Cookie with its JWT left out, for assertion messages. */
const shown = (c) => String(c).replace(/=[\w-]+\.[\w-]+\.[\w-]+/, "=<jwt>");
const SET_COOKIE = /^stytch_session_jwt=[\w-]+\.[\w-]+\.[\w-]+; Path=\/; Max-Age=\d+; Secure; SameSite=Lax$/;

describe("finding 9: the refresh cookie", () => {
  let api;
  let w;
  before(async () => {
    ({ api } = await setup());
    w = await world();
  });
  after(async () => {
    await w?.close();
  });
  /** authenticateRequest of an old JWT (the API mints a new one) sent as `how`. */
  const gate = async (how, extra = {}) => {
    const jwt = (await w.mint({ iat_offset_seconds: -600 })).session_jwt;
    const headers = how === "bearer" ? { Authorization: `Bearer ${jwt}` } : { Cookie: `theme=dark; stytch_session_jwt=${jwt}` };
    return api.authenticateRequest(new Request(`${w.url}/app`, { headers }), w.opts(extra));
  };

  test("finding 9: a JWT sent as Authorization: Bearer gets no Set-Cookie (a Bearer client does not become cookie auth)", async () => {
    const r = await gate("bearer");
    assert.equal(r.ok, true, r.code);
    assert.notEqual(r.session_jwt, undefined);
    assert.equal(shown(r.headers.get("set-cookie")), "null", "a Set-Cookie for a Bearer credential");
  });

  test("finding 9: a refreshed cookie comes with Cache-Control: private, no-store", async () => {
    const r = await gate("cookie");
    assert.equal(r.ok, true, r.code);
    assert.match(r.headers.get("set-cookie") ?? "", SET_COOKIE, shown(r.headers.get("set-cookie")));
    assert.equal(r.headers.get("cache-control"), "private, no-store");
  });

  test("finding 9: cookie_http_only, cookie_domain and set_cookie_for_bearer", async () => {
    const a = await gate("cookie", { cookie_http_only: true, cookie_domain: "example.com" });
    assert.equal(a.ok, true, a.code);
    const cookie = a.headers.get("set-cookie") ?? "";
    assert.match(cookie, /; HttpOnly(;|$)/, shown(cookie));
    assert.match(cookie, /; Domain=example\.com(;|$)/, shown(cookie));
    assert.match(cookie, /; Secure(;|$)/, shown(cookie));

    const b = await gate("bearer", { set_cookie_for_bearer: true });
    assert.equal(b.ok, true, b.code);
    assert.match(b.headers.get("set-cookie") ?? "", SET_COOKIE, shown(b.headers.get("set-cookie")));
    assert.equal(b.headers.get("cache-control"), "private, no-store");
  });

  test("finding 9: bad cookie options are refused (invalid_argument)", async () => {
    for (const extra of [{ cookie_domain: "example.com; SameSite=None" }, { cookie_domain: "exa mple.com" }, { cookie_domain: 42 }, { cookie_http_only: "yes" }, { set_cookie_for_bearer: 1 }]) {
      const r = await settle(() => gate("cookie", extra));
      assert.equal(r.err?.code, "invalid_argument", `${JSON.stringify(extra)}: ${r.err ?? "accepted"}`);
    }
  });
});
