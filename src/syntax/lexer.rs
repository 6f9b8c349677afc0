//! Tokens of the qc language, recognised with nom.
//!
//! The lexer never fails: characters that start no token become
//! [`TokenKind::Unknown`] and an unterminated string runs to the end of the
//! input, so the parser can report them in place and keep going.
//!
//! Comments (`#` or `--` where a token starts, to the end of the line) are
//! tokens of their own, [`TokenKind::Comment`]: the parser sets them aside
//! (the formatter keeps them) and [`tokenize`] leaves them out.

use nom::branch::alt;
use nom::bytes::complete::{tag, take_while1};
use nom::character::complete::{anychar, char};
use nom::combinator::{map, value};
use nom::{IResult, Parser};

use super::lexical::{
    Keyword, SMART_DOUBLE_QUOTES, SMART_SINGLE_QUOTES, SymbolOp, is_ascii_word_byte, is_word_char,
};
use crate::span::Span;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `,`
    Comma,
    /// A symbolic comparison operator such as `!=` or `>=`.
    Symbol(SymbolOp),
    /// A bare word: field names, keywords, bare values, numbers and dates.
    Word,
    /// A quoted string, terminated or not. Its first character is the
    /// quote that opened it: `"`, `'`, or a typographic quote `“ ” ‘ ’`.
    Str {
        /// False when the input ended before the closing quote.
        terminated: bool,
    },
    /// `#` or `--` where a token starts, up to the end of the line (the
    /// line break is not part of it).
    Comment,
    /// A character that starts no token.
    Unknown,
    /// The end of the input.
    Eof,
}

/// A token and where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub kind: TokenKind,
    /// Where it is.
    pub span: Span,
    /// The keyword a [`TokenKind::Word`] spells, if any (letter case
    /// ignored); `None` for every other kind.
    pub keyword: Option<Keyword>,
}

fn symbol(input: &str) -> IResult<&str, TokenKind> {
    // Longest spellings first.
    let two = alt((
        value(SymbolOp::Ne, tag("!=")),
        value(SymbolOp::NotContains, tag("!~")),
        value(SymbolOp::Ge, tag(">=")),
        value(SymbolOp::Le, tag("<=")),
    ));
    let one = alt((
        value(SymbolOp::Eq, tag("=")),
        value(SymbolOp::Gt, tag(">")),
        value(SymbolOp::Lt, tag("<")),
        value(SymbolOp::Contains, tag("~")),
        value(SymbolOp::StartsWith, tag("^")),
        value(SymbolOp::EndsWith, tag("$")),
    ));
    map(alt((two, one)), TokenKind::Symbol).parse(input)
}

/// A quoted string: the opening quote, then anything up to the same quote
/// that is not escaped by a backslash. Escapes are decoded later by
/// [`super::lexical::unescape`].
fn string(input: &str) -> IResult<&str, TokenKind> {
    let (rest, quote) = alt((char('"'), char('\''))).parse(input)?;
    let bytes = rest.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b if b == quote as u8 => {
                return Ok((&rest[i + 1..], TokenKind::Str { terminated: true }));
            }
            _ => i += 1,
        }
    }
    Ok(("", TokenKind::Str { terminated: false }))
}

/// A string in typographic quotes: `“` or `”`, then anything up to the
/// next `“` or `”` not escaped by a backslash (`‘ ’` likewise).
fn smart_string(input: &str) -> IResult<&str, TokenKind> {
    let mut chars = input.char_indices();
    let closers = match chars.next() {
        Some((_, c)) if SMART_DOUBLE_QUOTES.contains(&c) => SMART_DOUBLE_QUOTES,
        Some((_, c)) if SMART_SINGLE_QUOTES.contains(&c) => SMART_SINGLE_QUOTES,
        _ => return unknown(input),
    };
    while let Some((i, c)) = chars.next() {
        if c == '\\' {
            chars.next();
        } else if closers.contains(&c) {
            let rest = input.get(i + c.len_utf8()..).unwrap_or("");
            return Ok((rest, TokenKind::Str { terminated: true }));
        }
    }
    Ok(("", TokenKind::Str { terminated: false }))
}

/// A comment: everything up to the end of the line.
fn comment(input: &str) -> IResult<&str, TokenKind> {
    let end = input
        .bytes()
        .position(|b| b == b'\n' || b == b'\r')
        .unwrap_or(input.len());
    Ok((input.get(end..).unwrap_or(""), TokenKind::Comment))
}

