//! Gating an HTTP request on a Stytch session (`authenticateRequest`; `docs/rules.md`, "Gating
//! a request"): which credential a request carries, what `authenticateJwt` (or, for an opaque
//! session token, `authenticate`) made of it, the HTTP status of a refusal, and the cookie that
//! carries a JWT the API minted.

use crate::api::{AuthenticateJwtParams, AuthenticateParams, LocalJwtParams};
use crate::config::Config;
use crate::engine::{write_local, Answer, Operation};
use crate::error::{ClientErrorCode, Error, Result};
use crate::json::{self, Value};
use crate::options::{members, Fields, Names};
use crate::product::{Product, CONSUMER};
use crate::session::parse_rfc3339_utc;

/// What the options are called in messages.
const WHAT: &str = "authenticateRequest options";

/// Where the credential of a request came from (see [`GateOptions::operation`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Credential {
    /// No credential read yet.
    #[default]
    None,
    /// `Authorization: Bearer`.
    Bearer,
    /// The JWT cookie, or the opaque session token cookie.
    Cookie,
}

/// How `authenticateRequest` reads a request, beyond the client options.
#[derive(Debug, Clone, PartialEq)]
pub struct GateOptions {
    /// `authenticateJwt`'s options; `session_jwt` is filled from the request.
    pub params: AuthenticateJwtParams,
    /// The cookie holding the session JWT.
    pub cookie_name: String,
    /// The cookie holding an opaque session token.
    pub session_cookie_name: String,
    /// Whether an opaque session token (sent to the API) may stand in for a JWT.
    pub allow_session_token: bool,
    /// Whether the JWT cookie set for a minted JWT is `HttpOnly`.
    pub cookie_http_only: bool,
    /// The `Domain` of that cookie (none: the request's host only).
    pub cookie_domain: Option<String>,
    /// Whether a JWT that came as `Authorization: Bearer` gets the cookie too.
    pub set_cookie_for_bearer: bool,
    /// Where the credential of the request being judged came from: set by
    /// [`Self::operation`] on the options of one call (each call owns its copy).
    pub credential: Credential,
    /// Whose sessions it gates: consumer sessions or B2B member sessions (the answer's
    /// member, the cookie names' defaults).
    pub product: &'static Product,
    /// No secret: the JWT is verified locally only (no API call, ever).
    pub local_only: bool,
    /// The JWT of the request being judged: set by [`Self::operation`] (each call owns its
    /// copy), answered beside a session verified locally only.
    pub jwt: String,
}

impl GateOptions {
    members! {
        /// The gate's own options (`authenticateRequest` also takes every `Client` option and
        /// [`AuthenticateJwtParams::OPTIONS`]).
        pub const NAMES, TS = {
            /// The cookie holding the session JWT (default `"stytch_session_jwt"`, Stytch's
            /// frontend SDKs').
            cookie_name?: "string",
            /// The cookie holding the opaque session token (default `"stytch_session"`).
            session_cookie_name?: "string",
            /// Accept the opaque session token cookie when there is no JWT (the API judges it;
            /// default `false`).
            allow_session_token?: "boolean",
            /// Mark the cookie set for a JWT the API minted `HttpOnly` (default `false`: frontend
            /// SDKs read it).
            cookie_http_only?: "boolean",
            /// The cookie's `Domain` (letters, digits, `-` and `.`; default: none, the request's
            /// host only).
            cookie_domain?: "string",
            /// Set the cookie also when the JWT came as `Authorization: Bearer` (default `false`: a
            /// minted JWT is set as a cookie only when the credential came from a cookie).
            set_cookie_for_bearer?: "boolean",
        }
    }

    /// Every name `authenticateRequest`'s options may have.
    pub const KNOWN: [Names; 4] = [
        Config::OPTIONS,
        Config::SDK_CLIENT_OPTIONS,
        AuthenticateJwtParams::OPTIONS,
        Self::NAMES,
    ];

    /// Reads `authenticateRequest`'s options: the configuration and the gate's own.
    pub fn read(options: &Value) -> Result<(Config, Self)> {
        Self::read_for(options, &CONSUMER)
    }

