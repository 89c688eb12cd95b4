//! Fast, variable-time RSA public-key operation for RS256 (RSASSA-PKCS1-v1_5 + SHA-256)
//! signature verification.
//!
//! Nothing in a signature check is secret, so this code is deliberately variable-time.
//! Arithmetic is Montgomery multiplication in radix 2^28 with 64-bit accumulators: on wasm32
//! a 32x32->64 product is one native `i64.mul`, and a whole column of products (up to 256
//! of them) can be summed without carry handling. Columns are computed by product scanning
//! with the Montgomery reduction interleaved, squarings use a dedicated routine, and values
//! are kept lazily reduced (< 2n, which needs R > 4n) until the final conversion.

// Every `as` narrowing below is applied to a value already masked or bounded to 28 bits.
#![allow(clippy::cast_possible_truncation)]
#![forbid(unsafe_code)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

/// Limb size in bits.
const W: u32 = 28;
const MASK: u64 = (1 << W) - 1;

/// DER prefix of the SHA-256 `DigestInfo` (RFC 8017 section 9.2, note 1).
const SHA256_PREFIX: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

/// A public key ready for fast verification: Montgomery constants precomputed once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FastPublicKey {
    /// Modulus, little-endian radix-2^28 limbs (`l` limbs, with 2^(28 l) > 4 n).
    n: Vec<u32>,
    /// The same limbs in reverse order (makes every column a forward dot product).
    n_rev: Vec<u32>,
    /// -n^-1 mod 2^28.
    n0inv: u64,
    /// R^2 mod n (possibly + n, i.e. < 2n) for R = 2^(28 l).
    r2: Vec<u32>,
    /// Public exponent, big-endian, without leading zeros.
    e: Vec<u8>,
    /// Modulus length in bytes.
    k: usize,
}

