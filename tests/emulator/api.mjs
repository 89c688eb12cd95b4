/**
 * The Stytch Sessions endpoints and the RBAC policy (Stytch's API reference; USAGE.md). Each handler
 * takes the emulator and the parsed request, and returns the success fields (without
 * `request_id`/`status_code`) or throws an HttpError.
 */
import { HttpError, bad } from "./errors.mjs";
import { parseClaimsArg, mergeClaims } from "./claims.mjs";
import { sessionObject } from "./state.mjs";
import { parseAuthorizationCheck, authorize } from "./rbac.mjs";
import { verifySessionJwt, signJwt, sessionPayload, SESSION_CLAIM } from "./jwt.mjs";
import { given, rfc3339 } from "./util.mjs";
import { OAUTH_API_ROUTES } from "./oauth-api.mjs";

/** Lifetime of an access token minted by `POST /__emulator/access_tokens`, in seconds. */
export const ACCESS_TOKEN_LIFETIME_SEC = 300;

const MIN_DURATION = 5;
const MAX_DURATION = 527040;
/** Duration of a session that `migrate` mints when no duration is given (not returned). */
export const MIGRATE_DEFAULT_MINUTES = 60;

function stringArg(body, name) {
  const v = body[name];
  if (!given(v)) return undefined;
  if (typeof v !== "string") throw bad(`${name} must be a string.`);
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
  const session = emu.state.sessions.live(payload[SESSION_CLAIM].id, now);
  if (!session || session.user_id !== payload.sub) throw new HttpError(404, "session_not_found");
  return session;
}

/** `POST /v1/sessions/authenticate`, with an optional `authorization_check` (USAGE.md, "RBAC"). */
export function authenticate(emu, { body }) {
  const [kind, value] = exactlyOne(body, ["session_token", "session_jwt"], "too_many_session_arguments", "no_session_arguments");
  const durationSec = durationArg(body);
  const claims = parseClaimsArg(body.session_custom_claims);
  const check = parseAuthorizationCheck(body.authorization_check);
  const now = emu.now();
  const session = kind === "session_token"
    ? emu.state.sessions.liveByToken(value, now)
    : sessionFromJwt(emu, value, now);
  if (!session) throw new HttpError(404, "session_not_found");
  const merged = mergeClaims(session.custom_claims, claims); // may throw before any change
  const verdict = check ? authorize(emu.state.policy, session.roles, check) : undefined; // a 403 changes nothing
  session.custom_claims = merged;
  session.last_accessed_at = now;
  if (durationSec !== undefined) session.expires_at = now + durationSec;
  const out = {
    session: sessionObject(session),
    session_token: session.token,
    session_jwt: mintJwt(emu, session, now),
    user: structuredClone(emu.state.users.get(session.user_id)),
  };
  if (verdict) out.verdict = verdict;
  return out;
}

/** `GET /v1/rbac/policy` */
export function policy(emu) {
  return { policy: structuredClone(emu.state.policy) };
}

/**
 * A new session for `user` (`migrate`, `exchange_access_token`, `attest`): 60 minutes when no
 * duration is given, and then the `session` key is left out of the answer. Without a `factor`
 * the session gets the user's default factor.
 */
function newSessionAnswer(emu, user, { durationSec, claims, factor }, now) {
  const session = emu.state.createSession(user, {
    durationSec: durationSec ?? MIGRATE_DEFAULT_MINUTES * 60,
    customClaims: claims,
    factors: factor ? [factor] : undefined,
  }, now);
  return sessionAnswer(emu, user, session, durationSec, now);
}

function sessionAnswer(emu, user, session, durationSec, now) {
  const out = {
    user_id: user.user_id,
    user: structuredClone(user),
    session_token: session.token,
    session_jwt: mintJwt(emu, session, now),
  };
  if (durationSec !== undefined) out.session = sessionObject(session);
  return out;
}

function factorAt(now, fields) {
  const t = rfc3339(now);
  return { ...fields, last_authenticated_at: t, created_at: t, updated_at: t };
}

