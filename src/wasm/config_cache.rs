//! Parsed client options, by their JSON text and whether the call has a shared JWKS store: a
//! client made per request passes the same text on every call, and parses it once. Bounded; the
//! oldest entry goes first.

use crate::config::Config;
use crate::error::Error;
use crate::json;
use std::cell::RefCell;
use std::rc::Rc;

/// Most option texts kept parsed.
const MAX_ENTRIES: usize = 8;

thread_local! {
    static CONFIGS: RefCell<Vec<(Rc<str>, Rc<Config>)>> = const { RefCell::new(Vec::new()) };
}

/// The configuration `new Client(options)` describes, `options` being their JSON text, for a
/// call with (`jwks_store`) or without a shared JWKS store.
pub fn client(options: &str, jwks_store: bool) -> Result<Rc<Config>, Error> {
    let cached = CONFIGS.with(|c| {
        c.borrow()
            .iter()
            .find(|(text, config)| &**text == options && config.jwks_store == jwks_store)
            .map(|(_, config)| config.clone())
    });
    if let Some(config) = cached {
        return Ok(config);
    }
    let value = json::parse(options.as_bytes())
        .map_err(|_| Error::invalid_argument("Client options cannot be read as JSON"))?;
    let mut config = Config::from_client_options(&value)?;
    config.jwks_store = jwks_store;
    let config = Rc::new(config);
    CONFIGS.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= MAX_ENTRIES {
            c.remove(0);
        }
        c.push((Rc::from(options), config.clone()));
    });
    Ok(config)
}