impl FastPublicKey {
    /// `n_be`: big-endian modulus (leading zero bytes are ignored), `e_be`: big-endian public
    /// exponent. Returns `None` if n is even, shorter than 512 or longer than 4096 bits, or if
    /// e is even or smaller than 3.
    #[must_use]
    pub fn new(n_be: &[u8], e_be: &[u8]) -> Option<Self> {
        let n_be = strip_leading_zeros(n_be);
        let e = strip_leading_zeros(e_be).to_vec();
        let top = *n_be.first()?;
        let bits = n_be.len() * 8 - top.leading_zeros() as usize;
        let e_odd = e.last().is_some_and(|b| b & 1 == 1);
        if !(512..=4096).contains(&bits) || n_be.last()? & 1 == 0 || !e_odd || e == [1] {
            return None;
        }
        // Smallest limb count with R = 2^(28 l) > 4 n, so that lazily reduced values stay < 2n.
        let l = (bits + 2).div_ceil(W as usize);
        let n = be_to_limbs(n_be, l)?;
        let n0 = u64::from(*n.first()?);
        // Newton iteration for n0^-1 mod 2^64 (each step doubles the number of correct bits).
        let mut inv = n0;
        for _ in 0..5 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(n0.wrapping_mul(inv)));
        }
        let mut key = Self {
            n_rev: n.iter().rev().copied().collect(),
            n,
            n0inv: inv.wrapping_neg() & MASK,
            r2: Vec::new(),
            e,
            k: n_be.len(),
        };
        // R^2 = R * 2^(s * 2^t) with 28 l = s * 2^t: compute R * 2^s mod n by doubling from
        // 2^(bits - 1) < n, then square t times in Montgomery form (each squaring doubles the
        // power of two: mont(R x, R x) = R x^2).
        let rbits = W as usize * l;
        let t = rbits.trailing_zeros();
        let mut x = vec![0u32; l];
        *x.get_mut((bits - 1) / W as usize)? = 1 << ((bits - 1) % W as usize);
        for _ in 0..(rbits + (rbits >> t) - (bits - 1)) {
            double_mod(&mut x, &key.n);
        }
        let mut scratch = Scratch::new(l);
        for _ in 0..t {
            x = key.sqr(&x, &mut scratch);
        }
        key.r2 = x;
        Some(key)
    }

    /// RS256 / PKCS#1 v1.5 verification of a SHA-256 `digest`. Checks that `sig` is exactly as
    /// long as the modulus and `s < n`, computes `s^e mod n` and compares it with
    /// `00 01 FF..FF 00 || DigestInfo(SHA-256) || digest`.
    #[must_use]
    pub fn verify_rs256_digest(&self, digest: &[u8; 32], sig: &[u8]) -> bool {
        if sig.len() != self.k {
            return false;
        }
        let l = self.n.len();
        let Some(s) = be_to_limbs(sig, l) else {
            return false;
        };
        if !less_than(&s, &self.n) {
            return false;
        }
        let mut scratch = Scratch::new(l);
        let base = self.mul(&s, &self.r2, &mut scratch);
        let mut x = base.clone();
        let mut bits = self
            .e
            .iter()
            .flat_map(|b| (0..8).rev().map(move |i| (b >> i) & 1));
        // Skip leading zero bits and the top one bit (already accounted for by x = base).
        bits.by_ref().find(|&bit| bit == 1);
        for bit in bits {
            x = self.sqr(&x, &mut scratch);
            if bit == 1 {
                x = self.mul(&x, &base, &mut scratch);
            }
        }
        // Leave Montgomery form: REDC(x) = x R^-1 <= n; reduce the single possible excess.
        let mut y = self.mont(|k| x.get(k).map_or(0, |&v| u64::from(v)), &mut scratch);
        if !less_than(&y, &self.n) {
            sub_in_place(&mut y, &self.n);
        }
        let Some(em) = limbs_to_be(&y, self.k) else {
            return false;
        };
        encoded_digest_is(&em, digest)
    }

    /// Montgomery product a b R^-1 (mod n), inputs < 2n, output < 2n.
    fn mul(&self, a: &[u32], b: &[u32], scratch: &mut Scratch) -> Vec<u32> {
        let l = self.n.len();
        scratch.rev.clear();
        scratch.rev.extend(b.iter().rev());
        let b_rev = core::mem::take(&mut scratch.rev);
        let out = self.mont(
            |k| {
                if k < l {
                    dot(
                        a.get(..=k).unwrap_or(&[]),
                        b_rev.get(l - 1 - k..).unwrap_or(&[]),
                    )
                } else {
                    let lo = k + 1 - l;
                    dot(
                        a.get(lo..).unwrap_or(&[]),
                        b_rev.get(..l - lo).unwrap_or(&[]),
                    )
                }
            },
            scratch,
        );
        scratch.rev = b_rev;
        out
    }

    /// Montgomery square a^2 R^-1 (mod n), input < 2n, output < 2n.
    fn sqr(&self, a: &[u32], scratch: &mut Scratch) -> Vec<u32> {
        let l = self.n.len();
        scratch.rev.clear();
        scratch.rev.extend(a.iter().rev());
        let a_rev = core::mem::take(&mut scratch.rev);
        let out = self.mont(
            |k| {
                // Pairs i < j with i + j = k: i in [lo, (k + 1) / 2), b index l - 1 - k + i.
                let lo = (k + 1).saturating_sub(l);
                let hi = k.div_ceil(2);
                let start = (l - 1 + lo).saturating_sub(k);
                let cnt = hi.saturating_sub(lo);
                let cross = dot(
                    a.get(lo..hi).unwrap_or(&[]),
                    a_rev.get(start..start + cnt).unwrap_or(&[]),
                );
                let diag = if k % 2 == 0 {
                    a.get(k / 2).map_or(0, |&v| u64::from(v) * u64::from(v))
                } else {
                    0
                };
                2 * cross + diag
            },
            scratch,
        );
        scratch.rev = a_rev;
        out
    }

    /// Interleaved Montgomery reduction by product scanning. `col(k)` returns the sum of the
    /// products `a_i b_j` with `i + j = k` (at most 2^63); the result is `(a b + m n) / R`.
    #[inline(always)]
    fn mont(&self, col: impl Fn(usize) -> u64, scratch: &mut Scratch) -> Vec<u32> {
        let l = self.n.len();
        let n0 = self.n.first().map_or(0, |&v| u64::from(v));
        let m = &mut scratch.m;
        let mut out = vec![0u32; l];
        let mut carry: u64 = 0;
        for k in 0..l {
            let s1 = col(k);
            let s2 = dot(
                m.get(..k).unwrap_or(&[]),
                self.n_rev.get(l - 1 - k..l - 1).unwrap_or(&[]),
            );
            let t = carry + (s1 & MASK) + (s2 & MASK);
            let mk = t.wrapping_mul(self.n0inv) & MASK;
            if let Some(slot) = m.get_mut(k) {
                *slot = mk as u32;
            }
            carry = ((t + mk * n0) >> W) + (s1 >> W) + (s2 >> W);
        }
        for (k, o) in (l..2 * l - 1).zip(out.iter_mut()) {
            let lo = k + 1 - l;
            let s1 = col(k);
            let s2 = dot(
                m.get(lo..).unwrap_or(&[]),
                self.n_rev.get(..l - lo).unwrap_or(&[]),
            );
            let t = carry + (s1 & MASK) + (s2 & MASK);
            *o = (t & MASK) as u32;
            carry = (t >> W) + (s1 >> W) + (s2 >> W);
        }
        if let Some(o) = out.last_mut() {
            *o = carry as u32;
        }
        out
    }
}

