#!/usr/bin/env node
// Tests the packed npm package (target/npm/stytch-sessions-wasm-*.tgz, from ./scripts/build) where
// most Stytch users gate requests: Next.js middleware and Bun. One file per runtime, each runnable
// alone and doing its own setup and teardown (a fresh app project with the tarball npm-installed,
// an emulator, the servers) through tests/js/lib/runtime.mjs and tests/js/lib/next-app.mjs:
//   next15  next/run-next15.mjs: the README's "Next.js middleware" example as middleware.ts (Edge),
//           build + start and dev, each with webpack and Turbopack
//   next16  next/run-next16.mjs: the same example as proxy.ts (Node), build + start and dev with
//           Turbopack, build --webpack + start
//   bun     bun/run-bun.mjs: bun/esm.mjs and bun/cjs.cjs under npm's `bun` binary
// Every Next mode must answer 200 for a fresh JWT (cookie or Bearer), 401 for no token, garbage
// and a forged signature; verify in a Node.js route handler; serve an Edge route importing
// `stytch-sessions-wasm/wasm?module`; and log no "Dynamic WASM code generation" and no
// instantiateStreaming fallback. Other warning lines are printed in each runtime's closing table.
//
// Usage: node tests/js/run-next-tests.mjs [--only next15,next16,bun] [--keep]
// Prints a table of the runtimes and "N passed, N failed" last; exits non-zero on any failure.
import { orchestrate } from "./lib/orchestrate.mjs";

await orchestrate(["next/run-next15.mjs", "next/run-next16.mjs", "bun/run-bun.mjs"].map((f) => new URL(f, import.meta.url).pathname), { timeoutMs: 900_000 });
