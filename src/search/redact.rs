//! Keeping the access token out of everything a search shows or returns.
//!
//! Every string that comes from the server (an error's message, a cursor,
//! a transport failure, the results themselves) passes through
//! [`Redactor`] before it leaves `qc::search`. Errors and events hold it
//! as [`ServerText`], which only a redactor makes, so server text cannot
//! be shown without having been redacted.
//!
//! The redactor looks for the token *after decoding* what a server may
//! have done to it, up to [`MAX_DECODING_LEVELS`] levels deep: JSON escapes
//! (`\/`, `\u002F`), percent-encoding (`%2F`, `%252F`) and HTML character
//! references (`&#47;`). It finds the token with or without its base64
//! padding, in the URL-safe base64 alphabet, base64-encoded itself (an
//! echoed `Basic` credential), and in pieces: any run of
//! [`Redactor::fragment`] characters of the token is removed, also when a
//! run is split across fields redacted together ([`Redactor::texts`]).

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use serde_json::Value;

use super::token::Token;

/// What replaces the token.
pub const REDACTED: &str = "<redacted>";

/// How many layers of encoding are undone when looking for the token
/// (`%252F` is two).
pub const MAX_DECODING_LEVELS: usize = 4;

/// The shortest piece of the token that is removed when found alone:
/// a third of the token, at least 4 and at most 8 characters (all of a
/// shorter token).
const FRAGMENT: (usize, usize) = (4, 8);

/// Removes an access token, in every form listed in the module
/// documentation, from text that came from the server.
///
/// ```
/// use qc::search::{Redactor, Token};
/// let token = Token::new("dG9r/OjEy+MzQ1Njc4OTA=")?;
/// let redactor = Redactor::new(&token);
/// let shown = redactor.text(r#"bad token dG9r\/OjEy%2BMzQ1Njc4OTA (request 42)"#);
/// assert_eq!(shown.as_str(), "bad token <redacted> (request 42)");
/// # Ok::<(), qc::search::TokenError>(())
/// ```
#[derive(Clone)]
pub struct Redactor {
    /// Every run of `fragment` bytes of every form of the token, packed
    /// into a `u64` (big-endian, `fragment` ≤ 8).
    grams: HashSet<u64>,
    fragment: usize,
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redactor")
            .field("fragment", &self.fragment)
            .finish_non_exhaustive()
    }
}

/// Text from the server, with the access token removed.
///
/// Only a [`Redactor`] makes one. Its `Display` shows control and bidi
/// characters escaped (`\u{1b}`, `\u{202e}`), so that it is safe on a
/// terminal; [`ServerText::as_str`] gives the text itself.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServerText(String);

impl ServerText {
    /// The redacted text, control characters included.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when there is no text.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The text cut to at most `max` characters, `…` marking a cut.
    pub(crate) fn shortened(mut self, max: usize) -> Self {
        if let Some((at, _)) = self.0.char_indices().nth(max) {
            self.0.truncate(at);
            self.0.push('…');
        }
        self
    }
}

impl fmt::Display for ServerText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::diagnostic::escape_for_terminal(&self.0))
    }
}

impl Redactor {
    /// A redactor for `token`.
    pub fn new(token: &Token) -> Self {
        let secret = token.secret();
        let core = match secret.trim_end_matches('=') {
            "" => secret,
            core => core,
        };
        let fragment = (core.len() / 3)
            .clamp(FRAGMENT.0, FRAGMENT.1)
            .min(core.len());
        let mut needles: Vec<Vec<u8>> = vec![
            secret.as_bytes().to_vec(),
            core.as_bytes().to_vec(),
            other_alphabet(core.as_bytes()),
        ];
        // Too short a token would make its encoded pieces match common text.
        if fragment >= FRAGMENT.0 {
            needles.extend(base64_forms(secret.as_bytes()));
        }
        let mut grams = HashSet::new();
        for needle in &needles {
            for window in needle.windows(fragment) {
                grams.insert(pack(window));
            }
        }
        Redactor { grams, fragment }
    }

    /// The length of the shortest piece of the token that is removed.
    pub fn fragment(&self) -> usize {
        self.fragment
    }

    /// `text` without the token.
    pub fn text(&self, text: &str) -> ServerText {
        ServerText(self.redact(text).into_owned())
    }

