/**
 * Stytch B2B error types the emulator answers (Stytch's B2B error reference; USAGE.md, "B2B"), with
 * their messages. The body shape is the consumer one (errors.mjs).
 */
import { HttpError } from "./errors.mjs";

/** Messages for the B2B error types (types the consumer catalogue in errors.mjs does not hold). */
export const B2B_MESSAGES = {
  member_not_found: "Member could not be found.",
  organization_not_found: "Organization could not be found.",
  session_authorization_error: "The Member is not authorized to perform the requested action on that resource.",
  session_authorization_tenancy_error:
    "OrganizationID in AuthorizationCheck request does not match session's Organization ID",
  duplicate_member_email: "A Member with the specified email already exists in this Organization.",
  organization_slug_already_used: "Another Organization already uses this organization_slug.",
  too_many_session_revoke_arguments:
    "Only one of member_session_id, session_token, session_jwt or member_id may be provided.",
  no_session_revoke_arguments: "One of member_session_id, session_token, session_jwt or member_id must be provided.",
};

/** An HttpError with the B2B message for `type` (or `message`). */
export function b2bError(status, type, message) {
  return new HttpError(status, type, message ?? B2B_MESSAGES[type]);
}
