//! Local verification of a Stytch session JWT, in the contract's order (§5):
//! parse and header rules → key by `kid` → signature → claims → age → session.

use crate::claims::{self, ClaimRules};
use crate::error::Result;
use crate::jwk::KeySet;
use crate::jws::{self, Jws};
use crate::memo::Verified;
use crate::session::{marshal_jwt_into_session, Session, SharedSession};
use crate::verify::{check_signature, parse_claims};
use std::rc::Rc;

/// Verifies `token` with `keys` and returns the session it carries.
pub fn verify_session_jwt(token: &str, keys: &KeySet, rules: &ClaimRules<'_>) -> Result<Session> {
    verify_parsed(&jws::parse(token)?, keys, rules).map(|shared| shared.session.clone())
}

/// The steps after parsing, for callers that parsed first to learn the `kid`. A token this key
/// set verified before skips the signature (see [`crate::memo`]); its times are always re-judged.
pub fn verify_parsed(
    jws: &Jws<'_>,
    keys: &KeySet,
    rules: &ClaimRules<'_>,
) -> Result<Rc<SharedSession>> {
    if let Some(result) = verify_remembered(jws.token, keys, rules) {
        return result;
    }
    let key = keys.find(&jws.kid)?;
    check_signature(jws, &key.key)?;
    let claims = parse_claims(jws)?;
    let times = claims::validate(&claims, rules)?;
    let session = SharedSession::new(marshal_jwt_into_session(claims)?);
    let record = Verified::new(key.fingerprint, times, session.clone(), jws.token.len());
    keys.remember(jws.token, record);
    Ok(session)
}

/// The memo path: the session of a token these keys verified before, if its times still hold.
pub fn verify_remembered(
    token: &str,
    keys: &KeySet,
    rules: &ClaimRules<'_>,
) -> Option<Result<Rc<SharedSession>>> {
    keys.recall(token, |verified| {
        claims::check_times(&verified.times, rules).map(|()| verified.session.clone())
    })
}
