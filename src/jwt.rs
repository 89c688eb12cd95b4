//! Local verification of a Stytch session JWT, in the contract's order (§5):
//! parse and header rules → key by `kid` → signature → claims → age → session.

use crate::claims::{self, ClaimRules};
use crate::error::Result;
use crate::jwk::KeySet;
use crate::jws::{self, Jws};
use crate::session::{marshal_jwt_into_session, Session};
use crate::verify::verified_claims;

/// Verifies `token` with `keys` and returns the session it carries.
pub fn verify_session_jwt(token: &str, keys: &KeySet, rules: &ClaimRules<'_>) -> Result<Session> {
    verify_parsed(&jws::parse(token)?, keys, rules)
}

/// The steps after parsing, for callers that parsed first to learn the `kid`.
pub fn verify_parsed(jws: &Jws<'_>, keys: &KeySet, rules: &ClaimRules<'_>) -> Result<Session> {
    let key = keys.find(&jws.kid)?;
    let claims = verified_claims(jws, &key.key)?;
    claims::validate(&claims, rules)?;
    marshal_jwt_into_session(claims)
}
