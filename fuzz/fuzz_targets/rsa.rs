//! `rsa`: the fast RSA public operation (`rsa_public::FastPublicKey`) against the `rsa` 0.10
//! PKCS#1 v1.5 / SHA-256 verifier. Any disagreement is a crash (differential fuzzing).
//!
//! Input: a mode byte, then
//! - 0: fuzzed key: `n_len` (u16 BE), n, `e_len` (u8), e, digest (32), sig (rest). Checks
//!   `FastPublicKey::new`'s and `verify::RsaKey::new`'s acceptance rules, and the verdict;
//! - 1: a fixed key (next byte: 0 = 2048-bit e = 65537, 1 = 1024-bit e = 3), digest, sig;
//! - 2: a fixed key, digest, an encoded message EM (rest, padded to k bytes) that is signed with
//!   the private key: both verifiers must agree, and accept exactly when EM is the PKCS#1 v1.5
//!   encoding of the digest (so the fuzzer probes the padding check with real signatures);
//! - 3: a fixed key, 32 bytes whose first picks one of four precomputed valid signatures, then
//!   (pos u16 BE, xor u8) triples applied to it (pos = len: append a byte, len + 1: drop one).
#![no_main]

use libfuzzer_sys::fuzz_target;
use stytch_sessions_wasm::rsa_public::FastPublicKey;
use stytch_sessions_wasm::internal::verify::RsaKey;
use stytch_sessions_wasm_fuzz::{encoded_message, ref_keys, reference_key, reference_verify};

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> &'a [u8] {
        let (a, b) = self.0.split_at(n.min(self.0.len()));
        self.0 = b;
        a
    }
    fn byte(&mut self) -> u8 {
        self.take(1).first().copied().unwrap_or(0)
    }
    fn digest(&mut self) -> [u8; 32] {
        let mut d = [0u8; 32];
        let t = self.take(32);
        d[..t.len()].copy_from_slice(t);
        d
    }
}

fn strip(b: &[u8]) -> &[u8] {
    &b[b.iter().take_while(|&&v| v == 0).count()..]
}

fn fuzzed_key(r: &mut Reader<'_>) {
    let n_len = usize::from(u16::from_be_bytes([r.byte(), r.byte()]));
    let n = r.take(n_len);
    let e_len = usize::from(r.byte());
    let e = r.take(e_len);
    let digest = r.digest();
    let sig = r.0;

    let (ns, es) = (strip(n), strip(e));
    let bits = ns.first().map_or(0, |t| ns.len() * 8 - t.leading_zeros() as usize);
    let acceptable = (512..=4096).contains(&bits)
        && ns.last().is_some_and(|b| b & 1 == 1)
        && es.last().is_some_and(|b| b & 1 == 1)
        && es != [1];
    let fast = FastPublicKey::new(n, e);
    assert_eq!(fast.is_some(), acceptable, "FastPublicKey::new acceptance");
    let rsa_key = RsaKey::new(n, e);
    assert_eq!(rsa_key.is_ok(), acceptable && es.len() <= 8, "RsaKey::new acceptance");
    if let Ok(k) = &rsa_key {
        assert_eq!(k.modulus_bits(), bits);
    }
    let Some(fast) = fast else { return };
    let got = fast.verify_rs256_digest(&digest, sig);
    // The reference's cost grows with e; bound it (the crate refuses e > 64 bits anyway).
    if es.len() <= 64 {
        let want = reference_verify(&reference_key(ns, es), &digest, sig);
        assert_eq!(got, want, "fast and rsa disagree (fuzzed key)");
    }
}

fuzz_target!(|data: &[u8]| {
    let mut r = Reader(data);
    let mode = r.byte() % 4;
    if mode == 0 {
        return fuzzed_key(&mut r);
    }
    let key = &ref_keys()[usize::from(r.byte() % 2)];
    let k = key.k();
    let digest = r.digest();
    match mode {
        1 => {
            let sig = r.0;
            let got = key.fast.verify_rs256_digest(&digest, sig);
            assert_eq!(got, key.reference_verify(&digest, sig), "fast and rsa disagree");
        }
        2 => {
            let mut em = r.0.to_vec();
            em.resize(k.max(em.len()), 0);
            em.truncate(k);
            let Some(sig) = key.raw_sign(&em) else { return };
            let got = key.fast.verify_rs256_digest(&digest, &sig);
            assert_eq!(got, key.reference_verify(&digest, &sig), "fast and rsa disagree (signed EM)");
            assert_eq!(got, em == encoded_message(&digest, k), "verdict is not 'EM is the encoding'");
        }
        _ => {
            // Valid signatures are precomputed (signing per input would dominate the run): the
            // digest byte picks one of a few digests, the rest of the input is the mutations.
            let (digest, valid) = &key.valid_sigs()[usize::from(digest[0] % 4)];
            let digest = *digest;
            assert_eq!(valid.len(), k);
            assert!(key.fast.verify_rs256_digest(&digest, valid), "valid signature refused");
            let mut sig = valid.clone();
            while r.0.len() >= 3 {
                let t = r.take(3);
                let pos = usize::from(u16::from_be_bytes([t[0], t[1]]));
                if pos < sig.len() && t[2] != 0 {
                    sig[pos] ^= t[2];
                } else if pos == k {
                    sig.push(t[2]); // one byte too long
                } else if pos == k + 1 && !sig.is_empty() {
                    sig.remove(0); // one byte too short
                }
            }
            let got = key.fast.verify_rs256_digest(&digest, &sig);
            assert_eq!(got, key.reference_verify(&digest, &sig), "fast and rsa disagree (mutated)");
            // RSA is a permutation of [0, n): another signature of the same length verifies
            // nothing but another digest, and another length never verifies.
            if &sig != valid {
                assert!(!got, "a mutated signature verified");
            }
        }
    }
});
