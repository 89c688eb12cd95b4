//! The Stytch Session object and the marshalling of a verified session JWT into it
//! (the SDKs' `marshal_jwt_into_session`).
//!
//! The engine works with the session's JSON ([`session_json`], what JavaScript receives); the
//! typed [`Session`] is for Rust callers, read from that JSON with serde.

use crate::error::{ClientErrorCode, Error, Result};
use crate::json::{self, Object, Value};
use serde::{Deserialize, Serialize};
use serde_json::Map;

/// The private claim that carries the session.
pub const SESSION_CLAIM: &str = "https://stytch.com/session";

/// Claims that are never custom claims.
pub const RESERVED_CLAIMS: [&str; 7] = ["aud", "exp", "iat", "iss", "jti", "nbf", "sub"];

/// Where a session was started from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Attributes {
    #[serde(default)]
    pub ip_address: String,
    #[serde(default)]
    pub user_agent: String,
}

/// A Stytch session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub session_id: String,
    pub user_id: String,
    pub started_at: String,
    pub last_accessed_at: String,
    pub expires_at: String,
    #[serde(default)]
    pub attributes: Option<Attributes>,
    /// Factor objects: `type, delivery_method, last_authenticated_at, …` and one `*_factor`.
    #[serde(default)]
    pub authentication_factors: Vec<Map<String, serde_json::Value>>,
    #[serde(default)]
    pub custom_claims: Map<String, serde_json::Value>,
    #[serde(default)]
    pub roles: Vec<String>,
}

impl Session {
    /// Reads a session from its JSON (as [`session_json`] writes it, or as the API returns it).
    pub fn from_json(json: &str) -> Result<Self> {
        typed_json(json, "session is not the expected JSON")
    }
}

/// `json` read into a Rust type; `why` is the `invalid_response` message when it cannot be.
pub(crate) fn typed_json<T: serde::de::DeserializeOwned>(
    json: &str,
    why: &'static str,
) -> Result<T> {
    serde_json::from_str(json)
        .map_err(|_| Error::request(crate::error::RequestErrorCode::InvalidResponse, why))
}

/// Builds the [`Session`] a verified JWT describes. `claims` must already have passed
/// [`crate::claims::validate`] (so `exp` is an integer).
pub fn marshal_jwt_into_session(claims: Object) -> Result<Session> {
    Session::from_json(&session_json(claims)?)
}

/// The JSON of the session a verified JWT describes, as the SDKs' `marshal_jwt_into_session`
/// builds it (`docs/rules.md`, "The session"): `session_id`, `started_at`, `last_accessed_at`,
/// `attributes`, `authentication_factors` and `roles` from the session claim, `user_id` from
/// `sub`, `expires_at` from the claim (or from `exp` for older tokens), and `custom_claims` =
/// every other top-level claim but the registered ones. `claims` must already have passed
/// [`crate::claims::validate`] (so `exp` is an integer).
pub fn session_json(mut claims: Object) -> Result<String> {
    let claim = take_claim(&mut claims)?;
    let parts = Parts::of(&claim, &claims)?;
    let mut out = String::with_capacity(512);
    for (name, value) in [
        ("{\"session_id\":", parts.id),
        (",\"user_id\":", &parts.sub),
        (",\"started_at\":", parts.started_at),
        (",\"last_accessed_at\":", parts.last_accessed_at),
    ] {
        out.push_str(name);
        json::write_str(value, &mut out);
    }
    out.push_str(",\"expires_at\":");
    parts.write_expires_at(&claims, &mut out)?;
    out.push_str(",\"attributes\":");
    match parts.attributes {
        None => out.push_str("null"),
        Some(attributes) => {
            for (i, name) in ATTRIBUTES.into_iter().enumerate() {
                out.push_str(if i == 0 { "{\"" } else { ",\"" });
                out.push_str(name);
                out.push_str("\":");
                let value = attributes.given(name).and_then(Value::as_str).unwrap_or("");
                json::write_str(value, &mut out);
            }
            out.push('}');
        }
    }
    out.push_str(",\"authentication_factors\":");
    parts.write_factors(&mut out);
    out.push_str(",\"custom_claims\":");
    write_custom_claims(&mut claims, &[], &mut out);
    out.push_str(",\"roles\":");
    parts.write_roles(&mut out);
    out.push('}');
    Ok(out)
}

