/**
 * `stytch-sessions-wasm/hono`: Hono middleware over the package's gate, {@link authenticateRequest}.
 *
 * ```ts
 * import { Hono } from "hono";
 * import { stytchAuth, requirePermission } from "stytch-sessions-wasm/hono";
 *
 * const app = new Hono();
 * app.use("/api/*", stytchAuth());
 * app.get("/api/me", (c) => c.json({ user_id: c.get("stytch").session.user_id }));
 * app.post("/api/documents", requirePermission("documents", "write"), (c) => c.json({ saved: true }));
 * ```
 *
 * Importing this entry types `c.get("stytch")` in every Hono app (through Hono's
 * `ContextVariableMap`).
 * @see {@link https://github.com/stytch-sessions-wasm/stytch-sessions-wasm/blob/main/docs/rules.md#hono | docs/rules.md, "Hono"}
 * @packageDocumentation
 */
import type { MiddlewareHandler } from "hono";
import type { AuthenticateRequestOptions, AuthorizationVerdict, B2BAuthenticateRequestOptions, Member, MemberSession, Organization, Session, User, authenticateB2BRequest, authenticateRequest } from "./index.js";

/** What {@link stytchAuth} puts on the context: `c.get("stytch")`. */
export interface StytchVariables {
  /** The session the gate let in. */
  session: Session;
  /** The JWT the request carried, or the one the API minted when it was asked. */
  session_jwt: string;
  /** The verdict on the `authorization_check` given to {@link stytchAuth}, when one was. */
  verdict?: AuthorizationVerdict;
  /** The user, when the gate asked the API (which answers with it). */
  user?: User;
}

/**
 * Options of {@link stytchAuth}: every option of {@link authenticateRequest}, each optional;
 * `project_id`, `secret` and `custom_base_url` not given are read from `c.env` (the Worker's
 * bindings, or the `env` given to `app.fetch(request, env)`).
 */
export type StytchAuthOptions = {
  [K in keyof AuthenticateRequestOptions]?: AuthenticateRequestOptions[K] | undefined;
};

/** What {@link stytchAuth} with `b2b: true` puts on the context: `c.get("stytch")`. */
export interface StytchB2BVariables {
  /** The member session the gate let in. */
  member_session: MemberSession;
  /** Its organization: {@link requirePermission} checks in it. */
  organization_id: string;
  session_jwt: string;
  verdict?: AuthorizationVerdict;
  /** The member and the organization, when the gate asked the API. */
  member?: Member;
  organization?: Organization;
}

/** Options of {@link stytchAuth} for B2B member sessions ({@link authenticateB2BRequest}'s). */
export type StytchB2BAuthOptions = {
  [K in keyof B2BAuthenticateRequestOptions]?: B2BAuthenticateRequestOptions[K] | undefined;
} & { b2b: true };

/** The Hono `Env` of an app gated on B2B member sessions: `Variables: { stytch }`. */
export interface StytchB2BEnv {
  Variables: { stytch: StytchB2BVariables };
}

/** The `c.env` bindings {@link stytchAuth} reads when its options do not give them. */
export interface StytchBindings {
  STYTCH_PROJECT_ID?: string;
  STYTCH_SECRET?: string;
  /** Your custom domain, or the emulator; unset: Stytch's API. */
  STYTCH_BASE_URL?: string;
}

/** The Hono `Env` the middleware add to an app: `Variables: { stytch }`. */
export interface StytchEnv {
  Variables: { stytch: StytchVariables };
}

/**
 * Gates the request with {@link authenticateRequest}, once. Refused: the gate's response (401,
 * 403 or 503, JSON `{ error, code }`). Let in: `c.get("stytch")` is set, the route runs, and the
 * gate's headers are added to its response: the `Set-Cookie` of a JWT the API minted, once, with
 * `Cache-Control: private, no-store` in place of the route's own. Bad options reject (Hono
 * answers 500).
 */
export declare function stytchAuth(options?: StytchAuthOptions & { b2b?: false | undefined }): MiddlewareHandler<StytchEnv>;
/**
 * Gates the request on a B2B member session with {@link authenticateB2BRequest}, as above; the
 * context variable is {@link StytchB2BVariables} (type the app with {@link StytchB2BEnv}).
 */
export declare function stytchAuth(options: StytchB2BAuthOptions): MiddlewareHandler<StytchB2BEnv>;

/**
 * After {@link stytchAuth}: lets the request through only when its session may do `action` on
 * `resource_id` (B2B: in the member's organization), judged against the project's RBAC policy
 * (B2B: and the organization's own roles) (fetched with the secret, cached) from
 * the token the gate verified: no API call, no `Set-Cookie`. Denied: 403 `{ error: "forbidden",
 * code: "invalid_permissions" }`; the policy cannot be had: 503. Without `stytchAuth` before it
 * on the route it throws a `TypeError` (Hono answers 500). Throws a `TypeError` at once unless
 * both arguments are non-empty strings.
 */
export declare function requirePermission(resource_id: string, action: string): MiddlewareHandler;

declare module "hono" {
  interface ContextVariableMap {
    stytch: StytchVariables;
  }
}
