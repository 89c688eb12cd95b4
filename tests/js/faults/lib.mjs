// Shared setup of the fault suites: the installed package, one in-process emulator per scenario
// (each has its own port, hence its own JWKS URL and its own entry in the package's module-memory
// key cache, so scenarios cannot warm or poison each other's keys), crafted JWKS documents, and
// a leak collector fed with every error the suites see.
import { join } from "node:path";
import { startEmulator } from "../../emulator/index.mjs";
import { control, forge, PROJECT_ID, requestCounter, SECRET } from "../lib/emulator.mjs";
import { LeakCollector } from "../lib/leaks.mjs";
import { installedPackage } from "../lib/package-install.mjs";
import { rsaKey } from "../lib/keys.mjs";

export { forge, PROJECT_ID, SECRET };
export const root = join(new URL(".", import.meta.url).pathname, "../../..");
export const AUTH = "POST /v1/sessions/authenticate";
export const JWKS = "GET /v1/sessions/jwks/:project_id";
export const GET = "GET /v1/sessions";
export const MIGRATE = "POST /v1/sessions/migrate";
export const REVOKE = "POST /v1/sessions/revoke";

/** The package as a user installs it (Node ESM entry), plus the shared leak collector. */
export async function setup() {
  const pkg = await installedPackage(root);
  const api = await pkg.importPackage();
  return { pkg, api, leaks: new LeakCollector() };
}

/**
 * A fresh emulator with a user, a fresh session, an old (iat -600 s, live) session, a revocable
 * session and an external token for migrate. Every token is registered with `leaks`.
 * `opts.now`: the emulator's clock (whole Unix seconds), for tests that move `Date.now`.
 */
export async function world(leaks, opts = {}) {
  const emu = await startEmulator({ port: 0, ...(opts.now ? { now: opts.now } : {}) });
  const ctl = control(emu.url);
  const tag = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const user = await ctl.createUser({ email: `faults-${tag}@example.com`, name: "Ada Lovelace" });
  const fresh = leaks.tokensOf(await ctl.createSession({ user_id: user.user_id }), "fresh");
  const old = leaks.tokensOf(await ctl.createSession({ user_id: user.user_id, iat_offset_seconds: -600 }), "old");
  const victim = leaks.tokensOf(await ctl.createSession({ user_id: user.user_id }), "victim");
  const external = leaks.token(`ext-oidc-${tag}-${"x".repeat(24)}`, "external token");
  await ctl.externalToken({ token: external, email: user.emails[0].email });
  const jwks = await (await fetch(`${emu.url}/v1/sessions/jwks/${PROJECT_ID}`)).json();
  const base = await ctl.requests();
  const w = {
    emu,
    url: emu.url,
    ctl,
    user,
    fresh,
    old,
    victim,
    external,
    jwk: jwks.keys[0],
    /** A Client on this emulator; `extra` adds options (timeout_ms, fetch, jwks). */
    client: (api, extra = {}) => new api.Client({ project_id: PROJECT_ID, secret: SECRET, custom_base_url: emu.url, ...extra }),
    fault: (f) => fetch(`${emu.url}/__emulator/faults`, { method: "POST", body: JSON.stringify(f) }).then((r) => r.json()),
    clearFaults: () => fetch(`${emu.url}/__emulator/faults`, { method: "DELETE" }).then((r) => r.json()),
    /** Request counts per route since the last `delta()` (or since the world was made). */
    delta: requestCounter(ctl, base),
    close: () => emu.close(),
  };
  if (opts.noMark !== true) await w.delta();
  return w;
}

/**
 * A `fetch` for the package's `fetch` option that answers the JWKS URL with `jwksBody` (HTTP
 * 200) and passes every other request to the real fetch. `calls.jwks` counts crafted answers.
 */
export function craftedJwksFetch(jwksBody) {
  const calls = { jwks: 0, other: 0 };
  const f = async (url, init) => {
    if (String(url).includes("/v1/sessions/jwks/")) {
      calls.jwks++;
      return new Response(JSON.stringify(jwksBody), { status: 200, headers: { "Content-Type": "application/json" } });
    }
    calls.other++;
    return fetch(url, init);
  };
  return { fetch: f, calls };
}

/** A JWKS where nothing can verify `jwk.kid`: the real key marked for encryption, wrong alg, etc. */
export function unusableJwks(jwk) {
  return {
    request_id: "request-id-test-crafted",
    status_code: 200,
    keys: [
      { ...jwk, use: "enc" },
      { ...jwk, key_ops: ["encrypt"] },
      { ...jwk, alg: "RS512" },
      { ...jwk, alg: "HS256", kty: "oct" },
      { kty: "EC", kid: jwk.kid, use: "sig", crv: "P-256", x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0" },
    ],
  };
}

/** A 1024-bit RSA key (made once), its JWK (a `kid` of its own): `{ jwk, kid, privateKey }`. */
export const weakKey = () => rsaKey(1024, "jwk-test-00000000-weak-1024-0000-000000000000");

/** `jwt`'s header and payload, re-signed by the 1024-bit key under its own `kid`. */
export const signWithWeakKey = (jwt) => weakKey().resign(jwt);

/** A JWKS serving only the 1024-bit key. */
export function weakJwks() {
  return { request_id: "request-id-test-crafted", status_code: 200, keys: [weakKey().jwk] };
}

/** `{ err, ms }` of a call expected to fail, or `{ value, ms }`; every error goes to `leaks`. */
export async function settle(leaks, source, fn) {
  const t0 = performance.now();
  try {
    const value = await fn();
    return { value, ms: performance.now() - t0 };
  } catch (err) {
    leaks.error(source, err);
    return { err, ms: performance.now() - t0 };
  }
}

/** A short description of an error or result, as the matrix prints it. */
export function describeOutcome(api, r) {
  if (!r.err) return "ok";
  const e = r.err;
  if (e instanceof api.StytchError) return `StytchError ${e.status_code} ${e.code}`;
  if (e instanceof api.RequestError) return `RequestError ${e.code}`;
  if (e instanceof api.ClientError) return `ClientError ${e.code}`;
  return `untyped ${e?.name}: ${e?.message}`;
}

/** Runs `fn` over `items` with at most `n` at a time. */
export async function pool(items, n, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}
