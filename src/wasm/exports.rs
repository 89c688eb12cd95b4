//! What JavaScript imports: `Client` (with `client.sessions.*`) and `verifyJwt`.

use super::convert::{current_date_ms, error_to_js, fetch_option, from_js, string_arg, to_js};
use super::fetch::JsHost;
use crate::api::*;
use crate::client::{self, Config};
use crate::error::Error;
use crate::jwk::Jwk;
use crate::session::SharedSession;
use js_sys::Promise;
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::future_to_promise;

/// The options of `new Client(…)` that serde reads (`fetch` is read separately).
#[derive(Deserialize)]
struct ClientOptions {
    project_id: String,
    secret: String,
    #[serde(default)]
    custom_base_url: Option<String>,
    #[serde(default)]
    timeout_ms: Option<u32>,
    #[serde(default)]
    jwks: Option<Vec<Jwk>>,
}

/// The options of `verifyJwt` that serde reads.
#[derive(Deserialize)]
struct VerifyOptions {
    project_id: String,
    #[serde(default)]
    custom_base_url: Option<String>,
    #[serde(default)]
    jwks: Option<Vec<Jwk>>,
    #[serde(default)]
    max_token_age_seconds: Option<u64>,
    #[serde(default)]
    clock_tolerance_seconds: Option<u64>,
    /// JWKS fetch timeout (default 5 000 ms); an extension of the contract's option list.
    #[serde(default)]
    timeout_ms: Option<u32>,
}

#[derive(Deserialize)]
struct LocalOptions {
    session_jwt: String,
    #[serde(default)]
    max_token_age_seconds: Option<u64>,
    #[serde(default)]
    clock_tolerance_seconds: Option<u64>,
}

#[derive(Deserialize)]
struct UserIdParams {
    user_id: String,
}

#[derive(Deserialize)]
struct ProjectIdParams {
    project_id: String,
}

type Inner = Rc<client::Client<JsHost>>;

/// A Stytch Sessions client. Create one per request or share one: keys are cached in module
/// memory either way.
#[wasm_bindgen(js_name = Client)]
pub struct JsClient {
    inner: Inner,
    /// `client.sessions`: one object per client, freed with it (see `Drop`).
    sessions: JsValue,
}

#[wasm_bindgen(js_class = Client)]
impl JsClient {
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<JsClient, JsValue> {
        let build = || -> Result<JsClient, Error> {
            let fetch = fetch_option(&options)?;
            let o: ClientOptions = from_js(&options, "Client options")?;
            let mut config =
                Config::new(&o.project_id, Some(&o.secret), o.custom_base_url.as_deref())?;
            if let Some(ms) = o.timeout_ms {
                config.set_timeout_ms(ms);
            }
            if let Some(jwks) = &o.jwks {
                config.seed_jwks(jwks, js_sys::Date::now());
            }
            let inner = Rc::new(client::Client::new(config, JsHost { fetch }));
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
    /// `getJWKS`, `migrate`, `revoke`.
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
        if let Some(free) = free.as_ref().and_then(|f| f.dyn_ref::<js_sys::Function>()) {
            let _ = free.call0(&self.sessions);
        }
    }
}

/// `client.sessions`.
#[wasm_bindgen]
pub struct Sessions {
    inner: Inner,
}

/// Runs `body` as a Promise, turning errors into the package's error classes.
fn promise<T, F>(body: F) -> Promise
where
    T: Serialize,
    F: Future<Output = Result<T, Error>> + 'static,
{
    future_to_promise(async move {
        match body.await {
            Ok(value) => to_js(&value),
            Err(error) => Err(error_to_js(error)),
        }
    })
}

/// A verified session for JavaScript: one `JSON.parse` of the JSON made when it was verified.
fn session_to_js(session: &SharedSession) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(&session.json).map_err(|_| {
        error_to_js(Error::invalid_argument(
            "session cannot be converted to JavaScript",
        ))
    })
}

/// Runs `body`, which yields a verified session, as a Promise.
fn session_promise<F>(body: F) -> Promise
where
    F: Future<Output = Result<Rc<SharedSession>, Error>> + 'static,
{
    future_to_promise(async move {
        match body.await {
            Ok(session) => session_to_js(&session),
            Err(error) => Err(error_to_js(error)),
        }
    })
}

#[wasm_bindgen]
impl Sessions {
    /// Authenticates a session token or JWT with the API (`POST /v1/sessions/authenticate`).
    pub fn authenticate(&self, params: JsValue) -> Promise {
        let inner = self.inner.clone();
        promise(async move {
            let p: AuthenticateParams = from_js(&params, "authenticate params")?;
            inner.authenticate(&p).await
        })
    }

    /// Verifies a session JWT locally; asks the API only when the token is genuine but too old,
    /// expired, signed by an unknown key, or keys are unreachable.
    #[wasm_bindgen(js_name = authenticateJwt)]
    pub fn authenticate_jwt(&self, params: JsValue) -> Promise {
        let p: AuthenticateJwtParams = match from_js(&params, "authenticateJwt params") {
            Ok(p) => p,
            Err(e) => return Promise::reject(&error_to_js(e)),
        };
        // A token verified before, still in time: answered now, without the async executor.
        if let Some(result) = self.inner.authenticate_jwt_now(&p) {
            return settle(
                result
                    .map_err(error_to_js)
                    .and_then(|r| jwt_response_to_js(&r)),
            );
        }
        let inner = self.inner.clone();
        future_to_promise(async move {
            let response = inner.authenticate_jwt(&p).await.map_err(error_to_js)?;
            jwt_response_to_js(&response)
        })
    }