    /// Each of `texts` without the token, looked for also across their
    /// joins (a token split between a message and a request id), in the
    /// order given.
    pub fn texts(&self, texts: &[&str]) -> Vec<ServerText> {
        self.redact_joined(texts)
            .into_iter()
            .map(|t| ServerText(t.into_owned()))
            .collect()
    }

    /// A JSON value with the token removed from every string in it, keys
    /// included.
    pub fn value(&self, value: &mut Value) {
        match value {
            Value::String(s) => {
                if let Cow::Owned(clean) = self.redact(s) {
                    *s = clean;
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.value(v)),
            Value::Object(map) => {
                map.values_mut().for_each(|v| self.value(v));
                if map.keys().any(|k| matches!(self.redact(k), Cow::Owned(_))) {
                    *map = std::mem::take(map)
                        .into_iter()
                        .map(|(k, v)| (self.redact(&k).into_owned(), v))
                        .collect();
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }

    /// `text` without the token; borrowed when there was nothing to do.
    pub(crate) fn redact<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if text.len() < self.fragment {
            return Cow::Borrowed(text);
        }
        let encoded = text.bytes().any(|b| matches!(b, b'%' | b'\\' | b'&'));
        if !encoded && !self.any_gram(text.as_bytes()) {
            return Cow::Borrowed(text);
        }
        self.redact_joined(&[text])
            .pop()
            .unwrap_or(Cow::Borrowed(text))
    }

    fn any_gram(&self, bytes: &[u8]) -> bool {
        let mut key = 0u64;
        for (i, &b) in bytes.iter().enumerate() {
            key = self.push(key, b);
            if i + 1 >= self.fragment && self.grams.contains(&key) {
                return true;
            }
        }
        false
    }

    fn push(&self, key: u64, byte: u8) -> u64 {
        let mask = if self.fragment >= 8 {
            u64::MAX
        } else {
            (1u64 << (8 * self.fragment)) - 1
        };
        ((key << 8) | u64::from(byte)) & mask
    }

    fn redact_joined<'t>(&self, texts: &[&'t str]) -> Vec<Cow<'t, str>> {
        let mut units: Vec<Unit> = texts
            .iter()
            .enumerate()
            .flat_map(|(field, text)| {
                text.bytes().enumerate().map(move |(at, byte)| Unit {
                    byte,
                    field,
                    start: at,
                    end: at + 1,
                })
            })
            .collect();
        let mut found: Vec<Vec<(usize, usize)>> = vec![Vec::new(); texts.len()];
        for _ in 0..MAX_DECODING_LEVELS {
            self.mark(&units, &mut found);
            match decode(&units) {
                Some(next) => units = next,
                None => break,
            }
        }
        texts
            .iter()
            .zip(found)
            .map(|(text, ranges)| replace(text, ranges))
            .collect()
    }

    /// Records the source ranges of every unit in a run of the token.
    fn mark(&self, units: &[Unit], found: &mut [Vec<(usize, usize)>]) {
        let mut hit = vec![false; units.len()];
        let mut key = 0u64;
        for (i, unit) in units.iter().enumerate() {
            key = self.push(key, unit.byte);
            if i + 1 >= self.fragment && self.grams.contains(&key) {
                hit[i + 1 - self.fragment..=i].fill(true);
            }
        }
        // Base64 padding after a run belongs to it.
        for i in 1..units.len() {
            if hit[i - 1] && !hit[i] && units[i].byte == b'=' {
                hit[i] = true;
            }
        }
        for (unit, _) in units.iter().zip(&hit).filter(|(_, h)| **h) {
            if let Some(ranges) = found.get_mut(unit.field) {
                ranges.push((unit.start, unit.end));
            }
        }
    }
}

/// A byte of a text at some level of decoding, and the bytes of the
/// original text it stands for.
#[derive(Debug, Clone, Copy)]
struct Unit {
    /// The decoded byte (a byte of a multi-byte character never matches,
    /// the token being ASCII).
    byte: u8,
    field: usize,
    start: usize,
    end: usize,
}

/// One level of decoding: JSON escapes, percent-encoding and numeric HTML
/// character references become the byte they stand for. `None` when
/// nothing was decoded.
fn decode(units: &[Unit]) -> Option<Vec<Unit>> {
    let mut out = Vec::with_capacity(units.len());
    let mut changed = false;
    let mut i = 0;
    while let Some(unit) = units.get(i) {
        match escape_at(units, i) {
            Some((byte, used)) => {
                let last = units.get(i + used - 1).map_or(unit.end, |u| u.end);
                out.push(Unit {
                    byte,
                    field: unit.field,
                    start: unit.start,
                    end: last,
                });
                changed = true;
                i += used;
            }
            None => {
                out.push(*unit);
                i += 1;
            }
        }
    }
    changed.then_some(out)
}

