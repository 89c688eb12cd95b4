//! B2B member sessions on the same engine (`docs/rules.md`, "B2B"): the member session a JWT
//! marshals to, the product's keys, the organization-scoped check (tenancy first, then the
//! project's and the organization's roles, each fetched once), and tokens of one product
//! refused by the other's verifier without an API call.

use crate::calls::*;
use crate::common::*;
use serde_json::{json, Value};
use std::rc::Rc;

use stytch_sessions_wasm::product::B2B;
use stytch_sessions_wasm::rbac::AuthorizationCheck;
use stytch_sessions_wasm::{Answer, Call, Config, Engine, MemberSession, Operation};

const ORG: &str = "organization-test-44444444-4444-4444-8444-444444444444";
const MEMBER: &str = "member-test-55555555-5555-4555-8555-555555555555";

fn b2b() -> Rc<Config> {
    let config = Config::new(PROJECT_ID, Some("secret-test-engine"), None).unwrap();
    Rc::new(config.with_product(&B2B))
}

/// A member session JWT of [`ORG`] whose session holds `stytch_member` and `admin`.
fn member_token() -> String {
    let mut payload = member_payload(MEMBER, ORG);
    payload.insert("plan".into(), json!("pro"));
    key_a().sign(&Value::Object(payload))
}

fn in_org(org: &str, resource_id: &str, action: &str) -> Option<AuthorizationCheck> {
    Some(AuthorizationCheck::in_organization(
        org,
        resource_id,
        action,
    ))
}

/// Project roles grant `documents:read` to `stytch_member`; the organization's own `admin`
/// grants `billing:*`.
fn with_policies() -> Stytch {
    let stytch = Stytch::new();
    stytch.serve_policy(json!({"roles": [
        {"role_id": "stytch_member", "description": "", "permissions": [
            {"resource_id": "documents", "actions": ["read"]}]}
    ], "resources": [], "scopes": []}));
    stytch.serve_org_policy(json!({"roles": [
        {"role_id": "admin", "description": "", "permissions": [
            {"resource_id": "billing", "actions": ["*"]}]}
    ]}));
    stytch
}

#[test]
fn a_member_session_jwt_is_verified_with_the_b2b_keys_into_its_member_session() {
    let (mut engine, stytch) = (Engine::new(), Stytch::new());
    let result = stytch.run(&mut engine, verify_checked(&b2b(), &member_token(), None));
    let Ok(Answer::Session(json)) = result else {
        panic!("{result:?}")
    };
    let session = MemberSession::from_json(&json).unwrap();
    assert_eq!(session.member_session_id, SESSION_ID);
    assert_eq!(session.member_id, MEMBER);
    assert_eq!(session.organization_id, ORG);
    assert_eq!(session.organization_slug, "acme");
    assert_eq!(session.roles, ["stytch_member", "admin"]);
    assert_eq!(session.expires_at, "2025-11-27T12:00:00Z");
    assert_eq!(session.authentication_factors.len(), 1);
    // Every other claim, the organization's taken out (as stytch-node's B2BClient).
    assert_eq!(Value::Object(session.custom_claims), json!({"plan": "pro"}));
    let log = stytch.log();
    assert_eq!(log.len(), 1);
    assert_eq!(
        log[0].url,
        format!("https://test.stytch.com/v1/b2b/sessions/jwks/{PROJECT_ID}")
    );
}

#[test]
fn a_thousand_allowed_org_scoped_checks_fetch_each_policy_once_and_ask_nothing() {
    let (mut engine, stytch) = (Engine::new(), with_policies());
    let token = member_token();
    for i in 0..1000 {
        let (resource, action) = if i % 2 == 0 {
            ("documents", "read") // a project role
        } else {
            ("billing", "refund") // the organization's own role, "*"
        };
        let call = authenticate_checked(&b2b(), &token, in_org(ORG, resource, action));
        let result = stytch.run(&mut engine, call);
        let Ok(Answer::LocalJwt { verdict, .. }) = result else {
            panic!("{result:?}")
        };
        let expected = if i % 2 == 0 { "stytch_member" } else { "admin" };
        assert_eq!(verdict.unwrap().granting_roles, [expected]);
    }
    assert_eq!(stytch.jwks_fetches(), 1);
    assert_eq!(stytch.policy_fetches(), 1);
    assert_eq!(stytch.count(Route::OrgPolicy), 1);
    assert_eq!(stytch.api_calls(), 0);
    let log = stytch.log();
    assert!(
        log[1].url.ends_with("/v1/b2b/rbac/policy"),
        "{}",
        log[1].url
    );
    assert!(log[2]
        .url
        .ends_with(&format!("/v1/b2b/rbac/organizations/{ORG}")));
}

