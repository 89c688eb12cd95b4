//! The Stytch B2B member session and the marshalling of a verified member session JWT into it
//! (stytch-node's `B2BClient.sessions.authenticateJwtLocal`; `docs/rules.md`, "B2B").
//!
//! A member session JWT is a session JWT with one more private claim, the organization
//! (`https://stytch.com/organization`: `organization_id`, `slug`). The engine works with the
//! member session's JSON ([`member_session_json`]); the typed [`MemberSession`] is for Rust
//! callers.

use crate::error::{ClientErrorCode, Error, Result};
use crate::json::{self, Object, Value};
use crate::session::{take_claim, write_custom_claims, Parts};
use serde::{Deserialize, Serialize};
use serde_json::Map;

/// The private claim that carries a member session's organization.
pub const ORGANIZATION_CLAIM: &str = "https://stytch.com/organization";

/// A Stytch B2B member session, as stytch-node's `authenticateJwtLocal` returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberSession {
    pub member_session_id: String,
    pub member_id: String,
    pub organization_id: String,
    pub organization_slug: String,
    pub started_at: String,
    pub last_accessed_at: String,
    pub expires_at: String,
    /// Factor objects: `type, delivery_method, last_authenticated_at, …`.
    #[serde(default)]
    pub authentication_factors: Vec<Map<String, serde_json::Value>>,
    #[serde(default)]
    pub custom_claims: Map<String, serde_json::Value>,
    #[serde(default)]
    pub roles: Vec<String>,
}

impl MemberSession {
    /// Reads a member session from its JSON (as [`member_session_json`] writes it, or as the
    /// API returns it).
    pub fn from_json(json: &str) -> Result<Self> {
        crate::session::typed_json(json, "member_session is not the expected JSON")
    }
}

/// The JSON of the member session a verified JWT describes, and its organization id:
/// `member_session_id`, `started_at`, `last_accessed_at`, `authentication_factors` and `roles`
/// from the session claim, `member_id` from `sub`, `organization_id` and `organization_slug`
/// from the organization claim, `expires_at` from the session claim (or `exp`), and
/// `custom_claims` = every other top-level claim but the registered ones. `claims` must
/// already have passed [`crate::claims::validate`].
pub fn member_session_json(mut claims: Object) -> Result<(String, String)> {
    let claim = take_claim(&mut claims)?;
    let organization = take_organization(&mut claims)?;
    let parts = Parts::of(&claim, &claims)?;
    let (organization_id, slug) = organization;
    let mut out = String::with_capacity(512);
    for (name, value) in [
        ("{\"member_session_id\":", parts.id),
        (",\"member_id\":", &parts.sub),
        (",\"organization_id\":", &organization_id),
        (",\"organization_slug\":", &slug),
        (",\"started_at\":", parts.started_at),
        (",\"last_accessed_at\":", parts.last_accessed_at),
    ] {
        out.push_str(name);
        json::write_str(value, &mut out);
    }
    out.push_str(",\"expires_at\":");
    parts.write_expires_at(&claims, &mut out)?;
    out.push_str(",\"authentication_factors\":");
    parts.write_factors(&mut out);
    out.push_str(",\"custom_claims\":");
    write_custom_claims(&mut claims, &[], &mut out);
    out.push_str(",\"roles\":");
    parts.write_roles(&mut out);
    out.push('}');
    Ok((out, organization_id))
}

/// Takes the organization claim out of `claims`: `(organization_id, slug)`.
fn take_organization(claims: &mut Object) -> Result<(String, String)> {
    let organization = organization_of(claims)?;
    claims.remove(ORGANIZATION_CLAIM);
    Ok(organization)
}

/// The organization claim of `claims`: `(organization_id, slug)`. A token without it is not a
/// member's (a consumer session JWT is refused here, before anything is asked).
pub fn organization_of(claims: &Object) -> Result<(String, String)> {
    let malformed = || {
        Error::claim(
            ClientErrorCode::JwtInvalid,
            ORGANIZATION_CLAIM,
            "JWT's https://stytch.com/organization claim is malformed",
        )
    };
    let claim = match claims.given(ORGANIZATION_CLAIM) {
        Some(Value::Object(claim)) => claim,
        Some(_) => return Err(malformed()),
        None => {
            return Err(Error::claim(
                ClientErrorCode::JwtInvalid,
                ORGANIZATION_CLAIM,
                "JWT has no https://stytch.com/organization claim: not a B2B member's (a consumer JWT goes to Client, not B2BClient)",
            ))
        }
    };
    let text = |name: &str| match claim.get(name) {
        Some(Value::String(s)) => Ok(s.clone()),
        _ => Err(malformed()),
    };
    let organization_id = text("organization_id")?;
    if organization_id.is_empty() {
        return Err(malformed());
    }
    let slug = match claim.given("slug") {
        None => String::new(),
        Some(_) => text("slug")?,
    };
    Ok((organization_id, slug))
}

/// Whether `claims` carry an organization: a member session JWT, which the consumer profile
/// refuses.
pub fn is_member_session(claims: &Object) -> bool {
    claims.given(ORGANIZATION_CLAIM).is_some()
}
