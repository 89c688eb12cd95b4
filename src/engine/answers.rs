//! The API's answers to the calls that judge a token (`POST /v1/sessions/authenticate`), shared
//! by the calls of one engine, so that nothing an attacker repeats costs an API call each time
//! (`docs/rules.md`, "When the API is asked"): identical requests in flight are sent once (the
//! others wait and take its answer); a final refusal of a token (and its check) is kept for
//! [`REFUSAL_MS`]; an answer the call allows to be reused (authenticateJwt's fallback) for
//! [`REUSE_MS`].
//!
//! A request is known by the SHA-256 of its URL, credentials and body (the token, the check and
//! every parameter): one request's answer never serves another. At most [`MAX_ENTRIES`] and
//! [`MAX_BYTES`]; the oldest go first.

use super::flight::{Asking, Attempt};
use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use std::collections::VecDeque;

/// How long a final refusal from the API is remembered (60 seconds).
pub const REFUSAL_MS: f64 = 60.0 * 1000.0;
/// How long an answer that may be reused is (30 seconds).
pub const REUSE_MS: f64 = 30.0 * 1000.0;
/// Most requests remembered.
pub const MAX_ENTRIES: usize = 1024;
/// Most bytes of remembered answers.
pub const MAX_BYTES: usize = 2 * 1024 * 1024;

/// A request, by the SHA-256 of what it sends.
pub type Key = [u8; 32];

/// The key of a request to `url` with these credentials and this body.
pub fn key(url: &str, authorization: Option<&str>, body: Option<&str>) -> Key {
    let mut hash = Sha256::new();
    for part in [url, authorization.unwrap_or(""), body.unwrap_or("")] {
        // Each part with its length, so no two requests hash the same bytes.
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part.as_bytes());
    }
    hash.finalize().into()
}

/// What a call that would send a request does.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// Send it, as flight `flight`, and [`Answers::land`] what came back.
    Send { flight: u64 },
    /// The same request is in flight: wait for it, then plan again with a patience for it.
    Wait { flight: u64 },
    /// Take this answer (a remembered one, or the one the awaited flight brought).
    Use(Result<String>),
}

#[derive(Debug)]
enum State {
    InFlight(Attempt),
    Landed {
        flight: u64,
        result: Result<String>,
        /// Until when a new call takes it; the callers that waited for its flight take it
        /// whenever they look.
        until_ms: f64,
    },
}

#[derive(Debug)]
struct Entry {
    state: State,
    bytes: usize,
}

/// The requests in flight and the answers remembered, oldest first: a linear search over at most
/// [`MAX_ENTRIES`] keys (a few microseconds), and no hash table's code in the module.
#[derive(Debug)]
pub struct Answers {
    entries: VecDeque<(Key, Entry)>,
    bytes: usize,
    flights: u64,
}

impl Answers {
    /// Nothing remembered.
    pub(crate) const fn new() -> Self {
        Self {
            entries: VecDeque::new(),
            bytes: 0,
            flights: 0,
        }
    }
    /// Where `key` is (keys are SHA-256s: their first eight bytes are compared first).
    fn find(&self, key: &Key) -> Option<usize> {
        let same = |k: &Key| k[..8] == key[..8] && k == key;
        self.entries.iter().position(|(k, _)| same(k))
    }
    fn get(&self, key: &Key) -> Option<&State> {
        Some(&self.entries.get(self.find(key)?)?.1.state)
    }

    /// What a call `asking` to send request `key` does at `now_ms`, with its timeout.
    pub fn plan(&mut self, key: &Key, now_ms: f64, timeout_ms: u32, asking: Asking) -> Plan {
        match self.get(key) {
            Some(State::Landed {
                flight,
                result,
                until_ms,
            }) if now_ms < *until_ms
                || matches!(asking, Asking::Waited(p) if p.flight == *flight) =>
            {
                return Plan::Use(result.clone());
            }
            Some(State::InFlight(attempt)) => {
                let live = Attempt::live(Some(*attempt), now_ms);
                if let Some(a) = live.filter(|a| a.must_wait(asking, now_ms)) {
                    return Plan::Wait { flight: a.flight };
                }
            }
            _ => {}
        }
        let attempt = Attempt::start(&mut self.flights, now_ms, timeout_ms, false);
        self.put(*key, State::InFlight(attempt), 64);
        Plan::Send {
            flight: attempt.flight,
        }
    }

