// The Hono app of app.ts (stripped of its types by run-node.mjs) in Node, asked in-process with
// `app.request(path, init, env)`: the checks of checks.mjs, c.env holding the emulator's address
// and the project's credentials as a Worker's bindings would.
import { test } from "node:test";
import { honoChecks } from "./checks.mjs";
import app, { makeApp } from "./app.mjs";

const emuUrl = process.env.STYTCH_EMULATOR_URL;
const env = { STYTCH_PROJECT_ID: process.env.STYTCH_PROJECT_ID, STYTCH_SECRET: process.env.STYTCH_SECRET, STYTCH_BASE_URL: emuUrl };
const ctx = { emuUrl, ask: (path, init) => app.request(path, init, env), local: { makeApp, env, coldUrl: process.env.STYTCH_EMULATOR_URL_2 } };
const { checks, local } = honoChecks();
for (const [name, fn] of [...checks, ...local]) test(`node: ${name}`, () => fn(ctx));
