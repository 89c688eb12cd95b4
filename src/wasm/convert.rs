//! JavaScript values to and from the engine: options in through one `JSON.stringify` snapshot,
//! answers out through one `JSON.parse`, errors out as the package's error classes.

use super::calls;
use crate::engine::Answer;
use crate::error::Error;
use crate::json::Value;
use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(module = "/pkg-template/errors.js")]
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
        Error::Stytch(e) => match js_sys::JSON::parse(&e.body) {
            Ok(fields) => make_stytch_error(fields),
            Err(e) => e,
        },
    }
}

/// An answer as a plain JS object: one `JSON.parse` of the JSON the engine made.
pub fn answer_to_js(answer: &Answer) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(&answer.to_json()).map_err(|_| {
        error_to_js(Error::invalid_argument(
            "the answer cannot be converted to JavaScript",
        ))
    })
}

/// `authenticateRequest`'s verdict as a plain object: what `gate` admits the request with, or
/// the refusal with the error it stands for as `error` (for logging: it holds no secret).
pub fn gate_to_js(
    gate: &crate::gate::GateOptions,
    result: crate::error::Result<Answer>,
) -> JsValue {
    match gate.verdict(result, js_sys::Date::now()) {
        Ok(text) => parse_json(&text),
        Err((refusal, error)) => {
            let value = parse_json(&refusal);
            let _ = Reflect::set(&value, &"error".into(), &error_to_js(error));
            value
        }
    }
}

/// JSON text the crate wrote, as a JS value.
pub fn parse_json(text: &str) -> JsValue {
    js_sys::JSON::parse(text).unwrap_or(JsValue::NULL)
}

/// Reads a JS params object as JSON (see [`options_text`]).
pub fn read_options(value: &JsValue, what: &'static str) -> Result<Value, Error> {
    calls::params_value(facts(value), stringify(value).as_deref(), what)
}

/// The JSON text of a JS options object, once the rules on its JavaScript values allow it
/// ([`calls::options_text`]; unparsed: options are parsed once per text, `config_cache`).
pub fn options_text(value: &JsValue, what: &'static str) -> Result<String, Error> {
    let text = stringify(value);
    calls::options_text(facts(value), text.as_deref(), what).map(str::to_owned)
}

/// A `JSON.stringify` snapshot: getters, proxies and cycles are all read (or fail) inside one
/// call that catches, so a hostile object can only produce `invalid_argument`, never an
/// exception escaping the module. Functions and `undefined` drop out, as they would in an
/// HTTP body.
fn stringify(value: &JsValue) -> Option<String> {
    js_sys::JSON::stringify(value).ok()?.as_string()
}

/// The facts about an options value that the rules judge ([`calls::OBJECT`] and the rest).
fn facts(options: &JsValue) -> u32 {
    let mut facts = 0;
    if options.is_object() && !js_sys::Array::is_array(options) {
        facts |= calls::OBJECT;
    }
    if field(options, "fetch").is_some_and(|f| !f.is_function()) {
        facts |= calls::BAD_FETCH;
    }
    if field(options, "jwks_store").is_some() {
        facts |= match store_option(options) {
            Some(_) => calls::STORE,
            None => calls::BAD_STORE,
        };
    }
    facts
}

/// An own field of an object, `None` when absent, `undefined` or `null`.
fn field(object: &JsValue, name: &str) -> Option<JsValue> {
    let value = Reflect::get(object, &JsValue::from_str(name)).ok()?;
    (!value.is_undefined() && !value.is_null()).then_some(value)
}

/// A required string argument.
pub fn string_arg(value: JsValue, name: &'static str) -> Result<String, Error> {
    value
        .as_string()
        .ok_or_else(|| Error::invalid_argument([name, " must be a string"].concat()))
}

/// The `fetch` option, when it is a function ([`options_text`] refuses any other).
pub fn fetch_option(options: &JsValue) -> Option<Function> {
    field(options, "fetch")
        .filter(JsValue::is_function)
        .map(JsCast::unchecked_into)
}

/// The `jwks_store` option, when it is an object with `get` and `put` functions
/// ([`options_text`] refuses any other).
pub fn store_option(options: &JsValue) -> Option<JsValue> {
    let store = field(options, "jwks_store")?;
    let has =
        |name: &str| Reflect::get(&store, &JsValue::from_str(name)).is_ok_and(|f| f.is_function());
    (store.is_object() && has("get") && has("put")).then_some(store)
}

/// The optional `current_date` option (a `Date` or epoch milliseconds) as milliseconds; NaN
/// when it is neither (the engine refuses it).
pub fn current_date_ms(options: &JsValue) -> Option<f64> {
    let value = field(options, "current_date")?;
    Some(match value.dyn_ref::<js_sys::Date>() {
        Some(date) => date.get_time(),
        None => value.as_f64().unwrap_or(f64::NAN),
    })
}
