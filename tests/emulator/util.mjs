/** Small helpers: ids, tokens, clock, RFC 3339 formatting and argument checks. */
import { randomBytes, randomUUID } from "node:crypto";

/** `<prefix>-<uuid v4>`, e.g. `user-test-…`. */
export function newId(prefix) {
  return `${prefix}-${randomUUID()}`;
}

/** An opaque session token: 33 random bytes as URL-safe base64, exactly 44 characters. */
export function newSessionToken() {
  return randomBytes(33).toString("base64url");
}

/** Current time in whole Unix seconds (Stytch timestamps carry no fractions). */
export function nowSec() {
  return Math.floor(Date.now() / 1000);
}

/** Unix seconds → RFC 3339 UTC, e.g. `2026-11-27T11:10:30Z`. */
export function rfc3339(sec) {
  return new Date(sec * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** `undefined`, `null` and `""` count as an argument left out. */
export const given = (v) => v !== undefined && v !== null && v !== "";

/** True for a plain JSON object (not null, not an array). */
export function isObject(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