    /// Reads the options of the gate for `product`'s sessions (`authenticateRequest`,
    /// `authenticateB2BRequest`).
    pub fn read_for(options: &Value, product: &'static Product) -> Result<(Config, Self)> {
        let f = Fields::of(options, WHAT, &Self::KNOWN)?;
        let config = Config::from_gate_fields(&f)?.with_product(product);
        let mut gate = Self::from_fields(&f, product)?;
        // Also judged for every call (`Call::step`); here too, so that a misfit rejects as bad
        // options instead of becoming a request's refusal.
        product.fits(gate.params.authorization_check.as_ref())?;
        if config.secret.is_none() {
            gate.local_only()?;
        }
        Ok((config, gate))
    }

    /// Without a secret the gate judges locally only: a fresh JWT is let in, an old one refused
    /// (`jwt_too_old`, which the client's Stytch SDK answers by refreshing). What only the API
    /// can do is refused here, before any request.
    fn local_only(&mut self) -> Result<()> {
        let p = &self.params;
        let needs_secret = [
            ("allow_session_token", self.allow_session_token),
            (
                "session_duration_minutes",
                p.session_duration_minutes.is_some(),
            ),
            ("session_custom_claims", p.session_custom_claims.is_some()),
            ("authorization_check", p.authorization_check.is_some()),
        ];
        if let Some((name, _)) = needs_secret.iter().find(|(_, given)| *given) {
            return Err(Error::invalid_argument(
                [
                    WHAT,
                    ": ",
                    name,
                    " needs the secret (without one the gate judges locally only)",
                ]
                .concat(),
            ));
        }
        self.local_only = true;
        Ok(())
    }

    /// Reads the gate's own options and `authenticateJwt`'s from `f`.
    pub fn from_fields(f: &Fields<'_>, product: &'static Product) -> Result<Self> {
        let name = |field: &str, default: &str| -> Result<String> {
            let name = f.string(field)?.unwrap_or_else(|| default.to_owned());
            if name.is_empty() || !name.bytes().all(is_token_char) {
                return Err(Error::invalid_argument(
                    [
                        WHAT,
                        ": ",
                        field,
                        " must be a cookie name (letters, digits and !#$%&'*+-.^_`|~)",
                    ]
                    .concat(),
                ));
            }
            Ok(name)
        };
        let cookie_domain = f.string("cookie_domain")?;
        if let Some(domain) = &cookie_domain {
            if !is_cookie_domain(domain) {
                return Err(Error::invalid_argument(
                    [
                        WHAT,
                        ": cookie_domain must be a domain (letters, digits, - and ., at most 253)",
                    ]
                    .concat(),
                ));
            }
        }
        Ok(Self {
            params: AuthenticateJwtParams::options(f)?,
            cookie_name: name("cookie_name", product.jwt_cookie)?,
            session_cookie_name: name("session_cookie_name", product.token_cookie)?,
            allow_session_token: f.bool("allow_session_token")?.unwrap_or(false),
            cookie_http_only: f.bool("cookie_http_only")?.unwrap_or(false),
            cookie_domain,
            set_cookie_for_bearer: f.bool("set_cookie_for_bearer")?.unwrap_or(false),
            credential: Credential::None,
            product,
            local_only: false,
            jwt: String::new(),
        })
    }

