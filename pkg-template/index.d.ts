/**
 * stytch-sessions-wasm: Stytch's Sessions API and strict local verification of Stytch session
 * JWTs, in Rust compiled to WebAssembly, for Cloudflare Workers, Deno, browsers and Node.
 *
 * Method names are camelCase; option and response fields are Stytch's own snake_case, exactly
 * as in Stytch's Node SDK (`stytch` on npm), so moving over is a change of import.
 *
 * The comments here say what a call does in brief; every rule it applies (what is accepted, when
 * the API is asked, how keys are cached) is stated once, in the repository's docs/rules.md:
 * https://github.com/stytch-sessions-wasm/stytch-sessions-wasm/blob/main/docs/rules.md
 *
 * @packageDocumentation
 */

// ---------------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------------

/** Any JSON value (what `JSON.parse` can return). */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

/** A JSON object. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** A string union that still accepts values this version does not know (with completions). */
type OpenString<Known extends string> = Known | (string & {});

// ---------------------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------------------

/**
 * One key of a project's JSON Web Key Set, as `GET /v1/sessions/jwks/{project_id}` returns it
 * (RFC 7517; note Stytch spells the thumbprint field `x5tS256`).
 */
export interface JWK {
  /** Key type: `"RSA"` for Stytch session keys. */
  kty: string;
  /** Public key use: `"sig"`. */
  use?: string;
  /** Allowed operations, e.g. `["verify"]`. */
  key_ops?: string[];
  /** Algorithm: `"RS256"`. */
  alg?: string;
  /** Key id, e.g. `"jwk-test-…"`; a session JWT's header names it. */
  kid?: string;
  /** X.509 certificate chain (base64 DER). */
  x5c?: string[];
  /** X.509 certificate SHA-256 thumbprint (base64url). */
  x5tS256?: string;
  /** RSA modulus (base64url). */
  n?: string;
  /** RSA public exponent (base64url). */
  e?: string;
}

/**
 * A key given to pre-seed the key cache (`jwks` options): the RSA fields are required. A key that
 * is not usable (e.g. `use` not `sig`, `alg` not `RS256`, `key_ops` without `verify`, a modulus
 * outside 2048–4096 bits) is skipped, as in a fetched JWKS.
 * @see {@link https://github.com/stytch-sessions-wasm/stytch-sessions-wasm/blob/main/docs/rules.md#how-a-session-jwt-is-judged | docs/rules.md, "How a session JWT is judged"} (step 3)
 */
export type JWKInput = JWK & Required<Pick<JWK, "kid" | "n" | "e">>;

// ---------------------------------------------------------------------------------------------
// Sessions, factors, users
// ---------------------------------------------------------------------------------------------

/** Where and how a session was started. */
export interface SessionAttributes {
  /** The IP address the session was started from (may be `""`). */
  ip_address: string;
  /** The user agent the session was started from (may be `""`). */
  user_agent: string;
}

/** Known authentication factor types (Stytch adds new ones; others are accepted too). */
export type AuthenticationFactorType = OpenString<
  | "magic_link"
  | "otp"
  | "oauth"
  | "webauthn"
  | "totp"
  | "crypto"
  | "password"
  | "signature_challenge"
  | "sso"
  | "imported"
  | "recovery_codes"
  | "email_otp"
  | "impersonated"
  | "trusted_auth_token"
>;

/** How the factor was delivered, e.g. `"email"`, `"sms"`, `"oauth_google"`, `"webauthn_registration"`. */
export type AuthenticationFactorDeliveryMethod = OpenString<
  | "email"
  | "sms"
  | "whatsapp"
  | "voice"
  | "email_otp"
  | "embedded"
  | "oauth_google"
  | "oauth_apple"
  | "oauth_microsoft"
  | "oauth_github"
  | "oauth_gitlab"
  | "oauth_facebook"
  | "oauth_slack"
  | "oauth_discord"
  | "webauthn_registration"
  | "authenticator_app"
  | "recovery_code"
  | "crypto_wallet"
  | "password"
  | "sso_saml"
  | "sso_oidc"
  | "biometric"
  | "impersonation"
  | "imported_auth0"
>;

/** `email_factor`: an email address that authenticated. */
export interface EmailFactor {
  email_id: string;
  email_address: string;
}

/** `phone_number_factor`: a phone number that authenticated. */
export interface PhoneNumberFactor {
  phone_id: string;
  phone_number: string;
}

/** `<provider>_oauth_factor`: an OAuth login. */
export interface OAuthFactor {
  id: string;
  provider_subject: string;
  email_id?: string;
}

/** `webauthn_factor`: a WebAuthn / passkey registration. */
export interface WebAuthnFactor {
  webauthn_registration_id: string;
  domain: string;
  user_agent?: string;
}

/** `authenticator_app_factor`: a TOTP app. */
export interface AuthenticatorAppFactor {
  totp_id: string;
}

/** `recovery_code_factor`: a TOTP recovery code. */
export interface RecoveryCodeFactor {
  totp_recovery_code_id: string;
}

/** `crypto_wallet_factor`: a crypto wallet signature. */
export interface CryptoWalletFactor {
  crypto_wallet_id: string;
  crypto_wallet_address: string;
  crypto_wallet_type: string;
}

/** `saml_sso_factor` / `oidc_sso_factor`: an enterprise SSO login. */
export interface SSOFactor {
  id: string;
  provider_id: string;
  external_id: string;
}

/** `biometric_factor`: a mobile biometric registration. */
export interface BiometricFactor {
  biometric_registration_id: string;
}

/** `impersonated_factor`: a dashboard user impersonating this user. */
export interface ImpersonatedFactor {
  impersonator_id: string;
  impersonator_email_address: string;
}

/**
 * One way the user authenticated in this session: `type`, `delivery_method`, timestamps, plus
 * exactly one `*_factor` object describing the factor.
 */
export interface AuthenticationFactor {
  type: AuthenticationFactorType;
  delivery_method: AuthenticationFactorDeliveryMethod;
  /** RFC 3339 UTC. */
  last_authenticated_at: string;
  /** RFC 3339 UTC. */
  created_at?: string;
  /** RFC 3339 UTC. */
  updated_at?: string;
  email_factor?: EmailFactor;
  phone_number_factor?: PhoneNumberFactor;
  google_oauth_factor?: OAuthFactor;
  microsoft_oauth_factor?: OAuthFactor;
  apple_oauth_factor?: OAuthFactor;
  github_oauth_factor?: OAuthFactor;
  gitlab_oauth_factor?: OAuthFactor;
  facebook_oauth_factor?: OAuthFactor;
  discord_oauth_factor?: OAuthFactor;
  slack_oauth_factor?: OAuthFactor;
  amazon_oauth_factor?: OAuthFactor;
  bitbucket_oauth_factor?: OAuthFactor;
  coinbase_oauth_factor?: OAuthFactor;
  figma_oauth_factor?: OAuthFactor;
  hubspot_oauth_factor?: OAuthFactor;
  linkedin_oauth_factor?: OAuthFactor;
  salesforce_oauth_factor?: OAuthFactor;
  shopify_oauth_factor?: OAuthFactor;
  snapchat_oauth_factor?: OAuthFactor;
  tiktok_oauth_factor?: OAuthFactor;
  twitch_oauth_factor?: OAuthFactor;
  twitter_oauth_factor?: OAuthFactor;
  yahoo_oauth_factor?: OAuthFactor;
  webauthn_factor?: WebAuthnFactor;
  authenticator_app_factor?: AuthenticatorAppFactor;
  recovery_code_factor?: RecoveryCodeFactor;
  crypto_wallet_factor?: CryptoWalletFactor;
  saml_sso_factor?: SSOFactor;
  oidc_sso_factor?: SSOFactor;
  biometric_factor?: BiometricFactor;
  impersonated_factor?: ImpersonatedFactor;
}

