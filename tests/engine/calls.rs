//! The calls the engine tests share, stepped against the one simulated Stytch
//! (`tests/common/stytch.rs`).

use crate::common::*;
use serde_json::{json, Value};
use std::rc::Rc;
use stytch_sessions_wasm::api::{AuthenticateJwtParams, LocalJwtParams};
use stytch_sessions_wasm::{Answer, Call, Config, Operation, Result};

pub fn public() -> Rc<Config> {
    Rc::new(Config::new(PROJECT_ID, None, None).unwrap())
}

pub fn with_secret() -> Rc<Config> {
    Rc::new(Config::new(PROJECT_ID, Some("secret-test-engine"), None).unwrap())
}

/// Local verification with options under which a token minted at `NOW` stays valid for a day.
pub fn verify(config: &Rc<Config>, token: &str) -> Call {
    let params = LocalJwtParams {
        max_token_age_seconds: Some(86_400),
        clock_tolerance_seconds: Some(86_400),
        current_date_ms: None,
        authorization_check: None,
    };
    let token = token.to_owned();
    Call::new(config.clone(), Operation::VerifyJwt { token, params })
}

pub fn authenticate_jwt(config: &Rc<Config>, token: &str) -> Call {
    Call::new(
        config.clone(),
        Operation::AuthenticateJwt(AuthenticateJwtParams {
            session_jwt: token.to_owned(),
            max_token_age_seconds: Some(86_400),
            clock_tolerance_seconds: Some(86_400),
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
