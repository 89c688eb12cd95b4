//! What a shared JWKS store holds (`docs/rules.md`, "Keys shared across isolates"): one JSON
//! text, `{"url": <JWKS URL>, "fetched_at_ms": <when>, "jwks": <the JWKS as served>}`. Anything
//! else it may hold (another project's keys, stale keys, garbage) is ignored.
//!
//! With the project secret configured, the text starts with `{"mac":"<64 hex digits>",` and
//! the MAC is HMAC-SHA-256, keyed by the secret, of [`MAC_LABEL`] and the rest of the text: a
//! value that does not carry the right one is ignored, so whoever can write to the store (but
//! does not hold the secret) cannot make the engine trust their keys. Without a secret the store
//! is a trust root: what it holds for the URL is believed.

use super::keys::MAX_AGE_MS;
use crate::json::{self, Value};
use crate::jwk::KeySet;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// What the MAC covers first, so it can never be taken for another MAC made with the secret.
pub const MAC_LABEL: &str = "stytch-sessions-wasm jwks_store v1\n";
const MAC_PREFIX: &str = "{\"mac\":\"";

/// How long a store keeps what it is given, in seconds: the keys' freshness.
pub const TTL_SECONDS: u32 = (MAX_AGE_MS / 1000.0) as u32;

/// The store's value for `jwks` (a JWKS's JSON text, as served) fetched from `url` at
/// `fetched_at_ms`, with its MAC when a `secret` is configured.
pub fn write(url: &str, fetched_at_ms: f64, jwks: &str, secret: Option<&str>) -> String {
    let mut body = String::with_capacity(jwks.len() + url.len() + 48);
    body.push_str("\"url\":");
    json::write_str(url, &mut body);
    body.push_str(",\"fetched_at_ms\":");
    json::push_u64(&mut body, fetched_at_ms.max(0.0) as u64);
    body.push_str(",\"jwks\":");
    body.push_str(jwks);
    body.push('}');
    let Some(mac) = secret.and_then(|secret| mac(secret, &body)) else {
        return ["{", &body].concat();
    };
    let mut out = String::with_capacity(body.len() + 80);
    out.push_str(MAC_PREFIX);
    for b in mac {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 15)]));
    }
    out.push_str("\",");
    out.push_str(&body);
    out
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// HMAC-SHA-256 of [`MAC_LABEL`] and `body`, keyed by `secret`, ready to finish or verify.
fn keyed(secret: &str, body: &str) -> Option<Hmac<Sha256>> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).ok()?;
    mac.update(MAC_LABEL.as_bytes());
    mac.update(body.as_bytes());
    Some(mac)
}

/// The MAC of `body` under `secret`.
fn mac(secret: &str, body: &str) -> Option<[u8; 32]> {
    Some(keyed(secret, body)?.finalize().into_bytes().into())
}

/// The text after a valid MAC, when `secret` is configured; the whole text otherwise.
fn authentic<'a>(text: &'a str, secret: Option<&str>) -> Option<&'a str> {
    let Some(secret) = secret else {
        return Some(text);
    };
    let rest = text.strip_prefix(MAC_PREFIX)?;
    let (hex, body) = (rest.get(..64)?, rest.get(64..)?.strip_prefix("\",")?);
    let mut given = [0u8; 32];
    for (byte, pair) in given.iter_mut().zip(hex.as_bytes().chunks_exact(2)) {
        let digit = |c: u8| HEX.iter().position(|&h| h == c);
        *byte = u8::try_from(digit(pair[0])? * 16 + digit(pair[1])?).ok()?;
    }
    keyed(secret, body)?.verify_slice(&given).ok()?;
    Some(body)
}

/// The usable keys `text` holds for `url`, with when they were fetched, if they are still fresh
/// at `now_ms` and, with a `secret` configured, carry its MAC.
pub fn read(text: &str, url: &str, now_ms: f64, secret: Option<&str>) -> Option<(KeySet, f64)> {
    let parsed = match secret {
        // The MAC covers the members after it, written without the opening brace.
        Some(_) => json::parse(["{", authentic(text, secret)?].concat().as_bytes()),
        None => json::parse(text.as_bytes()),
    };
    let Ok(Value::Object(stored)) = parsed else {
        return None;
    };
    if stored.get("url").and_then(Value::as_str) != Some(url) {
        return None;
    }
    let fetched_at_ms = stored.get("fetched_at_ms")?.as_u64()? as f64;
    if !(0.0..MAX_AGE_MS).contains(&(now_ms - fetched_at_ms)) {
        return None;
    }
    let jwks = stored.get("jwks")?.as_object()?;
    let keys = KeySet::from_values(jwks.get("keys")?.as_array()?);
    (!keys.is_empty()).then_some((keys, fetched_at_ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_fresh_keys_for_the_same_url_are_read() {
        let jwks =
            r#"{"keys":[{"kty":"RSA","kid":"k","use":"sig","alg":"RS256","n":"AQAB","e":"AQAB"}]}"#;
        let text = write("https://a/jwks", 1_000.0, jwks, None);
        assert!(read(&text, "https://b/jwks", 2_000.0, None).is_none());
        assert!(read(&text, "https://a/jwks", 1_000.0 + MAX_AGE_MS, None).is_none());
        assert!(
            read(&text, "https://a/jwks", 500.0, None).is_none(),
            "stored in the future"
        );
        for garbage in ["", "null", "[]", "{\"url\":\"https://a/jwks\"}", "{{{"] {
            assert!(read(garbage, "https://a/jwks", 2_000.0, None).is_none());
        }
    }

    const JWKS: &str =
        r#"{"keys":[{"kty":"RSA","kid":"k","use":"sig","alg":"RS256","n":"AQAB","e":"AQAB"}]}"#;

    #[test]
    fn with_a_secret_only_a_value_with_its_mac_is_read() {
        let url = "https://a/jwks";
        let signed = write(url, 1_000.0, JWKS, Some("secret-1"));
        assert!(signed.starts_with("{\"mac\":\""), "{signed}");
        // Unreadable key material aside (n = AQAB is no key), the MAC decides whether it is read
        // at all: compare what read gets to parse through `authentic`.
        assert!(authentic(&signed, Some("secret-1")).is_some());
        assert!(
            authentic(&signed, Some("secret-2")).is_none(),
            "another secret"
        );
        let unsigned = write(url, 1_000.0, JWKS, None);
        assert!(authentic(&unsigned, Some("secret-1")).is_none(), "no MAC");
        let tampered = signed.replace("\"kid\":\"k\"", "\"kid\":\"x\"");
        assert!(
            authentic(&tampered, Some("secret-1")).is_none(),
            "a changed body"
        );
        let later = signed.replace("1000", "1001");
        assert!(
            authentic(&later, Some("secret-1")).is_none(),
            "a changed date"
        );
        for bad in ["{\"mac\":\"zz", "{\"mac\":\"", "", "{\"mac\":\"é"] {
            assert!(authentic(bad, Some("secret-1")).is_none());
        }
        // Without a secret, the MAC is not checked (and the value still parses).
        assert!(authentic(&signed, None).is_some());
    }
}
