//! Fast, variable-time RSA public-key operation for RS256 (RSASSA-PKCS1-v1_5 + SHA-256)
//! signature verification.
//!
//! Nothing in a signature check is secret, so this code is deliberately variable-time.
//! Arithmetic is Montgomery multiplication in radix 2^28 with 64-bit accumulators, so that up
//! to 255 products (below 2^56 each) add up in one accumulator without carry handling. It goes
//! by operand scanning, two rows at a time: rows `i` and `i + 1` add `a_i b + m_i n` and
//! `a_(i+1) b + m_(i+1) n` to the accumulators from limb `i` on, four limbs per vector step. On
//! wasm32 with simd128, one `i64x2.extmul_*_i32x4_u` makes two products and every operand is
//! loaded as a whole vector (the operands are kept twice, shifted by one limb, so that both rows
//! start on a pair of accumulators); elsewhere the same steps run on arrays, and the native tests
//! prove them. Squarings add each cross product once (by `2a`), and values are kept lazily
//! reduced (< 2n, which needs R > 4n) until the final conversion. Measured alternatives are in
//! benches/RESULTS.md.

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
#[derive(Clone, Debug)]
pub struct FastPublicKey {
    /// Modulus, little-endian radix-2^28 limbs (`l` limbs, with 2^(28 l) > 4 n).
    n: Vec<u32>,
    /// The modulus in vectors of four limbs, for the reduction rows.
    n4: Spread,
    /// -n^-1 mod 2^28.
    n0inv: u64,
    /// R^2 mod n (possibly + n, i.e. < 2n) for R = 2^(28 l), in vectors of four limbs.
    r2: Spread,
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
        // Smallest even limb count with R = 2^(28 l) > 4 n, so that lazily reduced values stay
        // < 2n (even: the products go two rows at a time).
        let l = (bits + 2).div_ceil(W as usize).next_multiple_of(2);
        let n = be_to_limbs(n_be, l)?;
        let n0 = u64::from(*n.first()?);
        // Newton iteration for n0^-1 mod 2^64 (each step doubles the number of correct bits).
        let mut inv = n0;
        for _ in 0..5 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(n0.wrapping_mul(inv)));
        }
        let mut key = Self {
            n4: Spread::of(&n),
            n,
            n0inv: inv.wrapping_neg() & MASK,
            r2: Spread::default(),
            e,
            k: n_be.len(),
        };
        // R^2 = R * 2^(s * 2^t) with 28 l = s * 2^t: compute R * 2^s mod n by doubling from
        // 2^(bits - 1) < n, then square t times in Montgomery form (each squaring doubles the
        // power of two: mont(R x, R x) = R x^2). The doubling is a function of its own: V8
        // recompiles a function once it has run enough, and ~280 doublings inline made the
        // whole set-up (2 KB) one to recompile during a cold isolate's first verification, or
        // squaring the Montgomery form of 2 up instead made the squaring hot a verification
        // sooner; recompiling 518 bytes of doubling costs little (benches/RESULTS.md).
        let rbits = W as usize * l;
        let t = rbits.trailing_zeros();
        let mut x = vec![0u32; l];
        *x.get_mut((bits - 1) / W as usize)? = 1 << ((bits - 1) % W as usize);
        for _ in 0..(rbits + (rbits >> t) - (bits - 1)) {
            double_mod(&mut x, &key.n);
        }
        let mut scratch = Scratch::new(l);
        for _ in 0..t {
            key.sqr(&mut x, &mut scratch);
        }
        key.r2 = Spread::of(&x);
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
        let Some(mut x) = be_to_limbs(sig, l) else {
            return false;
        };
        if !less_than(&x, &self.n) {
            return false;
        }
        let mut scratch = Scratch::new(l);
        // x = s R mod n (Montgomery form), the base of the exponentiation.
        self.mul(&mut x, &self.r2, &mut scratch);
        let base = Spread::of(&x);
        let mut bits = self
            .e
            .iter()
            .flat_map(|b| (0..8).rev().map(move |i| (b >> i) & 1));
        // Skip leading zero bits and the top one bit (already accounted for by x = base).
        bits.by_ref().find(|&bit| bit == 1);
        for bit in bits {
            self.sqr(&mut x, &mut scratch);
            if bit == 1 {
                self.mul(&mut x, &base, &mut scratch);
            }
        }
        // Leave Montgomery form: REDC(x) = x R^-1 <= n; reduce the single possible excess.
        self.reduce(&mut x, &mut scratch);
        if !less_than(&x, &self.n) {
            sub_in_place(&mut x, &self.n);
        }
        let Some(em) = limbs_to_be(&x, self.k) else {
            return false;
        };
        encoded_digest_is(&em, digest)
    }

    /// Montgomery product `a = a b R^-1 (mod n)`, inputs < 2n, output < 2n, by operand
    /// scanning, two rows at a time: rows `i` and `i + 1` add `a_i b + m_i n` and
    /// `a_(i+1) b + m_(i+1) n` to the accumulators from limb `i` on, with `m_i` and `m_(i+1)`
    /// chosen so that accumulators `i` and `i + 1` become multiples of 2^28 and can be carried
    /// out.
    fn mul(&self, a: &mut [u32], b: &Spread, scratch: &mut Scratch) {
        let t = &mut scratch.t;
        t.fill(lanes::ZERO);
        let n = &self.n4;
        for i in (0..a.len()).step_by(2) {
            self.normalise_before(t, i);
            let (ai, aj) = (limb(a, i), limb(a, i + 1));
            let (mi, mj) = self.multipliers(
                t,
                i,
                ai * u64::from(b.first),
                ai * u64::from(b.second) + aj * u64::from(b.first),
            );
            let row = t.get_mut(i / 2..).unwrap_or_default();
            lanes::row4(
                row,
                [ai as u32, aj as u32, mi, mj],
                [&b.even, &b.odd, &n.even, &n.odd],
            );
            carry_out(t, i);
        }
        finish(a, t);
    }

    /// Montgomery square `a = a^2 R^-1 (mod n)`, input < 2n, output < 2n. Rows `i` and `i + 1`
    /// add `a_i 2a_j` for `j > i + 1` and `a_(i+1) 2a_j` for `j > i + 1` (the entries `j <= i + 1`
    /// of `2a` are zeroed as the rows pass them), and the three products the vectors leave out
    /// (`a_i^2`, `a_i 2a_(i+1)`, `a_(i+1)^2`) one by one: about half of `mul`'s products besides
    /// the reduction.
    fn sqr(&self, a: &mut [u32], scratch: &mut Scratch) {
        let (t, a2) = (&mut scratch.t, &mut scratch.a2);
        t.fill(lanes::ZERO);
        a2.set_doubled(a);
        let n = &self.n4;
        for i in (0..a.len()).step_by(2) {
            self.normalise_before(t, i);
            a2.zero_limb(i);
            a2.zero_limb(i + 1);
            let (ai, aj) = (limb(a, i), limb(a, i + 1));
            for (k, p) in [
                (2 * i, ai * ai),
                (2 * i + 1, 2 * ai * aj),
                (2 * i + 2, aj * aj),
            ] {
                let v = lanes::get(t, k) + p;
                lanes::set(t, k, v);
            }
            let (mi, mj) = self.multipliers(t, i, 0, 0);
            // Before vector `c0`, 2a holds only zeroed entries for these rows: the reduction alone.
            let c0 = ((i + 2) / 4).min(n.even.len());
            let (ne, no) = (n.even.split_at(c0), n.odd.split_at(c0));
            lanes::row2(t.get_mut(i / 2..).unwrap_or_default(), mi, ne.0, mj, no.0);
            let (ae, ao) = (a2.even.get(c0..), a2.odd.get(c0..));
            lanes::row4(
                t.get_mut(i / 2 + 2 * c0..).unwrap_or_default(),
                [ai as u32, aj as u32, mi, mj],
                [ae.unwrap_or_default(), ao.unwrap_or_default(), ne.1, no.1],
            );
            carry_out(t, i);
        }
        finish(a, t);
    }

    /// `x = x R^-1 (mod n)`, at most n: the reduction rows alone.
    fn reduce(&self, x: &mut [u32], scratch: &mut Scratch) {
        let t = &mut scratch.t;
        t.fill(lanes::ZERO);
        for (k, &v) in x.iter().enumerate() {
            lanes::set(t, k, u64::from(v));
        }
        let n = &self.n4;
        for i in (0..x.len()).step_by(2) {
            self.normalise_before(t, i);
            let (mi, mj) = self.multipliers(t, i, 0, 0);
            lanes::row2(
                t.get_mut(i / 2..).unwrap_or_default(),
                mi,
                &n.even,
                mj,
                &n.odd,
            );
            carry_out(t, i);
        }
        finish(x, t);
    }

    /// `m_i` and `m_(i+1)` for rows `i` and `i + 1`, given what the rows add to accumulators
    /// `i` and `i + 1` besides the reduction (`add_i`, `add_j`).
    #[inline(always)]
    fn multipliers(&self, t: &[lanes::A2], i: usize, add_i: u64, add_j: u64) -> (u32, u32) {
        let ti = lanes::get(t, i) + add_i;
        let mi = ti.wrapping_mul(self.n0inv) & MASK;
        let carry = (ti + mi * u64::from(self.n4.first)) >> W;
        let tj = lanes::get(t, i + 1) + add_j + mi * u64::from(self.n4.second) + carry;
        let mj = tj.wrapping_mul(self.n0inv) & MASK;
        (mi as u32, mj as u32)
    }

    /// Before rows `i` and `i + 1`: with more than [`NO_CARRY_LIMBS`] limbs, every 32 rows,
    /// carries each accumulator from `i` on into the next (the last keeps its excess), so that
    /// 32 rows (each adding less than 2^59 to an accumulator) keep every one below 2^64.
    #[inline(always)]
    fn normalise_before(&self, t: &mut [lanes::A2], i: usize) {
        if self.n.len() > NO_CARRY_LIMBS && i != 0 && i.is_multiple_of(32) {
            normalise_from(t, i);
        }
    }
}

