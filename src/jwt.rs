//! Local verification of a Stytch session JWT, in the order of `docs/rules.md` ("How a session
//! JWT is judged"): parse and header rules → key by `kid` → signature → claims → age → session.
//! Pure: the keys and the clock are passed in, and nothing is remembered here (the engine's
//! memo is scoped to a project and its keys, see [`crate::engine`]).

use crate::claims::{self, ClaimRules, Times};
use crate::error::Result;
use crate::jwk::{Fingerprint, KeySet};
use crate::jws::{self, Jws};
use crate::profile::{Marshalled, Profile, SESSION};
use crate::session::Session;
use crate::verify::{check_signature, parse_claims};

/// What verifying a token established.
#[derive(Debug, Clone)]
pub struct Verified {
    /// Fingerprint of the key that verified it.
    pub key: Fingerprint,
    /// Its time claims, re-judged against the clock whenever it is presented again.
    pub times: Times,
    /// What it became as its profile marshals it: the answer (for a session JWT, the session),
    /// what its checks judge, its organization.
    pub marshalled: Marshalled,
}

/// Verifies `token` with `keys` and returns the session it carries.
pub fn verify_session_jwt(token: &str, keys: &KeySet, rules: &ClaimRules<'_>) -> Result<Session> {
    let verified = verify_parsed(&jws::parse(token)?, keys, rules, &SESSION)?;
    Session::from_json(&verified.marshalled.answer)
}

/// The steps after parsing, for callers that parsed first to learn the `kid`; the token is
/// marshalled as `profile` says.
pub fn verify_parsed(
    jws: &Jws<'_>,
    keys: &KeySet,
    rules: &ClaimRules<'_>,
    profile: &Profile,
) -> Result<Verified> {
    let key = keys.find(&jws.kid)?;
    check_signature(jws, &key.key)?;
    let claims = parse_claims(jws)?;
    let times = claims::validate(&claims, rules)?;
    let marshalled = (profile.marshal)(claims)?;
    Ok(Verified {
        key: key.fingerprint,
        times,
        marshalled,
    })
}
