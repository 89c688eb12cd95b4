// The package's API over the WebAssembly exports, shared by every entry. It holds no state of
// its own and decides nothing (the rules live in the crate; see docs/rules.md in the
// repository). It translates and drives I/O:
//
// - translates: it reads the JavaScript values a caller passes (an options object becomes its
//   JSON text, read from its own properties only, plus a few facts about its types, such as
//   "fetch is not a function"), and turns the module's answers into plain objects and the
//   error classes;
// - drives: each export of the module starts or resumes one call and returns its next step as
//   text (fetch this, wait, read or write the JWKS store, or the answer); `run` below carries
//   the steps out with the host's `fetch`, timers and store until the call is answered. The
//   steps are src/protocol.rs's; the rules this driver obeys are docs/rules.md, "Driver
//   contract" (both in the repository).
//
// `Client` keeps its options as plain JavaScript values (in a module WeakMap, out of every
// printer's reach), so a client made per request is garbage like any object and needs no
// `free()`; `authenticateRequest` reads the request's headers and builds the `Headers` and
// `Response` the crate's answer describes.
import * as wasm from "./stytch_sessions_wasm.js";
import { ClientError, RequestError, StytchError } from "./errors.js";
// The tags, resume codes and facts of the protocol, generated from src/protocol.rs.
import { ANSWER, ERROR, FETCH, WAIT, LOAD, PUT, WOKE, RESPONSE, REJECTED, NOT_A_PROMISE, NOT_A_RESPONSE, BAD_HEADERS, LOADED, OBJECT, BAD_FETCH, STORE, BAD_STORE, BAD_HOOK } from "./protocol.js";

// The intrinsics the snapshot below relies on, taken once at load: a later change to them
// (prototype pollution included) cannot change how options are read.
const { getOwnPropertyDescriptor, getPrototypeOf, hasOwn, keys: ownKeys } = Object;
const { isArray } = Array;
const quote = JSON.stringify;
const isFinite = Number.isFinite;
const dateTime = Date.prototype.getTime;
const dateIso = Date.prototype.toISOString;
/** Prototypes whose `toJSON` is never consulted: anything found there is pollution. */
const BUILTIN_PROTOTYPES = new Set([Object.prototype, Array.prototype, Function.prototype]);

/**
 * The value of `object`'s OWN property `name` (a getter is called, once); never an inherited one.
 * Throws what a getter or a proxy throws.
 */
function ownValue(object, name) {
  return hasOwn(object, name) ? object[name] : undefined;
}

/**
 * A store's method: an own property, or one its class defines; never one from a built-in
 * prototype such as `Object.prototype` (what a polluted prototype would offer).
 */
function method(store, name) {
  try {
    for (let o = store; o !== null && !BUILTIN_PROTOTYPES.has(o); o = getPrototypeOf(o)) {
      const d = getOwnPropertyDescriptor(o, name);
      if (d !== undefined) return "value" in d ? d.value : undefined;
    }
  } catch {
    // a throwing proxy: no method
  }
  return undefined;
}

const isFunction = (value) => typeof value === "function";
const isObject = (value) => typeof value === "object" && value !== null;

/**
 * What JSON gives for an object before its members are read: a `Date` its ISO text (`null` when
 * invalid), an object with a `toJSON` of its own or of its class what that returns; the object
 * itself otherwise. A `toJSON` on `Object.prototype`, `Array.prototype`, `Function.prototype` or
 * any other chain's root is never called.
 */
function jsonValue(value, key) {
  if (value instanceof Date) {
    const t = dateTime.call(value);
    return isFinite(t) ? dateIso.call(value) : null;
  }
  for (let o = value; o !== null; o = getPrototypeOf(o)) {
    if (o !== value && (BUILTIN_PROTOTYPES.has(o) || getPrototypeOf(o) === null)) break;
    if (hasOwn(o, "toJSON")) {
      const toJSON = o === value ? value.toJSON : getOwnPropertyDescriptor(o, "toJSON").value;
      return isFunction(toJSON) ? toJSON.call(value, key) : value;
    }
  }
  return value;
}

/**
 * `value` as JSON text, as `JSON.stringify` writes it, except that only OWN properties are read
 * (each getter once; an array's hole is `null`, never an inherited element) and no `toJSON` is
 * taken from a built-in prototype (see `jsonValue`). `undefined` for what JSON leaves out
 * (`undefined`, functions, symbols). Throws on cycles and BigInts, and what getters and proxies
 * throw.
 */
