// Node.js ES module entry (Bun takes it too): reads the .wasm next to this file and instantiates
// it synchronously (no top-level await, so it also works under require(esm)). scripts/build
// bundles it with its imports into one file (one module to load at a cold start).
//
// `node:fs` is taken with process.getBuiltinModule (Node 20.16+, 22.3+, Bun, Deno), not with an
// `import` of a built-in module: the ES module facade of a built-in costs a fresh process's import
// ~0.45 ms (node:module, for createRequire) to ~2.5 ms (node:fs), against ~4 ms for the whole
// import (benches/RESULTS.md). Node releases without it (18, 20.0-20.15; all past their end of
// life) get an error that names the fix: a newer Node, or `require()`, whose entry (node.cjs)
// loads anywhere.
import { initSync } from "./stytch_sessions_wasm.js";

const fs = globalThis.process?.getBuiltinModule?.("node:fs");
if (fs === undefined) {
  throw new Error(
    "stytch-sessions-wasm: this Node.js has no process.getBuiltinModule, which the package's ES module entry needs (Node 20.16+ or 22.3+); upgrade Node, or load the package with require()",
  );
}
const { readFileSync } = fs;

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
