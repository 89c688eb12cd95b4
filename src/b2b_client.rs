//! The B2B Sessions operations for Rust callers: [`B2BClient`], stytch-node's
//! `B2BClient.sessions` over a [`Host`], driving the same engine as [`crate::Client`] with the
//! B2B product ([`crate::product::B2B`]) and typing what it answers.

use crate::api::Endpoint;
use crate::api::{
    AuthenticateJwtParams, AuthenticateParams, ExchangeAccessTokenParams, JwksResponse,
    LocalJwtParams, RevokeResponse,
};
use crate::b2b::{B2bAttestParams, B2bExchangeParams, B2bMigrateParams, B2bRevokeParams};
use crate::client::{typed, Client, SharedEngine};
use crate::config::Config;
use crate::engine::{Answer, ApiCall, Operation};
use crate::error::Result;
use crate::http::Host;
use crate::member_session::MemberSession;
use crate::product::B2B;
use crate::rbac::Verdict;
use serde::{Deserialize, Serialize};
use serde_json::Map;

/// A Stytch B2B member, whole (`member_id, organization_id, email_address, status, roles, …`).
pub type Member = Map<String, serde_json::Value>;
/// A Stytch B2B organization, whole (`organization_id, organization_name, organization_slug, …`).
pub type Organization = Map<String, serde_json::Value>;

/// Answer of B2B `authenticate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct B2bAuthenticateResponse {
    pub request_id: String,
    pub status_code: u16,
    pub member_session: MemberSession,
    pub session_token: String,
    pub session_jwt: String,
    pub member: Member,
    pub organization: Organization,
    /// The API's verdict on the `authorization_check`, when one was asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
}

/// Answer of B2B `authenticateJwt`: the member session from the token itself, or the API's
/// answer when the API had to decide.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // the local answer is the hot path: keep it unboxed
pub enum B2bAuthenticateJwtResponse {
    Local {
        member_session: MemberSession,
        session_jwt: String,
        verdict: Option<Verdict>,
    },
    Remote(Box<B2bAuthenticateResponse>),
}

impl B2bAuthenticateJwtResponse {
    /// The member session, wherever it came from.
    pub fn member_session(&self) -> &MemberSession {
        match self {
            Self::Local { member_session, .. } => member_session,
            Self::Remote(r) => &r.member_session,
        }
    }

    /// Whether the API was called.
    pub fn is_remote(&self) -> bool {
        matches!(self, Self::Remote(_))
    }
}

/// Answer of B2B `get`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct B2bGetResponse {
    pub request_id: String,
    pub status_code: u16,
    pub member_sessions: Vec<MemberSession>,
}

/// Answer of `exchangeAccessToken`, `attest` and `migrate`: a new member session (its object
/// only when the API includes it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct B2bNewSessionResponse {
    pub request_id: String,
    pub status_code: u16,
    pub member_id: String,
    pub member: Member,
    pub organization: Organization,
    pub session_token: String,
    pub session_jwt: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_session: Option<MemberSession>,
}

/// Answer of `exchange`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct B2bExchangeResponse {
    #[serde(flatten)]
    pub session: B2bNewSessionResponse,
    pub member_authenticated: bool,
    #[serde(default)]
    pub intermediate_session_token: String,
    #[serde(default)]
    pub mfa_required: Option<serde_json::Value>,
    #[serde(default)]
    pub primary_required: Option<serde_json::Value>,
}

/// `revoke`'s member session, which the request runs as (`X-Stytch-Member-Session`,
/// `X-Stytch-Member-SessionJWT`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MemberAuthorization {
    pub session_token: Option<String>,
    pub session_jwt: Option<String>,
}

/// A Stytch B2B Sessions client over a host's HTTP, clock and timer.
pub struct B2BClient<H: Host> {
    client: Client<H>,
}

impl<H: Host> B2BClient<H> {
    /// A client with an engine of its own (`config`'s product is set to B2B).
    pub fn new(config: Config, host: H) -> Self {
        Self::with_engine(config, host, SharedEngine::default())
    }

