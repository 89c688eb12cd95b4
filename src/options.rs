//! Reading options and params objects (`docs/rules.md`, "Configuration"): strict member names
//! with the nearest known name suggested, and typed readers whose messages name the member and
//! the expected type, never the value. Each reader's known names are declared with
//! [`members!`], which also gives the lines the package's TypeScript types declare for them
//! (`pkg-template/index.d.ts`, checked by `tests/types_match.rs`).

use crate::error::{Error, Result};
use crate::json::{self, Object, Value};
use crate::rbac::AuthorizationCheck;

/// One member of an options or params object as the package's TypeScript types declare it.
/// Only tests read these tables (they render the generated regions of `index.d.ts`): they
/// compile to nothing in the module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member {
    /// The member's name (Stytch's snake_case).
    pub name: &'static str,
    /// Its TypeScript type, without `| undefined`.
    pub ts: &'static str,
    /// Whether it may be left out.
    pub optional: bool,
    /// Its documentation, line by line.
    pub doc: &'static [&'static str],
    /// The TypeScript interface several types inherit it from (`SessionExtension`), if any.
    pub group: Option<&'static str>,
}

/// Declares a list of known member names ([`Names`]) and, from the same lines, the members the
/// TypeScript types declare for them ([`Member`]):
///
/// ```ignore
/// members! {
///     /// The options every configuration reads.
///     pub const OPTIONS, OPTIONS_TS = {
///         /// The project.
///         project_id: "string",
///         /// Optional members end in `?`.
///         secret?: "string",
///     }
/// }
/// ```
macro_rules! members {
    (
        $(#[$attr:meta])*
        $vis:vis const $names:ident, $ts:ident = {
            $( $(#[doc = $doc:literal])* $name:ident $(? $($optional:lifetime)?)? : $type:literal ),* $(,)?
        }
    ) => {
        $(#[$attr])*
        $vis const $names: $crate::options::Names = &[$(stringify!($name)),*];
        #[doc = concat!("The members of `", stringify!($names), "` as the TypeScript types declare them.")]
        $vis const $ts: &'static [$crate::options::Member] = &[$(
            $crate::options::Member {
                name: stringify!($name),
                ts: $type,
                optional: $crate::options::members!(@optional $(? $($optional)?)?),
                doc: &[$($doc),*],
                group: None,
            }
        ),*];
    };
    (@optional) => { false };
    (@optional ?) => { true };
}
pub(crate) use members;

/// The member names one reader of an options or params object knows. Each list sits next to
/// the code that reads its names, and an object's known names are the lists of every reader it
/// goes through (`docs/rules.md`, "Configuration": strict names).
pub type Names = &'static [&'static str];

/// Reads the members of an options or params object, with messages that name the member and
/// the expected type, never the value given.
pub struct Fields<'a> {
    object: &'a Object,
    what: &'static str,
}

impl<'a> Fields<'a> {
    /// The fields of `value`, which must be an object each of whose members is named in one of
    /// the `known` lists (see [`check_names`]).
    pub fn of(value: &'a Value, what: &'static str, known: &[Names]) -> Result<Self> {
        match value {
            Value::Object(object) => {
                check_names(object, what, "", known)?;
                Ok(Self { object, what })
            }
            _ => Err(Error::invalid_argument(
                [what, " must be an object"].concat(),
            )),
        }
    }

