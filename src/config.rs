//! How to reach a project: its id, secret, API base URL, timeouts and pre-seeded keys.

use crate::api::LocalJwtParams;
use crate::error::{Error, Result};
use crate::http;
use crate::json::Value;
use crate::options::{members, Fields};
use crate::product::{Product, CONSUMER};
use std::fmt;

/// Default timeout of an API call, in milliseconds.
pub const DEFAULT_TIMEOUT_MS: u32 = 10_000;
/// Default timeout of a JWKS fetch, in milliseconds.
pub const DEFAULT_JWKS_TIMEOUT_MS: u32 = 5_000;

/// Default bound on staleness: keys or a policy whose refreshes fail are used for at most an
/// hour past their last successful fetch.
pub const DEFAULT_MAX_STALE_SECONDS: u32 = 3600;

/// A project's connection settings. `Debug` never prints the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Config {
    pub(crate) project_id: String,
    /// `None` for local verification, which needs only the public JWKS.
    pub(crate) secret: Option<String>,
    /// Checked and without trailing `/` (see [`http::base_url`]).
    pub(crate) base_url: String,
    /// The JWKS URL: keys the key store, and scopes the memo (it determines the accepted `iss`
    /// and `aud`).
    pub(crate) jwks_url: String,
    /// Keys the project's RBAC policy in the policy store ([`Config::policy_key`]).
    policy_key: String,
    /// Bounds every request a call makes (the `timeout_ms` option); `None` for the defaults.
    pub(crate) timeout_ms: Option<u32>,
    /// Keys the caller already holds (JWK objects), used while the store has none for this
    /// project: a cold isolate then needs no fetch.
    pub(crate) jwks: Option<Vec<Value>>,
    /// Whether the driver has a shared JWKS store (`jwks_store` in JavaScript; a
    /// [`crate::Host`]'s `load_jwks`/`save_jwks` in Rust): a cold isolate reads it before
    /// fetching, and every fetch updates it.
    pub(crate) jwks_store: bool,
    /// When the pre-seeded `jwks` were fetched (the `jwks_fetched_at` option), in milliseconds
    /// since the epoch. `None`: their age is unknown, so they are due for a refresh at once and
    /// serve only while the JWKS cannot be had (`docs/rules.md`, "Keys and the memo").
    pub(crate) jwks_fetched_at_ms: Option<u64>,
    /// How long past its last successful fetch a key set or a policy may still be used while
    /// a new one cannot be had (the `max_stale_seconds` option); `None` for
    /// [`DEFAULT_MAX_STALE_SECONDS`].
    pub(crate) max_stale_seconds: Option<u32>,
    /// Consumer sessions or B2B member sessions: where the keys and policies are, which
    /// endpoint decides what local verification cannot, what the sessions are.
    pub(crate) product: &'static Product,
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
        http::check_path_value("project_id", project_id)?;
        if secret.is_some_and(|s| s.is_empty() || s.len() > 1024) {
            return Err(Error::invalid_argument(
                "secret must be a non-empty string of at most 1024 characters",
            ));
        }
        let base_url = http::base_url(project_id, custom_base_url)?;
        let config = Self {
            // Derived from the project, its base URL and its product: `with_product` writes them.
            jwks_url: String::new(),
            policy_key: String::new(),
            project_id: project_id.to_owned(),
            secret: secret.map(str::to_owned),
            base_url,
            timeout_ms: None,
            jwks: None,
            jwks_store: false,
            jwks_fetched_at_ms: None,
            max_stale_seconds: None,
            product: &CONSUMER,
        };
        Ok(config.with_product(&CONSUMER))
    }

    /// The same project's `product` (consumer sessions unless told): its keys, its endpoints,
    /// its kind of session.
    pub fn with_product(mut self, product: &'static Product) -> Self {
        self.jwks_url = product.jwks_url(&self.base_url, &self.project_id);
        self.policy_key = [&self.base_url, " ", &self.project_id, " ", product.name].concat();
        self.product = product;
        self
    }

    /// The product its calls are of.
    pub fn product(&self) -> &'static Product {
        self.product
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

    /// The project id.
    pub fn project_id(&self) -> &str {
        &self.project_id
    }

    /// The API base URL, checked and without trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The JWKS URL: keys the key store, and scopes the memo.
    pub fn jwks_url(&self) -> &str {
        &self.jwks_url
    }

    /// Bounds every request a call makes (the `timeout_ms` option): at most
    /// [`Config::MAX_TIMEOUT_MS`].
    pub fn with_timeout_ms(mut self, timeout_ms: u32) -> Result<Self> {
        if timeout_ms > Self::MAX_TIMEOUT_MS {
            return Err(Error::invalid_argument(
                "timeout_ms must be an integer from 0 to 2147483647",
            ));
        }
        self.timeout_ms = Some(timeout_ms);
        Ok(self)
    }

    /// When the pre-seeded keys ([`Config::with_jwks`]) were fetched, in milliseconds since the
    /// epoch (the `jwks_fetched_at` option).
    pub fn with_jwks_fetched_at_ms(mut self, fetched_at_ms: u64) -> Self {
        self.jwks_fetched_at_ms = Some(fetched_at_ms);
        self
    }

    /// How long past its last successful fetch a key set or policy may serve (the
    /// `max_stale_seconds` option): at most [`Config::MAX_STALE_SECONDS`].
    pub fn with_max_stale_seconds(mut self, seconds: u32) -> Result<Self> {
        if seconds > Self::MAX_STALE_SECONDS {
            return Err(Error::invalid_argument(
                "max_stale_seconds must be an integer from 0 to 86400",
            ));
        }
        self.max_stale_seconds = Some(seconds);
        Ok(self)
    }

    /// Whether the driver has a shared JWKS store (a [`crate::Host`]'s `load_jwks` and
    /// `save_jwks` in Rust; `jwks_store` in JavaScript).
    pub fn with_jwks_store(mut self, jwks_store: bool) -> Self {
        self.jwks_store = jwks_store;
        self
    }

    /// `Authorization: Basic base64(project_id:secret)` for the requests of a project with a
    /// secret (API calls, and the JWKS and policy fetches of such a configuration).
    pub(crate) fn authorization(&self) -> Option<String> {
        let secret = self.secret.as_deref()?;
        Some(crate::http::basic_auth(&self.project_id, secret))
    }

    /// Keys the policy store: projects may share an API base URL, and a project's products
    /// have their own policies. Made once with the configuration (calls with a check ask for it
    /// every time).
    pub fn policy_key(&self) -> &str {
        &self.policy_key
    }

    /// Keys an organization's policy in the policy store.
    pub fn org_policy_key(&self, organization_id: &str) -> String {
        [
            &self.base_url,
            " ",
            &self.project_id,
            " org ",
            organization_id,
        ]
        .concat()
    }

    /// The timeout of an API call.
    pub fn api_timeout_ms(&self) -> u32 {
        self.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS)
    }

    /// How long past its last successful fetch a cached key set or policy may serve, in
    /// milliseconds.
    pub fn max_stale_ms(&self) -> f64 {
        f64::from(self.max_stale_seconds.unwrap_or(DEFAULT_MAX_STALE_SECONDS)) * 1000.0
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
            .field("jwks_fetched_at_ms", &self.jwks_fetched_at_ms)
            .field("max_stale_seconds", &self.max_stale_seconds)
            .finish()
    }
}

