//! Every operation against the emulator: authenticate, authenticateJwt (local first, then the
//! API), authenticateJwtLocal, get, getJWKS, migrate, revoke and verifyJwt.

use crate::support::*;
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
async fn authenticate_by_token_and_by_jwt() {
    let emu = emu();
    let s = emu.session(json!({"custom_claims": {"plan": "pro"}})).await;
    let sessions = client_at(emu.url);

    let by_token = to_json(
        &resolves(sessions.authenticate(js(&json!({
            "session_token": s.token,
            "session_duration_minutes": 30,
            "session_custom_claims": {"tier": 2}
        }))))
        .await,
    );
    assert_eq!(by_token["status_code"], 200);
    assert!(by_token["request_id"]
        .as_str()
        .unwrap()
        .starts_with("request-id-test-"));
    assert_eq!(by_token["session"]["session_id"], s.session_id.as_str());
    assert_eq!(by_token["session"]["user_id"], s.user_id.as_str());
    assert_eq!(by_token["session"]["custom_claims"]["plan"], "pro");
    assert_eq!(by_token["session"]["custom_claims"]["tier"], 2);
    assert_eq!(by_token["user"]["user_id"], s.user_id.as_str());
    assert_eq!(by_token["session_token"], s.token.as_str());
    assert!(by_token["session_jwt"].as_str().unwrap().starts_with("eyJ"));

    let by_jwt =
        to_json(&resolves(sessions.authenticate(js(&json!({"session_jwt": s.jwt})))).await);
    assert_eq!(by_jwt["session"]["session_id"], s.session_id.as_str());
    assert!(by_jwt["request_id"].is_string() && by_jwt["session_jwt"].is_string());
    // Results are plain objects, not Maps.
    let raw = resolves(sessions.authenticate(js(&json!({"session_token": s.token})))).await;
    assert!(!raw.is_instance_of::<js_sys::Map>());
    assert!(!get(&raw, "session").is_instance_of::<js_sys::Map>());
}

#[wasm_bindgen_test]
async fn authenticate_jwt_local_first_then_remote() {
    let emu = emu();
    let sessions = client_at(emu.url);

    // A fresh, genuine JWT: answered locally, the given JWT returned, no API call.
    let s = emu.session(json!({})).await;
    resolves(verify_jwt(s.jwt.clone().into(), verify_options(emu.url))).await; // warm keys
    let before = emu.count(AUTH_ROUTE).await;
    let local =
        to_json(&resolves(sessions.authenticate_jwt(js(&json!({"session_jwt": s.jwt})))).await);
    assert_eq!(local["session_jwt"], s.jwt.as_str());
    assert_eq!(local["session"]["session_id"], s.session_id.as_str());
    assert!(local.get("request_id").is_none(), "local answer: {local}");
    assert_eq!(emu.count(AUTH_ROUTE).await, before, "no API call");

    // Expired by exp (issued 10 minutes ago) but genuine and live: the API answers, new JWT.
    let old = emu.session(json!({"iat_offset_seconds": -600})).await;
    let before = emu.count(AUTH_ROUTE).await;
    let remote = to_json(
        &resolves(sessions.authenticate_jwt(js(&json!({
            "session_jwt": old.jwt,
            "session_duration_minutes": 15,
        }))))
        .await,
    );
    assert_eq!(emu.count(AUTH_ROUTE).await, before + 1);
    assert_eq!(remote["session"]["session_id"], old.session_id.as_str());
    let new_jwt = remote["session_jwt"].as_str().unwrap();
    assert_ne!(new_jwt, old.jwt);
    assert!(remote["request_id"].is_string() && remote["user"].is_object());
    assert!(remote["session_token"].is_string());
    // The new JWT verifies locally.
    let again = verify(new_jwt, verify_options(emu.url)).await.unwrap();
    assert_eq!(again["session_id"], old.session_id.as_str());

    // Too old for max_token_age_seconds but not expired: remote.
    let aging = emu.session(json!({"iat_offset_seconds": -120})).await;
    let before = emu.count(AUTH_ROUTE).await;
    let remote = to_json(
        &resolves(sessions.authenticate_jwt(js(&json!({
            "session_jwt": aging.jwt, "max_token_age_seconds": 60
        }))))
        .await,
    );
    assert_eq!(emu.count(AUTH_ROUTE).await, before + 1);
    assert_ne!(remote["session_jwt"], aging.jwt.as_str());

    // max_token_age_seconds: 0 → remote only, even for a fresh token.
    let before = emu.count(AUTH_ROUTE).await;
    let remote = to_json(
        &resolves(sessions.authenticate_jwt(js(&json!({
            "session_jwt": s.jwt, "max_token_age_seconds": 0
        }))))
        .await,
    );
    assert_eq!(emu.count(AUTH_ROUTE).await, before + 1);
    assert!(remote["request_id"].is_string());

    // A forged token (another token's signature) is refused locally: no API call.
    let other = emu.session(json!({})).await;
    let mut parts: Vec<&str> = s.jwt.split('.').collect();
    parts[2] = other.jwt.rsplit('.').next().unwrap();
    let forged = parts.join(".");
    let before = emu.count(AUTH_ROUTE).await;
    let e = rejects(sessions.authenticate_jwt(js(&json!({"session_jwt": forged})))).await;
    check_error(
        &e,
        "ClientError",
        "jwt_signature_invalid",
        &refs(&secret_and(&[&forged, &s.jwt])),
    );
    assert_eq!(emu.count(AUTH_ROUTE).await, before, "forged: no API call");

    // A revoked session whose JWT is expired: the API says no (StytchError 404).
    resolves(sessions.revoke(js(&json!({"session_id": old.session_id})))).await;
    let e = rejects(sessions.authenticate_jwt(js(&json!({"session_jwt": old.jwt})))).await;
    check_error(
        &e,
        "StytchError",
        "session_not_found",
        &refs(&secret_and(&[&old.jwt])),
    );
}

