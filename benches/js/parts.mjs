// The parts of one verification, each timed on its own (./scripts/bench --only parts): the RSA
// public operation alone, the key's set-up, SHA-256 of the signing input, the steps but the
// signature (parse, claims, judge, marshal; cumulative), the whole verification
// without the engine or the JavaScript boundary, and the package's call made from inside wasm
// (the engine and its memo, no boundary). They run in the bench-only module of
// benches/wasm-parts (built by its build.sh like the package's), in Node and in workerd. The
// boundary's cost is then the package's own call (bench.mjs's rows) minus the in-wasm call.
import crypto from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { startWorker } from "../../tests/js/lib/worker.mjs";

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

/**
 * `{ node, workerd }`: µs per part, medians of `rounds`. `token` and `pool` are fresh session
 * JWTs under `jwks`; `projectId` and `baseUrl` the options the package is given.
 */
export async function partsBench({ root, jwks, token, pools, projectId, baseUrl, rounds, say }) {
  const dir = join(root, "target/bench-parts");
  const kid = JSON.parse(Buffer.from(token.split(".")[0], "base64url")).kid;
  const jwk = JSON.stringify(jwks.keys.find((k) => k.kid === kid));
  const options = JSON.stringify({ project_id: projectId, custom_base_url: baseUrl });
  const seeded = JSON.stringify({ project_id: projectId, custom_base_url: baseUrl, jwks: jwks.keys, jwks_fetched_at: Date.now() });
  const message = new TextEncoder().encode(token.slice(0, token.lastIndexOf(".")));
  const now = Math.floor(Date.now() / 1000);

  // Node: the module instantiated here; each sample is one export call of `iters` runs.
  const m = await import(join(dir, "stytch_bench_parts.js"));
  m.initSync({ module: readFileSync(join(dir, "stytch_bench_parts_bg.wasm")) });
  selfCheck(m, say);
  const pool = pools[0];
  if (!m.rsa_setup(token, jwk) || m.verify_setup(pool.join("\n"), JSON.stringify(jwks), projectId, baseUrl) !== pool.length) throw new Error("parts: set-up failed");
  // The engine's keys, seeded once by a call that passes them; then the options the bench uses.
  if (m.verify_call(token, seeded, Date.now()) !== 1) throw new Error("parts: the in-wasm call refused the token");
  const time = (f, iters) => {
    const t0 = performance.now();
    const ok = f();
    const us = ((performance.now() - t0) * 1000) / iters;
    if (ok !== iters) throw new Error(`parts: ${ok} of ${iters} runs succeeded`);
    return us;
  };
  const parts = {
    rsa: () => time(() => m.rsa_verify(20), 20),
    key: () => time(() => m.rsa_key_setup(10), 10),
    sha: () => time(() => m.sha256(message, 200), 200),
    pure: () => time(() => m.verify_pure(now) + m.verify_pure(now) + m.verify_pure(now), 3 * pool.length),
    repeat: () => time(() => m.verify_call_repeat(token, options, Date.now(), 500), 500),
    // The steps of a verification but the signature, each run cumulatively (`verify_steps`).
    parse: () => time(() => m.verify_steps(0, now, 10), 10 * pool.length),
    claims: () => time(() => m.verify_steps(1, now, 10), 10 * pool.length),
    judge: () => time(() => m.verify_steps(2, now, 10), 10 * pool.length),
    marshal: () => time(() => m.verify_steps(3, now, 10), 10 * pool.length),
  };
  const node = {};
  for (const k of Object.keys(parts)) node[k] = [];
  let fresh = 0;
  node.call = [];
  // Rounds up to 0 let V8 tier the module up (not counted).
  for (let r = -3; r <= rounds; r++) {
    for (const [k, f] of Object.entries(parts)) {
      const us = f();
      if (r > 0) node[k].push(us);
    }
    // A new token through the engine: each pool once (the memo would answer a second time).
    const p = pools[1 + (fresh++ % (pools.length - 1))]; // (needs rounds + 5 pools for each to be new)
    const us = time(() => m.verify_call(p.join("\n"), options, Date.now()), p.length);
    if (r > 0) node.call.push(us);
  }
  for (const k of Object.keys(node)) node[k] = median(node[k]);
  say(`parts: node ${Object.entries(node).map(([k, v]) => `${k} ${fmt(v)} µs`).join(", ")}`);

  // workerd: the same module in a Worker of its own, run by Miniflare.
  const work = mkdtempSync(join(os.tmpdir(), "stytch-parts-"));
  let workerd = {};
  try {
    // .mjs: Miniflare reads a .js module as CommonJS here (no wrangler bundle in between).
    cpSync(join(dir, "stytch_bench_parts.js"), join(work, "stytch_bench_parts.mjs"));
    cpSync(join(dir, "stytch_bench_parts_bg.wasm"), join(work, "stytch_bench_parts_bg.wasm"));
    cpSync(new URL("parts-worker.js", import.meta.url).pathname, join(work, "worker.mjs"));
    const worker = await startWorker({ outdir: work, main: "worker.mjs" }, {}, { kv: false });
    try {
      const post = await fetch(`${worker.url}/setup`, { method: "POST", body: JSON.stringify({ token, jwk, tokens: pool, jwks: JSON.stringify(jwks), projectId, baseUrl, options: seeded, now, nowMs: Date.now() }) });
      if (!(await post.json()).ok) throw new Error("parts: workerd set-up failed");
      // The seeded options once, so that the engine's keys are warm for the plain options.
      await (await fetch(`${worker.url}/repeat?iters=1`)).json();
      await fetch(`${worker.url}/setup`, { method: "POST", body: JSON.stringify({ token, jwk, tokens: pool, jwks: JSON.stringify(jwks), projectId, baseUrl, options, now, nowMs: Date.now() }) });
      const ask = async (path, iters) => {
        const t0 = performance.now();
        const res = await (await fetch(`${worker.url}${path}?iters=${iters}`)).json();
        const ms = performance.now() - t0;
        if (res.ok !== iters) throw new Error(`parts: workerd ${path}: ${res.ok} of ${iters} runs succeeded`);
        return ms;
      };
      const plan = { rsa: 100, key: 20, sha: 1000, pure: 5, repeat: 2000, parse: 20, claims: 20, judge: 20, marshal: 20 };
      const per = { rsa: 1, key: 1, sha: 1, pure: pool.length, repeat: 1, parse: pool.length, claims: pool.length, judge: pool.length, marshal: pool.length };
      const samples = Object.fromEntries(Object.keys(plan).map((k) => [k, []]));
      for (let r = -2; r <= rounds; r++) {
        for (const [k, iters] of Object.entries(plan)) {
          const zero = await ask(`/${k}`, 0);
          const full = await ask(`/${k}`, iters);
          if (r > 0) samples[k].push(((full - zero) * 1000) / (iters * per[k]));
        }
      }
      workerd = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
      say(`parts: workerd ${Object.entries(workerd).map(([k, v]) => `${k} ${fmt(v)} µs`).join(", ")}`);
    } finally {
      await worker.dispose();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { node, workerd };
}

/**
 * The module's RSA against node:crypto on keys of several sizes and exponents (the native
 * differential tests never run the wasm SIMD kernels): every genuine signature verifies, and a
 * signature or digest with one bit flipped does not. Throws on a disagreement.
 */
function selfCheck(m, say) {
  let checks = 0;
  for (const [bits, e] of [[512, 3], [1024, 65537], [2047, 65537], [2048, 65537], [2048, 3], [3072, 65537], [3584, 17], [4096, 65537]]) {
    const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: bits, publicExponent: e });
    const jwk = publicKey.export({ format: "jwk" });
    const [n, ev] = [Buffer.from(jwk.n, "base64url"), Buffer.from(jwk.e, "base64url")];
    for (let i = 0; i < 8; i++) {
      const message = crypto.randomBytes(64);
      const digest = crypto.createHash("sha256").update(message).digest();
      const sig = crypto.sign("sha256", message, privateKey);
      const bad = Buffer.from(sig);
      bad[i % bad.length] ^= 1 << i % 8;
      const otherDigest = Buffer.from(digest);
      otherDigest[31 - i] ^= 0x80;
      const got = [m.rsa_check(n, ev, digest, sig), m.rsa_check(n, ev, digest, bad), m.rsa_check(n, ev, otherDigest, sig)];
      if (got.join() !== "1,0,0") throw new Error(`parts: the wasm RSA disagrees with node:crypto (${bits}-bit key, e = ${e}): ${got.join()} for 1,0,0`);
      checks += 3;
    }
  }
  say(`parts: the wasm RSA agrees with node:crypto on ${checks} checks (512 to 4096 bits)`);
}

