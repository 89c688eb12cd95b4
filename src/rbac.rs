//! Role-based authorization checks judged locally: the project's RBAC policy (as
//! `GET /v1/rbac/policy` serves it), a check (`resource_id`, `action`) and the verdict over a
//! session's roles (`docs/rules.md`, "Authorization checks").
//!
//! Pure: the engine fetches and caches the policy ([`crate::engine::policy`]). Rust callers ask
//! for a check through the params of [`crate::Client`]'s calls, e.g.
//! `client.authenticate_jwt_local(jwt, &LocalJwtParams { authorization_check: Some(check),
//! ..Default::default() })`, which fails with `invalid_permissions` when the policy denies it;
//! `authenticate_jwt` returns the [`Verdict`] (`response.verdict()`).
//!
//! ```
//! use stytch_sessions_wasm::rbac::{AuthorizationCheck, Policy};
//! let policy = Policy::from_answer(br#"{"policy": {"roles": [{"role_id": "editor",
//!     "permissions": [{"resource_id": "documents", "actions": ["read", "write"]}]}]}}"#)?;
//! let check = AuthorizationCheck::new("documents", "write");
//! let verdict = policy.judge(&["editor".to_owned()], &check);
//! assert_eq!(verdict.granting_roles, ["editor"]);
//! assert!(!policy.judge(&["viewer".to_owned()], &check).authorized);
//! # Ok::<(), stytch_sessions_wasm::Error>(())
//! ```

use crate::error::{ClientErrorCode, Error, RequestErrorCode, Result};
use crate::json::{self, Object, Value};
use serde::{Deserialize, Serialize};

/// "May this session do `action` on `resource_id`?" For a B2B member session, also "in
/// organization `organization_id`?" (required there, refused for consumer sessions).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizationCheck {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    pub resource_id: String,
    pub action: String,
}

impl AuthorizationCheck {
    /// A consumer check: `action` on `resource_id`.
    pub fn new(resource_id: impl Into<String>, action: impl Into<String>) -> Self {
        Self {
            organization_id: None,
            resource_id: resource_id.into(),
            action: action.into(),
        }
    }

    /// A B2B check: `action` on `resource_id` in organization `organization_id`.
    pub fn in_organization(
        organization_id: impl Into<String>,
        resource_id: impl Into<String>,
        action: impl Into<String>,
    ) -> Self {
        Self {
            organization_id: Some(organization_id.into()),
            ..Self::new(resource_id, action)
        }
    }

    /// Reads `{organization_id?, resource_id, action}`, all non-empty strings (which product
    /// needs `organization_id` is [`crate::product::Product::fits`]'s to say). `what` names the
    /// option in errors.
    pub fn from_value(value: &Value, what: &'static str) -> Result<Self> {
        let wrong = || {
            Error::invalid_argument(
                [
                    what,
                    ": authorization_check must be {resource_id, action} (B2B: {organization_id, resource_id, action}) with non-empty strings",
                ]
                .concat(),
            )
        };
        let Value::Object(o) = value else {
            return Err(wrong());
        };
        let text = |name: &str| match o.given(name) {
            Some(Value::String(s)) if !s.is_empty() && s.len() <= MAX_NAME_BYTES => Ok(s.clone()),
            _ => Err(wrong()),
        };
        let organization_id = match o.given("organization_id") {
            None => None,
            Some(_) => Some(text("organization_id")?),
        };
        Ok(Self {
            organization_id,
            resource_id: text("resource_id")?,
            action: text("action")?,
        })
    }

    /// Writes it as the API takes it.
    pub fn write(&self, out: &mut String) {
        out.push('{');
        if let Some(organization_id) = &self.organization_id {
            out.push_str("\"organization_id\":");
            json::write_str(organization_id, out);
            out.push(',');
        }
        out.push_str("\"resource_id\":");
        json::write_str(&self.resource_id, out);
        out.push_str(",\"action\":");
        json::write_str(&self.action, out);
        out.push('}');
    }
}

/// The longest resource id or action a check may name.
pub const MAX_NAME_BYTES: usize = 1024;

/// The outcome of a check: whether it was allowed, and the session's roles that allowed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub authorized: bool,
    pub granting_roles: Vec<String>,
}

