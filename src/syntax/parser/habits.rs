//! Habits from other query languages, recognised so that each is one
//! error with what qc writes instead (and a fix where the meaning is
//! certain), rather than a cascade of syntax errors:
//!
//! - a pasted JSON request body (`{"query": ...}`), E0012;
//! - Lucene's `field:value`, E0011;
//! - SQL's `LIKE`, `NOT LIKE`, `BETWEEN` and `NOT BETWEEN`, E0011;
//! - `==`, `===`, `!==` (programming languages) and `<>` (SQL), E0011;
//! - `&&`, `||` and `!`, which are unknown characters to qc (E0005): the
//!   help names the keyword, and `&&`/`||` (or `&`/`|`) get it as the fix.
//!
//! The parser calls each where it can occur; what qc's own grammar reads
//! is in the parent module. The habits use that grammar through
//! [`Grammar`] (the value after `field:`, the comparison node), which the
//! parser implements: this file knows no parser.

use crate::diagnostic::{Code, Diagnostic, clip};
use crate::span::Span;
use crate::syntax::ast::{
    Comparison, Expr, ExprKind, Field, Operator, Scalar, Text, Value, ValueKind,
};
use crate::syntax::lexer::{Token, TokenKind};
use crate::syntax::lexical::{Keyword, OpSpelling, SymbolOp, write_quoted, write_value};

/// What the habits use of the parser: its tokens, its diagnostics and the
/// parts of qc's grammar that read on after a habit. The parser implements
/// it; each method is the parser's own.
pub(super) trait Grammar<'s> {
    /// The query text.
    fn source(&self) -> &'s str;
    /// The text of token `t`.
    fn text(&self, t: Token) -> &'s str;
    /// The current token.
    fn peek(&mut self) -> Token;
    /// The token `n` places ahead, or the end of input.
    fn nth(&mut self, n: usize) -> Token;
    /// Consumes the current token and returns it.
    fn bump(&mut self) -> Token;
    /// True when the current token is `keyword`.
    fn at_keyword(&mut self, keyword: Keyword) -> bool;
    /// True when the token `n` places ahead is `keyword`.
    fn nth_is_keyword(&mut self, n: usize, keyword: Keyword) -> bool;
    /// True when the token `n` places ahead starts an operator.
    fn operator_at(&mut self, n: usize) -> bool;
    /// True when `t` can begin a value: a string or a plain word.
    fn is_scalar_start(t: Token) -> bool;
    /// Records a diagnostic.
    fn report(&mut self, diagnostic: Diagnostic);
    /// Skips to the next `AND`, `OR`, `)` or the end; returns the end of
    /// what was skipped (or `from` if nothing was).
    fn skip_to_sync(&mut self, from: usize) -> usize;
    /// Skips from just after `open` to just after its `close` (or the
    /// end); returns the end offset.
    fn skip_balanced(&mut self, open: TokenKind, close: TokenKind) -> usize;
    /// Reads the current token as a value (a string or a word).
    fn scalar(&mut self) -> Scalar<'s>;
    /// Reads the operator after `field`.
    fn parse_operator(&mut self, field: &Field<'s>) -> Option<Operator>;
    /// Reads the value after `op`.
    fn parse_value(&mut self, op: Operator) -> Value<'s>;
    /// The comparison node, with the check for unquoted words after it.
    fn comparison(&mut self, field: Field<'s>, op: Operator, value: Value<'s>) -> Expr<'s>;
}

/// The one error for a pasted JSON request body: input whose first
/// character, after whitespace, is `{` (which starts no qc query).
pub(super) fn json_body(source: &str) -> Option<Diagnostic> {
    let rest = source.trim_start();
    if !rest.starts_with('{') {
        return None;
    }
    let at = source.len() - rest.len();
    Some(
        Diagnostic::new(
            Code::JsonBody,
            Span::new(at, at + 1),
            "this is a JSON request body: `qc decompile` turns it into a query",
        )
        .with_help("run `qc decompile` on it for the query, or `qc validate` to check it"),
    )
}

