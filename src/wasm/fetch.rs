//! The host transport: the runtime's global `fetch` (or an injected one), `Date.now()`, and
//! Cloudflare Workers detection.

use crate::error::{Error, RequestErrorCode, Result};
use crate::http::{Host, HttpRequest, HttpResponse};
use js_sys::{Function, Promise, Reflect};
use std::cell::OnceCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Headers, RequestInit, Response};

#[wasm_bindgen]
extern "C" {
    /// The global `fetch` (Node ≥ 18, Deno, browsers, workerd), not `window.fetch`.
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(input: &str, init: &RequestInit) -> Promise;
}

/// `fetch` from the options, or the global one; `Date.now()` for the clock.
#[derive(Clone, Default)]
pub struct JsHost {
    pub fetch: Option<Function>,
}

thread_local! {
    static ON_WORKERD: OnceCell<bool> = const { OnceCell::new() };
}

/// Cloudflare Workers sets `navigator.userAgent` to `"Cloudflare-Workers"`.
fn on_workerd() -> bool {
    ON_WORKERD.with(|cell| {
        *cell.get_or_init(|| {
            Reflect::get(&js_sys::global(), &"navigator".into())
                .and_then(|nav| Reflect::get(&nav, &"userAgent".into()))
                .ok()
                .and_then(|ua| ua.as_string())
                .is_some_and(|ua| ua == "Cloudflare-Workers")
        })
    })
}

impl Host for JsHost {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse> {
        let init = RequestInit::new();
        init.set_method(request.method);
        let headers = Headers::new().map_err(|_| network("cannot create Headers"))?;
        for (name, value) in &request.headers {
            headers
                .set(name, value)
                .map_err(|_| network("invalid header value"))?;
        }
        init.set_headers(&headers);
        if let Some(body) = &request.body {
            init.set_body(&JsValue::from_str(body));
        }
        init.set_signal(Some(&AbortSignal::timeout_with_u32(request.timeout_ms)));
        let promise = match &self.fetch {
            Some(fetch) => fetch
                .call2(&JsValue::UNDEFINED, &request.url.as_str().into(), &init)
                .map_err(|e| failure(&e))?
                .dyn_into::<Promise>()
                .map_err(|_| network("the fetch option did not return a Promise"))?,
            None => global_fetch(&request.url, &init),
        };
        let response: Response = JsFuture::from(promise)
            .await
            .map_err(|e| failure(&e))?
            .dyn_into()
            .map_err(|_| network("fetch did not resolve to a Response"))?;
        let status = response.status();
        let text = response.text().map_err(|e| failure(&e))?;
        let body = JsFuture::from(text)
            .await
            .map_err(|e| failure(&e))?
            .as_string()
            .unwrap_or_default();
        Ok(HttpResponse { status, body })
    }

    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }

    fn share_inflight_fetches(&self) -> bool {
        !on_workerd()
    }
}

fn network(message: &str) -> Error {
    Error::request(RequestErrorCode::NetworkError, message)
}

/// A rejected fetch: `TimeoutError`/`AbortError` from our signal is a timeout, anything else a
/// network failure. The rejection's own message may carry a URL but never a token or secret.
fn failure(error: &JsValue) -> Error {
    let name = Reflect::get(error, &"name".into())
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default();
    if name == "TimeoutError" || name == "AbortError" {
        return Error::request(RequestErrorCode::Timeout, "no answer within the timeout");
    }
    network(&format!(
        "fetch failed{}",
        if name.is_empty() {
            String::new()
        } else {
            format!(" ({name})")
        }
    ))
}
