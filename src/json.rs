//! Strict JSON: the one parser and writer behind every byte of JSON the engine reads or writes
//! (token header and payload, JWKS, API answers, options from JavaScript, results).
//!
//! Small on purpose: it keeps `serde_json` (and the float formatting and parsing it brings) out
//! of the wasm module. What it refuses, at every depth (see `docs/rules.md`, "Strict JSON"):
//! - duplicate member names (a header could say `"alg":"RS256"` to us and `"alg":"none"` to a
//!   last-wins parser);
//! - nesting deeper than [`MAX_DEPTH`] (no stack exhaustion: work stays linear in the input);
//! - invalid UTF-8, unescaped control characters, lone surrogates in `\u` escapes;
//! - numbers outside JSON's grammar or beyond the range of a double (`1e400`);
//! - anything after the value but white space.
//!
//! Numbers are kept as their source text: nothing is lost on the way through, and integers are
//! read exactly ([`Value::as_i64`]) without a float in between.

/// Deepest nesting accepted (objects and arrays), as in serde_json.
pub const MAX_DEPTH: usize = 128;

/// A JSON value. Objects keep their members in source order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Null,
    Bool(bool),
    /// The number's source text, checked against JSON's grammar.
    Number(String),
    String(String),
    Array(Vec<Value>),
    Object(Object),
}

/// A JSON object: members in source order, names unique.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Object(Vec<(String, Value)>);

impl Object {
    /// The member called `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// The member called `name`, unless it is absent or `null` (how options treat `null`).
    pub fn given(&self, name: &str) -> Option<&Value> {
        self.get(name).filter(|v| !matches!(v, Value::Null))
    }

    /// Removes and returns the member called `name`.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        let at = self.0.iter().position(|(k, _)| k == name)?;
        Some(self.0.remove(at).1)
    }

    /// Adds a member, replacing one of the same name.
    pub fn insert(&mut self, name: &str, value: Value) {
        match self.0.iter_mut().find(|(k, _)| k == name) {
            Some((_, v)) => *v = value,
            None => self.0.push((name.to_owned(), value)),
        }
    }

    /// Keeps the members for which `keep(name)` holds.
    pub fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        self.0.retain(|(k, _)| keep(k));
    }

    /// The members, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The member names, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no members.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Value {
    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }

    /// The object, if this is one.
    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Self::Object(o) => Some(o),
            _ => None,
        }
    }

    /// The array, if this is one.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Self::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The number as an `i64`, if it is written as an integer (no fraction, no exponent) that
    /// fits: `1.0`, `1e3` and 2^63 are not.
    pub fn as_i64(&self) -> Option<i64> {
        let Self::Number(text) = self else {
            return None;
        };
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.as_str()),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let mut magnitude: i128 = 0;
        for b in digits.bytes() {
            magnitude = magnitude * 10 + i128::from(b - b'0');
            if magnitude > 1 << 63 {
                return None;
            }
        }
        let value = if negative { -magnitude } else { magnitude };
        i64::try_from(value).ok()
    }

    /// The number as a `u64`, if it is written as a non-negative integer that fits.
    pub fn as_u64(&self) -> Option<u64> {
        let Self::Number(text) = self else {
            return None;
        };
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        text.bytes().try_fold(0u64, |acc, b| {
            acc.checked_mul(10)?.checked_add(u64::from(b - b'0'))
        })
    }

    /// A number value from an integer.
    pub fn from_i64(n: i64) -> Self {
        let mut s = String::new();
        push_i64(&mut s, n);
        Self::Number(s)
    }

    /// The value as JSON text.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        write(self, &mut out);
        out
    }
}

/// Parses one JSON value.
pub fn parse(bytes: &[u8]) -> Result<Value, &'static str> {
    let text = std::str::from_utf8(bytes).map_err(|_| "not valid UTF-8")?;
    let mut p = Parser {
        s: text.as_bytes(),
        text,
        at: 0,
    };
    let value = p.value(0)?;
    p.space();
    if p.at != p.s.len() {
        return Err("not valid JSON (trailing characters)");
    }
    Ok(value)
}

/// Parses one JSON object.
pub fn parse_object(bytes: &[u8]) -> Result<Object, &'static str> {
    match parse(bytes)? {
        Value::Object(o) => Ok(o),
        _ => Err("not a JSON object"),
    }
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    at: usize,
}

const SYNTAX: &str = "not valid JSON";

