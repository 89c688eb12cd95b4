// Usage: node scripts/lib/bindgen-features.mjs in.wasm out.wasm hide|restore
//
// `hide` marks the `multivalue` and `reference-types` entries of a module's `target_features`
// section as disabled ('+' -> '-') and changes nothing else; `restore` marks them enabled again.
// scripts/build hides them from wasm-bindgen, which reads that section to choose the module's
// ABI, and restores them for wasm-opt. The code inside the module is unchanged (Rust still uses
// both features where it likes); only the calls between JavaScript and wasm change:
//
// - multivalue: exports return their strings as two results (ptr, len). V8 has no generic
//   JS-to-wasm wrapper for multiple results and compiles one with TurboFan per export
//   signature when it compiles the module. Hidden, they return through a return pointer.
// - reference-types: wasm-bindgen adds an externref table and an import that fills it when the
//   instance starts. The package's exports take and return only strings and numbers, so the
//   table would be unused; each import costs a wrapper compiled with the module.
//
// Together, 3.3 -> 1.2 ms of `new WebAssembly.Module` and 1.0 -> 0.3 ms of instantiation in a
// fresh Node process (benches/RESULTS.md).
import { readFileSync, writeFileSync } from "node:fs";
import { sections } from "./wasm-reader.mjs";

const FEATURES = ["multivalue", "reference-types"];
const [input, output, mode] = process.argv.slice(2);
if (mode !== "hide" && mode !== "restore") {
  console.error("usage: bindgen-features.mjs in.wasm out.wasm hide|restore");
  process.exit(2);
}
const [from, to] = mode === "hide" ? [0x2b, 0x2d] : [0x2d, 0x2b]; // '+', '-'
const bytes = readFileSync(input);
const marked = [];
for (const { id, body } of sections(bytes, input)) {
  if (id !== 0 || body.name() !== "target_features") continue;
  for (let count = body.leb(); count > 0; count--) {
    const prefix = body.at;
    body.u8();
    const feature = body.name();
    if (FEATURES.includes(feature) && bytes[prefix] === from) {
      bytes[prefix] = to;
      marked.push(feature);
    }
  }
}
if (marked.length !== FEATURES.length) {
  throw new Error(`${input}: expected ${FEATURES.join(" and ")} ${mode === "hide" ? "enabled" : "hidden"} in its target_features section, found ${marked.join(", ") || "neither"}`);
}
writeFileSync(output, bytes);
