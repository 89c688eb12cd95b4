//! One simulated Stytch for the Rust tests, whichever driver runs the calls: the engine stepped
//! directly ([`Stytch::run`], [`Stytch::run_all`]) or [`stytch_sessions_wasm::Client`] over it
//! as its [`Host`]. Both read the same scripts, counters, log, store, holds and clock.
//!
//! Served by default: key A's JWKS, an empty RBAC policy, and an API that answers each endpoint
//! as Stytch does for a good session (with a verdict that authorizes when the request carries an
//! `authorization_check`). Everything else is scripted per test:
//!
//! ```text
//! let s = Stytch::new();
//! s.serve_keys(vec![key_a().jwk(), key_b().jwk()]);   s.serve_policy(json!({...}));
//! s.set_status(Route::Jwks, 503);                      // Stytch's error body for 503
//! s.script_api(404, body);  s.deny_checks(true);  s.fail_transport(error);
//! s.hold(Route::Jwks); … s.release(Route::Jwks);      s.hold_until(Route::Api, at_ms);
//! s.advance(ms);  s.count(Route::Jwks);  s.jwks_fetches();  s.api_calls();  s.log();
//! ```
//!
//! The JS emulator (`tests/emulator`) is the JavaScript and wasm tiers' Stytch; this one is the
//! Rust tests'.

use super::{key_a, SESSION_ID, USER_ID};
use serde_json::{json, Value};
use std::cell::{Cell, Ref, RefCell};
use std::future::{pending, poll_fn, Future};
use std::pin::{pin, Pin};
use std::task::{Context, Poll, Waker};
use stytch_sessions_wasm::api::Endpoint;
use stytch_sessions_wasm::engine::WAIT_POLL_MS;
use stytch_sessions_wasm::jwk::Jwk;
use stytch_sessions_wasm::{Answer, Call, Engine, Error, Host, HttpRequest, HttpResponse};
use stytch_sessions_wasm::{Input, Next, Result};

/// The test clock's start: [`super::NOW`] in milliseconds.
pub const T0: f64 = super::NOW as f64 * 1000.0;

/// What Stytch serves, grouped as the tests script it: the project's JWKS, the RBAC policy, the
/// Sessions API (every other endpoint), and the shared JWKS store a host keeps beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// The JWKS, consumer or B2B.
    Jwks,
    /// The project's RBAC policy, consumer or B2B.
    Policy,
    /// A B2B organization's own roles.
    OrgPolicy,
    Api,
    Store,
}

impl Route {
    /// The route a request goes to.
    pub fn of(request: &HttpRequest) -> Self {
        if request.url.contains("/sessions/jwks/") {
            Self::Jwks
        } else if request.url.ends_with("/rbac/policy") {
            Self::Policy
        } else if request.url.contains(Endpoint::B2bOrgPolicy.route().1) {
            Self::OrgPolicy
        } else {
            Self::Api
        }
    }
}

/// Stytch's error body for `status`.
pub fn stytch_error(status: u16) -> Value {
    json!({"status_code": status, "request_id": "request-id-test-2",
           "error_type": "internal_server_error", "error_message": "Oops.",
           "error_url": "https://stytch.com/docs/api/errors/500"})
}

/// Stytch's answer to `POST /v1/sessions/authenticate` for the test session (it also holds the
/// `user_id` that `migrate`, `exchange_access_token` and `attest` answer with).
pub fn authenticate_body() -> Value {
    let session = json!({
        "session_id": SESSION_ID, "user_id": USER_ID, "started_at": "2025-11-27T11:00:00Z",
        "last_accessed_at": "2025-11-27T11:10:30Z", "expires_at": "2025-11-27T12:00:00Z",
        "attributes": {"ip_address": "", "user_agent": ""}, "authentication_factors": [],
        "custom_claims": {}, "roles": []
    });
    json!({"request_id": "request-id-test-3", "status_code": 200, "session": session,
           "session_token": "t".repeat(44), "session_jwt": "new.jwt.value", "user_id": USER_ID,
           "user": {"user_id": USER_ID, "emails": [], "status": "active"}})
}

