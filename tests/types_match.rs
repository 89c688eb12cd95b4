//! The package's TypeScript types (`pkg-template/index.d.ts`) checked against the Rust, so the
//! two cannot drift. The option and params interfaces are generated: each region between
//! `// <generated: Name>` and `// </generated>` is rendered here from the crate's member tables
//! (its `params!` and `members!` declarations), and the test fails when the file differs
//! (`UPDATE_GENERATED=1 cargo test --test types_match` rewrites the regions). The hand-written
//! rest is checked too: the error-code unions, the `claim` names, and which JWK members are
//! optional.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeSet;
use std::fs;
use stytch_sessions_wasm::internal::options::{Member, Names};
use stytch_sessions_wasm::member_session::ORGANIZATION_CLAIM;
use stytch_sessions_wasm::session::SESSION_CLAIM;
use stytch_sessions_wasm::{ClientErrorCode, Config, RequestErrorCode};

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
                "ORGANIZATION_CLAIM" | "crate::member_session::ORGANIZATION_CLAIM" => {
                    ORGANIZATION_CLAIM.to_owned()
                }
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
    for name in [
        "iss",
        "aud",
        "exp",
        "nbf",
        "iat",
        "sub",
        SESSION_CLAIM,
        ORGANIZATION_CLAIM,
    ] {
        assert!(
            rust.contains(name),
            "{name} is in the types but the crate never names it"
        );
    }
    assert_eq!(ts.len(), 10, "{ts:?}");
}

/// One generated region of the .d.ts: the TypeScript declaration of one options or params
/// object, rendered from the crate's member tables.
struct Region {
    /// The TypeScript type, which names the region.
    name: &'static str,
    /// Whether it is exported.
    export: bool,
    /// The interfaces it extends besides the groups its members belong to.
    extends: &'static [&'static str],
    /// Its members, in order.
    members: Vec<Member>,
    /// Members of which exactly one is given (a union type).
    one_of: Names,
    /// The known-name lists of the crate's reader of that object, when it has one of its own:
    /// the type declares exactly those names, its parents' included.
    known: Option<Vec<Names>>,
}

