//! Every known JWT pitfall is refused, with the code a caller can act on (`docs/rules.md`, "How a session JWT is judged").
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use serde_json::{json, Value};
use stytch_sessions_wasm::internal::jws::{b64url_encode, MAX_TOKEN_BYTES};
use stytch_sessions_wasm::jwk::{Jwk, KeySet};
use stytch_sessions_wasm::jwt::verify_session_jwt;
use stytch_sessions_wasm::{ClientErrorCode as C, Error};

fn verify(token: &str) -> Result<stytch_sessions_wasm::Session, Error> {
    verify_session_jwt(token, &key_a().key_set(), &rules())
}

fn code(token: &str) -> C {
    verify(token).unwrap_err().client_code().unwrap()
}

fn with_header(header: Value) -> String {
    key_a().sign_raw(&header.to_string(), &Value::Object(payload()).to_string())
}

fn with_claims(edit: impl FnOnce(&mut serde_json::Map<String, Value>)) -> String {
    let mut p = payload();
    edit(&mut p);
    key_a().sign(&Value::Object(p))
}

#[test]
fn a_genuine_token_verifies() {
    let session = verify(&key_a().sign(&Value::Object(payload()))).unwrap();
    assert_eq!(session.session_id, SESSION_ID);
    assert_eq!(session.user_id, USER_ID);
}

#[test]
fn alg_none_hs256_rs512_and_missing_are_refused() {
    let kid = &key_a().kid;
    for alg in [
        json!("none"),
        json!("HS256"),
        json!("RS512"),
        json!("rs256"),
        json!(null),
        json!(256),
    ] {
        let token = with_header(json!({"alg": alg, "kid": kid, "typ": "JWT"}));
        assert_eq!(code(&token), C::JwtIncorrectAlgorithm, "alg {alg}");
    }
    assert_eq!(
        code(&with_header(json!({"kid": kid}))),
        C::JwtIncorrectAlgorithm
    );
    // `none` with an empty signature, the classic form.
    let header = b64url_encode(json!({"alg": "none", "kid": kid}).to_string().as_bytes());
    let body = b64url_encode(Value::Object(payload()).to_string().as_bytes());
    assert_eq!(code(&format!("{header}.{body}.")), C::JwtIncorrectAlgorithm);
}

/// HMAC-SHA256 (RFC 2104) over the `sha2` crate: what an attacker signs an HS256 token with.
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|b| b ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

/// One DER element: tag, definite length, contents.
fn der(tag: u8, contents: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = contents.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|&b| b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(contents);
    out
}

/// A DER INTEGER of an unsigned big-endian magnitude.
fn der_uint(magnitude: &[u8]) -> Vec<u8> {
    let mut contents = Vec::with_capacity(magnitude.len() + 1);
    if magnitude.first().is_some_and(|&b| b & 0x80 != 0) {
        contents.push(0);
    }
    contents.extend_from_slice(magnitude);
    der(0x02, &contents)
}

/// PEM armour: standard base64 in 64-character lines.
fn pem(label: &str, der: &[u8]) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// Every form of the public key an attacker would try as the HMAC secret: the JWK's `n` as
/// served, the raw modulus, the whole JWK as JSON, and the PKCS#1 and SubjectPublicKeyInfo
/// encodings in DER and PEM (with and without the final newline).
fn public_key_forms(key: &TestKey) -> Vec<(&'static str, Vec<u8>)> {
    use base64::Engine as _;
    let jwk = key.jwk();
    let n_text = jwk.n.clone().unwrap();
    let e_text = jwk.e.clone().unwrap();
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let n = b64.decode(&n_text).unwrap();
    let e = b64.decode(&e_text).unwrap();
    let pkcs1 = der(0x30, &[der_uint(&n), der_uint(&e)].concat());
    // AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL }
    let algorithm = der(
        0x30,
        &[
            der(
                0x06,
                &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01],
            ),
            der(0x05, &[]),
        ]
        .concat(),
    );
    let spki = der(
        0x30,
        &[algorithm, der(0x03, &[&[0u8][..], &pkcs1].concat())].concat(),
    );
    let spki_pem = pem("PUBLIC KEY", &spki);
    let pkcs1_pem = pem("RSA PUBLIC KEY", &pkcs1);
    vec![
        ("JWK n (base64url text)", n_text.into_bytes()),
        ("modulus bytes", n),
        (
            "JWK as JSON",
            serde_json::to_string(&jwk).unwrap().into_bytes(),
        ),
        ("PKCS#1 DER", pkcs1),
        ("SPKI DER", spki),
        ("SPKI PEM", spki_pem.clone().into_bytes()),
        (
            "SPKI PEM, no final newline",
            spki_pem.trim_end().as_bytes().to_vec(),
        ),
        ("PKCS#1 PEM", pkcs1_pem.into_bytes()),
    ]
}

