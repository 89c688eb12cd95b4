//! The one error type of the crate, with stable codes (`docs/rules.md`, "Errors").
//!
//! Messages explain what was wrong in the user's words. They never contain the project secret,
//! a whole token, any part of a signature or an option's value: at most a claim name, an option
//! name, an algorithm name or a size. They are static text or built by concatenation, so the
//! wasm module carries no `core::fmt` machinery for them.

use std::borrow::Cow;
use std::fmt;

/// Why a token, a key set or an argument was refused before or without any API call.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientErrorCode {
    /// Malformed: size, segments, base64url, JSON, header rules, claim types.
    JwtInvalid,
    /// `alg` is not `RS256`.
    JwtIncorrectAlgorithm,
    /// The RS256 signature does not verify with the selected key.
    JwtSignatureInvalid,
    /// `exp <= now - tolerance`.
    JwtExpired,
    /// `nbf > now + tolerance`.
    JwtNotYetValid,
    /// `iss` is neither `stytch.com/<project_id>` nor the base URL.
    JwtInvalidIssuer,
    /// `aud` does not contain the project id.
    JwtInvalidAudience,
    /// `now - iat > max_token_age_seconds`.
    JwtTooOld,
    /// No usable key in the JWKS has the token's `kid`.
    JwksNoMatchingKey,
    /// The JWKS could not be read as a key set.
    JwksInvalid,
    /// An argument given to the client is missing, of the wrong type or out of range.
    InvalidArgument,
    /// An authorization check the project's RBAC policy denies for the session's roles.
    InvalidPermissions,
    /// A member session's authorization check names another organization than the session's.
    TenancyMismatch,
    /// An M2M access token lacks a scope the call requires (`required_scopes`).
    MissingScopes,
    /// Token introspection found the token inactive, or could not introspect it.
    TokenInvalid,
}

impl ClientErrorCode {
    /// Every code, in the order of `docs/rules.md`, "Errors".
    pub const ALL: [Self; 15] = [
        Self::JwtInvalid,
        Self::JwtIncorrectAlgorithm,
        Self::JwtSignatureInvalid,
        Self::JwtExpired,
        Self::JwtNotYetValid,
        Self::JwtInvalidIssuer,
        Self::JwtInvalidAudience,
        Self::JwtTooOld,
        Self::JwksNoMatchingKey,
        Self::JwksInvalid,
        Self::InvalidArgument,
        Self::InvalidPermissions,
        Self::TenancyMismatch,
        Self::MissingScopes,
        Self::TokenInvalid,
    ];

    /// The stable code string JavaScript sees as `error.code`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::JwtInvalid => "jwt_invalid",
            Self::JwtIncorrectAlgorithm => "jwt_incorrect_algorithm",
            Self::JwtSignatureInvalid => "jwt_signature_invalid",
            Self::JwtExpired => "jwt_expired",
            Self::JwtNotYetValid => "jwt_not_yet_valid",
            Self::JwtInvalidIssuer => "jwt_invalid_issuer",
            Self::JwtInvalidAudience => "jwt_invalid_audience",
            Self::JwtTooOld => "jwt_too_old",
            Self::JwksNoMatchingKey => "jwks_no_matching_key",
            Self::JwksInvalid => "jwks_invalid",
            Self::InvalidArgument => "invalid_argument",
            Self::InvalidPermissions => "invalid_permissions",
            Self::TenancyMismatch => "tenancy_mismatch",
            Self::MissingScopes => "missing_scopes",
            Self::TokenInvalid => "token_invalid",
        }
    }
}

/// Why an HTTP call produced no usable answer.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestErrorCode {
    /// The request could not be sent or the connection failed.
    NetworkError,
    /// No answer within the timeout.
    Timeout,
    /// An answer that is not the JSON the endpoint promises.
    InvalidResponse,
}

impl RequestErrorCode {
    /// Every code.
    pub const ALL: [Self; 3] = [Self::NetworkError, Self::Timeout, Self::InvalidResponse];

    /// The stable code string JavaScript sees as `error.code`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NetworkError => "network_error",
            Self::Timeout => "timeout",
            Self::InvalidResponse => "invalid_response",
        }
    }
}

/// An error answer of the Stytch API (HTTP status ≥ 400 with a Stytch JSON body).
#[derive(Debug, Clone, PartialEq)]
pub struct StytchError {
    pub status_code: u16,
    pub request_id: String,
    pub error_type: String,
    pub error_message: String,
    pub error_url: String,
    /// `error_details` as the API sent it (JSON text), when present.
    pub error_details: Option<String>,
    /// The whole error body as the API sent it (JSON text): what JavaScript's `StytchError`
    /// is built from.
    pub body: String,
}