/// True when `input` starts with a typographic quote (all four are the
/// bytes E2 80 98, 99, 9C or 9D).
fn starts_with_smart_quote(input: &str) -> bool {
    matches!(
        input.as_bytes(),
        [0xE2, 0x80, 0x98 | 0x99 | 0x9C | 0x9D, ..]
    )
}

fn word(input: &str) -> IResult<&str, TokenKind> {
    // `take_while1(is_word_char)`, but ASCII bytes are classified from the
    // table without decoding characters; only non-ASCII text takes the
    // character-by-character path.
    let ascii = input
        .bytes()
        .position(|b| !b.is_ascii() || !is_ascii_word_byte(b))
        .unwrap_or(input.len());
    match input.as_bytes().get(ascii) {
        Some(b) if !b.is_ascii() => {
            let (rest, _) = take_while1(is_word_char).parse(input)?;
            Ok((rest, TokenKind::Word))
        }
        _ if ascii == 0 => value(TokenKind::Word, take_while1(is_word_char)).parse(input),
        _ => Ok((input.get(ascii..).unwrap_or(""), TokenKind::Word)),
    }
}

fn unknown(input: &str) -> IResult<&str, TokenKind> {
    value(TokenKind::Unknown, anychar).parse(input)
}

fn token(input: &str) -> IResult<&str, TokenKind> {
    // Equivalent to `alt((punctuation, symbol, string, word, unknown))`,
    // but the first byte picks the parsers that can match, instead of
    // trying up to twenty in turn for every word.
    // The usual one- and two-byte tokens are read directly; the nom
    // parsers above say the same and serve the rest.
    let bytes = input.as_bytes();
    let one = |kind| Ok((input.get(1..).unwrap_or(""), kind));
    let two = |op| Ok((input.get(2..).unwrap_or(""), TokenKind::Symbol(op)));
    let second = bytes.get(1).copied();
    match bytes.first() {
        Some(b'(') => one(TokenKind::LParen),
        Some(b')') => one(TokenKind::RParen),
        Some(b'[') => one(TokenKind::LBracket),
        Some(b']') => one(TokenKind::RBracket),
        Some(b',') => one(TokenKind::Comma),
        Some(b'=') => one(TokenKind::Symbol(SymbolOp::Eq)),
        Some(b'~') => one(TokenKind::Symbol(SymbolOp::Contains)),
        Some(b'^') => one(TokenKind::Symbol(SymbolOp::StartsWith)),
        Some(b'$') => one(TokenKind::Symbol(SymbolOp::EndsWith)),
        Some(b'>') if second == Some(b'=') => two(SymbolOp::Ge),
        Some(b'>') => one(TokenKind::Symbol(SymbolOp::Gt)),
        Some(b'<') if second == Some(b'=') => two(SymbolOp::Le),
        Some(b'<') => one(TokenKind::Symbol(SymbolOp::Lt)),
        Some(b'!') if second == Some(b'=') => two(SymbolOp::Ne),
        Some(b'!') if second == Some(b'~') => two(SymbolOp::NotContains),
        Some(b'!') => alt((symbol, unknown)).parse(input),
        Some(b'"' | b'\'') => string(input),
        Some(b'#') => comment(input),
        Some(b'-') if input.starts_with("--") => comment(input),
        Some(0xE2) if starts_with_smart_quote(input) => smart_string(input),
        _ => alt((word, unknown)).parse(input),
    }
}

/// Splits `source` into tokens, ending with [`TokenKind::Eof`]; comments
/// are left out, as whitespace is.
pub fn tokenize(source: &str) -> Vec<Token> {
    let mut tokens = Vec::with_capacity(source.len() / 4 + 1);
    tokens.extend(Lexer::new(source).filter(|t| t.kind != TokenKind::Comment));
    tokens
}

/// The tokens of a source, comments included, one at a time, ending with
/// one [`TokenKind::Eof`]: the parser lexes only as far as it reads.
#[derive(Debug, Clone)]
pub struct Lexer<'s> {
    source: &'s str,
    /// Where the next token is looked for.
    pos: usize,
    /// The end of the last token returned other than a comment: where Eof
    /// is placed, so that what is added at the end goes before a comment.
    last_end: usize,
    done: bool,
}

impl<'s> Lexer<'s> {
    /// The length of the whole source in bytes.
    pub fn source_len(&self) -> usize {
        self.source.len()
    }

    /// A lexer at the start of `source`.
    pub fn new(source: &'s str) -> Self {
        Self {
            source,
            pos: 0,
            last_end: 0,
            done: false,
        }
    }

