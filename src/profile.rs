//! Token profiles: what a kind of token the engine verifies locally is (`docs/rules.md`, "How a
//! session JWT is judged", "B2B"). The engine runs one pipeline (the JWS checks, RSA, issuer and
//! audience, the key store, the memo, fetch flights, staleness caps, the fallback rules) and is
//! given the differences as values: how long a token may be used, how a verified token's claims
//! become the call's answer, the roles a check judges and the organization it must name. A new
//! kind of token is one more constant here, not a new state machine; where its keys and
//! policies live is its product's ([`crate::product`]).

use crate::error::{ClientErrorCode, Error, Result};
use crate::json::Object;
use crate::member_session::{is_member_session, member_session_json};
use crate::session::{session_json, session_roles};
use std::rc::Rc;

/// What a verified token becomes.
#[derive(Debug, Clone)]
pub struct Marshalled {
    /// The call's answer, as JSON (for a session JWT, the session).
    pub answer: Rc<str>,
    /// What an authorization check judges: a session's roles, an access token's scopes.
    pub grants: Rc<[String]>,
    /// The organization a B2B token belongs to: a check must name it.
    pub organization_id: Option<Rc<str>>,
}

/// A kind of token the engine verifies locally.
#[derive(Debug)]
pub struct Profile {
    /// Its name: a memo entry answers only for the profile it was verified as, so a token
    /// verified as one kind never answers for another.
    pub name: &'static str,
    /// The member of `authenticateJwt`'s answer that holds what it marshals (`session`,
    /// `member_session`).
    pub member: &'static str,
    /// `max_token_age_seconds` when the caller gives none (`None`: no bound but `exp`).
    pub default_max_age_seconds: Option<u64>,
    /// The verified token's claims as the call's answer and what its check judges.
    pub marshal: fn(Object) -> Result<Marshalled>,
    /// What an `authorization_check` is judged against: the policy's roles (sessions) or its
    /// scopes (Connected Apps access tokens).
    pub judged_by: Judged,
}

/// Which part of the RBAC policy judges a token's `authorization_check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Judged {
    /// The policy's roles, held by a session.
    Roles,
    /// The policy's scopes, granted to an access token.
    Scopes,
}

/// A consumer session JWT: the session, built as Stytch's SDKs build it.
pub const SESSION: Profile = Profile {
    name: "session",
    member: "session",
    default_max_age_seconds: Some(crate::claims::DEFAULT_MAX_TOKEN_AGE_SECONDS),
    marshal: marshal_session,
    judged_by: Judged::Roles,
};

/// A B2B member session JWT: the member session, built as stytch-node's `B2BClient` builds it.
pub const MEMBER_SESSION: Profile = Profile {
    name: "member_session",
    member: "member_session",
    default_max_age_seconds: Some(crate::claims::DEFAULT_MAX_TOKEN_AGE_SECONDS),
    marshal: marshal_member_session,
    judged_by: Judged::Roles,
};

/// An M2M access token (client credentials): no default age bound (stytch-node has none).
pub const M2M_TOKEN: Profile = Profile {
    name: "m2m",
    member: "m2m",
    default_max_age_seconds: None,
    marshal: crate::access_token::marshal_m2m,
    judged_by: Judged::Scopes,
};

/// A consumer project's Connected Apps access token.
pub const ACCESS_TOKEN: Profile = Profile {
    name: "access_token",
    member: "access_token",
    default_max_age_seconds: None,
    marshal: crate::access_token::marshal_access_token,
    judged_by: Judged::Scopes,
};

/// A B2B project's Connected Apps access token (it names the member's organization).
pub const B2B_ACCESS_TOKEN: Profile = Profile {
    name: "b2b_access_token",
    member: "access_token",
    default_max_age_seconds: None,
    marshal: crate::access_token::marshal_b2b_access_token,
    judged_by: Judged::Scopes,
};

fn marshal_session(claims: Object) -> Result<Marshalled> {
    if is_member_session(&claims) {
        return Err(Error::claim(
            ClientErrorCode::JwtInvalid,
            crate::member_session::ORGANIZATION_CLAIM,
            "JWT is a B2B member session (it has an https://stytch.com/organization claim): use B2BClient",
        ));
    }
    let roles = session_roles(&claims);
    Ok(Marshalled {
        answer: Rc::from(session_json(claims)?),
        grants: roles,
        organization_id: None,
    })
}

fn marshal_member_session(claims: Object) -> Result<Marshalled> {
    let roles = session_roles(&claims);
    let (answer, organization_id) = member_session_json(claims)?;
    Ok(Marshalled {
        answer: Rc::from(answer),
        grants: roles,
        organization_id: Some(Rc::from(organization_id)),
    })
}

impl PartialEq for Profile {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}
