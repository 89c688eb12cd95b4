//! `Client` over `wasm::JsHost` (the `js-client` feature): the Rust driver with JavaScript's
//! global `fetch`, timers and clock, against the emulators. Every operation, the error classes,
//! the driver contract's time limits (a `fetch` that ignores its abort, a store that never
//! answers), hostile `fetch` results, and one JWKS fetch for 100 concurrent calls that share an
//! engine.

use crate::support::*;
use std::future::Future;
use stytch_sessions_wasm::api::{
    AttestParams, AuthenticateJwtParams, AuthenticateParams, ExchangeAccessTokenParams,
    LocalJwtParams, MigrateParams, RevokeParams,
};
use stytch_sessions_wasm::wasm::JsHost;
use stytch_sessions_wasm::{Client, Config, Error, SharedEngine};
use wasm_bindgen_futures::future_to_promise;
use wasm_bindgen_test::*;

fn config(base: &str, secret: Option<&str>) -> Config {
    Config::new(PROJECT_ID, secret, Some(base)).unwrap()
}

fn client(base: &str) -> Client<JsHost> {
    Client::new(config(base, Some(SECRET)), JsHost::new())
}

/// Checks `error` has `code` and that neither its message nor its `Debug` form holds any of
/// `hidden` (the secret, tokens).
fn check(error: &Error, code: &str, hidden: &[&str]) {
    assert_eq!(error.code(), code, "{error}");
    let texts = [error.to_string(), format!("{error:?}")];
    for secret in hidden.iter().filter(|s| s.len() >= 8) {
        assert!(
            texts.iter().all(|t| !t.contains(secret)),
            "{code}: an error text leaks a secret or token: {texts:?}"
        );
    }
}

fn token(token: &str) -> AuthenticateParams {
    AuthenticateParams {
        session_token: Some(token.to_owned()),
        ..Default::default()
    }
}

fn jwt_params(jwt: &str) -> AuthenticateJwtParams {
    AuthenticateJwtParams {
        session_jwt: jwt.to_owned(),
        ..Default::default()
    }
}

