/**
 * B2B control routes under `/__emulator/b2b/` (USAGE.md, "B2B"), for tests only. No auth.
 * Each handler returns the JSON body of a 200 answer or throws an HttpError.
 */
import { b2bError } from "./b2b-errors.mjs";
import { parsePolicy } from "./rbac.mjs";
import { parseOrgPolicy } from "./b2b-state.mjs";
import { ORGANIZATION_CLAIM, mintMemberJwt } from "./b2b-jwt.mjs";
import { sessionArgs, issueAccessToken, profileIdArg, issueTrustedAuthToken, keepOldArg } from "./control-mint.mjs";

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
  const now = emu.now();
  const { iatOffset, ...options } = sessionArgs(body, now, ORGANIZATION_CLAIM);
  const session = emu.b2b.createSession(member, options, now);
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
  return { kid: await emu.b2b.keyRing.rotate(keepOldArg(body)) };
}

/** `POST /__emulator/b2b/access_tokens {member_id, client_id?}` → `{access_token}`, exchangeable once within 5 minutes. */
function accessToken(emu, { body }) {
  const member = memberArg(emu, body);
  return issueAccessToken(emu.b2b.accessTokens, { member_id: member.member_id }, body, emu.now());
}

/** `POST /__emulator/b2b/trusted_auth_tokens {profile_id, member_id}` → `{token}`, attestable once with that profile. */
function trustedAuthToken(emu, { body }) {
  const profileId = profileIdArg(body);
  const member = memberArg(emu, body);
  return issueTrustedAuthToken(emu.b2b, profileId, { member_id: member.member_id });
}

/** The B2B control routes (registered in control.mjs's `CONTROL_ROUTES`, where their shape is). */
export const B2B_CONTROL_ROUTES = [
  { method: "POST", pattern: "/__emulator/b2b/organizations", handler: createOrganization,
    help: "{organization_slug, organization_name?, org_policy?} → the Organization" },
  { method: "PUT", pattern: "/__emulator/b2b/organizations/:organization_id/policy", handler: putOrgPolicy,
    help: "{roles} → the organization's roles" },
  { method: "POST", pattern: "/__emulator/b2b/members", handler: createMember,
    help: "{organization_id, email_address, name?, roles?} → the Member" },
  { method: "POST", pattern: "/__emulator/b2b/sessions", handler: createSession,
    help: "{member_id, session_duration_minutes?, custom_claims?, ...} → {session_token, session_jwt, member_session}" },
  { method: "PUT", pattern: "/__emulator/b2b/rbac/policy", handler: putPolicy,
    help: "{roles?, resources?, scopes?} → the stored B2B policy" },
  { method: "POST", pattern: "/__emulator/b2b/keys/rotate", handler: rotate,
    help: "{keep_old? = true} → {kid}" },
  { method: "POST", pattern: "/__emulator/b2b/access_tokens", handler: accessToken,
    help: "{member_id, client_id?} → {access_token}" },
  { method: "POST", pattern: "/__emulator/b2b/trusted_auth_tokens", handler: trustedAuthToken,
    help: "{profile_id, member_id} → {token}" },
];
