//! A token verified locally (`docs/rules.md`, "How a session JWT is judged", "Keys and the
//! memo"): the memo, the keys it needs (cached, shared, fetched once, or waited for), the
//! signature and the claims; and, for `authenticateJwt`, when the API decides instead.

use super::flight::{Ages, Asking};
use super::keys;
use super::request::Ask;
use super::shape::Local;
use super::{Answer, Engine, Input, KeyStep, Next, PolicyStep, Stage};
use crate::api::Endpoint;
use crate::claims::{check_times, ClaimRules};
use crate::config::Config;
use crate::error::{ClientErrorCode, Error, Result};
use crate::jwk::KeySet;
use crate::jws;
use crate::jwt::verify_parsed;
use crate::rbac::Verdict;
use std::rc::Rc;

/// A call of the [`Local`] shape, borrowed for one step.
pub(super) struct LocalCall<'a> {
    pub config: &'a Config,
    pub local: &'a Local,
    pub stage: &'a mut Stage,
    pub facts: &'a mut super::Facts,
}

impl<'a> LocalCall<'a> {
    /// One step, from the stage the call was in.
    pub fn step(mut self, engine: &mut Engine, current: Stage, input: Input, now_ms: f64) -> Next {
        match (current, input) {
            (Stage::Start, Input::Start) => self.start(engine, now_ms),
            (current, input) => self.resume(engine, current, input, now_ms),
        }
    }

    /// A step after the first: the call resumed with what the driver did. A function of its
    /// own: V8 compiles a whole function on its first call, and a first verification with its
    /// keys given takes only the first step.
    #[inline(never)]
    fn resume(mut self, engine: &mut Engine, current: Stage, input: Input, now_ms: f64) -> Next {
        match (current, input) {
            (Stage::Start, Input::Start) => self.start(engine, now_ms),
            (Stage::Keys { kid, loaded, step }, input) => match (step, input) {
                (KeyStep::Waiting(patience), Input::Woke) => {
                    self.plan_keys(engine, kid, loaded, Asking::Waited(patience), now_ms, None)
                }
                (KeyStep::Fetching(flight), Input::Response(response)) => {
                    self.keys_fetched(engine, kid, loaded, flight, response, now_ms)
                }
                (KeyStep::Loading(flight), Input::Loaded(value)) => {
                    self.keys_loaded(engine, kid, flight, value, now_ms)
                }
                (KeyStep::Saving(flight), Input::Woke) => {
                    self.plan_keys(engine, kid, loaded, Asking::Fetched(flight), now_ms, None)
                }
                _ => super::out_of_order(),
            },
            (Stage::Policy { checking, step }, input) => match (step, input) {
                (PolicyStep::Waiting(patience), Input::Woke) => {
                    self.plan_policy(engine, checking, Asking::Waited(patience), now_ms)
                }
                (PolicyStep::Fetching(flight), Input::Response(response)) => {
                    self.policy_fetched(engine, checking, flight, response, now_ms)
                }
                _ => super::out_of_order(),
            },
            (Stage::Introspecting, Input::Response(response)) => {
                self.introspected(engine, response, now_ms)
            }
            (Stage::ApiWaiting { patience }, Input::Woke) => {
                self.ask_api(engine, Asking::Waited(patience), now_ms)
            }
            (Stage::Api { shared }, Input::Response(response)) => self
                .fallback(None)
                .answered(engine, shared, response, now_ms),
            _ => super::out_of_order(),
        }
    }

    /// The first step: the memo, else the keys for the token's kid.
    fn start(&mut self, engine: &mut Engine, now_ms: f64) -> Next {
        let config = self.config;
        if let Some(body) = &self.local.introspect {
            *self.stage = Stage::Introspecting;
            let request =
                super::request::oauth_request(config, Endpoint::OauthIntrospect, body.clone());
            return Next::Send(request);
        }
        if self.local.check.is_some() && config.secret.is_none() {
            return Next::Done(Err(Error::invalid_argument(
                "authorization_check needs the project secret: the RBAC policy is read with it",
            )));
        }
        if let Some(jwks) = &config.jwks {
            // A seed of unknown age is due for a refresh at once (it then serves only while
            // the JWKS cannot be had, within the staleness cap).
            let fetched_at_ms = match config.jwks_fetched_at_ms {
                Some(ms) => ms as f64,
                None => now_ms - keys::MAX_AGE_MS,
            };
            let seed = || KeySet::from_values(jwks);
            engine.keys.seed(&config.jwks_url, seed, fetched_at_ms);
        }
        if let Some(keys) = engine.keys.fresh(&config.jwks_url, self.key_ages(), now_ms) {
            if let Some(next) = self.recall(engine, &keys, now_ms) {
                return next;
            }
        }
        // Parsed once: the keys it needs are planned from its kid, and when they are at hand it
        // is verified from this same parse.
        let local = self.local;
        let jws = match jws::parse(&local.token) {
            Ok(jws) => jws,
            Err(e) => return self.refused(engine, e, now_ms),
        };
        let kid = jws.kid.clone();
        self.plan_keys(engine, kid, false, Asking::First, now_ms, Some(&jws))
    }

