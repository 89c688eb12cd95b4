/**
 * Stytch-shaped errors: every failure the emulator answers has the body
 * `{status_code, request_id, error_type, error_message, error_url}`.
 */
import { newId } from "./util.mjs";

/** Messages for the error types the emulator can return (Stytch's API reference, plus the choices in USAGE.md). */
export const MESSAGES = {
  unauthorized_credentials: "Unauthorized credentials.",
  session_not_found: "Session could not be found.",
  user_not_found: "User could not be found.",
  too_many_requests: "Too many requests have been made.",
  internal_server_error:
    "Oops, something seems to have gone wrong, please reach out to support@stytch.com to let us know what went wrong.",
  service_unavailable: "The service is temporarily unavailable, please try again later.",
  bad_gateway: "Bad gateway, please try again later.",
  gateway_timeout: "The request timed out, please try again later.",
  invalid_session_duration_minutes:
    "session_duration_minutes must be an integer between 5 and 527040 (366 days).",
  too_many_session_arguments: "Only one of session_token or session_jwt may be provided.",
  no_session_arguments: "One of session_token or session_jwt must be provided.",
  too_many_session_revoke_arguments:
    "Only one of session_id, session_token or session_jwt may be provided.",
  no_session_revoke_arguments: "One of session_id, session_token or session_jwt must be provided.",
  custom_claims_too_large: "Custom claims must be no larger than 4 KB when serialized as JSON.",
  migrate_from_external_email_does_not_exist:
    "The email returned by the external UserInfo endpoint does not match any user in this project.",
  invalid_external_session_token:
    "The external UserInfo endpoint did not accept the session_token.",
  invalid_session_jwt: "The session JWT is malformed.",
  unauthorized_session_jwt: "The session JWT could not be verified.",
  invalid_user_id: "user_id is required and must be a non-empty string.",
  project_not_found: "Project could not be found.",
  duplicate_email: "A user with the specified email already exists for this project.",
  invalid_email: "Email format is invalid.",
  consumer_session_authorization_error:
    "The User is not authorized to perform the requested action on that resource.",
  idp_access_token_not_found: "The access token could not be found.",
  idp_access_token_could_not_be_exchanged: "The access token could not be exchanged.",
  trusted_auth_token_profile_not_found: "The trusted auth token profile could not be found.",
  invalid_trusted_auth_token: "The trusted auth token is invalid, already used, or not for this profile.",
  bad_request: "The request is invalid.",
  route_not_found: "The requested route could not be found.",
  method_not_allowed: "The HTTP method is not allowed for this route.",
  request_too_large: "The request body is too large.",
  control_host_not_loopback:
    "The emulator's control routes answer only requests whose Host is a loopback address (127.0.0.0/8, localhost, [::1]).",
};

/** Generic error types used when a fault asks for a status with no specific type. */
const TYPE_FOR_STATUS = {
  400: "bad_request",
  401: "unauthorized_credentials",
  404: "route_not_found",
  429: "too_many_requests",
  500: "internal_server_error",
  502: "bad_gateway",
  503: "service_unavailable",
  504: "gateway_timeout",
};

/** An error that becomes a Stytch error response. */
export class HttpError extends Error {
  /**
   * @param {number} status HTTP status
   * @param {string} type Stytch `error_type`
   * @param {string} [message] overrides the catalogue message
   */
  constructor(status, type, message) {
    super(message ?? MESSAGES[type] ?? type);
    this.status = status;
    this.type = type;
  }
}

/** A 400 `bad_request` with `msg`. */
export const bad = (msg) => new HttpError(400, "bad_request", msg);

/** The error type a bare status maps to (for status faults). */
export function typeForStatus(status) {
  return TYPE_FOR_STATUS[status] ?? (status >= 500 ? "internal_server_error" : "bad_request");
}

/** Build the JSON body of a Stytch error. */
export function errorBody(status, type, message) {
  return {
    status_code: status,
    request_id: newId("request-id-test"),
    error_type: type,
    error_message: message ?? MESSAGES[type] ?? type,
    error_url: `https://stytch.com/docs/api/errors/${status}#${type}`,
  };
}
