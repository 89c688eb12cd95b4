/**
 * Custom claims (Stytch's API reference; USAGE.md): a merge where `null` deletes a key and nested objects merge,
 * reserved JWT names are ignored, and the result must serialize to at most 4 KB.
 */
import { HttpError, bad } from "./errors.mjs";
import { isObject } from "./util.mjs";
import { SESSION_CLAIM } from "./jwt.mjs";

/** Top-level names a caller cannot set (silently ignored). */
export const RESERVED_CLAIMS = new Set(["iss", "sub", "aud", "exp", "nbf", "iat", "jti", SESSION_CLAIM]);

/** Largest serialized size of a session's custom claims, in bytes. */
export const MAX_CLAIMS_BYTES = 4096;

/** Set an own property, even one named `__proto__` (plain assignment would set the prototype). */
const setOwn = (obj, k, value) =>
  Object.defineProperty(obj, k, { value, enumerable: true, writable: true, configurable: true });

function deepMerge(base, update) {
  const out = { ...base };
  for (const [k, v] of Object.entries(update)) {
    const own = Object.hasOwn(out, k) ? out[k] : undefined;
    if (v === null) delete out[k];
    else if (isObject(v) && isObject(own)) setOwn(out, k, deepMerge(own, v));
    else if (isObject(v)) setOwn(out, k, deepMerge({}, v)); // drops nested nulls in a new object
    else setOwn(out, k, structuredClone(v));
  }
  return out;
}

/** Check the shape of a `session_custom_claims` argument: an object, or absent/null. */
export function parseClaimsArg(value, name = "session_custom_claims") {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw bad(`${name} must be a JSON object.`);
  return value;
}

/**
 * Merge `update` into `existing` (neither is mutated). Throws 400 `custom_claims_too_large`
 * when the result exceeds 4 KB.
 */
export function mergeClaims(existing, update) {
  if (!update) return existing;
  const filtered = Object.fromEntries(Object.entries(update).filter(([k]) => !RESERVED_CLAIMS.has(k)));
  const merged = deepMerge(existing, filtered);
  if (Buffer.byteLength(JSON.stringify(merged)) > MAX_CLAIMS_BYTES) {
    throw new HttpError(400, "custom_claims_too_large");
  }
  return merged;
}
