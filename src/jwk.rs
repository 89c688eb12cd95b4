//! JSON Web Keys (RFC 7517) as Stytch serves them, and key selection (`docs/rules.md`,
//! "How a session JWT is judged", step 3).
//!
//! A [`KeySet`] holds only the usable keys of a JWK set, already parsed into verifying keys, so
//! a cached set verifies without touching JSON or base64 again.

use crate::error::{ClientErrorCode, Error, Result};
use crate::json::{self, Value};
use crate::jws::b64url_decode;
use crate::key::{fingerprint, RsaKey};
use serde::{Deserialize, Serialize};

pub use crate::key::{Fingerprint, MAX_MODULUS_BITS, MIN_MODULUS_BITS};
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
    /// SHA-256 over the length-prefixed `n` and `e`: equal only for the same key.
    pub fingerprint: Fingerprint,
}

/// The usable keys of a JWK set, parsed. Unusable entries (other key types, `use: enc`,
/// weak or oversized moduli) are left out; they can never verify a session JWT.
#[derive(Debug, Clone, Default)]
pub struct KeySet {
    keys: Vec<VerifyingKey>,
    /// Kids seen on entries that were left out, with the reason, for a precise error.
    rejected: Vec<(String, &'static str)>,
}

/// The members of one JWK that the usability rules read.
struct JwkFields<'a> {
    kty: &'a str,
    use_: Option<&'a str>,
    alg: Option<&'a str>,
    /// `Some(true)` when `key_ops` is present and lists `verify`.
    key_ops_verify: Option<bool>,
    kid: Option<&'a str>,
    n: Option<&'a str>,
    e: Option<&'a str>,
}

impl KeySet {
    /// Parses the keys of a JWK set. Entries that cannot be used are skipped, not errors.
    pub fn from_jwks(jwks: &[Jwk]) -> Self {
        let mut set = Self::default();
        for jwk in jwks.iter().take(MAX_KEYS) {
            set.add(JwkFields {
                kty: &jwk.kty,
                use_: jwk.use_.as_deref(),
                alg: jwk.alg.as_deref(),
                key_ops_verify: jwk
                    .key_ops
                    .as_ref()
                    .map(|ops| ops.iter().any(|op| op == "verify")),
                kid: jwk.kid.as_deref(),
                n: jwk.n.as_deref(),
                e: jwk.e.as_deref(),
            });
        }
        set
    }

    /// Parses JWK objects (JSON values); an entry that is not an object, or whose members have
    /// the wrong types, is skipped like any unusable key.
    pub fn from_values(jwks: &[Value]) -> Self {
        let mut set = Self::default();
        for jwk in jwks.iter().take(MAX_KEYS) {
            let Some(o) = jwk.as_object() else { continue };
            let text = |name: &str| o.given(name).and_then(Value::as_str);
            let key_ops_verify = o.given("key_ops").map(|ops| {
                ops.as_array()
                    .is_some_and(|ops| ops.iter().any(|op| op.as_str() == Some("verify")))
            });
            set.add(JwkFields {
                kty: text("kty").unwrap_or(""),
                use_: o.given("use").map(|v| v.as_str().unwrap_or("?")),
                alg: o.given("alg").map(|v| v.as_str().unwrap_or("?")),
                key_ops_verify,
                kid: text("kid"),
                n: text("n"),
                e: text("e"),
            });
        }
        set
    }

    /// Parses a JWKS document `{"keys": [...]}`.
    pub fn from_json(body: &[u8]) -> Result<Self> {
        let doc = json::parse_object(body).map_err(|why| {
            Error::client(ClientErrorCode::JwksInvalid, ["JWKS is ", why].concat())
        })?;
        match doc.get("keys").and_then(Value::as_array) {
            Some(keys) => Ok(Self::from_values(keys)),
            None => Err(Error::client(
                ClientErrorCode::JwksInvalid,
                "JWKS has no keys array",
            )),
        }
    }

    fn add(&mut self, jwk: JwkFields<'_>) {
        match usable_key(&jwk) {
            Ok(key) => self.keys.push(key),
            Err(why) => {
                if let Some(kid) = jwk.kid {
                    self.rejected.push((kid.to_owned(), why));
                }
            }
        }
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
            (None, _) => Err(Error::client(
                ClientErrorCode::JwksNoMatchingKey,
                match self.rejected.iter().find(|(k, _)| k == kid) {
                    Some((_, why)) => [
                        "no usable key in the JWKS matches the token's kid: the key with that kid is not usable (",
                        why,
                        ")",
                    ]
                    .concat()
                    .into(),
                    None => std::borrow::Cow::Borrowed(
                        "no usable key in the JWKS matches the token's kid",
                    ),
                },
            )),
        }
    }

    /// Whether a usable key has this `kid`.
    pub fn contains(&self, kid: &str) -> bool {
        self.keys.iter().any(|k| k.kid == kid)
    }

    /// Whether a usable key has this fingerprint.
    pub fn holds(&self, fingerprint: &Fingerprint) -> bool {
        self.keys.iter().any(|k| &k.fingerprint == fingerprint)
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

/// Applies the usability rules (`docs/rules.md`, step 3) to one JWK.
fn usable_key(jwk: &JwkFields<'_>) -> std::result::Result<VerifyingKey, &'static str> {
    if jwk.kty != "RSA" {
        return Err("kty is not RSA");
    }
    if jwk.use_.is_some_and(|u| u != "sig") {
        return Err("use is not sig");
    }
    if jwk.alg.is_some_and(|a| a != "RS256") {
        return Err("alg is not RS256");
    }
    if jwk.key_ops_verify == Some(false) {
        return Err("key_ops does not include verify");
    }
    let kid = jwk.kid.ok_or("no kid")?;
    let n = jwk
        .n
        .and_then(b64url_decode)
        .ok_or("n is missing or not base64url")?;
    let e = jwk
        .e
        .and_then(b64url_decode)
        .ok_or("e is missing or not base64url")?;
    let key = RsaKey::for_signing(&n, &e)?;
    Ok(VerifyingKey {
        kid: kid.to_owned(),
        key,
        fingerprint: fingerprint(&n, &e),
    })
}
