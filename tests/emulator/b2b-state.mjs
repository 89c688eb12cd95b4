/**
 * In-memory B2B state (USAGE.md, "B2B"): organizations (each with its org RBAC policy), members,
 * member sessions (by id and by token; sessions.mjs), the project's B2B RBAC policy, the B2B
 * signing keys, and the access tokens and trusted auth tokens that `exchange_access_token` and
 * `attest` take.
 * Times are stored as whole Unix seconds.
 */
import { HttpError, bad } from "./errors.mjs";
import { b2bError } from "./b2b-errors.mjs";
import { KeyRing } from "./jwt.mjs";
import { emptyPolicy, parsePolicy } from "./rbac.mjs";
import { isEmail, isStringArray } from "./state.mjs";
import { newId, rfc3339, isObject } from "./util.mjs";
import { SessionStore } from "./sessions.mjs";

/** Stytch's slug rule: 2 to 128 of `A-Z a-z 0-9 - . _ ~`. */
const SLUG = /^[A-Za-z0-9._~-]{2,128}$/;

export class B2BState {
  /** A fresh, empty B2B state with one signing key of its own. */
  static async create() {
    const state = new B2BState();
    await state.keyRing.rotate(false);
    return state;
  }

  constructor() {
    /** Signs member session JWTs; served by `GET /v1/b2b/sessions/jwks/:project_id`. */
    this.keyRing = new KeyRing();
    /** The project's B2B RBAC policy (`GET /v1/b2b/rbac/policy`). */
    this.policy = emptyPolicy();
    /** @type {Map<string, object>} organization_id → Organization object; its `custom_roles` are the org policy's roles */
    this.organizations = new Map();
    /** @type {Map<string, string>} lower-cased slug → organization_id */
    this.slugs = new Map();
    /** @type {Map<string, object>} member_id → Member object */
    this.members = new Map();
    /** @type {Map<string, string>} member_id → the email_id its email factors name */
    this.emailIds = new Map();
    /** Member sessions by member_session_id and by token (sessions.mjs). */
    this.sessions = new SessionStore({ idField: "member_session_id", ownerField: "member_id", idPrefix: "member-session-test" });
    /** @type {Map<string, {member_id: string, client_id: string, issued_at: number, used: boolean}>} */
    this.accessTokens = new Map();
    /** @type {Map<string, {profile_id: string, member_id: string, token_id: string, used: boolean}>} */
    this.trustedTokens = new Map();
    /** @type {Set<string>} profile ids that some B2B trusted auth token was minted for */
    this.trustedProfiles = new Set();
  }

  /** Create an organization: `{organization_slug, organization_name?, org_policy?: {roles}}`. */
  createOrganization({ organization_name, organization_slug, org_policy }, now) {
    if (typeof organization_slug !== "string" || !SLUG.test(organization_slug)) {
      throw bad("organization_slug must be 2 to 128 characters of A-Z, a-z, 0-9, '-', '.', '_' and '~'.");
    }
    if (this.slugs.has(organization_slug.toLowerCase())) throw b2bError(400, "organization_slug_already_used");
    if (organization_name !== undefined && organization_name !== null && typeof organization_name !== "string") {
      throw bad("organization_name must be a string.");
    }
    const roles = parseOrgPolicy(org_policy ?? { roles: [] });
    const t = rfc3339(now);
    const org = {
      organization_id: newId("organization-test"),
      organization_name: organization_name || organization_slug,
      organization_logo_url: "",
      organization_slug,
      sso_jit_provisioning: "ALL_ALLOWED",
      sso_jit_provisioning_allowed_connections: [],
      sso_active_connections: [],
      email_allowed_domains: [],
      email_jit_provisioning: "NOT_ALLOWED",
      email_invites: "ALL_ALLOWED",
      auth_methods: "ALL_ALLOWED",
      allowed_auth_methods: [],
      mfa_policy: "OPTIONAL",
      rbac_email_implicit_role_assignments: [],
      mfa_methods: "ALL_ALLOWED",
      allowed_mfa_methods: [],
      oauth_tenant_jit_provisioning: "NOT_ALLOWED",
      claimed_email_domains: [],
      first_party_connected_apps_allowed_type: "ALL_ALLOWED",
      allowed_first_party_connected_apps: [],
      third_party_connected_apps_allowed_type: "ALL_ALLOWED",
      allowed_third_party_connected_apps: [],
      custom_roles: roles,
      trusted_metadata: {},
      created_at: t,
      updated_at: t,
    };
    this.organizations.set(org.organization_id, org);
    this.slugs.set(organization_slug.toLowerCase(), org.organization_id);
    return org;
  }

