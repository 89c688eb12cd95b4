// The benchmark Worker (run in workerd by Miniflare, see bench.mjs). POST /load stores named
// pools of session JWTs in module memory ({"name": [jwt, …], …}); then GET /<impl>?pool=name
// verifies that pool's tokens one after another with one implementation. The client times the
// requests, since the clock does not advance inside a Worker, and subtracts /empty (same loop,
// no verification). Bindings: PROJECT_ID, EMU_URL, JWKS (JSON text).
import { verifyJwt } from "stytch-sessions-wasm";
import { createLocalJWKSet, jwtVerify } from "jose";

const pools = new Map();
let joseKeys;
let subtleKey;
const enc = new TextEncoder();

function b64urlBytes(s) {
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const path = url.pathname;
    if (path === "/load") {
      for (const [name, tokens] of Object.entries(await request.json())) pools.set(name, tokens);
      return Response.json({ pools: pools.size });
    }
    const tokens = pools.get(url.searchParams.get("pool"));
    if (!tokens) return new Response("no such pool", { status: 400 });
    const projectId = env.PROJECT_ID;
    // Keys and options are prepared on the first request (never at module load).
    if (!joseKeys) {
      const jwks = JSON.parse(env.JWKS);
      joseKeys = createLocalJWKSet(jwks);
      const k = jwks.keys[0];
      subtleKey = await crypto.subtle.importKey("jwk", { kty: "RSA", n: k.n, e: k.e, alg: "RS256", ext: true }, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["verify"]);
    }
    const oursOpts = { project_id: projectId, custom_base_url: env.EMU_URL };
    const joseOpts = { issuer: [`stytch.com/${projectId}`, env.EMU_URL], audience: projectId, algorithms: ["RS256"], maxTokenAge: 300, requiredClaims: ["exp", "iat"] };
    const impls = {
      "/empty": async () => {},
      "/ours": (t) => verifyJwt(t, oursOpts),
      "/jose": (t) => jwtVerify(t, joseKeys, joseOpts),
      "/subtle": async (t) => {
        const i = t.lastIndexOf(".");
        const ok = await crypto.subtle.verify("RSASSA-PKCS1-v1_5", subtleKey, b64urlBytes(t.slice(i + 1)), enc.encode(t.slice(0, i)));
        if (!ok) throw new Error("bad signature");
      },
    };
    const one = impls[path];
    if (!one) return new Response("not found", { status: 404 });
    let ok = 0;
    let failed = 0;
    let firstError;
    let sub;
    for (const t of tokens) {
      try {
        const r = await one(t);
        sub ??= r?.user_id ?? r?.payload?.sub;
        ok++;
      } catch (e) {
        failed++;
        firstError ??= String(e?.code ?? e?.message ?? e);
      }
    }
    return Response.json({ ok, failed, firstError, sub });
  },
};
