/**
 * The OAuth 2.0 endpoints (USAGE.md, "M2M and Connected Apps"): the token endpoint for M2M
 * clients (RFC 6749 §4.4, client credentials) and the introspection endpoint for Connected App
 * clients (RFC 7662). They take no project credentials: the client authenticates with
 * `client_id`/`client_secret` in the body, or in an `Authorization: Basic` header (RFC 6749
 * §2.3.1) when the body has no `client_id`. Failures use the OAuth 2.0 error shape
 * `{status_code, request_id, error, error_description}` (what stytch-node's `StytchError` reads).
 */
import { HttpError } from "./errors.mjs";
import { readBodyText } from "./http.mjs";
import { isScope } from "./oauth-state.mjs";
import { ACCESS_TOKEN_TTL_SEC, m2mPayload, signAccessToken, verifyAccessToken } from "./oauth-tokens.mjs";
import { oauthKeyRings } from "./oauth-subjects.mjs";
import { given, isObject, newId } from "./util.mjs";

/** An OAuth 2.0 error answer (RFC 6749 §5.2): `error` is the code, `error_description` the text. */
export class OAuthError extends HttpError {
  constructor(status, error, description, headers) {
    super(status, error, description);
    if (headers) this.headers = headers;
  }

  /** The JSON body (http.mjs `sendError` sends it instead of a Stytch error). */
  get body() {
    return { status_code: this.status, request_id: newId("request-id-test"), error: this.type, error_description: this.message };
  }
}

const invalidRequest = (description) => new OAuthError(400, "invalid_request", description);

/** 401 `invalid_client`; with `WWW-Authenticate` when the client used the Basic header (RFC 6749 §5.2). */
const invalidClient = (viaHeader) => new OAuthError(401, "invalid_client", "Client authentication failed.",
  viaHeader ? { "WWW-Authenticate": 'Basic realm="stytch-emulator"' } : undefined);

/**
 * Read the parameters of an OAuth request: `application/x-www-form-urlencoded` (what
 * stytch-node sends) or `application/json` (what Stytch's curl examples send). A repeated form
 * parameter, bad JSON or another content type is 400 `invalid_request`.
 */
export async function readOAuthParams(req) {
  const text = await readBodyText(req);
  const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (type === "application/x-www-form-urlencoded") {
    const params = new Map();
    for (const [k, v] of new URLSearchParams(text)) {
      if (params.has(k)) throw invalidRequest(`The parameter ${k} is repeated.`);
      params.set(k, v);
    }
    return Object.fromEntries(params);
  }
  if (type === "application/json") {
    let value;
    try {
      value = text.trim() === "" ? {} : JSON.parse(text);
    } catch {
      throw invalidRequest("The request body is not valid JSON.");
    }
    if (!isObject(value)) throw invalidRequest("The request body must be a JSON object.");
    return value;
  }
  if (text.trim() === "") return {};
  throw invalidRequest("The Content-Type must be application/x-www-form-urlencoded or application/json.");
}

/** A string parameter; absent, null and `""` are "not given" (RFC 6749 §3.1). */
function param(params, name) {
  const v = params[name];
  if (!given(v)) return undefined;
  if (typeof v !== "string") throw invalidRequest(`${name} must be a string.`);
  return v;
}

/** Undo the form-encoding RFC 6749 §2.3.1 applies to Basic credentials (raw when not encoded). */
function formDecode(s) {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return s;
  }
}

/**
 * The client's `{id, secret?, viaHeader}`: from the body when it has a `client_id` (an
 * `Authorization` header is then ignored), else from `Authorization: Basic`, else 400.
 */
function clientCredentials(params, headers) {
  const id = param(params, "client_id");
  if (id !== undefined) return { id, secret: param(params, "client_secret"), viaHeader: false };
  const m = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(headers.authorization ?? "");
  if (m) {
    const decoded = Buffer.from(m[1], "base64").toString("utf8");
    const i = decoded.indexOf(":");
    if (i < 0) throw invalidClient(true);
    const secret = formDecode(decoded.slice(i + 1));
    return { id: formDecode(decoded.slice(0, i)), secret: secret === "" ? undefined : secret, viaHeader: true };
  }
  throw invalidRequest("client_id is required.");
}

