// Finding 11 of issue 22: errors a user can act on.
// - a network failure names the host it could not reach (never the path, query or credentials);
// - a Worker bundled with the browser (or web) entry fails with a message that names the
//   package's `workerd` entry, not `TypeError: Invalid URL string.`
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { run } from "../lib/procs.mjs";
import { OFFLINE_ENV } from "../lib/worker.mjs";
import { freePort, leaksIn, PROJECT_ID, repoRoot, SECRET, settle, setup, world } from "./lib.mjs";

const require = createRequire(join(repoRoot, "tests/js/package.json"));

/**
 * `source` bundled by esbuild with `conditions` (as a bundler not configured for Workers would)
 * and run in workerd: everything the failure printed (startup error, response, workerd's output).
 */
async function inWorkerd(pkg, source, conditions) {
  const dir = mkdtempSync(join(tmpdir(), "stytch-adversarial-entry-"));
  try {
    symlinkSync(join(pkg.dir, "node_modules"), join(dir, "node_modules"));
    writeFileSync(join(dir, "worker.js"), source);
    mkdirSync(join(dir, "out"));
    const esbuild = join(repoRoot, "tests/js/node_modules/.bin/esbuild");
    const b = await run(esbuild, ["worker.js", "--bundle", "--format=esm", "--platform=browser", `--conditions=${conditions}`, "--log-level=error", "--outfile=out/worker.js"], { cwd: dir, timeoutMs: 60_000 });
    assert.equal(b.code, 0, `esbuild: ${b.stderr}`);
    Object.assign(process.env, OFFLINE_ENV);
    const { Miniflare } = require("miniflare");
    const lines = [];
    const mf = new Miniflare({
      scriptPath: join(dir, "out/worker.js"),
      modulesRoot: join(dir, "out"),
      modules: true,
      compatibilityDate: "2026-04-01",
      host: "127.0.0.1",
      port: 0,
      cf: false,
      handleRuntimeStdio: (stdout, stderr) => {
        for (const s of [stdout, stderr]) s.on("data", (d) => lines.push(d.toString()));
      },
    });
    let text = "";
    try {
      const url = await mf.ready;
      const res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
      text += `status ${res.status}\n${await res.text()}\n`;
    } catch (err) {
      text += `startup: ${err?.stack ?? err}\n${err?.cause ?? ""}\n`;
    } finally {
      await mf.dispose().catch(() => {});
    }
    await new Promise((r) => setTimeout(r, 100));
    return text + lines.join("");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The message lines of a failure: those that name stytch-sessions-wasm or an Error, minus stack frames and paths. */
const messageLines = (text) =>
  text
    .split("\n")
    .filter((l) => /Error|stytch-sessions-wasm/.test(l) && !/^\s+at /.test(l))
    .map((l) => l.replace(/\S*\/\S*workerd\S*/g, "<path>"));

describe("finding 11: errors a user can act on", () => {
  let api;
  let pkg;
  let w;
  before(async () => {
    ({ api, pkg } = await setup());
    w = await world();
  });
  after(async () => {
    await w?.close();
  });

  test("finding 11: a network_error names the host, never the path, query or credentials", async () => {
    const port = await freePort(); // nothing listens there
    const base = `http://127.0.0.1:${port}/private-prefix-path`;
    const client = new api.Client({ project_id: PROJECT_ID, secret: SECRET, custom_base_url: base });
    const calls = [
      ["authenticate", () => client.sessions.authenticate({ session_token: "x".repeat(44) })],
      ["get", () => client.sessions.get({ user_id: "user-test-private-query-value" })],
      ["verifyJwt", () => api.verifyJwt("eyJhbGciOiJSUzI1NiIsImtpZCI6ImsiLCJ0eXAiOiJKV1QifQ.e30.c2ln", { project_id: PROJECT_ID, custom_base_url: base })],
    ];
    for (const [call, fn] of calls) {
      const r = await settle(fn);
      assert.equal(r.err?.code, "network_error", `${call}: ${r.err ?? "accepted"}`);
      const m = r.err.message;
      assert.match(m, new RegExp(`127\\.0\\.0\\.1(:${port})?`), `${call}: the message does not name the host: ${m}`);
      for (const part of ["private-prefix-path", "/v1/", "user-test-private-query-value", PROJECT_ID]) assert.ok(!m.includes(part), `${call}: the message holds ${part}: ${m}`);
      assert.deepEqual(leaksIn(m), [], m);
    }
  });

  test("finding 11: a Worker bundled with the browser entry fails with a message that names the workerd entry", { timeout: 60_000 }, async () => {
    const out = await inWorkerd(pkg, 'import { verifyJwt } from "stytch-sessions-wasm";\nexport default { fetch: () => new Response(typeof verifyJwt) };\n', "browser");
    const lines = messageLines(out);
    assert.ok(lines.length > 0, `the Worker did not fail: ${out.slice(0, 2000)}`);
    assert.ok(lines.some((l) => /workerd/.test(l)), `no message names the workerd entry:\n${lines.join("\n")}`);
  });

  test("finding 11: a Worker that calls the web entry's init() fails with a message that names the workerd entry", { timeout: 60_000 }, async () => {
    const source = `import init from "stytch-sessions-wasm/web";
export default {
  async fetch() {
    try {
      await init();
      return new Response("initialised");
    } catch (err) {
      return new Response(\`Error: \${err?.name}: \${err?.message}\`, { status: 500 });
    }
  },
};
`;
    const out = await inWorkerd(pkg, source, "workerd,worker,browser");
    const lines = messageLines(out);
    assert.ok(lines.length > 0, `init() did not fail: ${out.slice(0, 2000)}`);
    assert.ok(lines.some((l) => /workerd/.test(l)), `no message names the workerd entry:\n${lines.join("\n")}`);
  });
});
