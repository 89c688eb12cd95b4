// Start the Stytch emulator as a separate process and talk to its control routes.
import { start, waitForLine } from "./procs.mjs";

export const PROJECT_ID = "project-test-00000000-0000-4000-8000-000000000000";
export const SECRET = "secret-test-emulator";

/** Start `node <cli> --port 0`; resolves `{ url, child, close }` once it prints its URL. */
export async function startEmulatorProcess(cliPath) {
  const child = start(process.execPath, [cliPath, "--port", "0"]);
  const m = await waitForLine(child, /stytch emulator listening on (http:\/\/127\.0\.0\.1:\d+)/);
  child.stdout.resume();
  child.stderr.resume();
  const close = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", resolve);
      child.kill("SIGTERM");
    });
  return { url: m[1], child, close };
}

/** A small client for the emulator's control routes. */
export function control(url) {
  const call = async (method, path, body) => {
    const res = await fetch(url + path, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const auth = "Basic " + Buffer.from(`${PROJECT_ID}:${SECRET}`).toString("base64");
  return {
    createUser: (body = {}) => call("POST", "/__emulator/users", body),
    createSession: (body) => call("POST", "/__emulator/sessions", body),
    externalToken: (body) => call("POST", "/__emulator/external_tokens", body),
    rotate: (body = {}) => call("POST", "/__emulator/keys/rotate", body),
    /** Set the RBAC policy `{roles, resources, scopes}` that `GET /v1/rbac/policy` serves. */
    putPolicy: (policy) => call("PUT", "/__emulator/rbac/policy", policy),
    /** `{user_id, client_id?}` → `{access_token}` for `POST /v1/sessions/exchange_access_token`. */
    accessToken: (body) => call("POST", "/__emulator/access_tokens", body),
    /** `{profile_id, user_id}` → `{token}` for `POST /v1/sessions/attest`. */
    trustedAuthToken: (body) => call("POST", "/__emulator/trusted_auth_tokens", body),
    /** Add a fault (tests/emulator/USAGE.md, "Faults"); `clearFaults()` removes them all. */
    fault: (f) => call("POST", "/__emulator/faults", f),
    clearFaults: () => call("DELETE", "/__emulator/faults"),
    requests: () => call("GET", "/__emulator/requests"),
    reset: () => call("POST", "/__emulator/reset", {}),
    // B2B (tests/emulator/USAGE.md, "B2B")
    /** `{organization_slug, organization_name?, org_policy?: {roles}}` → the Organization. */
    createOrganization: (body) => call("POST", "/__emulator/b2b/organizations", body),
    /** Replace an organization's own RBAC roles → `{roles}`. */
    putOrgPolicy: (organizationId, roles) =>
      call("PUT", `/__emulator/b2b/organizations/${encodeURIComponent(organizationId)}/policy`, { roles }),
    /** `{organization_id, email_address, name?, roles?}` → the Member. */
    createMember: (body) => call("POST", "/__emulator/b2b/members", body),
    /** `{member_id, session_duration_minutes?, custom_claims?, factors?, iat_offset_seconds?, attributes?, roles?}` → `{session_token, session_jwt, member_session}`. */
    createMemberSession: (body) => call("POST", "/__emulator/b2b/sessions", body),
    /** Set the B2B project policy `{roles, resources, scopes}` that `GET /v1/b2b/rbac/policy` serves. */
    putB2BPolicy: (policy) => call("PUT", "/__emulator/b2b/rbac/policy", policy),
    rotateB2BKeys: (body = {}) => call("POST", "/__emulator/b2b/keys/rotate", body),
    /** `{member_id, client_id?}` → `{access_token}` for `POST /v1/b2b/sessions/exchange_access_token`. */
    b2bAccessToken: (body) => call("POST", "/__emulator/b2b/access_tokens", body),
    /** `{profile_id, member_id}` → `{token}` for `POST /v1/b2b/sessions/attest`. */
    b2bTrustedAuthToken: (body) => call("POST", "/__emulator/b2b/trusted_auth_tokens", body),
    // OAuth (tests/emulator/USAGE.md, "M2M and Connected Apps")
    /** `{scopes, client_id?, client_secret?, client_name?, status?, custom_claims?, b2b?}` → the M2M client, secret included. */
    createM2MClient: (body) => call("POST", "/__emulator/m2m_clients", body),
    /** `{client_id?, client_secret?, client_type? = "first_party", client_name?}` → the Connected App client. */
    createConnectedAppClient: (body = {}) => call("POST", "/__emulator/connected_apps/clients", body),
    /** `{subject | member_id, client_id, scopes, custom_claims?, expires_in?, iat_offset_seconds?}` → `{access_token, token_type, expires_in, scope}`. */
    mintConnectedAppToken: (body) => call("POST", "/__emulator/connected_apps/tokens", body),
    /** Revoke through the real API (Basic auth), as an app would. */
    revokeViaApi: async (body) => {
      const res = await fetch(url + "/v1/sessions/revoke", {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: auth },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(5000),
      });
      if (!res.ok) throw new Error(`revoke: ${res.status} ${await res.text()}`);
      return res.json();
    },
  };
}

/**
 * Request counts per route since the last call (or since this was made): `await delta()`.
 * `mark` is a `ctl.requests()` snapshot to count from.
 */
export function requestCounter(ctl, mark) {
  return async () => {
    const now = await ctl.requests();
    const d = Object.fromEntries(Object.keys(now).map((k) => [k, now[k] - (mark[k] ?? 0)]));
    mark = now;
    return d;
  };
}

/** A JWT with its signature tampered with (one bit of the first signature byte flipped). */
export function forge(jwt) {
  const [h, p, s] = jwt.split(".");
  const sig = Buffer.from(s, "base64url");
  sig[0] ^= 0x01;
  return `${h}.${p}.${sig.toString("base64url")}`;
}
