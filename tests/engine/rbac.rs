//! Authorization checks (`docs/rules.md`, "Authorization checks"): judged locally against the
//! cached RBAC policy, the policy's cache rules, and when `authenticateJwt` asks the API.

use crate::calls::*;
use crate::common::*;
use serde_json::{json, Value};
use std::rc::Rc;
use stytch_sessions_wasm::api::LocalJwtParams;
use stytch_sessions_wasm::engine::policy::MAX_AGE_MS;
use stytch_sessions_wasm::rbac::{AuthorizationCheck, Verdict};
use stytch_sessions_wasm::{Answer, Call, Config, Engine, Error, Input, Next, Operation};

/// The token's session holds `stytch_member` and `admin` (see `session_claim`).
fn policy() -> Value {
    json!({"roles": [
        {"role_id": "stytch_member", "description": "", "permissions": [
            {"resource_id": "documents", "actions": ["read"]}]},
        {"role_id": "editor", "description": "", "permissions": [
            {"resource_id": "documents", "actions": ["read", "write"]}]},
        {"role_id": "admin", "description": "", "permissions": [
            {"resource_id": "documents", "actions": ["*"]},
            {"resource_id": "billing", "actions": ["read"]}]}
    ], "resources": [], "scopes": []})
}

/// A Stytch serving [`policy`].
fn with_policy() -> Stytch {
    let stytch = Stytch::new();
    stytch.serve_policy(policy());
    stytch
}

fn check(resource_id: &str, action: &str) -> Option<AuthorizationCheck> {
    Some(AuthorizationCheck::new(resource_id, action))
}

fn verify_checked(token: &str, check: Option<AuthorizationCheck>) -> Call {
    crate::calls::verify_checked(&with_secret(), token, check)
}

fn authenticate_checked(token: &str, check: Option<AuthorizationCheck>) -> Call {
    crate::calls::authenticate_checked(&with_secret(), token, check)
}

fn verdict(result: &stytch_sessions_wasm::Result<Answer>) -> Option<Verdict> {
    match result {
        Ok(Answer::LocalJwt { verdict, .. }) => verdict.clone(),
        _ => None,
    }
}

#[test]
fn checks_are_judged_locally_with_exact_actions_star_and_several_roles() {
    let (mut engine, stytch) = (Engine::new(), with_policy());
    let token = token_a();
    for (resource, action, expected) in [
        ("documents", "read", "ok"),
        ("documents", "delete", "ok"), // admin's "*"
        ("billing", "read", "ok"),
        ("billing", "write", "invalid_permissions"),
        ("reports", "read", "invalid_permissions"),
    ] {
        let result = stytch.run(&mut engine, verify_checked(&token, check(resource, action)));
        assert_eq!(code(&result), expected, "{resource}/{action}");
    }
    assert_eq!((stytch.policy_fetches(), stytch.api_calls()), (1, 0));
    let result = stytch.run(
        &mut engine,
        authenticate_checked(&token, check("documents", "read")),
    );
    assert_eq!(
        verdict(&result),
        Some(Verdict {
            authorized: true,
            granting_roles: vec!["stytch_member".into(), "admin".into()]
        })
    );
    let result = stytch.run(
        &mut engine,
        authenticate_checked(&token, check("documents", "write")),
    );
    assert_eq!(verdict(&result).unwrap().granting_roles, ["admin"]);
    assert_eq!(stytch.api_calls(), 0);
}

#[test]
fn roles_the_policy_does_not_know_and_an_empty_policy_allow_nothing() {
    let (mut engine, stytch) = (Engine::new(), Stytch::new()); // the policy has no roles
    let result = stytch.run(
        &mut engine,
        verify_checked(&token_a(), check("documents", "read")),
    );
    assert_eq!(code(&result), "invalid_permissions");
    let stytch = Stytch::new();
    stytch.serve_policy(
        json!({"roles": [{"role_id": "editor", "description": "", "permissions": [
        {"resource_id": "documents", "actions": ["*"]}]}], "resources": [], "scopes": []}),
    );
    let mut engine = Engine::new();
    let result = stytch.run(
        &mut engine,
        verify_checked(&token_a(), check("documents", "read")),
    );
    assert_eq!(code(&result), "invalid_permissions");
    assert_eq!(stytch.api_calls(), 0);
}

#[test]
fn a_thousand_allowed_checks_cost_one_policy_fetch_and_no_session_call() {
    let (mut engine, stytch) = (Engine::new(), with_policy());
    let token = token_a();
    for _ in 0..1_000 {
        let result = stytch.run(
            &mut engine,
            verify_checked(&token, check("documents", "read")),
        );
        assert_eq!(code(&result), "ok");
    }
    assert_eq!(
        (
            stytch.jwks_fetches(),
            stytch.policy_fetches(),
            stytch.api_calls()
        ),
        (1, 1, 0)
    );
    // Warm, a repeat token with a check is answered at the first step.
    let mut call = verify_checked(&token, check("documents", "read"));
    assert!(matches!(
        call.step(&mut engine, Input::Start, stytch.now_ms()),
        Next::Done(Ok(Answer::Session(_)))
    ));
}

#[test]
fn concurrent_cold_calls_with_a_check_make_one_policy_fetch() {
    let (mut engine, stytch) = (Engine::new(), with_policy());
    let token = token_a();
    let calls = (0..100)
        .map(|_| verify_checked(&token, check("documents", "read")))
        .collect();
    let results = stytch.run_all(&mut engine, calls);
    assert!(results.iter().all(|r| code(r) == "ok"));
    assert_eq!((stytch.jwks_fetches(), stytch.policy_fetches()), (1, 1));
}

