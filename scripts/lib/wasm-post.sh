#!/usr/bin/env bash
# Usage: scripts/lib/wasm-post.sh IN.wasm OUTDIR [NAME]
#
# What follows cargo for a module of ours, the package's (scripts/build) and the bench-only one
# (benches/wasm-parts/build.sh) alike, so that the bench measures a module built as the
# package's is: wasm-bindgen --target web with the module's ABI features hidden from it
# (scripts/lib/bindgen-features.mjs), the glue's string copy patched
# (scripts/lib/glue-strings.mjs), then wasm-opt -O3 -ocimfs 50 (npm binaryen; Debian's wasm-opt
# breaks wasm-bindgen output). Writes OUTDIR/NAME.js and OUTDIR/NAME_bg.wasm (NAME: IN's file
# name by default); prints the module's size before wasm-opt, in bytes.
#
# -ocimfs 50: a function with one caller is inlined only if it is small. Inlining every
# single-caller function (binaryen's default) folded cold branches (fetch planning, the gate,
# every driver stage) into the functions a first verification calls, and V8 compiles a whole
# function on its first call: 69.7 -> 65.8 KB compiled by a cold verifyJwt at 200, first
# verification in a fresh Node process 10.0 -> 7.4 ms in one batch of 25; 200 -> 50 then took
# the code V8 compiles for the workerd entry's warm-up and a first verification from 74.8 to
# 68.0 KB (the warm-up 3.66 -> 3.14 ms in Node) and the module from 76.7 to 74.6 KB gzip,
# with the same speed once warm (benches/RESULTS.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
in=$1
out=$2
name=${3:-$(basename "$in" .wasm)}
tools=tests/js/node_modules/.bin
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/in"
node scripts/lib/bindgen-features.mjs "$in" "$tmp/in/$name.wasm" hide
wasm-bindgen --target web --out-dir "$tmp/wb" "$tmp/in/$name.wasm"
node scripts/lib/bindgen-features.mjs "$tmp/wb/${name}_bg.wasm" "$tmp/wb/${name}_bg.wasm" restore
node scripts/lib/glue-strings.mjs "$tmp/wb/$name.js"
wc -c <"$tmp/wb/${name}_bg.wasm"
mkdir -p "$out"
"$tools/wasm-opt" -O3 -ocimfs 50 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue --enable-simd \
  "$tmp/wb/${name}_bg.wasm" -o "$out/${name}_bg.wasm"
cp "$tmp/wb/$name.js" "$out/"
