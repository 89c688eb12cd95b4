// The soak's baseline (scripts/soak): the worker example's gate with jose alone, no wasm. Same
// routes, answers and Set-Cookie as worker-example/src/index.ts, so the load runner checks it
// the same way: a JWT jose verifies against the project's JWKS (fetched by jose, cached in
// module memory, refetched at most once per 30 s for an unknown kid) is let in locally; an
// expired, too old (iat more than 300 s ago) or unknown-kid JWT goes to
// POST /v1/sessions/authenticate, whose new JWT is set as the cookie; a bad signature is refused
// locally. Bindings: STYTCH_PROJECT_ID, STYTCH_SECRET, STYTCH_BASE_URL.
import { createRemoteJWKSet, errors, jwtVerify } from "jose";

const COOKIE = "stytch_session_jwt";
let keys; // { url, set }: jose's key set, made on the first request (never at module load)

function sessionJwtOf(request) {
  const auth = request.headers.get("Authorization");
  const bearer = auth ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
  if (bearer) return bearer[1];
  for (const part of (request.headers.get("Cookie") ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === COOKIE) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

function json(status, body, headers) {
  const h = new Headers(headers);
  h.set("Content-Type", "application/json");
  h.set("Cache-Control", "no-store");
  return new Response(JSON.stringify(body), { status, headers: h });
}

/** Whether jose refused a genuine token that only the API can judge. */
function undecided(err) {
  return err instanceof errors.JWTExpired || err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSTimeout || (err instanceof errors.JWTClaimValidationFailed && err.claim === "iat");
}

/** A refusal as the package's authenticateRequest words it (docs/rules.md, "Gating a request"). */
function refuse(status, code) {
  return json(status, { error: status === 503 ? "unavailable" : status === 403 ? "forbidden" : "unauthorized", code });
}

async function remote(env, base, sessionJwt) {
  const res = await fetch(`${base}/v1/sessions/authenticate`, {
    method: "POST",
    headers: { Authorization: `Basic ${btoa(`${env.STYTCH_PROJECT_ID}:${env.STYTCH_SECRET}`)}`, "Content-Type": "application/json" },
    body: JSON.stringify({ session_jwt: sessionJwt }),
  });
  const body = await res.json().catch(() => null);
  if (!res.ok || !body?.session) {
    const unavailable = res.status === 429 || res.status >= 500;
    return refuse(unavailable ? 503 : 401, body?.error_type ?? "invalid_response");
  }
  const headers = new Headers();
  if (body.session_jwt !== sessionJwt) {
    const maxAge = Math.max(0, Math.floor((Date.parse(body.session.expires_at) - Date.now()) / 1000));
    headers.append("Set-Cookie", `${COOKIE}=${body.session_jwt}; Path=/; Max-Age=${maxAge}; Secure; SameSite=Lax`);
  }
  return json(200, { ok: true, user_id: body.session.user_id, session_id: body.session.session_id, remote: true }, headers);
}

export default {
  async fetch(request, env) {
    const sessionJwt = sessionJwtOf(request);
    if (sessionJwt === null) return refuse(401, "no_session");
    const projectId = env.STYTCH_PROJECT_ID;
    const base = (env.STYTCH_BASE_URL || "https://test.stytch.com").replace(/\/$/, "");
    const url = `${base}/v1/sessions/jwks/${encodeURIComponent(projectId)}`;
    if (keys?.url !== url) keys = { url, set: createRemoteJWKSet(new URL(url), { cooldownDuration: 30_000, cacheMaxAge: 600_000, timeoutDuration: 5_000 }) };
    try {
      const { payload } = await jwtVerify(sessionJwt, keys.set, {
        algorithms: ["RS256"],
        issuer: [`stytch.com/${projectId}`, base],
        audience: projectId,
        maxTokenAge: 300,
        requiredClaims: ["exp", "iat"],
      });
      const session = payload["https://stytch.com/session"];
      return json(200, { ok: true, user_id: payload.sub, session_id: session?.id, remote: false });
    } catch (err) {
      if (undecided(err)) {
        try {
          return await remote(env, base, sessionJwt);
        } catch {
          return refuse(503, "network_error");
        }
      }
      if (err instanceof errors.JWSSignatureVerificationFailed) return refuse(401, "jwt_signature_invalid");
      if (err instanceof errors.JOSEError) return refuse(401, err.code);
      return refuse(503, "network_error");
    }
  },
};
