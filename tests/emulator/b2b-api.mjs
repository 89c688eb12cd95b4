/**
 * The Stytch B2B Sessions endpoints and the B2B RBAC policies (stytch-node `lib/b2b/sessions.ts`,
 * `rbac.ts`, `rbac_organizations.ts`; USAGE.md, "B2B"). Each handler takes the emulator and the
 * parsed request, and returns the success fields (without `request_id`/`status_code`) or throws
 * an HttpError. Unknown body (or query) parameters are 400 `bad_request`.
 */
import { HttpError, bad } from "./errors.mjs";
import { b2bError } from "./b2b-errors.mjs";
import { parseClaimsArg, mergeClaims } from "./claims.mjs";
import {
  stringArg, exactlyOne, durationArg, exchangeableAccessToken, accessTokenFactor, trustedAuthFactor, attestOnto, MIGRATE_DEFAULT_MINUTES,
} from "./api.mjs";
import { ORGANIZATION_CLAIM, mintMemberJwt, memberSessionFromJwt } from "./b2b-jwt.mjs";
import { parseMemberAuthorizationCheck, authorizeMember } from "./b2b-rbac.mjs";
import { given } from "./util.mjs";

const SESSION_ARGS = ["session_token", "session_jwt"];
/** Factor types Stytch carries into the new session on `exchange` (email magic link, OAuth, SMS OTP). */
const TRANSFERABLE_FACTORS = new Set(["magic_link", "oauth", "otp"]);

/** Reject any parameter not in `names` (its name, cut to 64 characters, is in the message). */
function onlyParams(params, names) {
  for (const k of Object.keys(params)) {
    if (!names.includes(k)) throw bad(`Unknown parameter: ${k.slice(0, 64)}.`);
  }
}

function requiredString(body, name) {
  const v = stringArg(body, name);
  if (v === undefined) throw bad(`${name} is required.`);
  return v;
}

/** `session_custom_claims` without the organization claim (which, like the reserved ones, is ignored). */
function claimsUpdate(body) {
  const update = parseClaimsArg(body.session_custom_claims);
  if (!update) return undefined;
  const { [ORGANIZATION_CLAIM]: _ignored, ...rest } = update;
  return rest;
}

/** The live member session named by a token or a JWT, or 404 `session_not_found`. */
function sessionBy(emu, kind, value, now) {
  const session = kind === "session_token" ? emu.b2b.sessions.liveByToken(value, now) : memberSessionFromJwt(emu, value, now);
  if (!session) throw new HttpError(404, "session_not_found");
  return session;
}

/** The organization named by id or slug, or 404 `organization_not_found`. */
function organizationArg(emu, idOrSlug) {
  const org = emu.b2b.organization(idOrSlug);
  if (!org) throw b2bError(404, "organization_not_found");
  return org;
}

/** `session_token`, a fresh `session_jwt`, `member` and `organization` for a session. */
function sessionParts(emu, session, now) {
  return {
    session_token: session.token,
    session_jwt: mintMemberJwt(emu, session, now),
    member: structuredClone(emu.b2b.members.get(session.member_id)),
    organization: structuredClone(emu.b2b.organizations.get(session.organization_id)),
  };
}

/** `{member_id, member_session?, session_token, session_jwt, member, organization}`. */
function memberAnswer(emu, session, now, withSession) {
  const out = { member_id: session.member_id };
  if (withSession) out.member_session = emu.b2b.sessionObject(session);
  return { ...out, ...sessionParts(emu, session, now) };
}

/**
 * A new session for `member` (`exchange`, `exchange_access_token`, `attest`, `migrate`): 60 minutes
 * when no duration is given.
 */
function newSession(emu, member, { durationSec, update, factors }, now) {
  return emu.b2b.createSession(member, {
    durationSec: durationSec ?? MIGRATE_DEFAULT_MINUTES * 60,
    customClaims: mergeClaims({}, update),
    factors,
  }, now);
}

