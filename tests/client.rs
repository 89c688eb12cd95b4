//! The Rust client over the simulated Stytch (`tests/common/stytch.rs`) as its host, with a fixed
//! clock: authenticateJwt's fallback matrix, the engine's key store through real call paths, and
//! the requests and errors of every call.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::*;
use serde_json::{json, Value};
use std::future::Future;
use std::task::{Context, Poll, Waker};
use stytch_sessions_wasm::api::*;
use stytch_sessions_wasm::{Client, Config, Error};

const SECRET: &str = "secret-test-do-not-log-me";
const JWKS_URL: &str =
    "https://test.stytch.com/v1/sessions/jwks/project-test-00000000-0000-4000-8000-000000000000";

fn client(host: Stytch) -> Client<Stytch> {
    Client::new(Config::new(PROJECT_ID, Some(SECRET), None).unwrap(), host)
}

fn fresh_token() -> String {
    key_a().sign(&Value::Object(payload()))
}

fn authenticate_jwt(
    c: &Client<Stytch>,
    token: &str,
) -> stytch_sessions_wasm::Result<AuthenticateJwtResponse> {
    settle(c.authenticate_jwt(&AuthenticateJwtParams {
        session_jwt: token.to_owned(),
        ..Default::default()
    }))
}

#[test]
fn a_fresh_token_is_verified_locally_and_keys_are_fetched_once() {
    let c = client(Stytch::new());
    for _ in 0..3 {
        let r = authenticate_jwt(&c, &fresh_token()).unwrap();
        assert!(!r.is_remote());
        assert_eq!(r.session().session_id, SESSION_ID);
    }
    assert_eq!(c.host().jwks_fetches(), 1);
    assert_eq!(c.host().api_calls(), 0);
}

#[test]
fn fallback_matrix() {
    let mut too_old = payload_at(NOW - 400);
    too_old.insert("exp".into(), json!(NOW + 1000));
    let expired = payload_at(NOW - 600);
    let mut not_yet = payload();
    not_yet.insert("nbf".into(), json!(NOW + 60));
    let remote_cases = [
        ("too old", key_a().sign(&Value::Object(too_old))),
        ("expired", key_a().sign(&Value::Object(expired))),
        ("not yet valid", key_a().sign(&Value::Object(not_yet))),
    ];
    for (what, token) in remote_cases {
        let c = client(Stytch::new());
        let r = authenticate_jwt(&c, &token).unwrap();
        assert!(r.is_remote(), "{what}");
        let AuthenticateJwtResponse::Remote(resp) = &r else {
            unreachable!()
        };
        assert_eq!(resp.session_jwt, "new.jwt.value", "{what}");
        assert_eq!(c.host().api_calls(), 1, "{what}");
        let sent = c.host().last_body(Route::Api).unwrap();
        let sent: Value = serde_json::from_str(&sent).unwrap();
        assert_eq!(
            sent,
            json!({"session_jwt": token}),
            "{what}: unset fields are left out"
        );
    }

    let mut wrong_iss = payload();
    wrong_iss.insert("iss".into(), json!("stytch.com/project-test-other"));
    let mut bad_sig = fresh_token();
    bad_sig.replace_range(bad_sig.len() - 8.., "AAAAAAAA");
    let local_rejects = [
        ("malformed", "not.a.jwt".to_owned(), "jwt_invalid"),
        ("bad signature", bad_sig, "jwt_signature_invalid"),
        (
            "wrong alg",
            key_a().sign_raw(&json!({"alg":"HS256","kid":key_a().kid}).to_string(), "{}"),
            "jwt_incorrect_algorithm",
        ),
        (
            "forged by another key",
            key_b().sign_raw(
                &json!({"alg":"RS256","kid":key_a().kid}).to_string(),
                &Value::Object(payload()).to_string(),
            ),
            "jwt_signature_invalid",
        ),
        (
            "wrong issuer",
            key_a().sign(&Value::Object(wrong_iss)),
            "jwt_invalid_issuer",
        ),
        (
            "a kid the JWKS just fetched lacks",
            key_b().sign(&Value::Object(payload())),
            "jwks_no_matching_key",
        ),
    ];
    for (what, token, code) in local_rejects {
        let c = client(Stytch::new());
        let err = authenticate_jwt(&c, &token).unwrap_err();
        assert_eq!(err.code(), code, "{what}");
        assert_eq!(
            c.host().api_calls(),
            0,
            "{what}: no API call for a token proven bad"
        );
    }
}

