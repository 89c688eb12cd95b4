// `stytch-sessions-wasm/hono`: Hono middleware over the package's gate.
//
//   app.use("/api/*", stytchAuth());                                   // one gate per request
//   app.post("/api/docs", requirePermission("documents", "write"), h);  // judged from that gate
//
// The API is imported through the package's own name (a self-reference, resolved by the
// package's "exports" with the host's conditions), so this file gets the runtime entry the app
// gets: the `workerd` entry under wrangler, `deno` under Deno, `node` under Node and Bun, and
// shares its module instance (one key cache, one memo) with the app's own imports. Hono itself is
// never imported: the middleware only uses the context it is handed.
//
// What each middleware does, and why it makes no second API call and sends no second
// `Set-Cookie`: docs/rules.md, "Hono" (in the repository).
import { authenticateB2BRequest, authenticateRequest, verifyB2BJwt, verifyJwt, ClientError, RequestError, StytchError } from "stytch-sessions-wasm";

const { hasOwn, freeze } = Object;

/** `object`'s own property `name` (never an inherited one: a polluted prototype gives nothing). */
const own = (object, name) => (hasOwn(object, name) ? object[name] : undefined);

/** The name the gate's answer is kept under on the context: `c.get("stytch")`. */
const VARIABLE = "stytch";

/** Options taken from `c.env` when not given: option name → binding name. */
const FROM_ENV = [
  ["project_id", "STYTCH_PROJECT_ID"],
  ["secret", "STYTCH_SECRET"],
  ["custom_base_url", "STYTCH_BASE_URL"],
];

/**
 * The gate options `requirePermission` judges with again: where the project's keys and policy are
 * (and how they are fetched), and how old a token may be. The cookie options and the session
 * extension are the gate's alone (`verifyJwt` refuses them).
 */
const VERIFY_OPTIONS = ["project_id", "secret", "custom_base_url", "timeout_ms", "max_stale_seconds", "fetch", "jwks_store", "max_token_age_seconds", "clock_tolerance_seconds"];

/**
 * What each kind of session gates with, keeps on the context and checks a permission with:
 * consumer sessions, and B2B member sessions (`stytchAuth({ b2b: true })`), whose checks name the
 * member's own organization.
 */
const KINDS = {
  consumer: {
    gate: authenticateRequest,
    /** Judges `resource_id`/`action` for what the gate let in; rejects as `verifyJwt` does. */
    check(judged, variables, resource_id, action) {
      return verifyJwt(variables.session_jwt, { ...judged.verify, current_date: judged.at, authorization_check: { resource_id, action } });
    },
  },
  b2b: {
    gate: authenticateB2BRequest,
    check(judged, variables, resource_id, action) {
      const authorization_check = { organization_id: variables.organization_id, resource_id, action };
      return verifyB2BJwt(variables.session_jwt, { ...judged.verify, current_date: judged.at, authorization_check });
    },
  },
};

/**
 * For each context variable `stytchAuth` set: how its token was judged (`{ kind, verify, at }`),
 * for `requirePermission`. Kept here, not on the variable, so that nothing that prints or
 * serialises the variable reaches the options (which hold the secret).
 */
const judgedBy = new WeakMap();

/**
 * A Hono middleware that gates the request with `authenticateRequest` (`b2b: true`:
 * `authenticateB2BRequest`), once: refused → the gate's response (401, 403 or 503, JSON
 * `{ error, code }`); let in → `c.set("stytch", { session, session_jwt, verdict?, user? })` (B2B:
 * `{ member_session, organization_id, session_jwt, verdict?, member?, organization? }`), the
 * route runs, and the gate's headers (the
 * `Set-Cookie` of a JWT the API minted, and its `Cache-Control`) are added to its response.
 * `options` are `authenticateRequest`'s; `project_id`, `secret` and `custom_base_url` default to
 * `c.env.STYTCH_PROJECT_ID`, `STYTCH_SECRET` and `STYTCH_BASE_URL`.
 */
export function stytchAuth(options = {}) {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError("stytchAuth(options): options must be an object of authenticateRequest options");
  }
  const given = { ...options }; // own enumerable members, read once
  const b2b = own(given, "b2b");
  delete given.b2b;
  if (b2b !== undefined && typeof b2b !== "boolean") throw new TypeError("stytchAuth(options): b2b must be a boolean");
  const kind = b2b ? "b2b" : "consumer";
  const { gate } = KINDS[kind];
  return async function stytchAuthMiddleware(c, next) {
    const opts = withEnv(given, c.env);
    const startedAt = Date.now();
    const auth = await gate(c.req.raw, opts);
    if (!auth.ok) return auth.response();
    // The context variable: the gate's answer, without `ok` and its headers.
    const { ok: _ok, headers, ...value } = auth;
    judgedBy.set(value, { kind, verify: verifyOptions(opts), at: judgedAt(c.req.raw, auth.session_jwt, startedAt) });
    c.set(VARIABLE, value);
    await next();
    addHeaders(c, headers);
  };
}

