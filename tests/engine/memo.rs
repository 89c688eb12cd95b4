//! The memo's keying (`src/engine/memo.rs`): entries are found by a hash of the token's tail and
//! answer only for the very token they were verified for.

use crate::common::*;
use std::rc::Rc;
use stytch_sessions_wasm::claims::Times;
use stytch_sessions_wasm::engine::memo::Memo;
use stytch_sessions_wasm::jwt::Verified;
use stytch_sessions_wasm::profile::{Marshalled, SESSION};

fn verified(session: &str) -> Verified {
    let keys = key_a().key_set();
    let key = keys.find(&key_a().kid).unwrap();
    Verified {
        key: key.fingerprint,
        times: Times {
            exp: i64::MAX,
            nbf: None,
            iat: None,
        },
        marshalled: Marshalled {
            answer: Rc::from(session),
            grants: Rc::from(Vec::new()),
            organization_id: None,
        },
    }
}

#[test]
fn a_token_sharing_another_ones_tail_never_recalls_its_entry() {
    let keys = key_a().key_set();
    let tail = "S".repeat(40);
    let (a, b) = (format!("aaaa.{tail}"), format!("bbbb.{tail}"));
    let mut memo = Memo::new();
    memo.remember(&a, "scope", &SESSION, verified("A"));
    assert_eq!(
        memo.recall(&a, "scope", &SESSION, &keys)
            .map(|v| &*v.marshalled.answer),
        Some("A")
    );
    // Same length and tail: the same hash, but not the same token.
    assert!(memo.recall(&b, "scope", &SESSION, &keys).is_none());
    // A token that differs in one byte anywhere (each 8-byte word and the remainder) misses.
    for at in [0, 7, 8, 20, a.len() - 1] {
        let mut other = a.clone().into_bytes();
        other[at] ^= 1;
        let other = String::from_utf8(other).unwrap();
        assert!(
            memo.recall(&other, "scope", &SESSION, &keys).is_none(),
            "byte {at}"
        );
    }
    // The later of two colliding tokens is kept, and answers only for itself.
    memo.remember(&b, "scope", &SESSION, verified("B"));
    assert_eq!(memo.len(), 1);
    assert!(memo.recall(&a, "scope", &SESSION, &keys).is_none());
    assert_eq!(
        memo.recall(&b, "scope", &SESSION, &keys)
            .map(|v| &*v.marshalled.answer),
        Some("B")
    );
    // A shorter token with the same tail is another token too.
    assert!(memo.recall(&b[1..], "scope", &SESSION, &keys).is_none());
}

#[test]
fn the_memo_stays_within_its_bounds_and_forgets_the_oldest_first() {
    let keys = key_a().key_set();
    let mut memo = Memo::new();
    let token = |i: usize| format!("token.{i:08}.{i:016}");
    for i in 0..stytch_sessions_wasm::engine::memo::MAX_ENTRIES + 10 {
        memo.remember(&token(i), "scope", &SESSION, verified("S"));
    }
    assert_eq!(memo.len(), stytch_sessions_wasm::engine::memo::MAX_ENTRIES);
    assert!(memo.recall(&token(0), "scope", &SESSION, &keys).is_none());
    assert!(memo.recall(&token(9), "scope", &SESSION, &keys).is_none());
    assert!(memo.recall(&token(10), "scope", &SESSION, &keys).is_some());
    assert!(memo.bytes() <= stytch_sessions_wasm::engine::memo::MAX_BYTES);
}