#[test]
fn jwks_down_falls_back_to_the_api() {
    let host = Stytch::new();
    host.set_status(Route::Jwks, 503);
    let c = client(host);
    let r = authenticate_jwt(&c, &fresh_token()).unwrap();
    assert!(r.is_remote());
    assert_eq!(c.host().jwks_fetches(), 1);
    // Within the cooldown the JWKS is not hammered: the next request goes straight to the API.
    let r = authenticate_jwt(&c, &fresh_token()).unwrap();
    assert!(r.is_remote());
    assert_eq!(c.host().jwks_fetches(), 1);
}

#[test]
fn max_age_zero_is_remote_only() {
    let c = client(Stytch::new());
    let r = settle(c.authenticate_jwt(&AuthenticateJwtParams {
        session_jwt: fresh_token(),
        max_token_age_seconds: Some(0),
        session_duration_minutes: Some(60),
        session_custom_claims: Some(object(json!({"plan": "pro", "gone": null}))),
        ..Default::default()
    }))
    .unwrap();
    assert!(r.is_remote());
    assert_eq!(c.host().jwks_fetches(), 0);
    let sent: Value = serde_json::from_str(c.host().log()[0].body.as_deref().unwrap()).unwrap();
    assert_eq!(sent["session_duration_minutes"], 60);
    assert_eq!(
        sent["session_custom_claims"],
        json!({"plan": "pro", "gone": null})
    );
}

#[test]
fn local_only_never_calls_the_api() {
    let c = client(Stytch::new());
    let mut too_old = payload_at(NOW - 400);
    too_old.insert("exp".into(), json!(NOW + 1000));
    let err = settle(c.authenticate_jwt_local(
        &key_a().sign(&Value::Object(too_old)),
        &LocalJwtParams::default(),
    ))
    .unwrap_err();
    assert_eq!(err.code(), "jwt_too_old");
    assert_eq!(c.host().api_calls(), 0);
    // current_date moves the judgement.
    let s = settle(c.authenticate_jwt_local(
        &fresh_token(),
        &LocalJwtParams {
            current_date_ms: Some((NOW + 10) as f64 * 1000.0),
            ..Default::default()
        },
    ))
    .unwrap();
    assert_eq!(s.user_id, USER_ID);
    let err = settle(c.authenticate_jwt_local(
        &fresh_token(),
        &LocalJwtParams {
            current_date_ms: Some((NOW + 300) as f64 * 1000.0),
            ..Default::default()
        },
    ))
    .unwrap_err();
    assert_eq!(err.code(), "jwt_expired");
}

/// A client without a secret, as `verifyJwt` uses.
fn public_client(host: Stytch) -> Client<Stytch> {
    Client::new(Config::new(PROJECT_ID, None, None).unwrap(), host)
}

/// Local verification of `token` with `params`.
fn verify(
    c: &Client<Stytch>,
    token: &str,
    params: &LocalJwtParams,
) -> stytch_sessions_wasm::Result<stytch_sessions_wasm::Session> {
    settle(c.authenticate_jwt_local(token, params))
}

/// Local verification (no secret) of a fresh token with default options.
fn verify_fresh_token(
    c: &Client<Stytch>,
) -> stytch_sessions_wasm::Result<stytch_sessions_wasm::Session> {
    verify(c, &fresh_token(), &LocalJwtParams::default())
}

#[test]
fn verify_jwt_needs_no_secret_and_sends_no_credentials() {
    let c = public_client(Stytch::new());
    let s = verify_fresh_token(&c).unwrap();
    assert_eq!(s.session_id, SESSION_ID);
    let log = c.host().log();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].url, JWKS_URL);
    assert!(log[0]
        .headers
        .iter()
        .all(|(name, _)| *name != "Authorization"));
    assert_eq!(log[0].timeout_ms, 5_000);
}

/// Starts `n` local verifications of `token` on one client while the JWKS endpoint holds its
/// answer, then lets it answer and runs them all to the end.
fn concurrent_verifications(c: &Client<Stytch>, token: &str, n: usize, hold_ms: f64) -> usize {
    c.host().hold(Route::Jwks);
    let params = LocalJwtParams::default();
    let mut futures: Vec<_> = (0..n)
        .map(|_| Box::pin(c.authenticate_jwt_local(token, &params)))
        .collect();
    let mut cx = Context::from_waker(Waker::noop());
    // Every call starts; the first fetches, the others wait (each wait moves the clock 5 ms).
    let until = c.host().now_ms() + hold_ms;
    while c.host().now_ms() < until {
        for f in futures.iter_mut() {
            assert!(f.as_mut().poll(&mut cx).is_pending());
        }
    }
    c.host().release(Route::Jwks);
    let mut done = 0;
    for f in futures.iter_mut() {
        loop {
            if let Poll::Ready(r) = f.as_mut().poll(&mut cx) {
                assert_eq!(r.unwrap().session_id, SESSION_ID);
                done += 1;
                break;
            }
        }
    }
    done
}

