//! The crate compiled to wasm and run against two local emulators, through both of its
//! drivers:
//! - the exports the npm package calls (`src/wasm/calls.rs`), carried out by `driver.rs`, a
//!   small Rust copy of the package's JavaScript driver over the same step protocol: every
//!   operation, every error class, key rotation, the JWKS cache under concurrency and failure,
//!   timeouts, hostile values and configuration, the steps themselves, and memory;
//! - `Client` over `wasm::JsHost` (`client.rs`): every operation, the error classes, the
//!   driver contract's time limits, an engine shared by concurrent clients.
//!
//! This crate root runs in Node; `browser.rs` compiles the same modules for headless browsers
//! (wasm-bindgen-test picks the environment per test binary), so each environment runs the same
//! tests. With both emulators started first (`node tests/emulator/cli.mjs --port 45810
//! --control-cors`, and `--port 45811 --control-cors`), at the repository root:
//!
//! ```sh
//! wasm-pack test --node
//! wasm-pack test --headless --chrome
//! wasm-pack test --headless --firefox
//! ```
//!
//! `STYTCH_EMULATOR_URL` / `STYTCH_EMULATOR_URL_2`, set at compile time, point the suite at
//! emulators elsewhere. `scripts/test-wasm` does all of it (README, "Tests").
//!
//! How the tests stay independent although the key cache lives in module memory (one entry per
//! JWKS URL, shared by every test of one run; wasm-bindgen-test runs the tests one at a time):
//! - Emulator 1 never rotates its key, so tokens it mints always verify against the shared warm
//!   entry of its plain base URL.
//! - Tests that need a cold entry use a fresh *alias* of a base URL: `http://localhost:PORT`, or
//!   `http://127.0.0.1:PORT/.`, `…/./.`, … (see `support::fresh_alias`). Each is a distinct cache
//!   key, while `fetch` normalises the dot segments away, so the emulator serves the same route.
//! - Key rotation and failing refreshes happen only on emulator 2, each test on its own alias,
//!   starting from a single key (so its JWKS stays small however often the suite runs).
//! - The cooldown (30 s) and staleness (10 min) of the cache are crossed without waiting by
//!   moving `Date.now` forward for the duration of one call (`support::ClockShift`): both drivers
//!   give the engine `Date.now()` at each step (the test driver, as the package's does, and
//!   `JsHost::now_ms`).
//! - Request counts are read before and after, never assumed absolute, since every environment
//!   (Node, Chromium, Firefox) and every run shares the emulators.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

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
