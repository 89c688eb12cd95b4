//! The Sessions operations for Rust callers: async functions over a [`Host`] (your HTTP client,
//! clock and timer) that drive the [`crate::engine`]. Every rule lives in the engine; this file
//! only sends what it asks for, within the bounds every driver obeys (docs/rules.md, "Driver
//! contract"), and types what it answers.

use crate::api::*;
use crate::config::Config;
use crate::engine::{Answer, ApiCall, Call, Engine, Input, Next, Operation};
use crate::error::Result;
use crate::http::Host;
use crate::protocol::{self, store_wait_ms, url_host};
use crate::session::Session;
use serde::de::DeserializeOwned;
use std::cell::RefCell;
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::rc::Rc;
use std::task::Poll;

/// An engine shared by clients: one per module instance or worker, so that keys fetched and
/// tokens verified for one request serve the next.
pub type SharedEngine = Rc<RefCell<Engine>>;

/// A Stytch Sessions client over a host's HTTP, clock and timer.
pub struct Client<H: Host> {
    config: Rc<Config>,
    host: H,
    engine: SharedEngine,
}

impl<H: Host> Client<H> {
    /// A client with an engine of its own.
    pub fn new(config: Config, host: H) -> Self {
        Self::with_engine(config, host, SharedEngine::default())
    }

