//! The wasm suite of `main.rs`, in a headless browser: `wasm-pack test --headless --chrome` or
//! `--firefox` (Node skips this binary, browsers skip the other; see `main.rs`).
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod client;
mod driver;
mod errors;
mod hostile;
mod key_cache;
mod memory;
mod operations;
mod rbac;
mod steps;
mod support;
