//! A recursive-descent parser over the token stream that never gives up.
//!
//! It always returns a tree: where the input is malformed it records a
//! diagnostic, puts an [`ExprKind::Error`] (or [`ValueKind::Error`]) node in
//! place and resynchronises on `AND`, `OR`, `)` or the end of input. Every
//! loop consumes a token or leaves, so parsing terminates on any input, and
//! recursion is bounded by [`MAX_DEPTH`].
//!
//! Habits from other query languages (SQL, Lucene, programming languages,
//! a pasted JSON body) are recognised in [`habits`], which the grammar
//! calls where each can occur.

mod habits;

use habits::Grammar;

use super::ast::{
    Ast, Comparison, Expr, ExprKind, Field, Operator, OrderBy, Scalar, Text, Value, ValueKind,
};

use super::lexer::{Lexer, Token, TokenKind};
use super::lexical::{
    Keyword, OpSpelling, SMART_DOUBLE_QUOTES, is_smart_quote, operator_spellings, unescape,
    write_quoted, write_quoted_with,
};
use crate::diagnostic::{Code, Diagnostic, MAX_ERRORS, clip, has_errors, too_many_errors};
use crate::op::SortOrder;
use crate::span::Span;

/// How deeply parentheses and `NOT`s may nest.
pub const MAX_DEPTH: usize = 128;

/// Longest token text quoted in a message.
const MAX_QUOTED: usize = 24;

/// The result of parsing: always a tree, plus every syntax diagnostic.
#[derive(Debug, Clone)]
pub struct Parsed<'src> {
    /// The tree; malformed parts are [`ExprKind::Error`] / [`ValueKind::Error`].
    pub ast: Ast<'src>,
    /// Syntax errors, in source order of discovery, with positions filled in.
    pub diagnostics: Vec<Diagnostic>,
}

impl<'src> Parsed<'src> {
    /// True when the parser reported any error.
    pub fn has_errors(&self) -> bool {
        has_errors(&self.diagnostics)
    }

    /// The tree when there were no syntax errors, else the diagnostics.
    pub fn into_result(self) -> Result<Ast<'src>, Vec<Diagnostic>> {
        if self.has_errors() {
            Err(self.diagnostics)
        } else {
            Ok(self.ast)
        }
    }
}

/// Parses query text. Never fails and never panics: malformed input gives
/// a tree with error nodes and diagnostics that say what was expected.
///
/// ```
/// let parsed = qc::parse("state = open AND read = true");
/// assert!(!parsed.has_errors());
/// assert_eq!(parsed.ast.to_string(), "state = open AND read = true");
/// ```
pub fn parse(source: &str) -> Parsed<'_> {
    if let Some(mut d) = habits::json_body(source) {
        let ast = Ast::new(
            Expr::new(ExprKind::Error, Span::new(0, source.len())),
            source,
            Vec::new(),
        );
        d.locate(ast.line_index());
        return Parsed {
            ast,
            diagnostics: vec![d],
        };
    }
    let mut p = Parser {
        source,
        tokens: Tokens {
            lexer: Lexer::new(source),
            buf: Vec::with_capacity(BATCH * 2),
            pos: 0,
            consumed: 0,
            previous: None,
            comments: Vec::new(),
        },
        diagnostics: Vec::new(),
        errors: 0,
        depth: 0,
        depth_reported: false,
        gave_up: false,
        unclosed_at_eof: None,
        joined_by_typo: false,
        smart_quotes: 0,
    };
    let (root, order_by) = p.parse_query();
    let mut diagnostics = p.diagnostics;
    let ast = Ast::new(root, source, p.tokens.comments).with_order_by(order_by);
    for d in &mut diagnostics {
        d.locate(ast.line_index());
    }
    Parsed { ast, diagnostics }
}

/// The tokens not yet consumed: lexed on demand, a few at a time, and
/// forgotten once consumed, so the parser holds only its lookahead and a
/// small batch (and stops lexing when it gives up).
struct Tokens<'s> {
    lexer: Lexer<'s>,
    /// Lexed tokens; those from `pos` on are not consumed yet.
    buf: Vec<Token>,
    /// The current token's index in `buf`.
    pos: usize,
    /// How many tokens have been consumed.
    consumed: usize,
    /// The last token consumed.
    previous: Option<Token>,
    /// The comments lexed so far, which the parser skips.
    comments: Vec<Span>,
}

/// How many tokens are lexed at a time past the lookahead asked for.
const BATCH: usize = 16;