/// Reading a configuration from the options JavaScript passes (as JSON).
impl Config {
    members! {
        /// The options every configuration reads (`fetch` and `jwks_store` are read by the
        /// driver, which reports facts about them: JSON keeps a store object, and drops a
        /// function only when it is one). `new Client` requires `secret` too.
        pub const OPTIONS, OPTIONS_TS = {
            /// `"project-test-…"` or `"project-live-…"`.
            project_id: "string",
            /// The project secret (Basic auth on API calls; `verifyJwt` needs it only for an
            /// `authorization_check`, whose RBAC policy is read with it). Never appears in an
            /// error message.
            secret?: "string",
            /// API base URL. Default `https://api.stytch.com` for `project-live-*`, else
            /// `https://test.stytch.com`. Must be `https://…`, except `http://localhost`,
            /// `http://127.0.0.1` and `http://[::1]` (local development, the emulator). A
            /// trailing `/` is ignored.
            custom_base_url?: "string",
            /// Timeout of each request in milliseconds (default 10 000 for an API call, 5 000 for a
            /// JWKS fetch), at most 2 147 483 647 (a JavaScript timer's longest).
            timeout_ms?: "number",
            /// Keys to pre-seed the module-level key cache with (e.g. from KV), so a cold isolate
            /// needs no fetch: an array of JWKs, or a JWKS `{ keys: [...] }` as `getJWKS` and the
            /// endpoint return it.
            jwks?: "JWKSInput",
            /// When the pre-seeded `jwks` were fetched (a `Date`, or whole epoch milliseconds as
            /// `Date.now()` gives). Without it their age is unknown: they are due for a refresh at
            /// once and serve only while the JWKS cannot be had, for at most `max_stale_seconds`.
            jwks_fetched_at?: "Date | number",
            /// How long past its last successful fetch a key set or an RBAC policy may still be
            /// used while a new one cannot be had, in seconds (0 to 86 400; default 3 600).
            max_stale_seconds?: "number",
            /// The `fetch` to use (default: the global one), e.g. a Workers service binding's.
            fetch?: "FetchFunction",
            /// Called once per call with what was decided and how (no token, no secret): e.g. to
            /// write a Workers Analytics Engine data point, or to `console.log`. Its errors are
            /// ignored.
            on_decision?: "(decision: Decision) => void",
            /// A store shared across isolates (e.g. {@link kvJwksStore} or {@link
            /// cacheApiJwksStore}): a cold isolate reads its keys from it before fetching the
            /// JWKS, and every fetch updates it. A store that fails or holds garbage changes
            /// nothing; it never answers a token with an unknown kid.
            jwks_store?: "JwksStore",
        }
    }

