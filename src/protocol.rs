//! The text protocol between the module and a driver, defined once: the step tags, the resume
//! codes, the fact bits, the encoding of a step, and the two bounds every driver puts on the
//! host (docs/rules.md, "Driver contract").
//!
//! The module's exports (`src/wasm/calls.rs`) speak it to the package's JavaScript driver
//! (`pkg-template/api.js`), whose constants are `pkg-template/protocol.js`, generated from the
//! tables here by `tests/protocol.rs` (which fails when the checked-in file differs). The Rust
//! driver, [`crate::Client`], obeys the same contract without the text.
//!
//! A step is one text; its first character, the tag, says what it is:
//!
//! | step | the driver |
//! |---|---|
//! | `A` JSON | resolves with the parsed JSON (the call is over) |
//! | `E` JSON | rejects with the error class the JSON names: `class`, `code`, `message`, `claim`; or `fields` of a `StytchError` (the call is over) |
//! | `F` id ` ` JSON | fetches `{method, url, headers, body?, timeout_ms}`, then resumes with what came back |
//! | `W` id ` ` JSON | waits `{ms}`, then resumes with [`WOKE`] |
//! | `L` id ` ` JSON | reads the JWKS store, waiting at most `{wait_ms}`, then resumes with [`LOADED`] |
//! | `P` id ` ` JSON | gives the store `{value}` to keep for `{ttl_seconds}`, waiting at most `{wait_ms}`, then resumes with [`WOKE`] |
//!
//! Every step that is not final is its tag, the call's id, one space and one JSON object, so a
//! driver parses one JSON per step (e.g. `W7 {"ms":5}`).

use crate::config::Config;
use crate::error::{Error, RequestErrorCode};
use crate::http::HttpRequest;
use crate::json;

