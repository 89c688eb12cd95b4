// Usage: node scripts/lib/wasm-sizes.mjs module.wasm [top N | agg DEPTH]
//
// Where a module's code bytes go, from its name section (build it with names: wasm-bindgen
// --keep-debug, wasm-opt -g): `top` lists the N biggest functions, `agg` sums them by the first
// DEPTH parts of their (demangled) Rust paths. Also prints each section's size. For looking at
// the module's size (benches/RESULTS.md, "Size"); nothing in the build or the tests runs it.
import { readFileSync } from "node:fs";
const buf = readFileSync(process.argv[2]);
let p = 8;
const u = () => { let r = 0, s = 0, b; do { b = buf[p++]; r |= (b & 0x7f) << s; s += 7; } while (b & 0x80); return r >>> 0; };
let imports = 0, codeSizes = [], names = new Map(); const secs = {};
while (p < buf.length) {
  const id = buf[p++]; const len = u(); const start = p; const end = p + len;
  secs[id] = (secs[id] || 0) + len;
  if (id === 2) { const n = u(); for (let i = 0; i < n; i++) { let l = u(); p += l; l = u(); p += l; const k = buf[p++]; if (k === 0) { u(); imports++; } else if (k === 1) { p++; const f = buf[p++]; u(); if (f & 1) u(); } else if (k === 2) { const f = buf[p++]; u(); if (f & 1) u(); } else { p += 2; } } }
  if (id === 10) { const n = u(); for (let i = 0; i < n; i++) { const l = u(); codeSizes.push(l); p += l; } }
  if (id === 0) { const nl = u(); const nm = buf.toString("utf8", p, p + nl); p += nl; if (nm === "name") { while (p < end) { const sid = buf[p++]; const sl = u(); const se = p + sl; if (sid === 1) { const n = u(); for (let i = 0; i < n; i++) { const idx = u(); const l = u(); names.set(idx, buf.toString("utf8", p, p + l)); p += l; } } p = se; } } }
  p = end;
}
function demangle(s) {
  if (!s.startsWith("_ZN")) return s;
  let i = 3, parts = [];
  while (i < s.length && s[i] !== "E") { let m = /^\d+/.exec(s.slice(i)); if (!m) break; i += m[0].length; const n = +m[0]; parts.push(s.slice(i, i + n)); i += n; }
  return parts.filter(x => !/^h[0-9a-f]{16}$/.test(x)).join("::").replace(/\$LT\$/g, "<").replace(/\$GT\$/g, ">").replace(/\$u20\$/g, " ").replace(/\$RF\$/g, "&").replace(/\.\./g, "::").replace(/\$C\$/g, ",").replace(/\$u7b\$/g,"{").replace(/\$u7d\$/g,"}");
}
const rows = codeSizes.map((sz, i) => [sz, demangle(names.get(i + imports) || `f${i + imports}`)]);
rows.sort((a, b) => b[0] - a[0]);
const total = rows.reduce((a, r) => a + r[0], 0);
console.log("sections", secs, "code total", total, "functions", rows.length);
const mode = process.argv[3] || "top";
if (mode === "top") for (const r of rows.slice(0, +process.argv[4] || 60)) console.log(r[0], r[1]);
else { const agg = new Map(); const depth = +process.argv[4] || 2; for (const [sz, n] of rows) { let key = n.replace(/^<+/, "").split(" as ")[0].split("::").slice(0, depth).join("::"); agg.set(key, (agg.get(key) || 0) + sz); } [...agg].sort((a, b) => b[1] - a[1]).slice(0, 70).forEach(r => console.log(r[1], r[0])); }
