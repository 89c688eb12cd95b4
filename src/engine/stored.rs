//! What a shared JWKS store holds (`docs/rules.md`, "Keys shared across isolates"): one JSON
//! text, `{"url": <JWKS URL>, "fetched_at_ms": <when>, "jwks": <the JWKS as served>}`. Anything
//! else it may hold (another project's keys, stale keys, garbage) is ignored.

use super::keys::MAX_AGE_MS;
use crate::json::{self, Value};
use crate::jwk::KeySet;

/// How long a store keeps what it is given, in seconds: the keys' freshness.
pub const TTL_SECONDS: u32 = (MAX_AGE_MS / 1000.0) as u32;

/// The store's value for `jwks` (a JWKS's JSON text, as served) fetched from `url` at
/// `fetched_at_ms`.
pub fn write(url: &str, fetched_at_ms: f64, jwks: &str) -> String {
    let mut out = String::with_capacity(jwks.len() + url.len() + 48);
    out.push_str("{\"url\":");
    json::write_str(url, &mut out);
    out.push_str(",\"fetched_at_ms\":");
    json::push_u64(&mut out, fetched_at_ms.max(0.0) as u64);
    out.push_str(",\"jwks\":");
    out.push_str(jwks);
    out.push('}');
    out
}

/// The usable keys `text` holds for `url`, with when they were fetched, if they are still fresh
/// at `now_ms`.
pub fn read(text: &str, url: &str, now_ms: f64) -> Option<(KeySet, f64)> {
    let Ok(Value::Object(stored)) = json::parse(text.as_bytes()) else {
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
        let text = write("https://a/jwks", 1_000.0, jwks);
        assert!(read(&text, "https://b/jwks", 2_000.0).is_none());
        assert!(read(&text, "https://a/jwks", 1_000.0 + MAX_AGE_MS).is_none());
        assert!(
            read(&text, "https://a/jwks", 500.0).is_none(),
            "stored in the future"
        );
        for garbage in ["", "null", "[]", "{\"url\":\"https://a/jwks\"}", "{{{"] {
            assert!(read(garbage, "https://a/jwks", 2_000.0).is_none());
        }
    }
}
