//! The lexical tables of the language: operator spellings, keywords, word
//! characters and string escapes. Parser, printer, completion and the
//! grammar test all read them from here.

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::diagnostic::{Code, Diagnostic, MAX_ERRORS};
use crate::op::{Op, SortOrder};
use crate::span::Span;

/// Words that are never bare values, in any letter case.
pub const RESERVED: &[&str] = &["AND", "OR", "NOT"];

/// The keywords of comparisons and their joiners (letter case is ignored
/// when reading).
pub const KEYWORDS: &[&str] = &[
    "AND", "OR", "NOT", "IN", "NIN", "CONTAINS", "STARTS", "ENDS", "WITH", "IS", "NULL",
];

/// The keywords of the clause that may end a query, `ORDER BY field
/// [ASC|DESC]`. They are keywords only there: elsewhere each is a word like
/// any other (a field or a value named `order` or `asc`).
pub const SORT_KEYWORDS: &[&str] = &["ORDER", "BY", "ASC", "DESC"];

/// A keyword, recognised once by the lexer (see [`Keyword::of`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Keyword {
    /// `AND`
    And,
    /// `OR`
    Or,
    /// `NOT`
    Not,
    /// `IN`
    In,
    /// `NIN`
    Nin,
    /// `CONTAINS`
    Contains,
    /// `STARTS`
    Starts,
    /// `ENDS`
    Ends,
    /// `WITH`
    With,
    /// `IS`, in `IS NULL` and `IS NOT NULL`
    Is,
    /// `NULL`, in `IS NULL` and `IS NOT NULL`
    Null,
    /// `ORDER`, in `ORDER BY`
    Order,
    /// `BY`, in `ORDER BY`
    By,
    /// `ASC`, after `ORDER BY field`
    Asc,
    /// `DESC`, after `ORDER BY field`
    Desc,
}

impl Keyword {
    /// The keyword `word` spells in any letter case, if any: the same
    /// answer as [`is_keyword`] against each of [`KEYWORDS`] and
    /// [`SORT_KEYWORDS`].
    pub fn of(word: &str) -> Option<Keyword> {
        Self::of_bytes(word.as_bytes())
    }

    /// [`Keyword::of`] for the bytes of a word: the length and the first
    /// letter pick the one keyword it can be, so most words are told
    /// apart without comparing text.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn of_bytes(word: &[u8]) -> Option<Keyword> {
        let first = word.first()? | 0x20;
        let (spelling, keyword): (&[u8], Keyword) = match (word.len(), first) {
            (2, b'o') => (b"OR", Keyword::Or),
            (2, b'i') => match word[1] | 0x20 {
                b'n' => (b"IN", Keyword::In),
                _ => (b"IS", Keyword::Is),
            },
            (2, b'b') => (b"BY", Keyword::By),
            (3, b'a') => match word[1] | 0x20 {
                b'n' => (b"AND", Keyword::And),
                _ => (b"ASC", Keyword::Asc),
            },
            (4, b'd') => (b"DESC", Keyword::Desc),
            (5, b'o') => (b"ORDER", Keyword::Order),
            (3, b'n') => match word[1] | 0x20 {
                b'o' => (b"NOT", Keyword::Not),
                _ => (b"NIN", Keyword::Nin),
            },
            (4, b'e') => (b"ENDS", Keyword::Ends),
            (4, b'w') => (b"WITH", Keyword::With),
            (4, b'n') => (b"NULL", Keyword::Null),
            (6, b's') => (b"STARTS", Keyword::Starts),
            (8, b'c') => (b"CONTAINS", Keyword::Contains),
            _ => return None,
        };
        word.eq_ignore_ascii_case(spelling).then_some(keyword)
    }

    /// True for `AND`, `OR` and `NOT`: the [`RESERVED`] words.
    pub const fn is_reserved(self) -> bool {
        matches!(self, Keyword::And | Keyword::Or | Keyword::Not)
    }

    /// The sort order `ASC` or `DESC` spells.
    pub const fn sort_order(self) -> Option<SortOrder> {
        match self {
            Keyword::Asc => Some(SortOrder::Ascending),
            Keyword::Desc => Some(SortOrder::Descending),
            _ => None,
        }
    }
}