/// The escape that starts at `units[i]`: the byte it stands for (0x80 for
/// a character outside ASCII) and how many units it spans.
fn escape_at(units: &[Unit], i: usize) -> Option<(u8, usize)> {
    let field = units.get(i)?.field;
    let byte = |j: usize| {
        units
            .get(i + j)
            .filter(|u| u.field == field)
            .map(|u| u.byte)
    };
    let hex = |from: usize, count: usize| -> Option<u32> {
        (from..from + count).try_fold(0u32, |acc, j| {
            let digit = char::from(byte(j)?).to_digit(16)?;
            Some(acc * 16 + digit)
        })
    };
    let ascii = |value: u32| {
        u8::try_from(value)
            .ok()
            .filter(u8::is_ascii)
            .unwrap_or(0x80)
    };
    match byte(0)? {
        b'%' => Some((ascii(hex(1, 2)?), 3)),
        b'\\' => match byte(1)? {
            b @ (b'/' | b'\\' | b'"' | b'\'') => Some((b, 2)),
            b'u' => Some((ascii(hex(2, 4)?), 6)),
            b'x' => Some((ascii(hex(2, 2)?), 4)),
            _ => None,
        },
        b'&' if byte(1)? == b'#' => {
            let (radix, from) = match byte(2)? {
                b'x' | b'X' => (16, 3),
                _ => (10, 2),
            };
            let digits = (from..from + 8)
                .take_while(|&j| byte(j).is_some_and(|b| char::from(b).is_digit(radix)))
                .count();
            if digits == 0 || byte(from + digits)? != b';' {
                return None;
            }
            let value = (from..from + digits).try_fold(0u32, |acc, j| {
                acc.checked_mul(radix)?
                    .checked_add(char::from(byte(j)?).to_digit(radix)?)
            })?;
            Some((ascii(value), from + digits + 1))
        }
        _ => None,
    }
}

/// `text` with each of `ranges` (merged) replaced by [`REDACTED`].
fn replace(text: &str, mut ranges: Vec<(usize, usize)>) -> Cow<'_, str> {
    if ranges.is_empty() {
        return Cow::Borrowed(text);
    }
    ranges.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let mut ranges = ranges.into_iter().peekable();
    while let Some((start, mut end)) = ranges.next() {
        while let Some(&(next_start, next_end)) = ranges.peek() {
            if next_start > end {
                break;
            }
            end = end.max(next_end);
            ranges.next();
        }
        // Ranges cover whole ASCII bytes or whole escapes, so they fall on
        // character boundaries; `get` keeps that from being a panic.
        out.push_str(text.get(at..start).unwrap_or_default());
        out.push_str(REDACTED);
        at = end;
    }
    out.push_str(text.get(at..).unwrap_or_default());
    Cow::Owned(out)
}

/// `bytes` packed into a `u64`, big-endian.
fn pack(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0, |key, &b| (key << 8) | u64::from(b))
}

/// The token in the other base64 alphabet (`+/` and `-_` swapped).
fn other_alphabet(bytes: &[u8]) -> Vec<u8> {
    bytes
        .iter()
        .map(|&b| match b {
            b'+' => b'-',
            b'/' => b'_',
            b'-' => b'+',
            b'_' => b'/',
            b => b,
        })
        .collect()
}

