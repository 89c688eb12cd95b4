//! The only JavaScript boundary (compiled for `wasm32` only). It translates and drives I/O; it
//! decides nothing: JavaScript values become the engine's inputs, every call runs through one
//! loop over the host's `fetch` ([`drive`]), and the engine's answers and errors become
//! JavaScript values and error classes.

mod config_cache;
mod convert;
mod drive;
mod exports;
mod fetch;
mod store;

pub use exports::{authenticate_request_headers, client_options, sessions_call, verify_jwt};
pub use exports::{JsClient, Sessions};

use crate::engine::Engine;
use std::cell::RefCell;

/// The module's allocator (crates/wasm-alloc): small and constant time, see the `small-alloc`
/// feature in Cargo.toml.
#[cfg(feature = "small-alloc")]
#[global_allocator]
static ALLOC: stytch_wasm_alloc::WasmAlloc = stytch_wasm_alloc::WasmAlloc::new();

thread_local! {
    /// The module instance's one engine: its keys and memo serve every `Client` and `verifyJwt`
    /// call in this instance.
    static ENGINE: RefCell<Engine> = RefCell::new(Engine::new());
}
