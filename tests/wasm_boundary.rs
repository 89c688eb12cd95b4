//! The JavaScript boundary, run as wasm in Node and in headless Chromium against the local
//! emulator (issue 4): every operation, every error class, key rotation, the JWKS cache under
//! concurrency and failure, timeouts, and hostile JS values.
//!
//! Run with `scripts/test-wasm`, which starts two emulators and passes their URLs at compile time
//! (`STYTCH_EMULATOR_URL`, `STYTCH_EMULATOR_URL_2`). Without them every test fails loudly.
//!
//! How the tests stay independent although the key cache lives in module memory (one entry per
//! JWKS URL, shared by every test of one run; wasm-bindgen-test runs the tests one at a time):
//! - Emulator 1 never rotates its key, so tokens it mints always verify against the shared warm
//!   entry of its plain base URL.
//! - Tests that need a cold entry use a fresh *alias* of a base URL: `http://localhost:PORT`, or
//!   `http://127.0.0.1:PORT/.`, `…/./.`, … (see [`fresh_alias`]). Each is a distinct cache key,
//!   while `fetch` normalises the dot segments away, so the emulator serves the same route.
//! - Key rotation and failing refreshes happen only on emulator 2, each test on its own alias.
//! - The cooldown (30 s) and staleness (10 min) of the cache are crossed without waiting by
//!   moving `Date.now` forward for the duration of one call ([`ClockShift`]): the crate reads its
//!   clock through `js_sys::Date::now()`, i.e. `Date.now()` at call time.
//! - Request counts are read before and after, never assumed absolute, since both tiers (Node,
//!   then Chromium) share the emulators.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use js_sys::{Array, Function, Object, Promise, Reflect, JSON};
use serde_json::{json, Value};
use std::cell::Cell;
use stytch_sessions_wasm::wasm::{verify_jwt, JsClient, Sessions};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{RequestInit, Response};

const PROJECT_ID: &str = match option_env!("STYTCH_EMULATOR_PROJECT_ID") {
    Some(id) => id,
    None => "project-test-00000000-0000-4000-8000-000000000000",
};
const SECRET: &str = match option_env!("STYTCH_EMULATOR_SECRET") {
    Some(secret) => secret,
    None => "secret-test-emulator",
};
const JWKS_ROUTE: &str = "GET /v1/sessions/jwks/:project_id";
const AUTH_ROUTE: &str = "POST /v1/sessions/authenticate";

#[wasm_bindgen]
extern "C" {
    /// The global `fetch`, for the emulator's control routes.
    #[wasm_bindgen(js_name = fetch)]
    fn control_fetch(input: &str, init: &RequestInit) -> Promise;
    /// The global `fetch` with untyped arguments, to wrap it as an injected `fetch` option.
    #[wasm_bindgen(js_name = fetch)]
    fn fetch_any(input: &JsValue, init: &JsValue) -> Promise;
}

// ---------------------------------------------------------------------------------------------
// The emulators
// ---------------------------------------------------------------------------------------------

