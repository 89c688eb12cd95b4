//! How to reach a project: its id, secret, API base URL, timeouts and pre-seeded keys.

use crate::error::{Error, Result};
use crate::http;
use crate::json::Value;
use std::fmt;

/// Default timeout of an API call, in milliseconds.
pub const DEFAULT_TIMEOUT_MS: u32 = 10_000;
/// Default timeout of a JWKS fetch, in milliseconds.
pub const DEFAULT_JWKS_TIMEOUT_MS: u32 = 5_000;

/// A project's connection settings. `Debug` never prints the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Config {
    pub project_id: String,
    /// `None` for local verification, which needs only the public JWKS.
    pub secret: Option<String>,
    /// Checked and without trailing `/` (see [`http::base_url`]).
    pub base_url: String,
    /// The JWKS URL: keys the key store, and scopes the memo (it determines the accepted `iss`
    /// and `aud`).
    pub jwks_url: String,
    /// Bounds every request a call makes (the `timeout_ms` option); `None` for the defaults.
    pub timeout_ms: Option<u32>,
    /// Keys the caller already holds (JWK objects), used while the store has none for this
    /// project: a cold isolate then needs no fetch.
    pub jwks: Option<Vec<Value>>,
    /// Whether the driver has a shared JWKS store (`jwks_store` in JavaScript; a
    /// [`crate::Host`]'s `load_jwks`/`save_jwks` in Rust): a cold isolate reads it before
    /// fetching, and every fetch updates it.
    pub jwks_store: bool,
}

impl Config {
    /// Builds a configuration, checking the project id, the secret and `custom_base_url`.
    pub fn new(
        project_id: &str,
        secret: Option<&str>,
        custom_base_url: Option<&str>,
    ) -> Result<Self> {
        if project_id.is_empty() || project_id.len() > 256 {
            return Err(Error::invalid_argument(
                "project_id must be a non-empty string of at most 256 characters",
            ));
        }
        if secret.is_some_and(|s| s.is_empty() || s.len() > 1024) {
            return Err(Error::invalid_argument(
                "secret must be a non-empty string of at most 1024 characters",
            ));
        }
        let base_url = http::base_url(project_id, custom_base_url)?;
        Ok(Self {
            jwks_url: http::jwks_url(&base_url, project_id),
            project_id: project_id.to_owned(),
            secret: secret.map(str::to_owned),
            base_url,
            timeout_ms: None,
            jwks: None,
            jwks_store: false,
        })
    }

    /// Pre-seeds the key store with these JWKs (Rust callers; JavaScript passes `jwks`).
    pub fn with_jwks(mut self, jwks: &[crate::jwk::Jwk]) -> Self {
        let values = jwks
            .iter()
            .filter_map(|jwk| serde_json::to_string(jwk).ok())
            .filter_map(|text| crate::json::parse(text.as_bytes()).ok())
            .collect();
        self.jwks = Some(values);
        self
    }

    /// Keys the policy store: projects may share an API base URL.
    pub fn policy_key(&self) -> String {
        [&self.base_url, " ", &self.project_id].concat()
    }

    /// The timeout of an API call.
    pub fn api_timeout_ms(&self) -> u32 {
        self.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS)
    }

    /// The timeout of a JWKS fetch.
    pub fn jwks_timeout_ms(&self) -> u32 {
        self.timeout_ms.unwrap_or(DEFAULT_JWKS_TIMEOUT_MS)
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("project_id", &self.project_id)
            .field("secret", &self.secret.as_ref().map(|_| "[redacted]"))
            .field("base_url", &self.base_url)
            .field("timeout_ms", &self.timeout_ms)
            .field("jwks", &self.jwks.as_ref().map(Vec::len))
            .field("jwks_store", &self.jwks_store)
            .finish()
    }
}

/// Reading a configuration from the options JavaScript passes (as JSON).
impl Config {
    /// `new Client(options)`: `project_id`, `secret`, and optionally `custom_base_url`,
    /// `timeout_ms` and `jwks`.
    pub fn from_client_options(options: &Value) -> Result<Self> {
        let f = crate::api::Fields::of(options, "Client options")?;
        let project_id = f.required_string("project_id")?;
        let secret = f.required_string("secret")?;
        Self::from_fields(&f, &project_id, Some(&secret))
    }

    /// `verifyJwt(token, options)`: `project_id`, and optionally `custom_base_url`,
    /// `timeout_ms`, `jwks` and `secret` (needed only to read the RBAC policy for an
    /// `authorization_check`; its local-verification options are read separately).
    pub fn from_verify_options(fields: &crate::api::Fields<'_>) -> Result<Self> {
        let project_id = fields.required_string("project_id")?;
        let secret = fields.string("secret")?;
        Self::from_fields(fields, &project_id, secret.as_deref())
    }

    fn from_fields(
        f: &crate::api::Fields<'_>,
        project_id: &str,
        secret: Option<&str>,
    ) -> Result<Self> {
        let base_url = f.string("custom_base_url")?;
        let mut config = Self::new(project_id, secret, base_url.as_deref())?;
        config.timeout_ms = f.u32("timeout_ms")?;
        config.jwks = f.jwks("jwks")?;
        Ok(config)
    }
}
