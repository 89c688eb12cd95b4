// Instantiates the WebAssembly glue from a compiled WebAssembly.Module, synchronously, whatever
// realm compiled the module. The hosts that hand the entries a compiled module (workerd, Deno,
// Next.js's Edge runtime) may compile it in another realm than the one the glue runs in: Next.js
// compiles the middleware's `.wasm` in its Node.js server and runs the middleware in a separate
// sandbox realm. Such a module is a real WebAssembly.Module, but not `instanceof` this realm's
// WebAssembly.Module, and the glue's initSync would then try to compile it again as bytes and
// throw ("Argument 0 must be a buffer source"). The README's "Next.js middleware" section
// describes the entry that needs it.
import { initSync } from "./stytch_sessions_wasm.js";

export function instantiate(module) {
  // The engine's own brand check, which holds across realms: throws a TypeError unless `module`
  // is a compiled WebAssembly.Module (bytes would be compiled here, which these hosts forbid).
  WebAssembly.Module.exports(module);
  // Give a module from another realm this realm's prototype, so that the glue takes it as the
  // compiled module it is. Instantiating it is then the engine's business, which is realm-blind.
  if (Object.getPrototypeOf(module) !== WebAssembly.Module.prototype) {
    Object.setPrototypeOf(module, WebAssembly.Module.prototype);
  }
  initSync({ module });
}
