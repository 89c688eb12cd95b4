// The package's JavaScript boundary (pkg-template/api.js and the entries), against the installed
// package: what a printer shows of a client, how options are read (own properties only, never
// through a polluted prototype), the store factories' options, the call's own timer keeping a
// Node process alive, and the entries that cannot load the module where they run.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { inspect } from "node:util";
import { after, before, describe, test } from "node:test";
import { PROJECT_ID, SECRET, setup, world } from "./lib.mjs";

/** Runs `source` (an ES module) in a fresh Node process: `{ code, stdout, stderr }`. */
function runNode(source, { timeoutMs = 20_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", source], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Every way Node prints `value`, for a leak check. */
const printed = (value) => [
  inspect(value, { showHidden: true, depth: 10, getters: true }),
  inspect(value, { showHidden: true, depth: 10, customInspect: false }),
  String(value?.stack ?? ""),
  (() => {
    try {
      return JSON.stringify(value) ?? "";
    } catch {
      return "";
    }
  })(),
];

describe("the package's JavaScript boundary", { concurrency: 1 }, () => {
  let ctx;
  let w;
  let pkgDir;
  let entry;
  before(async () => {
    ctx = await setup();
    w = await world(ctx.leaks);
    pkgDir = join(ctx.pkg.dir, "node_modules", "stytch-sessions-wasm");
    entry = join(ctx.pkg.dir, "entry.mjs");
  });
  after(() => w?.close());

  test("no printer shows the secret: a client, its sessions, every error and every gate result", async () => {
    const { api } = ctx;
    const options = { project_id: PROJECT_ID, secret: SECRET, custom_base_url: w.url };
    const client = new api.Client(options);
    const things = { client, sessions: client.sessions, clone: structuredClone(client) };
    assert.deepEqual(Object.getOwnPropertySymbols(client.sessions), []);
    assert.deepEqual(Object.getOwnPropertySymbols(client), []);
    const errors = [];
    const grab = async (p) => {
      try {
        await p;
      } catch (e) {
        errors.push(e);
      }
    };
    await grab(client.sessions.authenticate({ session_token: "no-such-token-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" })); // StytchError
    await grab(new api.Client({ ...options, custom_base_url: "http://127.0.0.1:2" }).sessions.get({ user_id: w.user.user_id })); // RequestError
    await grab(client.sessions.authenticateJwtLocal({ session_jwt: "not a jwt" })); // ClientError
    await grab(Promise.resolve().then(() => new api.Client({ ...options, timeout_ms: "x" }))); // ClientError from the constructor
    assert.deepEqual(errors.map((e) => e.name), ["StytchError", "RequestError", "ClientError", "ClientError"]);
    const request = (headers) => new Request("https://app.example/private", { headers });
    const gate = { ...options };
    const admitted = await api.authenticateRequest(request({ Authorization: `Bearer ${w.fresh.session_jwt}` }), gate);
    const refused = await api.authenticateRequest(request({ Authorization: "Bearer not-a-jwt" }), gate);
    const noSession = await api.authenticateRequest(request({}), gate);
    assert.equal(admitted.ok, true);
    assert.equal(refused.ok, false);
    assert.equal(noSession.ok, false);
    for (const [name, value] of [...Object.entries(things), ...errors.map((e, i) => [`error ${i} ${e.name}`, e]), ["admitted", admitted], ["refused", refused], ["no session", noSession]]) {
      for (const text of printed(value)) {
        assert.ok(!text.includes(SECRET), `${name} prints the secret: ${text.slice(0, 300)}`);
        assert.ok(!text.includes(`"secret"`), `${name} prints the options' text: ${text.slice(0, 300)}`);
      }
    }
    // The client still works after being printed, and a sessions method needs a client's sessions.
    assert.equal((await client.sessions.authenticateJwt({ session_jwt: w.fresh.session_jwt })).session.user_id, w.user.user_id);
    assert.throws(() => client.sessions.authenticate.call({}, { session_token: "x" }), TypeError);
  });

  test("options are read as own properties: an inherited fetch, jwks_store or current_date is never read", async () => {
    const { api } = ctx;
    const jwt = w.fresh.session_jwt;
    let read = 0;
    const inherited = {
      get fetch() {
        read++;
        return () => Promise.reject(new Error("inherited fetch"));
      },
      get jwks_store() {
        read++;
        return { get: () => "garbage", put() {} };
      },
      get current_date() {
        read++;
        return Date.now() + 3_600_000;
      },
    };
    const options = Object.assign(Object.create(inherited), { project_id: PROJECT_ID, custom_base_url: w.url });
    assert.equal((await api.verifyJwt(jwt, options)).user_id, w.user.user_id);
    const client = new api.Client(Object.assign(Object.create(inherited), { project_id: PROJECT_ID, secret: SECRET, custom_base_url: w.url }));
    const params = Object.assign(Object.create(inherited), { session_jwt: jwt });
    assert.equal((await client.sessions.authenticateJwtLocal(params)).user_id, w.user.user_id);
    assert.equal(read, 0, "an inherited option was read");
    // A store whose get/put come from its class is a store; one whose get comes from
    // Object.prototype is not.
    class Store {
      get() {
        return undefined;
      }
      put() {}
    }
    assert.equal((await api.verifyJwt(jwt, { project_id: PROJECT_ID, custom_base_url: w.url, jwks_store: new Store() })).user_id, w.user.user_id);
    Object.prototype.get = () => undefined; // eslint-disable-line no-extend-native
    try {
      await assert.rejects(api.verifyJwt(jwt, { project_id: PROJECT_ID, custom_base_url: w.url, jwks_store: { put() {} } }), (e) => e.code === "invalid_argument" && /jwks_store must be an object with get\(\) and put/.test(e.message));
    } finally {
      delete Object.prototype.get;
    }
    // An own accessor is an own property: read once, by the snapshot.
    let reads = 0;
    const own = { project_id: PROJECT_ID, custom_base_url: w.url };
    Object.defineProperty(own, "current_date", { enumerable: true, get: () => (reads++, Date.now() + 3_600_000) });
    await assert.rejects(api.verifyJwt(jwt, own), (e) => e.code === "jwt_expired");
    assert.equal(reads, 1);
  });

  test("a polluted Object.prototype (current_date, fetch, jwks_store, toJSON, key) changes nothing", async () => {
    // In a process of its own, whose global fetch serves the JWKS from memory: a polluted
    // prototype would disturb this process's emulator and test runner.
    const jwks = await (await fetch(`${w.url}/v1/sessions/jwks/${PROJECT_ID}`)).text();
    const source = `
      const api = await import(${JSON.stringify(entry)});
      const jwks = ${JSON.stringify(jwks)};
      const jwt = ${JSON.stringify(w.fresh.session_jwt)};
      const PROJECT_ID = ${JSON.stringify(PROJECT_ID)};
      const SECRET = ${JSON.stringify(SECRET)};
      let fetched = [];
      globalThis.fetch = async (url) => { fetched.push(String(url)); return new Response(jwks, { status: 200 }); };
      const results = [];
      let port = 43000;
      let evil = 0;
      async function scenario(name, pollute, run) {
        const base = "http://127.0.0.1:" + port++;
        fetched = [];
        const undo = pollute();
        let out;
        try {
          out = await run(base);
        } catch (e) {
          out = "error " + e.name + " " + e.code + " " + e.message;
        } finally {
          undo();
        }
        results.push([name, String(out), fetched.join(" ")]);
      }
      const set = (name, value) => () => {
        Object.defineProperty(Object.prototype, name, { value, configurable: true, writable: true });
        return () => delete Object.prototype[name];
      };
      const user = (s) => s.user_id ?? s.session?.user_id;
      await scenario("current_date", set("current_date", Date.now() + 3_600_000), async (base) => user(await api.verifyJwt(jwt, { project_id: PROJECT_ID, custom_base_url: base })));
      await scenario("current_date, local", set("current_date", Date.now() + 3_600_000), async (base) => user(await new api.Client({ project_id: PROJECT_ID, secret: SECRET, custom_base_url: base }).sessions.authenticateJwtLocal({ session_jwt: jwt })));
      await scenario("fetch", set("fetch", () => { evil++; return Promise.reject(new TypeError("evil")); }), async (base) => user(await api.verifyJwt(jwt, { project_id: PROJECT_ID, custom_base_url: base })));
      await scenario("jwks_store", set("jwks_store", { get: () => { evil++; }, put: () => { evil++; } }), async (base) => user(await api.verifyJwt(jwt, { project_id: PROJECT_ID, custom_base_url: base })));
      await scenario("toJSON", set("toJSON", function () { evil++; return { project_id: "project-test-11111111-1111-4111-8111-111111111111", custom_base_url: "http://127.0.0.1:1" }; }), async (base) => user(await api.verifyJwt(jwt, { project_id: PROJECT_ID, custom_base_url: base })));
      await scenario("Array toJSON", () => { Array.prototype.toJSON = () => { evil++; return []; }; return () => delete Array.prototype.toJSON; }, async (base) => user(await api.verifyJwt(jwt, { project_id: PROJECT_ID, custom_base_url: base, jwks: JSON.parse(jwks) })));
      const cacheKeys = [];
      const cache = { match: async (k) => { cacheKeys.push(String(k)); return undefined; }, put: async (k) => { cacheKeys.push(String(k)); } };
      const kvKeys = [];
      const kv = { get: async (k) => { kvKeys.push(k); return null; }, put: async (k) => { kvKeys.push(k); } };
      await scenario("key", set("key", "https://evil.example/other-entry"), async (base) => {
        const a = await api.verifyJwt(jwt, { project_id: PROJECT_ID, custom_base_url: base, jwks_store: api.cacheApiJwksStore(cache) });
        const b = await api.verifyJwt(jwt, { project_id: PROJECT_ID, custom_base_url: base.replace("127.0.0.1", "localhost"), jwks_store: api.kvJwksStore(kv, {}) });
        return user(a) + " " + user(b) + " " + [...new Set(cacheKeys)].join(",") + " " + [...new Set(kvKeys)].join(",");
      });
      process.stdout.write(JSON.stringify({ results, evil }));
    `;
    const { code, stdout, stderr } = await runNode(source);
    assert.equal(code, 0, stderr);
    const { results, evil } = JSON.parse(stdout);
    const userId = w.user.user_id;
    const byName = Object.fromEntries(results.map(([name, out, fetched]) => [name, { out, fetched }]));
    for (const name of ["current_date", "current_date, local", "fetch", "jwks_store", "toJSON", "Array toJSON"]) {
      assert.equal(byName[name].out, userId, `${name}: ${byName[name].out}`);
    }
    // The JWKS went to the options' own base URL, through the global fetch.
    assert.match(byName.toJSON.fetched, /^http:\/\/127\.0\.0\.1:43004\/v1\/sessions\/jwks\//);
    assert.equal(byName.key.out, `${userId} ${userId} https://stytch-sessions-wasm.invalid/jwks stytch-sessions-wasm:jwks`);
    assert.equal(evil, 0, "a polluted member was used");
  });

  test("the store factories take { key } only, read as an own property", () => {
    const { api, leaks } = ctx;
    const cache = { match: async () => undefined, put: async () => undefined };
    const kv = { get: async () => null, put: async () => undefined };
    for (const [factory, binding, name] of [[api.cacheApiJwksStore, cache, "cacheApiJwksStore"], [api.kvJwksStore, kv, "kvJwksStore"]]) {
      const refuses = (opts, message) =>
        assert.throws(() => factory(binding, opts), (e) => {
          leaks.error(`${name} options`, e);
          assert.ok(e instanceof api.ClientError);
          assert.equal(e.code, "invalid_argument");
          assert.match(e.message, message);
          return true;
        });
      refuses({ kye: "x" }, new RegExp(`^${name} options: kye is not an option; did you mean key\\?$`));
      refuses({ key: "x", ttl: 5 }, new RegExp(`^${name} options: ttl is not an option$`));
      refuses({ Key: "x" }, /Key is not an option; did you mean key\?/);
      refuses(null, new RegExp(`^${name} options must be an object$`));
      refuses("key", new RegExp(`^${name} options must be an object$`));
      // The message names the member, never its value.
      refuses({ [SECRET]: SECRET }, /is not an option/);
      assert.equal(typeof factory(binding).get, "function");
      assert.equal(typeof factory(binding, {}).put, "function");
      assert.equal(typeof factory(binding, { key: "mine" }).get, "function");
      assert.equal(typeof factory(binding, Object.create({ kye: "inherited, not read" })).get, "function");
    }
  });

  test("the call's own timeout keeps a Node process alive until the call settles", async () => {
    // A fetch that never settles and nothing else to wait for: the process must stay until the
    // call's timeout ends it (AbortSignal.timeout's unref'd timer let it exit unsettled).
    const source = `
      const api = await import(${JSON.stringify(entry)});
      const t0 = Date.now();
      api.verifyJwt(${JSON.stringify(w.fresh.session_jwt)}, { project_id: ${JSON.stringify(PROJECT_ID)}, custom_base_url: "http://127.0.0.1:9", fetch: () => new Promise(() => {}), timeout_ms: 300 })
        .then(() => console.log("resolved"), (e) => console.log("settled " + e.code + " after " + (Date.now() - t0) + " ms"));
    `;
    const { code, stdout, stderr } = await runNode(source);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^settled timeout after \d+ ms$/m, `the process left the call unsettled (stdout ${JSON.stringify(stdout)})`);
    // A store that never answers: the store wait, then the same fetch.
    const store = `
      const api = await import(${JSON.stringify(entry)});
      api.verifyJwt(${JSON.stringify(w.fresh.session_jwt)}, { project_id: ${JSON.stringify(PROJECT_ID)}, custom_base_url: "http://127.0.0.1:9", fetch: () => new Promise(() => {}), timeout_ms: 300, jwks_store: { get: () => new Promise(() => {}), put: () => new Promise(() => {}) } })
        .then(() => console.log("resolved"), (e) => console.log("settled " + e.code));
    `;
    const r = await runNode(store);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^settled timeout$/m);
  });

  test("the browser and web entries in Cloudflare Workers name the workerd entry", async () => {
    const workers = `Object.defineProperty(globalThis, "navigator", { value: { userAgent: "Cloudflare-Workers" }, configurable: true });`;
    const browser = await runNode(`
      ${workers}
      try {
        await import(${JSON.stringify(join(pkgDir, "browser.js"))});
        console.log("loaded");
      } catch (e) {
        console.log(e.name + ": " + e.message);
      }
    `);
    assert.equal(browser.code, 0, browser.stderr);
    assert.match(browser.stdout, /^Error: stytch-sessions-wasm: the "browser" entry cannot load its WebAssembly in Cloudflare Workers.*"workerd" export condition/m);
    const web = await runNode(`
      ${workers}
      const { readFileSync } = await import("node:fs");
      const m = await import(${JSON.stringify(join(pkgDir, "web.js"))});
      for (const arg of [undefined, {}, { module_or_path: "https://example.com/x.wasm" }, { module_or_path: readFileSync(${JSON.stringify(join(pkgDir, "stytch_sessions_wasm_bg.wasm"))}) }]) {
        try {
          await m.default(arg);
          console.log("initialised");
        } catch (e) {
          console.log(e.name + ": " + e.message);
        }
      }
      // A compiled module is what Workers hand over: that works.
      const module = new WebAssembly.Module(readFileSync(${JSON.stringify(join(pkgDir, "stytch_sessions_wasm_bg.wasm"))}));
      await m.default({ module_or_path: module });
      try {
        await m.verifyJwt("not a jwt", { project_id: ${JSON.stringify(PROJECT_ID)} });
      } catch (e) {
        console.log("works: " + e.code);
      }
    `);
    assert.equal(web.code, 0, web.stderr);
    const lines = web.stdout.trim().split("\n");
    assert.equal(lines.length, 5, web.stdout);
    for (const line of lines.slice(0, 4)) assert.match(line, /^Error: stytch-sessions-wasm: the "stytch-sessions-wasm\/web" entry cannot load its WebAssembly in Cloudflare Workers.*the "workerd" entry/);
    assert.equal(lines[4], "works: jwt_invalid");
  });
});