/// Stytch's answer to `POST /v1/b2b/sessions/authenticate` for a test member session.
pub fn b2b_authenticate_body() -> Value {
    let member_session = json!({
        "member_session_id": SESSION_ID, "member_id": "member-test-1",
        "organization_id": "organization-test-1", "organization_slug": "acme",
        "started_at": "2025-11-27T11:00:00Z", "last_accessed_at": "2025-11-27T11:10:30Z",
        "expires_at": "2025-11-27T12:00:00Z", "authentication_factors": [],
        "custom_claims": {}, "roles": []
    });
    json!({"request_id": "request-id-test-3", "status_code": 200,
           "member_session": member_session, "session_token": "t".repeat(44),
           "session_jwt": "new.jwt.value", "member": {"member_id": "member-test-1"},
           "organization": {"organization_id": "organization-test-1"}})
}

/// `members` with a `request_id` and `status_code` 200 when `status` is 200; otherwise Stytch's
/// error body for `status`.
fn served(status: u16, members: Value) -> HttpResponse {
    let mut body = members;
    if status == 200 {
        body["request_id"] = json!("request-id-test-1");
        body["status_code"] = json!(200);
    } else {
        body = stytch_error(status);
    }
    HttpResponse {
        status,
        body: body.to_string(),
    }
}

/// The simulated Stytch. All its state sits behind shared references, so a test reads it
/// through `client.host()` as well as beside an engine it steps.
pub struct Stytch {
    now_ms: Cell<f64>,
    keys: RefCell<Vec<Jwk>>,
    jwks_status: Cell<u16>,
    policy: RefCell<Value>,
    policy_status: Cell<u16>,
    /// Every organization's own policy (`{roles}`), or its answer's whole body when a string.
    org_policy: RefCell<Value>,
    /// Every API request answers exactly this, when set.
    api: RefCell<Option<(u16, String)>>,
    denies_checks: Cell<bool>,
    transport_error: RefCell<Option<Error>>,
    /// Routes that keep their answers back until the clock reaches the time given (infinite:
    /// until released).
    holds: RefCell<Vec<(Route, f64)>>,
    log: RefCell<Vec<HttpRequest>>,
    store: RefCell<Option<String>>,
    store_reads: Cell<usize>,
    store_writes: Cell<usize>,
    slept: RefCell<Vec<u32>>,
    timer_limits: Cell<bool>,
    time_limits: Cell<usize>,
    latency: Cell<usize>,
}

impl Default for Stytch {
    fn default() -> Self {
        Self::new()
    }
}

impl Stytch {
    /// Key A's JWKS, an empty policy, an API that authenticates, the clock at [`T0`].
    pub fn new() -> Self {
        Self {
            now_ms: Cell::new(T0),
            keys: RefCell::new(vec![key_a().jwk()]),
            jwks_status: Cell::new(200),
            policy: RefCell::new(json!({"roles": [], "resources": [], "scopes": []})),
            policy_status: Cell::new(200),
            org_policy: RefCell::new(json!({"roles": []})),
            api: RefCell::new(None),
            denies_checks: Cell::new(false),
            transport_error: RefCell::new(None),
            holds: RefCell::new(Vec::new()),
            log: RefCell::new(Vec::new()),
            store: RefCell::new(None),
            store_reads: Cell::new(0),
            store_writes: Cell::new(0),
            slept: RefCell::new(Vec::new()),
            timer_limits: Cell::new(false),
            time_limits: Cell::new(0),
            latency: Cell::new(0),
        }
    }

    // Scripts.

