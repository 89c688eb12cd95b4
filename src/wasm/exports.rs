//! What JavaScript imports: `Client` (with `client.sessions.*`) and `verifyJwt`. Each export
//! reads its arguments into an engine [`Operation`] and hands it to [`run`].

use super::convert::{current_date_ms, error_to_js, fetch_option, read_options, string_arg};
use super::drive::run;
use crate::api::*;
use crate::config::Config;
use crate::engine::Operation;
use crate::error::Error;
use js_sys::{Function, Promise};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// What every `client.sessions` call shares.
struct Inner {
    config: Rc<Config>,
    fetch: Option<Function>,
}

/// A Stytch Sessions client. Create one per request or share one: keys are cached in module
/// memory either way.
#[wasm_bindgen(js_name = Client)]
pub struct JsClient {
    inner: Rc<Inner>,
    /// `client.sessions`: one object per client, freed with it (see `Drop`).
    sessions: JsValue,
}

#[wasm_bindgen(js_class = Client)]
impl JsClient {
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<JsClient, JsValue> {
        let build = || -> Result<JsClient, Error> {
            let fetch = fetch_option(&options)?;
            let config = Config::from_client_options(&read_options(&options, "Client options")?)?;
            let inner = Rc::new(Inner {
                config: Rc::new(config),
                fetch,
            });
            Ok(JsClient {
                sessions: Sessions {
                    inner: inner.clone(),
                }
                .into(),
                inner,
            })
        };
        build().map_err(error_to_js)
    }

    /// The Sessions API: `authenticate`, `authenticateJwt`, `authenticateJwtLocal`, `get`,
    /// `getJWKS`, `migrate`, `revoke`, `exchangeAccessToken`, `attest`.
    #[wasm_bindgen(getter = sessions)]
    pub fn sessions_js(&self) -> JsValue {
        self.sessions.clone()
    }
}

impl JsClient {
    /// The Sessions API for Rust callers (a new handle on the same client).
    pub fn sessions(&self) -> Sessions {
        Sessions {
            inner: self.inner.clone(),
        }
    }
}

/// `client.free()` frees `client.sessions` too. Without this, a host that runs no finalizers
/// (Cloudflare Workers without `enable_weak_ref`) would keep every per-request client alive
/// through its `sessions` object.
impl Drop for JsClient {
    fn drop(&mut self) {
        let free = js_sys::Reflect::get(&self.sessions, &"free".into()).ok();
        if let Some(free) = free.as_ref().and_then(|f| f.dyn_ref::<Function>()) {
            let _ = free.call0(&self.sessions);
        }
    }
}

/// `client.sessions`.
#[wasm_bindgen]
pub struct Sessions {
    inner: Rc<Inner>,
}

impl Sessions {
    /// Reads `params` with `read` and runs the operation it makes.
    fn call(
        &self,
        params: &JsValue,
        what: &'static str,
        read: impl FnOnce(&crate::json::Value) -> Result<Operation, Error>,
    ) -> Promise {
        match read_options(params, what).and_then(|v| read(&v)) {
            Ok(operation) => run(
                self.inner.config.clone(),
                operation,
                self.inner.fetch.clone(),
            ),
            Err(e) => Promise::reject(&error_to_js(e)),
        }
    }
}

#[wasm_bindgen]
impl Sessions {
    /// Authenticates a session token or JWT with the API (`POST /v1/sessions/authenticate`).
    pub fn authenticate(&self, params: JsValue) -> Promise {
        self.call(&params, "authenticate params", |v| {
            AuthenticateParams::from_value(v).map(Operation::Authenticate)
        })
    }

    /// Verifies a session JWT locally; asks the API only when the token is genuine but too old,
    /// expired, or the keys cannot be had.
    #[wasm_bindgen(js_name = authenticateJwt)]
    pub fn authenticate_jwt(&self, params: JsValue) -> Promise {
        self.call(&params, "authenticateJwt params", |v| {
            AuthenticateJwtParams::from_value(v).map(Operation::AuthenticateJwt)
        })
    }

    /// Verifies a session JWT locally only (the API is called only to fetch keys).
    #[wasm_bindgen(js_name = authenticateJwtLocal)]
    pub fn authenticate_jwt_local(&self, params: JsValue) -> Promise {
        let current_date = current_date_ms(&params);
        self.call(&params, "authenticateJwtLocal params", |v| {
            let f = Fields::of(v, "authenticateJwtLocal params")?;
            Ok(Operation::VerifyJwt {
                token: f.required_string("session_jwt")?,
                params: LocalJwtParams::from_fields(&f, current_date)?,
            })
        })
    }

    /// Lists a user's live sessions (`GET /v1/sessions?user_id=`).
    pub fn get(&self, params: JsValue) -> Promise {
        self.call(&params, "get params", |v| {
            let user_id = Fields::of(v, "get params")?.required_string("user_id")?;
            Ok(Operation::Get { user_id })
        })
    }

    /// The project's public keys (`GET /v1/sessions/jwks/{project_id}`).
    #[wasm_bindgen(js_name = getJWKS)]
    pub fn get_jwks(&self, params: JsValue) -> Promise {
        self.call(&params, "getJWKS params", |v| {
            let project_id = Fields::of(v, "getJWKS params")?.required_string("project_id")?;
            Ok(Operation::GetJwks { project_id })
        })
    }

    /// Migrates a session from an external OIDC provider (`POST /v1/sessions/migrate`).
    pub fn migrate(&self, params: JsValue) -> Promise {
        self.call(&params, "migrate params", |v| {
            MigrateParams::from_value(v).map(Operation::Migrate)
        })
    }

    /// Exchanges a Connected Apps access token for a session
    /// (`POST /v1/sessions/exchange_access_token`).
    #[wasm_bindgen(js_name = exchangeAccessToken)]
    pub fn exchange_access_token(&self, params: JsValue) -> Promise {
        self.call(&params, "exchangeAccessToken params", |v| {
            ExchangeAccessTokenParams::from_value(v).map(Operation::ExchangeAccessToken)
        })
    }

    /// Exchanges a trusted auth token for a session (`POST /v1/sessions/attest`).
    pub fn attest(&self, params: JsValue) -> Promise {
        self.call(&params, "attest params", |v| {
            AttestParams::from_value(v).map(Operation::Attest)
        })
    }

    /// Revokes a session by id, token or JWT (`POST /v1/sessions/revoke`).
    pub fn revoke(&self, params: JsValue) -> Promise {
        self.call(&params, "revoke params", |v| {
            RevokeParams::from_value(v).map(Operation::Revoke)
        })
    }
}

/// Verifies a Stytch session JWT with the project's public keys and returns its session. Needs
/// no secret: this is what an edge worker calls to gate a request.
#[wasm_bindgen(js_name = verifyJwt)]
pub fn verify_jwt(session_jwt: JsValue, options: JsValue) -> Promise {
    let read = || -> Result<(Config, Operation, Option<Function>), Error> {
        let token = string_arg(session_jwt, "session_jwt")?;
        let fetch = fetch_option(&options)?;
        let current_date = current_date_ms(&options);
        let value = read_options(&options, "verifyJwt options")?;
        let f = Fields::of(&value, "verifyJwt options")?;
        let config = Config::from_verify_options(&f)?;
        let params = LocalJwtParams::from_fields(&f, current_date)?;
        Ok((config, Operation::VerifyJwt { token, params }, fetch))
    };
    match read() {
        Ok((config, operation, fetch)) => run(Rc::new(config), operation, fetch),
        Err(e) => Promise::reject(&error_to_js(e)),
    }
}
