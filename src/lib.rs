//! # stytch-sessions-wasm
//!
//! Stytch's Sessions API for edge runtimes: strict local verification of Stytch session JWTs
//! (RS256 in pure Rust) and the Sessions endpoints, compiled to WebAssembly for Cloudflare
//! Workers, Deno, browsers and Node, and usable as a plain Rust library.
//!
//! Everything that decides is plain Rust with the clock and I/O passed in; the only JavaScript
//! boundary is the `wasm` module (compiled for `wasm32` only).
//!
//! ```
//! use stytch_sessions_wasm::{claims::ClaimRules, jwk::KeySet, jwt::verify_session_jwt};
//! let keys = KeySet::from_json(br#"{"keys":[]}"#).unwrap();
//! let rules = ClaimRules {
//!     project_id: "project-test-00000000-0000-4000-8000-000000000000",
//!     base_url: "https://test.stytch.com",
//!     now: 1_700_000_000,
//!     clock_tolerance_seconds: 0,
//!     max_token_age_seconds: Some(300),
//! };
//! let err = verify_session_jwt("not-a-jwt", &keys, &rules).unwrap_err();
//! assert_eq!(err.code(), "jwt_invalid");
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod api;
pub mod claims;
pub mod client;
pub mod error;
pub mod http;
pub mod jwk;
pub mod jwks_cache;
pub mod jws;
pub mod jwt;
pub mod key_store;
pub mod memo;
pub mod rsa_public;
pub mod session;
mod strict_json;
pub mod verify;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use client::{verify_jwt, Client, Config};
pub use error::{ClientErrorCode, Error, RequestErrorCode, Result, StytchError};
pub use http::{Host, HttpRequest, HttpResponse};
pub use session::Session;
