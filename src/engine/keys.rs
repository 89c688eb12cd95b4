//! The key store: one cache of verifying keys per JWKS URL, and the policy that decides, for a
//! token's `kid`, whether to verify, fetch, wait for a fetch in flight, or give up
//! (`docs/rules.md`, "Keys and the memo"). Plain data with the clock passed in; no I/O.

use crate::error::{ClientErrorCode, Error};
use crate::jwk::KeySet;
use std::collections::HashMap;
use std::rc::Rc;

/// Keys older than this are refreshed (10 minutes).
pub const MAX_AGE_MS: f64 = 10.0 * 60.0 * 1000.0;
/// After a fetch starts, at most this long (30 seconds) before an unknown `kid` may cause
/// another; a `kid` missing from a JWKS fetched successfully within it is proven unknown.
pub const COOLDOWN_MS: f64 = 30.0 * 1000.0;
/// A fetch that has not landed this long after its deadline is taken for dead (its caller was
/// cancelled): the next call fetches anew. Until then, waiters keep waiting for its abort to land.
pub const GRACE_MS: f64 = 1000.0;
/// At most this many JWKS URLs are cached; beyond it the store starts afresh. A deployment talks
/// to one or two projects: the bound only stops growth from hostile options.
pub const MAX_URLS: usize = 64;

/// What to do for a token with a given `kid`.
#[derive(Debug, Clone)]
pub enum Plan {
    /// Verify with these keys (fresh, or the last good ones while the JWKS cannot be had).
    Verify(Rc<KeySet>),
    /// Fetch the JWKS; the fetch is recorded as flight `flight`, to be [`KeyStore::land`]ed.
    Fetch { flight: u64 },
    /// Another call's fetch, flight `flight`, is in flight: wait for it to land, then plan
    /// again (passing a [`Patience`] for that flight).
    Wait { flight: u64 },
    /// No key for this `kid`. `proven`: a JWKS fetched successfully within the cooldown lacks
    /// it, so the token cannot be genuine. Otherwise the JWKS could not be had, and `error` says
    /// why.
    Unknown { proven: bool, error: Error },
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Outcome {
    InFlight,
    Fetched,
    Failed,
}

/// What a caller already knows when it asks for a plan.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Asking {
    /// Its first look at the keys.
    First,
    /// It has been waiting for another call's fetch.
    Waited(Patience),
    /// Its own fetch, flight `.0`, has just landed: what that fetch lacks is proven unknown.
    Fetched(u64),
}

/// How long a waiting call still waits for another call's fetch: flight `flight`, until
/// `until_ms` (the waiter's own timeout). Waiting on a newer flight starts its patience anew.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Patience {
    pub flight: u64,
    pub until_ms: f64,
}

/// The latest fetch of one URL.
#[derive(Debug, Clone, Copy)]
struct Attempt {
    flight: u64,
    started_at_ms: f64,
    /// Its caller's timeout: past it, the fetch is about to land as a failure.
    deadline_ms: f64,
    outcome: Outcome,
    /// An unknown-kid refetch (the keys were fresh but lacked the kid): it starts a cooldown.
    cools: bool,
}

#[derive(Debug, Default)]
struct Entry {
    keys: Option<Rc<KeySet>>,
    fetched_at_ms: f64,
    attempt: Option<Attempt>,
    /// Why the last fetch failed, returned while there are no keys to use.
    last_error: Option<Error>,
}

/// The keys of every JWKS URL this engine has used.
#[derive(Debug, Default)]
pub struct KeyStore {
    entries: HashMap<String, Entry>,
    flights: u64,
}

impl KeyStore {
    fn entry(&mut self, url: &str) -> &mut Entry {
        if !self.entries.contains_key(url) && self.entries.len() >= MAX_URLS {
            self.entries.clear();
        }
        self.entries.entry(url.to_owned()).or_default()
    }