/**
 * A Stytch session. From a JWT verified locally it is built from the token's
 * `https://stytch.com/session` claim exactly as Stytch's SDKs do; from the API it is the API's
 * own object.
 */
export interface Session {
  /** e.g. `"session-test-…"`. */
  session_id: string;
  /** e.g. `"user-test-…"` (the JWT's `sub`). */
  user_id: string;
  /** RFC 3339 UTC (may carry fractions of a second). */
  started_at: string;
  /** RFC 3339 UTC. */
  last_accessed_at: string;
  /** RFC 3339 UTC: when the session (not the JWT) ends. */
  expires_at: string;
  /** Where the session started, or `null` when unknown. */
  attributes: SessionAttributes | null;
  /** How the user authenticated, most recent factors included. */
  authentication_factors: AuthenticationFactor[];
  /**
   * The session's custom claims (from a JWT: every top-level claim but the session claim and
   * `aud exp iat iss jti nbf sub`).
   */
  custom_claims: JsonObject;
  /** RBAC roles of the session. */
  roles: string[];
}

/** A user's email address. */
export interface UserEmail {
  email_id: string;
  email: string;
  verified: boolean;
}

/** A user's phone number. */
export interface UserPhoneNumber {
  phone_id: string;
  phone_number: string;
  verified: boolean;
}

/** A user's name parts (empty strings when unset). */
export interface UserName {
  first_name: string;
  middle_name: string;
  last_name: string;
}

/** An OAuth provider linked to the user. */
export interface UserProvider {
  provider_type: string;
  provider_subject: string;
  profile_picture_url?: string;
  locale?: string;
  oauth_user_registration_id?: string;
}

/** A WebAuthn / passkey registration. */
export interface UserWebAuthnRegistration {
  webauthn_registration_id: string;
  domain: string;
  user_agent: string;
  authenticator_type: string;
  verified: boolean;
  name?: string;
}

/** A TOTP registration. */
export interface UserTOTP {
  totp_id: string;
  verified: boolean;
}

/** A crypto wallet. */
export interface UserCryptoWallet {
  crypto_wallet_id: string;
  crypto_wallet_address: string;
  crypto_wallet_type: string;
  verified: boolean;
}

/** A biometric registration. */
export interface UserBiometricRegistration {
  biometric_registration_id: string;
  verified: boolean;
}

/** The user's password, if one is set. */
export interface UserPassword {
  password_id: string;
  requires_reset: boolean;
}

/** A Stytch user, as the API returns it. */
export interface User {
  /** e.g. `"user-test-…"`. */
  user_id: string;
  emails: UserEmail[];
  /** `"active"` or `"pending"`. */
  status: OpenString<"active" | "pending">;
  name: UserName | null;
  phone_numbers: UserPhoneNumber[];
  providers: UserProvider[];
  webauthn_registrations: UserWebAuthnRegistration[];
  totps: UserTOTP[];
  crypto_wallets: UserCryptoWallet[];
  biometric_registrations: UserBiometricRegistration[];
  password: UserPassword | null;
  roles: string[];
  /** RFC 3339 UTC. */
  created_at: string;
  trusted_metadata: JsonObject;
  untrusted_metadata: JsonObject;
  external_id: string | null;
  is_locked: boolean;
  lock_created_at: string | null;
  lock_expires_at: string | null;
}

// ---------------------------------------------------------------------------------------------
// Options and requests
// ---------------------------------------------------------------------------------------------
// Each declaration between `// <generated: Name>` and `// </generated>` is rendered from the
// crate's member tables (src/api.rs, src/config.rs, src/gate.rs, src/options.rs) by
// tests/types_match.rs: edit those, then run `UPDATE_GENERATED=1 cargo test --test types_match`.

/** A `fetch`-compatible function (the runtime's own by default). */
export type FetchFunction = (input: Request | string | URL, init?: RequestInit) => Promise<Response>;

/**
 * The options every configuration reads: those of `new Client(...)` ({@link ClientOptions}, which
 * requires the `secret`), of the gates ({@link authenticateRequest},
 * {@link authenticateAccessToken}) and of {@link verifyJwt}.
 */
// <generated: ProjectOptions>
export interface ProjectOptions {
  /** `"project-test-…"` or `"project-live-…"`. */
  project_id: string;
  /**
   * The project secret (Basic auth on API calls; `verifyJwt` needs it only for an
   * `authorization_check`, whose RBAC policy is read with it). Never appears in an error message.
   */
  secret?: string | undefined;
  /**
   * API base URL. Default `https://api.stytch.com` for `project-live-*`, else
   * `https://test.stytch.com`. Must be `https://…`, except `http://localhost`, `http://127.0.0.1`
   * and `http://[::1]` (local development, the emulator). A trailing `/` is ignored.
   */
  custom_base_url?: string | undefined;
  /**
   * Timeout of each request in milliseconds (default 10 000 for an API call, 5 000 for a JWKS
   * fetch), at most 2 147 483 647 (a JavaScript timer's longest).
   */
  timeout_ms?: number | undefined;
  /**
   * Keys to pre-seed the module-level key cache with (e.g. from KV), so a cold isolate needs no
   * fetch: an array of JWKs, or a JWKS `{ keys: [...] }` as `getJWKS` and the endpoint return it.
   */
  jwks?: JWKSInput | undefined;
  /**
   * When the pre-seeded `jwks` were fetched (a `Date`, or whole epoch milliseconds as `Date.now()`
   * gives). Without it their age is unknown: they are due for a refresh at once and serve only
   * while the JWKS cannot be had, for at most `max_stale_seconds`.
   */
  jwks_fetched_at?: Date | number | undefined;
  /**
   * How long past its last successful fetch a key set or an RBAC policy may still be used while a
   * new one cannot be had, in seconds (0 to 86 400; default 3 600).
   */
  max_stale_seconds?: number | undefined;
  /** The `fetch` to use (default: the global one), e.g. a Workers service binding's. */
  fetch?: FetchFunction | undefined;
  /**
   * Called once per call with what was decided and how (no token, no secret): e.g. to write a
   * Workers Analytics Engine data point, or to `console.log`. Its errors are ignored.
   */
  on_decision?: ((decision: Decision) => void) | undefined;
  /**
   * A store shared across isolates (e.g. {@link kvJwksStore} or {@link cacheApiJwksStore}): a cold
   * isolate reads its keys from it before fetching the JWKS, and every fetch updates it. A store
   * that fails or holds garbage changes nothing; it never answers a token with an unknown kid.
   */
  jwks_store?: JwksStore | undefined;
}
// </generated>

/**
 * stytch-node's other `ClientConfig` options, which `new Client(...)` and the gates accept:
 * `env` and `timeout` are honoured, `dispatcher` and `fraud_env` ignored.
 */