#[test]
fn concurrent_misses_wait_for_one_fetch() {
    let c = public_client(Stytch::new());
    assert_eq!(concurrent_verifications(&c, &fresh_token(), 10, 100.0), 10);
    assert_eq!(c.host().jwks_fetches(), 1);
}

#[test]
fn a_fetch_that_never_lands_is_replaced_once() {
    // The first call's fetch neither answers nor aborts (its caller was cancelled): a second after
    // its 5 s timeout it counts as dead, one waiter fetches anew, and the rest wait for that.
    let c = public_client(Stytch::new());
    assert_eq!(concurrent_verifications(&c, &fresh_token(), 5, 6_100.0), 5);
    assert_eq!(c.host().jwks_fetches(), 2);
    // Held for less than that, the first fetch is the only one.
    let c = public_client(Stytch::new());
    assert_eq!(concurrent_verifications(&c, &fresh_token(), 5, 5_900.0), 5);
    assert_eq!(c.host().jwks_fetches(), 1);
}

/// Options under which a token minted at `NOW` stays valid however far the host clock moves.
fn lenient() -> LocalJwtParams {
    LocalJwtParams {
        max_token_age_seconds: Some(100_000),
        clock_tolerance_seconds: Some(100_000),
        current_date_ms: None,
        authorization_check: None,
    }
}

#[test]
fn a_failed_refresh_keeps_the_last_good_keys() {
    let c = public_client(Stytch::new());
    let host = c.host();
    let params = lenient();
    verify(&c, &fresh_token(), &params).unwrap();
    host.advance(11.0 * 60.0 * 1000.0);
    host.set_status(Route::Jwks, 500);
    verify(&c, &fresh_token(), &params).unwrap();
    assert_eq!(host.jwks_fetches(), 2, "stale keys trigger a refresh");
    verify(&c, &fresh_token(), &params).unwrap();
    assert_eq!(
        host.jwks_fetches(),
        2,
        "the failed refresh starts a cooldown"
    );
}

#[test]
fn a_rotated_key_is_picked_up_through_unknown_kid_refresh() {
    let c = public_client(Stytch::new());
    let host = c.host();
    verify_fresh_token(&c).unwrap();
    host.serve_keys(vec![key_a().jwk(), key_b().jwk()]);
    let rotated = key_b().sign(&Value::Object(payload()));
    // The first token with the new kid, after the cooldown of the first fetch, refetches at once
    // and is verified locally.
    host.advance(30_000.0);
    let params = LocalJwtParams {
        clock_tolerance_seconds: Some(60),
        max_token_age_seconds: Some(600),
        current_date_ms: None,
        authorization_check: None,
    };
    let session = verify(&c, &rotated, &params).unwrap();
    assert_eq!(session.session_id, SESSION_ID);
    assert_eq!(host.jwks_fetches(), 2);
    // A kid no JWKS has (forged) refetches at most once per cooldown.
    let header = json!({"alg": "RS256", "kid": "jwk-test-nope"}).to_string();
    let unknown = key_b().sign_raw(&header, &Value::Object(payload()).to_string());
    for _ in 0..5 {
        let err = verify(&c, &unknown, &params).unwrap_err();
        assert_eq!(err.code(), "jwks_no_matching_key");
    }
    assert_eq!(
        host.jwks_fetches(),
        2,
        "inside the cooldown the rotation's refetch started"
    );
    host.advance(30_000.0);
    verify(&c, &unknown, &params).unwrap_err();
    assert_eq!(host.jwks_fetches(), 3);
}

#[test]
fn a_refresh_without_usable_keys_keeps_the_last_good_keys() {
    let c = public_client(Stytch::new());
    let host = c.host();
    let params = lenient();
    verify(&c, &fresh_token(), &params).unwrap();
    for served in [vec![], vec![key_1024().jwk()]] {
        host.serve_keys(served);
        host.advance(11.0 * 60.0 * 1000.0);
        let fresh_sig = key_a().sign(&Value::Object(payload_at(NOW + 1)));
        assert_eq!(
            verify(&c, &fresh_sig, &params).unwrap().session_id,
            SESSION_ID
        );
    }
    assert_eq!(host.jwks_fetches(), 3);
}

