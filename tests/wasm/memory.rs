//! Memory: a Client made per request must not grow the module's memory.

use crate::support::*;
use wasm_bindgen_test::*;

/// A Worker that makes a Client per request runs no finalizers (Cloudflare Workers without
/// `enable_weak_ref`) and never calls `free()`: a client must hold nothing in wasm memory, so
/// 20,000 clients with one call each leave the memory where it was.
#[wasm_bindgen_test]
fn a_client_per_request_without_free_does_not_grow_wasm_memory() {
    let options = js(
        &json!({"project_id": PROJECT_ID, "secret": SECRET, "custom_base_url": "http://127.0.0.1:9"}),
    );
    let params = js(&json!({"session_jwt": "not.a.jwt"}));
    let memory_bytes = || {
        let buffer = Reflect::get(&wasm_bindgen::memory(), &"buffer".into()).unwrap();
        Reflect::get(&buffer, &"byteLength".into())
            .unwrap()
            .as_f64()
            .unwrap()
    };
    // Handles the rejections, which settle after this test returns: never dropped (one closure).
    let ignore = Closure::<dyn FnMut(JsValue)>::new(|_| {});
    let one = || {
        let client = JsClient::new(options.clone()).unwrap();
        // Refused at the first step (a malformed token): the call settles at once.
        let _ = client
            .sessions()
            .authenticate_jwt_local(params.clone())
            .catch(&ignore);
    };
    for _ in 0..2_000 {
        one();
    }
    let before = memory_bytes();
    for _ in 0..20_000 {
        one();
    }
    let grown = memory_bytes() - before;
    ignore.forget();
    console_log!("wasm memory growth over 20,000 clients: {grown} bytes");
    assert!(grown < 64.0 * 1024.0, "wasm memory grew by {grown} bytes");
}
