//! A JWKS store shared across isolates (`docs/rules.md`, "Keys shared across isolates"): a cold
//! engine reads it before fetching, every fetch updates it, garbage changes no decision, and it
//! never answers an unknown kid.

use crate::calls::*;
use crate::common::*;
use serde_json::Value;
use std::rc::Rc;
use stytch_sessions_wasm::engine::keys::MAX_AGE_MS;
use stytch_sessions_wasm::{Config, Engine};

fn stored_config() -> Rc<Config> {
    let config = Config::new(PROJECT_ID, Some("secret-test-engine"), None).unwrap();
    Rc::new(config.with_jwks_store(true))
}

#[test]
fn a_second_cold_isolate_takes_the_keys_from_the_store_with_no_fetch() {
    let (config, stytch) = (stored_config(), Stytch::new());
    let mut first = Engine::new();
    assert_eq!(
        code(&stytch.run(&mut first, verify(&config, &token_a()))),
        "ok"
    );
    assert_eq!(
        (
            stytch.jwks_fetches(),
            stytch.store_reads(),
            stytch.store_writes()
        ),
        (1, 1, 1)
    );
    let mut second = Engine::new();
    assert_eq!(
        code(&stytch.run(&mut second, verify(&config, &token_a()))),
        "ok"
    );
    assert_eq!(
        (stytch.jwks_fetches(), stytch.store_reads()),
        (1, 2),
        "no fetch"
    );
    // Concurrent cold callers on a third isolate share one store read.
    let mut third = Engine::new();
    let calls = (0..50).map(|_| verify(&config, &token_a())).collect();
    assert!(stytch
        .run_all(&mut third, calls)
        .iter()
        .all(|r| code(r) == "ok"));
    assert_eq!((stytch.jwks_fetches(), stytch.store_reads()), (1, 3));
}

#[test]
fn stored_keys_count_as_fetched_when_stored() {
    let (config, stytch) = (stored_config(), Stytch::new());
    stytch
        .run(&mut Engine::new(), verify(&config, &token_a()))
        .unwrap();
    stytch.advance(MAX_AGE_MS - 1_000.0);
    let mut late = Engine::new();
    stytch.run(&mut late, verify(&config, &token_a())).unwrap();
    assert_eq!(stytch.jwks_fetches(), 1, "still fresh");
    stytch.advance(1_000.0);
    stytch.run(&mut late, verify(&config, &token_a())).unwrap();
    assert_eq!(
        stytch.jwks_fetches(),
        2,
        "ten minutes after the first fetch, stale everywhere"
    );
    stytch
        .run(&mut Engine::new(), verify(&config, &token_a()))
        .unwrap();
    assert_eq!(stytch.jwks_fetches(), 2, "the refresh updated the store");
}

#[test]
fn a_store_holding_garbage_changes_no_decision() {
    let config = stored_config();
    let forged = {
        let t = token_a();
        [&t[..t.len() - 4], "AAAA"].concat()
    };
    for garbage in [
        "",
        "{}",
        "not json",
        "{\"url\":\"https://evil.example\",\"fetched_at_ms\":0,\"jwks\":{\"keys\":[]}}",
    ] {
        let stytch = Stytch::new();
        stytch.set_store(Some(garbage.to_owned()));
        let mut engine = Engine::new();
        assert_eq!(
            code(&stytch.run(&mut engine, verify(&config, &token_a()))),
            "ok"
        );
        assert_eq!(
            code(&stytch.run(&mut engine, verify(&config, &forged))),
            "jwt_signature_invalid"
        );
        assert_eq!(stytch.jwks_fetches(), 1, "{garbage}");
    }
    // Another project's keys in the store: ignored, not trusted.
    let stytch = Stytch::new();
    stytch.serve_keys(vec![key_b().jwk()]);
    stytch
        .run(
            &mut Engine::new(),
            verify(&config, &key_b().sign(&Value::Object(payload()))),
        )
        .unwrap();
    let stored = stytch.store().unwrap();
    let other = Rc::new(
        Config::new("project-test-other", Some("secret-test-engine"), None)
            .unwrap()
            .with_jwks_store(true),
    );
    let stytch = Stytch::new();
    stytch.set_store(Some(stored));
    let result = stytch.run(
        &mut Engine::new(),
        verify(&other, &key_b().sign(&Value::Object(payload()))),
    );
    assert_eq!(stytch.jwks_fetches(), 1, "fetched its own keys");
    assert_ne!(code(&result), "ok");
}

#[test]
fn the_store_never_answers_an_unknown_kid() {
    let (config, stytch) = (stored_config(), Stytch::new());
    stytch
        .run(&mut Engine::new(), verify(&config, &token_a()))
        .unwrap();
    // Stytch rotates in key B; the store still holds key A alone.
    stytch.serve_keys(vec![key_a().jwk(), key_b().jwk()]);
    let rotated = key_b().sign(&Value::Object(payload()));
    let mut cold = Engine::new();
    assert_eq!(
        code(&stytch.run(&mut cold, verify(&config, &rotated))),
        "ok"
    );
    assert_eq!(stytch.jwks_fetches(), 2, "a real refetch for the new kid");
    // An invented kid on a cold isolate: the stored keys prove nothing; one refetch proves it.
    let mut cold = Engine::new();
    let result = stytch.run(&mut cold, authenticate_jwt(&config, &invented(7)));
    assert_eq!(code(&result), "jwks_no_matching_key");
    assert_eq!((stytch.jwks_fetches(), stytch.api_calls()), (3, 0));
}