    /// What the options are called in messages.
    pub fn what(&self) -> &'static str {
        self.what
    }

    fn wrong(&self, name: &str, expected: &str) -> Error {
        Error::invalid_argument([self.what, ": ", name, " must be ", expected].concat())
    }

    /// An optional string.
    pub fn string(&self, name: &str) -> Result<Option<String>> {
        match self.object.given(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(self.wrong(name, "a string")),
        }
    }

    /// A required string.
    pub fn required_string(&self, name: &str) -> Result<String> {
        self.string(name)?
            .ok_or_else(|| self.wrong(name, "a string"))
    }

    /// An optional list of non-empty strings (scopes): at most 256 of at most 1,024 bytes each.
    pub fn strings(&self, name: &str) -> Result<Option<Vec<String>>> {
        let Some(value) = self.object.given(name) else {
            return Ok(None);
        };
        let wrong = || self.wrong(name, "an array of at most 256 non-empty strings");
        let items = value
            .as_array()
            .filter(|a| a.len() <= 256)
            .ok_or_else(wrong)?;
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match item.as_str() {
                Some(s) if !s.is_empty() && s.len() <= 1024 => out.push(s.to_owned()),
                _ => return Err(wrong()),
            }
        }
        Ok(Some(out))
    }

    /// An optional non-negative integer.
    pub fn uint(&self, name: &str) -> Result<Option<u64>> {
        match self.object.given(name) {
            None => Ok(None),
            Some(v) => v
                .as_u64()
                .map(Some)
                .ok_or_else(|| self.wrong(name, "a non-negative integer")),
        }
    }

    /// An optional integer from 0 to `max`.
    pub fn uint_at_most(&self, name: &str, max: u64) -> Result<Option<u64>> {
        match self.object.given(name) {
            None => Ok(None),
            Some(v) => match v.as_u64() {
                Some(n) if n <= max => Ok(Some(n)),
                _ => {
                    let mut expected = String::from("an integer from 0 to ");
                    json::push_u64(&mut expected, max);
                    Err(self.wrong(name, &expected))
                }
            },
        }
    }

    /// An optional non-negative integer that fits 32 bits.
    pub fn u32(&self, name: &str) -> Result<Option<u32>> {
        self.u32_at_most(name, u32::MAX)
    }

    /// An optional integer from 0 to `max`.
    pub fn u32_at_most(&self, name: &str, max: u32) -> Result<Option<u32>> {
        Ok(self
            .uint_at_most(name, u64::from(max))?
            .and_then(|n| u32::try_from(n).ok()))
    }

    /// An optional instant: epoch milliseconds (a whole number from 0 to 8.64e15, JavaScript's
    /// last `Date`) or an ISO 8601 UTC date, what `JSON.stringify` makes of a `Date`
    /// (`2024-01-02T03:04:05.678Z`, from 1970 on).
    pub fn epoch_ms(&self, name: &str) -> Result<Option<u64>> {
        // An integer only (what `Date.now()` and `getTime()` give): parsing a float would bring
        // the standard library's float parser (several KB) into the module for this one option.
        const LAST_DATE_MS: u64 = 8_640_000_000_000_000;
        let ms = match self.object.given(name) {
            None => return Ok(None),
            Some(number @ Value::Number(_)) => number.as_u64().filter(|ms| *ms <= LAST_DATE_MS),
            Some(Value::String(text)) => iso_date_ms(text),
            Some(_) => None,
        };
        ms.map(Some).ok_or_else(|| {
            self.wrong(
                name,
                "a Date or a whole number of milliseconds since 1970 (not negative)",
            )
        })
    }

    /// An optional JSON object.
    pub fn object(&self, name: &str) -> Result<Option<Object>> {
        match self.object.given(name) {
            None => Ok(None),
            Some(Value::Object(o)) => Ok(Some(o.clone())),
            Some(_) => Err(self.wrong(name, "an object")),
        }
    }

    /// An optional boolean.
    pub fn bool(&self, name: &str) -> Result<Option<bool>> {
        match self.object.given(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(self.wrong(name, "a boolean")),
        }
    }

    /// An optional authorization check: `{resource_id, action}` and no other member.
    pub fn check(&self, name: &str) -> Result<Option<AuthorizationCheck>> {
        let Some(value) = self.object.given(name) else {
            return Ok(None);
        };
        if let Value::Object(check) = value {
            check_names(check, self.what, &[name, "."].concat(), &[CHECK_MEMBERS])?;
        }
        AuthorizationCheck::from_value(value, self.what).map(Some)
    }

    /// Optional pre-seeded keys: an array of JWK objects, or a JWKS `{keys: [...]}` (what
    /// `getJWKS` and the JWKS endpoint return). Parsed into keys only when the store has none
    /// for the project (a per-request client then costs no key parsing); checked for shape now,
    /// so a bad option fails here.
    pub fn jwks(&self, name: &str) -> Result<Option<Vec<Value>>> {
        let keys = match self.object.given(name) {
            None => return Ok(None),
            Some(Value::Array(keys)) => keys,
            Some(Value::Object(set)) => match set.given("keys") {
                Some(Value::Array(keys)) => keys,
                _ => return Err(self.wrong(name, "an array of JWK objects or {keys: [...]}")),
            },
            Some(_) => return Err(self.wrong(name, "an array of JWK objects or {keys: [...]}")),
        };
        if keys.iter().any(|k| k.as_object().is_none()) {
            return Err(self.wrong(name, "an array of JWK objects or {keys: [...]}"));
        }
        Ok(Some(keys.clone()))
    }

    /// An optional array.
    pub fn array(&self, name: &str) -> Result<Option<Vec<Value>>> {
        match self.object.given(name) {
            None => Ok(None),
            Some(Value::Array(a)) => Ok(Some(a.clone())),
            Some(_) => Err(self.wrong(name, "an array")),
        }
    }
}

