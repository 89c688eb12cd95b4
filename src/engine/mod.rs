//! The engine: one synchronous state machine that owns the key store and the memo and applies
//! every rule, with no I/O of its own (sans-IO, in the manner of rustls or quinn-proto).
//!
//! A [`Call`] is one operation. Its driver feeds it [`Input`]s with the clock reading, and it
//! answers with what it needs [`Next`]: an HTTP request to send, a wait, or the result. A token
//! the engine already verified is answered at the first step, with no request and no wait.
//!
//! ```text
//! let mut call = Call::new(config, Operation::VerifyJwt { .. });
//! let mut input = Input::Start;
//! loop {
//!     match call.step(&mut engine, input, now_ms()) {
//!         Next::Done(result) => break result,
//!         Next::Send(request) => input = Input::Response(send(request).await),
//!         Next::Wait(ms) => { sleep(ms).await; input = Input::Woke }
//!     }
//! }
//! ```
//!
//! The drivers: [`crate::Client`] (async Rust over a [`crate::Host`]) and, in the wasm module,
//! one loop over the host's `fetch`. The rules are written down in `docs/rules.md`.

pub mod answers;
pub mod flight;
pub mod keys;
pub mod memo;
pub mod outage;
pub mod policy;
pub mod stored;

use crate::api::{AttestParams, ExchangeAccessTokenParams, MigrateParams, RevokeParams};
use crate::api::{AuthenticateJwtParams, AuthenticateParams, Endpoint, LocalJwtParams};
use crate::claims::{check_times, ClaimRules, DEFAULT_MAX_TOKEN_AGE_SECONDS};
use crate::config::Config;
use crate::error::{ClientErrorCode, Error, RequestErrorCode, Result, StytchError};
use crate::http::{self, HttpRequest, HttpResponse};
use crate::json::{self, Value};
use crate::jwk::KeySet;
use crate::jws;
use crate::jwt::verify_parsed;
use crate::rbac::{self, AuthorizationCheck, Policy, Verdict};
use answers::Answers;
use flight::{Ages, Asking, Patience};
use keys::{KeyStore, Plan};
use memo::Memo;
use outage::Outage;
use policy::PolicyStore;
use std::rc::Rc;

/// How often a call waiting for another call's key fetch looks whether it has landed.
pub const WAIT_POLL_MS: u32 = 5;

/// The keys, the memo, the policies and the API's answers of one module instance (or of
/// whatever a Rust caller shares).
#[derive(Default)]
pub struct Engine {
    keys: KeyStore,
    memo: Memo,
    policies: PolicyStore,
    answers: Answers,
    outage: Outage,
}

impl Engine {
    /// An engine with no keys and an empty memo.
    pub fn new() -> Self {
        Self::default()
    }

    /// The key store.
    pub fn keys(&self) -> &KeyStore {
        &self.keys
    }

    /// The memo.
    pub fn memo(&self) -> &Memo {
        &self.memo
    }

    /// The API's answers remembered, and the requests in flight.
    pub fn answers(&self) -> &Answers {
        &self.answers
    }
}

/// One operation of the Sessions API, with its parameters.
#[derive(Debug, Clone)]
pub enum Operation {
    /// `verifyJwt` and `authenticateJwtLocal`: local verification only.
    VerifyJwt {
        token: String,
        params: LocalJwtParams,
    },
    /// Local verification, and the API when the token is genuine but cannot be judged locally.
    AuthenticateJwt(AuthenticateJwtParams),
    Authenticate(AuthenticateParams),
    Get {
        user_id: String,
    },
    GetJwks {
        project_id: String,
    },
    Migrate(MigrateParams),
    Revoke(RevokeParams),
    ExchangeAccessToken(ExchangeAccessTokenParams),
    Attest(AttestParams),
}

/// What the driver hands a call.
#[derive(Debug)]
pub enum Input {
    /// The first step.
    Start,
    /// The answer to the last [`Next::Send`], or why there was none.
    Response(Result<HttpResponse>),
    /// The last [`Next::Wait`] or [`Next::Save`] is over.
    Woke,
    /// What the shared JWKS store held for the last [`Next::Load`] (`None` if nothing, or if
    /// reading it failed).
    Loaded(Option<String>),
}

