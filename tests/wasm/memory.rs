//! Memory: a Client made per request must not grow the module's memory.

use crate::support::*;
use wasm_bindgen_test::*;

/// `client.sessions` is one object per client, and `client.free()` frees it too: a Worker that
/// makes a Client per request (and runs no finalizers: Cloudflare Workers without
/// `enable_weak_ref`) must not grow its wasm memory per request.
#[wasm_bindgen_test]
fn a_client_per_request_does_not_grow_wasm_memory() {
    let options = js(
        &json!({"project_id": PROJECT_ID, "secret": SECRET, "custom_base_url": "http://127.0.0.1:9"}),
    );
    let memory_bytes = || {
        let buffer = Reflect::get(&wasm_bindgen::memory(), &"buffer".into()).unwrap();
        Reflect::get(&buffer, &"byteLength".into())
            .unwrap()
            .as_f64()
            .unwrap()
    };
    let one = |check: bool| {
        let client: JsValue = JsClient::new(options.clone()).unwrap().into();
        let sessions = Reflect::get(&client, &"sessions".into()).unwrap();
        if check {
            let again = Reflect::get(&client, &"sessions".into()).unwrap();
            assert!(
                Object::is(&sessions, &again),
                "client.sessions is one object"
            );
            assert!(Reflect::get(&sessions, &"authenticateJwt".into())
                .unwrap()
                .is_function());
        }
        let free: Function = Reflect::get(&client, &"free".into())
            .unwrap()
            .dyn_into()
            .unwrap();
        free.call0(&client).unwrap();
    };
    one(true);
    for _ in 0..2_000 {
        one(false);
    }
    let before = memory_bytes();
    for _ in 0..20_000 {
        one(false);
    }
    let grown = memory_bytes() - before;
    console_log!("wasm memory growth over 20,000 clients: {grown} bytes");
    assert!(grown < 1024.0 * 1024.0, "wasm memory grew by {grown} bytes");
}
