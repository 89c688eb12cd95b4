//! Bench-only exports: each runs one part of a verification `iters` times inside wasm, so that
//! benches/js/parts.mjs can time a part without the JavaScript boundary (it divides the call's
//! time by `iters`). Returns how many runs succeeded (the bench checks it: a run that fails
//! measures nothing). State set up by the `*_setup` calls lives in thread-locals.
#![forbid(unsafe_code)]

use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::hint::black_box;
use stytch_rsa_public::FastPublicKey;
use stytch_sessions_wasm::claims::ClaimRules;
use stytch_sessions_wasm::internal::{jws, protocol};
use stytch_sessions_wasm::jwk::{Jwk, KeySet};
use stytch_sessions_wasm::jwt::verify_session_jwt;
use stytch_sessions_wasm::profile::SESSION;
use stytch_sessions_wasm::wasm::calls;
use wasm_bindgen::prelude::*;

struct Rsa {
    key: FastPublicKey,
    digest: [u8; 32],
    sig: Vec<u8>,
    n: Vec<u8>,
    e: Vec<u8>,
}

thread_local! {
    static RSA: RefCell<Option<Rsa>> = const { RefCell::new(None) };
}

/// The RSA part of `token` (a JWS) under the JWK `jwk` (JSON): the key, the digest, the signature.
#[wasm_bindgen]
pub fn rsa_setup(token: &str, jwk: &str) -> bool {
    let Ok(jwk) = serde_json::from_str::<Jwk>(jwk) else {
        return false;
    };
    let Ok(parsed) = jws::parse(token) else {
        return false;
    };
    let decode = |s: &Option<String>| jws::b64url_decode(s.as_deref().unwrap_or(""));
    let (Some(n), Some(e)) = (decode(&jwk.n), decode(&jwk.e)) else {
        return false;
    };
    let Some(key) = FastPublicKey::new(&n, &e) else {
        return false;
    };
    let digest: [u8; 32] = Sha256::digest(parsed.signing_input).into();
    let sig = parsed.signature.to_vec();
    RSA.with(|r| {
        *r.borrow_mut() = Some(Rsa {
            key,
            digest,
            sig,
            n,
            e,
        })
    });
    true
}

/// The RSA public operation and the padding check (`verify_rs256_digest`), `iters` times.
#[wasm_bindgen]
pub fn rsa_verify(iters: u32) -> u32 {
    RSA.with(|r| {
        let r = r.borrow();
        let Some(r) = r.as_ref() else { return 0 };
        (0..iters)
            .filter(|_| black_box(&r.key).verify_rs256_digest(black_box(&r.digest), &r.sig))
            .count() as u32
    })
}

/// The key's set-up (`FastPublicKey::new`: Montgomery constants, R^2 mod n), `iters` times.
#[wasm_bindgen]
pub fn rsa_key_setup(iters: u32) -> u32 {
    RSA.with(|r| {
        let r = r.borrow();
        let Some(r) = r.as_ref() else { return 0 };
        (0..iters)
            .filter(|_| FastPublicKey::new(black_box(&r.n), &r.e).is_some())
            .count() as u32
    })
}

/// SHA-256 over `message`, `iters` times.
#[wasm_bindgen]
pub fn sha256(message: &[u8], iters: u32) -> u32 {
    for _ in 0..iters {
        black_box(Sha256::digest(black_box(message)));
    }
    iters
}

struct Pure {
    keys: KeySet,
    tokens: Vec<String>,
    project_id: String,
    base_url: String,
}

thread_local! {
    static PURE: RefCell<Option<Pure>> = const { RefCell::new(None) };
}

impl Pure {
    /// The claim rules the package applies by default, at `now` (seconds).
    fn rules(&self, now: f64) -> ClaimRules<'_> {
        ClaimRules {
            project_id: &self.project_id,
            base_url: &self.base_url,
            now: now as i64,
            clock_tolerance_seconds: 0,
            max_token_age_seconds: SESSION.default_max_age_seconds,
        }
    }
}

