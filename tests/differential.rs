//! Differential tests: `FastPublicKey::verify_rs256_digest` must agree with the `rsa` 0.10
//! PKCS#1 v1.5 / SHA-256 verifier on valid and corrupted signatures.

#[path = "differential_support/mod.rs"]
mod common;

use common::{encoded_message, gen_key, large_exponent_variant, pad_be, TestKey, TestRng};
use stytch_sessions_wasm::rsa_public::FastPublicKey;

/// Run the differential suite on one key; returns (cases, accepted).
fn check_key(key: &TestKey, rng: &mut TestRng, rounds: usize) -> (usize, usize) {
    let fast = FastPublicKey::new(&key.n, &key.e).expect("key accepted");
    let k = key.k();
    let (mut cases, mut accepted) = (0usize, 0usize);
    let mut check = |digest: &[u8; 32], sig: &[u8], expect: Option<bool>| {
        let want = key.reference_verify(digest, sig);
        let got = fast.verify_rs256_digest(digest, sig);
        assert_eq!(got, want, "{}: mismatch for sig {:02x?}", key.name, sig);
        if let Some(e) = expect {
            assert_eq!(got, e, "{}: unexpected verdict", key.name);
        }
        cases += 1;
        accepted += usize::from(got);
    };
    let n = &key.n;
    // Edge values of s.
    let d0: [u8; 32] = rng.bytes(32).try_into().unwrap();
    let mut n_minus_1 = n.clone();
    *n_minus_1.last_mut().unwrap() -= 1; // n is odd
    let mut n_plus_1 = n.clone();
    *n_plus_1.last_mut().unwrap() += 1; // n is odd, so no carry
    let one = pad_be(&[1], k);
    for sig in [
        vec![0u8; k],
        one,
        n_minus_1,
        n.clone(),
        n_plus_1,
        vec![0xff; k],
        vec![],
        vec![0; k + 1],
    ] {
        check(&d0, &sig, Some(false));
    }
    for _ in 0..rounds {
        let digest: [u8; 32] = rng.bytes(32).try_into().unwrap();
        let sig = key.sign(&digest);
        check(&digest, &sig, Some(true));
        // Wrong lengths.
        check(&digest, &sig[1..], Some(false));
        let mut longer = vec![0u8];
        longer.extend_from_slice(&sig);
        check(&digest, &longer, Some(false));
        // Bit flips in the signature.
        for _ in 0..4 {
            let mut s = sig.clone();
            s[rng.below(k)] ^= 1 << rng.below(8);
            check(&digest, &s, Some(false));
        }
        // Bit flip in the digest, and an unrelated digest.
        let mut d2 = digest;
        d2[rng.below(32)] ^= 1 << rng.below(8);
        check(&d2, &sig, Some(false));
        check(&rng.bytes(32).try_into().unwrap(), &sig, Some(false));
        // Random signature (top byte zero half the time so that it is usually < n).
        let mut r = rng.bytes(k);
        if rng.byte() & 1 == 0 {
            r[0] = 0;
        }
        check(&digest, &r, None);
        // A correctly exponentiated but mis-encoded message: corrupt one byte of EM
        // (padding, separator, DigestInfo or hash), or shorten the padding.
        let mut em = encoded_message(&digest, k);
        match rng.below(3) {
            0 => {
                let i = rng.below(k);
                em[i] ^= 1 << rng.below(8);
            }
            1 => {
                // 00 01 FF..FF 00 with the 00 separator moved earlier (short padding + junk).
                let i = 2 + rng.below(k - 54);
                em[i] = 0;
            }
            _ => {
                // 00 01 FF.. with the separator missing.
                em[k - 52] = 0xff;
            }
        }
        if em[0] == 0 {
            check(&digest, &key.raw_sign(&em), Some(false));
        }
    }
    (cases, accepted)
}

