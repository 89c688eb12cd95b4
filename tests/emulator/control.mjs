/**
 * Control routes under `/__emulator/` (USAGE.md, "Control routes (no auth; for tests only)"), for tests only.
 * No auth. Each handler returns the JSON body of a 200 answer or throws an HttpError.
 */
import { HttpError, bad } from "./errors.mjs";
import { sessionObject } from "./state.mjs";
import { mintJwt } from "./api.mjs";
import { parsePolicy } from "./rbac.mjs";
import { sessionArgs, issueAccessToken, profileIdArg, issueTrustedAuthToken, keepOldArg } from "./control-mint.mjs";
import { OAUTH_CONTROL_ROUTES } from "./oauth-control.mjs";
import { B2B_CONTROL_ROUTES } from "./b2b-control.mjs";

/** `POST /__emulator/users {email?, name?, roles?}` → the User object. */
function createUser(emu, { body }) {
  return structuredClone(emu.state.createUser(body, emu.now()));
}

/** The user named by `body.user_id`, or 404 `user_not_found`. */
function userArg(emu, body) {
  const user = typeof body.user_id === "string" ? emu.state.users.get(body.user_id) : undefined;
  if (!user) throw new HttpError(404, "user_not_found");
  return user;
}

/**
 * `POST /__emulator/sessions {user_id, session_duration_minutes? = 60, custom_claims?, factors?,
 * iat_offset_seconds?, attributes?, roles?}` → `{session_token, session_jwt, session}`.
 * The duration may be any number ≥ 0 here (0 gives an already-expired session). Without `roles`
 * the session holds the user's roles.
 */
function createSession(emu, { body }) {
  const user = userArg(emu, body);
  const now = emu.now();
  const { iatOffset, ...options } = sessionArgs(body, now);
  const session = emu.state.createSession(user, options, now);
  return {
    session_token: session.token,
    session_jwt: mintJwt(emu, session, now, iatOffset),
    session: sessionObject(session),
  };
}

/** `POST /__emulator/external_tokens {token, email}`: what UserInfo answers for `token`. */
function externalToken(emu, { body }) {
  if (typeof body.token !== "string" || body.token === "") throw bad("token must be a non-empty string.");
  if (typeof body.email !== "string") throw bad("email must be a string.");
  emu.state.externalTokens.set(body.token, body.email);
  return { token: body.token, email: body.email };
}

/** `POST /__emulator/access_tokens {user_id, client_id?}` → `{access_token}`, exchangeable once within 5 minutes. */
function accessToken(emu, { body }) {
  const user = userArg(emu, body);
  return issueAccessToken(emu.state.accessTokens, { user_id: user.user_id }, body, emu.now());
}

/** `POST /__emulator/trusted_auth_tokens {profile_id, user_id}` → `{token}`, attestable once with that profile. */
function trustedAuthToken(emu, { body }) {
  const profileId = profileIdArg(body);
  const user = userArg(emu, body);
  return issueTrustedAuthToken(emu.state, profileId, { user_id: user.user_id });
}

/** `PUT /__emulator/rbac/policy {roles?, resources?, scopes?}` → the stored policy. */
function putPolicy(emu, { body }) {
  emu.state.policy = parsePolicy(body);
  return structuredClone(emu.state.policy);
}

/** `POST /__emulator/keys/rotate {keep_old? = true}` → `{kid}`. */
async function rotate(emu, { body }) {
  return { kid: await emu.keyRing.rotate(keepOldArg(body)) };
}

/** `POST /__emulator/faults {...}` → the stored fault. */
function addFault(emu, { body }) {
  return emu.faults.add(body);
}

function clearFaults(emu) {
  emu.faults.clear();
  return {};
}

function listFaults(emu) {
  return { faults: emu.faults.snapshot() };
}

/** `GET /__emulator/requests` → `{"<METHOD> <pattern>": count}` for every API route. */
function requests(emu) {
  return { ...emu.counts };
}

/** `POST /__emulator/reset` → empty state (and policy), fresh keys, zero counts, no faults. */
async function reset(emu) {
  await emu.reset();
  return {};
}

/**
 * The control routes: `{method, pattern, handler, help}` (`help`: the `--help` line), matched as
 * the API routes are (index.mjs); `:name` segments are path parameters.
 */
export const CONTROL_ROUTES = [
  { method: "POST", pattern: "/__emulator/users", handler: createUser,
    help: "{email?, name?, roles?} → the User" },
  { method: "POST", pattern: "/__emulator/sessions", handler: createSession,
    help: "{user_id, session_duration_minutes?, custom_claims?, factors?, iat_offset_seconds?, roles?} → {session_token, session_jwt, session}" },
  { method: "POST", pattern: "/__emulator/external_tokens", handler: externalToken,
    help: "{token, email}: what migrate's UserInfo answers" },
  { method: "POST", pattern: "/__emulator/access_tokens", handler: accessToken,
    help: "{user_id, client_id?} → {access_token} for exchange_access_token" },
  { method: "POST", pattern: "/__emulator/trusted_auth_tokens", handler: trustedAuthToken,
    help: "{profile_id, user_id} → {token} for attest" },
  { method: "PUT", pattern: "/__emulator/rbac/policy", handler: putPolicy,
    help: "{roles?, resources?, scopes?} → the stored policy" },
  { method: "POST", pattern: "/__emulator/keys/rotate", handler: rotate,
    help: "{keep_old? = true} → {kid}" },
  { method: "POST", pattern: "/__emulator/faults", handler: addFault,
    help: "{method?, path_prefix, delay_ms?, status?, malformed_body?, reset_connection?, times?}" },
  { method: "DELETE", pattern: "/__emulator/faults", handler: clearFaults,
    help: "clear all faults" },
  { method: "GET", pattern: "/__emulator/faults", handler: listFaults,
    help: "the active faults" },
  { method: "GET", pattern: "/__emulator/requests", handler: requests,
    help: "request counts per API route" },
  { method: "POST", pattern: "/__emulator/reset", handler: reset,
    help: "empty state, fresh keys, zero counts, no faults" },
  ...OAUTH_CONTROL_ROUTES,
  ...B2B_CONTROL_ROUTES,
];
