//! Request and response shapes of the Sessions endpoints (contract §3), with Stytch's own
//! snake_case field names. Unset fields are left out of request bodies. The User object is kept
//! whole as JSON (it has dozens of optional parts: emails, phone numbers, providers, WebAuthn…),
//! so nothing the API says about a user is lost on the way to the caller.

use crate::jwk::Jwk;
use crate::session::{Session, SharedSession};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::rc::Rc;

/// `POST /v1/sessions/authenticate`. Exactly one of `session_token` and `session_jwt`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AuthenticateParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_jwt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_duration_minutes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_custom_claims: Option<Map<String, Value>>,
}

/// `authenticateJwt`: local verification first, the API when it cannot decide (contract §6).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct AuthenticateJwtParams {
    pub session_jwt: String,
    #[serde(default)]
    pub max_token_age_seconds: Option<u64>,
    #[serde(default)]
    pub session_duration_minutes: Option<u32>,
    #[serde(default)]
    pub session_custom_claims: Option<Map<String, Value>>,
    #[serde(default)]
    pub clock_tolerance_seconds: Option<u64>,
}

/// `authenticateJwtLocal` and `verifyJwt`: local verification only.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct LocalJwtParams {
    #[serde(default)]
    pub max_token_age_seconds: Option<u64>,
    #[serde(default)]
    pub clock_tolerance_seconds: Option<u64>,
    /// The time to judge the token at, in milliseconds since the epoch (JavaScript's `Date`).
    #[serde(default)]
    pub current_date_ms: Option<f64>,
}

/// `POST /v1/sessions/migrate`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MigrateParams {
    pub session_token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_duration_minutes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_custom_claims: Option<Map<String, Value>>,
}

/// `POST /v1/sessions/revoke`. Exactly one of the three.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RevokeParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_jwt: Option<String>,
}

/// A Stytch user, whole: `user_id, emails, status, name, phone_numbers, providers, created_at,
/// trusted_metadata, untrusted_metadata, …`.
pub type User = Map<String, Value>;

/// Answer of `authenticate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthenticateResponse {
    pub request_id: String,
    pub status_code: u16,
    pub session: Session,
    pub session_token: String,
    pub session_jwt: String,
    pub user: User,
}

/// Answer of `authenticateJwt`: the session from the token itself, or the API's full answer
/// (with a new `session_jwt`) when the API had to decide.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
#[allow(clippy::large_enum_variant)] // the local answer is the hot path: keep it unboxed
pub enum AuthenticateJwtResponse {
    Local {
        session: Rc<SharedSession>,
        session_jwt: String,
    },
    Remote(Box<AuthenticateResponse>),
}

impl AuthenticateJwtResponse {
    /// The session, wherever it came from.
    pub fn session(&self) -> &Session {
        match self {
            Self::Local { session, .. } => session,
            Self::Remote(r) => &r.session,
        }
    }

    /// Whether the API was called.
    pub fn is_remote(&self) -> bool {
        matches!(self, Self::Remote(_))
    }
}

/// Answer of `get`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetResponse {
    pub request_id: String,
    pub status_code: u16,
    pub sessions: Vec<Session>,
}

/// Answer of `getJWKS`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JwksResponse {
    #[serde(default)]
    pub request_id: String,
    #[serde(default)]
    pub status_code: u16,
    pub keys: Vec<Jwk>,
}

/// Answer of `migrate`: a session only when a duration was given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MigrateResponse {
    pub request_id: String,
    pub status_code: u16,
    pub user_id: String,
    pub user: User,
    pub session_token: String,
    pub session_jwt: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<Session>,
}

/// Answer of `revoke`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevokeResponse {
    pub request_id: String,
    pub status_code: u16,
}
