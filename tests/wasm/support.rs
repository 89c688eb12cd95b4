//! What every module of the wasm suite shares: the two emulators and their control routes, JS
//! value helpers, error checks, clients and options, and a way to move `Date.now`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use js_sys::JSON;
use web_sys::{RequestInit, Response};

// What every test module uses, re-exported so that each says only `use crate::support::*`.
pub use crate::driver::{verify_jwt, JsClient, Sessions};
pub use js_sys::{Array, Function, Object, Promise, Reflect};
pub use serde_json::{json, Value};
pub use std::cell::Cell;
pub use wasm_bindgen::prelude::*;
pub use wasm_bindgen::JsCast;
pub use wasm_bindgen_futures::JsFuture;

pub const PROJECT_ID: &str = match option_env!("STYTCH_EMULATOR_PROJECT_ID") {
    Some(id) => id,
    None => "project-test-00000000-0000-4000-8000-000000000000",
};
pub const SECRET: &str = match option_env!("STYTCH_EMULATOR_SECRET") {
    Some(secret) => secret,
    None => "secret-test-emulator",
};
pub const JWKS_ROUTE: &str = "GET /v1/sessions/jwks/:project_id";
pub const AUTH_ROUTE: &str = "POST /v1/sessions/authenticate";

#[wasm_bindgen]
extern "C" {
    /// The global `fetch`, for the emulator's control routes.
    #[wasm_bindgen(js_name = fetch)]
    fn control_fetch(input: &str, init: &RequestInit) -> Promise;
    /// The global `fetch` with untyped arguments, to wrap it as an injected `fetch` option.
    #[wasm_bindgen(js_name = fetch)]
    pub fn fetch_any(input: &JsValue, init: &JsValue) -> Promise;
}

// ---------------------------------------------------------------------------------------------
// The emulators
// ---------------------------------------------------------------------------------------------

/// The emulators' addresses: fixed, unless `STYTCH_EMULATOR_URL` / `STYTCH_EMULATOR_URL_2` were
/// set when the suite was compiled (README, "Tests").
const URL_1: &str = match option_env!("STYTCH_EMULATOR_URL") {
    Some(url) => url,
    None => "http://127.0.0.1:45810",
};
const URL_2: &str = match option_env!("STYTCH_EMULATOR_URL_2") {
    Some(url) => url,
    None => "http://127.0.0.1:45811",
};