/// The carries of [`FastPublicKey::normalise_before`], out of line: only moduli of more than
/// 3526 bits need them, and the rows of every other stay small for V8 to compile.
#[cold]
#[inline(never)]
fn normalise_from(t: &mut [lanes::A2], i: usize) {
    let mut carry = 0u64;
    let end = 2 * t.len();
    for k in i..end {
        let s = lanes::get(t, k) + carry;
        let keep = if k + 1 == end { s } else { s & MASK };
        lanes::set(t, k, keep);
        carry = s >> W;
    }
}

/// Limb `k` of `x` (zero past its end).
fn limb(x: &[u32], k: usize) -> u64 {
    x.get(k).map_or(0, |&v| u64::from(v))
}

/// Most limbs for which no accumulator needs carrying before the end of a product: one gets at
/// most `2 l + 1` products below 2^56 (counting a product by 2a as two), and carries below
/// 2^37, which stays below 2^64 for `l <= 126` (up to 3526-bit moduli).
const NO_CARRY_LIMBS: usize = 126;

/// After rows `i` and `i + 1`: accumulators `i` and `i + 1` are multiples of 2^28 in turn; their
/// carries go up.
#[inline(always)]
fn carry_out(t: &mut [lanes::A2], i: usize) {
    let c = lanes::get(t, i) >> W;
    let c = (lanes::get(t, i + 1) + c) >> W;
    lanes::set(t, i, 0);
    lanes::set(t, i + 1, 0);
    let v = lanes::get(t, i + 2) + c;
    lanes::set(t, i + 2, v);
}

