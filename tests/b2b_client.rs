//! The Rust `B2BClient` over the simulated Stytch: the member session it types, the B2B
//! routes and headers its calls send, and its answers read as stytch-node's.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::*;
use serde_json::{json, Value};
use stytch_sessions_wasm::api::{AuthenticateJwtParams, LocalJwtParams};
use stytch_sessions_wasm::b2b::{B2bExchangeParams, B2bRevokeParams};
use stytch_sessions_wasm::b2b_client::MemberAuthorization;
use stytch_sessions_wasm::{B2BClient, Config};

const ORG: &str = "organization-test-44444444-4444-4444-8444-444444444444";
const MEMBER: &str = "member-test-55555555-5555-4555-8555-555555555555";

fn client(host: Stytch) -> B2BClient<Stytch> {
    B2BClient::new(
        Config::new(PROJECT_ID, Some("secret-test-b2b"), None).unwrap(),
        host,
    )
}

fn member_token() -> String {
    key_a().sign(&Value::Object(member_payload(MEMBER, ORG)))
}

fn member_session() -> Value {
    json!({"member_session_id": SESSION_ID, "member_id": MEMBER, "organization_id": ORG,
           "organization_slug": "acme", "started_at": "2025-11-27T11:00:00Z",
           "last_accessed_at": "2025-11-27T11:10:30Z", "expires_at": "2025-11-27T12:00:00Z",
           "authentication_factors": [], "custom_claims": {}, "roles": []})
}

#[test]
fn a_fresh_member_jwt_is_verified_locally_into_a_typed_member_session() {
    let c = client(Stytch::new());
    let r = settle(c.authenticate_jwt(&AuthenticateJwtParams {
        session_jwt: member_token(),
        ..Default::default()
    }))
    .unwrap();
    assert!(!r.is_remote());
    assert_eq!(r.member_session().organization_id, ORG);
    let s = settle(c.authenticate_jwt_local(&member_token(), &LocalJwtParams::default())).unwrap();
    assert_eq!(
        (s.member_id.as_str(), s.organization_slug.as_str()),
        (MEMBER, "acme")
    );
    assert_eq!(c.inner().host().jwks_fetches(), 1);
    assert_eq!(c.inner().host().api_calls(), 0);
}

#[test]
fn remote_calls_go_to_the_b2b_routes_with_their_headers() {
    let c = client(Stytch::new());
    let host = c.inner().host();
    host.script_api(
        200,
        json!({"request_id": "r", "status_code": 200}).to_string(),
    );
    let revoke = B2bRevokeParams {
        member_id: Some(MEMBER.into()),
        ..Default::default()
    };
    let acting = MemberAuthorization {
        session_jwt: Some("header.payload.signature".into()),
        ..Default::default()
    };
    settle(c.revoke(&revoke, Some(&acting))).unwrap();
    let sent = host.log().last().cloned().unwrap();
    assert!(
        sent.url.ends_with("/v1/b2b/sessions/revoke"),
        "{}",
        sent.url
    );
    assert_eq!(
        sent.body.as_deref(),
        Some(&*format!(r#"{{"member_id":"{MEMBER}"}}"#))
    );
    assert!(sent
        .headers
        .iter()
        .any(|(k, v)| *k == "X-Stytch-Member-SessionJWT" && v == "header.payload.signature"));

    host.script_api(
        200,
        json!({"request_id": "r", "status_code": 200, "member_sessions": [member_session()]})
            .to_string(),
    );
    let got = settle(c.get(ORG, MEMBER)).unwrap();
    assert_eq!(got.member_sessions[0].member_id, MEMBER);
    let url = host.log().last().unwrap().url.clone();
    assert!(url.ends_with(&format!(
        "/v1/b2b/sessions?organization_id={ORG}&member_id={MEMBER}"
    )));

    host.script_api(
        200,
        json!({"request_id": "r", "status_code": 200, "member_id": MEMBER,
               "member": {"member_id": MEMBER}, "organization": {"organization_id": "org-2"},
               "session_token": "t", "session_jwt": "j", "member_session": member_session(),
               "member_authenticated": true, "intermediate_session_token": "",
               "mfa_required": null, "primary_required": null})
        .to_string(),
    );
    let exchange = B2bExchangeParams {
        organization_id: "org-2".into(),
        session_jwt: Some(member_token()),
        ..Default::default()
    };
    let r = settle(c.exchange(&exchange)).unwrap();
    assert!(r.member_authenticated);
    assert_eq!(r.session.member_id, MEMBER);
    assert!(host
        .log()
        .last()
        .unwrap()
        .url
        .ends_with("/v1/b2b/sessions/exchange"));
}

#[test]
fn the_rust_clients_verify_access_tokens_and_send_oauth_forms() {
    use stytch_sessions_wasm::Client;
    let c = Client::new(
        Config::new(PROJECT_ID, Some("secret-test-b2b"), None).unwrap(),
        Stytch::new(),
    );
    let mut m2m = payload();
    m2m.remove("https://stytch.com/session");
    m2m.insert("sub".into(), json!("m2m-client-test-1"));
    m2m.insert("scope".into(), json!("read:users"));
    let token = key_a().sign(&Value::Object(m2m));
    let required = ["read:users".to_owned()];
    let t = settle(c.m2m_authenticate_token(&token, Some(&required), &LocalJwtParams::default()))
        .unwrap();
    assert_eq!(
        (t.client_id.as_str(), t.scopes.as_slice()),
        ("m2m-client-test-1", &required[..])
    );
    let missing = ["write:users".to_owned()];
    let e = settle(c.m2m_authenticate_token(&token, Some(&missing), &LocalJwtParams::default()))
        .unwrap_err();
    assert_eq!(e.code(), "missing_scopes");
    c.host().script_api(
        200,
        json!({"access_token": "a.b.c", "expires_in": 3600, "token_type": "bearer"}).to_string(),
    );
    let minted = settle(c.m2m_token("m2m-client-test-1", "s3cr3t", Some(&required))).unwrap();
    assert_eq!(minted.expires_in, 3600);
    let sent = c.host().log().last().cloned().unwrap();
    assert!(sent
        .url
        .ends_with(&format!("/v1/public/{PROJECT_ID}/oauth2/token")));
    assert_eq!(
        sent.body.as_deref(),
        Some("client_id=m2m-client-test-1&client_secret=s3cr3t&grant_type=client_credentials&scope=read%3Ausers")
    );
    assert!(
        !format!("{sent:?}").contains("s3cr3t"),
        "a request's Debug never shows the body"
    );
    // The B2B client's Connected Apps tokens name the member's organization.
    let b2b = client(Stytch::new());
    let mut app = payload();
    app.remove("https://stytch.com/session");
    app.insert("client_id".into(), json!("connected-app-test-1"));
    app.insert("scope".into(), json!("read:docs"));
    app.insert(
        "https://stytch.com/organization".into(),
        json!({"organization_id": ORG, "slug": "acme"}),
    );
    let app = key_a().sign(&Value::Object(app));
    let claims = settle(
        b2b.inner()
            .idp_introspect_token_local(&app, &LocalJwtParams::default()),
    )
    .unwrap();
    assert_eq!(claims.organization.unwrap()["organization_id"], ORG);
}