fn checked(url: &'static str, name: &str) -> &'static str {
    assert!(
        url.starts_with("http://"),
        "{name} must be an http:// URL of a running emulator, not {url:?}"
    );
    url.trim_end_matches('/')
}

/// Emulator 1: never rotated, shared warm cache entry on its plain URL.
pub fn emu() -> Emulator {
    Emulator {
        url: checked(URL_1, "STYTCH_EMULATOR_URL"),
    }
}

/// Emulator 2: key rotation and failing refreshes.
pub fn emu2() -> Emulator {
    Emulator {
        url: checked(URL_2, "STYTCH_EMULATOR_URL_2"),
    }
}

thread_local! {
    static COUNTER: Cell<u32> = const { Cell::new(0) };
}

pub fn next() -> u32 {
    COUNTER.with(|c| {
        c.set(c.get() + 1);
        c.get()
    })
}

/// A distinct, never used cache key for the same server: `base/.`, `base/./.`, … (fetch removes
/// the dot segments, the crate's cache does not).
pub fn fresh_alias(base: &str) -> String {
    format!("{base}{}", "/.".repeat(next() as usize))
}

/// Unique across runs and tiers (the emulators outlive one tier).
pub fn unique(prefix: &str) -> String {
    format!(
        "{prefix}-{}-{}-{}",
        js_sys::Date::now() as u64,
        (js_sys::Math::random() * 1e9) as u64,
        next()
    )
}

pub async fn http(method: &str, url: &str, body: Option<&Value>) -> (u16, Value) {
    let init = RequestInit::new();
    init.set_method(method);
    if let Some(body) = body {
        init.set_body(&JsValue::from_str(&body.to_string()));
    }
    let response: Response = JsFuture::from(control_fetch(url, &init))
        .await
        .unwrap_or_else(|e| {
            panic!(
                "{method} {url} failed ({}): is the emulator running? Start both first: \
                 node tests/emulator/cli.mjs --port 45810 --control-cors, and --port 45811 --control-cors (README, \"Tests\")",
                describe(&e)
            )
        })
        .dyn_into()
        .unwrap();
    let text = JsFuture::from(response.text().unwrap())
        .await
        .unwrap()
        .as_string()
        .unwrap_or_default();
    (
        response.status(),
        serde_json::from_str(&text).unwrap_or(Value::Null),
    )
}

pub struct Minted {
    pub token: String,
    pub jwt: String,
    pub session_id: String,
    pub user_id: String,
}

#[derive(Clone, Copy)]
pub struct Emulator {
    pub url: &'static str,
}

impl Emulator {
    pub async fn control(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let (status, value) = http(method, &format!("{}{path}", self.url), body.as_ref()).await;
        assert!(status < 300, "{method} {path} → {status}: {value}");
        value
    }

    pub async fn user(&self) -> (String, String) {
        let email = format!("{}@example.com", unique("wasm"));
        let user = self
            .control(
                "POST",
                "/__emulator/users",
                Some(json!({"email": email, "name": "Ada Lovelace"})),
            )
            .await;
        (user["user_id"].as_str().unwrap().to_owned(), email)
    }

    pub async fn session_for(&self, user_id: &str, extra: Value) -> Minted {
        let mut body = json!({ "user_id": user_id });
        if let Value::Object(extra) = extra {
            body.as_object_mut().unwrap().extend(extra);
        }
        let s = self
            .control("POST", "/__emulator/sessions", Some(body))
            .await;
        Minted {
            token: s["session_token"].as_str().unwrap().to_owned(),
            jwt: s["session_jwt"].as_str().unwrap().to_owned(),
            session_id: s["session"]["session_id"].as_str().unwrap().to_owned(),
            user_id: user_id.to_owned(),
        }
    }

    /// A new user with one session.
    pub async fn session(&self, extra: Value) -> Minted {
        let (user_id, _) = self.user().await;
        self.session_for(&user_id, extra).await
    }

    pub async fn count(&self, route: &str) -> u64 {
        let counts = self.control("GET", "/__emulator/requests", None).await;
        counts[route]
            .as_u64()
            .unwrap_or_else(|| panic!("no count for {route} in {counts}"))
    }

    pub async fn fault(&self, fault: Value) {
        self.control("POST", "/__emulator/faults", Some(fault))
            .await;
    }

    pub async fn clear_faults(&self) {
        self.control("DELETE", "/__emulator/faults", None).await;
    }

    /// Leaves the emulator with one new signing key: runs that rotate start from one key, so the
    /// JWKS stays small however often the suite runs against the same emulator.
    pub async fn reset_keys(&self) {
        self.control(
            "POST",
            "/__emulator/keys/rotate",
            Some(json!({"keep_old": false})),
        )
        .await;
    }

    pub async fn rotate(&self) -> String {
        let r = self
            .control(
                "POST",
                "/__emulator/keys/rotate",
                Some(json!({"keep_old": true})),
            )
            .await;
        r["kid"].as_str().unwrap().to_owned()
    }
}

pub fn js(value: &Value) -> JsValue {
    JSON::parse(&value.to_string()).unwrap()
}

pub fn to_json(value: &JsValue) -> Value {
    let text = JSON::stringify(value)
        .unwrap()
        .as_string()
        .unwrap_or_default();
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

pub fn get(object: &JsValue, name: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

pub fn get_str(object: &JsValue, name: &str) -> Option<String> {
    get(object, name).as_string()
}

pub fn set(object: &JsValue, name: &str, value: &JsValue) {
    Reflect::set(object, &JsValue::from_str(name), value).unwrap();
}

pub fn describe(value: &JsValue) -> String {
    if value.is_instance_of::<js_sys::Error>() {
        format!(
            "{}: {} (code {:?})",
            get_str(value, "name").unwrap_or_default(),
            get_str(value, "message").unwrap_or_default(),
            get_str(value, "code")
        )
    } else {
        format!("{value:?}")
    }
}

pub async fn resolves(promise: Promise) -> JsValue {
    match JsFuture::from(promise).await {
        Ok(value) => value,
        Err(e) => panic!("expected success, got {}", describe(&e)),
    }
}

pub async fn rejects(promise: Promise) -> JsValue {
    match JsFuture::from(promise).await {
        Ok(value) => panic!("expected a rejection, got {}", to_json(&value)),
        Err(e) => e,
    }
}

/// Checks an error is a real `Error` of the package's class `class` with `code`, and that none
/// of `hidden` (the secret, tokens) appears in its message or string form.
pub fn check_error(error: &JsValue, class: &str, code: &str, hidden: &[&str]) {
    assert!(
        error.is_instance_of::<js_sys::Error>(),
        "not an Error instance: {error:?}"
    );
    let what = describe(error);
    assert_eq!(get_str(error, "name").as_deref(), Some(class), "{what}");
    let constructor = get(&Object::get_prototype_of(error).into(), "constructor");
    assert_eq!(
        get_str(&constructor, "name").as_deref(),
        Some(class),
        "{what}"
    );
    assert_eq!(get_str(error, "code").as_deref(), Some(code), "{what}");
    let message = get_str(error, "message").unwrap_or_default();
    assert!(!message.is_empty(), "{what}: empty message");
    let string = error
        .unchecked_ref::<js_sys::Error>()
        .to_string()
        .as_string()
        .unwrap_or_default();
    for secret in hidden.iter().filter(|s| s.len() >= 8) {
        assert!(
            !message.contains(secret) && !string.contains(secret),
            "{class} {code}: the message leaks a secret or token: {}",
            &message[..message.len().min(300)]
        );
    }
}

pub fn secret_and(tokens: &[&str]) -> Vec<String> {
    let mut hidden = vec![SECRET.to_owned()];
    for token in tokens {
        hidden.push((*token).to_owned());
        // The signature segment alone is still a bearer secret's tell-tale; it must not leak.
        if let Some(signature) = token.rsplit('.').next() {
            hidden.push(signature.to_owned());
        }
    }
    hidden
}

pub fn refs(strings: &[String]) -> Vec<&str> {
    strings.iter().map(String::as_str).collect()
}

pub fn client_at(base: &str) -> Sessions {
    client_with(base, json!({}))
}

pub fn client_with(base: &str, extra: Value) -> Sessions {
    let mut options = json!({"project_id": PROJECT_ID, "secret": SECRET, "custom_base_url": base});
    if let Value::Object(extra) = extra {
        options.as_object_mut().unwrap().extend(extra);
    }
    JsClient::new(js(&options))
        .unwrap_or_else(|e| panic!("new Client: {}", describe(&e)))
        .sessions()
}

pub fn verify_options(base: &str) -> JsValue {
    js(&json!({"project_id": PROJECT_ID, "custom_base_url": base}))
}

pub async fn verify(jwt: &str, options: JsValue) -> Result<Value, JsValue> {
    JsFuture::from(verify_jwt(JsValue::from_str(jwt), options))
        .await
        .map(|v| to_json(&v))
}

/// A ClientError for a failed `claim`, whose texts hold neither the secret nor `jwt`.
pub fn check_claim_error(e: &JsValue, code: &str, claim: &str, jwt: &str) {
    check_error(e, "ClientError", code, &refs(&secret_and(&[jwt])));
    assert_eq!(get_str(e, "claim").as_deref(), Some(claim));
}

pub fn kid_of(jwt: &str) -> String {
    let header = URL_SAFE_NO_PAD
        .decode(jwt.split('.').next().unwrap())
        .unwrap();
    let header: Value = serde_json::from_slice(&header).unwrap();
    header["kid"].as_str().unwrap().to_owned()
}

pub fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

pub fn date(ms: f64) -> JsValue {
    js_sys::Date::new(&JsValue::from_f64(ms)).into()
}

/// Moves `Date.now` forward by `offset_ms` until [`ClockShift::restore`] (or drop). Tests restore
/// before asserting: a failed assertion aborts without unwinding.
pub struct ClockShift {
    date: JsValue,
    original: JsValue,
    _now: Closure<dyn Fn() -> f64>,
}

impl ClockShift {
    pub fn forward(offset_ms: f64) -> Self {
        let date = get(&js_sys::global(), "Date");
        let original = get(&date, "now");
        let real: Function = original.clone().dyn_into().unwrap();
        let this = date.clone();
        let now = Closure::<dyn Fn() -> f64>::new(move || {
            real.call0(&this).unwrap().as_f64().unwrap() + offset_ms
        });
        let before = js_sys::Date::now();
        set(&date, "now", now.as_ref());
        let shifted = js_sys::Date::now();
        let shift = Self {
            date,
            original,
            _now: now,
        };
        if shifted - before < offset_ms - 5_000.0 {
            shift.restore();
            panic!("Date.now could not be shifted: the crate's clock would not move");
        }
        shift
    }

    pub fn restore(self) {}
}

impl Drop for ClockShift {
    fn drop(&mut self) {
        set(&self.date, "now", &self.original);
    }
}

/// A JWKS store (`{get, put}`) whose methods never settle.
pub fn stuck_store() -> (JsValue, Closure<dyn Fn() -> JsValue>) {
    let never = Closure::<dyn Fn() -> JsValue>::new(|| Promise::new(&mut |_, _| {}).into());
    let store = Object::new();
    set(&store, "get", never.as_ref());
    set(&store, "put", never.as_ref());
    (store.into(), never)
}

/// `sessions.authenticate({session_token})` rejects with `RequestError` `timeout`, holding
/// neither the secret nor the token: how long it took, in milliseconds.
pub async fn authenticate_times_out(sessions: &Sessions, token: &str) -> f64 {
    let started = js_sys::Date::now();
    let e = rejects(sessions.authenticate(js(&json!({"session_token": token})))).await;
    let elapsed = js_sys::Date::now() - started;
    check_error(&e, "RequestError", "timeout", &refs(&secret_and(&[token])));
    elapsed
}