    /// A lexer that starts at byte `pos` of `source` (moved back to a
    /// character boundary), as if the tokens before it had been read: the
    /// tokens from a token's end depend only on the text from there on, so
    /// a caller that kept where a token ended can resume there.
    pub fn at(source: &'s str, pos: usize) -> Self {
        let mut pos = pos.min(source.len());
        while !source.is_char_boundary(pos) {
            pos -= 1;
        }
        Self {
            source,
            pos,
            last_end: pos,
            done: false,
        }
    }

    /// The end of the word starting at `start` with an ASCII word byte:
    /// ASCII word bytes are read from the table, and the rest of a word
    /// with other characters by [`word`].
    fn word_end(&self, start: usize) -> usize {
        let bytes = self.source.as_bytes();
        let mut end = start + 1;
        while let Some(&b) = bytes.get(end) {
            if is_ascii_word_byte(b) {
                end += 1;
            } else {
                if !b.is_ascii() {
                    let rest = self.source.get(start..).unwrap_or("");
                    if let Ok((next, _)) = word(rest) {
                        return self.source.len() - next.len();
                    }
                }
                break;
            }
        }
        end
    }
}

impl Iterator for Lexer<'_> {
    type Item = Token;

    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn next(&mut self) -> Option<Token> {
        if self.done {
            return None;
        }
        let bytes = self.source.as_bytes();
        // ASCII blanks first (the usual case); other whitespace is rare,
        // and read by `other`.
        let mut start = self.pos;
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = bytes.get(start) {
            start += 1;
        }
        let (start, kind, end) = match bytes.get(start).map(|&b| STARTS[usize::from(b)]) {
            // A word that starts with an ASCII character (the usual case).
            Some(Start::Word) => (start, TokenKind::Word, self.word_end(start)),
            // One byte, one token: what `token` says, without slicing.
            Some(Start::One(kind)) => (start, kind, start + 1),
            Some(Start::Other) => match self.other(start) {
                Some(token) => token,
                None => return Some(self.eof()),
            },
            None => return Some(self.eof()),
        };
        let keyword = match kind {
            TokenKind::Word => Keyword::of_bytes(bytes.get(start..end).unwrap_or_default()),
            _ => None,
        };
        self.pos = end;
        if !matches!(kind, TokenKind::Comment) {
            self.last_end = end;
        }
        Some(Token {
            kind,
            span: Span::new(start, end),
            keyword,
        })
    }
}

impl Lexer<'_> {
    /// The end of input, reported right after the last token, not after
    /// trailing whitespace, so that messages point at the query.
    fn eof(&mut self) -> Token {
        self.done = true;
        self.pos = self.source.len();
        Token {
            kind: TokenKind::Eof,
            span: Span::empty(self.last_end),
            keyword: None,
        }
    }

    /// The token at `start` when its first byte is not one [`STARTS`]
    /// reads directly: other whitespace (vertical tab, form feed, Unicode
    /// spaces) first, then comments, words starting with `-` or a
    /// character of several bytes, symbols of two bytes, strings. `None`
    /// at the end of input.
    #[inline(never)]
    fn other(&self, start: usize) -> Option<(usize, TokenKind, usize)> {
        let source = self.source;
        let bytes = source.as_bytes();
        let mut start = start;
        if bytes
            .get(start)
            .is_some_and(|&b| b == 0x0B || b == 0x0C || !b.is_ascii())
        {
            let rest = source.get(start..).unwrap_or("");
            start = source.len() - rest.trim_start_matches(char::is_whitespace).len();
        }
        let &first = bytes.get(start)?;
        let starts_comment =
            first == b'#' || (first == b'-' && bytes.get(start + 1) == Some(&b'-'));
        if is_ascii_word_byte(first) && !starts_comment {
            return Some((start, TokenKind::Word, self.word_end(start)));
        }
        let rest = source.get(start..).unwrap_or("");
        Some(match token(rest) {
            Ok((next, kind)) => (start, kind, source.len() - next.len()),
            // `unknown` accepts any character, so this is unreachable
            // for non-empty input; stop cleanly rather than loop.
            Err(_) => (start, TokenKind::Unknown, source.len()),
        })
    }
}

/// How the lexer reads a token by its first byte.
#[derive(Debug, Clone, Copy)]
enum Start {
    /// An ASCII word byte that starts no comment: a word.
    Word,
    /// A token of this one byte.
    One(TokenKind),
    /// Anything else: [`Lexer::other`].
    Other,
}