/// The accumulators from `l` on, carried into 28-bit limbs, are the result (below R).
fn finish(out: &mut [u32], t: &[lanes::A2]) {
    let l = out.len();
    let mut carry = 0u64;
    for (k, o) in out.iter_mut().enumerate() {
        let s = lanes::get(t, l + k) + carry;
        *o = (s & MASK) as u32;
        carry = s >> W;
    }
}

/// Equal keys: the same modulus and exponent (everything else is computed from them).
impl PartialEq for FastPublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.n == other.n && self.e == other.e
    }
}

impl Eq for FastPublicKey {}

/// A number's limbs in vectors of four, twice: `even` from limb 0, `odd` shifted up by one limb
/// (a zero first). A row `i` adds into the accumulators from `i` on, which are held in pairs:
/// an odd row starts on the second half of a pair, so it uses `odd` from the pair's start.
#[derive(Clone, Debug, Default)]
struct Spread {
    even: Vec<lanes::L4>,
    odd: Vec<lanes::L4>,
    /// Limbs 0 and 1.
    first: u32,
    second: u32,
}

impl Spread {
    fn of(x: &[u32]) -> Self {
        let mut s = Self::default();
        s.set(x, 1);
        s
    }

    /// `x << 1`, limb by limb (for squaring).
    fn set_doubled(&mut self, x: &[u32]) {
        self.set(x, 2);
    }

