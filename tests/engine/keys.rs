//! The key store's cache policy, the unknown-kid rules, waiting for another call's fetch, and
//! the memo's scope.

use crate::calls::*;
use crate::common::*;

use serde_json::{json, Value};
use std::rc::Rc;
use stytch_sessions_wasm::api::LocalJwtParams;
use stytch_sessions_wasm::engine::keys::{COOLDOWN_MS, MAX_AGE_MS};
use stytch_sessions_wasm::jwk::Jwk;
use stytch_sessions_wasm::{Answer, Call, Config, Engine, Input, Next};
use stytch_sessions_wasm::{Operation, Result};

#[test]
fn a_cold_engine_fetches_once_and_a_repeat_token_is_answered_at_the_first_step() {
    let (mut engine, stytch, config) = (Engine::new(), Stytch::new(), public());
    assert!(matches!(
        stytch.run(&mut engine, verify(&config, &token_a())),
        Ok(Answer::Session(_))
    ));
    assert_eq!(stytch.jwks_fetches(), 1);
    // The same token again: no request, no wait, the answer at once.
    let mut call = verify(&config, &token_a());
    assert!(matches!(
        call.step(&mut engine, Input::Start, stytch.now_ms()),
        Next::Done(Ok(Answer::Session(_)))
    ));
    assert_eq!(engine.memo().len(), 1);
}

#[test]
fn keys_are_refreshed_after_ten_minutes_and_a_clock_that_goes_back_refetches() {
    let (mut engine, stytch, config) = (Engine::new(), Stytch::new(), public());
    stytch
        .run(&mut engine, verify(&config, &token_a()))
        .unwrap();
    stytch.advance(MAX_AGE_MS - 1_000.0);
    stytch
        .run(&mut engine, verify(&config, &token_a()))
        .unwrap();
    assert_eq!(stytch.jwks_fetches(), 1, "fresh for ten minutes");
    stytch.advance(1_000.0);
    stytch
        .run(&mut engine, verify(&config, &token_a()))
        .unwrap();
    assert_eq!(stytch.jwks_fetches(), 2, "stale at ten minutes");
    stytch.advance(-60_000.0);
    stytch
        .run(&mut engine, verify(&config, &token_a()))
        .unwrap();
    assert_eq!(
        stytch.jwks_fetches(),
        3,
        "keys fetched in the future are not trusted"
    );
}

#[test]
fn a_thousand_invented_kids_make_no_api_call_and_one_refetch_per_cooldown() {
    let (mut engine, stytch, config) = (Engine::new(), Stytch::new(), with_secret());
    stytch
        .run(&mut engine, authenticate_jwt(&config, &token_a()))
        .unwrap();
    assert_eq!((stytch.jwks_fetches(), stytch.api_calls()), (1, 0));
    // 1,000 forgeries over 100 seconds: four cooldown windows.
    for i in 0..1_000 {
        let result = stytch.run(&mut engine, authenticate_jwt(&config, &invented(i)));
        assert_eq!(code(&result), "jwks_no_matching_key", "forgery {i}");
        stytch.advance(100.0);
    }
    assert_eq!(stytch.api_calls(), 0, "a forged kid never reaches the API");
    let windows = (100_000.0 / COOLDOWN_MS).ceil() as usize;
    assert!(
        stytch.jwks_fetches() - 1 <= windows,
        "{} refetches in {windows} windows",
        stytch.jwks_fetches() - 1
    );
}

#[test]
fn concurrent_invented_kids_on_warm_keys_make_one_refetch() {
    let (mut engine, stytch, config) = (Engine::new(), Stytch::new(), with_secret());
    stytch
        .run(&mut engine, verify(&config, &token_a()))
        .unwrap();
    let calls = (0..100)
        .map(|i| authenticate_jwt(&config, &invented(i)))
        .collect();
    let results = stytch.run_all(&mut engine, calls);
    assert!(results.iter().all(|r| code(r) == "jwks_no_matching_key"));
    assert_eq!(
        (stytch.jwks_fetches(), stytch.api_calls()),
        (2, 0),
        "one refetch, no API call"
    );
}

