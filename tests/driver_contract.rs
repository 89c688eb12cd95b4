//! The driver contract (docs/rules.md, "Driver contract") as the Rust driver, `Client<H: Host>`,
//! obeys it: a request's `timeout_ms` bounds the whole exchange even when the host's `send`
//! never answers, and the JWKS store's `load_jwks` and `save_jwks` count as failed when they have
//! not settled within the JWKS timeout. The time limit is the host's own timer: `Host::sleep`,
//! unless the host gives `Host::time_limit`.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::*;
use serde_json::Value;
use stytch_sessions_wasm::api::LocalJwtParams;
use stytch_sessions_wasm::{Client, Config};

/// The simulated Stytch with its time limits on its timer (`Host::sleep`, the trait's default),
/// and the routes in `held` never answering.
fn host(held: &[Route]) -> Stytch {
    let host = Stytch::new();
    host.time_limits_on_timer(true);
    for route in held {
        host.hold(*route);
    }
    host
}

fn config(secret: Option<&str>, timeout_ms: Option<u32>, store: bool) -> Config {
    let config = Config::new(PROJECT_ID, secret, None)
        .unwrap()
        .with_jwks_store(store);
    match timeout_ms {
        Some(ms) => config.with_timeout_ms(ms).unwrap(),
        None => config,
    }
}

fn token() -> String {
    key_a().sign(&Value::Object(payload()))
}

#[test]
fn a_request_the_host_never_answers_times_out_at_its_timeout() {
    let c = Client::new(
        config(Some("secret-test-x"), Some(250), false),
        host(&[Route::Api]),
    );
    let e = settle(c.get("user-1")).unwrap_err();
    assert_eq!(e.class_name(), "RequestError");
    assert_eq!(e.code(), "timeout");
    assert_eq!(
        e.message(),
        "no answer from test.stytch.com within the timeout"
    );
    // The time limit is the request's timeout, on the host's timer.
    assert_eq!(c.host().slept(), [250]);
    assert_eq!(c.host().log().len(), 1);
}

#[test]
fn a_jwks_fetch_the_host_never_answers_times_out_with_the_default_jwks_timeout() {
    let c = Client::new(config(None, None, false), host(&[Route::Jwks]));
    let e = settle(c.authenticate_jwt_local(&token(), &LocalJwtParams::default())).unwrap_err();
    assert_eq!(
        (e.class_name(), e.code()),
        ("RequestError", "timeout"),
        "{e:?}"
    );
    assert_eq!(c.host().slept(), [5_000]);
}

#[test]
fn a_store_that_never_answers_counts_as_failed_within_the_jwks_timeout() {
    // Neither the store's read nor its write settles: the call reads nothing, fetches the
    // keys, gives up on the write, and answers.
    let c = Client::new(config(None, Some(300), true), host(&[Route::Store]));
    let session = settle(c.authenticate_jwt_local(&token(), &LocalJwtParams::default())).unwrap();
    assert_eq!(session.session_id, SESSION_ID);
    let host = c.host();
    assert_eq!((host.store_reads(), host.store_writes()), (1, 1));
    assert_eq!(host.log().len(), 1, "the keys were fetched");
    // Each store call was given the JWKS timeout (here `timeout_ms`), on the host's timer.
    assert_eq!(host.slept(), [300, 300]);
}

#[test]
fn a_host_that_answers_in_time_is_not_timed_out() {
    let c = Client::new(config(None, Some(300), true), host(&[]));
    let session = settle(c.authenticate_jwt_local(&token(), &LocalJwtParams::default())).unwrap();
    assert_eq!(session.session_id, SESSION_ID);
    // Everything answered at its first poll: no timer was ever started.
    assert!(c.host().slept().is_empty());
    assert_eq!((c.host().store_reads(), c.host().store_writes()), (1, 1));
}

#[test]
fn a_host_may_give_its_own_time_limit() {
    // A time limit of the host's own, which never runs out: the client waits for `send`, which
    // answers at the third poll.
    let host = Stytch::new();
    host.set_latency(2);
    let c = Client::new(config(Some("secret-test-x"), Some(250), false), host);
    settle(c.get("user-1")).unwrap();
    assert_eq!(c.host().time_limits(), 1);
    assert!(c.host().slept().is_empty());
}
