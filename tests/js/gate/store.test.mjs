// The shared JWKS store in workerd (docs/rules.md, "Keys shared across isolates"): the worker
// example's kvJwksStore(env.JWKS) across two separate Miniflare instances on one persisted KV
// namespace, garbage in the store, and cacheApiJwksStore(caches.default) across the isolates of
// one Miniflare.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { KV_JWKS_KEY, startWorker } from "../lib/worker.mjs";
import { AUTH, emulator, exampleBundle, forge, JWKS, refusal, testBundle, workers } from "./lib.mjs";

const bearer = (jwt) => ({ headers: { Authorization: `Bearer ${jwt}` } });

describe("the JWKS store in workerd", () => {
  let emu;
  let user;
  const dirs = [];
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), "stytch-kv-"));
    dirs.push(d);
    return d;
  };
  before(async () => {
    emu = await emulator();
    user = await emu.ctl.createUser({ email: "store@example.com" });
  });
  after(async () => {
    await emu?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const mint = async (extra = {}) => (await emu.ctl.createSession({ user_id: user.user_id, ...extra })).session_jwt;
  const get = async (url, jwt) => {
    const res = await fetch(url + "/app", { ...bearer(jwt), signal: AbortSignal.timeout(15_000) });
    return { status: res.status, body: await res.json() };
  };

  test("two Miniflare instances on one persisted KV namespace: the second's first request fetches no JWKS", async () => {
    const bundle = await exampleBundle();
    const kvPersist = dir();
    const a = await startWorker(bundle, emu.vars, { kvPersist });
    let b;
    let c;
    try {
      const jwt = await mint();
      await emu.delta();
      const warm = await get(a.url, jwt);
      assert.deepEqual([warm.status, warm.body.remote, warm.body.user_id], [200, false, user.user_id]);
      assert.equal((await emu.delta())[JWKS], 1, "the first instance fetches once and stores the keys");
      const stored = JSON.parse(await (await a.kv()).get(KV_JWKS_KEY));
      assert.equal(stored.url, emu.jwksUrl);
      assert.ok(stored.jwks.keys.length >= 1);

      b = await startWorker(bundle, emu.vars, { kvPersist });
      const fresh = await mint();
      const first = await get(b.url, fresh);
      assert.deepEqual([first.status, first.body.remote, first.body.user_id], [200, false, user.user_id]);
      const forged = await get(b.url, forge(fresh));
      assert.deepEqual([forged.status, forged.body.code], [401, "jwt_signature_invalid"]);
      assert.deepEqual((({ [JWKS]: jwks, [AUTH]: auth }) => ({ jwks, auth }))(await emu.delta()), { jwks: 0, auth: 0 }, "the second instance's keys came from KV");

      // The control: an instance on another directory (an empty namespace) must fetch.
      c = await startWorker(bundle, emu.vars, { kvPersist: dir() });
      assert.equal((await get(c.url, fresh)).status, 200);
      assert.equal((await emu.delta())[JWKS], 1);
    } finally {
      await a.dispose();
      await b?.dispose();
      await c?.dispose();
    }
  });

  test("garbage in the store changes no decision", { timeout: 60_000 }, async () => {
    const bundle = await exampleBundle();
    const served = await (await fetch(emu.jwksUrl)).json();
    const now = Date.now();
    const other = { ...served.keys[0], kid: "jwk-test-00000000-0000-4000-8000-000000000000" };
    const garbage = {
      "not JSON": "{not json",
      "a JSON number": "42",
      "an empty object": "{}",
      "another URL": JSON.stringify({ url: "http://127.0.0.1:1/v1/sessions/jwks/" + emu.vars.STYTCH_PROJECT_ID, fetched_at_ms: now, jwks: served }),
      "stale keys (11 minutes old)": JSON.stringify({ url: emu.jwksUrl, fetched_at_ms: now - 11 * 60_000, jwks: served }),
      "keys from the future": JSON.stringify({ url: emu.jwksUrl, fetched_at_ms: now + 3_600_000, jwks: served }),
      "no keys": JSON.stringify({ url: emu.jwksUrl, fetched_at_ms: now, jwks: { keys: [] } }),
      "an unusable key": JSON.stringify({ url: emu.jwksUrl, fetched_at_ms: now, jwks: { keys: [{ ...served.keys[0], use: "enc" }] } }),
      "only another kid": JSON.stringify({ url: emu.jwksUrl, fetched_at_ms: now, jwks: { keys: [other] } }),
      "a string as jwks": JSON.stringify({ url: emu.jwksUrl, fetched_at_ms: now, jwks: "keys" }),
    };
    const names = Object.keys(garbage);
    // One isolate, with a namespace of its own, per garbage value.
    const w = await workers(bundle, emu.vars, names.map((n, i) => ({ name: `g${i}`, kv: `garbage-${i}` })));
    try {
      for (const [i, n] of names.entries()) await (await w.kv(`g${i}`)).put(KV_JWKS_KEY, garbage[n]);
      const fresh = await mint();
      const old = await mint({ iat_offset_seconds: -600 });
      for (const [i, n] of names.entries()) {
        await emu.delta();
        const ok = await w.fetch(`g${i}`, "/app", bearer(fresh));
        assert.deepEqual([ok.status, ok.body.remote, ok.body.user_id], [200, false, user.user_id], `${n}: ${ok.text}`);
        const d = await emu.delta();
        assert.deepEqual([d[JWKS], d[AUTH]], [1, 0], `${n}: the store was ignored and the keys fetched once`);
        assert.deepEqual(refusal(await w.fetch(`g${i}`, "/app", bearer(forge(fresh))), 401, "jwt_signature_invalid", [forge(fresh)]), [], n);
        const renewed = await w.fetch(`g${i}`, "/app", bearer(old));
        assert.deepEqual([renewed.status, renewed.body.remote], [200, true], n);
        const stored = JSON.parse(await (await w.kv(`g${i}`)).get(KV_JWKS_KEY));
        assert.equal(stored.url, emu.jwksUrl, `${n}: the fetch replaced the garbage`);
      }
    } finally {
      await w.dispose();
    }
  });

  test("cacheApiJwksStore(caches.default): a second isolate of the same Miniflare fetches no JWKS", async () => {
    const bundle = await testBundle();
    const w = await workers(bundle, emu.vars, [{ name: "a" }, { name: "b" }, { name: "nocache", cache: false }]);
    try {
      const jwt = await mint();
      await emu.delta();
      const counts = [];
      for (const name of ["a", "b", "nocache"]) {
        const r = await w.fetch(name, "/cache", bearer(jwt));
        assert.deepEqual([r.status, r.body.user_id], [200, user.user_id], `${name}: ${r.text}`);
        counts.push((await emu.delta())[JWKS]);
      }
      assert.deepEqual(counts, [1, 0, 1], "a fetches and stores; b reads the cache; with the cache off, a third isolate fetches");
      const forged = await w.fetch("b", "/cache", bearer(forge(jwt)));
      assert.equal(forged.status, 401);
    } finally {
      await w.dispose();
    }
  });
});