/// Characters that end a bare word besides whitespace and control characters.
pub const WORD_BREAKERS: &str = "()[],\"'=!<>~^$&|";

/// What starts a comment, where a token could start: `#` and `--`. A
/// comment runs to the end of the line. Inside a word both are ordinary
/// characters (`now-7d`, `a--b`, `C#`), so only a `#` or `--` at the start
/// of a token begins a comment.
pub const COMMENT_STARTS: &[&str] = &["#", "--"];

/// True when `text`, read where a token starts, begins a comment.
pub fn starts_comment(text: &str) -> bool {
    COMMENT_STARTS.iter().any(|c| text.starts_with(c))
}

/// Typographic double quotes, `“` and `”`: where a token starts, either
/// opens a string that either closes, as `"` does (with a warning).
pub const SMART_DOUBLE_QUOTES: [char; 2] = ['\u{201C}', '\u{201D}'];

/// Typographic single quotes, `‘` and `’`: where a token starts, either
/// opens a string that either closes, as `'` does (with a warning).
pub const SMART_SINGLE_QUOTES: [char; 2] = ['\u{2018}', '\u{2019}'];

/// True for the typographic quotes `“ ” ‘ ’`.
pub fn is_smart_quote(c: char) -> bool {
    SMART_DOUBLE_QUOTES.contains(&c) || SMART_SINGLE_QUOTES.contains(&c)
}

/// True for characters that may appear in a bare word.
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        // The same answer from a table: this runs for every byte of a word.
        return ASCII_WORD[c as usize];
    }
    !c.is_whitespace() && !c.is_control() && !WORD_BREAKERS.contains(c)
}

/// [`is_word_char`] for an ASCII byte (false for any other byte).
#[inline]
pub const fn is_ascii_word_byte(b: u8) -> bool {
    ASCII_WORD[b as usize]
}

/// [`is_word_char`] for each ASCII character, computed at compile time;
/// false for the bytes 128 to 255, so that any byte indexes it.
const ASCII_WORD: [bool; 256] = {
    let mut table = [false; 256];
    let breakers = WORD_BREAKERS.as_bytes();
    let mut b = 0;
    while b < 128 {
        // ASCII whitespace per `char::is_whitespace`: \t \n \v \f \r and space;
        // ASCII control characters: 0..=31 and 127.
        let control = b < 32 || b == 127;
        let space = b == b' ' as usize;
        let mut breaker = false;
        let mut i = 0;
        while i < breakers.len() {
            if breakers[i] as usize == b {
                breaker = true;
            }
            i += 1;
        }
        table[b] = !control && !space && !breaker;
        b += 1;
    }
    table
};

/// True when `word` is `keyword`, ignoring ASCII case.
pub fn is_keyword(word: &str, keyword: &str) -> bool {
    word.eq_ignore_ascii_case(keyword)
}

/// True when `word` is `AND`, `OR` or `NOT` in any case.
pub fn is_reserved(word: &str) -> bool {
    RESERVED.iter().any(|k| is_keyword(word, k))
}

/// Symbolic operators as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SymbolOp {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `~`
    Contains,
    /// `!~`
    NotContains,
    /// `^`
    StartsWith,
    /// `$`
    EndsWith,
}

/// An operator as the user spelled it: a symbol, a keyword or a readable alias.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OpSpelling {
    /// A symbolic operator.
    Symbol(SymbolOp),
    /// `IN`
    In,
    /// `NIN`
    Nin,
    /// `NOT IN`, an alias of `NIN`
    NotIn,
    /// `CONTAINS`, an alias of `~`
    Contains,
    /// `NOT CONTAINS`, an alias of `!~`
    NotContains,
    /// `STARTS WITH`, an alias of `^`
    StartsWith,
    /// `ENDS WITH`, an alias of `$`
    EndsWith,
    /// `IS NULL`: `= null`, the operator and its value in one
    IsNull,
    /// `IS NOT NULL`: `!= null`, the operator and its value in one
    IsNotNull,
}

