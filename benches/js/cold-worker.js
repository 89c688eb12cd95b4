// The cold-isolate Worker (bench.mjs, workerColdBench): each implementation is imported
// dynamically by a request of its own, so that the client can time the import (for ours: the
// package entry's top level, which workerd otherwise runs before the first request) apart from
// the first verification. POST /load stores a pool of tokens; GET /noop does nothing (the median
// of three is subtracted from /import); GET /import?impl=ours|jose imports one; GET /ours-seeded
// and GET /jose verify the pool with it. Bindings: PROJECT_ID, EMU_URL, JWKS (JSON text).
const pools = new Map();
let ours;
let jose;

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const path = url.pathname;
    if (path === "/load") {
      for (const [name, tokens] of Object.entries(await request.json())) pools.set(name, tokens);
      return Response.json({ pools: pools.size });
    }
    if (path === "/noop") return Response.json({ ok: 1 });
    if (path === "/import") {
      if (url.searchParams.get("impl") === "ours") ours = await import("stytch-sessions-wasm");
      else jose = await import("jose");
      return Response.json({ ok: 1 });
    }
    const tokens = pools.get(url.searchParams.get("pool")) ?? [];
    const projectId = env.PROJECT_ID;
    const jwks = JSON.parse(env.JWKS);
    let ok = 0;
    let firstError;
    for (const t of tokens) {
      try {
        if (path === "/ours-seeded") {
          await ours.verifyJwt(t, { project_id: projectId, custom_base_url: env.EMU_URL, jwks: jwks.keys, jwks_fetched_at: Date.now() });
        } else if (path === "/jose") {
          const opts = { issuer: [`stytch.com/${projectId}`, env.EMU_URL], audience: projectId, algorithms: ["RS256"], maxTokenAge: 300, requiredClaims: ["exp", "iat"] };
          await jose.jwtVerify(t, jose.createLocalJWKSet(jwks), opts);
        } else {
          return new Response("not found", { status: 404 });
        }
        ok++;
      } catch (e) {
        firstError ??= String(e?.code ?? e?.message ?? e);
      }
    }
    return Response.json({ ok, firstError });
  },
};