// <generated: StytchNodeOptions>
interface StytchNodeOptions {
  /**
   * stytch-node's base URL option (e.g. `"https://test.stytch.com/"`), checked as
   * `custom_base_url`, which wins over it.
   */
  env?: string | undefined;
  /** stytch-node's name for `timeout_ms` (give one of the two; `0` is the default). */
  timeout?: number | undefined;
  /** stytch-node's undici `Dispatcher`: accepted and ignored (pass a `fetch` instead). */
  dispatcher?: object | undefined;
  /** stytch-node's Fraud API base URL: accepted and ignored (no Sessions call uses it). */
  fraud_env?: string | undefined;
}
// </generated>

/** Options of `new Client(...)`. */
// <generated: ClientOptions>
export interface ClientOptions extends ProjectOptions, StytchNodeOptions {
  /**
   * The project secret (Basic auth on API calls; `verifyJwt` needs it only for an
   * `authorization_check`, whose RBAC policy is read with it). Never appears in an error message.
   */
  secret: string;
}
// </generated>

/**
 * Where isolates share the project's keys: `get()` returns what `put` was last given (or
 * `undefined`); either may return a promise. Values are opaque strings. A store that fails, is
 * slow or holds garbage is ignored; without a `secret` it is a trust root.
 * @see {@link https://github.com/stytch-sessions-wasm/stytch-sessions-wasm/blob/main/docs/rules.md#keys-shared-across-isolates | docs/rules.md, "Keys shared across isolates"}
 */
export interface JwksStore {
  get(): string | undefined | null | Promise<string | undefined | null>;
  put(value: string, ttl_seconds: number): unknown;
}

/** The part of the Workers Cache API {@link cacheApiJwksStore} uses (`caches.default`). */
export interface CacheLike {
  match(key: string): Promise<Response | undefined>;
  put(key: string, response: Response): Promise<unknown>;
}

/** The part of a Workers KV namespace binding {@link kvJwksStore} uses. */
export interface KVNamespaceLike {
  get(key: string): Promise<string | null>;
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<unknown>;
}

/** Options of {@link authenticateRequest}: the client's, `authenticateJwt`'s, and the cookies'. */
// <generated: AuthenticateRequestOptions>
export interface AuthenticateRequestOptions extends ProjectOptions, StytchNodeOptions, SessionExtension {
  /**
   * The cookie holding the session JWT (default `"stytch_session_jwt"`, Stytch's frontend SDKs').
   */
  cookie_name?: string | undefined;
  /** The cookie holding the opaque session token (default `"stytch_session"`). */
  session_cookie_name?: string | undefined;
  /**
   * Accept the opaque session token cookie when there is no JWT (the API judges it; default
   * `false`).
   */
  allow_session_token?: boolean | undefined;
  /**
   * Mark the cookie set for a JWT the API minted `HttpOnly` (default `false`: frontend SDKs read
   * it).
   */
  cookie_http_only?: boolean | undefined;
  /**
   * The cookie's `Domain` (letters, digits, `-` and `.`; default: none, the request's host only).
   */
  cookie_domain?: string | undefined;
  /**
   * Set the cookie also when the JWT came as `Authorization: Bearer` (default `false`: a minted JWT
   * is set as a cookie only when the credential came from a cookie).
   */
  set_cookie_for_bearer?: boolean | undefined;
  /** Older tokens (by `iat`) are sent to the API (default 300; `0` always asks the API). */
  max_token_age_seconds?: number | undefined;
  /** Allowed clock skew for `exp` and `nbf`, in seconds (default 0). */
  clock_tolerance_seconds?: number | undefined;
  /**
   * Judged locally against the cached RBAC policy; a local denial asks the API, which is
   * authoritative: its denial is a 403 (a `StytchError` from `authenticateJwt`, a 403 refusal from
   * `authenticateRequest`). The result carries `verdict`.
   */
  authorization_check?: AuthorizationCheck | undefined;
}
// </generated>

/**
 * What an `on_decision` hook is given, once per call: what was decided and how. Never a token, a
 * secret or a URL.
 * @see {@link https://github.com/stytch-sessions-wasm/stytch-sessions-wasm/blob/main/docs/rules.md#observing-decisions | docs/rules.md, "Observing decisions"}
 */
export interface Decision {
  /** `"verifyJwt"`, `"authenticateRequest"`, `"sessions.authenticateJwt"`, `"b2b.sessions.get"`, … */
  operation: string;
  /** Answered (a gate: let in). */
  ok: boolean;
  /** `"ok"`, or the refusal's or error's code (`jwt_expired`, `no_session`, `session_not_found`, …). */
  code: string;
  /** Decided without the API's answer (keys and policy fetches aside). */
  local: boolean;
  /** A token this module verified before, answered from memory. */
  memo: boolean;
  /** Requests this call sent, by kind. */
  jwks_fetches: number;
  policy_fetches: number;
  api_calls: number;
  /** From the call to its answer. */
  elapsed_ms: number;
}

/** Pre-seeded keys: an array of JWKs, or a JWKS object `{ keys: [...] }`. */
export type JWKSInput = ReadonlyArray<JWKInput> | { readonly keys: ReadonlyArray<JWKInput> };

/** "May this session do `action` on `resource_id`?", judged against the project's RBAC policy. */
// <generated: AuthorizationCheck>
export interface AuthorizationCheck {
  /** A resource of the project's RBAC policy, e.g. `"documents"`. */
  resource_id: string;
  /** An action on it, e.g. `"write"`. */
  action: string;
}
// </generated>

/**
 * "May this member do `action` on `resource_id` in organization `organization_id`?", judged
 * against the project's B2B RBAC policy and the organization's own roles.
 */
// <generated: B2BAuthorizationCheck>
export interface B2BAuthorizationCheck {
  /**
   * B2B only, and required there: the organization the member session must belong to (else
   * `tenancy_mismatch`).
   */
  organization_id: string;
  /** A resource of the project's RBAC policy, e.g. `"documents"`. */
  resource_id: string;
  /** An action on it, e.g. `"write"`. */
  action: string;
}
// </generated>


/** Options of the standalone {@link verifyJwt}: no secret is needed (the JWKS is public). */
// <generated: VerifyJwtOptions>
export interface VerifyJwtOptions extends ProjectOptions {
  /** Tokens older than this (by `iat`) fail with `jwt_too_old` (default 300). */
  max_token_age_seconds?: number | undefined;
  /** Allowed clock skew for `exp` and `nbf`, in seconds (default 0). */
  clock_tolerance_seconds?: number | undefined;
  /** The time to verify at, a `Date` or epoch milliseconds (default: now). */
  current_date?: Date | number | undefined;
  /**
   * Judged locally against the project's RBAC policy (read with the `secret`, cached 5 minutes); a
   * denial rejects with `ClientError` `invalid_permissions`.
   */
  authorization_check?: AuthorizationCheck | undefined;
}
// </generated>

/** Custom claims to set on the session: `null` deletes a key, nested objects merge (≤ 4 KB). */
export type SessionCustomClaims = JsonObject;

// <generated: SessionExtension>
interface SessionExtension {
  /** Extend the session to this many minutes from now (5 to 527 040). */
  session_duration_minutes?: number | undefined;
  /** Custom claims to merge into the session. */
  session_custom_claims?: SessionCustomClaims | undefined;
}
// </generated>

/** `sessions.authenticate`: exactly one of `session_token` and `session_jwt`. */
// <generated: SessionsAuthenticateRequest>
export type SessionsAuthenticateRequest = SessionExtension & {
  /**
   * The API judges this check too: a denial is a 403 `StytchError`; else `verdict` says who granted
   * it.
   */
  authorization_check?: AuthorizationCheck | undefined;
} & (
    | { session_token: string; session_jwt?: undefined }
    | { session_jwt: string; session_token?: undefined }
  );
