// Explicit initialisation, for hosts without top-level await or that load the .wasm themselves:
//   import init, { Client } from "stytch-sessions-wasm/web";
//   await init();                               // fetches ./stytch_sessions_wasm_bg.wasm
//   await init({ module_or_path: someUrlOrResponseOrModule });
//   initSync({ module: bytesOrCompiledModule });
// In Cloudflare Workers only a compiled WebAssembly.Module will do (Workers compile no
// WebAssembly from bytes): anything else fails with an error that names the "workerd" entry.
import glueInit from "./stytch_sessions_wasm.js";
import { inCloudflareWorkers, locatable, misplacedEntry } from "./api.js";

export { initSync } from "./stytch_sessions_wasm.js";

/** The glue's `init`, refusing with a useful message what cannot work where it runs. */
export default function init(options) {
  const given = options !== undefined && options !== null && Object.getPrototypeOf(options) === Object.prototype ? options.module_or_path : options;
  const compiled = given instanceof WebAssembly.Module;
  if ((inCloudflareWorkers() && !compiled) || (given === undefined && !locatable(import.meta.url))) {
    return Promise.reject(misplacedEntry('"stytch-sessions-wasm/web"'));
  }
  return glueInit(options);
}

export { Client, B2BClient, verifyJwt, verifyB2BJwt, authenticateRequest, authenticateB2BRequest, authenticateAccessToken, authenticateB2BAccessToken, protectedResourceMetadata, cacheApiJwksStore, kvJwksStore } from "./api.js";
export { StytchError, RequestError, ClientError } from "./errors.js";