#[test]
fn hmac_sha256_matches_rfc_4231() {
    // Test cases 1 and 6 (a key longer than the block is hashed first).
    assert_eq!(
        hex(&hmac_sha256(&[0x0b; 20], b"Hi There")),
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
    );
    assert_eq!(
        hex(&hmac_sha256(
            &[0xaa; 131],
            b"Test Using Larger Than Block-Size Key - Hash Key First"
        )),
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
    );
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn hs256_macd_with_the_public_key_is_refused() {
    // Key confusion: the verifier's public key, in every form an attacker would try, used as the
    // HMAC-SHA256 secret of a token whose header says HS256. A verifier that let the header pick
    // the algorithm would accept these; ours accepts only RS256 (docs/rules.md, "How a session
    // JWT is judged", step 2).
    let key = key_a();
    let body = b64url_encode(Value::Object(payload()).to_string().as_bytes());
    let forms = public_key_forms(key);
    assert_eq!(forms.len(), 8);
    // The forms are what they claim to be: DER starts with a SEQUENCE, PEM with its armour.
    assert!(forms.iter().all(|(what, bytes)| !bytes.is_empty()
        && (!what.contains("DER") || bytes[0] == 0x30)
        && (!what.contains("PEM") || bytes.starts_with(b"-----BEGIN "))));
    for header in [
        json!({"alg": "HS256", "kid": key.kid, "typ": "JWT"}),
        json!({"alg": "HS256", "typ": "JWT"}),
        json!({"alg": "HS256", "kid": key.kid}),
    ] {
        let head = b64url_encode(header.to_string().as_bytes());
        let signing_input = format!("{head}.{body}");
        for (what, secret) in &forms {
            let mac = hmac_sha256(secret, signing_input.as_bytes());
            let token = format!("{signing_input}.{}", b64url_encode(&mac));
            assert_eq!(code(&token), C::JwtIncorrectAlgorithm, "{what}, {header}");
        }
    }
    // The same MACs under an RS256 header are not RSA signatures.
    let head = b64url_encode(
        json!({"alg": "RS256", "kid": key.kid, "typ": "JWT"})
            .to_string()
            .as_bytes(),
    );
    let signing_input = format!("{head}.{body}");
    for (what, secret) in &forms {
        let mac = hmac_sha256(secret, signing_input.as_bytes());
        let token = format!("{signing_input}.{}", b64url_encode(&mac));
        assert_eq!(code(&token), C::JwtSignatureInvalid, "{what}");
    }
    // And the payload itself is fine: signed with the key, it verifies.
    assert!(verify(&key.sign(&Value::Object(payload()))).is_ok());
}

#[test]
fn crit_is_refused() {
    let token = with_header(json!({"alg": "RS256", "kid": key_a().kid, "crit": ["exp"], "exp": 1}));
    assert_eq!(code(&token), C::JwtInvalid);
}

#[test]
fn typ_other_than_jwt_is_refused_case_insensitively() {
    let kid = &key_a().kid;
    assert!(verify(&with_header(
        json!({"alg": "RS256", "kid": kid, "typ": "jwt"})
    ))
    .is_ok());
    assert!(verify(&with_header(json!({"alg": "RS256", "kid": kid}))).is_ok());
    for typ in [json!("at+jwt"), json!("JOSE"), json!(1)] {
        assert_eq!(
            code(&with_header(
                json!({"alg": "RS256", "kid": kid, "typ": typ})
            )),
            C::JwtInvalid
        );
    }
}

#[test]
fn an_embedded_jwk_carrying_the_attackers_key_is_ignored() {
    // Signed by key B, which is not in the project's JWKS, and carrying key B in the header.
    let attacker = key_b();
    let jwk = serde_json::to_value(attacker.jwk()).unwrap();
    for (name, value) in [
        ("jwk", jwk),
        ("jku", json!("https://evil.example/jwks")),
        ("x5u", json!("https://evil.example/x5u")),
        ("x5c", json!(["MIIB"])),
    ] {
        let mut header = json!({"alg": "RS256", "kid": key_a().kid, "typ": "JWT"});
        header[name] = value;
        let token = attacker.sign_raw(&header.to_string(), &Value::Object(payload()).to_string());
        assert_eq!(code(&token), C::JwtSignatureInvalid, "{name}");
    }
    // And with the attacker's own kid it simply has no key.
    let mut header = json!({"alg": "RS256", "kid": attacker.kid, "typ": "JWT"});
    header["jwk"] = serde_json::to_value(attacker.jwk()).unwrap();
    let token = attacker.sign_raw(&header.to_string(), &Value::Object(payload()).to_string());
    assert_eq!(code(&token), C::JwksNoMatchingKey);
}

#[test]
fn padding_and_stray_bits_in_base64url_are_refused() {
    let token = key_a().sign(&Value::Object(payload()));
    let parts: Vec<&str> = token.split('.').collect();
    // Padding on any segment.
    for i in 0..3 {
        let mut p: Vec<String> = parts.iter().map(|s| s.to_string()).collect();
        p[i].push('=');
        assert_eq!(code(&p.join(".")), C::JwtInvalid, "padding on segment {i}");
    }
    // Stray bits: the 2048-bit signature is 256 bytes = 342 chars + 4 spare bits in the last.
    let sig = parts[2];
    let last = sig.chars().last().unwrap();
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let idx = alphabet.find(last).unwrap();
    let stray = alphabet.chars().nth(idx ^ 1).unwrap();
    let forged = format!(
        "{}.{}.{}{}",
        parts[0],
        parts[1],
        &sig[..sig.len() - 1],
        stray
    );
    assert_eq!(code(&forged), C::JwtInvalid);
    // Standard alphabet characters.
    let plus = format!(
        "{}.{}.{}",
        parts[0],
        parts[1],
        sig.replace('-', "+").replace('_', "/")
    );
    if plus != token {
        assert_eq!(code(&plus), C::JwtInvalid);
    }
}

#[test]
fn two_and_four_segments_are_refused() {
    let token = key_a().sign(&Value::Object(payload()));
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(code(&format!("{}.{}", parts[0], parts[1])), C::JwtInvalid);
    assert_eq!(code(&format!("{token}.{}", parts[2])), C::JwtInvalid);
    assert_eq!(code(""), C::JwtInvalid);
    assert_eq!(code(".."), C::JwtInvalid);
}

#[test]
fn duplicate_header_names_are_refused() {
    let kid = &key_a().kid;
    let header = format!(r#"{{"alg":"RS256","kid":"{kid}","alg":"none"}}"#);
    let token = key_a().sign_raw(&header, &Value::Object(payload()).to_string());
    assert_eq!(code(&token), C::JwtInvalid);
    let header = format!(r#"{{"alg":"RS256","kid":"{kid}","kid":"{kid}"}}"#);
    let token = key_a().sign_raw(&header, &Value::Object(payload()).to_string());
    assert_eq!(code(&token), C::JwtInvalid);
}

#[test]
fn duplicate_claim_names_are_refused_after_the_signature() {
    let body = Value::Object(payload()).to_string();
    let body = format!(r#"{{"sub":"user-test-other",{}"#, &body[1..]);
    let token = key_a().sign_raw(&json!({"alg":"RS256","kid":key_a().kid}).to_string(), &body);
    assert_eq!(code(&token), C::JwtInvalid);
}

#[test]
fn a_token_over_the_cap_is_refused_before_any_work() {
    let big = "a".repeat(MAX_TOKEN_BYTES);
    let token = with_claims(|p| {
        p.insert("padding".into(), json!(big));
    });
    assert!(token.len() > MAX_TOKEN_BYTES);
    let err = verify(&token).unwrap_err();
    assert_eq!(err.client_code(), Some(C::JwtInvalid));
    assert!(err.to_string().contains("16384 bytes"), "{err}");
    // Just under the cap is fine.
    let fits = with_claims(|p| {
        p.insert("padding".into(), json!("a".repeat(MAX_TOKEN_BYTES / 2)));
    });
    assert!(verify(&fits).is_ok());
}

#[test]
fn a_1024_bit_key_is_never_used() {
    let weak = key_1024();
    let keys = weak.key_set();
    assert!(keys.is_empty());
    let token = weak.sign(&Value::Object(payload()));
    let err = verify_session_jwt(&token, &keys, &rules()).unwrap_err();
    assert_eq!(err.client_code(), Some(C::JwksNoMatchingKey));
    assert!(err.to_string().contains("shorter than 2048 bits"), "{err}");
}

#[test]
fn unusable_jwks_entries_are_skipped() {
    let good = key_a().jwk();
    let variants = [
        Jwk {
            use_: Some("enc".into()),
            ..good.clone()
        },
        Jwk {
            alg: Some("RS512".into()),
            ..good.clone()
        },
        Jwk {
            key_ops: Some(vec!["sign".into()]),
            ..good.clone()
        },
        Jwk {
            kty: "EC".into(),
            ..good.clone()
        },
        Jwk {
            e: Some("AQAC".into()),
            ..good.clone()
        },
        Jwk {
            n: Some("AQAB=".into()),
            ..good.clone()
        },
    ];
    for jwk in variants {
        assert!(
            KeySet::from_jwks(std::slice::from_ref(&jwk)).is_empty(),
            "{jwk:?}"
        );
    }
    // Absent optional fields are fine.
    let bare = Jwk {
        use_: None,
        alg: None,
        key_ops: None,
        x5c: None,
        x5t_s256: None,
        ..good
    };
    assert_eq!(KeySet::from_jwks(&[bare]).len(), 1);
}

#[test]
fn unknown_and_non_string_kid_are_refused() {
    let body = Value::Object(payload()).to_string();
    let unknown = key_a().sign_raw(
        &json!({"alg":"RS256","kid":"jwk-test-unknown"}).to_string(),
        &body,
    );
    assert_eq!(code(&unknown), C::JwksNoMatchingKey);
    for kid in [json!(1), json!(null), json!(["a"]), json!({"k": 1})] {
        let token = key_a().sign_raw(&json!({"alg":"RS256","kid":kid}).to_string(), &body);
        assert_eq!(code(&token), C::JwtInvalid, "kid {kid}");
    }
    let no_kid = key_a().sign_raw(&json!({"alg":"RS256"}).to_string(), &body);
    assert_eq!(code(&no_kid), C::JwtInvalid);
}

#[test]
fn duplicate_kids_in_the_jwks_are_ambiguous() {
    let mut twin = key_b().jwk();
    twin.kid = Some(key_a().kid.clone());
    let keys = KeySet::from_jwks(&[key_a().jwk(), twin]);
    let token = key_a().sign(&Value::Object(payload()));
    let err = verify_session_jwt(&token, &keys, &rules()).unwrap_err();
    assert_eq!(err.client_code(), Some(C::JwksInvalid));
}

#[test]
fn exp_must_be_an_integer() {
    for exp in [
        json!("1764242130"),
        json!(1764242130.5),
        json!(1764242130.0),
        json!(true),
        json!(null),
    ] {
        let token = with_claims(|p| {
            p.insert("exp".into(), exp.clone());
        });
        assert_eq!(code(&token), C::JwtInvalid, "exp {exp}");
    }
    // 1e400 cannot even be written as serde_json::Value: splice it in as text.
    let body = Value::Object(payload())
        .to_string()
        .replace(&format!("\"exp\":{}", NOW + 300), "\"exp\":1e400");
    assert!(body.contains("1e400"));
    let token = key_a().sign_raw(&json!({"alg":"RS256","kid":key_a().kid}).to_string(), &body);
    assert_eq!(code(&token), C::JwtInvalid);
    // Beyond i64.
    let body = Value::Object(payload()).to_string().replace(
        &format!("\"exp\":{}", NOW + 300),
        "\"exp\":18446744073709551615",
    );
    let token = key_a().sign_raw(&json!({"alg":"RS256","kid":key_a().kid}).to_string(), &body);
    assert_eq!(code(&token), C::JwtInvalid);
    // Negative is a valid NumericDate, long past.
    let token = with_claims(|p| {
        p.insert("exp".into(), json!(-1));
    });
    assert_eq!(code(&token), C::JwtExpired);
    // Missing.
    let token = with_claims(|p| {
        p.remove("exp");
    });
    let err = verify(&token).unwrap_err();
    assert_eq!(err.client_code(), Some(C::JwtInvalid));
    assert!(matches!(
        err,
        Error::Client {
            claim: Some("exp"),
            ..
        }
    ));
}

#[test]
fn expired_by_one_second() {
    let token = with_claims(|p| {
        p.insert("exp".into(), json!(NOW - 1));
    });
    let err = verify(&token).unwrap_err();
    assert_eq!(err.client_code(), Some(C::JwtExpired));
    assert!(matches!(
        err,
        Error::Client {
            claim: Some("exp"),
            ..
        }
    ));
}

#[test]
fn nbf_in_the_future_with_and_without_tolerance() {
    let token = with_claims(|p| {
        p.insert("nbf".into(), json!(NOW + 5));
    });
    assert_eq!(code(&token), C::JwtNotYetValid);
    let lenient = stytch_sessions_wasm::claims::ClaimRules {
        clock_tolerance_seconds: 5,
        ..rules()
    };
    assert!(verify_session_jwt(&token, &key_a().key_set(), &lenient).is_ok());
    let lenient = stytch_sessions_wasm::claims::ClaimRules {
        clock_tolerance_seconds: 4,
        ..rules()
    };
    let err = verify_session_jwt(&token, &key_a().key_set(), &lenient).unwrap_err();
    assert_eq!(err.client_code(), Some(C::JwtNotYetValid));
}

#[test]
fn wrong_issuer_and_trailing_slash_are_refused() {
    for iss in [
        json!("stytch.com/project-test-other"),
        json!(format!("stytch.com/{PROJECT_ID}/")),
        json!(format!("{BASE_URL}/")),
        json!("https://evil.example"),
        json!(null),
        json!(1),
    ] {
        let token = with_claims(|p| {
            p.insert("iss".into(), iss.clone());
        });
        assert_eq!(code(&token), C::JwtInvalidIssuer, "iss {iss}");
    }
    let token = with_claims(|p| {
        p.remove("iss");
    });
    assert_eq!(code(&token), C::JwtInvalidIssuer);
    // The base URL (custom domains) is accepted.
    let token = with_claims(|p| {
        p.insert("iss".into(), json!(BASE_URL));
    });
    assert!(verify(&token).is_ok());
}

#[test]
fn audience_missing_other_or_containing_ours() {
    for aud in [
        json!("project-test-other"),
        json!(["project-test-other"]),
        json!([]),
        json!(null),
        json!([1]),
    ] {
        let token = with_claims(|p| {
            p.insert("aud".into(), aud.clone());
        });
        assert_eq!(code(&token), C::JwtInvalidAudience, "aud {aud}");
    }
    let token = with_claims(|p| {
        p.remove("aud");
    });
    assert_eq!(code(&token), C::JwtInvalidAudience);
    for aud in [json!(PROJECT_ID), json!(["project-test-other", PROJECT_ID])] {
        let token = with_claims(|p| {
            p.insert("aud".into(), aud.clone());
        });
        assert!(verify(&token).is_ok(), "aud {aud}");
    }
}

#[test]
fn too_old_by_one_second() {
    let mut p = payload_at(NOW - 301);
    p.insert("exp".into(), json!(NOW + 1000));
    let token = key_a().sign(&Value::Object(p));
    let err = verify(&token).unwrap_err();
    assert_eq!(err.client_code(), Some(C::JwtTooOld));
    assert!(matches!(
        err,
        Error::Client {
            claim: Some("iat"),
            ..
        }
    ));
}

#[test]
fn signature_is_checked_before_claims() {
    // An expired token with a bad signature reports the signature, not the expiry.
    let mut p = payload();
    p.insert("exp".into(), json!(1));
    let token = key_b().sign_raw(
        &json!({"alg":"RS256","kid":key_a().kid}).to_string(),
        &Value::Object(p).to_string(),
    );
    assert_eq!(code(&token), C::JwtSignatureInvalid);
}

#[test]
fn errors_never_contain_the_token_or_its_signature() {
    let token = key_b().sign_raw(
        &json!({"alg":"RS256","kid":key_a().kid}).to_string(),
        &Value::Object(payload()).to_string(),
    );
    let sig = token.rsplit('.').next().unwrap();
    let mut cases = vec![
        token.clone(),
        format!("{token}.x"),
        format!("{token}="),
        token.replace('.', ""),
    ];
    cases.push(with_claims(|p| {
        p.insert("iss".into(), json!("x"));
    }));
    for t in cases {
        let msg = verify(&t).unwrap_err().to_string();
        assert!(
            !msg.contains(sig) && !msg.contains(&t) && !msg.contains(&sig[..20]),
            "{msg}"
        );
    }
}
