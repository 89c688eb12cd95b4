#!/usr/bin/env node
// Runtime workerd-access: access-example/ (an API route gated by an M2M scope, an MCP-style
// endpoint gated by a Connected Apps token, the RFC 9728 metadata route) with the tarball
// npm-installed, type-checked (tsc), bundled by `wrangler deploy --dry-run` and run by Miniflare
// against the emulator. Asserts every route's answers, the challenges against RFC 6750 §3 and
// RFC 9728 §5.1, and the emulator's counts: repeated requests make no request to Stytch at all,
// the whole run one JWKS fetch and one policy fetch. Runnable alone:
// `node tests/js/package/run-workerd-access.mjs`.
import assert from "node:assert/strict";
import { join } from "node:path";
import { control, forge, PROJECT_ID, SECRET } from "../lib/emulator.mjs";
import { runtime } from "../lib/runtime.mjs";
import { ask, bundleWorker, prepareWorkerProject, startWorker, typecheck } from "../lib/worker.mjs";

const toolsDir = new URL("..", import.meta.url).pathname; // tests/js: tsc, wrangler, workers-types
const JWKS = "GET /v1/sessions/jwks/:project_id";
const POLICY = "GET /v1/rbac/policy";
const REPORTS = [{ id: "2026-q1", title: "Revenue, first quarter 2026" }]; // access-example/src/index.ts