/// What a call needs next.
#[derive(Debug)]
pub enum Next {
    /// Send this request, then step with its [`Input::Response`].
    Send(HttpRequest),
    /// Wait this many milliseconds, then step with [`Input::Woke`].
    Wait(u32),
    /// Read the shared JWKS store ([`Config::jwks_store`]), then step with [`Input::Loaded`].
    Load,
    /// Give the shared JWKS store this value, to keep for `ttl_seconds` (its failures are
    /// ignored), then step with [`Input::Woke`].
    Save { value: String, ttl_seconds: u32 },
    /// The call is over.
    Done(Result<Answer>),
}

/// A call's result, as JSON.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// A session verified locally (`verifyJwt`, `authenticateJwtLocal`).
    Session(Rc<str>),
    /// `authenticateJwt` verified locally: `{session, session_jwt, verdict?}`.
    LocalJwt {
        session: Rc<str>,
        session_jwt: String,
        /// The verdict on the call's `authorization_check`, when it had one.
        verdict: Option<Verdict>,
    },
    /// The API's answer, as it sent it (checked to have the members its endpoint promises).
    Api(String),
}

impl Answer {
    /// The answer as one JSON text.
    pub fn to_json(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Self::Session(session) => std::borrow::Cow::Borrowed(session),
            Self::Api(body) => std::borrow::Cow::Borrowed(body),
            Self::LocalJwt {
                session,
                session_jwt,
                verdict,
            } => {
                let mut out = String::with_capacity(session.len() + session_jwt.len() + 32);
                out.push_str("{\"session\":");
                out.push_str(session);
                out.push_str(",\"session_jwt\":");
                json::write_str(session_jwt, &mut out);
                if let Some(verdict) = verdict {
                    out.push_str(",\"verdict\":");
                    verdict.write(&mut out);
                }
                out.push('}');
                std::borrow::Cow::Owned(out)
            }
        }
    }
}

#[derive(Debug)]
enum Stage {
    Start,
    /// Waiting for another call's fetch to land.
    Waiting {
        kid: String,
        patience: Patience,
    },
    /// Our own JWKS fetch is out.
    Fetching {
        kid: String,
        flight: u64,
    },
    /// Reading the shared store in place of fetch `flight`.
    Loading {
        kid: String,
        flight: u64,
    },
    /// Giving the shared store the keys fetch `flight` brought.
    Saving {
        kid: String,
        flight: u64,
    },
    /// Waiting for another call's policy fetch to land.
    PolicyWaiting {
        patience: Patience,
    },
    /// Our own policy fetch is out.
    PolicyFetching {
        flight: u64,
    },
    /// An API request is out; `shared`: the request's key and flight, when calls share it.
    Api {
        endpoint: Endpoint,
        shared: Option<(answers::Key, u64)>,
    },
    /// Waiting for another call's identical API request to land.
    ApiWaiting {
        endpoint: Endpoint,
        patience: Patience,
    },
    Done,
}

/// A session verified locally, waiting for the policy its authorization check needs.
#[derive(Debug)]
struct Checking {
    session: Rc<str>,
    roles: Rc<[String]>,
}

/// One operation in progress. Step it until it is [`Next::Done`].
#[derive(Debug)]
pub struct Call {
    config: Rc<Config>,
    operation: Operation,
    stage: Stage,
    checking: Option<Checking>,
    /// Whether this call has read the shared JWKS store.
    loaded: bool,
}

impl Call {
    /// A call of `operation` for the project `config` describes.
    pub fn new(config: Rc<Config>, operation: Operation) -> Self {
        Self {
            config,
            operation,
            stage: Stage::Start,
            checking: None,
            loaded: false,
        }
    }