/// Takes the session claim out of `claims`.
pub(crate) fn take_claim(claims: &mut Object) -> Result<Object> {
    match claims.remove(SESSION_CLAIM) {
        Some(Value::Object(claim)) => Ok(claim),
        Some(_) => Err(malformed()),
        None => Err(Error::claim(
            ClientErrorCode::JwtInvalid,
            SESSION_CLAIM,
            "JWT has no https://stytch.com/session claim",
        )),
    }
}

fn malformed() -> Error {
    Error::claim(
        ClientErrorCode::JwtInvalid,
        SESSION_CLAIM,
        "JWT's https://stytch.com/session claim is malformed",
    )
}

/// The members of a session claim (and `sub`) every kind of session answer is built from,
/// checked for type.
pub(crate) struct Parts<'a> {
    pub id: &'a str,
    pub sub: String,
    pub started_at: &'a str,
    pub last_accessed_at: &'a str,
    expires_at: Option<&'a str>,
    attributes: Option<&'a Object>,
    factors: Option<&'a Value>,
    roles: Option<&'a Value>,
}

impl<'a> Parts<'a> {
    /// Reads the session claim `claim` (taken out of `claims`) and `sub`.
    pub fn of(claim: &'a Object, claims: &Object) -> Result<Self> {
        let text = |name: &str| {
            claim
                .get(name)
                .and_then(Value::as_str)
                .ok_or_else(malformed)
        };
        let expires_at = match claim.given("expires_at") {
            Some(Value::String(at)) => Some(at.as_str()),
            Some(_) => return Err(malformed()),
            None => None,
        };
        let attributes = match claim.given("attributes") {
            None => None,
            Some(Value::Object(a)) if ATTRIBUTES.iter().all(|n| text_or_absent(a, n)) => Some(a),
            Some(_) => return Err(malformed()),
        };
        let factors = match claim.get("authentication_factors") {
            None => None,
            Some(f @ Value::Array(items)) if items.iter().all(|f| f.as_object().is_some()) => {
                Some(f)
            }
            Some(_) => return Err(malformed()),
        };
        let roles = match claim.get("roles") {
            None => None,
            Some(r @ Value::Array(items)) if items.iter().all(|r| r.as_str().is_some()) => Some(r),
            Some(_) => return Err(malformed()),
        };
        let Some(Value::String(sub)) = claims.get("sub") else {
            return Err(Error::claim(
                ClientErrorCode::JwtInvalid,
                "sub",
                "JWT sub must be the user or member id",
            ));
        };
        Ok(Self {
            id: text("id")?,
            sub: sub.clone(),
            started_at: text("started_at")?,
            last_accessed_at: text("last_accessed_at")?,
            expires_at,
            attributes,
            factors,
            roles,
        })
    }

    /// `expires_at`: the claim's, or (older tokens) `exp`'s.
    pub fn write_expires_at(&self, claims: &Object, out: &mut String) -> Result<()> {
        match self.expires_at {
            Some(at) => json::write_str(at, out),
            None => {
                let exp = crate::claims::numeric_date(claims, "exp")?.unwrap_or_default();
                json::write_str(&rfc3339_utc(exp), out);
            }
        }
        Ok(())
    }

    /// `authentication_factors` (`[]` when absent).
    pub fn write_factors(&self, out: &mut String) {
        match self.factors {
            Some(factors) => json::write(factors, out),
            None => out.push_str("[]"),
        }
    }

    /// `roles` (`[]` when absent).
    pub fn write_roles(&self, out: &mut String) {
        match self.roles {
            Some(roles) => json::write(roles, out),
            None => out.push_str("[]"),
        }
    }
}

/// `custom_claims`: every claim left in `claims` but the registered ones and `except` (the
/// others are dropped from `claims`).
pub(crate) fn write_custom_claims(claims: &mut Object, except: &[&str], out: &mut String) {
    claims.retain(|name| !RESERVED_CLAIMS.contains(&name) && !except.contains(&name));
    json::write_object(claims, out);
}

