//! An RSA public key and every bound on one (`docs/rules.md`, "How a session JWT is judged",
//! step 3): below the JWK set that holds keys ([`crate::jwk`]) and the signature check that uses
//! them ([`crate::verify`]).

use crate::rsa_public::FastPublicKey;
use sha2::{Digest, Sha256};

/// Smallest accepted modulus of a signing key, in bits (NIST SP 800-131A).
pub const MIN_MODULUS_BITS: usize = 2048;
/// Largest accepted modulus, in bits: bounds the cost of one verification.
pub const MAX_MODULUS_BITS: usize = 4096;

/// A key's fingerprint: SHA-256 over its length-prefixed `n` and `e`, equal only for the same
/// key (see [`fingerprint`]).
pub type Fingerprint = [u8; 32];

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

    /// A key to verify session JWTs with: [`RsaKey::new`]'s rules, and a modulus of
    /// [`MIN_MODULUS_BITS`] to [`MAX_MODULUS_BITS`].
    pub fn for_signing(n: &[u8], e: &[u8]) -> std::result::Result<Self, &'static str> {
        let key = Self::new(n, e)?;
        if key.bits < MIN_MODULUS_BITS {
            return Err("modulus is shorter than 2048 bits");
        }
        if key.bits > MAX_MODULUS_BITS {
            return Err("modulus is longer than 4096 bits");
        }
        Ok(key)
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

/// SHA-256 of `len(n) ‖ n ‖ len(e) ‖ e` (lengths as 8-byte big-endian): no two different keys
/// share the encoded input.
pub fn fingerprint(n: &[u8], e: &[u8]) -> Fingerprint {
    let mut hash = Sha256::new();
    for part in [n, e] {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part);
    }
    hash.finalize().into()
}
