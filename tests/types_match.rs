//! The package's hand-written TypeScript types (`pkg-template/index.d.ts`) checked against the
//! Rust, so the two cannot drift: the error-code unions, the `claim` names, every option and
//! params member the crate reads, and which JWK members are optional.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeSet;
use std::fs;
use stytch_sessions_wasm::api::Names;
use stytch_sessions_wasm::session::SESSION_CLAIM;
use stytch_sessions_wasm::{ClientErrorCode, RequestErrorCode};

fn dts() -> String {
    fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/pkg-template/index.d.ts"
    ))
    .unwrap()
}

fn rust_sources() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut dirs = vec![concat!(env!("CARGO_MANIFEST_DIR"), "/src").to_owned()];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path.to_string_lossy().into_owned());
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = fs::read_to_string(&path).unwrap();
                out.push((path.to_string_lossy().into_owned(), text));
            }
        }
    }
    out
}

/// The string literals of a TypeScript union `export type NAME = | "a" | "b";`.
fn union(dts: &str, name: &str) -> BTreeSet<String> {
    let start = dts
        .find(&format!("export type {name} ="))
        .unwrap_or_else(|| panic!("index.d.ts has no type {name}"));
    let body = &dts[start..];
    let body = &body[..body.find(';').unwrap()];
    body.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// The member names declared between `from` and `to` in the .d.ts (`  name?: …` lines).
fn members(dts: &str, from: &str, to: &str) -> BTreeSet<String> {
    let start = dts.find(from).unwrap_or_else(|| panic!("no {from}"));
    let end = start + dts[start..].find(to).unwrap_or_else(|| panic!("no {to}"));
    let is_name = |n: &str| {
        !n.is_empty()
            && n.chars()
                .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())
    };
    let mut out = BTreeSet::new();
    for line in dts[start..end].lines() {
        if let Some(inline) = line.trim_start().strip_prefix("| {") {
            // An inline object type of a union: `| { a: string; b?: undefined }`.
            for part in inline.trim_end_matches(['}', ';', ' ']).split(';') {
                let name = part
                    .split(':')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .trim_end_matches('?');
                if is_name(name) {
                    out.insert(name.to_owned());
                }
            }
        } else if let Some(member) = line.strip_prefix("  ") {
            let name = member.split(':').next().unwrap_or("").trim_end_matches('?');
            if is_name(name) {
                out.insert(name.to_owned());
            }
        }
    }
    out
}

/// Each string literal that directly follows one of `calls` (e.g. `.string("name"`) in `text`.
fn literals_after(text: &str, calls: &[&str]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for call in calls {
        for (at, _) in text.match_indices(call) {
            let rest = text[at + call.len()..].trim_start();
            if let Some(rest) = rest.strip_prefix('"') {
                out.insert(rest[..rest.find('"').unwrap()].to_owned());
            }
        }
    }
    out
}

#[test]
fn error_code_unions_match_the_rust_enums() {
    let client = ClientErrorCode::ALL.map(ClientErrorCode::as_str);
    let request = RequestErrorCode::ALL.map(RequestErrorCode::as_str);
    for (union_name, codes) in [
        ("ClientErrorCode", &client[..]),
        ("RequestErrorCode", &request[..]),
    ] {
        let rust: BTreeSet<String> = codes.iter().map(|c| (*c).to_owned()).collect();
        assert_eq!(union(&dts(), union_name), rust, "{union_name}");
    }
}