/// Lucene's `field:value` (one word), `field: value` and
/// `field:"value"`, read as `field = value` with one error and a fix;
/// `field:` before an operator is the field. `None` when `name` (a
/// word) is no such thing.
pub(super) fn lucene<'s, G: Grammar<'s>>(p: &mut G, name: Token) -> Option<Expr<'s>> {
    let text = p.text(name);
    // A byte search (`:` is ASCII), a byte at a time: names are short,
    // shorter than a vector search needs to pay off.
    let colon = text.bytes().position(|b| b == b':')?;
    let field_text = text.get(..colon)?;
    let rest = text.get(colon + 1..).unwrap_or("");
    let field_like = !field_text.is_empty()
        && field_text
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.');
    if !field_like || p.operator_at(0) && !rest.is_empty() {
        // `a:b = 1` names a field `a:b` (which the checker judges).
        return None;
    }
    let field = Field {
        name: Text::borrowed(field_text),
        span: Span::new(name.span.start(), name.span.start() + colon),
    };
    let colon_span = Span::new(field.span.end(), field.span.end() + 1);
    let message =
        "`field:value` is Lucene syntax: qc compares with an operator, as in `state = open`";
    let d = Diagnostic::new(Code::ForeignSyntax, name.span, message);
    if p.operator_at(0) {
        // `created_at:>5`: drop the colon.
        p.report(
            d.with_help(format!("write `{field_text}` without the colon"))
                .with_suggestion(name.span, field_text.to_owned()),
        );
        let op = p.parse_operator(&field);
        let Some(op) = op else {
            let end = p.skip_to_sync(name.span.end());
            return Some(Expr::new(
                ExprKind::Error,
                Span::new(name.span.start(), end),
            ));
        };
        let value = p.parse_value(op);
        return Some(p.comparison(field, op, value));
    }
    let scalar = if !rest.is_empty() {
        Scalar {
            text: Text::borrowed(rest),
            quoted: false,
            span: Span::new(colon_span.end(), name.span.end()),
        }
    } else if G::is_scalar_start(p.peek()) {
        p.scalar()
    } else {
        // `state:(open OR closed)`, `tags:[a TO b]`, `state:` at the end.
        p.report(d.with_help(format!(
            "write `{field_text} = value`, or `{field_text} IN [a, b]` for several values"
        )));
        let mut end = name.span.end();
        let t = p.peek();
        for (open, close) in [
            (TokenKind::LParen, TokenKind::RParen),
            (TokenKind::LBracket, TokenKind::RBracket),
        ] {
            if t.kind == open {
                p.bump();
                end = p.skip_balanced(open, close);
            }
        }
        return Some(Expr::new(
            ExprKind::Error,
            Span::new(name.span.start(), end),
        ));
    };
    let whole = name.span.cover(scalar.span);
    let mut replacement = format!("{field_text} = ");
    if rest.is_empty() {
        replacement.push_str(p.source().get(scalar.span.range()).unwrap_or(""));
    } else {
        let _ = write_value(&mut replacement, rest);
    }
    p.report(
        d.with_help(format!("write `{}`", clip(&replacement)))
            .with_suggestion(whole, replacement),
    );
    let op = Operator {
        spelling: OpSpelling::Symbol(SymbolOp::Eq),
        span: colon_span,
    };
    let value = Value {
        span: scalar.span,
        kind: ValueKind::Scalar(scalar),
    };
    Some(p.comparison(field, op, value))
}

/// SQL's `LIKE` and `BETWEEN` (and `NOT LIKE`, `NOT BETWEEN`) after
/// `field`: one error, with the qc equivalent as the fix when there is
/// one, and the comparison it means in the tree. `None` when the next
/// token is neither.
pub(super) fn sql_operator<'s, G: Grammar<'s>>(
    p: &mut G,
    field: &Field<'s>,
    after_not: bool,
) -> Option<Expr<'s>> {
    let negated = p.at_keyword(Keyword::Not);
    let word = p.nth(usize::from(negated));
    if word.kind != TokenKind::Word || !is_sql_operator(p.text(word)) {
        return None;
    }
    let first = p.bump();
    if negated {
        p.bump();
    }
    let op_span = first.span.cover(word.span);
    let field_text = p.source().get(field.span.range()).unwrap_or("").to_owned();
    if p.text(word).eq_ignore_ascii_case("LIKE") {
        Some(like(p, field, op_span, negated, &field_text))
    } else {
        Some(between(p, field, op_span, negated, after_not, &field_text))
    }
}

