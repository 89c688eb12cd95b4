//! One fetch of something the engine caches (a JWKS, an RBAC policy), and the rules every such
//! fetch shares (`docs/rules.md`, "Keys and the memo"): concurrent callers wait for the fetch in
//! flight on their own timers, bounded by their own timeouts; a fetch that never lands is taken
//! for dead after its deadline and a grace period; a failure cools further fetches for a while.

/// After a fetch starts, at most this long (30 seconds) before another may start where this one
/// cools (a failure, or an unknown-kid refetch).
pub const COOLDOWN_MS: f64 = 30.0 * 1000.0;
/// A fetch that has not landed this long after its deadline is taken for dead (its caller was
/// cancelled): the next call fetches anew. Until then, waiters keep waiting for its abort to land.
pub const GRACE_MS: f64 = 1000.0;

/// How a fetch ended, or that it has not.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    InFlight,
    Fetched,
    Failed,
}

/// What a caller already knows when it asks for a plan.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Asking {
    /// Its first look.
    First,
    /// It has been waiting for another call's fetch.
    Waited(Patience),
    /// Its own fetch, flight `.0`, has just landed.
    Fetched(u64),
}

/// A waiting call's first wait, in milliseconds; each wait after it doubles, up to
/// [`MAX_WAIT_MS`].
pub const WAIT_POLL_MS: u32 = 5;
/// The longest wait between two looks: what a waiter may answer later than the fetch landed.
pub const MAX_WAIT_MS: u32 = 20;

/// How long a waiting call still waits for another call's fetch: flight `flight`, until
/// `until_ms` (the waiter's own timeout), having looked `polls` times. Waiting on a newer flight
/// starts its patience anew.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Patience {
    pub flight: u64,
    pub until_ms: f64,
    pub polls: u32,
}

impl Patience {
    /// The patience of a call told to wait for `flight`: kept if it was already waiting for that
    /// flight, else a new one for the call's timeout.
    pub fn for_flight(asking: Asking, flight: u64, now_ms: f64, timeout_ms: u32) -> Self {
        match asking {
            Asking::Waited(p) if p.flight == flight => p,
            _ => Self {
                flight,
                until_ms: now_ms + f64::from(timeout_ms),
                polls: 0,
            },
        }
    }

    /// How long to wait before looking again: 5 ms, then twice as long each time, at most
    /// 20 ms (`docs/rules.md`, "Keys and the memo": a hundred waiters on a 300 ms fetch look
    /// about 17 times each, not 60).
    /// Never past the waiter's own timeout, so that it gives up (or fetches itself) on time.
    pub fn next_wait(&mut self, now_ms: f64) -> u32 {
        let wait = WAIT_POLL_MS
            .checked_shl(self.polls.min(8))
            .unwrap_or(MAX_WAIT_MS)
            .min(MAX_WAIT_MS);
        self.polls = self.polls.saturating_add(1);
        let left = (self.until_ms - now_ms).ceil();
        if left < f64::from(wait) {
            return (left as u32).max(1);
        }
        wait
    }
}

/// The latest fetch of one cached thing.
#[derive(Debug, Clone, Copy)]
pub struct Attempt {
    pub flight: u64,
    pub started_at_ms: f64,
    /// Its caller's timeout: past it, the fetch is about to land as a failure.
    pub deadline_ms: f64,
    pub outcome: Outcome,
    /// Whether it starts a cooldown even when it succeeds (an unknown-kid refetch).
    pub cools: bool,
}

impl Attempt {
    /// A new fetch, numbered by `flights`, started at `now_ms` with its caller's timeout.
    pub fn start(flights: &mut u64, now_ms: f64, timeout_ms: u32, cools: bool) -> Self {
        *flights += 1;
        Self {
            flight: *flights,
            started_at_ms: now_ms,
            deadline_ms: now_ms + f64::from(timeout_ms),
            outcome: Outcome::InFlight,
            cools,
        }
    }

    /// The attempt, unless it never landed and is long past its deadline (then it counts as no
    /// fetch at all).
    pub fn live(attempt: Option<Self>, now_ms: f64) -> Option<Self> {
        attempt.filter(|a| a.outcome != Outcome::InFlight || now_ms < a.deadline_ms + GRACE_MS)
    }

    /// Whether a caller `asking` must wait for this attempt rather than fetch. A caller that
    /// has waited its whole timeout for a fetch still within its own deadline (the fetcher's
    /// timeout is longer) fetches itself; past that deadline the fetch's abort is about to
    /// land, so everyone waits for it.
    pub fn must_wait(&self, asking: Asking, now_ms: f64) -> bool {
        if self.outcome != Outcome::InFlight {
            return false;
        }
        let impatient = matches!(asking, Asking::Waited(p) if p.flight == self.flight && now_ms >= p.until_ms)
            && now_ms < self.deadline_ms;
        !impatient
    }