fn run(label: &str, specs: &[(usize, u64, bool)], rounds: usize) {
    let mut rng = TestRng::new(label);
    let mut total = 0;
    for &(bits, e, large) in specs {
        let key = if large {
            large_exponent_variant(&mut rng, bits, e)
        } else {
            gen_key(&mut rng, bits, e)
        };
        let (cases, accepted) = check_key(&key, &mut rng, rounds);
        println!("{}: {cases} cases, {accepted} accepted", key.name);
        total += cases;
    }
    println!("{label}: {total} differential cases");
}

#[test]
fn differential_small_keys() {
    run(
        "small",
        &[
            (512, 65537, false),
            (520, 3, false),
            (1024, 65537, false),
            (1024, 3, false),
            (1024, 65537, true),
        ],
        150,
    );
}

#[test]
fn differential_2048() {
    run(
        "2048",
        &[(2048, 65537, false), (2048, 3, false), (2048, 65537, true)],
        150,
    );
}

#[test]
fn differential_odd_sizes() {
    run(
        "odd",
        &[
            (2056, 65537, false),
            (2056, 3, false),
            (2056, 65537, true),
            (1500, 65537, false),
            (777, 65537, false),
        ],
        100,
    );
}

#[test]
fn differential_3072() {
    run("3072", &[(3072, 65537, false), (3072, 3, false)], 60);
}

#[test]
fn differential_4096() {
    run(
        "4096",
        &[(4096, 65537, false), (4096, 3, false), (4096, 65537, true)],
        30,
    );
}

#[test]
fn key_construction() {
    let mut rng = TestRng::new("ctor");
    let key = gen_key(&mut rng, 1024, 65537);
    assert!(FastPublicKey::new(&key.n, &key.e).is_some());
    // Leading zeros are ignored and give the same key.
    let mut n0 = vec![0, 0];
    n0.extend_from_slice(&key.n);
    let mut e0 = vec![0];
    e0.extend_from_slice(&key.e);
    assert_eq!(
        FastPublicKey::new(&n0, &e0),
        FastPublicKey::new(&key.n, &key.e)
    );
    let digest = [7u8; 32];
    let sig = key.sign(&digest);
    assert!(FastPublicKey::new(&n0, &e0)
        .unwrap()
        .verify_rs256_digest(&digest, &sig));
    // Even modulus, bad exponents, sizes.
    let mut even = key.n.clone();
    *even.last_mut().unwrap() &= 0xfe;
    assert!(FastPublicKey::new(&even, &key.e).is_none());
    for e in [&[][..], &[0], &[1], &[0, 1], &[2], &[1, 0, 0]] {
        assert!(FastPublicKey::new(&key.n, e).is_none(), "e = {e:?}");
    }
    assert!(FastPublicKey::new(&key.n, &[3]).is_some());
    assert!(FastPublicKey::new(&[], &key.e).is_none());
    assert!(FastPublicKey::new(&[0; 64], &key.e).is_none());
    let odd = |len: usize, top: u8| {
        let mut v = vec![0xffu8; len];
        v[0] = top;
        v
    };
    assert!(FastPublicKey::new(&odd(64, 0x7f), &[3]).is_none()); // 511 bits
    assert!(FastPublicKey::new(&odd(64, 0x80), &[3]).is_some()); // 512 bits
    assert!(FastPublicKey::new(&odd(512, 0xff), &[3]).is_some()); // 4096 bits
    assert!(FastPublicKey::new(&odd(513, 0x01), &[3]).is_none()); // 4097 bits
                                                                  // Huge exponent (larger than n) still works and matches the reference.
    let big_e = vec![0xffu8; 200];
    let fk = FastPublicKey::new(&key.n, &big_e).unwrap();
    let reference = rsa::PublicKey::new_unchecked(
        crypto_bigint::BoxedUint::from_be_slice_vartime(&key.n),
        crypto_bigint::BoxedUint::from_be_slice_vartime(&big_e),
    );
    for _ in 0..20 {
        let s = pad_be(&rng.bytes(key.k() - 1), key.k());
        let want = reference
            .verify(rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), &digest, &s)
            .is_ok();
        assert_eq!(fk.verify_rs256_digest(&digest, &s), want);
    }
}