#[test]
fn the_policy_is_refreshed_after_five_minutes_and_a_failed_refresh_keeps_the_last_good_one() {
    let (mut engine, stytch) = (Engine::new(), with_policy());
    let token = token_a();
    let allowed = |stytch: &Stytch, engine: &mut Engine| {
        code(&stytch.run(engine, verify_checked(&token, check("documents", "write"))))
    };
    assert_eq!(allowed(&stytch, &mut engine), "ok");
    stytch.advance(MAX_AGE_MS - 1_000.0);
    assert_eq!(allowed(&stytch, &mut engine), "ok");
    assert_eq!(stytch.policy_fetches(), 1, "fresh for five minutes");
    // The refresh fails: the last good policy still judges, and no refetch within the cooldown.
    stytch.advance(1_000.0);
    stytch.set_status(Route::Policy, 500);
    assert_eq!(allowed(&stytch, &mut engine), "ok");
    assert_eq!(allowed(&stytch, &mut engine), "ok");
    assert_eq!(stytch.policy_fetches(), 2);
    // Later, the refresh lands: admin loses documents/write.
    stytch.advance(31_000.0);
    stytch.set_status(Route::Policy, 200);
    stytch.serve_policy(
        json!({"roles": [{"role_id": "admin", "description": "", "permissions": [
        {"resource_id": "documents", "actions": ["read"]}]}], "resources": [], "scopes": []}),
    );
    assert_eq!(allowed(&stytch, &mut engine), "invalid_permissions");
    assert_eq!(stytch.policy_fetches(), 3);
}

#[test]
fn no_policy_and_no_way_to_get_one_never_allows() {
    let (mut engine, stytch) = (Engine::new(), with_policy());
    stytch.set_status(Route::Policy, 503);
    let result = stytch.run(
        &mut engine,
        verify_checked(&token_a(), check("documents", "read")),
    );
    assert!(
        matches!(&result, Err(Error::Stytch(e)) if e.status_code == 503),
        "{result:?}"
    );
    // authenticateJwt asks the API, which judges the check itself.
    let result = stytch.run(
        &mut engine,
        authenticate_checked(&token_a(), check("documents", "read")),
    );
    assert!(matches!(result, Ok(Answer::Api(_))));
    assert!(stytch
        .last_body(Route::Api)
        .unwrap()
        .contains("\"authorization_check\":{\"resource_id\":\"documents\",\"action\":\"read\"}"));
    assert_eq!((stytch.policy_fetches(), stytch.api_calls()), (1, 1));
}

#[test]
fn a_local_denial_asks_the_api_once_and_its_403_is_the_answer() {
    let (mut engine, stytch) = (Engine::new(), with_policy());
    stytch.deny_checks(true);
    let result = stytch.run(
        &mut engine,
        authenticate_checked(&token_a(), check("billing", "write")),
    );
    match &result {
        Err(Error::Stytch(e)) => {
            assert_eq!(
                (e.status_code, e.error_type.as_str()),
                (403, "consumer_session_authorization_error")
            )
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(stytch.api_calls(), 1);
    // Its 403 is final for this token and check: remembered for a minute, not asked again.
    let again = stytch.run(
        &mut engine,
        authenticate_checked(&token_a(), check("billing", "write")),
    );
    assert!(matches!(again, Err(Error::Stytch(_))), "{again:?}");
    assert_eq!(stytch.api_calls(), 1);
    // The API may know better (the cached policy can be five minutes old): its verdict stands.
    stytch.advance(60_000.0);
    stytch.deny_checks(false);
    let result = stytch.run(
        &mut engine,
        authenticate_checked(&token_a(), check("billing", "write")),
    );
    let Ok(Answer::Api(body)) = result else {
        panic!("{result:?}")
    };
    assert!(body.contains("\"verdict\":{\"authorized\":true"));
    assert_eq!(stytch.api_calls(), 2);
}

#[test]
fn forged_tokens_with_a_check_fetch_no_policy_and_reach_no_api() {
    let (mut engine, stytch) = (Engine::new(), with_policy());
    // Signed by key B under key A's kid: a bad signature.
    let header = json!({"alg": "RS256", "kid": key_a().kid}).to_string();
    let forged = key_b().sign_raw(&header, &Value::Object(payload()).to_string());
    for token in [forged, "not.a.jwt".to_owned(), invented(1)] {
        let result = stytch.run(
            &mut engine,
            authenticate_checked(&token, check("documents", "read")),
        );
        assert!(result.is_err());
    }
    assert_eq!((stytch.policy_fetches(), stytch.api_calls()), (0, 0));
}

#[test]
fn a_check_needs_the_secret() {
    let (mut engine, stytch) = (Engine::new(), with_policy());
    let params = LocalJwtParams {
        authorization_check: check("documents", "read"),
        ..LocalJwtParams::default()
    };
    let call = Call::new(
        Rc::new(Config::new(PROJECT_ID, None, None).unwrap()),
        Operation::VerifyJwt {
            token: token_a(),
            params,
        },
    );
    assert_eq!(code(&stytch.run(&mut engine, call)), "invalid_argument");
    assert_eq!(stytch.jwks_fetches() + stytch.policy_fetches(), 0);
}
