//! RS256 signature verification (RFC 7518 §3.3: RSASSA-PKCS1-v1_5 with SHA-256), and the one
//! place where a token's payload turns into claims: only after its signature has passed.

use crate::error::{ClientErrorCode, Error, Result};
use crate::json::{self, Object};
use crate::jws::Jws;
use crate::rsa_public::FastPublicKey;
use sha2::{Digest, Sha256};

/// An RSA public key, parsed and validated once, ready to verify.
///
/// The public operation is [`FastPublicKey`]'s (variable-time: nothing in a signature check is
/// secret), proven equal to the `rsa` crate's verifier by the Wycheproof and differential tests.
#[derive(Debug, Clone)]
pub struct RsaKey {
    key: FastPublicKey,
    bits: usize,
}

impl RsaKey {
    /// Builds a key from big-endian modulus and exponent bytes: an odd modulus of 512 to 4096
    /// bits (callers apply their own minimum), an odd exponent of at least 3 and at most 64 bits.
    pub fn new(n: &[u8], e: &[u8]) -> std::result::Result<Self, &'static str> {
        let n = strip_leading_zeros(n);
        let bits = n
            .first()
            .map_or(0, |top| n.len() * 8 - top.leading_zeros() as usize);
        if strip_leading_zeros(e).len() > 8 {
            return Err("public exponent is larger than 64 bits");
        }
        let key = FastPublicKey::new(n, e).ok_or(
            "modulus is out of range (512 to 4096 bits) or even, or the exponent is even or below 3",
        )?;
        Ok(Self { key, bits })
    }

    /// Size of the modulus in bits.
    pub fn modulus_bits(&self) -> usize {
        self.bits
    }

    /// Verifies an RS256 signature over `message`.
    pub fn verify_rs256(&self, message: &[u8], signature: &[u8]) -> bool {
        let digest: [u8; 32] = Sha256::digest(message).into();
        self.key.verify_rs256_digest(&digest, signature)
    }
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes.get(first..).unwrap_or_default()
}

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
