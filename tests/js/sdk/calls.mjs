// The official `stytch` Node SDK (tests/js/package.json pins the version), pointed at the
// emulator, and one function per Sessions call that returns what the SDK answered, so that
// another client's answers can be compared with it field by field.
//
// Pointing it at the emulator: the SDK's `custom_base_url` must be https, so the emulator's
// http://127.0.0.1 URL goes in `env` (any string is accepted; the SDK warns about a custom env,
// and `sdkClient` silences that one warning). The SDK then fetches the JWKS from
// `<env>v1/sessions/jwks/<project_id>` and the RBAC policy from `<env>v1/rbac/policy`, and it
// accepts the issuers `stytch.com/<project_id>` and the URL without its trailing `/`.
import * as stytch from "stytch";

/** A `stytch.Client` (or `Class`, e.g. `stytch.B2BClient`) for the emulator at `url` (http://127.0.0.1:PORT). */
export function sdkClient(url, { projectId, secret }, Class = stytch.Client) {
  const warn = console.warn;
  console.warn = (...args) => {
    if (!String(args[0]).includes("custom 'env' value")) warn(...args);
  };
  try {
    return new Class({ project_id: projectId, secret, env: url.replace(/\/*$/, "/") });
  } finally {
    console.warn = warn;
  }
}

/**
 * An error as plain data: its class (`StytchError`, `RequestError`, `ClientError` or other) and
 * the fields that class carries.
 */
export function describeError(err) {
  if (err instanceof stytch.StytchError) {
    const { status_code, request_id, error_type, error_message, error_url } = err;
    return { kind: "StytchError", status_code, request_id, error_type, error_message, error_url };
  }
  if (err instanceof stytch.ClientError) return { kind: "ClientError", code: err.code, message: err.message };
  if (err instanceof stytch.RequestError) return { kind: "RequestError", message: err.message };
  return { kind: err?.constructor?.name ?? typeof err, message: String(err?.message ?? err) };
}

/** `{ ok: true, value }` with the SDK's answer, or `{ ok: false, error }` (see `describeError`). */
export async function settle(promise) {
  try {
    return { ok: true, value: await promise };
  } catch (err) {
    return { ok: false, error: describeError(err) };
  }
}

/** The calls, each taking the client and the SDK's own request object. */
export const calls = {
  /** `sessions.authenticate({session_token | session_jwt, authorization_check?, ...})` */
  authenticate: (client, params) => settle(client.sessions.authenticate(params)),
  /** `sessions.authenticateJwt({session_jwt, authorization_check?, max_token_age_seconds?, ...})` */
  authenticateJwt: (client, params) => settle(client.sessions.authenticateJwt(params)),
  /** `sessions.authenticateJwtLocal({session_jwt, authorization_check?, ...})` → the Session */
  authenticateJwtLocal: (client, params) => settle(client.sessions.authenticateJwtLocal(params)),
  /** `sessions.exchangeAccessToken({access_token, session_duration_minutes?, session_custom_claims?})` */
  exchangeAccessToken: (client, params) => settle(client.sessions.exchangeAccessToken(params)),
  /** `sessions.attest({profile_id, token, session_duration_minutes?, session_custom_claims?, session_token?, session_jwt?})` */
  attest: (client, params) => settle(client.sessions.attest(params)),
  /** `sessions.getJWKS({project_id})` */
  getJWKS: (client, params) => settle(client.sessions.getJWKS(params)),
  /** `rbac.policy()` */
  policy: (client) => settle(client.rbac.policy()),
};