#[test]
fn a_cold_jwks_without_usable_keys_is_no_matching_key() {
    let c = public_client(Stytch::new());
    c.host().serve_keys(vec![key_1024().jwk()]);
    let err = verify_fresh_token(&c).unwrap_err();
    assert_eq!(err.code(), "jwks_no_matching_key");
}

#[test]
fn timeout_ms_bounds_every_call_including_the_jwks() {
    let config = Config::new(PROJECT_ID, Some(SECRET), None)
        .unwrap()
        .with_timeout_ms(200)
        .unwrap();
    let c = Client::new(config, Stytch::new());
    settle(c.get("u")).unwrap();
    settle(c.authenticate_jwt_local(&fresh_token(), &LocalJwtParams::default())).unwrap();
    assert!(c.host().log().iter().all(|r| r.timeout_ms == 200));
}

#[test]
fn pre_seeded_keys_with_their_age_need_no_fetch() {
    let config = Config::new(PROJECT_ID, None, None)
        .unwrap()
        .with_jwks(&[key_a().jwk()])
        .with_jwks_fetched_at_ms((NOW as u64 - 60) * 1000);
    let c = Client::new(config, Stytch::new());
    verify_fresh_token(&c).unwrap();
    assert_eq!(c.host().jwks_fetches(), 0);
    // Ten minutes after they were fetched, they are refreshed like fetched keys.
    c.host().advance(9.0 * 60.0 * 1000.0);
    verify(&c, &fresh_token(), &lenient()).unwrap();
    assert_eq!(c.host().jwks_fetches(), 1);
}

#[test]
fn pre_seeded_keys_of_unknown_age_are_refreshed_at_once() {
    let seeded = || {
        Config::new(PROJECT_ID, None, None)
            .unwrap()
            .with_jwks(&[key_a().jwk()])
    };
    // Stytch removed key A: a seed that still holds it does not make its tokens good again.
    let host = Stytch::new();
    host.serve_keys(vec![key_b().jwk()]);
    let c = Client::new(seeded(), host);
    let err = verify_fresh_token(&c).unwrap_err();
    assert_eq!(err.code(), "jwks_no_matching_key");
    assert_eq!(c.host().jwks_fetches(), 1);
    // While the JWKS cannot be had, the seed serves.
    let host = Stytch::new();
    host.set_status(Route::Jwks, 503);
    let c = Client::new(seeded(), host);
    verify_fresh_token(&c).unwrap();
    assert_eq!(c.host().jwks_fetches(), 1);
}

#[test]
fn stale_keys_serve_only_within_max_stale_seconds() {
    let config = Config::new(PROJECT_ID, None, None)
        .unwrap()
        .with_max_stale_seconds(20 * 60)
        .unwrap();
    let c = Client::new(config, Stytch::new());
    let params = lenient();
    verify(&c, &fresh_token(), &params).unwrap();
    c.host().set_status(Route::Jwks, 500);
    c.host().advance(19.0 * 60.0 * 1000.0);
    verify(&c, &fresh_token(), &params).unwrap();
    c.host().advance(60.0 * 1000.0);
    let err = verify(&c, &fresh_token(), &params).unwrap_err();
    assert_eq!(err.code(), "network_error", "{err}");
    // Once the JWKS answers again, the keys are back.
    c.host().set_status(Route::Jwks, 200);
    c.host().advance(31.0 * 1000.0);
    verify(&c, &fresh_token(), &params).unwrap();
}

#[test]
fn a_stale_cap_shorter_than_ten_minutes_refreshes_sooner() {
    let config = Config::new(PROJECT_ID, None, None)
        .unwrap()
        .with_max_stale_seconds(60)
        .unwrap();
    let c = Client::new(config, Stytch::new());
    let params = lenient();
    verify(&c, &fresh_token(), &params).unwrap();
    c.host().advance(61.0 * 1000.0);
    verify(&c, &fresh_token(), &params).unwrap();
    assert_eq!(c.host().jwks_fetches(), 2);
}

/// A JWT issued `age` seconds ago, still unexpired: genuine, but too old to judge locally.
fn old_token(age: i64) -> String {
    let mut claims = payload_at(NOW - age);
    claims.insert("exp".into(), json!(NOW + 3000));
    key_a().sign(&Value::Object(claims))
}

