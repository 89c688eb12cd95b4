// No secret, no whole token and no signature in anything the package produces (README, contract
// §7): error `.message`, `String(err)`, `JSON.stringify(err)` and `.stack` of every error kind the
// package can raise in Node (each argument position holding a token, every fault, every local
// refusal), and the worker example's responses and workerd's console output for every kind of
// token through API and JWKS faults. (matrix.test.mjs and cache.test.mjs check the errors they
// see the same way; scripts/load checks its worker responses and console too.)
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { startEmulatorProcess } from "../lib/emulator.mjs";
import { builtWorker, startWorkerCaptured } from "../lib/worker-run.mjs";
import { PROJECT_ID, SECRET, craftedJwksFetch, forge, root, setup, signWithWeakKey, unusableJwks, weakJwks, world } from "./lib.mjs";

const b64 = (v) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");
const parts = (jwt) => jwt.split(".");
const header = (jwt) => JSON.parse(Buffer.from(parts(jwt)[0], "base64url"));
const payload = (jwt) => JSON.parse(Buffer.from(parts(jwt)[1], "base64url"));

/** Hostile and broken variants of a genuine JWT (each registered as a token). */
function variants(jwt, jwk) {
  const [h, p, s] = parts(jwt);
  const hs256 = (() => {
    const input = `${b64({ ...header(jwt), alg: "HS256" })}.${p}`;
    return `${input}.${createHmac("sha256", Buffer.from(jwk.n, "base64url")).update(input).digest("base64url")}`;
  })();
  return {
    forged: forge(jwt),
    "alg none": `${b64({ ...header(jwt), alg: "none" })}.${p}.`,
    "HS256 with the public key": hs256,
    "payload tampered": `${h}.${b64({ ...payload(jwt), sub: "user-test-00000000-0000-4000-8000-000000000000" })}.${s}`,
    "padded signature": `${h}.${p}.${s}==`,
    "four segments": `${jwt}.${s}`,
    "bad base64 in the signature": `${h}.${p}.${s.slice(0, -2)}!!`,
    "crit header": `${b64({ ...header(jwt), crit: ["exp"] })}.${p}.${s}`,
    "kid not a string": `${b64({ ...header(jwt), kid: 7 })}.${p}.${s}`,
    "oversized (17 KiB)": `${h}.${b64({ ...payload(jwt), pad: "x".repeat(17 * 1024) })}.${s}`,
    "signed by a 1024-bit key": signWithWeakKey(jwt),
    "whitespace around": ` ${jwt} `,
  };
}

let ctx;
let w;
before(async () => {
  ctx = await setup();
  w = await world(ctx.leaks);
});
after(async () => {
  await w?.close();
});

