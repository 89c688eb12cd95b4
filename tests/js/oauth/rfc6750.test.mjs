// The access-token gate's refusals against RFC 6750 §3 and RFC 9728 §5.1, and the protected
// resource metadata against RFC 9728 §2-3 (issue 25), in Node and in workerd: one test Worker
// (access-worker.js, over the installed tarball) imported as it is in Node, and bundled by
// wrangler and run by Miniflare in workerd, both against the same emulators.
//
// Each WWW-Authenticate header is read by a strict parser: the auth-scheme "Bearer", then
// comma-separated auth-params `name="quoted-string"` (RFC 9110 §11.2, RFC 6750 §3), no name twice,
// values in the characters RFC 6750 §3 allows.
//
//   ./scripts/build && node --test tests/js/oauth/rfc6750.test.mjs
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, test } from "node:test";
import { installedPackage } from "../lib/package-install.mjs";
import { builtTestWorker } from "../lib/worker-run.mjs";
import { startWorker } from "../lib/worker.mjs";
import { emulator, forge, m2mToken, people, PROJECT_ID, root, SECRET } from "./lib.mjs";

const WORKER = new URL("./access-worker.js", import.meta.url).pathname;
const RESOURCE = "https://mcp.example.com/mcp";
// RFC 9728 §3.1: the well-known path goes between the host and the resource's path.
const METADATA_URL = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp";
const AUTHORIZATION_SERVER = "https://login.example.com";
const SCOPES_SUPPORTED = ["read:users", "write:users", "read:docs"];
const MARKER = "leak-marker"; // access-worker.js puts it in every bad option's value

// ---------------------------------------------------------------------------------------------
// A strict reader of a WWW-Authenticate challenge
// ---------------------------------------------------------------------------------------------

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/; // RFC 9110 §5.6.2 token
const QUOTED = /^"((?:[\t\x20\x21\x23-\x5b\x5d-\x7e\x80-\xff]|\\[\t\x20-\x7e\x80-\xff])*)"/; // §5.6.4
const NQSCHAR = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/; // RFC 6750 §3: error, error_description
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+(?: [\x21\x23-\x5b\x5d-\x7e]+)*$/; // RFC 6750 §3 / RFC 6749 §3.3

/** `{ scheme, params }` of one challenge, or throws saying where it is malformed. */
function parseChallenge(header) {
  const scheme = TOKEN.exec(header)?.[0];
  if (!scheme) throw new Error(`no auth-scheme in ${JSON.stringify(header)}`);
  let rest = header.slice(scheme.length);
  const params = {};
  if (rest === "") return { scheme, params };
  if (!/^ +/.test(rest)) throw new Error(`no SP after the auth-scheme in ${JSON.stringify(header)}`);
  rest = rest.replace(/^ +/, "");
  for (;;) {
    const name = TOKEN.exec(rest)?.[0];
    if (!name) throw new Error(`no auth-param name at ${JSON.stringify(rest)}`);
    rest = rest.slice(name.length);
    if (rest[0] !== "=") throw new Error(`${name}: no "=" (BWS is not used here)`);
    const quoted = QUOTED.exec(rest.slice(1));
    if (!quoted) throw new Error(`${name}: not a quoted-string at ${JSON.stringify(rest)}`);
    const key = name.toLowerCase();
    if (key in params) throw new Error(`${name} twice (RFC 6750 §3: MUST NOT appear more than once)`);
    params[key] = quoted[1].replace(/\\(.)/g, "$1");
    rest = rest.slice(1 + quoted[0].length);
    if (rest === "") return { scheme, params };
    const comma = /^[ \t]*,[ \t]*/.exec(rest);
    if (!comma) throw new Error(`no "," between auth-params at ${JSON.stringify(rest)}`);
    rest = rest.slice(comma[0].length);
  }
}

test("the challenge parser is strict", () => {
  assert.deepEqual(parseChallenge("Bearer"), { scheme: "Bearer", params: {} });
  assert.deepEqual(parseChallenge('Bearer error="invalid_token", scope="a b"'), { scheme: "Bearer", params: { error: "invalid_token", scope: "a b" } });
  for (const bad of ['Bearer error=invalid_token', 'Bearer error="a",', 'Bearer error="a" scope="b"', 'Bearer error="a", error="b"', 'Bearer  error="a"x', 'Bearer,error="a"', ' Bearer', 'Bearer error="a', 'Bearer error ="a"']) {
    assert.throws(() => parseChallenge(bad), undefined, bad);
  }
});

// ---------------------------------------------------------------------------------------------
// What every refusal must be
// ---------------------------------------------------------------------------------------------