function json(value, key, stack) {
  if (isObject(value)) value = jsonValue(value, key);
  switch (typeof value) {
    case "string":
      return quote(value);
    case "number":
      return isFinite(value) ? quote(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      throw new TypeError("a BigInt cannot be written as JSON");
    case "object": {
      if (value === null) return "null";
      if (stack.includes(value)) throw new TypeError("a cycle cannot be written as JSON");
      stack.push(value);
      let out;
      if (isArray(value)) {
        out = "[";
        const length = ownValue(value, "length");
        for (let i = 0; i < length; i++) {
          const k = String(i);
          out += (i > 0 ? "," : "") + (json(ownValue(value, k), k, stack) ?? "null");
        }
        out += "]";
      } else {
        out = "{";
        for (const k of ownKeys(value)) {
          const member = json(ownValue(value, k), k, stack);
          if (member !== undefined) out += (out.length > 1 ? "," : "") + quote(k) + ":" + member;
        }
        out += "}";
      }
      stack.pop();
      return out;
    }
    default:
      return undefined;
  }
}

/**
 * An options (or params) object as the module takes it: `[facts, text, fetch, store, date,
 * other, hook]` (`other`: the value of the member called `extra`, for the store factories'
 * `key`; `hook`: `on_decision`).
 * The text is its JSON snapshot, made from its OWN enumerable properties only (`json` above):
 * each getter is read once, here, and `fetch`, `jwks_store` and `current_date` are taken from
 * the same reading, so nothing inherited (a polluted `Object.prototype`) is ever read; a
 * `toJSON` of the options object itself is not called. `text` is `undefined` when it cannot be
 * made (a cycle, a throwing getter or proxy, a BigInt). `date` is `current_date` in milliseconds
 * (NaN when it is neither a `Date` nor a number; `undefined` when absent).
 */
function read(options, extra) {
  let facts = 0;
  let text;
  let fetch;
  let store;
  let date;
  let other;
  let hook;
  if (isObject(options) && !isArray(options)) {
    facts |= OBJECT;
    try {
      const names = ownKeys(options);
      const values = names.map((name) => ownValue(options, name));
      const stack = [options];
      text = "{";
      for (let i = 0; i < names.length; i++) {
        const name = names[i];
        const value = values[i];
        if (name === "fetch") fetch = value ?? undefined;
        else if (name === "jwks_store") store = value ?? undefined;
        else if (name === "current_date") date = value ?? undefined;
        else if (name === "on_decision") hook = value ?? undefined;
        else if (name === extra) other = value ?? undefined;
        const member = json(value, name, stack);
        if (member !== undefined) text += (text.length > 1 ? "," : "") + quote(name) + ":" + member;
      }
      text += "}";
    } catch {
      text = undefined; // the module refuses the options as unreadable
    }
  }
  if (fetch !== undefined && !isFunction(fetch)) facts |= BAD_FETCH;
  if (hook !== undefined && !isFunction(hook)) facts |= BAD_HOOK;
  let io;
  if (store !== undefined) {
    const get = isObject(store) ? method(store, "get") : undefined;
    const put = isObject(store) ? method(store, "put") : undefined;
    facts |= isFunction(get) && isFunction(put) ? STORE : BAD_STORE;
    if (facts & STORE) io = { store, get, put };
  }
  return [facts, text, isFunction(fetch) ? fetch : undefined, io, milliseconds(date), other, isFunction(hook) ? hook : undefined];
}

/** A `current_date` value (a `Date` or epoch milliseconds) in milliseconds; NaN when it is neither. */
function milliseconds(value) {
  if (value === undefined) return undefined;
  if (value instanceof Date) return dateTime.call(value);
  return typeof value === "number" ? value : NaN;
}

/** The error an `E` step (or a refusal's `error`) describes. */
function toError(e) {
  if (e.class === "ClientError") return new ClientError(e.code, e.message, e.claim);
  if (e.class === "RequestError") return new RequestError(e.code, e.message);
  return new StytchError(e.fields);
}

/** Whether a step ends its call: an answer (`A`) or an error (`E`). */
const isFinal = (step) => step[0] === ANSWER || step[0] === ERROR;

/** The answer a final step holds; throws the error it describes. */
function final(step) {
  const value = JSON.parse(step.slice(1));
  if (step[0] === ERROR) throw toError(value);
  return value;
}

/**
 * Carries out a call's steps until it is answered. A call answered at its first step (a token
 * verified before, a refused argument) settles without an async function. With an `on_decision`
 * hook (`io.hook`), the call is observed (`observed`).
 */
function run(step, io) {
  if (io.hook !== undefined) return observed(step, io);
  if (!isFinal(step)) return drive(step, io);
  try {
    return Promise.resolve(final(step));
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Runs the call, then gives `io.hook` the decision: `{ operation, ok, code, local, memo,
 * jwks_fetches, policy_fetches, api_calls, elapsed_ms }`, what the module reports of the call
 * (`lastFacts`, read right after its final step) and how long it took. No token, no secret, no
 * URL. The hook's own errors are ignored.
 */
async function observed(step, io) {
  const startedAt = Date.now();
  let facts = "";
  const last = (final) => ((facts = wasm.lastFacts()), final);
  let value;
  let error;
  try {
    value = isFinal(step) ? final(last(step)) : await drive(step, io, last);
  } catch (e) {
    error = e;
  }
  const known = facts === "" ? { local: true, memo: false, jwks_fetches: 0, policy_fetches: 0, api_calls: 0 } : JSON.parse(facts);
  // A gate answers refusals as values: `{ ok: false, code }`.
  const refused = error === undefined && value?.ok === false;
  const decision = { operation: io.operation, ok: error === undefined && !refused, code: error?.code ?? (refused ? value.code : "ok"), ...known, elapsed_ms: Date.now() - startedAt };
  try {
    io.hook(decision);
  } catch {
    // the hook's own failure is not the call's
  }
  if (error !== undefined) throw error;
  return value;
}

/**
 * Carries out steps that are not final: each is its tag, its call's id, a space and one JSON.
 * `onFinal` sees the final step before it is read (the hook's facts are taken then).
 */
async function drive(step, io, onFinal = (s) => s) {
  while (!isFinal(step)) {
    const tag = step[0];
    const space = step.indexOf(" ");
    const id = Number(step.slice(1, space));
    let input = WOKE;
    let status = 0;
    let text;
    try {
      const args = JSON.parse(step.slice(space + 1));
      if (tag === FETCH) {
        [input, status, text] = await send(io.fetch, args);
      } else if (tag === WAIT) {
        await new Promise((resolve) => setTimeout(resolve, args.ms));
      } else if (tag === LOAD) {
        const value = await storeCall(io.store, io.store.get, [], args.wait_ms);
        input = LOADED;
        text = typeof value === "string" ? value : undefined;
      } else if (tag === PUT) {
        await storeCall(io.store, io.store.put, [args.value, args.ttl_seconds], args.wait_ms);
      }
    } catch (error) {
      // Whatever the host throws, the call is resumed (and so ends, and frees its slot).
      [input, status, text] = [REJECTED, 0, errorName(error)];
    }
    step = wasm.resume(id, input, status, text, Date.now());
  }
  return final(onFinal(step));
}

/**
 * The store's `get` or `put` (`fn`, read when the options were), called on it and awaited for at
 * most `ms` milliseconds, the wait the step gives (docs/rules.md, "Driver contract"); whatever
 * goes wrong (a throw, a rejection, no answer in time) reads as `undefined`. The timer keeps a
 * Node process alive until the wait is over.
 */
async function storeCall(io, fn, args, ms) {
  let timer;
  try {
    const late = new Promise((resolve) => (timer = setTimeout(resolve, ms)));
    return await Promise.race([fn.apply(io.store, args), late]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The `name` of what a `fetch` threw or rejected with, when it is a string (an error's `name`
 * is its class's: read through its prototype chain).
 */
function errorName(error) {
  if (!isObject(error)) return undefined;
  try {
    const name = error.name;
    return typeof name === "string" ? name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Sends a request the module described: `[input, status, text]` to resume with. Its timeout
 * bounds the whole exchange, the answer's body included, even with a `fetch` option that ignores
 * the abort signal: the driver stops waiting when the signal fires (docs/rules.md, "Driver
 * contract"). The timer is a plain `setTimeout` (not
 * `AbortSignal.timeout`, whose timer Node does not wait for): a Node process stays alive until
 * the exchange is over, and the timer is cleared then.
 */
async function send(fetchOption, request) {
  const init = { method: request.method };
  try {
    init.headers = new Headers(request.headers);
  } catch {
    return [BAD_HEADERS];
  }
  const controller = new AbortController();
  const signal = controller.signal;
  init.signal = signal;
  if (request.body !== undefined) init.body = request.body;
  let timer;
  const timedOut = new Promise((_, reject) => {
    timer = setTimeout(() => {
      const reason = new DOMException("no answer within the timeout", "TimeoutError");
      reject(reason);
      controller.abort(reason);
    }, request.timeout_ms);
  });
  timedOut.catch(() => {}); // it only ever loses the race, or settles after the exchange is over
  try {
    return await exchange(fetchOption, request, init, timedOut);
  } finally {
    clearTimeout(timer);
  }
}

/** `send`'s exchange: the fetch and the answer's body, each raced against `timedOut`. */
async function exchange(fetchOption, request, init, timedOut) {
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
  return verify(false, session_jwt, opts);
}

/**
 * Verifies a Stytch B2B member session JWT with the project's public B2B keys and resolves its
 * member session. Needs no secret (unless it judges an `authorization_check`).
 */
export function verifyB2BJwt(session_jwt, opts) {
  return verify(true, session_jwt, opts);
}

function verify(b2b, session_jwt, opts) {
  const [facts, text, fetch, store, date, , hook] = read(opts);
  const token = typeof session_jwt === "string" ? session_jwt : undefined;
  const operation = b2b ? "verifyB2BJwt" : "verifyJwt";
  return run(wasm.verifyJwt(token, b2b, facts, text, date, Date.now()), { fetch, store, hook, operation });
}

/**
 * Each `client.sessions`'s options: `{text, fetch, store}`. Kept here, not on the objects, so that
 * nothing that prints or walks a client (`console.log`, `util.inspect` with `showHidden`,
 * workerd's and Deno's consoles, `JSON.stringify`, `structuredClone`) can reach their text, which
 * holds the secret.
 */
const clients = new WeakMap();

/**
 * A class of a client's services (`sessions`, `m2m`, `idp`): each of its methods `ops` passes the
 * client's options to the module as call `<prefix><op>`. `b2b`: a `B2BClient`'s. A method's first
 * argument is its params object, or (`idp.introspectTokenLocal`) the token; the second, where
 * the SDK takes one, its options.
 */
function serviceClass(b2b, prefix, ops) {
  const Service = class {};
  for (const op of ops) {
    Object.defineProperty(Service.prototype, op, {
      value(first, options) {
        const c = clients.get(this);
        if (c === undefined) throw new TypeError(`${prefix || "sessions."}${op} must be called on a client's ${prefix.slice(0, -1) || "sessions"}`);
        const token = typeof first === "string" ? first : undefined;
        const [facts, text, , , current] = read(first);
        const second = options === undefined ? undefined : read(options);
        const date = op === "authenticateJwtLocal" ? current : op === "introspectTokenLocal" ? second?.[4] : undefined;
        // The second argument's JSON: `null` reads as none; what cannot be read, or is no object,
        // is refused by the module (never silently dropped: revoke's `authorization` narrows it).
        const extra = second === undefined ? undefined : options === null ? "null" : second[1] ?? (isObject(options) ? "!" : "0");
        const name = prefix + op;
        const step = wasm.clientCall(name, c.text, c.store !== undefined, b2b, token, facts, text, extra, date, Date.now());
        return run(step, c.hook === undefined ? c : { ...c, operation: `${b2b ? "b2b." : ""}${prefix || "sessions."}${op}` });
      },
      writable: true,
      configurable: true,
    });
  }
  return Service;
}

const OPERATIONS = ["authenticate", "authenticateJwt", "authenticateJwtLocal", "get", "getJWKS", "migrate", "revoke", "exchangeAccessToken", "attest"];
/**
 * A client's service classes, made when the first client of its kind is (not at import: making
 * the six classes cost a cold start ~0.14 ms, which a caller of `verifyJwt` alone never needs).
 */
const services = [];
const SERVICES = (b2b) =>
  (services[+b2b] ??= {
    sessions: serviceClass(b2b, "", b2b ? [...OPERATIONS, "exchange"] : OPERATIONS),
    m2m: serviceClass(b2b, "m2m.", ["authenticateToken", "token"]),
    idp: serviceClass(b2b, "idp.", ["introspectTokenLocal", "introspectTokenNetwork"]),
  });

/** Reads (and checks) a client's options once, and gives it its `sessions`, `m2m` and `idp`. */
function makeClient(client, services, opts) {
  const [facts, text, fetch, store, , , hook] = read(opts);
  const refused = wasm.clientOptions(facts, text);
  if (refused) final(refused); // throws its ClientError invalid_argument
  const held = { text, fetch, store, hook };
  for (const [name, Service] of Object.entries(services)) {
    const service = new Service();
    clients.set(service, held);
    client[name] = service;
  }
  Object.freeze(client);
}

/** A Stytch Sessions client. Its options are read (and checked) once, here. */
export class Client {
  constructor(opts) {
    makeClient(this, SERVICES(false), opts);
  }
}

/** A Stytch B2B Sessions client (member sessions). Its options are read (and checked) once, here. */
export class B2BClient {
  constructor(opts) {
    makeClient(this, SERVICES(true), opts);
  }
}

/**
 * Gates a request on a Stytch session: the JWT from `Authorization: Bearer` or the session
 * cookie (or, when allowed, the opaque session token cookie) through `authenticateJwt`.
 * Resolves `{ ok: true, session, session_jwt, headers, verdict? }` or
 * `{ ok: false, status, code, error?, response() }`; rejects only for bad options.
 */
export function authenticateRequest(request, opts) {
  return gate(false, request, opts);
}

/**
 * Gates a request on a Stytch B2B member session, as `authenticateRequest` does on a consumer
 * session. Resolves `{ ok: true, member_session, organization_id, session_jwt, headers,
 * verdict?, member?, organization? }` or the same refusals (403 for `tenancy_mismatch` too).
 */
export function authenticateB2BRequest(request, opts) {
  return gate(true, request, opts);
}

/**
 * Runs gate `name` on `request`: `start(header, facts, text)` starts it in the module with the
 * request's headers (`header(name)`: a header's value or `undefined`) and the options read.
 */
function runGate(name, request, opts, start) {
  const headers = request?.headers;
  if (!headers || typeof headers.get !== "function") {
    return Promise.reject(new ClientError("invalid_argument", `${name}: request must be a Request (or have headers.get)`));
  }
  const [facts, text, fetch, store, , , hook] = read(opts);
  const step = start((header) => headers.get(header) ?? undefined, facts, text);
  return run(step, { fetch, store, hook, operation: name });
}

async function gate(b2b, request, opts) {
  const name = b2b ? "authenticateB2BRequest" : "authenticateRequest";
  const r = await runGate(name, request, opts, (header, facts, text) => wasm.authenticateRequest(header("authorization"), header("cookie"), b2b, facts, text, Date.now()));
  if (r.ok) {
    const out = b2b
      ? { ok: true, member_session: r.member_session, organization_id: r.member_session?.organization_id, session_jwt: r.session_jwt, headers: new Headers() }
      : { ok: true, session: r.session, session_jwt: r.session_jwt, headers: new Headers() };
    // What the API said beside the session, when it was asked.
    for (const member of ["user", "member", "organization"]) if (r[member] !== undefined) out[member] = r[member];
    // The headers the crate decided on (src/gate.rs), copied as they are.
    if (r.set_cookie) out.headers.append("Set-Cookie", r.set_cookie);
    if (r.cache_control) out.headers.append("Cache-Control", r.cache_control);
    if (r.verdict) out.verdict = r.verdict;
    return out;
  }
  return refusal(r, r.status === 401 ? "Bearer" : undefined);
}

/** A gate's refusal as the caller gets it: its status, code and error, and `response()`. */
function refusal(r, challenge) {
  const { status, code, body } = r;
  const error = r.error && toError(r.error);
  const headers = { "Content-Type": "application/json", "Cache-Control": "no-store" };
  if (challenge) headers["WWW-Authenticate"] = challenge;
  return { ok: false, status, code, error, response: () => new Response(body, { status, headers }) };
}

/**
 * Gates a request on an OAuth access token: `Authorization: Bearer <token>`, an M2M or a
 * Connected Apps token (`token_type`), verified locally, its scopes judged. Resolves `{ ok: true,
 * token_type, token }` (`token`: what `m2m.authenticateToken` or `idp.introspectTokenLocal`
 * answers) or `{ ok: false, status, code, error?, response() }`, whose response carries the
 * RFC 6750 `WWW-Authenticate` challenge; rejects only for bad options.
 */
export function authenticateAccessToken(request, opts) {
  return accessGate(false, request, opts);
}

/** {@link authenticateAccessToken} for a B2B project's tokens (Connected Apps tokens name the member's organization). */
export function authenticateB2BAccessToken(request, opts) {
  return accessGate(true, request, opts);
}

async function accessGate(b2b, request, opts) {
  const name = b2b ? "authenticateB2BAccessToken" : "authenticateAccessToken";
  const r = await runGate(name, request, opts, (header, facts, text) => wasm.authenticateAccessToken(header("authorization"), b2b, facts, text, Date.now()));
  // The challenge is the crate's (RFC 6750 §3), copied as it is.
  return r.ok ? r : refusal(r, r.www_authenticate);
}

/**
 * The protected resource metadata document (RFC 9728) of this API, as a `Response` to serve at
 * `/.well-known/oauth-protected-resource`: what an OAuth client (an MCP client) reads to find the
 * authorization server. Throws a `ClientError` for bad options.
 */
export function protectedResourceMetadata(opts) {
  const [facts, text] = read(opts);
  const document = final(wasm.protectedResourceMetadata(facts, text));
  return new Response(JSON.stringify(document), { headers: { "Content-Type": "application/json", "Cache-Control": "public, max-age=3600" } });
}

/** Whether this runs in Cloudflare Workers (workerd), which compiles no WebAssembly from bytes. */
export function inCloudflareWorkers() {
  return globalThis.navigator?.userAgent === "Cloudflare-Workers";
}

/**
 * Whether `import.meta.url` of an entry (`here`) can locate the .wasm next to it: a Worker
 * bundle, for one, has no such URL.
 */
export function locatable(here) {
  try {
    new URL("x", typeof here === "string" ? here : undefined);
    return true;
  } catch {
    return false;
  }
}

/**
 * The error of an entry (`"browser"` or `"stytch-sessions-wasm/web"`) that cannot load the
 * .wasm where it runs: it names the entry to use instead.
 */
export function misplacedEntry(entry) {
  const workerd =
    'the "workerd" entry: import from "stytch-sessions-wasm" with the "workerd" export condition, which wrangler sets (with another bundler, add "workerd" to its resolve conditions)';
  if (inCloudflareWorkers()) {
    return new Error(`stytch-sessions-wasm: the ${entry} entry cannot load its WebAssembly in Cloudflare Workers, which compile none from bytes; use ${workerd}`);
  }
  return new Error(
    `stytch-sessions-wasm: the ${entry} entry cannot locate its .wasm file (import.meta.url is not a URL here). In Cloudflare Workers, use ${workerd}; elsewhere, "stytch-sessions-wasm/web" and init({ module_or_path })`,
  );
}

const DEFAULT_CACHE_KEY = "https://stytch-sessions-wasm.invalid/jwks";
const DEFAULT_KV_KEY = "stytch-sessions-wasm:jwks";

/** Which store factory's options `storeKey` reads (src/wasm/calls.rs, `storeOptions`). */
const CACHE_API_STORE = 0;
const KV_STORE = 1;

/**
 * The `key` of a store factory's options (`kind` says which factory): read as an own property
 * only (never `Object.prototype.key`), `fallback` when absent; any other member is refused with
 * a ClientError invalid_argument (thrown).
 */
function storeKey(kind, opts, fallback) {
  if (opts === undefined) return fallback;
  const [facts, text, , , , key] = read(opts, "key");
  const refused = wasm.storeOptions(kind, facts, text);
  if (refused) final(refused); // throws its ClientError invalid_argument
  return key ?? fallback;
}

/**
 * A `jwks_store` over the Cache API (on Workers, `caches.default` or `await caches.open(name)`):
 * shared by the isolates of a data center.
 */
export function cacheApiJwksStore(cache, opts) {
  const key = storeKey(CACHE_API_STORE, opts, DEFAULT_CACHE_KEY);
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
export function kvJwksStore(namespace, opts) {
  const key = storeKey(KV_STORE, opts, DEFAULT_KV_KEY);
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
