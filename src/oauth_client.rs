//! The access-token operations for Rust callers (stytch-node's `m2m` and `idp`), on
//! [`Client`] and, through [`crate::B2BClient::inner`], on a B2B client (its B2B keys, and its
//! Connected Apps tokens' organization). Every rule is the engine's (`docs/rules.md`, "Access
//! tokens"); this file sends what it asks for and types what it answers.

use crate::api::LocalJwtParams;
use crate::client::{typed, Client};
use crate::engine::Operation;
use crate::error::Result;
use crate::http::Host;
use crate::oauth::{introspect_operation, token_operation};
use crate::profile::M2M_TOKEN;
use crate::rbac::AuthorizationCheck;
use serde::{Deserialize, Serialize};
use serde_json::Map;

/// What `m2m.authenticateToken` answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct M2mToken {
    /// The M2M client the token was issued to (`sub`).
    pub client_id: String,
    pub scopes: Vec<String>,
    pub custom_claims: Map<String, serde_json::Value>,
}

/// What `m2m.token` answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct M2mTokenResponse {
    pub access_token: String,
    pub expires_in: u64,
    pub token_type: String,
}

/// A Connected Apps access token's claims, as `idp.introspectTokenLocal` and
/// `idp.introspectTokenNetwork` answer them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntrospectedToken {
    pub subject: String,
    pub scope: String,
    pub audience: serde_json::Value,
    pub expires_at: serde_json::Value,
    pub issued_at: serde_json::Value,
    pub issuer: serde_json::Value,
    pub not_before: serde_json::Value,
    pub token_type: serde_json::Value,
    pub custom_claims: Map<String, serde_json::Value>,
    /// A B2B project's token: the member's organization (`organization_id`, `slug`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<Map<String, serde_json::Value>>,
}

impl<H: Host> Client<H> {
    /// `m2m.authenticateToken`: verifies an M2M access token locally and judges
    /// `required_scopes` (a missing one: `missing_scopes`).
    pub async fn m2m_authenticate_token(
        &self,
        access_token: &str,
        required_scopes: Option<&[String]>,
        params: &LocalJwtParams,
    ) -> Result<M2mToken> {
        let operation = Operation::VerifyToken {
            profile: &M2M_TOKEN,
            token: access_token.to_owned(),
            params: params.clone(),
            required_scopes: required_scopes.map(<[String]>::to_vec),
        };
        typed(self.run(operation).await?)
    }

    /// `m2m.token`: an access token for an M2M client (client credentials; no Basic auth).
    pub async fn m2m_token(
        &self,
        client_id: &str,
        client_secret: &str,
        scopes: Option<&[String]>,
    ) -> Result<M2mTokenResponse> {
        typed(
            self.run(token_operation(client_id, client_secret, scopes))
                .await?,
        )
    }

    /// `idp.introspectTokenLocal`: verifies a Connected Apps access token locally; a check in
    /// `params` is judged against the policy's scopes.
    pub async fn idp_introspect_token_local(
        &self,
        token: &str,
        params: &LocalJwtParams,
    ) -> Result<IntrospectedToken> {
        let operation = Operation::VerifyToken {
            profile: self.config().product().access_token,
            token: token.to_owned(),
            params: params.clone(),
            required_scopes: None,
        };
        typed(self.run(operation).await?)
    }

    /// `idp.introspectTokenNetwork`: asks the API whether the token is active (inactive:
    /// `token_invalid`), then judges `check` against the policy's scopes.
    pub async fn idp_introspect_token_network(
        &self,
        token: &str,
        client_id: &str,
        client_secret: Option<&str>,
        check: Option<AuthorizationCheck>,
    ) -> Result<IntrospectedToken> {
        let operation = introspect_operation(token, client_id, client_secret, None, check);
        typed(self.run(operation).await?)
    }
}
