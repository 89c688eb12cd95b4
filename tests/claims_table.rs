//! Claim validation at every boundary, with a fixed `now` (`docs/rules.md` steps 5–6).
#![allow(clippy::unwrap_used)]

use serde_json::{json, Map, Value};
use stytch_sessions_wasm::claims::{validate, ClaimRules};
use stytch_sessions_wasm::ClientErrorCode as C;

const NOW: i64 = 1_800_000_000;
/// A serde_json object as the crate's own JSON object.
fn object(m: Map<String, Value>) -> stytch_sessions_wasm::internal::json::Object {
    stytch_sessions_wasm::internal::json::parse_object(Value::Object(m).to_string().as_bytes())
        .unwrap()
}

const PID: &str = "project-test-00000000-0000-4000-8000-000000000000";

fn claims(exp: i64, nbf: Option<i64>, iat: Option<i64>) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("iss".into(), json!(format!("stytch.com/{PID}")));
    m.insert("aud".into(), json!([PID]));
    m.insert("exp".into(), json!(exp));
    if let Some(nbf) = nbf {
        m.insert("nbf".into(), json!(nbf));
    }
    if let Some(iat) = iat {
        m.insert("iat".into(), json!(iat));
    }
    m
}

fn rules(tolerance: u64, max_age: Option<u64>) -> ClaimRules<'static> {
    ClaimRules {
        project_id: PID,
        base_url: "https://test.stytch.com",
        now: NOW,
        clock_tolerance_seconds: tolerance,
        max_token_age_seconds: max_age,
    }
}

/// (description, exp, nbf, iat, tolerance, max_age, expected)
type Row = (
    &'static str,
    i64,
    Option<i64>,
    Option<i64>,
    u64,
    Option<u64>,
    Option<C>,
);

#[test]
fn boundaries() {
    let table: &[Row] = &[
        (
            "exp one second ahead",
            NOW + 1,
            None,
            Some(NOW),
            0,
            Some(300),
            None,
        ),
        (
            "exp == now is expired",
            NOW,
            None,
            Some(NOW),
            0,
            Some(300),
            Some(C::JwtExpired),
        ),
        (
            "exp == now - tolerance is expired",
            NOW - 10,
            None,
            Some(NOW),
            10,
            Some(300),
            Some(C::JwtExpired),
        ),
        (
            "exp == now - tolerance + 1 passes",
            NOW - 9,
            None,
            Some(NOW),
            10,
            Some(300),
            None,
        ),
        (
            "nbf == now passes",
            NOW + 300,
            Some(NOW),
            Some(NOW),
            0,
            Some(300),
            None,
        ),
        (
            "nbf == now + 1 fails",
            NOW + 300,
            Some(NOW + 1),
            Some(NOW),
            0,
            Some(300),
            Some(C::JwtNotYetValid),
        ),
        (
            "nbf == now + tolerance passes",
            NOW + 300,
            Some(NOW + 10),
            Some(NOW),
            10,
            Some(300),
            None,
        ),
        (
            "nbf == now + tolerance + 1 fails",
            NOW + 300,
            Some(NOW + 11),
            Some(NOW),
            10,
            Some(300),
            Some(C::JwtNotYetValid),
        ),
        (
            "now - iat == max_age passes",
            NOW + 300,
            None,
            Some(NOW - 300),
            0,
            Some(300),
            None,
        ),
        (
            "now - iat == max_age + 1 is too old",
            NOW + 300,
            None,
            Some(NOW - 301),
            0,
            Some(300),
            Some(C::JwtTooOld),
        ),
        (
            "tolerance does not stretch max age",
            NOW + 300,
            None,
            Some(NOW - 301),
            60,
            Some(300),
            Some(C::JwtTooOld),
        ),
        // 0: every token is too old, even one issued this second (stytch-node's rule: only the
        // API may accept it).
        (
            "max age 0, issued now",
            NOW + 300,
            None,
            Some(NOW),
            0,
            Some(0),
            Some(C::JwtTooOld),
        ),
        (
            "max age 0, issued a second ago",
            NOW + 300,
            None,
            Some(NOW - 1),
            0,
            Some(0),
            Some(C::JwtTooOld),
        ),
        ("no max age, no iat", NOW + 300, None, None, 0, None, None),
        (
            "max age needs iat",
            NOW + 300,
            None,
            None,
            0,
            Some(300),
            Some(C::JwtInvalid),
        ),
        (
            "iat in the future is not too old",
            NOW + 300,
            None,
            Some(NOW + 100),
            0,
            Some(300),
            None,
        ),
        (
            "huge tolerance does not overflow",
            NOW - 1_000_000_000,
            None,
            Some(NOW),
            u64::MAX,
            Some(300),
            None,
        ),
        (
            "exp far future",
            i64::MAX,
            Some(i64::MIN),
            Some(NOW),
            0,
            Some(u64::MAX),
            None,
        ),
        // Found by fuzzing: `now - iat` beyond i64 once saturated to i64::MAX and passed.
        (
            "age beyond i64 is measured exactly",
            NOW + 300,
            None,
            Some(i64::MIN),
            0,
            Some(i64::MAX as u64),
            Some(C::JwtTooOld),
        ),
        (
            "age within u64 max age",
            NOW + 300,
            None,
            Some(i64::MIN),
            0,
            Some(u64::MAX),
            None,
        ),
        (
            "exp at i64::MIN with a huge tolerance",
            i64::MIN,
            None,
            Some(NOW),
            u64::MAX,
            Some(300),
            None,
        ),
        (
            "nbf at i64::MAX with a huge tolerance",
            NOW + 300,
            Some(i64::MAX),
            Some(NOW),
            u64::MAX,
            Some(300),
            None,
        ),
    ];
    for (what, exp, nbf, iat, tol, max_age, expected) in table {
        let got = validate(&object(claims(*exp, *nbf, *iat)), &rules(*tol, *max_age))
            .err()
            .and_then(|e| e.client_code());
        assert_eq!(got, *expected, "{what}");
    }
}

#[test]
fn issuer_may_be_the_base_url() {
    let mut c = claims(NOW + 1, None, Some(NOW));
    c.insert("iss".into(), json!("https://test.stytch.com"));
    assert!(validate(&object(c.clone()), &rules(0, Some(300))).is_ok());
    let custom = ClaimRules {
        base_url: "https://login.example.com",
        ..rules(0, Some(300))
    };
    c.insert("iss".into(), json!("https://login.example.com"));
    assert!(validate(&object(c.clone()), &custom).is_ok());
    c.insert("iss".into(), json!("https://login.example.com/"));
    assert_eq!(
        validate(&object(c.clone()), &custom)
            .unwrap_err()
            .client_code(),
        Some(C::JwtInvalidIssuer)
    );
}

#[test]
fn issuer_is_checked_before_audience_before_time() {
    let mut c = claims(NOW - 1000, None, Some(NOW - 1000));
    c.insert("iss".into(), json!("nope"));
    c.insert("aud".into(), json!("nope"));
    assert_eq!(
        validate(&object(c.clone()), &rules(0, Some(300)))
            .unwrap_err()
            .client_code(),
        Some(C::JwtInvalidIssuer)
    );
    c.insert("iss".into(), json!(format!("stytch.com/{PID}")));
    assert_eq!(
        validate(&object(c.clone()), &rules(0, Some(300)))
            .unwrap_err()
            .client_code(),
        Some(C::JwtInvalidAudience)
    );
}