    /// Verifies a session JWT locally only (the API is called only to fetch keys).
    #[wasm_bindgen(js_name = authenticateJwtLocal)]
    pub fn authenticate_jwt_local(&self, params: JsValue) -> Promise {
        let (token, local) = match local_params(params) {
            Ok(p) => p,
            Err(e) => return Promise::reject(&error_to_js(e)),
        };
        let config = self.inner.config();
        if let Some(result) =
            client::verify_remembered_now(config, self.inner.host(), &token, &local)
        {
            return settle(result.map_err(error_to_js).and_then(|s| session_to_js(&s)));
        }
        let inner = self.inner.clone();
        session_promise(async move { inner.authenticate_jwt_local(&token, &local).await })
    }

    /// Lists a user's live sessions (`GET /v1/sessions?user_id=`).
    pub fn get(&self, params: JsValue) -> Promise {
        let inner = self.inner.clone();
        promise(async move {
            let p: UserIdParams = from_js(&params, "get params")?;
            inner.get(&p.user_id).await
        })
    }

    /// The project's public keys (`GET /v1/sessions/jwks/{project_id}`).
    #[wasm_bindgen(js_name = getJWKS)]
    pub fn get_jwks(&self, params: JsValue) -> Promise {
        let inner = self.inner.clone();
        promise(async move {
            let p: ProjectIdParams = from_js(&params, "getJWKS params")?;
            inner.get_jwks(&p.project_id).await
        })
    }

    /// Migrates a session from an external OIDC provider (`POST /v1/sessions/migrate`).
    pub fn migrate(&self, params: JsValue) -> Promise {
        let inner = self.inner.clone();
        promise(async move {
            let p: MigrateParams = from_js(&params, "migrate params")?;
            inner.migrate(&p).await
        })
    }

    /// Revokes a session by id, token or JWT (`POST /v1/sessions/revoke`).
    pub fn revoke(&self, params: JsValue) -> Promise {
        let inner = self.inner.clone();
        promise(async move {
            let p: RevokeParams = from_js(&params, "revoke params")?;
            inner.revoke(&p).await
        })
    }
}

fn local_params(params: JsValue) -> Result<(String, LocalJwtParams), Error> {
    let current_date_ms = current_date_ms(&params)?;
    let o: LocalOptions = from_js(&params, "params")?;
    Ok((
        o.session_jwt,
        LocalJwtParams {
            max_token_age_seconds: o.max_token_age_seconds,
            clock_tolerance_seconds: o.clock_tolerance_seconds,
            current_date_ms,
        },
    ))
}

/// Verifies a Stytch session JWT with the project's public keys and returns its session. Needs
/// no secret: this is what an edge worker calls to gate a request.
#[wasm_bindgen(js_name = verifyJwt)]
pub fn verify_jwt(session_jwt: JsValue, options: JsValue) -> Promise {
    let (token, config, params, host) = match verify_args(session_jwt, &options) {
        Ok(args) => args,
        Err(e) => return Promise::reject(&error_to_js(e)),
    };
    // A token verified before, re-judged against the clock: answered now.
    if let Some(result) = client::verify_remembered_now(&config, &host, &token, &params) {
        return settle(result.map_err(error_to_js).and_then(|s| session_to_js(&s)));
    }
    session_promise(async move { client::verify_jwt(&config, &host, &token, &params).await })
}

type VerifyArgs = (String, Config, LocalJwtParams, JsHost);

fn verify_args(session_jwt: JsValue, options: &JsValue) -> Result<VerifyArgs, Error> {
    let token = string_arg(session_jwt, "session_jwt")?;
    let fetch = fetch_option(options)?;
    let current_date_ms = current_date_ms(options)?;
    let o: VerifyOptions = from_js(options, "verifyJwt options")?;
    let mut config = Config::new(&o.project_id, None, o.custom_base_url.as_deref())?;
    if let Some(ms) = o.timeout_ms {
        config.jwks_timeout_ms = ms;
    }
    if let Some(jwks) = &o.jwks {
        config.seed_jwks(jwks, js_sys::Date::now());
    }
    let params = LocalJwtParams {
        max_token_age_seconds: o.max_token_age_seconds,
        clock_tolerance_seconds: o.clock_tolerance_seconds,
        current_date_ms,
    };
    Ok((token, config, params, JsHost { fetch }))
}

/// A settled Promise for a result known now.
fn settle(result: Result<JsValue, JsValue>) -> Promise {
    match result {
        Ok(value) => Promise::resolve(&value),
        Err(error) => Promise::reject(&error),
    }
}

/// `authenticateJwt`'s answer for JavaScript: `{session, session_jwt}` when verified locally
/// (the session's JSON made once, at verification), the API's whole answer otherwise.
fn jwt_response_to_js(response: &AuthenticateJwtResponse) -> Result<JsValue, JsValue> {
    match response {
        AuthenticateJwtResponse::Local {
            session,
            session_jwt,
        } => {
            let out = js_sys::Object::new();
            js_sys::Reflect::set(&out, &"session".into(), &session_to_js(session)?)?;
            js_sys::Reflect::set(&out, &"session_jwt".into(), &session_jwt.into())?;
            Ok(out.into())
        }
        remote => to_js(remote),
    }
}
