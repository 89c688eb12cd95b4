/**
 * What the consumer and B2B control routes (`/__emulator/` and `/__emulator/b2b/`, USAGE.md) share:
 * the checked arguments of a minted session, access tokens and trusted auth tokens issued for a
 * user or a member, and the key rotation argument.
 */
import { HttpError, bad } from "./errors.mjs";
import { mergeClaims, parseClaimsArg } from "./claims.mjs";
import { parseFactors, isStringArray } from "./state.mjs";
import { isObject, newId, newSessionToken } from "./util.mjs";

/**
 * The checked arguments of a minted session: `session_duration_minutes? = 60` (any number ≥ 0 here;
 * 0 gives an already-expired session), `iat_offset_seconds? = 0` (an integer), `attributes?` (an
 * object or null), `roles?` (strings or null), `custom_claims?` (without the claim named
 * `droppedClaim`, if any), `factors?`. Returns `{iatOffset, durationSec, customClaims, factors,
 * attributes, roles}`, `roles` undefined when left out (the subject's own roles then).
 */
export function sessionArgs(body, now, droppedClaim) {
  const minutes = body.session_duration_minutes ?? 60;
  if (!Number.isFinite(minutes) || minutes < 0) throw new HttpError(400, "invalid_session_duration_minutes", "session_duration_minutes must be a number >= 0.");
  const iatOffset = body.iat_offset_seconds ?? 0;
  if (!Number.isInteger(iatOffset)) throw bad("iat_offset_seconds must be an integer.");
  if (body.attributes !== undefined && body.attributes !== null && !isObject(body.attributes)) throw bad("attributes must be an object or null.");
  if (body.roles !== undefined && body.roles !== null && !isStringArray(body.roles)) throw bad("roles must be an array of strings.");
  const claims = parseClaimsArg(body.custom_claims, "custom_claims");
  const kept = claims && droppedClaim !== undefined ? Object.fromEntries(Object.entries(claims).filter(([k]) => k !== droppedClaim)) : claims;
  return {
    iatOffset,
    durationSec: Math.round(minutes * 60),
    customClaims: mergeClaims({}, kept),
    factors: parseFactors(body.factors, now),
    attributes: body.attributes,
    roles: body.roles ?? undefined,
  };
}

/**
 * A new access token for `subject` (`{user_id}` or `{member_id}`), stored in `accessTokens` as
 * issued at `now`, for `body.client_id` (a string, or a new `connected-app-test-…` id).
 * Returns `{access_token}`.
 */
export function issueAccessToken(accessTokens, subject, body, now) {
  if (body.client_id !== undefined && body.client_id !== null && typeof body.client_id !== "string") throw bad("client_id must be a string.");
  const token = newSessionToken();
  accessTokens.set(token, {
    ...subject,
    client_id: body.client_id ?? newId("connected-app-test"),
    issued_at: now,
    used: false,
  });
  return { access_token: token };
}

/** `body.profile_id`, a non-empty string, or 400. */
export function profileIdArg(body) {
  if (typeof body.profile_id !== "string" || body.profile_id === "") throw bad("profile_id must be a non-empty string.");
  return body.profile_id;
}

/**
 * A new trusted auth token for the subject (`{user_id}` or `{member_id}`) with the profile
 * `profileId`, which becomes trusted; `store` holds `trustedProfiles` and `trustedTokens`. Returns `{token}`.
 */
export function issueTrustedAuthToken(store, profileId, subject) {
  const token = newSessionToken();
  store.trustedProfiles.add(profileId);
  store.trustedTokens.set(token, {
    profile_id: profileId,
    ...subject,
    token_id: newId("trusted-auth-token-test"),
    used: false,
  });
  return { token };
}

/** `body.keep_old`, a boolean (default true), or 400. */
export function keepOldArg(body) {
  const keepOld = body.keep_old ?? true;
  if (typeof keepOld !== "boolean") throw bad("keep_old must be a boolean.");
  return keepOld;
}