// </generated>

/** `sessions.authenticateJwt`: local verification first, the API when needed. */
// <generated: SessionsAuthenticateJwtRequest>
export interface SessionsAuthenticateJwtRequest extends SessionExtension {
  session_jwt: string;
  /** Older tokens (by `iat`) are sent to the API (default 300; `0` always asks the API). */
  max_token_age_seconds?: number | undefined;
  /** Allowed clock skew for `exp` and `nbf`, in seconds (default 0). */
  clock_tolerance_seconds?: number | undefined;
  /**
   * Judged locally against the cached RBAC policy; a local denial asks the API, which is
   * authoritative: its denial is a 403 (a `StytchError` from `authenticateJwt`, a 403 refusal from
   * `authenticateRequest`). The result carries `verdict`.
   */
  authorization_check?: AuthorizationCheck | undefined;
}
// </generated>

/** `sessions.authenticateJwtLocal`: local verification only (keys may be fetched). */
// <generated: SessionsAuthenticateJwtLocalRequest>
export interface SessionsAuthenticateJwtLocalRequest {
  session_jwt: string;
  /** Tokens older than this (by `iat`) fail with `jwt_too_old` (default 300). */
  max_token_age_seconds?: number | undefined;
  /** Allowed clock skew for `exp` and `nbf`, in seconds (default 0). */
  clock_tolerance_seconds?: number | undefined;
  /** The time to verify at, a `Date` or epoch milliseconds (default: now). */
  current_date?: Date | number | undefined;
  /**
   * Judged locally against the project's RBAC policy (read with the `secret`, cached 5 minutes); a
   * denial rejects with `ClientError` `invalid_permissions`.
   */
  authorization_check?: AuthorizationCheck | undefined;
}
// </generated>

/** `sessions.get`. */
// <generated: SessionsGetRequest>
export interface SessionsGetRequest {
  user_id: string;
}
// </generated>

/** `sessions.getJWKS`. */
// <generated: SessionsGetJWKSRequest>
export interface SessionsGetJWKSRequest {
  project_id: string;
}
// </generated>

/** `sessions.migrate`: `session_token` is the external OIDC access token. */
// <generated: SessionsMigrateRequest>
export interface SessionsMigrateRequest extends SessionExtension {
  /** The external OIDC access token. */
  session_token: string;
  /** A Device Fingerprinting telemetry id: the answer then carries `user_device`. */
  telemetry_id?: string | undefined;
}
// </generated>

/** `sessions.exchangeAccessToken`: a Connected Apps access token for a session. */
// <generated: SessionsExchangeAccessTokenRequest>
export interface SessionsExchangeAccessTokenRequest extends SessionExtension {
  access_token: string;
  /** A Device Fingerprinting telemetry id: the answer then carries `user_device`. */
  telemetry_id?: string | undefined;
}
// </generated>

/** `sessions.attest`: a trusted auth token (from a token profile) for a session. */
// <generated: SessionsAttestRequest>
export interface SessionsAttestRequest extends SessionExtension {
  /** The trusted auth token profile. */
  profile_id: string;
  /** The token the profile's issuer signed. */
  token: string;
  /** An existing session to add the factor to (at most one of the two). */
  session_token?: string | undefined;
  session_jwt?: string | undefined;
  /** A Device Fingerprinting telemetry id: the answer then carries `user_device`. */
  telemetry_id?: string | undefined;
}
// </generated>

/** `sessions.revoke`: exactly one of `session_id`, `session_token`, `session_jwt`. */
// <generated: SessionsRevokeRequest>
export type SessionsRevokeRequest =
  | { session_id: string; session_token?: undefined; session_jwt?: undefined }
  | { session_token: string; session_id?: undefined; session_jwt?: undefined }
  | { session_jwt: string; session_id?: undefined; session_token?: undefined };
// </generated>

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

/** Fields every API response has. */
export interface BaseResponse {
  /** e.g. `"request-id-test-…"`. */
  request_id: string;
  /** The HTTP status (200). */
  status_code: number;
}

/** The outcome of an {@link AuthorizationCheck}. */
export interface AuthorizationVerdict {
  /** Always `true` in a result (a denial rejects, or at the gate refuses with a 403). */
  authorized: boolean;
  /** The session's roles whose permissions allow the action. */
  granting_roles: string[];
}

/** `POST /v1/sessions/authenticate`. */
export interface SessionsAuthenticateResponse extends BaseResponse {
  session: Session;
  /** The opaque session token (44 characters). */
  session_token: string;
  /** A freshly minted session JWT (valid 5 minutes). */
  session_jwt: string;
  user: User;
  /** The API's verdict, when an `authorization_check` was given. */
  verdict?: AuthorizationVerdict;
}

/** What `authenticateJwt` returns when the token verified locally (no API call). */
export interface SessionsAuthenticateJwtLocalResult {
  session: Session;
  /** The JWT that was given. */
  session_jwt: string;
  /** The local verdict, when an `authorization_check` was given. */
  verdict?: AuthorizationVerdict;
  request_id?: undefined;
  status_code?: undefined;
  session_token?: undefined;
  user?: undefined;
}

/**
 * `authenticateJwt`: the local result, or the API's full authenticate response (with a new
 * `session_jwt`) when the API was asked. `"user" in result` (or `result.request_id`) tells which.
 */
export type SessionsAuthenticateJwtResponse = SessionsAuthenticateJwtLocalResult | SessionsAuthenticateResponse;

/** `GET /v1/sessions?user_id=`. */
export interface SessionsGetResponse extends BaseResponse {
  /** The user's live sessions. */
  sessions: Session[];
}

/** `GET /v1/sessions/jwks/{project_id}`. */
export interface SessionsGetJWKSResponse extends BaseResponse {
  keys: JWK[];
}

/** `POST /v1/sessions/migrate`. */
export interface SessionsMigrateResponse extends BaseResponse {
  user_id: string;
  user: User;
  session_token: string;
  session_jwt: string;
  /** Present only when `session_duration_minutes` was given. */
  session?: Session;
  /** Device attributes, when the request carried a `telemetry_id`. */
  user_device?: JsonObject;
}

/** `POST /v1/sessions/revoke`. */
export interface SessionsRevokeResponse extends BaseResponse {}

/** `POST /v1/sessions/exchange_access_token` and `POST /v1/sessions/attest`. */
export interface SessionsNewSessionResponse extends BaseResponse {
  user_id: string;
  user: User;
  session_token: string;
  session_jwt: string;
  /** Present when `session_duration_minutes` was given. */
  session?: Session;
  /** Device attributes, when the request carried a `telemetry_id`. */
  user_device?: JsonObject;
}

/** `POST /v1/sessions/exchange_access_token`. */
export type SessionsExchangeAccessTokenResponse = SessionsNewSessionResponse;
/** `POST /v1/sessions/attest`. */
export type SessionsAttestResponse = SessionsNewSessionResponse;

// ---------------------------------------------------------------------------------------------
// Client
// ---------------------------------------------------------------------------------------------

