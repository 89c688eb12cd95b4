//! A test driver over the exports the npm package calls (`src/wasm/calls.rs`): the package's
//! JavaScript driver (`pkg-template/api.js`) written again in Rust, small, over the same
//! protocol (`stytch_sessions_wasm::internal::protocol`: its tags, resume codes and facts). It reads a JS
//! options value into facts and JSON text, starts a call, and carries out each step (`fetch`
//! with its timeout race, waits, the JWKS store within its wait bound) until the call is
//! answered; errors are the package's own classes (`pkg-template/errors.js`).
//!
//! Its surface is the old `js-client` one (`JsClient`, `Sessions`, `verify_jwt`,
//! `authenticate_request_headers`), so every test of the suite reads as before.

use js_sys::{Array, Function, Object, Promise, Reflect, JSON};
use std::rc::Rc;
use stytch_sessions_wasm::internal::protocol::{
    ANSWER, BAD_FETCH, BAD_HEADERS, BAD_STORE, ERROR, FETCH, LOAD, LOADED, NOT_A_PROMISE,
    NOT_A_RESPONSE, OBJECT, PUT, REJECTED, RESPONSE, STORE, WAIT, WOKE,
};
use stytch_sessions_wasm::wasm::calls;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::{AbortController, Headers, RequestInit, Response};

#[wasm_bindgen(module = "/pkg-template/errors.js")]
extern "C" {
    type ClientError;
    #[wasm_bindgen(constructor)]
    fn new(code: &str, message: &str, claim: Option<String>) -> ClientError;
    type RequestError;
    #[wasm_bindgen(constructor)]
    fn new(code: &str, message: &str) -> RequestError;
    type StytchError;
    #[wasm_bindgen(constructor)]
    fn new(fields: &JsValue) -> StytchError;
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch, catch)]
    fn global_fetch(input: &str, init: &RequestInit) -> Result<Promise, JsValue>;
}

/// The global function `name` (`setTimeout`, `clearTimeout`), called with `args`. Not declared as
/// imports: `wasm::JsHost` declares the same ones, and two identical declarations would link to
/// one symbol twice.
fn global_call(name: &str, args: &[&JsValue]) -> JsValue {
    let global = js_sys::global();
    let f: Function = Reflect::get(&global, &name.into())
        .unwrap()
        .unchecked_into();
    let args: Array = args.iter().copied().collect();
    f.apply(&global, &args).unwrap()
}

fn set_timeout(callback: &Function, ms: f64) -> JsValue {
    global_call("setTimeout", &[callback, &ms.into()])
}

fn set_timeout_with(callback: &Function, ms: f64, argument: &JsValue) -> JsValue {
    global_call("setTimeout", &[callback, &ms.into(), argument])
}

fn clear_timeout(id: &JsValue) {
    global_call("clearTimeout", &[id]);
}

/// The host objects of a call: its `fetch` option (else the global one) and its JWKS store.
#[derive(Clone, Default)]
struct Io {
    fetch: Option<Function>,
    store: Option<JsValue>,
}

/// An options (or params) value as the module takes it (api.js's `read`).
struct Read {
    facts: u32,
    text: Option<String>,
    io: Io,
    /// `current_date` in milliseconds (NaN when neither a `Date` nor a number).
    date: Option<f64>,
}

fn read(value: &JsValue) -> Read {
    let mut facts = 0;
    if value.is_object() && !Array::is_array(value) && !value.is_function() {
        facts |= OBJECT;
    }
    // One `JSON.stringify` snapshot: a throwing getter or proxy, a cycle or a BigInt makes no
    // text (the module refuses it as unreadable).
    let text = (facts & OBJECT != 0)
        .then(|| JSON::stringify(value).ok()?.as_string())
        .flatten();
    let fetch = field(value, "fetch");
    if fetch.as_ref().is_some_and(|f| !f.is_function()) {
        facts |= BAD_FETCH;
    }
    let store = field(value, "jwks_store");
    if let Some(store) = &store {
        let has = |name: &str| Reflect::get(store, &name.into()).is_ok_and(|f| f.is_function());
        facts |= if store.is_object() && has("get") && has("put") {
            STORE
        } else {
            BAD_STORE
        };
    }
    let date = field(value, "current_date").map(|d| match d.dyn_ref::<js_sys::Date>() {
        Some(date) => date.get_time(),
        None => d.as_f64().unwrap_or(f64::NAN),
    });
    Read {
        facts,
        text,
        io: Io {
            fetch: fetch
                .filter(JsValue::is_function)
                .map(JsCast::unchecked_into),
            store: store.filter(|_| facts & STORE != 0),
        },
        date,
    }
}

