//! The engine: one synchronous state machine that owns the key store and the memo and applies
//! every rule, with no I/O of its own (sans-IO, in the manner of rustls or quinn-proto).
//!
//! A [`Call`] is one operation. Its driver feeds it [`Input`]s with the clock reading, and it
//! answers with what it needs [`Next`]: an HTTP request to send, a wait, or the result. A token
//! the engine already verified is answered at the first step, with no request and no wait.
//!
//! ```text
//! let mut call = Call::new(config, Operation::VerifyJwt { .. });
//! let mut input = Input::Start;
//! loop {
//!     match call.step(&mut engine, input, now_ms()) {
//!         Next::Done(result) => break result,
//!         Next::Send(request) => input = Input::Response(send(request).await),
//!         Next::Wait(ms) => { sleep(ms).await; input = Input::Woke }
//!     }
//! }
//! ```
//!
//! Drivers: [`crate::Client`] (Rust, over a [`crate::Host`]) and the npm package's JavaScript.
//! The rules: `docs/rules.md`. The stages: [`shape`] (the one look at the operation), `local.rs`,
//! `key_fetch.rs`, `authorize.rs`, `request.rs`; the caches they consult: [`keys`] (shared via
//! [`stored`]), [`memo`], [`policy`], [`answers`], [`outage`], under the rules of [`flight`].

mod answer;
pub mod answers;
mod authorize;
mod facts;
pub mod flight;
mod key_fetch;
pub mod keys;
mod local;
pub mod memo;
mod operation;
pub mod outage;
pub mod policy;
mod request;
pub mod shape;
pub mod stored;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::http::{HttpRequest, HttpResponse};
use crate::rbac;
use answers::Answers;
use flight::Patience;
use keys::KeyStore;
use memo::Memo;
use outage::Outage;
use policy::PolicyStore;
pub use request::read_answer;
pub use shape::ApiCall;
use shape::Shape;
use std::rc::Rc;

pub use answer::{write_local, Answer};
pub use facts::Facts;
pub use flight::WAIT_POLL_MS;
pub use operation::Operation;

/// The keys, the memo, the policies and the API's answers of one module instance (or of
/// whatever a Rust caller shares).
pub struct Engine {
    keys: KeyStore,
    memo: Memo,
    policies: PolicyStore,
    /// B2B organizations' own roles, by organization.
    org_policies: PolicyStore,
    answers: Answers,
    outage: Outage,
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}

impl Engine {
    /// An engine with no keys and an empty memo (`const`: the module's engine is a
    /// `thread_local` with no lazy initialisation to compile or check on every call).
    pub const fn new() -> Self {
        Self {
            keys: KeyStore::new(),
            memo: Memo::new(),
            policies: PolicyStore::new(policy::MAX_PROJECTS),
            org_policies: PolicyStore::new(policy::MAX_ORGANIZATIONS),
            answers: Answers::new(),
            outage: Outage::new(),
        }
    }

    /// The key store.
    pub fn keys(&self) -> &KeyStore {
        &self.keys
    }

    /// The memo.
    pub fn memo(&self) -> &Memo {
        &self.memo
    }

    /// The API's answers remembered, and the requests in flight.
    pub fn answers(&self) -> &Answers {
        &self.answers
    }
}

/// What the driver hands a call.
#[derive(Debug)]
pub enum Input {
    /// The first step.
    Start,
    /// The answer to the last [`Next::Send`], or why there was none.
    Response(Result<HttpResponse>),
    /// The last [`Next::Wait`] or [`Next::Save`] is over.
    Woke,
    /// What the shared JWKS store held for the last [`Next::Load`] (`None` if nothing, or if
    /// reading it failed).
    Loaded(Option<String>),
}

/// What a call needs next.
#[non_exhaustive]
#[derive(Debug)]
pub enum Next {
    /// Send this request, then step with its [`Input::Response`].
    Send(HttpRequest),
    /// Wait this many milliseconds, then step with [`Input::Woke`].
    Wait(u32),
    /// Read the shared JWKS store ([`Config::jwks_store`]), then step with [`Input::Loaded`].
    Load,
    /// Give the shared JWKS store this value, to keep for `ttl_seconds` (its failures are
    /// ignored), then step with [`Input::Woke`].
    Save { value: String, ttl_seconds: u32 },
    /// The call is over.
    Done(Result<Answer>),
}