/** The parts table (markdown lines). `pkg`: the package's own rows, `{ node: {fresh, repeat}, workerd: {...} }`, when measured. */
export function partsTable({ node, workerd }, pkg = {}) {
  const row = (label, k) => `| ${label} | ${node[k] === undefined ? "–" : fmt(node[k])} | ${workerd[k] === undefined ? "–" : fmt(workerd[k])} |`;
  const lines = [
    "| part (inside wasm, no JavaScript boundary) | Node µs | workerd µs |",
    "|---|---:|---:|",
    row("RSA public operation + padding check (`verify_rs256_digest`), 2048-bit, e = 65537", "rsa"),
    row("SHA-256 of the signing input (~1.2 KB)", "sha"),
    row("the whole verification, no engine, no memo (`jwt::verify_session_jwt`: parse, key, SHA-256, RSA, claims, session)", "pure"),
    row("the package's `verifyJwt` call made inside wasm, new token (engine, memo, answer text)", "call"),
    row("the same, the same token again (memo hit)", "repeat"),
    row("a key's set-up (`FastPublicKey::new`: R² mod n), once per key", "key"),
    row("the steps but the signature: parse the JWS (split, base64url, header JSON)", "parse"),
    row("… and parse the claims (JSON)", "claims"),
    row("… and judge them (iss, aud, times)", "judge"),
    row("… and marshal the session (its JSON answer)", "marshal"),
  ];
  for (const [k, label] of [["repeat", "the boundary: the package's same-token call from JavaScript minus the in-wasm memo hit"], ["fresh", "the boundary and the JavaScript driver, new token: the package's call minus the in-wasm call"]]) {
    const inner = k === "repeat" ? "repeat" : "call";
    const cell = (rt, x) => (pkg[rt]?.[k] === undefined || x[inner] === undefined ? "–" : fmt(pkg[rt][k] - x[inner]));
    lines.push(`| ${label} | ${cell("node", node)} | ${cell("workerd", workerd)} |`);
  }
  return lines;
}