/** `POST /v1/b2b/sessions/authenticate`, with an optional `authorization_check`. */
export function authenticate(emu, { body }) {
  onlyParams(body, [...SESSION_ARGS, "session_duration_minutes", "session_custom_claims", "authorization_check"]);
  const [kind, value] = exactlyOne(body, SESSION_ARGS, "too_many_session_arguments", "no_session_arguments");
  const durationSec = durationArg(body);
  const update = claimsUpdate(body);
  const check = parseMemberAuthorizationCheck(body.authorization_check);
  const now = emu.now();
  const session = sessionBy(emu, kind, value, now);
  const merged = mergeClaims(session.custom_claims, update); // may throw before any change
  const verdict = check ? authorizeMember(emu.b2b, session, check) : undefined; // a 403 changes nothing
  session.custom_claims = merged;
  session.last_accessed_at = now;
  if (durationSec !== undefined) session.expires_at = now + durationSec;
  const out = { member_session: emu.b2b.sessionObject(session), ...sessionParts(emu, session, now) };
  if (verdict) out.verdict = verdict;
  return out;
}

/** `GET /v1/b2b/sessions?organization_id=&member_id=` → the member's live sessions, oldest first. */
export function list(emu, { query }) {
  onlyParams(Object.fromEntries(query), ["organization_id", "member_id"]);
  const orgArg = query.get("organization_id");
  const memberId = query.get("member_id");
  if (!orgArg) throw bad("organization_id is required.");
  if (!memberId) throw bad("member_id is required.");
  const org = organizationArg(emu, orgArg);
  const member = emu.b2b.members.get(memberId);
  if (!member || member.organization_id !== org.organization_id) throw b2bError(404, "member_not_found");
  return { member_sessions: emu.b2b.sessions.liveOf(member.member_id, emu.now()).map((s) => emu.b2b.sessionObject(s)) };
}

/**
 * The member session that `X-Stytch-Member-Session` / `X-Stytch-Member-SessionJWT` name, or
 * undefined without either. Each given header must name a live member session (both: the same
 * one), else 401 `unauthorized_credentials`.
 */
function actingSession(emu, headers, now) {
  const token = headers["x-stytch-member-session"];
  const jwt = headers["x-stytch-member-sessionjwt"];
  if (!token && !jwt) return undefined;
  const found = [];
  if (token) found.push(emu.b2b.sessions.liveByToken(token, now));
  if (jwt) {
    try {
      found.push(memberSessionFromJwt(emu, jwt, now));
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      found.push(undefined);
    }
  }
  if (found.some((s) => !s) || found[0] !== found[found.length - 1]) {
    throw new HttpError(401, "unauthorized_credentials",
      "X-Stytch-Member-Session and X-Stytch-Member-SessionJWT must name a live member session.");
  }
  return found[0];
}

/**
 * `POST /v1/b2b/sessions/revoke {member_session_id | session_token | session_jwt | member_id}`
 * (exactly one); `member_id` revokes all that member's sessions. With a member session header,
 * the target must belong to that member's organization, else 403 `session_authorization_error`.
 */
export function revoke(emu, { body, headers }) {
  const names = ["member_session_id", ...SESSION_ARGS, "member_id"];
  onlyParams(body, names);
  const present = names.filter((n) => given(body[n]));
  if (present.length > 1) throw b2bError(400, "too_many_session_revoke_arguments");
  if (present.length === 0) throw b2bError(400, "no_session_revoke_arguments");
  const [name] = present;
  const value = stringArg(body, name);
  const now = emu.now();
  const actor = actingSession(emu, headers, now);
  let targets;
  let organizationId;
  if (name === "member_id") {
    const member = emu.b2b.members.get(value);
    if (!member) throw b2bError(404, "member_not_found");
    targets = emu.b2b.sessions.liveOf(member.member_id, now);
    organizationId = member.organization_id;
  } else {
    const session = name === "member_session_id" ? emu.b2b.sessions.live(value, now) : sessionBy(emu, name, value, now);
    if (!session) throw new HttpError(404, "session_not_found");
    targets = [session];
    organizationId = session.organization_id;
  }
  if (actor && actor.organization_id !== organizationId) throw b2bError(403, "session_authorization_error");
  for (const s of targets) emu.b2b.sessions.revoke(s);
  return {};
}