#[test]
fn concurrent_calls_on_a_cold_engine_wait_for_one_fetch() {
    let (mut engine, stytch, config) = (Engine::new(), Stytch::new(), public());
    let calls = (0..100).map(|_| verify(&config, &token_a())).collect();
    let results = stytch.run_all(&mut engine, calls);
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(stytch.jwks_fetches(), 1);
}

#[test]
fn a_fetch_that_never_lands_is_replaced_once() {
    // As in tests/client.rs, stepped directly: the first call's fetch is held and the others
    // wait for it. A second after its 5 s timeout it counts as dead and one waiter fetches anew;
    // held for less than that, it is the only fetch.
    for (hold_ms, fetches) in [(6_100.0, 2), (5_900.0, 1)] {
        let (mut engine, stytch, config) = (Engine::new(), Stytch::new(), public());
        stytch.hold_until(Route::Jwks, T0 + hold_ms);
        let calls = (0..5).map(|_| verify(&config, &token_a())).collect();
        let results = stytch.run_all(&mut engine, calls);
        assert!(results.iter().all(Result::is_ok), "held {hold_ms} ms");
        assert_eq!(stytch.jwks_fetches(), fetches, "held {hold_ms} ms");
    }
}

#[test]
fn a_rotation_is_verified_locally_on_the_first_new_kid_token() {
    let (mut engine, stytch, config) = (Engine::new(), Stytch::new(), with_secret());
    stytch
        .run(&mut engine, authenticate_jwt(&config, &token_a()))
        .unwrap();
    // One second after the first fetch, Stytch starts signing with key B.
    rotate_and_verify_locally(&stytch, &mut engine, &config);
    // Key A is still served: its tokens still verify, with no fetch.
    stytch
        .run(&mut engine, authenticate_jwt(&config, &token_a()))
        .unwrap();
    assert_eq!(stytch.jwks_fetches(), 2);
}

#[test]
fn seeded_keys_with_their_age_need_no_fetch_and_start_no_cooldown() {
    let mut engine = Engine::new();
    let stytch = Stytch::new();
    let config = Rc::new(seeded(PROJECT_ID, None));
    stytch
        .run(&mut engine, verify(&config, &token_a()))
        .unwrap();
    assert_eq!(stytch.jwks_fetches(), 0);
    stytch.serve_keys(vec![key_b().jwk()]);
    let rotated = key_b().sign(&Value::Object(payload()));
    stytch.run(&mut engine, verify(&config, &rotated)).unwrap();
    assert_eq!(
        stytch.jwks_fetches(),
        1,
        "a kid newer than the seed fetches at once"
    );
}

#[test]
fn a_jwks_that_cannot_be_had_still_falls_back_to_the_api() {
    let (mut engine, stytch, config) = (Engine::new(), Stytch::new(), with_secret());
    stytch
        .run(&mut engine, verify(&config, &token_a()))
        .unwrap();
    stytch.set_status(Route::Jwks, 503);
    let rotated = key_b().sign(&Value::Object(payload()));
    let answer = stytch.run(&mut engine, authenticate_jwt(&config, &rotated));
    assert!(matches!(answer, Ok(Answer::Api(_))), "{answer:?}");
    assert_eq!((stytch.jwks_fetches(), stytch.api_calls()), (2, 1));
    // The failure starts a cooldown: the next such token goes to the API without a fetch
    // (the same token again takes the API's answer it already had)…
    stytch.advance(1_000.0);
    let another = key_b().sign(&Value::Object(payload_at(NOW + 1)));
    stytch
        .run(&mut engine, authenticate_jwt(&config, &another))
        .unwrap();
    stytch
        .run(&mut engine, authenticate_jwt(&config, &rotated))
        .unwrap();
    assert_eq!((stytch.jwks_fetches(), stytch.api_calls()), (2, 2));
    // …and local verification keeps working with the last good keys.
    stytch
        .run(&mut engine, verify(&config, &token_a()))
        .unwrap();
    let local = stytch.run(&mut engine, verify(&config, &rotated));
    assert_eq!(code(&local), "jwks_no_matching_key");
    // After the cooldown, the JWKS is asked again.
    stytch.advance(COOLDOWN_MS);
    stytch.set_status(Route::Jwks, 200);
    stytch.serve_keys(vec![key_a().jwk(), key_b().jwk()]);
    stytch.run(&mut engine, verify(&config, &rotated)).unwrap();
    assert_eq!(stytch.jwks_fetches(), 3);
}

