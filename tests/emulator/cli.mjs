#!/usr/bin/env node
/**
 * Command line: `stytch-sessions-emulator [--port N] [--project-id ID] [--secret S]
 * [--custom-domain URL] [--control-cors]` (`node tests/emulator/cli.mjs` in this repository).
 * Listens on 127.0.0.1:4517 unless `--port` says otherwise (`--port 0` picks a free port),
 * prints one line `stytch emulator listening on http://127.0.0.1:PORT` when ready, and exits
 * cleanly on SIGINT/SIGTERM. `--help` prints the flags and every route; a bad argument prints
 * the usage on stderr and exits with status 2.
 */
import { fileURLToPath } from "node:url";
import { startEmulator, DEFAULT_PROJECT_ID, DEFAULT_SECRET } from "./index.mjs";
import { API_ROUTES } from "./api.mjs";
import { B2B_API_ROUTES } from "./b2b-api.mjs";
import { CONTROL_ROUTES } from "./control.mjs";

/**
 * The port the command line listens on when none is given: not one a common dev server takes
 * (wrangler dev 8787/8788, Vite 5173, Next.js/Express 3000, 8000, 8080).
 */
const DEFAULT_PORT = 4517;

const USAGE = "usage: stytch-sessions-emulator [--port N] [--project-id ID] [--secret S] [--custom-domain URL] [--control-cors]";
const FLAGS = { "--port": "port", "--project-id": "projectId", "--secret": "secret", "--custom-domain": "customDomain" };

/** One line per route for `--help`; a route missing here is still listed, without its line. */
const ROUTE_HELP = {
  "GET /v1/sessions/jwks/:project_id": "the JWK set (no auth)",
  "POST /v1/sessions/authenticate": "{session_token | session_jwt, session_duration_minutes?, session_custom_claims?, authorization_check?}",
  "GET /v1/sessions": "?user_id= → the user's live sessions",
  "POST /v1/sessions/migrate": "{session_token, session_duration_minutes?, session_custom_claims?}",
  "POST /v1/sessions/revoke": "{session_id | session_token | session_jwt}",
  "POST /v1/sessions/exchange_access_token": "{access_token, session_duration_minutes?, session_custom_claims?}",
  "POST /v1/sessions/attest": "{profile_id, token, session_token? | session_jwt?, ...}",
  "GET /v1/rbac/policy": "the RBAC policy {roles, resources, scopes}",
  "POST /v1/public/:project_id/oauth2/token": "M2M client credentials → {access_token} (client auth, no project auth)",
  "POST /v1/public/:project_id/oauth2/introspect": "{token, client_id, client_secret?} → {active, ...claims} (client auth)",
  "GET /v1/b2b/sessions/jwks/:project_id": "the B2B JWK set (no auth)",
  "POST /v1/b2b/sessions/authenticate": "{session_token | session_jwt, ..., authorization_check?}",
  "GET /v1/b2b/sessions": "?organization_id=&member_id= → the member's live sessions",
  "POST /v1/b2b/sessions/revoke": "{member_session_id | session_token | session_jwt | member_id}",
  "POST /v1/b2b/sessions/exchange": "{organization_id, session_token | session_jwt, ...}",
  "POST /v1/b2b/sessions/exchange_access_token": "{access_token, ...}",
  "POST /v1/b2b/sessions/attest": "{profile_id, token, organization_id?, ...}",
  "POST /v1/b2b/sessions/migrate": "{session_token, organization_id, ...}",
  "GET /v1/b2b/rbac/policy": "the B2B RBAC policy",
  "GET /v1/b2b/rbac/organizations/:organization_id": "an organization's own RBAC roles",
  "POST /__emulator/users": "{email?, name?, roles?} → the User",
  "POST /__emulator/sessions": "{user_id, session_duration_minutes?, custom_claims?, factors?, iat_offset_seconds?, roles?} → {session_token, session_jwt, session}",
  "POST /__emulator/external_tokens": "{token, email}: what migrate's UserInfo answers",
  "POST /__emulator/access_tokens": "{user_id, client_id?} → {access_token} for exchange_access_token",
  "POST /__emulator/trusted_auth_tokens": "{profile_id, user_id} → {token} for attest",
  "PUT /__emulator/rbac/policy": "{roles?, resources?, scopes?} → the stored policy",
  "POST /__emulator/keys/rotate": "{keep_old? = true} → {kid}",
  "POST /__emulator/faults": "{method?, path_prefix, delay_ms?, status?, malformed_body?, reset_connection?, times?}",
  "DELETE /__emulator/faults": "clear all faults",
  "GET /__emulator/faults": "the active faults",
  "GET /__emulator/requests": "request counts per API route",
  "POST /__emulator/reset": "empty state, fresh keys, zero counts, no faults",
  "POST /__emulator/m2m_clients": "{scopes, client_id?, client_secret?, custom_claims?, status?, b2b?} → the client, secret included",
  "POST /__emulator/connected_apps/clients": "{client_id?, client_secret?, client_type?} → the client",
  "POST /__emulator/connected_apps/tokens": "{subject | member_id, client_id, scopes, custom_claims?, expires_in?, iat_offset_seconds?} → {access_token}",
  "POST /__emulator/b2b/organizations": "{organization_slug, organization_name?, org_policy?} → the Organization",
  "PUT /__emulator/b2b/organizations/:organization_id/policy": "{roles} → the organization's roles",
  "POST /__emulator/b2b/members": "{organization_id, email_address, name?, roles?} → the Member",
  "POST /__emulator/b2b/sessions": "{member_id, session_duration_minutes?, custom_claims?, ...} → {session_token, session_jwt, member_session}",
  "PUT /__emulator/b2b/rbac/policy": "{roles?, resources?, scopes?} → the stored B2B policy",
  "POST /__emulator/b2b/keys/rotate": "{keep_old? = true} → {kid}",
  "POST /__emulator/b2b/access_tokens": "{member_id, client_id?} → {access_token}",
  "POST /__emulator/b2b/trusted_auth_tokens": "{profile_id, member_id} → {token}",
};