    members! {
        /// The rest of stytch-node's `ClientConfig`, read for `new Client` and
        /// `authenticateRequest` (`docs/rules.md`, "Configuration"): `env` (a base URL, as
        /// `custom_base_url`, which wins over it) and `timeout` (as `timeout_ms`) are honoured;
        /// `dispatcher` (an undici `Dispatcher`: pass a `fetch` instead) and `fraud_env` (the
        /// Fraud API's base URL, which no Sessions call uses) are accepted and ignored.
        pub const SDK_CLIENT_OPTIONS, SDK_CLIENT_TS = {
            /// stytch-node's base URL option (e.g. `"https://test.stytch.com/"`), checked as
            /// `custom_base_url`, which wins over it.
            env?: "string",
            /// stytch-node's name for `timeout_ms` (give one of the two; `0` is the default).
            timeout?: "number",
            /// stytch-node's undici `Dispatcher`: accepted and ignored (pass a `fetch` instead).
            dispatcher?: "object",
            /// stytch-node's Fraud API base URL: accepted and ignored (no Sessions call uses it).
            fraud_env?: "string",
        }
    }

    /// The longest `timeout_ms` (and `timeout`): a JavaScript timer's 2^31 − 1 milliseconds;
    /// a longer one would fire at once.
    pub const MAX_TIMEOUT_MS: u32 = 2_147_483_647;

    /// The longest `max_stale_seconds`: a day.
    pub const MAX_STALE_SECONDS: u32 = 86_400;

    /// `new Client(options)`: `project_id`, `secret`, and optionally `custom_base_url` (or
    /// `env`), `timeout_ms` (or `timeout`), `jwks`, `jwks_fetched_at` and `max_stale_seconds`.
    pub fn from_client_options(options: &Value) -> Result<Self> {
        let known = [Self::OPTIONS, Self::SDK_CLIENT_OPTIONS];
        Self::from_client_fields(&Fields::of(options, "Client options", &known)?)
    }

    /// What [`Self::from_client_options`] reads, from fields whose names were checked against
    /// [`Self::OPTIONS`], [`Self::SDK_CLIENT_OPTIONS`] and those of the other readers of the
    /// same options (`authenticateRequest`'s).
    pub fn from_client_fields(f: &Fields<'_>) -> Result<Self> {
        let secret = f.required_string("secret")?;
        Self::from_sdk_fields(f, Some(secret))
    }

    /// The gate's configuration: the client options, the secret optional (without it the gate
    /// judges locally only; `docs/rules.md`, "Gating a request").
    pub fn from_gate_fields(f: &Fields<'_>) -> Result<Self> {
        let secret = f.string("secret")?;
        Self::from_sdk_fields(f, secret)
    }

