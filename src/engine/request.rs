//! API requests and their answers (`docs/rules.md`, "When the API is asked"): how a call's
//! request is built, shared with identical ones ([`super::answers`]), and read.

use super::answers::{self, Key};
use super::flight::{Asking, Patience};
use super::shape::ApiCall;
use super::{Answer, Engine, Input, Next, Stage};
use crate::api::Endpoint;
use crate::config::Config;
use crate::error::{Error, RequestErrorCode, Result, StytchError};
use crate::http::{HttpRequest, HttpResponse};
use crate::json::{self, Value};
use crate::jwk::KeySet;
use crate::rbac;

/// A step of an API-only call (never inlined into the engine's step, which a cold local
/// verification compiles whole).
#[inline(never)]
pub(super) fn step(
    config: &Config,
    api: &ApiCall,
    stage: &mut Stage,
    engine: &mut Engine,
    current: Stage,
    input: Input,
    now_ms: f64,
) -> Next {
    let ask = || Ask {
        config,
        endpoint: api.endpoint,
        suffix: &api.suffix,
        body: api.body.as_deref(),
        headers: &api.headers,
        checked: api.check.is_some(),
        reusable: false,
    };
    match (current, input) {
        (Stage::Start, Input::Start) => ask().send(engine, stage, Asking::First, now_ms),
        (Stage::ApiWaiting { patience }, Input::Woke) => {
            ask().send(engine, stage, Asking::Waited(patience), now_ms)
        }
        (Stage::Api { shared }, Input::Response(response)) => {
            ask().answered(engine, shared, response, now_ms)
        }
        _ => super::out_of_order(),
    }
}

/// One API request as a call makes it: what it sends, and what its answer must be.
pub(super) struct Ask<'a> {
    pub config: &'a Config,
    pub endpoint: Endpoint,
    /// What follows the endpoint's path in the URL.
    pub suffix: &'a str,
    /// The JSON body, copied into the request when it is sent.
    pub body: Option<&'a str>,
    /// Headers beside the credentials and the body's type.
    pub headers: &'a [(&'static str, String)],
    /// Whether it sends an authorization check: the answer then counts only with a verdict
    /// that authorizes.
    pub checked: bool,
    /// Whether its answer may serve new calls for [`answers::REUSE_MS`] (`authenticateJwt`'s
    /// answer for a genuine JWT).
    pub reusable: bool,
}

impl Ask<'_> {
    /// Sends the request, or (for `authenticate`, which judges a token) takes the answer of an
    /// identical request in flight or remembered.
    pub fn send(self, engine: &mut Engine, stage: &mut Stage, asking: Asking, now_ms: f64) -> Next {
        if self.endpoint.oauth() {
            // The client's credentials are in the form body: no Basic auth, nothing shared.
            *stage = Stage::Api { shared: None };
            let body = self.body.unwrap_or_default().to_owned();
            return Next::Send(oauth_request(self.config, self.endpoint, body));
        }
        let Some(authorization) = self.config.authorization() else {
            return Next::Done(Err(Error::invalid_argument(
                "this call needs the project secret",
            )));
        };
        let (method, path) = self.endpoint.route();
        let url = [&self.config.base_url, path, self.suffix].concat();
        let timeout_ms = self.config.api_timeout_ms();
        let mut shared = None;
        if self.endpoint.authenticates() {
            let key = answers::key(&url, Some(&authorization), self.body);
            match engine.answers.plan(&key, now_ms, timeout_ms, asking) {
                answers::Plan::Use(result) => return self.answer(result),
                answers::Plan::Wait { flight } => {
                    let mut patience = Patience::for_flight(asking, flight, now_ms, timeout_ms);
                    *stage = Stage::ApiWaiting { patience };
                    return Next::Wait(patience.next_wait(now_ms));
                }
                answers::Plan::Send { flight } => shared = Some((key, flight)),
            }
        }
        *stage = Stage::Api { shared };
        let body = self.body.map(str::to_owned);
        let mut request = request(method, url, Some(authorization), body, timeout_ms);
        request.headers.extend_from_slice(self.headers);
        Next::Send(request)
    }

    /// The request answered (or failed): shared with the calls that waited for it, and
    /// remembered as long as [`Ask::keep_ms`] says.
    #[inline(never)]
    pub fn answered(
        &self,
        engine: &mut Engine,
        shared: Option<(Key, u64)>,
        response: Result<HttpResponse>,
        now_ms: f64,
    ) -> Next {
        let result = response.and_then(|r| read_answer(self.endpoint, r));
        if let Some((key, flight)) = shared {
            engine
                .answers
                .land(&key, flight, &result, self.keep_ms(&result), now_ms);
        }
        if self.endpoint.revokes() && result.is_ok() {
            // No answer that let a session in outlives a revocation made here.
            engine.answers.forget();
        }
        self.answer(result)
    }

    /// How long an answer is kept for the calls after it: a final refusal of the token for a
    /// minute, a reusable answer for 30 seconds, anything else only for the calls that waited.
    fn keep_ms(&self, result: &Result<String>) -> f64 {
        match result {
            Ok(_) if self.reusable => answers::REUSE_MS,
            Err(Error::Stytch(e)) if is_final_refusal(e) => answers::REFUSAL_MS,
            _ => 0.0,
        }
    }

    /// The call's answer from the API's: with a check sent, only one whose verdict authorizes.
    fn answer(&self, result: Result<String>) -> Next {
        let result = match self.checked {
            true => result.and_then(|body| admitted_verdict(&body).map(|()| body)),
            false => result,
        };
        Next::Done(result.map(Answer::Api))
    }
}

