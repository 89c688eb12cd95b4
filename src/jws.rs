//! Compact JWS parsing (RFC 7515 §7.1), steps 1–2 of `docs/rules.md` ("How a session JWT is
//! judged"): size cap, exactly three segments, strict base64url (RFC 7515 §2: no padding, no
//! stray bits), a duplicate-free JSON header, the `alg` allow-list (RS256 only, RFC 7518 §3.3),
//! `typ`, and `crit`.
//!
//! Embedded key material (`jwk`, `jku`, `x5u`, `x5c`) is never read: keys come only from the
//! project's JWKS. The payload is decoded here but parsed as JSON only after the signature
//! has been verified (see [`crate::verify`]).

use crate::error::{ClientErrorCode, Error, Result};
use crate::json::{self, Value};

/// Longest token accepted, in bytes. Stytch session JWTs are 1–3 KiB; custom claims are capped
/// at 4 KB by the API. The cap bounds all later work on hostile input.
pub const MAX_TOKEN_BYTES: usize = 16 * 1024;

/// The one algorithm accepted.
pub const ALGORITHM: &str = "RS256";

/// A compact JWS split and decoded, its header checked, its signature not yet verified.
#[derive(Debug)]
pub struct Jws<'a> {
    /// The whole compact token.
    pub token: &'a str,
    /// The header's `kid`.
    pub kid: String,
    /// `BASE64URL(header) '.' BASE64URL(payload)`: the bytes the signature covers.
    pub signing_input: &'a [u8],
    /// The decoded payload bytes (JSON, parsed only after the signature passes).
    pub payload: Vec<u8>,
    /// The decoded signature bytes.
    pub signature: Vec<u8>,
}

/// Decodes strict unpadded base64url (RFC 7515 §2): `=` padding, characters outside the URL-safe
/// alphabet and non-zero trailing bits are all refused.
pub fn b64url_decode(segment: &str) -> Option<Vec<u8>> {
    crate::b64::decode_url(segment)
}

/// Encodes unpadded base64url.
pub fn b64url_encode(bytes: &[u8]) -> String {
    crate::b64::encode_url(bytes)
}

/// Splits and checks a compact JWS (steps 1–2).
pub fn parse(token: &str) -> Result<Jws<'_>> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(Error::invalid_jwt(
            "JWT is longer than 16384 bytes, the most accepted",
        ));
    }
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Error::invalid_jwt(
            "JWT must have exactly 3 segments separated by '.'",
        ));
    };
    let decode = |segment: &str, what: &'static str| {
        b64url_decode(segment).ok_or_else(|| Error::invalid_jwt(what))
    };
    let signing_input = token
        .as_bytes()
        .get(..header.len() + 1 + payload.len())
        .ok_or_else(|| Error::invalid_jwt("JWT segments are malformed"))?;
    let header_bytes = decode(header, "JWT header is not strict base64url")?;
    let payload = decode(payload, "JWT payload is not strict base64url")?;
    let signature = decode(signature, "JWT signature is not strict base64url")?;
    Ok(Jws {
        token,
        kid: check_header(&header_bytes)?,
        signing_input,
        payload,
        signature,
    })
}

/// Applies the header rules and returns the `kid`.
fn check_header(bytes: &[u8]) -> Result<String> {
    let header = json::parse_object(bytes)
        .map_err(|why| Error::invalid_jwt(["JWT header is ", why].concat()))?;
    match header.get("alg").and_then(|v| v.as_str()) {
        Some(ALGORITHM) => {}
        Some(other) if other.len() <= 16 && other.bytes().all(|b| b.is_ascii_alphanumeric()) => {
            return Err(Error::client(
                ClientErrorCode::JwtIncorrectAlgorithm,
                ["JWT alg is \"", other, "\"; only RS256 is accepted"].concat(),
            ))
        }
        _ => {
            return Err(Error::client(
                ClientErrorCode::JwtIncorrectAlgorithm,
                "JWT alg is missing or not RS256; only RS256 is accepted",
            ))
        }
    }
    if let Some(typ) = header.get("typ") {
        if !typ.as_str().is_some_and(|t| t.eq_ignore_ascii_case("JWT")) {
            return Err(Error::invalid_jwt("JWT typ must be \"JWT\""));
        }
    }
    if header.get("crit").is_some() {
        return Err(Error::invalid_jwt(
            "JWT header has crit: no critical extensions are supported",
        ));
    }
    match header.get("kid") {
        Some(Value::String(kid)) => Ok(kid.clone()),
        Some(_) => Err(Error::invalid_jwt("JWT kid must be a string")),
        None => Err(Error::invalid_jwt("JWT header has no kid")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_base64url() {
        assert_eq!(b64url_decode("YQ").unwrap(), b"a");
        assert!(b64url_decode("YQ==").is_none(), "padding");
        assert!(b64url_decode("YR").is_none(), "stray bits");
        assert!(b64url_decode("Y+").is_none(), "standard alphabet");
        assert!(b64url_decode("Y").is_none(), "impossible length");
        assert_eq!(b64url_decode("").unwrap(), b"");
    }

    #[test]
    fn signing_input_is_header_dot_payload() {
        let h = b64url_encode(br#"{"alg":"RS256","kid":"k"}"#);
        let token = format!("{h}.cGF5bG9hZA.c2ln");
        let jws = parse(&token).unwrap();
        assert_eq!(jws.signing_input, format!("{h}.cGF5bG9hZA").as_bytes());
        assert_eq!(jws.payload, b"payload");
        assert_eq!(jws.signature, b"sig");
        assert_eq!(jws.kid, "k");
    }
}
