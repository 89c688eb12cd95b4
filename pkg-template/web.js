// Explicit initialisation, for hosts without top-level await or that load the .wasm themselves:
//   import init, { Client } from "stytch-sessions-wasm/web";
//   await init();                               // fetches ./stytch_sessions_wasm_bg.wasm
//   await init({ module_or_path: someUrlOrResponseOrModule });
//   initSync({ module: bytesOrCompiledModule });
export { default, initSync } from "./stytch_sessions_wasm.js";
export { Client, verifyJwt, authenticateRequest, cacheApiJwksStore, kvJwksStore } from "./api.js";
export { StytchError, RequestError, ClientError } from "./errors.js";
