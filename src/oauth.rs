//! The access-token operations (stytch-node's `m2m` and `idp` on `Client` and `B2BClient`;
//! `docs/rules.md`, "Access tokens"): their params, read strictly, and the engine operation each
//! call is. The token *kind* is data ([`crate::profile::M2M_TOKEN`], the product's
//! `access_token`); the engine that judges it is the sessions' one.

use crate::api::Endpoint;
use crate::api::LocalJwtParams;
use crate::engine::{ApiCall, Operation};
use crate::error::{Error, Result};
use crate::http::form_urlencode;
use crate::json::Value;
use crate::options::{members, Fields};
use crate::product::Product;
use crate::profile::M2M_TOKEN;
use crate::rbac::AuthorizationCheck;

members! {
    /// `m2m.authenticateToken`'s params (stytch-node's).
    pub const AUTHENTICATE_TOKEN, AUTHENTICATE_TOKEN_TS = {
        /// The M2M access token.
        access_token: "string",
        /// Scopes it must hold (`action:resource` or a bare action; a granted `action:*` covers
        /// every resource); one missing → `ClientError` `missing_scopes`.
        required_scopes?: "string[]",
        /// Tokens older than this (by `iat`) fail with `jwt_too_old` (default: no bound).
        max_token_age_seconds?: "number",
        /// Allowed clock skew for `exp` and `nbf`, in seconds (default 0).
        clock_tolerance_seconds?: "number",
    }
}

members! {
    /// `m2m.token`'s params (stytch-node's).
    pub const TOKEN, TOKEN_TS = {
        client_id: "string",
        /// Sent in the form body, never in an error or a log.
        client_secret: "string",
        /// Scopes to ask for (default: every scope of the client).
        scopes?: "string[]",
    }
}

members! {
    /// `idp.introspectTokenLocal`'s options (stytch-node's).
    pub const INTROSPECT_LOCAL, INTROSPECT_LOCAL_TS = {
        /// Judged against the RBAC policy's scopes (read with the secret, cached 5 minutes):
        /// denied → `ClientError` `invalid_permissions`.
        authorization_check?: "AuthorizationCheck",
        /// Allowed clock skew for `exp` and `nbf`, in seconds (default 0).
        clock_tolerance_seconds?: "number",
        /// The time to verify at, a `Date` or epoch milliseconds (default: now).
        current_date?: "Date | number",
    }
}

members! {
    /// `idp.introspectTokenNetwork`'s params (stytch-node's).
    pub const INTROSPECT_NETWORK, INTROSPECT_NETWORK_TS = {
        token: "string",
        /// The Connected App client asking.
        client_id: "string",
        /// Its secret, for a confidential client.
        client_secret?: "string",
        token_type_hint?: "string",
    }
}

members! {
    /// `idp.introspectTokenNetwork`'s options.
    pub const INTROSPECT_NETWORK_OPTIONS, INTROSPECT_NETWORK_OPTIONS_TS = {
        /// Judged against the RBAC policy's scopes once the API found the token active.
        authorization_check?: "AuthorizationCheck",
    }
}

/// `client.m2m[op](params)` or `client.idp[op](first, options)` as an engine operation, for a
/// client of `product`: `read` gives the params (or options) object, `token` the first argument
/// when it is a string (`introspectTokenLocal`'s token), `options` the second argument.
pub fn operation(
    op: &str,
    product: &'static Product,
    token: Option<String>,
    mut read: impl FnMut(&'static str) -> Result<Value>,
    options: impl FnOnce(&'static str) -> Result<Value>,
    current_date: Option<f64>,
) -> Result<Operation> {
    Ok(match op {
        "m2m.authenticateToken" => {
            let what = "authenticateToken params";
            let value = read(what)?;
            let f = Fields::of(&value, what, &[AUTHENTICATE_TOKEN])?;
            Operation::VerifyToken {
                profile: &M2M_TOKEN,
                token: f.required_string("access_token")?,
                params: LocalJwtParams {
                    max_token_age_seconds: f.uint("max_token_age_seconds")?,
                    clock_tolerance_seconds: f.uint("clock_tolerance_seconds")?,
                    ..LocalJwtParams::default()
                },
                required_scopes: f.strings("required_scopes")?,
            }
        }
        "m2m.token" => {
            let what = "token params";
            let value = read(what)?;
            let f = Fields::of(&value, what, &[TOKEN])?;
            let (id, secret) = (
                f.required_string("client_id")?,
                f.required_string("client_secret")?,
            );
            token_operation(&id, &secret, f.strings("scopes")?.as_deref())
        }
        "idp.introspectTokenLocal" => {
            let token = token.ok_or_else(|| {
                Error::invalid_argument("introspectTokenLocal: the token must be a string")
            })?;
            let what = "introspectTokenLocal options";
            let value = options(what)?;
            let params = match value {
                Value::Null => LocalJwtParams::default(),
                value => {
                    let f = Fields::of(&value, what, &[INTROSPECT_LOCAL])?;
                    LocalJwtParams {
                        clock_tolerance_seconds: f.uint("clock_tolerance_seconds")?,
                        authorization_check: f.check("authorization_check")?,
                        ..LocalJwtParams::default()
                    }
                }
            }
            .at(what, current_date)?;
            let profile = product.access_token;
            Operation::VerifyToken {
                profile,
                token,
                params,
                required_scopes: None,
            }
        }
        "idp.introspectTokenNetwork" => {
            let what = "introspectTokenNetwork params";
            let value = read(what)?;
            let f = Fields::of(&value, what, &[INTROSPECT_NETWORK])?;
            let (token, client_id) = (f.required_string("token")?, f.required_string("client_id")?);
            let secret = f.string("client_secret")?;
            let hint = f.string("token_type_hint")?;
            let what = "introspectTokenNetwork options";
            let check = match options(what)? {
                Value::Null => None,
                value => Fields::of(&value, what, &[INTROSPECT_NETWORK_OPTIONS])?
                    .check("authorization_check")?,
            };
            introspect_operation(
                &token,
                &client_id,
                secret.as_deref(),
                hint.as_deref(),
                check,
            )
        }
        _ => return Err(Error::invalid_argument("no such m2m or idp operation")),
    })
}

/// `m2m.token`: the client credentials as a form, and `scope` when scopes are asked for.
pub fn token_operation(
    client_id: &str,
    client_secret: &str,
    scopes: Option<&[String]>,
) -> Operation {
    let scope = scopes
        .filter(|s| !s.is_empty())
        .map(crate::http::space_separated);
    let mut pairs = vec![
        ("client_id", client_id),
        ("client_secret", client_secret),
        ("grant_type", "client_credentials"),
    ];
    if let Some(scope) = scope.as_deref() {
        pairs.push(("scope", scope));
    }
    Operation::Api(ApiCall::new(Endpoint::OauthToken, form_urlencode(&pairs)))
}

/// `idp.introspectTokenNetwork`: the token and the client as a form (an empty secret or hint is
/// left out, as stytch-node does), then `check` against the policy's scopes.
pub fn introspect_operation(
    token: &str,
    client_id: &str,
    client_secret: Option<&str>,
    token_type_hint: Option<&str>,
    check: Option<AuthorizationCheck>,
) -> Operation {
    let mut pairs = vec![("token", token), ("client_id", client_id)];
    for (name, value) in [
        ("client_secret", client_secret),
        ("token_type_hint", token_type_hint),
    ] {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            pairs.push((name, value));
        }
    }
    Operation::Introspect {
        body: form_urlencode(&pairs),
        check,
    }
}