    /// Whether it started within the cooldown before `now_ms`.
    pub fn recent(&self, now_ms: f64) -> bool {
        now_ms >= self.started_at_ms && now_ms - self.started_at_ms < COOLDOWN_MS
    }

    /// Records how flight `flight` ended, if this is that flight.
    pub fn land(attempt: &mut Option<Self>, flight: u64, ok: bool) {
        if let Some(a) = attempt.as_mut().filter(|a| a.flight == flight) {
            a.outcome = if ok {
                Outcome::Fetched
            } else {
                Outcome::Failed
            };
        }
    }
}

/// How old a cached thing may be: refreshed once `fresh_ms` old, never used once `stale_ms`
/// old (the `max_stale_seconds` option; it also shortens `fresh_ms` when it is the shorter).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ages {
    pub fresh_ms: f64,
    pub stale_ms: f64,
}

impl Ages {
    /// The ages of a thing refreshed after `refresh_ms`, under a staleness cap of `stale_ms`.
    pub fn new(refresh_ms: f64, stale_ms: f64) -> Self {
        Self {
            fresh_ms: refresh_ms.min(stale_ms),
            stale_ms,
        }
    }
}

/// The cached things of a few keys (JWKS URLs, projects), at most `max` of them: beyond it the
/// slots start afresh. A deployment talks to one or two projects, so a short list searched in
/// order serves, and the bound only stops growth from hostile options.
#[derive(Debug)]
pub struct Slots<E> {
    entries: Vec<(String, E)>,
    max: usize,
}

impl<E: Default> Slots<E> {
    /// No slots yet; at most `max`.
    pub const fn new(max: usize) -> Self {
        Self {
            entries: Vec::new(),
            max,
        }
    }

    /// The slot of `key`, if it has one.
    pub fn get(&self, key: &str) -> Option<&E> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, e)| e)
    }

    /// The slot of `key`, made empty if it has none.
    pub fn entry(&mut self, key: &str) -> &mut E {
        let at = match self.entries.iter().position(|(k, _)| k == key) {
            Some(at) => at,
            None => {
                if self.entries.len() >= self.max {
                    self.entries.clear();
                }
                self.entries.push((key.to_owned(), E::default()));
                self.entries.len() - 1
            }
        };
        &mut self.entries[at].1
    }
}

/// One cached thing (a key set, a policy): the last good value, when it was fetched, the latest
/// fetch, and why the last fetch failed.
#[derive(Debug)]
pub struct Cached<T> {
    pub value: Option<std::rc::Rc<T>>,
    pub fetched_at_ms: f64,
    pub attempt: Option<Attempt>,
    /// Why the last fetch failed, returned while there is no value to use.
    pub last_error: Option<crate::error::Error>,
}

impl<T> Default for Cached<T> {
    fn default() -> Self {
        Self {
            value: None,
            fetched_at_ms: 0.0,
            attempt: None,
            last_error: None,
        }
    }
}

impl<T> Cached<T> {
    /// The value, if younger than `max_age_ms` at `now_ms` (a value dated in the future, the
    /// clock having gone back, is not).
    pub fn fresh(&self, max_age_ms: f64, now_ms: f64) -> Option<std::rc::Rc<T>> {
        let age = now_ms - self.fetched_at_ms;
        (0.0..max_age_ms)
            .contains(&age)
            .then(|| self.value.clone())
            .flatten()
    }

    /// The last good value, while a new one cannot be had: if younger than `stale_ms`.
    pub fn usable(&self, stale_ms: f64, now_ms: f64) -> Option<std::rc::Rc<T>> {
        self.fresh(stale_ms, now_ms)
    }

    /// Records the end of fetch `flight` at `now_ms`. A failure keeps the last good value.
    pub fn land(&mut self, flight: u64, result: Result<T, crate::error::Error>, now_ms: f64) {
        let ok = result.is_ok();
        match result {
            Ok(value) => {
                self.value = Some(std::rc::Rc::new(value));
                self.fetched_at_ms = now_ms;
                self.last_error = None;
            }
            Err(error) => self.last_error = Some(error),
        }
        Attempt::land(&mut self.attempt, flight, ok);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_waiter_looks_less_and_less_often_and_never_past_its_timeout() {
        let mut p = Patience::for_flight(Asking::First, 1, 0.0, 100);
        let mut now = 0.0;
        let mut waits = Vec::new();
        while now < 100.0 {
            let wait = p.next_wait(now);
            waits.push(wait);
            now += f64::from(wait);
        }
        assert_eq!(waits, [5, 10, 20, 20, 20, 20, 5]);
        assert_eq!(now, 100.0);
        // A hundred waiters on a 300 ms fetch look 17 times each, not 60.
        let mut p = Patience::for_flight(Asking::First, 1, 0.0, 10_000);
        let (mut now, mut looks) = (0.0, 0);
        while now < 300.0 {
            now += f64::from(p.next_wait(now));
            looks += 1;
        }
        assert_eq!(looks, 17);
    }
}