/// Whether `em` is exactly `00 01 FF..FF 00 || DigestInfo(SHA-256) || digest` with at least
/// eight `FF` bytes (EMSA-PKCS1-v1_5, RFC 8017 section 9.2).
fn encoded_digest_is(em: &[u8], digest: &[u8; 32]) -> bool {
    let tail = SHA256_PREFIX.len() + digest.len();
    let Some(ps_end) = em.len().checked_sub(tail + 1) else {
        return false;
    };
    let (Some(head), Some(ps), Some(prefix), Some(hash)) = (
        em.get(..2),
        em.get(2..ps_end),
        em.get(ps_end..ps_end + 1 + SHA256_PREFIX.len()),
        em.get(ps_end + 1 + SHA256_PREFIX.len()..),
    ) else {
        return false;
    };
    head == [0x00, 0x01]
        && ps.len() >= 8
        && ps.iter().all(|&b| b == 0xff)
        && prefix.first() == Some(&0x00)
        && prefix.get(1..) == Some(&SHA256_PREFIX[..])
        && hash == digest
}

/// Reusable buffers for one exponentiation.
struct Scratch {
    m: Vec<u32>,
    rev: Vec<u32>,
}

impl Scratch {
    fn new(l: usize) -> Self {
        Self {
            m: vec![0; l],
            rev: Vec::with_capacity(l),
        }
    }
}

/// Sum of `x_i y_i` over the common length (each product < 2^56).
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
fn dot(x: &[u32], y: &[u32]) -> u64 {
    x.iter()
        .zip(y)
        .map(|(&p, &q)| u64::from(p) * u64::from(q))
        .sum()
}

