//! The key-cache policy of contract §8, driven by a fixed clock.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use stytch_sessions_wasm::jwks_cache::{Decision, KeyCache, COOLDOWN_MS, MAX_AGE_MS};

const T0: f64 = 1_000_000.0;

#[test]
fn cold_cache_fetches() {
    assert_eq!(
        KeyCache::default().decide(&key_a().kid, T0),
        Decision::Fetch
    );
}

#[test]
fn fresh_hit_then_stale_after_max_age() {
    let mut c = KeyCache::default();
    c.record_success(key_a().key_set(), T0, false);
    assert_eq!(c.decide(&key_a().kid, T0 + 1.0), Decision::Hit);
    assert_eq!(c.decide(&key_a().kid, T0 + MAX_AGE_MS - 1.0), Decision::Hit);
    assert_eq!(c.decide(&key_a().kid, T0 + MAX_AGE_MS), Decision::Fetch);
}

#[test]
fn unknown_kid_inside_and_outside_cooldown() {
    let mut c = KeyCache::default();
    c.record_success(key_a().key_set(), T0, false);
    // A first fetch starts no cooldown: a kid rotated in since then refetches at once.
    assert_eq!(c.decide(&key_b().kid, T0 + 1.0), Decision::Refetch);
    // That refetch does not know it either: the next unknown kid waits out a cooldown.
    c.record_success(key_a().key_set(), T0 + 2.0, true);
    assert_eq!(
        c.decide(&key_b().kid, T0 + 3.0),
        Decision::UseCached,
        "inside cooldown"
    );
    assert_eq!(c.decide(&key_a().kid, T0 + 3.0), Decision::Hit);
    assert_eq!(
        c.decide(&key_b().kid, T0 + 2.0 + COOLDOWN_MS),
        Decision::Refetch,
        "outside cooldown"
    );
}

#[test]
fn failed_attempts_count_toward_the_cooldown() {
    let mut c = KeyCache::default();
    c.record_failure(T0);
    assert_eq!(c.decide(&key_a().kid, T0 + 1.0), Decision::UseCached);
    assert!(c.keys().is_none());
    assert_eq!(c.decide(&key_a().kid, T0 + COOLDOWN_MS), Decision::Fetch);
}

#[test]
fn failed_refresh_keeps_last_good_keys() {
    let mut c = KeyCache::default();
    c.record_success(key_a().key_set(), T0, false);
    let stale = T0 + MAX_AGE_MS + 5.0;
    assert_eq!(c.decide(&key_a().kid, stale), Decision::Fetch);
    c.record_failure(stale);
    assert!(c.keys().unwrap().contains(&key_a().kid));
    // Stale but cooling down: the caller uses the cached keys instead of refetching.
    assert_eq!(c.decide(&key_a().kid, stale + 1.0), Decision::UseCached);
    assert_eq!(c.decide(&key_a().kid, stale + COOLDOWN_MS), Decision::Fetch);
}

#[test]
fn rotation_replaces_the_key_set() {
    let mut c = KeyCache::default();
    c.record_success(key_a().key_set(), T0, false);
    c.record_success(key_b().key_set(), T0 + COOLDOWN_MS, false);
    let keys = c.keys().unwrap();
    assert!(keys.contains(&key_b().kid) && !keys.contains(&key_a().kid));
}

#[test]
fn pre_seeded_keys_count_as_fetched_now_and_do_not_overwrite() {
    let mut c = KeyCache::default();
    c.seed(key_a().key_set(), T0);
    assert_eq!(c.decide(&key_a().kid, T0 + 1.0), Decision::Hit);
    assert_eq!(c.decide(&key_a().kid, T0 + MAX_AGE_MS), Decision::Fetch);
    c.seed(key_b().key_set(), T0 + 2.0);
    assert!(!c.keys().unwrap().contains(&key_b().kid));
}

#[test]
fn pre_seeded_keys_start_no_cooldown() {
    // Keys stored before a rotation: a token with the new kid must fetch at once.
    let mut c = KeyCache::default();
    c.seed(key_a().key_set(), T0);
    assert_eq!(c.decide(&key_b().kid, T0 + 1.0), Decision::Refetch);
}

#[test]
fn a_clock_that_goes_backwards_refetches_rather_than_trusting_forever() {
    let mut c = KeyCache::default();
    c.record_success(key_a().key_set(), T0, false);
    assert_eq!(c.decide(&key_a().kid, T0 - 1.0), Decision::Fetch);
}
