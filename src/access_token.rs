//! OAuth access tokens the engine verifies locally (`docs/rules.md`, "Access tokens"): M2M
//! tokens (client credentials) and Connected Apps tokens, each marshalled into the answer
//! stytch-node's `m2m.authenticateToken` and `idp.introspectTokenLocal` give. Kinds stay apart:
//! a session JWT is not an access token, an M2M token carries no `client_id` claim, a Connected
//! Apps token does.

use crate::error::{ClientErrorCode, Error, Result};
use crate::json::{self, Object, Value};
use crate::member_session::{organization_of, ORGANIZATION_CLAIM};
use crate::profile::Marshalled;
use crate::session::{write_custom_claims, SESSION_CLAIM};
use std::rc::Rc;

/// Refuses what is not an access token, and gives its `scope` claim.
fn scope_of<'a>(claims: &'a Object, kind: &str) -> Result<&'a str> {
    if claims.given(SESSION_CLAIM).is_some() {
        return Err(Error::claim(
            ClientErrorCode::JwtInvalid,
            SESSION_CLAIM,
            ["JWT is a session JWT, not ", kind, " access token"].concat(),
        ));
    }
    match claims.get("scope") {
        Some(Value::String(scope)) => Ok(scope),
        _ => Err(Error::claim(
            ClientErrorCode::JwtInvalid,
            "scope",
            ["JWT has no scope claim: not ", kind, " access token"].concat(),
        )),
    }
}

/// A Stytch M2M access token: `{client_id, scopes, custom_claims}`; its scopes are what
/// `required_scopes` (and a check) judge.
pub fn marshal_m2m(mut claims: Object) -> Result<Marshalled> {
    let scope = scope_of(&claims, "an M2M")?;
    if claims.given("client_id").is_some() {
        return Err(Error::Client {
            code: ClientErrorCode::JwtInvalid,
            message: "JWT has a client_id claim: a Connected Apps access token, not an M2M one"
                .into(),
            claim: None,
        });
    }
    // stytch-node splits on single spaces.
    let scopes: Vec<String> = scope.split(' ').map(str::to_owned).collect();
    let mut out = String::from("{\"client_id\":");
    let sub = claims.get("sub").and_then(Value::as_str).unwrap_or("");
    json::write_str(sub, &mut out);
    out.push_str(",\"scopes\":[");
    for (i, s) in scopes.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        json::write_str(s, &mut out);
    }
    out.push_str("],\"custom_claims\":");
    write_custom_claims(&mut claims, &["scope"], &mut out);
    out.push('}');
    Ok(Marshalled {
        answer: Rc::from(out),
        grants: scopes.into(),
        organization_id: None,
    })
}

/// A Connected Apps access token, as `idp.introspectTokenLocal` answers it: `{subject, scope,
/// audience, expires_at, issued_at, issuer, not_before, token_type: "access_token",
/// custom_claims}`; with `organization` (B2B), also `{organization: {organization_id, slug}}`.
fn marshal_connected_app(mut claims: Object, organization: bool) -> Result<Marshalled> {
    let scope = scope_of(&claims, "a Connected Apps")?.to_owned();
    if claims.get("client_id").and_then(Value::as_str).is_none() {
        return Err(Error::claim(
            ClientErrorCode::JwtInvalid,
            "client_id",
            "JWT has no client_id claim: not a Connected Apps access token",
        ));
    }
    let organization = organization.then(|| organization_of(&claims)).transpose()?;
    let mut out = String::new();
    write_introspected(&claims, &scope, &mut out);
    out.push_str(",\"token_type\":\"access_token\",\"custom_claims\":");
    write_custom_claims(&mut claims, &["scope", ORGANIZATION_CLAIM], &mut out);
    finish(out, &scope, organization)
}

/// `{"subject":…,"scope":…,"audience":…,"expires_at":…,"issued_at":…,"issuer":…,"not_before":…`
/// (no closing brace) from a token's claims or an introspection answer: stytch-node's names.
fn write_introspected(claims: &Object, scope: &str, out: &mut String) {
    let member = |name: &str| claims.get(name).unwrap_or(&Value::Null);
    out.push_str("{\"subject\":");
    json::write(member("sub"), out);
    out.push_str(",\"scope\":");
    json::write_str(scope, out);
    for (name, claim) in [
        (",\"audience\":", "aud"),
        (",\"expires_at\":", "exp"),
        (",\"issued_at\":", "iat"),
        (",\"issuer\":", "iss"),
        (",\"not_before\":", "nbf"),
    ] {
        out.push_str(name);
        json::write(member(claim), out);
    }
}

