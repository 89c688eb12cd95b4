//! The Sessions endpoints: their parameters (read strictly from JSON, written as request bodies
//! with Stytch's snake_case names; unset fields left out), the members each answer must have,
//! and typed answers for Rust callers.
//!
//! Answers reach JavaScript as the API sent them (once checked), so nothing the API says is lost
//! on the way; Rust callers get them typed (serde) from [`crate::Client`].

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
}

/// `POST /v1/sessions/migrate`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MigrateParams {
    pub session_token: String,
    pub session_duration_minutes: Option<u32>,
    pub session_custom_claims: Option<Object>,
}

/// `POST /v1/sessions/revoke`. Exactly one of the three.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RevokeParams {
    pub session_id: Option<String>,
    pub session_token: Option<String>,
    pub session_jwt: Option<String>,
}

/// Reads the members of an options or params object, with messages that name the member and
/// the expected type, never the value given.
pub struct Fields<'a> {
    object: &'a Object,
    what: &'static str,
}

impl<'a> Fields<'a> {
    /// The fields of `value`, which must be an object.
    pub fn of(value: &'a Value, what: &'static str) -> Result<Self> {
        match value {
            Value::Object(object) => Ok(Self { object, what }),
            _ => Err(Error::invalid_argument(
                [what, " must be an object"].concat(),
            )),
        }
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

    /// An optional non-negative integer that fits 32 bits.
    pub fn u32(&self, name: &str) -> Result<Option<u32>> {
        match self.uint(name) {
            Ok(v) => v
                .map(u32::try_from)
                .transpose()
                .map_err(|_| self.wrong(name, "an integer from 0 to 4294967295")),
            Err(_) => Err(self.wrong(name, "an integer from 0 to 4294967295")),
        }
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

    /// An optional authorization check.
    pub fn check(&self, name: &str) -> Result<Option<AuthorizationCheck>> {
        self.object
            .given(name)
            .map(|v| AuthorizationCheck::from_value(v, self.what))
            .transpose()
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

/// Parses params given as JSON text (what JavaScript's `JSON.stringify` made).
pub fn parse_params(text: &str, what: &'static str) -> Result<Value> {
    json::parse(text.as_bytes())
        .map_err(|_| Error::invalid_argument([what, " cannot be read as JSON"].concat()))
}

impl AuthenticateParams {
    /// Reads `authenticate`'s params.
    pub fn from_value(value: &Value) -> Result<Self> {
        let f = Fields::of(value, "authenticate params")?;
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
    /// Reads `authenticateJwt`'s params.
    pub fn from_value(value: &Value) -> Result<Self> {
        let f = Fields::of(value, "authenticateJwt params")?;
        Ok(Self {
            session_jwt: f.required_string("session_jwt")?,
            max_token_age_seconds: f.uint("max_token_age_seconds")?,
            session_duration_minutes: f.u32("session_duration_minutes")?,
            session_custom_claims: f.object("session_custom_claims")?,
            clock_tolerance_seconds: f.uint("clock_tolerance_seconds")?,
            authorization_check: f.check("authorization_check")?,
        })
    }
}

impl LocalJwtParams {
    /// Reads the local-verification options of `fields` (`current_date` is read by the caller,
    /// as it may be a `Date`).
    pub fn from_fields(f: &Fields<'_>, current_date_ms: Option<f64>) -> Result<Self> {
        Self {
            max_token_age_seconds: f.uint("max_token_age_seconds")?,
            clock_tolerance_seconds: f.uint("clock_tolerance_seconds")?,
            current_date_ms: None,
            authorization_check: f.check("authorization_check")?,
        }
        .at(f.what, current_date_ms)
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
    /// Reads `migrate`'s params.
    pub fn from_value(value: &Value) -> Result<Self> {
        let f = Fields::of(value, "migrate params")?;
        Ok(Self {
            session_token: f.required_string("session_token")?,
            session_duration_minutes: f.u32("session_duration_minutes")?,
            session_custom_claims: f.object("session_custom_claims")?,
        })
    }

    /// The request body.
    pub fn body(&self) -> String {
        let mut body = Body::default();
        body.string("session_token", Some(&self.session_token));
        body.uint("session_duration_minutes", self.session_duration_minutes);
        body.object("session_custom_claims", self.session_custom_claims.as_ref());
        body.finish()
    }
}

impl ExchangeAccessTokenParams {
    /// Reads `exchangeAccessToken`'s params.
    pub fn from_value(value: &Value) -> Result<Self> {
        let f = Fields::of(value, "exchangeAccessToken params")?;
        Ok(Self {
            access_token: f.required_string("access_token")?,
            session_duration_minutes: f.u32("session_duration_minutes")?,
            session_custom_claims: f.object("session_custom_claims")?,
        })
    }

    /// The request body.
    pub fn body(&self) -> String {
        let mut body = Body::default();
        body.string("access_token", Some(&self.access_token));
        body.uint("session_duration_minutes", self.session_duration_minutes);
        body.object("session_custom_claims", self.session_custom_claims.as_ref());
        body.finish()
    }
}

impl AttestParams {
    /// Reads `attest`'s params.
    pub fn from_value(value: &Value) -> Result<Self> {
        let f = Fields::of(value, "attest params")?;
        Ok(Self {
            profile_id: f.required_string("profile_id")?,
            token: f.required_string("token")?,
            session_duration_minutes: f.u32("session_duration_minutes")?,
            session_custom_claims: f.object("session_custom_claims")?,
            session_token: f.string("session_token")?,
            session_jwt: f.string("session_jwt")?,
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
        body.finish()
    }
}

impl RevokeParams {
    /// Reads `revoke`'s params.
    pub fn from_value(value: &Value) -> Result<Self> {
        let f = Fields::of(value, "revoke params")?;
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
    /// Device attributes when the request carried a telemetry id (`attest`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_device: Option<Map<String, serde_json::Value>>,
}
