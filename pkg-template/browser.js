// Browser (and generic ES module) entry: fetches and instantiates the .wasm next to this file
// with top-level await, so the API is ready as soon as the import resolves. Bundlers (Vite,
// webpack 5, esbuild, Rollup) recognise `new URL("./x.wasm", import.meta.url)` and emit the file.
// Without top-level await, use the "stytch-sessions-wasm/web" entry and call `await init()`.
// In Cloudflare Workers (a bundle built without the "workerd" condition) it fails at load with an
// error that names the "workerd" entry, instead of the glue's "Invalid URL".
import init from "./stytch_sessions_wasm.js";
import { inCloudflareWorkers, locatable, misplacedEntry } from "./api.js";

if (inCloudflareWorkers() || !locatable(import.meta.url)) throw misplacedEntry('"browser"');
await init({ module_or_path: new URL("./stytch_sessions_wasm_bg.wasm", import.meta.url) });

export { Client, B2BClient, verifyJwt, verifyB2BJwt, authenticateRequest, authenticateB2BRequest, authenticateAccessToken, authenticateB2BAccessToken, protectedResourceMetadata, cacheApiJwksStore, kvJwksStore } from "./api.js";
export { StytchError, RequestError, ClientError } from "./errors.js";
