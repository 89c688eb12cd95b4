/**
 * A Cloudflare Worker gating requests on a Stytch session with `authenticateRequest` (package
 * README, "Cloudflare Workers"; the rules: docs/rules.md, "Gating a request"). `/public` is open;
 * `POST /documents` also needs `write` on `documents`; every other route needs a session.
 */
import { authenticateRequest, kvJwksStore } from "stytch-sessions-wasm";

export interface Env {
  STYTCH_PROJECT_ID: string;
  /** A secret: `wrangler secret put STYTCH_SECRET` (locally: `.dev.vars` or `--var`). */
  STYTCH_SECRET: string;
  /** Empty for Stytch itself; the emulator's `http://127.0.0.1:PORT` for local runs. */
  STYTCH_BASE_URL?: string;
  /** The project's keys, shared by every isolate (`[[kv_namespaces]]` in wrangler.toml). */
  JWKS: KVNamespace;
}

export default {
  async fetch(request, env): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname === "/public") return Response.json({ ok: true, public: true });
    const write = request.method === "POST" && pathname === "/documents";
    const result = await authenticateRequest(request, {
      project_id: env.STYTCH_PROJECT_ID,
      secret: env.STYTCH_SECRET,
      custom_base_url: env.STYTCH_BASE_URL || undefined,
      jwks_store: kvJwksStore(env.JWKS),
      authorization_check: write ? { resource_id: "documents", action: "write" } : undefined,
    });
    // 401 no or bad session, 403 denied check, 503 Stytch could not judge: JSON with the code.
    if (!result.ok) return result.response();
    // The API was asked (the JWT was too old, expired or of a new key) when the session comes
    // with a JWT it minted, not the one the request carried. `result.headers` then carries it as
    // a `Set-Cookie` (with `Cache-Control: private, no-store`) if the JWT came from the cookie.
    const carried = `${request.headers.get("Authorization") ?? ""} ${request.headers.get("Cookie") ?? ""}`;
    const remote = !carried.includes(result.session_jwt);
    const { user_id, session_id } = result.session;
    result.headers.set("Cache-Control", "no-store");
    return Response.json({ ok: true, user_id, session_id, remote, verdict: result.verdict }, { headers: result.headers });
  },
} satisfies ExportedHandler<Env>;