/// The `roles` of a session claim (the strings of its array; [`session_json`] refuses a claim
/// whose roles are not all strings).
pub fn session_roles(claims: &Object) -> std::rc::Rc<[String]> {
    let mut roles = Vec::new();
    let listed = claims
        .get(SESSION_CLAIM)
        .and_then(|claim| claim.as_object()?.get("roles")?.as_array());
    for role in listed.unwrap_or_default() {
        if let Some(role) = role.as_str() {
            roles.push(role.to_owned());
        }
    }
    roles.into()
}

/// The members of a session's `attributes`.
const ATTRIBUTES: [&str; 2] = ["ip_address", "user_agent"];

/// Whether `object`'s member `name` is a string, `null` or absent.
fn text_or_absent(object: &Object, name: &str) -> bool {
    object.given(name).is_none_or(|v| v.as_str().is_some())
}

/// Formats Unix seconds as `YYYY-MM-DDTHH:MM:SSZ` (proleptic Gregorian, UTC).
pub fn rfc3339_utc(unix_seconds: i64) -> String {
    let days = unix_seconds.div_euclid(86_400);
    let secs = unix_seconds.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let mut out = String::with_capacity(20);
    if y < 0 {
        out.push('-');
    }
    push_padded(&mut out, y.unsigned_abs(), 4);
    for (sep, n) in [
        ('-', m),
        ('-', d),
        ('T', secs / 3600),
        (':', secs / 60 % 60),
        (':', secs % 60),
    ] {
        out.push(sep);
        push_padded(&mut out, n.unsigned_abs(), 2);
    }
    out.push('Z');
    out
}

/// Reads `YYYY-MM-DDTHH:MM:SS[.fraction]Z` (what the API writes) as Unix seconds; `None` for
/// anything else.
pub fn parse_rfc3339_utc(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let digits = |from: usize, len: usize| -> Option<i64> {
        let part = b.get(from..from + len)?;
        part.iter().try_fold(0i64, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + i64::from(d - b'0'))
        })
    };
    let seps = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if seps.iter().any(|&(at, c)| b.get(at) != Some(&c)) {
        return None;
    }
    let rest = b.get(19..)?;
    let fraction = rest
        .iter()
        .take_while(|c| c.is_ascii_digit() || **c == b'.')
        .count();
    if rest.get(fraction..) != Some(b"Z") || (fraction > 0 && rest[0] != b'.') {
        return None;
    }
    let (y, m, d) = (digits(0, 4)?, digits(5, 2)?, digits(8, 2)?);
    let (h, min, sec) = (digits(11, 2)?, digits(14, 2)?, digits(17, 2)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || h > 23 || min > 59 || sec > 60 {
        return None;
    }
    Some(days_from_civil(y, m, d) * 86_400 + h * 3600 + min * 60 + sec)
}

/// Howard Hinnant's civil-to-days algorithm.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Appends `n` with leading zeros to at least `width` digits.
fn push_padded(out: &mut String, n: u64, width: usize) {
    let mut digits = String::new();
    json::push_u64(&mut digits, n);
    for _ in digits.len()..width {
        out.push('0');
    }
    out.push_str(&digits);
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::{parse_rfc3339_utc, rfc3339_utc};

    #[test]
    fn formats_dates() {
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339_utc(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339_utc(4_102_444_799), "2099-12-31T23:59:59Z");
    }

    #[test]
    fn reads_dates_back() {
        for t in [0, 951_782_400, 1_700_000_000, 4_102_444_799] {
            assert_eq!(parse_rfc3339_utc(&rfc3339_utc(t)), Some(t));
        }
        assert_eq!(
            parse_rfc3339_utc("2023-11-14T22:13:20.123Z"),
            Some(1_700_000_000)
        );
        for bad in [
            "",
            "2023-11-14 22:13:20Z",
            "2023-11-14T22:13:20",
            "2023-13-14T22:13:20Z",
            "2023-11-14T22:13:20+01:00",
            "2023-11-14T22:13:20.Z1",
        ] {
            assert_eq!(parse_rfc3339_utc(bad), None, "{bad}");
        }
    }
}
