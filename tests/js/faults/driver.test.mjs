// The package's JavaScript driver (pkg-template/api.js) with hostile and odd values from the
// caller and the host, against the installed package: whatever they do, every call settles with
// the documented error class and code (never an exception escaping, never a call left hanging),
// and the host's failures are read the way docs/rules.md says.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { PROJECT_ID, SECRET, setup, world } from "./lib.mjs";

/** Asserts that `promise` rejects with `name` and `code`, and a message matching `message`. */
async function refuses(promise, name, code, message) {
  await assert.rejects(promise, (e) => {
    assert.equal(e.name, name, `${e.name} ${e.code}: ${e.message}`);
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    assert.ok(e instanceof Error);
    return true;
  });
}

describe("the package's driver with hostile values", { concurrency: 1 }, () => {
  let ctx;
  let w;
  let options;
  before(async () => {
    ctx = await setup();
    w = await world(ctx.leaks);
    options = { project_id: PROJECT_ID, custom_base_url: w.url };
  });
  after(() => w?.close());

  test("options that cannot be read refuse the call with invalid_argument, synchronously settled", async () => {
    const { verifyJwt } = ctx.api;
    const jwt = w.fresh.session_jwt;
    const cyclic = { ...options };
    cyclic.self = cyclic;
    const throwingGetter = { ...options };
    Object.defineProperty(throwingGetter, "fetch", { enumerable: true, get: () => { throw new Error("getter"); } });
    const trap = new Proxy({}, { get: () => { throw new Error("trap"); }, ownKeys: () => { throw new Error("trap"); } });
    const bigint = { ...options, timeout_ms: 10n };
    for (const [what, opts] of [["cyclic", cyclic], ["a throwing getter", throwingGetter], ["a throwing proxy", trap], ["a BigInt", bigint]]) {
      await refuses(verifyJwt(jwt, opts), "ClientError", "invalid_argument", /verifyJwt options cannot be read as JSON/).catch((e) => {
        throw new Error(`${what}: ${e.message}`);
      });
    }
    for (const opts of [null, undefined, "options", 7, [options], () => options]) {
      await refuses(verifyJwt(jwt, opts), "ClientError", "invalid_argument", /verifyJwt options must be an object/);
    }
    for (const token of [undefined, null, 7, { toString: () => jwt }, [jwt]]) {
      await refuses(verifyJwt(token, options), "ClientError", "invalid_argument", /session_jwt must be a string/);
    }
    await refuses(verifyJwt(jwt, { ...options, fetch: "fetch" }), "ClientError", "invalid_argument", /fetch must be a function/);
    await refuses(verifyJwt(jwt, { ...options, jwks_store: { get() {} } }), "ClientError", "invalid_argument", /jwks_store must be an object with get\(\) and put/);
    assert.throws(() => w.client(ctx.api, { fetch: 1 }), (e) => e.name === "ClientError" && e.code === "invalid_argument" && /fetch must be a function/.test(e.message));
    assert.throws(() => new ctx.api.Client(cyclic), (e) => e.name === "ClientError" && /Client options cannot be read as JSON/.test(e.message));
    await refuses(w.client(ctx.api).sessions.authenticate(cyclic), "ClientError", "invalid_argument", /authenticate params cannot be read as JSON/);
    await refuses(w.client(ctx.api).sessions.get("user"), "ClientError", "invalid_argument", /get params must be an object/);
    // A getter is read once, by the JSON snapshot: what it returns then is what counts.
    let reads = 0;
    const counted = { ...options };
    Object.defineProperty(counted, "project_id", { enumerable: true, get: () => (reads++, PROJECT_ID) });
    assert.equal((await verifyJwt(jwt, counted)).user_id, w.user.user_id);
    assert.equal(reads, 1);
  });

  test("what the fetch option does wrong becomes a RequestError", async () => {
    const { verifyJwt } = ctx.api;
    const jwt = w.fresh.session_jwt;
    // Each call uses a base URL of its own, so no key is cached and each one fetches.
    const at = (port, fetch) => ({ project_id: PROJECT_ID, custom_base_url: `http://127.0.0.1:${port}`, fetch });
    // Each message names the host the request went to (never its path or query).
    const host = (port) => `127\\.0\\.0\\.1:${port}`;
    const cases = [
      [() => new Response("{}"), "network_error", (p) => `^the fetch option did not return a Promise for the request to ${host(p)}$`],
      [async () => ({ status: 200, text: async () => "{}" }), "network_error", (p) => `^fetch to ${host(p)} did not resolve to a Response$`],
      [() => Promise.reject(Object.assign(new Error("x"), { name: "TimeoutError" })), "timeout", (p) => `^no answer from ${host(p)} within the timeout$`],
      [() => Promise.reject(Object.assign(new Error("http://secret.example/"), { name: "TypeError" })), "network_error", (p) => `^fetch to ${host(p)} failed \\(TypeError\\)$`],
      [() => Promise.reject("a string"), "network_error", (p) => `^fetch to ${host(p)} failed$`],
      [() => { throw Object.assign(new Error("x"), { name: "not an identifier!" }); }, "network_error", (p) => `^fetch to ${host(p)} failed$`],
      [async () => new Response(new ReadableStream({ pull(c) { c.error(new RangeError("body")); } })), "network_error", (p) => `^fetch to ${host(p)} failed \\(RangeError\\)$`],
    ];
    let port = 41000;
    for (const [fetch, code, message] of cases) {
      await refuses(verifyJwt(jwt, at(port, fetch)), "RequestError", code, new RegExp(message(port)));
      port++;
    }
    // A fetch option that ignores the abort signal and never settles, or whose answer's body
    // never ends: the call still ends when timeout_ms runs out.
    const never = () => new Promise(() => {});
    const endless = async () => new Response(new ReadableStream({ pull: () => new Promise(() => {}) }));
    for (const hang of [never, endless]) {
      const t0 = performance.now();
      await refuses(verifyJwt(jwt, { ...at(port, hang), timeout_ms: 300 }), "RequestError", "timeout", new RegExp(`^no answer from ${host(port)} within the timeout$`));
      port++;
      const ms = performance.now() - t0;
      assert.ok(ms >= 250 && ms < 5_000, `${hang.name} ended after ${ms.toFixed(0)} ms`);
    }
    // The init the driver builds: method, headers (a Headers object), a timeout signal.
    let seen;
    const base = `http://127.0.0.1:${port}`;
    const spy = async (url, init) => {
      seen = { url, method: init.method, headers: init.headers instanceof Headers, signal: init.signal instanceof AbortSignal };
      return fetch(url.replace(base, w.url), init);
    };
    assert.equal((await verifyJwt(jwt, at(port, spy))).user_id, w.user.user_id);
    assert.deepEqual(seen, { url: `${base}/v1/sessions/jwks/${PROJECT_ID}`, method: "GET", headers: true, signal: true });
  });

  test("a store that throws, rejects, holds no string or never answers reads as empty; its put failing changes nothing", async () => {
    const { verifyJwt } = ctx.api;
    const jwt = w.fresh.session_jwt;
    const stores = [
      { get() { throw new Error("get"); }, put() { throw new Error("put"); } },
      { get: async () => { throw new Error("get"); }, put: async () => { throw new Error("put"); } },
      { get: () => 42, put: () => 42 },
      { get: async () => ({ keys: [] }), put: () => undefined },
      // Never answers: after the JWKS timeout (300 ms here) the call goes on without it.
      { get: () => new Promise(() => {}), put: () => new Promise(() => {}) },
    ];
    let port = 42000;
    for (const store of stores) {
      // A base URL of its own per store (through a fetch option that sends it to the emulator),
      // so that every call reads the store and then fetches.
      const base = `http://127.0.0.1:${port++}`;
      let fetched = 0;
      const fetchVia = (url, init) => {
        fetched++;
        return fetch(String(url).replace(base, w.url), init);
      };
      const session = await verifyJwt(jwt, { project_id: PROJECT_ID, custom_base_url: base, fetch: fetchVia, jwks_store: store, timeout_ms: 300 });
      assert.equal(session.user_id, w.user.user_id);
      assert.equal(fetched, 1);
    }
  });

  test("current_date as a Date or as milliseconds judges the token then", async () => {
    const { verifyJwt } = ctx.api;
    const jwt = w.fresh.session_jwt;
    const later = Date.now() + 3600_000;
    await refuses(verifyJwt(jwt, { ...options, current_date: new Date(later) }), "ClientError", "jwt_expired");
    await refuses(verifyJwt(jwt, { ...options, current_date: later }), "ClientError", "jwt_expired");
    await refuses(verifyJwt(jwt, { ...options, current_date: "tomorrow" }), "ClientError", "invalid_argument");
    assert.equal((await verifyJwt(jwt, { ...options, current_date: new Date() })).user_id, w.user.user_id);
    const local = w.client(ctx.api).sessions.authenticateJwtLocal({ session_jwt: jwt, current_date: new Date(later) });
    await refuses(local, "ClientError", "jwt_expired");
  });

  test("StytchError and RequestError carry what the API and the network said", async () => {
    const client = w.client(ctx.api);
    await assert.rejects(client.sessions.authenticate({ session_token: "no-such-token-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" }), (e) => {
      assert.equal(e.name, "StytchError");
      assert.ok(e instanceof ctx.api.StytchError);
      assert.equal(typeof e.status_code, "number");
      assert.equal(e.code, e.error_type);
      assert.ok(e.request_id);
      return true;
    });
    // The real fetch failing: the message names the host, never the path or the query.
    const unreachable = new ctx.api.Client({ project_id: PROJECT_ID, secret: SECRET, custom_base_url: "http://127.0.0.1:2/base/path" });
    await refuses(unreachable.sessions.get({ user_id: w.user.user_id }), "RequestError", "network_error", /^fetch to 127\.0\.0\.1:2 failed \(TypeError\)$/);
  });
});
