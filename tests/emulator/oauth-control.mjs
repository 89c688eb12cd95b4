/**
 * Control routes for OAuth (USAGE.md, "M2M and Connected Apps"): create M2M and Connected App
 * clients, and mint a Connected App access token directly (standing in for the
 * authorization-code flow, which the emulator does not have).
 */
import { HttpError, bad } from "./errors.mjs";
import { m2mClientObject, connectedAppObject, parseScopes } from "./oauth-state.mjs";
import { ACCESS_TOKEN_TTL_SEC, connectedAppPayload, signAccessToken, tokenClaimsArg } from "./oauth-tokens.mjs";
import { tokenSubject } from "./oauth-subjects.mjs";

function integerArg(body, name, fallback, { min = -Infinity } = {}) {
  const v = body[name];
  if (v === undefined || v === null) return fallback;
  if (!Number.isInteger(v) || v < min) throw bad(`${name} must be an integer${min > -Infinity ? ` >= ${min}` : ""}.`);
  return v;
}

/**
 * `POST /__emulator/m2m_clients {client_id?, client_secret?, scopes?, client_name?,
 * client_description?, status?, custom_claims?, b2b?}` → the client, its `client_secret` included.
 * `b2b: true` signs its tokens with the B2B keys (for stytch-node's `B2BClient.m2m`).
 */
function createM2MClient(emu, { body }) {
  if (body.b2b !== undefined && typeof body.b2b !== "boolean") throw bad("b2b must be a boolean.");
  return m2mClientObject(emu.state.oauth.addM2MClient(body, tokenClaimsArg(body.custom_claims), body.b2b === true));
}

/**
 * `POST /__emulator/connected_apps/clients {client_id?, client_secret?, client_type? =
 * "first_party", client_name?, client_description?}` → the client (with `client_secret` unless
 * its type is `*_public`).
 */
function createConnectedAppClient(emu, { body }) {
  return connectedAppObject(emu.state.oauth.addConnectedAppClient(body));
}

/**
 * `POST /__emulator/connected_apps/tokens {subject | user_id | member_id, client_id, scopes,
 * custom_claims?, expires_in? = 3600, iat_offset_seconds? = 0}` →
 * `{access_token, token_type: "bearer", expires_in, scope}`.
 */
function mintConnectedAppToken(emu, { body }) {
  const subject = tokenSubject(emu, body);
  const client = typeof body.client_id === "string" ? emu.state.oauth.connectedAppClients.get(body.client_id) : undefined;
  if (!client) throw new HttpError(404, "connected_app_client_not_found", "No Connected App client with this client_id exists in the emulator.");
  if (body.scopes === undefined || body.scopes === null) throw bad("scopes is required.");
  const scopes = parseScopes(body.scopes);
  const expiresIn = integerArg(body, "expires_in", ACCESS_TOKEN_TTL_SEC, { min: 0 });
  const iatOffset = integerArg(body, "iat_offset_seconds", 0);
  const customClaims = tokenClaimsArg(body.custom_claims);
  const payload = connectedAppPayload({
    subject: subject.sub, clientId: client.client_id, scopes, issuer: emu.issuer, projectId: emu.projectId,
    now: emu.now(), iatOffset, expiresIn, organization: subject.organization, customClaims,
  });
  return {
    access_token: signAccessToken(payload, subject.keyRing),
    token_type: "bearer",
    expires_in: expiresIn,
    scope: payload.scope,
  };
}

/** The OAuth control routes (registered in control.mjs's `CONTROL_ROUTES`). */
export const OAUTH_CONTROL_ROUTES = [
  { method: "POST", pattern: "/__emulator/m2m_clients", handler: createM2MClient,
    help: "{scopes, client_id?, client_secret?, custom_claims?, status?, b2b?} → the client, secret included" },
  { method: "POST", pattern: "/__emulator/connected_apps/clients", handler: createConnectedAppClient,
    help: "{client_id?, client_secret?, client_type?} → the client" },
  { method: "POST", pattern: "/__emulator/connected_apps/tokens", handler: mintConnectedAppToken,
    help: "{subject | member_id, client_id, scopes, custom_claims?, expires_in?, iat_offset_seconds?} → {access_token}" },
];
