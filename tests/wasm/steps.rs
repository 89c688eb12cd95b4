//! The exports at the level of their steps (src/protocol.rs): the shape of every step that is
//! not final, the store's wait bound the module gives, a resume of no call, a `fetch` option
//! that ignores its abort, a store that never answers, and the store factories' options.

use crate::driver::store_options;
use crate::support::*;
use stytch_sessions_wasm::internal::protocol::{FETCH, LOAD, LOADED, OBJECT, STORE, WOKE};
use stytch_sessions_wasm::wasm::calls;
use wasm_bindgen_test::*;

/// `tag id JSON`: the tag, the id and the one JSON object of a step that is not final.
fn parts(step: &str) -> (&str, u32, Value) {
    let (head, json) = step.split_once(' ').unwrap_or_else(|| panic!("{step}"));
    let (tag, id) = head.split_at(1);
    let id = id.parse().unwrap_or_else(|_| panic!("{step}"));
    let value: Value = serde_json::from_str(json).unwrap_or_else(|_| panic!("{step}"));
    assert!(value.is_object(), "{step}");
    (tag, id, value)
}

#[wasm_bindgen_test]
async fn steps_are_tag_id_json_and_the_store_wait_is_the_jwks_timeout() {
    let emu = emu();
    let s = emu.session(json!({})).await;
    let options = json!({"project_id": PROJECT_ID, "custom_base_url": fresh_alias(emu.url), "timeout_ms": 300});
    let now = js_sys::Date::now();
    // With a store: the module asks for it first, to be waited for at most the JWKS timeout.
    let step = calls::verify_jwt(
        Some(s.jwt.clone()),
        false,
        OBJECT | STORE,
        Some(options.to_string()),
        None,
        now,
    );
    let (tag, id, args) = parts(&step);
    assert_eq!((tag, args), (LOAD, json!({"wait_ms": 300})), "{step}");
    // An empty store: the module fetches the JWKS, within the timeout.
    let step = calls::resume(id, LOADED, 0, None, now);
    let (tag, id, args) = parts(&step);
    assert_eq!(tag, FETCH, "{step}");
    assert_eq!(args["method"], "GET");
    assert_eq!(args["timeout_ms"], 300);
    assert!(args["url"].as_str().unwrap().ends_with(PROJECT_ID));
    // The call stays in flight until it is resumed; a resume of no call is refused.
    let e = calls::resume(id + 1_000, WOKE, 0, None, now);
    assert!(
        e.starts_with('E') && e.contains("invalid_argument"),
        "a resume of no call: {e}"
    );
    // Resumed with a failure, the call ends, and its id is free.
    let done = calls::resume(
        id,
        stytch_sessions_wasm::internal::protocol::REJECTED,
        0,
        None,
        now,
    );
    assert!(
        done.starts_with('E') && done.contains("network_error"),
        "{done}"
    );
    let e = calls::resume(id, WOKE, 0, None, now);
    assert!(e.starts_with('E'), "a finished call cannot be resumed: {e}");
}

#[wasm_bindgen_test]
async fn a_store_that_never_answers_and_a_fetch_that_ignores_its_abort_are_bounded() {
    let emu = emu();
    let s = emu.session(json!({})).await;
    let (store, _never) = stuck_store();
    let options = js(&json!({
        "project_id": PROJECT_ID, "custom_base_url": fresh_alias(emu.url), "timeout_ms": 300
    }));
    set(&options, "jwks_store", &store);
    let before = emu.count(JWKS_ROUTE).await;
    let started = js_sys::Date::now();
    let session = verify(&s.jwt, options)
        .await
        .unwrap_or_else(|e| panic!("{}", describe(&e)));
    let elapsed = js_sys::Date::now() - started;
    assert_eq!(session["session_id"], s.session_id.as_str());
    assert_eq!(emu.count(JWKS_ROUTE).await - before, 1);
    assert!(
        (500.0..3000.0).contains(&elapsed),
        "get and put waited for {elapsed} ms"
    );

    // A fetch option whose promise never settles: a timeout when the time is up.
    let never = Closure::<dyn Fn() -> JsValue>::new(|| Promise::new(&mut |_, _| {}).into());
    let options = js(
        &json!({"project_id": PROJECT_ID, "secret": SECRET, "custom_base_url": emu.url, "timeout_ms": 300}),
    );
    set(&options, "fetch", never.as_ref());
    let c = JsClient::new(options).unwrap().sessions();
    let elapsed = authenticate_times_out(&c, &s.token).await;
    assert!(
        (250.0..2500.0).contains(&elapsed),
        "stopped waiting after {elapsed} ms"
    );
}

#[wasm_bindgen_test]
fn store_factories_take_only_a_key() {
    for kind in [0, 1] {
        store_options(kind, &js(&json!({"key": "jwks"}))).unwrap();
        store_options(kind, &js(&json!({}))).unwrap();
        for bad in [json!({"ttl": 60}), json!([1]), json!("key"), json!(null)] {
            let e = store_options(kind, &js(&bad)).expect_err("refused");
            check_error(&e, "ClientError", "invalid_argument", &[]);
            let message = get_str(&e, "message").unwrap();
            let factory = if kind == 0 {
                "cacheApiJwksStore"
            } else {
                "kvJwksStore"
            };
            assert!(message.contains(factory), "{message}");
        }
    }
}