impl Parser<'_> {
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    #[inline(always)]
    fn space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    #[inline(always)]
    fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, &'static str> {
        let end = self.at + word.len();
        if self.s.get(self.at..end) == Some(word.as_bytes()) {
            self.at = end;
            Ok(value)
        } else {
            Err(SYNTAX)
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, &'static str> {
        self.space();
        match self.peek().ok_or(SYNTAX)? {
            b'{' => self.object(depth + 1),
            b'[' => self.array(depth + 1),
            b'"' => self.string().map(Value::String),
            b't' => self.literal("true", Value::Bool(true)),
            b'f' => self.literal("false", Value::Bool(false)),
            b'n' => self.literal("null", Value::Null),
            _ => self.number(),
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, &'static str> {
        if depth > MAX_DEPTH {
            return Err("nested too deeply");
        }
        self.at += 1;
        let mut members: Vec<(String, Value)> = Vec::new();
        self.space();
        if self.eat(b'}') {
            return Ok(Value::Object(Object(members)));
        }
        loop {
            self.space();
            if self.peek() != Some(b'"') {
                return Err(SYNTAX);
            }
            let name = self.string()?;
            self.space();
            if !self.eat(b':') {
                return Err(SYNTAX);
            }
            let value = self.value(depth)?;
            members.push((name, value));
            self.space();
            if self.eat(b'}') {
                break;
            }
            if !self.eat(b',') {
                return Err(SYNTAX);
            }
        }
        if has_duplicate_names(&members) {
            return Err("duplicate member name");
        }
        Ok(Value::Object(Object(members)))
    }

    fn array(&mut self, depth: usize) -> Result<Value, &'static str> {
        if depth > MAX_DEPTH {
            return Err("nested too deeply");
        }
        self.at += 1;
        let mut items = Vec::new();
        self.space();
        if self.eat(b']') {
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value(depth)?);
            self.space();
            if self.eat(b']') {
                return Ok(Value::Array(items));
            }
            if !self.eat(b',') {
                return Err(SYNTAX);
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, &'static str> {
        let digits = self.s.get(self.at..self.at + 4).ok_or(SYNTAX)?;
        let mut v = 0;
        for &d in digits {
            v = v * 16 + char::from(d).to_digit(16).ok_or(SYNTAX)?;
        }
        self.at += 4;
        Ok(v)
    }

    fn string(&mut self) -> Result<String, &'static str> {
        self.at += 1;
        let mut out = String::new();
        loop {
            // Copy the run up to the next quote, backslash or control character in one go.
            let start = self.at;
            while matches!(self.peek(), Some(b) if b != b'"' && b != b'\\' && b >= 0x20) {
                self.at += 1;
            }
            out.push_str(self.text.get(start..self.at).ok_or(SYNTAX)?);
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    let escape = self.peek().ok_or(SYNTAX)?;
                    self.at += 1;
                    let c = match escape {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return Err(SYNTAX),
                    };
                    out.push(c);
                }
                _ => return Err("not valid JSON (control character or unterminated string)"),
            }
        }
    }

    fn unicode_escape(&mut self) -> Result<char, &'static str> {
        const LONE: &str = "not valid JSON (lone surrogate)";
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if !(self.eat(b'\\') && self.eat(b'u')) {
                    return Err(LONE);
                }
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(LONE);
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(LONE),
            c => c,
        };
        char::from_u32(code).ok_or(SYNTAX)
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
        self.at - start
    }

    fn number(&mut self) -> Result<Value, &'static str> {
        let start = self.at;
        self.eat(b'-');
        let int_start = self.at;
        let int_len = self.digits();
        if int_len == 0 || (int_len > 1 && self.s.get(int_start) == Some(&b'0')) {
            return Err(SYNTAX);
        }
        let (mut frac_start, mut frac_len) = (self.at, 0);
        if self.eat(b'.') {
            frac_start = self.at;
            frac_len = self.digits();
            if frac_len == 0 {
                return Err(SYNTAX);
            }
        }
        let mut exponent: i64 = 0;
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            let negative = self.eat(b'-') || {
                self.eat(b'+');
                false
            };
            let exp_start = self.at;
            if self.digits() == 0 {
                return Err(SYNTAX);
            }
            for &d in self.s.get(exp_start..self.at).unwrap_or_default() {
                exponent = (exponent * 10 + i64::from(d - b'0')).min(1 << 40);
            }
            if negative {
                exponent = -exponent;
            }
        }
        let int = self
            .s
            .get(int_start..int_start + int_len)
            .unwrap_or_default();
        let frac = self
            .s
            .get(frac_start..frac_start + frac_len)
            .unwrap_or_default();
        if overflows_double(int, frac, exponent) {
            return Err("not valid JSON (number out of range)");
        }
        let text = self.text.get(start..self.at).ok_or(SYNTAX)?;
        Ok(Value::Number(text.to_owned()))
    }
}