    /// A client that shares `engine` (its keys, memo and policies) with other clients.
    pub fn with_engine(config: Config, host: H, engine: SharedEngine) -> Self {
        Self {
            client: Client::with_engine(config.with_product(&B2B), host, engine),
        }
    }

    /// The consumer-shaped client underneath: its config, host, engine and `run`.
    pub fn inner(&self) -> &Client<H> {
        &self.client
    }

    /// `POST /v1/b2b/sessions/authenticate` (a check names its `organization_id`).
    pub async fn authenticate(
        &self,
        params: &AuthenticateParams,
    ) -> Result<B2bAuthenticateResponse> {
        typed(
            self.client
                .run(Operation::Authenticate(params.clone()))
                .await?,
        )
    }

    /// Verifies locally when it can; asks the API when the token is genuine but the local check
    /// cannot decide.
    pub async fn authenticate_jwt(
        &self,
        params: &AuthenticateJwtParams,
    ) -> Result<B2bAuthenticateJwtResponse> {
        match self
            .client
            .run(Operation::AuthenticateJwt(params.clone()))
            .await?
        {
            Answer::LocalJwt {
                session,
                session_jwt,
                verdict,
                ..
            } => Ok(B2bAuthenticateJwtResponse::Local {
                member_session: MemberSession::from_json(&session)?,
                session_jwt,
                verdict,
            }),
            other => Ok(B2bAuthenticateJwtResponse::Remote(Box::new(typed(other)?))),
        }
    }

    /// Verifies locally only; the API is called only for the keys (and the policies of a check).
    pub async fn authenticate_jwt_local(
        &self,
        session_jwt: &str,
        params: &LocalJwtParams,
    ) -> Result<MemberSession> {
        let token = session_jwt.to_owned();
        let params = params.clone();
        match self
            .client
            .run(Operation::VerifyJwt { token, params })
            .await?
        {
            Answer::Session(session) => MemberSession::from_json(&session),
            other => typed(other),
        }
    }

    /// `GET /v1/b2b/sessions?organization_id=&member_id=`.
    pub async fn get(&self, organization_id: &str, member_id: &str) -> Result<B2bGetResponse> {
        let operation = crate::b2b::get_operation(organization_id, member_id);
        typed(self.client.run(operation).await?)
    }

    /// `GET /v1/b2b/sessions/jwks/{project_id}`.
    pub async fn get_jwks(&self, project_id: &str) -> Result<JwksResponse> {
        self.client.get_jwks(project_id).await
    }

    /// `POST /v1/b2b/sessions/revoke`, as `authorization`'s member when given.
    pub async fn revoke(
        &self,
        params: &B2bRevokeParams,
        authorization: Option<&MemberAuthorization>,
    ) -> Result<RevokeResponse> {
        let mut call = ApiCall::new(Endpoint::B2bRevoke, params.body());
        if let Some(a) = authorization {
            let (token, jwt) = (a.session_token.clone(), a.session_jwt.clone());
            call.headers = crate::b2b::member_headers(token, jwt)?;
        }
        typed(self.client.run(Operation::Api(call)).await?)
    }

    /// `POST /v1/b2b/sessions/exchange`: the member's session in another organization.
    pub async fn exchange(&self, params: &B2bExchangeParams) -> Result<B2bExchangeResponse> {
        self.client.api(Endpoint::B2bExchange, params.body()).await
    }

    /// `POST /v1/b2b/sessions/exchange_access_token`.
    pub async fn exchange_access_token(
        &self,
        params: &ExchangeAccessTokenParams,
    ) -> Result<B2bNewSessionResponse> {
        self.client
            .api(Endpoint::B2bExchangeAccessToken, params.body())
            .await
    }

    /// `POST /v1/b2b/sessions/attest`.
    pub async fn attest(&self, params: &B2bAttestParams) -> Result<B2bNewSessionResponse> {
        self.client.api(Endpoint::B2bAttest, params.body()).await
    }

    /// `POST /v1/b2b/sessions/migrate`.
    pub async fn migrate(&self, params: &B2bMigrateParams) -> Result<B2bNewSessionResponse> {
        self.client.api(Endpoint::B2bMigrate, params.body()).await
    }
}