    /// A token verified before under this call's JWKS URL (its issuer and audience), with keys
    /// that still hold the key that verified it: only its times are judged again.
    pub(super) fn recall(
        &mut self,
        engine: &mut Engine,
        keys: &KeySet,
        now_ms: f64,
    ) -> Option<Next> {
        let url = &self.config.jwks_url;
        let profile = self.local.profile;
        let verified = engine.memo.recall(&self.local.token, url, profile, keys)?;
        self.facts.memo = true;
        let (marshalled, times) = (verified.marshalled.clone(), verified.times);
        let judged = self
            .rules(now_ms)
            .and_then(|rules| check_times(&times, &rules));
        Some(match judged {
            Ok(()) => self.verified(engine, marshalled, now_ms),
            Err(e) => self.refused(engine, e, now_ms),
        })
    }

    /// How old the project's keys may be: refreshed after ten minutes, never used past the
    /// staleness cap.
    pub(super) fn key_ages(&self) -> Ages {
        Ages::new(keys::MAX_AGE_MS, self.config.max_stale_ms())
    }

    /// The claim rules of this call: the project's, at `current_date` or the clock.
    fn rules(&self, now_ms: f64) -> Result<ClaimRules<'_>> {
        let local = self.local;
        let now_ms = local.current_date_ms.unwrap_or(now_ms);
        if !now_ms.is_finite() {
            return Err(Error::invalid_argument("current_date must be a valid date"));
        }
        Ok(ClaimRules {
            project_id: &self.config.project_id,
            base_url: &self.config.base_url,
            now: (now_ms / 1000.0).floor() as i64,
            clock_tolerance_seconds: local.clock_tolerance_seconds.unwrap_or(0),
            max_token_age_seconds: local
                .max_token_age_seconds
                .or(local.profile.default_max_age_seconds),
        })
    }

    /// Verifies the token with `keys`, from `parsed` when the first step parsed it.
    pub(super) fn verify(
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
        let token = &self.local.token;
        let verified = self.rules(now_ms).and_then(|rules| match parsed {
            Some(jws) => verify_parsed(jws, keys, &rules, self.local.profile),
            None => jws::parse(token)
                .and_then(|jws| verify_parsed(&jws, keys, &rules, self.local.profile)),
        });
        match verified {
            Ok(verified) => {
                let marshalled = verified.marshalled.clone();
                let (url, profile) = (&self.config.jwks_url, self.local.profile);
                engine.memo.remember(token, url, profile, verified);
                self.verified(engine, marshalled, now_ms)
            }
            Err(e) => self.refused(engine, e, now_ms),
        }
    }

    /// The local answer: the session, or (`authenticateJwt`) the session with the JWT and the
    /// verdict.
    pub(super) fn answer(&self, session: Rc<str>, verdict: Option<Verdict>) -> Next {
        Next::Done(Ok(match self.local.fallback {
            Some(_) => Answer::LocalJwt {
                member: self.local.profile.member,
                session,
                session_jwt: self.local.token.clone(),
                verdict,
            },
            None => Answer::Session(session),
        }))
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

    /// The token could not be judged locally: `authenticateJwt` asks the API; local
    /// verification reports why.
    pub(super) fn undecided(&mut self, engine: &mut Engine, error: Error, now_ms: f64) -> Next {
        match self.local.fallback {
            Some(_) => self.ask_api(engine, Asking::First, now_ms),
            None => Next::Done(Err(error)),
        }
    }

    /// The introspection answered: an active token is checked as a verified one is (its scopes
    /// against a check); an inactive one, or no answer, is `token_invalid`.
    #[inline(never)]
    fn introspected(
        &mut self,
        engine: &mut Engine,
        response: Result<crate::http::HttpResponse>,
        now_ms: f64,
    ) -> Next {
        let answer = response
            .and_then(|r| super::request::read_answer(Endpoint::OauthIntrospect, r))
            .and_then(|body| {
                let b2b = self.config.product.org_policy.is_some();
                crate::access_token::marshal_introspection(&body, b2b)
            });
        match answer {
            Ok(marshalled) => self.verified(engine, marshalled, now_ms),
            Err(e) => Next::Done(Err(crate::access_token::not_introspected(&e))),
        }
    }

    /// `authenticateJwt`'s API request (the JWT, the check, the duration and the custom claims).
    pub(super) fn ask_api(&mut self, engine: &mut Engine, asking: Asking, now_ms: f64) -> Next {
        let body = self.local.fallback_body();
        let ask = self.fallback(body.as_deref());
        ask.send(engine, self.stage, asking, now_ms)
    }

    /// The fallback request with `body`; its answer is reusable for 30 seconds (the token is
    /// genuine: it passed the signature check, or no key could judge it).
    fn fallback<'b>(&self, body: Option<&'b str>) -> Ask<'b>
    where
        'a: 'b,
    {
        Ask {
            config: self.config,
            endpoint: self.config.product.authenticate,
            suffix: "",
            body,
            headers: &[],
            checked: self.local.check.is_some(),
            reusable: true,
        }
    }
}
