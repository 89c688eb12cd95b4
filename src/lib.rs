//! # stytch-sessions-wasm
//!
//! Stytch's Sessions API for edge runtimes: strict local verification of Stytch session JWTs
//! (RS256 in pure Rust) and the Sessions endpoints, compiled to WebAssembly for Cloudflare
//! Workers, Deno, browsers and Node, and usable as a plain Rust library.
//!
//! Every rule lives in one synchronous, sans-IO [`engine`]: given an operation, its inputs and
//! the time, it answers or says which HTTP request it needs next. [`Client`] drives it over a
//! [`Host`] for Rust callers; the `wasm` module (compiled for `wasm32` only) hands its steps to
//! the npm package's JavaScript, which drives them over the host's `fetch`. The rules are
//! written down in `docs/rules.md`.
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

pub mod access_token;
pub mod api;
pub mod b2b;
pub mod b2b_client;
pub mod claims;
pub mod client;
pub mod config;
pub mod engine;
pub mod error;
pub mod http;
pub mod jwk;
pub mod jwt;
pub mod member_session;
pub mod oauth;
pub mod oauth_client;
pub mod product;
pub mod rbac;
pub mod session;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

#[doc(hidden)]
pub mod internal;
#[cfg(any(test, target_arch = "wasm32"))]
pub(crate) use internal::gate;
/// Token profiles (kinds of token: sessions, member sessions, M2M and Connected Apps access
/// tokens), which [`Operation::VerifyToken`] names.
pub use internal::profile;
pub(crate) use internal::{b64, json, jws, key, options, protocol, verify};

pub use b2b_client::B2BClient;
pub use client::{verify_jwt, Client, SharedEngine};
pub use config::Config;
pub use engine::{Answer, Call, Engine, Input, Next, Operation};
pub use error::{ClientErrorCode, Error, RequestErrorCode, Result, StytchError};
pub use http::{Host, HttpRequest, HttpResponse};
pub use member_session::MemberSession;
pub use session::Session;
pub use stytch_rsa_public as rsa_public;

/// The README's Rust example compiles (`cargo test --doc`).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