    /// The keys the JWKS endpoint serves.
    pub fn serve_keys(&self, keys: Vec<Jwk>) {
        *self.keys.borrow_mut() = keys;
    }
    /// The RBAC policy served (`roles`, `resources`, `scopes`).
    pub fn serve_policy(&self, policy: Value) {
        *self.policy.borrow_mut() = policy;
    }
    /// The policy every B2B organization's own roles are (`{roles}`).
    pub fn serve_org_policy(&self, policy: Value) {
        *self.org_policy.borrow_mut() = policy;
    }
    /// The status `route` answers with: Stytch's error body unless 200. For [`Route::Api`], 200
    /// goes back to the default answers.
    pub fn set_status(&self, route: Route, status: u16) {
        match route {
            Route::Jwks => self.jwks_status.set(status),
            Route::Policy => self.policy_status.set(status),
            Route::Api if status == 200 => *self.api.borrow_mut() = None,
            Route::Api => self.script_api(status, stytch_error(status).to_string()),
            Route::Store | Route::OrgPolicy => panic!("{route:?} has no status to set"),
        }
    }
    /// Every API request answers exactly `status` and `body`.
    pub fn script_api(&self, status: u16, body: impl Into<String>) {
        *self.api.borrow_mut() = Some((status, body.into()));
    }
    /// Whether the API refuses every authorization check it is asked (403).
    pub fn deny_checks(&self, denies: bool) {
        self.denies_checks.set(denies);
    }
    /// Every API request fails with this transport error (JWKS and policy fetches still answer).
    pub fn fail_transport(&self, error: Error) {
        *self.transport_error.borrow_mut() = Some(error);
    }

    // Holds.

    /// `route` keeps its answers back until released.
    pub fn hold(&self, route: Route) {
        self.hold_until(route, f64::INFINITY);
    }
    /// `route` keeps its answers back until the clock reaches `at_ms` (or it is released).
    pub fn hold_until(&self, route: Route, at_ms: f64) {
        self.holds.borrow_mut().push((route, at_ms));
    }
    pub fn release(&self, route: Route) {
        self.holds.borrow_mut().retain(|(r, _)| *r != route);
    }
    pub fn held(&self, route: Route) -> bool {
        let now = self.now_ms();
        self.holds
            .borrow()
            .iter()
            .any(|(r, until)| *r == route && now < *until)
    }

    // The clock.

    pub fn now_ms(&self) -> f64 {
        self.now_ms.get()
    }
    pub fn advance(&self, ms: f64) {
        self.now_ms.set(self.now_ms.get() + ms);
    }
    pub fn set_now(&self, ms: f64) {
        self.now_ms.set(ms);
    }

    // What was asked.