/// A request with the project's credentials (when given) and, with a body, its JSON type.
pub(super) fn request(
    method: &'static str,
    url: String,
    authorization: Option<String>,
    body: Option<String>,
    timeout_ms: u32,
) -> HttpRequest {
    let mut headers = Vec::with_capacity(2);
    if let Some(authorization) = authorization {
        headers.push(("Authorization", authorization));
    }
    if body.is_some() {
        headers.push(("Content-Type", "application/json".to_owned()));
    }
    HttpRequest {
        method,
        url,
        headers,
        body,
        timeout_ms,
    }
}

/// The `POST` of a form-encoded `body` to OAuth 2.0 endpoint `endpoint` of the project (the
/// client's credentials are in the body: no Basic auth).
pub(super) fn oauth_request(config: &Config, endpoint: Endpoint, body: String) -> HttpRequest {
    let (_, path) = endpoint.route();
    let project = crate::http::percent_encode(&config.project_id);
    let tail = endpoint.oauth_tail().unwrap_or_default();
    let url = [&config.base_url, path, "/", &project, tail].concat();
    let timeout_ms = config.api_timeout_ms();
    HttpRequest {
        method: "POST",
        url,
        headers: vec![(
            "Content-Type",
            "application/x-www-form-urlencoded".to_owned(),
        )],
        body: Some(body),
        timeout_ms,
    }
}

/// Reads an API answer: status < 400 with the members `endpoint` promises → the body as sent;
/// status ≥ 400 with a Stytch error body → [`Error::Stytch`]; anything else →
/// `invalid_response`.
pub fn read_answer(endpoint: Endpoint, response: HttpResponse) -> Result<String> {
    if response.status >= 400 {
        return Err(error_answer(&endpoint.name(), &response));
    }
    let Ok(Value::Object(body)) = json::parse(response.body.as_bytes()) else {
        return Err(invalid_response(
            &endpoint.name(),
            response.status,
            " with a body that is not a JSON object",
        ));
    };
    for (name, kind) in endpoint.required() {
        if !body.get(name).is_some_and(|v| kind.matches(v)) {
            let mut message = endpoint.name();
            message.push_str(": the answer lacks ");
            message.push_str(name);
            message.push_str(" or it has the wrong type");
            return Err(Error::request(RequestErrorCode::InvalidResponse, message));
        }
    }
    Ok(response.body)
}

/// Reads a JWKS fetch: its usable keys. A set with none is a failure (the last good keys stay).
pub(super) fn read_jwks(response: &HttpResponse) -> Result<KeySet> {
    const WHAT: &str = "JWKS fetch";
    if response.status >= 400 {
        return Err(error_answer(WHAT, response));
    }
    let keys = KeySet::from_json(response.body.as_bytes()).map_err(|_| {
        invalid_response(
            WHAT,
            response.status,
            " with a body that is not a JSON key set",
        )
    })?;
    if keys.is_empty() {
        return Err(Error::client(
            crate::error::ClientErrorCode::JwksNoMatchingKey,
            "the JWKS has no usable key (RSA, for signing, RS256, 2048 to 4096 bits)",
        ));
    }
    Ok(keys)
}

/// Whether the API's error judges the token (or the token and its check) for good, so that
/// asking again with the same request would get the same answer: a 4xx other than a timeout,
/// a rate limit or a refusal of the project's own credentials.
fn is_final_refusal(e: &StytchError) -> bool {
    (400..500).contains(&e.status_code)
        && e.status_code != 408
        && e.status_code != 429
        && e.error_type != "unauthorized_credentials"
}

/// Checks the `verdict` of an answer to a request that sent an authorization check: only
/// `{"authorized": true, …}` lets the session in; `false` is the check denied, anything else
/// an answer that cannot be trusted.
fn admitted_verdict(body: &str) -> Result<()> {
    let answer = json::parse_object(body.as_bytes()).ok();
    let authorized = answer
        .as_ref()
        .and_then(|o| o.get("verdict"))
        .and_then(Value::as_object)
        .and_then(|v| v.get("authorized"));
    match authorized {
        Some(Value::Bool(true)) => Ok(()),
        Some(Value::Bool(false)) => Err(rbac::denied()),
        _ => Err(Error::request(
            RequestErrorCode::InvalidResponse,
            "POST /v1/sessions/authenticate: an authorization check was sent, and the answer lacks verdict.authorized or it has the wrong type",
        )),
    }
}

/// The error an answer of status 400 or more to request `what` is: Stytch's, when its body is
/// a Stytch error; else `invalid_response`.
fn error_answer(what: &str, response: &HttpResponse) -> Error {
    match StytchError::from_answer(response.status, &response.body) {
        Some(e) => Error::Stytch(Box::new(e)),
        None => invalid_response(what, response.status, " without a Stytch error body"),
    }
}

fn invalid_response(what: &str, status: u16, why: &str) -> Error {
    let mut message = String::from(what);
    message.push_str(": HTTP ");
    json::push_u64(&mut message, u64::from(status));
    message.push_str(why);
    Error::request(RequestErrorCode::InvalidResponse, message)
}