#[test]
fn a_failed_refresh_keeps_the_last_good_keys() {
    let (mut engine, stytch, config) = (Engine::new(), Stytch::new(), public());
    stytch
        .run(&mut engine, verify(&config, &token_a()))
        .unwrap();
    stytch.advance(MAX_AGE_MS + 1.0);
    stytch.set_status(Route::Jwks, 500);
    let other = key_a().sign(&Value::Object(payload_at(NOW + 1)));
    stytch.run(&mut engine, verify(&config, &other)).unwrap();
    stytch
        .run(&mut engine, verify(&config, &token_a()))
        .unwrap();
    assert_eq!(stytch.jwks_fetches(), 2, "one refresh, then the cooldown");
}

#[test]
fn a_token_verified_for_one_project_is_judged_afresh_for_another() {
    // Two projects whose configurations share one key set, in one engine.
    let mut engine = Engine::new();
    let stytch = Stytch::new();
    let a = Rc::new(seeded(PROJECT_ID, None));
    let b = Rc::new(seeded(
        "project-test-99999999-9999-4999-8999-999999999999",
        None,
    ));
    // Both accept the issuer `https://test.stytch.com` (their base URL): only `aud` tells them
    // apart.
    let by_base_url = |iat: i64| {
        let mut claims = payload_at(iat);
        claims.insert("iss".into(), json!("https://test.stytch.com"));
        key_a().sign(&Value::Object(claims))
    };
    stytch
        .run(&mut engine, verify(&a, &by_base_url(NOW)))
        .unwrap();
    assert_eq!(
        code(&stytch.run(&mut engine, verify(&b, &by_base_url(NOW)))),
        "jwt_invalid_audience"
    );
    // And the other way round: refused for B first, still accepted for A.
    let fresh = by_base_url(NOW + 2);
    assert_eq!(
        code(&stytch.run(&mut engine, verify(&b, &fresh))),
        "jwt_invalid_audience"
    );
    assert_eq!(code(&stytch.run(&mut engine, verify(&a, &fresh))), "ok");
    // A custom domain is another issuer: a token of the default domain is judged afresh there.
    let custom = Rc::new(seeded(PROJECT_ID, Some("https://login.example.com")));
    let default_domain = by_base_url(NOW + 3);
    assert_eq!(
        code(&stytch.run(&mut engine, verify(&a, &default_domain))),
        "ok"
    );
    assert_eq!(
        code(&stytch.run(&mut engine, verify(&custom, &default_domain))),
        "jwt_invalid_issuer"
    );
    assert_eq!(stytch.jwks_fetches(), 0);
}

#[test]
fn times_are_judged_again_on_every_memo_hit() {
    let (mut engine, stytch, config) = (Engine::new(), Stytch::new(), public());
    let strict = |token: &str| {
        Call::new(
            config.clone(),
            Operation::VerifyJwt {
                token: token.to_owned(),
                params: LocalJwtParams::default(),
            },
        )
    };
    stytch.run(&mut engine, strict(&token_a())).unwrap();
    stytch.advance(300_000.0);
    assert_eq!(
        code(&stytch.run(&mut engine, strict(&token_a()))),
        "jwt_expired"
    );
    let mut long_lived = payload();
    long_lived.insert("exp".into(), json!(NOW + 10_000));
    let token = key_a().sign(&Value::Object(long_lived));
    stytch.set_now(T0);
    stytch.run(&mut engine, strict(&token)).unwrap();
    stytch.advance(301_000.0);
    assert_eq!(
        code(&stytch.run(&mut engine, strict(&token))),
        "jwt_too_old"
    );
}