members! {
    /// The members of an `authorization_check` (read by [`AuthorizationCheck::from_value`]).
    pub const CHECK_MEMBERS, CHECK_TS = {
        /// B2B only, and required there: the organization the member session must belong to
        /// (else `tenancy_mismatch`).
        organization_id?: "string",
        /// A resource of the project's RBAC policy, e.g. `"documents"`.
        resource_id: "string",
        /// An action on it, e.g. `"write"`.
        action: "string",
    }
}

/// The longest member name a message repeats (longer ones are cut).
const MAX_NAME_IN_MESSAGE: usize = 64;

/// Refuses the first member of `object` that none of the `known` lists names, with
/// `<what>: <prefix><name> is not an option` (`is not a parameter` for params) and, when one is
/// near ([`nearest`]), `; did you mean <prefix><nearest>?`. The message holds the member's name
/// (cut at 64 characters), never its value.
pub fn check_names(object: &Object, what: &str, prefix: &str, known: &[Names]) -> Result<()> {
    let is_known = |name: &str| known.iter().any(|names| names.contains(&name));
    let Some(name) = object.keys().find(|name| !is_known(name)) else {
        return Ok(());
    };
    let noun = if what.ends_with(" params") {
        " is not a parameter"
    } else {
        " is not an option"
    };
    let shown: String = name
        .chars()
        .take(MAX_NAME_IN_MESSAGE)
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect();
    let mut message = [what, ": ", prefix, &shown, noun].concat();
    if let Some(near) = nearest(name, known.iter().flat_map(|names| names.iter().copied())) {
        message.push_str("; did you mean ");
        message.push_str(prefix);
        message.push_str(near);
        message.push('?');
    }
    Err(Error::invalid_argument(message))
}

