/** The command line: flags, the one ready line, clean exit on SIGTERM/SIGINT. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { decodeJwt } from "./helpers.mjs";

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

test("defaults and SIGINT", async () => {
  const { child, line } = await spawnCli([]);
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

test("bad arguments exit with status 2", async () => {
  for (const args of [["--nope"], ["--port", "abc"], ["--port"]]) {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: "ignore" });
    const [code] = await once(child, "exit");
    assert.equal(code, 2, args.join(" "));
  }
});
