// The package's API over the WebAssembly exports, shared by every entry. It holds no state of
// its own and decides nothing (the rules live in the crate; see docs/rules.md in the
// repository). It translates and drives I/O:
//
// - translates: it reads the JavaScript values a caller passes (an options object becomes its
//   `JSON.stringify` text plus a few facts about its types, such as "fetch is not a function"),
//   and turns the module's answers into plain objects and the error classes;
// - drives: each export of the module starts or resumes one call and returns its next step as
//   text (fetch this, wait, read or write the JWKS store, or the answer); `run` below carries
//   the steps out with the host's `fetch`, timers and store until the call is answered. The
//   steps are described in src/wasm/calls.rs.
//
// `Client` keeps its options as plain JavaScript values, so a client made per request is
// garbage like any object and needs no `free()`; `authenticateRequest` reads the request's
// headers and builds the `Headers` and `Response` the crate's answer describes.
import * as wasm from "./stytch_sessions_wasm.js";
import { ClientError, RequestError, StytchError } from "./errors.js";

// Facts about an options object (src/wasm/calls.rs).
const OBJECT = 1;
const BAD_FETCH = 2;
const STORE = 4;
const BAD_STORE = 8;
// What a call is resumed with (src/wasm/calls.rs).
const WOKE = 0;
const RESPONSE = 1;
const REJECTED = 2;
const NOT_A_PROMISE = 3;
const NOT_A_RESPONSE = 4;
const BAD_HEADERS = 5;
const LOADED = 6;

/** `value[name]` when it is neither `undefined` nor `null`; a getter that throws reads as absent. */
function field(value, name) {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return undefined;
  try {
    return value[name] ?? undefined;
  } catch {
    return undefined;
  }
}

const isFunction = (value) => typeof value === "function";
const isObject = (value) => typeof value === "object" && value !== null;

/**
 * An options (or params) object as the module takes it: `[facts, text, fetch, store]`. The text
 * is its `JSON.stringify` snapshot (getters, proxies and cycles are read, or fail, here and only
 * here), `undefined` when it cannot be made.
 */
function read(options) {
  let facts = 0;
  const fetch = field(options, "fetch");
  if (fetch !== undefined && !isFunction(fetch)) facts |= BAD_FETCH;
  const store = field(options, "jwks_store");
  if (store !== undefined) facts |= isObject(store) && isFunction(field(store, "get")) && isFunction(field(store, "put")) ? STORE : BAD_STORE;
  let text;
  if (isObject(options) && !Array.isArray(options)) {
    facts |= OBJECT;
    try {
      text = JSON.stringify(options);
    } catch {
      // `undefined`: the module refuses the options as unreadable
    }
  }
  return [facts, typeof text === "string" ? text : undefined, isFunction(fetch) ? fetch : undefined, facts & STORE ? store : undefined];
}

/** A `current_date` option (a `Date` or epoch milliseconds) in milliseconds; NaN when it is neither. */
function currentDate(options) {
  const value = field(options, "current_date");
  if (value === undefined) return undefined;
  if (value instanceof Date) return value.getTime();
  return typeof value === "number" ? value : NaN;
}

/** The error an `E` step (or a refusal's `error`) describes. */
function toError(e) {
  if (e.class === "ClientError") return new ClientError(e.code, e.message, e.claim);
  if (e.class === "RequestError") return new RequestError(e.code, e.message);
  return new StytchError(e.fields);
}

/** Whether a step ends its call: an answer (`A`) or an error (`E`). */
const isFinal = (step) => step[0] === "A" || step[0] === "E";

/** The answer a final step holds; throws the error it describes. */
function final(step) {
  const value = JSON.parse(step.slice(1));
  if (step[0] === "E") throw toError(value);
  return value;
}

/**
 * Carries out a call's steps until it is answered. A call answered at its first step (a token
 * verified before, a refused argument) settles without an async function.
 */
function run(step, io) {
  if (!isFinal(step)) return drive(step, io);
  try {
    return Promise.resolve(final(step));
  } catch (error) {
    return Promise.reject(error);
  }
}

