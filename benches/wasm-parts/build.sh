#!/usr/bin/env bash
# Builds the bench-only parts module (benches/wasm-parts, never shipped) the way scripts/build
# builds the package's: cargo (release, simd128), then scripts/lib/wasm-post.sh (wasm-bindgen and
# wasm-opt, as for the package). Output: target/bench-parts/stytch_bench_parts{.js,_bg.wasm}.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
target=${CARGO_TARGET_DIR:-$root/target}
out=$root/target/bench-parts
lock=benches/wasm-parts/Cargo.lock
# Its own workspace, built with the package's lock file (so with the same versions, offline); the
# copy is removed afterwards, so the crate's directory keeps no lock of its own.
trap 'rm -rf "$root/$lock"' EXIT
cp Cargo.lock "$lock"
(cd benches/wasm-parts && CARGO_TARGET_DIR="$target/bench-parts" cargo build --release --offline --target wasm32-unknown-unknown)
scripts/lib/wasm-post.sh "$target/bench-parts/wasm32-unknown-unknown/release/stytch_bench_parts.wasm" "$out" >/dev/null