impl OpSpelling {
    /// Every spelling the language accepts.
    pub const ALL: &'static [OpSpelling] = &[
        OpSpelling::Symbol(SymbolOp::Eq),
        OpSpelling::Symbol(SymbolOp::Ne),
        OpSpelling::Symbol(SymbolOp::Gt),
        OpSpelling::Symbol(SymbolOp::Ge),
        OpSpelling::Symbol(SymbolOp::Lt),
        OpSpelling::Symbol(SymbolOp::Le),
        OpSpelling::Symbol(SymbolOp::Contains),
        OpSpelling::Symbol(SymbolOp::NotContains),
        OpSpelling::Symbol(SymbolOp::StartsWith),
        OpSpelling::Symbol(SymbolOp::EndsWith),
        OpSpelling::In,
        OpSpelling::Nin,
        OpSpelling::NotIn,
        OpSpelling::Contains,
        OpSpelling::NotContains,
        OpSpelling::StartsWith,
        OpSpelling::EndsWith,
        OpSpelling::IsNull,
        OpSpelling::IsNotNull,
    ];

    /// The canonical text of this spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            OpSpelling::Symbol(s) => match s {
                SymbolOp::Eq => "=",
                SymbolOp::Ne => "!=",
                SymbolOp::Gt => ">",
                SymbolOp::Ge => ">=",
                SymbolOp::Lt => "<",
                SymbolOp::Le => "<=",
                SymbolOp::Contains => "~",
                SymbolOp::NotContains => "!~",
                SymbolOp::StartsWith => "^",
                SymbolOp::EndsWith => "$",
            },
            OpSpelling::In => "IN",
            OpSpelling::Nin => "NIN",
            OpSpelling::NotIn => "NOT IN",
            OpSpelling::Contains => "CONTAINS",
            OpSpelling::NotContains => "NOT CONTAINS",
            OpSpelling::StartsWith => "STARTS WITH",
            OpSpelling::EndsWith => "ENDS WITH",
            OpSpelling::IsNull => "IS NULL",
            OpSpelling::IsNotNull => "IS NOT NULL",
        }
    }

    /// False for `IS NULL` and `IS NOT NULL`, which are written without a
    /// value (it is `null`); true for every spelling followed by a value.
    pub const fn takes_value(self) -> bool {
        !matches!(self, OpSpelling::IsNull | OpSpelling::IsNotNull)
    }

    /// The operator this spelling means.
    pub const fn op(self) -> Op {
        match self {
            OpSpelling::Symbol(s) => match s {
                SymbolOp::Eq => Op::Eq,
                SymbolOp::Ne => Op::Ne,
                SymbolOp::Gt => Op::Gt,
                SymbolOp::Ge => Op::Ge,
                SymbolOp::Lt => Op::Lt,
                SymbolOp::Le => Op::Le,
                SymbolOp::Contains => Op::Contains,
                SymbolOp::NotContains => Op::NotContains,
                SymbolOp::StartsWith => Op::StartsWith,
                SymbolOp::EndsWith => Op::EndsWith,
            },
            OpSpelling::In => Op::In,
            OpSpelling::Nin | OpSpelling::NotIn => Op::Nin,
            OpSpelling::Contains => Op::Contains,
            OpSpelling::NotContains => Op::NotContains,
            OpSpelling::StartsWith => Op::StartsWith,
            OpSpelling::EndsWith => Op::EndsWith,
            OpSpelling::IsNull => Op::Eq,
            OpSpelling::IsNotNull => Op::Ne,
        }
    }

    /// The plain spelling of an operator.
    pub const fn of(op: Op) -> OpSpelling {
        match op {
            Op::Eq => OpSpelling::Symbol(SymbolOp::Eq),
            Op::Ne => OpSpelling::Symbol(SymbolOp::Ne),
            Op::Gt => OpSpelling::Symbol(SymbolOp::Gt),
            Op::Lt => OpSpelling::Symbol(SymbolOp::Lt),
            Op::Ge => OpSpelling::Symbol(SymbolOp::Ge),
            Op::Le => OpSpelling::Symbol(SymbolOp::Le),
            Op::In => OpSpelling::In,
            Op::Nin => OpSpelling::Nin,
            Op::Contains => OpSpelling::Symbol(SymbolOp::Contains),
            Op::NotContains => OpSpelling::Symbol(SymbolOp::NotContains),
            Op::StartsWith => OpSpelling::Symbol(SymbolOp::StartsWith),
            Op::EndsWith => OpSpelling::Symbol(SymbolOp::EndsWith),
        }
    }
}

