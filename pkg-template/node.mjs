// Node.js ES module entry (Bun takes it too): reads the .wasm next to this file and instantiates
// it synchronously (no top-level await, so it also works under require(esm)). scripts/build
// bundles it with its imports into one file (one module to load at a cold start).
import { readFileSync } from "node:fs";
import { initSync } from "./stytch_sessions_wasm.js";

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

export { Client, verifyJwt, authenticateRequest, cacheApiJwksStore, kvJwksStore } from "./api.js";
export { StytchError, RequestError, ClientError } from "./errors.js";
