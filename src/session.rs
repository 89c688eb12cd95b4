//! The Stytch Session object and the marshalling of a verified session JWT into it
//! (the SDKs' `marshal_jwt_into_session`, contract §5).

use crate::error::{ClientErrorCode, Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

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
    pub authentication_factors: Vec<Map<String, Value>>,
    #[serde(default)]
    pub custom_claims: Map<String, Value>,
    #[serde(default)]
    pub roles: Vec<String>,
}

/// A session verified from a token, with its JSON form (what JavaScript receives), shared between
/// the memo and every caller that presents the same token.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedSession {
    pub session: Session,
    pub json: String,
}

impl std::ops::Deref for SharedSession {
    type Target = Session;
    fn deref(&self) -> &Session {
        &self.session
    }
}

impl Serialize for SharedSession {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        self.session.serialize(serializer)
    }
}

impl SharedSession {
    /// Wraps a session, serializing it once.
    pub fn new(session: Session) -> std::rc::Rc<Self> {
        let json = serde_json::to_string(&session).unwrap_or_default();
        std::rc::Rc::new(Self { session, json })
    }
}

/// The session claim as Stytch writes it into a session JWT.
#[derive(Deserialize)]
struct SessionClaim {
    id: String,
    started_at: String,
    last_accessed_at: String,
    #[serde(default)]
    expires_at: Option<String>,
    #[serde(default)]
    attributes: Option<Attributes>,
    #[serde(default)]
    authentication_factors: Vec<Map<String, Value>>,
    #[serde(default)]
    roles: Vec<String>,
}

/// Builds the [`Session`] a verified JWT describes. `claims` must already have passed
/// [`crate::claims::validate`] (so `exp` is an integer).
pub fn marshal_jwt_into_session(mut claims: Map<String, Value>) -> Result<Session> {
    let invalid = |why: &str| Error::claim(ClientErrorCode::JwtInvalid, SESSION_CLAIM, why);
    let claim = claims
        .remove(SESSION_CLAIM)
        .ok_or_else(|| invalid("JWT has no https://stytch.com/session claim"))?;
    let claim: SessionClaim = serde_json::from_value(claim)
        .map_err(|_| invalid("JWT's https://stytch.com/session claim is malformed"))?;
    let user_id = match claims.get("sub") {
        Some(Value::String(sub)) => sub.clone(),
        _ => {
            return Err(Error::claim(
                ClientErrorCode::JwtInvalid,
                "sub",
                "JWT sub must be the user id",
            ))
        }
    };
    let expires_at = match claim.expires_at {
        Some(at) => at,
        None => {
            let exp = crate::claims::numeric_date(&claims, "exp")?.unwrap_or_default();
            rfc3339_utc(exp)
        }
    };
    claims.retain(|name, _| !RESERVED_CLAIMS.contains(&name.as_str()));
    Ok(Session {
        session_id: claim.id,
        user_id,
        started_at: claim.started_at,
        last_accessed_at: claim.last_accessed_at,
        expires_at,
        attributes: claim.attributes,
        authentication_factors: claim.authentication_factors,
        custom_claims: claims,
        roles: claim.roles,
    })
}

/// Formats Unix seconds as `YYYY-MM-DDTHH:MM:SSZ` (proleptic Gregorian, UTC).
pub fn rfc3339_utc(unix_seconds: i64) -> String {
    let days = unix_seconds.div_euclid(86_400);
    let secs = unix_seconds.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
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
    use super::rfc3339_utc;

    #[test]
    fn formats_dates() {
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339_utc(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339_utc(4_102_444_799), "2099-12-31T23:59:59Z");
    }
}
