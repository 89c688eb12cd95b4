//! `marshal_jwt_into_session`: both token formats, custom claims, roles (docs/rules.md, "The session").
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use serde_json::{json, Value};
use stytch_sessions_wasm::jwt::verify_session_jwt;
use stytch_sessions_wasm::session::{marshal_jwt_into_session, Attributes};

#[test]
fn new_format_takes_expires_at_from_the_claim() {
    let token = key_a().sign(&Value::Object(payload()));
    let s = verify_session_jwt(&token, &key_a().key_set(), &rules()).unwrap();
    assert_eq!(s.session_id, SESSION_ID);
    assert_eq!(s.user_id, USER_ID);
    assert_eq!(s.started_at, "2025-11-27T11:00:00Z");
    assert_eq!(s.last_accessed_at, "2025-11-27T11:10:30Z");
    assert_eq!(s.expires_at, "2025-11-27T12:00:00Z");
    assert_eq!(
        s.attributes,
        Some(Attributes {
            ip_address: "203.0.113.7".into(),
            user_agent: "Mozilla/5.0".into()
        })
    );
    assert_eq!(s.authentication_factors.len(), 1);
    assert_eq!(
        s.authentication_factors[0]["email_factor"]["email_address"],
        "ada@example.com"
    );
    assert_eq!(s.roles, vec!["stytch_member", "admin"]);
    assert!(s.custom_claims.is_empty());
}

#[test]
fn old_format_derives_expires_at_from_exp() {
    let mut p = payload();
    p.insert("https://stytch.com/session".into(), session_claim(false));
    p.insert("exp".into(), json!(1_764_242_130));
    let s = marshal_jwt_into_session(object(p)).unwrap();
    assert_eq!(s.expires_at, "2025-11-27T11:15:30Z");
}

#[test]
fn custom_claims_are_everything_but_the_reserved_set() {
    let mut p = payload();
    p.insert("jti".into(), json!("j"));
    p.insert("tenant".into(), json!({"id": "t-1", "plan": "pro"}));
    p.insert("https://example.com/role".into(), json!(["a", "b"]));
    p.insert("flag".into(), json!(true));
    let s = marshal_jwt_into_session(object(p)).unwrap();
    let mut names: Vec<&str> = s.custom_claims.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["flag", "https://example.com/role", "tenant"]);
    assert_eq!(s.custom_claims["tenant"]["plan"], "pro");
}

#[test]
fn roles_default_to_empty_and_attributes_may_be_null() {
    let mut claim = session_claim(true);
    claim.as_object_mut().unwrap().remove("roles");
    claim["attributes"] = Value::Null;
    let mut p = payload();
    p.insert("https://stytch.com/session".into(), claim);
    let s = marshal_jwt_into_session(object(p)).unwrap();
    assert!(s.roles.is_empty());
    assert_eq!(s.attributes, None);
}

#[test]
fn a_missing_or_malformed_session_claim_is_refused() {
    let mut p = payload();
    p.remove("https://stytch.com/session");
    assert_eq!(
        marshal_jwt_into_session(object(p)).unwrap_err().code(),
        "jwt_invalid"
    );
    let mut p = payload();
    p.insert("https://stytch.com/session".into(), json!({"id": 5}));
    assert_eq!(
        marshal_jwt_into_session(object(p)).unwrap_err().code(),
        "jwt_invalid"
    );
    let mut p = payload();
    p.remove("sub");
    assert_eq!(
        marshal_jwt_into_session(object(p)).unwrap_err().code(),
        "jwt_invalid"
    );
}

#[test]
fn session_serializes_with_the_api_field_names() {
    let s = marshal_jwt_into_session(object(payload())).unwrap();
    let v = serde_json::to_value(&s).unwrap();
    let mut names: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "attributes",
            "authentication_factors",
            "custom_claims",
            "expires_at",
            "last_accessed_at",
            "roles",
            "session_id",
            "started_at",
            "user_id"
        ]
    );
}