    /// The operation that judges a request with these headers, or the refusal of a request
    /// that carries no credential. A `Bearer` token in `Authorization` comes first (a request
    /// that sends one means it), then the JWT cookie, then, when allowed, the session-token
    /// cookie. Remembers where the credential came from (`credential`): a minted JWT is set
    /// as a cookie only when it came from one, unless `set_cookie_for_bearer`.
    pub fn operation(
        &mut self,
        authorization: Option<&str>,
        cookie: Option<&str>,
    ) -> Option<Operation> {
        let jwt = match authorization.and_then(bearer_token) {
            Some(jwt) => Some((jwt, Credential::Bearer)),
            None => cookie
                .and_then(|c| cookie_value(c, &self.cookie_name))
                .map(|jwt| (jwt, Credential::Cookie)),
        };
        if let Some((jwt, credential)) = jwt {
            self.credential = credential;
            if self.local_only {
                self.jwt = jwt.to_owned();
                let params = LocalJwtParams {
                    max_token_age_seconds: self.params.max_token_age_seconds,
                    clock_tolerance_seconds: self.params.clock_tolerance_seconds,
                    ..LocalJwtParams::default()
                };
                let token = jwt.to_owned();
                return Some(Operation::VerifyJwt { token, params });
            }
            let mut params = self.params.clone();
            params.session_jwt = jwt.to_owned();
            return Some(Operation::AuthenticateJwt(params));
        }
        let token = cookie
            .filter(|_| self.allow_session_token)
            .and_then(|c| cookie_value(c, &self.session_cookie_name))?;
        self.credential = Credential::Cookie;
        Some(Operation::Authenticate(AuthenticateParams {
            session_token: Some(token.to_owned()),
            session_duration_minutes: self.params.session_duration_minutes,
            session_custom_claims: self.params.session_custom_claims.clone(),
            authorization_check: self.params.authorization_check.clone(),
            ..AuthenticateParams::default()
        }))
    }

    /// The verdict on a call's `result`: what the request is let in with ([`Self::admitted`]),
    /// or the refusal ([`refused`] at [`refusal_status`]) with the error it stands for.
    pub fn verdict(
        &self,
        result: Result<Answer>,
        now_ms: f64,
    ) -> std::result::Result<String, (String, Error)> {
        result
            .and_then(|answer| self.admitted(&answer, now_ms))
            .map_err(|error| (refused(refusal_status(&error), error.code()), error))
    }

    /// What the request is let in with, as JSON: `{"ok":true,"session":…,"session_jwt":…}` plus
    /// `"verdict"` when a check was judged, and, when the API minted a new JWT for a credential
    /// that came from a cookie (or from `Authorization: Bearer` with `set_cookie_for_bearer`),
    /// `"set_cookie"` with the `Set-Cookie` value and `"cache_control":"private, no-store"`
    /// (the response's headers: the driver copies them as they are).
    pub fn admitted(&self, answer: &Answer, now_ms: f64) -> Result<String> {
        let mut out = String::from("{\"ok\":true,");
        match answer {
            Answer::LocalJwt {
                member,
                session,
                session_jwt,
                verdict,
            } => {
                write_local(member, session, session_jwt, verdict.as_ref(), &mut out);
                out.push('}');
                return Ok(out);
            }
            Answer::Session(session) => {
                // Verified locally only (no secret): the JWT the request carried.
                let member = self.product.session.member;
                write_local(member, session, &self.jwt, None, &mut out);
                out.push('}');
                return Ok(out);
            }
            Answer::Api(body) => {
                let Ok(Value::Object(body)) = json::parse(body.as_bytes()) else {
                    return Err(Error::invalid_argument("the API's answer cannot be read"));
                };
                let member = self.product.session.member;
                let session = body.get(member);
                let jwt = body
                    .get("session_jwt")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                out.push('"');
                out.push_str(member);
                out.push_str("\":");
                json::write(session.unwrap_or(&Value::Null), &mut out);
                out.push_str(",\"session_jwt\":");
                json::write_str(jwt, &mut out);
                // What the API says beside the session: the user (B2B: the member and the
                // organization), and the verdict.
                for name in ["user", "member", "organization", "verdict"] {
                    if let Some(value) = body.get(name) {
                        out.push_str(",\"");
                        out.push_str(name);
                        out.push_str("\":");
                        json::write(value, &mut out);
                    }
                }
                let expires_at = session
                    .and_then(Value::as_object)
                    .and_then(|s| s.get("expires_at"))
                    .and_then(Value::as_str);
                let wanted = match self.credential {
                    Credential::Cookie => true,
                    Credential::Bearer => self.set_cookie_for_bearer,
                    Credential::None => false,
                };
                if let Some(cookie) = self.set_cookie(jwt, expires_at, now_ms).filter(|_| wanted) {
                    out.push_str(",\"set_cookie\":");
                    json::write_str(&cookie, &mut out);
                    // A response that sets a session cookie is for this user alone.
                    out.push_str(",\"cache_control\":\"private, no-store\"");
                }
            }
        }
        out.push('}');
        Ok(out)
    }

