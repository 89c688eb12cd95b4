// Usage: node scripts/lib/glue-strings.mjs glue.js
//
// Makes wasm-bindgen's glue copy a string into the module with one `TextEncoder.encodeInto`
// instead of its JavaScript loop over the string's ASCII prefix. The loop writes one byte per
// iteration: for a 1.5 KB session JWT it took ~2.4 µs in Node and ~2 µs in workerd, where
// `encodeInto` takes ~0.1 µs (benches/RESULTS.md), and every verification passes its token.
// What the function does is unchanged: the string's UTF-8 in memory from `malloc`, grown with
// `realloc` when the string is not ASCII. Fails unless the glue holds exactly the loop of the
// wasm-bindgen version Cargo.lock pins, so that a new version is looked at, never patched blind.
import { readFileSync, writeFileSync } from "node:fs";

const file = process.argv[2];
const loop = `    let len = arg.length;
    let ptr = malloc(len, 1) >>> 0;

    const mem = getUint8ArrayMemory0();

    let offset = 0;

    for (; offset < len; offset++) {
        const code = arg.charCodeAt(offset);
        if (code > 0x7F) break;
        mem[ptr + offset] = code;
    }
    if (offset !== len) {
        if (offset !== 0) {
            arg = arg.slice(offset);
        }
        ptr = realloc(ptr, len, len = offset + arg.length * 3, 1) >>> 0;
        const view = getUint8ArrayMemory0().subarray(ptr + offset, ptr + len);
        const ret = cachedTextEncoder.encodeInto(arg, view);

        offset += ret.written;
        ptr = realloc(ptr, len, offset, 1) >>> 0;
    }
`;
// encodeInto stops before a character that does not fit (never inside one): \`read\` is how
// many UTF-16 units it took, and the rest needs at most 3 bytes each.
const encodeInto = `    let len = arg.length;
    let ptr = malloc(len, 1) >>> 0;
    let ret = cachedTextEncoder.encodeInto(arg, getUint8ArrayMemory0().subarray(ptr, ptr + len));
    let offset = ret.written;
    if (ret.read !== arg.length) {
        arg = arg.slice(ret.read);
        ptr = realloc(ptr, len, len = offset + arg.length * 3, 1) >>> 0;
        ret = cachedTextEncoder.encodeInto(arg, getUint8ArrayMemory0().subarray(ptr + offset, ptr + len));
        offset += ret.written;
        ptr = realloc(ptr, len, offset, 1) >>> 0;
    }
`;
const glue = readFileSync(file, "utf8");
const at = glue.indexOf(loop);
if (at < 0 || glue.indexOf(loop, at + 1) >= 0) {
  console.error(`${file}: passStringToWasm0's ASCII loop is not there exactly once (a new wasm-bindgen?): look at it, then update scripts/lib/glue-strings.mjs`);
  process.exit(1);
}
// The fallback wasm-bindgen installs where TextEncoder has no encodeInto writes the whole string
// whatever the view's size; every runtime the package supports has encodeInto.
writeFileSync(file, glue.slice(0, at) + encodeInto + glue.slice(at + loop.length));
