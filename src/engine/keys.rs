//! The key store: one cache of verifying keys per JWKS URL, and the policy that decides, for a
//! token's `kid`, whether to verify, fetch, wait for a fetch in flight, or give up
//! (`docs/rules.md`, "Keys and the memo"). Plain data with the clock passed in; no I/O.

use super::flight::{Ages, Attempt, Cached, Outcome, Slots};
pub use super::flight::{Asking, Patience, COOLDOWN_MS, GRACE_MS};
use crate::error::{ClientErrorCode, Error};
use crate::jwk::KeySet;
use std::rc::Rc;

/// Keys older than this are refreshed (10 minutes).
pub const MAX_AGE_MS: f64 = 10.0 * 60.0 * 1000.0;
/// At most this many JWKS URLs are cached; beyond it the store starts afresh. A deployment talks
/// to one or two projects: the bound only stops growth from hostile options.
pub const MAX_URLS: usize = 64;

/// What to do for a token with a given `kid`.
#[derive(Debug, Clone)]
pub enum Plan {
    /// Verify with these keys (fresh, or the last good ones while the JWKS cannot be had).
    Verify(Rc<KeySet>),
    /// Fetch the JWKS; the fetch is recorded as flight `flight`, to be [`KeyStore::land`]ed.
    /// `refetch`: the keys are fresh but lack the kid (a shared store must not answer it).
    Fetch { flight: u64, refetch: bool },
    /// Another call's fetch, flight `flight`, is in flight: wait for it to land, then plan
    /// again (passing a [`Patience`] for that flight).
    Wait { flight: u64 },
    /// No key for this `kid`. `proven`: a JWKS fetched successfully within the cooldown lacks
    /// it, so the token cannot be genuine. Otherwise the JWKS could not be had, and `error` says
    /// why.
    Unknown { proven: bool, error: Error },
}

type Entry = Cached<KeySet>;

/// The keys of every JWKS URL this engine has used.
#[derive(Debug)]
pub struct KeyStore {
    entries: Slots<Entry>,
    flights: u64,
}

impl Default for KeyStore {
    fn default() -> Self {
        Self::new()
    }
}

impl KeyStore {
    /// An empty key store (`const`: the module's engine needs no lazy initialisation).
    pub const fn new() -> Self {
        Self {
            entries: Slots::new(MAX_URLS),
            flights: 0,
        }
    }
}

impl KeyStore {
    fn entry(&mut self, url: &str) -> &mut Entry {
        self.entries.entry(url)
    }

    /// Seeds `url` with keys the caller already holds, if it holds none yet, as fetched at
    /// `fetched_at_ms` (the `jwks_fetched_at` option; a seed of unknown age is given one that
    /// makes it due for a refresh at once). They start no cooldown: a token signed by a key
    /// newer than the seed still causes a fetch at once.
    pub fn seed(&mut self, url: &str, keys: impl FnOnce() -> KeySet, fetched_at_ms: f64) {
        let entry = self.entry(url);
        if entry.value.is_none() {
            entry.value = Some(Rc::new(keys()));
            entry.fetched_at_ms = fetched_at_ms;
        }
    }

    /// The keys of `url` if they are fresh (younger than `ages.fresh_ms`).
    pub fn fresh(&self, url: &str, ages: Ages, now_ms: f64) -> Option<Rc<KeySet>> {
        self.entries.get(url)?.fresh(ages.fresh_ms, now_ms)
    }

    /// Decides what a token with `kid` needs, for a caller that is `asking` for the first time,
    /// after waiting for another call's fetch, or after its own fetch landed.
    pub fn plan(
        &mut self,
        url: &str,
        kid: &str,
        now_ms: f64,
        timeout_ms: u32,
        asking: Asking,
        ages: Ages,
    ) -> Plan {
        let fresh = self.entry(url).fresh(ages.fresh_ms, now_ms);
        match fresh {
            Some(keys) if keys.contains(kid) => Plan::Verify(keys),
            fresh => self.plan_missing(url, kid, fresh, now_ms, timeout_ms, asking, ages),
        }
    }