    /// Records what flight `flight` of request `key` brought, for `keep_ms` (0: only for the
    /// calls that waited for it). A flight that is no longer the latest for its request is
    /// forgotten.
    pub fn land(
        &mut self,
        key: &Key,
        flight: u64,
        result: &Result<String>,
        keep_ms: f64,
        now_ms: f64,
    ) {
        let latest = matches!(
            self.get(key),
            Some(State::InFlight(a)) if a.flight == flight
        );
        if !latest {
            return;
        }
        let bytes = 96
            + match result {
                Ok(body) => body.len(),
                Err(Error::Stytch(e)) => e.body.len() + e.error_message.len() + 64,
                Err(_) => 128,
            };
        let state = State::Landed {
            flight,
            result: result.clone(),
            until_ms: now_ms + keep_ms,
        };
        self.put(*key, state, bytes);
    }

    /// Forgets every answer (after a revocation, so that no answer that let a session in
    /// outlives it; the refusals go too, and are asked again once).
    pub fn forget(&mut self) {
        self.entries.clear();
        self.bytes = 0;
    }

    /// Number of requests remembered or in flight.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn put(&mut self, key: Key, state: State, bytes: usize) {
        match self.find(&key).and_then(|i| self.entries.get_mut(i)) {
            Some((_, entry)) => {
                self.bytes = self.bytes - entry.bytes + bytes;
                *entry = Entry { state, bytes };
            }
            None => {
                self.bytes += bytes;
                self.entries.push_back((key, Entry { state, bytes }));
            }
        }
        while self.entries.len() > MAX_ENTRIES || self.bytes > MAX_BYTES {
            let Some((_, gone)) = self.entries.pop_front() else {
                break;
            };
            self.bytes = self.bytes.saturating_sub(gone.bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::flight::Patience;
    use crate::error::RequestErrorCode;

    fn waited(flight: u64, until_ms: f64) -> Asking {
        let polls = 0;
        Asking::Waited(Patience {
            flight,
            until_ms,
            polls,
        })
    }

    #[test]
    fn one_request_in_flight_for_identical_calls_and_its_answer_for_all_of_them() {
        let mut answers = Answers::new();
        let k = key(
            "https://api/v1/sessions/authenticate",
            Some("Basic x"),
            Some("{}"),
        );
        let Plan::Send { flight } = answers.plan(&k, 0.0, 1000, Asking::First) else {
            panic!("the first call sends");
        };
        assert_eq!(
            answers.plan(&k, 1.0, 1000, Asking::First),
            Plan::Wait { flight }
        );
        let other = key(
            "https://api/v1/sessions/authenticate",
            Some("Basic x"),
            Some("{ }"),
        );
        assert!(matches!(
            answers.plan(&other, 1.0, 1000, Asking::First),
            Plan::Send { .. }
        ));
        // A transient failure serves only the calls that waited for it.
        let failed = Err(Error::request(RequestErrorCode::Timeout, "t"));
        answers.land(&k, flight, &failed, 0.0, 5.0);
        assert_eq!(
            answers.plan(&k, 6.0, 1000, waited(flight, 1001.0)),
            Plan::Use(failed)
        );
        assert!(matches!(
            answers.plan(&k, 6.0, 1000, Asking::First),
            Plan::Send { .. }
        ));
    }

    #[test]
    fn a_kept_answer_serves_new_calls_until_it_expires() {
        let mut answers = Answers::new();
        let k = key("u", None, Some("b"));
        let Plan::Send { flight } = answers.plan(&k, 0.0, 1000, Asking::First) else {
            panic!("sends");
        };
        answers.land(&k, flight, &Ok("{\"ok\":1}".into()), REUSE_MS, 10.0);
        assert_eq!(
            answers.plan(&k, 10.0 + REUSE_MS - 1.0, 1000, Asking::First),
            Plan::Use(Ok("{\"ok\":1}".into()))
        );
        let Plan::Send { flight } = answers.plan(&k, 10.0 + REUSE_MS, 1000, Asking::First) else {
            panic!("an expired answer is asked again");
        };
        answers.land(&k, flight, &Ok("{}".into()), REUSE_MS, 10.0 + REUSE_MS);
        answers.forget();
        assert_eq!(answers.len(), 0);
    }

    #[test]
    fn a_flight_never_landed_is_given_up_after_its_deadline() {
        let mut answers = Answers::new();
        let k = key("u", None, None);
        assert!(matches!(
            answers.plan(&k, 0.0, 100, Asking::First),
            Plan::Send { .. }
        ));
        assert!(matches!(
            answers.plan(&k, 50.0, 100, Asking::First),
            Plan::Wait { .. }
        ));
        assert!(matches!(
            answers.plan(
                &k,
                100.0 + crate::engine::flight::GRACE_MS,
                100,
                Asking::First
            ),
            Plan::Send { .. }
        ));
    }

    #[test]
    fn bounded_in_entries() {
        let mut answers = Answers::new();
        for i in 0..(MAX_ENTRIES + 10) {
            answers.plan(
                &key("u", None, Some(&i.to_string())),
                0.0,
                100,
                Asking::First,
            );
        }
        assert_eq!(answers.len(), MAX_ENTRIES);
    }
}
