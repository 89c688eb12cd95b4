//! [`JsHost`]: a [`Host`] over JavaScript's global `fetch`, `setTimeout` and `Date.now`, for Rust
//! code compiled to wasm that drives [`crate::Client`] itself (workers-rs, a browser, Node). With
//! the `js-client` feature; the npm package does not use it (its driver is JavaScript, see
//! [`super::calls`]).
//!
//! It only carries out I/O: the client races every request and store call against
//! [`Host::time_limit`] (docs/rules.md, "Driver contract"), and a request it stops waiting for is
//! aborted, since dropping [`JsHost::send`]'s future aborts its `fetch`. Failures are named as
//! the package's driver names them ([`crate::protocol::send_failure`]).
//!
//! ```ignore
//! use stytch_sessions_wasm::{wasm::JsHost, Client, Config};
//! let client = Client::new(Config::new(project_id, Some(secret), None)?, JsHost::new());
//! let session = client.authenticate_jwt_local(jwt, &Default::default()).await?;
//! ```

use crate::error::Result;
use crate::http::{Host, HttpRequest, HttpResponse};
use crate::protocol::{
    send_failure, url_host, BAD_HEADERS, NOT_A_PROMISE, NOT_A_RESPONSE, REJECTED,
};
use js_sys::{Array, Function, Promise, Reflect};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, RequestInit, Response};

#[wasm_bindgen]
extern "C" {
    /// The global `fetch` (Node ≥ 18, Deno, browsers, workerd), not `window.fetch`.
    #[wasm_bindgen(js_name = fetch, catch)]
    fn global_fetch(input: &str, init: &RequestInit) -> std::result::Result<Promise, JsValue>;
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// JavaScript's I/O for [`crate::Client`]: the global `fetch` (or the one given), timers, the
/// clock, and optionally a shared JWKS store (`{get(), put(value, ttl_seconds)}`, as the npm
/// package's `jwks_store` option; the client reads it when its [`crate::Config`] says
/// `jwks_store`).
#[derive(Clone, Default)]
pub struct JsHost {
    fetch: Option<Function>,
    store: Option<JsValue>,
}

impl JsHost {
    /// The global `fetch`, no JWKS store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends with `fetch(url, init)` instead of the global `fetch`.
    pub fn with_fetch(mut self, fetch: Function) -> Self {
        self.fetch = Some(fetch);
        self
    }

    /// Shares keys through `store`, an object with `get()` and `put(value, ttl_seconds)`, either
    /// of which may return a promise. Whatever it does wrong (throws, rejects, returns something
    /// that is not a string) reads as an empty store.
    pub fn with_store(mut self, store: JsValue) -> Self {
        self.store = Some(store);
        self
    }

    /// Calls `store[method](...args)` and awaits it if it returned a promise.
    async fn store_call(&self, method: &str, args: Array) -> Option<JsValue> {
        let store = self.store.as_ref()?;
        let f: Function = Reflect::get(store, &method.into()).ok()?.dyn_into().ok()?;
        let value = f.apply(store, &args).ok()?;
        JsFuture::from(Promise::resolve(&value)).await.ok()
    }
}

impl Host for JsHost {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse> {
        let host = url_host(&request.url);
        let refused = |input: u32| send_failure(input, "", host);
        let rejected = |error: &JsValue| send_failure(REJECTED, &error_name(error), host);
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
        let abort = AbortOnDrop(AbortController::new().ok());
        if let Some(controller) = &abort.0 {
            init.set_signal(Some(&controller.signal()));
        }
        let promise = match &self.fetch {
            Some(fetch) => fetch
                .call2(&JsValue::UNDEFINED, &request.url.as_str().into(), &init)
                .map_err(|e| rejected(&e))?
                .dyn_into::<Promise>()
                .map_err(|_| refused(NOT_A_PROMISE))?,
            None => global_fetch(&request.url, &init).map_err(|e| rejected(&e))?,
        };
        let response: Response = JsFuture::from(promise)
            .await
            .map_err(|e| rejected(&e))?
            .dyn_into()
            .map_err(|_| refused(NOT_A_RESPONSE))?;
        let status = response.status();
        let text = response.text().map_err(|e| rejected(&e))?;
        let body = JsFuture::from(text).await.map_err(|e| rejected(&e))?;
        Ok(HttpResponse {
            status,
            body: body.as_string().unwrap_or_default(),
        })
    }

    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }

    fn sleep(&self, ms: u32) -> impl Future<Output = ()> {
        Timer::new(ms)
    }

    async fn load_jwks(&self) -> Option<String> {
        self.store_call("get", Array::new()).await?.as_string()
    }

    async fn save_jwks(&self, value: String, ttl_seconds: u32) {
        let args = Array::of2(&value.into(), &ttl_seconds.into());
        let _ = self.store_call("put", args).await;
    }
}

/// The `name` of what `fetch` threw or rejected with, when it has one.
fn error_name(error: &JsValue) -> String {
    Reflect::get(error, &"name".into())
        .ok()
        .and_then(|name| name.as_string())
        .unwrap_or_default()
}

/// Aborts a request whose future is dropped: the client stopped waiting for it (a no-op once
/// it has been answered).
struct AbortOnDrop(Option<AbortController>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(controller) = &self.0 {
            controller.abort();
        }
    }
}

/// A `setTimeout` as a future; dropping it clears the timer, so a time limit the client no
/// longer needs does not keep a Node process alive.
struct Timer {
    id: JsValue,
    done: JsFuture,
}

impl Timer {
    fn new(ms: u32) -> Self {
        let mut id = JsValue::UNDEFINED;
        let promise = Promise::new(&mut |resolve, _reject| {
            id = set_timeout(&resolve, f64::from(ms));
        });
        Self {
            id,
            done: JsFuture::from(promise),
        }
    }
}

impl Future for Timer {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.done).poll(cx).map(|_| ())
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        clear_timeout(&self.id);
    }
}
