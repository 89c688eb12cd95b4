//! The only JavaScript boundary (compiled for `wasm32` only). It translates and drives I/O; it
//! decides nothing.
//!
//! - [`calls`]: what the npm package calls. Each export starts or resumes an engine call and
//!   returns its next step as text; the package's JavaScript carries the step out (`fetch`,
//!   timers, the JWKS store) and resumes. Only strings and numbers cross, and the module
//!   imports nothing of ours.
//! - With the `js-client` feature, the same client for Rust code compiled to wasm, over
//!   JavaScript values and promises ([`JsClient`], [`verify_jwt`]): a Rust loop over the host's
//!   `fetch` ([`drive`]) instead of the package's JavaScript one.

pub mod calls;
mod config_cache;
mod operations;

#[cfg(feature = "js-client")]
mod convert;
#[cfg(feature = "js-client")]
mod drive;
#[cfg(feature = "js-client")]
mod exports;
#[cfg(feature = "js-client")]
mod fetch;
#[cfg(feature = "js-client")]
mod store;

#[cfg(feature = "js-client")]
pub use exports::{authenticate_request_headers, client_options, sessions_call, verify_jwt};
#[cfg(feature = "js-client")]
pub use exports::{JsClient, Sessions};

use crate::engine::Engine;
use std::cell::RefCell;

/// The module's allocator (crates/wasm-alloc): small and constant time, see the `small-alloc`
/// feature in Cargo.toml.
#[cfg(feature = "small-alloc")]
#[global_allocator]
static ALLOC: stytch_wasm_alloc::WasmAlloc = stytch_wasm_alloc::WasmAlloc::new();

thread_local! {
    /// The module instance's one engine: its keys and memo serve every call in this instance.
    static ENGINE: RefCell<Engine> = RefCell::new(Engine::new());
}
