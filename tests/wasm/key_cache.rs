//! The key cache in module memory: one fetch for concurrent misses, rotation through the
//! unknown-kid refetch and its cooldown, and failed refreshes that keep the last good keys.

use crate::support::*;
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
async fn one_jwks_fetch_for_100_concurrent_verify_jwt_calls() {
    let emu = emu();
    let s = emu.session(json!({})).await;
    // `localhost` instead of `127.0.0.1`: a cache entry no other test uses, so it starts cold.
    let cold = emu.url.replace("127.0.0.1", "localhost");
    let before = emu.count(JWKS_ROUTE).await;
    let promises = Array::new();
    for _ in 0..100 {
        promises.push(&verify_jwt(s.jwt.clone().into(), verify_options(&cold)));
    }
    let all = resolves(Promise::all(&promises)).await;
    let after = emu.count(JWKS_ROUTE).await;
    let all: Array = all.dyn_into().unwrap();
    assert_eq!(all.length(), 100);
    for session in all.iter() {
        assert_eq!(get_str(&session, "session_id"), Some(s.session_id.clone()));
    }
    console_log!(
        "JWKS fetches for 100 concurrent verifyJwt calls on a cold cache: {}",
        after - before
    );
    assert_eq!(
        after - before,
        1,
        "JWKS fetches for 100 concurrent cold verifyJwt calls"
    );

    // And 100 more on the now warm entry fetch nothing.
    let promises: Array = (0..100)
        .map(|_| JsValue::from(verify_jwt(s.jwt.clone().into(), verify_options(&cold))))
        .collect();
    resolves(Promise::all(&promises)).await;
    assert_eq!(emu.count(JWKS_ROUTE).await, after, "warm: no fetch");
}

#[wasm_bindgen_test]
async fn key_rotation_is_picked_up_by_unknown_kid_refresh() {
    let emu = emu2();
    emu.clear_faults().await;
    emu.reset_keys().await;
    let alias = fresh_alias(emu.url);
    let options = || verify_options(&alias);
    let (user_id, _) = emu.user().await;

    // Warm this cache entry with the current key.
    let first = emu.session_for(&user_id, json!({})).await;
    let c0 = emu.count(JWKS_ROUTE).await;
    verify(&first.jwt, options())
        .await
        .unwrap_or_else(|e| panic!("{}", describe(&e)));
    let c1 = emu.count(JWKS_ROUTE).await;
    assert_eq!(c1 - c0, 1, "cold: one fetch");

    // Rotate (the old key stays served); new JWTs carry the new kid.
    let new_kid = emu.rotate().await;
    let second = emu.session_for(&user_id, json!({})).await;
    assert_eq!(kid_of(&second.jwt), new_kid);
    assert_ne!(kid_of(&first.jwt), new_kid);

    // The first fetch started no cooldown: the new kid refetches at once and verifies locally.
    let rotated = verify(&second.jwt, options()).await;
    let c2 = emu.count(JWKS_ROUTE).await;
    let session = rotated.unwrap_or_else(|e| panic!("new kid: {}", describe(&e)));
    assert_eq!(session["session_id"], second.session_id.as_str());
    assert_eq!(c2 - c1, 1, "one refetch for the new kid");

    // That refetch started a cooldown: a kid no JWKS has (a forgery) fetches nothing more…
    let (_, rest) = second.jwt.split_once('.').unwrap();
    let forged = format!(
        "{}.{rest}",
        b64(&json!({"alg": "RS256", "kid": "jwk-test-nope", "typ": "JWT"}))
    );
    let within = verify(&forged, options()).await;
    let c3 = emu.count(JWKS_ROUTE).await;
    // …until 31 s later (Date.now moved forward), when it may refetch once.
    let shift = ClockShift::forward(31_000.0);
    let after_cooldown = verify(&forged, options()).await;
    let c4 = emu.count(JWKS_ROUTE).await;
    let old_key = verify(&first.jwt, options()).await;
    let third = emu.session_for(&user_id, json!({})).await;
    let hit = verify(&third.jwt, options()).await;
    let c5 = emu.count(JWKS_ROUTE).await;
    shift.restore();

    let hidden = secret_and(&[&forged]);
    for e in [
        within.expect_err("unknown kid"),
        after_cooldown.expect_err("unknown kid"),
    ] {
        check_error(&e, "ClientError", "jwks_no_matching_key", &refs(&hidden));
    }
    assert_eq!(c3, c2, "no fetch within the cooldown");
    assert_eq!(c4 - c3, 1, "one refetch after the cooldown");
    old_key.unwrap_or_else(|e| panic!("old key: {}", describe(&e)));
    hit.unwrap_or_else(|e| panic!("new key, warm: {}", describe(&e)));
    assert_eq!(c5, c4, "no more fetches");
    console_log!(
        "rotation: JWKS fetches cold={} new-kid={} unknown-kid-within-cooldown={} after={} warm={}",
        c1 - c0,
        c2 - c1,
        c3 - c2,
        c4 - c3,
        c5 - c4
    );
}

#[wasm_bindgen_test]
async fn failed_jwks_refresh_keeps_the_last_good_keys() {
    let emu = emu2();
    emu.clear_faults().await;
    emu.reset_keys().await;
    let alias = fresh_alias(emu.url);
    let options = || verify_options(&alias);
    let (user_id, _) = emu.user().await;
    let good = emu.session_for(&user_id, json!({})).await;
    verify(&good.jwt, options())
        .await
        .unwrap_or_else(|e| panic!("{}", describe(&e)));

    emu.rotate().await;
    let rotated = emu.session_for(&user_id, json!({})).await;
    emu.clear_faults().await;
    emu.fault(json!({"path_prefix": "/v1/sessions/jwks", "status": 503}))
        .await;
    let c0 = emu.count(JWKS_ROUTE).await;

    // Unknown kid after the cooldown: the refresh fails (503); the old keys stay usable.
    let shift = ClockShift::forward(31_000.0);
    let unknown = verify(&rotated.jwt, options()).await;
    let c1 = emu.count(JWKS_ROUTE).await;
    let kept = verify(&good.jwt, options()).await;
    let c2 = emu.count(JWKS_ROUTE).await;
    shift.restore();

    // Keys older than 10 minutes: the refresh fails (503); the stale keys still verify (the token
    // judged at the real time through current_date).
    let real_now = js_sys::Date::now();
    let shift = ClockShift::forward(11.0 * 60_000.0);
    let o = options();
    set(&o, "current_date", &date(real_now));
    let stale = verify(&good.jwt, o).await;
    let c3 = emu.count(JWKS_ROUTE).await;
    shift.restore();
    emu.clear_faults().await;

    let e = unknown.expect_err("the new kid cannot be verified while the JWKS is down");
    check_error(
        &e,
        "ClientError",
        "jwks_no_matching_key",
        &refs(&secret_and(&[&rotated.jwt])),
    );
    assert_eq!(c1 - c0, 1, "one (failed) refresh for the unknown kid");
    kept.unwrap_or_else(|e| panic!("last good keys after a failed refresh: {}", describe(&e)));
    assert_eq!(c2, c1, "the failed attempt starts the cooldown");
    stale.unwrap_or_else(|e| panic!("stale keys after a failed refresh: {}", describe(&e)));
    assert_eq!(c3 - c2, 1, "one (failed) refresh of stale keys");
    console_log!(
        "failed refresh: JWKS fetches unknown-kid={} cooling={} stale={}",
        c1 - c0,
        c2 - c1,
        c3 - c2
    );
}