/// `field LIKE pattern`, with `LIKE` (or `NOT LIKE`) at `op_span`.
fn like<'s, G: Grammar<'s>>(
    p: &mut G,
    field: &Field<'s>,
    op_span: Span,
    negated: bool,
    field_text: &str,
) -> Expr<'s> {
    let message = if negated {
        "`NOT LIKE` is SQL: qc has no wildcards, and writes `!~` (doesn't contain)"
    } else {
        "`LIKE` is SQL: qc has no wildcards, and writes `~` (contains), `^` (starts with) or `$` (ends with)"
    };
    let d = Diagnostic::new(Code::ForeignSyntax, op_span, message);
    if !G::is_scalar_start(p.peek()) {
        p.report(d.with_help(format!("write e.g. `{field_text} ~ refund`")));
        return Expr::new(ExprKind::Error, field.span.cover(op_span));
    }
    let pattern = p.scalar();
    let meant = like_pattern(&pattern.text, negated).map(|(op, text)| (op, text.to_owned()));
    match meant {
        Ok((spelling, text)) => {
            let text = text.as_str();
            let mut replacement = format!("{spelling} ");
            let _ = if pattern.quoted {
                write_quoted(&mut replacement, text)
            } else {
                write_value(&mut replacement, text)
            };
            let help = format!("write `{field_text} {}`", clip(&replacement));
            let d = d
                .with_help(help)
                .with_suggestion(op_span.cover(pattern.span), replacement);
            p.report(d);
            let op = Operator {
                spelling,
                span: op_span,
            };
            let value = Value {
                span: pattern.span,
                kind: ValueKind::Scalar(Scalar {
                    text: Text::from(text.to_owned()),
                    ..pattern
                }),
            };
            p.comparison(field.clone(), op, value)
        }
        Err(help) => {
            p.report(d.with_help(help));
            Expr::new(ExprKind::Error, field.span.cover(pattern.span))
        }
    }
}

/// `field BETWEEN low AND high`, with `BETWEEN` (or `NOT BETWEEN`) at
/// `op_span`: `field >= low AND field <= high` in the tree.
fn between<'s, G: Grammar<'s>>(
    p: &mut G,
    field: &Field<'s>,
    op_span: Span,
    negated: bool,
    after_not: bool,
    field_text: &str,
) -> Expr<'s> {
    let message = if negated {
        "`NOT BETWEEN` is SQL: qc writes a range as two comparisons"
    } else {
        "`BETWEEN` is SQL: qc writes a range as two comparisons joined with AND"
    };
    let d = Diagnostic::new(Code::ForeignSyntax, op_span, message);
    let complete = G::is_scalar_start(p.nth(0))
        && p.nth_is_keyword(1, Keyword::And)
        && G::is_scalar_start(p.nth(2));
    if !complete {
        p.report(d.with_help(format!(
            "write `{field_text} >= low AND {field_text} <= high`"
        )));
        // Take the bounds that are there, so that they do not read as
        // comparisons of their own.
        let mut end = op_span.end();
        if G::is_scalar_start(p.peek()) {
            end = p.bump().span.end();
            if p.at_keyword(Keyword::And) && G::is_scalar_start(p.nth(1)) && !p.operator_at(2) {
                p.bump();
                end = p.bump().span.end();
            }
        }
        return Expr::new(ExprKind::Error, Span::new(field.span.start(), end));
    }
    let low = p.scalar();
    let and = p.bump();
    let high = p.scalar();
    let text = |s: &Scalar| p.source().get(s.span.range()).unwrap_or("");
    let mut replacement = format!(
        "{field_text} >= {} AND {field_text} <= {}",
        text(&low),
        text(&high)
    );
    if negated {
        replacement = format!("NOT ({replacement})");
    } else if after_not {
        replacement = format!("({replacement})");
    }
    let whole = field.span.cover(high.span);
    let d = d
        .with_help(format!("write `{}`", clip(&replacement)))
        .with_suggestion(whole, replacement);
    p.report(d);
    let compare = |spelling, span, s: Scalar<'s>| {
        let value = Value {
            span: s.span,
            kind: ValueKind::Scalar(s),
        };
        let op = Operator { spelling, span };
        let span = field.span.cover(value.span);
        Expr::new(
            ExprKind::Compare(Comparison {
                field: field.clone(),
                op,
                value,
            }),
            span,
        )
    };
    let range = vec![
        compare(OpSpelling::Symbol(SymbolOp::Ge), op_span, low),
        compare(OpSpelling::Symbol(SymbolOp::Le), and.span, high),
    ];
    let mut expr = Expr::new(ExprKind::And(range), whole);
    if negated || after_not {
        expr = Expr::new(ExprKind::Paren(Box::new(expr)), whole);
    }
    if negated {
        expr = Expr::new(ExprKind::Not(Box::new(expr)), whole);
    }
    expr
}

