//! What the npm package calls: each export starts or resumes one engine call and returns its
//! next step as text, which the package's JavaScript (`pkg-template/api.js`, "the driver")
//! carries out with the host's `fetch`, timers and JWKS store before it resumes the call.
//!
//! Only strings and numbers cross, and the module imports nothing of ours from JavaScript (its
//! one import is wasm-bindgen's own `throw`): V8 compiles a wrapper per distinct import
//! signature when it compiles a module, and the 25 signatures of a Rust-driven loop over
//! `fetch` and promises cost a fresh Node process about 2 ms (benches/RESULTS.md).
//!
//! The step texts, the resume codes and the facts are [`crate::protocol`]'s; the rules every
//! driver obeys are docs/rules.md, "Driver contract".

use super::config_cache;
use super::ENGINE;
use crate::api::client_operation;
use crate::config::Config;
use crate::engine::{Call, Facts, Input, Next, Operation};
use crate::error::{Error, Result};
use crate::gate::{self, GateOptions};
use crate::http::HttpResponse;
use crate::internal::gate_access::{self, AccessGate};
use crate::json;
use crate::product::{B2B, CONSUMER};
use crate::protocol::{self, answered, failed, LOADED, RESPONSE, WOKE};
use crate::protocol::{send_failure, url_host, BAD_FETCH, BAD_HOOK, BAD_STORE, OBJECT, STORE};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// How a call's result becomes its final step.
enum Finish {
    /// The answer, or the error.
    Answer,
    /// `authenticateRequest`'s verdict on the request (see [`crate::gate`]).
    Gate(Box<GateOptions>),
    /// `authenticateAccessToken`'s verdict (see [`crate::gate_access`]).
    AccessGate(Box<AccessGate>),
}

struct InFlight {
    call: Call,
    finish: Finish,
    /// The host (and port) of the request its last `F` step sent, for the message of a
    /// failure to reach it ([`send_failure`]).
    host: Option<Box<str>>,
}

thread_local! {
    /// The calls waiting for the driver, by id (their index). The driver resumes every call it
    /// is given until it is done, so each slot is freed when its call ends.
    static CALLS: RefCell<Vec<Option<InFlight>>> = const { RefCell::new(Vec::new()) };
    /// What the call whose final step was given last did ([`last_facts`]); emptied when an
    /// export starts a call, so a call refused before it started reports none. A copy of a few
    /// numbers per call: its JSON is written only when the driver asks (it has an `on_decision`).
    static LAST_FACTS: Cell<Option<(Facts, bool)>> = const { Cell::new(None) };
}

/// What the call whose final step the module gave last did, as JSON `{"local":…,"memo":…,
/// "jwks_fetches":…,"policy_fetches":…,"api_calls":…}` (`""`: it was refused before it
/// started). For the driver's `on_decision` hook, read right after that final step.
#[wasm_bindgen(js_name = lastFacts)]
pub fn last_facts() -> String {
    let mut out = String::new();
    if let Some((facts, by_api)) = LAST_FACTS.with(Cell::get) {
        facts.write(by_api, &mut out);
    }
    out
}

/// Empties [`LAST_FACTS`]: a new call starts.
fn forget_facts() {
    LAST_FACTS.with(|f| f.set(None));
}

/// Keeps what `call` did, ended with `result`.
fn record_facts(call: &Call, result: &Result<crate::engine::Answer>) {
    let by_api = Facts::decided_by_api(result);
    LAST_FACTS.with(|f| f.set(Some((call.facts(), by_api))));
}

/// Checks `new Client(options)`: `""`, or the `E` step of the error.
#[wasm_bindgen(js_name = clientOptions)]
pub fn client_options(facts: u32, options: Option<String>) -> String {
    let check = || -> Result<()> {
        let text = options_text(facts, options.as_deref(), "Client options")?;
        config_cache::client(text, variant(false, false))?;
        Ok(())
    };
    match check() {
        Ok(()) => String::new(),
        Err(e) => failed(&e),
    }
}

/// The members a JWKS store factory's options may have.
const STORE_OPTIONS: crate::options::Names = &["key"];