/**
 * The unused record of `token` in an access-token map (`accessTokens` of the consumer or B2B
 * state) issued less than 5 minutes before `now`; else 404.
 */
function exchangeableAccessToken(accessTokens, token, now) {
  const record = accessTokens.get(token);
  if (!record) throw new HttpError(404, "idp_access_token_not_found");
  if (record.used || now - record.issued_at > ACCESS_TOKEN_LIFETIME_SEC) {
    throw new HttpError(404, "idp_access_token_could_not_be_exchanged");
  }
  return record;
}

/** The factor an exchanged access token `record` adds to the new session. */
function accessTokenFactor(now, record) {
  return factorAt(now, {
    type: "oauth",
    delivery_method: "oauth_access_token_exchange",
    oauth_access_token_exchange_factor: { client_id: record.client_id },
  });
}

/** The factor an attested trusted auth token `record` adds to a session. */
function trustedAuthFactor(now, record) {
  return factorAt(now, {
    type: "trusted_auth_token",
    delivery_method: "trusted_token_exchange",
    trusted_auth_token_factor: { token_id: record.token_id },
  });
}

/**
 * Attest onto a live `session`: merge `update` into its custom claims (checked first, so a bad
 * update changes nothing), use the trusted auth token `record` up, add `factor`, touch the session
 * and extend it by `durationSec` when given.
 */
function attestOnto(session, { record, update, factor, durationSec }, now) {
  const merged = mergeClaims(session.custom_claims, update); // may throw before any change
  record.used = true;
  session.custom_claims = merged;
  session.authentication_factors = [...session.authentication_factors, factor];
  session.last_accessed_at = now;
  if (durationSec !== undefined) session.expires_at = now + durationSec;
}

/** `POST /v1/sessions/exchange_access_token` (USAGE.md, "Access tokens and trusted auth tokens"). */
export function exchangeAccessToken(emu, { body }) {
  const token = stringArg(body, "access_token");
  if (token === undefined) throw bad("access_token is required.");
  const durationSec = durationArg(body);
  const claims = mergeClaims({}, parseClaimsArg(body.session_custom_claims));
  const now = emu.now();
  const record = exchangeableAccessToken(emu.state.accessTokens, token, now);
  const user = emu.state.users.get(record.user_id);
  record.used = true;
  const factor = accessTokenFactor(now, record);
  return newSessionAnswer(emu, user, { durationSec, claims, factor }, now);
}

/** `POST /v1/sessions/attest` (USAGE.md, "Access tokens and trusted auth tokens"). */
export function attest(emu, { body }) {
  const profileId = stringArg(body, "profile_id");
  if (profileId === undefined) throw bad("profile_id is required.");
  const token = stringArg(body, "token");
  if (token === undefined) throw bad("token is required.");
  const names = ["session_token", "session_jwt"].filter((n) => given(body[n]));
  if (names.length > 1) throw new HttpError(400, "too_many_session_arguments");
  const existing = names.length ? [names[0], stringArg(body, names[0])] : undefined;
  const durationSec = durationArg(body);
  const update = parseClaimsArg(body.session_custom_claims);
  const now = emu.now();
  if (!emu.state.trustedProfiles.has(profileId)) throw new HttpError(404, "trusted_auth_token_profile_not_found");
  const record = emu.state.trustedTokens.get(token);
  if (!record || record.used || record.profile_id !== profileId) throw new HttpError(401, "invalid_trusted_auth_token");
  const user = emu.state.users.get(record.user_id);
  const factor = trustedAuthFactor(now, record);
  if (!existing) {
    const claims = mergeClaims({}, update);
    record.used = true;
    return newSessionAnswer(emu, user, { durationSec, claims, factor }, now);
  }
  const [kind, value] = existing;
  const session = kind === "session_token" ? emu.state.sessions.liveByToken(value, now) : sessionFromJwt(emu, value, now);
  if (!session) throw new HttpError(404, "session_not_found");
  if (session.user_id !== user.user_id) {
    throw new HttpError(401, "invalid_trusted_auth_token", "The trusted auth token belongs to another user than the session.");
  }
  attestOnto(session, { record, update, factor, durationSec }, now);
  return sessionAnswer(emu, user, session, durationSec, now);
}