    /// `Set-Cookie` for a JWT the API minted: the JWT cookie, for the whole site (and
    /// `cookie_domain`), until the session expires, `HttpOnly` with `cookie_http_only`. `None`
    /// for a value a cookie cannot carry.
    fn set_cookie(&self, jwt: &str, expires_at: Option<&str>, now_ms: f64) -> Option<String> {
        let jwt_chars = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.');
        if jwt.is_empty() || !jwt.bytes().all(jwt_chars) {
            return None;
        }
        let mut cookie = [&self.cookie_name, "=", jwt, "; Path=/"].concat();
        if let Some(expires) = expires_at.and_then(parse_rfc3339_utc) {
            let max_age = (expires - (now_ms / 1000.0).floor() as i64).max(0);
            cookie.push_str("; Max-Age=");
            json::push_u64(&mut cookie, max_age.unsigned_abs());
        }
        if let Some(domain) = &self.cookie_domain {
            cookie.push_str("; Domain=");
            cookie.push_str(domain);
        }
        cookie.push_str("; Secure");
        if self.cookie_http_only {
            cookie.push_str("; HttpOnly");
        }
        cookie.push_str("; SameSite=Lax");
        Some(cookie)
    }
}

/// The HTTP status of a refusal: 401 for no session or a bad one, 403 for a denied
/// authorization check, 503 when Stytch could not judge (429, 5xx, a timeout, the network, an
/// answer that cannot be read, or Stytch refusing the project's own credentials, which only the
/// deployment can fix). Stytch's other 401s (`unauthorized_session_jwt`, …) judge the session.
pub fn refusal_status(error: &Error) -> u16 {
    match error {
        Error::Client {
            code: ClientErrorCode::InvalidPermissions | ClientErrorCode::TenancyMismatch,
            ..
        } => 403,
        Error::Client { .. } => 401,
        Error::Request { .. } => 503,
        Error::Stytch(e) if e.status_code == 403 => 403,
        Error::Stytch(e) if e.status_code == 429 || e.status_code >= 500 => 503,
        Error::Stytch(e) if e.error_type == UNAUTHORIZED_CREDENTIALS => 503,
        Error::Stytch(_) => 401,
    }
}

/// The API's answer to a wrong project id or secret.
const UNAUTHORIZED_CREDENTIALS: &str = "unauthorized_credentials";

/// The code of a request with no credential.
pub const NO_SESSION: &str = "no_session";

/// The refusal as JSON: `{"ok":false,"status":…,"code":…,"body":…}`, where `body` is the text of
/// the response to send: `{"error":"unauthorized"|"forbidden"|"unavailable","code":…}`. Neither
/// ever holds the token or the secret: a code is a fixed identifier.
pub fn refused(status: u16, code: &str) -> String {
    let error = match status {
        403 => "forbidden",
        503 => "unavailable",
        _ => "unauthorized",
    };
    let mut out = refusal(status, error, code);
    out.push('}');
    out
}

/// The start of a refusal (no closing brace: a gate may add members):
/// `{"ok":false,"status":…,"code":…,"body":"{\"error\":…,\"code\":…}"`.
pub(crate) fn refusal(status: u16, error: &str, code: &str) -> String {
    let mut body = String::from("{\"error\":");
    json::write_str(error, &mut body);
    body.push_str(",\"code\":");
    json::write_str(code, &mut body);
    body.push('}');
    let mut out = String::from("{\"ok\":false,\"status\":");
    json::push_u64(&mut out, u64::from(status));
    out.push_str(",\"code\":");
    json::write_str(code, &mut out);
    out.push_str(",\"body\":");
    json::write_str(&body, &mut out);
    out
}