/// `==` and `!==` (programming languages) and `<>` (SQL) at the
/// operator: one error with the fix, and the operator they mean.
pub(super) fn doubled_symbol<'s, G: Grammar<'s>>(p: &mut G) -> Option<Operator> {
    let t = p.peek();
    let TokenKind::Symbol(symbol) = t.kind else {
        return None;
    };
    let next = p.nth(1);
    if next.span.start() != t.span.end() {
        return None;
    }
    let (meant, fix) = match (symbol, next.kind) {
        (SymbolOp::Eq, TokenKind::Symbol(SymbolOp::Eq)) => (SymbolOp::Eq, "="),
        (SymbolOp::Ne, TokenKind::Symbol(SymbolOp::Eq)) => (SymbolOp::Ne, "!="),
        (SymbolOp::Lt, TokenKind::Symbol(SymbolOp::Gt)) => (SymbolOp::Ne, "!="),
        _ => return None,
    };
    p.bump();
    let mut last = p.bump().span;
    // `===`, `!===`: any more `=` right after belong to it.
    while p.peek().kind == TokenKind::Symbol(SymbolOp::Eq) && p.peek().span.start() == last.end() {
        last = p.bump().span;
    }
    let span = t.span.cover(last);
    let written = p.source().get(span.range()).unwrap_or("");
    let message = if symbol == SymbolOp::Lt {
        "`<>` is SQL for \"not equal\": qc writes `!=`".to_owned()
    } else {
        format!("`{written}` is from programming languages: qc writes `{fix}`")
    };
    let d = Diagnostic::new(Code::ForeignSyntax, span, message)
        .with_help(format!("write `{fix}`"))
        .with_suggestion(span, fix);
    p.report(d);
    Some(Operator {
        spelling: OpSpelling::Symbol(meant),
        span,
    })
}

/// SQL's `LIKE` and `BETWEEN`, in any letter case: not qc keywords (they
/// may be values or fields), but read as operators after a field.
pub(super) fn is_sql_operator(word: &str) -> bool {
    word.eq_ignore_ascii_case("LIKE") || word.eq_ignore_ascii_case("BETWEEN")
}

/// What SQL's `LIKE pattern` (`NOT LIKE` when `negated`) means in qc: the
/// operator and the text without its `%`, or why there is no equivalent.
fn like_pattern(pattern: &str, negated: bool) -> Result<(OpSpelling, &str), String> {
    let (at_start, rest) = match pattern.strip_prefix('%') {
        Some(rest) => (false, rest),
        None => (true, pattern),
    };
    let (at_end, text) = match rest.strip_suffix('%') {
        Some(text) => (false, text),
        None => (true, rest),
    };
    if text.is_empty() {
        return Err("`%` alone matches any text: drop the comparison".to_owned());
    }
    if text.contains(['%', '_', '\\']) {
        return Err(
            "qc has no wildcards: `%x%` is `~ x` (contains), `x%` is `^ x` (starts with), `%x` is `$ x` (ends with); `%` and `_` elsewhere have no equivalent".to_owned(),
        );
    }
    // Without a `%` on a side, the text is anchored there.
    let symbol = match (at_start, at_end, negated) {
        (false, false, false) => SymbolOp::Contains,
        (false, false, true) => SymbolOp::NotContains,
        (true, false, false) => SymbolOp::StartsWith,
        (false, true, false) => SymbolOp::EndsWith,
        (true, true, false) => SymbolOp::Eq,
        (true, true, true) => SymbolOp::Ne,
        (_, _, true) => {
            return Err(
                "the API cannot negate starts-with or ends-with: there is no qc equivalent"
                    .to_owned(),
            );
        }
    };
    Ok((OpSpelling::Symbol(symbol), text))
}

/// Operator characters of other languages that qc writes as words: the
/// character, the help, whether the help also holds for a run of it
/// (`&&`, `||`; `!!` is an operator nowhere), and the keyword that
/// replaces it when the meaning is certain (`!` may be `NOT`, `!=` or
/// `!~`).
const STRAY_OPERATORS: &[(&str, &str, bool, Option<&str>)] = &[
    ("&", "use `AND`", true, Some("AND")),
    ("|", "use `OR`", true, Some("OR")),
    ("!", "use `NOT`, `!=` or `!~`", false, None),
];

/// The help for the unknown character `text`, alone or (`run`) repeated,
/// when it is another language's operator, and the keyword that replaces
/// it when certain.
pub(super) fn stray_operator_help(
    text: &str,
    run: bool,
) -> Option<(&'static str, Option<&'static str>)> {
    STRAY_OPERATORS
        .iter()
        .find(|&&(c, _, runs, _)| c == text && (runs || !run))
        .map(|&(_, help, _, keyword)| (help, keyword))
}

/// The replacement of the stray operator at `span` of `source` by
/// `keyword`, with a space on each side where the text has none.
pub(super) fn stray_operator_fix(source: &str, span: Span, keyword: &str) -> String {
    let spaced = |c: Option<char>| c.is_none_or(char::is_whitespace);
    let before = source
        .get(..span.start())
        .and_then(|t| t.chars().next_back());
    let after = source.get(span.end()..).and_then(|t| t.chars().next());
    let mut fix = String::with_capacity(keyword.len() + 2);
    if !spaced(before) {
        fix.push(' ');
    }
    fix.push_str(keyword);
    if !spaced(after) {
        fix.push(' ');
    }
    fix
}