/**
 * `POST /v1/b2b/sessions/exchange`: a new session for the member of the target organization with
 * the same email as the session's member (none: 404 `member_not_found`). The email magic link,
 * OAuth and OTP factors carry over; the old session stays live. Always fully authenticated here.
 */
export function exchange(emu, { body }) {
  onlyParams(body, ["organization_id", ...SESSION_ARGS, "session_duration_minutes", "session_custom_claims", "locale", "telemetry_id"]);
  const orgArg = requiredString(body, "organization_id");
  const [kind, value] = exactlyOne(body, SESSION_ARGS, "too_many_session_arguments", "no_session_arguments");
  const durationSec = durationArg(body);
  const update = claimsUpdate(body);
  stringArg(body, "locale");
  stringArg(body, "telemetry_id");
  const now = emu.now();
  const source = sessionBy(emu, kind, value, now);
  const org = organizationArg(emu, orgArg);
  const email = emu.b2b.members.get(source.member_id).email_address;
  const member = emu.b2b.memberByEmail(org.organization_id, email);
  if (!member) throw b2bError(404, "member_not_found");
  const factors = structuredClone(source.authentication_factors.filter((f) => TRANSFERABLE_FACTORS.has(f.type)));
  const session = newSession(emu, member, { durationSec, update, factors }, now);
  return {
    ...memberAnswer(emu, session, now, true),
    member_authenticated: true,
    intermediate_session_token: "",
    mfa_required: null,
    primary_required: null,
  };
}

/** `POST /v1/b2b/sessions/exchange_access_token` (USAGE.md, "B2B"). */
export function exchangeAccessToken(emu, { body }) {
  onlyParams(body, ["access_token", "session_duration_minutes", "session_custom_claims", "telemetry_id"]);
  const token = requiredString(body, "access_token");
  const durationSec = durationArg(body);
  const update = claimsUpdate(body);
  mergeClaims({}, update); // a claims error comes before any token error
  stringArg(body, "telemetry_id");
  const now = emu.now();
  const record = exchangeableAccessToken(emu.b2b.accessTokens, token, now);
  record.used = true;
  const factor = accessTokenFactor(now, record);
  const session = newSession(emu, emu.b2b.members.get(record.member_id), { durationSec, update, factors: [factor] }, now);
  return memberAnswer(emu, session, now, durationSec !== undefined);
}

/** `POST /v1/b2b/sessions/attest` (USAGE.md, "B2B"). */
export function attest(emu, { body }) {
  onlyParams(body, ["profile_id", "token", "organization_id", "session_duration_minutes", "session_custom_claims", ...SESSION_ARGS, "telemetry_id"]);
  const profileId = requiredString(body, "profile_id");
  const token = requiredString(body, "token");
  const orgArg = stringArg(body, "organization_id");
  const names = SESSION_ARGS.filter((n) => given(body[n]));
  if (names.length > 1) throw new HttpError(400, "too_many_session_arguments");
  const existing = names.length ? [names[0], stringArg(body, names[0])] : undefined;
  const durationSec = durationArg(body);
  const update = claimsUpdate(body);
  mergeClaims({}, update);
  stringArg(body, "telemetry_id");
  const now = emu.now();
  const org = orgArg === undefined ? undefined : organizationArg(emu, orgArg);
  if (!emu.b2b.trustedProfiles.has(profileId)) throw new HttpError(404, "trusted_auth_token_profile_not_found");
  const record = emu.b2b.trustedTokens.get(token);
  if (!record || record.used || record.profile_id !== profileId) throw new HttpError(401, "invalid_trusted_auth_token");
  const member = emu.b2b.members.get(record.member_id);
  if (org && org.organization_id !== member.organization_id) {
    throw new HttpError(401, "invalid_trusted_auth_token", "The trusted auth token belongs to a member of another organization.");
  }
  const factor = trustedAuthFactor(now, record);
  if (!existing) {
    record.used = true;
    return memberAnswer(emu, newSession(emu, member, { durationSec, update, factors: [factor] }, now), now, true);
  }
  const session = sessionBy(emu, existing[0], existing[1], now);
  if (session.member_id !== member.member_id) {
    throw new HttpError(401, "invalid_trusted_auth_token", "The trusted auth token belongs to another member than the session.");
  }
  attestOnto(session, { record, update, factor, durationSec }, now);
  return memberAnswer(emu, session, now, true);
}

