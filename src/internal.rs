//! What the tests, the fuzz targets and the benches reach that is not the crate's API: the
//! building blocks below the engine and the JavaScript boundary's protocol. No stability is
//! promised here. Within the crate these modules are `crate::json`, `crate::jws`, … (lib.rs
//! brings them to the root); their files are `src/<name>.rs`.

#[path = "b64.rs"]
pub mod b64;
#[path = "gate.rs"]
pub mod gate;
#[path = "gate_access.rs"]
pub mod gate_access;
#[path = "json.rs"]
pub mod json;
#[path = "jws.rs"]
pub mod jws;
#[path = "key.rs"]
pub mod key;
#[path = "options.rs"]
pub mod options;
#[path = "profile.rs"]
pub mod profile;
#[path = "protocol.rs"]
pub mod protocol;
#[path = "verify.rs"]
pub mod verify;
