/**
 * OAuth clients (USAGE.md, "M2M and Connected Apps"): M2M clients, which get access tokens from
 * `POST /v1/public/:project_id/oauth2/token` (client credentials), and Connected App clients,
 * which introspect the tokens minted for them. Secrets are compared in constant time and never
 * appear in an error.
 */
import { timingSafeEqual } from "node:crypto";
import { HttpError, bad } from "./errors.mjs";
import { newId, newSessionToken } from "./util.mjs";

/** Connected App client types (stytch-node `ConnectedApp.client_type`); `*_public` ones have no secret. */
export const CLIENT_TYPES = ["first_party", "third_party", "first_party_public", "third_party_public"];

/** A scope is a non-empty string without whitespace (RFC 6749 §3.3: space-delimited). */
export const isScope = (s) => typeof s === "string" && /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s);

/** `scopes`: an array of scope strings, duplicates dropped (order kept). */
export function parseScopes(value, name = "scopes") {
  if (!Array.isArray(value) || !value.every(isScope)) {
    throw bad(`${name} must be an array of non-empty strings without spaces, quotes or backslashes.`);
  }
  return [...new Set(value)];
}

function optionalString(body, name) {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string" || v === "") throw bad(`${name} must be a non-empty string.`);
  return v;
}

const lastFour = (secret) => secret.slice(-4);

const sameSecret = (a, b) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export class OAuthState {
  constructor() {
    /** @type {Map<string, object>} client_id → M2M client record (with its secret) */
    this.m2mClients = new Map();
    /** @type {Map<string, object>} client_id → Connected App client record (with its secret, if any) */
    this.connectedAppClients = new Map();
  }

  /** A client id not used by any M2M or Connected App client, or 400 `duplicate_client_id`. */
  #freshId(body, prefix) {
    const id = optionalString(body, "client_id") ?? newId(prefix);
    if (this.m2mClients.has(id) || this.connectedAppClients.has(id)) {
      throw new HttpError(400, "duplicate_client_id", "A client with this client_id already exists.");
    }
    return id;
  }

  /**
   * `{client_id?, client_secret?, scopes, client_name?, client_description?, status?}` and the
   * parsed `customClaims` → the stored M2M client. The custom claims stand in for Stytch's
   * access-token template: they appear at the top level of every token minted for the client.
   * A `b2b` client's tokens are signed with the B2B keys.
   */
  addM2MClient(body, customClaims, b2b = false) {
    const scopes = parseScopes(body.scopes ?? []);
    const status = optionalString(body, "status") ?? "active";
    if (status !== "active" && status !== "inactive") throw bad("status must be \"active\" or \"inactive\".");
    const client = {
      client_id: this.#freshId(body, "m2m-client-test"),
      client_secret: optionalString(body, "client_secret") ?? newSessionToken(),
      client_name: optionalString(body, "client_name") ?? "",
      client_description: optionalString(body, "client_description") ?? "",
      status,
      scopes,
      custom_claims: customClaims ?? {},
      b2b,
    };
    this.m2mClients.set(client.client_id, client);
    return client;
  }

  /** `{client_id?, client_secret?, client_type? = "first_party", client_name?, client_description?}` → the stored client. */
  addConnectedAppClient(body) {
    const type = optionalString(body, "client_type") ?? "first_party";
    if (!CLIENT_TYPES.includes(type)) throw bad(`client_type must be one of ${CLIENT_TYPES.join(", ")}.`);
    const isPublic = type.endsWith("_public");
    const given = optionalString(body, "client_secret");
    if (isPublic && given !== undefined) throw bad("A public client has no client_secret.");
    const client = {
      client_id: this.#freshId(body, "connected-app-test"),
      client_secret: isPublic ? undefined : given ?? newSessionToken(),
      client_name: optionalString(body, "client_name") ?? "",
      client_description: optionalString(body, "client_description") ?? "",
      client_type: type,
      status: "active",
    };
    this.connectedAppClients.set(client.client_id, client);
    return client;
  }

  /**
   * The client authenticated by `client_id`/`client_secret`, or undefined: unknown id, wrong or
   * missing secret (a public client must give none).
   */
  authenticate(clients, clientId, secret) {
    const client = clients.get(clientId);
    if (!client) return undefined;
    if (client.client_secret === undefined) return secret === undefined ? client : undefined;
    return secret !== undefined && sameSecret(secret, client.client_secret) ? client : undefined;
  }
}

/** The M2M client as the control route answers it (stytch-node `M2MClientWithClientSecret`). */
export function m2mClientObject(c) {
  return {
    client_id: c.client_id,
    client_secret: c.client_secret,
    client_name: c.client_name,
    client_description: c.client_description,
    status: c.status,
    scopes: [...c.scopes],
    client_secret_last_four: lastFour(c.client_secret),
    custom_claims: structuredClone(c.custom_claims),
    b2b: c.b2b,
  };
}

/** The Connected App client as the control route answers it (a subset of `ConnectedAppWithClientSecret`). */
export function connectedAppObject(c) {
  const out = {
    client_id: c.client_id,
    client_name: c.client_name,
    client_description: c.client_description,
    client_type: c.client_type,
    status: c.status,
  };
  if (c.client_secret !== undefined) {
    out.client_secret = c.client_secret;
    out.client_secret_last_four = lastFour(c.client_secret);
  }
  return out;
}
