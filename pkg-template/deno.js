// Deno entry: the .wasm is imported in the source phase (`import source`), so Deno hands over a
// compiled WebAssembly.Module, instantiated synchronously: no top-level await and no file-read
// permission needed.
import source wasmModule from "./stytch_sessions_wasm_bg.wasm";
import { instantiate } from "./instantiate.js";

instantiate(wasmModule);

export { Client, B2BClient, verifyJwt, verifyB2BJwt, authenticateRequest, authenticateB2BRequest, authenticateAccessToken, authenticateB2BAccessToken, protectedResourceMetadata, cacheApiJwksStore, kvJwksStore } from "./api.js";
export { StytchError, RequestError, ClientError } from "./errors.js";
