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
//! is in the parent module.

use super::Parser;
use crate::diagnostic::{Code, Diagnostic, clip};
use crate::span::Span;
use crate::syntax::ast::{
    Comparison, Expr, ExprKind, Field, Operator, Scalar, Text, Value, ValueKind,
};
use crate::syntax::lexer::{Token, TokenKind};
use crate::syntax::lexical::{Keyword, OpSpelling, SymbolOp, write_quoted, write_value};

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

impl<'s> Parser<'s> {
    /// Lucene's `field:value` (one word), `field: value` and
    /// `field:"value"`, read as `field = value` with one error and a fix;
    /// `field:` before an operator is the field. `None` when `name` (a
    /// word) is no such thing.
    pub(super) fn lucene(&mut self, name: Token) -> Option<Expr<'s>> {
        let text = self.text(name);
        // A byte search: `:` is ASCII.
        let colon = memchr::memchr(b':', text.as_bytes())?;
        let field_text = text.get(..colon)?;
        let rest = text.get(colon + 1..).unwrap_or("");
        let field_like = !field_text.is_empty()
            && field_text
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '.');
        if !field_like || self.operator_at(0) && !rest.is_empty() {
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
        if self.operator_at(0) {
            // `created_at:>5`: drop the colon.
            self.report(
                d.with_help(format!("write `{field_text}` without the colon"))
                    .with_suggestion(name.span, field_text.to_owned()),
            );
            let op = self.parse_operator(&field);
            let Some(op) = op else {
                let end = self.skip_to_sync(name.span.end());
                return Some(Expr::new(
                    ExprKind::Error,
                    Span::new(name.span.start(), end),
                ));
            };
            let value = self.parse_value(op);
            return Some(self.comparison(field, op, value));
        }
        let scalar = if !rest.is_empty() {
            Scalar {
                text: Text::borrowed(rest),
                quoted: false,
                span: Span::new(colon_span.end(), name.span.end()),
            }
        } else if Self::is_scalar_start(self.peek()) {
            self.scalar()
        } else {
            // `state:(open OR closed)`, `tags:[a TO b]`, `state:` at the end.
            self.report(d.with_help(format!(
                "write `{field_text} = value`, or `{field_text} IN [a, b]` for several values"
            )));
            let mut end = name.span.end();
            let t = self.peek();
            for (open, close) in [
                (TokenKind::LParen, TokenKind::RParen),
                (TokenKind::LBracket, TokenKind::RBracket),
            ] {
                if t.kind == open {
                    self.bump();
                    end = self.skip_balanced(open, close);
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
            replacement.push_str(self.source.get(scalar.span.range()).unwrap_or(""));
        } else {
            let _ = write_value(&mut replacement, rest);
        }
        self.report(
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
        Some(self.comparison(field, op, value))
    }

    /// SQL's `LIKE` and `BETWEEN` (and `NOT LIKE`, `NOT BETWEEN`) after
    /// `field`: one error, with the qc equivalent as the fix when there is
    /// one, and the comparison it means in the tree. `None` when the next
    /// token is neither.
    pub(super) fn sql_operator(&mut self, field: &Field<'s>, after_not: bool) -> Option<Expr<'s>> {
        let negated = self.at_keyword(Keyword::Not);
        let word = self.nth(usize::from(negated));
        if word.kind != TokenKind::Word || !is_sql_operator(self.text(word)) {
            return None;
        }
        let first = self.bump();
        if negated {
            self.bump();
        }
        let op_span = first.span.cover(word.span);
        let field_text = self.source.get(field.span.range()).unwrap_or("").to_owned();
        if self.text(word).eq_ignore_ascii_case("LIKE") {
            Some(self.like(field, op_span, negated, &field_text))
        } else {
            Some(self.between(field, op_span, negated, after_not, &field_text))
        }
    }

    /// `field LIKE pattern`, with `LIKE` (or `NOT LIKE`) at `op_span`.
    fn like(
        &mut self,
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
        if !Self::is_scalar_start(self.peek()) {
            self.report(d.with_help(format!("write e.g. `{field_text} ~ refund`")));
            return Expr::new(ExprKind::Error, field.span.cover(op_span));
        }
        let pattern = self.scalar();
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
                self.report(d);
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
                self.comparison(field.clone(), op, value)
            }
            Err(help) => {
                self.report(d.with_help(help));
                Expr::new(ExprKind::Error, field.span.cover(pattern.span))
            }
        }
    }

    /// `field BETWEEN low AND high`, with `BETWEEN` (or `NOT BETWEEN`) at
    /// `op_span`: `field >= low AND field <= high` in the tree.
    fn between(
        &mut self,
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
        let complete = Self::is_scalar_start(self.nth(0))
            && self.nth_is_keyword(1, Keyword::And)
            && Self::is_scalar_start(self.nth(2));
        if !complete {
            self.report(d.with_help(format!(
                "write `{field_text} >= low AND {field_text} <= high`"
            )));
            // Take the bounds that are there, so that they do not read as
            // comparisons of their own.
            let mut end = op_span.end();
            if Self::is_scalar_start(self.peek()) {
                end = self.bump().span.end();
                if self.at_keyword(Keyword::And)
                    && Self::is_scalar_start(self.nth(1))
                    && !self.operator_at(2)
                {
                    self.bump();
                    end = self.bump().span.end();
                }
            }
            return Expr::new(ExprKind::Error, Span::new(field.span.start(), end));
        }
        let low = self.scalar();
        let and = self.bump();
        let high = self.scalar();
        let text = |s: &Scalar| self.source.get(s.span.range()).unwrap_or("");
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
        self.report(d);
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
    pub(super) fn doubled_symbol(&mut self) -> Option<Operator> {
        let t = self.peek();
        let TokenKind::Symbol(symbol) = t.kind else {
            return None;
        };
        let next = self.nth(1);
        if next.span.start() != t.span.end() {
            return None;
        }
        let (meant, fix) = match (symbol, next.kind) {
            (SymbolOp::Eq, TokenKind::Symbol(SymbolOp::Eq)) => (SymbolOp::Eq, "="),
            (SymbolOp::Ne, TokenKind::Symbol(SymbolOp::Eq)) => (SymbolOp::Ne, "!="),
            (SymbolOp::Lt, TokenKind::Symbol(SymbolOp::Gt)) => (SymbolOp::Ne, "!="),
            _ => return None,
        };
        self.bump();
        let mut last = self.bump().span;
        // `===`, `!===`: any more `=` right after belong to it.
        while self.peek().kind == TokenKind::Symbol(SymbolOp::Eq)
            && self.peek().span.start() == last.end()
        {
            last = self.bump().span;
        }
        let span = t.span.cover(last);
        let written = self.source.get(span.range()).unwrap_or("");
        let message = if symbol == SymbolOp::Lt {
            "`<>` is SQL for \"not equal\": qc writes `!=`".to_owned()
        } else {
            format!("`{written}` is from programming languages: qc writes `{fix}`")
        };
        let d = Diagnostic::new(Code::ForeignSyntax, span, message)
            .with_help(format!("write `{fix}`"))
            .with_suggestion(span, fix);
        self.report(d);
        Some(Operator {
            spelling: OpSpelling::Symbol(meant),
            span,
        })
    }
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
