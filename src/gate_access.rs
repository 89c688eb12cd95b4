//! Gating a request on an OAuth access token (`authenticateAccessToken`; `docs/rules.md`,
//! "Access tokens"): the `Authorization: Bearer` token verified locally as an M2M or a
//! Connected Apps token, its scopes judged, and refusals as RFC 6750 §3 says, with RFC 9728's
//! `resource_metadata` when the protected resource publishes its metadata (what MCP clients read
//! to find the authorization server).

use crate::api::LocalJwtParams;
use crate::config::Config;
use crate::engine::{Answer, Operation};
use crate::error::{ClientErrorCode, Error, Result};
use crate::json::{self, Value};
use crate::options::{members, Fields, Names};
use crate::product::Product;
use crate::profile::M2M_TOKEN;

/// What the options are called in messages.
const WHAT: &str = "authenticateAccessToken options";

/// How `authenticateAccessToken` judges a request, beyond the client options.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessGate {
    /// `"m2m"` or `"connected_app"`: which kind of token is accepted.
    pub m2m: bool,
    pub params: LocalJwtParams,
    pub required_scopes: Option<Vec<String>>,
    /// The protected resource's metadata URL (RFC 9728), named in every challenge.
    pub resource_metadata: Option<String>,
    product: &'static Product,
}

impl AccessGate {
    members! {
        /// The access-token gate's own options (it also takes every `Client` option, the
        /// secret only for an `authorization_check`).
        pub const NAMES, TS = {
            /// Which tokens are accepted: `"m2m"` (client credentials) or `"connected_app"`
            /// (Connected Apps: a user's or member's authorization of an app, e.g. an MCP client).
            token_type: "\"m2m\" | \"connected_app\"",
            /// Scopes the token must hold (`action:resource` or a bare action; a granted
            /// `action:*` covers every resource): one missing → 403 `insufficient_scope`.
            required_scopes?: "string[]",
            /// Judged against the RBAC policy's scopes (read with the secret, cached 5 minutes):
            /// denied → 403 `insufficient_scope`.
            authorization_check?: "AuthorizationCheck",
            /// Tokens older than this (by `iat`) are refused (default: no bound but `exp`).
            max_token_age_seconds?: "number",
            /// Allowed clock skew for `exp` and `nbf`, in seconds (default 0).
            clock_tolerance_seconds?: "number",
            /// The URL of this resource's protected resource metadata (RFC 9728), e.g.
            /// `https://api.example.com/.well-known/oauth-protected-resource`: every challenge
            /// then names it, so that an OAuth client (an MCP client) can find the authorization
            /// server.
            resource_metadata?: "string",
        }
    }

    /// Every name its options may have.
    pub const KNOWN: [Names; 3] = [Config::OPTIONS, Config::SDK_CLIENT_OPTIONS, Self::NAMES];

    /// Reads the options of the gate for `product`'s access tokens.
    pub fn read_for(options: &Value, product: &'static Product) -> Result<(Config, Self)> {
        let f = Fields::of(options, WHAT, &Self::KNOWN)?;
        let config = Config::from_gate_fields(&f)?.with_product(product);
        let m2m = match f.string("token_type")?.as_deref() {
            Some("m2m") => true,
            Some("connected_app") => false,
            _ => return Err(Error::invalid_argument(
                "authenticateAccessToken options: token_type must be \"m2m\" or \"connected_app\"",
            )),
        };
        let resource_metadata = f.string("resource_metadata")?;
        if resource_metadata
            .as_deref()
            .is_some_and(|url| !quotable_url(url))
        {
            return Err(Error::invalid_argument(
                "authenticateAccessToken options: resource_metadata must be an https:// URL (http:// only for localhost, 127.0.0.1 or [::1])",
            ));
        }
        let params = LocalJwtParams::from_fields(&f, None)?;
        // Also judged for every call (`Call::step`); here too, so that a misfit rejects as bad
        // options instead of becoming a request's refusal.
        product.fits(params.authorization_check.as_ref())?;
        if params.authorization_check.is_some() && config.secret.is_none() {
            return Err(Error::invalid_argument(
                "authenticateAccessToken options: authorization_check needs the secret (the RBAC policy is read with it)",
            ));
        }
        let gate = Self {
            m2m,
            params,
            required_scopes: f.strings("required_scopes")?,
            resource_metadata,
            product,
        };
        Ok((config, gate))
    }

    /// The operation that judges a request with this `Authorization` header, or `None` when it
    /// carries no Bearer token (only that header is read: an access token is never a cookie).
    pub fn operation(&self, authorization: Option<&str>) -> Option<Operation> {
        let token = authorization.and_then(crate::internal::gate::bearer_token)?;
        Some(Operation::VerifyToken {
            profile: if self.m2m {
                &M2M_TOKEN
            } else {
                self.product.access_token
            },
            token: token.to_owned(),
            params: self.params.clone(),
            required_scopes: self.required_scopes.clone(),
        })
    }

