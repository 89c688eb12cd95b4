/**
 * In-memory project state: users, sessions (by id and by token; sessions.mjs), the external OIDC
 * tokens that `migrate` resolves, the access tokens and trusted auth tokens that
 * `exchange_access_token` and `attest` take, and the RBAC policy. Times are stored as whole Unix
 * seconds.
 */
import { HttpError, bad } from "./errors.mjs";
import { emptyPolicy } from "./rbac.mjs";
import { newId, rfc3339, isObject } from "./util.mjs";
import { SessionStore } from "./sessions.mjs";
import { OAuthState } from "./oauth-state.mjs";

export class State {
  constructor() {
    /** @type {Map<string, object>} user_id → user record */
    this.users = new Map();
    /** @type {Map<string, string>} lower-cased email → user_id */
    this.emails = new Map();
    /** Sessions by session_id and by token (sessions.mjs). */
    this.sessions = new SessionStore({ idField: "session_id", ownerField: "user_id", idPrefix: "session-test" });
    /** @type {Map<string, string>} external OIDC token → email */
    this.externalTokens = new Map();
    /** @type {Map<string, {user_id: string, client_id: string, issued_at: number, used: boolean}>} access token → record */
    this.accessTokens = new Map();
    /** @type {Map<string, {profile_id: string, user_id: string, token_id: string, used: boolean}>} trusted auth token → record */
    this.trustedTokens = new Map();
    /** @type {Set<string>} profile ids that some trusted auth token was minted for */
    this.trustedProfiles = new Set();
    /** The RBAC policy that `GET /v1/rbac/policy` serves. */
    this.policy = emptyPolicy();
    /** M2M and Connected App clients (oauth-state.mjs). */
    this.oauth = new OAuthState();
  }

  /** Create a user with an optional (verified) email, name and roles. */
  createUser({ email, name, roles }, now) {
    const created = rfc3339(now);
    const emails = [];
    if (email !== undefined && email !== null) {
      if (!isEmail(email)) throw new HttpError(400, "invalid_email");
      if (this.emails.has(email.toLowerCase())) throw new HttpError(400, "duplicate_email");
      emails.push({ email_id: newId("email-test"), email, verified: true });
    }
    if (roles !== undefined && roles !== null && !isStringArray(roles)) {
      throw bad("roles must be an array of strings.");
    }
    const user = {
      user_id: newId("user-test"),
      emails,
      status: "active",
      name: parseName(name),
      phone_numbers: [],
      providers: [],
      webauthn_registrations: [],
      totps: [],
      crypto_wallets: [],
      biometric_registrations: [],
      password: null,
      roles: roles ? [...new Set(roles)] : [],
      created_at: created,
      trusted_metadata: {},
      untrusted_metadata: {},
      external_id: null,
      is_locked: false,
      lock_created_at: null,
      lock_expires_at: null,
    };
    this.users.set(user.user_id, user);
    if (emails.length) this.emails.set(email.toLowerCase(), user.user_id);
    return user;
  }

  /** The user with this email (case-insensitive), if any. */
  userByEmail(email) {
    const id = typeof email === "string" ? this.emails.get(email.toLowerCase()) : undefined;
    return id ? this.users.get(id) : undefined;
  }

  /** A session record for `user`, live until `now + durationSec`; `roles` default to the user's. */
  createSession(user, { durationSec, customClaims, factors, attributes, roles }, now) {
    return this.sessions.add({ user_id: user.user_id }, {
      durationSec,
      customClaims,
      attributes: attributes === undefined ? { ip_address: "", user_agent: "" } : attributes,
      factors: factors ?? defaultFactors(user, now),
      roles: roles ?? user.roles,
    }, now);
  }
}

/** True for a string that looks like an email address: `local@domain`, no spaces, one `@`. */
export function isEmail(v) {
  return typeof v === "string" && /^[^@\s]+@[^@\s]+$/.test(v);
}

/** True for an array of strings. */
export function isStringArray(v) {
  return Array.isArray(v) && v.every((s) => typeof s === "string");
}

/** The public Session object (Stytch's API reference; USAGE.md). */
export function sessionObject(s) {
  return {
    session_id: s.session_id,
    user_id: s.user_id,
    started_at: rfc3339(s.started_at),
    last_accessed_at: rfc3339(s.last_accessed_at),
    expires_at: rfc3339(s.expires_at),
    attributes: structuredClone(s.attributes),
    authentication_factors: structuredClone(s.authentication_factors),
    custom_claims: structuredClone(s.custom_claims),
    roles: [...s.roles],
  };
}

/** `{first_name, middle_name, last_name}` from an object, a "First Last" string or nothing. */
function parseName(name) {
  const out = { first_name: "", middle_name: "", last_name: "" };
  if (typeof name === "string") {
    const parts = name.trim().split(/\s+/).filter(Boolean);
    out.first_name = parts.shift() ?? "";
    out.last_name = parts.pop() ?? "";
    out.middle_name = parts.join(" ");
  } else if (isObject(name)) {
    for (const k of Object.keys(out)) if (typeof name[k] === "string") out[k] = name[k];
  } else if (name !== undefined && name !== null) {
    throw bad("name must be a string or an object.");
  }
  return out;
}

/** One email magic-link factor when the user has an email, else none. */
function defaultFactors(user, now) {
  const email = user.emails[0];
  if (!email) return [];
  const t = rfc3339(now);
  return [{
    type: "magic_link",
    delivery_method: "email",
    last_authenticated_at: t,
    created_at: t,
    updated_at: t,
    email_factor: { email_id: email.email_id, email_address: email.email },
  }];
}

/**
 * Normalise caller-given factors: each needs a string `type`; `delivery_method` defaults to
 * `"email"` and the three timestamps to now. Everything else is kept as given.
 */
export function parseFactors(factors, now) {
  if (factors === undefined || factors === null) return undefined;
  if (!Array.isArray(factors)) throw bad("factors must be an array.");
  const t = rfc3339(now);
  return factors.map((f) => {
    if (!isObject(f) || typeof f.type !== "string") {
      throw bad("each factor must be an object with a string type.");
    }
    return {
      type: f.type,
      delivery_method: f.delivery_method ?? "email",
      last_authenticated_at: f.last_authenticated_at ?? t,
      created_at: f.created_at ?? t,
      updated_at: f.updated_at ?? t,
      ...structuredClone(f),
    };
  });
}
