//! Native cost of one local verification (parse, key lookup, RS256, claims, session), with the
//! `rsa` crate's own verifier alongside for reference. `cargo bench --bench native_verify`.
//! Medians of several rounds; a benchmark, never a test.
#![allow(clippy::unwrap_used)]

#[path = "../tests/common/mod.rs"]
mod common;

use common::*;
use serde_json::Value;
use std::hint::black_box;
use std::time::Instant;
use stytch_sessions_wasm::jwt::verify_session_jwt;

fn median_us(rounds: usize, iters: usize, mut f: impl FnMut()) -> f64 {
    let mut samples: Vec<f64> = (0..rounds)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..iters {
                f();
            }
            t.elapsed().as_secs_f64() * 1e6 / iters as f64
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[rounds / 2]
}

fn main() {
    let keys = key_a().key_set();
    let token = key_a().sign(&Value::Object(payload()));
    let rules = rules();
    let parsed = stytch_sessions_wasm::internal::jws::parse(&token).unwrap();
    let key = keys.find(&parsed.kid).unwrap().key.clone();
    let fresh_keys = || key_a().key_set();
    let full = median_us(9, 400, || {
        // A new key set each time: an empty memo, so the signature is checked.
        let keys = fresh_keys();
        black_box(verify_session_jwt(black_box(&token), &keys, &rules).unwrap());
    });
    let key_set_cost = median_us(9, 400, || {
        black_box(fresh_keys());
    });
    let full = full - key_set_cost;
    let repeat = median_us(9, 2000, || {
        black_box(verify_session_jwt(black_box(&token), &keys, &rules).unwrap());
    });
    let sig_only = median_us(9, 400, || {
        black_box(key.verify_rs256(parsed.signing_input, &parsed.signature));
    });
    println!("native, 2048-bit RS256, medians of 9 rounds:");
    println!("  a new token (parse, RS256, claims, session): {full:.1} us");
    println!("  RS256 signature check alone:                 {sig_only:.1} us");
    println!("  a repeat token (memo hit, claims re-judged):  {repeat:.1} us");
}