/**
 * A Hono middleware, after `stytchAuth`, that lets the request through only when the session the
 * gate let in may do `action` on `resource_id`, judged against the project's RBAC policy with the
 * token the gate verified: no API call (the policy is fetched once and cached), no second
 * signature check for a token the gate verified locally, no `Set-Cookie`. Denied → 403
 * `{ error: "forbidden", code: "invalid_permissions" }`; the policy cannot be had → 503.
 */
export function requirePermission(resource_id, action) {
  if (typeof resource_id !== "string" || resource_id === "" || typeof action !== "string" || action === "") {
    throw new TypeError("requirePermission(resource_id, action): both must be non-empty strings");
  }
  return async function requirePermissionMiddleware(c, next) {
    const value = c.get(VARIABLE);
    const judged = typeof value === "object" && value !== null ? judgedBy.get(value) : undefined;
    if (judged === undefined) {
      throw new TypeError(`requirePermission("${resource_id}", "${action}"): no session on the context; put stytchAuth() before it on this route`);
    }
    try {
      await KINDS[judged.kind].check(judged, value, resource_id, action);
    } catch (error) {
      const status = refusalStatus(error);
      if (status === undefined) throw error; // the deployment's to fix (a bad option), not the request's
      return refusal(status, error.code);
    }
    await next();
  };
}

/** The options with `project_id`, `secret` and `custom_base_url` from `env` where not given. */
function withEnv(given, env) {
  const opts = { ...given };
  for (const [name, binding] of FROM_ENV) {
    if (own(opts, name) !== undefined) continue;
    const value = typeof env === "object" && env !== null ? own(env, binding) : undefined;
    if (typeof value === "string") opts[name] = value;
  }
  return opts;
}

/** The gate options `verifyJwt` takes (stytch-node's `env` and `timeout` by their own names). */
function verifyOptions(opts) {
  const out = {};
  for (const name of VERIFY_OPTIONS) if (own(opts, name) !== undefined) out[name] = opts[name];
  const env = own(opts, "env");
  const timeout = own(opts, "timeout");
  if (out.custom_base_url === undefined && typeof env === "string") out.custom_base_url = env;
  if (out.timeout_ms === undefined && typeof timeout === "number" && timeout !== 0) out.timeout_ms = timeout;
  return freeze(out);
}

/**
 * The time a check judges the token at: when the gate started, for the token the request carried
 * (the gate judged it then or a moment later, so it is no older now than it was); now, for a JWT
 * the API just minted (which may not be valid at a time before it was minted).
 */
function judgedAt(request, jwt, startedAt) {
  const carried = (name) => request.headers.get(name)?.includes(jwt) === true;
  return carried("authorization") || carried("cookie") ? startedAt : Date.now();
}

/**
 * The status of a check's failure, as the gate gives it: 403 for a denial, 503 when the policy
 * (or the keys) could not be had, 401 for a token no longer valid; `undefined` for bad options.
 */
function refusalStatus(error) {
  if (error instanceof ClientError) {
    if (error.code === "invalid_permissions" || error.code === "tenancy_mismatch") return 403;
    return error.code === "invalid_argument" ? undefined : 401;
  }
  return error instanceof RequestError || error instanceof StytchError ? 503 : undefined;
}

/** A refusal as the gate sends it: JSON `{ error, code }`, never the token or the secret. */
function refusal(status, code) {
  const error = status === 403 ? "forbidden" : status === 503 ? "unavailable" : "unauthorized";
  const headers = { "Content-Type": "application/json", "Cache-Control": "no-store" };
  if (status === 401) headers["WWW-Authenticate"] = "Bearer";
  return new Response(JSON.stringify({ error, code }), { status, headers });
}

/**
 * Adds the gate's headers to the route's response, once: `Set-Cookie` appended (the route may
 * set cookies of its own), any other (`Cache-Control: private, no-store`) in place of the route's
 * own, so that no shared cache keeps a response that sets a session cookie. A response whose
 * headers cannot be changed (`Response.redirect`, one passed on from `fetch`) is copied first, as
 * Hono's own middleware do.
 */
function addHeaders(c, headers) {
  const entries = [...headers];
  if (entries.length === 0) return;
  const add = (target) => {
    for (const [name, value] of entries) {
      if (name === "set-cookie") target.append(name, value);
      else target.set(name, value);
    }
  };
  try {
    add(c.res.headers);
  } catch {
    c.res = new Response(c.res.body, c.res);
    add(c.res.headers);
  }
}
