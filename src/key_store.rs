//! Keys in module memory (contract §8): one [`KeyCache`] per JWKS URL, shared by every client and
//! `verifyJwt` call in this module instance, and the fetches that fill it.
//!
//! Concurrent misses share one in-flight fetch where the host allows it; on Cloudflare Workers
//! (`Host::share_inflight_fetches() == false`) every request fetches for itself, because a request
//! there cannot await I/O that another request started.

use crate::error::{ClientErrorCode, Error, Result};
use crate::http::{Host, HttpRequest};
use crate::jwk::KeySet;
use crate::jwks_cache::{Decision, KeyCache};
use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// At most this many JWKS URLs are cached; beyond it the registry starts afresh. A deployment
/// talks to one or two projects: the bound only stops unbounded growth from hostile options.
const MAX_URLS: usize = 64;

#[derive(Default)]
struct Entry {
    cache: KeyCache,
    /// Why the last fetch failed, returned while cooling down with no keys.
    last_error: Option<Error>,
    inflight: Option<Rc<Flight>>,
}

thread_local! {
    static REGISTRY: RefCell<HashMap<String, Rc<RefCell<Entry>>>> = RefCell::new(HashMap::new());
}

fn entry(url: &str) -> Rc<RefCell<Entry>> {
    REGISTRY.with(|registry| {
        let mut registry = registry.borrow_mut();
        if let Some(entry) = registry.get(url) {
            return entry.clone();
        }
        if registry.len() >= MAX_URLS {
            registry.clear();
        }
        let entry = Rc::new(RefCell::new(Entry::default()));
        registry.insert(url.to_owned(), entry.clone());
        entry
    })
}

/// Seeds the cache of `url` with keys the caller already holds (a cold isolate needs no fetch).
pub fn seed(url: &str, keys: KeySet, now_ms: f64) {
    entry(url).borrow_mut().cache.seed(keys, now_ms);
}

/// The fresh cached keys of `url`, without fetching (the memo's fast path).
pub fn fresh_keys(url: &str, now_ms: f64) -> Option<Rc<KeySet>> {
    REGISTRY.with(|registry| {
        registry
            .borrow()
            .get(url)
            .and_then(|entry| entry.borrow().cache.fresh_keys(now_ms))
    })
}

/// Forgets every cached key set (tests, or a host that wants a cold start).
pub fn clear() {
    REGISTRY.with(|registry| registry.borrow_mut().clear());
}

/// The key set to verify a token with `kid`, fetching from `request` when the policy says so.
/// A failed fetch with earlier keys at hand returns those keys; with none, the fetch's error.
pub async fn keys_for<H: Host>(host: &H, request: HttpRequest, kid: &str) -> Result<Rc<KeySet>> {
    let entry = entry(&request.url);
    let decision = entry.borrow().cache.decide(kid, host.now_ms());
    if matches!(decision, Decision::Fetch | Decision::Refetch) {
        let joined = host
            .share_inflight_fetches()
            .then(|| entry.borrow().inflight.clone())
            .flatten();
        match joined {
            Some(flight) => flight.wait().await,
            None => fetch(host, request, &entry, decision == Decision::Refetch).await,
        }
    }
    let entry = entry.borrow();
    match (entry.cache.keys(), &entry.last_error) {
        (Some(keys), _) => Ok(keys),
        (None, Some(error)) => Err(error.clone()),
        (None, None) => Err(Error::client(
            ClientErrorCode::JwksNoMatchingKey,
            "no JWKS has been fetched yet",
        )),
    }
}

async fn fetch<H: Host>(host: &H, request: HttpRequest, entry: &Rc<RefCell<Entry>>, refetch: bool) {
    let flight = Rc::new(Flight::default());
    if host.share_inflight_fetches() {
        entry.borrow_mut().inflight = Some(flight.clone());
    }
    // Lands the flight even if this future is dropped half-way, so no waiter hangs.
    let _landing = Landing(flight, entry.clone());
    let result = host.send(request).await.and_then(|response| {
        let jwks = crate::http::read_response::<crate::api::JwksResponse>(&response, "JWKS fetch")?;
        let keys = KeySet::from_jwks(&jwks.keys);
        if keys.is_empty() {
            // Not a key set anyone can use: a failure, which keeps the last good keys.
            return Err(Error::client(
                ClientErrorCode::JwksNoMatchingKey,
                "the JWKS has no usable key (RSA, for signing, RS256, 2048 to 4096 bits)",
            ));
        }
        Ok(keys)
    });
    let now = host.now_ms();
    let mut entry = entry.borrow_mut();
    match result {
        Ok(keys) => {
            if let Some(older) = entry.cache.keys() {
                keys.adopt_memo(&older);
            }
            entry.cache.record_success(keys, now, refetch);
            entry.last_error = None;
        }
        Err(error) => {
            entry.cache.record_failure(now);
            entry.last_error = Some(error);
        }
    }
}

/// A fetch in progress that other requests can wait for.
#[derive(Default)]
struct Flight {
    landed: RefCell<bool>,
    waiters: RefCell<Vec<Waker>>,
}

impl Flight {
    fn wait(self: Rc<Self>) -> impl Future<Output = ()> {
        WaitFlight(self)
    }
}

struct WaitFlight(Rc<Flight>);

impl Future for WaitFlight {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if *self.0.landed.borrow() {
            Poll::Ready(())
        } else {
            self.0.waiters.borrow_mut().push(cx.waker().clone());
            Poll::Pending
        }
    }
}

/// Marks a flight landed and wakes its waiters when dropped.
struct Landing(Rc<Flight>, Rc<RefCell<Entry>>);

impl Drop for Landing {
    fn drop(&mut self) {
        *self.0.landed.borrow_mut() = true;
        if let Ok(mut entry) = self.1.try_borrow_mut() {
            if entry
                .inflight
                .as_ref()
                .is_some_and(|f| Rc::ptr_eq(f, &self.0))
            {
                entry.inflight = None;
            }
        }
        for waker in self.0.waiters.borrow_mut().drain(..) {
            waker.wake();
        }
    }
}
