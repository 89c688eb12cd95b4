// Finding 1 of issue 22: the secret must not be printed by console.log / util.inspect of a
// client, its `sessions`, any error the package throws, or any gate result, in Node, workerd and
// Deno (a Worker that logs its context would ship the secret to its log sink).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { inspect } from "node:util";
import { specimens } from "./specimens.mjs";
import { freePort, leaksIn, PROJECT_ID, probeWorker, runDeno, SECRET, setup, world } from "./lib.mjs";

const INSPECT = { showHidden: true, depth: 10 };

describe("finding 1: no secret in what a printer shows", () => {
  let api;
  let pkg;
  let w;
  let ctx;
  let worker;

  before(async () => {
    ({ api, pkg } = await setup());
    w = await world();
    const fresh = await w.mint();
    const old = await w.mint({ iat_offset_seconds: -600 });
    const revoked = await w.mint({ iat_offset_seconds: -600 });
    await w.ctl.revokeViaApi({ session_id: revoked.session.session_id });
    ctx = { base: w.url, closedBase: `http://127.0.0.1:${await freePort()}`, project_id: PROJECT_ID, secret: SECRET, freshJwt: fresh.session_jwt, oldJwt: old.session_jwt, revokedJwt: revoked.session_jwt };
  });
  after(async () => {
    await worker?.dispose();
    await w?.close();
  });

  /** Every specimen was made as intended: the errors are errors of the class their name says. */
  const checkSpecimens = (names) => {
    assert.deepEqual(names.filter((n) => n.endsWith("(did not fail)")), [], "every failing call failed");
    assert.ok(names.includes("client") && names.includes("gate refused (revoked)"), names.join(", "));
  };

  test("finding 1 (Node): util.inspect(x, { showHidden: true, depth: 10 }) of a client, its sessions, every error and every gate result holds no secret", async () => {
    const list = await specimens(api, ctx);
    checkSpecimens(list.map(([n]) => n));
    for (const [name] of list.filter(([n]) => /Error/.test(n))) {
      const err = list.find(([n]) => n === name)[1];
      assert.ok(err instanceof Error && err.name === name.split(" ")[0], `${name}: ${err?.name}`);
    }
    const found = [];
    for (const [name, value] of list) {
      const text = inspect(value, INSPECT);
      for (const what of leaksIn(text)) found.push(`${name}: ${what}`);
      for (const what of leaksIn(JSON.stringify(value) ?? "")) found.push(`JSON.stringify(${name}): ${what}`);
      for (const what of leaksIn(String(value))) found.push(`String(${name}): ${what}`);
    }
    assert.deepEqual(found, [], "util.inspect printed the secret");
  });

  test("finding 1 (workerd): console.log of the same objects inside a Worker holds no secret", { timeout: 120_000 }, async () => {
    worker = await probeWorker();
    const marker = `SPECIMEN-${Date.now()}`;
    const r = await worker.get(`/inspect?base=${encodeURIComponent(w.url)}&marker=${marker}`, { method: "POST", body: JSON.stringify(ctx) });
    assert.equal(r.status, 200, r.text);
    checkSpecimens(r.body.names);
    // workerd's stdout reaches us a moment after the response.
    const t0 = Date.now();
    while (!worker.output().includes(`${marker} end`) && Date.now() - t0 < 10_000) await new Promise((res) => setTimeout(res, 50));
    const out = worker.output();
    const logged = out.slice(out.indexOf(`${marker} client:`), out.indexOf(`${marker} end`));
    assert.ok(logged.length > 0 && logged.includes(`${marker} gate refused (revoked):`), `workerd printed the specimens:\n${out.slice(-2000)}`);
    assert.match(logged, /Client|sessions/, "the client was printed");
    const found = [];
    for (const chunk of logged.split(`${marker} `).filter(Boolean)) {
      for (const what of leaksIn(chunk)) found.push(`${chunk.split(":")[0]}: ${what}`);
    }
    assert.deepEqual(found, [], "workerd's console.log printed the secret");
  });

  test("finding 1 (Deno): Deno.inspect(x, { showHidden: true, depth: 10 }) of the same objects holds no secret", { timeout: 120_000 }, async () => {
    const r = await runDeno(pkg, "deno-inspect.mjs", [JSON.stringify(ctx)]);
    assert.equal(r.code, 0, `deno run failed:\n${r.stdout}\n${r.stderr}`);
    const { entry, inspected } = JSON.parse(r.stdout.trim().split("\n").pop());
    assert.match(entry, /stytch-sessions-wasm\/deno\.js$/, "the Deno entry");
    checkSpecimens(inspected.map(([n]) => n));
    const found = inspected.flatMap(([name, text]) => leaksIn(text).map((what) => `${name}: ${what}`));
    assert.deepEqual(found, [], "Deno.inspect printed the secret");
  });
});
