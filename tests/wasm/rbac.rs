//! Authorization checks, `exchangeAccessToken` and `attest`, `authenticateRequest`'s export and
//! a shared JWKS store, through the boundary (`docs/rules.md`, "Authorization checks", "Gating a
//! request", "Keys shared across isolates"). Each test uses a fresh alias of emulator 1, so its
//! policy and keys start cold.

use crate::driver::authenticate_request_headers;
use crate::support::*;
use wasm_bindgen_test::*;

const POLICY_ROUTE: &str = "GET /v1/rbac/policy";

async fn put_policy() {
    let policy = json!({"roles": [
        {"role_id": "reader", "description": "", "permissions": [{"resource_id": "documents", "actions": ["read"]}]},
        {"role_id": "admin", "description": "", "permissions": [{"resource_id": "documents", "actions": ["*"]}]}
    ], "resources": [], "scopes": []});
    emu()
        .control("PUT", "/__emulator/rbac/policy", Some(policy))
        .await;
}

async fn member(roles: Value) -> Minted {
    let email = format!("{}@example.com", unique("rbac"));
    let user = emu()
        .control(
            "POST",
            "/__emulator/users",
            Some(json!({"email": email, "roles": roles})),
        )
        .await;
    emu()
        .session_for(user["user_id"].as_str().unwrap(), json!({}))
        .await
}

fn checked(jwt: &str, resource_id: &str, action: &str) -> JsValue {
    js(
        &json!({"session_jwt": jwt, "authorization_check": {"resource_id": resource_id, "action": action}}),
    )
}

#[wasm_bindgen_test]
async fn checks_are_judged_locally_with_one_policy_fetch_and_a_denial_asks_the_api() {
    put_policy().await;
    let base = fresh_alias(emu().url);
    let sessions = client_at(&base);
    let reader = member(json!(["reader"])).await;
    let (policy_before, auth_before) = (
        emu().count(POLICY_ROUTE).await,
        emu().count(AUTH_ROUTE).await,
    );
    let session =
        resolves(sessions.authenticate_jwt_local(checked(&reader.jwt, "documents", "read"))).await;
    assert_eq!(to_json(&session)["roles"], json!(["reader"]));
    let denied =
        rejects(sessions.authenticate_jwt_local(checked(&reader.jwt, "documents", "write"))).await;
    check_error(
        &denied,
        "ClientError",
        "invalid_permissions",
        &refs(&secret_and(&[&reader.jwt])),
    );
    let local =
        resolves(sessions.authenticate_jwt(checked(&reader.jwt, "documents", "read"))).await;
    assert_eq!(
        to_json(&local)["verdict"],
        json!({"authorized": true, "granting_roles": ["reader"]})
    );
    assert_eq!(emu().count(POLICY_ROUTE).await - policy_before, 1);
    assert_eq!(emu().count(AUTH_ROUTE).await - auth_before, 0);
    // A local denial in authenticateJwt goes to the API once, and its 403 is the answer.
    let e = rejects(sessions.authenticate_jwt(checked(&reader.jwt, "documents", "write"))).await;
    check_error(
        &e,
        "StytchError",
        "consumer_session_authorization_error",
        &refs(&secret_and(&[&reader.jwt])),
    );
    assert_eq!(get(&e, "status_code").as_f64(), Some(403.0));
    assert_eq!(emu().count(AUTH_ROUTE).await - auth_before, 1);
}

#[wasm_bindgen_test]
async fn exchange_access_token_and_attest_make_sessions() {
    let sessions = client_at(emu().url);
    let m = member(json!([])).await;
    let token = emu()
        .control(
            "POST",
            "/__emulator/access_tokens",
            Some(json!({"user_id": m.user_id})),
        )
        .await;
    let params = json!({"access_token": token["access_token"], "session_duration_minutes": 30});
    let r = to_json(&resolves(sessions.exchange_access_token(js(&params))).await);
    assert_eq!(r["user_id"], json!(m.user_id));
    assert!(r["session_jwt"]
        .as_str()
        .is_some_and(|j| j.split('.').count() == 3));
    let again = rejects(sessions.exchange_access_token(js(&params))).await;
    check_error(
        &again,
        "StytchError",
        "idp_access_token_could_not_be_exchanged",
        &[SECRET],
    );

    let profile_id = unique("profile");
    let minted = emu()
        .control(
            "POST",
            "/__emulator/trusted_auth_tokens",
            Some(json!({"profile_id": profile_id, "user_id": m.user_id})),
        )
        .await;
    let params =
        json!({"profile_id": profile_id, "token": minted["token"], "session_duration_minutes": 30});
    let r = to_json(&resolves(sessions.attest(js(&params))).await);
    assert_eq!(r["user_id"], json!(m.user_id));
    let again = rejects(sessions.attest(js(&params))).await;
    check_error(
        &again,
        "StytchError",
        "invalid_trusted_auth_token",
        &[SECRET],
    );
    let missing = rejects(sessions.attest(js(&json!({"profile_id": profile_id})))).await;
    check_error(&missing, "ClientError", "invalid_argument", &[SECRET]);
}

