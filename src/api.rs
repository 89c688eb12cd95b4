//! The Sessions endpoints: their parameters (read strictly from JSON, written as request bodies
//! with Stytch's snake_case names; unset fields left out), the members each answer must have,
//! and typed answers for Rust callers.
//!
//! Answers reach JavaScript as the API sent them (once checked), so nothing the API says is lost
//! on the way; Rust callers get them typed (serde) from [`crate::Client`].

use crate::engine::Operation;
use crate::error::{Error, Result};
use crate::json::{self, Object, Value};
use crate::jwk::Jwk;
use crate::rbac::{AuthorizationCheck, Verdict};
use crate::session::Session;
use serde::{Deserialize, Serialize};
use serde_json::Map;

/// `POST /v1/sessions/authenticate`. Exactly one of `session_token` and `session_jwt` (the API
/// judges that).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuthenticateParams {
    pub session_token: Option<String>,
    pub session_jwt: Option<String>,
    pub session_duration_minutes: Option<u32>,
    pub session_custom_claims: Option<Object>,
    /// Asks the API to judge this check too: 403 when the session may not act.
    pub authorization_check: Option<AuthorizationCheck>,
}

/// `authenticateJwt`: local verification first, the API when it cannot decide.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuthenticateJwtParams {
    pub session_jwt: String,
    pub max_token_age_seconds: Option<u64>,
    pub session_duration_minutes: Option<u32>,
    pub session_custom_claims: Option<Object>,
    pub clock_tolerance_seconds: Option<u64>,
    /// Judged locally against the cached policy; a local denial asks the API.
    pub authorization_check: Option<AuthorizationCheck>,
}

/// `authenticateJwtLocal` and `verifyJwt`: local verification only.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LocalJwtParams {
    pub max_token_age_seconds: Option<u64>,
    pub clock_tolerance_seconds: Option<u64>,
    /// The time to judge the token at, in milliseconds since the epoch (JavaScript's `Date`).
    pub current_date_ms: Option<f64>,
    /// Judged locally against the cached policy; a denial is `invalid_permissions`.
    pub authorization_check: Option<AuthorizationCheck>,
}

/// `POST /v1/sessions/exchange_access_token`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExchangeAccessTokenParams {
    pub access_token: String,
    pub session_duration_minutes: Option<u32>,
    pub session_custom_claims: Option<Object>,
    /// A Device Fingerprinting telemetry id: the answer then carries `user_device`.
    pub telemetry_id: Option<String>,
}

/// `POST /v1/sessions/attest`: a trusted auth token from one of the project's token profiles.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AttestParams {
    pub profile_id: String,
    pub token: String,
    pub session_duration_minutes: Option<u32>,
    pub session_custom_claims: Option<Object>,
    pub session_token: Option<String>,
    pub session_jwt: Option<String>,
    /// A Device Fingerprinting telemetry id: the answer then carries `user_device`.
    pub telemetry_id: Option<String>,
}

/// `POST /v1/sessions/migrate`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MigrateParams {
    pub session_token: String,
    pub session_duration_minutes: Option<u32>,
    pub session_custom_claims: Option<Object>,
    /// A Device Fingerprinting telemetry id: the answer then carries `user_device`.
    pub telemetry_id: Option<String>,
}

/// `POST /v1/sessions/revoke`. Exactly one of the three.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RevokeParams {
    pub session_id: Option<String>,
    pub session_token: Option<String>,
    pub session_jwt: Option<String>,
}

/// The member names one reader of an options or params object knows. Each list sits next to
/// the code that reads its names, and an object's known names are the lists of every reader it
/// goes through (`docs/rules.md`, "Configuration": strict names).
pub type Names = &'static [&'static str];

/// Reads the members of an options or params object, with messages that name the member and
/// the expected type, never the value given.
pub struct Fields<'a> {
    object: &'a Object,
    what: &'static str,
}

impl<'a> Fields<'a> {
    /// The fields of `value`, which must be an object each of whose members is named in one of
    /// the `known` lists (see [`check_names`]).
    pub fn of(value: &'a Value, what: &'static str, known: &[Names]) -> Result<Self> {
        match value {
            Value::Object(object) => {
                check_names(object, what, "", known)?;
                Ok(Self { object, what })
            }
            _ => Err(Error::invalid_argument(
                [what, " must be an object"].concat(),
            )),
        }
    }

