//! The Sessions operations over a [`Host`] (contract §1, §3, §6), including `authenticateJwt`'s
//! local-then-remote rules, and [`verify_jwt`], which needs no secret.

use crate::api::*;
use crate::claims::{ClaimRules, DEFAULT_MAX_TOKEN_AGE_SECONDS};
use crate::error::{ClientErrorCode, Error, Result};
use crate::http::{self, Host, HttpRequest, DEFAULT_JWKS_TIMEOUT_MS, DEFAULT_TIMEOUT_MS};
use crate::jwk::{Jwk, KeySet};
use crate::jws;
use crate::jwt::{verify_parsed, verify_remembered};
use crate::key_store;
use crate::session::SharedSession;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::rc::Rc;

/// How to reach a project's API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub project_id: String,
    /// `None` for [`verify_jwt`], which needs only the public JWKS.
    pub secret: Option<String>,
    /// Checked and without trailing `/` (see [`http::base_url`]).
    pub base_url: String,
    pub timeout_ms: u32,
    pub jwks_timeout_ms: u32,
}

impl Config {
    /// Builds a configuration, checking the project id and `custom_base_url`.
    pub fn new(
        project_id: &str,
        secret: Option<&str>,
        custom_base_url: Option<&str>,
    ) -> Result<Self> {
        if project_id.is_empty() || project_id.len() > 256 {
            return Err(Error::invalid_argument(
                "project_id must be a non-empty string",
            ));
        }
        if secret.is_some_and(str::is_empty) {
            return Err(Error::invalid_argument("secret must be a non-empty string"));
        }
        Ok(Self {
            project_id: project_id.to_owned(),
            secret: secret.map(str::to_owned),
            base_url: http::base_url(project_id, custom_base_url)?,
            timeout_ms: DEFAULT_TIMEOUT_MS,
            jwks_timeout_ms: DEFAULT_JWKS_TIMEOUT_MS,
        })
    }

    /// Sets the timeout of every HTTP call, API and JWKS alike (the `timeout_ms` option).
    pub fn set_timeout_ms(&mut self, ms: u32) {
        self.timeout_ms = ms;
        self.jwks_timeout_ms = ms;
    }

    /// The JWKS URL, which keys the module-memory cache.
    pub fn jwks_url(&self) -> String {
        http::jwks_url(&self.base_url, &self.project_id)
    }

    /// Puts keys the caller already has into the module-memory cache, if it holds none yet.
    pub fn seed_jwks(&self, jwks: &[Jwk], now_ms: f64) {
        key_store::seed(&self.jwks_url(), KeySet::from_jwks(jwks), now_ms);
    }

    fn headers(&self, json: bool) -> Vec<(&'static str, String)> {
        let mut headers = Vec::with_capacity(2);
        if let Some(secret) = &self.secret {
            headers.push(("Authorization", http::basic_auth(&self.project_id, secret)));
        }
        if json {
            headers.push(("Content-Type", "application/json".to_owned()));
        }
        headers
    }

    fn jwks_request(&self) -> HttpRequest {
        HttpRequest {
            method: "GET",
            url: self.jwks_url(),
            headers: self.headers(false),
            body: None,
            timeout_ms: self.jwks_timeout_ms,
        }
    }
}

/// A Stytch Sessions client over a host's HTTP and clock.
pub struct Client<H: Host> {
    config: Config,
    host: H,
}

