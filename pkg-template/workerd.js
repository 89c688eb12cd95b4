// Cloudflare Workers (workerd) entry. Workers refuses to compile WebAssembly from bytes at run
// time, so the .wasm file is imported: wrangler/workerd hand it over as a compiled
// WebAssembly.Module, which is instantiated synchronously. Nothing else runs at load.
import wasmModule from "./stytch_sessions_wasm_bg.wasm";
import { instantiate } from "./instantiate.js";

instantiate(wasmModule);

export { Client, B2BClient, verifyJwt, verifyB2BJwt, authenticateRequest, authenticateB2BRequest, authenticateAccessToken, authenticateB2BAccessToken, protectedResourceMetadata, cacheApiJwksStore, kvJwksStore } from "./api.js";
export { StytchError, RequestError, ClientError } from "./errors.js";