/// Checks the options of a JWKS store factory (`kind` 0: `cacheApiJwksStore`, else
/// `kvJwksStore`): an object whose members are all known (only `key`): `""`, or the `E` step of
/// the error.
#[wasm_bindgen(js_name = storeOptions)]
pub fn store_options(kind: u32, facts: u32, options: Option<String>) -> String {
    let what = if kind == 0 {
        "cacheApiJwksStore options"
    } else {
        "kvJwksStore options"
    };
    let check = || -> Result<()> {
        match params_value(facts, options.as_deref(), what)? {
            json::Value::Object(object) => {
                crate::options::check_names(&object, what, "", &[STORE_OPTIONS])
            }
            _ => Err(Error::invalid_argument(
                [what, " must be an object"].concat(),
            )),
        }
    };
    match check() {
        Ok(()) => String::new(),
        Err(e) => failed(&e),
    }
}

/// `verifyJwt(session_jwt, options)` (`b2b`: `verifyB2BJwt`): `token` is `None` when it is not
/// a string, `options` the options' JSON text, `current_date` their `current_date` in
/// milliseconds (NaN when it is neither a `Date` nor a number), `now` the host's clock.
#[wasm_bindgen(js_name = verifyJwt)]
pub fn verify_jwt(
    token: Option<String>,
    b2b: bool,
    facts: u32,
    options: Option<String>,
    current_date: Option<f64>,
    now: f64,
) -> String {
    forget_facts();
    let read = || -> Result<(Rc<Config>, Operation)> {
        let token = token.ok_or_else(|| Error::invalid_argument("session_jwt must be a string"))?;
        let text = options_text(facts, options.as_deref(), "verifyJwt options")?;
        let variant = variant(facts & STORE != 0, b2b);
        let (config, params) = config_cache::verify(text, variant, current_date)?;
        Ok((config, Operation::VerifyJwt { token, params }))
    };
    match read() {
        Ok((config, operation)) => start(config, operation, Finish::Answer, now),
        Err(e) => failed(&e),
    }
}

/// A client's call `op` (`"authenticate"`, … for `client.sessions`; `"m2m.token"`,
/// `"idp.introspectTokenLocal"`, … for `client.m2m` and `client.idp`) for a client made with
/// `client` (its checked options text), with a JWKS store or not, a `B2BClient` (`b2b`) or a
/// `Client`. `facts` and `params` are the first argument's when it is an object; `token` is it
/// when it is a string; `options` is the JSON text of the second argument.
#[wasm_bindgen(js_name = clientCall)]
#[allow(clippy::too_many_arguments)]
pub fn client_call(
    op: &str,
    client: &str,
    store: bool,
    b2b: bool,
    token: Option<String>,
    facts: u32,
    params: Option<String>,
    options: Option<String>,
    current_date: Option<f64>,
    now: f64,
) -> String {
    forget_facts();
    let read = || -> Result<(Rc<Config>, Operation)> {
        let variant = variant(store, b2b);
        let config = config_cache::client(client, variant)?;
        let read = |what: &'static str| params_value(facts, params.as_deref(), what);
        let options = |what: &'static str| match options.as_deref() {
            None => Ok(json::Value::Null),
            Some(text) => config_cache::options_value(text, what),
        };
        let operation = client_operation(op, variant.product, token, read, options, current_date)?;
        Ok((config, operation))
    };
    match read() {
        Ok((config, operation)) => start(config, operation, Finish::Answer, now),
        Err(e) => failed(&e),
    }
}

/// `authenticateRequest(request, options)` once the driver has read the request's
/// `Authorization` and `Cookie` headers: its final step is `A` with `{ok: true, session,
/// session_jwt, verdict?, set_cookie?}` or `{ok: false, status, code, body, error?}` (`error`
/// as in an `E` step); it is `E` only for bad options.
#[wasm_bindgen(js_name = authenticateRequest)]
pub fn authenticate_request(
    authorization: Option<String>,
    cookie: Option<String>,
    b2b: bool,
    facts: u32,
    options: Option<String>,
    now: f64,
) -> String {
    forget_facts();
    let read = || -> Result<(Rc<Config>, GateOptions)> {
        let text = options_text(facts, options.as_deref(), "authenticateRequest options")?;
        config_cache::gate(text, variant(facts & STORE != 0, b2b))
    };
    let (config, mut gate_options) = match read() {
        Ok(read) => read,
        Err(e) => return failed(&e),
    };
    match gate_options.operation(authorization.as_deref(), cookie.as_deref()) {
        Some(operation) => start(config, operation, Finish::Gate(Box::new(gate_options)), now),
        None => answered(&gate::refused(401, gate::NO_SESSION)),
    }
}

