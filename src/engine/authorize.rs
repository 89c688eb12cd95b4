//! The authorization check of a token verified locally (`docs/rules.md`, "Authorization
//! checks", "B2B"): for a member session the organization first (a check naming another one
//! is refused before any policy is fetched), then the project's RBAC policy and, for B2B, the
//! organization's own roles, each cached ([`super::policy`]) or fetched once for concurrent
//! callers, judged against the session's roles.

use super::flight::{Ages, Asking, Patience};
use super::local::LocalCall;
use super::request::{self, read_answer};
use super::{policy, Checking, Engine, Next, PolicyStep, Stage};
use crate::api::Endpoint;
use crate::error::{Error, RequestErrorCode, Result};
use crate::http::{self, HttpResponse};
use crate::profile::Judged;
use crate::profile::Marshalled;
use crate::rbac::{self, Policy};
use std::borrow::Cow;

/// Which policy a call is getting: where it is kept, and the request that fetches it.
struct Target<'a> {
    /// An organization's own roles (B2B; kept in `org_policies`), else the project's policy.
    organization: bool,
    /// Its key in its store.
    key: Cow<'a, str>,
    endpoint: Endpoint,
    /// What follows the endpoint's path (`/{organization_id}`).
    suffix: String,
}

impl Target<'_> {
    fn store<'e>(&self, engine: &'e mut Engine) -> &'e mut policy::PolicyStore {
        if self.organization {
            &mut engine.org_policies
        } else {
            &mut engine.policies
        }
    }
}

impl LocalCall<'_> {
    /// The token is genuine and current: answer, or judge the call's authorization check first.
    pub(super) fn verified(
        &mut self,
        engine: &mut Engine,
        marshalled: Marshalled,
        now_ms: f64,
    ) -> Next {
        let Marshalled {
            answer: session,
            grants,
            organization_id,
        } = marshalled;
        if let Some(required) = &self.local.required_scopes {
            // An M2M token's own scopes decide: nothing to fetch.
            if !crate::access_token::has_scopes(&grants, required) {
                return Next::Done(Err(crate::access_token::missing_scopes()));
            }
        }
        let Some(check) = &self.local.check else {
            return self.answer(session, None);
        };
        if check.organization_id.as_deref() != organization_id.as_deref() {
            // Signed claims decide it: no policy fetch, and no API call, could change it.
            return Next::Done(Err(rbac::tenancy_mismatch()));
        }
        let checking = Checking {
            session,
            grants,
            project: None,
        };
        self.plan_policy(engine, checking, Asking::First, now_ms)
    }

    /// How old a policy may be: refreshed after five minutes, never used past the staleness
    /// cap.
    fn policy_ages(&self) -> Ages {
        Ages::new(policy::MAX_AGE_MS, self.config.max_stale_ms())
    }

    /// The organization whose own roles judge the check after the project's policy: the one
    /// it names, when its product has organization policies and the token's roles are judged
    /// (an access token's scopes are judged by the project's policy alone).
    fn organization(&self) -> Option<&str> {
        let product = self.config.product;
        let roles = self.local.profile.judged_by == Judged::Roles;
        let id = self.local.check.as_ref()?.organization_id.as_deref();
        id.filter(|_| roles && product.org_policy.is_some())
    }

    /// Gets the policies (cached, or fetched once for concurrent callers) and judges the check.
    /// Allowed → the local answer with its verdict. Denied → `invalid_permissions` locally, while
    /// `authenticateJwt` asks the API, which is authoritative (a cached policy may be up to
    /// five minutes old). No policy to be had → the error locally; the API for `authenticateJwt`.
    pub(super) fn plan_policy(
        &mut self,
        engine: &mut Engine,
        mut checking: Checking,
        asking: Asking,
        now_ms: f64,
    ) -> Next {
        let config = self.config;
        let timeout_ms = config.api_timeout_ms();
        let ages = self.policy_ages();
        let target = self.target(&checking);
        match target
            .store(engine)
            .plan(&target.key, now_ms, timeout_ms, asking, ages)
        {
            policy::Plan::Use(policy) => {
                let (project, org) = match checking.project.take() {
                    Some(project) => (project, Some(policy)),
                    // An organization's own roles judge member sessions, not access tokens.
                    None if self.organization().is_some() => {
                        checking.project = Some(policy);
                        return self.plan_policy(engine, checking, Asking::First, now_ms);
                    }
                    None => (policy, None),
                };
                let Some(check) = &self.local.check else {
                    return self.answer(checking.session, None);
                };
                let verdict = match self.local.profile.judged_by {
                    Judged::Roles => project.judge_with(org.as_deref(), &checking.grants, check),
                    Judged::Scopes => project.judge_scopes(&checking.grants, check),
                };
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
                let (method, path) = target.endpoint.route();
                let url = [config.base_url.as_str(), path, &target.suffix].concat();
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

    /// Our policy fetch `flight` answered (or failed).
    #[inline(never)]
    pub(super) fn policy_fetched(
        &mut self,
        engine: &mut Engine,
        checking: Checking,
        flight: u64,
        response: Result<HttpResponse>,
        now_ms: f64,
    ) -> Next {
        let target = self.target(&checking);
        let result = response.and_then(|r| {
            if target.organization && r.body.len() > policy::MAX_ORG_POLICY_BYTES {
                return Err(Error::request(
                    RequestErrorCode::InvalidResponse,
                    "an organization's RBAC policy is larger than 32 KiB",
                ));
            }
            let body = read_answer(target.endpoint, r)?;
            if target.organization {
                Policy::from_org_answer(body.as_bytes())
            } else {
                Policy::from_answer(body.as_bytes())
            }
        });
        let store = target.store(engine);
        store.land(&target.key, flight, result, now_ms);
        self.plan_policy(engine, checking, Asking::Fetched(flight), now_ms)
    }
}

impl<'a> LocalCall<'a> {
    /// The policy `checking` needs next: the project's, then (B2B) the organization's.
    fn target(&self, checking: &Checking) -> Target<'a> {
        let config = self.config;
        let product = config.product;
        match self.organization().filter(|_| checking.project.is_some()) {
            Some(id) => Target {
                organization: true,
                key: Cow::Owned(config.org_policy_key(id)),
                endpoint: product.org_policy.unwrap_or(product.policy),
                suffix: ["/", &http::percent_encode(id)].concat(),
            },
            None => Target {
                organization: false,
                key: Cow::Borrowed(config.policy_key()),
                endpoint: product.policy,
                suffix: String::new(),
            },
        }
    }
}
