//! The calls the engine tests share, stepped against the one simulated Stytch
//! (`tests/common/stytch.rs`).

use crate::common::*;
use serde_json::{json, Value};
use std::rc::Rc;
use stytch_sessions_wasm::api::{AuthenticateJwtParams, LocalJwtParams};
use stytch_sessions_wasm::rbac::AuthorizationCheck;
use stytch_sessions_wasm::{Answer, Call, Config, Operation, Result};

pub fn public() -> Rc<Config> {
    Rc::new(Config::new(PROJECT_ID, None, None).unwrap())
}

pub fn with_secret() -> Rc<Config> {
    Rc::new(Config::new(PROJECT_ID, Some("secret-test-engine"), None).unwrap())
}

/// Local verification with options under which a token minted at `NOW` stays valid for a day.
pub fn verify(config: &Rc<Config>, token: &str) -> Call {
    verify_checked(config, token, None)
}

/// [`verify`] with an authorization check.
pub fn verify_checked(config: &Rc<Config>, token: &str, check: Option<AuthorizationCheck>) -> Call {
    let params = LocalJwtParams {
        max_token_age_seconds: Some(86_400),
        clock_tolerance_seconds: Some(86_400),
        current_date_ms: None,
        authorization_check: check,
    };
    let token = token.to_owned();
    Call::new(config.clone(), Operation::VerifyJwt { token, params })
}

pub fn authenticate_jwt(config: &Rc<Config>, token: &str) -> Call {
    authenticate_checked(config, token, None)
}

/// [`authenticate_jwt`] with an authorization check.
pub fn authenticate_checked(
    config: &Rc<Config>,
    token: &str,
    check: Option<AuthorizationCheck>,
) -> Call {
    Call::new(
        config.clone(),
        Operation::AuthenticateJwt(AuthenticateJwtParams {
            session_jwt: token.to_owned(),
            max_token_age_seconds: Some(86_400),
            clock_tolerance_seconds: Some(86_400),
            authorization_check: check,
            ..AuthenticateJwtParams::default()
        }),
    )
}

pub fn token_a() -> String {
    key_a().sign(&Value::Object(payload()))
}

/// A token signed by key A under a `kid` no JWKS serves (a forger's invention).
pub fn invented(i: usize) -> String {
    let header = json!({"alg": "RS256", "kid": format!("jwk-test-invented-{i}")}).to_string();
    key_a().sign_raw(&header, &Value::Object(payload()).to_string())
}

pub fn code(result: &Result<Answer>) -> String {
    match result {
        Ok(_) => "ok".to_owned(),
        Err(e) => e.code().to_owned(),
    }
}