describe("every error the package raises in Node", () => {
  test("local refusals of hostile tokens (verifyJwt, authenticateJwtLocal, authenticateJwt)", async () => {
    const { api, leaks } = ctx;
    const client = w.client(api, { timeout_ms: 2000 });
    const kinds = new Set();
    for (const [name, token] of Object.entries(variants(w.fresh.session_jwt, w.jwk))) {
      leaks.token(token.trim(), `variant ${name}`);
      for (const [how, call] of [
        ["verifyJwt", () => api.verifyJwt(token, { project_id: PROJECT_ID, custom_base_url: w.url })],
        ["authenticateJwtLocal", () => client.sessions.authenticateJwtLocal({ session_jwt: token })],
        ["authenticateJwt", () => client.sessions.authenticateJwt({ session_jwt: token })],
        ["authenticate", () => client.sessions.authenticate({ session_jwt: token })],
        ["revoke", () => client.sessions.revoke({ session_jwt: token })],
      ]) {
        try {
          await call();
        } catch (err) {
          leaks.error(`${how}(${name})`, err);
          kinds.add(`${err.name} ${err.code}`);
        }
      }
    }
    // Claim and age failures of a genuine token.
    for (const [name, call] of [
      ["too old", () => api.verifyJwt(w.fresh.session_jwt, { project_id: PROJECT_ID, custom_base_url: w.url, max_token_age_seconds: 1, current_date: Date.now() + 10_000 })],
      ["expired", () => api.verifyJwt(w.fresh.session_jwt, { project_id: PROJECT_ID, custom_base_url: w.url, max_token_age_seconds: 100_000, current_date: Date.now() + 3_600_000 })],
      ["not yet valid", () => api.verifyJwt(w.fresh.session_jwt, { project_id: PROJECT_ID, custom_base_url: w.url, current_date: Date.now() - 3_600_000 })],
      ["old JWT", () => api.verifyJwt(w.old.session_jwt, { project_id: PROJECT_ID, custom_base_url: w.url })],
      ["old JWT, local", () => client.sessions.authenticateJwtLocal({ session_jwt: w.old.session_jwt })],
      ["other project", () => api.verifyJwt(w.fresh.session_jwt, { project_id: "project-test-11111111-1111-4111-8111-111111111111", custom_base_url: w.url })],
    ]) {
      try {
        await call();
        assert.fail(`${name}: accepted`);
      } catch (err) {
        if (err instanceof assert.AssertionError) throw err;
        leaks.error(name, err);
        kinds.add(`${err.name} ${err.code}`);
      }
    }
    for (const k of ["ClientError jwt_invalid", "ClientError jwt_incorrect_algorithm", "ClientError jwt_signature_invalid", "ClientError jwt_too_old", "ClientError jwt_expired", "ClientError jwt_not_yet_valid", "ClientError jwks_no_matching_key", "StytchError unauthorized_session_jwt"]) {
      assert.ok(kinds.has(k), `no ${k} produced (got ${[...kinds].join(", ")})`);
    }
  });

  test("arguments holding a token or the secret in the wrong place", async () => {
    const { api, leaks } = ctx;
    const jwt = w.fresh.session_jwt;
    const attempts = {
      "token as project_id": () => new api.Client({ project_id: jwt, secret: SECRET }),
      "token in custom_base_url": () => new api.Client({ project_id: PROJECT_ID, secret: SECRET, custom_base_url: `http://evil.example/${jwt}` }),
      "token as timeout_ms": () => new api.Client({ project_id: PROJECT_ID, secret: SECRET, timeout_ms: jwt }),
      "secret as timeout_ms": () => new api.Client({ project_id: PROJECT_ID, secret: SECRET, timeout_ms: SECRET }),
      "token as jwks": () => new api.Client({ project_id: PROJECT_ID, secret: SECRET, jwks: jwt }),
      "token as fetch": () => new api.Client({ project_id: PROJECT_ID, secret: SECRET, fetch: jwt }),
      "secret as a number": () => new api.Client({ project_id: PROJECT_ID, secret: 12345, custom_base_url: SECRET }),
      "token as duration": () => w.client(api).sessions.authenticate({ session_jwt: jwt, session_duration_minutes: jwt }),
      "token as custom claims": () => w.client(api).sessions.authenticateJwt({ session_jwt: jwt, session_custom_claims: jwt }),
      "both token and jwt": () => w.client(api).sessions.authenticate({ session_jwt: jwt, session_token: w.fresh.session_token }),
      "session_jwt a number": () => w.client(api).sessions.authenticateJwt({ session_jwt: 42 }),
      "verifyJwt token not a string": () => api.verifyJwt({ jwt }, { project_id: PROJECT_ID }),
      "verifyJwt options a string": () => api.verifyJwt(jwt, jwt),
      "verifyJwt current_date a token": () => api.verifyJwt(jwt, { project_id: PROJECT_ID, custom_base_url: w.url, current_date: jwt }),
      "token in the JWKS path (loopback, closed port)": () => api.verifyJwt(jwt, { project_id: PROJECT_ID, custom_base_url: `http://127.0.0.1:1/${jwt}` }),
      "token as user_id": () => w.client(api).sessions.get({ user_id: jwt }),
      "token as project_id of getJWKS": () => w.client(api).sessions.getJWKS({ project_id: jwt }),
      "token as external token": () => w.client(api).sessions.migrate({ session_token: jwt }),
      "a fetch option that throws with the token": () => api.verifyJwt(jwt, { project_id: PROJECT_ID, custom_base_url: "http://127.0.0.1:2", fetch: () => { throw new TypeError("boom"); } }),
      "a fetch option resolving to a non-Response": () => w.client(api, { fetch: async () => ({ status: 200, text: async () => jwt }) }).sessions.authenticate({ session_token: w.fresh.session_token }),
      "a 200 whose body echoes the token": () => w.client(api, { fetch: async () => new Response(`{"session_jwt": "${jwt}", "oops`, { status: 200 }) }).sessions.authenticate({ session_jwt: jwt }),
      "a 401 whose body is the token": () => w.client(api, { fetch: async () => new Response(jwt, { status: 401 }) }).sessions.authenticate({ session_jwt: jwt }),
      "a JWKS whose keys echo the token": () => api.verifyJwt(jwt, { project_id: PROJECT_ID, custom_base_url: "http://127.0.0.1:3", fetch: async () => new Response(JSON.stringify({ keys: [{ kty: "RSA", kid: header(jwt).kid, n: jwt, e: "AQAB" }] })) }),
      "a JWKS with no usable key": () => api.verifyJwt(jwt, { project_id: PROJECT_ID, custom_base_url: "http://127.0.0.1:4", fetch: craftedJwksFetch(unusableJwks(w.jwk)).fetch }),
      "a JWKS with a 1024-bit key": () => api.verifyJwt(signWithWeakKey(jwt), { project_id: PROJECT_ID, custom_base_url: "http://127.0.0.1:5", fetch: craftedJwksFetch(weakJwks()).fetch }),
    };
    let thrown = 0;
    for (const [name, fn] of Object.entries(attempts)) {
      try {
        await fn();
      } catch (err) {
        thrown++;
        leaks.error(name, err);
      }
    }
    assert.ok(thrown >= Object.keys(attempts).length - 1, `only ${thrown} of ${Object.keys(attempts).length} threw`);
  });

  test("every API fault, with tokens in the request", async () => {
    const { api, leaks } = ctx;
    const client = w.client(api, { timeout_ms: 200 });
    for (const spec of [{ delay_ms: 1000 }, { status: 500 }, { status: 503 }, { status: 429 }, { status: 400 }, { malformed_body: true }, { malformed_body: true, status: 500 }, { reset_connection: true }]) {
      for (const [name, call] of [
        ["authenticate", () => client.sessions.authenticate({ session_token: w.fresh.session_token })],
        ["authenticate jwt", () => client.sessions.authenticate({ session_jwt: w.fresh.session_jwt })],
        ["authenticateJwt old", () => client.sessions.authenticateJwt({ session_jwt: w.old.session_jwt })],
        ["revoke", () => client.sessions.revoke({ session_token: w.victim.session_token })],
        ["migrate", () => client.sessions.migrate({ session_token: w.external })],
      ]) {
        await w.clearFaults();
        await w.fault({ path_prefix: "/v1/sessions", ...spec });
        try {
          await call();
          assert.fail(`${name} ${JSON.stringify(spec)}: no error`);
        } catch (err) {
          if (err instanceof assert.AssertionError) throw err;
          leaks.error(`${name} ${JSON.stringify(spec)}`, err);
        }
      }
    }
    await w.clearFaults();
  });

  test("none of them holds the secret, a whole token or a signature", () => {
    const { texts, needles } = ctx.leaks.assertClean();
    process.stdout.write(`node: ${texts} texts checked against ${needles} secrets/tokens/signatures\n`);
    assert.ok(texts > 300);
  });
});