    /// The client options of `f` with `secret`.
    fn from_sdk_fields(f: &Fields<'_>, secret: Option<String>) -> Result<Self> {
        let project_id = f.required_string("project_id")?;
        let base_url = match f.string("custom_base_url")? {
            Some(url) => Some(url),
            None => f.string("env")?,
        };
        let mut config = Self::from_fields(f, &project_id, secret.as_deref(), base_url.as_deref())?;
        // stytch-node reads `timeout: 0` as its default.
        let timeout = f
            .u32_at_most("timeout", Self::MAX_TIMEOUT_MS)?
            .filter(|&ms| ms > 0);
        if timeout.is_some() && config.timeout_ms.is_some() {
            return Err(Error::invalid_argument(
                [
                    f.what(),
                    ": give timeout_ms or timeout (stytch-node's name), not both",
                ]
                .concat(),
            ));
        }
        config.timeout_ms = config.timeout_ms.or(timeout);
        Ok(config)
    }

    /// `verifyJwt(token, options)`: the configuration and the local-verification options
    /// ([`LocalJwtParams::NAMES`]; `current_date` is given later, by the driver).
    pub fn from_verify_value(options: &Value) -> Result<(Self, LocalJwtParams)> {
        let what = "verifyJwt options";
        let f = Fields::of(options, what, &[Self::OPTIONS, LocalJwtParams::NAMES])?;
        Ok((
            Self::from_verify_options(&f)?,
            LocalJwtParams::from_fields(&f, None)?,
        ))
    }

    /// `verifyJwt(token, options)`: `project_id`, and optionally `custom_base_url`,
    /// `timeout_ms`, `jwks`, `jwks_fetched_at`, `max_stale_seconds` and `secret` (needed only
    /// to read the RBAC policy for an `authorization_check`; its local-verification options
    /// are read separately).
    pub fn from_verify_options(fields: &Fields<'_>) -> Result<Self> {
        let project_id = fields.required_string("project_id")?;
        let secret = fields.string("secret")?;
        let base_url = fields.string("custom_base_url")?;
        Self::from_fields(fields, &project_id, secret.as_deref(), base_url.as_deref())
    }

