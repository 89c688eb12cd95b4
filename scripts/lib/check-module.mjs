// Usage: node scripts/lib/check-module.mjs module.wasm
//
// Fails unless the package's module keeps the shape its cold start depends on
// (benches/RESULTS.md): it imports nothing but wasm-bindgen's own `throw` (V8 compiles a
// wrapper per distinct import signature when it compiles a module), and no exported function
// returns more than one value (V8 compiles a TurboFan wrapper for each such export signature).
import { readFileSync } from "node:fs";
import { sections } from "./wasm-reader.mjs";

const file = process.argv[2];
const types = []; // [params, results] counts
const imported = []; // function imports: names
const functionTypes = []; // type index of each function, imports first
const problems = [];
for (const { id, body: r } of sections(readFileSync(file), file)) {
  if (id === 1) {
    for (let n = r.leb(); n > 0; n--) {
      if (r.u8() !== 0x60) throw new Error(`${file}: a type that is not a function type`);
      const params = r.leb();
      r.at += params; // value types are one byte each in this module
      const results = r.leb();
      r.at += results;
      types.push([params, results]);
    }
  } else if (id === 2) {
    for (let n = r.leb(); n > 0; n--) {
      r.name();
      const field = r.name();
      const kind = r.u8();
      if (kind !== 0) {
        problems.push(`imports a ${["function", "table", "memory", "global"][kind]} (${field})`);
        break; // the rest of the section is not needed to say so
      }
      functionTypes.push(r.leb());
      imported.push(field);
    }
  } else if (id === 3) {
    for (let n = r.leb(); n > 0; n--) functionTypes.push(r.leb());
  } else if (id === 7) {
    for (let n = r.leb(); n > 0; n--) {
      const field = r.name();
      const kind = r.u8();
      const index = r.leb();
      if (kind === 0 && types[functionTypes[index]][1] > 1) problems.push(`export ${field} returns ${types[functionTypes[index]][1]} values`);
    }
  }
}
const ours = imported.filter((n) => !/^__wbg___wbindgen_throw_[0-9a-f]+$/.test(n));
if (ours.length) problems.push(`imports ${ours.join(", ")}`);
if (problems.length) {
  console.error(`${file}: the module must import nothing but wasm-bindgen's throw and return one value per export (scripts/lib/check-module.mjs):\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`${file}: ${imported.length} import(s), no multi-value export`);