/// A Connected Apps answer `out` (no closing brace yet) completed: `organization` (the id and
/// slug of a B2B token's organization claim) when given, and the token's scopes (`scope` split on
/// spaces, trimmed) as what its checks judge.
fn finish(
    mut out: String,
    scope: &str,
    organization: Option<(String, String)>,
) -> Result<Marshalled> {
    let organization_id = organization.map(|(id, slug)| {
        out.push_str(",\"organization\":{\"organization_id\":");
        json::write_str(&id, &mut out);
        out.push_str(",\"slug\":");
        json::write_str(&slug, &mut out);
        out.push('}');
        Rc::from(id)
    });
    out.push('}');
    let grants: Vec<String> = scope.trim().split(' ').map(str::to_owned).collect();
    Ok(Marshalled {
        answer: Rc::from(out),
        grants: grants.into(),
        organization_id,
    })
}

/// A consumer project's Connected Apps access token.
pub fn marshal_access_token(claims: Object) -> Result<Marshalled> {
    marshal_connected_app(claims, false)
}

/// A B2B project's Connected Apps access token: it names the member's organization.
pub fn marshal_b2b_access_token(claims: Object) -> Result<Marshalled> {
    marshal_connected_app(claims, true)
}

/// The members of an introspection answer that are not custom claims (stytch-node's list).
const INTROSPECTED: [&str; 12] = [
    "aud",
    "exp",
    "iat",
    "iss",
    "nbf",
    "sub",
    "status_code",
    "scope",
    "active",
    "request_id",
    "token_type",
    "client_id",
];

/// An introspection answer (`POST /v1/public/{project_id}/oauth2/introspect`), as
/// `idp.introspectTokenNetwork` answers it: `{subject, scope, audience, expires_at, issued_at,
/// issuer, not_before, custom_claims, token_type}`. An inactive token is `token_invalid`.
pub fn marshal_introspection(body: &str, organization: bool) -> Result<Marshalled> {
    let mut answer = json::parse_object(body.as_bytes())
        .map_err(|_| not_active("the introspection answer is not a JSON object"))?;
    if answer.get("active") != Some(&Value::Bool(true)) {
        return Err(not_active("the token is not active"));
    }
    let scope = answer
        .get("scope")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let token_type = answer.remove("token_type").unwrap_or(Value::Null);
    let mut out = String::new();
    write_introspected(&answer, &scope, &mut out);
    let organization = organization.then(|| organization_of(&answer)).transpose()?;
    out.push_str(",\"custom_claims\":");
    answer.retain(|name| !INTROSPECTED.contains(&name) && name != ORGANIZATION_CLAIM);
    json::write_object(&answer, &mut out);
    out.push_str(",\"token_type\":");
    json::write(&token_type, &mut out);
    finish(out, &scope, organization)
}

fn not_active(why: &'static str) -> Error {
    Error::client(ClientErrorCode::TokenInvalid, why)
}

/// Why a token could not be introspected, as stytch-node reports it: `token_invalid`, naming
/// the cause's code (an inactive token is already `token_invalid`).
pub fn not_introspected(cause: &Error) -> Error {
    if cause.client_code() == Some(ClientErrorCode::TokenInvalid) {
        return cause.clone();
    }
    Error::Client {
        code: ClientErrorCode::TokenInvalid,
        message: ["could not introspect the token: ", cause.code()]
            .concat()
            .into(),
        claim: None,
    }
}

/// Whether an M2M client granted `held` scopes has every one of `required`, as stytch-node
/// judges it: a scope is `action:resource` (or a bare action), and a granted `action:*` covers
/// every resource of that action.
pub fn has_scopes(held: &[String], required: &[String]) -> bool {
    fn split(scope: &str) -> (&str, &str) {
        match scope.split_once(':') {
            // stytch-node keeps the part before a second `:` only.
            Some((action, resource)) => (action, resource.split(':').next().unwrap_or("")),
            None => (scope, "-"),
        }
    }
    required.iter().all(|scope| {
        let (action, resource) = split(scope);
        held.iter()
            .map(|s| split(s))
            .any(|(a, r)| a == action && (r == "*" || r == resource))
    })
}

/// The error of an M2M token missing a required scope.
pub fn missing_scopes() -> Error {
    Error::client(
        ClientErrorCode::MissingScopes,
        "the access token lacks at least one required scope",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scopes(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn required_scopes_are_judged_as_stytch_node_judges_them() {
        let held = scopes(&["read:users", "write:*", "admin"]);
        for (required, ok) in [
            (&["read:users"][..], true),
            (&["write:anything", "read:users"], true),
            (&["admin"], true),
            (&["read:orders"], false),
            (&["delete:users"], false),
            (&["admin:users"], false),
            (&[], true),
        ] {
            assert_eq!(has_scopes(&held, &scopes(required)), ok, "{required:?}");
        }
    }
}