/// The known name nearest to `name`, if one is near: after `name` is lowercased and its
/// `camelCase` turned to `snake_case`, either an edit distance (optimal string alignment:
/// insertions, deletions, substitutions and swaps of neighbours) of at most a third of the
/// known name's length (at least 1, at most 3), or one of the two is the other plus `_…`
/// (`max_token_age` → `max_token_age_seconds`). The smallest distance wins, then the first.
pub fn nearest<'k>(name: &str, known: impl Iterator<Item = &'k str>) -> Option<&'k str> {
    if name.len() > MAX_NAME_IN_MESSAGE {
        return None;
    }
    let given = snake_case(name);
    let mut best: Option<(usize, &str)> = None;
    for candidate in known {
        let limit = (candidate.len() / 3).clamp(1, 3);
        let distance = edit_distance(&given, candidate);
        let word_prefix = |long: &str, short: &str| {
            long.strip_prefix(short)
                .is_some_and(|rest| rest.starts_with('_'))
        };
        let score = if distance <= limit {
            distance
        } else if word_prefix(candidate, &given) || word_prefix(&given, candidate) {
            limit + 1
        } else {
            continue;
        };
        if best.is_none_or(|(s, _)| score < s) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// `name` lowercased, with `_` before each capital that follows a lowercase letter or a digit
/// (`cookieName` → `cookie_name`, `customBaseURL` → `custom_base_url`).
pub fn snake_case(name: &str) -> String {
    // ASCII only: every known name is ASCII, and Unicode case tables would cost the module KBs.
    let mut out = String::with_capacity(name.len() + 4);
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() && previous_lower {
            out.push('_');
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// The optimal string alignment distance between `a` and `b`, by characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows, reused: the one before the last (for swaps), the last, and the one written.
    let mut before: Vec<usize> = (0..=b.len()).collect();
    let mut last = before.clone();
    let mut row = before.clone();
    for i in 1..=a.len() {
        row[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (last[j] + 1).min(row[j - 1] + 1).min(last[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            row[j] = d;
        }
        std::mem::swap(&mut before, &mut last);
        std::mem::swap(&mut last, &mut row);
    }
    last[b.len()]
}

/// Milliseconds since the epoch of an ISO 8601 UTC date as `Date.prototype.toJSON` writes it
/// (`2024-01-02T03:04:05.678Z`; any number of fraction digits), from 1970 on.
fn iso_date_ms(text: &str) -> Option<u64> {
    let seconds = u64::try_from(crate::session::parse_rfc3339_utc(text)?).ok()?;
    let fraction = text
        .get(19..)
        .and_then(|rest| rest.strip_prefix('.'))
        .unwrap_or("");
    let ms = fraction
        .bytes()
        .take_while(u8::is_ascii_digit)
        .chain(std::iter::repeat(b'0'))
        .take(3)
        .fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
    seconds.checked_mul(1000)?.checked_add(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str) -> Value {
        json::parse(text.as_bytes()).unwrap()
    }

    #[test]
    fn the_nearest_known_name_is_suggested() {
        let known = [
            crate::config::Config::OPTIONS,
            crate::config::Config::SDK_CLIENT_OPTIONS,
            crate::api::AuthenticateJwtParams::OPTIONS,
            crate::gate::GateOptions::NAMES,
        ];
        let near = |name: &str| nearest(name, known.iter().flat_map(|n| n.iter().copied()));
        for (given, expected) in [
            ("authorisation_check", "authorization_check"),
            ("custom_base_uri", "custom_base_url"),
            ("customBaseURL", "custom_base_url"),
            ("cookieName", "cookie_name"),
            ("Project_ID", "project_id"),
            ("projectId", "project_id"),
            ("max_token_age", "max_token_age_seconds"),
            ("sesion_duration_minutes", "session_duration_minutes"),
            ("jwsk", "jwks"),
            ("timeoutMs", "timeout_ms"),
            ("cookie_httponly", "cookie_http_only"),
            ("authorization", "authorization_check"),
        ] {
            assert_eq!(near(given), Some(expected), "{given}");
        }
        for far in ["zzz", "authorizer", "x", "", &"a".repeat(65)] {
            assert_eq!(near(far), None, "{far}");
        }
    }

    #[test]
    fn edit_distance_counts_a_swap_of_neighbours_as_one() {
        assert_eq!(edit_distance("jwks", "jwsk"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn instants_are_epoch_milliseconds_or_dates() {
        let read = |text: &str| {
            let v = value(text);
            Fields::of(&v, "x options", &[&["jwks_fetched_at"]])
                .unwrap()
                .epoch_ms("jwks_fetched_at")
        };
        assert_eq!(
            read(r#"{"jwks_fetched_at":1700000000123}"#).unwrap(),
            Some(1_700_000_000_123)
        );
        // A whole number only: what `Date.now()` and `getTime()` give.
        assert!(read(r#"{"jwks_fetched_at":1700000000123.9}"#).is_err());
        assert!(read(r#"{"jwks_fetched_at":1.7e12}"#).is_err());
        assert_eq!(read(r#"{"jwks_fetched_at":0}"#).unwrap(), Some(0));
        assert_eq!(read(r#"{"jwks_fetched_at":null}"#).unwrap(), None);
        assert_eq!(
            read(r#"{"jwks_fetched_at":"2023-11-14T22:13:20.123Z"}"#).unwrap(),
            Some(1_700_000_000_123)
        );
        assert_eq!(
            read(r#"{"jwks_fetched_at":"2023-11-14T22:13:20Z"}"#).unwrap(),
            Some(1_700_000_000_000)
        );
        for bad in [
            r#"{"jwks_fetched_at":-1}"#,
            r#"{"jwks_fetched_at":1e300}"#,
            r#"{"jwks_fetched_at":8640000000000001}"#,
            r#"{"jwks_fetched_at":"yesterday"}"#,
            r#"{"jwks_fetched_at":"1969-12-31T23:59:59.000Z"}"#,
            r#"{"jwks_fetched_at":"+010000-01-01T00:00:00.000Z"}"#,
            r#"{"jwks_fetched_at":true}"#,
        ] {
            let err = read(bad).unwrap_err();
            assert_eq!(err.code(), "invalid_argument", "{bad}");
        }
    }
}
