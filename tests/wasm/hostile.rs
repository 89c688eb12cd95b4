//! Hostile values: injected fetch results, every bad option and parameter, throwing getters,
//! hostile configuration; each is refused without echoing a value, and the module keeps working.

use crate::support::*;
use wasm_bindgen_test::*;

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

/// A session, the texts no message may hold (the secret, its tokens), and the API's request count
/// before: hostile values must never reach the API.
struct Setup {
    emu: Emulator,
    s: Minted,
    hidden: Vec<String>,
    auth_before: u64,
}

async fn setup() -> Setup {
    let emu = emu();
    let s = emu.session(json!({})).await;
    let hidden = secret_and(&[&s.jwt, &s.token]);
    let auth_before = emu.count(AUTH_ROUTE).await;
    Setup {
        emu,
        s,
        hidden,
        auth_before,
    }
}

impl Setup {
    fn hidden(&self) -> Vec<&str> {
        refs(&self.hidden)
    }

    fn client_options(&self) -> Value {
        json!({"project_id": PROJECT_ID, "secret": SECRET, "custom_base_url": self.emu.url})
    }

    fn verify_options(&self) -> Value {
        json!({"project_id": PROJECT_ID, "custom_base_url": self.emu.url})
    }

    /// No hostile value reached the API, and the module still verifies, authenticates and
    /// builds clients.
    async fn still_works(&self, checked: u32) {
        assert_eq!(
            self.emu.count(AUTH_ROUTE).await,
            self.auth_before,
            "no hostile value reached the API"
        );
        console_log!("hostile values refused: {checked}");
        let session = verify(&self.s.jwt, verify_options(self.emu.url))
            .await
            .unwrap_or_else(|e| panic!("after hostile values: {}", describe(&e)));
        assert_eq!(session["session_id"], self.s.session_id.as_str());
        let sessions = client_at(self.emu.url);
        resolves(sessions.authenticate(js(&json!({"session_token": self.s.token})))).await;
        resolves(sessions.authenticate_jwt_local(js(&json!({"session_jwt": self.s.jwt})))).await;
    }
}

/// `base` with the members of `extra` over it, as a JS object.
fn with(base: &Value, extra: Value) -> JsValue {
    let mut v = base.clone();
    v.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    js(&v)
}

/// Every value of [`hostile_values`], with its description.
fn hostile_list() -> Vec<(String, JsValue)> {
    hostile_values()
        .into_iter()
        .map(|(what, v)| (what.to_owned(), v))
        .collect()
}

#[wasm_bindgen_test]
async fn new_client_refuses_hostile_options() {
    let t = setup().await;
    let huge = "x".repeat(1 << 20);
    let mut cases = hostile_list();
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
        ("jwks object without keys", json!({"jwks": {"kty": "RSA"}})),
        ("jwks keys not an array", json!({"jwks": {"keys": "x"}})),
        ("jwks wrong items", json!({"jwks": [1, 2]})),
        ("fetch string", json!({"fetch": "fetch"})),
        ("fetch object", json!({"fetch": {}})),
        ("fetch number", json!({"fetch": 1})),
    ] {
        cases.push((what.to_owned(), with(&t.client_options(), extra)));
    }
    let mut checked = 0;
    for (what, options) in cases {
        let e = expect_invalid(
            JsClient::new(options).map(|_| JsValue::NULL),
            &format!("new Client({what})"),
        );
        check_error(&e, "ClientError", "invalid_argument", &t.hidden());
        checked += 1;
    }
    t.still_works(checked).await;
}