  /** The organization with this id or (case-insensitively) this slug, if any. */
  organization(idOrSlug) {
    if (typeof idOrSlug !== "string") return undefined;
    return this.organizations.get(idOrSlug) ?? this.organizations.get(this.slugs.get(idOrSlug.toLowerCase()));
  }

  /** Create a member of an existing organization: `{organization_id, email_address, name?, roles?}`. */
  createMember({ organization_id, email_address, name, roles }, now) {
    const org = this.organization(organization_id);
    if (!org) throw b2bError(404, "organization_not_found");
    if (!isEmail(email_address)) throw new HttpError(400, "invalid_email");
    if (this.memberByEmail(org.organization_id, email_address)) throw b2bError(400, "duplicate_member_email");
    if (name !== undefined && name !== null && typeof name !== "string") throw bad("name must be a string.");
    if (roles !== undefined && roles !== null && !isStringArray(roles)) throw bad("roles must be an array of strings.");
    const t = rfc3339(now);
    const roleIds = [...new Set(roles ?? [])];
    const member = {
      organization_id: org.organization_id,
      member_id: newId("member-test"),
      email_address,
      status: "active",
      name: name ?? "",
      sso_registrations: [],
      is_breakglass: false,
      member_password_id: "",
      oauth_registrations: [],
      email_address_verified: true,
      mfa_phone_number_verified: false,
      is_admin: roleIds.includes("stytch_admin"),
      totp_registration_id: "",
      retired_email_addresses: [],
      is_locked: false,
      mfa_enrolled: false,
      mfa_phone_number: "",
      default_mfa_method: "",
      roles: roleIds.map((role_id) => ({ role_id, sources: [{ type: "direct_assignment", details: {} }] })),
      trusted_metadata: {},
      untrusted_metadata: {},
      created_at: t,
      updated_at: t,
    };
    this.members.set(member.member_id, member);
    this.emailIds.set(member.member_id, newId("email-test"));
    return member;
  }

  /** The member of this organization with this email (case-insensitive), if any. */
  memberByEmail(organizationId, email) {
    if (typeof email !== "string") return undefined;
    const lower = email.toLowerCase();
    for (const m of this.members.values()) {
      if (m.organization_id === organizationId && m.email_address.toLowerCase() === lower) return m;
    }
    return undefined;
  }

  /**
   * A member session record for `member`, live until `now + durationSec`. `roles` default to the
   * member's role ids, `factors` to one email magic-link factor.
   */
  createSession(member, { durationSec, customClaims, factors, attributes, roles }, now) {
    return this.sessions.add({ member_id: member.member_id, organization_id: member.organization_id }, {
      durationSec,
      customClaims,
      attributes: attributes ?? { ip_address: "", user_agent: "" },
      factors: factors ?? [this.emailFactor(member, now)],
      roles: roles ?? memberRoleIds(member),
    }, now);
  }

  /** The email magic-link factor for a member, authenticated now. */
  emailFactor(member, now) {
    const t = rfc3339(now);
    return {
      type: "magic_link",
      delivery_method: "email",
      last_authenticated_at: t,
      created_at: t,
      updated_at: t,
      email_factor: { email_id: this.emailIds.get(member.member_id), email_address: member.email_address },
    };
  }

  /** The public MemberSession object (stytch-node `MemberSession`). */
  sessionObject(s) {
    return {
      member_session_id: s.member_session_id,
      member_id: s.member_id,
      started_at: rfc3339(s.started_at),
      last_accessed_at: rfc3339(s.last_accessed_at),
      expires_at: rfc3339(s.expires_at),
      authentication_factors: structuredClone(s.authentication_factors),
      organization_id: s.organization_id,
      roles: [...s.roles],
      organization_slug: this.organizations.get(s.organization_id).organization_slug,
      custom_claims: structuredClone(s.custom_claims),
    };
  }
}

/** The role ids a member holds, in its `roles` order. */
export function memberRoleIds(member) {
  return member.roles.map((r) => r.role_id);
}

/**
 * An org policy `{roles}` (the shape of `org_policy` in `GET /v1/b2b/rbac/organizations/:id`),
 * validated as the project policy's roles are (rbac.mjs); returns the normalised roles.
 */
export function parseOrgPolicy(value) {
  if (!isObject(value)) throw bad("org_policy must be an object {roles}.");
  return parsePolicy({ roles: value.roles }).roles;
}