/** `  METHOD /path  help`, methods and paths in aligned columns. */
function routeLines(keys) {
  const shown = keys.map((k) => k.replace(/^(\S+) /, (_, m) => `${m.padEnd(6)} `));
  const width = Math.max(...shown.map((k) => k.length));
  return keys.map((k, i) => `  ${shown[i].padEnd(width)}  ${ROUTE_HELP[k] ?? ""}`.trimEnd());
}

/** The `--help` text: usage, flags, every API and control route, and where the reference is. */
function helpText() {
  const usage = fileURLToPath(new URL("./USAGE.md", import.meta.url));
  return [
    USAGE,
    "",
    "A local emulator of Stytch's Sessions (consumer and B2B), RBAC, M2M and Connected Apps APIs,",
    "on 127.0.0.1 only, with real RS256 keys and in-memory state. Prints",
    "\"stytch emulator listening on http://127.0.0.1:PORT\" when ready; SIGINT/SIGTERM stop it.",
    "",
    "flags:",
    `  --port N             port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 picks a free port)`,
    `  --project-id ID      project id (default ${DEFAULT_PROJECT_ID})`,
    `  --secret S           project secret for Basic auth (default ${DEFAULT_SECRET})`,
    "  --custom-domain URL  JWT issuer instead of stytch.com/<project_id>, e.g. https://login.example.com",
    "  --control-cors       let pages served from a loopback origin call the control routes (CORS)",
    "  -h, --help           print this help and exit",
    "",
    "API routes (Basic auth project_id:secret unless noted):",
    ...routeLines([...API_ROUTES, ...B2B_API_ROUTES].map((r) => r.key)),
    "",
    "control routes (no auth; answered only for a loopback Host):",
    ...routeLines([...CONTROL_ROUTES.keys()]),
    "",
    `Every route, body, error and decision: ${usage}`,
  ].join("\n");
}

/** Parse `--flag value` and `--flag=value`; `--help` prints the help and exits 0, a bad argument exits 2. */
function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    let [flag, value] = argv[i].split(/=(.*)/s, 2);
    if ((flag === "--help" || flag === "-h") && value === undefined) {
      console.log(helpText());
      process.exit(0);
    }
    if (flag === "--control-cors" && value === undefined) {
      opts.controlCors = true;
      continue;
    }
    const key = FLAGS[flag];
    if (!key) fail(`unknown argument: ${flag}`);
    if (value === undefined) value = argv[++i];
    if (value === undefined || value === "") fail(`missing value for ${flag}`);
    opts[key] = value;
  }
  const port = Number(opts.port ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail("invalid port: give an integer from 0 to 65535");
  opts.port = port;
  return opts;
}

function fail(msg) {
  console.error(`${msg}\n${USAGE}\n(--help lists the flags and every route)`);
  process.exit(2);
}

const options = parseArgs(process.argv.slice(2));
let emulator;
try {
  emulator = await startEmulator(options);
} catch (err) {
  const why = err.code === "EADDRINUSE"
    ? `port ${options.port} is in use; pass --port N (0 picks a free port)`
    : err.message;
  console.error(`stytch emulator: could not start: ${why}`);
  process.exit(1);
}
console.log(`stytch emulator listening on ${emulator.url}`);

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, async () => {
    await emulator.close();
    process.exit(0);
  });
}