async function drive(step, io) {
  while (!isFinal(step)) {
    const tag = step[0];
    const space = step.indexOf(" ");
    const id = Number(step.slice(1, space));
    const rest = step.slice(space + 1);
    let input = WOKE;
    let status = 0;
    let text;
    try {
      if (tag === "F") {
        [input, status, text] = await send(io.fetch, JSON.parse(rest));
      } else if (tag === "W") {
        await new Promise((resolve) => setTimeout(resolve, Number(rest)));
      } else if (tag === "L") {
        const value = await storeCall(io.store, "get", [], Number(rest));
        input = LOADED;
        text = typeof value === "string" ? value : undefined;
      } else if (tag === "P") {
        const [ttl, ms] = rest.split(" ", 2);
        await storeCall(io.store, "put", [rest.slice(ttl.length + ms.length + 2), Number(ttl)], Number(ms));
      }
    } catch (error) {
      // Whatever the host throws, the call is resumed (and so ends, and frees its slot).
      [input, status, text] = [REJECTED, 0, errorName(error)];
    }
    step = wasm.resume(id, input, status, text, Date.now());
  }
  return final(step);
}

/**
 * `store[method](...args)`, awaited for at most `ms` milliseconds; whatever goes wrong (a throw,
 * a rejection, no answer in time) reads as `undefined`.
 */
async function storeCall(store, method, args, ms) {
  let timer;
  try {
    const late = new Promise((resolve) => (timer = setTimeout(resolve, ms)));
    return await Promise.race([store[method](...args), late]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** The `name` of what a `fetch` threw or rejected with, when it is a string. */
function errorName(error) {
  const name = field(error, "name");
  return typeof name === "string" ? name : undefined;
}

/**
 * Sends a request the module described: `[input, status, text]` to resume with. Its timeout
 * bounds the whole exchange, the answer's body included, even with a `fetch` option that ignores
 * the abort signal: the driver stops waiting when the signal fires (docs/rules.md: `timeout_ms`
 * bounds every request a call makes).
 */
async function send(fetchOption, request) {
  const init = { method: request.method };
  try {
    init.headers = new Headers(request.headers);
  } catch {
    return [BAD_HEADERS];
  }
  const signal = AbortSignal.timeout(request.timeout_ms);
  init.signal = signal;
  if (request.body !== undefined) init.body = request.body;
  const timedOut = new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }));
  timedOut.catch(() => {}); // it only ever loses the race, or settles after the exchange is over
  let response;
  try {
    let pending;
    if (fetchOption) {
      pending = fetchOption.call(undefined, request.url, init);
      if (!(pending instanceof Promise)) return [NOT_A_PROMISE];
    } else {
      pending = fetch(request.url, init);
    }
    response = await Promise.race([pending, timedOut]);
  } catch (error) {
    return [REJECTED, 0, errorName(error)];
  }
  if (!(response instanceof Response)) return [NOT_A_RESPONSE];
  try {
    const text = await Promise.race([response.text(), timedOut]);
    return [RESPONSE, response.status, typeof text === "string" ? text : ""];
  } catch (error) {
    return [REJECTED, 0, errorName(error)];
  }
}

/**
 * Verifies a Stytch session JWT with the project's public keys and resolves its session. Needs
 * no secret (unless it judges an `authorization_check`): what an edge worker calls to gate a
 * request.
 */
export function verifyJwt(session_jwt, opts) {
  const [facts, text, fetch, store] = read(opts);
  const token = typeof session_jwt === "string" ? session_jwt : undefined;
  return run(wasm.verifyJwt(token, facts, text, currentDate(opts), Date.now()), { fetch, store });
}

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
      const [facts, text] = read(params);
      const date = op === "authenticateJwtLocal" ? currentDate(params) : undefined;
      return run(wasm.sessionsCall(op, c.text, c.store !== undefined, facts, text, date, Date.now()), c);
    },
    writable: true,
    configurable: true,
  });
}

/** A Stytch Sessions client. Its options are read (and checked) once, here. */
export class Client {
  constructor(opts) {
    const [facts, text, fetch, store] = read(opts);
    const refused = wasm.clientOptions(facts, text);
    if (refused) final(refused); // throws its ClientError invalid_argument
    this.sessions = new Sessions(Object.freeze({ text, fetch, store }));
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
  const [facts, text, fetch, store] = read(opts);
  const step = wasm.authenticateRequest(headers.get("authorization") ?? undefined, headers.get("cookie") ?? undefined, facts, text, Date.now());
  const r = await run(step, { fetch, store });
  if (r.ok) {
    const out = { ok: true, session: r.session, session_jwt: r.session_jwt, headers: new Headers() };
    if (r.set_cookie) out.headers.append("Set-Cookie", r.set_cookie);
    if (r.verdict) out.verdict = r.verdict;
    return out;
  }
  const { status, code, body } = r;
  const error = r.error && toError(r.error);
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
