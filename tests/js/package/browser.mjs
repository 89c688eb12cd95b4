// The page checks of the chromium and firefox runtimes (run-chromium.mjs, run-firefox.mjs):
// `inPage` runs in the page (browser.html has put the package's "browser" entry on
// window.stytch); `checkPage` asserts its result in Node, with node:assert/strict.
import assert from "node:assert/strict";

/** What the browser pages run (Chromium through Playwright, Firefox through WebDriver). */
export const inPage = async ({ jwt, forged, url, projectId, secret }) => {
  const { verifyJwt, Client, ClientError, StytchError } = window.stytch;
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
  return {
    firstAt,
    user_id: session.user_id,
    plain: Object.getPrototypeOf(Object.getPrototypeOf(session)) === null && Object.prototype.toString.call(session) === "[object Object]",
    forgedErr,
    localRemote: local.request_id !== undefined,
    kids: jwks.keys.length,
    ua: navigator.userAgent,
  };
};

/** `inPage`'s result for `user`, asserted. */
export function checkPage(out, user) {
  assert.equal(out.user_id, user.user_id);
  assert.ok(out.plain, "session is a plain object");
  assert.deepEqual(out.forgedErr, { isClientError: true, isError: true, notStytch: true, name: "ClientError", code: "jwt_signature_invalid" }, `forged: ${JSON.stringify(out.forgedErr)}`);
  assert.equal(out.localRemote, false, "authenticateJwt of a fresh JWT called the API");
  assert.ok(out.kids >= 1, "no keys");
}