#[test]
fn claim_names_match_every_claim_the_crate_can_name() {
    let mut rust = BTreeSet::new();
    for (path, text) in rust_sources() {
        for (at, _) in text.match_indices("Error::claim(") {
            // Error::claim(code, claim, message): the second argument.
            let args = &text[at + "Error::claim(".len()..];
            let claim = args.split(',').nth(1).unwrap().trim();
            let name = match claim {
                "SESSION_CLAIM" => SESSION_CLAIM.to_owned(),
                literal if literal.starts_with('"') => literal.trim_matches('"').to_owned(),
                "claim" | "name" => continue, // the definition, or a helper passing its argument on
                other => panic!("{path}: Error::claim with a claim this test cannot read: {other}"),
            };
            rust.insert(name);
        }
        // Helpers that take the claim name as an argument pass literals to these.
        rust.extend(literals_after(
            &text,
            &["numeric_date(&claims, ", "numeric_date(claims, "],
        ));
    }
    let ts = union(&dts(), "ClaimName");
    assert!(
        rust.is_subset(&ts),
        "claims the crate names but the types lack: {:?}",
        rust.difference(&ts).collect::<Vec<_>>()
    );
    for name in ["iss", "aud", "exp", "nbf", "iat", "sub", SESSION_CLAIM] {
        assert!(
            rust.contains(name),
            "{name} is in the types but the crate never names it"
        );
    }
    assert_eq!(ts.len(), 7, "{ts:?}");
}

#[test]
fn every_option_the_crate_reads_is_typed_and_every_typed_option_is_read() {
    let mut rust = BTreeSet::new();
    for (path, text) in rust_sources() {
        if path.contains("/src/api.rs")
            || path.contains("/src/config.rs")
            || path.contains("/src/rbac.rs")
            || path.contains("/src/gate.rs")
            || (path.contains("/src/wasm/") && !path.ends_with("/src/wasm/convert.rs"))
        {
            rust.extend(literals_after(
                &text,
                &[
                    ".string(",
                    ".required_string(",
                    ".uint(",
                    ".u32(",
                    ".u32_at_most(",
                    ".uint_at_most(",
                    ".epoch_ms(",
                    ".object(",
                    ".array(",
                    ".check(",
                    ".bool(",
                    ".jwks(",
                    "text(",
                    "name(",
                    "field(options, ",
                    "field(&options, ",
                    "field(params, ",
                ],
            ));
        }
    }
    // The package's driver reads the options that are JavaScript values (`fetch`, `jwks_store`,
    // `current_date`); src/wasm/convert.rs reads them for the Rust-on-wasm client, which these
    // types do not describe.
    let driver =
        fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/pkg-template/api.js")).unwrap();
    rust.extend(literals_after(&driver, &["field(options, "]));
    // Every name read is a known name (a reader of a name no list knows would never see it:
    // the strict-names check refuses it first).
    let known: BTreeSet<String> = known_lists()
        .iter()
        .flat_map(|(_, lists)| lists.iter().flat_map(|names| names.iter()))
        .map(|name| (*name).to_owned())
        .collect();
    assert!(
        rust.is_subset(&known),
        "read but known to no list: {:?}",
        rust.difference(&known).collect::<Vec<_>>()
    );
    // Known names that are accepted and ignored (stytch-node's `dispatcher`, `fraud_env`) are
    // typed too.
    rust.extend(known);
    let dts = dts();
    let ts = members(
        &dts,
        "// Options and requests",
        "export interface BaseResponse",
    );
    assert_eq!(
        ts,
        rust,
        "typed but not read: {:?}; read but not typed: {:?}",
        ts.difference(&rust).collect::<Vec<_>>(),
        rust.difference(&ts).collect::<Vec<_>>()
    );
}

