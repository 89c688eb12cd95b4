//! A bounded memo of verified tokens, so a token already verified in this module instance skips
//! the RSA operation, the base64 and the JSON work on later calls.
//!
//! - Keyed by the whole token (compared in full) and kept inside the [`crate::jwk::KeySet`] whose
//!   key verified it, with that key's fingerprint: when a refreshed JWKS no longer holds the key,
//!   its entries are dropped ([`TokenMemo::retain_keys`]).
//! - Only a token that passed every check enters, so forged tokens never do.
//! - `exp`, `nbf` and age are re-judged against the clock on every call ([`Verified::times`]);
//!   `iss` and `aud` need not be, as a key set belongs to one project and base URL.
//! - Bounded in entries ([`MAX_ENTRIES`]) and bytes ([`MAX_BYTES`]); the oldest go first.

use crate::claims::Times;
use crate::session::SharedSession;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, Hasher};
use std::rc::Rc;

/// Most memoised tokens per key set.
pub const MAX_ENTRIES: usize = 2048;
/// Most bytes of memoised tokens and sessions per key set (an estimate of what they hold).
pub const MAX_BYTES: usize = 4 * 1024 * 1024;

/// A SHA-256 digest.
pub type Hash = [u8; 32];

/// SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> Hash {
    Sha256::digest(bytes).into()
}

/// What a verified token established.
#[derive(Debug, Clone)]
pub struct Verified {
    /// Fingerprint of the key that verified it.
    pub key: Hash,
    /// Its time claims, re-judged on every call.
    pub times: Times,
    /// The session it carries.
    pub session: Rc<SharedSession>,
    /// Approximate bytes held, for the byte bound.
    bytes: usize,
}

impl Verified {
    /// A record for a token of `token_len` bytes.
    pub fn new(key: Hash, times: Times, session: Rc<SharedSession>, token_len: usize) -> Self {
        Self {
            key,
            times,
            bytes: token_len + 2 * session.json.len() + 256,
            session,
        }
    }
}

/// Hashes only the last 16 bytes written of a key: the tail of a token is its signature, which
/// differs between any two genuine tokens. Only verified tokens are stored, so chosen collisions
/// cost an attacker a full comparison per stored token that shares the tail, nothing more.
#[derive(Clone, Copy, Default)]
pub struct TailHash;

/// The hasher behind [`TailHash`].
#[derive(Default)]
pub struct TailHasher(u64);

impl Hasher for TailHasher {
    fn write(&mut self, bytes: &[u8]) {
        let tail = bytes.get(bytes.len().saturating_sub(16)..).unwrap_or(bytes);
        for &b in tail {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

impl BuildHasher for TailHash {
    type Hasher = TailHasher;
    fn build_hasher(&self) -> TailHasher {
        TailHasher::default()
    }
}

/// Token → what its verification established.
#[derive(Debug, Clone, Default)]
pub struct TokenMemo {
    verified: HashMap<Rc<str>, Verified, TailHash>,
    order: VecDeque<Rc<str>>,
    bytes: usize,
}

impl TokenMemo {
    /// The record of `token`, if it was verified.
    pub fn get(&self, token: &str) -> Option<&Verified> {
        self.verified.get(token)
    }

    /// Records a verified token, evicting the oldest entries past the bounds.
    pub fn insert(&mut self, token: &str, verified: Verified) {
        if self.verified.contains_key(token) {
            return;
        }
        let token: Rc<str> = Rc::from(token);
        self.bytes += verified.bytes;
        self.verified.insert(token.clone(), verified);
        self.order.push_back(token);
        while self.verified.len() > MAX_ENTRIES || self.bytes > MAX_BYTES {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            if let Some(gone) = self.verified.remove(&oldest) {
                self.bytes = self.bytes.saturating_sub(gone.bytes);
            }
        }
    }

    /// Keeps only entries verified by one of `keys`.
    pub fn retain_keys(&mut self, keys: &[Hash]) {
        self.verified.retain(|_, v| keys.contains(&v.key));
        let verified = &self.verified;
        self.order.retain(|token| verified.contains_key(token));
        self.bytes = self.verified.values().map(|v| v.bytes).sum();
    }

    /// Number of memoised tokens.
    pub fn len(&self) -> usize {
        self.verified.len()
    }

    /// Whether nothing is memoised.
    pub fn is_empty(&self) -> bool {
        self.verified.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Rc<SharedSession> {
        SharedSession::new(crate::session::Session {
            session_id: "s".into(),
            user_id: "u".into(),
            started_at: String::new(),
            last_accessed_at: String::new(),
            expires_at: String::new(),
            attributes: None,
            authentication_factors: vec![],
            custom_claims: Default::default(),
            roles: vec![],
        })
    }

    fn record(key: Hash, len: usize) -> Verified {
        let times = Times {
            exp: 1,
            nbf: None,
            iat: None,
        };
        Verified::new(key, times, session(), len)
    }

    #[test]
    fn bounded_in_entries_oldest_first() {
        let mut memo = TokenMemo::default();
        for i in 0..(MAX_ENTRIES + 10) {
            memo.insert(&format!("token-{i}"), record([7; 32], 10));
        }
        assert_eq!(memo.len(), MAX_ENTRIES);
        assert!(memo.get("token-0").is_none());
        assert!(memo.get(&format!("token-{}", MAX_ENTRIES + 9)).is_some());
    }

    #[test]
    fn bounded_in_bytes() {
        let mut memo = TokenMemo::default();
        for i in 0..100 {
            memo.insert(&format!("big-{i}"), record([7; 32], 256 * 1024));
        }
        assert!(memo.len() <= MAX_BYTES / (256 * 1024), "{}", memo.len());
        assert!(memo.bytes <= MAX_BYTES);
    }

    #[test]
    fn whole_tokens_are_compared_not_just_their_tails() {
        let mut memo = TokenMemo::default();
        memo.insert("aaaa.same-tail-0123456789abcdef", record([1; 32], 30));
        assert!(memo.get("bbbb.same-tail-0123456789abcdef").is_none());
    }

    #[test]
    fn dropped_with_their_key() {
        let mut memo = TokenMemo::default();
        let (a, b) = ([1; 32], [2; 32]);
        memo.insert("t1", record(a, 2));
        memo.insert("t2", record(b, 2));
        memo.retain_keys(&[b]);
        assert!(memo.get("t1").is_none());
        assert!(memo.get("t2").is_some());
        assert_eq!(memo.len(), 1);
    }
}
