// One cold start, in a fresh Node process (spawned by bench.mjs from the project where the
// package is installed): import (read + compile + instantiate the .wasm, or load jose) and the
// first verification, with the keys given up front so no network is involved.
// Then a second verification of another token, for comparison with the first.
// Usage: node cold.mjs ours|jose   (env: TOKEN, TOKEN2, JWKS, PROJECT_ID, EMU_URL). Prints one JSON line.
const mode = process.argv[2];
const { TOKEN, TOKEN2, JWKS, PROJECT_ID, EMU_URL } = process.env;
const t0 = performance.now();
let t1;
let t2;
let sub;
let sub2;
if (mode === "ours") {
  const { verifyJwt } = await import("stytch-sessions-wasm");
  t1 = performance.now();
  sub = (await verifyJwt(TOKEN, { project_id: PROJECT_ID, custom_base_url: EMU_URL, jwks: JSON.parse(JWKS).keys, jwks_fetched_at: Date.now() })).user_id;
  t2 = performance.now();
  sub2 = (await verifyJwt(TOKEN2, { project_id: PROJECT_ID, custom_base_url: EMU_URL })).user_id;
} else {
  const { createLocalJWKSet, jwtVerify } = await import("jose");
  t1 = performance.now();
  const keys = createLocalJWKSet(JSON.parse(JWKS));
  const opts = { issuer: [`stytch.com/${PROJECT_ID}`, EMU_URL], audience: PROJECT_ID, algorithms: ["RS256"], maxTokenAge: 300, requiredClaims: ["exp", "iat"] };
  sub = (await jwtVerify(TOKEN, keys, opts)).payload.sub;
  t2 = performance.now();
  sub2 = (await jwtVerify(TOKEN2, keys, opts)).payload.sub;
}
const t3 = performance.now();
console.log(JSON.stringify({ importMs: t1 - t0, firstMs: t2 - t1, totalMs: t2 - t0, fromProcessStartMs: t2, secondMs: t3 - t2, sub, sub2 }));