#[wasm_bindgen_test]
async fn authenticate_jwt_asks_the_api_when_keys_are_unreachable() {
    let emu = emu();
    let alias = fresh_alias(emu.url);
    let sessions = client_at(&alias);
    let s = emu.session(json!({})).await;
    emu.clear_faults().await;
    emu.fault(json!({"path_prefix": "/v1/sessions/jwks", "status": 503, "times": 1}))
        .await;
    let (jwks0, auth0) = (emu.count(JWKS_ROUTE).await, emu.count(AUTH_ROUTE).await);
    let result =
        JsFuture::from(sessions.authenticate_jwt(js(&json!({"session_jwt": s.jwt})))).await;
    let (jwks1, auth1) = (emu.count(JWKS_ROUTE).await, emu.count(AUTH_ROUTE).await);
    emu.clear_faults().await;
    let result = to_json(&result.unwrap_or_else(|e| panic!("{}", describe(&e))));
    assert_eq!((jwks1 - jwks0, auth1 - auth0), (1, 1));
    assert_eq!(result["session"]["session_id"], s.session_id.as_str());
    // The API's full answer (a local answer has no request_id). Its JWT may equal the given one:
    // minted in the same second from the same claims, RS256 gives the same bytes.
    assert!(result["request_id"].is_string() && result["session_jwt"].is_string());
}

