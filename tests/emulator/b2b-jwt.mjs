/**
 * Member session JWTs (USAGE.md, "B2B"): signed with the B2B key ring, with the claims stytch-node's
 * B2B `sessions.authenticateJwtLocal` reads: `sub` (member_id), the session claim and the
 * organization claim `{organization_id, slug}`.
 */
import { HttpError } from "./errors.mjs";
import { signJwt, sessionPayload, verifySessionJwt, SESSION_CLAIM } from "./jwt.mjs";
import { isObject, rfc3339 } from "./util.mjs";

/** The claim holding the member's organization. */
export const ORGANIZATION_CLAIM = "https://stytch.com/organization";

/**
 * The payload of a member session JWT, keys in Stytch's (alphabetical) order: aud, exp,
 * organization claim, session claim, iat, iss, nbf, sub, then custom claims.
 */
export function memberSessionPayload({ session, slug, projectId, issuer, now, iatOffset = 0 }) {
  return sessionPayload({
    session, projectId, issuer, now, iatOffset, rfc: rfc3339,
    id: session.member_session_id,
    sub: session.member_id,
    headClaims: { [ORGANIZATION_CLAIM]: { organization_id: session.organization_id, slug } },
  });
}

/** Mint a member session JWT with the current B2B key. */
export function mintMemberJwt(emu, session, now, iatOffset = 0) {
  const slug = emu.b2b.organizations.get(session.organization_id).organization_slug;
  const payload = memberSessionPayload({ session, slug, projectId: emu.projectId, issuer: emu.issuer, now, iatOffset });
  return signJwt(payload, emu.b2b.keyRing.current);
}

/**
 * Resolve a member session JWT (signature, issuer and audience checked against the B2B keys;
 * `exp` not, as for consumer JWTs) to its live session, or throw: 400 `invalid_session_jwt`,
 * 401 `unauthorized_session_jwt` (also for a JWT without the organization claim, such as a
 * consumer one), 404 `session_not_found`.
 */
export function memberSessionFromJwt(emu, jwt, now) {
  const payload = verifySessionJwt(jwt, { keyRing: emu.b2b.keyRing, projectId: emu.projectId, issuers: emu.issuers });
  if (!isObject(payload[ORGANIZATION_CLAIM])) throw new HttpError(401, "unauthorized_session_jwt");
  const session = emu.b2b.sessions.live(payload[SESSION_CLAIM].id, now);
  if (!session || session.member_id !== payload.sub) throw new HttpError(404, "session_not_found");
  return session;
}