    /// What the options are called in messages.
    pub fn what(&self) -> &'static str {
        self.what
    }

    fn wrong(&self, name: &str, expected: &str) -> Error {
        Error::invalid_argument([self.what, ": ", name, " must be ", expected].concat())
    }

    /// An optional string.
    pub fn string(&self, name: &str) -> Result<Option<String>> {
        match self.object.given(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(self.wrong(name, "a string")),
        }
    }

    /// A required string.
    pub fn required_string(&self, name: &str) -> Result<String> {
        self.string(name)?
            .ok_or_else(|| self.wrong(name, "a string"))
    }

    /// An optional non-negative integer.
    pub fn uint(&self, name: &str) -> Result<Option<u64>> {
        match self.object.given(name) {
            None => Ok(None),
            Some(v) => v
                .as_u64()
                .map(Some)
                .ok_or_else(|| self.wrong(name, "a non-negative integer")),
        }
    }

    /// An optional integer from 0 to `max`.
    pub fn uint_at_most(&self, name: &str, max: u64) -> Result<Option<u64>> {
        match self.object.given(name) {
            None => Ok(None),
            Some(v) => match v.as_u64() {
                Some(n) if n <= max => Ok(Some(n)),
                _ => {
                    let mut expected = String::from("an integer from 0 to ");
                    json::push_u64(&mut expected, max);
                    Err(self.wrong(name, &expected))
                }
            },
        }
    }

    /// An optional non-negative integer that fits 32 bits.
    pub fn u32(&self, name: &str) -> Result<Option<u32>> {
        self.u32_at_most(name, u32::MAX)
    }

    /// An optional integer from 0 to `max`.
    pub fn u32_at_most(&self, name: &str, max: u32) -> Result<Option<u32>> {
        Ok(self
            .uint_at_most(name, u64::from(max))?
            .and_then(|n| u32::try_from(n).ok()))
    }

    /// An optional instant: epoch milliseconds (a whole number from 0 to 8.64e15, JavaScript's
    /// last `Date`) or an ISO 8601 UTC date, what `JSON.stringify` makes of a `Date`
    /// (`2024-01-02T03:04:05.678Z`, from 1970 on).
    pub fn epoch_ms(&self, name: &str) -> Result<Option<u64>> {
        // An integer only (what `Date.now()` and `getTime()` give): parsing a float would bring
        // the standard library's float parser (several KB) into the module for this one option.
        const LAST_DATE_MS: u64 = 8_640_000_000_000_000;
        let ms = match self.object.given(name) {
            None => return Ok(None),
            Some(number @ Value::Number(_)) => number.as_u64().filter(|ms| *ms <= LAST_DATE_MS),
            Some(Value::String(text)) => iso_date_ms(text),
            Some(_) => None,
        };
        ms.map(Some).ok_or_else(|| {
            self.wrong(
                name,
                "a Date or a whole number of milliseconds since 1970 (not negative)",
            )
        })
    }

    /// An optional JSON object.
    pub fn object(&self, name: &str) -> Result<Option<Object>> {
        match self.object.given(name) {
            None => Ok(None),
            Some(Value::Object(o)) => Ok(Some(o.clone())),
            Some(_) => Err(self.wrong(name, "an object")),
        }
    }

    /// An optional boolean.
    pub fn bool(&self, name: &str) -> Result<Option<bool>> {
        match self.object.given(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(self.wrong(name, "a boolean")),
        }
    }

    /// An optional authorization check: `{resource_id, action}` and no other member.
    pub fn check(&self, name: &str) -> Result<Option<AuthorizationCheck>> {
        let Some(value) = self.object.given(name) else {
            return Ok(None);
        };
        if let Value::Object(check) = value {
            check_names(check, self.what, &[name, "."].concat(), &[CHECK_MEMBERS])?;
        }
        AuthorizationCheck::from_value(value, self.what).map(Some)
    }

    /// Optional pre-seeded keys: an array of JWK objects, or a JWKS `{keys: [...]}` (what
    /// `getJWKS` and the JWKS endpoint return). Parsed into keys only when the store has none
    /// for the project (a per-request client then costs no key parsing); checked for shape now,
    /// so a bad option fails here.
    pub fn jwks(&self, name: &str) -> Result<Option<Vec<Value>>> {
        let keys = match self.object.given(name) {
            None => return Ok(None),
            Some(Value::Array(keys)) => keys,
            Some(Value::Object(set)) => match set.given("keys") {
                Some(Value::Array(keys)) => keys,
                _ => return Err(self.wrong(name, "an array of JWK objects or {keys: [...]}")),
            },
            Some(_) => return Err(self.wrong(name, "an array of JWK objects or {keys: [...]}")),
        };
        if keys.iter().any(|k| k.as_object().is_none()) {
            return Err(self.wrong(name, "an array of JWK objects or {keys: [...]}"));
        }
        Ok(Some(keys.clone()))
    }

    /// An optional array.
    pub fn array(&self, name: &str) -> Result<Option<Vec<Value>>> {
        match self.object.given(name) {
            None => Ok(None),
            Some(Value::Array(a)) => Ok(Some(a.clone())),
            Some(_) => Err(self.wrong(name, "an array")),
        }
    }
}

/// The members of an `authorization_check` (read by [`AuthorizationCheck::from_value`]).
pub const CHECK_MEMBERS: Names = &["resource_id", "action"];

/// The longest member name a message repeats (longer ones are cut).
const MAX_NAME_IN_MESSAGE: usize = 64;

