// Fresh app projects for the Next.js and Bun runtime files (tests/js/next/run-next15.mjs,
// run-next16.mjs, tests/js/bun/run-bun.mjs): next, react, typescript and bun are not dependencies
// of tests/js; they are npm-installed once per version set into target/js-apps/<app>-<hash>/
// (npm's own cache keeps the downloads), and each fresh project gets a hard-linked copy of that
// node_modules before `npm install <tarball>`. And the Next.js cases: `next build` + `next start`
// and `next dev`, each asked the gate requests (node:assert/strict), their logs checked.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { control, forge, PROJECT_ID } from "./emulator.mjs";
import { fixtures } from "./runtime.mjs";
import { freePort, run, start, waitForLine } from "./procs.mjs";

/** Exact versions of what each app installs besides the package (Next 15 wants TypeScript 5). */
const NEXT_TYPES = { typescript: "5.9.3", "@types/react": "19.3.3", "@types/react-dom": "19.3.0", "@types/node": "20.19.43" };
export const APPS = {
  next15: { next: "15.5.29", react: "19.3.1", "react-dom": "19.3.1", ...NEXT_TYPES },
  next16: { next: "16.4.6", react: "19.3.1", "react-dom": "19.3.1", ...NEXT_TYPES },
  bun: { bun: "1.4.5" },
};

/** Log lines that mean the wasm was compiled from bytes or fetched (the Edge runtime forbids it). */
const FORBIDDEN = /Dynamic WASM code generation|instantiateStreaming|Falling back to `?WebAssembly\.instantiate/i;
/** Log lines quoted in the closing table. */
const WARNING = /\bwarn(ing)?\b|⚠|deprecat/i;

export const NEXT_ENV = { NEXT_TELEMETRY_DISABLED: "1", NO_UPDATE_NOTIFIER: "1", NODE_NO_WARNINGS: "1" };

/** The first ```ts block of the package README's "## Next.js middleware" section, as pasted. */
export function readmeExample(root) {
  const readme = readFileSync(join(root, "pkg-template/README.md"), "utf8");
  const section = /^## Next\.js middleware\n([\s\S]*?)(?=^## )/m.exec(readme);
  assert.ok(section, 'pkg-template/README.md has no "## Next.js middleware" section');
  const block = /^```ts\n([\s\S]*?)^```$/m.exec(section[1]);
  assert.ok(block, 'the README\'s "Next.js middleware" section has no ```ts block');
  return block[1];
}

/** The files of tests/js/next/ and the README's example as `gateFile` (middleware.ts or proxy.ts). */
export function nextFiles(root, gateFile) {
  const dir = join(root, "tests/js/next");
  return { [gateFile]: readmeExample(root), ...Object.fromEntries(fixtures(dir).map((rel) => [rel, readFileSync(join(dir, rel))])) };
}

/** node_modules with APPS[app], under target/js-apps/<app>-<hash of the versions and Node's major>/. */
async function cachedModules(root, app, say) {
  const deps = APPS[app];
  const key = createHash("sha256").update(JSON.stringify({ deps, node: process.versions.node.split(".")[0] })).digest("hex").slice(0, 12);
  const base = join(root, "target/js-apps");
  const dir = join(base, `${app}-${key}`);
  if (!existsSync(join(dir, ".ready"))) {
    mkdirSync(base, { recursive: true });
    const tmp = mkdtempSync(join(base, `${app}-${key}-tmp-`));
    writeFileSync(join(tmp, "package.json"), JSON.stringify({ name: `stytch-${app}-deps`, private: true, dependencies: deps }, null, 2));
    say(`npm install ${Object.entries(deps).map(([n, v]) => `${n}@${v}`).join(" ")} (once, into target/js-apps/${app}-${key})`);
    const r = await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", "--prefer-offline"], { cwd: tmp, timeoutMs: 600_000 });
    if (r.code !== 0) throw new Error(`npm install for ${app} failed:\n${r.stderr}`);
    writeFileSync(join(tmp, ".ready"), new Date().toISOString());
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  }
  // Older version sets go, and installs left half-done (by a killed run) an hour ago.
  for (const f of readdirSync(base)) {
    if (!f.startsWith(`${app}-`) || f === `${app}-${key}`) continue;
    if (!f.includes("-tmp-") || Date.now() - statSync(join(base, f)).mtimeMs > 3_600_000) rmSync(join(base, f), { recursive: true, force: true });
  }
  return dir;
}

