//! What the npm package calls: each export starts or resumes one engine call and returns its
//! next step as text, which the package's JavaScript (`pkg-template/api.js`, "the driver")
//! carries out with the host's `fetch`, timers and JWKS store before it resumes the call.
//!
//! Only strings and numbers cross, and the module imports nothing of ours from JavaScript (its
//! one import is wasm-bindgen's own `throw`): V8 compiles a wrapper per distinct import
//! signature when it compiles a module, and the 25 signatures of a Rust-driven loop over
//! `fetch` and promises cost a fresh Node process about 2 ms (benches/RESULTS.md).
//!
//! The step texts (the first character says which):
//!
//! | step | the driver |
//! |---|---|
//! | `A` + JSON | resolves with the parsed JSON |
//! | `E` + JSON error | rejects with the error class the JSON names (`class`, `code`, `message`, `claim`; or `fields` of a `StytchError`) |
//! | `F` id ` ` JSON request | fetches `{method, url, headers, body?, timeout_ms}`, then [`resume`]s with what came back |
//! | `W` id ` ` ms | waits that long, then resumes with [`WOKE`] |
//! | `L` id ` ` ms | reads the JWKS store (waiting at most ms), then resumes with [`LOADED`] |
//! | `P` id ` ` ttl ` ` ms ` ` value | gives the store the value to keep for ttl seconds (waiting at most ms), then resumes with [`WOKE`] |
//!
//! The driver also reports what it found out about the JavaScript values it was given, as the
//! bits below (a fact about a type, never a decision): every rule and every message is here.

use super::config_cache;
use super::operations::operation;
use super::ENGINE;
use crate::config::Config;
use crate::engine::{Call, Input, Next, Operation};
use crate::error::{Error, RequestErrorCode, Result};
use crate::gate::{self, GateOptions};
use crate::http::{HttpRequest, HttpResponse};
use crate::json;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// Facts: the options value is an object (not `null`, an array or a function).
pub const OBJECT: u32 = 1;
/// Facts: it has a `fetch` that is not a function.
pub const BAD_FETCH: u32 = 2;
/// Facts: it has a `jwks_store` with `get` and `put` functions.
pub const STORE: u32 = 4;
/// Facts: it has a `jwks_store` that is not an object with `get` and `put` functions.
pub const BAD_STORE: u32 = 8;

/// Resume inputs: the wait or the store's `put` is over.
pub const WOKE: u32 = 0;
/// Resume inputs: the response's status and whole text.
pub const RESPONSE: u32 = 1;
/// Resume inputs: `fetch` (or reading the body) threw or rejected; the text is the error's
/// `name`, when it had one.
pub const REJECTED: u32 = 2;
/// Resume inputs: the `fetch` option returned something that is not a `Promise`.
pub const NOT_A_PROMISE: u32 = 3;
/// Resume inputs: `fetch` resolved to something that is not a `Response`.
pub const NOT_A_RESPONSE: u32 = 4;
/// Resume inputs: the request's headers could not be made (a value `Headers` refuses).
pub const BAD_HEADERS: u32 = 5;
/// Resume inputs: what the store's `get` gave, when it was a string.
pub const LOADED: u32 = 6;

/// How a call's result becomes its final step.
enum Finish {
    /// The answer, or the error.
    Answer,
    /// `authenticateRequest`'s verdict on the request (see [`crate::gate`]).
    Gate(Box<GateOptions>),
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
}

/// Checks `new Client(options)`: `""`, or the `E` step of the error.
#[wasm_bindgen(js_name = clientOptions)]
pub fn client_options(facts: u32, options: Option<String>) -> String {
    let check = || -> Result<()> {
        let text = options_text(facts, options.as_deref(), "Client options")?;
        config_cache::client(text, false)?;
        Ok(())
    };
    match check() {
        Ok(()) => String::new(),
        Err(e) => failed(&e),
    }
}

/// The members a JWKS store factory's options may have.
const STORE_OPTIONS: crate::api::Names = &["key"];

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
                crate::api::check_names(&object, what, "", &[STORE_OPTIONS])
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

