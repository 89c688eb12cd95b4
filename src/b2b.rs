//! The B2B Sessions operations (stytch-node's `B2BClient.sessions`; `docs/rules.md`, "B2B"):
//! their params, read strictly and written as request bodies like the consumer ones
//! ([`crate::api`]), and the engine operation each call is. A member session is judged by the
//! same engine as a consumer session; what differs is data ([`crate::product::B2B`]).

use crate::api::Endpoint;
use crate::api::{params, Body, ExchangeAccessTokenParams, Param};
use crate::engine::{ApiCall, Operation};
use crate::error::{Error, Result};
use crate::http::percent_encode;
use crate::json::{Object, Value};
use crate::options::{members, Fields, Member, Names};
use crate::rbac::AuthorizationCheck;

params! {
    /// `POST /v1/b2b/sessions/authenticate`.
    pub struct B2bAuthenticateParams for "authenticate" as "B2BSessionsAuthenticateRequest"
        one_of [session_token, session_jwt]
    {
        session_token: Option<String>,
        session_jwt: Option<String>,
        ..session_extension,
        /// The API judges this check too (the organization first: another one is a 403
        /// `tenancy_mismatch`); a denial is a 403 `StytchError`, else `verdict` says who
        /// granted it.
        authorization_check: Option<AuthorizationCheck> as "B2BAuthorizationCheck",
    }
}

params! {
    /// `POST /v1/b2b/sessions/exchange`: the member's session in another organization.
    pub struct B2bExchangeParams for "exchange" as "B2BSessionsExchangeRequest"
        one_of [session_token, session_jwt]
    {
        /// The organization to switch to.
        organization_id: String,
        session_token: Option<String>,
        session_jwt: Option<String>,
        ..session_extension,
        /// The language of a one-time passcode sent when MFA is required (e.g. `"en"`).
        locale: Option<String>,
        ..telemetry,
    }
}

params! {
    /// `POST /v1/b2b/sessions/attest`: a member session for a trusted auth token.
    pub struct B2bAttestParams for "attest" as "B2BSessionsAttestRequest" {
        /// The trusted auth token profile.
        profile_id: String,
        /// The token the profile's issuer signed.
        token: String,
        /// The organization the member belongs to.
        organization_id: Option<String>,
        ..session_extension,
        /// An existing session to add the factor to (at most one of the two).
        session_token: Option<String>,
        session_jwt: Option<String>,
    }
}

params! {
    /// `POST /v1/b2b/sessions/migrate`.
    pub struct B2bMigrateParams for "migrate" as "B2BSessionsMigrateRequest" {
        /// The external OIDC access token.
        session_token: String,
        /// The organization to create the member session in.
        organization_id: String,
        ..session_extension,
    }
}

params! {
    /// `POST /v1/b2b/sessions/revoke`.
    pub struct B2bRevokeParams for "revoke" as "B2BSessionsRevokeRequest"
        one_of [member_session_id, session_token, session_jwt, member_id]
    {
        member_session_id: Option<String>,
        session_token: Option<String>,
        session_jwt: Option<String>,
        /// Revokes every session of this member.
        member_id: Option<String>,
    }
}

members! {
    /// The params `get` reads (stytch-node's).
    pub const GET_PARAMS, GET_TS = {
        organization_id: "string",
        member_id: "string",
    }
}

members! {
    /// `revoke`'s second argument: `{authorization?: {session_token?, session_jwt?}}`, a
    /// member's session the request runs as (the `X-Stytch-Member-Session` and
    /// `X-Stytch-Member-SessionJWT` headers).
    pub const REVOKE_OPTIONS, REVOKE_OPTIONS_TS = {
        authorization?: "B2BAuthorization",
    }
}

members! {
    /// The members of `revoke`'s `authorization` option.
    pub const AUTHORIZATION, AUTHORIZATION_TS = {
        session_token?: "string",
        session_jwt?: "string",
    }
}