/**
 * The problems of response `r` against RFC 6750 §3 and RFC 9728 §5.1 for a refusal with
 * `status` and `code`: `error` is the RFC 6750 error code (absent for a request with no token),
 * `scope` the scope param expected (or none), `rm` whether resource_metadata is configured,
 * `secrets` what must appear nowhere.
 */
function refusalProblems(r, { status, code, error, scope, rm, secrets }) {
  const problems = [];
  if (r.status !== status) problems.push(`status ${r.status}, expected ${status}`);
  if (r.headers.get("content-type") !== "application/json") problems.push(`Content-Type ${r.headers.get("content-type")}`);
  if (r.headers.get("cache-control") !== "no-store") problems.push(`Cache-Control ${r.headers.get("cache-control")}`);
  const bodyError = error ?? { 401: "unauthorized", 503: "unavailable" }[status];
  if (r.body?.error !== bodyError || r.body?.code !== code) problems.push(`body ${r.text}, expected {error: ${bodyError}, code: ${code}}`);
  const all = r.text + [...r.headers].map(([k, v]) => `${k}: ${v}`).join("\n");
  for (const s of secrets) if (s && all.includes(s)) problems.push("the response holds the token, its signature or the secret");
  const header = r.headers.get("www-authenticate");
  if (status === 503) {
    if (header !== null) problems.push(`a challenge on a 503: ${header}`);
    return problems;
  }
  if (header === null) return [...problems, "no WWW-Authenticate"];
  let challenge;
  try {
    challenge = parseChallenge(header);
  } catch (e) {
    return [...problems, `malformed challenge: ${e.message}`];
  }
  const { scheme, params } = challenge;
  if (scheme !== "Bearer") problems.push(`auth-scheme ${scheme}`);
  const allowed = ["realm", "scope", "error", "error_description", "error_uri", "resource_metadata"];
  for (const name of Object.keys(params)) if (!allowed.includes(name)) problems.push(`unknown auth-param ${name}`);
  if (error === undefined) {
    // §3.1: a request without authentication information gets no error code or other error information.
    for (const name of ["error", "error_description", "error_uri", "scope"]) if (name in params) problems.push(`${name} on a request without a token`);
  } else {
    if (params.error !== error) problems.push(`error="${params.error}", expected ${error}`);
    // §3.1: invalid_token is 401, insufficient_scope 403.
    if ({ invalid_token: 401, insufficient_scope: 403, invalid_request: 400 }[error] !== status) problems.push(`${error} with status ${status}`);
    for (const name of ["error", "error_description"]) if (name in params && !NQSCHAR.test(params[name])) problems.push(`${name} outside RFC 6750's characters`);
  }
  if (scope === undefined ? "scope" in params : params.scope !== scope) problems.push(`scope=${JSON.stringify(params.scope)}, expected ${JSON.stringify(scope)}`);
  if ("scope" in params && !SCOPE.test(params.scope)) problems.push("scope is not scope-tokens separated by single spaces");
  if (rm ? params.resource_metadata !== METADATA_URL : "resource_metadata" in params) problems.push(`resource_metadata=${JSON.stringify(params.resource_metadata)}, expected ${rm ? METADATA_URL : "none"}`);
  return problems;
}

test("the refusal checker catches what RFC 6750 and RFC 9728 forbid", async () => {
  const json = { "Content-Type": "application/json", "Cache-Control": "no-store" };
  const response = async (status, challenge, body, headers = json) =>
    read(new Response(JSON.stringify(body), { status, headers: challenge === undefined ? headers : { ...headers, "WWW-Authenticate": challenge } }));
  const good = { status: 401, code: "jwt_invalid", error: "invalid_token", rm: true, secrets: ["tok.en.sig"] };
  const body = { error: "invalid_token", code: "jwt_invalid" };
  const ok = `Bearer error="invalid_token", resource_metadata="${METADATA_URL}"`;
  assert.deepEqual(refusalProblems(await response(401, ok, body), good), []);
  for (const [label, r, expect] of [
    ["Basic scheme", await response(401, `Basic error="invalid_token", resource_metadata="${METADATA_URL}"`, body), good],
    ["no resource_metadata", await response(401, 'Bearer error="invalid_token"', body), good],
    ["invalid_token on a 403", await response(403, ok, body), { ...good, status: 403 }],
    ["an error code without a token", await response(401, ok, { error: "unauthorized", code: "no_token" }), { status: 401, code: "no_token", rm: true, secrets: [] }],
    ["an unquoted value", await response(401, `Bearer error=invalid_token, resource_metadata="${METADATA_URL}"`, body), good],
    ["a challenge on a 503", await response(503, "Bearer", { error: "unavailable", code: "x" }), { status: 503, code: "x", secrets: [] }],
    ["the token in the body", await response(401, ok, { ...body, token: "tok.en.sig" }), good],
    ["cacheable", await response(401, ok, body, { "Content-Type": "application/json" }), good],
    ["the wrong scope", await response(403, 'Bearer error="insufficient_scope", scope="a"', { error: "insufficient_scope", code: "missing_scopes" }), { status: 403, code: "missing_scopes", error: "insufficient_scope", scope: "a b", secrets: [] }],
  ]) {
    assert.notDeepEqual(refusalProblems(r, expect), [], label);
  }
});

