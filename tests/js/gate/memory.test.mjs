// Clients made per request need no free() (docs/rules.md, "Configuration"): in workerd, 100,000
// `new Client(...)` with one call each, never freed, leave the package's wasm memory where it was.
// The test-only worker (probe-worker.js) reports the memory's byte length.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { emulator, testBundle, workers } from "./lib.mjs";

let emu;
let w;
before(async () => {
  emu = await emulator();
  w = await workers(await testBundle(), emu.vars, [{ name: "t" }]);
});
after(async () => {
  await w?.dispose();
  await emu?.close();
});

test("100,000 clients, one authenticateJwtLocal each, no free(): the wasm memory does not grow", { timeout: 120_000 }, async () => {
  const user = await emu.ctl.createUser({ email: "memory@example.com" });
  const jwt = (await emu.ctl.createSession({ user_id: user.user_id })).session_jwt;
  const headers = { Authorization: `Bearer ${jwt}` };
  // Warm: keys fetched, the token remembered, the options parsed once.
  const warm = await w.fetch("t", "/clients?n=1000", { headers });
  assert.deepEqual([warm.status, warm.body.ok], [200, 1000], warm.text);
  const start = (await w.fetch("t", "/memory")).body.bytes;
  const sizes = [];
  let ok = 0;
  for (let i = 0; i < 10; i++) {
    const r = await w.fetch("t", "/clients?n=10000", { headers });
    assert.equal(r.status, 200, r.text);
    ok += r.body.ok;
    sizes.push(r.body.after);
  }
  const end = (await w.fetch("t", "/memory")).body.bytes;
  process.stdout.write(`# wasm memory: ${start} bytes after warm-up, ${end} after 100,000 clients (every 10,000: ${sizes.join(", ")})\n`);
  assert.equal(ok, 100_000);
  assert.equal(end, start, "the wasm memory grew");
  assert.ok(sizes.every((s) => s === start));
});

test("the probe reads the package's own memory: remembering 600 distinct tokens grows it", { timeout: 60_000 }, async () => {
  const user = await emu.ctl.createUser({ email: "memo@example.com" });
  const jwts = [];
  for (let i = 0; i < 600; i++) jwts.push((await emu.ctl.createSession({ user_id: user.user_id, custom_claims: { pad: "x".repeat(1500) } })).session_jwt);
  const start = (await w.fetch("t", "/memory")).body.bytes;
  const r = await w.fetch("t", "/verify", { method: "POST", body: JSON.stringify(jwts) });
  assert.equal(r.body.ok, 600, r.text);
  process.stdout.write(`# wasm memory: ${start} → ${r.body.bytes} bytes for 600 remembered tokens of ~2.5 KB\n`);
  assert.ok(r.body.bytes > start, "600 memo entries of ~2.5 KB did not show in the memory probe");
});
