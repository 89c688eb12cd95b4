// Finding 10 of issue 22: bounds a user relies on.
// - `timeout_ms` above 2^31−1 is refused (it used to fire after ~1 ms);
// - a never-settling `fetch` keeps a Node process alive until the call's timeout settles it;
// - `project_id` "." or ".." is refused (it became a dot segment of the JWKS path);
// - the shipped emulator's control routes send no CORS headers and answer only a loopback Host.
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startEmulatorProcess } from "../lib/emulator.mjs";
import { PROJECT_ID, runNode, SECRET, settle, setup, world } from "./lib.mjs";

/** A raw HTTP request (any Host header): `{ status, headers, body }`. */
function raw(url, { method = "GET", headers = {}, body } = {}) {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, path: u.pathname, method, headers, timeout: 5000 }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: text }));
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end(body);
  });
}

describe("finding 10: timeout_ms, the process lifetime, dot segments and the emulator's control routes", () => {
  let api;
  let pkg;
  let w;
  let shipped;
  before(async () => {
    ({ api, pkg } = await setup());
    w = await world();
  });
  after(async () => {
    await shipped?.close();
    await w?.close();
  });

  test("finding 10: timeout_ms above 2^31−1 is invalid_argument in new Client, verifyJwt and authenticateRequest", async () => {
    const jwt = (await w.mint()).session_jwt;
    const request = () => new Request(`${w.url}/`, { headers: { Authorization: `Bearer ${jwt}` } });
    for (const timeout_ms of [2 ** 31, 2 ** 32 + 5, 1e12]) {
      for (const [call, fn] of [
        ["new Client", () => new api.Client(w.opts({ timeout_ms }))],
        ["verifyJwt", () => api.verifyJwt(jwt, { project_id: PROJECT_ID, custom_base_url: w.url, timeout_ms })],
        ["authenticateRequest", () => api.authenticateRequest(request(), w.opts({ timeout_ms }))],
      ]) {
        const r = await settle(fn);
        assert.equal(r.err?.code, "invalid_argument", `${call}, timeout_ms ${timeout_ms}: ${r.err ?? "accepted"}`);
      }
    }
    const ok = await settle(() => api.verifyJwt(jwt, { project_id: PROJECT_ID, custom_base_url: w.url, timeout_ms: 2 ** 31 - 1 }));
    assert.ok(!ok.err, `timeout_ms 2^31−1: ${ok.err}`);
  });

  test("finding 10: a fetch that never settles keeps the Node process alive until the call's timeout settles it", { timeout: 30_000 }, async () => {
    const r = await runNode(pkg, "hang-child.mjs", [w.url], { timeoutMs: 15_000 });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split("\n").filter(Boolean).sort();
    assert.equal(lines.length, 2, `the process exited with calls unsettled: ${JSON.stringify(r.stdout)}`);
    assert.equal(lines[0], "settled authenticate timeout");
    assert.match(lines[1], /^settled verifyJwt \w+$/);
  });

  test('finding 10: project_id "." and ".." are refused as path values', async () => {
    const jwt = (await w.mint()).session_jwt;
    const client = new api.Client(w.opts());
    await w.delta();
    const problems = [];
    for (const id of [".", ".."]) {
      const cases = [
        ["new Client", () => new api.Client({ project_id: id, secret: SECRET, custom_base_url: w.url })],
        ["verifyJwt", () => api.verifyJwt(jwt, { project_id: id, custom_base_url: w.url })],
        ["getJWKS", () => client.sessions.getJWKS({ project_id: id })],
      ];
      for (const [call, fn] of cases) {
        const r = await settle(fn);
        if (r.err?.code !== "invalid_argument") problems.push(`${call}, project_id ${JSON.stringify(id)}: ${r.err ? `${r.err.name} ${r.err.code}` : "accepted"}`);
      }
    }
    assert.deepEqual(problems, []);
    const d = await w.delta();
    assert.equal(Object.values(d).reduce((a, b) => a + b, 0), 0, "no request was made");
  });

  test("finding 10: the shipped emulator's control routes send no CORS headers and refuse a non-loopback Host", { timeout: 30_000 }, async () => {
    shipped = await startEmulatorProcess(join(pkg.dir, "node_modules/stytch-sessions-wasm/emulator/cli.mjs"));
    const { url } = shipped;
    const port = new URL(url).port;
    const origin = { Origin: "https://evil.example" };

    const read = await raw(`${url}/__emulator/requests`, { headers: origin });
    assert.equal(read.status, 200, read.body);
    assert.equal(read.headers["access-control-allow-origin"], undefined, "a control route answers with CORS");
    const preflight = await raw(`${url}/__emulator/faults`, { method: "OPTIONS", headers: { ...origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type" } });
    assert.equal(preflight.headers["access-control-allow-origin"], undefined, "a control route's preflight allows any origin");

    const body = JSON.stringify({ path_prefix: "/v1/sessions/", status: 500 });
    for (const host of ["evil.example", `evil.example:${port}`, `127.0.0.1.evil.example:${port}`, `localhost.evil.example:${port}`]) {
      const r = await raw(`${url}/__emulator/faults`, { method: "POST", headers: { Host: host, "Content-Type": "application/json" }, body });
      assert.ok(r.status >= 400 && r.status < 500, `Host ${host}: ${r.status} ${r.body}`);
    }
    const faults = await raw(`${url}/__emulator/faults`);
    assert.equal(faults.status, 200, faults.body);
    assert.deepEqual(JSON.parse(faults.body).faults ?? JSON.parse(faults.body), [], `a non-loopback Host added a fault: ${faults.body}`);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      const r = await raw(`${url}/__emulator/requests`, { headers: { Host: host } });
      assert.equal(r.status, 200, `loopback Host ${host}: ${r.status} ${r.body}`);
    }
  });
});
