//! Access tokens on the same engine (`docs/rules.md`, "Access tokens"): M2M tokens judged by
//! their own scopes, Connected Apps tokens by the policy's scopes, introspection through the API,
//! and kinds kept apart (the memo never answers a token verified as one kind for another).

use crate::calls::*;
use crate::common::*;
use serde_json::{json, Value};
use std::rc::Rc;
use stytch_sessions_wasm::api::LocalJwtParams;
use stytch_sessions_wasm::profile::{Profile, ACCESS_TOKEN, M2M_TOKEN};
use stytch_sessions_wasm::rbac::AuthorizationCheck;
use stytch_sessions_wasm::{Answer, Call, Config, Engine, Operation};

fn token(extra: Value) -> String {
    let mut payload = payload();
    payload.remove("https://stytch.com/session");
    payload.insert("sub".into(), json!("m2m-client-test-1"));
    payload.insert("scope".into(), json!("read:users write:*"));
    if let Value::Object(extra) = extra {
        payload.extend(extra);
    }
    key_a().sign(&Value::Object(payload))
}

fn m2m_token() -> String {
    token(json!({"plan": "pro"}))
}

fn app_token() -> String {
    token(
        json!({"sub": "user-test-1", "client_id": "connected-app-test-1", "scope": "read:docs openid"}),
    )
}

fn verify(
    profile: &'static Profile,
    token: &str,
    check: Option<AuthorizationCheck>,
    required: Option<&[&str]>,
) -> Call {
    let params = LocalJwtParams {
        max_token_age_seconds: Some(86_400),
        clock_tolerance_seconds: Some(86_400),
        current_date_ms: None,
        authorization_check: check,
    };
    let required_scopes = required.map(|r| r.iter().map(|s| (*s).to_owned()).collect());
    Call::new(
        with_secret(),
        Operation::VerifyToken {
            profile,
            token: token.to_owned(),
            params,
            required_scopes,
        },
    )
}

