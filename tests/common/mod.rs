//! Test support: deterministic RSA keys, a minter for Stytch-shaped session JWTs, and the one
//! simulated Stytch (`stytch.rs`). Everything a test token is made of is built here, in the
//! open, from a seed.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Sign, PrivateKey};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::convert::Infallible;
use std::sync::OnceLock;
use stytch_sessions_wasm::internal::jws::b64url_encode;
use stytch_sessions_wasm::jwk::{Jwk, KeySet};

pub mod stytch;
#[allow(unused_imports)]
pub use stytch::{authenticate_body, settle, stytch_error, Route, Stytch, T0};

pub const PROJECT_ID: &str = "project-test-00000000-0000-4000-8000-000000000000";
pub const BASE_URL: &str = "https://test.stytch.com";
pub const NOW: i64 = 1_764_241_830; // 2025-11-27T11:10:30Z
pub const USER_ID: &str = "user-test-11111111-1111-4111-8111-111111111111";
pub const SESSION_ID: &str = "session-test-22222222-2222-4222-8222-222222222222";

/// A deterministic CSPRNG stand-in for tests: SHA-256 in counter mode over a seed.
pub struct TestRng {
    seed: u64,
    counter: u64,
    buf: Vec<u8>,
}

impl TestRng {
    pub fn new(seed: u64) -> Self {
        Self {
            seed,
            counter: 0,
            buf: Vec::new(),
        }
    }
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        let mut out = vec![0; n];
        rand_core::TryRng::try_fill_bytes(self, &mut out).unwrap();
        out
    }
}

impl rand_core::TryRng for TestRng {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut b = [0; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut b = [0; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for byte in dst {
            if self.buf.is_empty() {
                let block = Sha256::new()
                    .chain_update(self.seed.to_le_bytes())
                    .chain_update(self.counter.to_le_bytes())
                    .finalize();
                self.counter += 1;
                self.buf = block.to_vec();
            }
            *byte = self.buf.pop().unwrap();
        }
        Ok(())
    }
}
impl rand_core::TryCryptoRng for TestRng {}

/// A signing key with its kid.
pub struct TestKey {
    pub kid: String,
    pub private: PrivateKey,
}

impl TestKey {
    pub fn generate(kid: &str, bits: usize, seed: u64) -> Self {
        let private = PrivateKey::new(&mut TestRng::new(seed), bits).unwrap();
        Self {
            kid: kid.to_owned(),
            private,
        }
    }

    /// The public JWK exactly as Stytch serves it.
    pub fn jwk(&self) -> Jwk {
        Jwk {
            kty: "RSA".into(),
            use_: Some("sig".into()),
            key_ops: Some(vec!["verify".into()]),
            alg: Some("RS256".into()),
            kid: Some(self.kid.clone()),
            x5c: Some(vec![]),
            x5t_s256: Some(String::new()),
            n: Some(b64url_encode(
                &self.private.n().to_be_bytes_trimmed_vartime(),
            )),
            e: Some(b64url_encode(
                &self.private.e().to_be_bytes_trimmed_vartime(),
            )),
        }
    }

    pub fn key_set(&self) -> KeySet {
        KeySet::from_jwks(&[self.jwk()])
    }

    /// Signs `header.payload` (both given as JSON text) into a compact JWS.
    pub fn sign_raw(&self, header: &str, payload: &str) -> String {
        let signing_input = format!(
            "{}.{}",
            b64url_encode(header.as_bytes()),
            b64url_encode(payload.as_bytes())
        );
        let digest = Sha256::digest(signing_input.as_bytes());
        let sig = self
            .private
            .sign(Pkcs1v15Sign::new::<Sha256>(), &digest)
            .unwrap();
        format!("{signing_input}.{}", b64url_encode(&sig))
    }

    /// Signs a payload with the standard Stytch header.
    pub fn sign(&self, payload: &Value) -> String {
        let header = json!({"alg": "RS256", "kid": self.kid, "typ": "JWT"});
        self.sign_raw(&header.to_string(), &payload.to_string())
    }
}

static KEY_A: OnceLock<TestKey> = OnceLock::new();
static KEY_B: OnceLock<TestKey> = OnceLock::new();
static KEY_1024: OnceLock<TestKey> = OnceLock::new();

/// The project's current signing key (2048 bits).
pub fn key_a() -> &'static TestKey {
    KEY_A
        .get_or_init(|| TestKey::generate("jwk-test-aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", 2048, 1))
}
/// Another 2048-bit key (rotation, wrong key).
pub fn key_b() -> &'static TestKey {
    KEY_B
        .get_or_init(|| TestKey::generate("jwk-test-bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb", 2048, 2))
}
/// A weak key that must never be used.
pub fn key_1024() -> &'static TestKey {
    KEY_1024.get_or_init(|| TestKey::generate("jwk-test-weak", 1024, 3))
}

/// The session claim as Stytch writes it.
pub fn session_claim(with_expires_at: bool) -> Value {
    let mut claim = json!({
        "id": SESSION_ID,
        "started_at": "2025-11-27T11:00:00Z",
        "last_accessed_at": "2025-11-27T11:10:30Z",
        "attributes": {"ip_address": "203.0.113.7", "user_agent": "Mozilla/5.0"},
        "authentication_factors": [{
            "type": "magic_link",
            "delivery_method": "email",
            "last_authenticated_at": "2025-11-27T11:00:00Z",
            "email_factor": {"email_id": "email-test-33333333-3333-4333-8333-333333333333",
                             "email_address": "ada@example.com"}
        }],
        "roles": ["stytch_member", "admin"]
    });
    if with_expires_at {
        claim["expires_at"] = json!("2025-11-27T12:00:00Z");
    }
    claim
}

/// A Stytch session JWT payload issued at `iat`.
pub fn payload_at(iat: i64) -> Map<String, Value> {
    let v = json!({
        "aud": [PROJECT_ID],
        "exp": iat + 300,
        "https://stytch.com/session": session_claim(true),
        "iat": iat,
        "iss": format!("stytch.com/{PROJECT_ID}"),
        "nbf": iat,
        "sub": USER_ID,
    });
    match v {
        Value::Object(m) => m,
        _ => unreachable!(),
    }
}

/// A fresh member session JWT payload: member `member` of organization `organization` (slug
/// `acme`), the session of [`session_claim`].
pub fn member_payload(member: &str, organization: &str) -> Map<String, Value> {
    let mut payload = payload();
    payload.insert("sub".into(), json!(member));
    payload.insert(
        "https://stytch.com/organization".into(),
        json!({"organization_id": organization, "slug": "acme"}),
    );
    payload
}

/// A fresh payload issued at [`NOW`].
pub fn payload() -> Map<String, Value> {
    payload_at(NOW)
}

/// Default claim rules at [`NOW`].
pub fn rules() -> stytch_sessions_wasm::claims::ClaimRules<'static> {
    stytch_sessions_wasm::claims::ClaimRules {
        project_id: PROJECT_ID,
        base_url: BASE_URL,
        now: NOW,
        clock_tolerance_seconds: 0,
        max_token_age_seconds: Some(300),
    }
}

/// A serde_json value (an object) as the crate's own JSON object.
pub fn object(value: impl Into<Value>) -> stytch_sessions_wasm::internal::json::Object {
    let text = value.into().to_string();
    stytch_sessions_wasm::internal::json::parse_object(text.as_bytes()).unwrap()
}
