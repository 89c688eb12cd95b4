//! Shared test helpers: deterministic RNG, key generation and the reference verifier.
#![allow(dead_code)]

use core::convert::Infallible;
use crypto_bigint::{modular::BoxedMontyForm, modular::BoxedMontyParams, BoxedUint, NonZero, Odd};
use rand_core::{TryCryptoRng, TryRng};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{Pkcs1v15Sign, PrivateKey, PublicKey};
use sha2::{Digest, Sha256};

/// Deterministic test RNG: SHA-256 in counter mode.
pub struct TestRng {
    seed: [u8; 32],
    counter: u64,
    buf: [u8; 32],
    pos: usize,
}

impl TestRng {
    pub fn new(label: &str) -> Self {
        TestRng {
            seed: Sha256::digest(label.as_bytes()).into(),
            counter: 0,
            buf: [0; 32],
            pos: 32,
        }
    }
    pub fn byte(&mut self) -> u8 {
        if self.pos == 32 {
            let mut h = Sha256::new();
            h.update(self.seed);
            h.update(self.counter.to_le_bytes());
            self.buf = h.finalize().into();
            self.counter += 1;
            self.pos = 0;
        }
        let b = self.buf[self.pos];
        self.pos += 1;
        b
    }
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.byte()).collect()
    }
    pub fn below(&mut self, n: usize) -> usize {
        let mut x = 0u64;
        for _ in 0..8 {
            x = (x << 8) | u64::from(self.byte());
        }
        (x % n as u64) as usize
    }
}

impl TryRng for TestRng {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for d in dst {
            *d = self.byte();
        }
        Ok(())
    }
}

impl TryCryptoRng for TestRng {}

/// A test key: public (n, e) big-endian, and a private exponent to sign with.
pub struct TestKey {
    pub name: String,
    pub n: Vec<u8>,
    pub e: Vec<u8>,
    n_big: BoxedUint,
    d: BoxedUint,
    params: BoxedMontyParams,
    pub reference: PublicKey,
}

impl TestKey {
    fn from_parts(name: String, n: BoxedUint, e: BoxedUint, d: BoxedUint) -> Self {
        let params = BoxedMontyParams::new_vartime(Odd::new(n.clone()).unwrap());
        let reference = PublicKey::new_unchecked(n.clone(), e.clone());
        TestKey {
            name,
            n: be_bytes(&n),
            e: be_bytes(&e),
            n_big: n,
            d,
            params,
            reference,
        }
    }

    pub fn k(&self) -> usize {
        self.n.len()
    }

    /// Raw RSA private operation m^d mod n, as k big-endian bytes.
    pub fn raw_sign(&self, m: &[u8]) -> Vec<u8> {
        let m = BoxedUint::from_be_slice(m, self.n_big.bits_precision()).unwrap();
        let s = BoxedMontyForm::new(m, &self.params).pow(&self.d).retrieve();
        pad_be(&be_bytes(&s), self.k())
    }

    /// Valid RS256 signature over `digest`.
    pub fn sign(&self, digest: &[u8; 32]) -> Vec<u8> {
        self.raw_sign(&encoded_message(digest, self.k()))
    }

    /// The reference verdict from the `rsa` crate.
    pub fn reference_verify(&self, digest: &[u8], sig: &[u8]) -> bool {
        self.reference
            .verify(Pkcs1v15Sign::new::<Sha256>(), digest, sig)
            .is_ok()
    }
}

pub fn encoded_message(digest: &[u8; 32], k: usize) -> Vec<u8> {
    let prefix = [
        0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
        0x05, 0x00, 0x04, 0x20,
    ];
    let mut em = vec![0x00, 0x01];
    em.resize(k - 32 - prefix.len() - 1, 0xff);
    em.push(0);
    em.extend_from_slice(&prefix);
    em.extend_from_slice(digest);
    em
}

pub fn be_bytes(x: &BoxedUint) -> Vec<u8> {
    let b = x.to_be_bytes();
    let z = b.iter().take_while(|&&v| v == 0).count();
    b[z..].to_vec()
}

pub fn pad_be(b: &[u8], k: usize) -> Vec<u8> {
    let mut v = vec![0u8; k - b.len()];
    v.extend_from_slice(b);
    v
}

/// Generate an RSA key with `rsa` (any size >= 512 via the hazmat constructor).
pub fn gen_key(rng: &mut TestRng, bits: usize, e: u64) -> TestKey {
    let sk = PrivateKey::new_with_exp_unchecked(rng, bits, BoxedUint::from(e)).unwrap();
    let n = sk.n().as_ref().clone();
    assert_eq!(n.bit_width_vartime() as usize, bits);
    TestKey::from_parts(
        format!("{bits}-bit e={e}"),
        n,
        sk.e().clone(),
        sk.d().clone(),
    )
}

/// Derive a key with the same modulus but a large random public exponent:
/// pick a random odd d' and set e' = d'^-1 mod phi(n).
pub fn large_exponent_variant(rng: &mut TestRng, bits: usize, base_e: u64) -> TestKey {
    let sk = PrivateKey::new_with_exp_unchecked(rng, bits, BoxedUint::from(base_e)).unwrap();
    let n = sk.n().as_ref().clone();
    let prec = n.bits_precision();
    let widen = |x: &BoxedUint| BoxedUint::from_be_slice(&be_bytes(x), prec).unwrap();
    let one = BoxedUint::one_with_precision(prec);
    let p = widen(sk.primes()[0].as_ref()).wrapping_sub(&one);
    let q = widen(sk.primes()[1].as_ref()).wrapping_sub(&one);
    let phi = NonZero::new(p.wrapping_mul(&q)).unwrap();
    loop {
        let mut db = rng.bytes(bits / 8 - 1);
        db[0] |= 0x80;
        let last = db.len() - 1;
        db[last] |= 1;
        let d = BoxedUint::from_be_slice(&db, prec).unwrap();
        let e = d.invert_mod(&phi);
        if bool::from(e.is_some()) {
            let e = e.unwrap();
            if e.bit_width_vartime() > 64 {
                let name = format!("{bits}-bit e={}-bit", e.bit_width_vartime());
                return TestKey::from_parts(name, n, e, d);
            }
        }
    }
}
