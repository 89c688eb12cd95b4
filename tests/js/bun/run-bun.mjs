#!/usr/bin/env node
// Runtime bun: esm.mjs and cjs.cjs of this directory under npm's `bun` binary, in a fresh project
// with the tarball installed (the package's "node" import / require entries): a fresh JWT
// verified, locally by authenticateJwt; forged and garbage refused. Runnable alone:
// `node tests/js/bun/run-bun.mjs`.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { control, forge, PROJECT_ID, SECRET } from "../lib/emulator.mjs";
import { appEnv, freshProject, warningLines } from "../lib/next-app.mjs";
import { fixtures, runtime } from "../lib/runtime.mjs";

await runtime("bun", async (t) => {
  const emulator = await t.emulator();
  const emu = control(emulator.url);
  const here = join(t.root, "tests/js/bun");
  const project = await freshProject(t, "bun", Object.fromEntries(fixtures(here).map((f) => [f, readFileSync(join(here, f))])));
  const bun = join(project, "node_modules/bun/bin/bun.exe");
  for (const [style, file, entry] of [["ESM", "esm.mjs", "node.mjs"], ["CJS", "cjs.cjs", "node.cjs"]]) {
    await t.test(`bun ${style}`, async () => {
      const user = await emu.createUser({ email: `bun-${style}-${Date.now()}@example.com` });
      const { session_jwt } = await emu.createSession({ user_id: user.user_id });
      const env = { ...appEnv(emulator.url), STYTCH_EMULATOR_URL: emulator.url, PROJECT_ID, SECRET, JWT: session_jwt, FORGED: forge(session_jwt), USER_ID: user.user_id };
      const r = await t.run(bun, [file], { cwd: project, env, timeoutMs: 60_000 });
      assert.equal(r.code, 0, `bun ${file} exited ${r.code}`);
      const ok = /BUN_OK (\{.*\})/.exec(r.stdout);
      assert.ok(ok, `bun ${file} printed no BUN_OK line`);
      const info = JSON.parse(ok[1]);
      assert.match(info.entry, new RegExp(`/stytch-sessions-wasm/${entry.replace(".", "\\.")}$`), `Bun resolved ${info.entry}, not the ${entry} entry`);
      t.say(`Bun ${info.bun} ${style}: ${entry}, fresh JWT verified, forged and garbage refused`);
      return warningLines(r.stdout + r.stderr);
    });
  }
});
