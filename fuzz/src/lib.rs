//! Shared fixtures of the fuzz targets: the fixed project, the throwaway fuzzing keys
//! (fuzz/make_seeds.mjs generates `keys.rs` and the seeds from the same keys), the `rsa` crate
//! reference verifier and a signer for those keys.

use crypto_bigint::BoxedUint;
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Sign, PrivateKey, PublicKey};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;
use stytch_sessions_wasm::claims::ClaimRules;
use stytch_sessions_wasm::jwk::KeySet;
use stytch_sessions_wasm::rsa_public::FastPublicKey;

mod keys;
pub use keys::{TestKeyHex, FUZZ_KEY_1024_E3, FUZZ_KEY_2048};

/// Must match fuzz/make_seeds.mjs.
pub const PROJECT_ID: &str = "project-test-00000000-0000-4000-8000-000000000000";
pub const BASE_URL: &str = "https://test.stytch.com";
pub const NOW: i64 = 1_700_000_000;

/// The fixed rules of the `token` target.
pub fn rules() -> ClaimRules<'static> {
    ClaimRules {
        project_id: PROJECT_ID,
        base_url: BASE_URL,
        now: NOW,
        clock_tolerance_seconds: 0,
        max_token_age_seconds: Some(300),
    }
}

/// The fixed key set of the `token` target: the 2048-bit fuzzing key's public half only.
/// (Built per call: a `KeySet` carries interior-mutable state, so it is not shared in a static.)
pub fn new_key_set() -> KeySet {
    let k = &FUZZ_KEY_2048;
    let doc = format!(
        r#"{{"keys":[{{"kty":"RSA","use":"sig","alg":"RS256","kid":"{}","n":"{}","e":"{}"}}]}}"#,
        k.kid, k.n_b64u, k.e_b64u
    );
    let set = KeySet::from_json(doc.as_bytes()).expect("fixed JWKS parses");
    assert_eq!(set.len(), 1, "the fixed key is usable");
    set
}

pub fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

/// A fuzzing key with both verifiers and a signer.
pub struct RefKey {
    valid: OnceLock<Vec<([u8; 32], Vec<u8>)>>,
    pub n: Vec<u8>,
    pub e: Vec<u8>,
    pub fast: FastPublicKey,
    pub reference: PublicKey,
    pub private: PrivateKey,
}

impl RefKey {
    fn load(k: &TestKeyHex) -> Self {
        let (n, e) = (unhex(k.n), unhex(k.e));
        let p = BoxedUint::from_be_slice_vartime(&unhex(k.p));
        let q = BoxedUint::from_be_slice_vartime(&unhex(k.q));
        let private = PrivateKey::from_p_q(p, q, BoxedUint::from_be_slice_vartime(&e))
            .expect("fuzzing key is a valid RSA key");
        let reference = reference_key(&n, &e);
        assert_eq!(reference.n().as_ref(), private.n().as_ref());
        RefKey {
            valid: OnceLock::new(),
            fast: FastPublicKey::new(&n, &e).expect("fast key accepts the fuzzing key"),
            n,
            e,
            reference,
            private,
        }
    }

    /// Modulus length in bytes.
    pub fn k(&self) -> usize {
        self.n.len()
    }

    /// The raw private operation m^d mod n as k big-endian bytes; `None` if m >= n.
    pub fn raw_sign(&self, m: &[u8]) -> Option<Vec<u8>> {
        let prec = self.reference.n().as_ref().bits_precision();
        let m = BoxedUint::from_be_slice(m, prec).ok()?;
        let s = rsa::hazmat::rsa_decrypt::<NoRng>(None, &self.private, &m).ok()?;
        Some(pad_be(&s.to_be_bytes(), self.k()))
    }

    /// A valid RS256 signature over `message`.
    pub fn sign_message(&self, message: &[u8]) -> Vec<u8> {
        let digest = Sha256::digest(message);
        self.private
            .sign(Pkcs1v15Sign::new::<Sha256>(), &digest)
            .expect("signing with the fuzzing key")
    }

    /// Four digests with valid signatures (SHA-256 of "0".."3").
    pub fn valid_sigs(&self) -> &[([u8; 32], Vec<u8>)] {
        self.valid.get_or_init(|| {
            (0..4u8)
                .map(|i| {
                    let digest: [u8; 32] = Sha256::digest([b'0' + i]).into();
                    let em = encoded_message(&digest, self.k());
                    (digest, self.raw_sign(&em).expect("EM < n"))
                })
                .collect()
        })
    }

    /// The `rsa` crate's verdict.
    pub fn reference_verify(&self, digest: &[u8; 32], sig: &[u8]) -> bool {
        reference_verify(&self.reference, digest, sig)
    }
}

/// The `rsa` 0.10 public key for big-endian n (must be odd and non-zero) and e.
pub fn reference_key(n: &[u8], e: &[u8]) -> PublicKey {
    PublicKey::new_unchecked(
        BoxedUint::from_be_slice_vartime(n),
        BoxedUint::from_be_slice_vartime(e),
    )
}

/// The `rsa` 0.10 RS256 verdict over a SHA-256 digest.
pub fn reference_verify(key: &PublicKey, digest: &[u8; 32], sig: &[u8]) -> bool {
    key.verify(Pkcs1v15Sign::new::<Sha256>(), digest, sig).is_ok()
}

/// `00 01 FF..FF 00 || DigestInfo(SHA-256) || digest`, k bytes.
pub fn encoded_message(digest: &[u8; 32], k: usize) -> Vec<u8> {
    const PREFIX: [u8; 19] = [
        0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
        0x05, 0x00, 0x04, 0x20,
    ];
    let mut em = vec![0x00, 0x01];
    em.resize(k - 32 - PREFIX.len() - 1, 0xff);
    em.push(0);
    em.extend_from_slice(&PREFIX);
    em.extend_from_slice(digest);
    em
}

/// Left-pads (or strips leading zeros from) big-endian bytes to exactly k bytes.
pub fn pad_be(b: &[u8], k: usize) -> Vec<u8> {
    let b = &b[b.iter().take_while(|&&v| v == 0).count()..];
    let mut v = vec![0u8; k.saturating_sub(b.len())];
    v.extend_from_slice(b);
    v
}

/// The fixed keys of the `rsa` target: 0 = 2048-bit e = 65537, 1 = 1024-bit e = 3.
pub fn ref_keys() -> &'static [RefKey; 2] {
    static KEYS: OnceLock<[RefKey; 2]> = OnceLock::new();
    KEYS.get_or_init(|| [RefKey::load(&FUZZ_KEY_2048), RefKey::load(&FUZZ_KEY_1024_E3)])
}

/// The 2048-bit fuzzing key (signs tokens in the `token` target's "sign" mode).
pub fn key_2048() -> &'static RefKey {
    &ref_keys()[0]
}

/// An RNG type for `rsa_decrypt(None, ..)`: never called.
pub enum NoRng {}

impl rsa::rand_core::TryRng for NoRng {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        match *self {}
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        match *self {}
    }
    fn try_fill_bytes(&mut self, _: &mut [u8]) -> Result<(), Self::Error> {
        match *self {}
    }
}

impl rsa::rand_core::TryCryptoRng for NoRng {}