describe("the worker example in workerd: responses and console output", () => {
  test("every token kind, through API and JWKS faults", { timeout: 120_000 }, async () => {
    const { leaks } = ctx;
    const bundle = await builtWorker(root);
    const emu = await startEmulatorProcess(new URL("../../emulator/cli.mjs", import.meta.url).pathname);
    const worker = await startWorkerCaptured(bundle, { STYTCH_PROJECT_ID: PROJECT_ID, STYTCH_SECRET: SECRET, STYTCH_BASE_URL: emu.url }, { inspector: false });
    try {
      const fault = (f) => fetch(`${emu.url}/__emulator/faults`, { method: f ? "POST" : "DELETE", body: f ? JSON.stringify(f) : undefined }).then((r) => r.json());
      const mint = async (body) => leaks.tokensOf(await (await fetch(`${emu.url}/__emulator/sessions`, { method: "POST", body: JSON.stringify(body) })).json(), "worker");
      const user = await (await fetch(`${emu.url}/__emulator/users`, { method: "POST", body: JSON.stringify({ email: `leak-${Date.now()}@example.com` }) })).json();
      const fresh = await mint({ user_id: user.user_id });
      const old = await mint({ user_id: user.user_id, iat_offset_seconds: -600 });
      const revoked = await mint({ user_id: user.user_id, iat_offset_seconds: -600 });
      await fetch(`${emu.url}/__emulator/faults`, { method: "DELETE" });
      const jwk = (await (await fetch(`${emu.url}/v1/sessions/jwks/${PROJECT_ID}`)).json()).keys[0];
      const auth = "Basic " + Buffer.from(`${PROJECT_ID}:${SECRET}`).toString("base64");
      await fetch(`${emu.url}/v1/sessions/revoke`, { method: "POST", headers: { Authorization: auth, "Content-Type": "application/json" }, body: JSON.stringify({ session_id: revoked.session.session_id }) });
      const tokens = { fresh: fresh.session_jwt, old: old.session_jwt, revoked: revoked.session_jwt, ...variants(fresh.session_jwt, jwk) };
      for (const t of Object.values(tokens)) leaks.token(t.trim(), "worker token");

      const statuses = new Map();
      const ask = async (phase, name, token) => {
        for (const headers of [{ Authorization: `Bearer ${token}` }, { Cookie: `stytch_session_jwt=${token}` }]) {
          const res = await fetch(worker.url + "/private", { headers, signal: AbortSignal.timeout(20_000) });
          const body = await res.text();
          leaks.text(`worker ${phase} ${name}: body`, body);
          for (const [k, v] of res.headers) if (k !== "set-cookie") leaks.text(`worker ${phase} ${name}: header ${k}`, v);
          statuses.set(`${phase} ${name} ${res.status}`, (statuses.get(`${phase} ${name} ${res.status}`) ?? 0) + 1);
          assert.ok(res.status < 500 || res.status === 503, `${phase} ${name}: ${res.status} ${body}`);
        }
      };
      // Cold isolate, JWKS down: fallbacks to the API (which is up).
      await fault({ path_prefix: "/v1/sessions/jwks", status: 503 });
      const jwksFailedAt = Date.now();
      for (const [name, t] of Object.entries(tokens)) await ask("jwks-503", name, t);
      await fault(null);
      // API faults (the worker answers 503 for 429/5xx/network, 401 otherwise).
      for (const spec of [{ status: 500 }, { status: 503 }, { status: 429 }, { malformed_body: true }, { reset_connection: true }]) {
        await fault(null);
        // An old JWT of its own per phase: the API's answer for one is reused for 30 s
        // (docs/rules.md, "When the API is asked"), and each phase must reach the API.
        tokens.old = (await mint({ user_id: user.user_id, iat_offset_seconds: -600 })).session_jwt;
        leaks.token(tokens.old, "worker token");
        await fault({ path_prefix: "/v1/sessions/authenticate", ...spec });
        for (const [name, t] of Object.entries(tokens)) await ask(`api-${JSON.stringify(spec)}`, name, t);
      }
      await fault(null);
      // The failed JWKS fetch cools further fetches for 30 s, and meanwhile tokens the isolate
      // cannot judge reach the API at a bounded rate (docs/rules.md, "When the API is asked"):
      // the healthy phase starts once the isolate may fetch the keys again.
      await new Promise((r) => setTimeout(r, Math.max(0, jwksFailedAt + 31_000 - Date.now())));
      for (const [name, t] of Object.entries(tokens)) await ask("healthy", name, t);
      await new Promise((r) => setTimeout(r, 300)); // let workerd flush its output
      for (const { stream, line } of worker.lines) leaks.text(`workerd ${stream}`, line);
      const { texts, needles } = leaks.assertClean();
      process.stdout.write(`worker: ${statuses.size} (phase, token, status) combinations; workerd printed ${worker.lines.length} lines; ${texts} texts checked against ${needles} needles\n`);
      assert.ok(statuses.has("healthy fresh 200") && statuses.has("healthy old 200") && statuses.has("healthy forged 401") && statuses.has("api-{\"status\":503} old 503"));
    } finally {
      await worker.dispose();
      await emu.close();
    }
  });
});