/// Every generated region, from the crate's tables.
fn regions() -> Vec<Region> {
    use stytch_sessions_wasm::api::*;
    use stytch_sessions_wasm::b2b::{
        self, B2bAttestParams, B2bAuthenticateParams, B2bExchangeParams, B2bMigrateParams,
        B2bRevokeParams,
    };
    use stytch_sessions_wasm::internal::gate::GateOptions;
    use stytch_sessions_wasm::internal::gate_access::{self, AccessGate};
    use stytch_sessions_wasm::internal::options::{CHECK_MEMBERS, CHECK_TS};
    use stytch_sessions_wasm::oauth;
    let cat = |tables: &[&[Member]]| -> Vec<Member> {
        tables.iter().flat_map(|t| t.iter().copied()).collect()
    };
    // `name` made the type's own member, and required.
    let required = |mut members: Vec<Member>, name: &str| {
        members.iter_mut().filter(|m| m.name == name).for_each(|m| {
            m.optional = false;
            m.group = None;
        });
        members
    };
    // The members of `table` as a group: a type with them extends the group's interface.
    let group = |table: &[Member], name: &'static str| -> Vec<Member> {
        table
            .iter()
            .map(|m| Member {
                group: Some(name),
                ..*m
            })
            .collect()
    };
    // The options every configuration reads, the secret optional: without one a gate judges
    // locally only (`Config::from_gate_fields`), and `verifyJwt` needs it only for an
    // authorization check.
    let project = group(Config::OPTIONS_TS, "ProjectOptions");
    // The rest of stytch-node's `ClientConfig`, which `new Client` and the gates read too.
    let stytch_node = group(Config::SDK_CLIENT_TS, "StytchNodeOptions");
    // The members of the shared session extension, as every params table that has them has
    // them (the same lines: `params!` declares the group once).
    let mut extension: Vec<Member> = Vec::new();
    for table in [
        AuthenticateParams::TS,
        AuthenticateJwtParams::TS,
        MigrateParams::TS,
        ExchangeAccessTokenParams::TS,
        AttestParams::TS,
    ] {
        let group: Vec<Member> = table
            .iter()
            .filter(|m| m.group == Some("SessionExtension"))
            .map(|m| Member { group: None, ..*m })
            .collect();
        assert!(!group.is_empty(), "{table:?}");
        if extension.is_empty() {
            extension = group;
        } else {
            assert_eq!(extension, group);
        }
    }
    let params = |name, members: &[Member], one_of, known: Vec<Names>| Region {
        name,
        export: true,
        extends: &[],
        members: members.to_vec(),
        one_of,
        known: Some(known),
    };
    vec![
        Region {
            name: "ProjectOptions",
            export: true,
            extends: &[],
            members: Config::OPTIONS_TS.to_vec(),
            one_of: &[],
            known: None,
        },
        Region {
            name: "StytchNodeOptions",
            export: false,
            extends: &[],
            members: Config::SDK_CLIENT_TS.to_vec(),
            one_of: &[],
            known: None,
        },
        Region {
            name: "ClientOptions",
            export: true,
            extends: &[],
            // `new Client` requires the secret (`Config::from_client_fields`).
            members: required(cat(&[&project, &stytch_node]), "secret"),
            one_of: &[],
            known: Some(vec![Config::OPTIONS, Config::SDK_CLIENT_OPTIONS]),
        },
        Region {
            name: "AuthenticateRequestOptions",
            export: true,
            extends: &[],
            members: cat(&[
                &project,
                &stytch_node,
                GateOptions::TS,
                AuthenticateJwtParams::TS,
            ])
            .into_iter()
            .filter(|m| m.name != "session_jwt")
            .collect(),
            one_of: &[],
            known: Some(GateOptions::KNOWN.to_vec()),
        },
        Region {
            name: "VerifyJwtOptions",
            export: true,
            extends: &[],
            members: cat(&[&project, LocalJwtParams::TS]),
            one_of: &[],
            known: Some(vec![Config::OPTIONS, LocalJwtParams::NAMES]),
        },
        // One reader for both products' checks: a consumer check has no organization.
        Region {
            known: None,
            ..params(
                "AuthorizationCheck",
                &CHECK_TS
                    .iter()
                    .copied()
                    .filter(|m| m.name != "organization_id")
                    .collect::<Vec<_>>(),
                &[],
                vec![],
            )
        },
        Region {
            members: required(CHECK_TS.to_vec(), "organization_id"),
            ..params("B2BAuthorizationCheck", CHECK_TS, &[], vec![CHECK_MEMBERS])
        },
        Region {
            name: "SessionExtension",
            export: false,
            extends: &[],
            members: extension,
            one_of: &[],
            known: None,
        },
        params(
            AuthenticateParams::TS_NAME,
            AuthenticateParams::TS,
            AuthenticateParams::ONE_OF,
            vec![AuthenticateParams::NAMES],
        ),
        params(
            AuthenticateJwtParams::TS_NAME,
            AuthenticateJwtParams::TS,
            AuthenticateJwtParams::ONE_OF,
            vec![SESSION_JWT, AuthenticateJwtParams::OPTIONS],
        ),
        params(
            "SessionsAuthenticateJwtLocalRequest",
            &cat(&[SESSION_JWT_TS, LocalJwtParams::TS]),
            &[],
            vec![SESSION_JWT, LocalJwtParams::NAMES],
        ),
        params("SessionsGetRequest", GET_TS, &[], vec![GET_PARAMS]),
        params(
            "SessionsGetJWKSRequest",
            GET_JWKS_TS,
            &[],
            vec![GET_JWKS_PARAMS],
        ),
        params(
            MigrateParams::TS_NAME,
            MigrateParams::TS,
            MigrateParams::ONE_OF,
            vec![MigrateParams::NAMES],
        ),
        params(
            ExchangeAccessTokenParams::TS_NAME,
            ExchangeAccessTokenParams::TS,
            ExchangeAccessTokenParams::ONE_OF,
            vec![ExchangeAccessTokenParams::NAMES],
        ),
        params(
            AttestParams::TS_NAME,
            AttestParams::TS,
            AttestParams::ONE_OF,
            vec![AttestParams::NAMES],
        ),
        params(
            RevokeParams::TS_NAME,
            RevokeParams::TS,
            RevokeParams::ONE_OF,
            vec![RevokeParams::NAMES],
        ),
        params(
            B2bAuthenticateParams::TS_NAME,
            B2bAuthenticateParams::TS,
            B2bAuthenticateParams::ONE_OF,
            vec![B2bAuthenticateParams::NAMES],
        ),
        params(
            "B2BSessionsGetRequest",
            b2b::GET_TS,
            &[],
            vec![b2b::GET_PARAMS],
        ),
        params(
            B2bExchangeParams::TS_NAME,
            B2bExchangeParams::TS,
            B2bExchangeParams::ONE_OF,
            vec![B2bExchangeParams::NAMES],
        ),
        params(
            B2bMigrateParams::TS_NAME,
            B2bMigrateParams::TS,
            B2bMigrateParams::ONE_OF,
            vec![B2bMigrateParams::NAMES],
        ),
        params(
            B2bAttestParams::TS_NAME,
            B2bAttestParams::TS,
            B2bAttestParams::ONE_OF,
            vec![B2bAttestParams::NAMES],
        ),
        params(
            B2bRevokeParams::TS_NAME,
            B2bRevokeParams::TS,
            B2bRevokeParams::ONE_OF,
            vec![B2bRevokeParams::NAMES],
        ),
        params(
            "B2BSessionsRevokeRequestOptions",
            b2b::REVOKE_OPTIONS_TS,
            &[],
            vec![b2b::REVOKE_OPTIONS],
        ),
        params(
            "B2BAuthorization",
            b2b::AUTHORIZATION_TS,
            &[],
            vec![b2b::AUTHORIZATION],
        ),
        params(
            "M2MAuthenticateTokenRequest",
            oauth::AUTHENTICATE_TOKEN_TS,
            &[],
            vec![oauth::AUTHENTICATE_TOKEN],
        ),
        params("M2MTokenRequest", oauth::TOKEN_TS, &[], vec![oauth::TOKEN]),
        params(
            "IntrospectTokenLocalOptions",
            oauth::INTROSPECT_LOCAL_TS,
            &[],
            vec![oauth::INTROSPECT_LOCAL],
        ),
        params(
            "IntrospectTokenNetworkRequest",
            oauth::INTROSPECT_NETWORK_TS,
            &[],
            vec![oauth::INTROSPECT_NETWORK],
        ),
        params(
            "IntrospectTokenNetworkOptions",
            oauth::INTROSPECT_NETWORK_OPTIONS_TS,
            &[],
            vec![oauth::INTROSPECT_NETWORK_OPTIONS],
        ),
        Region {
            name: "AuthenticateAccessTokenOptions",
            export: true,
            extends: &[],
            members: cat(&[&project, &stytch_node, AccessGate::TS]),
            one_of: &[],
            known: Some(AccessGate::KNOWN.to_vec()),
        },
        params(
            "ProtectedResourceMetadataOptions",
            gate_access::METADATA_TS,
            &[],
            vec![gate_access::METADATA],
        ),
    ]
}

