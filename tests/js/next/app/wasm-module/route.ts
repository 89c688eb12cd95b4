// An Edge route handler that imports the package's `./wasm` export with `?module`, as the
// package README says it can be: the bundler must hand over a compiled WebAssembly.Module.
import wasm from "stytch-sessions-wasm/wasm?module";

export const runtime = "edge";
export const dynamic = "force-dynamic";

export function GET() {
  return Response.json({
    tag: Object.prototype.toString.call(wasm),
    exports: WebAssembly.Module.exports(wasm).length,
  });
}
