/**
 * A Cloudflare Worker that gates every request on a Stytch session.
 *
 * The session JWT comes from the `stytch_session_jwt` cookie or an `Authorization: Bearer`
 * header. `authenticateJwt` verifies it locally (no API call, keys cached in module memory);
 * only a JWT older than 5 minutes, expired, or signed by a key not yet seen goes to the Stytch
 * API, which answers with a fresh JWT that is set back as the cookie. A forged or malformed
 * token is refused locally, without an API call.
 *
 * Let in: 200 `{ ok: true, user_id, session_id, remote }` (a real app would forward the request
 * to its origin with an `X-Stytch-User-Id` header instead). Refused: 401 `{ error: code }`.
 * Stytch unreachable or overloaded: 503 `{ error: code }`.
 */
import { Client, ClientError, RequestError, StytchError } from "stytch-sessions-wasm";

export interface Env {
  /** `[vars]` in wrangler.toml. */
  STYTCH_PROJECT_ID: string;
  /** A secret: `wrangler secret put STYTCH_SECRET` (locally: `.dev.vars` or `--var`). */
  STYTCH_SECRET: string;
  /** Empty for Stytch itself; the emulator's `http://127.0.0.1:PORT` for local runs. */
  STYTCH_BASE_URL?: string;
}

const COOKIE = "stytch_session_jwt";

/** The session JWT of the request: `Authorization: Bearer …` first, then the cookie. */
export function sessionJwtOf(request: Request): string | null {
  const auth = request.headers.get("Authorization");
  const bearer = auth ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
  if (bearer) return bearer[1];
  const cookies = request.headers.get("Cookie") ?? "";
  for (const part of cookies.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === COOKIE) {
      const value = part.slice(eq + 1).trim();
      return value === "" ? null : value;
    }
  }
  return null;
}

function json(status: number, body: unknown, headers?: HeadersInit): Response {
  const h = new Headers(headers);
  h.set("Content-Type", "application/json");
  h.set("Cache-Control", "no-store");
  return new Response(JSON.stringify(body), { status, headers: h });
}

export default {
  async fetch(request, env): Promise<Response> {
    const sessionJwt = sessionJwtOf(request);
    if (sessionJwt === null) return json(401, { error: "no_session" });

    // One client per request is cheap: the key cache lives in module memory, shared by all.
    const client = new Client({
      project_id: env.STYTCH_PROJECT_ID,
      secret: env.STYTCH_SECRET,
      custom_base_url: env.STYTCH_BASE_URL || undefined,
    });
    try {
      const result = await client.sessions.authenticateJwt({ session_jwt: sessionJwt });
      // The API was asked (token older than 5 minutes, expired, or a new key): it minted a new JWT.
      const remote = result.request_id !== undefined;
      const headers = new Headers();
      if (result.session_jwt !== sessionJwt) {
        headers.append("Set-Cookie", `${COOKIE}=${result.session_jwt}; HttpOnly; Secure; SameSite=Lax; Path=/`);
      }
      return json(
        200,
        { ok: true, user_id: result.session.user_id, session_id: result.session.session_id, remote },
        headers,
      );
    } catch (err) {
      if (err instanceof ClientError) return json(401, { error: err.code });
      if (err instanceof StytchError) {
        // 429 and 5xx: Stytch could not judge the session; anything else means no valid session.
        const unavailable = err.status_code === 429 || err.status_code >= 500;
        return json(unavailable ? 503 : 401, { error: err.code });
      }
      if (err instanceof RequestError) return json(503, { error: err.code });
      throw err;
    } finally {
      client.free();
    }
  },
} satisfies ExportedHandler<Env>;