/// The widest line of the .d.ts's documentation.
const WIDTH: usize = 100;

/// A member's lines: its documentation (one paragraph, on one line when it fits, else wrapped
/// at [`WIDTH`]), then `name: type;` (`name?: type | undefined;` when it may be left out: the
/// types are meant for `exactOptionalPropertyTypes` too; a function type in parentheses).
fn render_member(out: &mut String, m: &Member, indent: &str) {
    let words: Vec<&str> = m
        .doc
        .iter()
        .flat_map(|line| line.split_whitespace())
        .collect();
    let one_line = format!("{indent}/** {} */", words.join(" "));
    if words.is_empty() {
    } else if one_line.chars().count() <= WIDTH {
        out.push_str(&one_line);
        out.push('\n');
    } else {
        out.push_str(&format!("{indent}/**\n"));
        let mut line = format!("{indent} *");
        for word in words {
            if line.chars().count() + 1 + word.chars().count() > WIDTH
                && line.len() > indent.len() + 2
            {
                out.push_str(&line);
                out.push('\n');
                line = format!("{indent} *");
            }
            line.push(' ');
            line.push_str(word);
        }
        out.push_str(&line);
        out.push_str(&format!("\n{indent} */\n"));
    }
    if m.optional {
        // A function type is parenthesized: `() => void | undefined` is a function that may
        // return `undefined`, not an optional function.
        let ts = if m.ts.contains("=>") {
            format!("({})", m.ts)
        } else {
            m.ts.to_owned()
        };
        out.push_str(&format!("{indent}{}?: {ts} | undefined;\n", m.name));
    } else {
        out.push_str(&format!("{indent}{}: {};\n", m.name, m.ts));
    }
}

