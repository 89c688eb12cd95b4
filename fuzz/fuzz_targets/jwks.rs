//! `jwks`: arbitrary bytes as a JWKS body through `KeySet::from_json` and through
//! `serde_json::from_slice::<JwksResponse>` + `KeySet::from_jwks`, then `find` with a fuzzed kid.
//! Input: the body, then optionally a 0x00 byte and the kid (lossy UTF-8).
#![no_main]

use libfuzzer_sys::fuzz_target;
use stytch_sessions_wasm::api::JwksResponse;
use stytch_sessions_wasm::jwk::{KeySet, MAX_KEYS, MAX_MODULUS_BITS, MIN_MODULUS_BITS};
use stytch_sessions_wasm::internal::jws::b64url_decode;
use stytch_sessions_wasm_fuzz::{unhex, FUZZ_KEY_2048};

fn strip(b: &[u8]) -> &[u8] {
    &b[b.iter().take_while(|&&v| v == 0).count()..]
}

fn check(set: &KeySet, kid: &str, response: Option<&JwksResponse>) {
    let kids: Vec<&str> = set.kids().collect();
    assert_eq!(kids.len(), set.len());
    assert!(set.len() <= MAX_KEYS);
    assert_eq!(set.is_empty(), kids.is_empty());
    let same = kids.iter().filter(|k| **k == kid).count();
    assert_eq!(set.contains(kid), same > 0);
    match set.find(kid) {
        Ok(key) => {
            assert_eq!(same, 1);
            assert_eq!(key.kid, kid);
            let bits = key.key.modulus_bits();
            assert!((MIN_MODULUS_BITS..=MAX_MODULUS_BITS).contains(&bits), "{bits} bits");
            // A fixed message signed by the fuzzing key verifies with the found key exactly
            // when an entry with that kid carries the fuzzing key's n and e.
            let (msg, sig) = fixed_signature();
            let verifies = key.key.verify_rs256(msg, sig);
            if let Some(resp) = response {
                let n = unhex(FUZZ_KEY_2048.n);
                let e = unhex(FUZZ_KEY_2048.e);
                let entries: Vec<bool> = resp
                    .keys
                    .iter()
                    .take(MAX_KEYS)
                    .filter(|j| j.kid.as_deref() == Some(kid))
                    .map(|j| {
                        let jn = j.n.as_deref().and_then(b64url_decode);
                        let je = j.e.as_deref().and_then(b64url_decode);
                        jn.as_deref().map(strip) == Some(strip(&n))
                            && je.as_deref().map(strip) == Some(strip(&e))
                    })
                    .collect();
                if verifies {
                    assert!(entries.iter().any(|&b| b), "a different key verified");
                }
                if entries == [true] {
                    assert!(verifies, "the fuzzing key did not verify its signature");
                }
            }
        }
        Err(e) => {
            assert_ne!(same, 1);
            let want = if same == 0 { "jwks_no_matching_key" } else { "jwks_invalid" };
            assert_eq!(e.code(), want);
        }
    }
    for k in kids {
        assert!(set.contains(k));
    }
}

fn fixed_signature() -> (&'static [u8], &'static [u8]) {
    use std::sync::OnceLock;
    static SIG: OnceLock<Vec<u8>> = OnceLock::new();
    const MSG: &[u8] = b"jwks fuzz target";
    let sig = SIG.get_or_init(|| stytch_sessions_wasm_fuzz::key_2048().sign_message(MSG));
    (MSG, sig)
}

fuzz_target!(|data: &[u8]| {
    let (body, kid) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b""[..]),
    };
    let kid = String::from_utf8_lossy(kid);
    let from_json = KeySet::from_json(body);
    if let Err(e) = &from_json {
        assert_eq!(e.code(), "jwks_invalid");
    }
    let response = serde_json::from_slice::<JwksResponse>(body).ok();
    let from_jwks = response.as_ref().map(|r| KeySet::from_jwks(&r.keys));
    if let Ok(set) = &from_json {
        check(set, &kid, response.as_ref());
    }
    if let Some(set) = &from_jwks {
        check(set, &kid, response.as_ref());
        if let Ok(a) = &from_json {
            assert!(a.kids().eq(set.kids()), "from_json and from_jwks disagree");
        }
    }
    if let Some(r) = &response {
        let json = serde_json::to_string(r).expect("serialises");
        let back: JwksResponse = serde_json::from_str(&json).expect("round trip");
        assert_eq!(&back, r);
    }
});