    /// The project settings the call runs under.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Advances the call with `input`, at `now_ms` (milliseconds since the Unix epoch).
    ///
    /// Each stage's handler is its own function, kept out of line: a first verification runs
    /// only [`Call::start`], and a JavaScript engine compiles a whole function on its first
    /// call, so the other stages stay uncompiled until a call needs them.
    pub fn step(&mut self, engine: &mut Engine, input: Input, now_ms: f64) -> Next {
        let next = match (std::mem::replace(&mut self.stage, Stage::Done), input) {
            (Stage::Start, Input::Start) => self.start(engine, now_ms),
            (Stage::Waiting { kid, patience }, Input::Woke) => {
                self.plan_keys(engine, kid, Asking::Waited(patience), now_ms, None)
            }
            (Stage::Fetching { kid, flight }, Input::Response(response)) => {
                self.keys_fetched(engine, kid, flight, response, now_ms)
            }
            (Stage::Loading { kid, flight }, Input::Loaded(value)) => {
                self.keys_loaded(engine, kid, flight, value, now_ms)
            }
            (Stage::Saving { kid, flight }, Input::Woke) => {
                self.plan_keys(engine, kid, Asking::Fetched(flight), now_ms, None)
            }
            (Stage::PolicyWaiting { patience }, Input::Woke) => {
                self.plan_policy(engine, Asking::Waited(patience), now_ms)
            }
            (Stage::PolicyFetching { flight }, Input::Response(response)) => {
                self.policy_fetched(engine, flight, response, now_ms)
            }
            (Stage::Api { endpoint, shared }, Input::Response(response)) => {
                self.api_answered(engine, endpoint, shared, response, now_ms)
            }
            (Stage::ApiWaiting { endpoint, patience }, Input::Woke) => {
                self.ask_api(engine, endpoint, Asking::Waited(patience), now_ms)
            }
            _ => Next::Done(Err(Error::invalid_argument(
                "call stepped out of order (a driver bug)",
            ))),
        };
        if let Next::Done(_) = next {
            self.stage = Stage::Done;
        }
        next
    }

    /// Our JWKS fetch `flight` answered (or failed).
    #[inline(never)]
    fn keys_fetched(
        &mut self,
        engine: &mut Engine,
        kid: String,
        flight: u64,
        response: Result<HttpResponse>,
        now_ms: f64,
    ) -> Next {
        let (result, body) = match response.and_then(|r| read_jwks(&r).map(|k| (k, r.body))) {
            Ok((keys, body)) => (Ok(keys), Some(body)),
            Err(e) => (Err(e), None),
        };
        let url = &self.config.jwks_url;
        engine.keys.land(url, flight, result, now_ms);
        // Every successful fetch updates the shared store, when there is one.
        match body.filter(|_| self.config.jwks_store) {
            Some(body) => {
                let value = stored::write(url, now_ms, &body, self.config.secret.as_deref());
                self.stage = Stage::Saving { kid, flight };
                Next::Save {
                    value,
                    ttl_seconds: stored::TTL_SECONDS,
                }
            }
            None => self.plan_keys(engine, kid, Asking::Fetched(flight), now_ms, None),
        }
    }

    /// The shared JWKS store answered, in place of fetch `flight`.
    #[inline(never)]
    fn keys_loaded(
        &mut self,
        engine: &mut Engine,
        kid: String,
        flight: u64,
        value: Option<String>,
        now_ms: f64,
    ) -> Next {
        let url = &self.config.jwks_url;
        let secret = self.config.secret.as_deref();
        match value.and_then(|v| stored::read(&v, url, now_ms, secret)) {
            Some((keys, fetched_at_ms)) => {
                engine.keys.load(url, flight, keys, fetched_at_ms);
                self.plan_keys(engine, kid, Asking::First, now_ms, None)
            }
            None => self.fetch_keys(kid, flight),
        }
    }

    /// Our RBAC policy fetch `flight` answered (or failed).
    #[inline(never)]
    fn policy_fetched(
        &mut self,
        engine: &mut Engine,
        flight: u64,
        response: Result<HttpResponse>,
        now_ms: f64,
    ) -> Next {
        let result = response
            .and_then(|r| read_answer(Endpoint::RbacPolicy, r))
            .and_then(|body| Policy::from_answer(body.as_bytes()));
        let key = self.config.policy_key();
        engine.policies.land(&key, flight, result, now_ms);
        self.plan_policy(engine, Asking::Fetched(flight), now_ms)
    }

    /// An API request answered (or failed): shared with the calls that waited for it, and
    /// remembered as long as [`Call::keep_ms`] says.
    #[inline(never)]
    fn api_answered(
        &mut self,
        engine: &mut Engine,
        endpoint: Endpoint,
        shared: Option<(answers::Key, u64)>,
        response: Result<HttpResponse>,
        now_ms: f64,
    ) -> Next {
        let result = response.and_then(|r| read_answer(endpoint, r));
        if let Some((key, flight)) = shared {
            let keep_ms = self.keep_ms(&result);
            engine.answers.land(&key, flight, &result, keep_ms, now_ms);
        }
        if endpoint == Endpoint::Revoke && result.is_ok() {
            // No answer that let a session in outlives a revocation made here.
            engine.answers.forget();
        }
        self.api_result(result)
    }