/// The TypeScript declaration of a region: an interface that extends the groups its members
/// belong to, or, with members of which exactly one is given, a union type.
fn render(r: &Region) -> String {
    let mut groups: Vec<&str> = Vec::new();
    for group in r.members.iter().filter_map(|m| m.group) {
        if !groups.contains(&group) {
            groups.push(group);
        }
    }
    let own: Vec<&Member> = r
        .members
        .iter()
        .filter(|m| m.group.is_none() && !r.one_of.contains(&m.name))
        .collect();
    let export = if r.export { "export " } else { "" };
    let mut out = String::new();
    if r.one_of.is_empty() {
        let parents: Vec<&str> = r.extends.iter().copied().chain(groups).collect();
        out.push_str(&format!("{export}interface {}", r.name));
        if !parents.is_empty() {
            out.push_str(&format!(" extends {}", parents.join(", ")));
        }
        out.push_str(" {\n");
        for m in own {
            render_member(&mut out, m, "  ");
        }
        out.push_str("}\n");
        return out;
    }
    assert!(
        r.extends.is_empty(),
        "{}: a union type extends nothing",
        r.name
    );
    let variants: Vec<String> = r
        .one_of
        .iter()
        .map(|given| {
            let ts = r.members.iter().find(|m| m.name == *given).unwrap().ts;
            let others = r.one_of.iter().filter(|o| *o != given);
            let absent: Vec<String> = others.map(|o| format!("{o}?: undefined")).collect();
            format!("{{ {given}: {ts}; {} }}", absent.join("; "))
        })
        .collect();
    out.push_str(&format!("{export}type {} =", r.name));
    if own.is_empty() && groups.is_empty() {
        for v in &variants {
            out.push_str(&format!("\n  | {v}"));
        }
        out.push_str(";\n");
        return out;
    }
    for group in groups {
        out.push_str(&format!(" {group} &"));
    }
    out.push_str(" {\n");
    for m in own {
        render_member(&mut out, m, "  ");
    }
    out.push_str("} & (\n");
    for v in &variants {
        out.push_str(&format!("    | {v}\n"));
    }
    out.push_str("  );\n");
    out
}

const BEGIN: &str = "// <generated: ";
const END: &str = "// </generated>";