#[test]
fn a_check_naming_another_organization_is_refused_before_any_policy_or_api_call() {
    let (mut engine, stytch) = (Engine::new(), with_policies());
    let token = member_token();
    let other = "organization-test-other";
    let result = stytch.run(
        &mut engine,
        verify_checked(&b2b(), &token, in_org(other, "documents", "read")),
    );
    assert_eq!(code(&result), "tenancy_mismatch");
    let call = authenticate_checked(&b2b(), &token, in_org(other, "documents", "read"));
    assert_eq!(code(&stytch.run(&mut engine, call)), "tenancy_mismatch");
    assert_eq!(stytch.policy_fetches() + stytch.count(Route::OrgPolicy), 0);
    assert_eq!(stytch.api_calls(), 0);
}

#[test]
fn a_denied_check_is_refused_locally_and_asks_the_b2b_api_from_authenticate_jwt() {
    let (mut engine, stytch) = (Engine::new(), with_policies());
    let token = member_token();
    let check = in_org(ORG, "documents", "delete");
    let result = stytch.run(&mut engine, verify_checked(&b2b(), &token, check.clone()));
    assert_eq!(code(&result), "invalid_permissions");
    assert_eq!(stytch.api_calls(), 0);
    let remote = stytch.run(&mut engine, authenticate_checked(&b2b(), &token, check));
    assert_eq!(code(&remote), "ok"); // the simulated API authorizes it
    assert_eq!(stytch.api_calls(), 1);
    let log = stytch.log();
    let asked = log.iter().find(|r| Route::of(r) == Route::Api).unwrap();
    assert!(
        asked.url.ends_with("/v1/b2b/sessions/authenticate"),
        "{}",
        asked.url
    );
    let body: Value = serde_json::from_str(asked.body.as_deref().unwrap()).unwrap();
    assert_eq!(
        body["authorization_check"],
        json!({"organization_id": ORG, "resource_id": "documents", "action": "delete"})
    );
}

#[test]
fn each_products_verifier_refuses_the_others_tokens_without_an_api_call() {
    let (mut engine, stytch) = (Engine::new(), Stytch::new());
    // The same keys serve both products here: only the token's claims can tell them apart.
    let consumer = token_a();
    let result = stytch.run(&mut engine, authenticate_checked(&b2b(), &consumer, None));
    assert_eq!(code(&result), "jwt_invalid");
    let Err(e) = &result else { unreachable!() };
    assert!(e.to_string().contains("not a B2B member"), "{e}");
    let result = stytch.run(
        &mut engine,
        authenticate_checked(&with_secret(), &member_token(), None),
    );
    assert_eq!(code(&result), "jwt_invalid");
    let Err(e) = &result else { unreachable!() };
    assert!(e.to_string().contains("use B2BClient"), "{e}");
    assert_eq!(stytch.api_calls(), 0);
}

#[test]
fn a_check_names_its_organization_exactly_when_the_product_is_b2b() {
    let (mut engine, stytch) = (Engine::new(), with_policies());
    let consumer_check = Some(AuthorizationCheck::new("documents", "read"));
    let result = stytch.run(
        &mut engine,
        verify_checked(&b2b(), &member_token(), consumer_check.clone()),
    );
    assert_eq!(code(&result), "invalid_argument");
    let result = stytch.run(
        &mut engine,
        verify_checked(&with_secret(), &token_a(), in_org(ORG, "documents", "read")),
    );
    assert_eq!(code(&result), "invalid_argument");
    // The API-only `authenticate` too: the engine judges the check it would send.
    let sent = |config, check| {
        let params = stytch_sessions_wasm::api::AuthenticateParams {
            session_token: Some("t".repeat(44)),
            authorization_check: check,
            ..Default::default()
        };
        Call::new(config, Operation::Authenticate(params))
    };
    assert_eq!(
        code(&stytch.run(&mut engine, sent(b2b(), consumer_check))),
        "invalid_argument"
    );
    let org_check = in_org(ORG, "documents", "read");
    assert_eq!(
        code(&stytch.run(&mut engine, sent(with_secret(), org_check))),
        "invalid_argument"
    );
    assert_eq!(stytch.log().len(), 0);
}

#[test]
fn an_organization_policy_too_large_to_keep_allows_nothing() {
    let (mut engine, stytch) = (Engine::new(), with_policies());
    let roles: Vec<Value> = (0..400)
        .map(|i| {
            json!({"role_id": format!("role-{i:04}-padding-padding"), "description": "x".repeat(64),
                        "permissions": [{"resource_id": "billing", "actions": ["*"]}]})
        })
        .collect();
    stytch.serve_org_policy(json!({ "roles": roles }));
    let result = stytch.run(
        &mut engine,
        verify_checked(&b2b(), &member_token(), in_org(ORG, "billing", "read")),
    );
    assert_eq!(code(&result), "invalid_response");
}