    /// How long an API answer for this call is kept for the calls after it: a final refusal
    /// of the token for a minute; authenticateJwt's answer for a genuine JWT for 30 seconds
    /// (unless `max_token_age_seconds: 0` asked for the API's word every time); anything else
    /// only for the calls that waited for it.
    fn keep_ms(&self, result: &Result<String>) -> f64 {
        match (result, &self.operation) {
            (Ok(_), Operation::AuthenticateJwt(p)) if p.max_token_age_seconds != Some(0) => {
                answers::REUSE_MS
            }
            (Err(Error::Stytch(e)), _) if is_final_refusal(e) => answers::REFUSAL_MS,
            _ => 0.0,
        }
    }

    /// The call's answer from the API's: when the call sent an authorization check, the answer
    /// counts only with `verdict.authorized` true.
    fn api_result(&self, result: Result<String>) -> Next {
        let result = match self.check() {
            Some(_) => result.and_then(|body| admitted_verdict(&body).map(|()| body)),
            None => result,
        };
        Next::Done(result.map(Answer::Api))
    }

    fn start(&mut self, engine: &mut Engine, now_ms: f64) -> Next {
        let endpoint = match &self.operation {
            Operation::VerifyJwt { .. } => None,
            Operation::AuthenticateJwt(p) if p.max_token_age_seconds == Some(0) => {
                Some(Endpoint::Authenticate)
            }
            Operation::AuthenticateJwt(_) => None,
            Operation::Authenticate(_) => Some(Endpoint::Authenticate),
            Operation::Get { .. } => Some(Endpoint::Get),
            Operation::GetJwks { .. } => Some(Endpoint::GetJwks),
            Operation::Migrate(_) => Some(Endpoint::Migrate),
            Operation::Revoke(_) => Some(Endpoint::Revoke),
            Operation::ExchangeAccessToken(_) => Some(Endpoint::ExchangeAccessToken),
            Operation::Attest(_) => Some(Endpoint::Attest),
        };
        if let Some(endpoint) = endpoint {
            return self.ask_api(engine, endpoint, Asking::First, now_ms);
        }
        if self.check().is_some() && self.config.secret.is_none() {
            return Next::Done(Err(Error::invalid_argument(
                "authorization_check needs the project secret: the RBAC policy is read with it",
            )));
        }
        if let Some(jwks) = &self.config.jwks {
            // A seed of unknown age is due for a refresh at once (it then serves only while
            // the JWKS cannot be had, within the staleness cap).
            let fetched_at_ms = match self.config.jwks_fetched_at_ms {
                Some(ms) => ms as f64,
                None => now_ms - keys::MAX_AGE_MS,
            };
            engine.keys.seed(
                &self.config.jwks_url,
                || KeySet::from_values(jwks),
                fetched_at_ms,
            );
        }
        if let Some(keys) = engine
            .keys
            .fresh(&self.config.jwks_url, self.key_ages(), now_ms)
        {
            if let Some(next) = self.recall(engine, &keys, now_ms) {
                return next;
            }
        }
        // Parsed once: the keys it needs are planned from its kid, and when they are at hand it
        // is verified from this same parse. (A copy of the token, so the parse does not borrow
        // the call.)
        let token: Rc<str> = Rc::from(self.token());
        let jws = match jws::parse(&token) {
            Ok(jws) => jws,
            Err(e) => return self.refused(engine, e, now_ms),
        };
        self.plan_keys(engine, jws.kid.clone(), Asking::First, now_ms, Some(&jws))
    }

    /// A token verified before under this call's JWKS URL (its issuer and audience), with keys
    /// that still hold the key that verified it: only its times are judged again.
    fn recall(&mut self, engine: &mut Engine, keys: &KeySet, now_ms: f64) -> Option<Next> {
        let verified = engine
            .memo
            .recall(self.token(), &self.config.jwks_url, keys)?;
        let (session, roles, times) = (
            verified.session.clone(),
            verified.roles.clone(),
            verified.times,
        );
        let judged = self
            .rules(now_ms)
            .and_then(|rules| check_times(&times, &rules));
        Some(match judged {
            Ok(()) => self.verified(engine, session, roles, now_ms),
            Err(e) => self.refused(engine, e, now_ms),
        })
    }