/** The Sessions API (`client.sessions`). Every method returns a plain object or rejects with a {@link StytchSessionsError}. */
export interface Sessions {
  /**
   * Authenticate a session token or JWT with the API, which mints a new JWT (and extends the
   * session when given `session_duration_minutes`).
   */
  authenticate(params: SessionsAuthenticateRequest): Promise<SessionsAuthenticateResponse>;
  /**
   * Verify the JWT locally; ask the API (which returns a new JWT) only about a genuine token that
   * cannot be judged locally: too old, expired, not yet valid, or while the JWKS cannot be had. A
   * token proven bad (malformed, wrong algorithm, bad signature, wrong issuer or audience, or a
   * kid a freshly fetched JWKS lacks) is rejected without an API call.
   * @see {@link https://github.com/stytch-sessions-wasm/stytch-sessions-wasm/blob/main/docs/rules.md#when-the-api-is-asked | docs/rules.md, "When the API is asked"}
   */
  authenticateJwt(params: SessionsAuthenticateJwtRequest): Promise<SessionsAuthenticateJwtResponse>;
  /**
   * Verify the JWT locally only (the network is used at most for the keys, and for the RBAC
   * policy of an `authorization_check`); too old → `jwt_too_old`.
   */
  authenticateJwtLocal(params: SessionsAuthenticateJwtLocalRequest): Promise<Session>;
  /** List a user's live sessions. */
  get(params: SessionsGetRequest): Promise<SessionsGetResponse>;
  /** Fetch a project's JSON Web Key Set. */
  getJWKS(params: SessionsGetJWKSRequest): Promise<SessionsGetJWKSResponse>;
  /** Exchange an external OIDC access token for a Stytch session. */
  migrate(params: SessionsMigrateRequest): Promise<SessionsMigrateResponse>;
  /** Revoke a session. */
  revoke(params: SessionsRevokeRequest): Promise<SessionsRevokeResponse>;
  /** Exchange a Connected Apps access token for a session. */
  exchangeAccessToken(params: SessionsExchangeAccessTokenRequest): Promise<SessionsExchangeAccessTokenResponse>;
  /** Exchange a trusted auth token for a session, or add it to an existing one. */
  attest(params: SessionsAttestRequest): Promise<SessionsAttestResponse>;
}

/**
 * A Stytch Sessions client. Cheap to create (one per request is fine on Workers) and nothing to
 * release: it holds only its options, and the key cache lives in module memory, shared by every
 * client and {@link verifyJwt} call.
 * @see {@link https://github.com/stytch-sessions-wasm/stytch-sessions-wasm/blob/main/docs/rules.md#configuration | docs/rules.md, "Configuration"}
 */
export declare class Client {
  /** Throws a {@link ClientError} (`invalid_argument`) on bad options. */
  constructor(options: ClientOptions);
  /** The Sessions API (one object per client, the same on every access). */
  readonly sessions: Sessions;
  /** M2M access tokens: verify them, get one for a client. */
  readonly m2m: M2M;
  /** Connected Apps access tokens: introspect them, locally or through the API. */
  readonly idp: IDP;
}

/** {@link authenticateRequest} let the request in. */
export interface RequestAdmitted {
  ok: true;
  session: Session;
  /** The JWT the request carried, or the one the API minted when it was asked. */
  session_jwt: string;
  /**
   * Headers to add to the response: when the API minted a new JWT and the credential came from a
   * cookie (or `set_cookie_for_bearer`), `Set-Cookie` with it and `Cache-Control: private, no-store`.
   */
  headers: Headers;
  /** The verdict on `authorization_check`, when one was given. */
  verdict?: AuthorizationVerdict;
  /** The user, when the API was asked (an old token, or an opaque session token). */
  user?: User;
}

/**
 * {@link authenticateRequest} refused the request.
 * @see {@link https://github.com/stytch-sessions-wasm/stytch-sessions-wasm/blob/main/docs/rules.md#gating-a-request | docs/rules.md, "Gating a request"}
 */
export interface RequestRefused {
  ok: false;
  /** 401: no session or a bad one; 403: `authorization_check` denied (B2B: or another organization); 503: Stytch could not judge. */
  status: 401 | 403 | 503;
  /** Why: `"no_session"`, a {@link ClientErrorCode}, a {@link RequestErrorCode} or the API's error type. */
  code: string;
  /** The error behind the refusal (none for `no_session`): safe to log, it holds no token or secret. */
  error?: StytchSessionsError;
  /** A JSON response to send: `{ error, code }`, never the token or the secret. */
  response(): Response;
}

/**
 * Gate a request on its Stytch session: the JWT from `Authorization: Bearer …` or the
 * `stytch_session_jwt` cookie (or the opaque `stytch_session` token, when allowed), judged by
 * `authenticateJwt`. Rejects only for bad options.
 * @see {@link https://github.com/stytch-sessions-wasm/stytch-sessions-wasm/blob/main/docs/rules.md#gating-a-request | docs/rules.md, "Gating a request"}
 */
export declare function authenticateRequest(
  request: Request,
  options: AuthenticateRequestOptions,
): Promise<RequestAdmitted | RequestRefused>;

/** A {@link JwksStore} over the Workers Cache API, e.g. `cacheApiJwksStore(caches.default)`. */
export declare function cacheApiJwksStore(cache: CacheLike, options?: { key?: string }): JwksStore;

/** A {@link JwksStore} over a Workers KV namespace, e.g. `kvJwksStore(env.JWKS)`. */
export declare function kvJwksStore(namespace: KVNamespaceLike, options?: { key?: string }): JwksStore;

/**
 * Verify a Stytch session JWT locally with the project's public keys (no secret, no API call
 * beyond fetching the JWKS when not cached, and the RBAC policy for an `authorization_check`)
 * and return the session it carries.
 *
 * Rejects with a {@link ClientError} when the token is bad, or a {@link RequestError} /
 * {@link StytchError} when the keys (or the policy) cannot be had.
 * @see {@link https://github.com/stytch-sessions-wasm/stytch-sessions-wasm/blob/main/docs/rules.md#how-a-session-jwt-is-judged | docs/rules.md, "How a session JWT is judged"}
 */
export declare function verifyJwt(session_jwt: string, options: VerifyJwtOptions): Promise<Session>;

// ---------------------------------------------------------------------------------------------
// B2B member sessions
// ---------------------------------------------------------------------------------------------

/** A Stytch B2B member session, as stytch-node's `B2BClient` returns it. */
export interface MemberSession {
  member_session_id: string;
  member_id: string;
  organization_id: string;
  organization_slug: string;
  /** RFC 3339 timestamps. */
  started_at: string;
  last_accessed_at: string;
  expires_at: string;
  authentication_factors: AuthenticationFactor[];
  /** Every claim of the JWT but the registered ones, the session's and the organization's. */
  custom_claims: JsonObject;
  roles: string[];
}

/** A Stytch B2B member, as the API returns it (the members this package reads; others are kept). */
export interface Member extends JsonObject {
  member_id: string;
  organization_id: string;
  email_address: string;
  status: string;
}

/** A Stytch B2B organization, as the API returns it (the members this package reads; others are kept). */
export interface Organization extends JsonObject {
  organization_id: string;
  organization_name: string;
  organization_slug: string;
}

// <generated: B2BSessionsAuthenticateRequest>
export type B2BSessionsAuthenticateRequest = SessionExtension & {
  /**
   * The API judges this check too (the organization first: another one is a 403
   * `tenancy_mismatch`); a denial is a 403 `StytchError`, else `verdict` says who granted it.
   */
  authorization_check?: B2BAuthorizationCheck | undefined;
} & (
    | { session_token: string; session_jwt?: undefined }
    | { session_jwt: string; session_token?: undefined }
  );