    /// Every request, in order.
    pub fn log(&self) -> Ref<'_, Vec<HttpRequest>> {
        self.log.borrow()
    }
    /// Requests to `route` (for [`Route::Store`], its reads and writes).
    pub fn count(&self, route: Route) -> usize {
        match route {
            Route::Store => self.store_reads() + self.store_writes(),
            _ => self.log().iter().filter(|r| Route::of(r) == route).count(),
        }
    }
    /// Requests to one endpoint.
    pub fn calls(&self, endpoint: Endpoint) -> usize {
        let (method, path) = endpoint.route();
        let at = |r: &HttpRequest| {
            let url = r.url.split('?').next().unwrap_or("");
            match endpoint {
                Endpoint::GetJwks => url.contains("/v1/sessions/jwks/"),
                _ => url.ends_with(path),
            }
        };
        self.log()
            .iter()
            .filter(|r| r.method == method && at(r))
            .count()
    }
    pub fn jwks_fetches(&self) -> usize {
        self.count(Route::Jwks)
    }
    pub fn policy_fetches(&self) -> usize {
        self.count(Route::Policy)
    }
    pub fn api_calls(&self) -> usize {
        self.count(Route::Api)
    }
    /// The body of the last request to `route`.
    pub fn last_body(&self, route: Route) -> Option<String> {
        let log = self.log();
        let last = log.iter().rev().find(|r| Route::of(r) == route)?;
        last.body.clone()
    }

    // The shared JWKS store.

    /// What the last save gave it.
    pub fn store(&self) -> Option<String> {
        self.store.borrow().clone()
    }
    pub fn set_store(&self, value: Option<String>) {
        *self.store.borrow_mut() = value;
    }
    pub fn store_reads(&self) -> usize {
        self.store_reads.get()
    }
    pub fn store_writes(&self) -> usize {
        self.store_writes.get()
    }

    // As a host.

    /// Every `sleep(ms)` asked for.
    pub fn slept(&self) -> Vec<u32> {
        self.slept.borrow().clone()
    }
    /// Whether `Host::time_limit` is the host's timer (`sleep`, the trait's default). Otherwise
    /// (the default here) it is a time limit of the host's own that never runs out: a request
    /// is only as late as a hold keeps it.
    pub fn time_limits_on_timer(&self, on_timer: bool) {
        self.timer_limits.set(on_timer);
    }
    /// How many time limits were asked for.
    pub fn time_limits(&self) -> usize {
        self.time_limits.get()
    }
    /// Each answer comes `polls` polls after its request.
    pub fn set_latency(&self, polls: usize) {
        self.latency.set(polls);
    }

    /// Logs `request` and answers it at once (holds are the drivers' to obey).
    pub fn answer(&self, request: &HttpRequest) -> Result<HttpResponse> {
        self.log.borrow_mut().push(request.clone());
        self.respond(request)
    }

    fn respond(&self, request: &HttpRequest) -> Result<HttpResponse> {
        match Route::of(request) {
            Route::Jwks => {
                let keys = json!({"keys": *self.keys.borrow()});
                return Ok(served(self.jwks_status.get(), keys));
            }
            Route::Policy => {
                let policy = json!({"policy": *self.policy.borrow()});
                return Ok(served(self.policy_status.get(), policy));
            }
            Route::OrgPolicy => {
                let policy = json!({"org_policy": *self.org_policy.borrow()});
                return Ok(served(200, policy));
            }
            _ => {}
        }
        if let Some(error) = self.transport_error.borrow().clone() {
            return Err(error);
        }
        if let Some((status, body)) = self.api.borrow().clone() {
            return Ok(HttpResponse { status, body });
        }
        let checked = request
            .body
            .as_deref()
            .is_some_and(|b| b.contains("\"authorization_check\""));
        if checked && self.denies_checks.get() {
            let body = json!({"status_code": 403, "request_id": "request-id-test-6",
                "error_type": "consumer_session_authorization_error",
                "error_message": "The session is not authorized.", "error_url": ""});
            return Ok(HttpResponse {
                status: 403,
                body: body.to_string(),
            });
        }
        let path = request.url.split('?').next().unwrap_or("");
        let body = if path.ends_with(Endpoint::Revoke.route().1) {
            json!({"request_id": "request-id-test-5", "status_code": 200})
        } else if request.method == "GET" && path.ends_with(Endpoint::Get.route().1) {
            json!({"request_id": "request-id-test-5", "status_code": 200, "sessions": []})
        } else if path.ends_with(Endpoint::B2bAuthenticate.route().1) {
            let mut body = b2b_authenticate_body();
            if checked {
                body["verdict"] = json!({"authorized": true, "granting_roles": ["admin"]});
            }
            body
        } else {
            let mut body = authenticate_body();
            if checked {
                body["verdict"] = json!({"authorized": true, "granting_roles": ["admin"]});
            }
            body
        };
        Ok(HttpResponse {
            status: 200,
            body: body.to_string(),
        })
    }

    /// Waits while `route` is held.
    async fn unheld(&self, route: Route) {
        poll_fn(|_| {
            if self.held(route) {
                Poll::Pending
            } else {
                Poll::Ready(())
            }
        })
        .await;
    }

    // The engine stepped directly, as any HTTP client would drive it (sans-IO).

    /// Runs calls concurrently to their ends; their results in order. Every call takes its first
    /// step before any answer is delivered; then each round delivers what each call asked for
    /// (an answer a hold keeps back waits for a later round) and moves the clock by the engine's
    /// poll interval.
    pub fn run_all(&self, engine: &mut Engine, calls: Vec<Call>) -> Vec<Result<Answer>> {
        let mut calls: Vec<(Call, Option<Next>, Option<Asked>)> = calls
            .into_iter()
            .map(|mut call| {
                let next = call.step(engine, Input::Start, self.now_ms());
                (call, Some(next), None)
            })
            .collect();
        let mut results: Vec<Option<Result<Answer>>> = calls.iter().map(|_| None).collect();
        for _round in 0..100_000 {
            let mut pending = false;
            for (i, (call, next, asked)) in calls.iter_mut().enumerate() {
                match next.take() {
                    None => {}
                    Some(Next::Done(result)) => results[i] = Some(result),
                    Some(other) => *asked = Some(self.ask(other)),
                }
                let Some(waiting) = asked else { continue };
                pending = true;
                if waiting.route().is_some_and(|route| self.held(route)) {
                    continue;
                }
                let input = match asked.take() {
                    Some(Asked::Send(request)) => Input::Response(self.respond(&request)),
                    Some(Asked::Load) => Input::Loaded(self.store()),
                    Some(Asked::Wait | Asked::Save) | None => Input::Woke,
                };
                *next = Some(call.step(engine, input, self.now_ms()));
            }
            if !pending {
                return results.into_iter().map(Option::unwrap).collect();
            }
            self.advance(f64::from(WAIT_POLL_MS));
        }
        panic!("calls did not end");
    }

    pub fn run(&self, engine: &mut Engine, call: Call) -> Result<Answer> {
        self.run_all(engine, vec![call]).pop().unwrap()
    }

    /// Takes what a call asks for: logs a request, counts a store read, keeps a write.
    fn ask(&self, next: Next) -> Asked {
        match next {
            Next::Send(request) => {
                self.log.borrow_mut().push(request.clone());
                Asked::Send(request)
            }
            Next::Wait(_) => Asked::Wait,
            Next::Load => {
                self.store_reads.set(self.store_reads() + 1);
                Asked::Load
            }
            Next::Save { value, .. } => {
                self.store_writes.set(self.store_writes() + 1);
                self.set_store(Some(value));
                Asked::Save
            }
            other => panic!("a step this driver does not know: {other:?}"),
        }
    }
}

