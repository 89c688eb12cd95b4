//! HTTP as data: the requests the engine asks for, the answers it is given, the transport trait
//! a Rust host implements, and the URL and header rules (`docs/rules.md`, "Configuration").

use crate::error::{Error, Result};
use std::fmt;
use std::future::Future;

/// One HTTP request, ready to send. `Debug` never prints the `Authorization` value.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: &'static str,
    pub url: String,
    /// Header name and value pairs (`Authorization`, `Content-Type`).
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<String>,
    /// Abort the request after this many milliseconds (a `timeout` error).
    pub timeout_ms: u32,
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| match *name {
                // Credentials (Basic auth, a member's session token or JWT) never print.
                "Content-Type" => (*name, value.as_str()),
                _ => (*name, "[redacted]"),
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body", &self.body.as_ref().map(|b| b.len()))
            .field("timeout_ms", &self.timeout_ms)
            .finish()
    }
}

/// The status and body of an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub body: String,
}

/// What a Rust host provides to [`crate::Client`]: HTTP, the clock, and a timer.
#[allow(async_fn_in_trait)] // single-threaded hosts (wasm, workerd): no Send bound wanted
pub trait Host {
    /// Sends a request. Network failures and timeouts are [`Error::Request`]; any HTTP status
    /// is a response. Abort it after `request.timeout_ms`: the client stops waiting then in any
    /// case, with a `timeout` (docs/rules.md, "Driver contract").
    fn send(&self, request: HttpRequest) -> impl Future<Output = Result<HttpResponse>>;
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> f64;
    /// Resolves after `ms` milliseconds: a call waiting for another call's key fetch to land
    /// polls with it.
    fn sleep(&self, ms: u32) -> impl Future<Output = ()>;
    /// Resolves after `ms` milliseconds: the time limit the client races a request and a store
    /// call against (docs/rules.md, "Driver contract"), dropped as soon as they finish.
    /// [`Host::sleep`] unless the host has a timer that dropping cancels.
    fn time_limit(&self, ms: u32) -> impl Future<Output = ()> {
        self.sleep(ms)
    }
    /// Reads the shared JWKS store, for a [`crate::Config`] with `jwks_store` set: what
    /// [`Host::save_jwks`] was last given, or `None`. Not answering within the JWKS timeout
    /// counts as `None`.
    fn load_jwks(&self) -> impl Future<Output = Option<String>> {
        std::future::ready(None)
    }
    /// Gives the shared JWKS store `value`, to keep for `ttl_seconds`. Failures are the host's
    /// to ignore: the store only saves fetches. The client waits for it at most the JWKS
    /// timeout.
    fn save_jwks(&self, value: String, ttl_seconds: u32) -> impl Future<Output = ()> {
        let _ = (value, ttl_seconds);
        std::future::ready(())
    }
}

/// The API base URL: `custom_base_url` checked and stripped of a trailing `/`, else live or
/// test by the project id's prefix.
///
/// A custom base URL must be `https://host[:port][/path]`, or `http://` with the host exactly
/// `localhost`, `127.0.0.1` or `[::1]`. User info (`user@`), a query, a fragment, white space
/// and backslashes are refused: each lets a URL name one host to this check and another to a
/// `fetch` implementation, which would then receive the Basic-auth secret.
pub fn base_url(project_id: &str, custom_base_url: Option<&str>) -> Result<String> {
    let Some(url) = custom_base_url else {
        return Ok(if project_id.starts_with("project-live-") {
            "https://api.stytch.com".to_owned()
        } else {
            "https://test.stytch.com".to_owned()
        });
    };
    let url = url.strip_suffix('/').unwrap_or(url);
    if check_base_url(url) {
        Ok(url.to_owned())
    } else {
        Err(Error::invalid_argument(
            "custom_base_url must be an https:// URL without user info, query or fragment (http:// only for localhost, 127.0.0.1 or [::1])",
        ))
    }
}

pub(crate) fn check_base_url(url: &str) -> bool {
    let allowed = |c: char| c.is_ascii_graphic() && !matches!(c, '@' | '?' | '#' | '\\');
    if !url.chars().all(allowed) {
        return false;
    }
    let (https, rest) = match (url.strip_prefix("https://"), url.strip_prefix("http://")) {
        (Some(rest), _) => (true, rest),
        (None, Some(rest)) => (false, rest),
        _ => return false,
    };
    let authority = rest.split('/').next().unwrap_or("");
    // `[::1]:8080` → host `[::1]`, port `8080`; `example.com` → no port.
    let (host, port) = match authority.rfind(':') {
        Some(at) if !authority.get(at..).unwrap_or("").contains(']') => (
            authority.get(..at).unwrap_or(""),
            Some(authority.get(at + 1..).unwrap_or("")),
        ),
        _ => (authority, None),
    };
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    let host_ok = if https {
        !host.is_empty()
    } else {
        matches!(host, "localhost" | "127.0.0.1" | "[::1]")
    };
    host_ok && port_ok
}

/// Refuses a value that becomes a URL path segment (`project_id` in the JWKS path) when it is
/// empty, `.` or `..`: percent-encoding keeps those as they are, and a URL parser reads them
/// as the current or the parent directory, so the request would reach another path.
pub fn check_path_value(name: &str, value: &str) -> Result<()> {
    if matches!(value, "" | "." | "..") {
        return Err(Error::invalid_argument(
            [name, " must not be empty, \".\" or \"..\""].concat(),
        ));
    }
    Ok(())
}