#[wasm_bindgen_test]
async fn authenticate_jwt_local_with_current_date_and_age() {
    let emu = emu();
    let sessions = client_at(emu.url);
    let now = js_sys::Date::now();

    let s = emu.session(json!({"custom_claims": {"org": "acme"}})).await;
    let session = to_json(
        &resolves(sessions.authenticate_jwt_local(js(&json!({"session_jwt": s.jwt})))).await,
    );
    assert_eq!(session["session_id"], s.session_id.as_str());
    assert_eq!(session["user_id"], s.user_id.as_str());
    assert_eq!(session["custom_claims"], json!({"org": "acme"}));
    for field in ["started_at", "last_accessed_at", "expires_at"] {
        assert!(session[field].as_str().unwrap().ends_with('Z'), "{field}");
    }
    assert!(session["authentication_factors"].is_array());
    assert!(session["roles"].is_array());

    // Issued 10 minutes ago: expired now, valid when judged 590 s ago (Date or epoch ms).
    let old = emu.session(json!({"iat_offset_seconds": -600})).await;
    let e = rejects(sessions.authenticate_jwt_local(js(&json!({"session_jwt": old.jwt})))).await;
    check_claim_error(&e, "jwt_expired", "exp", &old.jwt);
    let params = js(&json!({"session_jwt": old.jwt}));
    set(&params, "current_date", &date(now - 590_000.0));
    let then = to_json(&resolves(sessions.authenticate_jwt_local(params)).await);
    assert_eq!(then["session_id"], old.session_id.as_str());
    let params = js(&json!({"session_jwt": old.jwt, "current_date": now - 590_000.0}));
    resolves(sessions.authenticate_jwt_local(params)).await;

    // Too old: ClientError jwt_too_old with claim iat (never a remote call).
    let aging = emu.session(json!({"iat_offset_seconds": -120})).await;
    let before = emu.count(AUTH_ROUTE).await;
    let e = rejects(sessions.authenticate_jwt_local(js(&json!({
        "session_jwt": aging.jwt, "max_token_age_seconds": 60
    }))))
    .await;
    check_claim_error(&e, "jwt_too_old", "iat", &aging.jwt);
    // …and too old judged at a later current_date, with the default age otherwise fine.
    let params = js(&json!({"session_jwt": s.jwt, "max_token_age_seconds": 100}));
    set(&params, "current_date", &date(now + 200_000.0));
    let e = rejects(sessions.authenticate_jwt_local(params)).await;
    check_error(
        &e,
        "ClientError",
        "jwt_too_old",
        &refs(&secret_and(&[&s.jwt])),
    );
    assert_eq!(emu.count(AUTH_ROUTE).await, before, "local only");

    // Judged before nbf: not yet valid (claim nbf); clock tolerance lets it through.
    let params = js(&json!({"session_jwt": s.jwt}));
    set(&params, "current_date", &date(now - 120_000.0));
    let e = rejects(sessions.authenticate_jwt_local(params)).await;
    check_claim_error(&e, "jwt_not_yet_valid", "nbf", &s.jwt);
    let params = js(&json!({"session_jwt": s.jwt, "clock_tolerance_seconds": 300}));
    set(&params, "current_date", &date(now - 120_000.0));
    resolves(sessions.authenticate_jwt_local(params)).await;
}