// </generated>

/** `authenticateJwt` of a {@link B2BClient}: as {@link SessionsAuthenticateJwtRequest}, with a B2B check. */
export type B2BSessionsAuthenticateJwtRequest = Omit<SessionsAuthenticateJwtRequest, "authorization_check"> & {
  /** Judged locally (the organization first, then the project's and the organization's roles); a local denial asks the API. */
  authorization_check?: B2BAuthorizationCheck | undefined;
};

/** `authenticateJwtLocal` of a {@link B2BClient}. */
export type B2BSessionsAuthenticateJwtLocalRequest = Omit<SessionsAuthenticateJwtLocalRequest, "authorization_check"> & {
  /** A denial rejects with `invalid_permissions`; another organization with `tenancy_mismatch`. */
  authorization_check?: B2BAuthorizationCheck | undefined;
};

// <generated: B2BSessionsGetRequest>
export interface B2BSessionsGetRequest {
  organization_id: string;
  member_id: string;
}
// </generated>

// <generated: B2BSessionsExchangeRequest>
export type B2BSessionsExchangeRequest = SessionExtension & {
  /** The organization to switch to. */
  organization_id: string;
  /** The language of a one-time passcode sent when MFA is required (e.g. `"en"`). */
  locale?: string | undefined;
  /** A Device Fingerprinting telemetry id: the answer then carries `user_device`. */
  telemetry_id?: string | undefined;
} & (
    | { session_token: string; session_jwt?: undefined }
    | { session_jwt: string; session_token?: undefined }
  );
// </generated>

// <generated: B2BSessionsMigrateRequest>
export interface B2BSessionsMigrateRequest extends SessionExtension {
  /** The external OIDC access token. */
  session_token: string;
  /** The organization to create the member session in. */
  organization_id: string;
}
// </generated>

// <generated: B2BSessionsAttestRequest>
export interface B2BSessionsAttestRequest extends SessionExtension {
  /** The trusted auth token profile. */
  profile_id: string;
  /** The token the profile's issuer signed. */
  token: string;
  /** The organization the member belongs to. */
  organization_id?: string | undefined;
  /** An existing session to add the factor to (at most one of the two). */
  session_token?: string | undefined;
  session_jwt?: string | undefined;
}
// </generated>

// <generated: B2BSessionsRevokeRequest>
export type B2BSessionsRevokeRequest =
  | { member_session_id: string; session_token?: undefined; session_jwt?: undefined; member_id?: undefined }
  | { session_token: string; member_session_id?: undefined; session_jwt?: undefined; member_id?: undefined }
  | { session_jwt: string; member_session_id?: undefined; session_token?: undefined; member_id?: undefined }
  | { member_id: string; member_session_id?: undefined; session_token?: undefined; session_jwt?: undefined };
// </generated>

/** A member session that `revoke` runs as (Stytch then judges that member's permissions). */
// <generated: B2BAuthorization>
export interface B2BAuthorization {
  session_token?: string | undefined;
  session_jwt?: string | undefined;
}
// </generated>

/** `revoke`'s second argument. */
// <generated: B2BSessionsRevokeRequestOptions>
export interface B2BSessionsRevokeRequestOptions {
  authorization?: B2BAuthorization | undefined;
}
// </generated>

/** `POST /v1/b2b/sessions/authenticate`. */
export interface B2BSessionsAuthenticateResponse extends BaseResponse {
  member_session: MemberSession;
  session_token: string;
  session_jwt: string;
  member: Member;
  organization: Organization;
  /** The API's verdict, when an `authorization_check` was given. */
  verdict?: AuthorizationVerdict;
}

/** What a {@link B2BClient}'s `authenticateJwt` returns when the token verified locally. */
export interface B2BSessionsAuthenticateJwtLocalResult {
  member_session: MemberSession;
  /** The JWT that was given. */
  session_jwt: string;
  verdict?: AuthorizationVerdict;
  request_id?: undefined;
  member?: undefined;
}

/** `authenticateJwt` of a {@link B2BClient}: the local result, or the API's authenticate response. */
export type B2BSessionsAuthenticateJwtResponse = B2BSessionsAuthenticateJwtLocalResult | B2BSessionsAuthenticateResponse;

/** `GET /v1/b2b/sessions?organization_id=&member_id=`. */
export interface B2BSessionsGetResponse extends BaseResponse {
  member_sessions: MemberSession[];
}

/** A new member session: `exchangeAccessToken`, `attest` and `migrate`. */
export interface B2BSessionsNewSessionResponse extends BaseResponse {
  member_id: string;
  member: Member;
  organization: Organization;
  session_token: string;
  session_jwt: string;
  member_session?: MemberSession;
}

/** `POST /v1/b2b/sessions/exchange`. */
export interface B2BSessionsExchangeResponse extends B2BSessionsNewSessionResponse {
  member_authenticated: boolean;
  /** Set when the member must complete MFA (or a primary factor) first. */
  intermediate_session_token: string;
  mfa_required: JsonObject | null;
  primary_required: JsonObject | null;
}

/** The B2B Sessions API (`b2bClient.sessions`), as stytch-node's. */
export interface B2BSessions {
  /** Authenticate a member session token or JWT with the API. */
  authenticate(params: B2BSessionsAuthenticateRequest): Promise<B2BSessionsAuthenticateResponse>;
  /** Verify locally; ask the API only about a genuine token that cannot be judged locally (see {@link Sessions.authenticateJwt}). */
  authenticateJwt(params: B2BSessionsAuthenticateJwtRequest): Promise<B2BSessionsAuthenticateJwtResponse>;
  /** Verify locally only; too old → `jwt_too_old`. */
  authenticateJwtLocal(params: B2BSessionsAuthenticateJwtLocalRequest): Promise<MemberSession>;
  /** A member's live sessions. */
  get(params: B2BSessionsGetRequest): Promise<B2BSessionsGetResponse>;
  /** The project's B2B JSON Web Key Set. */
  getJWKS(params: SessionsGetJWKSRequest): Promise<SessionsGetJWKSResponse>;
  /** Revoke a member session, or every session of a member. */
  revoke(params: B2BSessionsRevokeRequest, options?: B2BSessionsRevokeRequestOptions): Promise<BaseResponse>;
  /** Switch a member's session to another organization. */
  exchange(params: B2BSessionsExchangeRequest): Promise<B2BSessionsExchangeResponse>;
  /** Exchange a Connected Apps access token for a member session. */
  exchangeAccessToken(params: SessionsExchangeAccessTokenRequest): Promise<B2BSessionsNewSessionResponse>;
  /** Exchange a trusted auth token for a member session. */
  attest(params: B2BSessionsAttestRequest): Promise<B2BSessionsNewSessionResponse>;
  /** Exchange an external OIDC access token for a member session. */
  migrate(params: B2BSessionsMigrateRequest): Promise<B2BSessionsNewSessionResponse>;
}

/**
 * A Stytch B2B Sessions client: {@link Client} for member sessions, with the same options, rules
 * and caches (its keys are the project's B2B keys).
 * @see {@link https://github.com/stytch-sessions-wasm/stytch-sessions-wasm/blob/main/docs/rules.md#b2b | docs/rules.md, "B2B"}
 */
