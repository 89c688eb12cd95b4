/** Control interface (USAGE.md): faults, request counts, reset, CORS, the control routes' Host check, and robustness. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { request } from "node:http";
import { startEmulator } from "./index.mjs";
import { emulatorForFile, assertStytchError } from "./helpers.mjs";
import { API_ROUTES } from "./api.mjs";

let emu;
let c;
emulatorForFile(undefined, (started, client) => {
  [emu, c] = [started, client];
});

const JWKS_PATH = () => `/v1/sessions/jwks/${emu.projectId}`;
const fault = (body) => c.controlOk("POST", "/faults", body);

test("status faults answer Stytch-shaped errors", async () => {
  await fault({ path_prefix: "/v1/sessions/authenticate", status: 429 });
  assertStytchError(await c.authenticate({ session_token: "x" }), 429, "too_many_requests");
  assert.equal((await c.authenticate({ session_token: "x" }, { auth: false })).status, 429, "faults come before auth");
  await c.control("DELETE", "/faults");
  await fault({ path_prefix: "/v1/", status: 500 });
  const r500 = await c.jwks();
  assertStytchError(r500, 500, "internal_server_error");
  assert.match(r500.body.error_message, /support@stytch.com/);
  await c.control("DELETE", "/faults");
  await fault({ path_prefix: "/v1/sessions/jwks", status: 503 });
  assertStytchError(await c.jwks(), 503, "service_unavailable");
  await c.control("DELETE", "/faults");
  assert.equal((await c.jwks()).status, 200, "DELETE clears faults");
});

test("times limits a fault; method filters it", async () => {
  await fault({ path_prefix: "/v1/sessions/jwks", status: 503, times: 2 });
  assert.equal((await c.jwks()).status, 503);
  assert.equal((await c.jwks()).status, 503);
  assert.equal((await c.jwks()).status, 200);
  assert.deepEqual((await c.control("GET", "/faults")).body.faults, []);
  await fault({ method: "post", path_prefix: "/v1/sessions", status: 500 });
  assert.equal((await c.jwks()).status, 200, "GET not affected by a POST fault");
  assert.equal((await c.revoke({ session_id: "x" })).status, 500);
});

test("delay, malformed body and connection reset", async () => {
  await fault({ path_prefix: "/v1/sessions/jwks", delay_ms: 250, times: 1 });
  let t = Date.now();
  const delayed = await c.jwks();
  assert.ok(Date.now() - t >= 240, "delayed");
  assert.equal(delayed.status, 200, "a delay alone then answers normally");
  assert.deepEqual((await c.control("GET", "/faults")).body.faults, [], "times: 1 used up");
  t = Date.now();
  await c.jwks();
  assert.ok(Date.now() - t < 240, "no delay once used up");

  await fault({ path_prefix: "/v1/sessions/jwks", malformed_body: true, times: 1 });
  const bad = await c.jwks();
  assert.equal(bad.status, 200);
  assert.match(bad.headers.get("content-type"), /application\/json/);
  assert.equal(bad.body, undefined, "not parseable JSON");
  assert.throws(() => JSON.parse(bad.text));

  await fault({ path_prefix: "/v1/sessions/jwks", malformed_body: true, status: 502, times: 1 });
  const bad502 = await c.jwks();
  assert.equal(bad502.status, 502);
  assert.equal(bad502.body, undefined);

  await fault({ path_prefix: "/v1/sessions/jwks", reset_connection: true, times: 1 });
  await assert.rejects(c.jwks());
  assert.equal((await c.jwks()).status, 200, "server keeps serving after a reset");
});

test("faults are validated and never apply to control routes", async () => {
  assertStytchError(await c.control("POST", "/faults", { status: 500 }), 400, "bad_request");
  assertStytchError(await c.control("POST", "/faults", { path_prefix: "v1" }), 400, "bad_request");
  assertStytchError(await c.control("POST", "/faults", { path_prefix: "/", times: 0 }), 400, "bad_request");
  assertStytchError(await c.control("POST", "/faults", { path_prefix: "/", status: 1000 }), 400, "bad_request");
  await fault({ path_prefix: "/", status: 500 });
  assert.equal((await c.control("GET", "/requests")).status, 200);
  assert.equal((await c.call("GET", "/anything")).status, 500, "unknown API paths are faulted too");
});

test("request counts per route pattern; faults count, preflights don't", async () => {
  await c.control("POST", "/reset");
  // Every API route is listed, 0 when unused (the other products' routes are checked in their own tests).
  const listed = Object.keys((await c.control("GET", "/requests")).body);
  for (const r of API_ROUTES) assert.ok(listed.includes(r.key), r.key);
  const others = Object.fromEntries(listed.map((k) => [k, 0]));
  const zero = {
    ...others,
    "GET /v1/sessions/jwks/:project_id": 0,
    "POST /v1/sessions/authenticate": 0,
    "GET /v1/sessions": 0,
    "POST /v1/sessions/migrate": 0,
    "POST /v1/sessions/revoke": 0,
    "POST /v1/sessions/exchange_access_token": 0,
    "POST /v1/sessions/attest": 0,
    "GET /v1/rbac/policy": 0,
  };
  assert.deepEqual((await c.control("GET", "/requests")).body, zero);
  await c.jwks();
  await c.jwks("other-project");
  await c.authenticate({});
  await c.list("user-test-x");
  await c.migrate({});
  await c.revoke({}, { auth: false });
  await fault({ path_prefix: "/v1/sessions/revoke", status: 503, times: 1 });
  await c.revoke({});
  await c.call("POST", "/v1/sessions/exchange_access_token", {});
  await c.call("POST", "/v1/sessions/attest", {}, { auth: false });
  await c.call("POST", "/v1/sessions/attest", {});
  await fault({ path_prefix: "/v1/rbac/policy", status: 500, times: 1 });
  await c.call("GET", "/v1/rbac/policy");
  await c.call("GET", "/v1/rbac/policy");
  await c.call("GET", "/v1/rbac/policy");
  await c.call("POST", "/v1/rbac/policy");
  await c.call("OPTIONS", "/v1/sessions/authenticate", undefined, { auth: false });
  await c.call("GET", "/v1/nope");
  await c.call("PUT", "/v1/sessions/revoke");
  assert.deepEqual((await c.control("GET", "/requests")).body, {
    ...others,
    "GET /v1/sessions/jwks/:project_id": 2,
    "POST /v1/sessions/authenticate": 1,
    "GET /v1/sessions": 1,
    "POST /v1/sessions/migrate": 1,
    "POST /v1/sessions/revoke": 2,
    "POST /v1/sessions/exchange_access_token": 1,
    "POST /v1/sessions/attest": 2,
    "GET /v1/rbac/policy": 3,
  });
});

test("reset empties state, rotates to a fresh key, zeroes counts, clears faults", async () => {
  const user = await c.user({ email: "reset@example.com" });
  const { session_token } = await c.session({ user_id: user.user_id });
  await c.control("POST", "/external_tokens", { token: "t", email: "reset@example.com" });
  const kid = (await c.jwks()).body.keys[0].kid;
  await fault({ path_prefix: "/v1/sessions/migrate", status: 500 });
  const r = await c.control("POST", "/reset");
  assert.equal(r.status, 200);
  const counts = (await c.control("GET", "/requests")).body;
  assert.ok(Object.values(counts).every((n) => n === 0));
  const keys = (await c.jwks()).body.keys;
  assert.equal(keys.length, 1);
  assert.notEqual(keys[0].kid, kid);
  assertStytchError(await c.authenticate({ session_token }), 404, "session_not_found");
  assertStytchError(await c.list(user.user_id), 404, "user_not_found");
  assertStytchError(await c.migrate({ session_token: "t" }), 401, "invalid_external_session_token");
  assert.equal((await c.user({ email: "reset@example.com" })).emails[0].email, "reset@example.com");
});

test("CORS: on the API routes, preflight answers 204 and every answer allows any origin", async () => {
  for (const path of ["/v1/sessions/authenticate", JWKS_PATH(), "/nowhere"]) {
    const r = await fetch(emu.url + path, {
      method: "OPTIONS",
      headers: { origin: "http://localhost:3000", "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
    });
    assert.equal(r.status, 204);
    assert.equal(r.headers.get("access-control-allow-origin"), "*");
    assert.match(r.headers.get("access-control-allow-headers"), /Authorization/);
    assert.match(r.headers.get("access-control-allow-headers"), /Content-Type/);
    assert.match(r.headers.get("access-control-allow-methods"), /POST/);
    assert.match(r.headers.get("access-control-allow-methods"), /GET/);
  }
  for (const r of [await c.jwks(), await c.authenticate({}, { auth: false }), await c.call("GET", "/nowhere")]) {
    assert.equal(r.headers.get("access-control-allow-origin"), "*");
  }
});

test("CORS: the control routes send no CORS headers and refuse a preflight", async () => {
  const preflight = await fetch(`${emu.url}/__emulator/users`, {
    method: "OPTIONS",
    headers: { origin: "http://evil.example", "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
  });
  assert.equal(preflight.status, 405);
  await preflight.text();
  for (const r of [preflight, await c.control("GET", "/requests"), await c.control("POST", "/users", {}), await c.control("GET", "/nothing")]) {
    for (const name of ["access-control-allow-origin", "access-control-allow-headers", "access-control-allow-methods", "access-control-max-age"]) {
      assert.equal(r.headers.get(name), null, name);
    }
  }
});

test("CORS on the control routes with --control-cors: for a loopback Origin only, echoed", async () => {
  const local = await startEmulator({ controlCors: true });
  try {
    const preflight = (origin) =>
      fetch(`${local.url}/__emulator/users`, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
      });
    for (const origin of ["http://127.0.0.1:8000", "http://localhost:3000", "https://[::1]"]) {
      const r = await preflight(origin);
      await r.text();
      assert.equal(r.status, 204, origin);
      assert.equal(r.headers.get("access-control-allow-origin"), origin);
      const post = await fetch(`${local.url}/__emulator/users`, { method: "POST", headers: { origin, "content-type": "application/json" }, body: JSON.stringify({ email: `cors-${Math.random()}@example.com` }) });
      await post.text();
      assert.equal(post.status, 200);
      assert.equal(post.headers.get("access-control-allow-origin"), origin);
    }
    // A page from elsewhere (a DNS-rebinding one keeps its own name as its origin): no CORS.
    for (const origin of ["http://evil.example", "http://127.0.0.1.evil.example", "null", "http://localhost.evil.example:3000"]) {
      const r = await preflight(origin);
      await r.text();
      assert.equal(r.status, 405, origin);
      assert.equal(r.headers.get("access-control-allow-origin"), null, origin);
    }
  } finally {
    await local.close();
  }
});

/** A request with the given `Host` header (fetch cannot set one): `{status, body}`. */
function withHost(method, path, host, body) {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: emu.port, method, path, headers: { host } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode, body: JSON.parse(text), headers: res.headers }));
    });
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