/// Refuses the first member of `object` that none of the `known` lists names, with
/// `<what>: <prefix><name> is not an option` (`is not a parameter` for params) and, when one is
/// near ([`nearest`]), `; did you mean <prefix><nearest>?`. The message holds the member's name
/// (cut at 64 characters), never its value.
pub fn check_names(object: &Object, what: &str, prefix: &str, known: &[Names]) -> Result<()> {
    let is_known = |name: &str| known.iter().any(|names| names.contains(&name));
    let Some(name) = object.keys().find(|name| !is_known(name)) else {
        return Ok(());
    };
    let noun = if what.ends_with(" params") {
        " is not a parameter"
    } else {
        " is not an option"
    };
    let shown: String = name
        .chars()
        .take(MAX_NAME_IN_MESSAGE)
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect();
    let mut message = [what, ": ", prefix, &shown, noun].concat();
    if let Some(near) = nearest(name, known.iter().flat_map(|names| names.iter().copied())) {
        message.push_str("; did you mean ");
        message.push_str(prefix);
        message.push_str(near);
        message.push('?');
    }
    Err(Error::invalid_argument(message))
}

/// The known name nearest to `name`, if one is near: after `name` is lowercased and its
/// `camelCase` turned to `snake_case`, either an edit distance (optimal string alignment:
/// insertions, deletions, substitutions and swaps of neighbours) of at most a third of the
/// known name's length (at least 1, at most 3), or one of the two is the other plus `_…`
/// (`max_token_age` → `max_token_age_seconds`). The smallest distance wins, then the first.
pub fn nearest<'k>(name: &str, known: impl Iterator<Item = &'k str>) -> Option<&'k str> {
    if name.len() > MAX_NAME_IN_MESSAGE {
        return None;
    }
    let given = snake_case(name);
    let mut best: Option<(usize, &str)> = None;
    for candidate in known {
        let limit = (candidate.len() / 3).clamp(1, 3);
        let distance = edit_distance(&given, candidate);
        let word_prefix = |long: &str, short: &str| {
            long.strip_prefix(short)
                .is_some_and(|rest| rest.starts_with('_'))
        };
        let score = if distance <= limit {
            distance
        } else if word_prefix(candidate, &given) || word_prefix(&given, candidate) {
            limit + 1
        } else {
            continue;
        };
        if best.is_none_or(|(s, _)| score < s) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// `name` lowercased, with `_` before each capital that follows a lowercase letter or a digit
/// (`cookieName` → `cookie_name`, `customBaseURL` → `custom_base_url`).
fn snake_case(name: &str) -> String {
    // ASCII only: every known name is ASCII, and Unicode case tables would cost the module KBs.
    let mut out = String::with_capacity(name.len() + 4);
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() && previous_lower {
            out.push('_');
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// The optimal string alignment distance between `a` and `b`, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut last: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut row = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (last[j] + 1).min(row[j - 1] + 1).min(last[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            row[j] = d;
        }
        before = std::mem::replace(&mut last, row);
    }
    last[b.len()]
}

/// Milliseconds since the epoch of an ISO 8601 UTC date as `Date.prototype.toJSON` writes it
/// (`2024-01-02T03:04:05.678Z`; any number of fraction digits), from 1970 on.
fn iso_date_ms(text: &str) -> Option<u64> {
    let seconds = u64::try_from(crate::session::parse_rfc3339_utc(text)?).ok()?;
    let fraction = text
        .get(19..)
        .and_then(|rest| rest.strip_prefix('.'))
        .unwrap_or("");
    let ms = fraction
        .bytes()
        .take_while(u8::is_ascii_digit)
        .chain(std::iter::repeat(b'0'))
        .take(3)
        .fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
    seconds.checked_mul(1000)?.checked_add(ms)
}

/// The params `get` reads (stytch-node's).
pub const GET_PARAMS: Names = &["user_id"];
/// The params `getJWKS` reads (stytch-node's).
pub const GET_JWKS_PARAMS: Names = &["project_id"];