    /// The call's authorization check, if it has one.
    fn check(&self) -> Option<&AuthorizationCheck> {
        match &self.operation {
            Operation::VerifyJwt { params, .. } => params.authorization_check.as_ref(),
            Operation::AuthenticateJwt(p) => p.authorization_check.as_ref(),
            Operation::Authenticate(p) => p.authorization_check.as_ref(),
            _ => None,
        }
    }

    /// How old the project's keys may be: refreshed after ten minutes, never used past the
    /// staleness cap.
    fn key_ages(&self) -> Ages {
        Ages::new(keys::MAX_AGE_MS, self.config.max_stale_ms())
    }

    /// How old the project's RBAC policy may be: refreshed after five minutes, never used past
    /// the staleness cap.
    fn policy_ages(&self) -> Ages {
        Ages::new(policy::MAX_AGE_MS, self.config.max_stale_ms())
    }

    fn token(&self) -> &str {
        match &self.operation {
            Operation::VerifyJwt { token, .. } => token,
            Operation::AuthenticateJwt(p) => &p.session_jwt,
            _ => "",
        }
    }

    /// The claim rules of this call: the project's, at `current_date` or the clock.
    fn rules(&self, now_ms: f64) -> Result<ClaimRules<'_>> {
        let (max_age, tolerance, current_date_ms) = match &self.operation {
            Operation::VerifyJwt { params, .. } => (
                params.max_token_age_seconds,
                params.clock_tolerance_seconds,
                params.current_date_ms,
            ),
            Operation::AuthenticateJwt(p) => {
                (p.max_token_age_seconds, p.clock_tolerance_seconds, None)
            }
            _ => (None, None, None),
        };
        let now_ms = current_date_ms.unwrap_or(now_ms);
        if !now_ms.is_finite() {
            return Err(Error::invalid_argument("current_date must be a valid date"));
        }
        Ok(ClaimRules {
            project_id: &self.config.project_id,
            base_url: &self.config.base_url,
            now: (now_ms / 1000.0).floor() as i64,
            clock_tolerance_seconds: tolerance.unwrap_or(0),
            max_token_age_seconds: Some(max_age.unwrap_or(DEFAULT_MAX_TOKEN_AGE_SECONDS)),
        })
    }

    /// Plans the keys a token with `kid` needs; `parsed` is the token's parse when the caller
    /// has it (the first step), so that verifying does not parse it again.
    fn plan_keys(
        &mut self,
        engine: &mut Engine,
        kid: String,
        asking: Asking,
        now_ms: f64,
        parsed: Option<&jws::Jws<'_>>,
    ) -> Next {
        let url = &self.config.jwks_url;
        let timeout_ms = self.config.jwks_timeout_ms();
        let ages = self.key_ages();
        match engine
            .keys
            .plan(url, &kid, now_ms, timeout_ms, asking, ages)
        {
            Plan::Verify(keys) => self.verify(engine, &keys, now_ms, parsed),
            // A cold or stale key store reads the shared store first (once per call); an
            // unknown-kid refetch never does.
            Plan::Fetch { flight, refetch }
                if self.config.jwks_store && !refetch && !self.loaded =>
            {
                self.loaded = true;
                self.stage = Stage::Loading { kid, flight };
                Next::Load
            }
            Plan::Fetch { flight, .. } => self.fetch_keys(kid, flight),
            Plan::Wait { flight } => {
                let patience = Patience::for_flight(asking, flight, now_ms, timeout_ms);
                self.stage = Stage::Waiting { kid, patience };
                Next::Wait(WAIT_POLL_MS)
            }
            Plan::Unknown {
                proven: true,
                error,
            } => Next::Done(Err(error)),
            Plan::Unknown {
                proven: false,
                error,
            } => self.keys_unavailable(engine, error, now_ms),
        }
    }

    /// No key can judge the token while the JWKS cannot be had: `authenticateJwt` asks the API,
    /// at the bounded rate of [`outage`]; past it (and for local verification) the call fails
    /// as Stytch being unavailable.
    fn keys_unavailable(&mut self, engine: &mut Engine, error: Error, now_ms: f64) -> Next {
        if !matches!(self.operation, Operation::AuthenticateJwt(_)) {
            return Next::Done(Err(error));
        }
        if engine.outage.take(&self.config.jwks_url, now_ms) {
            return self.ask_api(engine, Endpoint::Authenticate, Asking::First, now_ms);
        }
        let unavailable = match error {
            e @ (Error::Request { .. } | Error::Stytch(_)) => e,
            Error::Client { .. } => Error::request(
                RequestErrorCode::NetworkError,
                "the JWKS cannot be had, and the API is asked about such tokens at a bounded rate",
            ),
        };
        Next::Done(Err(unavailable))
    }

    fn fetch_keys(&mut self, kid: String, flight: u64) -> Next {
        self.stage = Stage::Fetching { kid, flight };
        let url = self.config.jwks_url.clone();
        Next::Send(self.request("GET", url, None, self.config.jwks_timeout_ms()))
    }

    /// Verifies the token with `keys`, from `parsed` when the first step parsed it.
    fn verify(
        &mut self,
        engine: &mut Engine,
        keys: &KeySet,
        now_ms: f64,
        parsed: Option<&jws::Jws<'_>>,
    ) -> Next {
        // Keys fetched while this call waited (or the last good keys, while the JWKS cannot be
        // had) may have verified the token already.
        if let Some(next) = self.recall(engine, keys, now_ms) {
            return next;
        }
        let token = self.token();
        let verified = self.rules(now_ms).and_then(|rules| match parsed {
            Some(jws) => verify_parsed(jws, keys, &rules),
            None => jws::parse(token).and_then(|jws| verify_parsed(&jws, keys, &rules)),
        });
        match verified {
            Ok(verified) => {
                let (session, roles) = (verified.session.clone(), verified.roles.clone());
                engine
                    .memo
                    .remember(self.token(), &self.config.jwks_url, verified);
                self.verified(engine, session, roles, now_ms)
            }
            Err(e) => self.refused(engine, e, now_ms),
        }
    }

    /// The token is genuine and current: answer, or judge the call's authorization check first.
    fn verified(
        &mut self,
        engine: &mut Engine,
        session: Rc<str>,
        roles: Rc<[String]>,
        now_ms: f64,
    ) -> Next {
        if self.check().is_none() {
            return self.local(session, None);
        }
        self.checking = Some(Checking { session, roles });
        self.plan_policy(engine, Asking::First, now_ms)
    }

    fn local(&mut self, session: Rc<str>, verdict: Option<Verdict>) -> Next {
        Next::Done(Ok(match &self.operation {
            Operation::AuthenticateJwt(p) => Answer::LocalJwt {
                session,
                session_jwt: p.session_jwt.clone(),
                verdict,
            },
            _ => Answer::Session(session),
        }))
    }

    /// Gets the policy (cached, or fetched once for concurrent callers) and judges the check.
    /// Allowed → the local answer with its verdict. Denied → `invalid_permissions` locally, while
    /// `authenticateJwt` asks the API, which is authoritative (the cached policy may be up to
    /// five minutes old). No policy to be had → the error locally; the API for `authenticateJwt`.
    fn plan_policy(&mut self, engine: &mut Engine, asking: Asking, now_ms: f64) -> Next {
        let timeout_ms = self.config.api_timeout_ms();
        let key = self.config.policy_key();
        let ages = self.policy_ages();
        match engine.policies.plan(&key, now_ms, timeout_ms, asking, ages) {
            policy::Plan::Use(policy) => {
                let checking = self.checking.take();
                let (Some(check), Some(checking)) = (self.check(), checking) else {
                    return Next::Done(Err(Error::invalid_argument(
                        "call stepped out of order (a driver bug)",
                    )));
                };
                let verdict = policy.judge(&checking.roles, check);
                if verdict.authorized {
                    self.local(checking.session, Some(verdict))
                } else if let Operation::AuthenticateJwt(_) = self.operation {
                    self.ask_api(engine, Endpoint::Authenticate, Asking::First, now_ms)
                } else {
                    Next::Done(Err(rbac::denied()))
                }
            }
            policy::Plan::Fetch { flight } => {
                self.stage = Stage::PolicyFetching { flight };
                let (method, path) = Endpoint::RbacPolicy.route();
                let url = [&self.config.base_url, path].concat();
                Next::Send(self.request(method, url, None, timeout_ms))
            }
            policy::Plan::Wait { flight } => {
                let patience = Patience::for_flight(asking, flight, now_ms, timeout_ms);
                self.stage = Stage::PolicyWaiting { patience };
                Next::Wait(WAIT_POLL_MS)
            }
            policy::Plan::Unavailable(error) => self.undecided(engine, error, now_ms),
        }
    }

    /// The token was judged locally and refused. For `authenticateJwt`, a genuine token whose
    /// only fault is time (too old, expired, not yet valid) or an ambiguous key set goes to the
    /// API; a token proven bad (malformed, wrong algorithm, bad signature, wrong issuer or
    /// audience, unknown key) never does.
    fn refused(&mut self, engine: &mut Engine, error: Error, now_ms: f64) -> Next {
        let asks_api = matches!(
            error.client_code(),
            Some(
                ClientErrorCode::JwtTooOld
                    | ClientErrorCode::JwtExpired
                    | ClientErrorCode::JwtNotYetValid
                    | ClientErrorCode::JwksInvalid
            )
        );
        if asks_api {
            self.undecided(engine, error, now_ms)
        } else {
            Next::Done(Err(error))
        }
    }

    /// The token could not be judged locally (too old, expired, or keys unavailable):
    /// `authenticateJwt` asks the API; local verification reports why.
    fn undecided(&mut self, engine: &mut Engine, error: Error, now_ms: f64) -> Next {
        match self.operation {
            Operation::AuthenticateJwt(_) => {
                self.ask_api(engine, Endpoint::Authenticate, Asking::First, now_ms)
            }
            _ => Next::Done(Err(error)),
        }
    }

    /// Sends the call's API request, or (for `authenticate`, which judges a token) takes the
    /// answer of an identical request in flight or remembered ([`answers`]).
    fn ask_api(
        &mut self,
        engine: &mut Engine,
        endpoint: Endpoint,
        asking: Asking,
        now_ms: f64,
    ) -> Next {
        if self.config.secret.is_none() {
            return Next::Done(Err(Error::invalid_argument(
                "this call needs the project secret",
            )));
        }
        let base = &self.config.base_url;
        // The endpoint's own route; only `get` and `getJWKS` add to the URL.
        let (method, path) = endpoint.route();
        let (url, body) = match &self.operation {
            Operation::AuthenticateJwt(p) => {
                let params = AuthenticateParams {
                    session_token: None,
                    session_jwt: Some(p.session_jwt.clone()),
                    session_duration_minutes: p.session_duration_minutes,
                    session_custom_claims: p.session_custom_claims.clone(),
                    authorization_check: p.authorization_check.clone(),
                };
                (None, Some(params.body()))
            }
            Operation::Authenticate(p) => (None, Some(p.body())),
            Operation::Get { user_id } => {
                let query = ["?user_id=", &http::percent_encode(user_id)].concat();
                (Some([base, path, &query].concat()), None)
            }
            Operation::GetJwks { project_id } => (Some(http::jwks_url(base, project_id)), None),
            Operation::Migrate(p) => (None, Some(p.body())),
            Operation::Revoke(p) => (None, Some(p.body())),
            Operation::ExchangeAccessToken(p) => (None, Some(p.body())),
            Operation::Attest(p) => (None, Some(p.body())),
            Operation::VerifyJwt { .. } => {
                return Next::Done(Err(Error::invalid_argument(
                    "local verification makes no API call",
                )))
            }
        };
        let url = url.unwrap_or_else(|| [base, path].concat());
        let timeout_ms = self.config.api_timeout_ms();
        let request = self.request(method, url, body, timeout_ms);
        let mut shared = None;
        if endpoint == Endpoint::Authenticate {
            let authorization = request.headers.first().map(|(_, v)| v.as_str());
            let key = answers::key(&request.url, authorization, request.body.as_deref());
            match engine.answers.plan(&key, now_ms, timeout_ms, asking) {
                answers::Plan::Use(result) => return self.api_result(result),
                answers::Plan::Wait { flight } => {
                    let patience = Patience::for_flight(asking, flight, now_ms, timeout_ms);
                    self.stage = Stage::ApiWaiting { endpoint, patience };
                    return Next::Wait(WAIT_POLL_MS);
                }
                answers::Plan::Send { flight } => shared = Some((key, flight)),
            }
        }
        self.stage = Stage::Api { endpoint, shared };
        Next::Send(request)
    }

    fn request(
        &self,
        method: &'static str,
        url: String,
        body: Option<String>,
        timeout_ms: u32,
    ) -> HttpRequest {
        let mut headers = Vec::with_capacity(2);
        if let Some(secret) = &self.config.secret {
            headers.push((
                "Authorization",
                http::basic_auth(&self.config.project_id, secret),
            ));
        }
        if body.is_some() {
            headers.push(("Content-Type", "application/json".to_owned()));
        }
        HttpRequest {
            method,
            url,
            headers,
            body,
            timeout_ms,
        }
    }
}