/// `client.sessions[op](params, options)` of a `B2BClient` as an engine operation, reading the
/// params with `read` and `revoke`'s options with `options` (each given what to call them in an
/// error); unknown operations are refused. `current_date` is the params' `current_date` in
/// milliseconds (`authenticateJwtLocal`).
pub fn operation(
    op: &str,
    mut read: impl FnMut(&'static str) -> Result<Value>,
    options: impl FnOnce(&'static str) -> Result<Value>,
    current_date: Option<f64>,
) -> Result<Operation> {
    let api = |endpoint, body: String| Operation::Api(ApiCall::new(endpoint, body));
    Ok(match op {
        // The same params as a consumer client's (that a check names its organization the
        // engine judges for every call: `Product::fits`).
        "authenticate" | "authenticateJwt" | "authenticateJwtLocal" | "getJWKS" => {
            crate::api::sessions_operation(op, read, current_date)?
        }
        "get" => {
            let what = "get params";
            let value = read(what)?;
            let f = Fields::of(&value, what, &[GET_PARAMS])?;
            let (organization, member) = (
                f.required_string("organization_id")?,
                f.required_string("member_id")?,
            );
            get_operation(&organization, &member)
        }
        "revoke" => {
            let body = B2bRevokeParams::body_of(&read(B2bRevokeParams::WHAT)?)?;
            let mut call = ApiCall::new(Endpoint::B2bRevoke, body);
            call.headers = revoke_headers(&options("revoke options")?)?;
            Operation::Api(call)
        }
        "exchange" => api(
            Endpoint::B2bExchange,
            B2bExchangeParams::body_of(&read(B2bExchangeParams::WHAT)?)?,
        ),
        "exchangeAccessToken" => api(
            Endpoint::B2bExchangeAccessToken,
            ExchangeAccessTokenParams::body_of(&read(ExchangeAccessTokenParams::WHAT)?)?,
        ),
        "attest" => api(
            Endpoint::B2bAttest,
            B2bAttestParams::body_of(&read(B2bAttestParams::WHAT)?)?,
        ),
        "migrate" => api(
            Endpoint::B2bMigrate,
            B2bMigrateParams::body_of(&read(B2bMigrateParams::WHAT)?)?,
        ),
        _ => return Err(Error::invalid_argument("no such B2B Sessions operation")),
    })
}

/// The headers `revoke`'s options ask for (`null` or absent options: none).
pub fn revoke_headers(options: &Value) -> Result<Vec<(&'static str, String)>> {
    const WHAT: &str = "revoke options";
    if matches!(options, Value::Null) {
        return Ok(Vec::new());
    }
    let f = Fields::of(options, WHAT, &[REVOKE_OPTIONS])?;
    let authorization = match f.object("authorization")? {
        Some(authorization) => Value::Object(authorization),
        None => return Ok(Vec::new()),
    };
    let what = "revoke options: authorization";
    let a = Fields::of(&authorization, what, &[AUTHORIZATION])?;
    member_headers(a.string("session_token")?, a.string("session_jwt")?)
}

/// The headers that run a request as a member's session: `X-Stytch-Member-Session` for its
/// token, `X-Stytch-Member-SessionJWT` for its JWT.
pub fn member_headers(
    session_token: Option<String>,
    session_jwt: Option<String>,
) -> Result<Vec<(&'static str, String)>> {
    let mut headers = Vec::new();
    if let Some(token) = session_token {
        headers.push(("X-Stytch-Member-Session", token));
    }
    if let Some(jwt) = session_jwt {
        headers.push(("X-Stytch-Member-SessionJWT", jwt));
    }
    for (_, value) in &headers {
        if value.is_empty() || value.bytes().any(|b| !(0x21..=0x7e).contains(&b)) {
            return Err(Error::invalid_argument(
                "revoke options: authorization's session_token and session_jwt must be non-empty tokens",
            ));
        }
    }
    Ok(headers)
}

/// `get`: `GET /v1/b2b/sessions?organization_id=…&member_id=…`.
pub fn get_operation(organization_id: &str, member_id: &str) -> Operation {
    let query = [
        "?organization_id=",
        &percent_encode(organization_id),
        "&member_id=",
        &percent_encode(member_id),
    ]
    .concat();
    Operation::Api(ApiCall::get(Endpoint::B2bGet, query))
}
