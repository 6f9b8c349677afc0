//! A recursive-descent parser over the token stream that never gives up.
//!
//! It always returns a tree: where the input is malformed it records a
//! diagnostic, puts an [`ExprKind::Error`] (or [`ValueKind::Error`]) node in
//! place and resynchronises on `AND`, `OR`, `)` or the end of input. Every
//! loop consumes a token or leaves, so parsing terminates on any input, and
//! recursion is bounded by [`MAX_DEPTH`].

use super::ast::{Ast, Comparison, Expr, ExprKind, Field, Operator, Scalar, Value, ValueKind};
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::VecDeque;

use super::lexer::{Lexer, Token, TokenKind};
use super::lexical::{Keyword, OpSpelling, unescape};
use super::{Parsed, Span};
use crate::diagnostic::{Code, Diagnostic, LineIndex, clip};

/// How deeply parentheses and `NOT`s may nest.
pub const MAX_DEPTH: usize = 128;

/// How many syntax errors are reported before the parser stops.
pub const MAX_ERRORS: usize = 100;

/// Longest token text quoted in a message.
const MAX_QUOTED: usize = 24;

pub(super) fn parse(source: &str) -> Parsed {
    let mut p = Parser {
        source,
        tokens: Tokens {
            lexer: Lexer::new(source),
            ahead: VecDeque::new(),
            consumed: 0,
        }
        .into(),
        diagnostics: Vec::new(),
        errors: 0,
        depth: 0,
        depth_reported: false,
        gave_up: false,
        unclosed_at_eof: None,
    };
    let root = p.parse_query();
    let line_index = LineIndex::new(source);
    let mut diagnostics = p.diagnostics;
    for d in &mut diagnostics {
        d.locate(&line_index);
    }
    Parsed {
        ast: Ast {
            root,
            source_len: source.len(),
            line_index,
        },
        diagnostics,
    }
}

/// The tokens not yet consumed: lexed on demand, and forgotten once
/// consumed, so the parser holds only its lookahead (and stops lexing when
/// it gives up).
struct Tokens<'s> {
    lexer: Lexer<'s>,
    /// Lexed tokens from the current one on.
    ahead: VecDeque<Token>,
    /// How many tokens have been consumed.
    consumed: usize,
}

impl Tokens<'_> {
    /// The token `n` places ahead, or the end of input.
    #[inline]
    fn nth(&mut self, n: usize) -> Token {
        match self.ahead.get(n) {
            Some(&t) => t,
            None => self.fill(n),
        }
    }

    /// Lexes until the token `n` places ahead is buffered (or the input
    /// ends) and returns it: the slow path of [`Tokens::nth`].
    #[inline(never)]
    fn fill(&mut self, n: usize) -> Token {
        while self.ahead.len() <= n {
            match self.lexer.next() {
                Some(t) => self.ahead.push_back(t),
                None => break,
            }
        }
        match self.ahead.get(n).or(self.ahead.back()) {
            Some(&t) => t,
            // The lexer always ends with Eof, so `ahead` is never empty here.
            None => Token {
                kind: TokenKind::Eof,
                span: Span::empty(self.lexer.source_len()),
                keyword: None,
            },
        }
    }

    /// Consumes the current token unless it is the end of input.
    fn advance(&mut self) {
        if self.nth(0).kind != TokenKind::Eof {
            self.ahead.pop_front();
            self.consumed += 1;
        }
    }

    /// Skips to the end of input, keeping only the end token: the rest is
    /// lexed (for the end's position) but not stored.
    fn finish(&mut self) {
        let last = self.lexer.by_ref().last().or(self.ahead.back().copied());
        self.ahead.clear();
        self.ahead.extend(last);
        self.consumed += 1;
    }
}

struct Parser<'s> {
    source: &'s str,
    tokens: RefCell<Tokens<'s>>,
    diagnostics: Vec<Diagnostic>,
    errors: usize,
    depth: usize,
    depth_reported: bool,
    gave_up: bool,
    /// The diagnostic (index) and count of parentheses left open at the end
    /// of input: one diagnostic covers them all instead of one per `(`.
    unclosed_at_eof: Option<(usize, usize)>,
}

impl<'s> Parser<'s> {
    // ----- token access -------------------------------------------------

