#!/usr/bin/env node
// Tests the packed npm package (target/npm/stytch-sessions-wasm-*.tgz, from ./scripts/build) in
// every runtime. One file per runtime under tests/js/package/, each runnable alone (`node
// tests/js/package/run-deno.mjs`) and doing its own setup and teardown (a fresh project with
// the tarball installed, emulators, servers) through tests/js/lib/runtime.mjs:
//   node-esm, node-cjs  node:test over the package's "node" import / require entries
//   deno                deno test over the "deno" entry, net access to 127.0.0.1 only, no read
//   workerd             worker-example/ bundled by `wrangler deploy --dry-run`, run by Miniflare:
//                       the demo's six gate requests (the sixth to a second, cold instance)
//   workerd-access      access-example/ likewise: an M2M-gated API route, an MCP-style endpoint
//                       gated by a Connected Apps token, the RFC 9728 metadata, the counts
//   workerd-gate        node --test tests/js/gate/ (authenticateRequest, the JWKS stores, clients)
//   chromium, firefox   a page importing the "browser" entry (Playwright; geckodriver)
//   types               tsc against the published .d.ts (ESM and CommonJS resolution), no `any`
//   readme              every JS/TS snippet of both READMEs, type-checked and run as pasted
// Node, Node CJS and Deno run the same checks (package/suite.mjs, package/gate.mjs), asserted in
// node:assert/strict's API (package/assert.mjs), as every other runtime file does.
//
// Usage: node tests/js/run-package-tests.mjs [--only name,name] [--keep]
// Prints a table of the runtimes and "N passed, N failed" last; exits non-zero on any failure.
import { orchestrate } from "./lib/orchestrate.mjs";

const runtimes = ["node-esm", "node-cjs", "deno", "workerd", "workerd-access", "workerd-gate", "chromium", "firefox", "types", "readme"];
await orchestrate(runtimes.map((r) => new URL(`package/run-${r}.mjs`, import.meta.url).pathname));