#[test]
fn replays_of_an_old_jwt_cost_one_api_call_for_30_seconds() {
    let c = client(Stytch::new());
    let token = old_token(600);
    for _ in 0..200 {
        let r = authenticate_jwt(&c, &token).unwrap();
        assert!(r.is_remote());
        assert_eq!(r.session().session_id, SESSION_ID);
    }
    assert_eq!(c.host().api_calls(), 1);
    c.host().advance(30.0 * 1000.0);
    authenticate_jwt(&c, &token).unwrap();
    assert_eq!(c.host().api_calls(), 2);
    // Another token, or the same with other parameters, is another request.
    authenticate_jwt(&c, &old_token(601)).unwrap();
    settle(c.authenticate_jwt(&AuthenticateJwtParams {
        session_jwt: token.clone(),
        session_duration_minutes: Some(60),
        ..Default::default()
    }))
    .unwrap();
    assert_eq!(c.host().api_calls(), 4);
    // A revocation through the same engine forgets every answer that let a session in.
    settle(c.revoke(&RevokeParams {
        session_jwt: Some(token.clone()),
        ..Default::default()
    }))
    .unwrap();
    authenticate_jwt(&c, &token).unwrap();
    assert_eq!(c.host().api_calls(), 6);
}

#[test]
fn max_age_zero_asks_the_api_every_time() {
    let c = client(Stytch::new());
    let params = AuthenticateJwtParams {
        session_jwt: fresh_token(),
        max_token_age_seconds: Some(0),
        ..Default::default()
    };
    for _ in 0..3 {
        settle(c.authenticate_jwt(&params)).unwrap();
    }
    assert_eq!(c.host().api_calls(), 3);
}

fn not_found_body() -> Value {
    json!({"status_code": 404, "request_id": "r", "error_type": "session_not_found",
           "error_message": "Session could not be found.", "error_url": "https://stytch.com/docs/api/errors/404"})
}

#[test]
fn a_final_refusal_is_remembered_for_a_minute_and_a_transient_one_is_not() {
    let c = client(Stytch::new());
    let host = c.host();
    host.script_api(404, not_found_body().to_string());
    let token = old_token(600);
    for _ in 0..200 {
        let err = authenticate_jwt(&c, &token).unwrap_err();
        assert_eq!(err.code(), "session_not_found");
    }
    assert_eq!(host.api_calls(), 1);
    host.advance(60.0 * 1000.0);
    authenticate_jwt(&c, &token).unwrap_err();
    assert_eq!(host.api_calls(), 2);
    // `authenticate` with the same token shares the refusal: it sends the same request.
    let same = AuthenticateParams {
        session_jwt: Some(token.clone()),
        ..Default::default()
    };
    assert_eq!(
        settle(c.authenticate(&same)).unwrap_err().code(),
        "session_not_found"
    );
    assert_eq!(host.api_calls(), 2);
    // 5xx and 429 are not the token's fault: asked again.
    for status in [500, 429] {
        host.set_status(Route::Api, status);
        let token = old_token(700 + i64::from(status));
        let before = host.api_calls();
        for _ in 0..3 {
            authenticate_jwt(&c, &token).unwrap_err();
        }
        assert_eq!(host.api_calls(), before + 3, "{status}");
    }
}

#[test]
fn concurrent_identical_api_calls_are_made_once() {
    let c = client(Stytch::new());
    let host = c.host();
    let token = old_token(600);
    authenticate_jwt_local_warm(&c);
    host.hold(Route::Api);
    let params = AuthenticateJwtParams {
        session_jwt: token,
        ..Default::default()
    };
    let mut futures: Vec<_> = (0..100)
        .map(|_| Box::pin(c.authenticate_jwt(&params)))
        .collect();
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..5 {
        for f in futures.iter_mut() {
            assert!(f.as_mut().poll(&mut cx).is_pending());
        }
    }
    host.release(Route::Api);
    for f in futures.iter_mut() {
        loop {
            if let Poll::Ready(r) = f.as_mut().poll(&mut cx) {
                assert!(r.unwrap().is_remote());
                break;
            }
        }
    }
    assert_eq!(host.api_calls(), 1);
}

/// Fetches the keys, so that the calls after it are judged locally first.
fn authenticate_jwt_local_warm(c: &Client<Stytch>) {
    authenticate_jwt(c, &fresh_token()).unwrap();
    assert_eq!(c.host().api_calls(), 0);
}

