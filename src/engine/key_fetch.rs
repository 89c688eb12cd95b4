//! How a call gets the keys its token needs (`docs/rules.md`, "Keys and the memo", "Keys shared
//! across isolates"): the key store's plan for the token's kid, the shared store read first,
//! one fetch for concurrent callers, and what happens while the JWKS cannot be had.

use super::flight::{Asking, Patience};
use super::keys::Plan;
use super::local::LocalCall;
use super::request;
use super::{stored, Engine, KeyStep, Next, Stage};
use crate::error::{Error, RequestErrorCode, Result};
use crate::http::HttpResponse;
use crate::jws;

impl LocalCall<'_> {
    /// Plans the keys a token with `kid` needs; `parsed` is the token's parse when the caller
    /// has it (the first step), so that verifying does not parse it again.
    pub(super) fn plan_keys(
        &mut self,
        engine: &mut Engine,
        kid: String,
        loaded: bool,
        asking: Asking,
        now_ms: f64,
        parsed: Option<&jws::Jws<'_>>,
    ) -> Next {
        let config = self.config;
        let timeout_ms = config.jwks_timeout_ms();
        let ages = self.key_ages();
        match engine
            .keys
            .plan(&config.jwks_url, &kid, now_ms, timeout_ms, asking, ages)
        {
            Plan::Verify(keys) => self.verify(engine, &keys, now_ms, parsed),
            plan => self.keys_missing(engine, plan, kid, loaded, asking, now_ms),
        }
    }

    /// [`Self::plan_keys`] for a plan other than verifying: read the shared store, fetch, wait,
    /// or give up. A function of its own: V8 compiles a whole function on its first call, and a
    /// first verification with its keys given verifies at once.
    #[inline(never)]
    fn keys_missing(
        &mut self,
        engine: &mut Engine,
        plan: Plan,
        kid: String,
        loaded: bool,
        asking: Asking,
        now_ms: f64,
    ) -> Next {
        let config = self.config;
        let timeout_ms = config.jwks_timeout_ms();
        match plan {
            Plan::Verify(keys) => self.verify(engine, &keys, now_ms, None),
            // A cold or stale key store reads the shared store first (once per call); an
            // unknown-kid refetch never does.
            Plan::Fetch { flight, refetch } if config.jwks_store && !refetch && !loaded => {
                let step = KeyStep::Loading(flight);
                *self.stage = Stage::Keys {
                    kid,
                    loaded: true,
                    step,
                };
                Next::Load
            }
            Plan::Fetch { flight, .. } => self.fetch_keys(kid, loaded, flight),
            Plan::Wait { flight } => {
                let mut patience = Patience::for_flight(asking, flight, now_ms, timeout_ms);
                let wait = patience.next_wait(now_ms);
                let step = KeyStep::Waiting(patience);
                *self.stage = Stage::Keys { kid, loaded, step };
                Next::Wait(wait)
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
    /// at the bounded rate of [`super::outage`]; past it (and for local verification) the call
    /// fails as Stytch being unavailable.
    fn keys_unavailable(&mut self, engine: &mut Engine, error: Error, now_ms: f64) -> Next {
        if self.local.fallback.is_none() {
            return Next::Done(Err(error));
        }
        if engine.outage.take(&self.config.jwks_url, now_ms) {
            return self.ask_api(engine, Asking::First, now_ms);
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

    fn fetch_keys(&mut self, kid: String, loaded: bool, flight: u64) -> Next {
        let config = self.config;
        let step = KeyStep::Fetching(flight);
        *self.stage = Stage::Keys { kid, loaded, step };
        let authorization = config.authorization();
        let url = config.jwks_url.clone();
        let timeout_ms = config.jwks_timeout_ms();
        Next::Send(request::request(
            "GET",
            url,
            authorization,
            None,
            timeout_ms,
        ))
    }

    /// Our JWKS fetch `flight` answered (or failed).
    #[inline(never)]
    pub(super) fn keys_fetched(
        &mut self,
        engine: &mut Engine,
        kid: String,
        loaded: bool,
        flight: u64,
        response: Result<HttpResponse>,
        now_ms: f64,
    ) -> Next {
        let read = response.and_then(|r| request::read_jwks(&r).map(|keys| (keys, r.body)));
        let (result, body) = match read {
            Ok((keys, body)) => (Ok(keys), Some(body)),
            Err(e) => (Err(e), None),
        };
        let config = self.config;
        engine.keys.land(&config.jwks_url, flight, result, now_ms);
        // Every successful fetch updates the shared store, when there is one.
        match body.filter(|_| config.jwks_store) {
            Some(body) => {
                let secret = config.secret.as_deref();
                let value = stored::write(&config.jwks_url, now_ms, &body, secret);
                let step = KeyStep::Saving(flight);
                *self.stage = Stage::Keys { kid, loaded, step };
                Next::Save {
                    value,
                    ttl_seconds: stored::TTL_SECONDS,
                }
            }
            None => self.plan_keys(engine, kid, loaded, Asking::Fetched(flight), now_ms, None),
        }
    }

    /// The shared JWKS store answered, in place of fetch `flight`.
    #[inline(never)]
    pub(super) fn keys_loaded(
        &mut self,
        engine: &mut Engine,
        kid: String,
        flight: u64,
        value: Option<String>,
        now_ms: f64,
    ) -> Next {
        let config = self.config;
        let (url, secret) = (&config.jwks_url, config.secret.as_deref());
        match value.and_then(|v| stored::read(&v, url, now_ms, secret)) {
            Some((keys, fetched_at_ms)) => {
                engine.keys.load(url, flight, keys, fetched_at_ms);
                self.plan_keys(engine, kid, true, Asking::First, now_ms, None)
            }
            None => self.fetch_keys(kid, true, flight),
        }
    }
}