test("the control routes answer only a loopback Host; the API routes any", async () => {
  const before = (await c.control("GET", "/requests")).body;
  const kept = await c.user({ email: "kept-through-refused-reset@example.com" });
  const port = emu.port;
  for (const host of ["evil.example", `evil.example:${port}`, "attacker.localhost", "localhost.evil.example", "127.0.0.1.evil.example", "128.0.0.1", "10.0.0.1", "[::2]", "[::ffff:127.0.0.1]", "127.0.0.256"]) {
    for (const [method, path, body] of [["POST", "/__emulator/users", { email: "rebind@example.com" }], ["POST", "/__emulator/reset", {}], ["GET", "/__emulator/requests"], ["GET", "/__emulator/nothing"]]) {
      const r = await withHost(method, path, host, body);
      assert.equal(r.status, 403, `${method} ${path} with Host ${JSON.stringify(host)}`);
      assert.equal(r.body.error_type, "control_host_not_loopback");
      assert.equal(r.headers["access-control-allow-origin"], undefined);
    }
  }
  // No Host at all (HTTP/1.0) or an empty one.
  for (const hostLine of ["", "Host: \r\n"]) {
    const raw = await new Promise((resolve, reject) => {
      const sock = connect(emu.port, "127.0.0.1", () => sock.write(`POST /__emulator/reset HTTP/1.0\r\n${hostLine}Content-Length: 2\r\n\r\n{}`));
      let data = "";
      sock.on("data", (d) => (data += d));
      sock.on("end", () => resolve(data));
      sock.on("error", reject);
    });
    assert.match(raw, /^HTTP\/1\.[01] 403/, JSON.stringify(hostLine));
  }
  // Nothing was done: no user was made, the state was not reset.
  assert.deepEqual((await c.control("GET", "/requests")).body, before);
  assert.equal((await c.control("POST", "/users", { email: "kept-through-refused-reset@example.com" })).status, 400, `${kept.user_id} is still there`);
  assert.equal((await c.control("POST", "/users", { email: "rebind@example.com" })).status, 200, "no user was made");
  for (const host of ["localhost", `localhost:${port}`, "LOCALHOST", "127.0.0.1", `127.0.0.1:${port}`, "127.1.2.3:80", "[::1]", `[::1]:${port}`]) {
    const r = await withHost("GET", "/__emulator/requests", host);
    assert.equal(r.status, 200, `Host ${host}`);
  }
  // The API routes are not the emulator's to guard: any Host reaches them.
  const jwks = await withHost("GET", JWKS_PATH(), "api.stytch.com");
  assert.equal(jwks.status, 200);
  assert.ok(jwks.body.keys.length >= 1);
});