/** The path's project id must be the emulator's (as for the JWKS route). */
function checkProject(emu, params) {
  if (params.project_id !== emu.projectId) throw new HttpError(404, "project_not_found");
}

/** A requested `scope` string: space-separated scope tokens (RFC 6749 §3.3), duplicates dropped. */
function requestedScopes(scope) {
  const scopes = scope.split(" ").filter((s) => s !== "");
  if (!scopes.every(isScope)) throw new OAuthError(400, "invalid_scope", "The scope parameter is malformed.");
  return [...new Set(scopes)];
}

/**
 * `POST /v1/public/:project_id/oauth2/token {grant_type: "client_credentials", client_id,
 * client_secret, scope?}` → `{access_token, token_type: "bearer", expires_in: 3600}`. Without
 * `scope` the token carries all the client's scopes; a scope the client lacks is 400 `invalid_scope`.
 */
export function token(emu, { body, params, headers }) {
  checkProject(emu, params);
  const grant = param(body, "grant_type");
  if (grant === undefined) throw invalidRequest("grant_type is required.");
  const creds = clientCredentials(body, headers);
  if (grant !== "client_credentials") {
    throw new OAuthError(400, "unsupported_grant_type", "Only grant_type=client_credentials is supported.");
  }
  const oauth = emu.state.oauth;
  const client = oauth.authenticate(oauth.m2mClients, creds.id, creds.secret);
  if (!client || client.status !== "active") throw invalidClient(creds.viaHeader);
  const scope = param(body, "scope");
  const scopes = scope === undefined ? client.scopes : requestedScopes(scope);
  if (!scopes.every((s) => client.scopes.includes(s))) {
    throw new OAuthError(400, "invalid_scope", "A requested scope is not among the client's scopes.");
  }
  const payload = m2mPayload({ client, scopes, issuer: emu.issuer, projectId: emu.projectId, now: emu.now() });
  const keyRing = client.b2b ? emu.b2b.keyRing : emu.keyRing;
  return { access_token: signAccessToken(payload, keyRing), token_type: "bearer", expires_in: ACCESS_TOKEN_TTL_SEC };
}

/**
 * `POST /v1/public/:project_id/oauth2/introspect {token, client_id, client_secret?, token_type_hint?}`
 * → `{active: true, sub, scope, aud, exp, iat, iss, nbf, client_id, token_type: "access_token",
 * ...custom claims}` for a live Connected App access token minted for this client, else
 * `{active: false}`. A bad client is 401 `invalid_client`. `token_type_hint` is ignored.
 */
export function introspect(emu, { body, params, headers }) {
  checkProject(emu, params);
  const creds = clientCredentials(body, headers);
  const oauth = emu.state.oauth;
  const client = oauth.authenticate(oauth.connectedAppClients, creds.id, creds.secret);
  if (!client) throw invalidClient(creds.viaHeader);
  const tokenArg = param(body, "token");
  if (tokenArg === undefined) throw invalidRequest("token is required.");
  param(body, "token_type_hint"); // type-checked, then ignored
  const payload = verifyAccessToken(tokenArg, {
    keyRings: oauthKeyRings(emu), projectId: emu.projectId, issuers: emu.issuers, now: emu.now(),
  });
  if (!payload || payload.client_id !== client.client_id) return { active: false };
  const { sub, scope, aud, exp, iat, iss, nbf, client_id, jti: _jti, ...custom } = payload;
  return { active: true, sub, scope, aud, exp, iat, iss, nbf, client_id, token_type: "access_token", ...custom };
}

/** The OAuth API routes (registered in api.mjs's `API_ROUTES`; counted and faulted like the rest). */
export const OAUTH_API_ROUTES = [
  { method: "POST", pattern: "/v1/public/:project_id/oauth2/token", auth: false, readBody: readOAuthParams, handler: token,
    help: "M2M client credentials → {access_token} (client auth, no project auth)" },
  { method: "POST", pattern: "/v1/public/:project_id/oauth2/introspect", auth: false, readBody: readOAuthParams, handler: introspect,
    help: "{token, client_id, client_secret?} → {active, ...claims} (client auth)" },
];