#[wasm_bindgen_test]
async fn verify_jwt_refuses_hostile_tokens_and_options() {
    let t = setup().await;
    let huge = "x".repeat(1 << 20);
    let mut checked = 0;
    // Bad token types and junk tokens.
    for (what, token) in hostile_values() {
        let code = if token.is_string() {
            "jwt_invalid"
        } else {
            "invalid_argument"
        };
        let r = JsFuture::from(verify_jwt(token, js(&t.verify_options()))).await;
        let e = expect_invalid(r, &format!("verifyJwt({what})"));
        check_error(&e, "ClientError", code, &t.hidden());
        checked += 1;
    }
    // Bad options.
    let mut cases = hostile_list();
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
            json!({"custom_base_url": format!("{}?x=1", t.emu.url)}),
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
        ("jwks empty object", json!({"jwks": {}})),
        ("jwks keys of numbers", json!({"jwks": {"keys": [1]}})),
        ("jwks numbers", json!({"jwks": [1]})),
        ("fetch string", json!({"fetch": "fetch"})),
        ("fetch array", json!({"fetch": []})),
        ("timeout_ms negative", json!({"timeout_ms": -5})),
    ] {
        cases.push((what.to_owned(), with(&t.verify_options(), extra)));
    }
    let nan_date = js(&t.verify_options());
    set(
        &nan_date,
        "current_date",
        &js_sys::Date::new(&JsValue::from_f64(f64::NAN)).into(),
    );
    cases.push(("current_date Invalid Date".into(), nan_date));
    let nan_ms = js(&t.verify_options());
    set(&nan_ms, "current_date", &JsValue::from_f64(f64::NAN));
    cases.push(("current_date NaN".into(), nan_ms));
    for (what, options) in cases {
        let r = JsFuture::from(verify_jwt(t.s.jwt.clone().into(), options)).await;
        let e = expect_invalid(r, &format!("verifyJwt(jwt, {what})"));
        check_error(&e, "ClientError", "invalid_argument", &t.hidden());
        checked += 1;
    }
    t.still_works(checked).await;
}

type Method = fn(&Sessions, JsValue) -> Promise;

#[wasm_bindgen_test]
async fn every_method_refuses_hostile_params() {
    let t = setup().await;
    let s = &t.s;
    let sessions = client_at(t.emu.url);
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
    let mut checked = 0;
    for (name, method, shapes) in methods {
        let mut params = hostile_list();
        // Every field of authenticate and revoke is optional: an object without own fields is
        // for the API to refuse (see errors::stytch_errors_carry_the_api_fields).
        params.retain(|(what, _)| {
            !(matches!(what.as_str(), "empty object" | "Date")
                && matches!(name, "authenticate" | "revoke"))
        });
        params.extend(shapes.iter().map(|v| (v.to_string(), js(v))));
        for (what, p) in params {
            let what = format!("{name}({})", &what[..what.len().min(80)]);
            let e = expect_invalid(JsFuture::from(method(&sessions, p)).await, &what);
            check_error(&e, "ClientError", "invalid_argument", &t.hidden());
            checked += 1;
        }
    }
    t.still_works(checked).await;
}

#[wasm_bindgen_test]
async fn junk_and_huge_tokens_are_refused_locally() {
    let t = setup().await;
    let huge = "x".repeat(1 << 20);
    let sessions = client_at(t.emu.url);
    let mut checked = 0;
    for token in [
        "junk",
        "a.b.c",
        huge.as_str(),
        &format!("{}.{huge}.x", t.s.jwt),
    ] {
        let e = rejects(sessions.authenticate_jwt(js(&json!({"session_jwt": token})))).await;
        check_error(&e, "ClientError", "jwt_invalid", &t.hidden());
        let e = rejects(sessions.authenticate_jwt_local(js(&json!({"session_jwt": token})))).await;
        check_error(&e, "ClientError", "jwt_invalid", &t.hidden());
        checked += 2;
    }
    t.still_works(checked).await;
}

/// A refusal of `option` whose message names the option and holds none of `values`.
fn check_refusal(e: &JsValue, option: &str, values: &[&str], hidden: &[&str], what: &str) {
    check_error(e, "ClientError", "invalid_argument", hidden);
    let message = get_str(e, "message").unwrap_or_default();
    assert!(
        message.contains(option),
        "{what}: the message does not name {option}: {message}"
    );
    for value in values {
        assert!(
            !message.contains(value),
            "{what}: the message echoes {value:?}: {message}"
        );
    }
}

/// Base URLs that show the loopback-only or https check one host while a `fetch` would go to
/// another, or carry a query or fragment (docs/rules.md, "Configuration").
fn hostile_base_urls(port_url: &str) -> Vec<String> {
    let authority = port_url.trim_start_matches("http://");
    vec![
        "http://localhost:@evil.example".into(),
        "http://127.0.0.1:80@evil.example".into(),
        "http://[::1]:@evil.example".into(),
        format!("http://{authority}@evil.example"),
        format!("http://user:pass@{authority}"),
        "https://user:pass@login.example.com".into(),
        "https://login.example.com@evil.example".into(),
        "https://login.example.com:@evil.example/".into(),
        "http://localhost\\@evil.example".into(),
        "http://localhost%40evil.example".into(),
        format!("{port_url}?evil=1"),
        format!("{port_url}/?evil=1"),
        format!("{port_url}#evil"),
        format!("{port_url}/#evil"),
        "https://login.example.com?evil=1".into(),
        "https://login.example.com/base#evil".into(),
        format!("{port_url} "),
        format!("{port_url}/\tevil"),
    ]
}

