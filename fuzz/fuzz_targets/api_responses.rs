//! `api_responses`: an HTTP answer (status: the first two bytes, big-endian; body: the rest, lossy
//! UTF-8) through `http::read_response::<T>` for every response type of `api`, and each value
//! back through serde_json. This is the JSON → Rust half of the boundary; the hand-over to
//! JavaScript (src/wasm) only compiles for wasm32 and cannot run under libFuzzer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt::Debug;
use stytch_sessions_wasm::api::{
    AuthenticateResponse, GetResponse, JwksResponse, MigrateResponse, RevokeResponse,
};
use stytch_sessions_wasm::error::StytchError;
use stytch_sessions_wasm::http::{read_response, HttpResponse};
use stytch_sessions_wasm::Error;

fn check<T: DeserializeOwned + Serialize + PartialEq + Debug>(response: &HttpResponse) {
    match read_response::<T>(response, "fuzz") {
        Ok(v) => {
            assert!(response.status < 400, "a value from an error status");
            let json = serde_json::to_string(&v).expect("serialises");
            let back: T = serde_json::from_str(&json).expect("deserialises its own JSON");
            assert_eq!(back, v, "JSON round trip");
        }
        Err(Error::Stytch(e)) => {
            assert!(response.status >= 400, "a Stytch error from a success status");
            let json = serde_json::to_string(&e).expect("serialises");
            let back: StytchError = serde_json::from_str(&json).expect("round trip");
            assert_eq!(&back, &*e);
        }
        Err(e) => assert_eq!(e.code(), "invalid_response"),
    }
}

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data {
        [a, b, rest @ ..] => (u16::from_be_bytes([*a, *b]), rest),
        _ => (200, data),
    };
    let response = HttpResponse { status, body: String::from_utf8_lossy(body).into_owned() };
    check::<AuthenticateResponse>(&response);
    check::<GetResponse>(&response);
    check::<JwksResponse>(&response);
    check::<MigrateResponse>(&response);
    check::<RevokeResponse>(&response);
});