/// [`Start`] for each byte, computed at compile time.
const STARTS: [Start; 256] = {
    let mut table = [Start::Other; 256];
    let mut b = 0;
    while b < 128 {
        if is_ascii_word_byte(b as u8) && b != b'#' as usize && b != b'-' as usize {
            table[b] = Start::Word;
        }
        b += 1;
    }
    table[b'(' as usize] = Start::One(TokenKind::LParen);
    table[b')' as usize] = Start::One(TokenKind::RParen);
    table[b'[' as usize] = Start::One(TokenKind::LBracket);
    table[b']' as usize] = Start::One(TokenKind::RBracket);
    table[b',' as usize] = Start::One(TokenKind::Comma);
    table[b'=' as usize] = Start::One(TokenKind::Symbol(SymbolOp::Eq));
    table[b'~' as usize] = Start::One(TokenKind::Symbol(SymbolOp::Contains));
    table[b'^' as usize] = Start::One(TokenKind::Symbol(SymbolOp::StartsWith));
    table[b'$' as usize] = Start::One(TokenKind::Symbol(SymbolOp::EndsWith));
    table
};

#[cfg(test)]
mod tests {
    use super::{Lexer, TokenKind, tokenize};

    /// Each token's kind and text, comments included.
    fn lex(source: &str) -> Vec<(TokenKind, &str)> {
        Lexer::new(source)
            .map(|t| (t.kind, &source[t.span.range()]))
            .collect()
    }

    #[test]
    fn comments_start_where_tokens_start() {
        use TokenKind::{Comment, Eof, Symbol, Word};
        let eq = Symbol(super::SymbolOp::Eq);
        assert_eq!(
            lex("a = now-7d -- week\n#x\r\nb = -5#"),
            [
                (Word, "a"),
                (eq, "="),
                (Word, "now-7d"),
                (Comment, "-- week"),
                (Comment, "#x"),
                (Word, "b"),
                (eq, "="),
                (Word, "-5#"),
                (Eof, ""),
            ]
        );
        // `tokenize` leaves them out; the end is after the last token.
        let tokens = tokenize("a # c");
        assert_eq!(tokens.len(), 2);
        assert_eq!(tokens[1].span.start(), 1);
    }

    /// The lexer as it was written first, every token through [`token`]:
    /// the fast paths must give the same tokens.
    fn reference(source: &str) -> Vec<(TokenKind, usize, usize)> {
        let mut out = Vec::new();
        let mut rest = source;
        let mut last_end = 0;
        loop {
            let trimmed = rest.trim_start_matches(char::is_whitespace);
            let start = source.len() - trimmed.len();
            if trimmed.is_empty() {
                out.push((TokenKind::Eof, last_end, last_end));
                return out;
            }
            let (next, kind) = super::token(trimmed).unwrap_or(("", TokenKind::Unknown));
            let end = source.len() - next.len();
            if kind != TokenKind::Comment {
                last_end = end;
            }
            out.push((kind, start, end));
            rest = next;
        }
    }

    #[test]
    fn fast_paths_lex_as_the_parsers_do() {
        let pieces = [
            "a", "state", "-", "--", "#", "é", "x\u{e9}y", " ", "\t", "\n", "\u{b}", "\u{c}",
            "\u{a0}", "\u{2003}", "(", ")", "[", "]", ",", "=", "!", "!=", "!~", "<", "<=", ">",
            ">=", "~", "^", "$", "\"", "'", "\\", "“", "”", "‘", "’", "&", "|", "0", "7d", "\u{0}",
            "\u{7f}", "😀", ":", ".", "_",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            let mut source = String::new();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let n = (seed % 12) as usize;
            for _ in 0..n {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                source.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            let ours: Vec<_> = Lexer::new(&source)
                .map(|t| (t.kind, t.span.start(), t.span.end()))
                .collect();
            assert_eq!(ours, reference(&source), "{source:?}");
        }
    }

    #[test]
    fn smart_quotes_delimit_strings_where_tokens_start() {
        use TokenKind::{Eof, Str, Word};
        let done = Str { terminated: true };
        assert_eq!(
            lex("“a b” ”c“ ‘d’ ’e’ don’t “x\\”y” ‘open"),
            [
                (done, "“a b”"),
                (done, "”c“"),
                (done, "‘d’"),
                (done, "’e’"),
                (Word, "don’t"),
                (done, "“x\\”y”"),
                (Str { terminated: false }, "‘open"),
                (Eof, ""),
            ]
        );
    }
}