export declare class B2BClient {
  /** Throws a {@link ClientError} (`invalid_argument`) on bad options. */
  constructor(options: ClientOptions);
  readonly sessions: B2BSessions;
  readonly m2m: M2M;
  readonly idp: IDP<B2BIntrospectTokenClaims>;
}

/** Options of {@link verifyB2BJwt}. */
export type B2BVerifyJwtOptions = Omit<VerifyJwtOptions, "authorization_check"> & {
  authorization_check?: B2BAuthorizationCheck | undefined;
};

/** Verify a Stytch B2B member session JWT locally (no secret needed) and return its member session. */
export declare function verifyB2BJwt(session_jwt: string, options: B2BVerifyJwtOptions): Promise<MemberSession>;

/** Options of {@link authenticateB2BRequest}. */
export type B2BAuthenticateRequestOptions = Omit<AuthenticateRequestOptions, "authorization_check"> & {
  authorization_check?: B2BAuthorizationCheck | undefined;
};

/** {@link authenticateB2BRequest} let the request in. */
export interface B2BRequestAdmitted {
  ok: true;
  member_session: MemberSession;
  organization_id: string;
  session_jwt: string;
  headers: Headers;
  verdict?: AuthorizationVerdict;
  /** When the API was asked. */
  member?: Member;
  organization?: Organization;
}

/**
 * Gate a request on its Stytch B2B member session, as {@link authenticateRequest} does on a
 * consumer session (same credentials, cookies, refusals; 403 also for `tenancy_mismatch`).
 */
export declare function authenticateB2BRequest(
  request: Request,
  options: B2BAuthenticateRequestOptions,
): Promise<B2BRequestAdmitted | RequestRefused>;

// ---------------------------------------------------------------------------------------------
// Access tokens: M2M and Connected Apps
// ---------------------------------------------------------------------------------------------

// <generated: M2MAuthenticateTokenRequest>
export interface M2MAuthenticateTokenRequest {
  /** The M2M access token. */
  access_token: string;
  /**
   * Scopes it must hold (`action:resource` or a bare action; a granted `action:*` covers every
   * resource); one missing → `ClientError` `missing_scopes`.
   */
  required_scopes?: string[] | undefined;
  /** Tokens older than this (by `iat`) fail with `jwt_too_old` (default: no bound). */
  max_token_age_seconds?: number | undefined;
  /** Allowed clock skew for `exp` and `nbf`, in seconds (default 0). */
  clock_tolerance_seconds?: number | undefined;
}
// </generated>

/** What `m2m.authenticateToken` answers (stytch-node's). */
export interface M2MAuthenticateTokenResponse {
  /** The M2M client the token was issued to (`sub`). */
  client_id: string;
  /** Its `scope` claim, split on spaces. */
  scopes: string[];
  /** Every claim but the registered ones and `scope`. */
  custom_claims: JsonObject;
}

// <generated: M2MTokenRequest>
export interface M2MTokenRequest {
  client_id: string;
  /** Sent in the form body, never in an error or a log. */
  client_secret: string;
  /** Scopes to ask for (default: every scope of the client). */
  scopes?: string[] | undefined;
}
// </generated>

/** What `m2m.token` answers: an access token valid for `expires_in` seconds. */
export interface M2MTokenResponse {
  access_token: string;
  expires_in: number;
  token_type: string;
  request_id?: string;
  status_code?: number;
}

/** The M2M API (`client.m2m`). */
export interface M2M {
  /** Verify an M2M access token locally (the project's keys) and judge its scopes. */
  authenticateToken(params: M2MAuthenticateTokenRequest): Promise<M2MAuthenticateTokenResponse>;
  /** Get an access token for an M2M client (client credentials; the project secret is not sent). */
  token(params: M2MTokenRequest): Promise<M2MTokenResponse>;
}

// <generated: IntrospectTokenLocalOptions>
export interface IntrospectTokenLocalOptions {
  /**
   * Judged against the RBAC policy's scopes (read with the secret, cached 5 minutes): denied →
   * `ClientError` `invalid_permissions`.
   */
  authorization_check?: AuthorizationCheck | undefined;
  /** Allowed clock skew for `exp` and `nbf`, in seconds (default 0). */
  clock_tolerance_seconds?: number | undefined;
  /** The time to verify at, a `Date` or epoch milliseconds (default: now). */
  current_date?: Date | number | undefined;
}
// </generated>

// <generated: IntrospectTokenNetworkRequest>
export interface IntrospectTokenNetworkRequest {
  token: string;
  /** The Connected App client asking. */
  client_id: string;
  /** Its secret, for a confidential client. */
  client_secret?: string | undefined;
  token_type_hint?: string | undefined;
}
// </generated>

// <generated: IntrospectTokenNetworkOptions>
export interface IntrospectTokenNetworkOptions {
  /** Judged against the RBAC policy's scopes once the API found the token active. */
  authorization_check?: AuthorizationCheck | undefined;
}
// </generated>

/** What `idp.introspectTokenLocal` and `idp.introspectTokenNetwork` answer (stytch-node's). */
export interface IntrospectTokenClaims {
  /** The user (or member) who authorized the app. */
  subject: string;
  /** The scopes granted, space-separated. */
  scope: string;
  audience: string | string[];
  /** Unix seconds. */
  expires_at: number;
  issued_at: number;
  issuer: string;
  not_before: number;
  token_type: string;
  custom_claims: JsonObject;
}

/** A B2B Connected Apps token names the member's organization. */
export interface B2BIntrospectTokenClaims extends IntrospectTokenClaims {
  organization?: { organization_id: string; slug: string };
}

/** The Connected Apps API (`client.idp`). */
export interface IDP<Claims = IntrospectTokenClaims> {
  /** Verify a Connected Apps access token locally; an `authorization_check` is judged against the policy's scopes. */
  introspectTokenLocal(token: string, options?: IntrospectTokenLocalOptions): Promise<Claims>;
  /** Ask the API whether the token is active (inactive or unknown: `ClientError` `token_invalid`). */
  introspectTokenNetwork(params: IntrospectTokenNetworkRequest, options?: IntrospectTokenNetworkOptions): Promise<Claims>;
}

// <generated: AuthenticateAccessTokenOptions>
export interface AuthenticateAccessTokenOptions extends ProjectOptions, StytchNodeOptions {
  /**
   * Which tokens are accepted: `"m2m"` (client credentials) or `"connected_app"` (Connected Apps: a
   * user's or member's authorization of an app, e.g. an MCP client).
   */
  token_type: "m2m" | "connected_app";
  /**
   * Scopes the token must hold (`action:resource` or a bare action; a granted `action:*` covers
   * every resource): one missing → 403 `insufficient_scope`.
   */
  required_scopes?: string[] | undefined;
  /**
   * Judged against the RBAC policy's scopes (read with the secret, cached 5 minutes): denied → 403
   * `insufficient_scope`.
   */
  authorization_check?: AuthorizationCheck | undefined;
  /** Tokens older than this (by `iat`) are refused (default: no bound but `exp`). */
  max_token_age_seconds?: number | undefined;
  /** Allowed clock skew for `exp` and `nbf`, in seconds (default 0). */
  clock_tolerance_seconds?: number | undefined;
  /**
   * The URL of this resource's protected resource metadata (RFC 9728), e.g.
   * `https://api.example.com/.well-known/oauth-protected-resource`: every challenge then names it,
   * so that an OAuth client (an MCP client) can find the authorization server.
   */
  resource_metadata?: string | undefined;
}
// </generated>

