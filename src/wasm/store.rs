//! The shared JWKS store the caller passes as `jwks_store`: an object with `get()` and
//! `put(value, ttl_seconds)`, either of which may return a promise. Whatever it does wrong
//! (throws, rejects, returns something that is not a string) reads as an empty store.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Calls `store[method](...args)` and awaits it if it returned a promise.
async fn call(store: &JsValue, method: &str, args: &[JsValue]) -> Option<JsValue> {
    let f: Function = Reflect::get(store, &method.into()).ok()?.dyn_into().ok()?;
    let array: js_sys::Array = args.iter().collect();
    let value = f.apply(store, &array).ok()?;
    JsFuture::from(Promise::resolve(&value)).await.ok()
}

/// What the store holds, if it is a string.
pub async fn load(store: Option<&JsValue>) -> Option<String> {
    call(store?, "get", &[]).await?.as_string()
}

/// Gives the store `value` to keep for `ttl_seconds`; failures are ignored.
pub async fn save(store: Option<&JsValue>, value: &str, ttl_seconds: u32) {
    if let Some(store) = store {
        let _ = call(store, "put", &[value.into(), ttl_seconds.into()]).await;
    }
}
