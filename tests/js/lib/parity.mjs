// Comparisons of the parity tests (tests/js/b2b/parity.test.mjs, tests/js/oauth/parity.test.mjs):
// one call run through this package's client and through stytch-node's, and their outcomes
// compared: errors by class and code, answers by shape and chosen members by value.
import assert from "node:assert/strict";
import * as stytch from "stytch";
import { describeError } from "../sdk/calls.mjs";

/**
 * `{ok: true, value}`, or `{ok: false, error: [class, code, status?], thrown}` with the same
 * `error` for both clients' errors (stytch-node's through calls.mjs `describeError`).
 */
export async function outcome(promise) {
  try {
    return { ok: true, value: await promise };
  } catch (e) {
    const d = e instanceof stytch.StytchError || e instanceof stytch.ClientError || e instanceof stytch.RequestError ? describeError(e) : { kind: e.name, code: e.code, status_code: e.status_code, error_type: e.error_type };
    return { ok: false, error: [d.kind, d.error_type ?? d.code, d.status_code].filter((x) => x !== undefined), thrown: e };
  }
}

/** A value's shape: the same keys, the same types at every leaf (values left out). */
export function shape(v) {
  if (Array.isArray(v)) return v.map(shape);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, shape(v[k])]));
  return v === null ? "null" : typeof v;
}

/** Timestamps (string members named `*_at`) as instants (the SDK's local `expires_at` carries milliseconds). */
export function instants(v) {
  if (Array.isArray(v)) return v.map(instants);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, /_at$/.test(k) && typeof x === "string" ? Date.parse(x) : instants(x)]));
  return v;
}

/**
 * Both outcomes agree: errors by class and code; answers by shape, and the `same` members (dotted
 * paths) by value, their timestamps compared as instants when `byInstant`.
 */
export function agree(mine, theirs, same = [], label = "", { byInstant = false } = {}) {
  assert.equal(mine.ok, theirs.ok, `${label}: ours ${JSON.stringify(mine.error ?? "ok")}, stytch-node ${JSON.stringify(theirs.error ?? "ok")}`);
  if (!mine.ok) return assert.deepEqual(mine.error, theirs.error, label);
  assert.deepEqual(shape(mine.value), shape(theirs.value), `${label}: shape`);
  for (const path of same) {
    const member = (v) => path.split(".").reduce((o, k) => o?.[k], v);
    const at = byInstant ? (v) => instants({ [path]: member(v) }) : member;
    assert.deepEqual(at(mine.value), at(theirs.value), `${label}: ${path}`);
  }
}