/// Every spelling followed by a value, in [`OpSpelling::ALL`] order and
/// separated by spaces, as help texts list the operators:
/// `= != > >= < <= ~ !~ ^ $ IN NIN NOT IN …`.
pub fn operator_spellings() -> String {
    let spellings: Vec<&str> = OpSpelling::ALL
        .iter()
        .filter(|s| s.takes_value())
        .map(|s| s.as_str())
        .collect();
    spellings.join(" ")
}

impl std::fmt::Display for OpSpelling {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Decodes the escapes of a quoted string token (`raw` includes the quotes).
///
/// `offset` is the byte offset of `raw` in the source, so that diagnostics
/// point at the offending escape. Invalid escapes are reported and kept
/// as written, so the caller still gets a value. The text is borrowed from
/// `raw` when there are no escapes (the usual case).
pub fn unescape(raw: &str, offset: usize, terminated: bool) -> (Cow<'_, str>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    // Quotes are one byte, or three for the typographic ones.
    let mut chars = raw.chars();
    let open = chars.next().map_or(0, char::len_utf8);
    let close = match chars.next_back() {
        Some(c) if terminated => c.len_utf8(),
        _ => 0,
    };
    let inner = raw.get(open..raw.len() - close).unwrap_or("");
    if !inner.contains('\\') {
        // No escapes: the text is the value (the usual case).
        return (Cow::Borrowed(inner), diagnostics);
    }
    let base = offset + open;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.char_indices().peekable();
    let mut next_close = None;
    while let Some((i, c)) = chars.next() {
        // The parser stops after MAX_ERRORS errors: collecting more would
        // only let a hostile string grow this list without bound.
        if diagnostics.len() > MAX_ERRORS {
            out.push_str(inner.get(i..).unwrap_or(""));
            break;
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some((j, e)) = chars.next() else {
            diagnostics.push(
                Diagnostic::new(
                    Code::InvalidEscape,
                    Span::new(base + i, base + i + 1),
                    "a backslash must be followed by an escape character",
                )
                .with_help("write `\\\\` for a literal backslash"),
            );
            break;
        };
        match e {
            '"' | '\'' | '\\' => out.push(e),
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'u' => {
                let (decoded, end) = unicode_escape(inner, j + 1, &mut next_close);
                match decoded {
                    Some(ch) => out.push(ch),
                    None => diagnostics.push(
                        Diagnostic::new(
                            Code::InvalidEscape,
                            Span::new(base + i, base + end),
                            "invalid unicode escape",
                        )
                        .with_help("write `\\u{` then 1 to 6 hex digits of a Unicode scalar value, then `}`, e.g. `\\u{e9}`"),
                    ),
                }
                while chars.peek().is_some_and(|&(k, _)| k < end) {
                    chars.next();
                }
            }
            other => {
                let end = j + other.len_utf8();
                diagnostics.push(
                    Diagnostic::new(
                        Code::InvalidEscape,
                        Span::new(base + i, base + end),
                        format!("unknown escape `\\{other}`"),
                    )
                    .with_help("valid escapes are \\\" \\' \\\\ \\n \\t and \\u{HEX}; write `\\\\` for a literal backslash"),
                );
                out.push('\\');
                out.push(other);
            }
        }
    }
    (Cow::Owned(out), diagnostics)
}

/// Reads `{HEX}` starting at byte `start` of `s`; returns the char (if valid)
/// and the byte offset just after what was consumed. `next_close` caches
/// where the next `}` is (`Some(None)`: there is none).
fn unicode_escape(
    s: &str,
    start: usize,
    next_close: &mut Option<Option<usize>>,
) -> (Option<char>, usize) {
    let rest = s.get(start..).unwrap_or("");
    if !rest.starts_with('{') {
        return (None, start);
    }
    // The first `}` at or after `start`, remembered between calls so that a
    // string of unclosed `\u{` is searched once, not once per escape.
    let found = match *next_close {
        Some(Some(p)) if p >= start => Some(p),
        Some(None) => None,
        _ => {
            let p = rest.find('}').map(|c| start + c);
            *next_close = Some(p);
            p
        }
    };
    let Some(close) = found.map(|p| p - start) else {
        return (None, start + 1);
    };
    let hex = &rest[1..close];
    let end = start + close + 1;
    if hex.is_empty() || hex.len() > 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return (None, end);
    }
    let ch = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32);
    (ch, end)
}