#[wasm_bindgen_test]
async fn hostile_configuration_is_refused_and_never_echoed() {
    let t = setup().await;
    // An injected fetch that counts: a refused configuration sends nothing anywhere.
    let calls = std::rc::Rc::new(Cell::new(0u32));
    let counter = calls.clone();
    let recorder = Closure::<dyn Fn(JsValue, JsValue) -> Promise>::new(move |url, init| {
        counter.set(counter.get() + 1);
        fetch_any(&url, &init)
    });
    let mut checked = 0;

    // custom_base_url with user info, a query, a fragment, white space or a backslash.
    for url in hostile_base_urls(t.emu.url) {
        let options = with(&t.client_options(), json!({"custom_base_url": url}));
        set(&options, "fetch", recorder.as_ref());
        let e = expect_invalid(
            JsClient::new(options).map(|_| JsValue::NULL),
            &format!("new Client({url:?})"),
        );
        let echo = ["evil", "user:pass", url.as_str()];
        check_refusal(&e, "custom_base_url", &echo, &t.hidden(), &url);
        let options = with(&t.verify_options(), json!({"custom_base_url": url}));
        set(&options, "fetch", recorder.as_ref());
        let r = JsFuture::from(verify_jwt(t.s.jwt.clone().into(), options)).await;
        let e = expect_invalid(r, &format!("verifyJwt(jwt, {url:?})"));
        check_refusal(&e, "custom_base_url", &echo, &t.hidden(), &url);
        checked += 2;
    }
    assert_eq!(calls.get(), 0, "a refused configuration fetched");

    // Every option of the wrong type, its value a text that must not come back.
    let marker = "VALUE-MARKER-alice@example.com";
    let claims = r#"{"email":"alice@example.com","note":"say \"hi\""}"#;
    let client_cases = [
        ("project_id", json!([marker])),
        ("secret", json!({"value": marker})),
        ("custom_base_url", json!([marker])),
        ("custom_base_url", json!(marker)),
        ("timeout_ms", json!(marker)),
        ("jwks", json!(marker)),
        ("jwks", json!([marker])),
    ];
    for (option, value) in client_cases {
        let e = expect_invalid(
            JsClient::new(with(&t.client_options(), json!({ option: value })))
                .map(|_| JsValue::NULL),
            &format!("new Client({option}: {value})"),
        );
        check_refusal(&e, option, &["MARKER", "alice"], &t.hidden(), option);
        checked += 1;
    }
    let verify_cases = [
        ("project_id", json!({"v": marker})),
        ("max_token_age_seconds", json!(marker)),
        ("clock_tolerance_seconds", json!(marker)),
        ("timeout_ms", json!([marker])),
        ("current_date", json!(marker)),
        ("jwks", json!({"keys": [marker]})),
    ];
    for (option, value) in verify_cases {
        let options = with(&t.verify_options(), json!({ option: value }));
        let r = JsFuture::from(verify_jwt(t.s.jwt.clone().into(), options)).await;
        let e = expect_invalid(r, &format!("verifyJwt(jwt, {option}: {value})"));
        check_refusal(&e, option, &["MARKER", "alice"], &t.hidden(), option);
        checked += 1;
    }

    // session_custom_claims given as JSON text (escaped quotes and all) instead of an object.
    let sessions = client_at(t.emu.url);
    let calls_with_claims: [(&str, Method, Value); 4] = [
        (
            "authenticate",
            Sessions::authenticate,
            json!({"session_token": t.s.token, "session_custom_claims": claims}),
        ),
        (
            "authenticateJwt",
            Sessions::authenticate_jwt,
            json!({"session_jwt": t.s.jwt, "session_custom_claims": claims}),
        ),
        (
            "migrate",
            Sessions::migrate,
            json!({"session_token": "external", "session_custom_claims": claims}),
        ),
        (
            "authenticate",
            Sessions::authenticate,
            json!({"session_token": t.s.token, "session_duration_minutes": marker}),
        ),
    ];
    for (name, method, params) in calls_with_claims {
        let option = if params.get("session_custom_claims").is_some() {
            "session_custom_claims"
        } else {
            "session_duration_minutes"
        };
        let e = expect_invalid(JsFuture::from(method(&sessions, js(&params))).await, name);
        check_refusal(
            &e,
            option,
            &["alice", "example.com", "hi", "MARKER"],
            &t.hidden(),
            name,
        );
        checked += 1;
    }
    t.still_works(checked).await;
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
