// node:assert/strict's API, the part the shared package checks use (suite.mjs, gate.mjs,
// deno.test.ts), in plain JavaScript: `deno test` type-checks what it imports, and node:assert's
// types would need @types/node installed into the test project. Same names, same meaning
// (strict equality is Object.is; deepEqual compares prototypes and own enumerable keys), so a
// check reads the same here as in a file that imports node:assert/strict.
class AssertionError extends Error {
  constructor(message, actual, expected, operator) {
    super(message);
    Object.assign(this, { name: "AssertionError", code: "ERR_ASSERTION", actual, expected, operator });
  }
}
const show = (v) => {
  try {
    return typeof v === "string" ? JSON.stringify(v) : v instanceof RegExp ? String(v) : (JSON.stringify(v) ?? String(v));
  } catch {
    return String(v);
  }
};
const fail = (message, actual, expected, operator) => {
  throw message instanceof Error ? message : new AssertionError(message ?? `${show(actual)} ${operator} ${show(expected)}`, actual, expected, operator);
};
/** node's isDeepStrictEqual for plain data: primitives by Object.is, objects by prototype and own keys. */
function same(a, b) {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (a instanceof Date) return a.getTime() === b.getTime();
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && same(a[k], b[k]));
}

const assert = (value, message) => assert.ok(value, message);
assert.AssertionError = AssertionError;
assert.fail = (message = "Failed") => fail(message, undefined, undefined, "fail");
assert.ok = (value, message) => void (value || fail(message ?? `expected a truthy value, got ${show(value)}`, value, true, "=="));
assert.equal = (actual, expected, message) => void (Object.is(actual, expected) || fail(message, actual, expected, "strictEqual"));
assert.strictEqual = assert.equal;
assert.notEqual = (actual, expected, message) => void (!Object.is(actual, expected) || fail(message, actual, expected, "notStrictEqual"));
assert.notStrictEqual = assert.notEqual;
assert.deepEqual = (actual, expected, message) => void (same(actual, expected) || fail(message, actual, expected, "deepStrictEqual"));
assert.deepStrictEqual = assert.deepEqual;
assert.match = (string, regexp, message) => void ((typeof string === "string" && regexp.test(string)) || fail(message ?? `${show(string)} does not match ${regexp}`, string, regexp, "match"));
/** Resolves once `promise` (or `promise()`) rejects with an error `validate` accepts (returns true for). */
assert.rejects = async (promise, validate, message) => {
  let error;
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (e) {
    error = { e };
  }
  if (!error) fail(message ?? "Missing expected rejection.", undefined, validate, "rejects");
  if (typeof validate === "function" && validate(error.e) !== true) fail(message ?? `The validation function rejected ${show(String(error.e))}`, error.e, validate, "rejects");
};
export default assert;
