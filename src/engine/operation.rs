//! The operations a [`super::Call`] can be: every call of the package and of the Rust clients,
//! with its parameters. [`super::shape`] is the one place that looks at which one a call is.

use super::ApiCall;
use crate::api::{AuthenticateJwtParams, AuthenticateParams, LocalJwtParams};

/// One operation of the Sessions API, with its parameters.
#[non_exhaustive]
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
    /// An access token (or any token of `profile`) verified locally, with the scopes it must
    /// hold (`m2m.authenticateToken`, `idp.introspectTokenLocal`).
    VerifyToken {
        profile: &'static crate::profile::Profile,
        token: String,
        params: LocalJwtParams,
        required_scopes: Option<Vec<String>>,
    },
    /// `idp.introspectTokenNetwork`: the token judged by the API (`body`, form-encoded), then its
    /// `check` against the policy's scopes.
    Introspect {
        body: String,
        check: Option<crate::rbac::AuthorizationCheck>,
    },
    /// Any other API-only call, its request already written (`migrate`, `revoke`,
    /// `exchangeAccessToken`, `attest`, and the B2B ones but `authenticate` and `getJWKS`, which
    /// are the ones above, of the config's product).
    Api(ApiCall),
}