/** A fresh project under the runtime's work dir: the cached node_modules, `files`, then the tarball. */
export async function freshProject(t, app, files) {
  const t0 = performance.now();
  const cache = await cachedModules(t.root, app, t.say);
  const project = join(t.work, app);
  mkdirSync(project);
  // Hard links: instant, and npm replaces files rather than writing into them. Another file
  // system than target/'s gets a plain copy.
  const link = await run("cp", ["-al", join(cache, "node_modules"), join(project, "node_modules")], { timeoutMs: 120_000 });
  if (link.code !== 0) cpSync(join(cache, "node_modules"), join(project, "node_modules"), { recursive: true });
  for (const f of ["package.json", "package-lock.json"]) cpSync(join(cache, f), join(project, f));
  for (const [rel, body] of Object.entries(files)) {
    mkdirSync(join(project, rel, ".."), { recursive: true });
    writeFileSync(join(project, rel), body);
  }
  const r = await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", "--prefer-offline", t.tarball(app)], { cwd: project, timeoutMs: 300_000 });
  if (r.code !== 0) throw new Error(`npm install of the tarball into ${app} failed:\n${r.stderr}`);
  t.say(`${app}: fresh project ${project} ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return project;
}

/** The environment of an app: the emulator's address and the project's id, as a user sets them. */
export const appEnv = (emulatorUrl) => ({ ...process.env, ...NEXT_ENV, STYTCH_PROJECT_ID: PROJECT_ID, STYTCH_BASE_URL: emulatorUrl });

/** `next <args>` as a server on a free port; resolves once it is ready, with its log. */
async function nextServer(project, args, env) {
  const port = await freePort();
  const child = start(process.execPath, [join(project, "node_modules/next/dist/bin/next"), ...args, "-p", String(port), "-H", "127.0.0.1"], { cwd: project, env });
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  await waitForLine(child, /Ready in/, 120_000).catch((err) => {
    throw new Error(`next ${args.join(" ")} did not start: ${err.message}\n${log}`);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    log: () => log,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", resolve);
        process.kill(-child.pid, "SIGTERM");
      }),
  };
}

/** `next build` + `next start`: the gate requests, the logs; returns the warning lines. */
export async function buildAndStart(t, project, flags, emulatorUrl, { edge }) {
  const env = appEnv(emulatorUrl);
  rmSync(join(project, ".next"), { recursive: true, force: true });
  const build = await t.run(process.execPath, [join(project, "node_modules/next/dist/bin/next"), "build", ...flags], { cwd: project, env, timeoutMs: 600_000 });
  const buildLog = build.stdout + build.stderr;
  const cmd = ["next build", ...flags].join(" ");
  if (build.code !== 0) throw withWarnings(new Error(`${cmd} failed (exit ${build.code})`), buildLog);
  t.say(`${cmd}: ${(build.ms / 1000).toFixed(1)} s`);
  if (edge) checkEdgeManifest(project);
  const server = await nextServer(project, ["start"], env);
  try {
    await gate(server.url, emulatorUrl);
  } catch (err) {
    err.message += `\n--- next start log:\n${server.log()}`;
    throw withWarnings(err, buildLog + server.log());
  } finally {
    await server.stop();
  }
  return checkLogs(buildLog + server.log());
}

/** `next dev`: the gate requests, the log; returns the warning lines. */
export async function dev(t, project, flags, emulatorUrl) {
  rmSync(join(project, ".next"), { recursive: true, force: true });
  const server = await nextServer(project, ["dev", ...flags], appEnv(emulatorUrl));
  try {
    await gate(server.url, emulatorUrl);
  } catch (err) {
    err.message += `\n--- next dev log:\n${server.log()}`;
    throw withWarnings(err, server.log());
  } finally {
    await server.stop();
  }
  return checkLogs(server.log());
}

/** The middleware of a production build is an Edge function that binds the .wasm as a module. */
function checkEdgeManifest(project) {
  const manifest = JSON.parse(readFileSync(join(project, ".next/server/middleware-manifest.json"), "utf8"));
  const mw = Object.values(manifest.middleware ?? {});
  assert.equal(mw.length, 1, `middleware-manifest.json lists ${mw.length} middleware, not 1`);
  assert.ok((mw[0].wasm ?? []).length, `the middleware binds no wasm module (middleware-manifest.json: ${JSON.stringify(mw[0])})`);
}

/** Fails on a forbidden log line; returns the warning lines. */
function checkLogs(log) {
  const bad = log.split("\n").filter((l) => FORBIDDEN.test(l));
  if (bad.length) throw withWarnings(new assert.AssertionError({ message: `forbidden log lines:\n${bad.join("\n")}`, actual: bad, expected: [], operator: "deepStrictEqual" }), log);
  return warningLines(log);
}

export function warningLines(log) {
  return [...new Set(log.split("\n").map((l) => l.replace(/\x1b\[[0-9;]*m/g, "").trim()).filter((l) => WARNING.test(l)))];
}

function withWarnings(err, log) {
  err.note = warningLines(log);
  return err;
}

/** The gate requests against a running app, each asserted. */
async function gate(url, emulatorUrl) {
  const emu = control(emulatorUrl);
  const user = await emu.createUser({ email: `next-${Date.now()}@example.com` });
  const { session_jwt } = await emu.createSession({ user_id: user.user_id });
  // The first request compiles the middleware in `next dev`: two cores may need a while.
  const ask = async (what, path, headers, status, body) => {
    const res = await fetch(url + path, { headers, redirect: "manual", signal: AbortSignal.timeout(240_000) });
    const got = { status: res.status, body: await res.text() };
    assert.deepEqual(got, { status, body }, `${what}: expected ${status} ${body}, got ${got.status} ${got.body.slice(0, 2000)}`);
    console.log(`    ${what.padEnd(46)} → ${got.status} ${got.body}`);
    return got;
  };
  const me = JSON.stringify({ user_id: user.user_id });
  await ask("no token", "/api/whoami", {}, 401, "no_session");
  await ask("fresh JWT (Bearer)", "/api/whoami", { Authorization: `Bearer ${session_jwt}` }, 200, me);
  await ask("fresh JWT (cookie), spoofed x-stytch-user-id", "/api/whoami", { Cookie: `stytch_session_jwt=${session_jwt}`, "x-stytch-user-id": "user-test-spoofed" }, 200, me);
  await ask("garbage", "/api/whoami", { Authorization: "Bearer garbage" }, 401, "jwt_invalid");
  await ask("forged signature", "/api/whoami", { Authorization: `Bearer ${forge(session_jwt)}` }, 401, "jwt_signature_invalid");
  await ask("Node.js route, fresh JWT (Bearer)", "/node/whoami", { Authorization: `Bearer ${session_jwt}` }, 200, JSON.stringify({ user_id: user.user_id, runtime: "nodejs" }));
  await ask("Node.js route, forged signature", "/node/whoami", { Authorization: `Bearer ${forge(session_jwt)}` }, 401, "jwt_signature_invalid");
  const res = await fetch(url + "/wasm-module", { signal: AbortSignal.timeout(240_000) });
  const text = await res.text();
  const what = "/wasm-module (stytch-sessions-wasm/wasm?module in an Edge route)";
  assert.equal(res.status, 200, `${what}: ${res.status} ${text.slice(0, 2000)}`);
  const info = JSON.parse(text);
  assert.equal(info.tag, "[object WebAssembly.Module]", `${what}: ${text.slice(0, 2000)}`);
  assert.ok(info.exports > 0, `${what}: ${text.slice(0, 2000)}`);
  console.log(`    ${"Edge route: stytch-sessions-wasm/wasm?module".padEnd(46)} → ${res.status} ${text}`);
}