/**
 * {@link authenticateAccessToken} let the request in: `Claims` are a Connected Apps token's
 * ({@link B2BIntrospectTokenClaims} from {@link authenticateB2BAccessToken}).
 */
export type AccessTokenAdmitted<Claims = IntrospectTokenClaims> =
  | { ok: true; token_type: "m2m"; token: M2MAuthenticateTokenResponse }
  | { ok: true; token_type: "connected_app"; token: Claims };

/** {@link authenticateAccessToken} refused the request; `response()` carries the RFC 6750 challenge. */
export interface AccessTokenRefused {
  ok: false;
  /** 401 no or a bad token (`WWW-Authenticate: Bearer error="invalid_token"`); 403 a missing scope or a denied check (`error="insufficient_scope"`); 503 Stytch could not judge. */
  status: 401 | 403 | 503;
  /** `"no_token"`, or the error's code (`jwt_expired`, `missing_scopes`, `invalid_permissions`, …). */
  code: string;
  error?: StytchSessionsError;
  /** JSON `{ error, code }` with the challenge (and `resource_metadata` when configured). */
  response(): Response;
}

/**
 * Gate a request on an OAuth access token (`Authorization: Bearer`): an M2M or a Connected Apps
 * token (`token_type`), verified locally with the project's keys, its scopes judged. Rejects only
 * for bad options.
 * @see {@link https://github.com/stytch-sessions-wasm/stytch-sessions-wasm/blob/main/docs/rules.md#access-tokens | docs/rules.md, "Access tokens"}
 */
export declare function authenticateAccessToken(request: Request, options: AuthenticateAccessTokenOptions & { token_type: "m2m" }): Promise<Extract<AccessTokenAdmitted, { token_type: "m2m" }> | AccessTokenRefused>;
export declare function authenticateAccessToken(request: Request, options: AuthenticateAccessTokenOptions & { token_type: "connected_app" }): Promise<Extract<AccessTokenAdmitted, { token_type: "connected_app" }> | AccessTokenRefused>;
export declare function authenticateAccessToken(request: Request, options: AuthenticateAccessTokenOptions): Promise<AccessTokenAdmitted | AccessTokenRefused>;

/** {@link authenticateAccessToken} for a B2B project's tokens (its B2B keys; Connected Apps tokens name the member's organization). */
export declare function authenticateB2BAccessToken(request: Request, options: AuthenticateAccessTokenOptions & { token_type: "m2m" }): Promise<Extract<AccessTokenAdmitted<B2BIntrospectTokenClaims>, { token_type: "m2m" }> | AccessTokenRefused>;
export declare function authenticateB2BAccessToken(request: Request, options: AuthenticateAccessTokenOptions & { token_type: "connected_app" }): Promise<Extract<AccessTokenAdmitted<B2BIntrospectTokenClaims>, { token_type: "connected_app" }> | AccessTokenRefused>;
export declare function authenticateB2BAccessToken(request: Request, options: AuthenticateAccessTokenOptions): Promise<AccessTokenAdmitted<B2BIntrospectTokenClaims> | AccessTokenRefused>;

// <generated: ProtectedResourceMetadataOptions>
export interface ProtectedResourceMetadataOptions {
  /** This resource's identifier: its https:// URL. */
  resource: string;
  /**
   * The authorization servers that issue its tokens: your Stytch project's domain (its custom
   * domain, e.g. `https://login.example.com`).
   */
  authorization_servers: string[];
  /** The scopes it understands. */
  scopes_supported?: string[] | undefined;
  /** A name for people. */
  resource_name?: string | undefined;
}
// </generated>

/**
 * This API's protected resource metadata (RFC 9728) as a `Response`, to serve at
 * `/.well-known/oauth-protected-resource`: what an MCP client reads to find the authorization
 * server. Throws a {@link ClientError} for bad options.
 */
export declare function protectedResourceMetadata(options: ProtectedResourceMetadataOptions): Response;

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/** Error types the Stytch API is known to return (others may appear). */
export type StytchErrorType = OpenString<
  | "unauthorized_credentials"
  | "session_not_found"
  | "too_many_requests"
  | "internal_server_error"
  | "invalid_session_duration_minutes"
  | "too_many_session_arguments"
  | "no_session_arguments"
  | "too_many_session_revoke_arguments"
  | "no_session_revoke_arguments"
  | "custom_claims_too_large"
  | "user_not_found"
  | "migrate_from_external_email_does_not_exist"
  | "consumer_session_authorization_error"
  | "idp_access_token_not_found"
  | "idp_access_token_could_not_be_exchanged"
  | "invalid_trusted_auth_token"
  | "trusted_auth_token_profile_not_found"
>;

/** The body of a Stytch API error. */
export interface StytchErrorFields {
  status_code: number;
  request_id: string;
  error_type: StytchErrorType;
  error_message: string;
  error_url: string;
  error_details?: JsonValue;
}

/** The API answered with an error (HTTP status ≥ 400 and a Stytch error body). */
export declare class StytchError extends Error {
  constructor(fields: StytchErrorFields);
  readonly name: "StytchError";
  /** The same as {@link StytchError.error_type}. */
  readonly code: StytchErrorType;
  /** The HTTP status, e.g. 404. */
  readonly status_code: number;
  readonly request_id: string;
  /** e.g. `"session_not_found"`. */
  readonly error_type: StytchErrorType;
  /** e.g. `"Session could not be found."`. */
  readonly error_message: string;
  /** Link to Stytch's documentation of this error. */
  readonly error_url: string;
  /** Extra details some errors carry. */
  readonly error_details?: JsonValue;
}

/** Why a request failed without a Stytch answer. */
export type RequestErrorCode = "network_error" | "timeout" | "invalid_response";

/** The request failed: network failure, timeout, or a body that is not the expected JSON. */
export declare class RequestError extends Error {
  constructor(code: RequestErrorCode, message: string);
  readonly name: "RequestError";
  readonly code: RequestErrorCode;
}

/**
 * Why a token, a key set or an argument was rejected locally.
 * @see {@link https://github.com/stytch-sessions-wasm/stytch-sessions-wasm/blob/main/docs/rules.md#errors | docs/rules.md, "Errors"}
 */
export type ClientErrorCode =
  | "jwt_invalid"
  | "jwt_incorrect_algorithm"
  | "jwt_signature_invalid"
  | "jwt_expired"
  | "jwt_not_yet_valid"
  | "jwt_invalid_issuer"
  | "jwt_invalid_audience"
  | "jwt_too_old"
  | "jwks_no_matching_key"
  | "jwks_invalid"
  | "invalid_argument"
  | "invalid_permissions"
  | "tenancy_mismatch"
  | "missing_scopes"
  | "token_invalid";

/** The claims a `ClientError` can name as the one at fault. */
export type ClaimName =
  | "iss"
  | "aud"
  | "exp"
  | "nbf"
  | "iat"
  | "sub"
  | "https://stytch.com/session"
  | "https://stytch.com/organization"
  | "scope"
  | "client_id";

/** Rejected locally: a bad or unverifiable token, an unusable key set, or a bad argument. */
export declare class ClientError extends Error {
  constructor(code: ClientErrorCode, message: string, claim?: ClaimName);
  readonly name: "ClientError";
  readonly code: ClientErrorCode;
  /** For claim failures: the claim at fault. */
  readonly claim?: ClaimName;
}

/** Any error this package throws. */
export type StytchSessionsError = StytchError | RequestError | ClientError;
