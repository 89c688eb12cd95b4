//! The HTTP layer (contract §2): the transport trait the host implements, base URLs, Basic auth,
//! percent-encoding, and turning an HTTP answer into a value or an error.

use crate::error::{Error, RequestErrorCode, Result, StytchError};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::de::DeserializeOwned;
use std::future::Future;

/// Default timeout of an API call, in milliseconds.
pub const DEFAULT_TIMEOUT_MS: u32 = 10_000;
/// Default timeout of a JWKS fetch, in milliseconds.
pub const DEFAULT_JWKS_TIMEOUT_MS: u32 = 5_000;

/// One HTTP request, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: &'static str,
    pub url: String,
    /// Header name and value pairs (`Authorization`, `Content-Type`).
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<String>,
    /// Abort the request after this many milliseconds ([`RequestErrorCode::Timeout`]).
    pub timeout_ms: u32,
}

/// The status and body of an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub body: String,
}

/// What the host provides: HTTP, the clock, and whether concurrent requests may share a fetch.
#[allow(async_fn_in_trait)] // single-threaded hosts (wasm, workerd): no Send bound wanted
pub trait Host {
    /// Sends a request. Network failures and timeouts are [`Error::Request`]; any HTTP status
    /// is a response.
    fn send(&self, request: HttpRequest) -> impl Future<Output = Result<HttpResponse>>;
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> f64;
    /// Whether concurrent key misses may await one shared fetch. Cloudflare Workers must say
    /// `false`: a request there cannot await I/O started by another request.
    fn share_inflight_fetches(&self) -> bool {
        true
    }
}

/// The API base URL: `custom_base_url` checked (https, or http on loopback) and stripped of a
/// trailing `/`, else live or test by the project id's prefix.
pub fn base_url(project_id: &str, custom_base_url: Option<&str>) -> Result<String> {
    let Some(url) = custom_base_url else {
        return Ok(if project_id.starts_with("project-live-") {
            "https://api.stytch.com".to_owned()
        } else {
            "https://test.stytch.com".to_owned()
        });
    };
    let url = url.strip_suffix('/').unwrap_or(url);
    let loopback = ["http://localhost", "http://127.0.0.1", "http://[::1]"]
        .iter()
        .any(|host| {
            url.strip_prefix(host).is_some_and(|rest| {
                rest.is_empty() || rest.starts_with(':') || rest.starts_with('/')
            })
        });
    let https = url.len() > "https://".len() && url.starts_with("https://");
    if !(https || loopback)
        || url
            .chars()
            .any(|c| c.is_whitespace() || c == '?' || c == '#')
    {
        return Err(Error::invalid_argument(
            "custom_base_url must be an https:// URL (http:// only for localhost, 127.0.0.1 or [::1])",
        ));
    }
    Ok(url.to_owned())
}

/// The JWKS URL of a project.
pub fn jwks_url(base_url: &str, project_id: &str) -> String {
    format!("{base_url}/v1/sessions/jwks/{}", percent_encode(project_id))
}

/// `Authorization: Basic base64(project_id:secret)`.
pub fn basic_auth(project_id: &str, secret: &str) -> String {
    format!(
        "Basic {}",
        STANDARD.encode(format!("{project_id}:{secret}"))
    )
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Reads an answer: status < 400 with the expected JSON → the value; status ≥ 400 with a Stytch
/// error body → [`Error::Stytch`]; anything else → [`RequestErrorCode::InvalidResponse`].
pub fn read_response<T: DeserializeOwned>(response: &HttpResponse, what: &str) -> Result<T> {
    if response.status >= 400 {
        return match serde_json::from_str::<StytchError>(&response.body) {
            Ok(e) => Err(Error::Stytch(Box::new(e))),
            Err(_) => Err(Error::request(
                RequestErrorCode::InvalidResponse,
                format!(
                    "{what}: HTTP {} without a Stytch error body",
                    response.status
                ),
            )),
        };
    }
    serde_json::from_str(&response.body).map_err(|e| {
        Error::request(
            RequestErrorCode::InvalidResponse,
            format!(
                "{what}: HTTP {} with a body that is not the expected JSON ({:?} error at line {} column {})",
                response.status,
                e.classify(),
                e.line(),
                e.column()
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
            "http://localhost:8787",
            "http://127.0.0.1:1/",
            "http://[::1]:9",
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
            "",
            "localhost",
        ] {
            assert_eq!(
                base_url(test, Some(bad)).unwrap_err().code(),
                "invalid_argument",
                "{bad}"
            );
        }
    }

    #[test]
    fn encodes() {
        assert_eq!(percent_encode("user-test-1"), "user-test-1");
        assert_eq!(percent_encode("a b/c?d&é"), "a%20b%2Fc%3Fd%26%C3%A9");
        assert_eq!(basic_auth("p", "s"), "Basic cDpz");
    }
}