/** `GET /v1/sessions?user_id=` */
export function list(emu, { query }) {
  const userId = query.get("user_id");
  if (!userId) throw new HttpError(400, "invalid_user_id");
  if (!emu.state.users.has(userId)) throw new HttpError(404, "user_not_found");
  return { sessions: emu.state.sessions.liveOf(userId, emu.now()).map(sessionObject) };
}

/** `GET /v1/sessions/jwks/{project_id}` */
export function jwks(emu, { params }) {
  if (params.project_id !== emu.projectId) throw new HttpError(404, "project_not_found");
  return { keys: emu.keyRing.jwks() };
}

/** `POST /v1/sessions/migrate` */
export function migrate(emu, { body }) {
  const token = stringArg(body, "session_token");
  if (token === undefined) throw bad("session_token is required.");
  const durationSec = durationArg(body);
  const claims = mergeClaims({}, parseClaimsArg(body.session_custom_claims));
  const email = emu.state.externalTokens.get(token);
  if (email === undefined) throw new HttpError(401, "invalid_external_session_token");
  const user = emu.state.userByEmail(email);
  if (!user) throw new HttpError(404, "migrate_from_external_email_does_not_exist");
  return newSessionAnswer(emu, user, { durationSec, claims }, emu.now());
}

/** `POST /v1/sessions/revoke` */
export function revoke(emu, { body }) {
  const [kind, value] = exactlyOne(body, ["session_id", "session_token", "session_jwt"],
    "too_many_session_revoke_arguments", "no_session_revoke_arguments");
  const now = emu.now();
  const session = kind === "session_id" ? emu.state.sessions.live(value, now)
    : kind === "session_token" ? emu.state.sessions.liveByToken(value, now)
      : sessionFromJwt(emu, value, now);
  if (!session) throw new HttpError(404, "session_not_found");
  emu.state.sessions.revoke(session);
  return {};
}

/**
 * The API routes: `{method, pattern, auth, readBody?, handler, help}`, keyed `"<METHOD> <pattern>"`
 * in index.mjs (the keys `GET /__emulator/requests` counts); `help` is the `--help` line.
 */
export const API_ROUTES = [
  { method: "GET", pattern: "/v1/sessions/jwks/:project_id", auth: false, handler: jwks,
    help: "the JWK set (no auth)" },
  { method: "POST", pattern: "/v1/sessions/authenticate", auth: true, handler: authenticate,
    help: "{session_token | session_jwt, session_duration_minutes?, session_custom_claims?, authorization_check?}" },
  { method: "GET", pattern: "/v1/sessions", auth: true, handler: list,
    help: "?user_id= → the user's live sessions" },
  { method: "POST", pattern: "/v1/sessions/migrate", auth: true, handler: migrate,
    help: "{session_token, session_duration_minutes?, session_custom_claims?}" },
  { method: "POST", pattern: "/v1/sessions/revoke", auth: true, handler: revoke,
    help: "{session_id | session_token | session_jwt}" },
  { method: "POST", pattern: "/v1/sessions/exchange_access_token", auth: true, handler: exchangeAccessToken,
    help: "{access_token, session_duration_minutes?, session_custom_claims?}" },
  { method: "POST", pattern: "/v1/sessions/attest", auth: true, handler: attest,
    help: "{profile_id, token, session_token? | session_jwt?, ...}" },
  { method: "GET", pattern: "/v1/rbac/policy", auth: true, handler: policy,
    help: "the RBAC policy {roles, resources, scopes}" },
  ...OAUTH_API_ROUTES,
];

/** Helpers shared with the B2B routes (b2b-api.mjs): arguments, access-token exchange, attest. */
export { stringArg, exactlyOne, durationArg, exchangeableAccessToken, accessTokenFactor, trustedAuthFactor, attestOnto };
