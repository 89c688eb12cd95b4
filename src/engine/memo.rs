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
use std::hash::{BuildHasher, Hasher};
use std::rc::Rc;

/// Most remembered tokens.
pub const MAX_ENTRIES: usize = 2048;
/// Most bytes of remembered tokens and sessions (an estimate of the wasm memory they take).
pub const MAX_BYTES: usize = 4 * 1024 * 1024;

struct Entry {
    scope: Rc<str>,
    profile: &'static str,
    verified: Verified,
    bytes: usize,
}

/// Token → what its verification established, and under which JWKS URL.
pub struct Memo {
    entries: HashMap<Rc<str>, Entry, TailHash>,
    order: VecDeque<Rc<str>>,
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
            entries: HashMap::with_hasher(TailHash),
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
        let entry = self.entries.get(token)?;
        let same = &*entry.scope == scope && entry.profile == profile.name;
        (same && keys.holds(&entry.verified.key)).then_some(&entry.verified)
    }

    /// Remembers a token that passed every check as `profile` under `scope`, evicting the
    /// oldest entries past the bounds. A token remembered under another scope is re-scoped.
    pub fn remember(&mut self, token: &str, scope: &str, profile: &Profile, verified: Verified) {
        let profile = profile.name;
        // What the entry holds, doubled for what verifying it left in the allocator (measured in
        // workerd: ~6.5 KB of wasm memory per 2.5 KB token), so the bound is close to the truth.
        let bytes = 2 * (token.len() + verified.session.len()) + scope.len() + 512;
        if let Some(entry) = self.entries.get_mut(token) {
            self.bytes = self.bytes - entry.bytes + bytes;
            *entry = Entry {
                scope: Rc::from(scope),
                profile,
                verified,
                bytes,
            };
        } else {
            let token: Rc<str> = Rc::from(token);
            self.bytes += bytes;
            let scope = Rc::from(scope);
            self.entries.insert(
                token.clone(),
                Entry {
                    scope,
                    profile,
                    verified,
                    bytes,
                },
            );
            self.order.push_back(token);
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

/// Hashes an [`super::answers::Key`] by its first eight bytes: it is a SHA-256 already (and the standard
/// library's keyed hasher would be code in the module for nothing).
#[derive(Default)]
pub struct KeyHasher(u64);

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
