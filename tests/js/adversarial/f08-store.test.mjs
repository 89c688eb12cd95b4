// Finding 8 of issue 22: with a secret configured, the value the package writes to the
// `jwks_store` carries an HMAC-SHA-256 (`mac`), and a value without a valid one (forged, or a
// genuine one tampered with) is ignored: an attacker who can write the store cannot make the
// package trust their keys. The cold isolates are fresh Node processes (store-child.mjs).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { attackerKey, attackerSigned, JWKS, memoryStore, runNode, settle, setup, worlds } from "./lib.mjs";

describe("finding 8: the JWKS store value is authenticated when a secret is configured", () => {
  let api;
  let pkg;
  const { fresh, closeAll } = worlds();
  before(async () => {
    ({ api, pkg } = await setup());
  });
  after(closeAll);

  /** The value a Client with a secret writes to its store after fetching the keys of `w`. */
  const genuineValue = async (w, jwt) => {
    const store = memoryStore();
    const r = await settle(() => new api.Client(w.opts({ jwks_store: store })).sessions.authenticateJwtLocal({ session_jwt: jwt }));
    assert.ok(!r.err, String(r.err));
    assert.equal(store.puts.length, 1, "the fetched keys were stored");
    return store.puts[0][0];
  };
  /** store-child.mjs in a fresh process: `{ results, gets, puts }`. */
  const cold = async (w, stored, tokens) => {
    const r = await runNode(pkg, "store-child.mjs", [JSON.stringify({ options: w.opts(), stored, tokens })]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout.trim().split("\n").pop());
  };

  test("finding 8: the stored value carries a mac", async () => {
    const w = await fresh();
    const value = JSON.parse(await genuineValue(w, (await w.mint()).session_jwt));
    assert.equal(value.url, w.jwksUrl);
    assert.ok(Array.isArray(value.jwks?.keys), JSON.stringify(value).slice(0, 200));
    assert.equal(typeof value.mac, "string", `no mac in the stored value: ${Object.keys(value).join(", ")}`);
    assert.ok(value.mac.length >= 32, value.mac);
  });

  test("finding 8: a forged store value (no mac, or a made-up one) is ignored: the attacker's keys are not trusted", async () => {
    for (const mac of [undefined, "A".repeat(43), "0".repeat(64)]) {
      const w = await fresh(); // a cold JWKS URL in this process
      const genuine = (await w.mint()).session_jwt;
      const forged = { url: w.jwksUrl, fetched_at_ms: Date.now(), jwks: { keys: [attackerKey().jwk] }, ...(mac ? { mac } : {}) };
      const client = new api.Client(w.opts({ jwks_store: memoryStore(JSON.stringify(forged)) }));
      await w.delta();
      const attack = await settle(() => client.sessions.authenticateJwtLocal({ session_jwt: attackerSigned(genuine) }));
      const real = await settle(() => client.sessions.authenticateJwtLocal({ session_jwt: genuine }));
      assert.ok(attack.err, `an attacker-signed token was accepted from a store value with mac ${mac}`);
      assert.ok(!real.err, `the genuine token (mac ${mac}): ${real.err}`);
      assert.equal((await w.delta())[JWKS], 1, "the genuine keys were fetched");
    }
  });

  test("finding 8: a genuine store value with its keys or its date changed is ignored by a cold isolate; untouched, it is used", { timeout: 60_000 }, async () => {
    const w = await fresh();
    const genuine = (await w.mint()).session_jwt;
    const text = await genuineValue(w, genuine);
    const value = JSON.parse(text);

    await w.delta();
    const untouched = await cold(w, text, { genuine });
    assert.deepEqual(untouched.results, { genuine: "ok" });
    assert.equal((await w.delta())[JWKS], 0, "an untouched value is used: no fetch");

    const swapped = await cold(w, JSON.stringify({ ...value, jwks: { keys: [attackerKey().jwk] } }), { attacker: attackerSigned(genuine), genuine });
    assert.notEqual(swapped.results.attacker, "ok", "an attacker's keys under a genuine mac were trusted");
    assert.deepEqual(swapped.results.genuine, "ok");
    assert.equal((await w.delta())[JWKS], 1);

    const added = await cold(w, JSON.stringify({ ...value, jwks: { keys: [...value.jwks.keys, attackerKey().jwk] } }), { attacker: attackerSigned(genuine) });
    assert.notEqual(added.results.attacker, "ok", "a key added to a genuine value was trusted");
    await w.delta();

    const redated = await cold(w, JSON.stringify({ ...value, fetched_at_ms: value.fetched_at_ms + 1 }), { genuine });
    assert.deepEqual(redated.results, { genuine: "ok" });
    assert.equal((await w.delta())[JWKS], 1, "a value whose date was changed was used");
  });
});