/// Whether two of `members` share a name: pairwise for the small objects tokens and answers
/// are made of (no allocation), sorted above [`PAIRWISE_MAX`] members so that a hostile object
/// with many members stays O(n log n).
fn has_duplicate_names(members: &[(String, Value)]) -> bool {
    if members.len() <= PAIRWISE_MAX {
        return members.iter().enumerate().any(|(i, (name, _))| {
            members
                .get(i + 1..)
                .unwrap_or_default()
                .iter()
                .any(|(other, _)| other == name)
        });
    }
    let mut names: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
    heapsort(&mut names);
    names.windows(2).any(|w| w[0] == w[1])
}

/// Sorts `names`: heapsort, O(n log n) at worst and a few hundred bytes of code in the module,
/// where the standard library's sort is 3 KB (this is its only sort).
fn heapsort(names: &mut [&str]) {
    let n = names.len();
    for root in (0..n / 2).rev() {
        sift_down(names, root, n);
    }
    for end in (1..n).rev() {
        names.swap(0, end);
        sift_down(names, 0, end);
    }
}

/// Moves `names[root]` down the heap held in `names[..end]` until its children are not greater.
fn sift_down(names: &mut [&str], mut root: usize, end: usize) {
    loop {
        let mut child = 2 * root + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && names.get(child) < names.get(child + 1) {
            child += 1;
        }
        if names.get(root) >= names.get(child) {
            return;
        }
        names.swap(root, child);
        root = child;
    }
}

/// Most members compared pairwise for duplicates (at most 120 comparisons).
const PAIRWISE_MAX: usize = 16;

/// Whether `int.frac × 10^exponent` is beyond the largest double (it would parse as infinity).
/// Exact above 10^309 and below 10^308; in between, the significant digits are compared with
/// those of the largest double's rounding boundary, 1.7976931348623158 × 10^308.
fn overflows_double(int: &[u8], frac: &[u8], exponent: i64) -> bool {
    // Every number a token or an answer holds: fewer than 300 integer digits, no exponent.
    if exponent == 0 && int.len() < 300 {
        return false;
    }
    let digits: Vec<u8> = int.iter().chain(frac).copied().collect();
    let Some(first) = digits.iter().position(|&d| d != b'0') else {
        return false; // zero
    };
    // Decimal exponent of the first significant digit.
    let point = i64::try_from(int.len()).unwrap_or(i64::MAX);
    let magnitude = exponent
        .saturating_add(point)
        .saturating_sub(i64::try_from(first).unwrap_or(i64::MAX))
        .saturating_sub(1);
    match magnitude {
        m if m > 308 => true,
        308 => {
            let significant = digits.get(first..).unwrap_or_default();
            significant >= &b"17976931348623158"[..]
        }
        _ => false,
    }
}

/// `value` as JSON text.
pub fn to_string(value: &Value) -> String {
    let mut out = String::new();
    write(value, &mut out);
    out
}

/// Appends `value` as JSON text.
pub fn write(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => out.push_str(n),
        Value::String(s) => write_str(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, out);
            }
            out.push(']');
        }
        Value::Object(o) => write_object(o, out),
    }
}

/// Appends an object as JSON text.
pub fn write_object(object: &Object, out: &mut String) {
    out.push('{');
    for (i, (name, value)) in object.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_str(name, out);
        out.push(':');
        write(value, out);
    }
    out.push('}');
}

/// Appends a JSON string literal.
pub fn write_str(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.reserve(s.len() + 2);
    out.push('"');
    let mut plain = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(s.get(plain..i).unwrap_or_default());
        plain = i + 1;
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        } else {
            out.push_str(escape);
        }
    }
    out.push_str(s.get(plain..).unwrap_or_default());
    out.push('"');
}

/// Appends the decimal digits of `n` (no `core::fmt` in the module).
pub fn push_i64(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    push_u64(out, n.unsigned_abs());
}