/// `client.sessions[op](params)` as an engine operation, reading the params with `read` (given
/// what to call them in an error); unknown operations are refused. `current_date` is the
/// params' `current_date` in milliseconds (`authenticateJwtLocal`).
pub fn sessions_operation(
    op: &str,
    mut read: impl FnMut(&'static str) -> Result<Value>,
    current_date: Option<f64>,
) -> Result<Operation> {
    Ok(match op {
        "authenticate" => Operation::Authenticate(AuthenticateParams::from_value(&read(
            "authenticate params",
        )?)?),
        "authenticateJwt" => Operation::AuthenticateJwt(AuthenticateJwtParams::from_value(&read(
            "authenticateJwt params",
        )?)?),
        "authenticateJwtLocal" => {
            let what = "authenticateJwtLocal params";
            let value = read(what)?;
            let f = Fields::of(&value, what, &[SESSION_JWT, LocalJwtParams::NAMES])?;
            Operation::VerifyJwt {
                token: f.required_string("session_jwt")?,
                params: LocalJwtParams::from_fields(&f, current_date)?,
            }
        }
        "get" => Operation::Get {
            user_id: Fields::of(&read("get params")?, "get params", &[GET_PARAMS])?
                .required_string("user_id")?,
        },
        "getJWKS" => {
            let what = "getJWKS params";
            let project_id = Fields::of(&read(what)?, what, &[GET_JWKS_PARAMS])?
                .required_string("project_id")?;
            crate::http::check_path_value("getJWKS params: project_id", &project_id)?;
            Operation::GetJwks { project_id }
        }
        "migrate" => Operation::Migrate(MigrateParams::from_value(&read("migrate params")?)?),
        "revoke" => Operation::Revoke(RevokeParams::from_value(&read("revoke params")?)?),
        "exchangeAccessToken" => Operation::ExchangeAccessToken(
            ExchangeAccessTokenParams::from_value(&read("exchangeAccessToken params")?)?,
        ),
        "attest" => Operation::Attest(AttestParams::from_value(&read("attest params")?)?),
        _ => return Err(Error::invalid_argument("no such Sessions operation")),
    })
}

/// Parses params given as JSON text (what JavaScript's `JSON.stringify` made).
pub fn parse_params(text: &str, what: &'static str) -> Result<Value> {
    json::parse(text.as_bytes())
        .map_err(|_| Error::invalid_argument([what, " cannot be read as JSON"].concat()))
}

impl AuthenticateParams {
    /// The params `authenticate` reads (stytch-node's).
    pub const NAMES: Names = &[
        "session_token",
        "session_jwt",
        "session_duration_minutes",
        "session_custom_claims",
        "authorization_check",
    ];

    /// Reads `authenticate`'s params.
    pub fn from_value(value: &Value) -> Result<Self> {
        let f = Fields::of(value, "authenticate params", &[Self::NAMES])?;
        Ok(Self {
            session_token: f.string("session_token")?,
            session_jwt: f.string("session_jwt")?,
            session_duration_minutes: f.u32("session_duration_minutes")?,
            session_custom_claims: f.object("session_custom_claims")?,
            authorization_check: f.check("authorization_check")?,
        })
    }

    /// The request body.
    pub fn body(&self) -> String {
        let mut body = Body::default();
        body.string("session_token", self.session_token.as_deref());
        body.string("session_jwt", self.session_jwt.as_deref());
        body.uint("session_duration_minutes", self.session_duration_minutes);
        body.object("session_custom_claims", self.session_custom_claims.as_ref());
        body.check("authorization_check", self.authorization_check.as_ref());
        body.finish()
    }
}

impl AuthenticateJwtParams {
    /// The params `authenticateJwt` reads besides `session_jwt` (stytch-node's
    /// `max_token_age_seconds` and `authorization_check`, and ours), which
    /// `authenticateRequest` takes as options too.
    pub const OPTIONS: Names = &[
        "max_token_age_seconds",
        "session_duration_minutes",
        "session_custom_claims",
        "clock_tolerance_seconds",
        "authorization_check",
    ];

    /// Reads `authenticateJwt`'s params.
    pub fn from_value(value: &Value) -> Result<Self> {
        let f = Fields::of(
            value,
            "authenticateJwt params",
            &[SESSION_JWT, Self::OPTIONS],
        )?;
        Ok(Self {
            session_jwt: f.required_string("session_jwt")?,
            ..Self::options(&f)?
        })
    }

    /// Reads the [`Self::OPTIONS`] of `f`; `session_jwt` is left empty.
    pub fn options(f: &Fields<'_>) -> Result<Self> {
        Ok(Self {
            session_jwt: String::new(),
            max_token_age_seconds: f.uint("max_token_age_seconds")?,
            session_duration_minutes: f.u32("session_duration_minutes")?,
            session_custom_claims: f.object("session_custom_claims")?,
            clock_tolerance_seconds: f.uint("clock_tolerance_seconds")?,
            authorization_check: f.check("authorization_check")?,
        })
    }
}

/// The token param of `authenticateJwt` and `authenticateJwtLocal`.
pub const SESSION_JWT: Names = &["session_jwt"];

impl LocalJwtParams {
    /// The local-verification options (`current_date` is read by the driver, which passes it
    /// on, as it may be a `Date`).
    pub const NAMES: Names = &[
        "max_token_age_seconds",
        "clock_tolerance_seconds",
        "current_date",
        "authorization_check",
    ];

    /// Reads the local-verification options of `fields` (`current_date` is read by the caller,
    /// as it may be a `Date`).
    pub fn from_fields(f: &Fields<'_>, current_date_ms: Option<f64>) -> Result<Self> {
        Self {
            max_token_age_seconds: f.uint("max_token_age_seconds")?,
            clock_tolerance_seconds: f.uint("clock_tolerance_seconds")?,
            current_date_ms: None,
            authorization_check: f.check("authorization_check")?,
        }
        .at(f.what(), current_date_ms)
    }

    /// The same options judged at `current_date_ms` (of the options object `what`), which must
    /// be finite when given.
    pub fn at(mut self, what: &str, current_date_ms: Option<f64>) -> Result<Self> {
        if current_date_ms.is_some_and(|ms| !ms.is_finite()) {
            return Err(Error::invalid_argument(
                [
                    what,
                    ": current_date must be a valid Date or a number of milliseconds",
                ]
                .concat(),
            ));
        }
        self.current_date_ms = current_date_ms;
        Ok(self)
    }
}

impl MigrateParams {
    /// The params `migrate` reads (stytch-node's).
    pub const NAMES: Names = &[
        "session_token",
        "session_duration_minutes",
        "session_custom_claims",
        "telemetry_id",
    ];

    /// Reads `migrate`'s params.
    pub fn from_value(value: &Value) -> Result<Self> {
        let f = Fields::of(value, "migrate params", &[Self::NAMES])?;
        Ok(Self {
            session_token: f.required_string("session_token")?,
            session_duration_minutes: f.u32("session_duration_minutes")?,
            session_custom_claims: f.object("session_custom_claims")?,
            telemetry_id: f.string("telemetry_id")?,
        })
    }

    /// The request body.
    pub fn body(&self) -> String {
        let mut body = Body::default();
        body.string("session_token", Some(&self.session_token));
        body.uint("session_duration_minutes", self.session_duration_minutes);
        body.object("session_custom_claims", self.session_custom_claims.as_ref());
        body.string("telemetry_id", self.telemetry_id.as_deref());
        body.finish()
    }
}

impl ExchangeAccessTokenParams {
    /// The params `exchangeAccessToken` reads (stytch-node's).
    pub const NAMES: Names = &[
        "access_token",
        "session_duration_minutes",
        "session_custom_claims",
        "telemetry_id",
    ];

    /// Reads `exchangeAccessToken`'s params.
    pub fn from_value(value: &Value) -> Result<Self> {
        let f = Fields::of(value, "exchangeAccessToken params", &[Self::NAMES])?;
        Ok(Self {
            access_token: f.required_string("access_token")?,
            session_duration_minutes: f.u32("session_duration_minutes")?,
            session_custom_claims: f.object("session_custom_claims")?,
            telemetry_id: f.string("telemetry_id")?,
        })
    }

    /// The request body.
    pub fn body(&self) -> String {
        let mut body = Body::default();
        body.string("access_token", Some(&self.access_token));
        body.uint("session_duration_minutes", self.session_duration_minutes);
        body.object("session_custom_claims", self.session_custom_claims.as_ref());
        body.string("telemetry_id", self.telemetry_id.as_deref());
        body.finish()
    }
}

impl AttestParams {
    /// The params `attest` reads (stytch-node's).
    pub const NAMES: Names = &[
        "profile_id",
        "token",
        "session_duration_minutes",
        "session_custom_claims",
        "session_token",
        "session_jwt",
        "telemetry_id",
    ];

    /// Reads `attest`'s params.
    pub fn from_value(value: &Value) -> Result<Self> {
        let f = Fields::of(value, "attest params", &[Self::NAMES])?;
        Ok(Self {
            profile_id: f.required_string("profile_id")?,
            token: f.required_string("token")?,
            session_duration_minutes: f.u32("session_duration_minutes")?,
            session_custom_claims: f.object("session_custom_claims")?,
            session_token: f.string("session_token")?,
            session_jwt: f.string("session_jwt")?,
            telemetry_id: f.string("telemetry_id")?,
        })
    }

    /// The request body.
    pub fn body(&self) -> String {
        let mut body = Body::default();
        body.string("profile_id", Some(&self.profile_id));
        body.string("token", Some(&self.token));
        body.uint("session_duration_minutes", self.session_duration_minutes);
        body.object("session_custom_claims", self.session_custom_claims.as_ref());
        body.string("session_token", self.session_token.as_deref());
        body.string("session_jwt", self.session_jwt.as_deref());
        body.string("telemetry_id", self.telemetry_id.as_deref());
        body.finish()
    }
}

impl RevokeParams {
    /// The params `revoke` reads (stytch-node's).
    pub const NAMES: Names = &["session_id", "session_token", "session_jwt"];

    /// Reads `revoke`'s params.
    pub fn from_value(value: &Value) -> Result<Self> {
        let f = Fields::of(value, "revoke params", &[Self::NAMES])?;
        Ok(Self {
            session_id: f.string("session_id")?,
            session_token: f.string("session_token")?,
            session_jwt: f.string("session_jwt")?,
        })
    }

    /// The request body.
    pub fn body(&self) -> String {
        let mut body = Body::default();
        body.string("session_id", self.session_id.as_deref());
        body.string("session_token", self.session_token.as_deref());
        body.string("session_jwt", self.session_jwt.as_deref());
        body.finish()
    }
}

/// A JSON request body, written member by member; unset members are left out.
#[derive(Default)]
struct Body(String);

impl Body {
    fn name(&mut self, name: &str) {
        self.0.push(if self.0.is_empty() { '{' } else { ',' });
        json::write_str(name, &mut self.0);
        self.0.push(':');
    }
    fn string(&mut self, name: &str, value: Option<&str>) {
        if let Some(value) = value {
            self.name(name);
            json::write_str(value, &mut self.0);
        }
    }
    fn uint(&mut self, name: &str, value: Option<u32>) {
        if let Some(value) = value {
            self.name(name);
            json::push_u64(&mut self.0, u64::from(value));
        }
    }
    fn object(&mut self, name: &str, value: Option<&Object>) {
        if let Some(value) = value {
            self.name(name);
            json::write_object(value, &mut self.0);
        }
    }
    fn check(&mut self, name: &str, value: Option<&AuthorizationCheck>) {
        if let Some(value) = value {
            self.name(name);
            value.write(&mut self.0);
        }
    }
    fn finish(mut self) -> String {
        if self.0.is_empty() {
            self.0.push('{');
        }
        self.0.push('}');
        self.0
    }
}

/// The kind of JSON value a member of an answer must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    Number,
    Object,
    Array,
}

