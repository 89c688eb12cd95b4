// The Hono app of app.ts under `deno test` (type-checked against the installed package's
// hono.d.ts and Hono's own types), asked in-process with `app.request(path, init, env)`: the
// checks of checks.mjs, c.env holding the emulator's address and the project's credentials.
import { honoChecks } from "./checks.mjs";
import app, { makeApp } from "./app.ts";

const emuUrl = Deno.env.get("STYTCH_EMULATOR_URL")!;
const env = { STYTCH_PROJECT_ID: Deno.env.get("STYTCH_PROJECT_ID")!, STYTCH_SECRET: Deno.env.get("STYTCH_SECRET")!, STYTCH_BASE_URL: emuUrl };
const ctx = { emuUrl, ask: (path: string, init?: RequestInit) => app.request(path, init, env), local: { makeApp, env, coldUrl: Deno.env.get("STYTCH_EMULATOR_URL_2")! } };
const { checks, local } = honoChecks();
for (const [name, fn] of [...checks, ...local]) Deno.test(`deno: ${name}`, () => fn(ctx));
