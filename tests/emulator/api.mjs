/**
 * The five Stytch Sessions endpoints (Stytch's API reference; USAGE.md). Each handler takes the emulator and the
 * parsed request, and returns the success fields (without `request_id`/`status_code`) or
 * throws an HttpError.
 */
import { HttpError } from "./errors.mjs";
import { parseClaimsArg, mergeClaims } from "./claims.mjs";
import { sessionObject } from "./state.mjs";
import { verifySessionJwt, signJwt, sessionPayload, SESSION_CLAIM } from "./jwt.mjs";
import { rfc3339 } from "./util.mjs";

const MIN_DURATION = 5;
const MAX_DURATION = 527040;
/** Duration of a session that `migrate` mints when no duration is given (not returned). */
export const MIGRATE_DEFAULT_MINUTES = 60;

/** `undefined`, `null` and `""` count as an argument left out. */
const given = (v) => v !== undefined && v !== null && v !== "";

function stringArg(body, name) {
  const v = body[name];
  if (!given(v)) return undefined;
  if (typeof v !== "string") throw new HttpError(400, "bad_request", `${name} must be a string.`);
  return v;
}

/** Exactly one of `names` must be given; returns `[name, value]`. */
function exactlyOne(body, names, tooMany, none) {
  const present = names.filter((n) => given(body[n]));
  if (present.length > 1) throw new HttpError(400, tooMany);
  if (present.length === 0) throw new HttpError(400, none);
  return [present[0], stringArg(body, present[0])];
}

/** `session_duration_minutes`: absent, or an integer in 5..527040. Returns seconds. */
function durationArg(body) {
  const v = body.session_duration_minutes;
  if (v === undefined || v === null) return undefined;
  if (!Number.isInteger(v) || v < MIN_DURATION || v > MAX_DURATION) {
    throw new HttpError(400, "invalid_session_duration_minutes");
  }
  return v * 60;
}

/** Mint a session JWT with the current key. */
export function mintJwt(emu, session, now, iatOffset = 0) {
  const payload = sessionPayload({
    session, projectId: emu.projectId, issuer: emu.issuer, now, iatOffset, rfc: rfc3339,
  });
  return signJwt(payload, emu.keyRing.current);
}

/** Resolve a session JWT (signature checked, `exp` not) to its live session, or 404. */
function sessionFromJwt(emu, jwt, now) {
  const payload = verifySessionJwt(jwt, emu);
  const session = emu.state.liveSession(payload[SESSION_CLAIM].id, now);
  if (!session || session.user_id !== payload.sub) throw new HttpError(404, "session_not_found");
  return session;
}

/** `POST /v1/sessions/authenticate` */
export function authenticate(emu, { body }) {
  const [kind, value] = exactlyOne(body, ["session_token", "session_jwt"], "too_many_session_arguments", "no_session_arguments");
  const durationSec = durationArg(body);
  const claims = parseClaimsArg(body.session_custom_claims);
  const now = emu.now();
  const session = kind === "session_token"
    ? emu.state.liveSessionByToken(value, now)
    : sessionFromJwt(emu, value, now);
  if (!session) throw new HttpError(404, "session_not_found");
  const merged = mergeClaims(session.custom_claims, claims); // may throw before any change
  session.custom_claims = merged;
  session.last_accessed_at = now;
  if (durationSec !== undefined) session.expires_at = now + durationSec;
  return {
    session: sessionObject(session),
    session_token: session.token,
    session_jwt: mintJwt(emu, session, now),
    user: structuredClone(emu.state.users.get(session.user_id)),
  };
}

/** `GET /v1/sessions?user_id=` */
export function list(emu, { query }) {
  const userId = query.get("user_id");
  if (!userId) throw new HttpError(400, "invalid_user_id");
  if (!emu.state.users.has(userId)) throw new HttpError(404, "user_not_found");
  return { sessions: emu.state.liveSessionsOf(userId, emu.now()).map(sessionObject) };
}

/** `GET /v1/sessions/jwks/{project_id}` */
export function jwks(emu, { params }) {
  if (params.project_id !== emu.projectId) throw new HttpError(404, "project_not_found");
  return { keys: emu.keyRing.jwks() };
}

/** `POST /v1/sessions/migrate` */
export function migrate(emu, { body }) {
  const token = stringArg(body, "session_token");
  if (token === undefined) throw new HttpError(400, "bad_request", "session_token is required.");
  const durationSec = durationArg(body);
  const claims = mergeClaims({}, parseClaimsArg(body.session_custom_claims));
  const email = emu.state.externalTokens.get(token);
  if (email === undefined) throw new HttpError(401, "invalid_external_session_token");
  const user = emu.state.userByEmail(email);
  if (!user) throw new HttpError(404, "migrate_from_external_email_does_not_exist");
  const now = emu.now();
  const session = emu.state.createSession(user, {
    durationSec: durationSec ?? MIGRATE_DEFAULT_MINUTES * 60,
    customClaims: claims,
  }, now);
  const out = {
    user_id: user.user_id,
    user: structuredClone(user),
    session_token: session.token,
    session_jwt: mintJwt(emu, session, now),
  };
  if (durationSec !== undefined) out.session = sessionObject(session);
  return out;
}

/** `POST /v1/sessions/revoke` */
export function revoke(emu, { body }) {
  const [kind, value] = exactlyOne(body, ["session_id", "session_token", "session_jwt"],
    "too_many_session_revoke_arguments", "no_session_revoke_arguments");
  const now = emu.now();
  const session = kind === "session_id" ? emu.state.liveSession(value, now)
    : kind === "session_token" ? emu.state.liveSessionByToken(value, now)
      : sessionFromJwt(emu, value, now);
  if (!session) throw new HttpError(404, "session_not_found");
  emu.state.revoke(session);
  return {};
}

/** The API routes, with the exact keys used by `GET /__emulator/requests`. */
export const API_ROUTES = [
  { method: "GET", pattern: "/v1/sessions/jwks/:project_id", re: /^\/v1\/sessions\/jwks\/([^/]+)$/, param: "project_id", auth: false, handler: jwks },
  { method: "POST", pattern: "/v1/sessions/authenticate", re: /^\/v1\/sessions\/authenticate$/, auth: true, handler: authenticate },
  { method: "GET", pattern: "/v1/sessions", re: /^\/v1\/sessions$/, auth: true, handler: list },
  { method: "POST", pattern: "/v1/sessions/migrate", re: /^\/v1\/sessions\/migrate$/, auth: true, handler: migrate },
  { method: "POST", pattern: "/v1/sessions/revoke", re: /^\/v1\/sessions\/revoke$/, auth: true, handler: revoke },
];
for (const r of API_ROUTES) r.key = `${r.method} ${r.pattern}`;
