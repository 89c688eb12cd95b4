/**
 * OAuth access tokens (USAGE.md, "M2M and Connected Apps"): RS256 JWTs signed with the project's
 * session keys (served at the same JWKS as session JWTs), with the claims stytch-node's
 * `m2m.authenticateToken` and `idp.introspectTokenLocal` read. The verifier below is what
 * `POST /v1/public/:project_id/oauth2/introspect` uses.
 */
import { RESERVED_CLAIMS, mergeClaims, parseClaimsArg } from "./claims.mjs";
import { signJwt, verifyJws } from "./jwt.mjs";
import { ORGANIZATION_CLAIM } from "./b2b-jwt.mjs";
import { newSessionToken } from "./util.mjs";

/** Lifetime of an M2M access token, and the default of a Connected App one, in seconds. */
export const ACCESS_TOKEN_TTL_SEC = 3600;

/** Top-level claims custom claims cannot set: silently dropped, as for sessions. */
const TOKEN_RESERVED = new Set([...RESERVED_CLAIMS, "scope", "client_id", ORGANIZATION_CLAIM]);

/**
 * Custom claims for access tokens: absent/null → `{}`; otherwise an object whose reserved names
 * are dropped and whose JSON is at most 4096 bytes (400 `custom_claims_too_large`).
 */
export function tokenClaimsArg(value, name = "custom_claims") {
  const given = parseClaimsArg(value, name);
  if (!given) return {};
  return mergeClaims({}, Object.fromEntries(Object.entries(given).filter(([k]) => !TOKEN_RESERVED.has(k))));
}

/**
 * An M2M access token's payload, in the order of Stytch's example (stytch-node `m2m.token`
 * docs): sub, iss, aud, scope, iat, nbf, exp, then jti and the client's custom claims.
 */
export function m2mPayload({ client, scopes, issuer, projectId, now }) {
  return {
    sub: client.client_id,
    iss: issuer,
    aud: [projectId],
    scope: scopes.join(" "),
    iat: now,
    nbf: now,
    exp: now + ACCESS_TOKEN_TTL_SEC,
    jti: newSessionToken(),
    ...structuredClone(client.custom_claims),
  };
}

/**
 * A Connected App access token's payload, in the order of Stytch's "Access Token Object" docs:
 * iss, sub, aud, client_id, exp, nbf, iat, jti, scope, then the organization claim (B2B members
 * only) and custom claims. `iat = nbf = now + iatOffset`, `exp = iat + expiresIn`.
 */
export function connectedAppPayload({ subject, clientId, scopes, issuer, projectId, now, iatOffset, expiresIn, organization, customClaims }) {
  const iat = now + iatOffset;
  const payload = {
    iss: issuer,
    sub: subject,
    aud: [projectId],
    client_id: clientId,
    exp: iat + expiresIn,
    nbf: iat,
    iat,
    jti: newSessionToken(),
    scope: scopes.join(" "),
  };
  if (organization) payload[ORGANIZATION_CLAIM] = structuredClone(organization);
  return { ...payload, ...structuredClone(customClaims) };
}

/** Sign an access token payload with a key ring's current key. */
export function signAccessToken(payload, keyRing) {
  return signJwt(payload, keyRing.current);
}

/**
 * The payload of an access token signed by a key of one of `keyRings`, issued by one of `issuers`
 * for `projectId` (jwt.mjs `verifyJws`), and inside its time window at `now` (`nbf <= now < exp`);
 * undefined for anything else (malformed, unknown kid, bad signature, wrong iss/aud, expired, not
 * yet valid).
 */
export function verifyAccessToken(token, { keyRings, projectId, issuers, now }) {
  const { payload } = verifyJws(token, { keyRings, projectId, issuers });
  if (!payload) return undefined;
  if (!Number.isInteger(payload.exp) || !Number.isInteger(payload.nbf) || payload.exp <= now || payload.nbf > now) return undefined;
  return payload;
}