/// Appends the decimal digits of `n`.
pub fn push_u64(out: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in buf.get(at..).unwrap_or_default() {
        out.push(char::from(d));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_objects_and_keeps_order() {
        let o = parse_object(br#"{"b":1,"a":{"c":[1,2,{"d":null}]},"e":"x"}"#).unwrap();
        assert_eq!(o.keys().collect::<Vec<_>>(), ["b", "a", "e"]);
        assert_eq!(
            Value::Object(o).to_json(),
            r#"{"b":1,"a":{"c":[1,2,{"d":null}]},"e":"x"}"#
        );
    }

    #[test]
    fn rejects_duplicates_at_any_depth_even_when_escaped() {
        assert!(parse_object(br#"{"a":1,"a":2}"#).is_err());
        assert!(parse_object(br#"{"a":1,"\u0061":2}"#).is_err());
        assert!(parse_object(br#"{"a":{"b":1,"b":1}}"#).is_err());
        assert!(parse_object(br#"{"a":[{"b":1,"b":1}]}"#).is_err());
    }

    /// Pairwise up to 16 members, sorted above: a duplicate is found wherever it is, in objects
    /// of every size, and distinct names never are; the sort orders like the standard one.
    #[test]
    fn finds_duplicates_in_objects_of_every_size() {
        for n in [1usize, 2, 15, 16, 17, 18, 100, 1000] {
            let names: Vec<String> = (0..n).map(|i| format!("m{}", (i * 7919) % n)).collect();
            let text = |names: &[String]| {
                let members: Vec<String> = names.iter().map(|k| format!("\"{k}\":0")).collect();
                format!("{{{}}}", members.join(","))
            };
            assert!(
                parse_object(text(&names).as_bytes()).is_ok(),
                "{n} distinct"
            );
            let last = n - 1;
            for (i, j) in [
                (0, last),
                (n / 2, n / 2 + 1),
                (last.saturating_sub(1), last),
                (0, 1),
            ] {
                if i >= j || j >= n {
                    continue;
                }
                let mut dup = names.clone();
                dup[j] = dup[i].clone();
                assert_eq!(
                    parse_object(text(&dup).as_bytes()),
                    Err("duplicate member name"),
                    "{n} members, {i} = {j}"
                );
            }
        }
        let words: Vec<String> = (0..500).map(|i| format!("w{}", (i * 7919) % 263)).collect();
        let mut sorted: Vec<&str> = words.iter().map(String::as_str).collect();
        let mut expected = sorted.clone();
        heapsort(&mut sorted);
        expected.sort();
        assert_eq!(sorted, expected);
    }

    #[test]
    fn rejects_non_objects_and_garbage() {
        for input in [
            &b"[]"[..],
            b"1",
            b"\"x\"",
            b"",
            b"{",
            b"{}x",
            b"{\"a\":1e400}",
            b"{\"a\":-1.8e308}",
            b"{\"a\":01}",
            b"{\"a\":1.}",
            b"{\"a\":.5}",
            b"{\"a\":+1}",
            b"{\"a\":1e}",
            b"{\"a\":\"\\ud800\"}",
            b"{\"a\":\"\\udc00x\"}",
            b"{\"a\":\"\x01\"}",
            b"{\"a\":\"\\x\"}",
            b"{\"a\":tru}",
            b"{\"a\":\"\xff\"}",
            b"{'a':1}",
            b"{\"a\":1,}",
        ] {
            assert!(parse_object(input).is_err(), "{input:?}");
        }
    }

    #[test]
    fn numbers_keep_their_text_and_integers_read_exactly() {
        let v = parse(br#"[0,-0,1.5,1e2,1E-400,9223372036854775807,-9223372036854775808,9223372036854775808,1.0,1.7976931348623157e308]"#).unwrap();
        let items = v.as_array().unwrap();
        assert_eq!(items[3], Value::Number("1e2".into()));
        assert_eq!(items[5].as_i64(), Some(i64::MAX));
        assert_eq!(items[6].as_i64(), Some(i64::MIN));
        assert_eq!(items[7].as_i64(), None);
        assert_eq!(items[7].as_u64(), Some(1 << 63));
        assert_eq!(items[8].as_i64(), None, "1.0 is not written as an integer");
        assert_eq!(items[3].as_i64(), None);
        assert_eq!(items[1].as_u64(), None, "-0 is not unsigned");
    }

    #[test]
    fn strings_round_trip_with_escapes() {
        let v = parse(br#""a\"b\\c\/d\n\u00e9\ud83d\ude00\u0001""#).unwrap();
        assert_eq!(v.as_str(), Some("a\"b\\c/d\né😀\u{1}"));
        assert_eq!(v.to_json(), "\"a\\\"b\\\\c/d\\né😀\\u0001\"");
        assert_eq!(parse(v.to_json().as_bytes()).unwrap(), v);
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(parse(deep.as_bytes()).is_err());
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(ok.as_bytes()).is_ok());
        let over = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert!(parse(over.as_bytes()).is_err());
    }

    #[test]
    fn integers_print_without_fmt() {
        for n in [0, 7, -7, 1_700_000_000, i64::MAX, i64::MIN] {
            assert_eq!(Value::from_i64(n).to_json(), n.to_string());
        }
    }
}
