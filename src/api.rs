//! The Sessions endpoints: their parameters (read strictly from JSON, written as request bodies
//! with Stytch's snake_case names; unset fields left out), the members each answer must have,
//! and typed answers for Rust callers.
//!
//! Answers reach JavaScript as the API sent them (once checked), so nothing the API says is lost
//! on the way; Rust callers get them typed (serde) from [`crate::Client`].

use crate::engine::{ApiCall, Operation};
use crate::error::{Error, Result};
use crate::json::{self, Object, Value};
use crate::jwk::Jwk;
use crate::options::{members, Fields, Member, Names};
use crate::rbac::{AuthorizationCheck, Verdict};
use crate::session::Session;
use serde::{Deserialize, Serialize};
use serde_json::Map;

/// One member of a params struct: how [`params!`] reads it from the params, writes it into a
/// request body (left out when unset) and types it in TypeScript.
pub(crate) trait Param: Sized {
    /// Its TypeScript type (without `| undefined`).
    const TS: &'static str;
    /// Whether it may be left out.
    const OPTIONAL: bool = true;
    /// Reads member `name` of `f`.
    fn read(f: &Fields<'_>, name: &str) -> Result<Self>;
    /// Writes it into `body` as member `name`, unless it is unset.
    fn write(&self, body: &mut Body, name: &str);
    /// Reads member `name` of `f` and writes it into `body`: one reader per member type,
    /// shared by every call's table ([`body_of`]).
    fn copy(f: &Fields<'_>, name: &str, body: &mut Body) -> Result<()> {
        Self::read(f, name)?.write(body, name);
        Ok(())
    }
}

/// How one member of a params table is read from the params and written into a request body
/// (its type's [`Param::copy`]).
pub(crate) type ParamCopy = fn(&Fields<'_>, &str, &mut Body) -> Result<()>;

/// The request body of an API-only call from its params `value`, read strictly (`names`) and
/// member by member as its `params!` declaration's `COPY` table says: what `from_value` then
/// `body()` give, without a struct (and its code) per call.
pub(crate) fn body_of(
    value: &Value,
    what: &'static str,
    names: Names,
    copy: &[(&'static str, ParamCopy)],
) -> Result<String> {
    let f = Fields::of(value, what, &[names])?;
    let mut body = Body::default();
    for (name, copy) in copy {
        copy(&f, name, &mut body)?;
    }
    Ok(body.finish())
}

impl Param for String {
    const TS: &'static str = "string";
    const OPTIONAL: bool = false;
    fn read(f: &Fields<'_>, name: &str) -> Result<Self> {
        f.required_string(name)
    }
    fn write(&self, body: &mut Body, name: &str) {
        body.string(name, Some(self));
    }
}

impl Param for Option<String> {
    const TS: &'static str = "string";
    fn read(f: &Fields<'_>, name: &str) -> Result<Self> {
        f.string(name)
    }
    fn write(&self, body: &mut Body, name: &str) {
        body.string(name, self.as_deref());
    }
}

impl Param for Option<u32> {
    const TS: &'static str = "number";
    fn read(f: &Fields<'_>, name: &str) -> Result<Self> {
        f.u32(name)
    }
    fn write(&self, body: &mut Body, name: &str) {
        body.uint(name, self.map(u64::from));
    }
}

impl Param for Option<u64> {
    const TS: &'static str = "number";
    fn read(f: &Fields<'_>, name: &str) -> Result<Self> {
        f.uint(name)
    }
    fn write(&self, body: &mut Body, name: &str) {
        body.uint(name, *self);
    }
}

impl Param for Option<Object> {
    const TS: &'static str = "JsonObject";
    fn read(f: &Fields<'_>, name: &str) -> Result<Self> {
        f.object(name)
    }
    fn write(&self, body: &mut Body, name: &str) {
        body.object(name, self.as_ref());
    }
}

impl Param for Option<AuthorizationCheck> {
    const TS: &'static str = "AuthorizationCheck";
    fn read(f: &Fields<'_>, name: &str) -> Result<Self> {
        f.check(name)
    }
    fn write(&self, body: &mut Body, name: &str) {
        body.check(name, self.as_ref());
    }
}

/// Declares the params of one API call once: from the declaration come the struct, its reader
/// (`from_value`, with strict names), its request body (`body()`: members in declaration
/// order, unset ones left out), its member names (`NAMES`) and its TypeScript members (`TS`,
/// rendered into `pkg-template/index.d.ts` by `tests/types_match.rs`).
///
/// `..session_extension` and `..telemetry` stand for the shared groups, declared once here.
/// `one_of [a, b]` says the API takes exactly one of those members (the API judges that; the
/// TypeScript type says it). A declaration that starts with `token name;` has no body: its
/// token member is read by `from_value`, and the rest (`OPTIONS`) by `options` too, which the
/// gate reads from its own options.
macro_rules! params {
    // The shared groups, each declared once.
    (@munch $head:tt [$($done:tt)*] ..session_extension, $($rest:tt)*) => {
        params!(@munch $head [$($done)*
            ([
                #[doc = " Extend the session to this many minutes from now (5 to 527 040)."]
            ] session_duration_minutes: Option<u32>, (<Option<u32> as Param>::TS), (Some("SessionExtension")))
            ([
                #[doc = " Custom claims to merge into the session."]
            ] session_custom_claims: Option<Object>, ("SessionCustomClaims"), (Some("SessionExtension")))
        ] $($rest)*);
    };
    (@munch $head:tt [$($done:tt)*] ..telemetry, $($rest:tt)*) => {
        params!(@munch $head [$($done)*
            ([
                #[doc = " A Device Fingerprinting telemetry id: the answer then carries `user_device`."]
            ] telemetry_id: Option<String>, (<Option<String> as Param>::TS), (None))
        ] $($rest)*);
    };
    // One member: its documentation, name, type and (`as "…"`) TypeScript type when not its
    // type's.
    (@munch $head:tt [$($done:tt)*]
        $(#[doc = $doc:literal])* $field:ident : $ty:ty $(as $ts:literal)?, $($rest:tt)*
    ) => {
        params!(@munch $head [$($done)*
            ([$(#[doc = $doc])*] $field: $ty, (params!(@ts $ty $(, $ts)?)), (None))
        ] $($rest)*);
    };
    (@munch $head:tt [$($done:tt)*]) => {
        params!(@emit $head $($done)*);
    };
    (@ts $ty:ty) => { <$ty as Param>::TS };
    (@ts $ty:ty, $ts:literal) => { $ts };

    // A declaration whose token member is read apart from its options (no body).
    (
        $(#[$attr:meta])*
        pub struct $name:ident for $what:literal as $ts_name:literal
            { token $token:ident; $($members:tt)* }
    ) => {
        params!(@munch {
            [$(#[$attr])*] $name, $what, $ts_name, [], token $token
        } [] $($members)*);
    };

    // A declaration with a request body.
    (
        $(#[$attr:meta])*
        pub struct $name:ident for $what:literal as $ts_name:literal
            $(one_of [$($one:ident),*])? { $($members:tt)* }
    ) => {
        params!(@munch {
            [$(#[$attr])*] $name, $what, $ts_name, [$($($one),*)?], body
        } [] $($members)*);
    };
    (@emit {
        [$($attr:tt)*] $name:ident, $what:literal, $ts_name:literal, [$($one:ident),*], body
    } $( ([$(#[doc = $doc:literal])*] $field:ident : $ty:ty, ($ts:expr), ($group:expr)) )*) => {
        $($attr)*
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct $name {
            $( $(#[doc = $doc])* pub $field: $ty, )*
        }

        impl $name {
            /// What the params are called in messages.
            pub const WHAT: &'static str = concat!($what, " params");
            /// The params this call reads (stytch-node's).
            pub const NAMES: Names = &[$(stringify!($field)),*];
            /// The members of which the API takes exactly one (none: no such rule).
            pub const ONE_OF: Names = &[$(stringify!($one)),*];
            /// The params' TypeScript type.
            pub const TS_NAME: &'static str = $ts_name;
            /// The params as the TypeScript type declares them.
            pub const TS: &'static [Member] = &[$(Member {
                name: stringify!($field),
                ts: $ts,
                optional: <$ty as Param>::OPTIONAL,
                doc: &[$($doc),*],
                group: $group,
            }),*];
            /// How each member is read and written ([`body_of`]).
            pub(crate) const COPY: &'static [(&'static str, $crate::api::ParamCopy)] =
                &[$((stringify!($field), <$ty as Param>::copy)),*];

            /// The request body of the params `value` (strict names): `from_value` then
            /// `body()`, through the shared table readers.
            pub fn body_of(value: &Value) -> Result<String> {
                $crate::api::body_of(value, Self::WHAT, Self::NAMES, Self::COPY)
            }

            /// Reads the params (strict names).
            pub fn from_value(value: &Value) -> Result<Self> {
                let f = Fields::of(value, Self::WHAT, &[Self::NAMES])?;
                Ok(Self { $($field: Param::read(&f, stringify!($field))?,)* })
            }

            /// The request body.
            pub fn body(&self) -> String {
                let mut body = Body::default();
                $( Param::write(&self.$field, &mut body, stringify!($field)); )*
                body.finish()
            }
        }
    };

    (@emit {
        [$($attr:tt)*] $name:ident, $what:literal, $ts_name:literal, [], token $token:ident
    } $( ([$(#[doc = $doc:literal])*] $field:ident : $ty:ty, ($ts:expr), ($group:expr)) )*) => {
        $($attr)*
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct $name {
            pub $token: String,
            $( $(#[doc = $doc])* pub $field: $ty, )*
        }

        impl $name {
            /// What the params are called in messages.
            pub const WHAT: &'static str = concat!($what, " params");
            /// The params this call reads besides its token, which `authenticateRequest`
            /// takes as options too.
            pub const OPTIONS: Names = &[$(stringify!($field)),*];
            /// The members of which the API takes exactly one (none: no such rule).
            pub const ONE_OF: Names = &[];
            /// The params' TypeScript type.
            pub const TS_NAME: &'static str = $ts_name;
            /// The params as the TypeScript type declares them (the token first).
            pub const TS: &'static [Member] = &[
                Member {
                    name: stringify!($token),
                    ts: <String as Param>::TS,
                    optional: false,
                    doc: &[],
                    group: None,
                },
                $(Member {
                    name: stringify!($field),
                    ts: $ts,
                    optional: <$ty as Param>::OPTIONAL,
                    doc: &[$($doc),*],
                    group: $group,
                }),*
            ];

            /// Reads the params (strict names).
            pub fn from_value(value: &Value) -> Result<Self> {
                let f = Fields::of(value, Self::WHAT, &[&[stringify!($token)], Self::OPTIONS])?;
                Ok(Self {
                    $token: f.required_string(stringify!($token))?,
                    ..Self::options(&f)?
                })
            }

            /// Reads the [`Self::OPTIONS`] of `f`; the token is left empty.
            pub fn options(f: &Fields<'_>) -> Result<Self> {
                Ok(Self {
                    $token: String::new(),
                    $($field: Param::read(f, stringify!($field))?,)*
                })
            }
        }
    };
}

pub(crate) use params;

params! {
    /// `POST /v1/sessions/authenticate`.
    pub struct AuthenticateParams for "authenticate" as "SessionsAuthenticateRequest"
        one_of [session_token, session_jwt]
    {
        session_token: Option<String>,
        session_jwt: Option<String>,
        ..session_extension,
        /// The API judges this check too: a denial is a 403 `StytchError`; else `verdict` says
        /// who granted it.
        authorization_check: Option<AuthorizationCheck>,
    }
}

params! {
    /// `authenticateJwt`: local verification first, the API when it cannot decide.
    pub struct AuthenticateJwtParams for "authenticateJwt" as "SessionsAuthenticateJwtRequest" {
        token session_jwt;
        /// Older tokens (by `iat`) are sent to the API (default 300; `0` always asks the API).
        max_token_age_seconds: Option<u64>,
        ..session_extension,
        /// Allowed clock skew for `exp` and `nbf`, in seconds (default 0).
        clock_tolerance_seconds: Option<u64>,
        /// Judged locally against the cached RBAC policy; a local denial asks the API, which is
        /// authoritative: its denial is a 403 (a `StytchError` from `authenticateJwt`, a 403
        /// refusal from `authenticateRequest`). The result carries `verdict`.
        authorization_check: Option<AuthorizationCheck>,
    }
}

params! {
    /// `POST /v1/sessions/exchange_access_token`: a Connected Apps access token for a session.
    pub struct ExchangeAccessTokenParams for "exchangeAccessToken"
        as "SessionsExchangeAccessTokenRequest"
    {
        access_token: String,
        ..session_extension,
        ..telemetry,
    }
}

params! {
    /// `POST /v1/sessions/attest`: a trusted auth token from one of the project's token profiles.
    pub struct AttestParams for "attest" as "SessionsAttestRequest" {
        /// The trusted auth token profile.
        profile_id: String,
        /// The token the profile's issuer signed.
        token: String,
        ..session_extension,
        /// An existing session to add the factor to (at most one of the two).
        session_token: Option<String>,
        session_jwt: Option<String>,
        ..telemetry,
    }
}

params! {
    /// `POST /v1/sessions/migrate`.
    pub struct MigrateParams for "migrate" as "SessionsMigrateRequest" {
        /// The external OIDC access token.
        session_token: String,
        ..session_extension,
        ..telemetry,
    }
}

params! {
    /// `POST /v1/sessions/revoke`.
    pub struct RevokeParams for "revoke" as "SessionsRevokeRequest"
        one_of [session_id, session_token, session_jwt]
    {
        session_id: Option<String>,
        session_token: Option<String>,
        session_jwt: Option<String>,
    }
}

/// `authenticateJwtLocal` and `verifyJwt`: local verification only.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LocalJwtParams {
    pub max_token_age_seconds: Option<u64>,
    pub clock_tolerance_seconds: Option<u64>,
    /// The time to judge the token at, in milliseconds since the epoch (JavaScript's `Date`).
    pub current_date_ms: Option<f64>,
    /// Judged locally against the cached policy; a denial is `invalid_permissions`.
    pub authorization_check: Option<AuthorizationCheck>,
}

members! {
    /// The params `get` reads (stytch-node's).
    pub const GET_PARAMS, GET_TS = {
        user_id: "string",
    }
}

members! {
    /// The params `getJWKS` reads (stytch-node's).
    pub const GET_JWKS_PARAMS, GET_JWKS_TS = {
        project_id: "string",
    }
}

/// A client's call `op` as an engine operation: `m2m.*` and `idp.*` on the project's access
/// tokens ([`crate::oauth::operation`]), any other on its product's sessions (a `B2BClient`'s:
/// [`crate::b2b::operation`], a `Client`'s: [`sessions_operation`]). `token` is the call's first
/// argument when it is a string, `read` reads its params, `options` its second argument.
pub fn client_operation(
    op: &str,
    product: &'static crate::product::Product,
    token: Option<String>,
    read: impl FnMut(&'static str) -> Result<Value>,
    options: impl FnOnce(&'static str) -> Result<Value>,
    current_date: Option<f64>,
) -> Result<Operation> {
    if op.starts_with("m2m.") || op.starts_with("idp.") {
        crate::oauth::operation(op, product, token, read, options, current_date)
    } else if std::ptr::eq(product, &crate::product::B2B) {
        crate::b2b::operation(op, read, options, current_date)
    } else {
        sessions_operation(op, read, current_date)
    }
}

/// `client.sessions[op](params)` as an engine operation, reading the params with `read` (given
/// what to call them in an error); unknown operations are refused. `current_date` is the
/// params' `current_date` in milliseconds (`authenticateJwtLocal`).
pub fn sessions_operation(
    op: &str,
    mut read: impl FnMut(&'static str) -> Result<Value>,
    current_date: Option<f64>,
) -> Result<Operation> {
    let api = |endpoint, body| Operation::Api(ApiCall::new(endpoint, body));
    Ok(match op {
        "authenticate" => Operation::Authenticate(AuthenticateParams::from_value(&read(
            AuthenticateParams::WHAT,
        )?)?),
        "authenticateJwt" => Operation::AuthenticateJwt(AuthenticateJwtParams::from_value(&read(
            AuthenticateJwtParams::WHAT,
        )?)?),
        "authenticateJwtLocal" => {
            let what = "authenticateJwtLocal params";
            let value = read(what)?;
            let f = Fields::of(&value, what, &[SESSION_JWT, LocalJwtParams::NAMES])?;
            Operation::VerifyJwt {
                token: f.required_string("session_jwt")?,
                params: LocalJwtParams::from_fields(&f, current_date)?,
            }
        }
        "get" => Operation::Get {
            user_id: Fields::of(&read("get params")?, "get params", &[GET_PARAMS])?
                .required_string("user_id")?,
        },
        "getJWKS" => {
            let what = "getJWKS params";
            let project_id = Fields::of(&read(what)?, what, &[GET_JWKS_PARAMS])?
                .required_string("project_id")?;
            crate::http::check_path_value("getJWKS params: project_id", &project_id)?;
            Operation::GetJwks { project_id }
        }
        // API-only calls: their bodies, read through the shared member readers.
        "migrate" => api(
            Endpoint::Migrate,
            MigrateParams::body_of(&read(MigrateParams::WHAT)?)?,
        ),
        "revoke" => api(
            Endpoint::Revoke,
            RevokeParams::body_of(&read(RevokeParams::WHAT)?)?,
        ),
        "exchangeAccessToken" => api(
            Endpoint::ExchangeAccessToken,
            ExchangeAccessTokenParams::body_of(&read(ExchangeAccessTokenParams::WHAT)?)?,
        ),
        "attest" => api(
            Endpoint::Attest,
            AttestParams::body_of(&read(AttestParams::WHAT)?)?,
        ),
        _ => return Err(Error::invalid_argument("no such Sessions operation")),
    })
}

members! {
    /// The token param of `authenticateJwtLocal` (and `authenticateJwt`'s token member).
    pub const SESSION_JWT, SESSION_JWT_TS = {
        session_jwt: "string",
    }
}

impl LocalJwtParams {
    members! {
        /// The local-verification options (`current_date` is read by the driver, which passes
        /// it on, as it may be a `Date`).
        pub const NAMES, TS = {
            /// Tokens older than this (by `iat`) fail with `jwt_too_old` (default 300).
            max_token_age_seconds?: "number",
            /// Allowed clock skew for `exp` and `nbf`, in seconds (default 0).
            clock_tolerance_seconds?: "number",
            /// The time to verify at, a `Date` or epoch milliseconds (default: now).
            current_date?: "Date | number",
            /// Judged locally against the project's RBAC policy (read with the `secret`, cached
            /// 5 minutes); a denial rejects with `ClientError` `invalid_permissions`.
            authorization_check?: "AuthorizationCheck",
        }
    }

    /// Reads the local-verification options of `fields` (`current_date` is read by the caller,
    /// as it may be a `Date`).
    pub fn from_fields(f: &Fields<'_>, current_date_ms: Option<f64>) -> Result<Self> {
        Self {
            max_token_age_seconds: f.uint("max_token_age_seconds")?,
            clock_tolerance_seconds: f.uint("clock_tolerance_seconds")?,
            current_date_ms: None,
            authorization_check: f.check("authorization_check")?,
        }
        .at(f.what(), current_date_ms)
    }

    /// The same options judged at `current_date_ms` (of the options object `what`), which must
    /// be finite when given.
    pub fn at(mut self, what: &str, current_date_ms: Option<f64>) -> Result<Self> {
        if current_date_ms.is_some_and(|ms| !ms.is_finite()) {
            return Err(Error::invalid_argument(
                [
                    what,
                    ": current_date must be a valid Date or a number of milliseconds",
                ]
                .concat(),
            ));
        }
        self.current_date_ms = current_date_ms;
        Ok(self)
    }
}

/// A JSON request body, written member by member; unset members are left out.
#[derive(Default)]
pub(crate) struct Body(String);

impl Body {
    fn name(&mut self, name: &str) {
        self.0.push(if self.0.is_empty() { '{' } else { ',' });
        json::write_str(name, &mut self.0);
        self.0.push(':');
    }
    fn string(&mut self, name: &str, value: Option<&str>) {
        if let Some(value) = value {
            self.name(name);
            json::write_str(value, &mut self.0);
        }
    }
    fn uint(&mut self, name: &str, value: Option<u64>) {
        if let Some(value) = value {
            self.name(name);
            json::push_u64(&mut self.0, value);
        }
    }
    fn object(&mut self, name: &str, value: Option<&Object>) {
        if let Some(value) = value {
            self.name(name);
            json::write_object(value, &mut self.0);
        }
    }
    fn check(&mut self, name: &str, value: Option<&AuthorizationCheck>) {
        if let Some(value) = value {
            self.name(name);
            value.write(&mut self.0);
        }
    }
    pub(crate) fn finish(mut self) -> String {
        if self.0.is_empty() {
            self.0.push('{');
        }
        self.0.push('}');
        self.0
    }
}

/// The kind of JSON value a member of an answer must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    Number,
    Object,
    Array,
    Bool,
}

impl Kind {
    /// Whether `value` is of this kind.
    pub fn matches(self, value: &Value) -> bool {
        matches!(
            (self, value),
            (Kind::String, Value::String(_))
                | (Kind::Number, Value::Number(_))
                | (Kind::Object, Value::Object(_))
                | (Kind::Array, Value::Array(_))
                | (Kind::Bool, Value::Bool(_))
        )
    }
}

/// One Sessions endpoint: how it is called and what its answer must hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    Authenticate,
    Get,
    GetJwks,
    Migrate,
    Revoke,
    ExchangeAccessToken,
    Attest,
    RbacPolicy,
    B2bAuthenticate,
    B2bGet,
    B2bGetJwks,
    B2bMigrate,
    B2bRevoke,
    B2bExchange,
    B2bExchangeAccessToken,
    B2bAttest,
    B2bRbacPolicy,
    /// `GET /v1/b2b/rbac/organizations/{organization_id}`: an organization's own roles.
    B2bOrgPolicy,
    /// `POST /v1/public/{project_id}/oauth2/token`: an M2M client's access token.
    OauthToken,
    /// `POST /v1/public/{project_id}/oauth2/introspect`: whether an access token is active.
    OauthIntrospect,
}

impl Endpoint {
    /// Every endpoint.
    pub const ALL: [Self; 20] = [
        Self::Authenticate,
        Self::Get,
        Self::GetJwks,
        Self::Migrate,
        Self::Revoke,
        Self::ExchangeAccessToken,
        Self::Attest,
        Self::RbacPolicy,
        Self::B2bAuthenticate,
        Self::B2bGet,
        Self::B2bGetJwks,
        Self::B2bMigrate,
        Self::B2bRevoke,
        Self::B2bExchange,
        Self::B2bExchangeAccessToken,
        Self::B2bAttest,
        Self::B2bRbacPolicy,
        Self::B2bOrgPolicy,
        Self::OauthToken,
        Self::OauthIntrospect,
    ];

    /// The endpoint's method and path, without parameters: the one list of the API's routes.
    pub fn route(self) -> (&'static str, &'static str) {
        match self {
            Self::Authenticate => ("POST", "/v1/sessions/authenticate"),
            Self::Get => ("GET", "/v1/sessions"),
            Self::GetJwks => ("GET", "/v1/sessions/jwks"),
            Self::Migrate => ("POST", "/v1/sessions/migrate"),
            Self::Revoke => ("POST", "/v1/sessions/revoke"),
            Self::ExchangeAccessToken => ("POST", "/v1/sessions/exchange_access_token"),
            Self::Attest => ("POST", "/v1/sessions/attest"),
            Self::RbacPolicy => ("GET", "/v1/rbac/policy"),
            Self::B2bAuthenticate => ("POST", "/v1/b2b/sessions/authenticate"),
            Self::B2bGet => ("GET", "/v1/b2b/sessions"),
            Self::B2bGetJwks => ("GET", "/v1/b2b/sessions/jwks"),
            Self::B2bMigrate => ("POST", "/v1/b2b/sessions/migrate"),
            Self::B2bRevoke => ("POST", "/v1/b2b/sessions/revoke"),
            Self::B2bExchange => ("POST", "/v1/b2b/sessions/exchange"),
            Self::B2bExchangeAccessToken => ("POST", "/v1/b2b/sessions/exchange_access_token"),
            Self::B2bAttest => ("POST", "/v1/b2b/sessions/attest"),
            Self::B2bRbacPolicy => ("GET", "/v1/b2b/rbac/policy"),
            Self::B2bOrgPolicy => ("GET", "/v1/b2b/rbac/organizations"),
            // `/{project_id}` and the OAuth tail follow (`oauth_tail`).
            Self::OauthToken | Self::OauthIntrospect => ("POST", "/v1/public"),
        }
    }

    /// What follows `/{project_id}` after [`Self::route`]'s path for an OAuth 2.0 endpoint
    /// (which carries the project in its path); `None` for every other endpoint.
    pub fn oauth_tail(self) -> Option<&'static str> {
        match self {
            Self::OauthToken => Some("/oauth2/token"),
            Self::OauthIntrospect => Some("/oauth2/introspect"),
            _ => None,
        }
    }

    /// Whether it is an OAuth 2.0 endpoint: authenticated by the client's own credentials in a
    /// form-encoded body, never by the project's Basic auth.
    pub fn oauth(self) -> bool {
        self.oauth_tail().is_some()
    }

    /// Whether it judges a session token or JWT (its identical requests share one answer).
    pub fn authenticates(self) -> bool {
        matches!(self, Self::Authenticate | Self::B2bAuthenticate)
    }

    /// Whether it revokes sessions (no answer that let a session in outlives it).
    pub fn revokes(self) -> bool {
        matches!(self, Self::Revoke | Self::B2bRevoke)
    }

    /// `METHOD /path`, for messages.
    pub fn name(self) -> String {
        let (method, path) = self.route();
        match self.oauth_tail() {
            Some(tail) => [method, " ", path, "/{project_id}", tail].concat(),
            None => [method, " ", path].concat(),
        }
    }

    /// The members a successful answer must have.
    pub fn required(self) -> &'static [(&'static str, Kind)] {
        const STATUS: [(&str, Kind); 2] =
            [("request_id", Kind::String), ("status_code", Kind::Number)];
        match self {
            Self::Authenticate => &[
                STATUS[0],
                STATUS[1],
                ("session", Kind::Object),
                ("session_token", Kind::String),
                ("session_jwt", Kind::String),
                ("user", Kind::Object),
            ],
            Self::Get => &[STATUS[0], STATUS[1], ("sessions", Kind::Array)],
            Self::GetJwks | Self::B2bGetJwks => &[("keys", Kind::Array)],
            Self::Migrate | Self::ExchangeAccessToken | Self::Attest => &[
                STATUS[0],
                STATUS[1],
                ("user_id", Kind::String),
                ("user", Kind::Object),
                ("session_token", Kind::String),
                ("session_jwt", Kind::String),
            ],
            Self::Revoke | Self::B2bRevoke => &STATUS,
            Self::RbacPolicy | Self::B2bRbacPolicy => {
                &[STATUS[0], STATUS[1], ("policy", Kind::Object)]
            }
            Self::B2bOrgPolicy => &[STATUS[0], STATUS[1], ("org_policy", Kind::Object)],
            Self::OauthToken => &[
                ("access_token", Kind::String),
                ("expires_in", Kind::Number),
                ("token_type", Kind::String),
            ],
            Self::OauthIntrospect => &[("active", Kind::Bool)],
            Self::B2bGet => &[STATUS[0], STATUS[1], ("member_sessions", Kind::Array)],
            Self::B2bAuthenticate => &[
                STATUS[0],
                STATUS[1],
                ("member_session", Kind::Object),
                ("session_token", Kind::String),
                ("session_jwt", Kind::String),
                ("member", Kind::Object),
                ("organization", Kind::Object),
            ],
            Self::B2bExchange
            | Self::B2bMigrate
            | Self::B2bExchangeAccessToken
            | Self::B2bAttest => &[
                STATUS[0],
                STATUS[1],
                ("member_id", Kind::String),
                ("member", Kind::Object),
                ("organization", Kind::Object),
                ("session_token", Kind::String),
                ("session_jwt", Kind::String),
            ],
        }
    }
}

/// A Stytch user, whole: `user_id, emails, status, name, phone_numbers, providers, created_at,
/// trusted_metadata, untrusted_metadata, …`.
pub type User = Map<String, serde_json::Value>;

/// Answer of `authenticate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthenticateResponse {
    pub request_id: String,
    pub status_code: u16,
    pub session: Session,
    pub session_token: String,
    pub session_jwt: String,
    pub user: User,
    /// The API's verdict on the `authorization_check`, when one was asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
}

/// Answer of `authenticateJwt`: the session from the token itself, or the API's full answer
/// (with a new `session_jwt`) when the API had to decide.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // the local answer is the hot path: keep it unboxed
pub enum AuthenticateJwtResponse {
    Local {
        session: Session,
        session_jwt: String,
        /// The verdict on the `authorization_check`, judged against the cached policy.
        verdict: Option<Verdict>,
    },
    Remote(Box<AuthenticateResponse>),
}

impl AuthenticateJwtResponse {
    /// The session, wherever it came from.
    pub fn session(&self) -> &Session {
        match self {
            Self::Local { session, .. } => session,
            Self::Remote(r) => &r.session,
        }
    }

    /// The verdict on the `authorization_check`, wherever it was judged (`None` without one).
    pub fn verdict(&self) -> Option<&Verdict> {
        match self {
            Self::Local { verdict, .. } => verdict.as_ref(),
            Self::Remote(r) => r.verdict.as_ref(),
        }
    }

    /// Whether the API was called.
    pub fn is_remote(&self) -> bool {
        matches!(self, Self::Remote(_))
    }
}

/// Answer of `get`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetResponse {
    pub request_id: String,
    pub status_code: u16,
    pub sessions: Vec<Session>,
}

/// Answer of `getJWKS`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JwksResponse {
    #[serde(default)]
    pub request_id: String,
    #[serde(default)]
    pub status_code: u16,
    pub keys: Vec<Jwk>,
}

/// Answer of `migrate`: a session only when a duration was given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MigrateResponse {
    pub request_id: String,
    pub status_code: u16,
    pub user_id: String,
    pub user: User,
    pub session_token: String,
    pub session_jwt: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<Session>,
    /// Device attributes when the request carried a `telemetry_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_device: Option<Map<String, serde_json::Value>>,
}

/// Answer of `revoke`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevokeResponse {
    pub request_id: String,
    pub status_code: u16,
}

/// Answer of `exchangeAccessToken` and of `attest`: a session for the user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewSessionResponse {
    pub request_id: String,
    pub status_code: u16,
    pub user_id: String,
    pub user: User,
    pub session_token: String,
    pub session_jwt: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<Session>,
    /// Device attributes when the request carried a `telemetry_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_device: Option<Map<String, serde_json::Value>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every endpoint has a name of its own in messages (the two OAuth endpoints once shared
    /// `POST /v1/public`), and only those two carry the project in their path.
    #[test]
    fn endpoints_are_named_apart() {
        let names: std::collections::HashSet<String> =
            Endpoint::ALL.iter().map(|e| e.name()).collect();
        assert_eq!(names.len(), Endpoint::ALL.len());
        assert_eq!(
            Endpoint::OauthIntrospect.name(),
            "POST /v1/public/{project_id}/oauth2/introspect"
        );
        let oauth: Vec<Endpoint> = Endpoint::ALL.into_iter().filter(|e| e.oauth()).collect();
        assert_eq!(oauth, [Endpoint::OauthToken, Endpoint::OauthIntrospect]);
    }

    fn value(text: &str) -> Value {
        json::parse(text.as_bytes()).unwrap()
    }

    /// `op`'s params from JSON text, as `client.sessions[op](params)` reads them.
    fn op(op: &str, params: &str) -> Result<Operation> {
        sessions_operation(op, |_| Ok(value(params)), None)
    }

    #[test]
    fn an_unknown_param_of_every_operation_is_refused_with_the_nearest_name() {
        for (name, params, message) in [
            (
                "authenticate",
                r#"{"session_token":"t","session_duration":5}"#,
                "authenticate params: session_duration is not a parameter; did you mean session_duration_minutes?",
            ),
            (
                "authenticateJwt",
                r#"{"session_jwt":"j","max_token_age":5}"#,
                "authenticateJwt params: max_token_age is not a parameter; did you mean max_token_age_seconds?",
            ),
            (
                "authenticateJwtLocal",
                r#"{"session_jwt":"j","currentDate":5}"#,
                "authenticateJwtLocal params: currentDate is not a parameter; did you mean current_date?",
            ),
            (
                "get",
                r#"{"userId":"u"}"#,
                "get params: userId is not a parameter; did you mean user_id?",
            ),
            (
                "getJWKS",
                r#"{"project_id":"p","extra":1}"#,
                "getJWKS params: extra is not a parameter",
            ),
            (
                "migrate",
                r#"{"session_token":"t","telemetryId":"x"}"#,
                "migrate params: telemetryId is not a parameter; did you mean telemetry_id?",
            ),
            (
                "revoke",
                r#"{"session":"s"}"#,
                "revoke params: session is not a parameter; did you mean session_id?",
            ),
            (
                "exchangeAccessToken",
                r#"{"accessToken":"a"}"#,
                "exchangeAccessToken params: accessToken is not a parameter; did you mean access_token?",
            ),
            (
                "attest",
                r#"{"profile_id":"p","token":"t","profile":"x"}"#,
                "attest params: profile is not a parameter; did you mean profile_id?",
            ),
        ] {
            let err = op(name, params).unwrap_err();
            assert_eq!(err.code(), "invalid_argument", "{name}");
            assert_eq!(err.message(), message, "{name}");
        }
    }

    #[test]
    fn a_misspelled_authorization_check_is_refused_not_ignored() {
        // The finding: `authorisation_check` let the request in with no permission check.
        let err = op(
            "authenticateJwt",
            r#"{"session_jwt":"j","authorisation_check":{"resource_id":"r","action":"a"}}"#,
        )
        .unwrap_err();
        assert_eq!(
            err.message(),
            "authenticateJwt params: authorisation_check is not a parameter; did you mean authorization_check?"
        );
        let err = op(
            "authenticate",
            r#"{"session_jwt":"j","authorization_check":{"resource":"r","action":"a"}}"#,
        )
        .unwrap_err();
        assert_eq!(
            err.message(),
            "authenticate params: authorization_check.resource is not a parameter; did you mean authorization_check.resource_id?"
        );
    }

    #[test]
    fn free_form_values_keep_any_member() {
        let Operation::AuthenticateJwt(p) = op(
            "authenticateJwt",
            r#"{"session_jwt":"j","session_custom_claims":{"anything":{"nested":true},"authorisation":1}}"#,
        )
        .unwrap() else {
            panic!("not authenticateJwt");
        };
        assert_eq!(p.session_custom_claims.unwrap().len(), 2);
    }

    #[test]
    fn a_long_unknown_name_is_cut_in_the_message() {
        let long = "x".repeat(500);
        let err = op("get", &[r#"{"user_id":"u",""#, &long, r#"":1}"#].concat()).unwrap_err();
        assert_eq!(
            err.message(),
            ["get params: ", &"x".repeat(64), " is not a parameter"].concat()
        );
    }

    #[test]
    fn telemetry_id_is_known_and_sent() {
        for (name, params) in [
            (
                "attest",
                r#"{"profile_id":"p","token":"t","telemetry_id":"tel-1"}"#,
            ),
            ("migrate", r#"{"session_token":"t","telemetry_id":"tel-1"}"#),
            (
                "exchangeAccessToken",
                r#"{"access_token":"a","telemetry_id":"tel-1"}"#,
            ),
        ] {
            let Operation::Api(call) = op(name, params).unwrap() else {
                panic!("{name}")
            };
            let body = call.body.unwrap_or_default();
            assert!(body.contains(r#""telemetry_id":"tel-1""#), "{name}: {body}");
        }
    }

    #[test]
    fn bodies_hold_the_set_members_in_declaration_order() {
        let claims = || value(r#"{"a":1}"#).as_object().cloned();
        let check = || Some(AuthorizationCheck::new("r", "w"));
        let ext = r#""session_duration_minutes":60,"session_custom_claims":{"a":1}"#;
        for (body, expected) in [
            (
                AuthenticateParams {
                    session_token: Some("t".into()),
                    session_jwt: Some("j".into()),
                    session_duration_minutes: Some(60),
                    session_custom_claims: claims(),
                    authorization_check: check(),
                }
                .body(),
                [
                    r#"{"session_token":"t","session_jwt":"j","#,
                    ext,
                    r#","authorization_check":{"resource_id":"r","action":"w"}}"#,
                ]
                .concat(),
            ),
            (
                MigrateParams {
                    session_token: "t".into(),
                    session_duration_minutes: Some(60),
                    session_custom_claims: claims(),
                    telemetry_id: Some("x".into()),
                }
                .body(),
                [r#"{"session_token":"t","#, ext, r#","telemetry_id":"x"}"#].concat(),
            ),
            (
                ExchangeAccessTokenParams {
                    access_token: "a".into(),
                    session_duration_minutes: Some(60),
                    session_custom_claims: claims(),
                    telemetry_id: Some("x".into()),
                }
                .body(),
                [r#"{"access_token":"a","#, ext, r#","telemetry_id":"x"}"#].concat(),
            ),
            (
                AttestParams {
                    profile_id: "p".into(),
                    token: "k".into(),
                    session_duration_minutes: Some(60),
                    session_custom_claims: claims(),
                    session_token: Some("t".into()),
                    session_jwt: Some("j".into()),
                    telemetry_id: Some("x".into()),
                }
                .body(),
                [
                    r#"{"profile_id":"p","token":"k","#,
                    ext,
                    r#","session_token":"t","session_jwt":"j","telemetry_id":"x"}"#,
                ]
                .concat(),
            ),
            (
                RevokeParams {
                    session_id: Some("s".into()),
                    session_token: Some("t".into()),
                    session_jwt: Some("j".into()),
                }
                .body(),
                r#"{"session_id":"s","session_token":"t","session_jwt":"j"}"#.to_owned(),
            ),
            // Unset members are left out.
            (RevokeParams::default().body(), "{}".to_owned()),
            (
                MigrateParams {
                    session_token: "t".into(),
                    ..MigrateParams::default()
                }
                .body(),
                r#"{"session_token":"t"}"#.to_owned(),
            ),
        ] {
            assert_eq!(body, expected);
        }
    }

    #[test]
    fn the_table_readers_give_the_typed_readers_bodies_and_errors() {
        use crate::b2b::{B2bAttestParams, B2bExchangeParams, B2bMigrateParams, B2bRevokeParams};
        fn same<T>(
            text: &str,
            typed: fn(&Value) -> Result<T>,
            body: fn(&T) -> String,
            table: fn(&Value) -> Result<String>,
        ) {
            let v = value(text);
            match (typed(&v), table(&v)) {
                (Ok(t), Ok(b)) => assert_eq!(body(&t), b, "{text}"),
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{text}"),
                (a, b) => panic!("{text}: typed {:?}, table {:?}", a.map(|t| body(&t)), b),
            }
        }
        for text in [
            r#"{"session_token":"t","session_duration_minutes":60,"session_custom_claims":{"a":1},"telemetry_id":"x"}"#,
            r#"{"session_token":"t"}"#,
            r#"{"session_token":1}"#,
            r#"{"session_tokn":"t"}"#,
            r#"{}"#,
            r#"[]"#,
        ] {
            same(
                text,
                MigrateParams::from_value,
                MigrateParams::body,
                MigrateParams::body_of,
            );
            same(
                text,
                RevokeParams::from_value,
                RevokeParams::body,
                RevokeParams::body_of,
            );
            same(
                text,
                B2bRevokeParams::from_value,
                B2bRevokeParams::body,
                B2bRevokeParams::body_of,
            );
        }
        let attest = r#"{"profile_id":"p","token":"k","organization_id":"o","session_duration_minutes":5,"session_jwt":"j"}"#;
        same(
            attest,
            B2bAttestParams::from_value,
            B2bAttestParams::body,
            B2bAttestParams::body_of,
        );
        same(
            attest,
            AttestParams::from_value,
            AttestParams::body,
            AttestParams::body_of,
        );
        let exchange = r#"{"organization_id":"o","session_token":"t","locale":"en","session_duration_minutes":-1}"#;
        same(
            exchange,
            B2bExchangeParams::from_value,
            B2bExchangeParams::body,
            B2bExchangeParams::body_of,
        );
        let exchange =
            r#"{"organization_id":"o","session_token":"t","locale":"en","telemetry_id":"x"}"#;
        same(
            exchange,
            B2bExchangeParams::from_value,
            B2bExchangeParams::body,
            B2bExchangeParams::body_of,
        );
        let migrate =
            r#"{"session_token":"t","organization_id":"o","session_custom_claims":{"k":[1]}}"#;
        same(
            migrate,
            B2bMigrateParams::from_value,
            B2bMigrateParams::body,
            B2bMigrateParams::body_of,
        );
        let token = r#"{"access_token":"a","session_duration_minutes":60}"#;
        same(
            token,
            ExchangeAccessTokenParams::from_value,
            ExchangeAccessTokenParams::body,
            ExchangeAccessTokenParams::body_of,
        );
    }

    #[test]
    fn every_params_reader_reads_what_its_body_writes() {
        let text = r#"{"profile_id":"p","token":"k","session_duration_minutes":60,"session_custom_claims":{"a":1},"session_token":"t","session_jwt":"j","telemetry_id":"x"}"#;
        assert_eq!(AttestParams::from_value(&value(text)).unwrap().body(), text);
        // The gate reads authenticateJwt's options without its token.
        let options = value(r#"{"max_token_age_seconds":5}"#);
        let f = Fields::of(&options, "x", &[AuthenticateJwtParams::OPTIONS]).unwrap();
        let options = AuthenticateJwtParams::options(&f).unwrap();
        assert_eq!(options.max_token_age_seconds, Some(5));
        assert_eq!(options.session_jwt, "");
        assert!(!AuthenticateJwtParams::OPTIONS.contains(&"session_jwt"));
    }

    #[test]
    fn dot_segments_are_refused_as_get_jwks_project_ids() {
        for bad in [
            r#"{"project_id":"."}"#,
            r#"{"project_id":".."}"#,
            r#"{"project_id":""}"#,
        ] {
            assert_eq!(
                op("getJWKS", bad).unwrap_err().code(),
                "invalid_argument",
                "{bad}"
            );
        }
        assert!(matches!(
            op("getJWKS", r#"{"project_id":"project-test-1"}"#).unwrap(),
            Operation::GetJwks { .. }
        ));
    }
}