/// Where a call is. Each stage carries what its next step needs, so a step that cannot happen
/// in it cannot be written.
#[derive(Debug)]
enum Stage {
    Start,
    /// Getting the keys for a token whose header names `kid`; `loaded`: whether this call has
    /// read the shared JWKS store.
    Keys {
        kid: String,
        loaded: bool,
        step: KeyStep,
    },
    /// A token verified locally, getting the policy its authorization check needs.
    Policy {
        checking: Checking,
        step: PolicyStep,
    },
    /// An API request is out; `shared`: the request's key and flight, when calls share it.
    Api {
        shared: Option<(answers::Key, u64)>,
    },
    /// The token's introspection request is out.
    Introspecting,
    /// Waiting for another call's identical API request to land.
    ApiWaiting {
        patience: Patience,
    },
    Done,
}

/// How a call is getting its keys.
#[derive(Debug)]
enum KeyStep {
    /// Waiting for another call's fetch to land.
    Waiting(Patience),
    /// Our own fetch, this flight, is out.
    Fetching(u64),
    /// Reading the shared store in place of this fetch.
    Loading(u64),
    /// Giving the shared store the keys this fetch brought.
    Saving(u64),
}

/// How a call is getting the policy.
#[derive(Debug)]
enum PolicyStep {
    /// Waiting for another call's fetch to land.
    Waiting(Patience),
    /// Our own fetch, this flight, is out.
    Fetching(u64),
}

/// A session verified locally, waiting for the policies its authorization check needs.
#[derive(Debug)]
struct Checking {
    session: Rc<str>,
    /// The session's roles, or the access token's scopes.
    grants: Rc<[String]>,
    /// The project's policy, once had; a B2B check then needs its organization's.
    project: Option<Rc<rbac::Policy>>,
}

/// One operation in progress. Step it until it is [`Next::Done`].
#[derive(Debug)]
pub struct Call {
    config: Rc<Config>,
    shape: Shape,
    stage: Stage,
    facts: Facts,
}

impl Call {
    /// A call of `operation` for the project `config` describes.
    pub fn new(config: Rc<Config>, operation: Operation) -> Self {
        let product = config.product;
        Self {
            config,
            shape: Shape::of(operation, product),
            stage: Stage::Start,
            facts: Facts::default(),
        }
    }

    /// The project settings the call runs under.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// What the call did so far: the memo, the requests it sent.
    pub fn facts(&self) -> Facts {
        self.facts
    }

    /// Advances the call with `input`, at `now_ms` (milliseconds since the Unix epoch).
    ///
    /// Each stage's handler is its own function, kept out of line: a first verification runs
    /// only `start`, and a JavaScript engine compiles a whole function on its first call, so
    /// the other stages stay uncompiled until a call needs them.
    pub fn step(&mut self, engine: &mut Engine, input: Input, now_ms: f64) -> Next {
        let Self {
            config,
            shape,
            stage,
            facts,
        } = self;
        let current = std::mem::replace(stage, Stage::Done);
        if let (Stage::Start, Err(e)) = (&current, config.product.fits(shape.check())) {
            return Next::Done(Err(e));
        }
        let next = match shape {
            Shape::Api(api) => request::step(config, api, stage, engine, current, input, now_ms),
            Shape::Local(local) => local::LocalCall {
                config,
                local,
                stage,
                facts,
            }
            .step(engine, current, input, now_ms),
        };
        match &next {
            Next::Done(_) => *stage = Stage::Done,
            Next::Send(_) => facts.sent(stage),
            _ => {}
        }
        next
    }
}

/// A step the call's stage cannot take: the driver resumed it with the wrong input.
fn out_of_order() -> Next {
    Next::Done(Err(Error::invalid_argument(
        "call stepped out of order (a driver bug)",
    )))
}
