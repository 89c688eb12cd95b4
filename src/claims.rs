//! Registered claim validation (RFC 7519 §4.1; `docs/rules.md` steps 5–6), with `now` passed in.
//!
//! Order: `iss`, `aud`, the types of `exp`, `nbf`, `iat` (every numeric date must be an integer:
//! JSON numbers with a fraction or exponent are refused, as are values beyond ±2^63), then `exp`,
//! `nbf` and the token's age against the clock ([`check_times`], also used on memo hits).

use crate::error::{ClientErrorCode, Error, Result};
use crate::json::{Object, Value};

/// Seconds a token may be old by default (the Stytch SDKs' `max_token_age_seconds`).
pub const DEFAULT_MAX_TOKEN_AGE_SECONDS: u64 = 300;

/// What the claims of a verified token must satisfy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRules<'a> {
    /// The project id, required in `aud`; `stytch.com/<project_id>` is an accepted `iss`.
    pub project_id: &'a str,
    /// The API base URL without trailing `/`: the other accepted `iss` (custom domains).
    pub base_url: &'a str,
    /// The current time, in whole seconds since the Unix epoch.
    pub now: i64,
    /// Allowed clock skew, in seconds, for `exp` and `nbf`.
    pub clock_tolerance_seconds: u64,
    /// With `Some(max)`, `iat` is required and the token is too old when `now - iat > max`.
    pub max_token_age_seconds: Option<u64>,
}

/// The time claims of a token, read once (they are re-judged against the clock on every call).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Times {
    pub exp: i64,
    pub nbf: Option<i64>,
    pub iat: Option<i64>,
}

/// Validates the registered claims of a verified token and returns its time claims.
pub fn validate(claims: &Object, rules: &ClaimRules<'_>) -> Result<Times> {
    check_issuer(claims, rules)?;
    check_audience(claims, rules.project_id)?;
    let times = Times {
        exp: numeric_date(claims, "exp")?.ok_or_else(|| {
            Error::claim(ClientErrorCode::JwtInvalid, "exp", "JWT has no exp claim")
        })?,
        nbf: numeric_date(claims, "nbf")?,
        iat: numeric_date(claims, "iat")?,
    };
    check_times(&times, rules)?;
    Ok(times)
}

/// `exp`, `nbf` (with tolerance) and the token's age, against `rules.now`. Compared exactly in
/// 128-bit arithmetic: no saturation can turn a refusal into a pass at extreme values.
pub fn check_times(times: &Times, rules: &ClaimRules<'_>) -> Result<()> {
    let now = i128::from(rules.now);
    let tolerance = i128::from(rules.clock_tolerance_seconds);
    if i128::from(times.exp) <= now - tolerance {
        return Err(Error::claim(
            ClientErrorCode::JwtExpired,
            "exp",
            "JWT has expired",
        ));
    }
    if times
        .nbf
        .is_some_and(|nbf| i128::from(nbf) > now + tolerance)
    {
        return Err(Error::claim(
            ClientErrorCode::JwtNotYetValid,
            "nbf",
            "JWT is not valid yet (nbf is in the future)",
        ));
    }
    if let Some(max_age) = rules.max_token_age_seconds {
        let iat = times.iat.ok_or_else(|| {
            Error::claim(
                ClientErrorCode::JwtInvalid,
                "iat",
                "JWT has no iat claim, needed to check its age",
            )
        })?;
        // `0`: every token is too old (stytch-node's rule, where only the API may accept it).
        if max_age == 0 || now - i128::from(iat) > i128::from(max_age) {
            return Err(Error::claim(
                ClientErrorCode::JwtTooOld,
                "iat",
                "JWT is older than max_token_age_seconds",
            ));
        }
    }
    Ok(())
}

fn check_issuer(claims: &Object, rules: &ClaimRules<'_>) -> Result<()> {
    let ok = match claims.get("iss") {
        Some(Value::String(iss)) => {
            iss == rules.base_url
                || iss
                    .strip_prefix("stytch.com/")
                    .is_some_and(|id| id == rules.project_id)
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(Error::claim(
            ClientErrorCode::JwtInvalidIssuer,
            "iss",
            "JWT iss must be stytch.com/<project_id> or the project's API base URL",
        ))
    }
}

fn check_audience(claims: &Object, project_id: &str) -> Result<()> {
    let ok = match claims.get("aud") {
        Some(Value::String(aud)) => aud == project_id,
        Some(Value::Array(auds)) => auds.iter().any(|a| a.as_str() == Some(project_id)),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(Error::claim(
            ClientErrorCode::JwtInvalidAudience,
            "aud",
            "JWT aud does not contain the project id",
        ))
    }
}

/// A NumericDate claim (RFC 7519 §2) as whole seconds; `None` when absent.
pub fn numeric_date(claims: &Object, name: &'static str) -> Result<Option<i64>> {
    match claims.get(name) {
        None => Ok(None),
        Some(n @ Value::Number(_)) => n.as_i64().map(Some).ok_or_else(|| {
            Error::claim(
                ClientErrorCode::JwtInvalid,
                name,
                ["JWT ", name, " must be an integer number of seconds"].concat(),
            )
        }),
        Some(_) => Err(Error::claim(
            ClientErrorCode::JwtInvalid,
            name,
            ["JWT ", name, " must be a number"].concat(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The message names the rule, never the options' values (the project id, the base URL).
    #[test]
    fn the_issuer_error_echoes_no_option() {
        let claims = crate::json::parse_object(br#"{"iss":"stytch.com/other"}"#).unwrap();
        let rules = ClaimRules {
            project_id: "project-test-secretive-id",
            base_url: "https://auth.secret-company.example",
            now: 0,
            clock_tolerance_seconds: 0,
            max_token_age_seconds: None,
        };
        let message = check_issuer(&claims, &rules).unwrap_err().to_string();
        assert!(
            !message.contains("secretive") && !message.contains("secret-company"),
            "{message}"
        );
    }
}
