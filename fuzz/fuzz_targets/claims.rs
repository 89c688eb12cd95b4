//! `claims`: arbitrary bytes parsed as a JSON object → `claims::validate` with a fuzzed `now`,
//! clock tolerance and max age, checked against a straightforward model of the README's rules
//! (§ "How a session JWT is judged", steps 5–6; type checks first, as src/claims.rs orders
//! them), then `session::marshal_jwt_into_session`
//! checked against the README's marshalling rules, and `rfc3339_utc` against a date model.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};
use stytch_sessions_wasm::claims::{validate, ClaimRules};
use stytch_sessions_wasm::session::{
    marshal_jwt_into_session, rfc3339_utc, RESERVED_CLAIMS, SESSION_CLAIM,
};
use stytch_sessions_wasm_fuzz::{BASE_URL, NOW, PROJECT_ID};

#[derive(Arbitrary, Debug)]
struct ClaimsInput<'a> {
    /// Even: `now` is absolute. Odd: `now` is an offset from the token's `iat` (or NOW), so the
    /// fuzzer easily reaches the exp/nbf/iat boundaries.
    now_mode: u8,
    now: i64,
    clock_tolerance: u64,
    max_age: Option<u64>,
    json: &'a [u8],
}

/// The README's rules, in exact (i128) arithmetic. Returns the expected error code.
fn model(c: &Map<String, Value>, r: &ClaimRules<'_>) -> Option<&'static str> {
    let iss_ok = match c.get("iss") {
        Some(Value::String(s)) => {
            s == r.base_url || s.strip_prefix("stytch.com/") == Some(r.project_id)
        }
        _ => false,
    };
    if !iss_ok {
        return Some("jwt_invalid_issuer");
    }
    let aud_ok = match c.get("aud") {
        Some(Value::String(s)) => s == r.project_id,
        Some(Value::Array(a)) => a.iter().any(|v| v.as_str() == Some(r.project_id)),
        _ => false,
    };
    if !aud_ok {
        return Some("jwt_invalid_audience");
    }
    // A date is an integer in i64 range, written without fraction or exponent.
    let date = |name: &str| -> Result<Option<i128>, &'static str> {
        match c.get(name) {
            None => Ok(None),
            Some(Value::Number(n)) => n.as_i64().map(|v| Some(i128::from(v))).ok_or("jwt_invalid"),
            Some(_) => Err("jwt_invalid"),
        }
    };
    // Types first (src/claims.rs: "the types of exp, nbf, iat, then exp, nbf and the token's
    // age against the clock"): exp is required, nbf and iat optional, all integers.
    let exp = match date("exp") {
        Ok(Some(exp)) => exp,
        Ok(None) | Err(_) => return Some("jwt_invalid"),
    };
    let nbf = match date("nbf") {
        Ok(nbf) => nbf,
        Err(e) => return Some(e),
    };
    let iat = match date("iat") {
        Ok(iat) => iat,
        Err(e) => return Some(e),
    };
    let now = i128::from(r.now);
    // For exp and nbf the crate clamps the tolerance to i64::MAX and saturates now ± tolerance
    // to i64: at those extremes it refuses where exact arithmetic would not (the safe side), so
    // the model does the same. The age check below stays exact: there saturation would accept.
    let tol = i128::from(r.clock_tolerance_seconds.min(i64::MAX as u64));
    let clamp = |v: i128| v.clamp(i128::from(i64::MIN), i128::from(i64::MAX));
    if exp <= clamp(now - tol) {
        return Some("jwt_expired");
    }
    if nbf.is_some_and(|nbf| nbf > clamp(now + tol)) {
        return Some("jwt_not_yet_valid");
    }
    if let Some(max) = r.max_token_age_seconds {
        let Some(iat) = iat else { return Some("jwt_invalid") };
        // 0: every token is too old (docs/rules.md, "How a session JWT is judged", step 6).
        if max == 0 || now - iat > i128::from(max) {
            return Some("jwt_too_old");
        }
    }
    None
}