    /// A client that shares `engine` (its keys and memo) with other clients.
    pub fn with_engine(config: Config, host: H, engine: SharedEngine) -> Self {
        Self {
            config: Rc::new(config),
            host,
            engine,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The host.
    pub fn host(&self) -> &H {
        &self.host
    }

    /// The engine.
    pub fn engine(&self) -> &SharedEngine {
        &self.engine
    }

    /// Runs `operation` to its end and returns the engine's answer. A request, and the store's
    /// `load_jwks` and `save_jwks`, are each raced against [`Host::time_limit`]: a request that
    /// has not answered within its `timeout_ms` is a `timeout`, a store that has not within the
    /// JWKS timeout has failed (docs/rules.md, "Driver contract").
    pub async fn run(&self, operation: Operation) -> Result<Answer> {
        let mut call = Call::new(self.config.clone(), operation);
        let mut input = Input::Start;
        loop {
            let next = call.step(&mut self.engine.borrow_mut(), input, self.host.now_ms());
            input = match next {
                Next::Done(result) => return result,
                Next::Send(request) => {
                    let ms = request.timeout_ms;
                    let host = url_host(&request.url).map(str::to_owned);
                    let sent = within(self.host.send(request), self.host.time_limit(ms)).await;
                    Input::Response(
                        sent.unwrap_or_else(|| Err(protocol::timed_out(host.as_deref()))),
                    )
                }
                Next::Wait(ms) => {
                    self.host.sleep(ms).await;
                    Input::Woke
                }
                Next::Load => {
                    let limit = self.host.time_limit(store_wait_ms(&self.config));
                    Input::Loaded(within(self.host.load_jwks(), limit).await.flatten())
                }
                Next::Save { value, ttl_seconds } => {
                    let limit = self.host.time_limit(store_wait_ms(&self.config));
                    within(self.host.save_jwks(value, ttl_seconds), limit).await;
                    Input::Woke
                }
            };
        }
    }

    /// `POST /v1/sessions/authenticate`.
    pub async fn authenticate(&self, params: &AuthenticateParams) -> Result<AuthenticateResponse> {
        typed(self.run(Operation::Authenticate(params.clone())).await?)
    }

    /// `GET /v1/sessions?user_id=`.
    pub async fn get(&self, user_id: &str) -> Result<GetResponse> {
        let user_id = user_id.to_owned();
        typed(self.run(Operation::Get { user_id }).await?)
    }

    /// `GET /v1/sessions/jwks/{project_id}`.
    pub async fn get_jwks(&self, project_id: &str) -> Result<JwksResponse> {
        crate::http::check_path_value("project_id", project_id)?;
        let project_id = project_id.to_owned();
        typed(self.run(Operation::GetJwks { project_id }).await?)
    }

    /// An API-only call: `body` sent to `endpoint`, its answer read into `T`.
    pub(crate) async fn api<T: DeserializeOwned>(
        &self,
        endpoint: Endpoint,
        body: String,
    ) -> Result<T> {
        typed(
            self.run(Operation::Api(ApiCall::new(endpoint, body)))
                .await?,
        )
    }

    /// `POST /v1/sessions/migrate`.
    pub async fn migrate(&self, params: &MigrateParams) -> Result<MigrateResponse> {
        self.api(Endpoint::Migrate, params.body()).await
    }

    /// `POST /v1/sessions/revoke`.
    pub async fn revoke(&self, params: &RevokeParams) -> Result<RevokeResponse> {
        self.api(Endpoint::Revoke, params.body()).await
    }

    /// `POST /v1/sessions/exchange_access_token`: a session for a Connected Apps access token.
    pub async fn exchange_access_token(
        &self,
        params: &ExchangeAccessTokenParams,
    ) -> Result<NewSessionResponse> {
        self.api(Endpoint::ExchangeAccessToken, params.body()).await
    }

    /// `POST /v1/sessions/attest`: a session for a trusted auth token.
    pub async fn attest(&self, params: &AttestParams) -> Result<NewSessionResponse> {
        self.api(Endpoint::Attest, params.body()).await
    }

    /// Verifies locally when it can; asks the API when the token is genuine but the local check
    /// cannot decide (see `docs/rules.md`, "When the API is asked").
    pub async fn authenticate_jwt(
        &self,
        params: &AuthenticateJwtParams,
    ) -> Result<AuthenticateJwtResponse> {
        match self.run(Operation::AuthenticateJwt(params.clone())).await? {
            Answer::LocalJwt {
                session,
                session_jwt,
                verdict,
                ..
            } => Ok(AuthenticateJwtResponse::Local {
                session: Session::from_json(&session)?,
                session_jwt,
                verdict,
            }),
            other => Ok(AuthenticateJwtResponse::Remote(Box::new(typed(other)?))),
        }
    }

    /// Verifies locally only; the API is called only to fetch keys.
    pub async fn authenticate_jwt_local(
        &self,
        session_jwt: &str,
        params: &LocalJwtParams,
    ) -> Result<Session> {
        let token = session_jwt.to_owned();
        let params = params.clone();
        match self.run(Operation::VerifyJwt { token, params }).await? {
            Answer::Session(session) => Session::from_json(&session),
            other => typed(other),
        }
    }
}

/// Verifies a session JWT with the project's public keys; no secret needed. This is what an edge
/// worker calls to gate a request.
pub async fn verify_jwt<H: Host>(
    client: &Client<H>,
    session_jwt: &str,
    params: &LocalJwtParams,
) -> Result<Session> {
    client.authenticate_jwt_local(session_jwt, params).await
}

/// What `work` gives, unless `limit` resolves first (`None`): the two are polled in turn, `work`
/// first, so a `work` that is ready wins a tie.
async fn within<T>(work: impl Future<Output = T>, limit: impl Future<Output = ()>) -> Option<T> {
    let mut work = pin!(work);
    let mut limit = pin!(limit);
    poll_fn(|cx| {
        if let Poll::Ready(done) = work.as_mut().poll(cx) {
            Poll::Ready(Some(done))
        } else if limit.as_mut().poll(cx).is_ready() {
            Poll::Ready(None)
        } else {
            Poll::Pending
        }
    })
    .await
}

/// An answer's JSON read into `T`.
pub(crate) fn typed<T: DeserializeOwned>(answer: Answer) -> Result<T> {
    let why = "the answer is not the JSON this operation returns";
    crate::session::typed_json(&answer.to_json(), why)
}