impl Verdict {
    /// Writes it as the API returns it.
    pub fn write(&self, out: &mut String) {
        out.push_str("{\"authorized\":");
        out.push_str(if self.authorized { "true" } else { "false" });
        out.push_str(",\"granting_roles\":[");
        for (i, role) in self.granting_roles.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            json::write_str(role, out);
        }
        out.push_str("]}");
    }
}

/// One permission of a role: actions on a resource (`"*"` is every action).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Permission {
    resource_id: String,
    actions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Role {
    role_id: String,
    permissions: Vec<Permission>,
}

/// The part of a project's RBAC policy a check needs: its roles and its scopes (a scope is
/// read as a role named by the scope: `{scope, permissions}`), with their permissions.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Policy {
    roles: Vec<Role>,
    scopes: Vec<Role>,
}

impl Policy {
    /// Reads the answer of `GET /v1/rbac/policy`: `{policy: {roles: [{role_id, permissions:
    /// [{resource_id, actions: [..]}]}], ..}}`. Anything else is `invalid_response`: a policy
    /// that cannot be read must never allow.
    pub fn from_answer(body: &[u8]) -> Result<Self> {
        Self::from_member(body, "policy")
    }

    /// Reads an organization's policy as `GET /v1/b2b/rbac/organizations/{id}` serves it:
    /// `{org_policy: {roles: [..]}}`.
    pub fn from_org_answer(body: &[u8]) -> Result<Self> {
        Self::from_member(body, "org_policy")
    }

    /// Reads the policy under `member` of an answer.
    fn from_member(body: &[u8], member: &str) -> Result<Self> {
        let bad = || {
            Error::request(
                RequestErrorCode::InvalidResponse,
                "the answer is not an RBAC policy",
            )
        };
        let answer = json::parse_object(body).map_err(|_| bad())?;
        let policy = answer
            .get(member)
            .and_then(Value::as_object)
            .ok_or_else(bad)?;
        let roles = policy
            .get("roles")
            .and_then(Value::as_array)
            .ok_or_else(bad)?;
        let mut read = Vec::with_capacity(roles.len());
        for role in roles {
            read.push(read_role(role, "role_id").ok_or_else(bad)?);
        }
        // Scopes are optional (an organization's policy has none); when present, strict.
        let mut scopes = Vec::new();
        if let Some(listed) = policy.given("scopes") {
            for scope in listed.as_array().ok_or_else(bad)? {
                scopes.push(read_role(scope, "scope").ok_or_else(bad)?);
            }
        }
        Ok(Self {
            roles: read,
            scopes,
        })
    }

    /// Judges `check` for an access token granted `scopes`, as Stytch's SDKs do
    /// (`performScopeAuthorizationCheck`): of the policy's scopes the token holds, those with a
    /// permission on `check.resource_id` whose actions hold `check.action` or `"*"` grant it.
    pub fn judge_scopes(&self, scopes: &[String], check: &AuthorizationCheck) -> Verdict {
        judge(self.scopes.iter(), scopes, check)
    }

    /// Judges `check` for a session holding `roles`, as Stytch's SDKs do: of the policy's roles
    /// the session holds, those with a permission on `check.resource_id` whose actions hold
    /// `check.action` or `"*"` grant it.
    pub fn judge(&self, roles: &[String], check: &AuthorizationCheck) -> Verdict {
        self.judge_with(None, roles, check)
    }

    /// Judges `check` over this policy's roles and, for a B2B member session, its
    /// organization's own roles (`org`) after them.
    pub fn judge_with(
        &self,
        org: Option<&Policy>,
        roles: &[String],
        check: &AuthorizationCheck,
    ) -> Verdict {
        let org_roles = org.map(|p| p.roles.as_slice()).unwrap_or_default();
        judge(self.roles.iter().chain(org_roles), roles, check)
    }
}

/// Of `granted` (roles, or scopes read as roles), those `held` with a permission on the check's
/// resource whose actions hold its action or `"*"`.
fn judge<'a>(
    granted: impl Iterator<Item = &'a Role>,
    held: &[String],
    check: &AuthorizationCheck,
) -> Verdict {
    let granting_roles: Vec<String> = granted
        .filter(|role| held.contains(&role.role_id))
        .filter(|role| {
            role.permissions.iter().any(|p| {
                p.resource_id == check.resource_id
                    && p.actions.iter().any(|a| *a == check.action || a == "*")
            })
        })
        .map(|role| role.role_id.clone())
        .collect();
    Verdict {
        authorized: !granting_roles.is_empty(),
        granting_roles,
    }
}

