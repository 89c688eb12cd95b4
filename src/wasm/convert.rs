//! JavaScript values to and from Rust: options in (strictly typed, errors redacted), results out
//! as plain JSON-compatible objects (never `Map`s), errors out as the package's error classes.

use crate::error::Error;
use js_sys::{Function, Reflect};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(module = "/src/wasm/errors.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeStytchError)]
    fn make_stytch_error(fields: JsValue) -> JsValue;
    #[wasm_bindgen(js_name = makeRequestError)]
    fn make_request_error(code: &str, message: &str) -> JsValue;
    #[wasm_bindgen(js_name = makeClientError)]
    fn make_client_error(code: &str, message: &str, claim: Option<String>) -> JsValue;
}

/// The JS error object for an [`Error`].
pub fn error_to_js(error: Error) -> JsValue {
    match error {
        Error::Client {
            code,
            message,
            claim,
        } => make_client_error(code.as_str(), &message, claim.map(str::to_owned)),
        Error::Request { code, message } => make_request_error(code.as_str(), &message),
        Error::Stytch(e) => match to_js(&*e) {
            Ok(fields) => make_stytch_error(fields),
            Err(e) => e,
        },
    }
}

/// A Rust value as a plain JS object, through JSON: one `JSON.parse` of a string serde_json wrote
/// is faster than building the object property by property across the boundary, and keeps one
/// serializer in the module instead of two.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    serde_json::to_string(value)
        .ok()
        .and_then(|json| js_sys::JSON::parse(&json).ok())
        .ok_or_else(|| {
            error_to_js(Error::invalid_argument(
                "result cannot be converted to JavaScript",
            ))
        })
}

/// Reads a JS options object into `T` through a `JSON.stringify` snapshot: getters, proxies
/// and cycles are all read (or fail) inside one call that catches, so a hostile object can only
/// produce `invalid_argument`, never an exception escaping the module. Functions and `undefined`
/// drop out, as they would in an HTTP body. Messages name the field, never a value given.
pub fn from_js<T: DeserializeOwned>(value: &JsValue, what: &str) -> Result<T, Error> {
    if !value.is_object() || value.is_function() || js_sys::Array::is_array(value) {
        return Err(Error::invalid_argument(format!("{what} must be an object")));
    }
    let json = js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| Error::invalid_argument(format!("{what} cannot be read as JSON")))?;
    serde_json::from_str(&json)
        .map_err(|e| Error::invalid_argument(format!("{what}: {}", redact(&e.to_string()))))
}

/// Drops double-quoted text (a user's string value, perhaps a token) from a serde message;
/// field names (in backticks) stay.
fn redact(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(200));
    let mut quoted = false;
    for c in message.chars().take(400) {
        match c {
            '"' => {
                quoted = !quoted;
                out.push(c);
                if quoted {
                    out.push('…');
                }
            }
            _ if quoted => {}
            _ => out.push(c),
        }
    }
    out
}

/// An own field of an object, `None` when absent, `undefined` or `null`.
pub fn field(object: &JsValue, name: &str) -> Option<JsValue> {
    let value = Reflect::get(object, &JsValue::from_str(name)).ok()?;
    (!value.is_undefined() && !value.is_null()).then_some(value)
}

/// A required string argument.
pub fn string_arg(value: JsValue, name: &str) -> Result<String, Error> {
    value
        .as_string()
        .ok_or_else(|| Error::invalid_argument(format!("{name} must be a string")))
}

/// The optional `fetch` option.
pub fn fetch_option(options: &JsValue) -> Result<Option<Function>, Error> {
    field(options, "fetch")
        .map(|f| {
            f.dyn_into::<Function>()
                .map_err(|_| Error::invalid_argument("fetch must be a function"))
        })
        .transpose()
}

/// The optional `current_date` option (a `Date` or epoch milliseconds) as milliseconds.
pub fn current_date_ms(options: &JsValue) -> Result<Option<f64>, Error> {
    let Some(value) = field(options, "current_date") else {
        return Ok(None);
    };
    let ms = match value.dyn_ref::<js_sys::Date>() {
        Some(date) => date.get_time(),
        None => value.as_f64().unwrap_or(f64::NAN),
    };
    if ms.is_finite() {
        Ok(Some(ms))
    } else {
        Err(Error::invalid_argument("current_date must be a valid Date"))
    }
}
