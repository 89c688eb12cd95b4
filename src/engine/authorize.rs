//! The authorization check of a token verified locally (`docs/rules.md`, "Authorization
//! checks"): the project's RBAC policy, cached ([`super::policy`]) or fetched once for
//! concurrent callers, judged against the session's roles.

use super::flight::{Ages, Asking, Patience};
use super::local::LocalCall;
use super::request::{self, read_answer};
use super::{policy, Checking, Engine, Next, PolicyStep, Stage};
use crate::api::Endpoint;
use crate::error::Result;
use crate::http::HttpResponse;
use crate::rbac::{self, Policy};
use std::rc::Rc;

impl LocalCall<'_> {
    /// The token is genuine and current: answer, or judge the call's authorization check first.
    pub(super) fn verified(
        &mut self,
        engine: &mut Engine,
        session: Rc<str>,
        roles: Rc<[String]>,
        now_ms: f64,
    ) -> Next {
        if self.local.check.is_none() {
            return self.answer(session, None);
        }
        self.plan_policy(engine, Checking { session, roles }, Asking::First, now_ms)
    }

    /// How old the project's RBAC policy may be: refreshed after five minutes, never used past
    /// the staleness cap.
    fn policy_ages(&self) -> Ages {
        Ages::new(policy::MAX_AGE_MS, self.config.max_stale_ms())
    }

    /// Gets the policy (cached, or fetched once for concurrent callers) and judges the check.
    /// Allowed → the local answer with its verdict. Denied → `invalid_permissions` locally, while
    /// `authenticateJwt` asks the API, which is authoritative (the cached policy may be up to
    /// five minutes old). No policy to be had → the error locally; the API for `authenticateJwt`.
    pub(super) fn plan_policy(
        &mut self,
        engine: &mut Engine,
        checking: Checking,
        asking: Asking,
        now_ms: f64,
    ) -> Next {
        let config = self.config;
        let timeout_ms = config.api_timeout_ms();
        let key = config.policy_key();
        let ages = self.policy_ages();
        match engine.policies.plan(&key, now_ms, timeout_ms, asking, ages) {
            policy::Plan::Use(policy) => {
                let Some(check) = &self.local.check else {
                    return self.answer(checking.session, None);
                };
                let verdict = policy.judge(&checking.roles, check);
                if verdict.authorized {
                    self.answer(checking.session, Some(verdict))
                } else if self.local.fallback.is_some() {
                    self.ask_api(engine, Asking::First, now_ms)
                } else {
                    Next::Done(Err(rbac::denied()))
                }
            }
            policy::Plan::Fetch { flight } => {
                let step = PolicyStep::Fetching(flight);
                *self.stage = Stage::Policy { checking, step };
                let (method, path) = Endpoint::RbacPolicy.route();
                let url = [&config.base_url, path].concat();
                let authorization = config.authorization();
                Next::Send(request::request(
                    method,
                    url,
                    authorization,
                    None,
                    timeout_ms,
                ))
            }
            policy::Plan::Wait { flight } => {
                let mut patience = Patience::for_flight(asking, flight, now_ms, timeout_ms);
                let wait = patience.next_wait(now_ms);
                let step = PolicyStep::Waiting(patience);
                *self.stage = Stage::Policy { checking, step };
                Next::Wait(wait)
            }
            policy::Plan::Unavailable(error) => self.undecided(engine, error, now_ms),
        }
    }

    /// Our RBAC policy fetch `flight` answered (or failed).
    #[inline(never)]
    pub(super) fn policy_fetched(
        &mut self,
        engine: &mut Engine,
        checking: Checking,
        flight: u64,
        response: Result<HttpResponse>,
        now_ms: f64,
    ) -> Next {
        let result = response
            .and_then(|r| read_answer(Endpoint::RbacPolicy, r))
            .and_then(|body| Policy::from_answer(body.as_bytes()));
        let key = self.config.policy_key();
        engine.policies.land(&key, flight, result, now_ms);
        self.plan_policy(engine, checking, Asking::Fetched(flight), now_ms)
    }
}
