//! The three error classes: StytchError with the API's fields, RequestError for network
//! failures, bad answers and timeouts, ClientError with its code and claim.

use crate::support::*;
use wasm_bindgen_test::*;

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
    let elapsed = authenticate_times_out(&sessions, &s.token).await;
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
        "jwks_fetched_at": js_sys::Date::now() as u64,
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

/// `verifyJwt` parses an options object's text once, but judges every call at the
/// `current_date` the object holds at that call: one object reused, its date changed between
/// calls (later, earlier, invalid, later again), is read afresh each time.
#[wasm_bindgen_test]
async fn a_reused_options_object_is_judged_at_its_current_date_on_every_call() {
    let emu = emu();
    let s = emu.session(json!({})).await;
    let o = verify_options(emu.url);
    let hidden = secret_and(&[&s.jwt]);

    verify(&s.jwt, o.clone()).await.unwrap();

    set(&o, "current_date", &date(js_sys::Date::now() - 60_000.0));
    let e = verify(&s.jwt, o.clone()).await.unwrap_err();
    check_error(&e, "ClientError", "jwt_not_yet_valid", &refs(&hidden));

    set(&o, "current_date", &date(f64::NAN));
    for _ in 0..2 {
        let e = verify(&s.jwt, o.clone()).await.unwrap_err();
        check_error(&e, "ClientError", "invalid_argument", &refs(&hidden));
    }

    set(
        &o,
        "current_date",
        &JsValue::from_f64(js_sys::Date::now() + 1_000.0),
    );
    assert_eq!(
        verify(&s.jwt, o.clone()).await.unwrap()["user_id"],
        json!(s.user_id)
    );
}
