//! The key-cache policy of contract §8 as a state machine with the clock passed in; no I/O.
//!
//! - Keys are refreshed when older than [`MAX_AGE_MS`].
//! - An unknown `kid` (or no keys at all) triggers a fetch at most once per [`COOLDOWN_MS`];
//!   failed attempts count, so an outage or a stream of forged kids cannot hammer the endpoint.
//! - A failed refresh keeps the last good keys.
//! - Pre-seeded keys count as fetched now (for the refresh, not the cooldown).

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
    last_attempt_ms: Option<f64>,
}

/// What to do for a token with a given `kid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The cached keys are fresh and hold the kid.
    Hit,
    /// Fetch the JWKS (cold, stale, or unknown kid outside the cooldown).
    Fetch,
    /// Do not fetch: use what is cached (which may not hold the kid).
    UseCached,
}

impl KeyCache {
    /// Decides, for a token with `kid` at `now_ms`, whether to fetch.
    pub fn decide(&self, kid: &str, now_ms: f64) -> Decision {
        let cooling = self
            .last_attempt_ms
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
                    Decision::Fetch
                }
            }
            _ if cooling => Decision::UseCached,
            _ => Decision::Fetch,
        }
    }

    /// The cached keys, fresh or not.
    pub fn keys(&self) -> Option<Rc<KeySet>> {
        self.keys.clone()
    }

    /// Records a successful fetch (or pre-seeding) at `now_ms`.
    pub fn record_success(&mut self, keys: KeySet, now_ms: f64) -> Rc<KeySet> {
        let keys = Rc::new(keys);
        self.keys = Some(keys.clone());
        self.fetched_at_ms = now_ms;
        self.last_attempt_ms = Some(now_ms);
        keys
    }

    /// Records a failed fetch at `now_ms`: the last good keys stay.
    pub fn record_failure(&mut self, now_ms: f64) {
        self.last_attempt_ms = Some(now_ms);
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