/// `authenticateAccessToken(request, options)` once the driver has read the request's
/// `Authorization` header: its final step is `A` with `{ok: true, token_type, token}` or `{ok:
/// false, status, code, body, www_authenticate?, error?}`; it is `E` only for bad options.
#[wasm_bindgen(js_name = authenticateAccessToken)]
pub fn authenticate_access_token(
    authorization: Option<String>,
    b2b: bool,
    facts: u32,
    options: Option<String>,
    now: f64,
) -> String {
    forget_facts();
    let read = || -> Result<(Rc<Config>, AccessGate)> {
        let what = "authenticateAccessToken options";
        let text = options_text(facts, options.as_deref(), what)?;
        config_cache::access_gate(text, variant(facts & STORE != 0, b2b))
    };
    let (config, gate) = match read() {
        Ok(read) => read,
        Err(e) => return failed(&e),
    };
    match gate.operation(authorization.as_deref()) {
        Some(operation) => start(config, operation, Finish::AccessGate(Box::new(gate)), now),
        None => answered(&gate.no_token()),
    }
}

/// `protectedResourceMetadata(options)`: `A` with the RFC 9728 document, or `E`.
#[wasm_bindgen(js_name = protectedResourceMetadata)]
pub fn protected_resource_metadata(facts: u32, options: Option<String>) -> String {
    let what = "protectedResourceMetadata options";
    let document = params_value(facts, options.as_deref(), what)
        .and_then(|value| gate_access::metadata_document(&value));
    match document {
        Ok(text) => answered(&text),
        Err(e) => failed(&e),
    }
}

/// Resumes call `id` with what the driver did for its last step (`input`, one of the resume
/// codes of [`crate::protocol`], with a `status` and a `text` where it has them).
#[wasm_bindgen]
pub fn resume(id: u32, input: u32, status: u32, text: Option<String>, now: f64) -> String {
    let taken = CALLS.with(|calls| {
        let mut calls = calls.borrow_mut();
        calls.get_mut(id as usize).and_then(Option::take)
    });
    let Some(InFlight {
        mut call,
        finish,
        host,
    }) = taken
    else {
        return failed(&Error::invalid_argument("no such call in flight"));
    };
    let input = match input {
        RESPONSE => Input::Response(Ok(HttpResponse {
            status: u16::try_from(status).unwrap_or(0),
            body: text.unwrap_or_default(),
        })),
        LOADED => Input::Loaded(text),
        WOKE => Input::Woke,
        failed => Input::Response(Err(send_failure(
            failed,
            text.as_deref().unwrap_or(""),
            host.as_deref(),
        ))),
    };
    step(call_with(&mut call, input, now), call, finish, now)
}

/// What a call's options are read under: with a shared JWKS store or not, for a B2B client
/// (`b2b`) or a consumer one.
fn variant(jwks_store: bool, b2b: bool) -> config_cache::Variant {
    config_cache::Variant {
        jwks_store,
        product: if b2b { &B2B } else { &CONSUMER },
    }
}

/// An options object's JSON text, once the facts about it allow it (`what` names it in the
/// errors): `fetch` must be a function, `jwks_store` an object with `get` and `put`.
pub fn options_text<'a>(facts: u32, text: Option<&'a str>, what: &'static str) -> Result<&'a str> {
    if facts & BAD_FETCH != 0 {
        return Err(Error::invalid_argument("fetch must be a function"));
    }
    if facts & BAD_HOOK != 0 {
        return Err(Error::invalid_argument("on_decision must be a function"));
    }
    if facts & BAD_STORE != 0 {
        return Err(Error::invalid_argument(
            "jwks_store must be an object with get() and put(value, ttl_seconds)",
        ));
    }
    params_text(facts, text, what)
}

