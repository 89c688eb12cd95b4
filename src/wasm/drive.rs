//! One loop drives every operation: step the engine, send what it asks for with the host's
//! `fetch`, wait when it says so, until it answers. A call the engine answers at its first step
//! (a token it verified before) settles without the async executor.

use super::convert::{answer_to_js, error_to_js};
use super::fetch::{send, sleep};
use super::ENGINE;
use crate::config::Config;
use crate::engine::{Call, Input, Next, Operation};
use js_sys::{Function, Promise};
use std::rc::Rc;
use wasm_bindgen_futures::future_to_promise;

fn step(call: &mut Call, input: Input) -> Next {
    ENGINE.with(|engine| call.step(&mut engine.borrow_mut(), input, js_sys::Date::now()))
}

/// Runs `operation` for `config`, fetching with `fetch` (or the global `fetch`).
pub fn run(config: Rc<Config>, operation: Operation, fetch: Option<Function>) -> Promise {
    let mut call = Call::new(config, operation);
    let mut next = step(&mut call, Input::Start);
    if let Next::Done(result) = next {
        return match result.map_err(error_to_js).and_then(|a| answer_to_js(&a)) {
            Ok(value) => Promise::resolve(&value),
            Err(error) => Promise::reject(&error),
        };
    }
    future_to_promise(async move {
        loop {
            let input = match next {
                Next::Done(result) => {
                    return result.map_err(error_to_js).and_then(|a| answer_to_js(&a));
                }
                Next::Send(request) => Input::Response(send(fetch.as_ref(), request).await),
                Next::Wait(ms) => {
                    sleep(ms).await;
                    Input::Woke
                }
            };
            next = step(&mut call, input);
        }
    })
}
