/**
 * Session records by id and by opaque token, for both the consumer state (state.mjs: `session_id`
 * of a `user_id`) and the B2B one (b2b-state.mjs: `member_session_id` of a `member_id`). Times are
 * whole Unix seconds; a session is live while `expires_at > now`, and a revoked one is gone.
 */
import { newId, newSessionToken } from "./util.mjs";

export class SessionStore {
  /**
   * @param {{idField: string, ownerField: string, idPrefix: string}} names the record's id field,
   *   its owner's id field, and the prefix of a new id (`<idPrefix>-<uuid>`)
   */
  constructor({ idField, ownerField, idPrefix }) {
    this.idField = idField;
    this.ownerField = ownerField;
    this.idPrefix = idPrefix;
    /** @type {Map<string, object>} session id → session record */
    this.byId = new Map();
    /** @type {Map<string, string>} session token → session id */
    this.tokens = new Map();
  }

  /**
   * Store a new session live until `now + durationSec`: a new id, then `owner` (the owner's id
   * fields), the times, `attributes`, `factors`, `customClaims`, `roles` (copied) and a new token.
   */
  add(owner, { durationSec, customClaims = {}, factors, attributes, roles }, now) {
    const session = {
      [this.idField]: newId(this.idPrefix),
      ...owner,
      started_at: now,
      last_accessed_at: now,
      expires_at: now + durationSec,
      attributes,
      authentication_factors: factors,
      custom_claims: customClaims,
      roles: [...roles],
      token: newSessionToken(),
    };
    this.byId.set(session[this.idField], session);
    this.tokens.set(session.token, session[this.idField]);
    return session;
  }

  /** The live (not revoked, not expired) session with this id. */
  live(id, now) {
    const s = typeof id === "string" ? this.byId.get(id) : undefined;
    return s && s.expires_at > now ? s : undefined;
  }

  /** The live session owning this opaque token. */
  liveByToken(token, now) {
    return this.live(this.tokens.get(token), now);
  }

  /** Live sessions of an owner (a user or a member id), oldest first. */
  liveOf(ownerId, now) {
    return [...this.byId.values()]
      .filter((s) => s[this.ownerField] === ownerId && s.expires_at > now)
      .sort((a, b) => a.started_at - b.started_at);
  }

  /** Forget a session and its token for good. */
  revoke(session) {
    this.byId.delete(session[this.idField]);
    this.tokens.delete(session.token);
  }
}
