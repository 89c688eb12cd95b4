// A test-only Worker over the installed package (not an example): what the workerd tests of
// tests/js/gate/ need beyond the worker example.
//   GET /memory                  → { bytes }: the byte length of the package's wasm memory
//   GET /clients?n=N (Bearer)    → N times `new Client(...)` and one authenticateJwtLocal each,
//                                  no free(); { n, ok, before, after } (wasm memory bytes)
//   POST /verify [jwts]          → verifyJwt of each (the memo keeps them); { ok, bytes }
//   GET /cache  (Bearer/cookie)  → authenticateRequest with jwks_store: cacheApiJwksStore(caches.default)
// Bindings: STYTCH_PROJECT_ID, STYTCH_SECRET, STYTCH_BASE_URL.
import { authenticateRequest, cacheApiJwksStore, Client, verifyJwt } from "stytch-sessions-wasm";
import { initSync } from "stytch-sessions-wasm/web";

// The package's entry has instantiated the module already: initSync hands back its exports.
const memoryBytes = () => initSync().memory.buffer.byteLength;

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const options = { project_id: env.STYTCH_PROJECT_ID, secret: env.STYTCH_SECRET, custom_base_url: env.STYTCH_BASE_URL };
    if (url.pathname === "/memory") return Response.json({ bytes: memoryBytes() });
    if (url.pathname === "/clients") {
      const jwt = (request.headers.get("authorization") ?? "").replace(/^Bearer /, "");
      const n = Number(url.searchParams.get("n"));
      const before = memoryBytes();
      let ok = 0;
      for (let i = 0; i < n; i++) {
        const client = new Client(options);
        const session = await client.sessions.authenticateJwtLocal({ session_jwt: jwt });
        if (session.user_id) ok++;
      }
      return Response.json({ n, ok, before, after: memoryBytes() });
    }
    if (url.pathname === "/verify") {
      let ok = 0;
      for (const jwt of await request.json()) if ((await verifyJwt(jwt, options)).user_id) ok++;
      return Response.json({ ok, bytes: memoryBytes() });
    }
    if (url.pathname === "/cache") {
      const result = await authenticateRequest(request, { ...options, jwks_store: cacheApiJwksStore(caches.default) });
      if (!result.ok) return result.response();
      return Response.json({ ok: true, user_id: result.session.user_id });
    }
    return new Response("not found", { status: 404 });
  },
};
