//! JSON Web Keys (RFC 7517) as Stytch serves them, and key selection (contract §5 step 3).
//!
//! A [`KeySet`] holds only the usable keys of a JWK set, already parsed into verifying keys, so
//! a cached set verifies without touching JSON or base64 again.

use crate::error::{ClientErrorCode, Error, Result};
use crate::jws::b64url_decode;
use crate::memo::{self, TokenMemo, Verified};
use crate::verify::RsaKey;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;

/// Smallest accepted modulus, in bits (NIST SP 800-131A).
pub const MIN_MODULUS_BITS: usize = 2048;
/// Largest accepted modulus, in bits: bounds the cost of one verification.
pub const MAX_MODULUS_BITS: usize = 4096;
/// Most keys read from one JWK set; Stytch serves one or two.
pub const MAX_KEYS: usize = 16;

/// One JWK with Stytch's field names (note `x5tS256`, literally).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Jwk {
    /// Absent in a malformed entry: such an entry is skipped, not the whole set.
    #[serde(default)]
    pub kty: String,
    #[serde(rename = "use", default, skip_serializing_if = "Option::is_none")]
    pub use_: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_ops: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x5c: Option<Vec<String>>,
    #[serde(rename = "x5tS256", default, skip_serializing_if = "Option::is_none")]
    pub x5t_s256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e: Option<String>,
}

/// A usable key: its `kid`, the parsed RSA public key, and a fingerprint of its `n` and `e`.
#[derive(Debug, Clone)]
pub struct VerifyingKey {
    pub kid: String,
    pub key: RsaKey,
    pub fingerprint: memo::Hash,
}

/// The usable keys of a JWK set, parsed. Unusable entries (other key types, `use: enc`,
/// weak or oversized moduli) are left out; they can never verify a session JWT.
#[derive(Debug, Clone, Default)]
pub struct KeySet {
    keys: Vec<VerifyingKey>,
    /// Kids seen on entries that were left out, with the reason, for a precise error.
    rejected: Vec<(String, String)>,
    /// Tokens these keys have verified (see [`crate::memo`]).
    memo: RefCell<TokenMemo>,
}

impl KeySet {
    /// Parses the keys of a JWK set. Entries that cannot be used are skipped, not errors.
    pub fn from_jwks(jwks: &[Jwk]) -> Self {
        let mut set = Self::default();
        for jwk in jwks.iter().take(MAX_KEYS) {
            match usable_key(jwk) {
                Ok(key) => set.keys.push(key),
                Err(why) => {
                    if let Some(kid) = &jwk.kid {
                        set.rejected.push((kid.clone(), why));
                    }
                }
            }
        }
        set
    }

    /// Parses a JWKS document `{"keys": [...]}`.
    pub fn from_json(body: &[u8]) -> Result<Self> {
        #[derive(Deserialize)]
        struct Doc {
            keys: Vec<Jwk>,
        }
        let doc: Doc = serde_json::from_slice(body).map_err(|e| {
            Error::client(
                ClientErrorCode::JwksInvalid,
                format!("JWKS is not a JSON key set ({:?} error)", e.classify()),
            )
        })?;
        Ok(Self::from_jwks(&doc.keys))
    }

    /// The one usable key with this `kid`.
    pub fn find(&self, kid: &str) -> Result<&VerifyingKey> {
        let mut matches = self.keys.iter().filter(|k| k.kid == kid);
        match (matches.next(), matches.next()) {
            (Some(key), None) => Ok(key),
            (Some(_), Some(_)) => Err(Error::client(
                ClientErrorCode::JwksInvalid,
                "JWKS has more than one usable key with the token's kid",
            )),
            (None, _) => {
                let why = self
                    .rejected
                    .iter()
                    .find(|(k, _)| k == kid)
                    .map(|(_, why)| format!(": the key with that kid is not usable ({why})"))
                    .unwrap_or_default();
                Err(Error::client(
                    ClientErrorCode::JwksNoMatchingKey,
                    format!("no usable key in the JWKS matches the token's kid{why}"),
                ))
            }
        }
    }

    /// Takes over the memoised tokens of `older` whose key is still in this set.
    pub fn adopt_memo(&self, older: &KeySet) {
        let mut memo = older.memo.borrow().clone();
        let fingerprints: Vec<memo::Hash> = self.keys.iter().map(|k| k.fingerprint).collect();
        memo.retain_keys(&fingerprints);
        *self.memo.borrow_mut() = memo;
    }

    /// Applies `f` to the record of a token these keys verified before.
    pub fn recall<T>(&self, token: &str, f: impl FnOnce(&Verified) -> T) -> Option<T> {
        self.memo.borrow().get(token).map(f)
    }

    /// Records a token that passed every check with `key`.
    pub fn remember(&self, token: &str, verified: Verified) {
        self.memo.borrow_mut().insert(token, verified);
    }

    /// Number of memoised tokens.
    pub fn memo_len(&self) -> usize {
        self.memo.borrow().len()
    }

    /// Whether a usable key has this `kid`.
    pub fn contains(&self, kid: &str) -> bool {
        self.keys.iter().any(|k| k.kid == kid)
    }

    /// The kids of the usable keys.
    pub fn kids(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|k| k.kid.as_str())
    }

    /// Number of usable keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether no key is usable.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// Applies the contract's usability rules to one JWK.
fn usable_key(jwk: &Jwk) -> std::result::Result<VerifyingKey, String> {
    if jwk.kty != "RSA" {
        return Err(format!("kty {:?} is not RSA", short(&jwk.kty)));
    }
    if jwk.use_.as_deref().is_some_and(|u| u != "sig") {
        return Err("use is not sig".to_owned());
    }
    if jwk.alg.as_deref().is_some_and(|a| a != "RS256") {
        return Err("alg is not RS256".to_owned());
    }
    if jwk
        .key_ops
        .as_ref()
        .is_some_and(|ops| !ops.iter().any(|op| op == "verify"))
    {
        return Err("key_ops does not include verify".to_owned());
    }
    let kid = jwk.kid.clone().ok_or("no kid")?;
    let n = jwk
        .n
        .as_deref()
        .and_then(b64url_decode)
        .ok_or("n is missing or not base64url")?;
    let e = jwk
        .e
        .as_deref()
        .and_then(b64url_decode)
        .ok_or("e is missing or not base64url")?;
    let key = RsaKey::new(&n, &e)?;
    let fingerprint = memo::sha256(&[&n[..], b".", &e[..]].concat());
    let bits = key.modulus_bits();
    if !(MIN_MODULUS_BITS..=MAX_MODULUS_BITS).contains(&bits) {
        return Err(format!(
            "modulus is {bits} bits; {MIN_MODULUS_BITS} to {MAX_MODULUS_BITS} are accepted"
        ));
    }
    Ok(VerifyingKey {
        kid,
        key,
        fingerprint,
    })
}

/// At most 16 characters of a value from the key set, for messages.
fn short(s: &str) -> &str {
    s.char_indices()
        .nth(16)
        .map_or(s, |(i, _)| s.get(..i).unwrap_or(""))
}