#[wasm_bindgen_test]
async fn the_request_gate_admits_refuses_and_never_echoes_the_token() {
    let m = emu().session(json!({})).await;
    let options =
        || js(&json!({"project_id": PROJECT_ID, "secret": SECRET, "custom_base_url": emu().url}));
    let gate = |authorization: Option<String>, cookie: Option<String>| {
        authenticate_request_headers(authorization, cookie, options())
    };
    let ok = to_json(&resolves(gate(Some(format!("Bearer {}", m.jwt)), None)).await);
    assert_eq!(
        (ok["ok"].clone(), ok["session"]["session_id"].clone()),
        (json!(true), json!(m.session_id))
    );
    let ok = to_json(
        &resolves(gate(
            None,
            Some(format!("a=b; stytch_session_jwt={}", m.jwt)),
        ))
        .await,
    );
    assert_eq!(ok["session_jwt"], json!(m.jwt));
    let none = resolves(gate(None, Some("a=b".into()))).await;
    assert_eq!(
        to_json(&none),
        json!({"ok": false, "status": 401, "code": "no_session",
        "body": "{\"error\":\"unauthorized\",\"code\":\"no_session\"}"})
    );
    let forged = format!("{}AAAA", &m.jwt[..m.jwt.len() - 4]);
    let refused = resolves(gate(Some(format!("Bearer {forged}")), None)).await;
    let text = describe(&refused);
    assert_eq!(to_json(&refused)["status"], json!(401));
    assert_eq!(to_json(&refused)["code"], json!("jwt_signature_invalid"));
    check_error(
        &get(&refused, "error"),
        "ClientError",
        "jwt_signature_invalid",
        &refs(&secret_and(&[&forged])),
    );
    assert!(!text.contains(&forged[forged.len() - 40..]), "{text}");
    // Bad options reject; they never become a 401 (without a secret the gate is local-only, a
    // misspelled option is bad).
    let bad = js(&json!({"project_id": PROJECT_ID, "secrt": SECRET}));
    let bad = authenticate_request_headers(None, None, bad);
    check_error(&rejects(bad).await, "ClientError", "invalid_argument", &[]);
}

/// A JS object `{get, put}` over a cell: what the store holds, and how often it was read and
/// written.
struct Store {
    object: JsValue,
    value: std::rc::Rc<std::cell::RefCell<Option<String>>>,
    puts: std::rc::Rc<Cell<u32>>,
    _get: Closure<dyn Fn() -> JsValue>,
    _put: Closure<dyn Fn(JsValue, JsValue)>,
}

fn store(initial: Option<String>) -> Store {
    let value = std::rc::Rc::new(std::cell::RefCell::new(initial));
    let puts = std::rc::Rc::new(Cell::new(0));
    let (v, p) = (value.clone(), puts.clone());
    let get_fn = Closure::<dyn Fn() -> JsValue>::new(move || {
        // An async store: the value through a promise.
        let held = v
            .borrow()
            .clone()
            .map(JsValue::from)
            .unwrap_or(JsValue::UNDEFINED);
        Promise::resolve(&held).into()
    });
    let v = value.clone();
    let put_fn = Closure::<dyn Fn(JsValue, JsValue)>::new(move |value: JsValue, _ttl: JsValue| {
        *v.borrow_mut() = value.as_string();
        p.set(p.get() + 1);
    });
    let object = Object::new();
    set(&object, "get", get_fn.as_ref());
    set(&object, "put", put_fn.as_ref());
    Store {
        object: object.into(),
        value,
        puts,
        _get: get_fn,
        _put: put_fn,
    }
}

#[wasm_bindgen_test]
async fn a_cold_entry_takes_stored_keys_with_no_fetch_and_garbage_changes_nothing() {
    let m = emu().session(json!({})).await;
    let with_store = |base: &str, s: &Store| {
        let options = verify_options(base);
        set(&options, "jwks_store", &s.object);
        options
    };
    // A first cold entry fetches, and gives the store what it fetched.
    let first = store(None);
    let base = fresh_alias(emu().url);
    let before = emu().count(JWKS_ROUTE).await;
    verify(&m.jwt, with_store(&base, &first)).await.unwrap();
    assert_eq!(emu().count(JWKS_ROUTE).await - before, 1);
    assert_eq!(first.puts.get(), 1);
    let held = first.value.borrow().clone().unwrap();
    assert!(held.contains(&base), "the store value names its JWKS URL");
    // Another cold entry for the same JWKS URL (what a fresh isolate is) reads it: no fetch.
    let jwks_url = format!("{base}/v1/sessions/jwks/{PROJECT_ID}");
    let other = fresh_alias(emu().url);
    let other_url = format!("{other}/v1/sessions/jwks/{PROJECT_ID}");
    let second = store(Some(held.replace(&jwks_url, &other_url)));
    let before = emu().count(JWKS_ROUTE).await;
    verify(&m.jwt, with_store(&other, &second)).await.unwrap();
    assert_eq!(
        emu().count(JWKS_ROUTE).await - before,
        0,
        "keys from the store"
    );
    // Garbage: fetched as if there were no store; a forged token is still refused.
    for garbage in ["", "null", "{\"url\":1}", "not json"] {
        let s = store(Some(garbage.to_owned()));
        let base = fresh_alias(emu().url);
        let before = emu().count(JWKS_ROUTE).await;
        verify(&m.jwt, with_store(&base, &s)).await.unwrap();
        let forged = format!("{}AAAA", &m.jwt[..m.jwt.len() - 4]);
        let e = verify(&forged, with_store(&base, &s)).await.unwrap_err();
        check_error(&e, "ClientError", "jwt_signature_invalid", &[]);
        assert_eq!(emu().count(JWKS_ROUTE).await - before, 1, "{garbage}");
    }
    // A store that is not {get, put} is a bad option.
    let options = verify_options(emu().url);
    set(&options, "jwks_store", &JsValue::from_str("kv"));
    let e = verify(&m.jwt, options).await.unwrap_err();
    check_error(&e, "ClientError", "invalid_argument", &[]);
}