// ---------------------------------------------------------------------------------------------
// The emulators, the tokens, the runtimes
// ---------------------------------------------------------------------------------------------

let emu, cold, env, t;
before(async () => {
  emu = await emulator();
  cold = await emulator(); // never answers its JWKS: Stytch cannot judge
  for (const path_prefix of ["/v1/sessions/jwks", "/v1/b2b/sessions/jwks"]) await cold.ctl.fault({ path_prefix, status: 503 });
  const policy = { scopes: [{ scope: "read:docs", description: "", permissions: [{ resource_id: "documents", actions: ["read"] }] }] };
  await emu.ctl.putPolicy(policy);
  await emu.ctl.putB2BPolicy(policy);
  const who = await people(emu.ctl);
  const other = await emu.ctl.createOrganization({ organization_slug: `rfc6750-other-${Date.now()}` });
  const client = await emu.ctl.createM2MClient({ scopes: ["read:users", "write:*"] });
  const app = await emu.ctl.createConnectedAppClient();
  emu.shift(-7200);
  const expired = await m2mToken(emu.url, client);
  emu.shift(0);
  const m2m = await m2mToken(emu.url, client);
  const mint = async (subject) => (await emu.ctl.mintConnectedAppToken({ ...subject, client_id: app.client_id, scopes: ["read:docs"] })).access_token;
  t = { m2m, expired, session: who.session.session_jwt, connected: await mint({ user_id: who.user.user_id }), member: await mint({ member_id: who.member.member_id }), org: who.org.organization_id, other: other.organization_id };
  env = {
    STYTCH_PROJECT_ID: PROJECT_ID,
    STYTCH_SECRET: SECRET,
    STYTCH_BASE_URL: emu.url,
    STYTCH_COLD_BASE_URL: cold.url,
    RESOURCE,
    METADATA_URL,
    AUTHORIZATION_SERVER,
    SCOPES_SUPPORTED: SCOPES_SUPPORTED.join(","),
  };
});
after(async () => {
  await emu?.close();
  await cold?.close();
});

/** A response as `{ status, headers, text, body }`. */
async function read(res) {
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

const RUNTIMES = {
  /** access-worker.js imported in Node from a temporary project that has the installed package. */
  async node() {
    const pkg = await installedPackage(root);
    const dir = mkdtempSync(join(tmpdir(), "stytch-oauth-worker-"));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ private: true, type: "module" }));
    writeFileSync(join(dir, "worker.js"), readFileSync(WORKER));
    symlinkSync(join(pkg.dir, "node_modules"), join(dir, "node_modules"));
    const worker = (await import(pathToFileURL(join(dir, "worker.js")).href)).default;
    return {
      ask: async (path, headers = {}) => read(await worker.fetch(new Request(`http://worker.test${path}`, { headers }), env)),
      close: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
  /** access-worker.js bundled by wrangler (the .wasm a CompiledWasm module) and run by Miniflare. */
  async workerd() {
    const bundle = await builtTestWorker(root, WORKER);
    const w = await startWorker(bundle, env, { kv: false });
    return { ask: async (path, headers = {}) => read(await fetch(`${w.url}${path}`, { headers, signal: AbortSignal.timeout(15_000) })), close: () => w.dispose() };
  },
};

