//! The scripted network and the calls the engine tests share.

use crate::common::*;
use serde_json::{json, Value};
use std::rc::Rc;
use stytch_sessions_wasm::api::{AuthenticateJwtParams, LocalJwtParams};
use stytch_sessions_wasm::engine::WAIT_POLL_MS;
use stytch_sessions_wasm::jwk::Jwk;
use stytch_sessions_wasm::{Answer, Call, Config, Engine, HttpRequest, HttpResponse, Input, Next};
use stytch_sessions_wasm::{Operation, Result};

pub const T0: f64 = NOW as f64 * 1000.0;

/// A scripted Stytch: a JWKS it serves (or a status it fails with), an API that always
/// authenticates, and counts of what was asked.
/// `members` with the answer's `request_id` and `status_code` when `status` is 200; otherwise
/// Stytch's error body for `status`.
fn served(status: u16, request_id: &str, members: Value) -> HttpResponse {
    let mut body = if status == 200 {
        members
    } else {
        json!({"error_type": "internal_server_error", "error_message": "Oops.", "error_url": ""})
    };
    body["request_id"] = json!(request_id);
    body["status_code"] = json!(status);
    HttpResponse {
        status,
        body: body.to_string(),
    }
}

pub struct Net {
    pub now_ms: f64,
    pub jwks: Vec<Jwk>,
    pub jwks_status: u16,
    pub jwks_fetches: usize,
    pub api_calls: usize,
    /// The RBAC policy served (`roles`, `resources`, `scopes`), or the status it fails with.
    pub policy: Value,
    pub policy_status: u16,
    pub policy_fetches: usize,
    /// Whether the API refuses every authorization check it is asked (403).
    pub api_denies: bool,
    /// The body of the last API call.
    pub last_api_body: Option<String>,
    /// A shared JWKS store (what the last save gave it), and how often it was read and written.
    pub store: Option<String>,
    pub store_reads: usize,
    pub store_writes: usize,
}

impl Net {
    pub fn new() -> Self {
        Self {
            now_ms: T0,
            jwks: vec![key_a().jwk()],
            jwks_status: 200,
            jwks_fetches: 0,
            api_calls: 0,
            policy: json!({"roles": [], "resources": [], "scopes": []}),
            policy_status: 200,
            policy_fetches: 0,
            api_denies: false,
            last_api_body: None,
            store: None,
            store_reads: 0,
            store_writes: 0,
        }
    }

    pub fn answer(&mut self, request: &HttpRequest) -> Result<HttpResponse> {
        if request.url.contains("/v1/sessions/jwks/") {
            self.jwks_fetches += 1;
            let keys = json!({"keys": self.jwks});
            return Ok(served(self.jwks_status, "request-id-test-1", keys));
        }
        if request.url.ends_with("/v1/rbac/policy") {
            self.policy_fetches += 1;
            let policy = json!({"policy": self.policy});
            return Ok(served(self.policy_status, "request-id-test-4", policy));
        }
        self.api_calls += 1;
        self.last_api_body = request.body.clone();
        let checked = request
            .body
            .as_deref()
            .is_some_and(|b| b.contains("\"authorization_check\""));
        if checked && self.api_denies {
            let body = json!({"status_code": 403, "request_id": "request-id-test-6",
                "error_type": "consumer_session_authorization_error",
                "error_message": "The session is not authorized.", "error_url": ""});
            return Ok(HttpResponse {
                status: 403,
                body: body.to_string(),
            });
        }
        let session = json!({
            "session_id": SESSION_ID, "user_id": USER_ID, "started_at": "2025-11-27T11:00:00Z",
            "last_accessed_at": "2025-11-27T11:10:30Z", "expires_at": "2025-11-27T12:00:00Z",
            "attributes": null, "authentication_factors": [], "custom_claims": {}, "roles": []
        });
        let mut body = json!({"request_id": "request-id-test-3", "status_code": 200, "session": session,
            "session_token": "t".repeat(44), "session_jwt": "new.jwt.value", "user": {"user_id": USER_ID}});
        if checked {
            body["verdict"] = json!({"authorized": true, "granting_roles": ["admin"]});
        }
        Ok(HttpResponse {
            status: 200,
            body: body.to_string(),
        })
    }

    /// Runs calls concurrently to their ends; their results in order.
    pub fn run_all(&mut self, engine: &mut Engine, calls: Vec<Call>) -> Vec<Result<Answer>> {
        let mut calls: Vec<(Call, Option<Next>)> = calls
            .into_iter()
            .map(|mut call| {
                let next = call.step(engine, Input::Start, self.now_ms);
                (call, Some(next))
            })
            .collect();
        let mut results: Vec<Option<Result<Answer>>> = calls.iter().map(|_| None).collect();
        for _round in 0..100_000 {
            let mut pending = false;
            for (i, (call, next)) in calls.iter_mut().enumerate() {
                let input = match next.take() {
                    None => continue,
                    Some(Next::Done(result)) => {
                        results[i] = Some(result);
                        continue;
                    }
                    Some(Next::Send(request)) => Input::Response(self.answer(&request)),
                    Some(Next::Wait(_)) => Input::Woke,
                    Some(Next::Load) => {
                        self.store_reads += 1;
                        Input::Loaded(self.store.clone())
                    }
                    Some(Next::Save { value, .. }) => {
                        self.store_writes += 1;
                        self.store = Some(value);
                        Input::Woke
                    }
                    Some(other) => panic!("a step this driver does not know: {other:?}"),
                };
                pending = true;
                *next = Some(call.step(engine, input, self.now_ms));
            }
            if !pending {
                return results.into_iter().map(Option::unwrap).collect();
            }
            self.now_ms += f64::from(WAIT_POLL_MS);
        }
        panic!("calls did not end");
    }

    pub fn run(&mut self, engine: &mut Engine, call: Call) -> Result<Answer> {
        self.run_all(engine, vec![call]).pop().unwrap()
    }
}

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
