/** Shared helpers for the emulator's own tests (not a test file itself). */
import { before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { startEmulator } from "./index.mjs";

/** The claim holding the session in a session JWT. */
export const SESSION_CLAIM = "https://stytch.com/session";

/** Unix seconds as the emulator writes a time: RFC 3339 UTC with whole seconds. */
export const rfc = (sec) => new Date(sec * 1000).toISOString().replace(".000Z", "Z");

/** A B2B project policy: `reader` reads documents, `admin` does anything to them. */
export const B2B_POLICY = {
  roles: [
    { role_id: "reader", description: "", permissions: [{ resource_id: "documents", actions: ["read"] }] },
    { role_id: "admin", description: "", permissions: [{ resource_id: "documents", actions: ["*"] }] },
  ],
  resources: [{ resource_id: "documents", description: "", actions: ["read", "write", "delete"] }],
  scopes: [],
};

/** An organization's own roles: `org-writer` writes documents. */
export const ORG_ROLES = [{ role_id: "org-writer", description: "", permissions: [{ resource_id: "documents", actions: ["write"] }] }];

/**
 * One emulator for a test file: started before its tests with `options` (e.g. a fake `now`),
 * closed after them, its faults cleared before each test. `started(emu, c)` receives it and its
 * `clientFor` client once it runs.
 */
export function emulatorForFile(options, started) {
  let emu;
  let c;
  before(async () => {
    emu = await startEmulator(options);
    c = clientFor(emu);
    started(emu, c);
  });
  after(() => emu.close());
  beforeEach(async () => {
    assert.equal((await c.control("DELETE", "/faults")).status, 200);
  });
}

/** A tiny HTTP client bound to one emulator. */
export function clientFor(emu) {
  const basic = `Basic ${Buffer.from(`${emu.projectId}:${emu.secret}`).toString("base64")}`;

  /** Call any route; returns `{status, body (parsed or undefined), text, headers}`. */
  async function call(method, path, body, { auth = true, headers = {} } = {}) {
    const h = { ...headers };
    if (auth === true) h.authorization = basic;
    else if (typeof auth === "string") h.authorization = auth;
    if (body !== undefined) h["content-type"] = "application/json";
    const res = await fetch(emu.url + path, {
      method,
      headers: h,
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json;
    try { json = JSON.parse(text); } catch { json = undefined; }
    return { status: res.status, body: json, text, headers: res.headers };
  }

  /** Call a control route (`/__emulator${path}`, no auth); `{status, body, text, headers}`. */
  const control = (method, path, body) => call(method, `/__emulator${path}`, body, { auth: false });

  /** Call a control route, assert it answered 200, and return its body. */
  async function controlOk(method, path, body) {
    const r = await control(method, path, body);
    assert.equal(r.status, 200, r.text);
    return r.body;
  }

  return {
    call,
    control,
    controlOk,
    /** Create a user through the control route; returns the User object. */
    user: (body = {}) => controlOk("POST", "/users", body),
    /** Create a session through the control route; returns `{session_token, session_jwt, session}`. */
    session: (body) => controlOk("POST", "/sessions", body),
    authenticate: (body, opts) => call("POST", "/v1/sessions/authenticate", body, opts),
    revoke: (body, opts) => call("POST", "/v1/sessions/revoke", body, opts),
    migrate: (body, opts) => call("POST", "/v1/sessions/migrate", body, opts),
    list: (userId, opts) => call("GET", `/v1/sessions?user_id=${encodeURIComponent(userId)}`, undefined, opts),
    jwks: (projectId = emu.projectId, opts = { auth: false }) =>
      call("GET", `/v1/sessions/jwks/${encodeURIComponent(projectId)}`, undefined, opts),
  };
}

/** Split a compact JWT into its decoded parts. */
export function decodeJwt(jwt) {
  const [h, p, s] = jwt.split(".");
  return {
    header: JSON.parse(Buffer.from(h, "base64url").toString()),
    payload: JSON.parse(Buffer.from(p, "base64url").toString()),
    headerText: Buffer.from(h, "base64url").toString(),
    signingInput: `${h}.${p}`,
    signature: Buffer.from(s, "base64url"),
  };
}

/** Assert a Stytch-shaped error answer. */
export function assertStytchError(res, status, type) {
  assert.equal(res.status, status, res.text);
  assert.deepEqual(Object.keys(res.body).sort(), ["error_message", "error_type", "error_url", "request_id", "status_code"]);
  assert.equal(res.body.status_code, status);
  assert.equal(res.body.error_type, type);
  assert.match(res.body.request_id, UUID_ID("request-id-test"));
  assert.equal(typeof res.body.error_message, "string");
  assert.equal(res.body.error_url, `https://stytch.com/docs/api/errors/${status}#${type}`);
}

/** A regex for `<prefix>-<uuid>`. */
export const UUID_ID = (prefix) =>
  new RegExp(`^${prefix}-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`);

/** RFC 3339 UTC with whole seconds, e.g. `2026-11-27T11:10:30Z`. */
export const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
