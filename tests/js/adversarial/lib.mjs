// Shared setup of the adversarial suite (issue 22): the installed package, in-process emulators,
// forged and attacker-signed tokens, and a probe Worker in workerd.
//
// The package under test is the tarball `./scripts/build` packs into target/npm, or the one
// named by STYTCH_ADVERSARIAL_TARBALL (an absolute path), so that the same suite can be run
// against a build of another commit:
//
//   STYTCH_ADVERSARIAL_TARBALL=/tmp/base/target/npm/stytch-sessions-wasm-0.1.0.tgz node --test tests/js/adversarial/
import { createHash, randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { startEmulator } from "../../emulator/index.mjs";
import { control, forge, PROJECT_ID, requestCounter, SECRET } from "../lib/emulator.mjs";
import { b64, decode, rsaKey } from "../lib/keys.mjs";
import { installedPackage } from "../lib/package-install.mjs";
import { run } from "../lib/procs.mjs";
import { builtTestWorker, startWorkerCaptured } from "../lib/worker-run.mjs";
import { readResponse } from "../lib/worker.mjs";

export { forge, PROJECT_ID, SECRET };
export const repoRoot = join(new URL(".", import.meta.url).pathname, "../../..");
export const here = new URL(".", import.meta.url).pathname;
export const AUTH = "POST /v1/sessions/authenticate";
export const JWKS = "GET /v1/sessions/jwks/:project_id";
export const POLICY = "GET /v1/rbac/policy";
/** The Basic-auth credentials: as secret as the secret itself. */
export const BASIC = Buffer.from(`${PROJECT_ID}:${SECRET}`).toString("base64");

/**
 * The root the package helpers take (they look for `<root>/target/npm/*.tgz`): the repository,
 * or a directory holding only the tarball named by STYTCH_ADVERSARIAL_TARBALL.
 */
export function packageRoot() {
  const tarball = process.env.STYTCH_ADVERSARIAL_TARBALL;
  if (!tarball) return repoRoot;
  const bytes = readFileSync(tarball);
  const sha = createHash("sha256").update(bytes).digest("hex").slice(0, 12);
  const root = join(tmpdir(), `stytch-adversarial-root-${sha}`);
  const file = join(root, "target/npm", basename(tarball).startsWith("stytch-sessions-wasm-") ? basename(tarball) : "stytch-sessions-wasm-0.0.0.tgz");
  if (!existsSync(file)) {
    mkdirSync(join(root, "target/npm"), { recursive: true });
    copyFileSync(tarball, file);
  }
  return root;
}

/** The installed package (`{ dir, sha, importPackage }`) and its Node ESM entry. */
export async function setup() {
  const pkg = await installedPackage(packageRoot());
  const api = await pkg.importPackage();
  return { pkg, api };
}

/**
 * A fresh in-process emulator (its own port, hence its own JWKS URL and its own entries in the
 * package's module memory) with `ctl`, `delta()` (request counts since the last call) and a
 * user. `opts.roles` gives the user roles.
 */
export async function world(opts = {}) {
  const emu = await startEmulator({ port: 0 });
  const ctl = control(emu.url);
  const tag = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const user = await ctl.createUser({ email: `adv-${tag}@example.com`, name: "Ada Lovelace", ...(opts.roles ? { roles: opts.roles } : {}) });
  const delta = requestCounter(ctl, await ctl.requests());
  return {
    emu,
    url: emu.url,
    ctl,
    user,
    delta,
    jwksUrl: `${emu.url}/v1/sessions/jwks/${PROJECT_ID}`,
    /** A session of the user: `{ session_token, session_jwt, session }`; `extra` as the control route takes it. */
    mint: (extra = {}) => ctl.createSession({ user_id: user.user_id, ...extra }),
    /** The same, for another user. */
    mintFor: (u, extra = {}) => ctl.createSession({ user_id: u.user_id, ...extra }),
    /** Options for the package on this emulator; `extra` adds or overrides. */
    opts: (extra = {}) => ({ project_id: PROJECT_ID, secret: SECRET, custom_base_url: emu.url, ...extra }),
    jwks: async () => (await fetch(`${emu.url}/v1/sessions/jwks/${PROJECT_ID}`)).json(),
    close: () => emu.close(),
  };
}

/**
 * The worlds of one test file: `fresh()` makes one (see `world`), `closeAll()` (for `after`)
 * closes every one it made.
 */
export function worlds() {
  const made = [];
  return {
    fresh: async (opts) => {
      const w = await world(opts);
      made.push(w);
      return w;
    },
    closeAll: async () => {
      for (const w of made.splice(0)) await w.close();
    },
  };
}

/** `jwt` with a random, unknown `kid` in its header (its signature no longer matters). */
export function randomKid(jwt) {
  const [h, p, s] = jwt.split(".");
  return `${b64({ ...decode(h), kid: `jwk-test-${randomBytes(12).toString("hex")}` })}.${p}.${s}`;
}

/** A 2048-bit RSA key of the attacker's (made once): `{ jwk, kid, privateKey }`. */
export const attackerKey = () => rsaKey(2048, "jwk-test-attacker-0000-0000-0000-000000000000");

/** `jwt`'s claims, signed by the attacker's key under the attacker's kid. */
export const attackerSigned = (jwt) => attackerKey().resign(jwt);

/** A JWKS store in memory: `get`/`put` record their calls; `value` is what `get` answers. */
export function memoryStore(value) {
  const store = {
    value,
    gets: 0,
    puts: [],
    async get() {
      store.gets++;
      return store.value;
    },
    async put(v, ttl) {
      store.puts.push([v, ttl]);
      store.value = v;
    },
  };
  return store;
}

/** `{ value }` or `{ err }` of a promise (or of a function that may throw). */
export async function settle(fn) {
  try {
    return { value: await fn() };
  } catch (err) {
    return { err };
  }
}

/** Runs `fn` over `items` with at most `n` at a time (the fault suite's). */
export { pool } from "../faults/lib.mjs";

/** How many times each value occurs, as `{ value: n }`. */
export function tally(values) {
  const out = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

/** Every place `needles` occur in `text`: `[label]` (empty when none). */
export function leaksIn(text, needles = { secret: SECRET, "Basic credentials": BASIC }) {
  return Object.entries(needles)
    .filter(([, v]) => v && text.includes(v))
    .map(([k]) => k);
}

/**
 * The probe Worker (probe-worker.js with specimens.mjs inlined: the test-worker builder takes one
 * file), bundled by `wrangler deploy --dry-run` over the installed package and cached.
 */
export async function probeBundle() {
  const specimens = readFileSync(join(here, "specimens.mjs"), "utf8").replace(/^export /gm, "");
  const probe = readFileSync(join(here, "probe-worker.js"), "utf8").replace(/^import \{ specimens \} from "\.\/specimens\.mjs";\n/m, "");
  const source = `${probe}\n// ---- specimens.mjs ----\n${specimens}`;
  const sha = createHash("sha256").update(source).digest("hex").slice(0, 12);
  const file = join(tmpdir(), `stytch-adversarial-probe-${sha}.js`);
  if (!existsSync(file)) writeFileSync(file, source);
  return builtTestWorker(packageRoot(), file);
}

/**
 * The probe Worker in workerd (one isolate), its console output captured: `{ url, lines,
 * get(path, init), dispose }`. The worker reads `base` (the emulator URL) from each request's
 * query, so one isolate serves several emulators.
 */
export async function probeWorker() {
  const bundle = await probeBundle();
  const w = await startWorkerCaptured(bundle, { STYTCH_PROJECT_ID: PROJECT_ID, STYTCH_SECRET: SECRET }, { inspector: false });
  return {
    ...w,
    async get(path, init = {}) {
      return readResponse(await fetch(w.url + path, { ...init, signal: AbortSignal.timeout(30_000) }));
    },
    output: () => w.lines.map((l) => l.line).join("\n"),
  };
}

/** The path of the `deno` binary from tests/js's npm tools. */
export const denoBin = join(repoRoot, "tests/js/node_modules/.bin/deno");

/**
 * Runs `script` (a file of this directory, with its sibling `specimens.mjs`) under Deno in a
 * project whose node_modules is the installed package's; resolves `{ code, stdout, stderr }`.
 */
export async function runDeno(pkg, script, args, { timeoutMs = 60_000 } = {}) {
  const dir = join(tmpdir(), `stytch-adversarial-deno-${pkg.sha}`);
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, "node_modules"))) {
    const { symlinkSync } = await import("node:fs");
    symlinkSync(join(pkg.dir, "node_modules"), join(dir, "node_modules"));
  }
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "stytch-adversarial-deno", private: true, type: "module" }));
  for (const f of [script, "specimens.mjs"]) copyFileSync(join(here, f), join(dir, f));
  return run(denoBin, ["run", "--allow-net=127.0.0.1", "--no-prompt", script, ...args], {
    cwd: dir,
    env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", DENO_DIR: join(dir, ".deno-dir"), NO_COLOR: "1" },
    timeoutMs,
  });
}

/** Runs a Node script of this directory with the installed package's entry as its first argument. */
export function runNode(pkg, script, args, { timeoutMs = 30_000 } = {}) {
  return run(process.execPath, [join(here, script), join(pkg.dir, "entry.mjs"), ...args], { timeoutMs, env: { ...process.env, NODE_NO_WARNINGS: "1" } });
}

/** A loopback port nothing listens on (found free, then left closed). */
export { freePort } from "../lib/procs.mjs";