/// True when `text` can be written as a bare word and read back unchanged.
pub fn is_bare_word(text: &str) -> bool {
    !text.is_empty()
        && text.chars().all(is_word_char)
        && !is_reserved(text)
        && !starts_comment(text)
        && !text.starts_with(is_smart_quote)
}

/// Writes `text` as a value: bare when possible, else double-quoted with
/// escapes. The text `null` is quoted: bare, it is the null value.
pub fn write_value(f: &mut impl std::fmt::Write, text: &str) -> std::fmt::Result {
    if is_bare_word(text) && !text.eq_ignore_ascii_case("null") {
        return f.write_str(text);
    }
    write_quoted(f, text)
}

/// A field name as query text: bare when possible, else quoted.
pub fn field_text(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    // Writing to a String cannot fail.
    let _ = if is_bare_word(name) {
        out.write_str(name)
    } else {
        write_quoted(&mut out, name)
    };
    out
}

/// A field name as the query text of `ORDER BY`: as [`field_text`], and
/// quoted when it is `ASC` or `DESC`, which right after `ORDER BY` are read
/// as the order.
pub fn sort_field_text(name: &str) -> String {
    let is_order = Keyword::of(name).and_then(Keyword::sort_order).is_some();
    if !is_order {
        return field_text(name);
    }
    let mut out = String::with_capacity(name.len() + 2);
    let _ = write_quoted(&mut out, name);
    out
}

/// Writes `text` double-quoted, escaping what needs it.
pub fn write_quoted(f: &mut impl std::fmt::Write, text: &str) -> std::fmt::Result {
    write_quoted_with(f, text, '"')
}

/// Writes `text` between `quote`s (`"` or `'`), escaping what needs it.
pub fn write_quoted_with(
    f: &mut impl std::fmt::Write,
    text: &str,
    quote: char,
) -> std::fmt::Result {
    f.write_char(quote)?;
    for c in text.chars() {
        match c {
            c if c == quote => {
                f.write_char('\\')?;
                f.write_char(c)?;
            }
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\t' => f.write_str("\\t")?,
            c if c.is_control() => write!(f, "\\u{{{:x}}}", c as u32)?,
            c => f.write_char(c)?,
        }
    }
    f.write_char(quote)
}

#[cfg(test)]
mod tests {

    /// `Keyword::of` against a plain search of the table, over every
    /// keyword in three letter cases and words one letter away from them.
    #[test]
    fn keyword_of_reads_the_table() {
        let all: Vec<&str> = KEYWORDS.iter().chain(SORT_KEYWORDS).copied().collect();
        let reference = |w: &str| all.iter().position(|k| is_keyword(w, k));
        let mut words: Vec<String> = Vec::new();
        for k in &all {
            words.push(k.to_string());
            words.push(k.to_lowercase());
            let mut mixed = k.to_lowercase();
            mixed.replace_range(..1, &k[..1]);
            words.push(mixed);
            for i in 0..k.len() {
                for c in ['a', 'n', 'x', '_', '1', '\u{e9}'] {
                    let mut w = k.to_string();
                    w.replace_range(i..i + 1, c.encode_utf8(&mut [0; 4]));
                    words.push(w);
                }
            }
            words.push(format!("{k}S"));
            words.push(k[1..].to_string());
        }
        words.extend(
            [
                "", "I", "ORR", "state", "open", "null", "nulL", "@nd", "ASK", "ANC", "ORDERS",
                "BYE",
            ]
            .map(String::from),
        );
        for w in &words {
            let ours = Keyword::of(w).map(|k| format!("{k:?}"));
            let theirs = reference(w).map(|i| all[i].to_string());
            assert_eq!(ours.map(|k| k.to_uppercase()), theirs, "{w:?}");
        }
    }

    use super::{KEYWORDS, Keyword, SORT_KEYWORDS, WORD_BREAKERS, is_keyword, is_word_char};

    #[test]
    fn the_ascii_table_agrees_with_the_definition() {
        for b in 0u8..128 {
            let c = char::from(b);
            let slow = !c.is_whitespace() && !c.is_control() && !WORD_BREAKERS.contains(c);
            assert_eq!(is_word_char(c), slow, "{c:?}");
        }
    }
}
