//! Base64, as little of it as the crate needs: strict unpadded base64url decoding (JWS segments
//! and JWK members; `docs/rules.md`, "How a session JWT is judged") and encoding, and padded
//! standard encoding (Basic auth). Small on purpose: a general codec costs the module 6 KB.

const URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// The value of each base64url character, 64 for any other byte.
const URL_VALUES: [u8; 256] = {
    let mut table = [64u8; 256];
    let mut i = 0;
    while i < 64 {
        table[URL[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// A character's value, 64 when it is not base64url: an invalid character's value is the only
/// one with bit 6 set, so the OR of several values has it exactly when one of them is invalid.
#[inline(always)]
fn url_value(c: u8) -> u32 {
    u32::from(URL_VALUES[usize::from(c)])
}

/// Decodes strict unpadded base64url (RFC 7515 §2): `=` padding, characters outside the URL-safe
/// alphabet, an impossible length and non-zero trailing bits are all refused.
pub fn decode_url(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut chunks = bytes.chunks_exact(4);
    // Room for the remainder's one or two bytes too, so that pushing them never reallocates.
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3 + 2);
    out.resize(bytes.len() / 4 * 3, 0);
    // Four table lookups a chunk, one check ([`url_value`]).
    for (chunk, three) in (&mut chunks).zip(out.chunks_exact_mut(3)) {
        let (&[a, b, c, d], [x, y, z]) = (chunk, three) else {
            return None;
        };
        let (a, b, c, d) = (url_value(a), url_value(b), url_value(c), url_value(d));
        if (a | b | c | d) & 64 != 0 {
            return None;
        }
        let n = a << 18 | b << 12 | c << 6 | d;
        (*x, *y, *z) = ((n >> 16) as u8, (n >> 8) as u8, n as u8);
    }
    match *chunks.remainder() {
        [] => {}
        [a, b] => {
            let (a, b) = (url_value(a), url_value(b));
            let n = a << 18 | b << 12;
            if (a | b) & 64 != 0 || n & 0xffff != 0 {
                return None;
            }
            out.push((n >> 16) as u8);
        }
        [a, b, c] => {
            let (a, b, c) = (url_value(a), url_value(b), url_value(c));
            let n = a << 18 | b << 12 | c << 6;
            if (a | b | c) & 64 != 0 || n & 0xff != 0 {
                return None;
            }
            out.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8]);
        }
        _ => return None,
    }
    Some(out)
}

fn encode(bytes: &[u8], alphabet: &[u8; 64], pad: bool, out: &mut String) {
    let char_at = |n: u32, shift: u32| char::from(alphabet[(n >> shift & 63) as usize]);
    for chunk in bytes.chunks(3) {
        let (n, len) = match *chunk {
            [a, b, c] => (u32::from(a) << 16 | u32::from(b) << 8 | u32::from(c), 4),
            [a, b] => (u32::from(a) << 16 | u32::from(b) << 8, 3),
            [a] => (u32::from(a) << 16, 2),
            _ => continue,
        };
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i < len {
                out.push(char_at(n, shift));
            } else if pad {
                out.push('=');
            }
        }
    }
}

/// Encodes unpadded base64url.
pub fn encode_url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    encode(bytes, URL, false, &mut out);
    out
}

/// Appends padded standard base64.
pub fn encode_standard(bytes: &[u8], out: &mut String) {
    encode(bytes, STANDARD, true, out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::{STANDARD as B64_STANDARD, URL_SAFE_NO_PAD};
    use base64::Engine as _;

    /// The same answers as the `base64` crate's strict engines, for every length up to 64 and
    /// for mutated texts.
    #[test]
    fn agrees_with_the_base64_crate() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for len in 0..64 {
            for _ in 0..20 {
                let bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
                let url = encode_url(&bytes);
                assert_eq!(url, URL_SAFE_NO_PAD.encode(&bytes));
                let mut std = String::new();
                encode_standard(&bytes, &mut std);
                assert_eq!(std, B64_STANDARD.encode(&bytes));
                assert_eq!(decode_url(&url).unwrap(), bytes);
                let mut mutated = url.into_bytes();
                if !mutated.is_empty() {
                    let at = next() as usize % mutated.len();
                    mutated[at] = b"A_-+/=.Zz09\0"[next() as usize % 12];
                }
                let mutated = String::from_utf8(mutated).unwrap();
                assert_eq!(
                    decode_url(&mutated),
                    URL_SAFE_NO_PAD.decode(&mutated).ok(),
                    "{mutated}"
                );
            }
        }
        for text in [
            "YQ", "YQ==", "YR", "Y+", "Y", "", "YWJj", "YWJjZA", "YWJjZB",
        ] {
            assert_eq!(
                decode_url(text),
                URL_SAFE_NO_PAD.decode(text).ok(),
                "{text}"
            );
        }
    }
}