    fn set(&mut self, x: &[u32], factor: u32) {
        let limb = |k: usize| x.get(k).map_or(0, |&v| v * factor);
        let chunks = (x.len() + 1).div_ceil(4);
        self.even.clear();
        self.odd.clear();
        for c in 0..chunks {
            let k = 4 * c;
            self.even
                .push(lanes::l4([limb(k), limb(k + 1), limb(k + 2), limb(k + 3)]));
            let below = if k == 0 { 0 } else { limb(k - 1) };
            self.odd
                .push(lanes::l4([below, limb(k), limb(k + 1), limb(k + 2)]));
        }
        self.first = limb(0);
        self.second = limb(1);
    }

    /// Sets limb `k` to zero.
    fn zero_limb(&mut self, k: usize) {
        if let Some(v) = self.even.get_mut(k / 4) {
            *v = lanes::zero_lane(*v, k % 4);
        }
        if let Some(v) = self.odd.get_mut((k + 1) / 4) {
            *v = lanes::zero_lane(*v, (k + 1) % 4);
        }
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
    /// The accumulators of one Montgomery product, in pairs (2 l + 6 of them).
    t: Vec<lanes::A2>,
    /// 2a, for squaring.
    a2: Spread,
}

impl Scratch {
    fn new(l: usize) -> Self {
        Self {
            t: vec![lanes::ZERO; l + 3],
            a2: Spread::default(),
        }
    }
}

/// The vector operations of the rows: wasm simd128 when the target has it, else the same
/// operations on arrays (which the native tests run, so both share every other line).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod lanes {
    use core::arch::wasm32::{
        u32x4, u32x4_replace_lane, u32x4_splat, u64x2, u64x2_add, u64x2_extmul_high_u32x4,
        u64x2_extmul_low_u32x4, u64x2_extract_lane, u64x2_replace_lane, v128,
    };

    /// Four limbs.
    pub type L4 = v128;
    /// Two accumulators.
    pub type A2 = v128;
    pub const ZERO: A2 = u64x2(0, 0);

    pub fn l4(x: [u32; 4]) -> L4 {
        let [a, b, c, d] = x;
        u32x4(a, b, c, d)
    }

    pub fn zero_lane(v: L4, k: usize) -> L4 {
        match k {
            0 => u32x4_replace_lane::<0>(v, 0),
            1 => u32x4_replace_lane::<1>(v, 0),
            2 => u32x4_replace_lane::<2>(v, 0),
            _ => u32x4_replace_lane::<3>(v, 0),
        }
    }

    /// Accumulator `k`.
    #[inline(always)]
    pub fn get(t: &[A2], k: usize) -> u64 {
        t.get(k / 2).map_or(0, |&v| {
            if k.is_multiple_of(2) {
                u64x2_extract_lane::<0>(v)
            } else {
                u64x2_extract_lane::<1>(v)
            }
        })
    }

    #[inline(always)]
    pub fn set(t: &mut [A2], k: usize, x: u64) {
        if let Some(v) = t.get_mut(k / 2) {
            *v = if k.is_multiple_of(2) {
                u64x2_replace_lane::<0>(*v, x)
            } else {
                u64x2_replace_lane::<1>(*v, x)
            };
        }
    }

    /// The multipliers' splats, read from memory on every step of a row: LLVM would otherwise
    /// hoist their (loop-invariant) extension out of the loop and turn each extending multiply
    /// into an `i64x2.mul` of extended operands, which V8 emulates with several instructions.
    #[inline(always)]
    fn opaque<const K: usize>(m: &[v128; K]) -> [v128; K] {
        *core::hint::black_box(m)
    }

    /// Pairs `2c` and `2c + 1` of `t` += `x p[c] + y q[c]`, lane by lane. Out of line, as is
    /// [`row4`]: V8 compiles a function with its optimizing tier once it is hot, which workerd
    /// does on the isolate's own thread, between (or during) requests; these two small loops are
    /// then all it compiles for the arithmetic, once, instead of every caller inlining them.
    #[inline(never)]
    pub fn row2(t: &mut [A2], x: u32, p: &[L4], y: u32, q: &[L4]) {
        let m = [u32x4_splat(x), u32x4_splat(y)];
        for ((t, &p), &q) in t.chunks_exact_mut(2).zip(p).zip(q) {
            if let [lo, hi] = t {
                let [x, y] = opaque(&m);
                let plo = u64x2_add(u64x2_extmul_low_u32x4(p, x), u64x2_extmul_low_u32x4(q, y));
                let phi = u64x2_add(u64x2_extmul_high_u32x4(p, x), u64x2_extmul_high_u32x4(q, y));
                *lo = u64x2_add(*lo, plo);
                *hi = u64x2_add(*hi, phi);
            }
        }
    }