#[test]
fn forged_tokens_never_enter_the_memo() {
    let (mut engine, stytch, config) = (Engine::new(), Stytch::new(), public());
    let header = json!({"alg": "RS256", "kid": key_a().kid}).to_string();
    let forged = key_b().sign_raw(&header, &Value::Object(payload()).to_string());
    for _ in 0..2 {
        let result = stytch.run(&mut engine, verify(&config, &forged));
        assert_eq!(code(&result), "jwt_signature_invalid");
    }
    assert_eq!(engine.memo().len(), 0);
    // A genuine token in the memo does not vouch for its claims under another signature.
    let genuine = token_a();
    stytch.run(&mut engine, verify(&config, &genuine)).unwrap();
    let (signing_input, _) = genuine.rsplit_once('.').unwrap();
    let spliced = [signing_input, forged.rsplit_once('.').unwrap().1].join(".");
    assert_eq!(
        code(&stytch.run(&mut engine, verify(&config, &spliced))),
        "jwt_signature_invalid"
    );
    assert_eq!(engine.memo().len(), 1);
}

#[test]
fn a_key_that_leaves_the_jwks_takes_its_tokens_with_it() {
    let (mut engine, stytch, config) = (Engine::new(), Stytch::new(), public());
    stytch
        .run(&mut engine, verify(&config, &token_a()))
        .unwrap();
    // Stytch drops key A; at the next refresh the remembered token no longer verifies.
    stytch.serve_keys(vec![key_b().jwk()]);
    stytch.advance(MAX_AGE_MS);
    let result = stytch.run(&mut engine, verify(&config, &token_a()));
    assert_eq!(code(&result), "jwks_no_matching_key");
    // The same kid reused for another key: the remembered token does not hit.
    let impostor = Jwk {
        kid: Some(key_a().kid.clone()),
        ..key_b().jwk()
    };
    stytch.serve_keys(vec![impostor]);
    stytch.advance(MAX_AGE_MS);
    let result = stytch.run(&mut engine, verify(&config, &token_a()));
    assert_eq!(code(&result), "jwt_signature_invalid");
}

#[test]
fn a_caller_with_a_shorter_timeout_fetches_itself_after_waiting_it_out() {
    let mut engine = Engine::new();
    let stytch = Stytch::new();
    let with_timeout = |ms| {
        let config = Config::new(PROJECT_ID, None, None).unwrap();
        Rc::new(config.with_timeout_ms(ms).unwrap())
    };
    let (patient, hurried) = (with_timeout(60_000), with_timeout(100));
    // The patient call's fetch is out and does not answer.
    let mut slow = verify(&patient, &token_a());
    let Next::Send(_) = slow.step(&mut engine, Input::Start, stytch.now_ms()) else {
        panic!("expected a fetch");
    };
    let mut quick = verify(&hurried, &token_a());
    let mut next = quick.step(&mut engine, Input::Start, stytch.now_ms());
    let mut waited = 0.0;
    while let Next::Wait(ms) = next {
        stytch.advance(f64::from(ms));
        waited += f64::from(ms);
        next = quick.step(&mut engine, Input::Woke, stytch.now_ms());
    }
    assert!((100.0..=110.0).contains(&waited), "waited {waited} ms");
    let Next::Send(request) = next else {
        panic!("expected its own fetch, got {next:?}");
    };
    assert_eq!(request.timeout_ms, 100);
    let response = stytch.answer(&request);
    let done = quick.step(&mut engine, Input::Response(response), stytch.now_ms());
    assert!(matches!(done, Next::Done(Ok(_))), "{done:?}");
}

#[test]
fn local_verification_alone_never_builds_an_api_request() {
    let (mut engine, stytch, config) = (Engine::new(), Stytch::new(), with_secret());
    let mut claims = payload_at(NOW - 3_600);
    claims.insert("exp".into(), json!(NOW + 3_600));
    let too_old = key_a().sign(&Value::Object(claims));
    let call = Call::new(
        config,
        Operation::VerifyJwt {
            token: too_old,
            params: LocalJwtParams::default(),
        },
    );
    assert_eq!(code(&stytch.run(&mut engine, call)), "jwt_too_old");
    assert_eq!(stytch.api_calls(), 0);
}

#[test]
fn an_invented_kid_on_a_cold_engine_costs_one_fetch() {
    // The call's own fetch lacks the kid: that fetch is the proof, no second fetch is needed.
    let (mut engine, stytch, config) = (Engine::new(), Stytch::new(), with_secret());
    let result = stytch.run(&mut engine, authenticate_jwt(&config, &invented(0)));
    assert_eq!(code(&result), "jwks_no_matching_key");
    assert_eq!((stytch.jwks_fetches(), stytch.api_calls()), (1, 0));
    // Its fetch was a first fetch: a genuine new kid one second later still refetches at once.
    rotate_and_verify_locally(&stytch, &mut engine, &config);
}