/// The .d.ts with every generated region rendered anew, and the names of the regions whose
/// text differed.
fn regenerate(dts: &str, regions: &[Region]) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut stale = Vec::new();
    let mut seen = BTreeSet::new();
    let mut rest = dts;
    // A marker is a line of its own (one quoted in a comment is none).
    while let Some(at) = rest.find(&["\n", BEGIN].concat()).map(|at| at + 1) {
        let body = at + rest[at..].find('\n').unwrap() + 1;
        let name = rest[at + BEGIN.len()..body].trim_end();
        let name = name
            .strip_suffix('>')
            .unwrap_or_else(|| panic!("bad marker: {name}"));
        let end = body
            + rest[body..]
                .find(END)
                .unwrap_or_else(|| panic!("{name}: no {END}"));
        let region = regions.iter().find(|r| r.name == name).unwrap_or_else(|| {
            panic!("index.d.ts has a generated region no table renders: {name}")
        });
        assert!(seen.insert(name.to_owned()), "two regions {name}");
        let text = render(region);
        if rest[body..end] != text {
            stale.push(name.to_owned());
        }
        out.push_str(&rest[..body]);
        out.push_str(&text);
        rest = &rest[end..];
    }
    out.push_str(rest);
    (out, stale)
}

#[test]
fn the_generated_option_and_params_types_are_what_the_crate_declares() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/pkg-template/index.d.ts");
    let dts = dts();
    for r in regions() {
        assert!(
            dts.contains(&["\n", BEGIN, r.name, ">\n"].concat()),
            "index.d.ts has no region `{BEGIN}{}>` … `{END}`",
            r.name
        );
    }
    let (fresh, stale) = regenerate(&dts, &regions());
    if stale.is_empty() {
        assert_eq!(fresh, dts);
        return;
    }
    if std::env::var_os("UPDATE_GENERATED").is_some() {
        fs::write(path, fresh).unwrap();
        return;
    }
    let expected: Vec<String> = regions()
        .iter()
        .filter(|r| stale.contains(&r.name.to_owned()))
        .map(render)
        .collect();
    panic!(
        "pkg-template/index.d.ts differs from the crate's tables in {stale:?} \
         (UPDATE_GENERATED=1 cargo test --test types_match rewrites them); expected:\n{}",
        expected.join("\n")
    );
}

#[test]
fn a_changed_table_changes_its_region() {
    // The check above can fail: a member added to a table shows in its region, and a region no
    // table renders is refused.
    let mut regions = regions();
    let dts = [
        "// `",
        BEGIN,
        "Name>` is a quoted marker\n/** Doc. */\n",
        BEGIN,
        "SessionsMigrateRequest>\n",
        END,
        "\n",
    ]
    .concat();
    let (fresh, stale) = regenerate(&dts, &regions);
    assert_eq!(stale, ["SessionsMigrateRequest"]);
    assert!(fresh.contains("export interface SessionsMigrateRequest extends SessionExtension {\n"));
    assert_eq!(regenerate(&fresh, &regions).1, Vec::<String>::new());
    let migrate = regions
        .iter_mut()
        .find(|r| r.name == "SessionsMigrateRequest")
        .unwrap();
    migrate.members.push(Member {
        name: "new_member",
        ts: "string",
        optional: true,
        doc: &[" New."],
        group: None,
    });
    let (changed, stale) = regenerate(&fresh, &regions);
    assert_eq!(stale, ["SessionsMigrateRequest"]);
    assert!(
        changed.contains("  /** New. */\n  new_member?: string | undefined;\n}\n// </generated>")
    );
    let unknown = ["\n", BEGIN, "Nothing>\n", END, "\n"].concat();
    assert!(std::panic::catch_unwind(|| regenerate(&unknown, &regions)).is_err());
}

