/** The command line: flags, the default port, --help, the one ready line, clean exit on SIGTERM/SIGINT. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { decodeJwt } from "./helpers.mjs";
import { startEmulator } from "./index.mjs";
import { CONTROL_ROUTES } from "./control.mjs";

const CLI = fileURLToPath(new URL("./cli.mjs", import.meta.url));

/** Spawn the CLI and wait for its first stdout line. */
async function spawnCli(args) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stderr.on("data", (d) => { err += d; });
  const line = await new Promise((resolve, reject) => {
    child.stdout.on("data", (d) => {
      out += d;
      if (out.includes("\n")) resolve(out.split("\n")[0]);
    });
    child.once("exit", (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
  return { child, line, output: () => out, errors: () => err };
}

test("prints exactly one ready line and serves the flags' project", async () => {
  const projectId = "project-test-11111111-1111-4111-8111-111111111111";
  const { child, line, output } = await spawnCli(["--port", "0", "--project-id", projectId, "--secret=secret-test-cli", "--custom-domain", "https://auth.example.com/"]);
  try {
    const m = /^stytch emulator listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(line);
    assert.ok(m, line);
    const url = m[1];
    assert.equal((await fetch(`${url}/v1/sessions/jwks/${projectId}`)).status, 200);
    const user = await (await fetch(`${url}/__emulator/users`, { method: "POST", body: "{}" })).json();
    const s = await (await fetch(`${url}/__emulator/sessions`, { method: "POST", body: JSON.stringify({ user_id: user.user_id }) })).json();
    assert.equal(decodeJwt(s.session_jwt).payload.iss, "https://auth.example.com");
    const auth = `Basic ${Buffer.from(`${projectId}:secret-test-cli`).toString("base64")}`;
    const r = await fetch(`${url}/v1/sessions/authenticate`, { method: "POST", headers: { authorization: auth }, body: JSON.stringify({ session_token: s.session_token }) });
    assert.equal(r.status, 200);
  } finally {
    child.kill("SIGTERM");
  }
  const [code, signal] = await once(child, "exit");
  assert.equal(code, 0);
  assert.equal(signal, null);
  assert.equal(output().split("\n").filter(Boolean).length, 1, "exactly one line on stdout");
});

test("defaults (port 4517, not wrangler's 8787) and SIGINT", async () => {
  const { child, line } = await spawnCli([]);
  assert.equal(line, "stytch emulator listening on http://127.0.0.1:4517");
  const url = line.replace("stytch emulator listening on ", "");
  const r = await fetch(`${url}/v1/sessions/jwks/project-test-00000000-0000-4000-8000-000000000000`);
  assert.equal(r.status, 200);
  const auth = `Basic ${Buffer.from("project-test-00000000-0000-4000-8000-000000000000:secret-test-emulator").toString("base64")}`;
  const l = await fetch(`${url}/v1/sessions?user_id=user-test-x`, { headers: { authorization: auth } });
  assert.equal(l.status, 404, "authenticated with the default secret");
  child.kill("SIGINT");
  const [code] = await once(child, "exit");
  assert.equal(code, 0);
});

/** Run the CLI to its exit; `{code, stdout, stderr}`. */
async function runCli(args) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => { stdout += d; });
  child.stderr.on("data", (d) => { stderr += d; });
  const [code] = await once(child, "exit");
  return { code, stdout, stderr };
}

test("bad arguments print the usage on stderr and exit with status 2", async () => {
  for (const args of [["--nope"], ["--port", "abc"], ["--port"], ["--port", "70000"], ["extra"], ["--help=yes"]]) {
    const { code, stdout, stderr } = await runCli(args);
    assert.equal(code, 2, args.join(" "));
    assert.equal(stdout, "", args.join(" "));
    assert.match(stderr, /^usage: stytch-sessions-emulator \[--port N\]/m, args.join(" "));
  }
  const { stderr } = await runCli(["--secret"]);
  assert.match(stderr, /missing value for --secret/);
});

test("--help lists every flag and every API and control route, and exits 0", async () => {
  const emu = await startEmulator();
  const apiRoutes = Object.keys(await (await fetch(`${emu.url}/__emulator/requests`)).json());
  await emu.close();
  for (const args of [["--help"], ["-h"], ["--port", "1", "--help"]]) {
    const { code, stdout, stderr } = await runCli(args);
    assert.equal(code, 0, args.join(" "));
    assert.equal(stderr, "");
    assert.match(stdout, /^usage: stytch-sessions-emulator/);
    for (const flag of ["--port N", "--project-id ID", "--secret S", "--custom-domain URL", "--control-cors", "--help"]) {
      assert.ok(stdout.includes(flag), flag);
    }
    assert.match(stdout, /default 4517; 0 picks a free port/);
    const listed = stdout.split("\n").map((l) => /^ {2}(GET|POST|PUT|DELETE) +(\S+)/.exec(l)).filter(Boolean).map((m) => `${m[1]} ${m[2]}`);
    assert.deepEqual(listed.sort(), [...apiRoutes, ...CONTROL_ROUTES.map((r) => r.key)].sort(), "every route, once");
    assert.ok(apiRoutes.includes("POST /v1/public/:project_id/oauth2/token"));
    assert.ok(stdout.includes("USAGE.md"));
  }
});

test("a port in use: a clear message and status 1", async () => {
  const blocker = createServer();
  await new Promise((resolve) => blocker.listen(0, "127.0.0.1", resolve));
  try {
    const { code, stdout, stderr } = await runCli(["--port", String(blocker.address().port)]);
    assert.equal(code, 1);
    assert.equal(stdout, "");
    assert.match(stderr, /^stytch emulator: could not start: port \d+ is in use; pass --port N \(0 picks a free port\)$/m);
  } finally {
    blocker.close();
  }
});
