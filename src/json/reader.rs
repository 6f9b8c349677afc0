//! A small JSON reader that records the byte span of every value and key.
//!
//! `serde_json::Value` has no positions, and diagnostics about a search
//! request must point into the text, so qc reads JSON itself: strict
//! RFC 8259 (no comments, no trailing commas, no leading zeros, no lone
//! surrogates), recursive with an explicit depth limit ([`MAX_JSON_DEPTH`])
//! so that hostile input cannot exhaust the stack. The first error stops
//! reading; it says what was expected and where.

use crate::diagnostic::{Code, Diagnostic};
use crate::syntax::Span;

/// The deepest nesting of arrays and objects the reader accepts.
pub const MAX_JSON_DEPTH: usize = 128;

/// A JSON value with its byte span in the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Json {
    /// What the value is.
    pub kind: JsonKind,
    /// Where it is, from its first to its last byte.
    pub span: Span,
}

/// The kinds of JSON values.
#[derive(Debug, Clone, PartialEq)]
pub enum JsonKind {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, kept as written (`12`, `-3.5e2`).
    Number(String),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, members in the order written (duplicates kept).
    Object(Vec<Member>),
}

/// One `"key": value` member of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The key, unescaped.
    pub key: String,
    /// The span of the key including its quotes.
    pub key_span: Span,
    /// The value.
    pub value: Json,
}

impl JsonKind {
    /// The JSON type's name, for messages: "a string", "an array", ...
    pub fn describe(&self) -> &'static str {
        match self {
            JsonKind::Null => "null",
            JsonKind::Bool(_) => "a boolean",
            JsonKind::Number(n) if is_integer(n) => "an integer",
            JsonKind::Number(_) => "a number",
            JsonKind::String(_) => "a string",
            JsonKind::Array(_) => "an array",
            JsonKind::Object(_) => "an object",
        }
    }
}

/// True when a JSON number as written has no fraction and no exponent.
pub fn is_integer(number: &str) -> bool {
    !number.contains(['.', 'e', 'E'])
}

/// Reads one JSON document (surrounded by optional whitespace and an
/// optional leading byte order mark).
pub fn read_json(text: &str) -> Result<Json, Box<Diagnostic>> {
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    if text.starts_with('\u{feff}') {
        reader.pos = '\u{feff}'.len_utf8();
    }
    reader.skip_ws();
    let value = reader.value(0)?;
    reader.skip_ws();
    if reader.pos < reader.bytes.len() {
        return fail(reader.unexpected("the end of the input after the JSON value"));
    }
    Ok(value)
}

