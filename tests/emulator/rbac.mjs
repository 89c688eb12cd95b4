/**
 * The project's RBAC policy and authorization checks (USAGE.md, "RBAC"). The policy has the shape
 * of `GET /v1/rbac/policy`'s `policy`: `{roles, resources, scopes}`. A check keeps the policy's
 * roles that the session holds; a role grants when one of its permissions has the check's
 * `resource_id` and its `actions` contain the check's `action` or `"*"`.
 */
import { HttpError, bad } from "./errors.mjs";
import { isObject } from "./util.mjs";

/** The policy before any `PUT /__emulator/rbac/policy`: no roles, no resources, no scopes. */
export function emptyPolicy() {
  return { roles: [], resources: [], scopes: [] };
}

const isStringArray = (v) => Array.isArray(v) && v.every((s) => typeof s === "string");

function str(obj, key, where, { optional = false } = {}) {
  const v = obj[key];
  if (optional && (v === undefined || v === null)) return "";
  if (typeof v !== "string") throw bad(`${where}.${key} must be a string.`);
  return v;
}

function list(obj, key, where) {
  const v = obj[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw bad(`${where}.${key} must be an array.`);
  return v;
}

function permissions(obj, where) {
  return list(obj, "permissions", where).map((p, i) => {
    const at = `${where}.permissions[${i}]`;
    if (!isObject(p)) throw bad(`${at} must be an object.`);
    if (!isStringArray(p.actions)) throw bad(`${at}.actions must be an array of strings.`);
    return { resource_id: str(p, "resource_id", at), actions: [...p.actions] };
  });
}

/**
 * Validate a policy given to `PUT /__emulator/rbac/policy` and return it normalised: missing
 * `roles`/`resources`/`scopes`/`permissions` are `[]`, missing descriptions `""`, unknown members
 * dropped. Bad shapes → 400 `bad_request`.
 */
export function parsePolicy(body) {
  if (!isObject(body)) throw bad("The policy must be a JSON object.");
  const roles = list(body, "roles", "policy").map((r, i) => {
    const at = `policy.roles[${i}]`;
    if (!isObject(r)) throw bad(`${at} must be an object.`);
    return { role_id: str(r, "role_id", at), description: str(r, "description", at, { optional: true }), permissions: permissions(r, at) };
  });
  const resources = list(body, "resources", "policy").map((r, i) => {
    const at = `policy.resources[${i}]`;
    if (!isObject(r)) throw bad(`${at} must be an object.`);
    const actions = r.actions ?? [];
    if (!isStringArray(actions)) throw bad(`${at}.actions must be an array of strings.`);
    return { resource_id: str(r, "resource_id", at), description: str(r, "description", at, { optional: true }), actions: [...actions] };
  });
  const scopes = list(body, "scopes", "policy").map((s, i) => {
    const at = `policy.scopes[${i}]`;
    if (!isObject(s)) throw bad(`${at} must be an object.`);
    return { scope: str(s, "scope", at), description: str(s, "description", at, { optional: true }), permissions: permissions(s, at) };
  });
  const ids = roles.map((r) => r.role_id);
  if (new Set(ids).size !== ids.length) throw bad("policy.roles has a duplicate role_id.");
  return { roles, resources, scopes };
}

/**
 * The `authorization_check` argument: absent/null → undefined; otherwise an object with non-empty
 * string `resource_id` and `action`, or 400 `bad_request`.
 */
export function parseAuthorizationCheck(value) {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw bad("authorization_check must be an object.");
  for (const k of ["resource_id", "action"]) {
    if (typeof value[k] !== "string" || value[k] === "") throw bad(`authorization_check.${k} must be a non-empty string.`);
  }
  return { resource_id: value.resource_id, action: value.action };
}

/** The role ids (in policy order) of the policy's roles that `roles` holds and that grant `check`. */
export function grantingRoles(policy, roles, check) {
  return policy.roles
    .filter((role) => roles.includes(role.role_id))
    .filter((role) => role.permissions.some((p) =>
      p.resource_id === check.resource_id && (p.actions.includes(check.action) || p.actions.includes("*"))))
    .map((role) => role.role_id);
}

/**
 * Evaluate `check` for a session's roles: the verdict `{authorized: true, granting_roles}`, or
 * 403 `consumer_session_authorization_error` when no role grants it.
 */
export function authorize(policy, roles, check) {
  const granting = grantingRoles(policy, roles, check);
  if (granting.length === 0) throw new HttpError(403, "consumer_session_authorization_error");
  return { authorized: true, granting_roles: granting };
}
