// Node.js ES module entry (Bun takes it too): reads the .wasm next to this file and instantiates
// it synchronously (no top-level await, so it also works under require(esm)). scripts/build
// bundles it with its imports into one file (one module to load at a cold start).
//
// `node:fs` is taken with process.getBuiltinModule (Node 20.16+, 22.3+, Bun, Deno), not with
// `import ... from "node:fs"`: the ES module facade of node:fs costs a fresh process ~2.5 ms,
// a sixth of our whole import (benches/RESULTS.md). Older Node versions get it through
// createRequire, whose module facade is small.
import { createRequire } from "node:module";
import { initSync } from "./stytch_sessions_wasm.js";

const { readFileSync } = globalThis.process?.getBuiltinModule?.("node:fs") ?? createRequire(import.meta.url)("node:fs");

// Node, Bun, Turbopack and esbuild resolve this URL to the file (the bundlers emit it). webpack,
// which bundles Next.js's Node.js server code and middleware, turns it into a URL-like object
// relative to the site's public path that node:fs cannot read; its import.meta.url is this
// file's own URL, so the .wasm is read from the installed package. See the package README's
// "Next.js middleware" section.
let wasm = new URL("./stytch_sessions_wasm_bg.wasm", import.meta.url);
if (wasm.protocol !== "file:") {
  const here = import.meta.url;
  wasm = new URL("stytch_sessions_wasm_bg.wasm", here);
}
initSync({ module: readFileSync(wasm) });

export { Client, B2BClient, verifyJwt, verifyB2BJwt, authenticateRequest, authenticateB2BRequest, authenticateAccessToken, authenticateB2BAccessToken, protectedResourceMetadata, cacheApiJwksStore, kvJwksStore } from "./api.js";
export { StytchError, RequestError, ClientError } from "./errors.js";