/// An own or inherited member, `None` when absent, `undefined`, `null` or unreadable.
fn field(object: &JsValue, name: &str) -> Option<JsValue> {
    if !object.is_object() {
        return None;
    }
    let value = Reflect::get(object, &name.into()).ok()?;
    (!value.is_undefined() && !value.is_null()).then_some(value)
}

/// The error an `E` step (or a refusal's `error`) describes, as the package's class.
fn to_error(e: &JsValue) -> JsValue {
    let text = |name: &str| {
        Reflect::get(e, &name.into())
            .ok()
            .and_then(|v| v.as_string())
    };
    let code = text("code").unwrap_or_default();
    let message = text("message").unwrap_or_default();
    match text("class").as_deref() {
        Some("ClientError") => ClientError::new(&code, &message, text("claim")).into(),
        Some("RequestError") => RequestError::new(&code, &message).into(),
        _ => StytchError::new(&Reflect::get(e, &"fields".into()).unwrap_or_default()).into(),
    }
}

/// How a call's final answer becomes what its promise resolves with.
#[derive(Clone, Copy)]
enum Finish {
    Answer,
    /// `authenticateRequest`: a refusal's `error` becomes the package's error class.
    Gate,
}

fn is_final(step: &str) -> bool {
    step.starts_with(ANSWER) || step.starts_with(ERROR)
}

/// The answer a final step holds, or the error it describes.
fn settle(step: &str, finish: Finish) -> Result<JsValue, JsValue> {
    let value = JSON::parse(step.get(1..).unwrap_or("")).expect("a final step holds JSON");
    if step.starts_with(ERROR) {
        return Err(to_error(&value));
    }
    if let Finish::Gate = finish {
        let error = Reflect::get(&value, &"error".into()).unwrap_or_default();
        if error.is_object() {
            Reflect::set(&value, &"error".into(), &to_error(&error)).unwrap();
        }
    }
    Ok(value)
}

/// Carries out a call's steps until it is answered; a call answered at its first step settles
/// at once, as in api.js.
fn run(step: String, io: Io, finish: Finish) -> Promise {
    if is_final(&step) {
        return match settle(&step, finish) {
            Ok(value) => Promise::resolve(&value),
            Err(error) => Promise::reject(&error),
        };
    }
    future_to_promise(drive(step, io, finish))
}

async fn drive(mut step: String, io: Io, finish: Finish) -> Result<JsValue, JsValue> {
    while !is_final(&step) {
        // `tag id JSON`: one JSON per step.
        let space = step
            .find(' ')
            .expect("a step that is not final is `tag id JSON`");
        let tag = step.get(..1).expect("a step's tag");
        let id: u32 = step[1..space].parse().expect("a step's id");
        let args = JSON::parse(&step[space + 1..]).expect("a step's JSON");
        let number = |name: &str| Reflect::get(&args, &name.into()).unwrap().as_f64().unwrap();
        let (mut input, mut status, mut text) = (WOKE, 0, None);
        if tag == FETCH {
            (input, status, text) = send(io.fetch.as_ref(), &args).await;
        } else if tag == WAIT {
            sleep(number("ms")).await;
        } else if tag == LOAD {
            let value = store_call(&io, "get", Array::new(), number("wait_ms")).await;
            (input, text) = (LOADED, value.and_then(|v| v.as_string()));
        } else if tag == PUT {
            let value = Reflect::get(&args, &"value".into()).unwrap();
            let ttl = Reflect::get(&args, &"ttl_seconds".into()).unwrap();
            store_call(&io, "put", Array::of2(&value, &ttl), number("wait_ms")).await;
        } else {
            panic!("unknown step tag {tag:?} in {step}");
        }
        step = calls::resume(id, input, status, text, js_sys::Date::now());
    }
    settle(&step, finish)
}

