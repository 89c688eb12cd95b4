#!/usr/bin/env node
// The Hono middleware (`stytch-sessions-wasm/hono`) over the packed package in every runtime it
// is tested in, one file each, each runnable alone (tests/js/lib/runtime.mjs):
//   hono-node     tsc --strict on app.ts, then node:test over node.test.mjs
//   hono-deno     deno test over deno.test.ts (app.ts type-checked by Deno)
//   hono-workerd  app.ts as a Worker, bundled by wrangler, run by Miniflare, asked over HTTP
// Each runs the checks of checks.mjs against the emulator: one gate per request, 0 API calls for a
// fresh JWT, 1 and one Set-Cookie for an old one, 403 for a denied permission, 401 without a
// session, options from c.env.
//
// Usage: node tests/js/hono/all.mjs [--only node,deno,workerd] [--keep]  (needs ./scripts/build)
// Prints a table of the runtimes and "N passed, N failed" last; exits non-zero on any failure.
import { orchestrate } from "../lib/orchestrate.mjs";

await orchestrate(["run-node.mjs", "run-deno.mjs", "run-workerd.mjs"].map((f) => new URL(f, import.meta.url).pathname));