#[wasm_bindgen_test]
async fn get_lists_the_users_live_sessions() {
    let emu = emu();
    let sessions = client_at(emu.url);
    let a = emu.session(json!({})).await;
    let b = emu
        .session_for(&a.user_id, json!({"roles": ["admin"]}))
        .await;
    let got = to_json(&resolves(sessions.get(js(&json!({"user_id": a.user_id})))).await);
    assert_eq!(got["status_code"], 200);
    let mut ids: Vec<&str> = got["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["session_id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    let mut want = vec![a.session_id.as_str(), b.session_id.as_str()];
    want.sort_unstable();
    assert_eq!(ids, want);
    let e = rejects(sessions.get(js(
        &json!({"user_id": "user-test-00000000-0000-4000-8000-000000000000"}),
    )))
    .await;
    check_error(&e, "StytchError", "user_not_found", &[SECRET]);
}

#[wasm_bindgen_test]
async fn get_jwks_returns_the_signing_keys() {
    let emu = emu();
    let s = emu.session(json!({})).await;
    let jwks = to_json(
        &resolves(client_at(emu.url).get_jwks(js(&json!({"project_id": PROJECT_ID})))).await,
    );
    assert_eq!(jwks["status_code"], 200);
    let keys = jwks["keys"].as_array().unwrap();
    let kid = kid_of(&s.jwt);
    let key = keys
        .iter()
        .find(|k| k["kid"] == kid.as_str())
        .expect("the signing key is listed");
    for field in [
        "kty", "use", "key_ops", "alg", "kid", "x5c", "x5tS256", "n", "e",
    ] {
        assert!(key.get(field).is_some(), "JWK field {field} in {key}");
    }
    assert_eq!(key["kty"], "RSA");
}

#[wasm_bindgen_test]
async fn jwks_pre_seeding_needs_no_fetch() {
    let emu = emu();
    let s = emu.session(json!({})).await;
    let jwks = to_json(
        &resolves(client_at(emu.url).get_jwks(js(&json!({"project_id": PROJECT_ID})))).await,
    );
    let before = emu.count(JWKS_ROUTE).await;
    let alias = fresh_alias(emu.url);
    // Seeds carry their age: without `jwks_fetched_at` they are refreshed at once.
    let fetched_at = js_sys::Date::now() as u64;
    let options = js(&json!({
        "project_id": PROJECT_ID, "custom_base_url": alias, "jwks": jwks["keys"],
        "jwks_fetched_at": fetched_at
    }));
    let session = verify(&s.jwt, options)
        .await
        .unwrap_or_else(|e| panic!("{}", describe(&e)));
    assert_eq!(session["session_id"], s.session_id.as_str());
    // A Client seeded on another cold alias: also no fetch.
    let alias = fresh_alias(emu.url);
    let seeded = client_with(
        &alias,
        json!({"jwks": jwks["keys"], "jwks_fetched_at": fetched_at}),
    );
    resolves(seeded.authenticate_jwt_local(js(&json!({"session_jwt": s.jwt})))).await;
    assert_eq!(
        emu.count(JWKS_ROUTE).await,
        before,
        "pre-seeded: no JWKS fetch"
    );
}

#[wasm_bindgen_test]
async fn migrate_an_external_token() {
    let emu = emu();
    let sessions = client_at(emu.url);
    let (user_id, email) = emu.user().await;
    let external = unique("external-oidc-token");
    emu.control(
        "POST",
        "/__emulator/external_tokens",
        Some(json!({"token": external, "email": email.to_uppercase()})),
    )
    .await;

    let with = to_json(
        &resolves(sessions.migrate(js(&json!({
            "session_token": external,
            "session_duration_minutes": 30,
            "session_custom_claims": {"migrated": true}
        }))))
        .await,
    );
    assert_eq!(with["user_id"], user_id.as_str());
    assert_eq!(with["user"]["user_id"], user_id.as_str());
    assert_eq!(with["session"]["user_id"], user_id.as_str());
    assert_eq!(with["session"]["custom_claims"]["migrated"], true);
    assert_eq!(with["session_token"].as_str().unwrap().len(), 44);
    let jwt = with["session_jwt"].as_str().unwrap();
    let verified = verify(jwt, verify_options(emu.url)).await.unwrap();
    assert_eq!(verified["user_id"], user_id.as_str());

    let without =
        to_json(&resolves(sessions.migrate(js(&json!({"session_token": external})))).await);
    assert_eq!(without["user_id"], user_id.as_str());
    assert!(
        without.get("session").is_none(),
        "no duration, no session: {without}"
    );

    let unknown = unique("never-registered");
    let e = rejects(sessions.migrate(js(&json!({"session_token": unknown})))).await;
    check_error(
        &e,
        "StytchError",
        "invalid_external_session_token",
        &[SECRET, &unknown],
    );
}

#[wasm_bindgen_test]
async fn revoke_by_id_token_and_jwt() {
    let emu = emu();
    let sessions = client_at(emu.url);
    let (user_id, _) = emu.user().await;
    let by_id = emu.session_for(&user_id, json!({})).await;
    let by_token = emu.session_for(&user_id, json!({})).await;
    let by_jwt = emu.session_for(&user_id, json!({})).await;
    for params in [
        json!({"session_id": by_id.session_id}),
        json!({"session_token": by_token.token}),
        json!({"session_jwt": by_jwt.jwt}),
    ] {
        let r = to_json(&resolves(sessions.revoke(js(&params))).await);
        assert_eq!(r["status_code"], 200, "{params}");
        assert!(r["request_id"].is_string());
    }
    for s in [&by_id, &by_token, &by_jwt] {
        let e = rejects(sessions.authenticate(js(&json!({"session_token": s.token})))).await;
        check_error(
            &e,
            "StytchError",
            "session_not_found",
            &refs(&secret_and(&[&s.token])),
        );
    }
    let left = to_json(&resolves(sessions.get(js(&json!({"user_id": user_id})))).await);
    assert_eq!(left["sessions"], json!([]));
}

#[wasm_bindgen_test]
async fn verify_jwt_returns_the_session() {
    let emu = emu();
    let s = emu
        .session(
            json!({"custom_claims": {"plan": "pro", "nested": {"a": [1, 2]}}, "roles": ["editor"]}),
        )
        .await;
    let session = verify(&s.jwt, verify_options(emu.url))
        .await
        .unwrap_or_else(|e| panic!("{}", describe(&e)));
    assert_eq!(session["session_id"], s.session_id.as_str());
    assert_eq!(session["user_id"], s.user_id.as_str());
    assert_eq!(session["roles"], json!(["editor"]));
    assert_eq!(
        session["custom_claims"],
        json!({"plan": "pro", "nested": {"a": [1, 2]}})
    );
    // A trailing slash on the base URL is the same cache entry and works too.
    verify(&s.jwt, verify_options(&format!("{}/", emu.url)))
        .await
        .unwrap();
}