fn answer(result: &stytch_sessions_wasm::Result<Answer>) -> Value {
    match result {
        Ok(Answer::Session(json)) => serde_json::from_str(json).unwrap(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_m2m_token_is_judged_by_its_own_scopes_with_no_fetch_but_the_keys() {
    let (mut engine, stytch) = (Engine::new(), Stytch::new());
    let t = m2m_token();
    let ok = stytch.run(
        &mut engine,
        verify(&M2M_TOKEN, &t, None, Some(&["read:users", "write:reports"])),
    );
    assert_eq!(
        answer(&ok),
        json!({"client_id": "m2m-client-test-1", "scopes": ["read:users", "write:*"], "custom_claims": {"plan": "pro"}})
    );
    for _ in 0..1000 {
        let r = stytch.run(
            &mut engine,
            verify(&M2M_TOKEN, &t, None, Some(&["read:users"])),
        );
        assert_eq!(code(&r), "ok");
    }
    let missing = stytch.run(
        &mut engine,
        verify(&M2M_TOKEN, &t, None, Some(&["delete:users"])),
    );
    assert_eq!(code(&missing), "missing_scopes");
    assert_eq!(
        (
            stytch.jwks_fetches(),
            stytch.policy_fetches(),
            stytch.api_calls()
        ),
        (1, 0, 0)
    );
}

#[test]
fn a_connected_apps_check_is_judged_against_the_policys_scopes() {
    let (mut engine, stytch) = (Engine::new(), Stytch::new());
    stytch.serve_policy(json!({"roles": [], "resources": [], "scopes": [
        {"scope": "read:docs", "description": "", "permissions": [{"resource_id": "documents", "actions": ["read"]}]}
    ]}));
    let t = app_token();
    let read = Some(AuthorizationCheck::new("documents", "read"));
    for _ in 0..1000 {
        let r = stytch.run(&mut engine, verify(&ACCESS_TOKEN, &t, read.clone(), None));
        assert_eq!(code(&r), "ok");
    }
    let r = stytch.run(&mut engine, verify(&ACCESS_TOKEN, &t, read, None));
    let claims = answer(&r);
    assert_eq!(
        (claims["subject"].as_str(), claims["scope"].as_str()),
        (Some("user-test-1"), Some("read:docs openid"))
    );
    assert_eq!(claims["token_type"], "access_token");
    let write = Some(AuthorizationCheck::new("documents", "write"));
    assert_eq!(
        code(&stytch.run(&mut engine, verify(&ACCESS_TOKEN, &t, write, None))),
        "invalid_permissions"
    );
    assert_eq!(
        (
            stytch.jwks_fetches(),
            stytch.policy_fetches(),
            stytch.api_calls()
        ),
        (1, 1, 0)
    );
}

#[test]
fn kinds_stay_apart_and_the_memo_never_crosses_them() {
    let (mut engine, stytch) = (Engine::new(), Stytch::new());
    let (m2m, app, session) = (m2m_token(), app_token(), token_a());
    assert_eq!(
        code(&stytch.run(&mut engine, verify(&M2M_TOKEN, &m2m, None, None))),
        "ok"
    );
    // Verified (and remembered) as M2M: asked as a Connected Apps token, it is judged again, and refused.
    assert_eq!(
        code(&stytch.run(&mut engine, verify(&ACCESS_TOKEN, &m2m, None, None))),
        "jwt_invalid"
    );
    assert_eq!(
        code(&stytch.run(&mut engine, verify(&M2M_TOKEN, &app, None, None))),
        "jwt_invalid"
    );
    assert_eq!(
        code(&stytch.run(&mut engine, verify(&M2M_TOKEN, &session, None, None))),
        "jwt_invalid"
    );
    assert_eq!(
        code(&stytch.run(&mut engine, verify(&ACCESS_TOKEN, &session, None, None))),
        "jwt_invalid"
    );
    // An access token given to the session verifier, even its authenticateJwt: no API call.
    let as_session = Call::new(
        with_secret(),
        Operation::AuthenticateJwt(stytch_sessions_wasm::api::AuthenticateJwtParams {
            session_jwt: m2m.clone(),
            max_token_age_seconds: Some(86_400),
            ..Default::default()
        }),
    );
    assert_eq!(code(&stytch.run(&mut engine, as_session)), "jwt_invalid");
    assert_eq!(stytch.api_calls(), 0);
}

#[test]
fn introspection_asks_the_api_with_a_form_and_no_basic_auth_then_judges_the_scopes() {
    let (mut engine, stytch) = (Engine::new(), Stytch::new());
    stytch.serve_policy(json!({"roles": [], "resources": [], "scopes": [
        {"scope": "read:docs", "description": "", "permissions": [{"resource_id": "documents", "actions": ["*"]}]}
    ]}));
    let introspect = |check: Option<AuthorizationCheck>| {
        let body = "token=abc&client_id=connected-app-test-1".to_owned();
        Call::new(
            Rc::new(Config::new(PROJECT_ID, Some("secret-test-engine"), None).unwrap()),
            Operation::Introspect { body, check },
        )
    };
    stytch.script_api(200, json!({"active": true, "sub": "user-test-1", "scope": "read:docs", "aud": [PROJECT_ID],
        "exp": NOW + 60, "iat": NOW, "nbf": NOW, "iss": "stytch.com/x", "client_id": "connected-app-test-1",
        "token_type": "access_token", "request_id": "r", "status_code": 200, "tenant": "acme"}).to_string());
    let r = stytch.run(
        &mut engine,
        introspect(Some(AuthorizationCheck::new("documents", "read"))),
    );
    let claims = answer(&r);
    assert_eq!(claims["subject"], "user-test-1");
    assert_eq!(claims["custom_claims"], json!({"tenant": "acme"}));
    let sent = stytch
        .log()
        .iter()
        .find(|r| r.url.ends_with("/oauth2/introspect"))
        .cloned()
        .unwrap();
    assert_eq!(
        sent.url,
        format!("https://test.stytch.com/v1/public/{PROJECT_ID}/oauth2/introspect")
    );
    assert_eq!(
        sent.headers,
        vec![(
            "Content-Type",
            "application/x-www-form-urlencoded".to_owned()
        )]
    );
    stytch.script_api(
        200,
        json!({"active": false, "request_id": "r", "status_code": 200}).to_string(),
    );
    assert_eq!(
        code(&stytch.run(&mut engine, introspect(None))),
        "token_invalid"
    );
    stytch.script_api(
        401,
        json!({"error": "invalid_client", "error_description": "bad client"}).to_string(),
    );
    let r = stytch.run(&mut engine, introspect(None));
    assert_eq!(code(&r), "token_invalid");
    assert!(r.unwrap_err().to_string().contains("invalid_client"));
}