/// The error of a B2B check naming another organization than the member session's.
pub fn tenancy_mismatch() -> Error {
    Error::client(
        ClientErrorCode::TenancyMismatch,
        "the member session belongs to another organization than the check names",
    )
}

/// The error of a check the policy denies.
pub fn denied() -> Error {
    Error::client(
        ClientErrorCode::InvalidPermissions,
        "the session's roles do not permit this action on this resource",
    )
}

/// A role `{<name>: id, permissions: [{resource_id, actions}]}` (`name`: `role_id`, or `scope`).
fn read_role(value: &Value, name: &str) -> Option<Role> {
    let role: &Object = value.as_object()?;
    let mut permissions = Vec::new();
    for p in role.get("permissions")?.as_array()? {
        let p = p.as_object()?;
        let mut actions = Vec::new();
        for a in p.get("actions")?.as_array()? {
            actions.push(a.as_str()?.to_owned());
        }
        permissions.push(Permission {
            resource_id: p.get("resource_id")?.as_str()?.to_owned(),
            actions,
        });
    }
    Some(Role {
        role_id: role.get(name)?.as_str()?.to_owned(),
        permissions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        Policy::from_answer(
            br#"{"request_id":"r","status_code":200,"policy":{"roles":[
            {"role_id":"stytch_user","description":"","permissions":[{"resource_id":"documents","actions":["read"]}]},
            {"role_id":"editor","description":"","permissions":[{"resource_id":"documents","actions":["read","write"]}]},
            {"role_id":"admin","description":"","permissions":[{"resource_id":"documents","actions":["*"]},{"resource_id":"billing","actions":["read"]}]}
            ],"resources":[],"scopes":[]}}"#,
        )
        .unwrap()
    }

    fn check(resource_id: &str, action: &str) -> AuthorizationCheck {
        AuthorizationCheck::new(resource_id, action)
    }

    fn roles(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn exact_action_star_and_several_roles() {
        let p = policy();
        let v = p.judge(&roles(&["stytch_user"]), &check("documents", "read"));
        assert_eq!(v.granting_roles, ["stytch_user"]);
        assert!(
            !p.judge(&roles(&["stytch_user"]), &check("documents", "write"))
                .authorized
        );
        let v = p.judge(
            &roles(&["stytch_user", "admin"]),
            &check("documents", "delete"),
        );
        assert_eq!(v.granting_roles, ["admin"]);
        let v = p.judge(&roles(&["editor", "admin"]), &check("documents", "write"));
        assert_eq!(v.granting_roles, ["editor", "admin"]);
        assert!(
            !p.judge(&roles(&["admin"]), &check("billing", "write"))
                .authorized
        );
        assert!(
            !p.judge(&roles(&["unknown_role"]), &check("documents", "read"))
                .authorized
        );
        assert!(!p.judge(&[], &check("documents", "read")).authorized);
        assert!(
            !Policy::default()
                .judge(&roles(&["admin"]), &check("documents", "read"))
                .authorized
        );
    }

    #[test]
    fn a_malformed_policy_is_refused() {
        for body in [
            &br#"{"policy":{}}"#[..],
            br#"{"policy":{"roles":[{"role_id":"a"}]}}"#,
            br#"{"policy":{"roles":[{"role_id":"a","permissions":[{"resource_id":"d","actions":[1]}]}]}}"#,
            br#"{"policy":{"roles":"admin"}}"#,
            b"not json",
        ] {
            assert_eq!(Policy::from_answer(body).unwrap_err().code(), "invalid_response");
        }
    }

    #[test]
    fn checks_are_read_strictly() {
        let read = |text: &str| {
            AuthorizationCheck::from_value(&json::parse(text.as_bytes()).unwrap(), "params")
        };
        assert_eq!(
            read(r#"{"resource_id":"d","action":"read"}"#).unwrap(),
            check("d", "read")
        );
        for bad in [
            r#"{"resource_id":"d"}"#,
            r#"{"resource_id":"","action":"a"}"#,
            r#"[1]"#,
        ] {
            assert_eq!(read(bad).unwrap_err().code(), "invalid_argument");
        }
    }
}
