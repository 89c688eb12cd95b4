// The page checks of the chromium and firefox runtimes (run-chromium.mjs, run-firefox.mjs):
// `inPage` runs in the page (browser.html has put the package's "browser" entry on
// window.stytch); `checkPage` asserts its result in Node, with node:assert/strict.
import assert from "node:assert/strict";

/** What the browser pages run (Chromium through Playwright, Firefox through WebDriver). */
export const inPage = async ({ jwt, forged, url, projectId, secret, memberJwt, orgId }) => {
  const { verifyJwt, verifyB2BJwt, authenticateRequest, authenticateB2BRequest, Client, ClientError, StytchError } = window.stytch;
  const session = await verifyJwt(jwt, { project_id: projectId, custom_base_url: url });
  const firstAt = Date.now();
  let forgedErr;
  try {
    await verifyJwt(forged, { project_id: projectId, custom_base_url: url });
  } catch (e) {
    // Realm-independent checks: WebDriver runs this in a sandbox whose Error and Object are not
    // the page's.
    forgedErr = { isClientError: e instanceof ClientError, isError: Object.prototype.toString.call(e) === "[object Error]", notStytch: !(e instanceof StytchError), name: e.name, code: e.code };
  }
  const client = new Client({ project_id: projectId, secret, custom_base_url: url });
  const local = await client.sessions.authenticateJwt({ session_jwt: jwt });
  const jwks = await client.sessions.getJWKS({ project_id: projectId });
  // B2B: a member session verified, and gated from its cookie (a check naming its organization).
  const member = await verifyB2BJwt(memberJwt, { project_id: projectId, custom_base_url: url });
  const request = new Request(location.href, { headers: { authorization: `Bearer ${memberJwt}` } });
  const check = { organization_id: orgId, resource_id: "documents", action: "read" };
  const gate = await authenticateB2BRequest(request, { project_id: projectId, secret, custom_base_url: url, authorization_check: check });
  const other = await authenticateB2BRequest(request, { project_id: projectId, secret, custom_base_url: url, authorization_check: { ...check, organization_id: "organization-test-other" } });
  // No secret in a page: the gate judges locally only.
  const secretless = await authenticateRequest(new Request(location.href, { headers: { authorization: `Bearer ${jwt}` } }), { project_id: projectId, custom_base_url: url });
  return {
    secretless: [secretless.ok, secretless.session_jwt === jwt],
    b2b: { org: member.organization_id, gate: [gate.ok, gate.organization_id], other: [other.ok, other.status, other.code] },
    firstAt,
    user_id: session.user_id,
    plain: Object.getPrototypeOf(Object.getPrototypeOf(session)) === null && Object.prototype.toString.call(session) === "[object Object]",
    forgedErr,
    localRemote: local.request_id !== undefined,
    kids: jwks.keys.length,
    ua: navigator.userAgent,
  };
};

/** The page's arguments, minted on the emulator at `url` (with its control client `emu`): `{args, user}`. */
export async function pageArgs(emu, url, { projectId, secret, forge }) {
  const user = await emu.createUser({ email: `browser-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com` });
  const minted = await emu.createSession({ user_id: user.user_id });
  const reader = [{ role_id: "reader", description: "", permissions: [{ resource_id: "documents", actions: ["read"] }] }];
  await emu.putB2BPolicy({ roles: reader });
  const org = await emu.createOrganization({ organization_slug: `browser-${Date.now()}` });
  const member = await emu.createMember({ organization_id: org.organization_id, email_address: `m-${Date.now()}@example.com`, roles: ["reader"] });
  const memberSession = await emu.createMemberSession({ member_id: member.member_id });
  const args = { jwt: minted.session_jwt, forged: forge(minted.session_jwt), url, projectId, secret, memberJwt: memberSession.session_jwt, orgId: org.organization_id };
  return { args, user };
}

/** `inPage`'s result for `user`, asserted. */
export function checkPage(out, user) {
  assert.deepEqual(out.secretless, [true, true], "the gate without a secret let a fresh JWT in");
  assert.deepEqual(out.b2b.gate, [true, out.b2b.org], "the B2B gate let the member in");
  assert.deepEqual(out.b2b.other, [false, 403, "tenancy_mismatch"]);
  assert.equal(out.user_id, user.user_id);
  assert.ok(out.plain, "session is a plain object");
  assert.deepEqual(out.forgedErr, { isClientError: true, isError: true, notStytch: true, name: "ClientError", code: "jwt_signature_invalid" }, `forged: ${JSON.stringify(out.forgedErr)}`);
  assert.equal(out.localRemote, false, "authenticateJwt of a fresh JWT called the API");
  assert.ok(out.kids >= 1, "no keys");
}
