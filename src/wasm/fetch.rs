//! The host's I/O: `fetch` (the global one or an injected one) with an `AbortSignal` timeout,
//! and `setTimeout`.

use super::calls::{send_failure, url_host, BAD_HEADERS, NOT_A_PROMISE, NOT_A_RESPONSE, REJECTED};
use crate::error::{Error, Result};
use crate::http::{HttpRequest, HttpResponse};
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Headers, RequestInit, Response};

#[wasm_bindgen]
extern "C" {
    /// The global `fetch` (Node ≥ 18, Deno, browsers, workerd), not `window.fetch`.
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(input: &str, init: &RequestInit) -> Promise;
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &Function, ms: i32) -> JsValue;
}

/// Resolves after `ms` milliseconds.
pub async fn sleep(ms: u32) {
    let ms = i32::try_from(ms).unwrap_or(i32::MAX);
    let promise = Promise::new(&mut |resolve, _reject| {
        set_timeout(&resolve, ms);
    });
    let _ = JsFuture::from(promise).await;
}

/// Sends `request` and reads the whole answer.
pub async fn send(fetch: Option<&Function>, request: HttpRequest) -> Result<HttpResponse> {
    let host = url_host(&request.url);
    let refused = |input: u32| send_failure(input, "", host);
    let failure = |error: &JsValue| rejected(error, host);
    let init = RequestInit::new();
    init.set_method(request.method);
    let headers = Headers::new().map_err(|_| refused(BAD_HEADERS))?;
    for (name, value) in &request.headers {
        headers.set(name, value).map_err(|_| refused(BAD_HEADERS))?;
    }
    init.set_headers(&headers);
    if let Some(body) = &request.body {
        init.set_body(&JsValue::from_str(body));
    }
    init.set_signal(Some(&AbortSignal::timeout_with_u32(request.timeout_ms)));
    let promise = match fetch {
        Some(fetch) => fetch
            .call2(&JsValue::UNDEFINED, &request.url.as_str().into(), &init)
            .map_err(|e| failure(&e))?
            .dyn_into::<Promise>()
            .map_err(|_| refused(NOT_A_PROMISE))?,
        None => global_fetch(&request.url, &init),
    };
    let response: Response = JsFuture::from(promise)
        .await
        .map_err(|e| failure(&e))?
        .dyn_into()
        .map_err(|_| refused(NOT_A_RESPONSE))?;
    let status = response.status();
    let text = response.text().map_err(|e| failure(&e))?;
    let body = JsFuture::from(text)
        .await
        .map_err(|e| failure(&e))?
        .as_string()
        .unwrap_or_default();
    Ok(HttpResponse { status, body })
}

/// A rejected fetch to `host`, by the name of what it rejected with (see [`send_failure`]).
fn rejected(error: &JsValue, host: Option<&str>) -> Error {
    let name = Reflect::get(error, &"name".into())
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default();
    send_failure(REJECTED, &name, host)
}
