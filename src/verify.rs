//! RS256 signature verification (RFC 7518 §3.3: RSASSA-PKCS1-v1_5 with SHA-256), and the one
//! place where a token's payload turns into claims: only after its signature has passed.

use crate::error::{ClientErrorCode, Error, Result};
use crate::json::{self, Object};
use crate::jws::Jws;
pub use crate::key::RsaKey;

/// Verifies the JWS signature with `key`, then, and only then, parses the payload as a strict
/// JSON object of claims (step 4 of `docs/rules.md`).
pub fn verified_claims(jws: &Jws<'_>, key: &RsaKey) -> Result<Object> {
    check_signature(jws, key)?;
    parse_claims(jws)
}

/// Verifies the JWS signature with `key`.
pub fn check_signature(jws: &Jws<'_>, key: &RsaKey) -> Result<()> {
    if key.verify_rs256(jws.signing_input, &jws.signature) {
        Ok(())
    } else {
        Err(Error::client(
            ClientErrorCode::JwtSignatureInvalid,
            "JWT signature does not verify with the project's key",
        ))
    }
}

/// Parses the payload of a JWS whose signature has been verified.
pub fn parse_claims(jws: &Jws<'_>) -> Result<Object> {
    json::parse_object(&jws.payload)
        .map_err(|why| Error::invalid_jwt(["JWT payload is ", why].concat()))
}
