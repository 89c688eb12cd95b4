//! The key-cache policy of contract §8 as a state machine with the clock passed in; no I/O.
//!
//! - Keys are refreshed when older than [`MAX_AGE_MS`].
//! - An unknown `kid` triggers a refetch at most once per [`COOLDOWN_MS`], and failed attempts of
//!   any kind start the same cooldown, so an outage or a stream of forged kids cannot hammer the
//!   endpoint. A first fetch or a scheduled refresh that succeeds starts none: the first token
//!   signed by a key rotated in since then refetches at once.
//! - A failed refresh keeps the last good keys.
//! - Pre-seeded keys count as fetched now (for the refresh; they start no cooldown).

use crate::jwk::KeySet;
use std::rc::Rc;

/// Keys older than this are refreshed (10 minutes).
pub const MAX_AGE_MS: f64 = 10.0 * 60.0 * 1000.0;
/// At most one fetch per this period for unknown kids (30 seconds).
pub const COOLDOWN_MS: f64 = 30.0 * 1000.0;

/// The cached keys of one JWKS URL.
#[derive(Debug, Clone, Default)]
pub struct KeyCache {
    keys: Option<Rc<KeySet>>,
    fetched_at_ms: f64,
    /// Start of the current cooldown: the last unknown-kid refetch or failed attempt.
    cooldown_from_ms: Option<f64>,
}

/// What to do for a token with a given `kid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The cached keys are fresh and hold the kid.
    Hit,
    /// Fetch the JWKS: nothing cached, or the keys are stale.
    Fetch,
    /// Refetch the JWKS for a kid the fresh keys do not hold (starts a cooldown).
    Refetch,
    /// Do not fetch: use what is cached (which may not hold the kid).
    UseCached,
}

impl KeyCache {
    /// Decides, for a token with `kid` at `now_ms`, whether to fetch.
    pub fn decide(&self, kid: &str, now_ms: f64) -> Decision {
        let cooling = self
            .cooldown_from_ms
            .is_some_and(|at| now_ms - at < COOLDOWN_MS && now_ms >= at);
        match &self.keys {
            Some(keys)
                if now_ms - self.fetched_at_ms < MAX_AGE_MS && now_ms >= self.fetched_at_ms =>
            {
                if keys.contains(kid) {
                    Decision::Hit
                } else if cooling {
                    Decision::UseCached
                } else {
                    Decision::Refetch
                }
            }
            _ if cooling => Decision::UseCached,
            _ => Decision::Fetch,
        }
    }

    /// The cached keys if they are fresh (younger than [`MAX_AGE_MS`]).
    pub fn fresh_keys(&self, now_ms: f64) -> Option<Rc<KeySet>> {
        let age = now_ms - self.fetched_at_ms;
        (0.0..MAX_AGE_MS)
            .contains(&age)
            .then(|| self.keys.clone())
            .flatten()
    }

    /// The cached keys, fresh or not.
    pub fn keys(&self) -> Option<Rc<KeySet>> {
        self.keys.clone()
    }

    /// Records a successful fetch at `now_ms`; `refetch` when it was a [`Decision::Refetch`].
    pub fn record_success(&mut self, keys: KeySet, now_ms: f64, refetch: bool) -> Rc<KeySet> {
        let keys = Rc::new(keys);
        self.keys = Some(keys.clone());
        self.fetched_at_ms = now_ms;
        if refetch {
            self.cooldown_from_ms = Some(now_ms);
        }
        keys
    }

    /// Records a failed fetch at `now_ms`: the last good keys stay.
    pub fn record_failure(&mut self, now_ms: f64) {
        self.cooldown_from_ms = Some(now_ms);
    }

    /// Seeds the cache with keys the caller already has, unless it already holds keys. They
    /// count as fetched now for the 10-minute refresh, but start no cooldown: a token signed by
    /// a key newer than the seed (a rotation since it was stored) still triggers a fetch at once.
    pub fn seed(&mut self, keys: KeySet, now_ms: f64) {
        if self.keys.is_none() {
            self.keys = Some(Rc::new(keys));
            self.fetched_at_ms = now_ms;
        }
    }
}