#[wasm_bindgen_test]
async fn client_over_js_host_runs_every_operation() {
    let emu = emu();
    let c = client(emu.url);
    let s = emu.session(json!({"custom_claims": {"plan": "pro"}})).await;

    let by_token = c.authenticate(&token(&s.token)).await.unwrap();
    assert_eq!(by_token.session.session_id, s.session_id);
    assert_eq!(by_token.session.custom_claims["plan"], "pro");

    // authenticateJwt: a fresh token locally (no API call), an old one through the API.
    let local = LocalJwtParams::default();
    let session = c.authenticate_jwt_local(&s.jwt, &local).await.unwrap();
    assert_eq!(session.user_id, s.user_id);
    let before = emu.count(AUTH_ROUTE).await;
    let answer = c.authenticate_jwt(&jwt_params(&s.jwt)).await.unwrap();
    assert!(!answer.is_remote());
    assert_eq!(emu.count(AUTH_ROUTE).await, before, "local: no API call");
    let old = emu.session(json!({"iat_offset_seconds": -600})).await;
    let answer = c.authenticate_jwt(&jwt_params(&old.jwt)).await.unwrap();
    assert!(answer.is_remote());
    assert_eq!(answer.session().session_id, old.session_id);
    assert_eq!(emu.count(AUTH_ROUTE).await, before + 1);
    let verified = stytch_sessions_wasm::verify_jwt(&c, &s.jwt, &local)
        .await
        .unwrap();
    assert_eq!(verified.session_id, s.session_id);

    let got = c.get(&s.user_id).await.unwrap();
    assert!(got.sessions.iter().any(|x| x.session_id == s.session_id));
    let jwks = c.get_jwks(PROJECT_ID).await.unwrap();
    let kid = kid_of(&s.jwt);
    assert!(jwks
        .keys
        .iter()
        .any(|k| k.kid.as_deref() == Some(kid.as_str())));

    let (user_id, email) = emu.user().await;
    let external = unique("external-oidc-token");
    emu.control(
        "POST",
        "/__emulator/external_tokens",
        Some(json!({"token": external, "email": email})),
    )
    .await;
    let migrated = c
        .migrate(&MigrateParams {
            session_token: external,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(migrated.user_id, user_id);

    let access = emu
        .control(
            "POST",
            "/__emulator/access_tokens",
            Some(json!({"user_id": s.user_id})),
        )
        .await;
    let exchanged = c
        .exchange_access_token(&ExchangeAccessTokenParams {
            access_token: access["access_token"].as_str().unwrap().to_owned(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(exchanged.user_id, s.user_id);
    let profile_id = unique("profile");
    let trusted = emu
        .control(
            "POST",
            "/__emulator/trusted_auth_tokens",
            Some(json!({"profile_id": profile_id, "user_id": s.user_id})),
        )
        .await;
    let attested = c
        .attest(&AttestParams {
            profile_id,
            token: trusted["token"].as_str().unwrap().to_owned(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(attested.user_id, s.user_id);

    let revoked = c
        .revoke(&RevokeParams {
            session_id: Some(s.session_id.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(revoked.status_code, 200);
    let e = c.authenticate(&token(&s.token)).await.unwrap_err();
    check(&e, "session_not_found", &refs(&secret_and(&[&s.token])));
}

#[wasm_bindgen_test]
async fn client_over_js_host_errors_are_classed_and_never_leak() {
    let emu = emu();
    let s = emu.session(json!({})).await;
    let hidden = secret_and(&[&s.token, &s.jwt]);
    let wrong = "secret-test-WRONG-do-not-log-me";
    let bad = Client::new(config(emu.url, Some(wrong)), JsHost::new());
    let e = bad.authenticate(&token(&s.token)).await.unwrap_err();
    let mut with_wrong = refs(&hidden);
    with_wrong.push(wrong);
    check(&e, "unauthorized_credentials", &with_wrong);
    assert!(matches!(e, Error::Stytch(_)), "{e:?}");

    let c = client(emu.url);
    emu.clear_faults().await;
    emu.fault(
        json!({"path_prefix": "/v1/sessions/authenticate", "malformed_body": true, "times": 1}),
    )
    .await;
    let e = c.authenticate(&token(&s.token)).await.unwrap_err();
    check(&e, "invalid_response", &refs(&hidden));
    assert!(matches!(e, Error::Request { .. }), "{e:?}");

    let nowhere = client("http://127.0.0.1:9");
    let e = nowhere.authenticate(&token(&s.token)).await.unwrap_err();
    check(&e, "network_error", &refs(&hidden));

    let forged = format!("{}AAAA", &s.jwt[..s.jwt.len() - 4]);
    let e = c
        .authenticate_jwt_local(&forged, &LocalJwtParams::default())
        .await
        .unwrap_err();
    check(&e, "jwt_signature_invalid", &refs(&secret_and(&[&forged])));
    assert!(matches!(e, Error::Client { .. }), "{e:?}");

    // `timeout_ms` bounds a slow call.
    let slow = config(emu.url, Some(SECRET)).with_timeout_ms(300).unwrap();
    let slow = Client::new(slow, JsHost::new());
    emu.fault(json!({
        "method": "POST", "path_prefix": "/v1/sessions/authenticate", "delay_ms": 3000, "times": 1
    }))
    .await;
    let started = js_sys::Date::now();
    let e = slow.authenticate(&token(&s.token)).await.unwrap_err();
    let elapsed = js_sys::Date::now() - started;
    emu.clear_faults().await;
    check(&e, "timeout", &refs(&hidden));
    assert!(elapsed < 2500.0, "the timeout fired after {elapsed} ms");
    c.authenticate(&token(&s.token)).await.unwrap();
}

/// A `fetch` that returns `value` (a closure kept alive by the caller).
fn fetch_returning(value: impl Fn() -> JsValue + 'static) -> Closure<dyn Fn() -> JsValue> {
    Closure::new(value)
}

#[wasm_bindgen_test]
async fn a_fetch_that_ignores_its_abort_times_out_and_hostile_results_are_network_errors() {
    let emu = emu();
    let s = emu.session(json!({})).await;
    let hidden = secret_and(&[&s.token]);
    let never = fetch_returning(|| Promise::new(&mut |_, _| {}).into());
    let options = config(emu.url, Some(SECRET)).with_timeout_ms(300).unwrap();
    let host = JsHost::new().with_fetch(never.as_ref().clone().unchecked_into());
    let started = js_sys::Date::now();
    let e = Client::new(options, host)
        .authenticate(&token(&s.token))
        .await
        .unwrap_err();
    let elapsed = js_sys::Date::now() - started;
    check(&e, "timeout", &refs(&hidden));
    assert!(
        (250.0..2500.0).contains(&elapsed),
        "stopped waiting after {elapsed} ms"
    );

    let not_a_promise = fetch_returning(|| JsValue::from(5));
    let rejects_with_string =
        fetch_returning(|| Promise::reject(&JsValue::from_str("nope")).into());
    let not_a_response = fetch_returning(|| Promise::resolve(&js(&json!({"status": 200}))).into());
    let throws = Closure::<dyn Fn() -> Result<JsValue, JsValue>>::new(|| {
        Err(js_sys::Error::new("boom").into())
    });
    for f in [
        not_a_promise.as_ref(),
        rejects_with_string.as_ref(),
        not_a_response.as_ref(),
        throws.as_ref(),
    ] {
        let host = JsHost::new().with_fetch(f.clone().unchecked_into());
        let c = Client::new(config(emu.url, Some(SECRET)), host);
        let e = c.authenticate(&token(&s.token)).await.unwrap_err();
        check(&e, "network_error", &refs(&hidden));
    }

    // An injected fetch that works is used.
    let calls = std::rc::Rc::new(Cell::new(0u32));
    let counter = calls.clone();
    let wrapper = Closure::<dyn Fn(JsValue, JsValue) -> Promise>::new(move |url, init| {
        counter.set(counter.get() + 1);
        fetch_any(&url, &init)
    });
    let host = JsHost::new().with_fetch(wrapper.as_ref().clone().unchecked_into());
    let c = Client::new(config(emu.url, Some(SECRET)), host);
    c.authenticate(&token(&s.token)).await.unwrap();
    assert_eq!(calls.get(), 1);
}

/// Runs `work` as a promise (so that many run at once).
fn spawn<T: 'static>(work: impl Future<Output = T> + 'static) -> Promise {
    future_to_promise(async move {
        work.await;
        Ok(JsValue::UNDEFINED)
    })
}

#[wasm_bindgen_test]
async fn one_jwks_fetch_for_100_concurrent_clients_sharing_an_engine() {
    let emu = emu();
    let s = emu.session(json!({})).await;
    // A cache entry no other test uses: the localhost form of the URL, with a dot segment.
    let cold = fresh_alias(&emu.url.replace("127.0.0.1", "localhost"));
    let engine = SharedEngine::default();
    let before = emu.count(JWKS_ROUTE).await;
    let verified = std::rc::Rc::new(Cell::new(0u32));
    let promises = Array::new();
    for _ in 0..100 {
        let c = Client::with_engine(config(&cold, None), JsHost::new(), engine.clone());
        let (jwt, id, verified) = (s.jwt.clone(), s.session_id.clone(), verified.clone());
        promises.push(&spawn(async move {
            let session = c
                .authenticate_jwt_local(&jwt, &LocalJwtParams::default())
                .await
                .unwrap();
            assert_eq!(session.session_id, id);
            verified.set(verified.get() + 1);
        }));
    }
    resolves(Promise::all(&promises)).await;
    assert_eq!(verified.get(), 100);
    assert_eq!(emu.count(JWKS_ROUTE).await - before, 1, "one JWKS fetch");
}

#[wasm_bindgen_test]
async fn a_store_that_never_answers_is_waited_for_at_most_the_jwks_timeout() {
    let emu = emu();
    let s = emu.session(json!({})).await;
    let (store, _never) = stuck_store();
    let options = config(&fresh_alias(emu.url), None)
        .with_jwks_store(true)
        .with_timeout_ms(300)
        .unwrap();
    let c = Client::new(options, JsHost::new().with_store(store));
    let before = emu.count(JWKS_ROUTE).await;
    let started = js_sys::Date::now();
    let session = c
        .authenticate_jwt_local(&s.jwt, &LocalJwtParams::default())
        .await
        .unwrap();
    let elapsed = js_sys::Date::now() - started;
    assert_eq!(session.session_id, s.session_id);
    assert_eq!(
        emu.count(JWKS_ROUTE).await - before,
        1,
        "fetched past the store"
    );
    // `get` and then `put` are each waited for at most 300 ms.
    assert!(
        (500.0..3000.0).contains(&elapsed),
        "the store was waited for {elapsed} ms"
    );
}
