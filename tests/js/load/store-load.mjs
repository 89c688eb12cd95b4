#!/usr/bin/env node
// JWKS fetches with and without the shared store (docs/rules.md, "Keys shared across
// isolates"): the worker example in workerd, as several isolates (Workers of one Miniflare),
// against the emulator, loopback only.
//
//   node tests/js/load/store-load.mjs [requests=10000] [concurrency=100] [isolates=8]   (after ./scripts/build)
//
// Four runs of the same mix (fresh JWTs 80 %, JWTs issued 10 minutes ago 10 %, forged 10 %):
//   without the store (no KV binding: kvJwksStore(undefined) fails and is ignored) and with it
//   (every isolate's JWKS binding on one namespace), each with the isolates all cold at once
//   (requests spread over all of them from the first) and joining one by one (isolate i gets
//   traffic from request i × requests / isolates on, as new isolates start under load).
// Every answer is checked; the emulator counts JWKS fetches and API calls. Exits non-zero on a
// wrong decision.
import { AUTH, emulator, exampleBundle, forge, JWKS, workers } from "../gate/lib.mjs";

const [total = 10_000, concurrency = 100, isolates = 8] = process.argv.slice(2).map(Number);
const say = (s) => console.log(`\x1b[1;34mstore-load:\x1b[0m ${s}`);

const bundle = await exampleBundle();
const emu = await emulator();
const user = await emu.ctl.createUser({ email: "store-load@example.com" });
const mint = async (n, extra = {}) => {
  const out = [];
  for (let i = 0; i < n; i++) out.push((await emu.ctl.createSession({ user_id: user.user_id, ...extra })).session_jwt);
  return out;
};
const pool = { fresh: await mint(100), old: await mint(50, { iat_offset_seconds: -600 }) };
pool.forged = pool.fresh.slice(0, 50).map(forge);

async function run(store, arrival) {
  const names = Array.from({ length: isolates }, (_, i) => `w${i}`);
  const w = await workers(bundle, emu.vars, names.map((name, i) => ({ name, ...(store ? { kv: "jwks-shared" } : {}) })));
  let wrong = 0;
  const statuses = {};
  try {
    await emu.delta();
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) {
          const i = next++;
          const open = arrival === "one by one" ? Math.min(isolates, 1 + Math.floor((i * isolates) / total)) : isolates;
          const name = names[i % open];
          const x = i % 10;
          const kind = x < 8 ? "fresh" : x === 8 ? "old" : "forged";
          const jwt = pool[kind][i % pool[kind].length];
          const r = await w.fetch(name, "/app", { headers: { Authorization: `Bearer ${jwt}` } });
          statuses[`${kind} ${r.status}`] = (statuses[`${kind} ${r.status}`] ?? 0) + 1;
          const ok = kind === "forged" ? r.status === 401 && r.body.code === "jwt_signature_invalid" : r.status === 200 && r.body.remote === (kind === "old");
          if (!ok) wrong++;
        }
      }),
    );
    const ms = performance.now() - t0;
    const d = await emu.delta();
    return { store, arrival, jwks: d[JWKS], api: d[AUTH], wrong, statuses, rps: Math.round(total / (ms / 1000)) };
  } finally {
    await w.dispose();
  }
}

const rows = [];
try {
  for (const arrival of ["all at once", "one by one"]) {
    for (const store of [false, true]) {
      const r = await run(store, arrival);
      rows.push(r);
      say(`${store ? "with" : "without"} the store, isolates cold ${arrival}: ${r.jwks} JWKS fetches, ${r.api} API calls, ${r.wrong} wrong, ${r.rps} req/s ${JSON.stringify(r.statuses)}`);
    }
  }
} finally {
  await emu.close();
}
console.log(`\nSTORE LOAD (${total} requests, concurrency ${concurrency}, ${isolates} isolates = Workers of one Miniflare, the worker example)`);
console.log("  isolates cold   store                     JWKS fetches  API calls  wrong  req/s");
for (const r of rows) console.log(`  ${r.arrival.padEnd(15)} ${(r.store ? "kvJwksStore, one namespace" : "none").padEnd(25)} ${String(r.jwks).padStart(12)}  ${String(r.api).padStart(9)}  ${String(r.wrong).padStart(5)}  ${String(r.rps).padStart(5)}`);
console.log("STORE_LOAD_SUMMARY " + JSON.stringify(rows));
process.exit(rows.some((r) => r.wrong) ? 1 : 0);
