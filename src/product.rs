//! Products: Stytch's consumer sessions and B2B member sessions, as data the engine is given
//! (`docs/rules.md`, "B2B"). Both run the same engine, under the same rules; a product says
//! only where its keys and policies are served, which endpoint decides what local verification
//! cannot, what kind of token its sessions are ([`crate::profile`]), and the cookies its
//! frontend SDKs keep them in.

use crate::api::Endpoint;
use crate::error::{Error, Result};
use crate::profile::{Profile, ACCESS_TOKEN, B2B_ACCESS_TOKEN, MEMBER_SESSION, SESSION};
use crate::rbac::AuthorizationCheck;

/// One Stytch product with sessions.
#[derive(Debug)]
pub struct Product {
    /// Its name, for messages and cache keys.
    pub name: &'static str,
    /// The project's JWKS (its route; the project id follows).
    pub jwks: Endpoint,
    /// What its session JWTs are.
    pub session: &'static Profile,
    /// What its Connected Apps access tokens are.
    pub access_token: &'static Profile,
    /// The endpoint that judges a session token or JWT (`authenticate`).
    pub authenticate: Endpoint,
    /// The project's RBAC policy.
    pub policy: Endpoint,
    /// An organization's own roles, judged beside the project's (B2B), by organization id.
    pub org_policy: Option<Endpoint>,
    /// The cookie its frontend SDKs keep the session JWT in.
    pub jwt_cookie: &'static str,
    /// The cookie its frontend SDKs keep the opaque session token in.
    pub token_cookie: &'static str,
}

/// Consumer sessions (`Client`).
pub const CONSUMER: Product = Product {
    name: "consumer",
    jwks: Endpoint::GetJwks,
    session: &SESSION,
    access_token: &ACCESS_TOKEN,
    authenticate: Endpoint::Authenticate,
    policy: Endpoint::RbacPolicy,
    org_policy: None,
    jwt_cookie: "stytch_session_jwt",
    token_cookie: "stytch_session",
};

/// B2B member sessions (`B2BClient`).
pub const B2B: Product = Product {
    name: "b2b",
    jwks: Endpoint::B2bGetJwks,
    session: &MEMBER_SESSION,
    access_token: &B2B_ACCESS_TOKEN,
    authenticate: Endpoint::B2bAuthenticate,
    policy: Endpoint::B2bRbacPolicy,
    org_policy: Some(Endpoint::B2bOrgPolicy),
    jwt_cookie: "stytch_session_jwt",
    token_cookie: "stytch_session",
};

impl PartialEq for Product {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Product {}

impl Product {
    /// The JWKS URL of `project_id` under `base_url` (checked, without trailing `/`).
    pub fn jwks_url(&self, base_url: &str, project_id: &str) -> String {
        let (_, path) = self.jwks.route();
        [
            base_url,
            path,
            "/",
            &crate::http::percent_encode(project_id),
        ]
        .concat()
    }

    /// Whether `check` is one this product's sessions can be judged by: a B2B check names its
    /// organization, a consumer check does not.
    pub fn fits(&self, check: Option<&AuthorizationCheck>) -> Result<()> {
        let Some(check) = check else { return Ok(()) };
        match (self.org_policy.is_some(), check.organization_id.is_some()) {
            (true, false) => Err(Error::invalid_argument(
                "authorization_check: organization_id is required for a B2B member session",
            )),
            (false, true) => Err(Error::invalid_argument(
                "authorization_check: organization_id is for B2B member sessions (B2BClient); a consumer check has resource_id and action only",
            )),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_product_has_its_own_keys() {
        let base = "https://test.stytch.com";
        assert_eq!(
            CONSUMER.jwks_url(base, "project-test-1"),
            crate::http::jwks_url(base, "project-test-1")
        );
        assert_eq!(
            B2B.jwks_url(base, "project-test-1"),
            "https://test.stytch.com/v1/b2b/sessions/jwks/project-test-1"
        );
    }

    #[test]
    fn a_check_names_an_organization_exactly_for_b2b() {
        let consumer = AuthorizationCheck::new("documents", "read");
        let b2b = AuthorizationCheck::in_organization("org-1", "documents", "read");
        assert!(CONSUMER.fits(Some(&consumer)).is_ok());
        assert!(B2B.fits(Some(&b2b)).is_ok());
        assert!(CONSUMER.fits(None).is_ok() && B2B.fits(None).is_ok());
        assert_eq!(
            CONSUMER.fits(Some(&b2b)).unwrap_err().code(),
            "invalid_argument"
        );
        assert_eq!(
            B2B.fits(Some(&consumer)).unwrap_err().code(),
            "invalid_argument"
        );
    }
}
