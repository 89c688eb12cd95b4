//! The policy store: the RBAC policy of each project, cached beside the keys under the same
//! fetch rules (`docs/rules.md`, "Authorization checks"): fetched on first use only, refreshed
//! lazily once older than five minutes, the last good policy kept when a refresh fails, one fetch
//! for concurrent callers, and no refetch within the cooldown after a failure.

use super::flight::{Ages, Asking, Attempt, Cached, Outcome, Slots};
use crate::error::{Error, RequestErrorCode};
use crate::rbac::Policy;
use std::rc::Rc;

/// A policy older than this is refreshed (5 minutes).
pub const MAX_AGE_MS: f64 = 5.0 * 60.0 * 1000.0;
/// At most this many projects' policies are cached; beyond it the store starts afresh.
pub const MAX_PROJECTS: usize = 64;
/// At most this many B2B organizations' policies are cached; beyond it the store starts
/// afresh.
pub const MAX_ORGANIZATIONS: usize = 256;
/// The largest organization policy answer read (bytes): organizations are many, and each one's
/// policy is kept.
pub const MAX_ORG_POLICY_BYTES: usize = 32 * 1024;

/// What a call that needs the policy does next.
#[derive(Debug, Clone)]
pub enum Plan {
    /// Judge with this policy (fresh, or the last good one while a new one cannot be had).
    Use(Rc<Policy>),
    /// Fetch the policy, as flight `flight`, to be [`PolicyStore::land`]ed.
    Fetch { flight: u64 },
    /// Wait for another call's fetch, flight `flight`.
    Wait { flight: u64 },
    /// There is no policy and none can be had now: `error` says why.
    Unavailable(Error),
}

type Entry = Cached<Policy>;

/// The policies of every project this engine has checked against, keyed by
/// [`crate::Config::policy_key`].
#[derive(Debug)]
pub struct PolicyStore {
    entries: Slots<Entry>,
    flights: u64,
}

impl Default for PolicyStore {
    fn default() -> Self {
        Self::new(MAX_PROJECTS)
    }
}

impl PolicyStore {
    /// No policy yet; room for `max` policies.
    pub const fn new(max: usize) -> Self {
        Self {
            entries: Slots::new(max),
            flights: 0,
        }
    }
}

impl PolicyStore {
    fn entry(&mut self, key: &str) -> &mut Entry {
        self.entries.entry(key)
    }

    /// Decides how a call `asking` gets the policy of `key`.
    pub fn plan(
        &mut self,
        key: &str,
        now_ms: f64,
        timeout_ms: u32,
        asking: Asking,
        ages: Ages,
    ) -> Plan {
        let entry = self.entry(key);
        if let Some(policy) = entry.fresh(ages.fresh_ms, now_ms) {
            return Plan::Use(policy);
        }
        let attempt = Attempt::live(entry.attempt, now_ms);
        if let Some(a) = attempt.filter(|a| a.must_wait(asking, now_ms)) {
            return Plan::Wait { flight: a.flight };
        }
        let failed = attempt.is_some_and(|a| {
            a.outcome == Outcome::Failed
                && (a.recent(now_ms) || asking == Asking::Fetched(a.flight))
        });
        if failed {
            return match entry.usable(ages.stale_ms, now_ms) {
                Some(last_good) => Plan::Use(last_good),
                None if entry.value.is_some() => Plan::Unavailable(Error::request(
                    RequestErrorCode::NetworkError,
                    "the RBAC policy cannot be had, and the last one fetched is older than max_stale_seconds",
                )),
                None => Plan::Unavailable(entry.last_error.clone().unwrap_or_else(|| {
                    Error::request(
                        RequestErrorCode::NetworkError,
                        "the RBAC policy cannot be had",
                    )
                })),
            };
        }
        let attempt = Attempt::start(&mut self.flights, now_ms, timeout_ms, false);
        self.entry(key).attempt = Some(attempt);
        Plan::Fetch {
            flight: attempt.flight,
        }
    }

    /// Records the end of fetch `flight`. A failure keeps the last good policy.
    pub fn land(&mut self, key: &str, flight: u64, result: Result<Policy, Error>, now_ms: f64) {
        self.entry(key).land(flight, result, now_ms);
    }
}