impl<H: Host> Client<H> {
    /// A client for `config` (which must carry a secret for API calls).
    pub fn new(config: Config, host: H) -> Self {
        Self { config, host }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The host.
    pub fn host(&self) -> &H {
        &self.host
    }

    /// `POST /v1/sessions/authenticate`.
    pub async fn authenticate(&self, params: &AuthenticateParams) -> Result<AuthenticateResponse> {
        self.post("/v1/sessions/authenticate", params).await
    }

    /// `GET /v1/sessions?user_id=`.
    pub async fn get(&self, user_id: &str) -> Result<GetResponse> {
        let path = format!("/v1/sessions?user_id={}", http::percent_encode(user_id));
        self.call("GET", &path, None).await
    }

    /// `GET /v1/sessions/jwks/{project_id}`.
    pub async fn get_jwks(&self, project_id: &str) -> Result<JwksResponse> {
        let path = format!("/v1/sessions/jwks/{}", http::percent_encode(project_id));
        self.call("GET", &path, None).await
    }

    /// `POST /v1/sessions/migrate`.
    pub async fn migrate(&self, params: &MigrateParams) -> Result<MigrateResponse> {
        self.post("/v1/sessions/migrate", params).await
    }

    /// `POST /v1/sessions/revoke`.
    pub async fn revoke(&self, params: &RevokeParams) -> Result<RevokeResponse> {
        self.post("/v1/sessions/revoke", params).await
    }

    /// Verifies locally when it can; asks the API when the token is genuine but the local check
    /// cannot decide (too old, expired, not yet valid, unknown `kid`, keys unreachable). A token
    /// proven bad locally is refused without an API call (contract §6).
    pub async fn authenticate_jwt(
        &self,
        params: &AuthenticateJwtParams,
    ) -> Result<AuthenticateJwtResponse> {
        let max_age = params
            .max_token_age_seconds
            .unwrap_or(DEFAULT_MAX_TOKEN_AGE_SECONDS);
        if max_age > 0 {
            let local = LocalJwtParams {
                max_token_age_seconds: Some(max_age),
                clock_tolerance_seconds: params.clock_tolerance_seconds,
                current_date_ms: None,
            };
            match verify_with(&self.config, &self.host, &params.session_jwt, &local).await {
                Ok(session) => {
                    return Ok(AuthenticateJwtResponse::Local {
                        session,
                        session_jwt: params.session_jwt.clone(),
                    })
                }
                Err(e) if !needs_remote(&e) => return Err(e),
                Err(_) => {}
            }
        }
        let remote = AuthenticateParams {
            session_token: None,
            session_jwt: Some(params.session_jwt.clone()),
            session_duration_minutes: params.session_duration_minutes,
            session_custom_claims: params.session_custom_claims.clone(),
        };
        Ok(AuthenticateJwtResponse::Remote(Box::new(
            self.authenticate(&remote).await?,
        )))
    }

    /// `authenticate_jwt` for a token the fresh cached keys verified before and whose times
    /// still hold: answered without waiting. `None` otherwise (the full path must run).
    pub fn authenticate_jwt_now(
        &self,
        params: &AuthenticateJwtParams,
    ) -> Option<Result<AuthenticateJwtResponse>> {
        let local = LocalJwtParams {
            max_token_age_seconds: params.max_token_age_seconds,
            clock_tolerance_seconds: params.clock_tolerance_seconds,
            current_date_ms: None,
        };
        if params.max_token_age_seconds == Some(0) {
            return None;
        }
        match verify_remembered_now(&self.config, &self.host, &params.session_jwt, &local)? {
            Ok(session) => Some(Ok(AuthenticateJwtResponse::Local {
                session,
                session_jwt: params.session_jwt.clone(),
            })),
            // Too old or expired: the API decides, which needs the full path.
            Err(e) if needs_remote(&e) => None,
            Err(e) => Some(Err(e)),
        }
    }

    /// Verifies locally only; the API is called only to fetch keys.
    pub async fn authenticate_jwt_local(
        &self,
        session_jwt: &str,
        params: &LocalJwtParams,
    ) -> Result<Rc<SharedSession>> {
        verify_with(&self.config, &self.host, session_jwt, params).await
    }

    async fn post<B: Serialize, T: DeserializeOwned>(&self, path: &str, body: &B) -> Result<T> {
        let body = serde_json::to_string(body)
            .map_err(|_| Error::invalid_argument("request body cannot be serialized as JSON"))?;
        self.call("POST", path, Some(body)).await
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: &'static str,
        path: &str,
        body: Option<String>,
    ) -> Result<T> {
        if self.config.secret.is_none() {
            return Err(Error::invalid_argument(
                "this call needs the project secret",
            ));
        }
        let request = HttpRequest {
            method,
            url: format!("{}{path}", self.config.base_url),
            headers: self.config.headers(body.is_some()),
            body,
            timeout_ms: self.config.timeout_ms,
        };
        let what = format!("{method} {}", path.split('?').next().unwrap_or(path));
        http::read_response(&self.host.send(request).await?, &what)
    }
}

/// Whether a local failure leaves the question to the API: the token was not proven bad.
pub fn needs_remote(error: &Error) -> bool {
    match error {
        Error::Request { .. } => true,
        Error::Client { code, .. } => matches!(
            code,
            ClientErrorCode::JwtTooOld
                | ClientErrorCode::JwtExpired
                | ClientErrorCode::JwtNotYetValid
                | ClientErrorCode::JwksNoMatchingKey
                | ClientErrorCode::JwksInvalid
        ),
        Error::Stytch(_) => true,
    }
}

/// Verifies a session JWT with the project's public keys; no secret needed. This is what an edge
/// worker calls to gate a request.
pub async fn verify_jwt<H: Host>(
    config: &Config,
    host: &H,
    session_jwt: &str,
    params: &LocalJwtParams,
) -> Result<Rc<SharedSession>> {
    verify_with(config, host, session_jwt, params).await
}

/// The claim rules of one call: the project's, at the caller's `current_date` or the host's clock.
fn claim_rules<'a, H: Host>(
    config: &'a Config,
    host: &H,
    params: &LocalJwtParams,
) -> Result<ClaimRules<'a>> {
    let now_ms = params.current_date_ms.unwrap_or_else(|| host.now_ms());
    if !now_ms.is_finite() {
        return Err(Error::invalid_argument("current_date must be a valid date"));
    }
    Ok(ClaimRules {
        project_id: &config.project_id,
        base_url: &config.base_url,
        now: (now_ms / 1000.0).floor() as i64,
        clock_tolerance_seconds: params.clock_tolerance_seconds.unwrap_or(0),
        max_token_age_seconds: Some(
            params
                .max_token_age_seconds
                .unwrap_or(DEFAULT_MAX_TOKEN_AGE_SECONDS),
        ),
    })
}