/// A params (or options) object's JSON text, once it is an object whose text could be made.
fn params_text<'a>(facts: u32, text: Option<&'a str>, what: &'static str) -> Result<&'a str> {
    if facts & OBJECT == 0 {
        return Err(Error::invalid_argument(
            [what, " must be an object"].concat(),
        ));
    }
    text.ok_or_else(|| Error::invalid_argument([what, " cannot be read as JSON"].concat()))
}

/// A params object's JSON value (see [`params_text`]).
pub fn params_value(facts: u32, text: Option<&str>, what: &'static str) -> Result<json::Value> {
    config_cache::options_value(params_text(facts, text, what)?, what)
}

fn call_with(call: &mut Call, input: Input, now: f64) -> Next {
    ENGINE.with(|engine| call.step(&mut engine.borrow_mut(), input, now))
}

fn start(config: Rc<Config>, operation: Operation, finish: Finish, now: f64) -> String {
    let mut call = Call::new(config, operation);
    let next = call_with(&mut call, Input::Start, now);
    step(next, call, finish, now)
}

/// The step text for `next`: a call that is not over waits in [`CALLS`] for its resume, and its
/// step is its tag, its id and what the driver needs for it ([`protocol::Pending`]).
fn step(next: Next, call: Call, finish: Finish, now: f64) -> String {
    match next {
        Next::Done(result) => done(&call, finish, result, now),
        next => suspend(next, call, finish, now),
    }
}

/// The final step of `call`, its facts recorded.
fn done(call: &Call, finish: Finish, result: Result<crate::engine::Answer>, now: f64) -> String {
    record_facts(call, &result);
    settle(finish, result, now)
}

/// [`step`] for a step that asks the driver for I/O: the call is parked until the driver
/// resumes it. A function of its own: V8 compiles a whole function on its first call, and a
/// first verification with its keys given never suspends.
#[inline(never)]
fn suspend(next: Next, call: Call, finish: Finish, now: f64) -> String {
    // How long the driver waits for the store (docs/rules.md, "Driver contract").
    let wait_ms = protocol::store_wait_ms(call.config());
    let mut host = None;
    let mut json = String::new();
    let tag = match next {
        Next::Done(result) => return done(&call, finish, result, now),
        Next::Send(request) => {
            protocol::request_json(&request, &mut json);
            host = url_host(&request.url).map(Box::from);
            protocol::FETCH
        }
        Next::Wait(ms) => {
            protocol::wait_json(ms, &mut json);
            protocol::WAIT
        }
        Next::Load => {
            protocol::load_json(wait_ms, &mut json);
            protocol::LOAD
        }
        Next::Save { value, ttl_seconds } => {
            protocol::put_json(ttl_seconds, wait_ms, &value, &mut json);
            protocol::PUT
        }
    };
    protocol::step_text(tag, park(InFlight { call, finish, host }), &json)
}

/// Keeps a call until the driver resumes it: its id.
fn park(call: InFlight) -> u32 {
    CALLS.with(|calls| {
        let mut calls = calls.borrow_mut();
        let index = match calls.iter().position(Option::is_none) {
            Some(free) => free,
            None => {
                calls.push(None);
                calls.len() - 1
            }
        };
        calls[index] = Some(call);
        u32::try_from(index).unwrap_or(u32::MAX)
    })
}

/// The final step of a call.
fn settle(finish: Finish, result: Result<crate::engine::Answer>, now: f64) -> String {
    match finish {
        Finish::Answer => match result {
            Ok(answer) => answered(&answer.to_json()),
            Err(e) => failed(&e),
        },
        Finish::AccessGate(gate) => match gate.verdict(result) {
            Ok(text) => answered(&text),
            Err((refusal, error)) => refusal_step(&refusal, &error),
        },
        Finish::Gate(gate) => match gate.verdict(result, now) {
            Ok(text) => answered(&text),
            Err((refusal, error)) => refusal_step(&refusal, &error),
        },
    }
}

/// A gate's refusal, with the error it stands for as `error` (for logging: it holds no
/// secret).
fn refusal_step(refusal: &str, error: &Error) -> String {
    let mut out = String::from(protocol::ANSWER);
    out.push_str(refusal.strip_suffix('}').unwrap_or(refusal));
    out.push_str(",\"error\":");
    protocol::error_json(error, &mut out);
    out.push('}');
    out
}
