//! The memo: tokens this engine has verified, so a token presented again skips base64, JSON
//! and RSA (`docs/rules.md`, "Keys and the memo").
//!
//! - An entry is scoped: it answers only for the JWKS URL it was verified under (which fixes the
//!   accepted `iss` and `aud`) and the profile it was verified as (a token verified as one kind
//!   never answers for another), and only while that URL's keys still hold the key that verified
//!   it (compared by fingerprint). A token verified for project A is judged afresh for project B.
//! - Only a token that passed every check enters, so forged tokens never do.
//! - `exp`, `nbf` and age are re-judged against the clock on every hit.
//! - Bounded in entries ([`MAX_ENTRIES`]) and bytes ([`MAX_BYTES`]); the oldest go first.

use crate::jwk::KeySet;
use crate::jwt::Verified;
use crate::profile::Profile;
use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

/// Most remembered tokens.
pub const MAX_ENTRIES: usize = 2048;
/// Most bytes of remembered tokens and sessions (an estimate of the wasm memory they take).
pub const MAX_BYTES: usize = 4 * 1024 * 1024;

struct Entry {
    token: Box<str>,
    scope: Rc<str>,
    profile: &'static str,
    verified: Verified,
    bytes: usize,
}

/// Token → what its verification established, and under which JWKS URL. Keyed by the hash of
/// the token's tail ([`tail_hash`]); an entry holds its whole token, compared on every recall.
/// Two remembered tokens with the same hash (only genuine tokens are remembered, and their
/// tails are their signatures) keep the later one.
pub struct Memo {
    entries: HashMap<u64, Entry, BuildHasherDefault<KeyHasher>>,
    order: VecDeque<u64>,
    bytes: usize,
}

impl Default for Memo {
    fn default() -> Self {
        Self::new()
    }
}

impl Memo {
    /// Nothing remembered.
    pub const fn new() -> Self {
        Self {
            entries: HashMap::with_hasher(BuildHasherDefault::new()),
            order: VecDeque::new(),
            bytes: 0,
        }
    }
    /// What verifying `token` as `profile` under `scope` established, if `keys` still hold the
    /// key that did.
    pub fn recall(
        &self,
        token: &str,
        scope: &str,
        profile: &Profile,
        keys: &KeySet,
    ) -> Option<&Verified> {
        let entry = self.entries.get(&tail_hash(token))?;
        let same = same_text(&entry.token, token)
            && &*entry.scope == scope
            && entry.profile == profile.name;
        (same && keys.holds(&entry.verified.key)).then_some(&entry.verified)
    }

    /// Remembers a token that passed every check as `profile` under `scope`, evicting the
    /// oldest entries past the bounds. A token remembered under another scope is re-scoped.
    pub fn remember(&mut self, token: &str, scope: &str, profile: &Profile, verified: Verified) {
        let profile = profile.name;
        // What the entry holds, doubled for what verifying it left in the allocator (measured in
        // workerd: ~6.5 KB of wasm memory per 2.5 KB token), so the bound is close to the truth.
        let bytes = 2 * (token.len() + verified.marshalled.answer.len()) + scope.len() + 512;
        let hash = tail_hash(token);
        let entry = Entry {
            token: Box::from(token),
            scope: Rc::from(scope),
            profile,
            verified,
            bytes,
        };
        if let Some(old) = self.entries.get_mut(&hash) {
            self.bytes = self.bytes - old.bytes + bytes;
            *old = entry;
        } else {
            self.bytes += bytes;
            self.entries.insert(hash, entry);
            self.order.push_back(hash);
        }
        while self.entries.len() > MAX_ENTRIES || self.bytes > MAX_BYTES {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            if let Some(gone) = self.entries.remove(&oldest) {
                self.bytes = self.bytes.saturating_sub(gone.bytes);
            }
        }
    }

    /// Number of remembered tokens.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Bytes held, by the estimate the bound uses.
    pub fn bytes(&self) -> usize {
        self.bytes
    }
}

/// A hash of the last 16 bytes of a token: its signature's tail, which differs between any two
/// genuine tokens. Only verified tokens are remembered, and a recall compares the whole token,
/// so a chosen collision costs an attacker one comparison and a miss, nothing more.
fn tail_hash(token: &str) -> u64 {
    let bytes = token.as_bytes();
    let tail = bytes.get(bytes.len().saturating_sub(16)..).unwrap_or(bytes);
    tail.iter().fold(bytes.len() as u64, |h, &b| {
        (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x517c_c1b7_2722_0a95)
    })
}

/// Whether two texts are equal, compared eight bytes at a time (the module's `memcmp` compares
/// one byte at a time: a 1.5 KB token was a microsecond of every memo hit).
fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let word = |x: &[u8], at: usize| {
        x.get(at..at + 8)
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
            .map(u64::from_ne_bytes)
    };
    let mut at = 0;
    while let (Some(x), Some(y)) = (word(a, at), word(b, at)) {
        if x != y {
            return false;
        }
        at += 8;
    }
    a.get(at..) == b.get(at..)
}

/// Hashes a memo entry's key, which is a [`tail_hash`] already, as itself (the standard
/// library's keyed hasher would be code in the module for nothing).
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut word = [0u8; 8];
        for (w, b) in word.iter_mut().zip(bytes) {
            *w = *b;
        }
        self.0 ^= u64::from_le_bytes(word);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}