/// An error, boxed: diagnostics are large and errors are rare.
fn fail<T>(d: Diagnostic) -> Result<T, Box<Diagnostic>> {
    Err(Box::new(d))
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// The character at the cursor, for messages.
    fn found(&self) -> String {
        match self.text.get(self.pos..).and_then(|s| s.chars().next()) {
            None => "the end of the input".to_owned(),
            Some(c) if c.is_control() || c.is_whitespace() => format!("{c:?}"),
            Some(c) => format!("`{c}`"),
        }
    }

    fn char_span(&self) -> Span {
        let len = self
            .text
            .get(self.pos..)
            .and_then(|s| s.chars().next())
            .map_or(0, char::len_utf8);
        Span::new(self.pos, self.pos + len)
    }

    fn unexpected(&self, expected: &str) -> Diagnostic {
        Diagnostic::new(
            Code::InvalidJson,
            self.char_span(),
            format!("expected {expected}, found {}", self.found()),
        )
    }

    fn value(&mut self, depth: usize) -> Result<Json, Box<Diagnostic>> {
        let start = self.pos;
        let kind = match self.peek() {
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => JsonKind::String(self.string()?),
            Some(b'-' | b'0'..=b'9') => JsonKind::Number(self.number()?),
            Some(b't') => self.literal("true", JsonKind::Bool(true))?,
            Some(b'f') => self.literal("false", JsonKind::Bool(false))?,
            Some(b'n') => self.literal("null", JsonKind::Null)?,
            Some(b'\'') => {
                return fail(
                    self.unexpected("a JSON value")
                        .with_help("JSON strings use double quotes: \"...\""),
                );
            }
            _ => return fail(self.unexpected("a JSON value")),
        };
        Ok(Json {
            kind,
            span: Span::new(start, self.pos),
        })
    }

    fn enter(&self, depth: usize) -> Result<usize, Box<Diagnostic>> {
        if depth >= MAX_JSON_DEPTH {
            return fail(
                Diagnostic::new(
                    Code::JsonTooDeep,
                    self.char_span(),
                    format!("arrays and objects are nested more than {MAX_JSON_DEPTH} deep"),
                )
                .with_help(
                    "a search request is never this deep; check that this is the right file",
                ),
            );
        }
        Ok(depth + 1)
    }

    fn object(&mut self, depth: usize) -> Result<JsonKind, Box<Diagnostic>> {
        let depth = self.enter(depth)?;
        self.pos += 1; // `{`
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(JsonKind::Object(members));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                let d = if self.peek() == Some(b'}') {
                    self.unexpected("a key in double quotes")
                        .with_help("remove the trailing comma")
                } else if self.peek() == Some(b'\'') {
                    self.unexpected("a key in double quotes")
                        .with_help("JSON strings use double quotes: \"...\"")
                } else {
                    self.unexpected("a key in double quotes")
                };
                return fail(d);
            }
            let key_start = self.pos;
            let key = self.string()?;
            let key_span = Span::new(key_start, self.pos);
            self.skip_ws();
            if self.peek() != Some(b':') {
                return fail(self.unexpected("`:` after the key"));
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value(depth)?;
            members.push(Member {
                key,
                key_span,
                value,
            });
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(JsonKind::Object(members));
                }
                _ => return fail(self.unexpected("`,` or `}` after an object member")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<JsonKind, Box<Diagnostic>> {
        let depth = self.enter(depth)?;
        self.pos += 1; // `[`
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(JsonKind::Array(items));
        }
        loop {
            self.skip_ws();
            if self.peek() == Some(b']') {
                return fail(
                    self.unexpected("a JSON value")
                        .with_help("remove the trailing comma"),
                );
            }
            items.push(self.value(depth)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(JsonKind::Array(items));
                }
                _ => return fail(self.unexpected("`,` or `]` after an array element")),
            }
        }
    }

    fn literal(&mut self, word: &str, kind: JsonKind) -> Result<JsonKind, Box<Diagnostic>> {
        if self.bytes.get(self.pos..self.pos + word.len()) == Some(word.as_bytes()) {
            self.pos += word.len();
            Ok(kind)
        } else {
            fail(self.unexpected(
                "a JSON value (`true`, `false`, `null`, a number, a string, an array or an object)",
            ))
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<String, Box<Diagnostic>> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let int_start = self.pos;
        match self.digits() {
            0 => return fail(self.unexpected("a digit")),
            n if n > 1 && self.bytes.get(int_start) == Some(&b'0') => {
                return fail(
                    Diagnostic::new(
                        Code::InvalidJson,
                        Span::new(start, self.pos),
                        "JSON numbers cannot have leading zeros",
                    )
                    .with_help("remove the leading zeros, or write the value as a string"),
                );
            }
            _ => {}
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return fail(self.unexpected("a digit after the decimal point"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return fail(self.unexpected("a digit in the exponent"));
            }
        }
        Ok(self
            .text
            .get(start..self.pos)
            .unwrap_or_default()
            .to_owned())
    }

    /// Reads a string at the cursor (which is on its opening quote).
    fn string(&mut self) -> Result<String, Box<Diagnostic>> {
        let open = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let run_start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(self.text.get(run_start..self.pos).unwrap_or_default());
            match self.peek() {
                None => {
                    return fail(
                        Diagnostic::new(
                            Code::InvalidJson,
                            Span::new(open, self.pos),
                            "unterminated string: expected a closing `\"`",
                        )
                        .with_help("add the closing double quote"),
                    );
                }
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => out.push(self.escape()?),
                Some(_) => {
                    return fail(self.unexpected("a string character").with_help(
                        "control characters in strings must be escaped, e.g. `\\n` or `\\u0009`",
                    ));
                }
            }
        }
    }

    /// Reads an escape at the cursor (which is on the backslash).
    fn escape(&mut self) -> Result<char, Box<Diagnostic>> {
        let start = self.pos;
        self.pos += 1;
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                return self.unicode_escape(start);
            }
            _ => {
                let end = self.char_span().end().max(self.pos);
                return fail(Diagnostic::new(
                    Code::InvalidJson,
                    Span::new(start, end),
                    format!("invalid escape: expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX after the backslash, found {}", self.found()),
                )
                .with_help("write `\\\\` for a literal backslash"));
            }
        };
        self.pos += 1;
        Ok(c)
    }

    fn hex4(&mut self, start: usize) -> Result<u32, Box<Diagnostic>> {
        let digits = self
            .bytes
            .get(self.pos..self.pos + 4)
            .filter(|d| d.iter().all(u8::is_ascii_hexdigit))
            .and_then(|d| std::str::from_utf8(d).ok())
            .and_then(|d| u32::from_str_radix(d, 16).ok());
        match digits {
            Some(n) => {
                self.pos += 4;
                Ok(n)
            }
            None => fail(Diagnostic::new(
                Code::InvalidJson,
                Span::new(start, self.char_span().end().max(self.pos)),
                "invalid unicode escape: expected four hex digits after `\\u`",
            )),
        }
    }

    fn unicode_escape(&mut self, start: usize) -> Result<char, Box<Diagnostic>> {
        let first = self.hex4(start)?;
        let lone = |this: &Self| {
            Diagnostic::new(
                Code::InvalidJson,
                Span::new(start, this.pos),
                "invalid unicode escape: a lone surrogate is not a character",
            )
            .with_help("a surrogate pair is a high surrogate `\\uD800`-`\\uDBFF` followed by a low one `\\uDC00`-`\\uDFFF`")
        };
        if (0xDC00..0xE000).contains(&first) {
            return fail(lone(self));
        }
        if !(0xD800..0xDC00).contains(&first) {
            return char::from_u32(first).ok_or_else(|| Box::new(lone(self)));
        }
        if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
            return fail(lone(self));
        }
        self.pos += 2;
        let second = self.hex4(start)?;
        if !(0xDC00..0xE000).contains(&second) {
            return fail(lone(self));
        }
        let c = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
        char::from_u32(c).ok_or_else(|| Box::new(lone(self)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str) -> JsonKind {
        read_json(text).map(|j| j.kind).unwrap_or(JsonKind::Null)
    }

    #[test]
    fn reads_values_with_spans() {
        let j = read_json(r#" {"a": [1, -2.5e3, "x\u00e9\ud83d\ude00", true, null]} "#);
        let Ok(Json {
            kind: JsonKind::Object(members),
            span,
        }) = j
        else {
            panic!("expected an object, got {j:?}");
        };
        assert_eq!(span, Span::new(1, 54));
        assert_eq!(members[0].key, "a");
        assert_eq!(members[0].key_span, Span::new(2, 5));
        let JsonKind::Array(items) = &members[0].value.kind else {
            panic!("expected an array");
        };
        assert_eq!(items[0].kind, JsonKind::Number("1".into()));
        assert_eq!(items[1].kind, JsonKind::Number("-2.5e3".into()));
        assert_eq!(items[1].span, Span::new(11, 17));
        assert_eq!(items[2].kind, JsonKind::String("xé😀".into()));
        assert_eq!(items[3].kind, JsonKind::Bool(true));
        assert_eq!(items[4].kind, JsonKind::Null);
    }

    #[test]
    fn agrees_with_serde_json_on_acceptance() {
        let cases = [
            "{}",
            "[]",
            "[1,]",
            "{\"a\":1,}",
            "01",
            "-",
            "1.",
            "1e",
            "\"\\x\"",
            "\"\\ud800\"",
            "\"\\udc00x\"",
            "\"a\u{1}\"",
            "tru",
            "[1 2]",
            "{\"a\" 1}",
            "{1: 2}",
            "\"\\u00zz\"",
            "1 2",
            "  [ \"\\/\" , 0.5E-3 ]  ",
            "",
        ];
        for case in cases {
            let ours = read_json(case).is_ok();
            let theirs = serde_json::from_str::<serde_json::Value>(case).is_ok();
            assert_eq!(ours, theirs, "acceptance differs on {case:?}");
        }
    }

    #[test]
    fn errors_have_positions() {
        let d = read_json("{\"a\": 1,}").unwrap_err();
        assert_eq!(d.code, Code::InvalidJson);
        assert_eq!(d.range, Span::new(8, 9));
        assert_eq!(d.message, "expected a key in double quotes, found `}`");
        let d = read_json("[1, 2").unwrap_err();
        assert_eq!(d.range, Span::new(5, 5));
        assert!(d.message.ends_with("found the end of the input"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000);
        let d = read_json(&deep).unwrap_err();
        assert_eq!(d.code, Code::JsonTooDeep);
        assert_eq!(d.range, Span::new(MAX_JSON_DEPTH, MAX_JSON_DEPTH + 1));
        let ok = format!(
            "{}{}",
            "[".repeat(MAX_JSON_DEPTH),
            "]".repeat(MAX_JSON_DEPTH)
        );
        assert!(matches!(kind(&ok), JsonKind::Array(_)));
    }
}
