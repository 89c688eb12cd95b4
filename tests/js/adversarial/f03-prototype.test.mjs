// Finding 3 of issue 22: options and parameters are read as own data properties only. A polluted
// Object.prototype (any merge bug in the app) must change no decision: an inherited
// `current_date`, `fetch`, `jwks_store`, `toJSON`, or `key` (the store factories' option) is
// ignored.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { attackerKey, attackerSigned, JWKS, PROJECT_ID, settle, setup, worlds } from "./lib.mjs";

/** Runs `fn` with `Object.prototype[name] = value`, removed again however `fn` ends. */
async function polluted(name, value, fn) {
  Object.defineProperty(Object.prototype, name, { value, writable: true, configurable: true, enumerable: false });
  try {
    return await fn();
  } finally {
    delete Object.prototype[name];
  }
}

describe("finding 3: a polluted Object.prototype is ignored", () => {
  let api;
  const { fresh, closeAll } = worlds();
  before(async () => {
    ({ api } = await setup());
  });
  after(closeAll);

  test("finding 3: an inherited current_date does not make an expired token pass verifyJwt or authenticateJwtLocal", async () => {
    const w = await fresh();
    const old = await w.mint({ iat_offset_seconds: -600 }); // exp 5 minutes ago
    const issuedAt = Date.now() - 600_000;
    const client = new api.Client(w.opts());
    const results = await polluted("current_date", issuedAt, async () => ({
      verifyJwt: await settle(() => api.verifyJwt(old.session_jwt, { project_id: PROJECT_ID, custom_base_url: w.url })),
      local: await settle(() => client.sessions.authenticateJwtLocal({ session_jwt: old.session_jwt })),
    }));
    for (const [call, r] of Object.entries(results)) {
      assert.ok(r.err, `${call} accepted an expired token through Object.prototype.current_date`);
      assert.ok(["jwt_expired", "jwt_too_old"].includes(r.err.code), `${call}: ${r.err.code}`);
    }
  });

  test("finding 3: an inherited fetch and jwks_store are never called", async () => {
    const w = await fresh();
    const jwt = (await w.mint()).session_jwt;
    const calls = { fetch: 0, get: 0, put: 0 };
    const evilFetch = async () => {
      calls.fetch++;
      return new Response("{}", { status: 500 });
    };
    const evilStore = { get: async () => (calls.get++, undefined), put: async () => void calls.put++ };
    const results = await polluted("fetch", evilFetch, () =>
      polluted("jwks_store", evilStore, async () => ({
        verifyJwt: await settle(() => api.verifyJwt(jwt, { project_id: PROJECT_ID, custom_base_url: w.url })),
        client: await settle(() => new api.Client(w.opts()).sessions.authenticateJwt({ session_jwt: jwt })),
      })),
    );
    assert.deepEqual(calls, { fetch: 0, get: 0, put: 0 }, "the inherited fetch or jwks_store was used");
    for (const [call, r] of Object.entries(results)) assert.ok(!r.err, `${call}: ${r.err}`);
    assert.equal((await w.delta())[JWKS], 1, "the keys came from the emulator through the real fetch");
  });

  test("finding 3: an inherited toJSON does not replace the options", async () => {
    const w = await fresh();
    const old = await w.mint({ iat_offset_seconds: -600 });
    const warm = (await w.mint()).session_jwt;
    assert.ok(!(await settle(() => api.verifyJwt(warm, { project_id: PROJECT_ID, custom_base_url: w.url }))).err, "keys warm");
    const lenient = function () {
      return { project_id: PROJECT_ID, custom_base_url: w.url, clock_tolerance_seconds: 3600, max_token_age_seconds: 3600 };
    };
    // The options are read when the call starts; the pollution ends before anything else runs
    // (the in-process emulator's own JSON.stringify must not see it).
    Object.defineProperty(Object.prototype, "toJSON", { value: lenient, writable: true, configurable: true, enumerable: false });
    let pending;
    try {
      pending = settle(() => api.verifyJwt(old.session_jwt, { project_id: PROJECT_ID, custom_base_url: w.url }));
    } finally {
      delete Object.prototype.toJSON;
    }
    const r = await pending;
    assert.ok(r.err, "an expired token passed with the options an inherited toJSON made up");
    assert.ok(["jwt_expired", "jwt_too_old"].includes(r.err.code), r.err.code);
  });

  for (const [factory, makeStore, defaultKey] of [
    [
      "cacheApiJwksStore",
      (entries) => ({
        async match(k) {
          const key = typeof k === "string" ? k : k.url;
          return entries.has(key) ? new Response(entries.get(key)) : undefined;
        },
        async put(k, res) {
          entries.set(typeof k === "string" ? k : k.url, await res.text());
        },
      }),
      "https://stytch-sessions-wasm.invalid/jwks",
    ],
    [
      "kvJwksStore",
      (entries) => ({
        async get(k) {
          return entries.get(k) ?? null;
        },
        async put(k, v) {
          entries.set(k, v);
        },
      }),
      "stytch-sessions-wasm:jwks",
    ],
  ]) {
    test(`finding 3: ${factory}(binding) with an inherited key reads its own entry, and an attacker-signed token stays refused`, async () => {
      const w = await fresh();
      const genuine = (await w.mint()).session_jwt;
      const forged = attackerSigned(genuine);
      const ATTACKER_KEY = "https://attacker.example/jwks";
      const entries = new Map([[ATTACKER_KEY, JSON.stringify({ url: w.jwksUrl, fetched_at_ms: Date.now(), jwks: { keys: [attackerKey().jwk] } })]]);
      const binding = makeStore(entries);
      const r = await polluted("key", ATTACKER_KEY, async () => {
        const store = api[factory](binding);
        return {
          forged: await settle(() => api.verifyJwt(forged, { project_id: PROJECT_ID, custom_base_url: w.url, jwks_store: store })),
          genuine: await settle(() => api.verifyJwt(genuine, { project_id: PROJECT_ID, custom_base_url: w.url, jwks_store: store })),
        };
      });
      assert.ok(r.forged.err, "an attacker-signed token was accepted through Object.prototype.key");
      assert.ok(!r.genuine.err, `the genuine token: ${r.genuine.err}`);
      assert.ok(entries.has(defaultKey), `the store wrote its own key; keys: ${[...entries.keys()].join(", ")}`);
      // An own `key` option is still taken.
      const own = new Map();
      await api[factory](makeStore(own), { key: "https://own.example/jwks" }).put("{}", 60);
      assert.deepEqual([...own.keys()], ["https://own.example/jwks"]);
    });
  }
});
