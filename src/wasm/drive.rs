//! One loop drives every operation: step the engine, send what it asks for with the host's
//! `fetch`, wait when it says so, read or update the shared JWKS store when it says so, until it
//! answers. A call the engine answers at its first step (a token it verified before) settles
//! without the async executor.

use super::convert::error_to_js;
use super::fetch::{send, sleep};
use super::store::{load, save};
use super::ENGINE;
use crate::config::Config;
use crate::engine::{Answer, Call, Input, Next, Operation};
use crate::error::Result;
use crate::gate::GateOptions;
use js_sys::{Function, Promise};
use std::rc::Rc;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::future_to_promise;

/// The host objects a call uses: its `fetch` (or the global one) and its shared JWKS store.
#[derive(Clone, Default)]
pub struct Io {
    pub fetch: Option<Function>,
    pub store: Option<JsValue>,
}

fn step(call: &mut Call, input: Input) -> Next {
    ENGINE.with(|engine| call.step(&mut engine.borrow_mut(), input, js_sys::Date::now()))
}

/// How a call's result becomes what its promise settles with.
pub enum Finish {
    /// The answer as a plain object, or the error as the package's error class.
    Answer,
    /// `authenticateRequest`'s verdict on the request (see [`crate::gate`]).
    Gate(Box<GateOptions>),
}

impl Finish {
    fn settle(self, result: Result<Answer>) -> std::result::Result<JsValue, JsValue> {
        match self {
            Self::Answer => result
                .map_err(error_to_js)
                .and_then(|a| super::convert::answer_to_js(&a)),
            Self::Gate(gate) => Ok(super::convert::gate_to_js(&gate, result)),
        }
    }
}

/// Runs `operation` for `config` with `io`, and settles as `finish` says.
pub fn run(config: Rc<Config>, operation: Operation, io: Io, finish: Finish) -> Promise {
    let mut call = Call::new(config, operation);
    let mut next = step(&mut call, Input::Start);
    if let Next::Done(result) = next {
        return match finish.settle(result) {
            Ok(value) => Promise::resolve(&value),
            Err(error) => Promise::reject(&error),
        };
    }
    future_to_promise(async move {
        loop {
            let input = match next {
                Next::Done(result) => return finish.settle(result),
                Next::Send(request) => Input::Response(send(io.fetch.as_ref(), request).await),
                Next::Wait(ms) => {
                    sleep(ms).await;
                    Input::Woke
                }
                Next::Load => Input::Loaded(load(io.store.as_ref()).await),
                Next::Save { value, ttl_seconds } => {
                    save(io.store.as_ref(), &value, ttl_seconds).await;
                    Input::Woke
                }
            };
            next = step(&mut call, input);
        }
    })
}
