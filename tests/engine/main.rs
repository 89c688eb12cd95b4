//! The engine driven directly, as any HTTP client would drive it (sans-IO): the key store's
//! cache policy, the unknown-kid rules, waiting for another call's fetch, and the memo's scope
//! (`docs/rules.md`, "Keys and the memo" and "When the API is asked").
//!
//! The network is the one simulated Stytch (`tests/common/stytch.rs`), with a clock of its own.
//! Concurrent calls are modelled exactly: every call takes its first step before any response is
//! delivered, then each round delivers what each call asked for and moves the clock by the
//! engine's poll interval.
#![allow(clippy::unwrap_used, clippy::panic)]

mod access;
mod b2b;
mod calls;
#[path = "../common/mod.rs"]
mod common;
mod keys;
mod memo;
mod rbac;
mod store;
