// Shared setup of the access-token tests (issue 25): an in-process emulator whose clock a test
// can shift (to mint tokens in the past), the installed package, stytch-node's clients, the
// tokens of each kind, and the parity comparisons (tests/js/lib/parity.mjs, re-exported).
import * as stytch from "stytch";
import { startEmulator } from "../../emulator/index.mjs";
import { control, forge, PROJECT_ID, requestCounter, SECRET } from "../lib/emulator.mjs";
import { installedPackage } from "../lib/package-install.mjs";
import { sdkClient } from "../sdk/calls.mjs";

export { forge, PROJECT_ID, SECRET };
export { agree, outcome } from "../lib/parity.mjs";
export const root = new URL("../../..", import.meta.url).pathname;

export const JWKS = "GET /v1/sessions/jwks/:project_id";
export const B2B_JWKS = "GET /v1/b2b/sessions/jwks/:project_id";
export const POLICY = "GET /v1/rbac/policy";
export const B2B_POLICY = "GET /v1/b2b/rbac/policy";

/** The package as a user installs it (the packed tarball; `./scripts/build` first). */
export async function importPackage() {
  return (await installedPackage(root)).importPackage();
}

/**
 * An in-process emulator: `{ url, ctl, delta(), shift(seconds), options, close }`. `shift(s)`
 * moves its clock by `s` seconds (negative: tokens minted now are that old) until `shift(0)`;
 * `delta()` gives the request counts since its last call; `options` are a client's.
 */
export async function emulator() {
  let offset = 0;
  const emu = await startEmulator({ port: 0, now: () => Math.floor(Date.now() / 1000) + offset });
  const ctl = control(emu.url);
  return {
    url: emu.url,
    ctl,
    delta: requestCounter(ctl, await ctl.requests()),
    shift: (seconds) => {
      offset = seconds;
    },
    options: { project_id: PROJECT_ID, secret: SECRET, custom_base_url: emu.url },
    close: () => emu.close(),
  };
}

/** stytch-node's `Client` and `B2BClient` on the emulator (its warning about a custom env silenced). */
export function sdkClients(url) {
  const options = { projectId: PROJECT_ID, secret: SECRET };
  return { consumer: sdkClient(url, options), b2b: sdkClient(url, options, stytch.B2BClient) };
}

let n = 0;
/** A unique suffix for emails and slugs. */
const unique = () => `${++n}-${Date.now()}`;

/**
 * A consumer user with a session, and a B2B organization with a member and a member session:
 * `{ user, session, org, member, memberSession }`.
 */
export async function people(ctl) {
  const user = await ctl.createUser({ email: `oauth-${unique()}@example.com` });
  const session = await ctl.createSession({ user_id: user.user_id });
  const org = await ctl.createOrganization({ organization_slug: `oauth-${unique()}` });
  const member = await ctl.createMember({ organization_id: org.organization_id, email_address: `member-${unique()}@example.com` });
  const memberSession = await ctl.createMemberSession({ member_id: member.member_id });
  return { user, session, org, member, memberSession };
}

/**
 * An M2M access token from the emulator's token endpoint (client credentials in the form body,
 * as stytch-node sends them) for `client` (from `ctl.createM2MClient`), with all its scopes.
 */
export async function m2mToken(url, client) {
  const form = new URLSearchParams({ grant_type: "client_credentials", client_id: client.client_id, client_secret: client.client_secret });
  const res = await fetch(`${url}/v1/public/${PROJECT_ID}/oauth2/token`, { method: "POST", body: form, signal: AbortSignal.timeout(5000) });
  const body = await res.json();
  if (!res.ok) throw new Error(`token: ${res.status} ${body.error}`);
  return body.access_token;
}

/** A JWT's payload (not verified). */
export const payload = (jwt) => JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString());

/** A `Request` carrying `Authorization: Bearer <token>` (no header when `token` is undefined). */
export const bearer = (token, url = "https://api.example/resource") => new Request(url, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

/** Sum of the counts in `d` for every route but those in `except`. */
export const callsBut = (d, except = []) => Object.entries(d).reduce((sum, [k, v]) => sum + (except.includes(k) ? 0 : v), 0);