    fn peek(&self) -> Token {
        self.nth(0)
    }

    #[inline]
    fn nth(&self, n: usize) -> Token {
        self.tokens.borrow_mut().nth(n)
    }

    fn bump(&mut self) -> Token {
        let t = self.peek();
        self.tokens.get_mut().advance();
        t
    }

    fn text(&self, t: Token) -> &'s str {
        self.source.get(t.span.range()).unwrap_or("")
    }

    fn at_eof(&self) -> bool {
        self.peek().kind == TokenKind::Eof
    }

    fn at_keyword(&self, keyword: Keyword) -> bool {
        self.nth_is_keyword(0, keyword)
    }

    fn nth_is_keyword(&self, n: usize, keyword: Keyword) -> bool {
        self.nth(n).keyword == Some(keyword)
    }

    /// A word that is not `AND`/`OR`/`NOT`.
    fn is_plain_word(&self, t: Token) -> bool {
        t.kind == TokenKind::Word && !is_reserved(t)
    }

    /// Can this token begin an operand of AND/OR?
    fn starts_term(&self, t: Token) -> bool {
        match t.kind {
            TokenKind::LParen | TokenKind::Str { .. } => true,
            TokenKind::Word => !matches!(t.keyword, Some(Keyword::And | Keyword::Or)),
            _ => false,
        }
    }

    /// A short description of a token for messages.
    fn describe(&self, t: Token) -> String {
        match t.kind {
            TokenKind::Eof => "end of input".to_owned(),
            TokenKind::Str { .. } => "a quoted string".to_owned(),
            _ => {
                let text = self.text(t);
                if text.chars().count() > MAX_QUOTED {
                    let short: String = text.chars().take(MAX_QUOTED).collect();
                    format!("`{short}…`")
                } else {
                    format!("`{text}`")
                }
            }
        }
    }

    // ----- diagnostics --------------------------------------------------

    fn report(&mut self, diagnostic: Diagnostic) {
        if self.gave_up {
            return;
        }
        // One "unexpected token" per position: when an error is already
        // reported where this one starts, this one is a cascade of it.
        if diagnostic.code == Code::UnexpectedToken
            && self
                .diagnostics
                .last()
                .is_some_and(|last| last.is_error() && last.range.start == diagnostic.range.start)
        {
            return;
        }
        if diagnostic.is_error() {
            self.errors += 1;
        }
        if self.errors > MAX_ERRORS {
            self.gave_up = true;
            self.diagnostics.push(too_many_errors(diagnostic.range));
            self.tokens.get_mut().finish();
            return;
        }
        self.diagnostics.push(diagnostic);
    }

    fn expected(&mut self, what: &str, found: Token) -> Diagnostic {
        let message = format!("expected {what}, found {}", self.describe(found));
        Diagnostic::new(Code::UnexpectedToken, found.span, message)
    }

    // ----- grammar ------------------------------------------------------

    fn parse_query(&mut self) -> Expr {
        if self.at_eof() {
            self.report(
                Diagnostic::new(
                    Code::EmptyQuery,
                    Span::new(0, self.source.len()),
                    "the query is empty",
                )
                .with_help("write a comparison such as `state = open`"),
            );
            return Expr::new(ExprKind::Error, Span::new(0, self.source.len()));
        }
        let mut root = self.parse_or();
        let mut extra = Vec::new();
        while !self.at_eof() {
            let t = self.bump();
            let d = match t.kind {
                TokenKind::RParen => {
                    Diagnostic::new(Code::UnbalancedDelimiter, t.span, "unmatched `)`")
                        .with_help("remove it, or add the `(` it should close")
                }
                TokenKind::Unknown => self.unknown_chars(t),
                _ => self
                    .expected("`AND`, `OR` or the end of the query", t)
                    .with_help("join comparisons with AND or OR"),
            };
            self.report(d);
            // `a) AND b`: the joiner after the stray token is fine.
            if self.at_keyword(Keyword::And) || self.at_keyword(Keyword::Or) {
                self.bump();
            }
            if self.starts_term(self.peek()) {
                extra.push(self.parse_or());
            }
        }
        if !extra.is_empty() {
            let span = extra.iter().fold(root.span, |s, e| s.cover(e.span));
            extra.insert(0, root);
            root = Expr::new(ExprKind::And(extra), span);
        }
        root
    }

    fn parse_or(&mut self) -> Expr {
        let first = self.parse_and();
        if !self.at_keyword(Keyword::Or) {
            return first;
        }
        let mut items = vec![first];
        while self.at_keyword(Keyword::Or) {
            self.bump();
            items.push(self.parse_and());
        }
        Self::join(items, ExprKind::Or)
    }

    fn parse_and(&mut self) -> Expr {
        let mut items = vec![self.parse_unary()];
        loop {
            let t = self.peek();
            if self.at_keyword(Keyword::And) {
                self.bump();
                items.push(self.parse_unary());
            } else if t.kind == TokenKind::Unknown {
                self.bump();
                let d = self.unknown_chars(t);
                self.report(d);
                if self.starts_term(self.peek()) {
                    items.push(self.parse_unary());
                }
            } else if self.starts_term(t) {
                let d = self
                    .expected("`AND` or `OR` between comparisons", t)
                    .with_help("join comparisons with AND or OR");
                self.report(d);
                let before = self.tokens.get_mut().consumed;
                items.push(self.parse_unary());
                // Progress guard: the loop must consume input on every turn
                // (repeated errors at one position are not reported twice,
                // so the error limit alone would not end it).
                if self.tokens.get_mut().consumed == before {
                    self.bump();
                }
            } else {
                break;
            }
        }
        match items.len() {
            1 => items.pop().unwrap_or_else(unreachable_error),
            _ => Self::join(items, ExprKind::And),
        }
    }

    fn join(items: Vec<Expr>, make: fn(Vec<Expr>) -> ExprKind) -> Expr {
        let span = match (items.first(), items.last()) {
            (Some(a), Some(b)) => a.span.cover(b.span),
            _ => Span::default(),
        };
        Expr::new(make(items), span)
    }

    fn parse_unary(&mut self) -> Expr {
        if !self.at_keyword(Keyword::Not)
            || self.nth_is_keyword(1, Keyword::In)
            || self.nth_is_keyword(1, Keyword::Contains)
        {
            return self.parse_primary();
        }
        let mut nots = Vec::new();
        while self.at_keyword(Keyword::Not) {
            nots.push(self.bump().span);
            if self.depth + nots.len() > MAX_DEPTH {
                self.too_deep(nots[nots.len() - 1]);
                while self.at_keyword(Keyword::Not) {
                    self.bump();
                }
                let first = nots[0];
                let inner = self.parse_primary();
                return Expr::new(ExprKind::Error, first.cover(inner.span));
            }
        }
        self.depth += nots.len();
        let mut expr = self.parse_primary();
        self.depth -= nots.len();
        for not in nots.into_iter().rev() {
            let span = not.cover(expr.span);
            expr = Expr::new(ExprKind::Not(Box::new(expr)), span);
        }
        expr
    }

    /// At `NOT IN` or `NOT CONTAINS` (an operator, not a negation).
    fn at_negated_operator(&self) -> bool {
        self.at_keyword(Keyword::Not)
            && (self.nth_is_keyword(1, Keyword::In) || self.nth_is_keyword(1, Keyword::Contains))
    }

    fn too_deep(&mut self, at: Span) {
        if !self.depth_reported {
            self.depth_reported = true;
            self.report(
                Diagnostic::new(
                    Code::NestingTooDeep,
                    at,
                    format!("parentheses and NOT are nested more than {MAX_DEPTH} deep (the limit, MAX_DEPTH)"),
                )
                .with_help("remove redundant parentheses and double negations"),
            );
        }
    }

    fn parse_primary(&mut self) -> Expr {
        let t = self.peek();
        match t.kind {
            TokenKind::LParen => self.parse_paren(),
            TokenKind::Word if !is_reserved(t) => self.parse_comparison(),
            TokenKind::Unknown => {
                // Report each stray character once (the caller would
                // otherwise report it again), then parse what follows.
                while self.peek().kind == TokenKind::Unknown {
                    let u = self.bump();
                    let d = self.unknown_char(u);
                    self.report(d);
                }
                let next = self.peek();
                let starts_primary = matches!(next.kind, TokenKind::LParen | TokenKind::Str { .. })
                    || self.is_plain_word(next);
                if starts_primary {
                    // `next` is not Unknown, so this recursion is one level.
                    return self.parse_primary();
                }
                Expr::new(ExprKind::Error, Span::new(t.span.start, next.span.start))
            }
            // A quoted field name: a workspace attribute whose name holds
            // spaces or punctuation.
            TokenKind::Str { .. } => self.parse_comparison(),
            _ if matches!(t.kind, TokenKind::Symbol(_)) || self.at_negated_operator() => {
                // `= open`, `NOT IN [..]`: the field is missing; skip the
                // operator and value so they do not cascade into more errors.
                let words = if matches!(t.kind, TokenKind::Symbol(_)) {
                    1
                } else {
                    2
                };
                let op_span = t.span.cover(self.nth(words - 1).span);
                let op_text = self.source.get(op_span.range()).unwrap_or("");
                let d = self
                    .expected(&format!("a field name before `{op_text}`"), t)
                    .with_help("a comparison reads `field operator value`, e.g. `state = open`");
                self.report(d);
                for _ in 0..words {
                    self.bump();
                }
                let mut end = op_span.end;
                if self.is_scalar_start(self.peek()) {
                    end = self.bump().span.end;
                } else if self.peek().kind == TokenKind::LBracket {
                    self.bump();
                    end = self.skip_balanced(TokenKind::LBracket, TokenKind::RBracket);
                }
                Expr::new(ExprKind::Error, Span::new(t.span.start, end))
            }
            _ => {
                let d = self.expected("a comparison such as `state = open`", t);
                self.report(d);
                Expr::new(ExprKind::Error, Span::empty(t.span.start))
            }
        }
    }

    fn parse_paren(&mut self) -> Expr {
        let open = self.bump();
        if self.depth >= MAX_DEPTH {
            self.too_deep(open.span);
            let end = self.skip_balanced(TokenKind::LParen, TokenKind::RParen);
            return Expr::new(ExprKind::Error, Span::new(open.span.start, end));
        }
        self.depth += 1;
        let inner = self.parse_or();
        self.depth -= 1;
        let t = self.peek();
        if t.kind == TokenKind::RParen {
            self.bump();
            return Expr::new(ExprKind::Paren(Box::new(inner)), open.span.cover(t.span));
        }
        if t.kind == TokenKind::Eof {
            self.unclosed_at_end(open.span, t.span);
        } else {
            let d = Diagnostic::new(
                Code::UnbalancedDelimiter,
                t.span,
                format!(
                    "expected `)` to close the parenthesis, found {}",
                    self.describe(t)
                ),
            )
            .with_label(open.span, "parenthesis opened here");
            self.report(d);
        }
        let span = open.span.cover(inner.span);
        Expr::new(ExprKind::Paren(Box::new(inner)), span)
    }

    /// Reports a `(` still open at the end of input. Parentheses close
    /// innermost first, so the first report names the innermost one; later
    /// ones update that same diagnostic (count, help, outermost label)
    /// rather than adding one diagnostic per parenthesis.
    fn unclosed_at_end(&mut self, open: Span, eof: Span) {
        if let Some((index, count)) = self.unclosed_at_eof {
            let count = count + 1;
            self.unclosed_at_eof = Some((index, count));
            if let Some(d) = self.diagnostics.get_mut(index) {
                d.message =
                    format!("expected `)` to close {count} parentheses, found end of input");
                d.help = Some(if count <= 8 {
                    format!("add `{}` at the end", ")".repeat(count))
                } else {
                    format!("add {count} `)` at the end")
                });
                d.labels.truncate(1);
                d.labels.push(crate::diagnostic::Label {
                    span: open,
                    message: "outermost unclosed parenthesis opened here".to_owned(),
                });
            }
            return;
        }
        let d = Diagnostic::new(
            Code::UnbalancedDelimiter,
            eof,
            "expected `)` to close the parenthesis, found end of input",
        )
        .with_label(open, "parenthesis opened here")
        .with_help("add `)` at the end");
        let before = self.diagnostics.len();
        self.report(d);
        if self.diagnostics.len() > before {
            self.unclosed_at_eof = Some((before, 1));
        }
    }

    /// Skips from just after an opening delimiter to just after its match
    /// (or the end); returns the end offset. Iterative, so any depth is fine.
    fn skip_balanced(&mut self, open: TokenKind, close: TokenKind) -> usize {
        let mut depth = 1usize;
        loop {
            let t = self.peek();
            if t.kind == TokenKind::Eof {
                return t.span.start;
            }
            self.bump();
            if t.kind == open {
                depth += 1;
            } else if t.kind == close {
                depth -= 1;
                if depth == 0 {
                    return t.span.end;
                }
            }
        }
    }

    /// Skips to the next `AND`, `OR`, `)` or the end; returns the end of
    /// what was skipped (or `from` if nothing was).
    fn skip_to_sync(&mut self, from: usize) -> usize {
        let mut end = from;
        loop {
            let t = self.peek();
            let sync = matches!(t.kind, TokenKind::Eof | TokenKind::RParen)
                || self.at_keyword(Keyword::And)
                || self.at_keyword(Keyword::Or);
            if sync {
                return end;
            }
            end = self.bump().span.end;
        }
    }

    fn parse_comparison(&mut self) -> Expr {
        let name_token = self.bump();
        let name = match name_token.kind {
            TokenKind::Str { terminated } => Cow::Owned(self.string_value(name_token, terminated)),
            _ => Cow::Owned(self.text(name_token).to_owned()),
        };
        let field = Field {
            name,
            span: name_token.span,
        };
        let Some(op) = self.parse_operator(&field) else {
            let end = self.skip_to_sync(field.span.end);
            return Expr::new(ExprKind::Error, Span::new(field.span.start, end));
        };
        let value = self.parse_value(op);
        let span = field.span.cover(op.span).cover(value.span);
        let mut expr = Expr::new(ExprKind::Compare(Comparison { field, op, value }), span);
        self.stray_words_after_value(&mut expr);
        expr
    }

    fn parse_operator(&mut self, field: &Field) -> Option<Operator> {
        let t = self.peek();
        let word = |p: &Self, k| p.at_keyword(k);
        let (spelling, len) = match t.kind {
            TokenKind::Symbol(s) => (OpSpelling::Symbol(s), 1),
            TokenKind::Word if word(self, Keyword::In) => (OpSpelling::In, 1),
            TokenKind::Word if word(self, Keyword::Nin) => (OpSpelling::Nin, 1),
            TokenKind::Word if word(self, Keyword::Contains) => (OpSpelling::Contains, 1),
            TokenKind::Word if word(self, Keyword::Not) && self.nth_is_keyword(1, Keyword::In) => {
                (OpSpelling::NotIn, 2)
            }
            TokenKind::Word
                if word(self, Keyword::Not) && self.nth_is_keyword(1, Keyword::Contains) =>
            {
                (OpSpelling::NotContains, 2)
            }
            TokenKind::Word if word(self, Keyword::Starts) || word(self, Keyword::Ends) => {
                let spelling = if word(self, Keyword::Starts) {
                    OpSpelling::StartsWith
                } else {
                    OpSpelling::EndsWith
                };
                if !self.nth_is_keyword(1, Keyword::With) {
                    let after = self.nth(1);
                    let d = self
                        .expected(
                            &format!("`WITH` after `{}`", self.text(t).to_uppercase()),
                            after,
                        )
                        .with_help(format!("write `{spelling}`"));
                    self.report(d);
                    return None;
                }
                (spelling, 2)
            }
            _ => {
                let d = self
                    .expected(&format!("an operator after `{}`", clip(&field.name)), t)
                    .with_help("operators are = != > >= < <= ~ !~ ^ $ IN NIN NOT IN CONTAINS NOT CONTAINS STARTS WITH ENDS WITH");
                self.report(d);
                return None;
            }
        };
        let first = self.bump();
        let last = if len == 2 { self.bump() } else { first };
        Some(Operator {
            spelling,
            span: first.span.cover(last.span),
        })
    }

    fn string_value(&mut self, t: Token, terminated: bool) -> String {
        if !terminated {
            let d = Diagnostic::new(Code::UnterminatedString, t.span, "unterminated string")
                .with_help("add the closing quote");
            self.report(d);
        }
        let (text, diagnostics) = unescape(self.text(t), t.span.start, terminated);
        for d in diagnostics {
            self.report(d);
        }
        text
    }

    fn scalar(&mut self) -> Scalar {
        let t = self.bump();
        let (text, quoted) = match t.kind {
            TokenKind::Str { terminated } => (self.string_value(t, terminated), true),
            _ => (self.text(t).to_owned(), false),
        };
        Scalar {
            text,
            quoted,
            span: t.span,
        }
    }

    fn is_scalar_start(&self, t: Token) -> bool {
        matches!(t.kind, TokenKind::Str { .. }) || self.is_plain_word(t)
    }

    fn parse_value(&mut self, op: Operator) -> Value {
        let t = self.peek();
        if self.is_scalar_start(t) {
            let s = self.scalar();
            let span = s.span;
            return Value {
                kind: ValueKind::Scalar(s),
                span,
            };
        }
        if t.kind == TokenKind::LBracket {
            return self.parse_list();
        }
        if t.kind == TokenKind::LParen
            && self.is_scalar_start(self.nth(1))
            && self.nth(2).kind == TokenKind::RParen
        {
            // `state = (open)`: keep the value so it is still checked.
            self.bump();
            let s = self.scalar();
            let close = self.bump();
            let whole = t.span.cover(close.span);
            let text = self.source.get(s.span.range()).unwrap_or("").to_owned();
            let d = self
                .expected(&format!("a value after `{}`", op.spelling), t)
                .with_suggestion(whole, text.clone())
                .with_help(format!("values are not parenthesised: write `{text}`"));
            self.report(d);
            return Value {
                kind: ValueKind::Scalar(s),
                span: whole,
            };
        }
        let mut d = self.expected(&format!("a value after `{}`", op.spelling), t);
        if t.kind == TokenKind::Word && is_reserved(t) {
            d = d.with_help(format!(
                "to search for the word itself, quote it: \"{}\"",
                self.text(t)
            ));
        }
        self.report(d);
        if self.at_keyword(Keyword::Not)
            && !self.nth_is_keyword(1, Keyword::In)
            && !self.nth_is_keyword(1, Keyword::Contains)
        {
            // `subject = NOT AND ...`: the keyword was meant as the value;
            // consume it rather than read it as the start of a negation.
            let not = self.bump();
            return Value {
                kind: ValueKind::Error,
                span: not.span,
            };
        }
        Value {
            kind: ValueKind::Error,
            span: Span::empty(t.span.start),
        }
    }

    fn parse_list(&mut self) -> Value {
        let open = self.bump();
        let mut items = Vec::new();
        let end = loop {
            let t = self.peek();
            match t.kind {
                TokenKind::RBracket => break self.bump().span.end,
                TokenKind::LBracket => {
                    self.bump();
                    let end = self.skip_balanced(TokenKind::LBracket, TokenKind::RBracket);
                    self.report(
                        Diagnostic::new(
                            Code::UnexpectedToken,
                            Span::new(t.span.start, end),
                            "lists cannot be nested",
                        )
                        .with_help("write the values in one flat list"),
                    );
                    if self.peek().kind == TokenKind::Comma {
                        self.bump();
                    }
                }
                TokenKind::Comma => {
                    self.bump();
                    let d = self.expected("a value", t);
                    self.report(d);
                }
                _ if self.is_scalar_start(t) => {
                    items.push(self.scalar());
                    let next = self.peek();
                    match next.kind {
                        TokenKind::Comma => {
                            self.bump();
                        }
                        TokenKind::RBracket => {}
                        _ if self.is_scalar_start(next) => {
                            let d = self.expected("`,` between list values", next);
                            self.report(d);
                        }
                        _ => {}
                    }
                }
                _ => {
                    let d = Diagnostic::new(
                        Code::UnbalancedDelimiter,
                        t.span,
                        format!(
                            "expected a value or `]` to close the list, found {}",
                            self.describe(t)
                        ),
                    )
                    .with_label(open.span, "list opened here")
                    .with_help("add `]` after the last value");
                    self.report(d);
                    break items.last().map_or(open.span.end, |s| s.span.end);
                }
            }
        };
        Value {
            kind: ValueKind::List(items),
            span: Span::new(open.span.start, end),
        }
    }

    /// `source.body = need support`: words after a value that do not start
    /// a comparison were probably meant to be part of the value.
    fn stray_words_after_value(&mut self, expr: &mut Expr) {
        let ExprKind::Compare(c) = &expr.kind else {
            return;
        };
        let ValueKind::Scalar(value) = &c.value.kind else {
            return;
        };
        let starts_comparison = |p: &Self, n: usize| {
            let next = p.nth(n + 1);
            matches!(next.kind, TokenKind::Symbol(_))
                || matches!(
                    next.keyword,
                    Some(
                        Keyword::In
                            | Keyword::Nin
                            | Keyword::Not
                            | Keyword::Contains
                            | Keyword::Starts
                            | Keyword::Ends
                    )
                )
        };
        let mut n = 0;
        while self.is_scalar_start(self.nth(n)) && !starts_comparison(self, n) {
            n += 1;
        }
        if n == 0 {
            return;
        }
        let first = self.nth(0).span;
        let last = self.nth(n - 1).span;
        let whole = value.span.cover(last);
        let mut quoted = String::new();
        let text = self.source.get(whole.range()).unwrap_or("");
        let _ = super::lexical::write_quoted(&mut quoted, text);
        let d = Diagnostic::new(
            Code::UnexpectedToken,
            first.cover(last),
            format!(
                "expected `AND`, `OR` or the end of the comparison, found {}",
                self.describe(self.nth(0))
            ),
        )
        .with_suggestion(whole, quoted.clone())
        .with_help(format!(
            "a value with spaces must be quoted: {}",
            clip(&quoted)
        ));
        self.report(d);
        for _ in 0..n {
            self.bump();
        }
        expr.span = expr.span.cover(last);
    }

    /// Reports an unknown character `t` (already consumed) together with
    /// the same characters right after it, so `&&` is one error.
    fn unknown_chars(&mut self, t: Token) -> Diagnostic {
        let text = self.text(t);
        let mut span = t.span;
        while self.peek().kind == TokenKind::Unknown
            && self.peek().span.start == span.end
            && self.text(self.peek()) == text
        {
            span = span.cover(self.bump().span);
        }
        if span == t.span {
            return self.unknown_char(t);
        }
        let run = self.source.get(span.range()).unwrap_or("");
        let d = Diagnostic::new(
            Code::UnexpectedCharacter,
            span,
            format!("unexpected characters: `{run}`"),
        );
        match text {
            "&" => d.with_help("use `AND`"),
            "|" => d.with_help("use `OR`"),
            _ => d,
        }
    }

    fn unknown_char(&self, t: Token) -> Diagnostic {
        let text = self.text(t);
        let (shown, help) = match text {
            "&" => ("`&`".to_owned(), Some("use `AND`")),
            "|" => ("`|`".to_owned(), Some("use `OR`")),
            "!" => ("`!`".to_owned(), Some("use `NOT`, `!=` or `!~`")),
            "\0" => ("a NUL byte".to_owned(), None),
            _ => match text.chars().next() {
                Some(c) if c.is_control() => {
                    (format!("control character U+{:04X}", c as u32), None)
                }
                _ => (format!("`{text}`"), None),
            },
        };
        let d = Diagnostic::new(
            Code::UnexpectedCharacter,
            t.span,
            format!("unexpected character: {shown}"),
        );
        match help {
            Some(h) => d.with_help(h),
            None => d,
        }
    }
}

/// True for a word spelling `AND`, `OR` or `NOT`.
fn is_reserved(t: Token) -> bool {
    t.keyword.is_some_and(Keyword::is_reserved)
}

/// The diagnostic that ends a list of [`MAX_ERRORS`] errors.
pub fn too_many_errors(at: Span) -> Diagnostic {
    Diagnostic::new(
        Code::TooManyErrors,
        at,
        format!("too many errors; stopped after {MAX_ERRORS} errors (the limit, MAX_ERRORS)"),
    )
    .with_help("fix the errors above and run again")
}

#[cold]
fn unreachable_error() -> Expr {
    Expr::new(ExprKind::Error, Span::default())
}