impl Kind {
    /// Whether `value` is of this kind.
    pub fn matches(self, value: &Value) -> bool {
        matches!(
            (self, value),
            (Kind::String, Value::String(_))
                | (Kind::Number, Value::Number(_))
                | (Kind::Object, Value::Object(_))
                | (Kind::Array, Value::Array(_))
        )
    }
}

/// One Sessions endpoint: how it is called and what its answer must hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    Authenticate,
    Get,
    GetJwks,
    Migrate,
    Revoke,
    ExchangeAccessToken,
    Attest,
    RbacPolicy,
}

impl Endpoint {
    /// The endpoint's method and path, without parameters: the one list of the API's routes.
    pub fn route(self) -> (&'static str, &'static str) {
        match self {
            Self::Authenticate => ("POST", "/v1/sessions/authenticate"),
            Self::Get => ("GET", "/v1/sessions"),
            Self::GetJwks => ("GET", "/v1/sessions/jwks"),
            Self::Migrate => ("POST", "/v1/sessions/migrate"),
            Self::Revoke => ("POST", "/v1/sessions/revoke"),
            Self::ExchangeAccessToken => ("POST", "/v1/sessions/exchange_access_token"),
            Self::Attest => ("POST", "/v1/sessions/attest"),
            Self::RbacPolicy => ("GET", "/v1/rbac/policy"),
        }
    }