/// Resolves after `ms` milliseconds.
async fn sleep(ms: f64) {
    let promise = Promise::new(&mut |resolve, _| {
        set_timeout(&resolve, ms);
    });
    JsFuture::from(promise).await.unwrap();
}

/// The store's `get` or `put`, awaited for at most `ms` (the step's wait bound); whatever goes
/// wrong reads as `None`.
async fn store_call(io: &Io, method: &str, args: Array, ms: f64) -> Option<JsValue> {
    let store = io.store.as_ref()?;
    let f: Function = Reflect::get(store, &method.into()).ok()?.dyn_into().ok()?;
    let value = f.apply(store, &args).ok()?;
    let late = JsValue::from_str("__store_wait_over__");
    let mut timer = JsValue::UNDEFINED;
    let timeout = Promise::new(&mut |resolve, _| {
        timer = set_timeout_with(&resolve, ms, &late);
    });
    let raced = Promise::race(&Array::of2(&Promise::resolve(&value), &timeout));
    let outcome = JsFuture::from(raced).await;
    clear_timeout(&timer);
    outcome.ok().filter(|v| v != &late)
}

/// The `name` of what `fetch` threw or rejected with, when it is a string.
fn error_name(error: &JsValue) -> Option<String> {
    error
        .is_object()
        .then(|| Reflect::get(error, &"name".into()).ok()?.as_string())
        .flatten()
}

/// Sends the request a `F` step describes: what to resume with. Its timeout bounds the whole
/// exchange, the body included, even when the `fetch` option ignores the abort signal.
async fn send(fetch: Option<&Function>, request: &JsValue) -> (u32, u32, Option<String>) {
    let get = |name: &str| Reflect::get(request, &name.into()).unwrap();
    let url = get("url").as_string().unwrap();
    let init = RequestInit::new();
    init.set_method(&get("method").as_string().unwrap());
    let Ok(headers) = Headers::new() else {
        return (BAD_HEADERS, 0, None);
    };
    let members = get("headers");
    for name in Object::keys(members.unchecked_ref::<Object>()).iter() {
        let name = name.as_string().unwrap();
        let value = Reflect::get(&members, &name.as_str().into()).unwrap();
        if headers.set(&name, &value.as_string().unwrap()).is_err() {
            return (BAD_HEADERS, 0, None);
        }
    }
    init.set_headers(&headers);
    let body = get("body");
    if !body.is_undefined() {
        init.set_body(&body);
    }
    let controller = AbortController::new().unwrap();
    init.set_signal(Some(&controller.signal()));
    // The time limit: rejects with a `TimeoutError` and aborts the request.
    let reason = js_sys::Error::new("no answer within the timeout");
    reason.set_name("TimeoutError");
    let ms = get("timeout_ms").as_f64().unwrap();
    let mut timers = Vec::new();
    let timed_out = Promise::new(&mut |_, reject| {
        timers.push(set_timeout_with(&reject, ms, &reason));
    });
    let abort = Reflect::get(&controller, &"abort".into())
        .unwrap()
        .unchecked_into::<Function>()
        .bind1(&controller, &reason)
        .unchecked_into::<Function>();
    timers.push(set_timeout(&abort, ms));
    let outcome = exchange(fetch, &url, &init, &timed_out).await;
    for timer in &timers {
        clear_timeout(timer);
    }
    outcome
}

async fn exchange(
    fetch: Option<&Function>,
    url: &str,
    init: &RequestInit,
    timed_out: &Promise,
) -> (u32, u32, Option<String>) {
    let rejected = |error: JsValue| (REJECTED, 0, error_name(&error));
    let pending = match fetch {
        Some(fetch) => match fetch.call2(&JsValue::UNDEFINED, &url.into(), init) {
            Ok(value) => match value.dyn_into::<Promise>() {
                Ok(promise) => promise,
                Err(_) => return (NOT_A_PROMISE, 0, None),
            },
            Err(error) => return rejected(error),
        },
        None => match global_fetch(url, init) {
            Ok(promise) => promise,
            Err(error) => return rejected(error),
        },
    };
    let race = |p: &Promise| JsFuture::from(Promise::race(&Array::of2(p, timed_out)));
    let response = match race(&pending).await {
        Ok(response) => response,
        Err(error) => return rejected(error),
    };
    let Ok(response) = response.dyn_into::<Response>() else {
        return (NOT_A_RESPONSE, 0, None);
    };
    let text = match response.text() {
        Ok(text) => race(&text).await,
        Err(error) => Err(error),
    };
    match text {
        Ok(text) => (
            RESPONSE,
            u32::from(response.status()),
            Some(text.as_string().unwrap_or_default()),
        ),
        Err(error) => rejected(error),
    }
}

