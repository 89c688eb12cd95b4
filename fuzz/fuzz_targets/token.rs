//! `token`: arbitrary bytes (lossy UTF-8) as a session JWT through `verify_session_jwt`, with a
//! fixed key set (the 2048-bit fuzzing key's public half) and fixed claim rules.
//!
//! An input with exactly one `.` ("header.payload") is signed with the fuzzing key first, so
//! that arbitrary headers and payloads get past the signature and the payload's strict JSON,
//! the claims and the marshalling are fuzzed too. The seeds (fuzz/seeds/token) carry complete,
//! validly signed tokens.
#![no_main]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use stytch_sessions_wasm::internal::jws::MAX_TOKEN_BYTES;
use stytch_sessions_wasm::jwt::verify_session_jwt;
use stytch_sessions_wasm::session::{Session, RESERVED_CLAIMS, SESSION_CLAIM};
use stytch_sessions_wasm::jwk::KeySet;
use stytch_sessions_wasm::claims::ClaimRules;
use stytch_sessions_wasm_fuzz::{key_2048, new_key_set, rules, NOW};

thread_local! {
    /// One key set for the whole run, as a long-lived client holds it (with whatever state it
    /// keeps between verifications, e.g. a memo of verified signatures).
    static KEYS: KeySet = new_key_set();
}

const CODES: [&str; 10] = [
    "jwt_invalid",
    "jwt_incorrect_algorithm",
    "jwt_signature_invalid",
    "jwt_expired",
    "jwt_not_yet_valid",
    "jwt_invalid_issuer",
    "jwt_invalid_audience",
    "jwt_too_old",
    "jwks_no_matching_key",
    "jwks_invalid",
];

fuzz_target!(|data: &[u8]| {
    let mut token = String::from_utf8_lossy(data).into_owned();
    let signed = token.matches('.').count() == 1 && token.len() < MAX_TOKEN_BYTES - 400;
    if signed {
        let sig = key_2048().sign_message(token.as_bytes());
        token = format!("{token}.{}", URL_SAFE_NO_PAD.encode(sig));
    }
    let result = KEYS.with(|keys| verify_session_jwt(&token, keys, &rules()));
    // State kept in a long-lived key set (the memo of verified tokens) never makes a token pass
    // that a fresh set refuses, nor changes its session: checked now and at other clocks (memo
    // hits re-judge the times). Only tokens that passed are memoised, so refusals need no check.
    if result.is_ok() {
        let fresh = verify_session_jwt(&token, &new_key_set(), &rules());
        assert_eq!(result, fresh, "long-lived and fresh key sets disagree");
        for delta in [-120, 240] {
            let at = ClaimRules { now: NOW + delta, ..rules() };
            let kept = KEYS.with(|keys| verify_session_jwt(&token, keys, &at));
            let fresh = verify_session_jwt(&token, &new_key_set(), &at);
            assert_eq!(kept, fresh, "long-lived and fresh key sets disagree at now{delta:+}");
        }
    }
    match result {
        Ok(session) => {
            for name in RESERVED_CLAIMS.iter().chain([&SESSION_CLAIM]) {
                assert!(!session.custom_claims.contains_key(*name), "{name} in custom_claims");
            }
            let json = serde_json::to_string(&session).expect("a session serialises");
            let back: Session = serde_json::from_str(&json).expect("a session deserialises");
            assert_eq!(back, session, "session JSON round trip");
        }
        Err(e) => {
            assert!(CODES.contains(&e.code()), "unexpected code {}", e.code());
            // Messages never carry the whole token or any part of the signature.
            let message = e.to_string();
            if token.len() >= 24 && token.matches('.').count() >= 2 {
                assert!(!message.contains(&token), "message contains the token");
            }
            if let Some(sig) = token.rsplit('.').next().filter(|s| s.len() >= 24 && !signed) {
                let sig_like = sig.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
                assert!(!(sig_like && message.contains(sig)), "message contains the signature");
            }
        }
    }
});