impl Tokens<'_> {
    /// The token `n` places ahead, or the end of input.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn nth(&mut self, n: usize) -> Token {
        match self.buf.get(self.pos + n) {
            Some(&t) => t,
            None => self.fill(n),
        }
    }

    /// Forgets the consumed tokens and lexes until the token `n` places
    /// ahead is buffered, and a batch more (or the input ends); returns
    /// it: the slow path of [`Tokens::nth`].
    #[inline(never)]
    fn fill(&mut self, n: usize) -> Token {
        self.buf.drain(..self.pos.min(self.buf.len()));
        self.pos = 0;
        let want = n.saturating_add(BATCH);
        while self.buf.len() <= want {
            match self.lexer.next() {
                Some(t) if t.kind == TokenKind::Comment => self.comments.push(t.span),
                Some(t) => self.buf.push(t),
                None => break,
            }
        }
        match self.buf.get(n).or(self.buf.last()) {
            Some(&t) => t,
            // The lexer always ends with Eof, so `buf` is never empty here.
            None => Token {
                kind: TokenKind::Eof,
                span: Span::empty(self.lexer.source_len()),
                keyword: None,
            },
        }
    }

    /// Consumes the current token, `t`, unless it is the end of input.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn advance_past(&mut self, t: Token) {
        if t.kind != TokenKind::Eof {
            self.pos += 1;
            self.consumed += 1;
            self.previous = Some(t);
        }
    }

    /// Skips to the end of input, keeping only the end token: the rest is
    /// lexed (for the end's position) but not stored.
    fn finish(&mut self) {
        let last = self.lexer.by_ref().last().or(self.buf.last().copied());
        self.buf.clear();
        self.pos = 0;
        self.buf.extend(last);
        self.consumed += 1;
    }
}

struct Parser<'s> {
    source: &'s str,
    tokens: Tokens<'s>,
    diagnostics: Vec<Diagnostic>,
    errors: usize,
    depth: usize,
    depth_reported: bool,
    gave_up: bool,
    /// The diagnostic (index) and count of parentheses left open at the end
    /// of input: one diagnostic covers them all instead of one per `(`.
    unclosed_at_eof: Option<(usize, usize)>,
    /// A misspelt `AND`/`OR` (`AN`) was reported and consumed: the
    /// comparison after it needs no second error.
    joined_by_typo: bool,
    /// Smart-quote warnings reported: they stop at [`MAX_ERRORS`], so that
    /// a flood of them cannot grow the list without bound.
    smart_quotes: usize,
}

impl<'s> Parser<'s> {
    // ----- token access -------------------------------------------------

    fn peek(&mut self) -> Token {
        self.nth(0)
    }

    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn nth(&mut self, n: usize) -> Token {
        self.tokens.nth(n)
    }

    fn bump(&mut self) -> Token {
        let tokens = &mut self.tokens;
        let t = tokens.nth(0);
        tokens.advance_past(t);
        t
    }

