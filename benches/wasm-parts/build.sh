#!/usr/bin/env bash
# Builds the bench-only parts module (benches/wasm-parts, never shipped) the way scripts/build
# builds the package's: cargo (release, simd128), wasm-bindgen --target web with the same hidden
# features, wasm-opt -O3 -ocimfs 50. Output: target/bench-parts/stytch_bench_parts{.js,_bg.wasm}.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
target=${CARGO_TARGET_DIR:-$root/target}
out=$root/target/bench-parts
tools=tests/js/node_modules/.bin
tmp=$(mktemp -d)
lock=benches/wasm-parts/Cargo.lock
# Its own workspace, built with the package's lock file (so with the same versions, offline); the
# copy is removed afterwards, so the crate's directory keeps no lock of its own.
trap 'rm -rf "$tmp" "$root/$lock"' EXIT
cp Cargo.lock "$lock"
(cd benches/wasm-parts && CARGO_TARGET_DIR="$target/bench-parts" cargo build --release --offline --target wasm32-unknown-unknown)
node scripts/lib/bindgen-features.mjs "$target/bench-parts/wasm32-unknown-unknown/release/stytch_bench_parts.wasm" "$tmp/stytch_bench_parts.wasm" hide
wasm-bindgen --target web --out-dir "$tmp/wb" "$tmp/stytch_bench_parts.wasm"
node scripts/lib/bindgen-features.mjs "$tmp/wb/stytch_bench_parts_bg.wasm" "$tmp/wb/stytch_bench_parts_bg.wasm" restore
node scripts/lib/glue-strings.mjs "$tmp/wb/stytch_bench_parts.js"
mkdir -p "$out"
"$tools/wasm-opt" -O3 -ocimfs 50 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue --enable-simd \
  "$tmp/wb/stytch_bench_parts_bg.wasm" -o "$out/stytch_bench_parts_bg.wasm"
cp "$tmp/wb/stytch_bench_parts.js" "$out/"
