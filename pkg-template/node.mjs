// Node.js ES module entry: reads the .wasm next to this file and instantiates it synchronously
// (no top-level await, so it also works under require(esm)).
import { readFileSync } from "node:fs";
import { initSync } from "./stytch_sessions_wasm.js";

initSync({ module: readFileSync(new URL("./stytch_sessions_wasm_bg.wasm", import.meta.url)) });

export { Client, verifyJwt } from "./stytch_sessions_wasm.js";
export { StytchError, RequestError, ClientError } from "./errors.js";