/// Reads an API answer: status < 400 with the members `endpoint` promises → the body as sent;
/// status ≥ 400 with a Stytch error body → [`Error::Stytch`]; anything else →
/// `invalid_response`.
pub fn read_answer(endpoint: Endpoint, response: HttpResponse) -> Result<String> {
    if response.status >= 400 {
        return Err(match StytchError::from_body(&response.body) {
            Some(e) => Error::Stytch(Box::new(e)),
            None => invalid_response(
                &endpoint.name(),
                response.status,
                " without a Stytch error body",
            ),
        });
    }
    let Ok(Value::Object(body)) = json::parse(response.body.as_bytes()) else {
        return Err(invalid_response(
            &endpoint.name(),
            response.status,
            " with a body that is not a JSON object",
        ));
    };
    for (name, kind) in endpoint.required() {
        if !body.get(name).is_some_and(|v| kind.matches(v)) {
            let mut message = endpoint.name();
            message.push_str(": the answer lacks ");
            message.push_str(name);
            message.push_str(" or it has the wrong type");
            return Err(Error::request(RequestErrorCode::InvalidResponse, message));
        }
    }
    Ok(response.body)
}

/// Reads a JWKS fetch: its usable keys. A set with none is a failure (the last good keys stay).
fn read_jwks(response: &HttpResponse) -> Result<KeySet> {
    const WHAT: &str = "JWKS fetch";
    if response.status >= 400 {
        return Err(match StytchError::from_body(&response.body) {
            Some(e) => Error::Stytch(Box::new(e)),
            None => invalid_response(WHAT, response.status, " without a Stytch error body"),
        });
    }
    let keys = KeySet::from_json(response.body.as_bytes()).map_err(|_| {
        invalid_response(
            WHAT,
            response.status,
            " with a body that is not a JSON key set",
        )
    })?;
    if keys.is_empty() {
        return Err(Error::client(
            ClientErrorCode::JwksNoMatchingKey,
            "the JWKS has no usable key (RSA, for signing, RS256, 2048 to 4096 bits)",
        ));
    }
    Ok(keys)
}