    /// Pairs `2c` and `2c + 1` of `t` += `m_0 v_0[c] + m_1 v_1[c] + m_2 v_2[c] + m_3 v_3[c]`,
    /// lane by lane.
    #[inline(never)]
    pub fn row4(t: &mut [A2], m: [u32; 4], v: [&[L4]; 4]) {
        let m = m.map(|x| u32x4_splat(x));
        let [v0, v1, v2, v3] = v;
        for ((((t, &a), &b), &c), &d) in t.chunks_exact_mut(2).zip(v0).zip(v1).zip(v2).zip(v3) {
            if let [lo, hi] = t {
                let [x0, x1, x2, x3] = opaque(&m);
                let plo = u64x2_add(
                    u64x2_add(u64x2_extmul_low_u32x4(a, x0), u64x2_extmul_low_u32x4(b, x1)),
                    u64x2_add(u64x2_extmul_low_u32x4(c, x2), u64x2_extmul_low_u32x4(d, x3)),
                );
                let phi = u64x2_add(
                    u64x2_add(
                        u64x2_extmul_high_u32x4(a, x0),
                        u64x2_extmul_high_u32x4(b, x1),
                    ),
                    u64x2_add(
                        u64x2_extmul_high_u32x4(c, x2),
                        u64x2_extmul_high_u32x4(d, x3),
                    ),
                );
                *lo = u64x2_add(*lo, plo);
                *hi = u64x2_add(*hi, phi);
            }
        }
    }
}

/// The same operations on arrays.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod lanes {
    /// Four limbs.
    pub type L4 = [u32; 4];
    /// Two accumulators.
    pub type A2 = [u64; 2];
    pub const ZERO: A2 = [0; 2];

    pub fn l4(x: [u32; 4]) -> L4 {
        x
    }

    pub fn zero_lane(mut v: L4, k: usize) -> L4 {
        if let Some(x) = v.get_mut(k) {
            *x = 0;
        }
        v
    }

    /// Accumulator `k`.
    #[inline(always)]
    pub fn get(t: &[A2], k: usize) -> u64 {
        t.get(k / 2)
            .and_then(|v| v.get(k % 2))
            .copied()
            .unwrap_or(0)
    }

    #[inline(always)]
    pub fn set(t: &mut [A2], k: usize, x: u64) {
        if let Some(v) = t.get_mut(k / 2).and_then(|v| v.get_mut(k % 2)) {
            *v = x;
        }
    }

    /// Pairs `2c` and `2c + 1` of `t` += `x p[c] + y q[c]`, lane by lane.
    #[inline(always)]
    pub fn row2(t: &mut [A2], x: u32, p: &[L4], y: u32, q: &[L4]) {
        let (x, y) = (u64::from(x), u64::from(y));
        for ((t, p), q) in t.chunks_exact_mut(2).zip(p).zip(q) {
            for ((t, &p), &q) in t.iter_mut().flatten().zip(p).zip(q) {
                *t += x * u64::from(p) + y * u64::from(q);
            }
        }
    }

    /// Pairs `2c` and `2c + 1` of `t` += `m_0 v_0[c] + m_1 v_1[c] + m_2 v_2[c] + m_3 v_3[c]`,
    /// lane by lane.
    #[inline(always)]
    pub fn row4(t: &mut [A2], m: [u32; 4], v: [&[L4]; 4]) {
        let [v0, v1, v2, v3] = v;
        let [m0, m1, m2, m3] = m.map(u64::from);
        for ((((t, a), b), c), d) in t.chunks_exact_mut(2).zip(v0).zip(v1).zip(v2).zip(v3) {
            let lanes = a.iter().zip(b).zip(c).zip(d);
            for (t, (((&a, &b), &c), &d)) in t.iter_mut().flatten().zip(lanes) {
                *t += m0 * u64::from(a) + m1 * u64::from(b) + m2 * u64::from(c) + m3 * u64::from(d);
            }
        }
    }
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

/// x = 2 x mod n (requires x < n). Out of line: see [`FastPublicKey::new`].
#[inline(never)]
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