fn required(value: Option<&'static str>, name: &str) -> &'static str {
    match value {
        Some(url) if url.starts_with("http://") => url.trim_end_matches('/'),
        _ => panic!(
            "{name} was not set when this test was compiled: run scripts/test-wasm, which starts \
             the emulators and exports it"
        ),
    }
}

/// Emulator 1: never rotated, shared warm cache entry on its plain URL.
fn emu() -> Emulator {
    Emulator {
        url: required(option_env!("STYTCH_EMULATOR_URL"), "STYTCH_EMULATOR_URL"),
    }
}

/// Emulator 2: key rotation and failing refreshes.
fn emu2() -> Emulator {
    Emulator {
        url: required(
            option_env!("STYTCH_EMULATOR_URL_2"),
            "STYTCH_EMULATOR_URL_2",
        ),
    }
}

thread_local! {
    static COUNTER: Cell<u32> = const { Cell::new(0) };
}

fn next() -> u32 {
    COUNTER.with(|c| {
        c.set(c.get() + 1);
        c.get()
    })
}

/// A distinct, never used cache key for the same server: `base/.`, `base/./.`, … (fetch removes
/// the dot segments, the crate's cache does not).
fn fresh_alias(base: &str) -> String {
    format!("{base}{}", "/.".repeat(next() as usize))
}

/// Unique across runs and tiers (the emulators outlive one tier).
fn unique(prefix: &str) -> String {
    format!(
        "{prefix}-{}-{}-{}",
        js_sys::Date::now() as u64,
        (js_sys::Math::random() * 1e9) as u64,
        next()
    )
}

async fn http(method: &str, url: &str, body: Option<&Value>) -> (u16, Value) {
    let init = RequestInit::new();
    init.set_method(method);
    if let Some(body) = body {
        init.set_body(&JsValue::from_str(&body.to_string()));
    }
    let response: Response = JsFuture::from(control_fetch(url, &init))
        .await
        .unwrap_or_else(|e| panic!("{method} {url} failed: {}", describe(&e)))
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

struct Minted {
    token: String,
    jwt: String,
    session_id: String,
    user_id: String,
}

#[derive(Clone, Copy)]
struct Emulator {
    url: &'static str,
}

impl Emulator {
    async fn control(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let (status, value) = http(method, &format!("{}{path}", self.url), body.as_ref()).await;
        assert!(status < 300, "{method} {path} → {status}: {value}");
        value
    }

    async fn user(&self) -> (String, String) {
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

    async fn session_for(&self, user_id: &str, extra: Value) -> Minted {
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
    async fn session(&self, extra: Value) -> Minted {
        let (user_id, _) = self.user().await;
        self.session_for(&user_id, extra).await
    }

    async fn count(&self, route: &str) -> u64 {
        let counts = self.control("GET", "/__emulator/requests", None).await;
        counts[route]
            .as_u64()
            .unwrap_or_else(|| panic!("no count for {route} in {counts}"))
    }

    async fn fault(&self, fault: Value) {
        self.control("POST", "/__emulator/faults", Some(fault))
            .await;
    }

    async fn clear_faults(&self) {
        self.control("DELETE", "/__emulator/faults", None).await;
    }

    async fn rotate(&self) -> String {
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

// ---------------------------------------------------------------------------------------------
// JS values
// ---------------------------------------------------------------------------------------------

fn js(value: &Value) -> JsValue {
    JSON::parse(&value.to_string()).unwrap()
}

fn to_json(value: &JsValue) -> Value {
    let text = JSON::stringify(value)
        .unwrap()
        .as_string()
        .unwrap_or_default();
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

fn get(object: &JsValue, name: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

fn get_str(object: &JsValue, name: &str) -> Option<String> {
    get(object, name).as_string()
}

fn set(object: &JsValue, name: &str, value: &JsValue) {
    Reflect::set(object, &JsValue::from_str(name), value).unwrap();
}

fn describe(value: &JsValue) -> String {
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

async fn resolves(promise: Promise) -> JsValue {
    match JsFuture::from(promise).await {
        Ok(value) => value,
        Err(e) => panic!("expected success, got {}", describe(&e)),
    }
}

async fn rejects(promise: Promise) -> JsValue {
    match JsFuture::from(promise).await {
        Ok(value) => panic!("expected a rejection, got {}", to_json(&value)),
        Err(e) => e,
    }
}

/// Checks an error is a real `Error` of the package's class `class` with `code`, and that none
/// of `hidden` (the secret, tokens) appears in its message or string form.
fn check_error(error: &JsValue, class: &str, code: &str, hidden: &[&str]) {
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

fn secret_and(tokens: &[&str]) -> Vec<String> {
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

fn refs(strings: &[String]) -> Vec<&str> {
    strings.iter().map(String::as_str).collect()
}

fn client_at(base: &str) -> Sessions {
    client_with(base, json!({}))
}

fn client_with(base: &str, extra: Value) -> Sessions {
    let mut options = json!({"project_id": PROJECT_ID, "secret": SECRET, "custom_base_url": base});
    if let Value::Object(extra) = extra {
        options.as_object_mut().unwrap().extend(extra);
    }
    JsClient::new(js(&options))
        .unwrap_or_else(|e| panic!("new Client: {}", describe(&e)))
        .sessions()
}

fn verify_options(base: &str) -> JsValue {
    js(&json!({"project_id": PROJECT_ID, "custom_base_url": base}))
}

async fn verify(jwt: &str, options: JsValue) -> Result<Value, JsValue> {
    JsFuture::from(verify_jwt(JsValue::from_str(jwt), options))
        .await
        .map(|v| to_json(&v))
}

/// A ClientError for a failed `claim`, whose texts hold neither the secret nor `jwt`.
fn check_claim_error(e: &JsValue, code: &str, claim: &str, jwt: &str) {
    check_error(e, "ClientError", code, &refs(&secret_and(&[jwt])));
    assert_eq!(get_str(e, "claim").as_deref(), Some(claim));
}

fn kid_of(jwt: &str) -> String {
    let header = URL_SAFE_NO_PAD
        .decode(jwt.split('.').next().unwrap())
        .unwrap();
    let header: Value = serde_json::from_slice(&header).unwrap();
    header["kid"].as_str().unwrap().to_owned()
}

fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

fn date(ms: f64) -> JsValue {
    js_sys::Date::new(&JsValue::from_f64(ms)).into()
}

/// Moves `Date.now` forward by `offset_ms` until [`ClockShift::restore`] (or drop). Tests restore
/// before asserting: a failed assertion aborts without unwinding.
struct ClockShift {
    date: JsValue,
    original: JsValue,
    _now: Closure<dyn Fn() -> f64>,
}

impl ClockShift {
    fn forward(offset_ms: f64) -> Self {
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

    fn restore(self) {}
}

impl Drop for ClockShift {
    fn drop(&mut self) {
        set(&self.date, "now", &self.original);
    }
}

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn authenticate_by_token_and_by_jwt() {
    let emu = emu();
    let s = emu.session(json!({"custom_claims": {"plan": "pro"}})).await;
    let sessions = client_at(emu.url);

    let by_token = to_json(
        &resolves(sessions.authenticate(js(&json!({
            "session_token": s.token,
            "session_duration_minutes": 30,
            "session_custom_claims": {"tier": 2}
        }))))
        .await,
    );
    assert_eq!(by_token["status_code"], 200);
    assert!(by_token["request_id"]
        .as_str()
        .unwrap()
        .starts_with("request-id-test-"));
    assert_eq!(by_token["session"]["session_id"], s.session_id.as_str());
    assert_eq!(by_token["session"]["user_id"], s.user_id.as_str());
    assert_eq!(by_token["session"]["custom_claims"]["plan"], "pro");
    assert_eq!(by_token["session"]["custom_claims"]["tier"], 2);
    assert_eq!(by_token["user"]["user_id"], s.user_id.as_str());
    assert_eq!(by_token["session_token"], s.token.as_str());
    assert!(by_token["session_jwt"].as_str().unwrap().starts_with("eyJ"));

    let by_jwt =
        to_json(&resolves(sessions.authenticate(js(&json!({"session_jwt": s.jwt})))).await);
    assert_eq!(by_jwt["session"]["session_id"], s.session_id.as_str());
    assert!(by_jwt["request_id"].is_string() && by_jwt["session_jwt"].is_string());
    // Results are plain objects, not Maps.
    let raw = resolves(sessions.authenticate(js(&json!({"session_token": s.token})))).await;
    assert!(!raw.is_instance_of::<js_sys::Map>());
    assert!(!get(&raw, "session").is_instance_of::<js_sys::Map>());
}

#[wasm_bindgen_test]
async fn authenticate_jwt_local_first_then_remote() {
    let emu = emu();
    let sessions = client_at(emu.url);

    // A fresh, genuine JWT: answered locally, the given JWT returned, no API call.
    let s = emu.session(json!({})).await;
    resolves(verify_jwt(s.jwt.clone().into(), verify_options(emu.url))).await; // warm keys
    let before = emu.count(AUTH_ROUTE).await;
    let local =
        to_json(&resolves(sessions.authenticate_jwt(js(&json!({"session_jwt": s.jwt})))).await);
    assert_eq!(local["session_jwt"], s.jwt.as_str());
    assert_eq!(local["session"]["session_id"], s.session_id.as_str());
    assert!(local.get("request_id").is_none(), "local answer: {local}");
    assert_eq!(emu.count(AUTH_ROUTE).await, before, "no API call");

    // Expired by exp (issued 10 minutes ago) but genuine and live: the API answers, new JWT.
    let old = emu.session(json!({"iat_offset_seconds": -600})).await;
    let before = emu.count(AUTH_ROUTE).await;
    let remote = to_json(
        &resolves(sessions.authenticate_jwt(js(&json!({
            "session_jwt": old.jwt,
            "session_duration_minutes": 15,
        }))))
        .await,
    );
    assert_eq!(emu.count(AUTH_ROUTE).await, before + 1);
    assert_eq!(remote["session"]["session_id"], old.session_id.as_str());
    let new_jwt = remote["session_jwt"].as_str().unwrap();
    assert_ne!(new_jwt, old.jwt);
    assert!(remote["request_id"].is_string() && remote["user"].is_object());
    assert!(remote["session_token"].is_string());
    // The new JWT verifies locally.
    let again = verify(new_jwt, verify_options(emu.url)).await.unwrap();
    assert_eq!(again["session_id"], old.session_id.as_str());

    // Too old for max_token_age_seconds but not expired: remote.
    let aging = emu.session(json!({"iat_offset_seconds": -120})).await;
    let before = emu.count(AUTH_ROUTE).await;
    let remote = to_json(
        &resolves(sessions.authenticate_jwt(js(&json!({
            "session_jwt": aging.jwt, "max_token_age_seconds": 60
        }))))
        .await,
    );
    assert_eq!(emu.count(AUTH_ROUTE).await, before + 1);
    assert_ne!(remote["session_jwt"], aging.jwt.as_str());

    // max_token_age_seconds: 0 → remote only, even for a fresh token.
    let before = emu.count(AUTH_ROUTE).await;
    let remote = to_json(
        &resolves(sessions.authenticate_jwt(js(&json!({
            "session_jwt": s.jwt, "max_token_age_seconds": 0
        }))))
        .await,
    );
    assert_eq!(emu.count(AUTH_ROUTE).await, before + 1);
    assert!(remote["request_id"].is_string());

    // A forged token (another token's signature) is refused locally: no API call.
    let other = emu.session(json!({})).await;
    let mut parts: Vec<&str> = s.jwt.split('.').collect();
    parts[2] = other.jwt.rsplit('.').next().unwrap();
    let forged = parts.join(".");
    let before = emu.count(AUTH_ROUTE).await;
    let e = rejects(sessions.authenticate_jwt(js(&json!({"session_jwt": forged})))).await;
    check_error(
        &e,
        "ClientError",
        "jwt_signature_invalid",
        &refs(&secret_and(&[&forged, &s.jwt])),
    );
    assert_eq!(emu.count(AUTH_ROUTE).await, before, "forged: no API call");

    // A revoked session whose JWT is expired: the API says no (StytchError 404).
    resolves(sessions.revoke(js(&json!({"session_id": old.session_id})))).await;
    let e = rejects(sessions.authenticate_jwt(js(&json!({"session_jwt": old.jwt})))).await;
    check_error(
        &e,
        "StytchError",
        "session_not_found",
        &refs(&secret_and(&[&old.jwt])),
    );
}

#[wasm_bindgen_test]
async fn authenticate_jwt_asks_the_api_when_keys_are_unreachable() {
    let emu = emu();
    let alias = fresh_alias(emu.url);
    let sessions = client_at(&alias);
    let s = emu.session(json!({})).await;
    emu.clear_faults().await;
    emu.fault(json!({"path_prefix": "/v1/sessions/jwks", "status": 503, "times": 1}))
        .await;
    let (jwks0, auth0) = (emu.count(JWKS_ROUTE).await, emu.count(AUTH_ROUTE).await);
    let result =
        JsFuture::from(sessions.authenticate_jwt(js(&json!({"session_jwt": s.jwt})))).await;
    let (jwks1, auth1) = (emu.count(JWKS_ROUTE).await, emu.count(AUTH_ROUTE).await);
    emu.clear_faults().await;
    let result = to_json(&result.unwrap_or_else(|e| panic!("{}", describe(&e))));
    assert_eq!((jwks1 - jwks0, auth1 - auth0), (1, 1));
    assert_eq!(result["session"]["session_id"], s.session_id.as_str());
    // The API's full answer (a local answer has no request_id). Its JWT may equal the given one:
    // minted in the same second from the same claims, RS256 gives the same bytes.
    assert!(result["request_id"].is_string() && result["session_jwt"].is_string());
}

#[wasm_bindgen_test]
async fn authenticate_jwt_local_with_current_date_and_age() {
    let emu = emu();
    let sessions = client_at(emu.url);
    let now = js_sys::Date::now();

    let s = emu.session(json!({"custom_claims": {"org": "acme"}})).await;
    let session = to_json(
        &resolves(sessions.authenticate_jwt_local(js(&json!({"session_jwt": s.jwt})))).await,
    );
    assert_eq!(session["session_id"], s.session_id.as_str());
    assert_eq!(session["user_id"], s.user_id.as_str());
    assert_eq!(session["custom_claims"], json!({"org": "acme"}));
    for field in ["started_at", "last_accessed_at", "expires_at"] {
        assert!(session[field].as_str().unwrap().ends_with('Z'), "{field}");
    }
    assert!(session["authentication_factors"].is_array());
    assert!(session["roles"].is_array());

    // Issued 10 minutes ago: expired now, valid when judged 590 s ago (Date or epoch ms).
    let old = emu.session(json!({"iat_offset_seconds": -600})).await;
    let e = rejects(sessions.authenticate_jwt_local(js(&json!({"session_jwt": old.jwt})))).await;
    check_claim_error(&e, "jwt_expired", "exp", &old.jwt);
    let params = js(&json!({"session_jwt": old.jwt}));
    set(&params, "current_date", &date(now - 590_000.0));
    let then = to_json(&resolves(sessions.authenticate_jwt_local(params)).await);
    assert_eq!(then["session_id"], old.session_id.as_str());
    let params = js(&json!({"session_jwt": old.jwt, "current_date": now - 590_000.0}));
    resolves(sessions.authenticate_jwt_local(params)).await;

    // Too old: ClientError jwt_too_old with claim iat (never a remote call).
    let aging = emu.session(json!({"iat_offset_seconds": -120})).await;
    let before = emu.count(AUTH_ROUTE).await;
    let e = rejects(sessions.authenticate_jwt_local(js(&json!({
        "session_jwt": aging.jwt, "max_token_age_seconds": 60
    }))))
    .await;
    check_claim_error(&e, "jwt_too_old", "iat", &aging.jwt);
    // …and too old judged at a later current_date, with the default age otherwise fine.
    let params = js(&json!({"session_jwt": s.jwt, "max_token_age_seconds": 100}));
    set(&params, "current_date", &date(now + 200_000.0));
    let e = rejects(sessions.authenticate_jwt_local(params)).await;
    check_error(
        &e,
        "ClientError",
        "jwt_too_old",
        &refs(&secret_and(&[&s.jwt])),
    );
    assert_eq!(emu.count(AUTH_ROUTE).await, before, "local only");

    // Judged before nbf: not yet valid (claim nbf); clock tolerance lets it through.
    let params = js(&json!({"session_jwt": s.jwt}));
    set(&params, "current_date", &date(now - 120_000.0));
    let e = rejects(sessions.authenticate_jwt_local(params)).await;
    check_claim_error(&e, "jwt_not_yet_valid", "nbf", &s.jwt);
    let params = js(&json!({"session_jwt": s.jwt, "clock_tolerance_seconds": 300}));
    set(&params, "current_date", &date(now - 120_000.0));
    resolves(sessions.authenticate_jwt_local(params)).await;
}

#[wasm_bindgen_test]
async fn get_lists_the_users_live_sessions() {
    let emu = emu();
    let sessions = client_at(emu.url);
    let a = emu.session(json!({})).await;
    let b = emu
        .session_for(&a.user_id, json!({"roles": ["admin"]}))
        .await;
    let got = to_json(&resolves(sessions.get(js(&json!({"user_id": a.user_id})))).await);
    assert_eq!(got["status_code"], 200);
    let mut ids: Vec<&str> = got["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["session_id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    let mut want = vec![a.session_id.as_str(), b.session_id.as_str()];
    want.sort_unstable();
    assert_eq!(ids, want);
    let e = rejects(sessions.get(js(
        &json!({"user_id": "user-test-00000000-0000-4000-8000-000000000000"}),
    )))
    .await;
    check_error(&e, "StytchError", "user_not_found", &[SECRET]);
}

#[wasm_bindgen_test]
async fn get_jwks_returns_the_signing_keys() {
    let emu = emu();
    let s = emu.session(json!({})).await;
    let jwks = to_json(
        &resolves(client_at(emu.url).get_jwks(js(&json!({"project_id": PROJECT_ID})))).await,
    );
    assert_eq!(jwks["status_code"], 200);
    let keys = jwks["keys"].as_array().unwrap();
    let kid = kid_of(&s.jwt);
    let key = keys
        .iter()
        .find(|k| k["kid"] == kid.as_str())
        .expect("the signing key is listed");
    for field in [
        "kty", "use", "key_ops", "alg", "kid", "x5c", "x5tS256", "n", "e",
    ] {
        assert!(key.get(field).is_some(), "JWK field {field} in {key}");
    }
    assert_eq!(key["kty"], "RSA");
}

#[wasm_bindgen_test]
async fn jwks_pre_seeding_needs_no_fetch() {
    let emu = emu();
    let s = emu.session(json!({})).await;
    let jwks = to_json(
        &resolves(client_at(emu.url).get_jwks(js(&json!({"project_id": PROJECT_ID})))).await,
    );
    let before = emu.count(JWKS_ROUTE).await;
    let alias = fresh_alias(emu.url);
    let options = js(&json!({
        "project_id": PROJECT_ID, "custom_base_url": alias, "jwks": jwks["keys"]
    }));
    let session = verify(&s.jwt, options)
        .await
        .unwrap_or_else(|e| panic!("{}", describe(&e)));
    assert_eq!(session["session_id"], s.session_id.as_str());
    // A Client seeded on another cold alias: also no fetch.
    let alias = fresh_alias(emu.url);
    let seeded = client_with(&alias, json!({"jwks": jwks["keys"]}));
    resolves(seeded.authenticate_jwt_local(js(&json!({"session_jwt": s.jwt})))).await;
    assert_eq!(
        emu.count(JWKS_ROUTE).await,
        before,
        "pre-seeded: no JWKS fetch"
    );
}

#[wasm_bindgen_test]
async fn migrate_an_external_token() {
    let emu = emu();
    let sessions = client_at(emu.url);
    let (user_id, email) = emu.user().await;
    let external = unique("external-oidc-token");
    emu.control(
        "POST",
        "/__emulator/external_tokens",
        Some(json!({"token": external, "email": email.to_uppercase()})),
    )
    .await;

    let with = to_json(
        &resolves(sessions.migrate(js(&json!({
            "session_token": external,
            "session_duration_minutes": 30,
            "session_custom_claims": {"migrated": true}
        }))))
        .await,
    );
    assert_eq!(with["user_id"], user_id.as_str());
    assert_eq!(with["user"]["user_id"], user_id.as_str());
    assert_eq!(with["session"]["user_id"], user_id.as_str());
    assert_eq!(with["session"]["custom_claims"]["migrated"], true);
    assert_eq!(with["session_token"].as_str().unwrap().len(), 44);
    let jwt = with["session_jwt"].as_str().unwrap();
    let verified = verify(jwt, verify_options(emu.url)).await.unwrap();
    assert_eq!(verified["user_id"], user_id.as_str());

    let without =
        to_json(&resolves(sessions.migrate(js(&json!({"session_token": external})))).await);
    assert_eq!(without["user_id"], user_id.as_str());
    assert!(
        without.get("session").is_none(),
        "no duration, no session: {without}"
    );

    let unknown = unique("never-registered");
    let e = rejects(sessions.migrate(js(&json!({"session_token": unknown})))).await;
    check_error(
        &e,
        "StytchError",
        "invalid_external_session_token",
        &[SECRET, &unknown],
    );
}

#[wasm_bindgen_test]
async fn revoke_by_id_token_and_jwt() {
    let emu = emu();
    let sessions = client_at(emu.url);
    let (user_id, _) = emu.user().await;
    let by_id = emu.session_for(&user_id, json!({})).await;
    let by_token = emu.session_for(&user_id, json!({})).await;
    let by_jwt = emu.session_for(&user_id, json!({})).await;
    for params in [
        json!({"session_id": by_id.session_id}),
        json!({"session_token": by_token.token}),
        json!({"session_jwt": by_jwt.jwt}),
    ] {
        let r = to_json(&resolves(sessions.revoke(js(&params))).await);
        assert_eq!(r["status_code"], 200, "{params}");
        assert!(r["request_id"].is_string());
    }
    for s in [&by_id, &by_token, &by_jwt] {
        let e = rejects(sessions.authenticate(js(&json!({"session_token": s.token})))).await;
        check_error(
            &e,
            "StytchError",
            "session_not_found",
            &refs(&secret_and(&[&s.token])),
        );
    }
    let left = to_json(&resolves(sessions.get(js(&json!({"user_id": user_id})))).await);
    assert_eq!(left["sessions"], json!([]));
}

#[wasm_bindgen_test]
async fn verify_jwt_returns_the_session() {
    let emu = emu();
    let s = emu
        .session(
            json!({"custom_claims": {"plan": "pro", "nested": {"a": [1, 2]}}, "roles": ["editor"]}),
        )
        .await;
    let session = verify(&s.jwt, verify_options(emu.url))
        .await
        .unwrap_or_else(|e| panic!("{}", describe(&e)));
    assert_eq!(session["session_id"], s.session_id.as_str());
    assert_eq!(session["user_id"], s.user_id.as_str());
    assert_eq!(session["roles"], json!(["editor"]));
    assert_eq!(
        session["custom_claims"],
        json!({"plan": "pro", "nested": {"a": [1, 2]}})
    );
    // A trailing slash on the base URL is the same cache entry and works too.
    verify(&s.jwt, verify_options(&format!("{}/", emu.url)))
        .await
        .unwrap();
}

// ---------------------------------------------------------------------------------------------
// Error classes
// ---------------------------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn stytch_errors_carry_the_api_fields() {
    let emu = emu();
    let s = emu.session(json!({})).await;

    let wrong_secret = "secret-test-WRONG-do-not-log-me";
    let bad = JsClient::new(js(&json!({
        "project_id": PROJECT_ID, "secret": wrong_secret, "custom_base_url": emu.url
    })))
    .unwrap()
    .sessions();
    let e = rejects(bad.authenticate(js(&json!({"session_token": s.token})))).await;
    check_error(
        &e,
        "StytchError",
        "unauthorized_credentials",
        &[wrong_secret, SECRET, &s.token],
    );
    assert_eq!(get(&e, "status_code").as_f64(), Some(401.0));
    assert_eq!(
        get_str(&e, "error_type").as_deref(),
        Some("unauthorized_credentials")
    );
    assert!(get_str(&e, "request_id")
        .unwrap()
        .starts_with("request-id-test-"));
    assert!(get_str(&e, "error_message").is_some());
    assert!(get_str(&e, "error_url").unwrap().starts_with("https://"));
    assert_eq!(get_str(&e, "message"), get_str(&e, "error_message"));

    let sessions = client_at(emu.url);
    let e = rejects(sessions.revoke(js(&json!({})))).await;
    check_error(&e, "StytchError", "no_session_revoke_arguments", &[SECRET]);
    assert_eq!(get(&e, "status_code").as_f64(), Some(400.0));
    let e = rejects(sessions.authenticate(js(&json!({})))).await;
    check_error(&e, "StytchError", "no_session_arguments", &[SECRET]);
    let e = rejects(sessions.authenticate(js(
        &json!({"session_token": s.token, "session_duration_minutes": 1}),
    )))
    .await;
    check_error(
        &e,
        "StytchError",
        "invalid_session_duration_minutes",
        &refs(&secret_and(&[&s.token])),
    );
    // An injected 429 is a StytchError too.
    emu.clear_faults().await;
    emu.fault(json!({"method": "POST", "path_prefix": "/v1/sessions/authenticate", "status": 429, "times": 1}))
        .await;
    let e = rejects(sessions.authenticate(js(&json!({"session_token": s.token})))).await;
    check_error(
        &e,
        "StytchError",
        "too_many_requests",
        &refs(&secret_and(&[&s.token])),
    );
    assert_eq!(get(&e, "status_code").as_f64(), Some(429.0));
}

#[wasm_bindgen_test]
async fn request_errors_network_invalid_response_and_timeout() {
    let emu = emu();
    let s = emu.session(json!({})).await;
    let hidden = secret_and(&[&s.token, &s.jwt]);
    let sessions = client_at(emu.url);
    let auth = || sessions.authenticate(js(&json!({"session_token": s.token})));
    emu.clear_faults().await;

    emu.fault(
        json!({"path_prefix": "/v1/sessions/authenticate", "malformed_body": true, "times": 1}),
    )
    .await;
    let e = rejects(auth()).await;
    check_error(&e, "RequestError", "invalid_response", &refs(&hidden));

    emu.fault(json!({"path_prefix": "/v1/sessions/authenticate", "malformed_body": true, "status": 502, "times": 1}))
        .await;
    let e = rejects(auth()).await;
    check_error(&e, "RequestError", "invalid_response", &refs(&hidden));

    // No `times` here: Chromium silently retries a request whose reused keep-alive connection is
    // reset, so a one-shot reset would be absorbed by the retry.
    emu.fault(json!({"path_prefix": "/v1/sessions/authenticate", "reset_connection": true}))
        .await;
    let result = JsFuture::from(auth()).await;
    emu.clear_faults().await;
    let e = result.expect_err("a reset connection cannot succeed");
    check_error(&e, "RequestError", "network_error", &refs(&hidden));

    // Nothing listens: network_error (port 9 is "discard", closed here; an unsafe port in
    // browsers, which refuse it: a network error as well).
    let nowhere = client_at("http://127.0.0.1:9");
    let e = rejects(nowhere.authenticate(js(&json!({"session_token": s.token})))).await;
    check_error(&e, "RequestError", "network_error", &refs(&hidden));

    // And the client works again.
    resolves(auth()).await;
}

#[wasm_bindgen_test]
async fn client_timeout_ms_aborts_a_slow_call() {
    let emu = emu();
    let s = emu.session(json!({})).await;
    let sessions = client_with(emu.url, json!({"timeout_ms": 300}));
    emu.clear_faults().await;
    emu.fault(json!({
        "method": "POST", "path_prefix": "/v1/sessions/authenticate", "delay_ms": 3000, "times": 1
    }))
    .await;
    let started = js_sys::Date::now();
    let e = rejects(sessions.authenticate(js(&json!({"session_token": s.token})))).await;
    let elapsed = js_sys::Date::now() - started;
    check_error(
        &e,
        "RequestError",
        "timeout",
        &refs(&secret_and(&[&s.token])),
    );
    assert!(elapsed < 2500.0, "the timeout fired after {elapsed} ms");
    // A delay within the timeout answers normally.
    emu.fault(json!({
        "method": "POST", "path_prefix": "/v1/sessions/authenticate", "delay_ms": 50, "times": 1
    }))
    .await;
    resolves(sessions.authenticate(js(&json!({"session_token": s.token})))).await;
}

#[wasm_bindgen_test]
async fn jwks_fetch_failures_on_a_cold_cache() {
    let emu = emu();
    let s = emu.session(json!({})).await;
    let hidden = secret_and(&[&s.jwt]);
    emu.clear_faults().await;
    let cases = [
        (json!({"status": 503}), "StytchError", "service_unavailable"),
        (
            json!({"malformed_body": true, "status": 502}),
            "RequestError",
            "invalid_response",
        ),
        (
            json!({"reset_connection": true}),
            "RequestError",
            "network_error",
        ),
        (json!({"delay_ms": 2000}), "RequestError", "timeout"),
    ];
    for (fault, class, code) in cases {
        let mut fault = fault;
        fault["path_prefix"] = json!("/v1/sessions/jwks");
        // A reset is applied to every attempt (Chromium retries a reset keep-alive connection
        // once by itself); the others to one request.
        if fault.get("reset_connection").is_none() {
            fault["times"] = json!(1);
        }
        emu.fault(fault).await;
        let alias = fresh_alias(emu.url);
        let options = js(&json!({
            "project_id": PROJECT_ID, "custom_base_url": alias, "timeout_ms": 300
        }));
        let result = verify(&s.jwt, options).await;
        emu.clear_faults().await;
        let e = result.expect_err(code);
        check_error(&e, class, code, &refs(&hidden));
    }
    // A 200 whose body is truncated JSON: "a body that is not the expected JSON → RequestError"
    // (docs/rules.md, "Errors"), as for getJWKS.
    emu.fault(json!({"path_prefix": "/v1/sessions/jwks", "malformed_body": true, "status": 200, "times": 1}))
        .await;
    let e = verify(&s.jwt, verify_options(&fresh_alias(emu.url)))
        .await
        .unwrap_err();
    assert_eq!(
        get_str(&e, "code").unwrap_or_default(),
        "invalid_response",
        "{}",
        describe(&e)
    );
    // A project the emulator does not know: 404 project_not_found.
    let options = js(&json!({
        "project_id": "project-test-11111111-1111-4111-8111-111111111111",
        "custom_base_url": emu.url
    }));
    let e = verify(&s.jwt, options).await.unwrap_err();
    check_error(&e, "StytchError", "project_not_found", &refs(&hidden));
}

#[wasm_bindgen_test]
async fn client_errors_carry_code_and_claim() {
    let emu = emu();
    let s = emu.session(json!({})).await;
    let hidden = secret_and(&[&s.jwt]);
    let options = || verify_options(emu.url);

    let [header, payload, signature] =
        <[&str; 3]>::try_from(s.jwt.split('.').collect::<Vec<_>>()).unwrap();
    let kid = kid_of(&s.jwt);
    let cases: Vec<(String, &str, Option<&str>)> = vec![
        ("not-a-jwt".into(), "jwt_invalid", None),
        (format!("{header}.{payload}"), "jwt_invalid", None),
        (
            format!("{header}.{payload}.{signature}="),
            "jwt_invalid",
            None,
        ),
        (
            format!(
                "{}.{payload}.{signature}",
                b64(&json!({"alg": "HS256", "kid": kid, "typ": "JWT"}))
            ),
            "jwt_incorrect_algorithm",
            None,
        ),
        (
            format!("{}.{payload}.", b64(&json!({"alg": "none", "kid": kid}))),
            "jwt_incorrect_algorithm",
            None,
        ),
        (
            format!(
                "{header}.{}.{signature}",
                b64(&json!({"sub": "user-test-forged"}))
            ),
            "jwt_signature_invalid",
            None,
        ),
        (
            format!(
                "{}.{payload}.{signature}",
                b64(&json!({"alg": "RS256", "kid": "jwk-test-unknown", "typ": "JWT"}))
            ),
            "jwks_no_matching_key",
            None,
        ),
    ];
    for (token, code, claim) in cases {
        let e = verify(&token, options()).await.unwrap_err();
        let mut hide = hidden.clone();
        hide.push(token.clone());
        check_error(&e, "ClientError", code, &refs(&hide));
        assert_eq!(get_str(&e, "claim").as_deref(), claim, "{code}");
    }

    // Claim failures carry `claim`: iss (another project id, keys pre-seeded), exp, iat, nbf.
    let keys = to_json(
        &resolves(client_at(emu.url).get_jwks(js(&json!({"project_id": PROJECT_ID})))).await,
    );
    let other = js(&json!({
        "project_id": "project-test-22222222-2222-4222-8222-222222222222",
        "custom_base_url": fresh_alias(emu.url),
        "jwks": keys["keys"],
    }));
    let e = verify(&s.jwt, other).await.unwrap_err();
    check_error(&e, "ClientError", "jwt_invalid_issuer", &refs(&hidden));
    assert_eq!(get_str(&e, "claim").as_deref(), Some("iss"));

    let expired = emu.session(json!({"iat_offset_seconds": -301})).await;
    let e = verify(&expired.jwt, options()).await.unwrap_err();
    check_claim_error(&e, "jwt_expired", "exp", &expired.jwt);

    let aging = emu.session(json!({"iat_offset_seconds": -30})).await;
    let o = js(
        &json!({"project_id": PROJECT_ID, "custom_base_url": emu.url, "max_token_age_seconds": 10}),
    );
    let e = verify(&aging.jwt, o).await.unwrap_err();
    check_claim_error(&e, "jwt_too_old", "iat", &aging.jwt);

    let o = options();
    set(&o, "current_date", &date(js_sys::Date::now() - 60_000.0));
    let e = verify(&s.jwt, o).await.unwrap_err();
    check_error(&e, "ClientError", "jwt_not_yet_valid", &refs(&hidden));
    assert_eq!(get_str(&e, "claim").as_deref(), Some("nbf"));
}

// ---------------------------------------------------------------------------------------------
// The key cache
// ---------------------------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn one_jwks_fetch_for_100_concurrent_verify_jwt_calls() {
    let emu = emu();
    let s = emu.session(json!({})).await;
    // `localhost` instead of `127.0.0.1`: a cache entry no other test uses, so it starts cold.
    let cold = emu.url.replace("127.0.0.1", "localhost");
    let before = emu.count(JWKS_ROUTE).await;
    let promises = Array::new();
    for _ in 0..100 {
        promises.push(&verify_jwt(s.jwt.clone().into(), verify_options(&cold)));
    }
    let all = resolves(Promise::all(&promises)).await;
    let after = emu.count(JWKS_ROUTE).await;
    let all: Array = all.dyn_into().unwrap();
    assert_eq!(all.length(), 100);
    for session in all.iter() {
        assert_eq!(get_str(&session, "session_id"), Some(s.session_id.clone()));
    }
    console_log!(
        "JWKS fetches for 100 concurrent verifyJwt calls on a cold cache: {}",
        after - before
    );
    assert_eq!(
        after - before,
        1,
        "JWKS fetches for 100 concurrent cold verifyJwt calls"
    );

    // And 100 more on the now warm entry fetch nothing.
    let promises: Array = (0..100)
        .map(|_| JsValue::from(verify_jwt(s.jwt.clone().into(), verify_options(&cold))))
        .collect();
    resolves(Promise::all(&promises)).await;
    assert_eq!(emu.count(JWKS_ROUTE).await, after, "warm: no fetch");
}

#[wasm_bindgen_test]
async fn key_rotation_is_picked_up_by_unknown_kid_refresh() {
    let emu = emu2();
    emu.clear_faults().await;
    let alias = fresh_alias(emu.url);
    let options = || verify_options(&alias);
    let (user_id, _) = emu.user().await;

    // Warm this cache entry with the current key.
    let first = emu.session_for(&user_id, json!({})).await;
    let c0 = emu.count(JWKS_ROUTE).await;
    verify(&first.jwt, options())
        .await
        .unwrap_or_else(|e| panic!("{}", describe(&e)));
    let c1 = emu.count(JWKS_ROUTE).await;
    assert_eq!(c1 - c0, 1, "cold: one fetch");

    // Rotate (the old key stays served); new JWTs carry the new kid.
    let new_kid = emu.rotate().await;
    let second = emu.session_for(&user_id, json!({})).await;
    assert_eq!(kid_of(&second.jwt), new_kid);
    assert_ne!(kid_of(&first.jwt), new_kid);

    // The first fetch started no cooldown: the new kid refetches at once and verifies locally.
    let rotated = verify(&second.jwt, options()).await;
    let c2 = emu.count(JWKS_ROUTE).await;
    let session = rotated.unwrap_or_else(|e| panic!("new kid: {}", describe(&e)));
    assert_eq!(session["session_id"], second.session_id.as_str());
    assert_eq!(c2 - c1, 1, "one refetch for the new kid");

    // That refetch started a cooldown: a kid no JWKS has (a forgery) fetches nothing more…
    let (_, rest) = second.jwt.split_once('.').unwrap();
    let forged = format!(
        "{}.{rest}",
        b64(&json!({"alg": "RS256", "kid": "jwk-test-nope", "typ": "JWT"}))
    );
    let within = verify(&forged, options()).await;
    let c3 = emu.count(JWKS_ROUTE).await;
    // …until 31 s later (Date.now moved forward), when it may refetch once.
    let shift = ClockShift::forward(31_000.0);
    let after_cooldown = verify(&forged, options()).await;
    let c4 = emu.count(JWKS_ROUTE).await;
    let old_key = verify(&first.jwt, options()).await;
    let third = emu.session_for(&user_id, json!({})).await;
    let hit = verify(&third.jwt, options()).await;
    let c5 = emu.count(JWKS_ROUTE).await;
    shift.restore();

    let hidden = secret_and(&[&forged]);
    for e in [
        within.expect_err("unknown kid"),
        after_cooldown.expect_err("unknown kid"),
    ] {
        check_error(&e, "ClientError", "jwks_no_matching_key", &refs(&hidden));
    }
    assert_eq!(c3, c2, "no fetch within the cooldown");
    assert_eq!(c4 - c3, 1, "one refetch after the cooldown");
    old_key.unwrap_or_else(|e| panic!("old key: {}", describe(&e)));
    hit.unwrap_or_else(|e| panic!("new key, warm: {}", describe(&e)));
    assert_eq!(c5, c4, "no more fetches");
    console_log!(
        "rotation: JWKS fetches cold={} new-kid={} unknown-kid-within-cooldown={} after={} warm={}",
        c1 - c0,
        c2 - c1,
        c3 - c2,
        c4 - c3,
        c5 - c4
    );
}

#[wasm_bindgen_test]
async fn failed_jwks_refresh_keeps_the_last_good_keys() {
    let emu = emu2();
    let alias = fresh_alias(emu.url);
    let options = || verify_options(&alias);
    let (user_id, _) = emu.user().await;
    let good = emu.session_for(&user_id, json!({})).await;
    verify(&good.jwt, options())
        .await
        .unwrap_or_else(|e| panic!("{}", describe(&e)));

    emu.rotate().await;
    let rotated = emu.session_for(&user_id, json!({})).await;
    emu.clear_faults().await;
    emu.fault(json!({"path_prefix": "/v1/sessions/jwks", "status": 503}))
        .await;
    let c0 = emu.count(JWKS_ROUTE).await;

    // Unknown kid after the cooldown: the refresh fails (503); the old keys stay usable.
    let shift = ClockShift::forward(31_000.0);
    let unknown = verify(&rotated.jwt, options()).await;
    let c1 = emu.count(JWKS_ROUTE).await;
    let kept = verify(&good.jwt, options()).await;
    let c2 = emu.count(JWKS_ROUTE).await;
    shift.restore();

    // Keys older than 10 minutes: the refresh fails (503); the stale keys still verify (the token
    // judged at the real time through current_date).
    let real_now = js_sys::Date::now();
    let shift = ClockShift::forward(11.0 * 60_000.0);
    let o = options();
    set(&o, "current_date", &date(real_now));
    let stale = verify(&good.jwt, o).await;
    let c3 = emu.count(JWKS_ROUTE).await;
    shift.restore();
    emu.clear_faults().await;

    let e = unknown.expect_err("the new kid cannot be verified while the JWKS is down");
    check_error(
        &e,
        "ClientError",
        "jwks_no_matching_key",
        &refs(&secret_and(&[&rotated.jwt])),
    );
    assert_eq!(c1 - c0, 1, "one (failed) refresh for the unknown kid");
    kept.unwrap_or_else(|e| panic!("last good keys after a failed refresh: {}", describe(&e)));
    assert_eq!(c2, c1, "the failed attempt starts the cooldown");
    stale.unwrap_or_else(|e| panic!("stale keys after a failed refresh: {}", describe(&e)));
    assert_eq!(c3 - c2, 1, "one (failed) refresh of stale keys");
    console_log!(
        "failed refresh: JWKS fetches unknown-kid={} cooling={} stale={}",
        c1 - c0,
        c2 - c1,
        c3 - c2
    );
}

// ---------------------------------------------------------------------------------------------
// Injected fetch and hostile values
// ---------------------------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn injected_fetch_is_used_and_hostile_fetch_results_are_request_errors() {
    let emu = emu();
    let s = emu.session(json!({})).await;
    let hidden = secret_and(&[&s.token, &s.jwt]);
    let calls = std::rc::Rc::new(Cell::new(0u32));
    let counter = calls.clone();
    let wrapper = Closure::<dyn Fn(JsValue, JsValue) -> Promise>::new(move |url, init| {
        counter.set(counter.get() + 1);
        fetch_any(&url, &init)
    });
    let options =
        js(&json!({"project_id": PROJECT_ID, "secret": SECRET, "custom_base_url": emu.url}));
    set(&options, "fetch", wrapper.as_ref());
    let sessions = JsClient::new(options).unwrap().sessions();
    resolves(sessions.authenticate(js(&json!({"session_token": s.token})))).await;
    assert_eq!(calls.get(), 1, "the Client's fetch option is used");

    let o = verify_options(&fresh_alias(emu.url));
    set(&o, "fetch", wrapper.as_ref());
    verify(&s.jwt, o)
        .await
        .unwrap_or_else(|e| panic!("{}", describe(&e)));
    assert_eq!(calls.get(), 2, "verifyJwt's fetch option is used");

    let not_a_promise = Closure::<dyn Fn() -> JsValue>::new(|| JsValue::from(5));
    let throws = Closure::<dyn Fn() -> Result<JsValue, JsValue>>::new(|| {
        Err(js_sys::Error::new("boom").into())
    });
    let rejects_with_string =
        Closure::<dyn Fn() -> Promise>::new(|| Promise::reject(&JsValue::from_str("nope")));
    let not_a_response =
        Closure::<dyn Fn() -> Promise>::new(|| Promise::resolve(&js(&json!({"status": 200}))));
    for f in [
        not_a_promise.as_ref(),
        throws.as_ref(),
        rejects_with_string.as_ref(),
        not_a_response.as_ref(),
    ] {
        let options =
            js(&json!({"project_id": PROJECT_ID, "secret": SECRET, "custom_base_url": emu.url}));
        set(&options, "fetch", f);
        let c = JsClient::new(options).unwrap().sessions();
        let e = rejects(c.authenticate(js(&json!({"session_token": s.token})))).await;
        check_error(&e, "RequestError", "network_error", &refs(&hidden));
        let o = verify_options(&fresh_alias(emu.url));
        set(&o, "fetch", f);
        let e = verify(&s.jwt, o).await.unwrap_err();
        check_error(&e, "RequestError", "network_error", &refs(&hidden));
    }
}

/// Values that are never valid options or params objects.
fn hostile_values() -> Vec<(&'static str, JsValue)> {
    let huge = "x".repeat(1 << 20);
    vec![
        ("undefined", JsValue::UNDEFINED),
        ("null", JsValue::NULL),
        ("number", JsValue::from(42)),
        ("NaN", JsValue::from(f64::NAN)),
        ("boolean", JsValue::TRUE),
        ("string", JsValue::from_str("{\"project_id\":\"x\"}")),
        ("1 MiB string", JsValue::from_str(&huge)),
        ("array", Array::of2(&"a".into(), &"b".into()).into()),
        ("empty array", Array::new().into()),
        ("symbol", JsValue::symbol(Some("s"))),
        ("bigint", js_sys::BigInt::from(7u32).into()),
        ("function", get(&js_sys::global(), "parseInt")),
        ("Date", js_sys::Date::new_0().into()),
        ("empty object", Object::new().into()),
    ]
}

/// An object whose `name` property throws when read.
fn throwing_getter(
    base: &Value,
    name: &str,
) -> (JsValue, Closure<dyn Fn() -> Result<JsValue, JsValue>>) {
    let object = js(base);
    let getter = Closure::<dyn Fn() -> Result<JsValue, JsValue>>::new(|| {
        Err(js_sys::Error::new("getter throws").into())
    });
    let descriptor = Object::new();
    set(&descriptor, "get", getter.as_ref());
    set(&descriptor, "enumerable", &JsValue::TRUE);
    set(&descriptor, "configurable", &JsValue::TRUE);
    Reflect::define_property(
        object.unchecked_ref::<Object>(),
        &JsValue::from_str(name),
        &descriptor,
    )
    .unwrap();
    (object, getter)
}

fn expect_invalid(result: Result<JsValue, JsValue>, what: &str) -> JsValue {
    match result {
        Ok(v) => panic!("{what}: accepted ({})", to_json(&v)),
        Err(e) => {
            assert!(
                e.is_instance_of::<js_sys::Error>(),
                "{what}: threw a non-Error {e:?}"
            );
            e
        }
    }
}

#[wasm_bindgen_test]
async fn hostile_values_are_refused_and_the_module_keeps_working() {
    let emu = emu();
    let s = emu.session(json!({})).await;
    let huge = "x".repeat(1 << 20);
    let hidden_owned = secret_and(&[&s.jwt, &s.token]);
    let hidden = refs(&hidden_owned);
    let sessions = client_at(emu.url);
    let base_client =
        json!({"project_id": PROJECT_ID, "secret": SECRET, "custom_base_url": emu.url});
    let base_verify = json!({"project_id": PROJECT_ID, "custom_base_url": emu.url});
    let auth_before = emu.count(AUTH_ROUTE).await;
    let mut checked = 0u32;

    // new Client(…)
    let with = |base: &Value, extra: Value| {
        let mut v = base.clone();
        v.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        js(&v)
    };
    let mut client_options: Vec<(String, JsValue)> = hostile_values()
        .into_iter()
        .map(|(what, v)| (what.to_owned(), v))
        .collect();
    for (what, extra) in [
        ("project_id number", json!({"project_id": 1})),
        ("project_id empty", json!({"project_id": ""})),
        ("project_id 1 MiB", json!({"project_id": huge})),
        ("secret missing", json!({"secret": null})),
        ("secret empty", json!({"secret": ""})),
        ("secret object", json!({"secret": {"a": 1}})),
        (
            "custom_base_url http",
            json!({"custom_base_url": "http://example.com"}),
        ),
        (
            "custom_base_url lookalike",
            json!({"custom_base_url": "http://127.0.0.1.evil.com"}),
        ),
        ("custom_base_url number", json!({"custom_base_url": 443})),
        ("custom_base_url 1 MiB", json!({"custom_base_url": huge})),
        ("timeout_ms negative", json!({"timeout_ms": -1})),
        ("timeout_ms string", json!({"timeout_ms": "fast"})),
        ("timeout_ms fraction", json!({"timeout_ms": 1.5})),
        ("timeout_ms huge", json!({"timeout_ms": 1e12})),
        ("jwks string", json!({"jwks": "keys"})),
        ("jwks object", json!({"jwks": {"keys": []}})),
        ("jwks wrong items", json!({"jwks": [1, 2]})),
        ("fetch string", json!({"fetch": "fetch"})),
        ("fetch object", json!({"fetch": {}})),
        ("fetch number", json!({"fetch": 1})),
    ] {
        client_options.push((what.to_owned(), with(&base_client, extra)));
    }
    for (what, options) in client_options {
        let e = expect_invalid(
            JsClient::new(options).map(|_| JsValue::NULL),
            &format!("new Client({what})"),
        );
        check_error(&e, "ClientError", "invalid_argument", &hidden);
        checked += 1;
    }

    // verifyJwt(token, options): bad token types, junk tokens, bad options.
    for (what, token) in hostile_values() {
        let code = if token.is_string() {
            "jwt_invalid"
        } else {
            "invalid_argument"
        };
        let r = JsFuture::from(verify_jwt(token, js(&base_verify))).await;
        let e = expect_invalid(r, &format!("verifyJwt({what})"));
        check_error(&e, "ClientError", code, &hidden);
        checked += 1;
    }
    let mut verify_options_list: Vec<(String, JsValue)> = hostile_values()
        .into_iter()
        .map(|(what, v)| (what.to_owned(), v))
        .collect();
    for (what, extra) in [
        ("project_id number", json!({"project_id": 5})),
        ("project_id missing", json!({"project_id": null})),
        ("project_id 1 MiB", json!({"project_id": huge})),
        (
            "custom_base_url ftp",
            json!({"custom_base_url": "ftp://127.0.0.1"}),
        ),
        (
            "custom_base_url with query",
            json!({"custom_base_url": format!("{}?x=1", emu.url)}),
        ),
        (
            "max_token_age_seconds negative",
            json!({"max_token_age_seconds": -1}),
        ),
        (
            "max_token_age_seconds string",
            json!({"max_token_age_seconds": "300"}),
        ),
        (
            "clock_tolerance_seconds fraction",
            json!({"clock_tolerance_seconds": 1.5}),
        ),
        ("current_date string", json!({"current_date": "yesterday"})),
        ("current_date object", json!({"current_date": {}})),
        ("current_date bool", json!({"current_date": true})),
        ("jwks object", json!({"jwks": {}})),
        ("jwks numbers", json!({"jwks": [1]})),
        ("fetch string", json!({"fetch": "fetch"})),
        ("fetch array", json!({"fetch": []})),
        ("timeout_ms negative", json!({"timeout_ms": -5})),
    ] {
        verify_options_list.push((what.to_owned(), with(&base_verify, extra)));
    }
    let nan_date = js(&base_verify);
    set(
        &nan_date,
        "current_date",
        &js_sys::Date::new(&JsValue::from_f64(f64::NAN)).into(),
    );
    verify_options_list.push(("current_date Invalid Date".into(), nan_date));
    let nan_ms = js(&base_verify);
    set(&nan_ms, "current_date", &JsValue::from_f64(f64::NAN));
    verify_options_list.push(("current_date NaN".into(), nan_ms));
    for (what, options) in verify_options_list {
        let r = JsFuture::from(verify_jwt(s.jwt.clone().into(), options)).await;
        let e = expect_invalid(r, &format!("verifyJwt(jwt, {what})"));
        check_error(&e, "ClientError", "invalid_argument", &hidden);
        checked += 1;
    }

    // client.sessions.*(params)
    type Method = fn(&Sessions, JsValue) -> Promise;
    let methods: [(&str, Method, Vec<Value>); 7] = [
        (
            "authenticate",
            Sessions::authenticate,
            vec![
                json!({"session_token": 5}),
                json!({"session_jwt": ["a"]}),
                json!({"session_token": s.token, "session_duration_minutes": "5"}),
                json!({"session_token": s.token, "session_duration_minutes": -5}),
                json!({"session_token": s.token, "session_duration_minutes": 1e12}),
                json!({"session_token": s.token, "session_custom_claims": "x"}),
                json!({"session_token": s.token, "session_custom_claims": [1]}),
            ],
        ),
        (
            "authenticateJwt",
            Sessions::authenticate_jwt,
            vec![
                json!({}),
                json!({"session_jwt": null}),
                json!({"session_jwt": 5}),
                json!({"session_jwt": s.jwt, "max_token_age_seconds": -1}),
                json!({"session_jwt": s.jwt, "clock_tolerance_seconds": "1"}),
                json!({"session_jwt": s.jwt, "session_custom_claims": 7}),
            ],
        ),
        (
            "authenticateJwtLocal",
            Sessions::authenticate_jwt_local,
            vec![
                json!({}),
                json!({"session_jwt": {}}),
                json!({"session_jwt": s.jwt, "current_date": "now"}),
                json!({"session_jwt": s.jwt, "max_token_age_seconds": 2.5}),
            ],
        ),
        (
            "get",
            Sessions::get,
            vec![json!({}), json!({"user_id": 5}), json!({"user_id": ["u"]})],
        ),
        (
            "getJWKS",
            Sessions::get_jwks,
            vec![
                json!({}),
                json!({"project_id": null}),
                json!({"project_id": {}}),
            ],
        ),
        (
            "migrate",
            Sessions::migrate,
            vec![
                json!({}),
                json!({"session_token": 5}),
                json!({"session_token": "t", "session_duration_minutes": "x"}),
            ],
        ),
        (
            "revoke",
            Sessions::revoke,
            vec![json!({"session_id": 5}), json!({"session_token": true})],
        ),
    ];
    for (name, method, shapes) in methods {
        let mut params: Vec<(String, JsValue)> = hostile_values()
            .into_iter()
            .map(|(what, v)| (what.to_owned(), v))
            .collect();
        // Every field of authenticate and revoke is optional: an object without own fields is
        // for the API to refuse (see stytch_errors_carry_the_api_fields).
        params.retain(|(what, _)| {
            !(matches!(what.as_str(), "empty object" | "Date")
                && matches!(name, "authenticate" | "revoke"))
        });
        params.extend(shapes.iter().map(|v| (v.to_string(), js(v))));
        for (what, p) in params {
            let what = format!("{name}({})", &what[..what.len().min(80)]);
            let e = expect_invalid(JsFuture::from(method(&sessions, p)).await, &what);
            check_error(&e, "ClientError", "invalid_argument", &hidden);
            checked += 1;
        }
    }
    // Junk and 1 MiB tokens: jwt_invalid, locally (never sent to the API).
    for token in [
        "junk",
        "a.b.c",
        huge.as_str(),
        &format!("{}.{huge}.x", s.jwt),
    ] {
        let e = rejects(sessions.authenticate_jwt(js(&json!({"session_jwt": token})))).await;
        check_error(&e, "ClientError", "jwt_invalid", &hidden);
        let e = rejects(sessions.authenticate_jwt_local(js(&json!({"session_jwt": token})))).await;
        check_error(&e, "ClientError", "jwt_invalid", &hidden);
        checked += 2;
    }
    assert_eq!(
        emu.count(AUTH_ROUTE).await,
        auth_before,
        "no hostile value reached the API"
    );
    console_log!("hostile values refused: {checked}");

    // The module still works.
    let session = verify(&s.jwt, verify_options(emu.url))
        .await
        .unwrap_or_else(|e| panic!("after hostile values: {}", describe(&e)));
    assert_eq!(session["session_id"], s.session_id.as_str());
    resolves(sessions.authenticate(js(&json!({"session_token": s.token})))).await;
    let fresh = client_at(emu.url);
    resolves(fresh.authenticate_jwt_local(js(&json!({"session_jwt": s.jwt})))).await;
}

/// Waits for `promise` at most `ms` milliseconds: `Some(outcome)`, or `None` if it never settled.
async fn settle_within(promise: Promise, ms: i32) -> Option<Result<JsValue, JsValue>> {
    let marker = "__settle_within_timeout__";
    let timer = Promise::new(&mut |resolve, _| {
        let global = js_sys::global();
        let set_timeout: Function = get(&global, "setTimeout").dyn_into().unwrap();
        set_timeout
            .call3(&global, &resolve, &JsValue::from(ms), &marker.into())
            .unwrap();
    });
    match JsFuture::from(Promise::race(&Array::of2(&promise, &timer))).await {
        Ok(v) if v.as_string().as_deref() == Some(marker) => None,
        outcome => Some(outcome),
    }
}

/// Options objects whose getter throws (or a Proxy whose trap throws) must reject with
/// ClientError invalid_argument like any other bad value. (Before the fix the getter's exception
/// escaped through the wasm frames: `new Client` threw the raw Error, and every Promise-returning
/// entry point never settled while the exception killed the Node process from the microtask queue.)
#[wasm_bindgen_test]
async fn throwing_getters_reject_with_invalid_argument() {
    let emu = emu();
    let s = emu.session(json!({})).await;
    let hidden_owned = secret_and(&[&s.jwt, &s.token]);
    let hidden = refs(&hidden_owned);
    let mut failures = Vec::new();

    let (options, _g) = throwing_getter(&json!({"secret": SECRET}), "project_id");
    let construct = Closure::once_into_js(move || JsClient::new(options).map(|_| JsValue::NULL));
    let construct: Function = construct.unchecked_into();
    match construct.call0(&JsValue::NULL) {
        Err(e) if get_str(&e, "code").as_deref() == Some("invalid_argument") => {
            check_error(&e, "ClientError", "invalid_argument", &hidden)
        }
        other => failures.push(format!("new Client: {:?}", other.map_err(|e| describe(&e)))),
    }

    let sessions = client_at(emu.url);
    type Method = fn(&Sessions, JsValue) -> Promise;
    let calls: [(&str, Method, &str); 7] = [
        ("authenticate", Sessions::authenticate, "session_token"),
        ("authenticateJwt", Sessions::authenticate_jwt, "session_jwt"),
        (
            "authenticateJwtLocal",
            Sessions::authenticate_jwt_local,
            "session_jwt",
        ),
        ("get", Sessions::get, "user_id"),
        ("getJWKS", Sessions::get_jwks, "project_id"),
        ("migrate", Sessions::migrate, "session_token"),
        ("revoke", Sessions::revoke, "session_id"),
    ];
    // One at a time: a call whose poll throws aborts the futures queue's current batch, and
    // tasks left in that batch (this test's own, if it were there) stay stranded.
    for (name, method, field) in calls {
        let (params, _g) = throwing_getter(&json!({}), field);
        let outcome = settle_within(method(&sessions, params), 2000).await;
        judge(name, outcome, &hidden, &mut failures);
    }
    let (options, _g) = throwing_getter(&json!({"custom_base_url": emu.url}), "project_id");
    let outcome = settle_within(verify_jwt(s.jwt.clone().into(), options), 2000).await;
    judge("verifyJwt", outcome, &hidden, &mut failures);
    // The module keeps working.
    verify(&s.jwt, verify_options(emu.url))
        .await
        .unwrap_or_else(|e| panic!("after throwing getters: {}", describe(&e)));
    assert!(failures.is_empty(), "{failures:#?}");
}

fn judge(
    name: &str,
    outcome: Option<Result<JsValue, JsValue>>,
    hidden: &[&str],
    failures: &mut Vec<String>,
) {
    match outcome {
        Some(Err(e)) if get_str(&e, "code").as_deref() == Some("invalid_argument") => {
            check_error(&e, "ClientError", "invalid_argument", hidden)
        }
        Some(other) => failures.push(format!(
            "{name}: {:?}",
            other.map(|v| to_json(&v)).map_err(|e| describe(&e))
        )),
        None => failures.push(format!("{name}: never settled")),
    }
}

/// `client.sessions` is one object per client, and `client.free()` frees it too: a Worker that
/// makes a Client per request (and runs no finalizers: Cloudflare Workers without
/// `enable_weak_ref`) must not grow its wasm memory per request.
#[wasm_bindgen_test]
fn a_client_per_request_does_not_grow_wasm_memory() {
    let options = js(
        &json!({"project_id": PROJECT_ID, "secret": SECRET, "custom_base_url": "http://127.0.0.1:9"}),
    );
    let memory_bytes = || {
        let buffer = Reflect::get(&wasm_bindgen::memory(), &"buffer".into()).unwrap();
        Reflect::get(&buffer, &"byteLength".into())
            .unwrap()
            .as_f64()
            .unwrap()
    };
    let one = |check: bool| {
        let client: JsValue = JsClient::new(options.clone()).unwrap().into();
        let sessions = Reflect::get(&client, &"sessions".into()).unwrap();
        if check {
            let again = Reflect::get(&client, &"sessions".into()).unwrap();
            assert!(
                Object::is(&sessions, &again),
                "client.sessions is one object"
            );
            assert!(Reflect::get(&sessions, &"authenticateJwt".into())
                .unwrap()
                .is_function());
        }
        let free: Function = Reflect::get(&client, &"free".into())
            .unwrap()
            .dyn_into()
            .unwrap();
        free.call0(&client).unwrap();
    };
    one(true);
    for _ in 0..2_000 {
        one(false);
    }
    let before = memory_bytes();
    for _ in 0..20_000 {
        one(false);
    }
    let grown = memory_bytes() - before;
    console_log!("wasm memory growth over 20,000 clients: {grown} bytes");
    assert!(grown < 1024.0 * 1024.0, "wasm memory grew by {grown} bytes");
}