/// One second later Stytch starts signing with key B: its first token is verified locally after
/// one refetch (two fetches in all), with no API call.
fn rotate_and_verify_locally(stytch: &Stytch, engine: &mut Engine, config: &Rc<Config>) {
    stytch.serve_keys(vec![key_a().jwk(), key_b().jwk()]);
    stytch.advance(1_000.0);
    let rotated = key_b().sign(&Value::Object(payload()));
    let answer = stytch.run(engine, authenticate_jwt(config, &rotated));
    assert!(matches!(answer, Ok(Answer::LocalJwt { .. })), "{answer:?}");
    assert_eq!((stytch.jwks_fetches(), stytch.api_calls()), (2, 0));
}

/// A configuration seeded with key A, fetched at the test's clock.
fn seeded(project_id: &str, base_url: Option<&str>) -> Config {
    Config::new(project_id, None, base_url)
        .unwrap()
        .with_jwks(&[key_a().jwk()])
        .with_jwks_fetched_at_ms(NOW as u64 * 1000)
}

#[test]
fn a_token_remembered_as_one_profile_never_answers_for_another() {
    use stytch_sessions_wasm::engine::memo::Memo;
    use stytch_sessions_wasm::internal::profile::{Profile, SESSION};
    use stytch_sessions_wasm::jwk::KeySet;
    // Another kind of token on the same keys (as M2M tokens share a project's JWKS).
    static OTHER: Profile = Profile {
        name: "other",
        member: "other",
        default_max_age_seconds: None,
        marshal: SESSION.marshal,
        judged_by: SESSION.judged_by,
    };
    let keys = KeySet::from_json(json!({"keys": [key_a().jwk()]}).to_string().as_bytes()).unwrap();
    let rules = stytch_sessions_wasm::claims::ClaimRules {
        project_id: PROJECT_ID,
        base_url: "https://test.stytch.com",
        now: NOW,
        clock_tolerance_seconds: 0,
        max_token_age_seconds: Some(300),
    };
    let token = token_a();
    let jws = stytch_sessions_wasm::internal::jws::parse(&token).unwrap();
    let verified = stytch_sessions_wasm::jwt::verify_parsed(&jws, &keys, &rules, &SESSION).unwrap();
    let url = public().jwks_url().to_owned();
    let mut memo = Memo::default();
    memo.remember(&token, &url, &SESSION, verified);
    assert!(memo.recall(&token, &url, &SESSION, &keys).is_some());
    assert!(memo.recall(&token, &url, &OTHER, &keys).is_none());
}

/// What a call sent, counted for `on_decision`: by what the call was doing, not by the URL. A
/// client's own `getJWKS` for its project asks for the very URL the key store fetches, and is an
/// API call all the same; a verification's fetch of the keys is a JWKS fetch.
#[test]
fn a_clients_get_jwks_is_counted_as_an_api_call_and_a_key_fetch_as_a_jwks_fetch() {
    use stytch_sessions_wasm::engine::Facts;
    fn facts_of(stytch: &Stytch, engine: &mut Engine, mut call: Call) -> Facts {
        let mut next = call.step(engine, Input::Start, stytch.now_ms());
        loop {
            next = match next {
                Next::Done(_) => return call.facts(),
                Next::Send(request) => {
                    let response = Input::Response(stytch.answer(&request));
                    call.step(engine, response, stytch.now_ms())
                }
                _ => call.step(engine, Input::Woke, stytch.now_ms()),
            };
        }
    }
    let (mut engine, stytch, config) = (Engine::new(), Stytch::new(), with_secret());
    let project_id = PROJECT_ID.to_owned();
    let get_jwks = Call::new(config.clone(), Operation::GetJwks { project_id });
    let facts = facts_of(&stytch, &mut engine, get_jwks);
    assert_eq!((facts.api_calls, facts.jwks_fetches), (1, 0));
    let facts = facts_of(&stytch, &mut engine, verify(&config, &token_a()));
    assert_eq!((facts.api_calls, facts.jwks_fetches), (0, 1));
}