await runtime("workerd-access", async (t) => {
  const dir = join(t.work, "access");
  const installMs = await prepareWorkerProject(t.root, t.tarball(), dir, "access-example");
  t.say(`access-example installed in ${installMs.toFixed(0)} ms`);
  const emulator = await t.emulator(join(dir, "node_modules/.bin/stytch-sessions-emulator"));
  await t.test("access-example type-checks (tsc --noEmit)", async () => {
    const tc = await typecheck(dir);
    assert.equal(tc.code, 0, `tsc --noEmit (access-example) failed:\n${tc.stdout}${tc.stderr}`);
  });
  const bundle = await bundleWorker(dir);
  t.say(`wrangler deploy --dry-run --outdir: ${bundle.files.join(" + ")} = ${bundle.raw} bytes, ${bundle.gzip} gzip`);

  // The callers: M2M clients with their tokens from the real token endpoint, and an app a user
  // authorized (Connected Apps), with the policy's scopes that /mcp's check is judged against.
  const emu = control(emulator.url);
  await emu.putPolicy({
    resources: [{ resource_id: "documents", actions: ["read", "write"] }],
    scopes: [
      { scope: "read:documents", permissions: [{ resource_id: "documents", actions: ["read"] }] },
      { scope: "write:documents", permissions: [{ resource_id: "documents", actions: ["write"] }] },
    ],
  });
  const m2m = async (scopes) => {
    const client = await emu.createM2MClient({ scopes });
    const res = await fetch(`${emulator.url}/v1/public/${PROJECT_ID}/oauth2/token`, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: client.client_id, client_secret: client.client_secret }),
      signal: AbortSignal.timeout(5000),
    });
    assert.equal(res.status, 200, "the emulator's token endpoint");
    return { client_id: client.client_id, token: (await res.json()).access_token };
  };
  const reader = await m2m(["read:reports", "write:reports"]);
  const wildcard = await m2m(["read:*"]);
  const outsider = await m2m(["read:invoices"]);
  const user = await emu.createUser({ email: `mcp-${Date.now()}@example.com`, name: "Ada Lovelace" });
  const app = await emu.createConnectedAppClient({ client_name: "An MCP client" });
  const connected = async (scopes) => (await emu.mintConnectedAppToken({ user_id: user.user_id, client_id: app.client_id, scopes })).access_token;
  const docsReader = await connected(["openid", "read:documents"]);
  const docsWriter = await connected(["write:documents"]);
  const { session_jwt } = await emu.createSession({ user_id: user.user_id });

  const vars = { STYTCH_PROJECT_ID: PROJECT_ID, STYTCH_SECRET: SECRET, STYTCH_BASE_URL: emulator.url };
  const worker = await startWorker(bundle, vars);
  t.defer(() => worker.dispose());
  const base = worker.url;
  const METADATA = `${base}/.well-known/oauth-protected-resource`;
  const mark = await emu.requests(); // every request to Stytch from here on is the worker's
  const bearer = (token) => (token ? { Authorization: `Bearer ${token}` } : {});
  const reports = (token) => ask(`${base}/api/reports`, { headers: bearer(token) });
  const rpc = (token, message) =>
    ask(`${base}/mcp`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream", ...bearer(token) },
      body: JSON.stringify(message),
    });
  /** A refusal: its status, JSON body and challenge parameters (RFC 6750 §3 checked). */
  const refused = (r, status, body, params) => {
    assert.equal(r.status, status, r.text);
    assert.deepEqual(r.body, body);
    assert.equal(r.headers.get("cache-control"), "no-store");
    assert.deepEqual(challenge(r.headers.get("www-authenticate")), { ...params, resource_metadata: METADATA });
  };
  const invalidToken = (code) => ({ error: "invalid_token", error_description: code });

  await t.test("metadata: GET /.well-known/oauth-protected-resource (RFC 9728 §2, §3.3)", async () => {
    const r = await ask(METADATA);
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get("content-type"), /^application\/json/);
    assert.deepEqual(r.body, {
      resource: base, // §3.3: the resource the metadata URL was built from
      authorization_servers: [emulator.url], // STYTCH_BASE_URL, as STYTCH_AUTHORIZATION_SERVER is unset
      scopes_supported: ["read:documents", "read:reports"],
      resource_name: "Reports and documents",
      bearer_methods_supported: ["header"],
    });
  });

  // GET /api/reports: M2M tokens, `required_scopes: ["read:reports"]`.
  await t.test("/api/reports, no token: 401, a challenge without an error code (RFC 6750 §3.1)", async () => {
    refused(await reports(), 401, { error: "unauthorized", code: "no_token" }, {});
  });
  await t.test("/api/reports, M2M token with read:reports: 200 with its client_id", async () => {
    const r = await reports(reader.token);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { client_id: reader.client_id, reports: REPORTS });
  });
  await t.test("/api/reports, M2M token with read:* (a wildcard resource): 200", async () => {
    const r = await reports(wildcard.token);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.client_id, wildcard.client_id);
  });
  await t.test("/api/reports, M2M token without read:reports: 403 insufficient_scope naming the scope", async () => {
    const params = { error: "insufficient_scope", error_description: "missing_scopes", scope: "read:reports" };
    refused(await reports(outsider.token), 403, { error: "insufficient_scope", code: "missing_scopes" }, params);
  });
  await t.test("/api/reports, garbage and forged tokens: 401 invalid_token", async () => {
    refused(await reports("not-a-jwt"), 401, { error: "invalid_token", code: "jwt_invalid" }, invalidToken("jwt_invalid"));
    const code = "jwt_signature_invalid";
    refused(await reports(forge(reader.token)), 401, { error: "invalid_token", code }, invalidToken(code));
  });
  await t.test("/api/reports, a Connected Apps token or a session JWT: 401 invalid_token", async () => {
    for (const token of [docsReader, session_jwt]) refused(await reports(token), 401, { error: "invalid_token", code: "jwt_invalid" }, invalidToken("jwt_invalid"));
  });

  // POST /mcp: Connected Apps tokens, `authorization_check: {resource_id: "documents", action: "read"}`.
  await t.test("/mcp, no token: 401 naming the metadata (how an MCP client finds the server)", async () => {
    refused(await rpc(undefined, { jsonrpc: "2.0", id: 1, method: "tools/list" }), 401, { error: "unauthorized", code: "no_token" }, {});
    const get = await ask(`${base}/mcp`);
    assert.equal(get.status, 405, "GET /mcp (no event stream)");
    assert.equal(get.headers.get("allow"), "POST");
  });
  await t.test("/mcp, Connected Apps token granting documents:read: JSON-RPC answers", async () => {
    const list = await rpc(docsReader, { jsonrpc: "2.0", id: 1, method: "tools/list" });
    assert.equal(list.status, 200, list.text);
    assert.equal(list.body.jsonrpc, "2.0");
    assert.equal(list.body.id, 1);
    assert.deepEqual(list.body.result.tools.map((tool) => tool.name), ["whoami"]);
    const call = await rpc(docsReader, { jsonrpc: "2.0", id: "2", method: "tools/call", params: { name: "whoami", arguments: {} } });
    assert.equal(call.status, 200, call.text);
    assert.equal(call.body.id, "2");
    assert.deepEqual(call.body.result.structuredContent, { subject: user.user_id, scope: "openid read:documents" });
    const note = await rpc(docsReader, { jsonrpc: "2.0", method: "notifications/initialized" });
    assert.equal(note.status, 202, "a notification");
    const unknown = await rpc(docsReader, { jsonrpc: "2.0", id: 3, method: "resources/list" });
    assert.deepEqual(unknown.body, { jsonrpc: "2.0", id: 3, error: { code: -32601, message: "Method not found" } });
  });
  await t.test("/mcp, Connected Apps token whose scopes do not grant documents:read: 403", async () => {
    const params = { error: "insufficient_scope", error_description: "invalid_permissions" };
    refused(await rpc(docsWriter, { jsonrpc: "2.0", id: 1, method: "tools/list" }), 403, { error: "insufficient_scope", code: "invalid_permissions" }, params);
  });
  await t.test("/mcp, an M2M token or a session JWT: 401 invalid_token", async () => {
    for (const token of [reader.token, session_jwt]) {
      refused(await rpc(token, { jsonrpc: "2.0", id: 1, method: "tools/list" }), 401, { error: "invalid_token", code: "jwt_invalid" }, invalidToken("jwt_invalid"));
    }
  });

  const ROUNDS = 1000;
  await t.test(`${ROUNDS} more requests to each route: no request to Stytch`, async () => {
    const before = await emu.requests();
    for (let i = 0; i < ROUNDS; i++) {
      const [a, b] = await Promise.all([reports(reader.token), rpc(docsReader, { jsonrpc: "2.0", id: i, method: "tools/list" })]);
      assert.equal(a.status, 200, a.text);
      assert.equal(b.status, 200, b.text);
    }
    assert.deepEqual(requestsSince(before, await emu.requests()), {});
  });
  let whole = {};
  await t.test("the whole run: 1 JWKS fetch, 1 policy fetch, nothing else", async () => {
    whole = requestsSince(mark, await emu.requests());
    assert.deepEqual(whole, { [JWKS]: 1, [POLICY]: 1 });
  });

  await t.test("a cold isolate while the JWKS cannot be had: 503, no challenge", async () => {
    const cold = await startWorker(bundle, vars); // its own, empty KV namespace
    try {
      await emu.fault({ path_prefix: "/v1/sessions/jwks", status: 503 });
      const r = await ask(`${cold.url}/api/reports`, { headers: bearer(reader.token) });
      assert.equal(r.status, 503, r.text);
      assert.deepEqual(r.body, { error: "unavailable", code: "service_unavailable" });
      assert.equal(r.headers.get("www-authenticate"), null, "RFC 6750 challenges are for 401 and 403");
    } finally {
      await emu.clearFaults();
      await cold.dispose();
    }
  });
  const asked = Object.entries(whole).map(([route, n]) => `${n} ${route}`).join(", ") || "none";
  return { note: `worker bundle ${bundle.raw} B, ${bundle.gzip} B gzip; requests to Stytch in the whole run: ${asked}` };
});


