// Shared setup of the workerd tests of authenticateRequest, the JWKS store and per-request
// clients: the worker example (tests/js/lib/worker-run.mjs builtWorker) or the test-only worker
// (probe-worker.js), run by Miniflare as one or several Workers (each its own isolate), against
// an in-process emulator.
import { createRequire } from "node:module";
import { join } from "node:path";
import { startEmulator } from "../../emulator/index.mjs";
import { control, forge, PROJECT_ID, requestCounter, SECRET } from "../lib/emulator.mjs";
import { builtTestWorker, builtWorker } from "../lib/worker-run.mjs";
import { ask, miniflareOptions, OFFLINE_ENV, readResponse, SET_COOKIE } from "../lib/worker.mjs";

export { ask, control, forge, PROJECT_ID, SECRET, SET_COOKIE };
export const root = join(new URL(".", import.meta.url).pathname, "../../..");
export const AUTH = "POST /v1/sessions/authenticate";
export const JWKS = "GET /v1/sessions/jwks/:project_id";
export const POLICY = "GET /v1/rbac/policy";
const require = createRequire(join(root, "tests/js/package.json"));

export const exampleBundle = () => builtWorker(root);
export const testBundle = () => builtTestWorker(root, join(root, "tests/js/gate/probe-worker.js"));

/** An in-process emulator with `ctl` (control routes), `delta()` (counts since the last call). */
export async function emulator() {
  const emu = await startEmulator({ port: 0 });
  const ctl = control(emu.url);
  const delta = requestCounter(ctl, await ctl.requests());
  return {
    url: emu.url,
    ctl,
    vars: { STYTCH_PROJECT_ID: PROJECT_ID, STYTCH_SECRET: SECRET, STYTCH_BASE_URL: emu.url },
    jwksUrl: `${emu.url}/v1/sessions/jwks/${PROJECT_ID}`,
    delta,
    close: () => emu.close(),
  };
}

/**
 * One Miniflare (one workerd process) running `workers`: `[{ name, kv?, cache?, kvPersist? }]`,
 * each the given bundle in its own isolate; `kv` is the id of its KV namespace JWKS (workers
 * given one id share it), `cache: false` turns its Cache API off. Resolves `{ fetch(name, path,
 * init), kv(name), dispose }`.
 */
export async function workers(bundle, vars, list, { kvPersist } = {}) {
  Object.assign(process.env, OFFLINE_ENV);
  const { Miniflare } = require("miniflare");
  const { host, port, cf, kvNamespaces, ...one } = miniflareOptions(bundle, vars);
  const mf = new Miniflare({
    host,
    port,
    cf,
    ...(kvPersist ? { kvPersist } : {}),
    workers: list.map((w) => ({ ...one, name: w.name, ...(w.kv ? { kvNamespaces: { JWKS: w.kv } } : {}), ...(w.cache === false ? { cache: false } : {}) })),
  });
  await mf.ready;
  const fetchers = new Map();
  const fetcher = async (name) => {
    if (!fetchers.has(name)) fetchers.set(name, await mf.getWorker(name));
    return fetchers.get(name);
  };
  return {
    /** `{ status, body, text, setCookie, headers }` of one request to worker `name`. */
    async fetch(name, path, init = {}) {
      return readResponse(await (await fetcher(name)).fetch(`http://worker.test${path}`, init));
    },
    kv: (name) => mf.getKVNamespace("JWKS", name),
    dispose: () => mf.dispose(),
  };
}

/** A refusal from the worker, as docs/rules.md "Gating a request" describes its response. */
export function refusal(r, status, code, secrets = []) {
  const problems = [];
  if (r.status !== status) problems.push(`status ${r.status}, expected ${status}`);
  const error = { 401: "unauthorized", 403: "forbidden", 503: "unavailable" }[status];
  if (r.body.error !== error || r.body.code !== code) problems.push(`body ${r.text}, expected {error: ${error}, code: ${code}}`);
  if (r.headers.get("cache-control") !== "no-store") problems.push("no Cache-Control: no-store");
  if ((r.headers.get("www-authenticate") === "Bearer") !== (status === 401)) problems.push(`WWW-Authenticate ${r.headers.get("www-authenticate")}`);
  if (r.setCookie) problems.push(`Set-Cookie on a refusal: ${r.setCookie}`);
  const all = r.text + [...r.headers].map(([k, v]) => `${k}: ${v}`).join("\n");
  for (const s of [SECRET, ...secrets.flatMap((t) => [t, t.split(".")[2]])]) if (s && all.includes(s)) problems.push("the response holds the token, its signature or the secret");
  return problems;
}