    /// `METHOD /path`, for messages.
    pub fn name(self) -> String {
        let (method, path) = self.route();
        [method, " ", path].concat()
    }

    /// The members a successful answer must have.
    pub fn required(self) -> &'static [(&'static str, Kind)] {
        const STATUS: [(&str, Kind); 2] =
            [("request_id", Kind::String), ("status_code", Kind::Number)];
        match self {
            Self::Authenticate => &[
                STATUS[0],
                STATUS[1],
                ("session", Kind::Object),
                ("session_token", Kind::String),
                ("session_jwt", Kind::String),
                ("user", Kind::Object),
            ],
            Self::Get => &[STATUS[0], STATUS[1], ("sessions", Kind::Array)],
            Self::GetJwks => &[("keys", Kind::Array)],
            Self::Migrate | Self::ExchangeAccessToken | Self::Attest => &[
                STATUS[0],
                STATUS[1],
                ("user_id", Kind::String),
                ("user", Kind::Object),
                ("session_token", Kind::String),
                ("session_jwt", Kind::String),
            ],
            Self::Revoke => &STATUS,
            Self::RbacPolicy => &[STATUS[0], STATUS[1], ("policy", Kind::Object)],
        }
    }
}

/// A Stytch user, whole: `user_id, emails, status, name, phone_numbers, providers, created_at,
/// trusted_metadata, untrusted_metadata, …`.
pub type User = Map<String, serde_json::Value>;

/// Answer of `authenticate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthenticateResponse {
    pub request_id: String,
    pub status_code: u16,
    pub session: Session,
    pub session_token: String,
    pub session_jwt: String,
    pub user: User,
    /// The API's verdict on the `authorization_check`, when one was asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
}

/// Answer of `authenticateJwt`: the session from the token itself, or the API's full answer
/// (with a new `session_jwt`) when the API had to decide.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // the local answer is the hot path: keep it unboxed
pub enum AuthenticateJwtResponse {
    Local {
        session: Session,
        session_jwt: String,
        /// The verdict on the `authorization_check`, judged against the cached policy.
        verdict: Option<Verdict>,
    },
    Remote(Box<AuthenticateResponse>),
}

impl AuthenticateJwtResponse {
    /// The session, wherever it came from.
    pub fn session(&self) -> &Session {
        match self {
            Self::Local { session, .. } => session,
            Self::Remote(r) => &r.session,
        }
    }