/**
 * The parameters of a `WWW-Authenticate` header, `{name: value}`, after checking it is one
 * challenge as RFC 6750 §3 writes it: `Bearer`, then `name="value"` auth-params (RFC 9110
 * §11.2) separated by ", ", none twice; `error` one of §3.1's codes; `error_description` and
 * `scope` in §3's character sets (NQSCHAR; scope tokens separated by one space).
 */
function challenge(header) {
  const m = /^Bearer(?: (.*))?$/.exec(header ?? "");
  assert.ok(m, `not a Bearer challenge: ${header}`);
  const params = {};
  const param = /([!#$%&'*+.^_`|~0-9A-Za-z-]+)="([^"\\]*)"(, |$)/y;
  const rest = m[1] ?? "";
  while (param.lastIndex < rest.length) {
    const p = param.exec(rest);
    assert.ok(p && (p[3] === ", ") === (param.lastIndex < rest.length), `bad auth-param in ${header}`);
    assert.ok(!(p[1] in params), `${p[1]} twice in ${header}`);
    params[p[1]] = p[2];
  }
  if ("error" in params) assert.match(params.error, /^(invalid_request|invalid_token|insufficient_scope)$/);
  if ("error_description" in params) assert.match(params.error_description, /^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/);
  if ("scope" in params) assert.match(params.scope, /^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/);
  return params;
}

/** Request counts since `from` (two `GET /__emulator/requests` snapshots), only the routes asked. */
function requestsSince(from, to) {
  return Object.fromEntries(Object.keys(to).map((k) => [k, to[k] - (from[k] ?? 0)]).filter(([, n]) => n !== 0));
}