    fn text(&self, t: Token) -> &'s str {
        self.source.get(t.span.range()).unwrap_or("")
    }

    fn at_eof(&mut self) -> bool {
        self.peek().kind == TokenKind::Eof
    }

    fn at_keyword(&mut self, keyword: Keyword) -> bool {
        self.nth_is_keyword(0, keyword)
    }

    fn nth_is_keyword(&mut self, n: usize, keyword: Keyword) -> bool {
        self.nth(n).keyword == Some(keyword)
    }

    /// A word that is not `AND`/`OR`/`NOT`.
    fn is_plain_word(t: Token) -> bool {
        t.kind == TokenKind::Word && !is_reserved(t)
    }

    /// Can this token begin an operand of AND/OR?
    fn starts_term(t: Token) -> bool {
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
            && self.diagnostics.last().is_some_and(|last| {
                last.is_error() && last.range.start() == diagnostic.range.start()
            })
        {
            return;
        }
        if diagnostic.is_error() {
            self.errors += 1;
        }
        if self.errors > MAX_ERRORS {
            self.gave_up = true;
            self.diagnostics.push(too_many_errors(diagnostic.range));
            self.tokens.finish();
            return;
        }
        self.diagnostics.push(diagnostic);
    }

    fn expected(&mut self, what: &str, found: Token) -> Diagnostic {
        let message = format!("expected {what}, found {}", self.describe(found));
        Diagnostic::new(Code::UnexpectedToken, found.span, message)
    }

    // ----- grammar ------------------------------------------------------

    /// The query: its filter and the `ORDER BY` clause that may end it.
    fn parse_query(&mut self) -> (Expr<'s>, Option<OrderBy<'s>>) {
        if self.at_eof() {
            self.report(
                Diagnostic::new(
                    Code::EmptyQuery,
                    Span::new(0, self.source.len()),
                    "the query is empty",
                )
                .with_help("write a comparison such as `state = open`"),
            );
            return (
                Expr::new(ExprKind::Error, Span::new(0, self.source.len())),
                None,
            );
        }
        if self.order_by_at(0) {
            let at = self.peek().span;
            let by = self.nth(1).span;
            self.report(
                Diagnostic::new(
                    Code::EmptyQuery,
                    at.cover(by),
                    "the query has no comparison before `ORDER BY`",
                )
                .with_help("the search takes a query: write the comparisons to search before `ORDER BY`, e.g. `role = user ORDER BY created_at`"),
            );
            let order_by = self.parse_order_by();
            self.after_order_by();
            return (
                Expr::new(ExprKind::Error, Span::empty(at.start())),
                order_by,
            );
        }
        let mut root = self.parse_or();
        let mut extra = Vec::new();
        let mut order_by = None;
        while !self.at_eof() {
            if self.order_by_at(0) {
                order_by = self.parse_order_by();
                self.after_order_by();
                break;
            }
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
            if Self::starts_term(self.peek()) && !self.order_by_at(0) {
                extra.push(self.parse_or());
            }
        }
        if !extra.is_empty() {
            let span = extra.iter().fold(root.span, |s, e| s.cover(e.span));
            extra.insert(0, root);
            root = Expr::new(ExprKind::And(extra), span);
        }
        (root, order_by)
    }

    /// True when `ORDER BY` starts `n` tokens ahead.
    fn order_by_at(&mut self, n: usize) -> bool {
        self.nth_is_keyword(n, Keyword::Order) && self.nth_is_keyword(n + 1, Keyword::By)
    }

    /// `ORDER BY field [ASC|DESC]`, at `ORDER BY`; `None` (reported) when
    /// no field follows. A bare `ASC` or `DESC` right after `ORDER BY` is
    /// the order, not a field (a field of that name is quoted).
    fn parse_order_by(&mut self) -> Option<OrderBy<'s>> {
        let order = self.bump();
        self.bump(); // BY
        let t = self.peek();
        let written_order = t.keyword.and_then(Keyword::sort_order);
        let field = match t.kind {
            TokenKind::Str { terminated } => {
                self.bump();
                Field {
                    name: self.string_value(t, terminated),
                    span: t.span,
                }
            }
            TokenKind::Word if !is_reserved(t) && written_order.is_none() => {
                self.bump();
                self.field(t)
            }
            _ => {
                let mut d = self.expected("a field to sort on after `ORDER BY`", t);
                d = match written_order {
                    Some(o) => d.with_help(format!(
                        "write the field before the order, e.g. `ORDER BY created_at {}`; a field named `{}` is quoted: `ORDER BY \"{}\"`",
                        o.keyword(),
                        self.text(t),
                        self.text(t)
                    )),
                    None => d.with_help("`ORDER BY` takes one field, e.g. `ORDER BY created_at DESC`"),
                };
                self.report(d);
                if written_order.is_some() {
                    // Read, so that it is not reported again.
                    self.bump();
                }
                return None;
            }
        };
        let next = self.peek();
        let written = match next.keyword.and_then(Keyword::sort_order) {
            Some(o) => {
                self.bump();
                Some((o, next.span))
            }
            None => self.order_spelled_out(next),
        };
        let end = written.map_or(field.span, |(_, span)| span);
        Some(OrderBy {
            field,
            order: written,
            span: order.span.cover(end),
        })
    }

    /// `ascending` or `descending` (any letter case) where `ASC` or `DESC`
    /// goes: reported with the keyword as the fix, and read as it.
    fn order_spelled_out(&mut self, t: Token) -> Option<(SortOrder, Span)> {
        if t.kind != TokenKind::Word {
            return None;
        }
        let order = SortOrder::from_api(&self.text(t).to_ascii_lowercase())?;
        let d = self
            .expected("`ASC`, `DESC` or the end of the query", t)
            .with_help(format!("the order is written `{}`", order.keyword()))
            .with_suggestion(t.span, order.keyword());
        self.report(d);
        self.bump();
        Some((order, t.span))
    }

    /// Reports what follows the `ORDER BY` clause, which ends the query,
    /// and skips it to the end.
    fn after_order_by(&mut self) {
        let t = self.peek();
        let d = match t.kind {
            TokenKind::Eof => return,
            TokenKind::Comma => Diagnostic::new(
                Code::UnexpectedToken,
                t.span,
                "`ORDER BY` takes one field: the API sorts by one field only",
            )
            .with_help("keep the one field to sort by"),
            _ if self.order_by_at(0) => Diagnostic::new(
                Code::UnexpectedToken,
                t.span.cover(self.nth(1).span),
                "`ORDER BY` is written once: the API sorts by one field only",
            )
            .with_help("keep the one `ORDER BY` to sort by"),
            _ => self
                .expected("the end of the query after `ORDER BY`", t)
                .with_help(
                    "`ORDER BY field [ASC|DESC]` ends the query: write the comparisons before it",
                ),
        };
        self.report(d);
        while !self.at_eof() {
            self.bump();
        }
    }

    /// At `AND` or `OR` right before `ORDER BY`: the joiner joins nothing.
    /// Reports it (with its removal as the fix) and reads it.
    fn joiner_before_order_by(&mut self) -> bool {
        if !self.order_by_at(1) {
            return false;
        }
        let joiner = self.bump();
        let order = self.peek().span;
        let text = self.text(joiner).to_ascii_uppercase();
        let d = Diagnostic::new(
            Code::UnexpectedToken,
            joiner.span,
            format!("expected a comparison after `{text}`, found `ORDER BY`"),
        )
        .with_help(format!("remove `{text}`: `ORDER BY` ends the query"))
        .with_suggestion(Span::new(joiner.span.start(), order.start()), "");
        self.report(d);
        true
    }

    fn parse_or(&mut self) -> Expr<'s> {
        let mut first = self.parse_and();
        let mut items = Vec::new();
        while self.at_keyword(Keyword::Or) {
            if self.joiner_before_order_by() {
                break;
            }
            self.bump();
            let item = self.parse_and();
            Self::add_operand(&mut items, &mut first, item);
        }
        Self::join(items, first, ExprKind::Or)
    }

    fn parse_and(&mut self) -> Expr<'s> {
        // Most operands of OR are alone, and need no vector
        // ([`Parser::add_operand`]).
        let mut first = self.parse_unary();
        let mut items = Vec::new();
        loop {
            let t = self.peek();
            if self.at_keyword(Keyword::And) {
                if self.joiner_before_order_by() {
                    break;
                }
                self.bump();
                let item = self.parse_unary();
                Self::add_operand(&mut items, &mut first, item);
            } else if self.order_by_at(0) {
                // The clause that ends the query: `parse_query` reads it.
                break;
            } else if t.kind == TokenKind::Unknown {
                self.bump();
                let d = self.unknown_chars(t);
                self.report(d);
                if Self::starts_term(self.peek()) && !self.order_by_at(0) {
                    let item = self.parse_unary();
                    Self::add_operand(&mut items, &mut first, item);
                }
            } else if Self::starts_term(t) {
                if !std::mem::take(&mut self.joined_by_typo) {
                    let d = self
                        .expected("`AND` or `OR` between comparisons", t)
                        .with_help("join comparisons with AND or OR");
                    self.report(d);
                }
                let before = self.tokens.consumed;
                let item = self.parse_unary();
                Self::add_operand(&mut items, &mut first, item);
                // Progress guard: the loop must consume input on every turn
                // (repeated errors at one position are not reported twice,
                // so the error limit alone would not end it).
                if self.tokens.consumed == before {
                    self.bump();
                }
            } else {
                break;
            }
        }
        Self::join(items, first, ExprKind::And)
    }

    /// Adds `item` to the operands of a group whose first operand is
    /// `first`: the vector is made when the second operand comes, with
    /// `first` moved into it and room for the usual groups (eight), so
    /// that a lone operand (most operands of OR, and the inside of most
    /// parentheses) needs none, and operands are moved once.
    fn add_operand(items: &mut Vec<Expr<'s>>, first: &mut Expr<'s>, item: Expr<'s>) {
        if items.is_empty() {
            *items = Vec::with_capacity(8);
            let placeholder = Expr::new(ExprKind::Error, Span::default());
            items.push(std::mem::replace(first, placeholder));
        }
        items.push(item);
    }

    /// The group of `items`, or `first` alone when no operand was added
    /// to it ([`Parser::add_operand`]).
    fn join(
        items: Vec<Expr<'s>>,
        first: Expr<'s>,
        make: fn(Vec<Expr<'s>>) -> ExprKind<'s>,
    ) -> Expr<'s> {
        let span = match (items.first(), items.last()) {
            (Some(a), Some(b)) => a.span.cover(b.span),
            _ => return first,
        };
        Expr::new(make(items), span)
    }

    fn parse_unary(&mut self) -> Expr<'s> {
        if !self.at_keyword(Keyword::Not)
            || self.nth_is_keyword(1, Keyword::In)
            || self.nth_is_keyword(1, Keyword::Contains)
        {
            return self.parse_primary();
        }
        // The NOTs in a row; the first kept apart, so that a lone NOT (the
        // usual case) needs no vector.
        let first = self.bump().span;
        let mut more = Vec::new();
        let mut last = first;
        loop {
            if self.depth + 1 + more.len() > MAX_DEPTH {
                self.too_deep(last);
                while self.at_keyword(Keyword::Not) {
                    self.bump();
                }
                let inner = self.parse_primary();
                return Expr::new(ExprKind::Error, first.cover(inner.span));
            }
            if !self.at_keyword(Keyword::Not) {
                break;
            }
            last = self.bump().span;
            more.push(last);
        }
        let count = 1 + more.len();
        self.depth += count;
        let mut expr = self.parse_primary();
        self.depth -= count;
        for not in more.into_iter().rev().chain([first]) {
            let span = not.cover(expr.span);
            expr = Expr::new(ExprKind::Not(Box::new(expr)), span);
        }
        expr
    }

    /// At `NOT IN` or `NOT CONTAINS` (an operator, not a negation).
    fn at_negated_operator(&mut self) -> bool {
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

    fn parse_primary(&mut self) -> Expr<'s> {
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
                let starts_primary =
                    (matches!(next.kind, TokenKind::LParen | TokenKind::Str { .. })
                        || Self::is_plain_word(next))
                        && !self.order_by_at(0);
                if starts_primary {
                    // `next` is not Unknown, so this recursion is one level.
                    return self.parse_primary();
                }
                Expr::new(
                    ExprKind::Error,
                    Span::new(t.span.start(), next.span.start()),
                )
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
                let mut end = op_span.end();
                if Self::is_scalar_start(self.peek()) {
                    end = self.bump().span.end();
                } else if self.peek().kind == TokenKind::LBracket {
                    self.bump();
                    end = self.skip_balanced(TokenKind::LBracket, TokenKind::RBracket);
                }
                Expr::new(ExprKind::Error, Span::new(t.span.start(), end))
            }
            _ => {
                let d = self.expected("a comparison such as `state = open`", t);
                self.report(d);
                Expr::new(ExprKind::Error, Span::empty(t.span.start()))
            }
        }
    }

    fn parse_paren(&mut self) -> Expr<'s> {
        let open = self.bump();
        if self.depth >= MAX_DEPTH {
            self.too_deep(open.span);
            let end = self.skip_balanced(TokenKind::LParen, TokenKind::RParen);
            return Expr::new(ExprKind::Error, Span::new(open.span.start(), end));
        }
        self.depth += 1;
        let inner = self.parse_or();
        self.depth -= 1;
        if self.order_by_at(0) {
            let at = self.peek().span.cover(self.nth(1).span);
            let clause = self.parse_order_by();
            let d = Diagnostic::new(
                Code::UnexpectedToken,
                clause.as_ref().map_or(at, |c| c.span),
                "`ORDER BY` ends the whole query: it cannot be inside parentheses",
            )
            .with_label(open.span, "parenthesis opened here")
            .with_help("move the `ORDER BY` clause after the last `)`");
            self.report(d);
        }
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
                return t.span.start();
            }
            self.bump();
            if t.kind == open {
                depth += 1;
            } else if t.kind == close {
                depth -= 1;
                if depth == 0 {
                    return t.span.end();
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
            end = self.bump().span.end();
        }
    }

    fn parse_comparison(&mut self) -> Expr<'s> {
        let after_not = self
            .tokens
            .previous
            .is_some_and(|t| t.keyword == Some(Keyword::Not));
        let name_token = self.bump();
        if name_token.kind == TokenKind::Word
            && let Some(expr) = habits::lucene(self, name_token)
        {
            return expr;
        }
        let field = match name_token.kind {
            TokenKind::Str { terminated } => Field {
                name: self.string_value(name_token, terminated),
                span: name_token.span,
            },
            _ => self.field(name_token),
        };
        if let Some(expr) = habits::sql_operator(self, &field, after_not) {
            return expr;
        }
        let Some(op) = self.parse_operator(&field) else {
            let end = self.skip_to_sync(field.span.end());
            return Expr::new(ExprKind::Error, Span::new(field.span.start(), end));
        };
        let value = if op.spelling.takes_value() {
            self.parse_value(op)
        } else {
            // `IS NULL`: the operator was read, `NULL` is the value.
            let null = self.bump();
            Value {
                kind: ValueKind::Scalar(Scalar {
                    text: Text::borrowed("null"),
                    quoted: false,
                    span: null.span,
                }),
                span: null.span,
            }
        };
        self.comparison(field, op, value)
    }

    /// The comparison node, with the check for unquoted words after it.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn comparison(&mut self, field: Field<'s>, op: Operator, value: Value<'s>) -> Expr<'s> {
        let span = field.span.cover(op.span).cover(value.span);
        // Usually `AND`, `OR`, `)` or the end comes next: nothing stray,
        // and the node is built where it is returned.
        if Self::is_scalar_start(self.peek()) {
            let mut expr = Expr::new(ExprKind::Compare(Comparison { field, op, value }), span);
            self.stray_words_after_value(&mut expr);
            return expr;
        }
        Expr::new(ExprKind::Compare(Comparison { field, op, value }), span)
    }

    /// A field named by a word, borrowed from the field table when known.
    fn field(&self, t: Token) -> Field<'s> {
        Field {
            name: Text::borrowed(self.text(t)),
            span: t.span,
        }
    }

    /// True when the token `n` places ahead starts an operator, foreign
    /// ones (`LIKE`, `BETWEEN`) included.
    fn operator_at(&mut self, n: usize) -> bool {
        let t = self.nth(n);
        match t.kind {
            TokenKind::Symbol(_) => true,
            TokenKind::Word => match t.keyword {
                Some(
                    Keyword::In
                    | Keyword::Nin
                    | Keyword::Contains
                    | Keyword::Starts
                    | Keyword::Ends
                    | Keyword::Is,
                ) => true,
                Some(Keyword::Not) => {
                    let next = self.nth(n + 1);
                    matches!(next.keyword, Some(Keyword::In | Keyword::Contains))
                        || habits::is_sql_operator(self.text(next))
                }
                Some(_) => false,
                None => habits::is_sql_operator(self.text(t)),
            },
            _ => false,
        }
    }

    /// True when a comparison, a `NOT` or a parenthesis starts `n` tokens
    /// ahead: what may follow `AND`.
    fn operand_at(&mut self, n: usize) -> bool {
        let t = self.nth(n);
        match t.kind {
            TokenKind::LParen => true,
            TokenKind::Word if t.keyword == Some(Keyword::Not) => true,
            _ => Self::is_scalar_start(t) && self.operator_at(n + 1),
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn parse_operator(&mut self, field: &Field<'s>) -> Option<Operator> {
        if let Some(op) = habits::doubled_symbol(self) {
            return Some(op);
        }
        let t = self.peek();
        let word = |k| t.keyword == Some(k);
        let (spelling, len) = match t.kind {
            TokenKind::Symbol(s) => (OpSpelling::Symbol(s), 1),
            TokenKind::Word if word(Keyword::In) => (OpSpelling::In, 1),
            TokenKind::Word if word(Keyword::Nin) => (OpSpelling::Nin, 1),
            TokenKind::Word if word(Keyword::Contains) => (OpSpelling::Contains, 1),
            TokenKind::Word if word(Keyword::Not) && self.nth_is_keyword(1, Keyword::In) => {
                (OpSpelling::NotIn, 2)
            }
            TokenKind::Word if word(Keyword::Not) && self.nth_is_keyword(1, Keyword::Contains) => {
                (OpSpelling::NotContains, 2)
            }
            TokenKind::Word if word(Keyword::Starts) || word(Keyword::Ends) => {
                let spelling = if word(Keyword::Starts) {
                    OpSpelling::StartsWith
                } else {
                    OpSpelling::EndsWith
                };
                if !self.nth_is_keyword(1, Keyword::With) {
                    let after = self.nth(1);
                    let d = self
                        .expected(
                            &format!("`WITH` after `{}`", self.text(t).to_ascii_uppercase()),
                            after,
                        )
                        .with_help(format!("write `{spelling}`"));
                    self.report(d);
                    return None;
                }
                (spelling, 2)
            }
            TokenKind::Word if word(Keyword::Is) => {
                // `IS NULL`, `IS NOT NULL`: the operator is `IS` (and
                // `NOT`); the caller reads `NULL` as the value.
                if self.nth_is_keyword(1, Keyword::Null) {
                    (OpSpelling::IsNull, 1)
                } else if self.nth_is_keyword(1, Keyword::Not)
                    && self.nth_is_keyword(2, Keyword::Null)
                {
                    (OpSpelling::IsNotNull, 2)
                } else {
                    let at = if self.nth_is_keyword(1, Keyword::Not) {
                        2
                    } else {
                        1
                    };
                    let after = self.nth(at);
                    let d = self
                        .expected("`NULL` or `NOT NULL` after `IS`", after)
                        .with_help("`IS` only tests for null, as in `admin_assignee_id IS NULL`; compare values with `=` or `!=`");
                    self.report(d);
                    return None;
                }
            }
            _ => {
                let d = self
                    .expected(&format!("an operator after `{}`", clip(&field.name)), t)
                    .with_help(format!("operators are {}", operator_spellings()));
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

    fn string_value(&mut self, t: Token, terminated: bool) -> Text<'s> {
        if !terminated {
            let d = Diagnostic::new(Code::UnterminatedString, t.span, "unterminated string")
                .with_help("add the closing quote");
            self.report(d);
        }
        let raw = self.text(t);
        let (text, diagnostics) = unescape(raw, t.span.start(), terminated);
        let escapes_valid = diagnostics.is_empty();
        for d in diagnostics {
            self.report(d);
        }
        if raw.starts_with(is_smart_quote) {
            self.smart_quotes(t, terminated && escapes_valid, &text);
        }
        Text::from(text)
    }

    /// The warning for a string in typographic quotes, with straight quotes
    /// as the fix when the string is well-formed.
    fn smart_quotes(&mut self, t: Token, fixable: bool, text: &str) {
        if self.smart_quotes >= MAX_ERRORS {
            return;
        }
        self.smart_quotes += 1;
        let raw = self.text(t);
        let mut chars = raw.chars();
        let open = chars.next().unwrap_or('"');
        let quotes = match chars.next_back() {
            Some(close) if fixable => format!("`{open}` and `{close}`"),
            _ => format!("`{open}`"),
        };
        let straight = if SMART_DOUBLE_QUOTES.contains(&open) {
            '"'
        } else {
            '\''
        };
        let message =
            format!("smart quotes {quotes} around a string: qc reads them as `{straight}`");
        let mut d = Diagnostic::new(Code::SmartQuotes, t.span, message);
        if fixable {
            let mut quoted = String::new();
            let _ = write_quoted_with(&mut quoted, text, straight);
            d = d
                .with_help(format!("write straight quotes: `{}`", clip(&quoted)))
                .with_suggestion(t.span, quoted);
        } else {
            d = d.with_help("write straight quotes, `\"` or `'`");
        }
        self.report(d);
    }

    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn scalar(&mut self) -> Scalar<'s> {
        let t = self.bump();
        let (text, quoted) = match t.kind {
            TokenKind::Str { terminated } => (self.string_value(t, terminated), true),
            _ => (Text::borrowed(self.text(t)), false),
        };
        Scalar {
            text,
            quoted,
            span: t.span,
        }
    }

    fn is_scalar_start(t: Token) -> bool {
        matches!(t.kind, TokenKind::Str { .. }) || Self::is_plain_word(t)
    }

    fn parse_value(&mut self, op: Operator) -> Value<'s> {
        let t = self.peek();
        if Self::is_scalar_start(t) {
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
            && Self::is_scalar_start(self.nth(1))
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
            span: Span::empty(t.span.start()),
        }
    }

    fn parse_list(&mut self) -> Value<'s> {
        let open = self.bump();
        // Room for the usual lists, made at once rather than grown.
        let mut items = Vec::with_capacity(4);
        let end = loop {
            let t = self.peek();
            match t.kind {
                TokenKind::RBracket => break self.bump().span.end(),
                TokenKind::LBracket => {
                    self.bump();
                    let end = self.skip_balanced(TokenKind::LBracket, TokenKind::RBracket);
                    self.report(
                        Diagnostic::new(
                            Code::UnexpectedToken,
                            Span::new(t.span.start(), end),
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
                _ if Self::is_scalar_start(t) => {
                    items.push(self.scalar());
                    let next = self.peek();
                    match next.kind {
                        TokenKind::Comma => {
                            self.bump();
                        }
                        TokenKind::RBracket => {}
                        _ if Self::is_scalar_start(next) => {
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
                    break items.last().map_or(open.span.end(), |s| s.span.end());
                }
            }
        };
        Value {
            kind: ValueKind::List(items),
            span: Span::new(open.span.start(), end),
        }
    }

    /// `source.body = need support`: words after a value that do not start
    /// a comparison were probably meant to be part of the value. A word
    /// spelt like `AND`/`OR` (`AN`) before a comparison is a misspelt joiner
    /// instead.
    fn stray_words_after_value(&mut self, expr: &mut Expr<'s>) {
        let ExprKind::Compare(c) = &expr.kind else {
            return;
        };
        let ValueKind::Scalar(value) = &c.value.kind else {
            return;
        };
        let mut n = 0;
        let mut joiner = None;
        while Self::is_scalar_start(self.nth(n)) && !self.operator_at(n + 1) && !self.order_by_at(n)
        {
            let t = self.nth(n);
            if t.kind == TokenKind::Word
                && self.operand_at(n + 1)
                && let Some(k) = joiner_typo(self.text(t))
            {
                joiner = Some(k);
                break;
            }
            n += 1;
        }
        if n > 0 {
            let first = self.nth(0);
            let last = self.nth(n - 1).span;
            let whole = value.span.cover(last);
            let mut d = Diagnostic::new(
                Code::UnexpectedToken,
                first.span.cover(last),
                format!(
                    "expected `AND`, `OR` or the end of the comparison, found {}",
                    self.describe(first)
                ),
            );
            let words: Vec<Token> = (0..n).map(|i| self.nth(i)).collect();
            let text = self.source.get(whole.range()).unwrap_or("");
            let signed = |w: &str| w.starts_with(['-', '+']) || w.ends_with(['-', '+']);
            let glued = !value.quoted
                && n <= 2
                && words.iter().all(|t| t.kind == TokenKind::Word)
                && (signed(&value.text) || signed(self.text(first)));
            // The helps stay true when the fix is not offered (it is only
            // when it leaves fewer errors): the fix itself names the text.
            let last_token = self.nth(n - 1);
            let last_word = self.text(last_token);
            if glued {
                // `now - 7d`: spaces around a sign.
                let joined: String = text.split_whitespace().collect();
                d = d
                    .with_help("write the value without spaces")
                    .with_suggestion(whole, joined);
            } else if words.iter().any(|&t| t.keyword.is_some()) || joiner_typo(last_word).is_some()
            {
                // `open CONTAINS x`, `a IS b`: which words belong to the
                // value is anyone's guess; `open AN` at the end is more
                // likely a joiner left dangling than a value.
                d = d.with_help("a value with spaces must be quoted");
            } else {
                let mut quoted = String::new();
                let _ = write_quoted(&mut quoted, text);
                d = d
                    .with_help("a value with spaces must be quoted")
                    .with_suggestion(whole, quoted);
            }
            self.report(d);
            for _ in 0..n {
                self.bump();
            }
            expr.span = expr.span.cover(last);
        }
        if let Some(keyword) = joiner {
            let t = self.bump();
            let d = Diagnostic::new(
                Code::UnexpectedToken,
                t.span,
                format!(
                    "expected `AND`, `OR` or the end of the comparison, found {}",
                    self.describe(t)
                ),
            )
            .with_suggestion(t.span, keyword);
            self.report(d);
            self.joined_by_typo = true;
        }
    }

    /// Reports an unknown character `t` (already consumed) together with
    /// the same characters right after it, so `&&` is one error.
    fn unknown_chars(&mut self, t: Token) -> Diagnostic {
        let text = self.text(t);
        let mut span = t.span;
        while let next = self.peek()
            && next.kind == TokenKind::Unknown
            && next.span.start() == span.end()
            && self.text(next) == text
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
        match habits::stray_operator_help(text, true) {
            Some((h, Some(keyword))) => d
                .with_help(h)
                .with_suggestion(span, habits::stray_operator_fix(self.source, span, keyword)),
            Some((h, None)) => d.with_help(h),
            None => d,
        }
    }

    fn unknown_char(&self, t: Token) -> Diagnostic {
        let text = self.text(t);
        let shown = match text.chars().next() {
            _ if text == "\0" => "a NUL byte".to_owned(),
            Some(c) if c.is_control() => format!("control character U+{:04X}", c as u32),
            _ => format!("`{text}`"),
        };
        let d = Diagnostic::new(
            Code::UnexpectedCharacter,
            t.span,
            format!("unexpected character: {shown}"),
        );
        match habits::stray_operator_help(text, false) {
            Some((h, Some(keyword))) => d.with_help(h).with_suggestion(
                t.span,
                habits::stray_operator_fix(self.source, t.span, keyword),
            ),
            Some((h, None)) => d.with_help(h),
            None => d,
        }
    }
}

/// The grammar the habits read on with: each method is the parser's own.
impl<'s> Grammar<'s> for Parser<'s> {
    #[inline(always)]
    fn source(&self) -> &'s str {
        self.source
    }
    #[inline(always)]
    fn text(&self, t: Token) -> &'s str {
        Parser::text(self, t)
    }
    #[inline(always)]
    fn peek(&mut self) -> Token {
        Parser::peek(self)
    }
    #[inline(always)]
    fn nth(&mut self, n: usize) -> Token {
        Parser::nth(self, n)
    }
    #[inline(always)]
    fn bump(&mut self) -> Token {
        Parser::bump(self)
    }
    #[inline(always)]
    fn at_keyword(&mut self, keyword: Keyword) -> bool {
        Parser::at_keyword(self, keyword)
    }
    #[inline(always)]
    fn nth_is_keyword(&mut self, n: usize, keyword: Keyword) -> bool {
        Parser::nth_is_keyword(self, n, keyword)
    }
    #[inline(always)]
    fn operator_at(&mut self, n: usize) -> bool {
        Parser::operator_at(self, n)
    }
    #[inline(always)]
    fn is_scalar_start(t: Token) -> bool {
        Parser::is_scalar_start(t)
    }
    #[inline(always)]
    fn report(&mut self, diagnostic: Diagnostic) {
        Parser::report(self, diagnostic);
    }
    #[inline(always)]
    fn skip_to_sync(&mut self, from: usize) -> usize {
        Parser::skip_to_sync(self, from)
    }
    #[inline(always)]
    fn skip_balanced(&mut self, open: TokenKind, close: TokenKind) -> usize {
        Parser::skip_balanced(self, open, close)
    }
    #[inline(always)]
    fn scalar(&mut self) -> Scalar<'s> {
        Parser::scalar(self)
    }
    #[inline(always)]
    fn parse_operator(&mut self, field: &Field<'s>) -> Option<Operator> {
        Parser::parse_operator(self, field)
    }
    #[inline(always)]
    fn parse_value(&mut self, op: Operator) -> Value<'s> {
        Parser::parse_value(self, op)
    }
    #[inline(always)]
    fn comparison(&mut self, field: Field<'s>, op: Operator, value: Value<'s>) -> Expr<'s> {
        Parser::comparison(self, field, op, value)
    }
}