/**
 * `POST /v1/b2b/sessions/migrate {session_token, organization_id, ...}`: the external token
 * (`POST /__emulator/external_tokens`) gives an email, matched case-insensitively against the
 * organization's members.
 */
export function migrate(emu, { body }) {
  onlyParams(body, ["session_token", "organization_id", "session_duration_minutes", "session_custom_claims"]);
  const token = requiredString(body, "session_token");
  const orgArg = requiredString(body, "organization_id");
  const durationSec = durationArg(body);
  const update = claimsUpdate(body);
  mergeClaims({}, update);
  const email = emu.state.externalTokens.get(token);
  if (email === undefined) throw new HttpError(401, "invalid_external_session_token");
  const org = organizationArg(emu, orgArg);
  const member = emu.b2b.memberByEmail(org.organization_id, email);
  if (!member) throw b2bError(404, "member_not_found");
  const now = emu.now();
  return memberAnswer(emu, newSession(emu, member, { durationSec, update }, now), now, durationSec !== undefined);
}

/** `GET /v1/b2b/sessions/jwks/{project_id}`: the B2B signing keys. */
export function jwks(emu, { params }) {
  if (params.project_id !== emu.projectId) throw new HttpError(404, "project_not_found");
  return { keys: emu.b2b.keyRing.jwks() };
}

/** `GET /v1/b2b/rbac/policy` */
export function policy(emu) {
  return { policy: structuredClone(emu.b2b.policy) };
}

/** `GET /v1/b2b/rbac/organizations/{organization_id}` → `{org_policy: {roles}}` (`[]` when none was set). */
export function orgPolicy(emu, { params }) {
  const org = organizationArg(emu, params.organization_id);
  return { org_policy: { roles: structuredClone(org.custom_roles) } };
}

/** The B2B API routes, shaped as api.mjs's `API_ROUTES`. */
export const B2B_API_ROUTES = [
  { method: "GET", pattern: "/v1/b2b/sessions/jwks/:project_id", auth: false, handler: jwks,
    help: "the B2B JWK set (no auth)" },
  { method: "POST", pattern: "/v1/b2b/sessions/authenticate", auth: true, handler: authenticate,
    help: "{session_token | session_jwt, ..., authorization_check?}" },
  { method: "GET", pattern: "/v1/b2b/sessions", auth: true, handler: list,
    help: "?organization_id=&member_id= → the member's live sessions" },
  { method: "POST", pattern: "/v1/b2b/sessions/revoke", auth: true, handler: revoke,
    help: "{member_session_id | session_token | session_jwt | member_id}" },
  { method: "POST", pattern: "/v1/b2b/sessions/exchange", auth: true, handler: exchange,
    help: "{organization_id, session_token | session_jwt, ...}" },
  { method: "POST", pattern: "/v1/b2b/sessions/exchange_access_token", auth: true, handler: exchangeAccessToken,
    help: "{access_token, ...}" },
  { method: "POST", pattern: "/v1/b2b/sessions/attest", auth: true, handler: attest,
    help: "{profile_id, token, organization_id?, ...}" },
  { method: "POST", pattern: "/v1/b2b/sessions/migrate", auth: true, handler: migrate,
    help: "{session_token, organization_id, ...}" },
  { method: "GET", pattern: "/v1/b2b/rbac/policy", auth: true, handler: policy,
    help: "the B2B RBAC policy" },
  { method: "GET", pattern: "/v1/b2b/rbac/organizations/:organization_id", auth: true, handler: orgPolicy,
    help: "an organization's own RBAC roles" },
];
