//! The only JavaScript boundary (compiled for `wasm32` only). It translates and drives I/O; it
//! decides nothing.
//!
//! - [`calls`]: what the npm package calls. Each export starts or resumes an engine call and
//!   returns its next step as text; the package's JavaScript carries the step out (`fetch`,
//!   timers, the JWKS store) and resumes. Only strings and numbers cross, and the module
//!   imports nothing of ours.
//! - [`JsHost`], with the `js-client` feature: a [`crate::Host`] over JavaScript's global
//!   `fetch`, timers and clock, for Rust code compiled to wasm that drives [`crate::Client`]
//!   itself (workers-rs, a browser). The npm package is built without it.

pub mod calls;
mod config_cache;
#[cfg(feature = "js-client")]
mod host;

#[cfg(feature = "js-client")]
pub use host::JsHost;

use crate::engine::Engine;
use std::cell::RefCell;

/// The module's allocator (crates/wasm-alloc): small and constant time, see the `small-alloc`
/// feature in Cargo.toml.
#[cfg(feature = "small-alloc")]
#[global_allocator]
static ALLOC: stytch_wasm_alloc::WasmAlloc = stytch_wasm_alloc::WasmAlloc::new();

thread_local! {
    /// The module instance's one engine: its keys and memo serve every call in this instance.
    static ENGINE: RefCell<Engine> = const { RefCell::new(Engine::new()) };
}