    /// The verdict on a call's `result`: `{"ok":true,"token_type":…,"token":…}`, or the refusal.
    pub fn verdict(&self, result: Result<Answer>) -> std::result::Result<String, (String, Error)> {
        match result {
            Ok(Answer::Session(token)) => {
                let mut out = String::from("{\"ok\":true,\"token_type\":");
                out.push_str(if self.m2m {
                    "\"m2m\""
                } else {
                    "\"connected_app\""
                });
                out.push_str(",\"token\":");
                out.push_str(&token);
                out.push('}');
                Ok(out)
            }
            Ok(_) => Err(self.refusal(Error::invalid_argument("unexpected answer"))),
            Err(error) => Err(self.refusal(error)),
        }
    }

    /// The refusal a request without a Bearer token gets: 401 with a bare challenge (RFC 6750
    /// §3.1: no error code when no credential was sent).
    pub fn no_token(&self) -> String {
        self.refused(401, "no_token", None)
    }

    fn refusal(&self, error: Error) -> (String, Error) {
        let (status, code) = match &error {
            Error::Client {
                code:
                    ClientErrorCode::MissingScopes
                    | ClientErrorCode::InvalidPermissions
                    | ClientErrorCode::TenancyMismatch,
                ..
            } => (403, Some("insufficient_scope")),
            Error::Client { .. } => (401, Some("invalid_token")),
            _ => (503, None),
        };
        (self.refused(status, error.code(), code), error)
    }

    /// `{"ok":false,"status","code","body","www_authenticate"?}`: the body is `{"error","code"}`
    /// (`error`: RFC 6750's code, or `"unavailable"`); the challenge names `oauth_error`, its
    /// description (our code), the required scopes of an `insufficient_scope`, and
    /// `resource_metadata`. No token, no secret.
    fn refused(&self, status: u16, code: &str, oauth_error: Option<&str>) -> String {
        let mut challenge = String::from("Bearer");
        let mut params: Vec<(&str, String)> = Vec::new();
        if let Some(error) = oauth_error {
            params.push(("error", error.to_owned()));
            params.push(("error_description", code.to_owned()));
            if let (403, Some(scopes)) = (status, &self.required_scopes) {
                params.push(("scope", crate::http::space_separated(scopes)));
            }
        }
        if let Some(url) = &self.resource_metadata {
            params.push(("resource_metadata", url.clone()));
        }
        for (i, (name, value)) in params.iter().enumerate() {
            challenge.push_str(if i == 0 { " " } else { ", " });
            challenge.push_str(name);
            challenge.push_str("=\"");
            // A quoted-string: scopes and codes hold neither `"` nor `\`; drop them if one did.
            challenge.extend(value.chars().filter(|c| !matches!(c, '"' | '\\')));
            challenge.push('"');
        }
        let error = oauth_error.unwrap_or(match status {
            503 => "unavailable",
            _ => "unauthorized",
        });
        let mut out = crate::internal::gate::refusal(status, error, code);
        if status != 503 {
            out.push_str(",\"www_authenticate\":");
            json::write_str(&challenge, &mut out);
        }
        out.push('}');
        out
    }
}

members! {
    /// `protectedResourceMetadata`'s options: the RFC 9728 document of this resource.
    pub const METADATA, METADATA_TS = {
        /// This resource's identifier: its https:// URL.
        resource: "string",
        /// The authorization servers that issue its tokens: your Stytch project's domain (its
        /// custom domain, e.g. `https://login.example.com`).
        authorization_servers: "string[]",
        /// The scopes it understands.
        scopes_supported?: "string[]",
        /// A name for people.
        resource_name?: "string",
    }
}

/// Whether `url` may be announced: an https:// URL (http:// only for local development) that
/// can be written in a header's quoted string (no `"`).
fn quotable_url(url: &str) -> bool {
    crate::http::check_base_url(url) && !url.contains('"')
}

/// The protected resource metadata document (RFC 9728 §2): `{resource, authorization_servers,
/// scopes_supported?, resource_name?, bearer_methods_supported: ["header"]}`.
pub fn metadata_document(options: &Value) -> Result<String> {
    let what = "protectedResourceMetadata options";
    let f = Fields::of(options, what, &[METADATA])?;
    let bad = || {
        Error::invalid_argument(
            "protectedResourceMetadata options: resource and authorization_servers must be https:// URLs (http:// only for localhost, 127.0.0.1 or [::1])",
        )
    };
    let resource = f.required_string("resource")?;
    let servers = f.strings("authorization_servers")?.unwrap_or_default();
    if !quotable_url(&resource) || servers.is_empty() || !servers.iter().all(|s| quotable_url(s)) {
        return Err(bad());
    }
    let list = |items: &[String], out: &mut String| {
        out.push('[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            json::write_str(item, out);
        }
        out.push(']');
    };
    let mut out = String::from("{\"resource\":");
    json::write_str(&resource, &mut out);
    out.push_str(",\"authorization_servers\":");
    list(&servers, &mut out);
    if let Some(scopes) = f.strings("scopes_supported")? {
        out.push_str(",\"scopes_supported\":");
        list(&scopes, &mut out);
    }
    if let Some(name) = f.string("resource_name")? {
        out.push_str(",\"resource_name\":");
        json::write_str(&name, &mut out);
    }
    out.push_str(",\"bearer_methods_supported\":[\"header\"]}");
    Ok(out)
}
