// Edge runtime entry (the "edge-light" condition: Next.js middleware and Edge route handlers
// under webpack and Turbopack, Vercel Edge Functions). The Edge runtime refuses to compile
// WebAssembly from bytes, so the .wasm is imported with the `?module` suffix and the bundler
// hands over a compiled WebAssembly.Module, instantiated synchronously at load: no fetch by URL,
// no top-level await. See the README's "Next.js middleware" section.
import wasmModule from "./stytch_sessions_wasm_bg.wasm?module";
import { instantiate } from "./instantiate.js";

instantiate(wasmModule);

export { Client, B2BClient, verifyJwt, verifyB2BJwt, authenticateRequest, authenticateB2BRequest, authenticateAccessToken, authenticateB2BAccessToken, protectedResourceMetadata, cacheApiJwksStore, kvJwksStore } from "./api.js";
export { StytchError, RequestError, ClientError } from "./errors.js";