    /// [`Self::plan`] when no fresh key holds `kid`: wait, fetch, or give up. A function of its
    /// own: V8 compiles a whole function on its first call, and a first verification with its
    /// keys given never needs it.
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    fn plan_missing(
        &mut self,
        url: &str,
        kid: &str,
        fresh: Option<Rc<KeySet>>,
        now_ms: f64,
        timeout_ms: u32,
        asking: Asking,
        ages: Ages,
    ) -> Plan {
        let entry = self.entry(url);
        let attempt = Attempt::live(entry.attempt, now_ms);
        if let Some(a) = attempt.filter(|a| a.must_wait(asking, now_ms)) {
            return Plan::Wait { flight: a.flight };
        }
        // The latest fetch, if it started within the cooldown: a failure cools, and so does an
        // unknown-kid refetch; a first fetch or a refresh does not, nor do seeded keys.
        let recent = attempt
            .filter(|a| a.recent(now_ms))
            .filter(|a| {
                a.cools || a.outcome != Outcome::Fetched || asking == Asking::Fetched(a.flight)
            })
            .map(|a| a.outcome);
        let cools = fresh.is_some(); // the keys are fresh but lack the kid: a refetch
        match (fresh, recent) {
            (_, Some(Outcome::InFlight)) => {} // impatient: fetch too
            (Some(keys), Some(outcome)) => {
                // Stytch signs with a key from the moment its JWKS serves it: a kid missing
                // from a JWKS fetched since is no Stytch kid.
                let error = keys.find(kid).err().unwrap_or_else(no_keys);
                return Plan::Unknown {
                    proven: outcome == Outcome::Fetched,
                    error,
                };
            }
            (None, Some(Outcome::Failed)) => return unavailable(entry, kid, ages, now_ms),
            _ => {}
        }
        let attempt = Attempt::start(&mut self.flights, now_ms, timeout_ms, cools);
        self.entry(url).attempt = Some(attempt);
        Plan::Fetch {
            flight: attempt.flight,
            refetch: cools,
        }
    }

    /// Takes keys a shared store held (`docs/rules.md`, "Keys shared across isolates") in place
    /// of fetch `flight`: they count as fetched at `fetched_at_ms`, if that is newer than the
    /// keys held. The fetch is forgotten, as if it never started: stored keys prove nothing
    /// about a kid they lack, so a missing kid still causes a real refetch.
    pub fn load(&mut self, url: &str, flight: u64, keys: KeySet, fetched_at_ms: f64) {
        let entry = self.entry(url);
        if entry.value.is_none() || entry.fetched_at_ms < fetched_at_ms {
            entry.value = Some(Rc::new(keys));
            entry.fetched_at_ms = fetched_at_ms;
        }
        if entry.attempt.is_some_and(|a| a.flight == flight) {
            entry.attempt = None;
        }
    }

    /// Records the end of fetch `flight` at `now_ms`. A failure keeps the last good keys.
    pub fn land(&mut self, url: &str, flight: u64, result: Result<KeySet, Error>, now_ms: f64) {
        self.entry(url).land(flight, result, now_ms);
    }
}

/// The plan while the JWKS cannot be had: the last good keys if they hold `kid` and are not
/// past the staleness cap.
fn unavailable(entry: &Entry, kid: &str, ages: Ages, now_ms: f64) -> Plan {
    match &entry.value {
        Some(keys) if keys.contains(kid) => match entry.usable(ages.stale_ms, now_ms) {
            Some(keys) => Plan::Verify(keys),
            None => Plan::Unknown {
                proven: false,
                error: Error::request(
                    crate::error::RequestErrorCode::NetworkError,
                    "the JWKS cannot be had, and the last keys fetched are older than max_stale_seconds",
                ),
            },
        },
        Some(keys) => Plan::Unknown {
            proven: false,
            error: keys.find(kid).err().unwrap_or_else(no_keys),
        },
        None => Plan::Unknown {
            proven: false,
            error: entry.last_error.clone().unwrap_or_else(no_keys),
        },
    }
}

fn no_keys() -> Error {
    Error::client(
        ClientErrorCode::JwksNoMatchingKey,
        "no JWKS has been fetched yet",
    )
}