/// `verifyJwt(session_jwt, options)`: `token` is `None` when it is not a string, `options` the
/// options' JSON text, `current_date` their `current_date` in milliseconds (NaN when it is
/// neither a `Date` nor a number), `now` the host's clock.
#[wasm_bindgen(js_name = verifyJwt)]
pub fn verify_jwt(
    token: Option<String>,
    facts: u32,
    options: Option<String>,
    current_date: Option<f64>,
    now: f64,
) -> String {
    let read = || -> Result<(Rc<Config>, Operation)> {
        let token = token.ok_or_else(|| Error::invalid_argument("session_jwt must be a string"))?;
        let text = options_text(facts, options.as_deref(), "verifyJwt options")?;
        let (config, params) = config_cache::verify(text, facts & STORE != 0, current_date)?;
        Ok((config, Operation::VerifyJwt { token, params }))
    };
    match read() {
        Ok((config, operation)) => start(config, operation, Finish::Answer, now),
        Err(e) => failed(&e),
    }
}

/// `client.sessions[op](params)` for a client made with `client` (its checked options text),
/// with a JWKS store or not; `facts` and `params` are the params object's.
#[wasm_bindgen(js_name = sessionsCall)]
pub fn sessions_call(
    op: &str,
    client: &str,
    store: bool,
    facts: u32,
    params: Option<String>,
    current_date: Option<f64>,
    now: f64,
) -> String {
    let read = || -> Result<(Rc<Config>, Operation)> {
        let config = config_cache::client(client, store)?;
        let read = |what: &'static str| params_value(facts, params.as_deref(), what);
        Ok((config, operation(op, read, current_date)?))
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
    facts: u32,
    options: Option<String>,
    now: f64,
) -> String {
    let read = || -> Result<(Rc<Config>, GateOptions)> {
        let text = options_text(facts, options.as_deref(), "authenticateRequest options")?;
        config_cache::gate(text, facts & STORE != 0)
    };
    let (config, mut gate_options) = match read() {
        Ok(read) => read,
        Err(e) => return failed(&e),
    };
    match gate_options.operation(authorization.as_deref(), cookie.as_deref()) {
        Some(operation) => start(config, operation, Finish::Gate(Box::new(gate_options)), now),
        None => ["A", &gate::refused(401, gate::NO_SESSION)].concat(),
    }
}

/// Resumes call `id` with what the driver did for its last step (`input`, one of the resume
/// inputs above, with a `status` and a `text` where it has them).
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

/// Why a request to `host` (see [`url_host`]) got no answer: `input` is one of [`REJECTED`]
/// (with the `name` of what `fetch` threw or rejected with), [`NOT_A_PROMISE`],
/// [`NOT_A_RESPONSE`] or [`BAD_HEADERS`]. Our own timeout signal (`TimeoutError`, `AbortError`)
/// is a timeout, anything else a network failure. The messages name the host (never the path,
/// the query or credentials): `fetch to api.stytch.com failed (TypeError)`, `no answer from
/// api.stytch.com within the timeout`. The error's message is not passed on (it may carry a
/// URL); its name is, when it is a plain identifier.
pub fn send_failure(input: u32, name: &str, host: Option<&str>) -> Error {
    let network = |message: String| Error::request(RequestErrorCode::NetworkError, message);
    let to = |before: &str, after: &str| match host {
        Some(host) => [before, " ", host, after].concat(),
        None => [before, after].concat(),
    };
    match input {
        NOT_A_PROMISE => network(to(
            "the fetch option did not return a Promise for the request to",
            "",
        )),
        NOT_A_RESPONSE => network(to("fetch to", " did not resolve to a Response")),
        BAD_HEADERS => network(to("invalid header value in the request to", "")),
        _ if name == "TimeoutError" || name == "AbortError" => Error::request(
            RequestErrorCode::Timeout,
            to("no answer from", " within the timeout"),
        ),
        _ if name.is_empty()
            || name.len() > 40
            || !name.bytes().all(|b| b.is_ascii_alphanumeric()) =>
        {
            network(to("fetch to", " failed"))
        }
        _ => network(to("fetch to", &[" failed (", name, ")"].concat())),
    }
}

/// The host (and port) of `url`, as a message may name it: what is between `://` and the path,
/// without credentials (`user:pass@`), when it is at most 255 characters of a host name or an
/// IP address (`[` `]` and `:` included); else `None`.
pub fn url_host(url: &str) -> Option<&str> {
    // Bytes, not `str` patterns: a pattern search and a char-boundary panic path would bring
    // the standard library's searcher and Unicode tables into the module.
    let bytes = url.as_bytes();
    let start = bytes.windows(3).position(|w| w == b"://")? + 3;
    let end = bytes
        .iter()
        .skip(start)
        .position(|b| matches!(b, b'/' | b'?' | b'#'))
        .map_or(bytes.len(), |n| start + n);
    let authority = bytes.get(start..end)?;
    let at = authority
        .iter()
        .rposition(|&b| b == b'@')
        .map_or(0, |n| n + 1);
    let host = authority.get(at..)?;
    let plain = host
        .iter()
        .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    if host.is_empty() || host.len() > 255 || !plain {
        return None;
    }
    // Plain ASCII, so any byte offset within it is a char boundary of `url`.
    url.get(start + at..end)
}

/// An options object's JSON text, once the facts about it allow it (`what` names it in the
/// errors): `fetch` must be a function, `jwks_store` an object with `get` and `put`.
pub fn options_text<'a>(facts: u32, text: Option<&'a str>, what: &'static str) -> Result<&'a str> {
    if facts & BAD_FETCH != 0 {
        return Err(Error::invalid_argument("fetch must be a function"));
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
/// step is its tag, its id and what the driver needs for it.
fn step(next: Next, call: Call, finish: Finish, now: f64) -> String {
    // A store that does not answer within the JWKS timeout counts as failed (docs/rules.md).
    let store_ms = call.config().jwks_timeout_ms();
    let mut rest = String::new();
    let mut host = None;
    let tag = match next {
        Next::Done(result) => return settle(finish, result, now),
        Next::Send(request) => {
            request_json(&request, &mut rest);
            host = url_host(&request.url).map(Box::from);
            'F'
        }
        Next::Wait(ms) => {
            push_u32(&mut rest, ms);
            'W'
        }
        Next::Load => {
            push_u32(&mut rest, store_ms);
            'L'
        }
        Next::Save { value, ttl_seconds } => {
            push_u32(&mut rest, ttl_seconds);
            rest.push(' ');
            push_u32(&mut rest, store_ms);
            rest.push(' ');
            rest.push_str(&value);
            'P'
        }
    };
    let mut out = String::with_capacity(rest.len() + 12);
    out.push(tag);
    push_u32(&mut out, park(InFlight { call, finish, host }));
    out.push(' ');
    out.push_str(&rest);
    out
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
            Ok(answer) => ["A", &answer.to_json()].concat(),
            Err(e) => failed(&e),
        },
        Finish::Gate(gate) => match gate.verdict(result, now) {
            Ok(text) => ["A", &text].concat(),
            Err((refusal, error)) => {
                // The refusal, with the error it stands for as `error` (for logging: it holds
                // no secret).
                let mut out = String::from("A");
                out.push_str(refusal.strip_suffix('}').unwrap_or(&refusal));
                out.push_str(",\"error\":");
                error_json(&error, &mut out);
                out.push('}');
                out
            }
        },
    }
}

/// The `E` step of `error`.
fn failed(error: &Error) -> String {
    let mut out = String::from("E");
    error_json(error, &mut out);
    out
}

/// `error` as the JSON the driver makes its error object from.
fn error_json(error: &Error, out: &mut String) {
    match error {
        Error::Client {
            code,
            message,
            claim,
        } => {
            out.push_str("{\"class\":\"ClientError\",\"code\":\"");
            out.push_str(code.as_str());
            out.push_str("\",\"message\":");
            json::write_str(message, out);
            if let Some(claim) = claim {
                out.push_str(",\"claim\":");
                json::write_str(claim, out);
            }
        }
        Error::Request { code, message } => {
            out.push_str("{\"class\":\"RequestError\",\"code\":\"");
            out.push_str(code.as_str());
            out.push_str("\",\"message\":");
            json::write_str(message, out);
        }
        Error::Stytch(e) => {
            // The API's error body, which was read as a JSON object (`StytchError::from_body`).
            out.push_str("{\"class\":\"StytchError\",\"fields\":");
            out.push_str(&e.body);
        }
    }
    out.push('}');
}

/// `{"method", "url", "headers": {name: value}, "body"?, "timeout_ms"}`.
fn request_json(request: &HttpRequest, out: &mut String) {
    out.push_str("{\"method\":");
    json::write_str(request.method, out);
    out.push_str(",\"url\":");
    json::write_str(&request.url, out);
    out.push_str(",\"headers\":{");
    for (i, (name, value)) in request.headers.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        json::write_str(name, out);
        out.push(':');
        json::write_str(value, out);
    }
    out.push_str("},\"timeout_ms\":");
    push_u32(out, request.timeout_ms);
    if let Some(body) = &request.body {
        out.push_str(",\"body\":");
        json::write_str(body, out);
    }
    out.push('}');
}

fn push_u32(out: &mut String, n: u32) {
    json::push_u64(out, u64::from(n));
}