/// The token base64-encoded, in both alphabets, at each of the three
/// alignments it can have inside a longer encoded text (`Basic` credentials
/// are `base64(token + ":")`): only the characters that depend on the
/// token's bytes alone.
fn base64_forms(token: &[u8]) -> Vec<Vec<u8>> {
    let mut forms = Vec::new();
    for offset in 0..3 {
        let mut input = vec![0u8; offset];
        input.extend_from_slice(token);
        let first = (8 * offset).div_ceil(6);
        let last = 8 * (offset + token.len()) / 6;
        for engine in [STANDARD_NO_PAD, URL_SAFE_NO_PAD] {
            let encoded = engine.encode(&input).into_bytes();
            if let Some(part) = encoded.get(first..last) {
                forms.push(part.to_vec());
            }
        }
    }
    forms
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SECRET: &str = "dG9rOjEy/MzQ1+Njc4OTAx/YWJj==";

    fn redactor() -> Redactor {
        Redactor::new(&Token::new(SECRET).unwrap_or_else(|e| panic!("{e}")))
    }

    fn percent(text: &str) -> String {
        text.bytes().map(|b| format!("%{b:02X}")).collect()
    }

    #[test]
    fn every_echo_form_is_removed() {
        let r = redactor();
        let core = SECRET.trim_end_matches('=');
        let json_escaped = SECRET.replace('/', "\\/");
        let unicode: String = SECRET
            .chars()
            .map(|c| format!("\\u{:04x}", c as u32))
            .collect();
        let forms = [
            SECRET.to_owned(),
            core.to_owned(),
            format!("{core}="),
            json_escaped.clone(),
            unicode,
            SECRET
                .replace('/', "%2F")
                .replace('+', "%2B")
                .replace('=', "%3D"),
            percent(SECRET),
            percent(SECRET).replace('%', "%25"),
            json_escaped.replace('\\', "\\\\"),
            SECRET.replace('/', "&#47;").replace('+', "&#x2b;"),
            core.replace('+', "-").replace('/', "_"),
            STANDARD_NO_PAD.encode(format!("{SECRET}:")),
            STANDARD_NO_PAD.encode(format!("x{SECRET}")),
            STANDARD_NO_PAD.encode(format!("xy{SECRET}")),
            core[..core.len() / 2].to_owned(),
            core[core.len() / 2..].to_owned(),
        ];
        for form in forms {
            let shown = r.text(&format!("before {form} after")).0;
            let middle = shown
                .strip_prefix("before ")
                .and_then(|s| s.strip_suffix(" after"))
                .unwrap_or_else(|| panic!("{form} -> {shown}"));
            assert!(middle.contains(REDACTED), "{form} -> {shown}");
            // What is left around the mark (an encoded neighbour) is
            // shorter than any piece of the token that is looked for.
            assert!(
                middle.split(REDACTED).all(|rest| rest.len() < r.fragment()),
                "{form} -> {shown}"
            );
        }
    }

    #[test]
    fn a_token_split_across_fields_is_removed_from_both() {
        let r = redactor();
        let (a, b) = SECRET.split_at(SECRET.len() - 3);
        let shown = r.texts(&["ok", &format!("message {a}"), b, "request 7"]);
        let shown: Vec<&str> = shown.iter().map(ServerText::as_str).collect();
        assert_eq!(
            shown,
            ["ok", "message <redacted>", "<redacted>", "request 7"]
        );
    }

    #[test]
    fn other_text_is_left_alone() {
        let r = redactor();
        for text in [
            "Access Token Invalid",
            "50% off \\n &amp; &#9731; \\u00e9 %zz \\u12",
            "dG9r",
            "",
            "é€😀",
        ] {
            assert_eq!(r.text(text).0, text);
        }
    }

    #[test]
    fn results_are_redacted_keys_included() {
        let r = redactor();
        let mut value = json!({"id": "1", "body": [format!("<p>{SECRET}</p>")], SECRET: 2, "n": 3});
        r.value(&mut value);
        assert_eq!(
            value,
            json!({"id": "1", "body": ["<p><redacted></p>"], "<redacted>": 2, "n": 3})
        );
    }

    #[test]
    fn short_tokens_are_matched_whole() {
        let r = Redactor::new(&Token::new("ab=").unwrap_or_else(|e| panic!("{e}")));
        assert_eq!(r.fragment(), 2);
        assert_eq!(
            r.text("xaby a b %61%62%3D").0,
            "x<redacted>y a b <redacted>"
        );
    }

    #[test]
    fn control_and_bidi_characters_are_escaped_for_the_terminal() {
        let r = redactor();
        let shown = r.text("red \u{1b}[31m\u{7}\u{202e}txt\nnext\u{9b}");
        assert_eq!(shown.as_str(), "red \u{1b}[31m\u{7}\u{202e}txt\nnext\u{9b}");
        assert_eq!(
            shown.to_string(),
            "red \\u{1b}[31m\\u{7}\\u{202e}txt\\nnext\\u{9b}"
        );
        assert_eq!(r.text("plain é").to_string(), "plain é");
    }

    #[test]
    fn shortening_counts_characters() {
        let r = redactor();
        assert_eq!(r.text("ééééé").shortened(3).0, "ééé…");
        assert_eq!(r.text("abc").shortened(3).0, "abc");
    }
}