    /// Seeds `url` with keys the caller already holds, if it holds none yet. They count as
    /// fetched now for the 10-minute refresh, but start no cooldown: a token signed by a key
    /// newer than the seed still causes a fetch at once.
    pub fn seed(&mut self, url: &str, keys: impl FnOnce() -> KeySet, now_ms: f64) {
        let entry = self.entry(url);
        if entry.keys.is_none() {
            entry.keys = Some(Rc::new(keys()));
            entry.fetched_at_ms = now_ms;
        }
    }

    /// The keys of `url` if they are fresh (younger than [`MAX_AGE_MS`]).
    pub fn fresh(&self, url: &str, now_ms: f64) -> Option<Rc<KeySet>> {
        self.entries.get(url)?.fresh(now_ms)
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
    ) -> Plan {
        let entry = self.entry(url);
        let fresh = entry.fresh(now_ms);
        if let Some(keys) = fresh.as_ref().filter(|keys| keys.contains(kid)) {
            return Plan::Verify(keys.clone());
        }
        // A fetch that never landed, long past its deadline, counts as no fetch at all.
        let attempt = entry
            .attempt
            .filter(|a| a.outcome != Outcome::InFlight || now_ms < a.deadline_ms + GRACE_MS);
        if let Some(a) = attempt.filter(|a| a.outcome == Outcome::InFlight) {
            // A caller that has waited its whole timeout for a fetch still within its own
            // deadline (the fetcher's timeout is longer) fetches itself. Past that deadline the
            // fetch's abort is about to land, so everyone waits for it.
            let impatient = matches!(asking, Asking::Waited(p) if p.flight == a.flight && now_ms >= p.until_ms)
                && now_ms < a.deadline_ms;
            if !impatient {
                return Plan::Wait { flight: a.flight };
            }
        }
        // The latest fetch, if it started within the cooldown: a failure cools, and so does an
        // unknown-kid refetch; a first fetch or a refresh does not, nor do seeded keys.
        let recent = attempt
            .filter(|a| now_ms >= a.started_at_ms && now_ms - a.started_at_ms < COOLDOWN_MS)
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
            (None, Some(Outcome::Failed)) => return entry.unavailable(kid),
            _ => {}
        }
        self.flights += 1;
        let flight = self.flights;
        let entry = self.entry(url);
        entry.attempt = Some(Attempt {
            flight,
            started_at_ms: now_ms,
            deadline_ms: now_ms + f64::from(timeout_ms),
            outcome: Outcome::InFlight,
            cools,
        });
        Plan::Fetch { flight }
    }

    /// Records the end of fetch `flight` at `now_ms`. A failure keeps the last good keys.
    pub fn land(&mut self, url: &str, flight: u64, result: Result<KeySet, Error>, now_ms: f64) {
        let entry = self.entry(url);
        let ok = result.is_ok();
        match result {
            Ok(keys) => {
                entry.keys = Some(Rc::new(keys));
                entry.fetched_at_ms = now_ms;
                entry.last_error = None;
            }
            Err(error) => entry.last_error = Some(error),
        }
        if let Some(attempt) = entry.attempt.as_mut().filter(|a| a.flight == flight) {
            attempt.outcome = if ok {
                Outcome::Fetched
            } else {
                Outcome::Failed
            };
        }
    }
}

impl Entry {
    fn fresh(&self, now_ms: f64) -> Option<Rc<KeySet>> {
        let age = now_ms - self.fetched_at_ms;
        (0.0..MAX_AGE_MS)
            .contains(&age)
            .then(|| self.keys.clone())
            .flatten()
    }

    /// The plan while the JWKS cannot be had: the last good keys if they hold `kid`.
    fn unavailable(&self, kid: &str) -> Plan {
        match &self.keys {
            Some(keys) if keys.contains(kid) => Plan::Verify(keys.clone()),
            Some(keys) => Plan::Unknown {
                proven: false,
                error: keys.find(kid).err().unwrap_or_else(no_keys),
            },
            None => Plan::Unknown {
                proven: false,
                error: self.last_error.clone().unwrap_or_else(no_keys),
            },
        }
    }
}

fn no_keys() -> Error {
    Error::client(
        ClientErrorCode::JwksNoMatchingKey,
        "no JWKS has been fetched yet",
    )
}
