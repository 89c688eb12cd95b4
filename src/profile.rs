//! Token profiles: what a kind of token the engine verifies locally is (`docs/rules.md`, "How a
//! session JWT is judged"). The engine runs one pipeline (the JWS checks, RSA, issuer and
//! audience, the key store, the memo, fetch flights, staleness caps, the fallback rules) and is
//! given the differences as values: where the keys are, how long a token may be used, and how a
//! verified token's claims become the call's answer and the roles a check judges. A new kind of
//! token (a B2B member session, an M2M or Connected Apps access token) is one more constant
//! here, not a new state machine.

use crate::error::Result;
use crate::json::Object;
use crate::session::{session_json, session_roles};
use std::rc::Rc;

/// What a verified token becomes.
#[derive(Debug, Clone)]
pub struct Marshalled {
    /// The call's answer, as JSON (for a session JWT, the session).
    pub answer: Rc<str>,
    /// The roles an authorization check judges.
    pub roles: Rc<[String]>,
}

/// A kind of token the engine verifies locally.
#[derive(Debug)]
pub struct Profile {
    /// Its name: a memo entry answers only for the profile it was verified as, so a token
    /// verified as one kind never answers for another.
    pub name: &'static str,
    /// The path of the project's JWKS under the API base URL (the project id follows).
    pub jwks_path: &'static str,
    /// `max_token_age_seconds` when the caller gives none (`None`: no bound but `exp`).
    pub default_max_age_seconds: Option<u64>,
    /// The verified token's claims as the call's answer and the roles its check judges.
    pub marshal: fn(Object) -> Result<Marshalled>,
}

/// A consumer session JWT: the session, built as Stytch's SDKs build it.
pub const SESSION: Profile = Profile {
    name: "session",
    jwks_path: "/v1/sessions/jwks/",
    default_max_age_seconds: Some(crate::claims::DEFAULT_MAX_TOKEN_AGE_SECONDS),
    marshal: marshal_session,
};

fn marshal_session(claims: Object) -> Result<Marshalled> {
    let roles = session_roles(&claims);
    Ok(Marshalled {
        answer: Rc::from(session_json(claims)?),
        roles,
    })
}

impl Profile {
    /// The JWKS URL of `project_id` under `base_url` (checked, without trailing `/`).
    pub fn jwks_url(&self, base_url: &str, project_id: &str) -> String {
        [
            base_url,
            self.jwks_path,
            &crate::http::percent_encode(project_id),
        ]
        .concat()
    }
}

impl PartialEq for Profile {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_profile_keys_are_the_sessions_jwks() {
        assert_eq!(
            SESSION.jwks_url("https://test.stytch.com", "project-test-1"),
            crate::http::jwks_url("https://test.stytch.com", "project-test-1")
        );
    }
}