test("bad inputs get 4xx Stytch errors and the server keeps serving", async () => {
  assertStytchError(await c.call("POST", "/v1/sessions/authenticate", "{not json"), 400, "bad_request");
  assertStytchError(await c.call("POST", "/v1/sessions/authenticate", "[1,2]"), 400, "bad_request");
  assertStytchError(await c.call("POST", "/v1/sessions/authenticate", '"str"'), 400, "bad_request");
  assertStytchError(await c.call("POST", "/__emulator/users", "{oops"), 400, "bad_request");
  const wrongMethod = await c.call("DELETE", "/v1/sessions/authenticate");
  assertStytchError(wrongMethod, 405, "method_not_allowed");
  assert.equal(wrongMethod.headers.get("allow"), "POST");
  assertStytchError(await c.call("POST", "/v1/sessions"), 405, "method_not_allowed");
  assertStytchError(await c.call("GET", "/__emulator/users"), 405, "method_not_allowed");
  assertStytchError(await c.call("GET", "/v1/users"), 404, "route_not_found");
  assertStytchError(await c.call("GET", "/__emulator/nothing"), 404, "route_not_found");
  assertStytchError(await c.call("GET", "/v1/sessions/jwks/"), 404, "route_not_found");
  const huge = JSON.stringify({ session_token: "x".repeat(2 * 1024 * 1024) });
  assertStytchError(await c.call("POST", "/v1/sessions/authenticate", huge), 413, "request_too_large");
  assertStytchError(await c.call("POST", "/__emulator/users", huge), 413, "request_too_large");

  const raw = await new Promise((resolve, reject) => {
    const sock = connect(emu.port, "127.0.0.1", () => sock.write("THIS IS NOT HTTP\r\n\r\n"));
    let data = "";
    sock.on("data", (d) => { data += d; });
    sock.on("end", () => resolve(data));
    sock.on("error", reject);
  });
  assert.match(raw, /^HTTP\/1\.1 400/);
  assert.equal((await c.jwks()).status, 200, "still serving");
});
