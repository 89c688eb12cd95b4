//! The memo of verified signatures: repeat tokens skip RSA, but never the claims; forged tokens
//! never enter; a key that leaves the JWKS takes its entries with it.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use serde_json::{json, Value};
use stytch_sessions_wasm::claims::ClaimRules;
use stytch_sessions_wasm::jwk::{Jwk, KeySet};
use stytch_sessions_wasm::jwt::verify_session_jwt;

fn token() -> String {
    key_a().sign(&Value::Object(payload()))
}

#[test]
fn a_verified_token_is_memoised_once() {
    let keys = key_a().key_set();
    for _ in 0..3 {
        verify_session_jwt(&token(), &keys, &rules()).unwrap();
    }
    assert_eq!(keys.memo_len(), 1);
}

#[test]
fn expiry_and_age_are_still_enforced_on_a_memo_hit() {
    let keys = key_a().key_set();
    verify_session_jwt(&token(), &keys, &rules()).unwrap();
    let later = ClaimRules {
        now: NOW + 300,
        ..rules()
    };
    assert_eq!(
        verify_session_jwt(&token(), &keys, &later)
            .unwrap_err()
            .code(),
        "jwt_expired"
    );
    let mut long_lived = payload();
    long_lived.insert("exp".into(), json!(NOW + 10_000));
    let t = key_a().sign(&Value::Object(long_lived));
    verify_session_jwt(&t, &keys, &rules()).unwrap();
    let later = ClaimRules {
        now: NOW + 301,
        ..rules()
    };
    assert_eq!(
        verify_session_jwt(&t, &keys, &later).unwrap_err().code(),
        "jwt_too_old"
    );
}

#[test]
fn forged_tokens_never_enter() {
    let keys = key_a().key_set();
    let forged = key_b().sign_raw(
        &json!({"alg":"RS256","kid":key_a().kid}).to_string(),
        &Value::Object(payload()).to_string(),
    );
    for _ in 0..2 {
        assert_eq!(
            verify_session_jwt(&forged, &keys, &rules())
                .unwrap_err()
                .code(),
            "jwt_signature_invalid"
        );
    }
    assert_eq!(keys.memo_len(), 0);
    // A genuine token in the memo does not vouch for the same claims with another signature.
    verify_session_jwt(&token(), &keys, &rules()).unwrap();
    let genuine = token();
    let (signing_input, _) = genuine.rsplit_once('.').unwrap();
    let other_sig = forged.rsplit_once('.').unwrap().1;
    let spliced = format!("{signing_input}.{other_sig}");
    assert_eq!(
        verify_session_jwt(&spliced, &keys, &rules())
            .unwrap_err()
            .code(),
        "jwt_signature_invalid"
    );
    assert_eq!(keys.memo_len(), 1);
}

#[test]
fn a_key_that_leaves_the_jwks_takes_its_entries() {
    let old = key_a().key_set();
    verify_session_jwt(&token(), &old, &rules()).unwrap();
    let both = KeySet::from_jwks(&[key_a().jwk(), key_b().jwk()]);
    both.adopt_memo(&old);
    assert_eq!(
        both.memo_len(),
        1,
        "key A is still served: its entries stay"
    );
    let rotated = key_b().key_set();
    rotated.adopt_memo(&both);
    assert_eq!(rotated.memo_len(), 0, "key A left: its entries go");
}

#[test]
fn a_kid_reused_for_another_key_does_not_hit() {
    let old = key_a().key_set();
    verify_session_jwt(&token(), &old, &rules()).unwrap();
    // Same kid, different modulus: the memo entry belongs to the old key and must not count.
    let impostor = Jwk {
        kid: Some(key_a().kid.clone()),
        ..key_b().jwk()
    };
    let new = KeySet::from_jwks(&[impostor]);
    new.adopt_memo(&old);
    assert_eq!(
        verify_session_jwt(&token(), &new, &rules())
            .unwrap_err()
            .code(),
        "jwt_signature_invalid"
    );
}
