/**
 * `stytch-sessions-wasm/web`: the same API, with explicit initialisation. Call (and await)
 * {@link init} or {@link initSync} once before using {@link Client} or {@link verifyJwt}.
 */
export * from "./index.js";

/** What {@link init} and {@link initSync} accept: bytes, a compiled module, or (async only) where to fetch it. */
export type InitInput = BufferSource | WebAssembly.Module;

/**
 * Fetch (or take) and instantiate the WebAssembly module. Without an argument it fetches
 * `stytch_sessions_wasm_bg.wasm` next to this file. Idempotent.
 */
export default function init(options?: {
  module_or_path?: InitInput | RequestInfo | URL | Response | Promise<InitInput | Response>;
}): Promise<WebAssembly.Exports>;

/** Instantiate synchronously from bytes or a compiled `WebAssembly.Module`. Idempotent. */
export function initSync(options: { module: InitInput }): WebAssembly.Exports;
