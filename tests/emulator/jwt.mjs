/**
 * Signing keys and session JWTs (this repository's `docs/rules.md`, "How a session JWT is judged"): RS256 (RSASSA-PKCS1-v1_5 with SHA-256),
 * 2048-bit keys, served as a JWK set; independent of the crate's verifier.
 */
import { generateKeyPair, sign, verify } from "node:crypto";
import { promisify } from "node:util";
import { HttpError } from "./errors.mjs";
import { newId, isObject } from "./util.mjs";

const generateKeyPairAsync = promisify(generateKeyPair);

/** The claim holding the session (this repository's `docs/rules.md`, "How a session JWT is judged"). */
export const SESSION_CLAIM = "https://stytch.com/session";

/** Lifetime of every minted JWT, in seconds. */
export const JWT_LIFETIME_SEC = 300;

/** A set of RSA signing keys; the newest signs, all are served in the JWKS. */
export class KeyRing {
  constructor() {
    /** @type {{kid: string, privateKey: import("node:crypto").KeyObject, publicKey: import("node:crypto").KeyObject, jwk: object}[]} */
    this.keys = [];
  }

  /** Make a fresh 2048-bit key pair with a `jwk-test-<uuid>` kid. */
  static async newKey() {
    const { privateKey, publicKey } = await generateKeyPairAsync("rsa", { modulusLength: 2048 });
    const kid = newId("jwk-test");
    const { n, e } = publicKey.export({ format: "jwk" });
    const jwk = { kty: "RSA", use: "sig", key_ops: ["verify"], alg: "RS256", kid, x5c: [], x5tS256: "", n, e };
    return { kid, privateKey, publicKey, jwk };
  }

  /** Add a new signing key; drop all older ones unless `keepOld`. Returns the new kid. */
  async rotate(keepOld = true) {
    const key = await KeyRing.newKey();
    this.keys = keepOld ? [...this.keys, key] : [key];
    return key.kid;
  }

  /** The key that signs new JWTs. */
  get current() {
    return this.keys[this.keys.length - 1];
  }

  /** The served JWK list (copies). */
  jwks() {
    return this.keys.map((k) => structuredClone(k.jwk));
  }

  find(kid) {
    return this.keys.find((k) => k.kid === kid);
  }
}

const b64json = (obj) => Buffer.from(JSON.stringify(obj)).toString("base64url");

/** Sign a payload with the ring's current key; header `{"alg":"RS256","kid":…,"typ":"JWT"}`. */
export function signJwt(payload, key) {
  const input = `${b64json({ alg: "RS256", kid: key.kid, typ: "JWT" })}.${b64json(payload)}`;
  const sig = sign("sha256", Buffer.from(input), key.privateKey);
  return `${input}.${sig.toString("base64url")}`;
}

/**
 * The payload of a session JWT, keys in Stytch's order: aud, exp, `headClaims` (none for a
 * consumer session), session claim, iat, iss, nbf, sub, then custom claims.
 * `iat = nbf = now + iatOffset`, `exp = iat + 300`, no `jti`. The session claim's `id` and `sub`
 * default to a consumer session's `session_id` and `user_id`.
 */
export function sessionPayload({ session, projectId, issuer, now, iatOffset = 0, rfc, id = session.session_id, sub = session.user_id, headClaims = {} }) {
  const iat = now + iatOffset;
  return {
    aud: [projectId],
    exp: iat + JWT_LIFETIME_SEC,
    ...headClaims,
    [SESSION_CLAIM]: {
      id,
      started_at: rfc(session.started_at),
      last_accessed_at: rfc(session.last_accessed_at),
      expires_at: rfc(session.expires_at),
      attributes: structuredClone(session.attributes),
      authentication_factors: structuredClone(session.authentication_factors),
      roles: [...session.roles],
    },
    iat,
    iss: issuer,
    nbf: iat,
    sub,
    ...structuredClone(session.custom_claims),
  };
}

const B64URL = /^[A-Za-z0-9_-]+$/;

/** A JWS segment's JSON object, or undefined. */
function decodeSegment(seg) {
  try {
    const value = JSON.parse(Buffer.from(seg, "base64url").toString("utf8"));
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Check a compact RS256 JWS: its structure, its signature by a key (named by `kid`) of one of
 * `keyRings`, its issuer (one of `issuers`) and its audience (`projectId`); no time claim.
 * Returns `{payload}`, or `{failure}`: `"malformed"` (not a string or over 16 KiB, not three
 * non-empty base64url segments, a header or payload that is not a JSON object, an `alg` other
 * than RS256) or `"unverified"` (no such key, a bad signature, a wrong iss or aud).
 */
export function verifyJws(token, { keyRings, projectId, issuers }) {
  if (typeof token !== "string" || token.length > 16384) return { failure: "malformed" };
  const parts = token.split(".");
  if (parts.length !== 3 || !parts.every((p) => B64URL.test(p))) return { failure: "malformed" };
  const header = decodeSegment(parts[0]);
  const payload = decodeSegment(parts[1]);
  if (!header || !payload || header.alg !== "RS256") return { failure: "malformed" };
  const key = typeof header.kid === "string" ? keyRings.map((ring) => ring.find(header.kid)).find(Boolean) : undefined;
  if (!key) return { failure: "unverified" };
  const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
  if (!verify("sha256", signed, key.publicKey, Buffer.from(parts[2], "base64url"))) return { failure: "unverified" };
  const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!issuers.includes(payload.iss) || !aud.includes(projectId)) return { failure: "unverified" };
  return { payload };
}

/**
 * Verify a session JWT's structure, signature, issuer and audience — but not `exp`: Stytch
 * accepts an expired JWT of a live session and re-issues it. Returns the payload.
 * Malformed → 400 `invalid_session_jwt`; unknown kid, bad signature, wrong iss/aud, no session
 * claim → 401 `unauthorized_session_jwt`.
 */
export function verifySessionJwt(token, { keyRing, projectId, issuers }) {
  const { payload, failure } = verifyJws(token, { keyRings: [keyRing], projectId, issuers });
  if (failure === "malformed") throw new HttpError(400, "invalid_session_jwt");
  if (failure) throw new HttpError(401, "unauthorized_session_jwt");
  const claim = payload[SESSION_CLAIM];
  if (!isObject(claim) || typeof claim.id !== "string") throw new HttpError(401, "unauthorized_session_jwt");
  return payload;
}