/// The part of local verification that needs no waiting: a token the fresh cached keys verified
/// before, re-judged against the clock. `None` when the token is not remembered (or the keys are
/// stale), and the full path must run.
pub fn verify_remembered_now<H: Host>(
    config: &Config,
    host: &H,
    token: &str,
    params: &LocalJwtParams,
) -> Option<Result<Rc<SharedSession>>> {
    match claim_rules(config, host, params) {
        Ok(rules) => remembered(config, host, token, &rules),
        Err(e) => Some(Err(e)),
    }
}

/// The memo lookup in the fresh cached keys of `config`'s JWKS URL.
fn remembered<H: Host>(
    config: &Config,
    host: &H,
    token: &str,
    rules: &ClaimRules<'_>,
) -> Option<Result<Rc<SharedSession>>> {
    let keys = key_store::fresh_keys(&config.jwks_url(), host.now_ms())?;
    verify_remembered(token, &keys, rules)
}

async fn verify_with<H: Host>(
    config: &Config,
    host: &H,
    token: &str,
    params: &LocalJwtParams,
) -> Result<Rc<SharedSession>> {
    let rules = claim_rules(config, host, params)?;
    if let Some(result) = remembered(config, host, token, &rules) {
        return result;
    }
    let jws = jws::parse(token)?;
    let keys = key_store::keys_for(host, config.jwks_request(), &jws.kid).await?;
    // `verify_parsed` consults the memo of these keys again: after a refresh they are a new
    // set, which adopted the memo of the stale one.
    verify_parsed(&jws, &keys, &rules)
}