/// Sum of `x_i y_i` over the common length, two 32x32->64 products per wasm simd128 instruction
/// (`i64x2.extmul_{low,high}_i32x4_u`); each lane accumulates at most half of the products.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn dot(x: &[u32], y: &[u32]) -> u64 {
    use core::arch::wasm32::{
        u32x4, u32x4_splat, u64x2_add, u64x2_extmul_high_u32x4, u64x2_extmul_low_u32x4,
        u64x2_extract_lane, u64x2_splat, v128_and,
    };
    // A no-op mask (limbs are < 2^28) that stops LLVM from turning the extending multiplies
    // into `i64x2.load32x2_u` + `i64x2.mul`, which is much slower on current engines.
    let mask = u32x4_splat(MASK as u32);
    let len = x.len().min(y.len());
    let (x, y) = (x.get(..len).unwrap_or(x), y.get(..len).unwrap_or(y));
    let mut acc = u64x2_splat(0);
    let (xc, yc) = (x.chunks_exact(4), y.chunks_exact(4));
    let (xr, yr) = (xc.remainder(), yc.remainder());
    for (p, q) in xc.zip(yc) {
        if let (&[p0, p1, p2, p3], &[q0, q1, q2, q3]) = (p, q) {
            let pv = v128_and(u32x4(p0, p1, p2, p3), mask);
            let qv = v128_and(u32x4(q0, q1, q2, q3), mask);
            let lo = u64x2_extmul_low_u32x4(pv, qv);
            let hi = u64x2_extmul_high_u32x4(pv, qv);
            acc = u64x2_add(acc, u64x2_add(lo, hi));
        }
    }
    let mut sum = u64x2_extract_lane::<0>(acc) + u64x2_extract_lane::<1>(acc);
    for (p, q) in xr.iter().zip(yr) {
        sum += u64::from(*p) * u64::from(*q);
    }
    sum
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let zeros = bytes.iter().take_while(|&&b| b == 0).count();
    bytes.get(zeros..).unwrap_or(&[])
}

/// Big-endian bytes to exactly `l` radix-2^28 limbs; `None` if the value does not fit.
fn be_to_limbs(bytes: &[u8], l: usize) -> Option<Vec<u32>> {
    let mut limbs = Vec::with_capacity(l + 1);
    let (mut acc, mut nbits) = (0u64, 0u32);
    for &b in bytes.iter().rev() {
        acc |= u64::from(b) << nbits;
        nbits += 8;
        if nbits >= W {
            limbs.push((acc & MASK) as u32);
            acc >>= W;
            nbits -= W;
        }
    }
    limbs.push(acc as u32);
    if limbs.iter().skip(l).any(|&v| v != 0) {
        return None;
    }
    limbs.resize(l, 0);
    Some(limbs)
}

/// Limbs to exactly `k` big-endian bytes; `None` if the value does not fit.
fn limbs_to_be(limbs: &[u32], k: usize) -> Option<Vec<u8>> {
    let mut out = vec![0u8; k];
    let mut bytes = out.iter_mut().rev();
    let (mut acc, mut nbits) = (0u64, 0u32);
    for &v in limbs {
        acc |= u64::from(v) << nbits;
        nbits += W;
        while nbits >= 8 {
            match bytes.next() {
                Some(b) => *b = acc as u8,
                None if acc & 0xff != 0 => return None,
                None => {}
            }
            acc >>= 8;
            nbits -= 8;
        }
    }
    if acc != 0 {
        return None;
    }
    Some(out)
}

/// a < b for equal-length limb vectors.
fn less_than(a: &[u32], b: &[u32]) -> bool {
    for (x, y) in a.iter().rev().zip(b.iter().rev()) {
        if x != y {
            return x < y;
        }
    }
    false
}

/// a -= b (requires a >= b).
fn sub_in_place(a: &mut [u32], b: &[u32]) {
    let mut borrow = 0u32;
    for (x, &y) in a.iter_mut().zip(b) {
        let d = x.wrapping_sub(y).wrapping_sub(borrow);
        borrow = d >> 31;
        *x = d & MASK as u32;
    }
}

/// x = 2 x mod n (requires x < n).
fn double_mod(x: &mut [u32], n: &[u32]) {
    let mut carry = 0u32;
    for v in x.iter_mut() {
        let d = (*v << 1) | carry;
        carry = d >> W;
        *v = d & MASK as u32;
    }
    if !less_than(x, n) {
        sub_in_place(x, n);
    }
}
