//! Parsed options, by their JSON text and whether the call has a shared JWKS store: a client
//! made per request passes the same text on every call, and so does a `verifyJwt` or
//! `authenticateRequest` caller that reuses one options object; each text is parsed once.
//! Bounded; the oldest entry goes first.

use crate::api::LocalJwtParams;
use crate::config::Config;
use crate::error::Error;
use crate::gate::GateOptions;
use crate::internal::gate_access::AccessGate;
use crate::json;
use crate::product::Product;
use std::cell::RefCell;
use std::rc::Rc;

/// Most option texts kept parsed, of each kind.
const MAX_ENTRIES: usize = 8;

/// One kind of options: text, and what else its reading depends on ([`Variant`]) → what they
/// parse to.
type Entries<T> = RefCell<Vec<(Rc<str>, Variant, T)>>;

/// What a reading depends on beside the text: whether the call has a shared JWKS store, and
/// whose sessions it is for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Variant {
    pub jwks_store: bool,
    pub product: &'static Product,
}

thread_local! {
    static CLIENTS: Entries<Rc<Config>> = const { RefCell::new(Vec::new()) };
    static VERIFIES: Entries<(Rc<Config>, LocalJwtParams)> = const { RefCell::new(Vec::new()) };
    static GATES: Entries<(Rc<Config>, GateOptions)> = const { RefCell::new(Vec::new()) };
    static ACCESS_GATES: Entries<(Rc<Config>, AccessGate)> = const { RefCell::new(Vec::new()) };
}

/// The JSON value of an options (or params) text, `what` naming them in the error.
pub fn options_value(text: &str, what: &str) -> Result<json::Value, Error> {
    json::parse(text.as_bytes())
        .map_err(|_| Error::invalid_argument([what, " cannot be read as JSON"].concat()))
}

/// What `options` parse to, from `cache` or by `parse` (and then remembered).
fn cached<T: Clone>(
    cache: &'static std::thread::LocalKey<Entries<T>>,
    options: &str,
    variant: Variant,
    parse: impl FnOnce() -> Result<T, Error>,
) -> Result<T, Error> {
    let hit = cache.with(|c| {
        c.borrow()
            .iter()
            .find(|(text, v, _)| &**text == options && *v == variant)
            .map(|(_, _, parsed)| parsed.clone())
    });
    if let Some(parsed) = hit {
        return Ok(parsed);
    }
    let parsed = parse()?;
    cache.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= MAX_ENTRIES {
            c.remove(0);
        }
        c.push((Rc::from(options), variant, parsed.clone()));
    });
    Ok(parsed)
}

/// The configuration `new Client(options)` (or `new B2BClient(options)`) describes, `options`
/// being their JSON text.
pub fn client(options: &str, variant: Variant) -> Result<Rc<Config>, Error> {
    cached(&CLIENTS, options, variant, || {
        let value = options_value(options, "Client options")?;
        let config = Config::from_client_options(&value)?;
        Ok(Rc::new(
            config
                .with_jwks_store(variant.jwks_store)
                .with_product(variant.product),
        ))
    })
}

/// The configuration and verification rules of `verifyJwt(token, options)`, `options` being
/// their JSON text, judged at `current_date_ms` (read from the options object by the caller:
/// it may be a `Date`).
pub fn verify(
    options: &str,
    variant: Variant,
    current_date_ms: Option<f64>,
) -> Result<(Rc<Config>, LocalJwtParams), Error> {
    const WHAT: &str = "verifyJwt options";
    let (config, params) = cached(&VERIFIES, options, variant, || {
        let value = options_value(options, WHAT)?;
        let (config, params) = Config::from_verify_value(&value)?;
        let config = config.with_jwks_store(variant.jwks_store);
        Ok((Rc::new(config.with_product(variant.product)), params))
    })?;
    Ok((config, params.at(WHAT, current_date_ms)?))
}

/// The configuration and the gate's own options of `authenticateRequest(request, options)`,
/// `options` being their JSON text.
pub fn gate(options: &str, variant: Variant) -> Result<(Rc<Config>, GateOptions), Error> {
    cached(&GATES, options, variant, || {
        let value = options_value(options, "authenticateRequest options")?;
        let (config, gate) = GateOptions::read_for(&value, variant.product)?;
        Ok((Rc::new(config.with_jwks_store(variant.jwks_store)), gate))
    })
}

/// The configuration and the gate's own options of `authenticateAccessToken(request, options)`.
pub fn access_gate(options: &str, variant: Variant) -> Result<(Rc<Config>, AccessGate), Error> {
    cached(&ACCESS_GATES, options, variant, || {
        let value = options_value(options, "authenticateAccessToken options")?;
        let (config, gate) = AccessGate::read_for(&value, variant.product)?;
        Ok((Rc::new(config.with_jwks_store(variant.jwks_store)), gate))
    })
}