/** Every refusal the gate makes, as `[label, path, token | header, expectation]`. */
function refusals() {
  const b = (token) => ({ authorization: `Bearer ${token}` });
  const invalid = (code) => ({ status: 401, code, error: "invalid_token" });
  return [
    ["no Authorization header", "/gate?token_type=m2m", {}, { status: 401, code: "no_token" }],
    ["Basic credentials, no Bearer token", "/gate?token_type=m2m", { authorization: "Basic eHg6eXk=" }, { status: 401, code: "no_token" }],
    ["no token, Connected Apps gate", "/gate?token_type=connected_app&action=read", {}, { status: 401, code: "no_token" }],
    ["not a JWT", "/gate?token_type=m2m", b("not-a-jwt"), invalid("jwt_invalid")],
    ["forged signature", "/gate?token_type=m2m", b(forge(t.m2m)), invalid("jwt_signature_invalid")],
    ["expired an hour ago", "/gate?token_type=m2m", b(t.expired), invalid("jwt_expired")],
    ["a session JWT", "/gate?token_type=m2m", b(t.session), invalid("jwt_invalid")],
    ["a Connected Apps token at the M2M gate", "/gate?token_type=m2m", b(t.connected), invalid("jwt_invalid")],
    ["an M2M token at the Connected Apps gate", "/gate?token_type=connected_app", b(t.m2m), invalid("jwt_invalid")],
    ["a scope missing", "/gate?token_type=m2m&scopes=read:users,delete:users", b(t.m2m), { status: 403, code: "missing_scopes", error: "insufficient_scope", scope: "read:users delete:users" }],
    ["a check denied", "/gate?token_type=connected_app&action=write", b(t.connected), { status: 403, code: "invalid_permissions", error: "insufficient_scope" }],
    ["B2B: a check denied", `/gate?b2b=1&token_type=connected_app&action=write&org=${t.org}`, b(t.member), { status: 403, code: "invalid_permissions", error: "insufficient_scope" }],
    ["B2B: another organization", `/gate?b2b=1&token_type=connected_app&action=read&org=${t.other}`, b(t.member), { status: 403, code: "tenancy_mismatch", error: "insufficient_scope" }],
    ["Stytch unreachable (JWKS 503, cold)", "/gate?token_type=m2m&cold=1", b(t.m2m), { status: 503, code: "service_unavailable" }],
    ["B2B: Stytch unreachable (JWKS 503, cold)", "/gate?b2b=1&token_type=connected_app&cold=1", b(t.member), { status: 503, code: "service_unavailable" }],
  ];
}

for (const [runtime, start] of Object.entries(RUNTIMES)) {
  describe(`in ${runtime}`, () => {
    let w;
    before(async () => {
      w = await start();
    });
    after(() => w?.close());

    for (const rm of [false, true]) {
      test(`every refusal follows RFC 6750 §3${rm ? ", with RFC 9728's resource_metadata in every challenge" : ", no resource_metadata unless configured"}`, async () => {
        const problems = [];
        for (const [label, path, headers, expect] of refusals()) {
          const r = await w.ask(`${path}${rm ? "&rm=1" : ""}`, headers);
          const secrets = [SECRET, ...Object.values(t).filter((v) => v.includes(".")).flatMap((v) => [v, v.split(".")[2]])];
          for (const p of refusalProblems(r, { ...expect, rm, secrets })) problems.push(`${label}: ${p}`);
        }
        assert.deepEqual(problems, []);
      });
    }

    test("admitted requests get no challenge", async () => {
      for (const [path, token, kind] of [
        ["/gate?token_type=m2m&scopes=read:users,write:users&rm=1", t.m2m, "m2m"],
        ["/gate?token_type=connected_app&action=read&rm=1", t.connected, "connected_app"],
        [`/gate?b2b=1&token_type=connected_app&action=read&org=${t.org}&rm=1`, t.member, "connected_app"],
      ]) {
        const r = await w.ask(path, { authorization: `Bearer ${token}` });
        assert.deepEqual([r.status, r.body?.token_type, r.headers.get("www-authenticate")], [200, kind, null], path);
      }
    });

    test("protectedResourceMetadata: the RFC 9728 §2 document as application/json", async () => {
      const r = await w.ask("/.well-known/oauth-protected-resource/mcp");
      assert.equal(r.status, 200);
      assert.equal(r.headers.get("content-type"), "application/json");
      assert.deepEqual(r.body, {
        resource: RESOURCE,
        authorization_servers: [AUTHORIZATION_SERVER],
        scopes_supported: SCOPES_SUPPORTED,
        resource_name: "Test MCP server",
        bearer_methods_supported: ["header"],
      });
      // §3.3: the resource in the document is the one whose metadata URL was asked for.
      const url = new URL(RESOURCE);
      assert.equal(`${url.origin}/.well-known/oauth-protected-resource${url.pathname}`, METADATA_URL);
    });

    test("bad options: protectedResourceMetadata throws, authenticateAccessToken rejects, a ClientError invalid_argument without the value", async () => {
      const { body } = await w.ask("/bad-options");
      const problems = [];
      for (const [what, cases] of Object.entries(body)) {
        for (const [name, o] of Object.entries(cases)) {
          if (!o.threw || o.name !== "ClientError" || o.code !== "invalid_argument") problems.push(`${what}, ${name}: ${JSON.stringify(o)}`);
          else if (o.message.includes(MARKER)) problems.push(`${what}, ${name}: the message repeats the value: ${o.message}`);
        }
      }
      assert.deepEqual(problems, []);
      assert.equal(Object.keys(body.metadata).length + Object.keys(body.gate).length, 15);
    });
  });
}
