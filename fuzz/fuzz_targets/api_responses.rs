//! `api_responses`: an HTTP answer (status: the first two bytes, big-endian; body: the rest, lossy
//! UTF-8) through the engine's `read_answer` for every Sessions endpoint, then into the Rust
//! types a `Client` returns. This is the JSON → Rust half of the boundary; the hand-over to
//! JavaScript (src/wasm) only compiles for wasm32 and cannot run under libFuzzer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stytch_sessions_wasm::access_token::marshal_introspection;
use stytch_sessions_wasm::api::{
    AuthenticateResponse, Endpoint, GetResponse, JwksResponse, MigrateResponse, NewSessionResponse,
    RevokeResponse,
};
use stytch_sessions_wasm::b2b_client::{
    B2bAuthenticateResponse, B2bExchangeResponse, B2bGetResponse, B2bNewSessionResponse,
};
use stytch_sessions_wasm::oauth_client::M2mTokenResponse;
use stytch_sessions_wasm::rbac::Policy;
use stytch_sessions_wasm::engine::read_answer;
use stytch_sessions_wasm::http::HttpResponse;
use stytch_sessions_wasm::internal::json::{parse_object, Value};
use stytch_sessions_wasm::Error;

fn check(endpoint: Endpoint, response: &HttpResponse) {
    match read_answer(endpoint, response.clone()) {
        Ok(body) => {
            assert!(response.status < 400, "a value from an error status");
            assert_eq!(body, response.body, "the answer is passed on as sent");
            let object = parse_object(body.as_bytes()).expect("an accepted answer is an object");
            for (name, kind) in endpoint.required() {
                assert!(object.get(name).is_some_and(|v: &Value| kind.matches(v)), "{name}");
            }
            // The typed Rust answers may refuse it, but never panic.
            let _ = match endpoint {
                Endpoint::Authenticate => serde_json::from_str::<AuthenticateResponse>(&body).is_ok(),
                Endpoint::Get => serde_json::from_str::<GetResponse>(&body).is_ok(),
                Endpoint::GetJwks => serde_json::from_str::<JwksResponse>(&body).is_ok(),
                Endpoint::Migrate => serde_json::from_str::<MigrateResponse>(&body).is_ok(),
                Endpoint::Revoke => serde_json::from_str::<RevokeResponse>(&body).is_ok(),
                Endpoint::ExchangeAccessToken | Endpoint::Attest => {
                    serde_json::from_str::<NewSessionResponse>(&body).is_ok()
                }
                Endpoint::RbacPolicy | Endpoint::B2bRbacPolicy => {
                    Policy::from_answer(body.as_bytes()).is_ok()
                }
                Endpoint::B2bOrgPolicy => Policy::from_org_answer(body.as_bytes()).is_ok(),
                Endpoint::B2bAuthenticate => {
                    serde_json::from_str::<B2bAuthenticateResponse>(&body).is_ok()
                }
                Endpoint::B2bGet => serde_json::from_str::<B2bGetResponse>(&body).is_ok(),
                Endpoint::B2bGetJwks => serde_json::from_str::<JwksResponse>(&body).is_ok(),
                Endpoint::B2bRevoke => serde_json::from_str::<RevokeResponse>(&body).is_ok(),
                Endpoint::B2bExchange => serde_json::from_str::<B2bExchangeResponse>(&body).is_ok(),
                Endpoint::B2bMigrate | Endpoint::B2bExchangeAccessToken | Endpoint::B2bAttest => {
                    serde_json::from_str::<B2bNewSessionResponse>(&body).is_ok()
                }
                Endpoint::OauthToken => serde_json::from_str::<M2mTokenResponse>(&body).is_ok(),
                Endpoint::OauthIntrospect => {
                    marshal_introspection(&body, false).is_ok()
                        | marshal_introspection(&body, true).is_ok()
                }
            };
        }
        Err(Error::Stytch(e)) => {
            assert!(response.status >= 400, "a Stytch error from a success status");
            assert_eq!(e.body, response.body);
            assert!(!e.error_type.is_empty() || parse_object(e.body.as_bytes()).is_ok());
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
    for endpoint in Endpoint::ALL {
        check(endpoint, &response);
    }
});
