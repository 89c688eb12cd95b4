//! The only JavaScript boundary (compiled for `wasm32` only): exported `Client` and `verifyJwt`,
//! the host's `fetch` as transport, JS values to and from Rust, and errors as real JS classes.

mod convert;
mod exports;
mod fetch;

pub use exports::{verify_jwt, JsClient, Sessions};