#[test]
fn while_the_jwks_cannot_be_had_unknown_kids_reach_the_api_at_a_bounded_rate() {
    let host = Stytch::new();
    host.set_status(Route::Jwks, 503);
    let c = client(host);
    let host = c.host();
    let forged = |i: usize| {
        key_b().sign_raw(
            &json!({"alg": "RS256", "kid": format!("kid-{i}")}).to_string(),
            &Value::Object(payload()).to_string(),
        )
    };
    let mut refused = 0;
    for i in 0..200 {
        if let Err(e) = authenticate_jwt(&c, &forged(i)) {
            assert_eq!(
                e.code(),
                "internal_server_error",
                "the JWKS fetch's own error"
            );
            refused += 1;
        }
    }
    assert_eq!(host.api_calls(), 10);
    assert_eq!(refused, 190);
    host.advance(1000.0);
    authenticate_jwt(&c, &forged(1000)).unwrap();
    authenticate_jwt(&c, &forged(1001)).unwrap_err();
    assert_eq!(host.api_calls(), 11);
}

#[test]
fn an_api_answer_counts_only_with_a_verdict_that_authorizes() {
    let check = stytch_sessions_wasm::rbac::AuthorizationCheck::new("documents", "read");
    let params = AuthenticateParams {
        session_token: Some("t".repeat(44)),
        authorization_check: Some(check),
        ..Default::default()
    };
    let with_verdict = |verdict: Option<Value>| {
        let mut body = authenticate_body();
        if let Some(verdict) = verdict {
            body["verdict"] = verdict;
        }
        let c = client(Stytch::new());
        c.host().script_api(200, body.to_string());
        settle(c.authenticate(&params)).map(|r| r.session.session_id)
    };
    let yes = json!({"authorized": true, "granting_roles": ["editor"]});
    assert_eq!(with_verdict(Some(yes)).unwrap(), SESSION_ID);
    let no = json!({"authorized": false, "granting_roles": []});
    assert_eq!(
        with_verdict(Some(no)).unwrap_err().code(),
        "invalid_permissions"
    );
    for odd in [
        None,
        Some(json!("yes")),
        Some(json!({"authorized": "true"})),
        Some(json!({})),
    ] {
        assert_eq!(
            with_verdict(odd.clone()).unwrap_err().code(),
            "invalid_response",
            "{odd:?}"
        );
    }
    // Without a check, no verdict is needed.
    let c = client(Stytch::new());
    settle(c.authenticate(&AuthenticateParams {
        session_token: Some("t".repeat(44)),
        ..Default::default()
    }))
    .unwrap();
}

