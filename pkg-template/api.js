// The package's API over the WebAssembly exports, shared by every entry. It holds no state of
// its own and decides nothing (the rules live in the crate; see docs/rules.md in the
// repository): `Client` keeps its options as plain JavaScript values, so a client made per
// request is garbage like any object and needs no `free()`; `authenticateRequest` reads the
// request's headers and builds the `Headers` and `Response` the crate's answer describes.
import { authenticateRequestHeaders, clientOptions, sessionsCall, verifyJwt } from "./stytch_sessions_wasm.js";
import { ClientError } from "./errors.js";

export { verifyJwt };

const options = Symbol("options");

/** `client.sessions`: every call passes the client's options to the module. */
class Sessions {
  constructor(client) {
    this[options] = client;
  }
}
for (const op of ["authenticate", "authenticateJwt", "authenticateJwtLocal", "get", "getJWKS", "migrate", "revoke", "exchangeAccessToken", "attest"]) {
  Object.defineProperty(Sessions.prototype, op, {
    value(params) {
      const c = this[options];
      return sessionsCall(op, c.text, c.fetch, c.store, params);
    },
    writable: true,
    configurable: true,
  });
}

/** A Stytch Sessions client. Its options are read (and checked) once, here. */
export class Client {
  constructor(opts) {
    const text = clientOptions(opts); // throws ClientError invalid_argument on bad options
    const { fetch, jwks_store } = opts;
    this.sessions = new Sessions(Object.freeze({ text, fetch, store: jwks_store }));
    Object.freeze(this);
  }
  /** Kept for compatibility: a client holds nothing that needs freeing. */
  free() {}
}

/**
 * Gates a request on a Stytch session: the JWT from `Authorization: Bearer` or the session
 * cookie (or, when allowed, the opaque session token cookie) through `authenticateJwt`.
 * Resolves `{ ok: true, session, session_jwt, headers, verdict? }` or
 * `{ ok: false, status, code, error?, response() }`; rejects only for bad options.
 */
export async function authenticateRequest(request, opts) {
  const headers = request?.headers;
  if (!headers || typeof headers.get !== "function") {
    throw new ClientError("invalid_argument", "authenticateRequest: request must be a Request (or have headers.get)");
  }
  const r = await authenticateRequestHeaders(headers.get("authorization") ?? undefined, headers.get("cookie") ?? undefined, opts);
  if (r.ok) {
    const out = { ok: true, session: r.session, session_jwt: r.session_jwt, headers: new Headers() };
    if (r.set_cookie) out.headers.append("Set-Cookie", r.set_cookie);
    if (r.verdict) out.verdict = r.verdict;
    return out;
  }
  const { status, code, body, error } = r;
  const responseHeaders = { "Content-Type": "application/json", "Cache-Control": "no-store" };
  if (status === 401) responseHeaders["WWW-Authenticate"] = "Bearer";
  return { ok: false, status, code, error, response: () => new Response(body, { status, headers: responseHeaders }) };
}

const DEFAULT_CACHE_KEY = "https://stytch-sessions-wasm.invalid/jwks";
const DEFAULT_KV_KEY = "stytch-sessions-wasm:jwks";

/**
 * A `jwks_store` over the Cache API (on Workers, `caches.default` or `await caches.open(name)`):
 * shared by the isolates of a data center.
 */
export function cacheApiJwksStore(cache, { key = DEFAULT_CACHE_KEY } = {}) {
  return {
    async get() {
      const hit = await cache.match(key);
      return hit ? hit.text() : undefined;
    },
    put(value, ttl_seconds) {
      const headers = { "Content-Type": "application/json", "Cache-Control": `max-age=${ttl_seconds}` };
      return cache.put(key, new Response(value, { headers }));
    },
  };
}

/** A `jwks_store` over a Workers KV namespace binding: shared by every isolate everywhere. */
export function kvJwksStore(namespace, { key = DEFAULT_KV_KEY } = {}) {
  return {
    async get() {
      return (await namespace.get(key)) ?? undefined;
    },
    put(value, ttl_seconds) {
      // KV's shortest expiration is 60 seconds.
      return namespace.put(key, value, { expirationTtl: Math.max(60, ttl_seconds) });
    },
  };
}