/// `AND` or `OR` when `word` is one letter away from it (`AN`, `ADN`,
/// `OE`), in any letter case.
fn joiner_typo(word: &str) -> Option<&'static str> {
    if !(2..=4).contains(&word.len()) || !word.is_ascii() {
        return None;
    }
    let upper = word.to_ascii_uppercase();
    ["AND", "OR"]
        .into_iter()
        .find(|k| strsim::osa_distance(&upper, k) <= 1)
}

/// True for a word spelling `AND`, `OR` or `NOT`.
fn is_reserved(t: Token) -> bool {
    t.keyword.is_some_and(Keyword::is_reserved)
}

#[cfg(test)]
mod tests {
    use super::{MAX_DEPTH, parse};
    use crate::diagnostic::Code;
    use crate::span::Span;
    use crate::syntax::{Expr, ExprKind};

    /// The comparisons' field names of a group's operands, in order.
    fn fields<'a>(items: &'a [Expr<'_>]) -> Vec<&'a str> {
        items
            .iter()
            .map(|e| match &e.kind {
                ExprKind::Compare(c) => c.field.name.as_str(),
                _ => "?",
            })
            .collect()
    }

    #[test]
    fn nots_in_a_row_nest_from_the_first() {
        let source = "NOT NOT  NOT state = open";
        let parsed = parse(source);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let mut e = &parsed.ast.root;
        let mut spans = Vec::new();
        while let ExprKind::Not(inner) = &e.kind {
            spans.push(e.span);
            e = inner;
        }
        let whole = |start| Span::new(start, source.len());
        assert_eq!(spans, [whole(0), whole(4), whole(9)]);
        assert!(matches!(e.kind, ExprKind::Compare(_)), "{e:?}");
    }

    #[test]
    fn nots_past_the_depth_limit_are_one_error_node() {
        let source = format!("{}state = open", "NOT ".repeat(MAX_DEPTH + 1));
        let parsed = parse(&source);
        let codes: Vec<Code> = parsed.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::NestingTooDeep]);
        assert_eq!(parsed.ast.root.kind, ExprKind::Error);
        assert_eq!(parsed.ast.root.span, Span::new(0, source.len()));
        let at = parsed.diagnostics[0].range;
        let last_not = 4 * MAX_DEPTH;
        assert_eq!(at, Span::new(last_not, last_not + 3));
    }

    #[test]
    fn groups_hold_their_operands_in_order() {
        // More operands than the room a group's vector starts with.
        let names: Vec<String> = (0..11).map(|i| format!("f{i}")).collect();
        let and = names
            .iter()
            .map(|n| format!("{n} = 1"))
            .collect::<Vec<_>>()
            .join(" AND ");
        let source = format!("({and}) OR g = 2 OR h = 3");
        let parsed = parse(&source);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let ExprKind::Or(items) = &parsed.ast.root.kind else {
            panic!("an OR: {:?}", parsed.ast.root);
        };
        assert_eq!(parsed.ast.root.span, Span::new(0, source.len()));
        assert_eq!(fields(&items[1..]), ["g", "h"]);
        let ExprKind::Paren(inner) = &items[0].kind else {
            panic!("a parenthesis: {:?}", items[0]);
        };
        let ExprKind::And(operands) = &inner.kind else {
            panic!("an AND: {inner:?}");
        };
        assert_eq!(fields(operands), names);
        assert_eq!(inner.span, Span::new(1, 1 + and.len()));
        // A lone operand is not wrapped in a group.
        assert!(
            matches!(parse("(a = 1)").ast.root.kind, ExprKind::Paren(ref e) if matches!(e.kind, ExprKind::Compare(_)))
        );
    }
}
