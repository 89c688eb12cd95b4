//! While a project's JWKS cannot be had, the tokens that cannot be judged locally reach the API
//! at a bounded rate (`docs/rules.md`, "When the API is asked"): a bucket of [`BURST`] calls per
//! JWKS URL, refilled at one per [`REFILL_MS`]. Past it, such a token is refused as Stytch being
//! unavailable (503 at the gate), so forged tokens with random kids cannot spend the project's
//! rate limit during an outage.

use super::flight::Slots;

/// Calls a burst may make.
pub const BURST: f64 = 10.0;
/// One more call per this many milliseconds.
pub const REFILL_MS: f64 = 1000.0;
/// At most this many JWKS URLs are tracked (the key store's bound).
const MAX_URLS: usize = super::keys::MAX_URLS;

#[derive(Debug, Default)]
struct Bucket {
    /// Calls spent, as of `at_ms`.
    spent: f64,
    at_ms: f64,
}

/// The buckets of every JWKS URL.
#[derive(Debug)]
pub struct Outage {
    buckets: Slots<Bucket>,
}

impl Default for Outage {
    fn default() -> Self {
        Self::new()
    }
}

impl Outage {
    /// No call spent yet.
    pub const fn new() -> Self {
        Self {
            buckets: Slots::new(MAX_URLS),
        }
    }

    /// Whether one more call to the API for a token of `url` may go out at `now_ms`; spends it.
    pub fn take(&mut self, url: &str, now_ms: f64) -> bool {
        let bucket = self.buckets.entry(url);
        if now_ms > bucket.at_ms {
            let refilled = (now_ms - bucket.at_ms) / REFILL_MS;
            bucket.spent = (bucket.spent - refilled).max(0.0);
            bucket.at_ms = now_ms;
        }
        if bucket.spent + 1.0 <= BURST {
            bucket.spent += 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_one_a_second() {
        let mut outage = Outage::default();
        let now = 1_700_000_000_000.0;
        let burst = (0..100).filter(|_| outage.take("u", now)).count();
        assert_eq!(burst, BURST as usize);
        assert!(outage.take("v", now), "per JWKS URL");
        assert!(!outage.take("u", now + 999.0));
        assert!(outage.take("u", now + 1000.0));
        assert!(!outage.take("u", now + 1000.0));
        // The clock going back refills nothing.
        assert!(!outage.take("u", now));
        assert_eq!(
            (0..100)
                .filter(|_| outage.take("u", now + 60_000.0))
                .count(),
            BURST as usize
        );
    }
}
