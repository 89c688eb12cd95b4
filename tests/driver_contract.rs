//! The driver contract (docs/rules.md, "Driver contract") as the Rust driver, `Client<H: Host>`,
//! obeys it: a request's `timeout_ms` bounds the whole exchange even when the host's `send`
//! never answers, and the JWKS store's `load_jwks` and `save_jwks` count as failed when they have
//! not settled within the JWKS timeout. The time limit is the host's own timer: `Host::sleep`,
//! unless the host gives `Host::time_limit`.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::*;
use serde_json::{json, Value};
use std::cell::{Cell, RefCell};
use std::future::{pending, Future};
use std::pin::{pin, Pin};
use std::task::{Context, Poll, Waker};
use stytch_sessions_wasm::api::LocalJwtParams;
use stytch_sessions_wasm::{Client, Config, Host, HttpRequest, HttpResponse, Result};

/// A host whose requests to the paths in `hang` never answer, whose store's `load_jwks` and
/// `save_jwks` never settle when `store_hangs`, and whose timer moves a fake clock.
struct FakeHost {
    now_ms: Cell<f64>,
    hang: Vec<&'static str>,
    store_hangs: bool,
    /// Every request sent, and every `sleep(ms)` asked for.
    sent: RefCell<Vec<HttpRequest>>,
    slept: RefCell<Vec<u32>>,
    loads: Cell<usize>,
    saves: Cell<usize>,
}

impl FakeHost {
    fn new(hang: &[&'static str], store_hangs: bool) -> Self {
        Self {
            now_ms: Cell::new(NOW as f64 * 1000.0),
            hang: hang.to_vec(),
            store_hangs,
            sent: RefCell::default(),
            slept: RefCell::default(),
            loads: Cell::new(0),
            saves: Cell::new(0),
        }
    }
}

impl Host for FakeHost {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse> {
        self.sent.borrow_mut().push(request.clone());
        if self.hang.iter().any(|path| request.url.contains(path)) {
            pending::<()>().await;
        }
        let body = if request.url.contains("/jwks/") {
            json!({"request_id": "r", "status_code": 200, "keys": [key_a().jwk()]})
        } else {
            json!({"request_id": "r", "status_code": 200, "sessions": []})
        };
        Ok(HttpResponse {
            status: 200,
            body: body.to_string(),
        })
    }
    fn now_ms(&self) -> f64 {
        self.now_ms.get()
    }
    /// Moves the clock and yields once.
    async fn sleep(&self, ms: u32) {
        self.slept.borrow_mut().push(ms);
        self.now_ms.set(self.now_ms.get() + f64::from(ms));
        YieldOnce(false).await;
    }
    async fn load_jwks(&self) -> Option<String> {
        self.loads.set(self.loads.get() + 1);
        if self.store_hangs {
            pending::<()>().await;
        }
        None
    }
    async fn save_jwks(&self, _value: String, _ttl_seconds: u32) {
        self.saves.set(self.saves.get() + 1);
        if self.store_hangs {
            pending::<()>().await;
        }
    }
}

struct YieldOnce(bool);
impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            Poll::Pending
        }
    }
}

/// Runs `f` to its end; a call still pending after many polls never settles (a driver that
/// waits forever).
fn settle<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..10_000 {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
    panic!("the call never settled: the driver waits for the host without a time limit");
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
        FakeHost::new(&["/v1/sessions?"], false),
    );
    let e = settle(c.get("user-1")).unwrap_err();
    assert_eq!(e.class_name(), "RequestError");
    assert_eq!(e.code(), "timeout");
    assert_eq!(
        e.message(),
        "no answer from test.stytch.com within the timeout"
    );
    // The time limit is the request's timeout, on the host's timer.
    assert_eq!(*c.host().slept.borrow(), [250]);
    assert_eq!(c.host().sent.borrow().len(), 1);
}

#[test]
fn a_jwks_fetch_the_host_never_answers_times_out_with_the_default_jwks_timeout() {
    let c = Client::new(config(None, None, false), FakeHost::new(&["/jwks/"], false));
    let e = settle(c.authenticate_jwt_local(&token(), &LocalJwtParams::default())).unwrap_err();
    assert_eq!(
        (e.class_name(), e.code()),
        ("RequestError", "timeout"),
        "{e:?}"
    );
    assert_eq!(*c.host().slept.borrow(), [5_000]);
}

#[test]
fn a_store_that_never_answers_counts_as_failed_within_the_jwks_timeout() {
    // Neither the store's read nor its write settles: the call reads nothing, fetches the
    // keys, gives up on the write, and answers.
    let c = Client::new(config(None, Some(300), true), FakeHost::new(&[], true));
    let session = settle(c.authenticate_jwt_local(&token(), &LocalJwtParams::default())).unwrap();
    assert_eq!(session.session_id, SESSION_ID);
    let host = c.host();
    assert_eq!((host.loads.get(), host.saves.get()), (1, 1));
    assert_eq!(host.sent.borrow().len(), 1, "the keys were fetched");
    // Each store call was given the JWKS timeout (here `timeout_ms`), on the host's timer.
    assert_eq!(*host.slept.borrow(), [300, 300]);
}

#[test]
fn a_host_that_answers_in_time_is_not_timed_out() {
    let c = Client::new(config(None, Some(300), true), FakeHost::new(&[], false));
    let session = settle(c.authenticate_jwt_local(&token(), &LocalJwtParams::default())).unwrap();
    assert_eq!(session.session_id, SESSION_ID);
    // Everything answered at its first poll: no timer was ever started.
    assert!(c.host().slept.borrow().is_empty());
    assert_eq!((c.host().loads.get(), c.host().saves.get()), (1, 1));
}

/// A host with a time limit of its own, which never runs out: the client waits for `send`.
struct PatientHost(FakeHost, Cell<usize>);

impl Host for PatientHost {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse> {
        // Answers at the third poll.
        YieldOnce(false).await;
        YieldOnce(false).await;
        self.0.send(request).await
    }
    fn now_ms(&self) -> f64 {
        self.0.now_ms()
    }
    async fn sleep(&self, ms: u32) {
        self.0.sleep(ms).await;
    }
    fn time_limit(&self, _ms: u32) -> impl Future<Output = ()> {
        self.1.set(self.1.get() + 1);
        pending()
    }
}

#[test]
fn a_host_may_give_its_own_time_limit() {
    let host = PatientHost(FakeHost::new(&[], false), Cell::new(0));
    let c = Client::new(config(Some("secret-test-x"), Some(250), false), host);
    settle(c.get("user-1")).unwrap();
    assert_eq!(c.host().1.get(), 1);
    assert!(c.host().0.slept.borrow().is_empty());
}
