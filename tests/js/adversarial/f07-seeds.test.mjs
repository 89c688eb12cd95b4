// Finding 7 of issue 22: pre-seeded `jwks` carry their age. Without `jwks_fetched_at` they are due
// for refresh at once (the first call fetches the JWKS), so a key Stytch no longer serves is not
// trusted again by each cold isolate; `jwks_fetched_at` (epoch ms or a Date) dates them.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { JWKS, PROJECT_ID, settle, setup, worlds } from "./lib.mjs";

describe("finding 7: seeded keys carry their age", () => {
  let api;
  const { fresh, closeAll } = worlds();
  before(async () => {
    ({ api } = await setup());
  });
  after(closeAll);

  test("finding 7: a key the JWKS no longer serves is refused although it is seeded (no jwks_fetched_at)", async () => {
    const w = await fresh();
    const seed = await w.jwks();
    const jwt = (await w.mint()).session_jwt; // signed by the seeded key
    await w.ctl.rotate({ keep_old: false }); // Stytch removed that key
    await w.delta();
    const r = await settle(() => api.verifyJwt(jwt, { project_id: PROJECT_ID, custom_base_url: w.url, jwks: seed }));
    const d = await w.delta();
    assert.ok(r.err, "a token signed by a key the JWKS no longer serves was accepted from the seed");
    assert.equal(r.err.code, "jwks_no_matching_key", r.err.message);
    assert.equal(d[JWKS], 1, "the seed was refreshed on first use");
  });

  test("finding 7: seeds without jwks_fetched_at are fetched on first use; with a recent jwks_fetched_at they are used as they are", async () => {
    const counts = {};
    for (const [label, extra] of [
      ["no jwks_fetched_at", {}],
      ["jwks_fetched_at 11 minutes ago", { jwks_fetched_at: Date.now() - 11 * 60_000 }],
      ["jwks_fetched_at now (epoch ms)", { jwks_fetched_at: Date.now() }],
      ["jwks_fetched_at now (a Date)", { jwks_fetched_at: new Date() }],
    ]) {
      const w = await fresh();
      const seed = await w.jwks();
      const jwt = (await w.mint()).session_jwt;
      await w.delta();
      const r = await settle(() => api.verifyJwt(jwt, { project_id: PROJECT_ID, custom_base_url: w.url, jwks: seed.keys, ...extra }));
      assert.ok(!r.err, `${label}: ${r.err}`);
      counts[label] = (await w.delta())[JWKS];
    }
    assert.deepEqual(counts, {
      "no jwks_fetched_at": 1,
      "jwks_fetched_at 11 minutes ago": 1,
      "jwks_fetched_at now (epoch ms)": 0,
      "jwks_fetched_at now (a Date)": 0,
    });
  });

  test("finding 7: a Client's seed is refreshed on first use too", async () => {
    const w = await fresh();
    const seed = await w.jwks();
    const jwt = (await w.mint()).session_jwt;
    await w.ctl.rotate({ keep_old: false });
    await w.delta();
    const r = await settle(() => new api.Client(w.opts({ jwks: seed })).sessions.authenticateJwtLocal({ session_jwt: jwt }));
    assert.equal(r.err?.code, "jwks_no_matching_key", `${r.err ?? "accepted"}`);
    assert.equal((await w.delta())[JWKS], 1);
  });
});