/// Declares constants and a table of them (name, value, doc), the table being what
/// `tests/protocol.rs` renders as JavaScript.
macro_rules! table {
    ($(#[doc = $table_doc:literal])* $table:ident: $ty:ty {
        $($(#[doc = $doc:literal])+ $name:ident = $value:expr;)+
    }) => {
        $(#[doc = $table_doc])*
        pub const $table: &[(&str, $ty, &str)] = &[$((stringify!($name), $name, concat!($($doc),+))),+];
        $($(#[doc = $doc])+ pub const $name: $ty = $value;)+
    };
}

table! {
    /// The step tags: the first character of a step.
    TAGS: &str {
        /// A final step: the answer, as JSON.
        ANSWER = "A";
        /// A final step: the error, as JSON.
        ERROR = "E";
        /// Send the request the JSON describes.
        FETCH = "F";
        /// Wait `ms` milliseconds.
        WAIT = "W";
        /// Read the JWKS store, for at most `wait_ms` milliseconds.
        LOAD = "L";
        /// Give the JWKS store `value` for `ttl_seconds`, for at most `wait_ms` milliseconds.
        PUT = "P";
    }
}

table! {
    /// The resume codes: what the driver resumes a call with.
    RESUME_CODES: u32 {
        /// The wait or the store's `put` is over (or ran out of time).
        WOKE = 0;
        /// The response's status and whole text.
        RESPONSE = 1;
        /// `fetch` (or reading the body) threw or rejected; the text is the error's `name`, when it had one.
        REJECTED = 2;
        /// The `fetch` option returned something that is not a `Promise`.
        NOT_A_PROMISE = 3;
        /// `fetch` resolved to something that is not a `Response`.
        NOT_A_RESPONSE = 4;
        /// The request's headers could not be made (a value `Headers` refuses).
        BAD_HEADERS = 5;
        /// What the store's `get` gave, when it was a string (none when it was not, or failed, or ran out of time).
        LOADED = 6;
    }
}

table! {
    /// The fact bits: what the driver found out about an options (or params) value's types.
    /// Facts, never decisions: every rule and every message is the module's.
    FACTS: u32 {
        /// The value is an object (not `null`, an array or a function).
        OBJECT = 1;
        /// It has a `fetch` that is not a function.
        BAD_FETCH = 2;
        /// It has a `jwks_store` with `get` and `put` functions.
        STORE = 4;
        /// It has a `jwks_store` that is not an object with `get` and `put` functions.
        BAD_STORE = 8;
        /// It has an `on_decision` that is not a function.
        BAD_HOOK = 16;
    }
}

/// How long a driver waits for the JWKS store's `get` or `put` before it counts as failed: the
/// JWKS timeout (docs/rules.md, "Driver contract").
pub fn store_wait_ms(config: &Config) -> u32 {
    config.jwks_timeout_ms()
}

/// A step that is not final, with what the driver needs for it.
pub enum Pending {
    /// Send this request (within its `timeout_ms`).
    Fetch(HttpRequest),
    /// Wait this long.
    Wait { ms: u32 },
    /// Read the JWKS store, waiting at most `wait_ms`.
    Load { wait_ms: u32 },
    /// Give the JWKS store `value` for `ttl_seconds`, waiting at most `wait_ms`.
    Put {
        ttl_seconds: u32,
        wait_ms: u32,
        value: String,
    },
}

impl Pending {
    /// The step's text for call `id`: its tag, the id, a space and one JSON object.
    pub fn encode(self, id: u32) -> String {
        let mut json = String::new();
        let tag = match self {
            Pending::Fetch(request) => {
                request_json(&request, &mut json);
                FETCH
            }
            Pending::Wait { ms } => {
                wait_json(ms, &mut json);
                WAIT
            }
            Pending::Load { wait_ms } => {
                load_json(wait_ms, &mut json);
                LOAD
            }
            Pending::Put {
                ttl_seconds,
                wait_ms,
                value,
            } => {
                put_json(ttl_seconds, wait_ms, &value, &mut json);
                PUT
            }
        };
        step_text(tag, id, &json)
    }
}

/// A step that is not final: `tag`, the call's `id`, a space and `json`, the step's JSON object
/// (made by one of the `*_json` functions below).
pub fn step_text(tag: &str, id: u32, json: &str) -> String {
    let mut out = String::from(tag);
    push_u32(&mut out, id);
    out.push(' ');
    out.push_str(json);
    out
}

/// The JSON of a [`WAIT`] step: `{"ms"}`.
pub fn wait_json(ms: u32, out: &mut String) {
    member(out, '{', "\"ms\":", ms);
    out.push('}');
}

/// The JSON of a [`LOAD`] step: `{"wait_ms"}`.
pub fn load_json(wait_ms: u32, out: &mut String) {
    member(out, '{', WAIT_MS, wait_ms);
    out.push('}');
}

/// The JSON of a [`PUT`] step: `{"ttl_seconds", "wait_ms", "value"}` (the value is one JSON
/// string escape of the text the store keeps).
pub fn put_json(ttl_seconds: u32, wait_ms: u32, value: &str, out: &mut String) {
    member(out, '{', "\"ttl_seconds\":", ttl_seconds);
    member(out, ',', WAIT_MS, wait_ms);
    out.push_str(",\"value\":");
    json::write_str(value, out);
    out.push('}');
}

const WAIT_MS: &str = "\"wait_ms\":";

/// `open` (`{` or `,`), then `name` (`"name":`) and `n`.
fn member(out: &mut String, open: char, name: &str, n: u32) {
    out.push(open);
    out.push_str(name);
    push_u32(out, n);
}

/// The final `A` step of an answer (its JSON text).
pub fn answered(json: &str) -> String {
    [ANSWER, json].concat()
}

/// The final `E` step of `error`.
pub fn failed(error: &Error) -> String {
    let mut out = String::from(ERROR);
    error_json(error, &mut out);
    out
}

/// `error` as the JSON a driver makes its error object from.
pub fn error_json(error: &Error, out: &mut String) {
    match error {
        Error::Client {
            code,
            message,
            claim,
        } => {
            out.push_str("{\"class\":\"ClientError\",\"code\":\"");
            out.push_str(code.as_str());
            out.push_str("\",\"message\":");
            json::write_str(message, out);
            if let Some(claim) = claim {
                out.push_str(",\"claim\":");
                json::write_str(claim, out);
            }
        }
        Error::Request { code, message } => {
            out.push_str("{\"class\":\"RequestError\",\"code\":\"");
            out.push_str(code.as_str());
            out.push_str("\",\"message\":");
            json::write_str(message, out);
        }
        Error::Stytch(e) => {
            // The API's error, in Stytch's names whatever shape it came in (a Stytch body or an
            // OAuth 2.0 one: `StytchError::from_answer`).
            out.push_str("{\"class\":\"StytchError\",\"fields\":{\"status_code\":");
            json::push_u64(out, u64::from(e.status_code));
            for (name, value) in [
                (",\"request_id\":", &e.request_id),
                (",\"error_type\":", &e.error_type),
                (",\"error_message\":", &e.error_message),
                (",\"error_url\":", &e.error_url),
            ] {
                out.push_str(name);
                json::write_str(value, out);
            }
            if let Some(details) = &e.error_details {
                out.push_str(",\"error_details\":");
                out.push_str(details);
            }
            out.push('}');
        }
    }
    out.push('}');
}

/// The JSON of a [`FETCH`] step: `{"method", "url", "headers": {name: value}, "timeout_ms",
/// "body"?}`.
pub fn request_json(request: &HttpRequest, out: &mut String) {
    out.push_str("{\"method\":");
    json::write_str(request.method, out);
    out.push_str(",\"url\":");
    json::write_str(&request.url, out);
    out.push_str(",\"headers\":{");
    for (i, (name, value)) in request.headers.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        json::write_str(name, out);
        out.push(':');
        json::write_str(value, out);
    }
    out.push_str("},\"timeout_ms\":");
    push_u32(out, request.timeout_ms);
    if let Some(body) = &request.body {
        out.push_str(",\"body\":");
        json::write_str(body, out);
    }
    out.push('}');
}

fn push_u32(out: &mut String, n: u32) {
    json::push_u64(out, u64::from(n));
}

/// Why a request to `host` (see [`url_host`]) got no answer: `input` is one of [`REJECTED`]
/// (with the `name` of what `fetch` threw or rejected with), [`NOT_A_PROMISE`],
/// [`NOT_A_RESPONSE`] or [`BAD_HEADERS`]. Our own timeout signal (`TimeoutError`, `AbortError`)
/// is a timeout, anything else a network failure. The messages name the host (never the path,
/// the query or credentials): `fetch to api.stytch.com failed (TypeError)`, `no answer from
/// api.stytch.com within the timeout`. The error's message is not passed on (it may carry a
/// URL); its name is, when it is a plain identifier.
pub fn send_failure(input: u32, name: &str, host: Option<&str>) -> Error {
    use RequestErrorCode::{NetworkError, Timeout};
    let plain =
        !name.is_empty() && name.len() <= 40 && name.bytes().all(|b| b.is_ascii_alphanumeric());
    // The message is `before`, the host, `after`, and the name in parentheses when `named`.
    let (code, before, after, named) = match input {
        NOT_A_PROMISE => (
            NetworkError,
            "the fetch option did not return a Promise for the request to",
            "",
            false,
        ),
        NOT_A_RESPONSE => (
            NetworkError,
            "fetch to",
            " did not resolve to a Response",
            false,
        ),
        BAD_HEADERS => (
            NetworkError,
            "invalid header value in the request to",
            "",
            false,
        ),
        _ if name == "TimeoutError" || name == "AbortError" => {
            (Timeout, "no answer from", " within the timeout", false)
        }
        _ => (NetworkError, "fetch to", " failed", plain),
    };
    let (space, host) = host.map_or(("", ""), |host| (" ", host));
    let (open, name, close) = if named {
        (" (", name, ")")
    } else {
        ("", "", "")
    };
    Error::request(
        code,
        [before, space, host, after, open, name, close].concat(),
    )
}

/// A request to `host` that had no answer within its `timeout_ms` (docs/rules.md, "Driver
/// contract"): `RequestError` `timeout`, `no answer from api.stytch.com within the timeout`.
pub fn timed_out(host: Option<&str>) -> Error {
    send_failure(REJECTED, "TimeoutError", host)
}

/// The host (and port) of `url`, as a message may name it: what is between `://` and the path,
/// without credentials (`user:pass@`), when it is at most 255 characters of a host name or an
/// IP address (`[` `]` and `:` included); else `None`.
pub fn url_host(url: &str) -> Option<&str> {
    // Bytes, not `str` patterns: a pattern search and a char-boundary panic path would bring
    // the standard library's searcher and Unicode tables into the module.
    let bytes = url.as_bytes();
    let mut start = 0;
    while !matches!(bytes.get(start..start + 3)?, [b':', b'/', b'/']) {
        start += 1;
    }
    // From after `://` to the path, the query or the fragment; after the last `@`.
    let (mut at, mut end) = (start + 3, start + 3);
    while let Some(&b) = bytes.get(end) {
        match b {
            b'/' | b'?' | b'#' => break,
            b'@' => at = end + 1,
            _ => {}
        }
        end += 1;
    }
    let host = bytes.get(at..end)?;
    let plain = host
        .iter()
        .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    if host.is_empty() || host.len() > 255 || !plain {
        return None;
    }
    // Plain ASCII, so any byte offset within it is a char boundary of `url`.
    url.get(at..end)
}
