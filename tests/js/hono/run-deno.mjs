#!/usr/bin/env node
// Runtime hono-deno: `deno test` (npm's deno binary) over deno.test.ts, which imports app.ts
// (type-checked by Deno against the installed package's hono.d.ts and Hono's types) and runs the
// checks of checks.mjs in-process through `app.request`; net access to 127.0.0.1 only, no read
// permission (the package's "deno" entry, reached through hono.js's self-reference, imports the
// .wasm as a module). Runnable alone: `node tests/js/hono/run-deno.mjs`.
import { join } from "node:path";
import { runtime } from "../lib/runtime.mjs";
import { honoProject } from "./lib.mjs";

await runtime("hono-deno", async (t) => {
  const { dir, env } = await honoProject(t, ["deno.test.ts"]);
  const denoEnv = { ...env, DENO_NO_UPDATE_CHECK: "1", DENO_DIR: join(t.work, "deno-dir"), NO_COLOR: "1" };
  const deno = join(t.root, "tests/js/node_modules/.bin/deno");
  const vars = "STYTCH_PROJECT_ID,STYTCH_SECRET,STYTCH_EMULATOR_URL,STYTCH_EMULATOR_URL_2";
  const r = await t.run(deno, ["test", "--allow-net=127.0.0.1", `--allow-env=${vars}`, "--no-prompt", "deno.test.ts"], { cwd: dir, env: denoEnv, timeoutMs: 180_000 });
  t.tally(r, "deno test");
});