    /// The verdict on the `authorization_check`, wherever it was judged (`None` without one).
    pub fn verdict(&self) -> Option<&Verdict> {
        match self {
            Self::Local { verdict, .. } => verdict.as_ref(),
            Self::Remote(r) => r.verdict.as_ref(),
        }
    }

    /// Whether the API was called.
    pub fn is_remote(&self) -> bool {
        matches!(self, Self::Remote(_))
    }
}

/// Answer of `get`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetResponse {
    pub request_id: String,
    pub status_code: u16,
    pub sessions: Vec<Session>,
}

/// Answer of `getJWKS`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JwksResponse {
    #[serde(default)]
    pub request_id: String,
    #[serde(default)]
    pub status_code: u16,
    pub keys: Vec<Jwk>,
}

/// Answer of `migrate`: a session only when a duration was given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MigrateResponse {
    pub request_id: String,
    pub status_code: u16,
    pub user_id: String,
    pub user: User,
    pub session_token: String,
    pub session_jwt: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<Session>,
    /// Device attributes when the request carried a `telemetry_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_device: Option<Map<String, serde_json::Value>>,
}

/// Answer of `revoke`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevokeResponse {
    pub request_id: String,
    pub status_code: u16,
}

/// Answer of `exchangeAccessToken` and of `attest`: a session for the user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewSessionResponse {
    pub request_id: String,
    pub status_code: u16,
    pub user_id: String,
    pub user: User,
    pub session_token: String,
    pub session_jwt: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<Session>,
    /// Device attributes when the request carried a `telemetry_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_device: Option<Map<String, serde_json::Value>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn value(text: &str) -> Value {
        json::parse(text.as_bytes()).unwrap()
    }

    /// `op`'s params from JSON text, as `client.sessions[op](params)` reads them.
    fn op(op: &str, params: &str) -> Result<Operation> {
        sessions_operation(op, |_| Ok(value(params)), None)
    }

    #[test]
    fn the_nearest_known_name_is_suggested() {
        let known = [
            Config::OPTIONS,
            Config::SDK_CLIENT_OPTIONS,
            AuthenticateJwtParams::OPTIONS,
            crate::gate::GateOptions::NAMES,
        ];
        let near = |name: &str| nearest(name, known.iter().flat_map(|n| n.iter().copied()));
        for (given, expected) in [
            ("authorisation_check", "authorization_check"),
            ("custom_base_uri", "custom_base_url"),
            ("customBaseURL", "custom_base_url"),
            ("cookieName", "cookie_name"),
            ("Project_ID", "project_id"),
            ("projectId", "project_id"),
            ("max_token_age", "max_token_age_seconds"),
            ("sesion_duration_minutes", "session_duration_minutes"),
            ("jwsk", "jwks"),
            ("timeoutMs", "timeout_ms"),
            ("cookie_httponly", "cookie_http_only"),
            ("authorization", "authorization_check"),
        ] {
            assert_eq!(near(given), Some(expected), "{given}");
        }
        for far in ["zzz", "authorizer", "x", "", &"a".repeat(65)] {
            assert_eq!(near(far), None, "{far}");
        }
    }

    #[test]
    fn edit_distance_counts_a_swap_of_neighbours_as_one() {
        assert_eq!(edit_distance("jwks", "jwsk"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn an_unknown_param_of_every_operation_is_refused_with_the_nearest_name() {
        for (name, params, message) in [
            (
                "authenticate",
                r#"{"session_token":"t","session_duration":5}"#,
                "authenticate params: session_duration is not a parameter; did you mean session_duration_minutes?",
            ),
            (
                "authenticateJwt",
                r#"{"session_jwt":"j","max_token_age":5}"#,
                "authenticateJwt params: max_token_age is not a parameter; did you mean max_token_age_seconds?",
            ),
            (
                "authenticateJwtLocal",
                r#"{"session_jwt":"j","currentDate":5}"#,
                "authenticateJwtLocal params: currentDate is not a parameter; did you mean current_date?",
            ),
            (
                "get",
                r#"{"userId":"u"}"#,
                "get params: userId is not a parameter; did you mean user_id?",
            ),
            (
                "getJWKS",
                r#"{"project_id":"p","extra":1}"#,
                "getJWKS params: extra is not a parameter",
            ),
            (
                "migrate",
                r#"{"session_token":"t","telemetryId":"x"}"#,
                "migrate params: telemetryId is not a parameter; did you mean telemetry_id?",
            ),
            (
                "revoke",
                r#"{"session":"s"}"#,
                "revoke params: session is not a parameter; did you mean session_id?",
            ),
            (
                "exchangeAccessToken",
                r#"{"accessToken":"a"}"#,
                "exchangeAccessToken params: accessToken is not a parameter; did you mean access_token?",
            ),
            (
                "attest",
                r#"{"profile_id":"p","token":"t","profile":"x"}"#,
                "attest params: profile is not a parameter; did you mean profile_id?",
            ),
        ] {
            let err = op(name, params).unwrap_err();
            assert_eq!(err.code(), "invalid_argument", "{name}");
            assert_eq!(err.message(), message, "{name}");
        }
    }

    #[test]
    fn a_misspelled_authorization_check_is_refused_not_ignored() {
        // The finding: `authorisation_check` let the request in with no permission check.
        let err = op(
            "authenticateJwt",
            r#"{"session_jwt":"j","authorisation_check":{"resource_id":"r","action":"a"}}"#,
        )
        .unwrap_err();
        assert_eq!(
            err.message(),
            "authenticateJwt params: authorisation_check is not a parameter; did you mean authorization_check?"
        );
        let err = op(
            "authenticate",
            r#"{"session_jwt":"j","authorization_check":{"resource":"r","action":"a"}}"#,
        )
        .unwrap_err();
        assert_eq!(
            err.message(),
            "authenticate params: authorization_check.resource is not a parameter; did you mean authorization_check.resource_id?"
        );
    }

    #[test]
    fn free_form_values_keep_any_member() {
        let Operation::AuthenticateJwt(p) = op(
            "authenticateJwt",
            r#"{"session_jwt":"j","session_custom_claims":{"anything":{"nested":true},"authorisation":1}}"#,
        )
        .unwrap() else {
            panic!("not authenticateJwt");
        };
        assert_eq!(p.session_custom_claims.unwrap().len(), 2);
    }

    #[test]
    fn a_long_unknown_name_is_cut_in_the_message() {
        let long = "x".repeat(500);
        let err = op("get", &[r#"{"user_id":"u",""#, &long, r#"":1}"#].concat()).unwrap_err();
        assert_eq!(
            err.message(),
            ["get params: ", &"x".repeat(64), " is not a parameter"].concat()
        );
    }

    #[test]
    fn telemetry_id_is_known_and_sent() {
        for (name, params) in [
            (
                "attest",
                r#"{"profile_id":"p","token":"t","telemetry_id":"tel-1"}"#,
            ),
            ("migrate", r#"{"session_token":"t","telemetry_id":"tel-1"}"#),
            (
                "exchangeAccessToken",
                r#"{"access_token":"a","telemetry_id":"tel-1"}"#,
            ),
        ] {
            let body = match op(name, params).unwrap() {
                Operation::Attest(p) => p.body(),
                Operation::Migrate(p) => p.body(),
                Operation::ExchangeAccessToken(p) => p.body(),
                _ => panic!("{name}"),
            };
            assert!(body.contains(r#""telemetry_id":"tel-1""#), "{name}: {body}");
        }
    }

    #[test]
    fn dot_segments_are_refused_as_get_jwks_project_ids() {
        for bad in [
            r#"{"project_id":"."}"#,
            r#"{"project_id":".."}"#,
            r#"{"project_id":""}"#,
        ] {
            assert_eq!(
                op("getJWKS", bad).unwrap_err().code(),
                "invalid_argument",
                "{bad}"
            );
        }
        assert!(matches!(
            op("getJWKS", r#"{"project_id":"project-test-1"}"#).unwrap(),
            Operation::GetJwks { .. }
        ));
    }

    #[test]
    fn instants_are_epoch_milliseconds_or_dates() {
        let read = |text: &str| {
            let v = value(text);
            Fields::of(&v, "x options", &[&["jwks_fetched_at"]])
                .unwrap()
                .epoch_ms("jwks_fetched_at")
        };
        assert_eq!(
            read(r#"{"jwks_fetched_at":1700000000123}"#).unwrap(),
            Some(1_700_000_000_123)
        );
        // A whole number only: what `Date.now()` and `getTime()` give.
        assert!(read(r#"{"jwks_fetched_at":1700000000123.9}"#).is_err());
        assert!(read(r#"{"jwks_fetched_at":1.7e12}"#).is_err());
        assert_eq!(read(r#"{"jwks_fetched_at":0}"#).unwrap(), Some(0));
        assert_eq!(read(r#"{"jwks_fetched_at":null}"#).unwrap(), None);
        assert_eq!(
            read(r#"{"jwks_fetched_at":"2023-11-14T22:13:20.123Z"}"#).unwrap(),
            Some(1_700_000_000_123)
        );
        assert_eq!(
            read(r#"{"jwks_fetched_at":"2023-11-14T22:13:20Z"}"#).unwrap(),
            Some(1_700_000_000_000)
        );
        for bad in [
            r#"{"jwks_fetched_at":-1}"#,
            r#"{"jwks_fetched_at":1e300}"#,
            r#"{"jwks_fetched_at":8640000000000001}"#,
            r#"{"jwks_fetched_at":"yesterday"}"#,
            r#"{"jwks_fetched_at":"1969-12-31T23:59:59.000Z"}"#,
            r#"{"jwks_fetched_at":"+010000-01-01T00:00:00.000Z"}"#,
            r#"{"jwks_fetched_at":true}"#,
        ] {
            let err = read(bad).unwrap_err();
            assert_eq!(err.code(), "invalid_argument", "{bad}");
        }
    }
}