/// The token of `Authorization: Bearer <token>` (the scheme in any case), `Some("")` for a
/// Bearer header without one; `None` for any other scheme.
pub(crate) fn bearer_token(authorization: &str) -> Option<&str> {
    let value = authorization.trim();
    let (scheme, rest) = value.split_at_checked(6)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    if !rest.is_empty() && !rest.starts_with(' ') {
        return None;
    }
    Some(rest.trim())
}

/// The value of the first cookie called `name` in a `Cookie` header (quotes removed).
fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|pair| {
        let (n, v) = pair.split_once('=')?;
        (n.trim() == name).then(|| {
            let v = v.trim();
            v.strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(v)
        })
    })
}

/// A cookie `Domain`: labels of letters, digits and `-` separated by `.` (a leading `.` is
/// allowed, as browsers ignore it), at most 253 characters.
fn is_cookie_domain(domain: &str) -> bool {
    let labels = domain.strip_prefix('.').unwrap_or(domain);
    !labels.is_empty()
        && labels.len() <= 253
        && labels.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// A character of an HTTP token (RFC 9110), what a cookie name is made of.
fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(extra: &str) -> Result<(Config, GateOptions)> {
        let text = [r#"{"project_id":"project-test-1","secret":"s""#, extra, "}"].concat();
        GateOptions::read(&json::parse(text.as_bytes()).unwrap())
    }

    fn options(extra: &str) -> GateOptions {
        read(extra).unwrap().1
    }

    /// What the gate lets a request in with, for a credential from `authorization` or `cookie`
    /// that the API answered with a new JWT.
    fn minted(o: &mut GateOptions, authorization: Option<&str>, cookie: Option<&str>) -> String {
        o.operation(authorization, cookie).unwrap();
        let body = r#"{"session":{"expires_at":"2023-11-14T23:13:20Z"},"session_jwt":"n.e.w"}"#;
        o.admitted(&Answer::Api(body.into()), 1_700_000_000_000.0)
            .unwrap()
    }

    fn jwt_of(op: Option<Operation>) -> Option<String> {
        match op? {
            Operation::AuthenticateJwt(p) => Some(["jwt:", &p.session_jwt].concat()),
            Operation::Authenticate(p) => Some(["token:", &p.session_token?].concat()),
            _ => None,
        }
    }

    #[test]
    fn the_credential_comes_from_bearer_then_the_jwt_cookie_then_the_token_cookie() {
        let mut o = options("");
        let cookie = "a=1; stytch_session_jwt=c.c.c; stytch_session=tok";
        assert_eq!(
            jwt_of(o.operation(Some("Bearer b.b.b"), Some(cookie))).unwrap(),
            "jwt:b.b.b"
        );
        assert_eq!(
            jwt_of(o.operation(Some("bearer  b.b.b "), None)).unwrap(),
            "jwt:b.b.b"
        );
        assert_eq!(
            jwt_of(o.operation(Some("Basic eHg6eXk="), Some(cookie))).unwrap(),
            "jwt:c.c.c"
        );
        assert_eq!(jwt_of(o.operation(Some("Bearer"), None)).unwrap(), "jwt:");
        assert_eq!(jwt_of(o.operation(Some("Bearerx.y.z"), None)), None);
        assert_eq!(
            jwt_of(o.operation(None, Some("stytch_session=tok"))),
            None,
            "not allowed"
        );
        let mut o = options(
            r#","allow_session_token":true,"cookie_name":"jwt","session_cookie_name":"sess""#,
        );
        assert_eq!(
            jwt_of(o.operation(None, Some("jwt=\"q.q.q\""))).unwrap(),
            "jwt:q.q.q"
        );
        assert_eq!(
            jwt_of(o.operation(None, Some("x=1;sess=tok"))).unwrap(),
            "token:tok"
        );
        assert_eq!(jwt_of(o.operation(None, Some(cookie))), None);
    }

    #[test]
    fn without_a_secret_the_gate_verifies_locally_only() {
        let text = r#"{"project_id":"project-test-1","max_token_age_seconds":60}"#;
        let (config, mut gate) = GateOptions::read(&json::parse(text.as_bytes()).unwrap()).unwrap();
        assert!(config.secret.is_none() && gate.local_only);
        let Some(Operation::VerifyJwt { token, params }) =
            gate.operation(Some("Bearer a.b.c"), None)
        else {
            panic!("not a local verification")
        };
        assert_eq!(
            (token.as_str(), params.max_token_age_seconds),
            ("a.b.c", Some(60))
        );
        let admitted = gate.admitted(&Answer::Session("{}".into()), 0.0).unwrap();
        assert_eq!(
            admitted,
            r#"{"ok":true,"session":{},"session_jwt":"a.b.c"}"#
        );
        for extra in [
            r#""allow_session_token":true"#,
            r#""session_duration_minutes":60"#,
            r#""session_custom_claims":{"a":1}"#,
            r#""authorization_check":{"resource_id":"d","action":"read"}"#,
        ] {
            let text = [r#"{"project_id":"project-test-1","#, extra, "}"].concat();
            let e = GateOptions::read(&json::parse(text.as_bytes()).unwrap()).unwrap_err();
            assert!(e.to_string().contains("needs the secret"), "{extra}: {e}");
        }
    }

    #[test]
    fn cookie_names_are_checked() {
        for bad in [
            r#","cookie_name":"""#,
            r#","cookie_name":"a b""#,
            r#","session_cookie_name":"a;b""#,
            r#","allow_session_token":"yes""#,
            r#","cookie_http_only":"yes""#,
            r#","set_cookie_for_bearer":1"#,
            r#","cookie_domain":"""#,
            r#","cookie_domain":"a b.com""#,
            r#","cookie_domain":"evil.com; Path=/x""#,
            r#","cookie_domain":"a..b""#,
            r#","cookie_domain":".""#,
            r#","cookie_domain":true"#,
        ] {
            let err = read(bad).unwrap_err();
            assert_eq!(err.code(), "invalid_argument", "{bad}");
        }
        for ok in [
            "example.com",
            ".example.com",
            "a-b.example.co.uk",
            "localhost",
        ] {
            let o = options(&[r#","cookie_domain":""#, ok, "\""].concat());
            assert_eq!(o.cookie_domain.as_deref(), Some(ok));
        }
    }

    #[test]
    fn a_minted_jwt_is_set_as_a_cookie_only_for_a_credential_that_came_from_one() {
        let mut o = options("");
        let from_cookie = minted(&mut o, None, Some("stytch_session_jwt=o.l.d"));
        assert!(from_cookie.contains(r#""set_cookie":"#), "{from_cookie}");
        // A Bearer client gets no ambient cookie authentication it did not ask for.
        let from_bearer = minted(
            &mut o,
            Some("Bearer o.l.d"),
            Some("stytch_session_jwt=x.y.z"),
        );
        assert!(!from_bearer.contains("set_cookie"), "{from_bearer}");
        assert!(!from_bearer.contains("cache_control"), "{from_bearer}");
        let mut o = options(r#","set_cookie_for_bearer":true"#);
        assert!(minted(&mut o, Some("Bearer o.l.d"), None).contains(r#""set_cookie":"#));
        // The opaque session token cookie is a cookie too.
        let mut o = options(r#","allow_session_token":true"#);
        assert!(minted(&mut o, None, Some("stytch_session=tok")).contains(r#""set_cookie":"#));
    }

    #[test]
    fn the_cookie_is_http_only_and_has_a_domain_when_asked() {
        let mut o = options(r#","cookie_http_only":true,"cookie_domain":"example.com""#);
        let out = minted(&mut o, None, Some("stytch_session_jwt=o.l.d"));
        assert!(
            out.contains(r#""set_cookie":"stytch_session_jwt=n.e.w; Path=/; Max-Age=3600; Domain=example.com; Secure; HttpOnly; SameSite=Lax""#),
            "{out}"
        );
    }

    #[test]
    fn headers_that_set_a_cookie_are_private_and_not_stored() {
        let out = minted(&mut options(""), None, Some("stytch_session_jwt=o.l.d"));
        assert!(
            out.contains(r#""cache_control":"private, no-store""#),
            "{out}"
        );
        let mut o = options("");
        o.operation(None, Some("stytch_session_jwt=o.l.d")).unwrap();
        let local = o
            .admitted(
                &Answer::Api(r#"{"session":{},"session_jwt":"a;b"}"#.into()),
                0.0,
            )
            .unwrap();
        assert!(!local.contains("cache_control"), "{local}");
    }

    #[test]
    fn option_names_are_strict() {
        let err = read(r#","authorisation_check":{"resource_id":"r","action":"a"}"#).unwrap_err();
        assert_eq!(err.code(), "invalid_argument");
        assert_eq!(
            err.message(),
            "authenticateRequest options: authorisation_check is not an option; did you mean authorization_check?"
        );
        let err = read(r#","cookieName":"x""#).unwrap_err();
        assert!(err
            .message()
            .ends_with("cookieName is not an option; did you mean cookie_name?"));
        let err = read(r#","authorization_check":{"resource_id":"r","action":"a","org":"o"}"#)
            .unwrap_err();
        assert_eq!(
            err.message(),
            "authenticateRequest options: authorization_check.org is not an option"
        );
        // Every name a Client, authenticateJwt or the gate reads is known.
        let all = r#","custom_base_url":"https://x.example","timeout_ms":5,"jwks":[],"jwks_fetched_at":0,"max_stale_seconds":0,"jwks_store":{},"max_token_age_seconds":1,"session_duration_minutes":5,"session_custom_claims":{"any":{"thing":1}},"clock_tolerance_seconds":1,"authorization_check":{"resource_id":"r","action":"a"},"cookie_name":"c","session_cookie_name":"s","allow_session_token":true,"cookie_http_only":true,"cookie_domain":"x.example","set_cookie_for_bearer":true,"env":"https://test.stytch.com/","dispatcher":{},"fraud_env":"https://x""#;
        read(all).unwrap();
    }

    #[test]
    fn a_minted_jwt_is_set_as_a_cookie_until_the_session_expires() {
        let mut o = options("");
        o.operation(None, Some("stytch_session_jwt=o.l.d")).unwrap();
        let body = r#"{"session":{"expires_at":"2023-11-14T23:13:20Z"},"session_jwt":"n.e.w","verdict":{"authorized":true,"granting_roles":[]}}"#;
        let out = o
            .admitted(&Answer::Api(body.into()), 1_700_000_000_000.0)
            .unwrap();
        assert!(out.contains(r#""set_cookie":"stytch_session_jwt=n.e.w; Path=/; Max-Age=3600; Secure; SameSite=Lax""#), "{out}");
        assert!(out.contains(r#""verdict":{"authorized":true"#));
        let bad = r#"{"session":{},"session_jwt":"a;b"}"#;
        assert!(!o
            .admitted(&Answer::Api(bad.into()), 0.0)
            .unwrap()
            .contains("set_cookie"));
    }

    #[test]
    fn refusals_carry_a_status_and_a_code_only() {
        assert_eq!(
            refusal_status(&Error::client(ClientErrorCode::JwtExpired, "x")),
            401
        );
        assert_eq!(
            refusal_status(&Error::client(ClientErrorCode::InvalidPermissions, "x")),
            403
        );
        let stytch = |status: u16, error_type: &str| {
            let body = format!(
                r#"{{"status_code":{status},"error_type":"{error_type}","request_id":"r"}}"#
            );
            Error::Stytch(Box::new(
                crate::error::StytchError::from_body(&body).unwrap(),
            ))
        };
        assert_eq!(
            refusal_status(&stytch(401, "unauthorized_session_jwt")),
            401
        );
        assert_eq!(refusal_status(&stytch(404, "session_not_found")), 401);
        assert_eq!(
            refusal_status(&stytch(401, "unauthorized_credentials")),
            503
        );
        assert_eq!(refusal_status(&stytch(429, "too_many_requests")), 503);
        assert_eq!(
            refusal_status(&stytch(403, "consumer_session_authorization_error")),
            403
        );
        assert_eq!(
            refused(503, "timeout"),
            r#"{"ok":false,"status":503,"code":"timeout","body":"{\"error\":\"unavailable\",\"code\":\"timeout\"}"}"#
        );
    }
}