#[test]
fn api_requests_carry_auth_json_and_encoded_values() {
    let c = client(Stytch::new());
    let host = c.host();
    settle(c.get("user-test-1 &x=y")).unwrap();
    settle(c.revoke(&RevokeParams {
        session_id: Some(SESSION_ID.into()),
        ..Default::default()
    }))
    .unwrap();
    let log = host.log();
    assert_eq!(log[0].method, "GET");
    assert_eq!(
        log[0].url,
        "https://test.stytch.com/v1/sessions?user_id=user-test-1%20%26x%3Dy"
    );
    assert_eq!(log[0].body, None);
    let auth = stytch_sessions_wasm::http::basic_auth(PROJECT_ID, SECRET);
    assert!(log[0].headers.contains(&("Authorization", auth.clone())));
    assert_eq!(log[1].method, "POST");
    assert_eq!(log[1].url, "https://test.stytch.com/v1/sessions/revoke");
    assert!(log[1]
        .headers
        .contains(&("Content-Type", "application/json".into())));
    assert_eq!(
        log[1].body.as_deref(),
        Some(format!(r#"{{"session_id":"{SESSION_ID}"}}"#).as_str())
    );
    assert_eq!(log[1].timeout_ms, 10_000);
}

#[test]
fn api_errors_become_typed_errors() {
    let c = client(Stytch::new());
    let host = c.host();
    let not_found = json!({"status_code": 404, "request_id": "request-id-test-9",
        "error_type": "session_not_found", "error_message": "Session could not be found.",
        "error_url": "https://stytch.com/docs/api/errors/404#session_not_found"});
    host.script_api(404, not_found.to_string());
    let err = settle(c.authenticate(&AuthenticateParams {
        session_token: Some("x".into()),
        ..Default::default()
    }))
    .unwrap_err();
    let Error::Stytch(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (e.status_code, e.error_type.as_str()),
        (404, "session_not_found")
    );
    assert_eq!(err.code(), "session_not_found");

    host.script_api(502, "<html>bad gateway</html>");
    let err = settle(c.get("u")).unwrap_err();
    assert_eq!(
        (err.class_name(), err.code()),
        ("RequestError", "invalid_response")
    );

    host.script_api(200, "{\"request_id\":");
    let err = settle(c.get("u")).unwrap_err();
    assert_eq!(err.code(), "invalid_response");
    let sessions_not_an_array = json!({"request_id": "r", "status_code": 200, "sessions": "no"});
    host.script_api(200, sessions_not_an_array.to_string());
    assert_eq!(settle(c.get("u")).unwrap_err().code(), "invalid_response");
}

/// Every form of the secret that must never be printed: the secret, the `Authorization` value
/// and its base64 credentials.
fn secret_forms(secret: &str) -> Vec<String> {
    let auth = stytch_sessions_wasm::http::basic_auth(PROJECT_ID, secret);
    let credentials = auth.trim_start_matches("Basic ").to_owned();
    vec![secret.to_owned(), auth, credentials]
}

/// Fails if `err`'s message, `Display` or `Debug` holds any of `forms`.
fn assert_hides(err: &Error, forms: &[String], what: &str) {
    let printed = [
        err.message().to_owned(),
        err.to_string(),
        format!("{err:?}"),
    ];
    for form in forms {
        for text in &printed {
            assert!(!text.contains(form.as_str()), "{what}: {text}");
        }
    }
}

fn unauthorized_body() -> Value {
    json!({"status_code": 401, "request_id": "request-id-test-401",
           "error_type": "unauthorized_credentials",
           "error_message": "Unauthorized credentials.",
           "error_url": "https://stytch.com/docs/api/errors/401#unauthorized_credentials"})
}

/// Every operation that sends the secret, as one error-returning call each.
fn secret_calls(c: &Client<Stytch>) -> Vec<(&'static str, Error)> {
    let old = key_a().sign(&Value::Object(payload_at(NOW - 600)));
    vec![
        ("get", settle(c.get("u")).unwrap_err()),
        (
            "authenticate",
            settle(c.authenticate(&AuthenticateParams {
                session_token: Some("t".repeat(44)),
                ..Default::default()
            }))
            .unwrap_err(),
        ),
        (
            "authenticate_jwt (too old: asks the API)",
            settle(c.authenticate_jwt(&AuthenticateJwtParams {
                session_jwt: old,
                ..Default::default()
            }))
            .unwrap_err(),
        ),
        (
            "migrate",
            settle(c.migrate(&MigrateParams {
                session_token: "external".into(),
                ..Default::default()
            }))
            .unwrap_err(),
        ),
        (
            "revoke",
            settle(c.revoke(&RevokeParams {
                session_id: Some(SESSION_ID.into()),
                ..Default::default()
            }))
            .unwrap_err(),
        ),
    ]
}

#[test]
fn the_secret_never_appears_in_errors() {
    let forms = secret_forms(SECRET);
    let auth = forms[1].clone();

    // 1. The API refuses the credentials (401), fails (500, non-JSON; 502, HTML), or answers
    //    200 with a body that is not what the endpoint promises.
    let answers: [(u16, String, &str); 4] = [
        (
            401,
            unauthorized_body().to_string(),
            "unauthorized_credentials",
        ),
        (500, "nope".into(), "invalid_response"),
        (502, "<html>bad gateway</html>".into(), "invalid_response"),
        (200, "{\"request_id\":".into(), "invalid_response"),
    ];
    for (status, body, code) in answers {
        let c = client(Stytch::new());
        c.host().script_api(status, body);
        for (what, err) in secret_calls(&c) {
            assert_eq!(err.code(), code, "{what} {status}");
            assert_hides(&err, &forms, &format!("{what} {status}"));
        }
        // The secret really went through: every API request carried it.
        let log = c.host().log();
        let api: Vec<_> = log.iter().filter(|r| Route::of(r) == Route::Api).collect();
        assert_eq!(api.len(), 5, "{status}");
        assert!(api
            .iter()
            .all(|r| r.headers.contains(&("Authorization", auth.clone()))));
    }

    // 2. The transport fails (network, timeout) after the request carrying the secret was made.
    for code in [
        stytch_sessions_wasm::RequestErrorCode::NetworkError,
        stytch_sessions_wasm::RequestErrorCode::Timeout,
    ] {
        let c = client(Stytch::new());
        c.host()
            .fail_transport(Error::request(code, "the connection failed"));
        for (what, err) in secret_calls(&c) {
            assert_eq!(err.code(), code.as_str(), "{what}");
            assert_hides(&err, &forms, what);
        }
        assert_eq!(c.host().api_calls(), 5);
    }

    // 3. Bad options around a secret, and a bad secret: no message echoes it.
    let too_long = format!("{SECRET}{}", "x".repeat(1100));
    let err = Config::new(PROJECT_ID, Some(&too_long), None).unwrap_err();
    assert_eq!(err.code(), "invalid_argument");
    assert_hides(&err, &secret_forms(&too_long), "secret too long");
    assert_hides(&err, &forms, "secret too long");
    let base = json!({"project_id": PROJECT_ID, "secret": SECRET});
    let cases = [
        json!({"custom_base_url": format!("http://user:{SECRET}@evil.example")}),
        json!({"custom_base_url": format!("http://localhost:@evil.example/{SECRET}")}),
        json!({"custom_base_url": format!("https://login.example.com/?secret={SECRET}")}),
        json!({"custom_base_url": format!("https://login.example.com/#{SECRET}")}),
        json!({"custom_base_url": SECRET}),
        json!({"timeout_ms": SECRET}),
        json!({"jwks": SECRET}),
        json!({"jwks": [SECRET]}),
        json!({"project_id": [SECRET]}),
        json!({"secret": {"value": SECRET}}),
        json!({"secret": [SECRET]}),
        json!({"secret": too_long}),
    ];
    for case in cases {
        let mut options = base.clone();
        options
            .as_object_mut()
            .unwrap()
            .extend(case.as_object().unwrap().clone());
        let text = options.to_string();
        assert!(text.contains(SECRET));
        let value = stytch_sessions_wasm::internal::json::parse(text.as_bytes()).unwrap();
        let err = Config::from_client_options(&value).unwrap_err();
        assert_eq!(err.code(), "invalid_argument", "{case}");
        assert_hides(&err, &forms, &case.to_string());
    }
}

#[test]
fn debug_output_redacts_the_secret_and_the_authorization_header() {
    let forms = secret_forms(SECRET);
    let config = Config::new(PROJECT_ID, Some(SECRET), None).unwrap();
    let c = client(Stytch::new());
    settle(c.get("u")).unwrap();
    let request = c.host().log()[0].clone();
    assert!(request
        .headers
        .contains(&("Authorization", forms[1].clone())));
    // A call stepped until it asks to send its request: Call and Next hold the config and the
    // request with its header.
    let mut engine = stytch_sessions_wasm::Engine::default();
    let mut call = stytch_sessions_wasm::Call::new(
        std::rc::Rc::new(config.clone()),
        stytch_sessions_wasm::Operation::Get {
            user_id: "u".into(),
        },
    );
    let next = call.step(
        &mut engine,
        stytch_sessions_wasm::Input::Start,
        NOW as f64 * 1e3,
    );
    assert!(
        matches!(next, stytch_sessions_wasm::Next::Send(_)),
        "{next:?}"
    );
    for (what, printed) in [
        ("Config", format!("{config:?}")),
        ("Config (pretty)", format!("{config:#?}")),
        ("HttpRequest", format!("{request:?}")),
        ("HttpRequest (pretty)", format!("{request:#?}")),
        ("Next::Send", format!("{next:?}")),
        ("Call", format!("{call:?}")),
    ] {
        assert!(printed.contains("[redacted]"), "{what}: {printed}");
        for form in &forms {
            assert!(!printed.contains(form.as_str()), "{what}: {printed}");
        }
    }
    // A config without a secret shows that it has none.
    let public = Config::new(PROJECT_ID, None, None).unwrap();
    assert!(format!("{public:?}").contains("secret: None"));
}

#[test]
fn config_rejects_bad_arguments() {
    assert_eq!(
        Config::new("", Some("s"), None).unwrap_err().code(),
        "invalid_argument"
    );
    assert_eq!(
        Config::new(PROJECT_ID, Some(""), None).unwrap_err().code(),
        "invalid_argument"
    );
    assert_eq!(
        Config::new(PROJECT_ID, None, Some("http://evil.example"))
            .unwrap_err()
            .code(),
        "invalid_argument"
    );
    let live = Config::new("project-live-1", Some("s"), None).unwrap();
    assert_eq!(live.base_url(), "https://api.stytch.com");
    let c = Client::new(Config::new(PROJECT_ID, None, None).unwrap(), Stytch::new());
    assert_eq!(settle(c.get("u")).unwrap_err().code(), "invalid_argument");
}
