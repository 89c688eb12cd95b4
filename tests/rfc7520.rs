//! RFC 7520 §4.1: "RSA v1.5 Signature" (RS256) with the §3.3 public key.
#![allow(clippy::unwrap_used)]

use stytch_sessions_wasm::internal::{jws, verify};
use stytch_sessions_wasm::jwk::{Jwk, KeySet};
use stytch_sessions_wasm::ClientErrorCode;

const N: &str =
    "n4EPtAOCc9AlkeQHPzHStgAbgs7bTZLwUBZdR8_KuKPEHLd4rHVTeT-O-XV2jRojdNhxJWTDvNd7nqQ0VEiZQHz_\
AJmSCpMaJMRBSFKrKb2wqVwGU_NsYOYL-QtiWN2lbzcEe6XC0dApr5ydQLrHqkHHig3RBordaZ6Aj-oBHqFEHYpP\
e7Tpe-OfVfHd1E6cS6M1FZcD1NNLYD5lFHpPI9bTwJlsde3uhGqC0ZCuEHg8lhzwOHrtIQbS0FVbb9k3-tVTU4fg\
_3L_vniUFAKwuCLqKnS2BYwdq_mzSnbLY7h_qixoR7jig3__kRhuaxwUkRz5iaiQkqgc5gHdrNP5zw";

const TOKEN: &str = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9\
.SXTigJlzIGEgZGFuZ2Vyb3VzIGJ1c2luZXNzLCBGcm9kbywgZ29pbmcgb3V0IHlvdXIgZG9v\
ci4gWW91IHN0ZXAgb250byB0aGUgcm9hZCwgYW5kIGlmIHlvdSBkb24ndCBrZWVwIHlvdXIg\
ZmVldCwgdGhlcmXigJlzIG5vIGtub3dpbmcgd2hlcmUgeW91IG1pZ2h0IGJlIHN3ZXB0IG9m\
ZiB0by4\
.MRjdkly7_-oTPTS3AXP41iQIGKa80A0ZmTuV5MEaHoxnW2e5CZ5NlKtainoFmKZopdHM1O2U\
4mwzJdQx996ivp83xuglII7PNDi84wnB-BDkoBwA78185hX-Es4JIwmDLJK3lfWRa-XtL0Rnlt\
uYv746iYTh_qHRD68BNt1uSNCrUCTJDt5aAE6x8wW1Kt9eRo4QPocSadnHXFxnt8Is9UzpERV0\
ePPQdLuW3IS_de3xyIrDaLGdjluPxUAhb6L2aXic1U12podGU0KLUQSE_oI-ZnmKJ3F4uOZDnd\
6QZWJushZ41Axf_fcIe8u9ipH84ogoree7vjbU5y18kDquDg";

fn bilbo() -> KeySet {
    KeySet::from_jwks(&[Jwk {
        kty: "RSA".into(),
        use_: Some("sig".into()),
        kid: Some("bilbo.baggins@hobbiton.example".into()),
        n: Some(N.into()),
        e: Some("AQAB".into()),
        ..Jwk::default()
    }])
}

#[test]
fn rfc7520_4_1_rs256_verifies() {
    let parsed = jws::parse(TOKEN).unwrap();
    assert_eq!(parsed.kid, "bilbo.baggins@hobbiton.example");
    let keys = bilbo();
    let key = keys.find(&parsed.kid).unwrap();
    assert!(key
        .key
        .verify_rs256(parsed.signing_input, &parsed.signature));
    assert!(String::from_utf8(parsed.payload.clone())
        .unwrap()
        .starts_with("It\u{2019}s a dangerous business, Frodo"));
    // The payload is prose, not claims: the signature passes, then claim parsing refuses it.
    let err = verify::verified_claims(&parsed, &key.key).unwrap_err();
    assert_eq!(err.client_code(), Some(ClientErrorCode::JwtInvalid));
}

#[test]
fn rfc7520_4_1_with_one_flipped_signature_bit_fails() {
    let mut parsed = jws::parse(TOKEN).unwrap();
    parsed.signature[100] ^= 1;
    let keys = bilbo();
    let err = verify::verified_claims(&parsed, &keys.find(&parsed.kid).unwrap().key).unwrap_err();
    assert_eq!(
        err.client_code(),
        Some(ClientErrorCode::JwtSignatureInvalid)
    );
}