/// Tokens (one per line) and the JWKS (JSON `{"keys": [...]}`) for [`verify_pure`].
#[wasm_bindgen]
pub fn verify_setup(tokens: &str, jwks: &str, project_id: &str, base_url: &str) -> u32 {
    #[derive(serde::Deserialize)]
    struct Set {
        keys: Vec<Jwk>,
    }
    let Ok(set) = serde_json::from_str::<Set>(jwks) else {
        return 0;
    };
    let tokens: Vec<String> = tokens.lines().map(str::to_owned).collect();
    let count = tokens.len() as u32;
    PURE.with(|p| {
        *p.borrow_mut() = Some(Pure {
            keys: KeySet::from_jwks(&set.keys),
            tokens,
            project_id: project_id.to_owned(),
            base_url: base_url.to_owned(),
        });
    });
    count
}

/// The whole verification of each token, without the engine, its memo or the boundary: parse,
/// key by kid, SHA-256 and RSA, claims, session (`jwt::verify_session_jwt`). `now` in seconds.
#[wasm_bindgen]
pub fn verify_pure(now: f64) -> u32 {
    PURE.with(|p| {
        let p = p.borrow();
        let Some(p) = p.as_ref() else { return 0 };
        let rules = p.rules(now);
        p.tokens
            .iter()
            .filter(|t| verify_session_jwt(t, &p.keys, &rules).is_ok())
            .count() as u32
    })
}

/// Whether the package's own `verifyJwt` export (not B2B), called from inside wasm on `token`
/// with `options` (the JSON text the package's JavaScript would pass), answers (its step starts
/// with `A`): the engine and its memo, without the JavaScript boundary.
fn verify_answers(token: &str, options: &str, now_ms: f64) -> bool {
    let step = calls::verify_jwt(
        Some(token.to_owned()),
        false,
        protocol::OBJECT,
        Some(options.to_owned()),
        None,
        now_ms,
    );
    step.starts_with('A')
}

/// [`verify_answers`] on each of `tokens` (one per line): how many answered.
#[wasm_bindgen]
pub fn verify_call(tokens: &str, options: &str, now_ms: f64) -> u32 {
    tokens
        .lines()
        .filter(|t| verify_answers(t, options, now_ms))
        .count() as u32
}

/// [`verify_answers`] on the same token `iters` times (after the first, each is a memo hit).
#[wasm_bindgen]
pub fn verify_call_repeat(token: &str, options: &str, now_ms: f64, iters: u32) -> u32 {
    (0..iters)
        .filter(|_| verify_answers(token, options, now_ms))
        .count() as u32
}

/// One RS256 check with the given key (big-endian `n`, `e`), digest and signature: what
/// parts.mjs compares with node:crypto over keys of several sizes, so that the wasm SIMD
/// kernels (which the native differential tests do not run) are checked before they are timed.
#[wasm_bindgen]
pub fn rsa_check(n: &[u8], e: &[u8], digest: &[u8], sig: &[u8]) -> u32 {
    let (Some(key), Ok(digest)) = (FastPublicKey::new(n, e), <[u8; 32]>::try_from(digest)) else {
        return 2;
    };
    u32::from(key.verify_rs256_digest(&digest, sig))
}

/// The steps of [`verify_pure`] one by one over its tokens, `rounds` times each: `step` 0 parses
/// the JWS (split, base64url, header), 1 parses the claims as well, 2 judges the claims as well,
/// 3 marshals the session as well (all but the signature). Counts the runs that succeeded.
#[wasm_bindgen]
pub fn verify_steps(step: u32, now: f64, rounds: u32) -> u32 {
    PURE.with(|p| {
        let p = p.borrow();
        let Some(p) = p.as_ref() else { return 0 };
        let rules = p.rules(now);
        let mut ok = 0;
        for _ in 0..rounds {
            for t in &p.tokens {
                let Ok(jws) = jws::parse(black_box(t)) else {
                    continue;
                };
                if step == 0 {
                    ok += u32::from(black_box(&jws).payload.len() > 1);
                    continue;
                }
                let Ok(claims) = stytch_sessions_wasm::internal::verify::parse_claims(&jws) else {
                    continue;
                };
                if step == 1 {
                    ok += u32::from(black_box(&claims).len() > 1);
                    continue;
                }
                if stytch_sessions_wasm::claims::validate(&claims, &rules).is_err() {
                    continue;
                }
                if step == 2 {
                    ok += 1;
                    continue;
                }
                ok += u32::from((SESSION.marshal)(claims).is_ok());
            }
        }
        ok
    })
}