/// What a stepped call waits for.
enum Asked {
    Send(HttpRequest),
    Wait,
    Load,
    Save,
}

impl Asked {
    fn route(&self) -> Option<Route> {
        match self {
            Self::Send(request) => Some(Route::of(request)),
            Self::Load | Self::Save => Some(Route::Store),
            Self::Wait => None,
        }
    }
}

impl Host for Stytch {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse> {
        self.log.borrow_mut().push(request.clone());
        self.unheld(Route::of(&request)).await;
        for _ in 0..self.latency.get() {
            YieldOnce(false).await;
        }
        self.respond(&request)
    }
    fn now_ms(&self) -> f64 {
        Stytch::now_ms(self)
    }
    /// Records the wait, moves the clock and yields once, so that other calls run meanwhile.
    async fn sleep(&self, ms: u32) {
        self.slept.borrow_mut().push(ms);
        self.advance(f64::from(ms));
        YieldOnce(false).await;
    }
    fn time_limit(&self, ms: u32) -> impl Future<Output = ()> {
        self.time_limits.set(self.time_limits() + 1);
        let on_timer = self.timer_limits.get();
        async move {
            if on_timer {
                self.sleep(ms).await;
            } else {
                pending::<()>().await;
            }
        }
    }
    async fn load_jwks(&self) -> Option<String> {
        self.store_reads.set(self.store_reads() + 1);
        self.unheld(Route::Store).await;
        self.store()
    }
    async fn save_jwks(&self, value: String, _ttl_seconds: u32) {
        self.store_writes.set(self.store_writes() + 1);
        self.set_store(Some(value));
        self.unheld(Route::Store).await;
    }
}

/// Pending at its first poll, ready at the next.
pub struct YieldOnce(pub bool);

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

/// Runs `f` to its end, polling with a waker that does nothing: every future here makes
/// progress at each poll. A call still pending after many polls never settles (a driver that
/// waits forever).
pub fn settle<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..100_000 {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
    panic!("the call never settled: the driver waits for the host without a time limit");
}