/// Howard Hinnant's days_from_civil, the inverse of the formatter's civil_from_days.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn check_date(t: i64) {
    let s = rfc3339_utc(t);
    // Years 0..=9999 have the fixed RFC 3339 shape; check it and invert it.
    if !(-62_167_219_200..=253_402_300_799).contains(&t) {
        return;
    }
    let b = s.as_bytes();
    assert_eq!(b.len(), 20, "{t} -> {s}");
    assert!(b[4] == b'-' && b[7] == b'-' && b[10] == b'T' && b[13] == b':' && b[16] == b':');
    assert_eq!(b[19], b'Z');
    let num = |r: std::ops::Range<usize>| s[r].parse::<i64>().expect("digits");
    let (y, mo, d, h, mi, se) = (num(0..4), num(5..7), num(8..10), num(11..13), num(14..16), num(17..19));
    assert!((1..=12).contains(&mo) && (1..=31).contains(&d), "{t} -> {s}");
    assert!(h < 24 && mi < 60 && se < 60, "{t} -> {s}");
    let back = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se;
    assert_eq!(back, t, "{t} -> {s}");
}

fuzz_target!(|input: ClaimsInput<'_>| {
    check_date(input.now);
    let Ok(Value::Object(claims)) = serde_json::from_slice::<Value>(input.json) else {
        return;
    };
    let now = if input.now_mode & 1 == 0 {
        input.now
    } else {
        let base = claims.get("iat").and_then(Value::as_i64).unwrap_or(NOW);
        base.saturating_add(input.now)
    };
    let rules = ClaimRules {
        project_id: PROJECT_ID,
        base_url: BASE_URL,
        now,
        clock_tolerance_seconds: input.clock_tolerance,
        max_token_age_seconds: input.max_age,
    };
    // The crate's own strict parser (it refuses duplicates serde_json lets through).
    let Ok(ours) = stytch_sessions_wasm::internal::json::parse_object(input.json) else {
        return;
    };
    let got = validate(&ours, &rules).err().map(|e| e.code().to_owned());
    let want = model(&claims, &rules);
    assert_eq!(got.as_deref(), want, "validate disagrees with the README's rules");

    let session = marshal_jwt_into_session(ours);
    let session_claim = claims.get(SESSION_CLAIM).and_then(Value::as_object);
    match session {
        Ok(s) => {
            let sc = session_claim.expect("a session needs the session claim");
            assert_eq!(Some(&Value::String(s.user_id.clone())), claims.get("sub"));
            assert_eq!(sc.get("id").and_then(Value::as_str), Some(s.session_id.as_str()));
            assert_eq!(sc.get("started_at").and_then(Value::as_str), Some(s.started_at.as_str()));
            assert_eq!(
                sc.get("last_accessed_at").and_then(Value::as_str),
                Some(s.last_accessed_at.as_str())
            );
            match sc.get("expires_at") {
                Some(Value::String(at)) => assert_eq!(&s.expires_at, at),
                // Absent (or null): from exp; `validate` guarantees exp is an integer.
                _ if want.is_none() => {
                    let exp = claims.get("exp").and_then(Value::as_i64).expect("exp");
                    assert_eq!(s.expires_at, rfc3339_utc(exp));
                    check_date(exp);
                }
                _ => {}
            }
            let roles: Vec<Value> = s.roles.iter().cloned().map(Value::String).collect();
            assert_eq!(sc.get("roles").and_then(Value::as_array).cloned().unwrap_or_default(), roles);
            // custom_claims: every other top-level claim, untouched.
            let mut expected = claims.clone();
            expected.retain(|k, _| !RESERVED_CLAIMS.contains(&k.as_str()) && k != SESSION_CLAIM);
            assert_eq!(s.custom_claims, expected);
        }
        Err(e) => {
            assert_eq!(e.code(), "jwt_invalid");
            // A well-formed session claim and a string sub always marshal when validate passed.
            let well_formed = session_claim.is_some_and(|sc| {
                ["id", "started_at", "last_accessed_at"]
                    .iter()
                    .all(|k| sc.get(*k).is_some_and(Value::is_string))
                    && sc.len() == 3
            });
            if want.is_none() && well_formed && claims.get("sub").is_some_and(Value::is_string) {
                panic!("a valid token with a well-formed session did not marshal: {e}");
            }
        }
    }
});