impl StytchError {
    /// Reads a Stytch error body: a JSON object with a string `error_type` and a numeric
    /// `status_code`. `None` for anything else.
    pub fn from_body(body: &str) -> Option<Self> {
        Self::from_answer(0, body)
    }

    /// Reads an error answer of HTTP status `status`: Stytch's body (`status_code`,
    /// `error_type`, `error_message`, …), or an OAuth 2.0 error body (RFC 6749 §5.2: `error`,
    /// `error_description`, `error_uri`), which the OAuth endpoints answer; its `status_code` is
    /// the body's when it has one, else `status`.
    pub fn from_answer(status: u16, body: &str) -> Option<Self> {
        let o = crate::json::parse_object(body.as_bytes()).ok()?;
        let text = |name: &str| {
            o.get(name)
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_owned()
        };
        let status_code = match o.get("status_code").and_then(|v| v.as_u64()) {
            Some(code) => u16::try_from(code).ok()?,
            None if status >= 400 && o.get("error").is_some() => status,
            None => return None,
        };
        let oauth = o.get("error_type").is_none();
        let (error_type, error_message, error_url) = match oauth {
            false => (
                o.get("error_type")?.as_str()?.to_owned(),
                text("error_message"),
                text("error_url"),
            ),
            true => (
                o.get("error")?.as_str()?.to_owned(),
                text("error_description"),
                text("error_uri"),
            ),
        };
        Some(Self {
            status_code,
            error_type,
            request_id: text("request_id"),
            error_message,
            error_url,
            error_details: o.given("error_details").map(crate::json::Value::to_json),
            body: body.to_owned(),
        })
    }
}

/// Every failure of this crate.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// Refused locally (`ClientError` in JavaScript).
    Client {
        code: ClientErrorCode,
        message: Cow<'static, str>,
        /// The claim that failed validation, for claim failures.
        claim: Option<&'static str>,
    },
    /// No usable answer from the network (`RequestError` in JavaScript).
    Request {
        code: RequestErrorCode,
        message: Cow<'static, str>,
    },
    /// The API answered with an error (`StytchError` in JavaScript).
    Stytch(Box<StytchError>),
}

impl Error {
    /// A local refusal with a message.
    pub fn client(code: ClientErrorCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self::Client {
            code,
            message: message.into(),
            claim: None,
        }
    }

    /// A claim validation failure naming the claim.
    pub fn claim(
        code: ClientErrorCode,
        claim: &'static str,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::Client {
            code,
            message: message.into(),
            claim: Some(claim),
        }
    }

    /// A malformed token.
    pub fn invalid_jwt(message: impl Into<Cow<'static, str>>) -> Self {
        Self::client(ClientErrorCode::JwtInvalid, message)
    }

    /// A bad argument.
    pub fn invalid_argument(message: impl Into<Cow<'static, str>>) -> Self {
        Self::client(ClientErrorCode::InvalidArgument, message)
    }

    /// A network-level failure.
    pub fn request(code: RequestErrorCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self::Request {
            code,
            message: message.into(),
        }
    }

    /// The stable code: a [`ClientErrorCode`], a [`RequestErrorCode`] or the API's `error_type`.
    pub fn code(&self) -> &str {
        match self {
            Self::Client { code, .. } => code.as_str(),
            Self::Request { code, .. } => code.as_str(),
            Self::Stytch(e) => &e.error_type,
        }
    }

    /// The local code, when this is a local refusal.
    pub fn client_code(&self) -> Option<ClientErrorCode> {
        match self {
            Self::Client { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// The JavaScript class name this error becomes.
    pub fn class_name(&self) -> &'static str {
        match self {
            Self::Client { .. } => "ClientError",
            Self::Request { .. } => "RequestError",
            Self::Stytch(_) => "StytchError",
        }
    }

    /// The human-readable message (no secrets, no tokens).
    pub fn message(&self) -> &str {
        match self {
            Self::Client { message, .. } | Self::Request { message, .. } => message,
            Self::Stytch(e) => &e.error_message,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Stytch(e) => write!(
                f,
                "{} ({}): {}",
                e.error_type, e.status_code, e.error_message
            ),
            _ => write!(f, "{}: {}", self.code(), self.message()),
        }
    }
}

impl std::error::Error for Error {}

/// Shorthand used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