/// `verifyJwt(session_jwt, options)`.
pub fn verify_jwt(session_jwt: JsValue, options: JsValue) -> Promise {
    let r = read(&options);
    let step = calls::verify_jwt(
        session_jwt.as_string(),
        false,
        r.facts,
        r.text,
        r.date,
        js_sys::Date::now(),
    );
    run(step, r.io, Finish::Answer)
}

/// `authenticateRequest(request, options)` once its `Authorization` and `Cookie` headers are read.
pub fn authenticate_request_headers(
    authorization: Option<String>,
    cookie: Option<String>,
    options: JsValue,
) -> Promise {
    let r = read(&options);
    let step = calls::authenticate_request(
        authorization,
        cookie,
        false,
        r.facts,
        r.text,
        js_sys::Date::now(),
    );
    run(step, r.io, Finish::Gate)
}

/// `new Client(options)`: its checked options text and its host objects.
#[derive(Clone)]
pub struct JsClient {
    text: Rc<str>,
    io: Io,
}

impl JsClient {
    /// `new Client(options)`; throws (here: `Err`) the `ClientError` of bad options.
    pub fn new(options: JsValue) -> Result<JsClient, JsValue> {
        let r = read(&options);
        let refused = calls::client_options(r.facts, r.text.clone());
        if !refused.is_empty() {
            return Err(settle(&refused, Finish::Answer).expect_err("a refusal is an E step"));
        }
        Ok(JsClient {
            text: Rc::from(r.text.expect("accepted options have a text")),
            io: r.io,
        })
    }

    /// `client.sessions`.
    pub fn sessions(&self) -> Sessions {
        Sessions(self.clone())
    }
}

/// `client.sessions`.
pub struct Sessions(JsClient);

impl Sessions {
    /// `client.sessions[op](params)`.
    pub fn call(&self, op: &str, params: JsValue) -> Promise {
        let c = &self.0;
        let r = read(&params);
        let date = if op == "authenticateJwtLocal" {
            r.date
        } else {
            None
        };
        let step = calls::client_call(
            op,
            &c.text,
            c.io.store.is_some(),
            false,
            None,
            r.facts,
            r.text,
            None,
            date,
            js_sys::Date::now(),
        );
        run(step, c.io.clone(), Finish::Answer)
    }
}

macro_rules! sessions_methods {
    ($($method:ident => $op:literal),* $(,)?) => {
        impl Sessions {
            $(
                #[doc = concat!("`client.sessions.", $op, "(params)`.")]
                pub fn $method(&self, params: JsValue) -> Promise {
                    self.call($op, params)
                }
            )*
        }
    };
}

sessions_methods! {
    authenticate => "authenticate",
    authenticate_jwt => "authenticateJwt",
    authenticate_jwt_local => "authenticateJwtLocal",
    get => "get",
    get_jwks => "getJWKS",
    migrate => "migrate",
    revoke => "revoke",
    exchange_access_token => "exchangeAccessToken",
    attest => "attest",
}

/// `cacheApiJwksStore(options)` (`kind` 0) or `kvJwksStore(options)`'s check: `Ok`, or the
/// `ClientError` of bad options.
pub fn store_options(kind: u32, options: &JsValue) -> Result<(), JsValue> {
    let r = read(options);
    let refused = calls::store_options(kind, r.facts, r.text);
    if refused.is_empty() {
        Ok(())
    } else {
        Err(settle(&refused, Finish::Answer).expect_err("a refusal is an E step"))
    }
}
