/**
 * B2B control routes under `/__emulator/b2b/` (USAGE.md, "B2B"), for tests only. No auth.
 * Each handler returns the JSON body of a 200 answer or throws an HttpError.
 */
import { HttpError } from "./errors.mjs";
import { b2bError } from "./b2b-errors.mjs";
import { mergeClaims, parseClaimsArg } from "./claims.mjs";
import { parseFactors, isStringArray } from "./state.mjs";
import { parsePolicy } from "./rbac.mjs";
import { parseOrgPolicy } from "./b2b-state.mjs";
import { ORGANIZATION_CLAIM, mintMemberJwt } from "./b2b-jwt.mjs";
import { isObject, newId, newSessionToken } from "./util.mjs";

const bad = (msg) => new HttpError(400, "bad_request", msg);

/** `POST /__emulator/b2b/organizations {organization_slug, organization_name?, org_policy?}` → the Organization. */
function createOrganization(emu, { body }) {
  return structuredClone(emu.b2b.createOrganization(body, emu.now()));
}

/** `PUT /__emulator/b2b/organizations/:organization_id/policy {roles}` → the org policy `{roles}`. */
function putOrgPolicy(emu, { body, params }) {
  const org = emu.b2b.organization(params.organization_id);
  if (!org) throw b2bError(404, "organization_not_found");
  org.custom_roles = parseOrgPolicy(body);
  return { roles: structuredClone(org.custom_roles) };
}

/** `POST /__emulator/b2b/members {organization_id, email_address, name?, roles?}` → the Member. */
function createMember(emu, { body }) {
  return structuredClone(emu.b2b.createMember(body, emu.now()));
}

/** The member named by `body.member_id`, or 404 `member_not_found`. */
function memberArg(emu, body) {
  const member = typeof body.member_id === "string" ? emu.b2b.members.get(body.member_id) : undefined;
  if (!member) throw b2bError(404, "member_not_found");
  return member;
}

/**
 * `POST /__emulator/b2b/sessions {member_id, session_duration_minutes? = 60, custom_claims?,
 * factors?, iat_offset_seconds?, attributes?, roles?}` → `{session_token, session_jwt,
 * member_session}`. Any duration ≥ 0 (0: already expired); `roles` default to the member's.
 */
function createSession(emu, { body }) {
  const member = memberArg(emu, body);
  const minutes = body.session_duration_minutes ?? 60;
  if (!Number.isFinite(minutes) || minutes < 0) throw new HttpError(400, "invalid_session_duration_minutes", "session_duration_minutes must be a number >= 0.");
  const iatOffset = body.iat_offset_seconds ?? 0;
  if (!Number.isInteger(iatOffset)) throw bad("iat_offset_seconds must be an integer.");
  if (body.attributes !== undefined && body.attributes !== null && !isObject(body.attributes)) throw bad("attributes must be an object or null.");
  if (body.roles !== undefined && body.roles !== null && !isStringArray(body.roles)) throw bad("roles must be an array of strings.");
  const claims = parseClaimsArg(body.custom_claims, "custom_claims");
  const now = emu.now();
  const session = emu.b2b.createSession(member, {
    durationSec: Math.round(minutes * 60),
    customClaims: mergeClaims({}, claims && Object.fromEntries(Object.entries(claims).filter(([k]) => k !== ORGANIZATION_CLAIM))),
    factors: parseFactors(body.factors, now),
    attributes: body.attributes ?? undefined,
    roles: body.roles ?? undefined,
  }, now);
  return {
    session_token: session.token,
    session_jwt: mintMemberJwt(emu, session, now, iatOffset),
    member_session: emu.b2b.sessionObject(session),
  };
}

/** `PUT /__emulator/b2b/rbac/policy {roles?, resources?, scopes?}` → the stored B2B project policy. */
function putPolicy(emu, { body }) {
  emu.b2b.policy = parsePolicy(body);
  return structuredClone(emu.b2b.policy);
}

/** `POST /__emulator/b2b/keys/rotate {keep_old? = true}` → `{kid}` of the new B2B signing key. */
async function rotate(emu, { body }) {
  const keepOld = body.keep_old ?? true;
  if (typeof keepOld !== "boolean") throw bad("keep_old must be a boolean.");
  return { kid: await emu.b2b.keyRing.rotate(keepOld) };
}

/** `POST /__emulator/b2b/access_tokens {member_id, client_id?}` → `{access_token}`, exchangeable once within 5 minutes. */
function accessToken(emu, { body }) {
  const member = memberArg(emu, body);
  if (body.client_id !== undefined && body.client_id !== null && typeof body.client_id !== "string") throw bad("client_id must be a string.");
  const token = newSessionToken();
  emu.b2b.accessTokens.set(token, {
    member_id: member.member_id,
    client_id: body.client_id ?? newId("connected-app-test"),
    issued_at: emu.now(),
    used: false,
  });
  return { access_token: token };
}

/** `POST /__emulator/b2b/trusted_auth_tokens {profile_id, member_id}` → `{token}`, attestable once with that profile. */
function trustedAuthToken(emu, { body }) {
  if (typeof body.profile_id !== "string" || body.profile_id === "") throw bad("profile_id must be a non-empty string.");
  const member = memberArg(emu, body);
  const token = newSessionToken();
  emu.b2b.trustedProfiles.add(body.profile_id);
  emu.b2b.trustedTokens.set(token, {
    profile_id: body.profile_id,
    member_id: member.member_id,
    token_id: newId("trusted-auth-token-test"),
    used: false,
  });
  return { token };
}

/** B2B control routes as `["<METHOD> <path>", handler]`; `:name` segments are path parameters. */
export const B2B_CONTROL_ROUTES = [
  ["POST /__emulator/b2b/organizations", createOrganization],
  ["PUT /__emulator/b2b/organizations/:organization_id/policy", putOrgPolicy],
  ["POST /__emulator/b2b/members", createMember],
  ["POST /__emulator/b2b/sessions", createSession],
  ["PUT /__emulator/b2b/rbac/policy", putPolicy],
  ["POST /__emulator/b2b/keys/rotate", rotate],
  ["POST /__emulator/b2b/access_tokens", accessToken],
  ["POST /__emulator/b2b/trusted_auth_tokens", trustedAuthToken],
];
