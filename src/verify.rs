//! RS256 signature verification (RFC 7518 §3.3: RSASSA-PKCS1-v1_5 with SHA-256), and the one
//! place where a token's payload turns into claims: only after its signature has passed.

use crate::error::{ClientErrorCode, Error, Result};
use crate::jws::Jws;
use crate::strict_json;
use crypto_bigint::BoxedUint;
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Sign, PublicKey as RsaPublicKey};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// An RSA public key, parsed and validated once, ready to verify.
#[derive(Debug, Clone)]
pub struct RsaKey {
    key: RsaPublicKey,
}

impl RsaKey {
    /// Builds a key from big-endian modulus and exponent bytes. Refuses moduli over 8192 bits
    /// before any arithmetic, even exponents and exponents outside `3..2^33`.
    pub fn new(n: &[u8], e: &[u8]) -> std::result::Result<Self, String> {
        let n = strip_leading_zeros(n);
        let e = strip_leading_zeros(e);
        if n.len() > 1024 {
            return Err(format!("modulus is {} bits", n.len() * 8));
        }
        if e.len() > 8 || e.last().is_none_or(|b| b & 1 == 0) {
            return Err("public exponent is not an odd number of at most 64 bits".to_owned());
        }
        let key = RsaPublicKey::new(
            BoxedUint::from_be_slice_vartime(n),
            BoxedUint::from_be_slice_vartime(e),
        )
        .map_err(|e| format!("RSA key rejected ({e})"))?;
        Ok(Self { key })
    }

    /// Size of the modulus in bits.
    pub fn modulus_bits(&self) -> usize {
        self.key.n().bit_width() as usize
    }

    /// Verifies an RS256 signature over `message`.
    pub fn verify_rs256(&self, message: &[u8], signature: &[u8]) -> bool {
        let digest = Sha256::digest(message);
        self.key
            .verify(Pkcs1v15Sign::new::<Sha256>(), &digest, signature)
            .is_ok()
    }
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes.get(first..).unwrap_or_default()
}

/// Verifies the JWS signature with `key`, then, and only then, parses the payload as a strict
/// JSON object of claims (contract §5 step 4).
pub fn verified_claims(jws: &Jws<'_>, key: &RsaKey) -> Result<Map<String, Value>> {
    if !key.verify_rs256(jws.signing_input, &jws.signature) {
        return Err(Error::client(
            ClientErrorCode::JwtSignatureInvalid,
            "JWT signature does not verify with the project's key",
        ));
    }
    strict_json::parse_object(&jws.payload)
        .map_err(|why| Error::invalid_jwt(format!("JWT payload is {why}")))
}