#[test]
fn the_shared_options_are_declared_once() {
    // The options every configuration reads are one interface; `new Client` narrows its secret
    // to required, the gates and `verifyJwt` take them as they are.
    let regions = regions();
    let text = |name: &str| render(regions.iter().find(|r| r.name == name).unwrap());
    let project = text("ProjectOptions");
    assert!(project.starts_with("export interface ProjectOptions {\n"));
    assert!(project.contains("\n  secret?: string | undefined;\n"));
    assert!(project.contains("\n  on_decision?: ((decision: Decision) => void) | undefined;\n"));
    let client = text("ClientOptions");
    assert!(
        client.starts_with(
            "export interface ClientOptions extends ProjectOptions, StytchNodeOptions {\n"
        ),
        "{client}"
    );
    assert!(client.ends_with("  secret: string;\n}\n"), "{client}");
    assert_eq!(client.matches(": ").count(), 1, "{client}");
    for (name, parents) in [
        (
            "AuthenticateRequestOptions",
            "ProjectOptions, StytchNodeOptions, SessionExtension",
        ),
        ("VerifyJwtOptions", "ProjectOptions"),
        (
            "AuthenticateAccessTokenOptions",
            "ProjectOptions, StytchNodeOptions",
        ),
    ] {
        let r = text(name);
        assert!(
            r.starts_with(&format!("export interface {name} extends {parents} {{\n")),
            "{r}"
        );
        for m in Config::OPTIONS_TS.iter().chain(Config::SDK_CLIENT_TS) {
            assert!(
                !r.contains(&format!("  {}?: ", m.name)),
                "{name} repeats {}",
                m.name
            );
        }
    }
}

#[test]
fn each_generated_type_declares_exactly_the_names_its_readers_know() {
    let regions = regions();
    fn declared(regions: &[Region], name: &str, out: &mut BTreeSet<String>) {
        let r = regions.iter().find(|r| r.name == name).unwrap();
        out.extend(r.members.iter().map(|m| m.name.to_owned()));
        for parent in r.extends {
            declared(regions, parent, out);
        }
    }
    for r in &regions {
        let Some(known) = &r.known else { continue };
        let mut ts = BTreeSet::new();
        declared(&regions, r.name, &mut ts);
        let rust: BTreeSet<String> = known
            .iter()
            .flat_map(|names| names.iter())
            .map(|name| (*name).to_owned())
            .collect();
        assert_eq!(
            ts,
            rust,
            "{}: typed but unknown: {:?}; known but not typed: {:?}",
            r.name,
            ts.difference(&rust).collect::<Vec<_>>(),
            rust.difference(&ts).collect::<Vec<_>>()
        );
    }
}

#[test]
fn every_name_the_crate_reads_by_hand_is_a_known_name() {
    // The params readers are generated from their names (`params!`); the option readers of
    // src/config.rs, src/gate.rs and the driver read names one by one.
    let mut read = BTreeSet::new();
    for (path, text) in rust_sources() {
        if path.contains("/src/api.rs")
            || path.contains("/src/config.rs")
            || path.contains("/src/rbac.rs")
            || path.contains("/src/gate.rs")
            || (path.contains("/src/wasm/") && !path.ends_with("/src/wasm/convert.rs"))
        {
            read.extend(literals_after(
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
    // The package's driver takes the options that are JavaScript values (`fetch`, `jwks_store`,
    // `current_date`) from the object (`(name === "…"`); src/wasm/convert.rs reads them for the
    // Rust-on-wasm client, which these types do not describe.
    let driver =
        fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/pkg-template/api.js")).unwrap();
    read.extend(literals_after(&driver, &["(name === "]));
    for name in ["cookie_domain", "timeout", "current_date", "jwks_store"] {
        assert!(read.contains(name), "{name} not found: {read:?}");
    }
    // A reader of a name no list knows would never see it: the strict-names check refuses it
    // first.
    let known: BTreeSet<String> = regions()
        .iter()
        .filter_map(|r| r.known.as_ref())
        .flat_map(|lists| lists.iter().flat_map(|names| names.iter()))
        .map(|name| (*name).to_owned())
        .collect();
    assert!(
        read.is_subset(&known),
        "read but known to no list: {:?}",
        read.difference(&known).collect::<Vec<_>>()
    );
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