    fn from_fields(
        f: &Fields<'_>,
        project_id: &str,
        secret: Option<&str>,
        base_url: Option<&str>,
    ) -> Result<Self> {
        let mut config = Self::new(project_id, secret, base_url)?;
        config.timeout_ms = f.u32_at_most("timeout_ms", Self::MAX_TIMEOUT_MS)?;
        config.jwks = f.jwks("jwks")?;
        config.jwks_fetched_at_ms = f.epoch_ms("jwks_fetched_at")?;
        config.max_stale_seconds = f.u32_at_most("max_stale_seconds", Self::MAX_STALE_SECONDS)?;
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::GateOptions;

    const BASE: &str = r#""project_id":"project-test-1","secret":"s""#;

    /// The configuration each of the three option kinds (`new Client`, `verifyJwt`,
    /// `authenticateRequest`) reads from `{BASE, extra}`.
    fn all_kinds(extra: &str) -> [(&'static str, Result<Config>); 3] {
        let text = ["{", BASE, extra, "}"].concat();
        let v = crate::json::parse(text.as_bytes()).unwrap();
        [
            ("Client", Config::from_client_options(&v)),
            ("verifyJwt", Config::from_verify_value(&v).map(|(c, _)| c)),
            ("authenticateRequest", GateOptions::read(&v).map(|(c, _)| c)),
        ]
    }

    fn client(extra: &str) -> Result<Config> {
        let text = ["{", BASE, extra, "}"].concat();
        Config::from_client_options(&crate::json::parse(text.as_bytes()).unwrap())
    }

    #[test]
    fn timeout_ms_is_at_most_what_a_javascript_timer_takes() {
        for (kind, config) in all_kinds(r#","timeout_ms":2147483647"#) {
            assert_eq!(config.unwrap().timeout_ms, Some(2_147_483_647), "{kind}");
        }
        for extra in [r#","timeout_ms":2147483648"#, r#","timeout_ms":4294967295"#] {
            for (kind, config) in all_kinds(extra) {
                let err = config.unwrap_err();
                assert_eq!(err.code(), "invalid_argument", "{kind}");
                assert!(
                    err.message()
                        .ends_with("timeout_ms must be an integer from 0 to 2147483647"),
                    "{kind}: {err}"
                );
            }
        }
    }

    #[test]
    fn jwks_fetched_at_and_max_stale_seconds_are_read_by_every_kind() {
        let extra = r#","jwks_fetched_at":"2023-11-14T22:13:20.500Z","max_stale_seconds":86400"#;
        for (kind, config) in all_kinds(extra) {
            let config = config.unwrap();
            assert_eq!(config.jwks_fetched_at_ms, Some(1_700_000_000_500), "{kind}");
            assert_eq!(config.max_stale_seconds, Some(86_400), "{kind}");
            assert_eq!(config.max_stale_ms(), 86_400_000.0, "{kind}");
        }
        for (kind, config) in all_kinds(r#","jwks_fetched_at":1700000000000,"max_stale_seconds":0"#)
        {
            let config = config.unwrap();
            assert_eq!(config.jwks_fetched_at_ms, Some(1_700_000_000_000), "{kind}");
            assert_eq!(config.max_stale_seconds, Some(0), "{kind}");
        }
        for bad in [
            r#","max_stale_seconds":86401"#,
            r#","max_stale_seconds":-1"#,
            r#","max_stale_seconds":1.5"#,
            r#","max_stale_seconds":"60""#,
            r#","jwks_fetched_at":-1"#,
            r#","jwks_fetched_at":"soon""#,
            r#","jwks_fetched_at":{}"#,
        ] {
            for (kind, config) in all_kinds(bad) {
                assert_eq!(
                    config.unwrap_err().code(),
                    "invalid_argument",
                    "{kind}: {bad}"
                );
            }
        }
    }

    #[test]
    fn option_names_are_strict_for_every_kind() {
        for (kind, config) in all_kinds(r#","custom_base_uri":"https://x.example""#) {
            let err = config.unwrap_err();
            assert!(
                err.message()
                    .ends_with("custom_base_uri is not an option; did you mean custom_base_url?"),
                "{kind}: {err}"
            );
        }
        // `fetch` and `jwks_store` reach the options' JSON when they are objects.
        for (kind, config) in all_kinds(r#","fetch":null,"jwks_store":{"a":1}"#) {
            config.unwrap_or_else(|e| panic!("{kind}: {e}"));
        }
        // verifyJwt reads the local-verification options too; a Client does not.
        let text = ["{", BASE, r#","max_token_age_seconds":5,"current_date":0}"#].concat();
        let v = crate::json::parse(text.as_bytes()).unwrap();
        Config::from_verify_value(&v).unwrap();
        assert_eq!(
            Config::from_client_options(&v).unwrap_err().message(),
            "Client options: max_token_age_seconds is not an option"
        );
    }

    #[test]
    fn the_sdks_client_options_are_honoured_or_ignored() {
        // `env` is a base URL, as in stytch-node; `custom_base_url` wins over it.
        let c = client(r#","env":"https://api.stytch.com/""#).unwrap();
        assert_eq!(c.base_url, "https://api.stytch.com");
        let c =
            client(r#","env":"https://a.example","custom_base_url":"https://b.example""#).unwrap();
        assert_eq!(c.base_url, "https://b.example");
        assert_eq!(
            client(r#","env":"http://evil.example""#)
                .unwrap_err()
                .code(),
            "invalid_argument"
        );
        // `timeout` is `timeout_ms`; 0 is the default, as in stytch-node.
        assert_eq!(client(r#","timeout":2500"#).unwrap().timeout_ms, Some(2500));
        assert_eq!(client(r#","timeout":0"#).unwrap().timeout_ms, None);
        for bad in [r#","timeout":2147483648"#, r#","timeout":1,"timeout_ms":2"#] {
            assert_eq!(client(bad).unwrap_err().code(), "invalid_argument", "{bad}");
        }
        // `dispatcher` and `fraud_env` change nothing.
        let ignored =
            client(r#","dispatcher":{"x":1},"fraud_env":"https://fraud.example""#).unwrap();
        assert_eq!(ignored, client("").unwrap());
    }

    #[test]
    fn a_dot_segment_project_id_is_refused() {
        for bad in [".", ".."] {
            assert_eq!(
                Config::new(bad, None, None).unwrap_err().code(),
                "invalid_argument",
                "{bad}"
            );
        }
        let config = Config::new("project-test-1", None, None).unwrap();
        assert_eq!(
            config.jwks_url,
            "https://test.stytch.com/v1/sessions/jwks/project-test-1"
        );
    }
}