/// A type of the .d.ts: its declaration's first line, and those of the types it extends.
type Declared = (&'static str, &'static [&'static str]);

/// Each options or params type of the .d.ts (its declaration's first line, and the types it
/// extends) and the known-name lists of the crate's readers of that object.
fn known_lists() -> Vec<(Declared, Vec<Names>)> {
    use stytch_sessions_wasm::api::*;
    use stytch_sessions_wasm::gate::GateOptions;
    use stytch_sessions_wasm::Config;
    const EXT: &[&str] = &["interface SessionExtension {"];
    vec![
        (
            ("export interface ClientOptions {", &[]),
            vec![Config::OPTIONS, Config::SDK_CLIENT_OPTIONS],
        ),
        (
            (
                "export interface AuthenticateRequestOptions extends ClientOptions {",
                &["export interface ClientOptions {"],
            ),
            GateOptions::KNOWN.to_vec(),
        ),
        (
            ("export interface VerifyJwtOptions {", &[]),
            vec![Config::OPTIONS, LocalJwtParams::NAMES],
        ),
        (
            ("export interface AuthorizationCheck {", &[]),
            vec![CHECK_MEMBERS],
        ),
        (
            ("export type SessionsAuthenticateRequest =", EXT),
            vec![AuthenticateParams::NAMES],
        ),
        (
            (
                "export interface SessionsAuthenticateJwtRequest extends",
                EXT,
            ),
            vec![SESSION_JWT, AuthenticateJwtParams::OPTIONS],
        ),
        (
            (
                "export interface SessionsAuthenticateJwtLocalRequest {",
                &[],
            ),
            vec![SESSION_JWT, LocalJwtParams::NAMES],
        ),
        (
            ("export interface SessionsGetRequest {", &[]),
            vec![GET_PARAMS],
        ),
        (
            ("export interface SessionsGetJWKSRequest {", &[]),
            vec![GET_JWKS_PARAMS],
        ),
        (
            ("export interface SessionsMigrateRequest extends", EXT),
            vec![MigrateParams::NAMES],
        ),
        (
            (
                "export interface SessionsExchangeAccessTokenRequest extends",
                EXT,
            ),
            vec![ExchangeAccessTokenParams::NAMES],
        ),
        (
            ("export interface SessionsAttestRequest extends", EXT),
            vec![AttestParams::NAMES],
        ),
        (
            ("export type SessionsRevokeRequest =", &[]),
            vec![RevokeParams::NAMES],
        ),
    ]
}

#[test]
fn each_options_type_declares_exactly_the_names_its_readers_know() {
    let dts = dts();
    for ((head, extends), lists) in known_lists() {
        let mut ts = members(&dts, head, "\n\n");
        for parent in extends {
            ts.extend(members(&dts, parent, "\n\n"));
        }
        let rust: BTreeSet<String> = lists
            .iter()
            .flat_map(|names| names.iter())
            .map(|name| (*name).to_owned())
            .collect();
        assert_eq!(
            ts,
            rust,
            "{head}: typed but unknown: {:?}; known but not typed: {:?}",
            ts.difference(&rust).collect::<Vec<_>>(),
            rust.difference(&ts).collect::<Vec<_>>()
        );
    }
}

#[test]
fn jwk_members_are_optional_exactly_where_the_rust_type_is() {
    let source = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/jwk.rs")).unwrap();
    let start = source.find("pub struct Jwk {").unwrap();
    let body = &source[start..start + source[start..].find("\n}").unwrap()];
    let mut rust = BTreeSet::new();
    let mut rename: Option<String> = None;
    for line in body.lines().skip(1).map(str::trim) {
        if let Some(at) = line.find("rename = \"") {
            let rest = &line[at + "rename = \"".len()..];
            rename = Some(rest[..rest.find('"').unwrap()].to_owned());
        } else if let Some(field) = line.strip_prefix("pub ") {
            let (name, ty) = field.split_once(':').unwrap();
            let name = rename.take().unwrap_or_else(|| name.trim().to_owned());
            rust.insert((name, ty.trim().starts_with("Option<")));
        }
    }
    let dts = dts();
    let start = dts.find("export interface JWK {").unwrap();
    let body = &dts[start..start + dts[start..].find("\n}").unwrap()];
    let ts: BTreeSet<(String, bool)> = body
        .lines()
        .filter_map(|l| l.strip_prefix("  "))
        .filter(|l| !l.starts_with('/') && !l.starts_with('*') && l.contains(':'))
        .map(|l| {
            let name = l.split(':').next().unwrap();
            (name.trim_end_matches('?').to_owned(), name.ends_with('?'))
        })
        .collect();
    assert_eq!(ts, rust);
}
