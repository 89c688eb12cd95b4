//! What JavaScript imports. Every export is a function that holds nothing in wasm memory once
//! its call settles, so a client made per request cannot leak (Workers run no finalizers): the
//! package's `Client` is a JavaScript object that keeps its options and calls
//! [`sessions_call`]. Each export reads its arguments into an engine [`Operation`] and hands it
//! to [`run`].
//!
//! [`JsClient`] and [`Sessions`] are the same client for Rust code compiled to wasm.

use super::config_cache;
use super::convert::options_text;
use super::convert::parse_json;
use super::convert::string_arg;
use super::convert::{current_date_ms, error_to_js, fetch_option, read_options, store_option};
use super::drive::{run, Finish, Io};
use super::operations::operation;
use crate::config::Config;
use crate::engine::Operation;
use crate::error::Error;
use crate::gate::{self, GateOptions};
use js_sys::Promise;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};

/// Checks `new Client(options)` and returns the options as the JSON text every call passes
/// back: `fetch` and `jwks_store` are the caller's to keep (they are not JSON).
pub fn client_options(options: JsValue) -> Result<String, JsValue> {
    let read = || -> Result<String, Error> {
        let text = options_text(&options, "Client options")?;
        config_cache::client(&text, false)?;
        Ok(text)
    };
    read().map_err(error_to_js)
}

/// `client.sessions[op](params)` for a client made with `options` (the text
/// [`client_options`] returned), fetching with `fetch` and sharing keys through `store`.
pub fn sessions_call(
    op: &str,
    options: &str,
    fetch: JsValue,
    store: JsValue,
    params: JsValue,
) -> Promise {
    let io = Io {
        fetch: fetch.dyn_into().ok(),
        store: (!store.is_undefined() && !store.is_null()).then_some(store),
    };
    let read = |what: &'static str| read_options(&params, what);
    let operation = config_cache::client(options, io.store.is_some())
        .and_then(|config| Ok((config, operation(op, read, current_date_ms(&params))?)));
    match operation {
        Ok((config, operation)) => run(config, operation, io, Finish::Answer),
        Err(e) => Promise::reject(&error_to_js(e)),
    }
}

/// Verifies a Stytch session JWT with the project's public keys and returns its session. Needs
/// no secret (unless it judges an `authorization_check`): this is what an edge worker calls to
/// gate a request.
pub fn verify_jwt(session_jwt: JsValue, options: JsValue) -> Promise {
    let read = || -> Result<(Rc<Config>, Operation, Io), Error> {
        let token = string_arg(session_jwt, "session_jwt")?;
        let text = options_text(&options, "verifyJwt options")?;
        let io = Io {
            fetch: fetch_option(&options),
            store: store_option(&options),
        };
        let current_date = current_date_ms(&options);
        let (config, params) = config_cache::verify(&text, io.store.is_some(), current_date)?;
        Ok((config, Operation::VerifyJwt { token, params }, io))
    };
    match read() {
        Ok((config, operation, io)) => run(config, operation, io, Finish::Answer),
        Err(e) => Promise::reject(&error_to_js(e)),
    }
}

/// `authenticateRequest(request, options)` once the package has read the request's
/// `Authorization` and `Cookie` headers: resolves `{ok: true, session, session_jwt, verdict?,
/// set_cookie?}` or `{ok: false, status, code, body, error?}` (see [`crate::gate`]); rejects
/// only for bad options.
pub fn authenticate_request_headers(
    authorization: Option<String>,
    cookie: Option<String>,
    options: JsValue,
) -> Promise {
    let read = || -> Result<(Rc<Config>, GateOptions, Io), Error> {
        let text = options_text(&options, "authenticateRequest options")?;
        let io = Io {
            fetch: fetch_option(&options),
            store: store_option(&options),
        };
        let (config, gate_options) = config_cache::gate(&text, io.store.is_some())?;
        Ok((config, gate_options, io))
    };
    let (config, mut gate_options, io) = match read() {
        Ok(read) => read,
        Err(e) => return Promise::reject(&error_to_js(e)),
    };
    let Some(operation) = gate_options.operation(authorization.as_deref(), cookie.as_deref())
    else {
        return Promise::resolve(&parse_json(&gate::refused(401, gate::NO_SESSION)));
    };
    run(config, operation, io, Finish::Gate(Box::new(gate_options)))
}

/// A Stytch Sessions client for Rust code compiled to wasm: the options it was made with and
/// its host objects, nothing in the engine.
#[derive(Clone)]
pub struct JsClient {
    options: Rc<str>,
    fetch: JsValue,
    store: JsValue,
}

impl JsClient {
    /// `new Client(options)`.
    pub fn new(options: JsValue) -> Result<JsClient, JsValue> {
        let text = client_options(options.clone())?;
        let get = |name: &str| js_sys::Reflect::get(&options, &name.into()).unwrap_or_default();
        Ok(JsClient {
            options: Rc::from(text),
            fetch: get("fetch"),
            store: get("jwks_store"),
        })
    }

    /// `client.sessions`.
    pub fn sessions(&self) -> Sessions {
        Sessions(self.clone())
    }
}

/// `client.sessions`, for Rust code compiled to wasm.
pub struct Sessions(JsClient);

macro_rules! sessions_methods {
    ($($method:ident => $op:literal),* $(,)?) => {
        impl Sessions {
            $(
                #[doc = concat!("`client.sessions.", $op, "(params)`.")]
                pub fn $method(&self, params: JsValue) -> Promise {
                    let c = &self.0;
                    sessions_call($op, &c.options, c.fetch.clone(), c.store.clone(), params)
                }
            )*
        }
    };
}

sessions_methods! {
    authenticate => "authenticate",
    authenticate_jwt => "authenticateJwt",
    authenticate_jwt_local => "authenticateJwtLocal",
    get => "get",
    get_jwks => "getJWKS",
    migrate => "migrate",
    revoke => "revoke",
    exchange_access_token => "exchangeAccessToken",
    attest => "attest",
}
