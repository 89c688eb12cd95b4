/**
 * B2B authorization checks (USAGE.md, "B2B"), as stytch-node's B2B `performAuthorizationCheck`
 * decides them: the check's `organization_id` must be the session's organization; the roles are the
 * project's B2B policy roles followed by the organization's own policy roles; a role the session
 * holds grants when one of its permissions has the `resource_id` and the action (or `"*"`).
 */
import { bad } from "./errors.mjs";
import { b2bError } from "./b2b-errors.mjs";
import { grantingRoles } from "./rbac.mjs";
import { isObject } from "./util.mjs";

/**
 * The `authorization_check` argument: absent/null → undefined; otherwise an object with non-empty
 * string `organization_id`, `resource_id` and `action`, or 400 `bad_request`.
 */
export function parseMemberAuthorizationCheck(value) {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw bad("authorization_check must be an object.");
  for (const k of ["organization_id", "resource_id", "action"]) {
    if (typeof value[k] !== "string" || value[k] === "") {
      throw bad(`authorization_check.${k} must be a non-empty string.`);
    }
  }
  return { organization_id: value.organization_id, resource_id: value.resource_id, action: value.action };
}

/**
 * Evaluate `check` for a member session: `{authorized: true, granting_roles}` (each granting role
 * id once, project roles first), or 403 `session_authorization_tenancy_error` (another
 * organization) / `session_authorization_error` (no role grants it).
 */
export function authorizeMember(b2b, session, check) {
  if (check.organization_id !== session.organization_id) throw b2bError(403, "session_authorization_tenancy_error");
  const org = b2b.organizations.get(session.organization_id);
  const roles = [...b2b.policy.roles, ...org.custom_roles];
  const granting = [...new Set(grantingRoles({ roles }, session.roles, check))];
  if (granting.length === 0) throw b2bError(403, "session_authorization_error");
  return { authorized: true, granting_roles: granting };
}
