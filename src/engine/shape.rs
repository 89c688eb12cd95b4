//! The one place that looks at which operation a call is: it turns an [`Operation`] into the
//! shape of call the engine runs (`docs/rules.md`, "When the API is asked"). Past this point the
//! engine knows two shapes and nothing of operations:
//!
//! - [`ApiCall`]: one API request, whose answer is the call's;
//! - [`Local`]: a token verified locally (keys, claims, the memo), an optional authorization
//!   check, and, for `authenticateJwt`, the API request that decides what local verification
//!   cannot.
//!
//! A new API-only operation is one arm here; a new token kind is a new [`Local`] row.

use super::Operation;
use crate::api::{AuthenticateJwtParams, AuthenticateParams, Endpoint, LocalJwtParams};
use crate::http;
use crate::json::Object;
use crate::product::Product;
use crate::profile::Profile;
use crate::rbac::AuthorizationCheck;

/// What a call does, decided once from its operation.
#[derive(Debug)]
pub enum Shape {
    Api(ApiCall),
    Local(Local),
}

/// One API request.
#[derive(Debug, Clone)]
pub struct ApiCall {
    pub endpoint: Endpoint,
    /// What follows the endpoint's path in the URL (`get`'s query, `getJWKS`'s project id).
    pub suffix: String,
    pub body: Option<String>,
    /// The authorization check the request sends, if any (its answer then needs a verdict that
    /// authorizes).
    pub check: Option<AuthorizationCheck>,
    /// Headers beside the project's credentials (B2B `revoke`'s member session).
    pub headers: Vec<(&'static str, String)>,
}

impl ApiCall {
    /// A request with a JSON body.
    pub fn new(endpoint: Endpoint, body: String) -> Self {
        Self {
            endpoint,
            suffix: String::new(),
            body: Some(body),
            check: None,
            headers: Vec::new(),
        }
    }

    /// A request with no body, `suffix` after the endpoint's path.
    pub fn get(endpoint: Endpoint, suffix: String) -> Self {
        Self {
            endpoint,
            suffix,
            body: None,
            check: None,
            headers: Vec::new(),
        }
    }
}

/// A token verified locally.
#[derive(Debug)]
pub struct Local {
    /// What kind of token it is: its keys, its claim defaults, what it answers.
    pub profile: &'static Profile,
    pub token: String,
    pub max_token_age_seconds: Option<u64>,
    pub clock_tolerance_seconds: Option<u64>,
    /// The time to judge at (`current_date`), in milliseconds; the clock when `None`.
    pub current_date_ms: Option<f64>,
    pub check: Option<AuthorizationCheck>,
    /// Scopes an M2M token must hold (`required_scopes`), judged from the token alone.
    pub required_scopes: Option<Vec<String>>,
    /// `authenticateJwt`: what the API is asked with when the token cannot be judged locally.
    /// `None`: local verification only (`verifyJwt`, `authenticateJwtLocal`).
    pub fallback: Option<Fallback>,
    /// Token introspection: the token is judged by the API (this form body) instead of the
    /// keys; its answer is then checked as a verified token's would be.
    pub introspect: Option<String>,
}

/// The parts of `authenticateJwt`'s API request beside the token and the check.
#[derive(Debug)]
pub struct Fallback {
    pub session_duration_minutes: Option<u32>,
    pub session_custom_claims: Option<Object>,
}

impl Local {
    /// Local verification of `token` as `profile`, under `params`: nothing to send, no scopes
    /// required, no fallback.
    fn verifying(profile: &'static Profile, token: String, params: LocalJwtParams) -> Self {
        Local {
            profile,
            token,
            max_token_age_seconds: params.max_token_age_seconds,
            clock_tolerance_seconds: params.clock_tolerance_seconds,
            current_date_ms: params.current_date_ms,
            check: params.authorization_check,
            required_scopes: None,
            fallback: None,
            introspect: None,
        }
    }
}

impl Shape {
    /// The shape of `operation` for `product`: the engine's one dispatch on the operation.
    /// Judging a token and fetching the keys go to the product's endpoints; the other
    /// operations name theirs.
    pub fn of(operation: Operation, product: &'static Product) -> Self {
        match operation {
            Operation::VerifyJwt { token, params } => {
                Shape::Local(Local::verifying(product.session, token, params))
            }
            other => Self::of_other(other, product),
        }
    }

