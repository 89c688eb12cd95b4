/**
 * Who a Connected App access token is for, and which keys sign it (USAGE.md, "M2M and Connected
 * Apps"). This is the one place that knows both sides of the project:
 * - a consumer user (`subject` or `user_id`): signed with the consumer session keys
 *   (`GET /v1/sessions/jwks/:project_id`), what stytch-node's `Client.idp` verifies;
 * - a B2B member (`member_id`): signed with the B2B keys (`emu.b2b.keyRing`, served by
 *   `GET /v1/b2b/sessions/jwks/:project_id`) and carrying `https://stytch.com/organization`
 *   `{organization_id, slug}`, what stytch-node's `B2BClient.idp` reads.
 */
import { HttpError, bad } from "./errors.mjs";
import { given } from "./util.mjs";

/** Every key ring whose tokens the introspection endpoint accepts: consumer, then B2B. */
export function oauthKeyRings(emu) {
  return [emu.keyRing, emu.b2b.keyRing];
}

/**
 * The subject of a token from a control body: exactly one of `subject`/`user_id` (a consumer
 * user) or `member_id` (a B2B member). Returns `{sub, keyRing, organization?}`; 400 `bad_request`
 * for none, several or a non-string; 404 `user_not_found` / `member_not_found` for an unknown one.
 */
export function tokenSubject(emu, body) {
  const names = ["subject", "user_id", "member_id"].filter((n) => given(body[n]));
  if (names.length !== 1) throw bad("Give exactly one of subject (a user_id), user_id or member_id.");
  const id = body[names[0]];
  if (typeof id !== "string") throw bad(`${names[0]} must be a string.`);
  if (names[0] !== "member_id") {
    if (!emu.state.users.has(id)) throw new HttpError(404, "user_not_found");
    return { sub: id, keyRing: emu.keyRing };
  }
  const member = emu.b2b.members.get(id);
  if (!member) throw new HttpError(404, "member_not_found", "Member could not be found.");
  const org = emu.b2b.organizations.get(member.organization_id);
  return {
    sub: id,
    keyRing: emu.b2b.keyRing,
    organization: { organization_id: org.organization_id, slug: org.organization_slug },
  };
}