/// The JWKS URL of a project (its id checked by [`check_path_value`]).
pub fn jwks_url(base_url: &str, project_id: &str) -> String {
    [base_url, "/v1/sessions/jwks/", &percent_encode(project_id)].concat()
}

/// `Authorization: Basic base64(project_id:secret)`.
pub fn basic_auth(project_id: &str, secret: &str) -> String {
    let mut out = String::from("Basic ");
    crate::b64::encode_standard([project_id, ":", secret].concat().as_bytes(), &mut out);
    out
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    encode_into(value, b"-._~", false, &mut out);
    out
}

/// Appends `part` with every byte but ASCII letters, digits and `keep` written `%XX`, and a
/// space as `+` when `plus_for_space`.
fn encode_into(part: &str, keep: &[u8], plus_for_space: bool, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in part.bytes() {
        if byte.is_ascii_alphanumeric() || keep.contains(&byte) {
            out.push(char::from(byte));
        } else if byte == b' ' && plus_for_space {
            out.push('+');
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 15)]));
        }
    }
}

/// `items` separated by single spaces (an OAuth `scope`): `join(" ")` without a second copy of
/// the standard library's generic join in the module.
pub fn space_separated(items: &[String]) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(item);
    }
    out
}

/// `application/x-www-form-urlencoded` text of `pairs`, as `URLSearchParams` writes it:
/// `*-._`, letters and digits as they are, a space as `+`, every other byte `%XX`.
pub fn form_urlencode(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        encode_into(name, b"*-._", true, &mut out);
        out.push('=');
        encode_into(value, b"*-._", true, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_bodies_are_written_as_url_search_params_writes_them() {
        let body = form_urlencode(&[
            ("client_id", "m2m-client-test-1"),
            ("scope", "read:users write:*"),
            ("x", "a&b=c/é~"),
        ]);
        assert_eq!(
            body,
            "client_id=m2m-client-test-1&scope=read%3Ausers+write%3A*&x=a%26b%3Dc%2F%C3%A9%7E"
        );
    }

    #[test]
    fn scopes_are_joined_by_single_spaces() {
        let scopes = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(space_separated(&scopes(&[])), "");
        assert_eq!(space_separated(&scopes(&["read:users"])), "read:users");
        assert_eq!(
            space_separated(&scopes(&["read:users", "write:*", "a"])),
            "read:users write:* a"
        );
    }

    #[test]
    fn base_urls() {
        let test = "project-test-1";
        assert_eq!(base_url(test, None).unwrap(), "https://test.stytch.com");
        assert_eq!(
            base_url("project-live-1", None).unwrap(),
            "https://api.stytch.com"
        );
        for ok in [
            "https://login.example.com/",
            "https://login.example.com:8443/base",
            "http://localhost:8787",
            "http://127.0.0.1:1/",
            "http://[::1]:9",
            "http://[::1]",
            "http://localhost",
        ] {
            let got = base_url(test, Some(ok)).unwrap();
            assert!(!got.ends_with('/'), "{ok}");
        }
        for bad in [
            "http://example.com",
            "ftp://x",
            "https://",
            "http://localhost.evil.com",
            "http://127.0.0.1.evil.com",
            "https://a b",
            "https://x?y",
            "https://x#y",
            "",
            "localhost",
            "http://localhost:@evil.example",
            "http://127.0.0.1:80@evil.example",
            "http://[::1]:@evil.example",
            "https://user:pass@login.example.com",
            "https://login.example.com@evil.example",
            "http://localhost\\@evil.example",
            "http://localhost:abc",
            "http://localhost:",
            "https://login.example.com/?x=1",
        ] {
            assert_eq!(
                base_url(test, Some(bad)).unwrap_err().code(),
                "invalid_argument",
                "{bad}"
            );
        }
    }

    #[test]
    fn dot_segments_are_refused_as_path_values() {
        for bad in ["", ".", ".."] {
            let err = check_path_value("project_id", bad).unwrap_err();
            assert_eq!(err.code(), "invalid_argument", "{bad:?}");
        }
        for ok in ["...", ".a", "a.", "project-test-1", "%2e"] {
            check_path_value("project_id", ok).unwrap();
        }
    }

    #[test]
    fn encodes() {
        assert_eq!(percent_encode("user-test-1"), "user-test-1");
        assert_eq!(percent_encode("a b/c?d&é"), "a%20b%2Fc%3Fd%26%C3%A9");
        assert_eq!(basic_auth("p", "s"), "Basic cDpz");
    }

    #[test]
    fn debug_never_prints_the_authorization_header() {
        let request = HttpRequest {
            method: "GET",
            url: "https://test.stytch.com/v1/sessions".into(),
            headers: vec![("Authorization", basic_auth("p", "secret-test-xyz"))],
            body: None,
            timeout_ms: 1,
        };
        let printed = format!("{request:?}");
        assert!(!printed.contains("cDpzZWNyZXQtdGVzdC14eXo"), "{printed}");
        assert!(printed.contains("[redacted]"), "{printed}");
    }
}