/// Whether the API's error judges the token (or the token and its check) for good, so that
/// asking again with the same request would get the same answer: a 4xx other than a timeout,
/// a rate limit or a refusal of the project's own credentials.
fn is_final_refusal(e: &StytchError) -> bool {
    (400..500).contains(&e.status_code)
        && e.status_code != 408
        && e.status_code != 429
        && e.error_type != "unauthorized_credentials"
}

/// Checks the `verdict` of an answer to a request that sent an authorization check: only
/// `{"authorized": true, …}` lets the session in; `false` is the check denied, anything else
/// an answer that cannot be trusted.
fn admitted_verdict(body: &str) -> Result<()> {
    let answer = json::parse_object(body.as_bytes()).ok();
    let authorized = answer
        .as_ref()
        .and_then(|o| o.get("verdict"))
        .and_then(Value::as_object)
        .and_then(|v| v.get("authorized"));
    match authorized {
        Some(Value::Bool(true)) => Ok(()),
        Some(Value::Bool(false)) => Err(rbac::denied()),
        _ => Err(Error::request(
            RequestErrorCode::InvalidResponse,
            "POST /v1/sessions/authenticate: an authorization check was sent, and the answer lacks verdict.authorized or it has the wrong type",
        )),
    }
}

fn invalid_response(what: &str, status: u16, why: &str) -> Error {
    let mut message = String::from(what);
    message.push_str(": HTTP ");
    json::push_u64(&mut message, u64::from(status));
    message.push_str(why);
    Error::request(RequestErrorCode::InvalidResponse, message)
}