    /// [`Shape::of`] for every operation but `verifyJwt`, a function of its own: V8 compiles a
    /// whole function on its first call, so a cold `verifyJwt` compiles only its own arm.
    #[inline(never)]
    fn of_other(operation: Operation, product: &'static Product) -> Self {
        match operation {
            Operation::VerifyJwt { token, params } => {
                Shape::Local(Local::verifying(product.session, token, params))
            }
            Operation::VerifyToken {
                profile,
                token,
                params,
                required_scopes,
            } => Shape::Local(Local {
                required_scopes,
                ..Local::verifying(profile, token, params)
            }),
            Operation::Introspect { body, check } => Shape::Local(Local {
                check,
                introspect: Some(body),
                ..Local::verifying(
                    product.access_token,
                    String::new(),
                    LocalJwtParams::default(),
                )
            }),
            // `max_token_age_seconds: 0` asks the API only.
            Operation::AuthenticateJwt(p) if p.max_token_age_seconds == Some(0) => {
                let params = fallback_params(p);
                Shape::Api(ApiCall {
                    check: params.authorization_check.clone(),
                    ..ApiCall::new(product.authenticate, params.body())
                })
            }
            Operation::AuthenticateJwt(p) => Shape::Local(Local {
                profile: product.session,
                token: p.session_jwt,
                max_token_age_seconds: p.max_token_age_seconds,
                clock_tolerance_seconds: p.clock_tolerance_seconds,
                current_date_ms: None,
                check: p.authorization_check,
                required_scopes: None,
                introspect: None,
                fallback: Some(Fallback {
                    session_duration_minutes: p.session_duration_minutes,
                    session_custom_claims: p.session_custom_claims,
                }),
            }),
            Operation::Authenticate(p) => Shape::Api(ApiCall {
                check: p.authorization_check.clone(),
                ..ApiCall::new(product.authenticate, p.body())
            }),
            Operation::Get { user_id } => Shape::Api(ApiCall::get(
                Endpoint::Get,
                ["?user_id=", &http::percent_encode(&user_id)].concat(),
            )),
            Operation::GetJwks { project_id } => Shape::Api(ApiCall::get(
                product.jwks,
                ["/", &http::percent_encode(&project_id)].concat(),
            )),
            Operation::Api(call) => Shape::Api(call),
        }
    }

    /// The authorization check the call judges or sends, if any.
    pub fn check(&self) -> Option<&AuthorizationCheck> {
        match self {
            Shape::Local(local) => local.check.as_ref(),
            Shape::Api(api) => api.check.as_ref(),
        }
    }
}

impl Local {
    /// The API request that decides the token when local verification cannot (the JWT, the
    /// check, the duration and the custom claims), if this call has one.
    pub fn fallback_body(&self) -> Option<String> {
        let fallback = self.fallback.as_ref()?;
        let params = AuthenticateParams {
            session_token: None,
            session_jwt: Some(self.token.clone()),
            session_duration_minutes: fallback.session_duration_minutes,
            session_custom_claims: fallback.session_custom_claims.clone(),
            authorization_check: self.check.clone(),
        };
        Some(params.body())
    }
}

/// `authenticateJwt`'s params as the API request it makes.
fn fallback_params(p: AuthenticateJwtParams) -> AuthenticateParams {
    AuthenticateParams {
        session_token: None,
        session_jwt: Some(p.session_jwt),
        session_duration_minutes: p.session_duration_minutes,
        session_custom_claims: p.session_custom_claims,
        authorization_check: p.authorization_check,
    }
}
