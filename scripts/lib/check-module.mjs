// Usage: node scripts/lib/check-module.mjs module.wasm
//
// Fails unless the package's module keeps the shape its cold start depends on
// (benches/RESULTS.md): it imports nothing but wasm-bindgen's own `throw` (V8 compiles a
// wrapper per distinct import signature when it compiles a module), and no exported function
// returns more than one value (V8 compiles a TurboFan wrapper for each such export signature).
import { readFileSync } from "node:fs";

const file = process.argv[2];
const bytes = readFileSync(file);
let at = 8;
const u8 = () => bytes[at++];
function leb() {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = u8();
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) return value;
  }
}
const name = () => {
  const length = leb();
  at += length;
  return bytes.subarray(at - length, at).toString("utf8");
};

const types = []; // [params, results] counts
const imported = []; // function imports: names
const functionTypes = []; // type index of each function, imports first
const problems = [];
while (at < bytes.length) {
  const id = u8();
  const size = leb();
  const end = at + size;
  if (id === 1) {
    for (let n = leb(); n > 0; n--) {
      if (u8() !== 0x60) throw new Error(`${file}: a type that is not a function type`);
      const params = leb();
      at += params; // value types are one byte each in this module
      const results = leb();
      at += results;
      types.push([params, results]);
    }
  } else if (id === 2) {
    for (let n = leb(); n > 0; n--) {
      name();
      const field = name();
      const kind = u8();
      if (kind === 0) {
        functionTypes.push(leb());
        imported.push(field);
      } else if (kind === 1) {
        u8();
        if (u8() & 1) leb();
        leb();
        leb();
      } else if (kind === 2) {
        if (u8() & 1) leb();
        leb();
        leb();
      } else {
        at += 2;
      }
      if (kind !== 0) problems.push(`imports a ${["function", "table", "memory", "global"][kind]} (${field})`);
    }
  } else if (id === 3) {
    for (let n = leb(); n > 0; n--) functionTypes.push(leb());
  } else if (id === 7) {
    for (let n = leb(); n > 0; n--) {
      const field = name();
      const kind = u8();
      const index = leb();
      if (kind === 0 && types[functionTypes[index]][1] > 1) problems.push(`export ${field} returns ${types[functionTypes[index]][1]} values`);
    }
  }
  at = end;
}
const ours = imported.filter((n) => !/^__wbg___wbindgen_throw_[0-9a-f]+$/.test(n));
if (ours.length) problems.push(`imports ${ours.join(", ")}`);
if (problems.length) {
  console.error(`${file}: the module must import nothing but wasm-bindgen's throw and return one value per export (scripts/lib/check-module.mjs):\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`${file}: ${imported.length} import(s), no multi-value export`);
