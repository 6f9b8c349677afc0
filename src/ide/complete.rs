//! Completion: what may come next at a cursor position.

use serde::Serialize;

use crate::op::Op;
use crate::schema::{FieldDef, FieldType, Schema};
use crate::syntax::Span;
use crate::syntax::lexer::{Lexer, Token, TokenKind};
use crate::syntax::lexical::{Keyword, OpSpelling, field_text, write_value};

/// What a completion inserts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CompletionKind {
    /// A field name.
    Field,
    /// A comparison operator.
    Operator,
    /// A value for the field.
    Value,
    /// `AND`, `OR`, `NOT`.
    Keyword,
}

/// One completion candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Completion {
    /// What the list shows.
    pub label: String,
    /// What kind of thing it is.
    pub kind: CompletionKind,
    /// A short detail (the field's type, the operator's meaning).
    pub detail: String,
    /// Longer documentation, Markdown.
    pub documentation: String,
    /// The text to insert.
    pub insert_text: String,
    /// The range the insertion replaces (the word being typed, or empty).
    pub replace: Span,
    /// A key that keeps the list in the schema's order when an editor
    /// sorts it (`0001`, `0002`, ...).
    pub sort_text: String,
}

/// Where the cursor is in the grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State<'s> {
    /// A comparison (or NOT / `(`) may start here.
    Term,
    /// After a field name: an operator comes next.
    Operator(&'s str),
    /// After `NOT` following a field: `IN` or `CONTAINS`.
    AfterNot(&'s str),
    /// After `STARTS` / `ENDS`: `WITH`.
    With(&'s str),
    /// After an operator: a value.
    Value(&'s str, Op),
    /// Inside a list, where a value may come.
    ListValue(&'s str),
    /// Inside a list after a value: `,` or `]`.
    ListNext(&'s str),
    /// After a complete comparison or `)`: AND / OR.
    Joiner,
}

/// The completions at byte `offset` of `source`.
///
/// The candidates are not filtered by what has been typed: editors filter
/// them against the word in [`Completion::replace`] themselves.
pub fn complete(source: &str, offset: usize, schema: &Schema) -> Vec<Completion> {
    let offset = floor_char_boundary(source, offset);
    // Only the tokens that start before the cursor matter, and they are
    // read as they are lexed, in one pass: the rest of a long document is
    // not lexed, and nothing is kept. All but the last go before the
    // cursor; the last may be the word being typed (the cursor inside or
    // at its end), or reach past the cursor. Nothing is completed inside
    // a comment.
    let mut state = State::Term;
    let mut last: Option<Token> = None;
    let tokens = Lexer::new(source).take_while(|t| t.span.start() < offset);
    for t in tokens {
        match t.kind {
            TokenKind::Comment if offset <= t.span.end() => return Vec::new(),
            TokenKind::Comment => continue,
            TokenKind::Eof => break,
            _ => {}
        }
        if let Some(before) = last.replace(t) {
            state = step(source, state, &before);
        }
    }
    let current = last.filter(|t| t.kind == TokenKind::Word && offset <= t.span.end());
    let replace = current.map_or(Span::empty(offset), |t| Span::new(t.span.start(), offset));
    if let Some(t) = last.filter(|t| current.is_none() && t.span.end <= replace.start) {
        state = step(source, state, &t);
    }
    let mut out = candidates(state, replace, schema);
    for (i, c) in out.iter_mut().enumerate() {
        c.sort_text = format!("{i:04}");
    }
    out
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The state after `t`, from `state`.
fn step<'s>(source: &'s str, state: State<'s>, t: &Token) -> State<'s> {
    let text = source.get(t.span.range()).unwrap_or("");
    // The keyword the lexer recognised (`is_keyword` on the word).
    let kw = |k| t.keyword == Some(k);
    match state {
        State::Term | State::Joiner if kw(Keyword::And) || kw(Keyword::Or) || kw(Keyword::Not) => {
            State::Term
        }
        State::Term if t.kind == TokenKind::LParen => State::Term,
        State::Term if matches!(t.kind, TokenKind::Word | TokenKind::Str { .. }) => {
            State::Operator(text.trim_matches(['"', '\'']))
        }
        State::Operator(f) => match t.kind {
            TokenKind::Symbol(s) => State::Value(f, OpSpelling::Symbol(s).op()),
            _ if kw(Keyword::In) => State::Value(f, Op::In),
            _ if kw(Keyword::Nin) => State::Value(f, Op::Nin),
            _ if kw(Keyword::Contains) => State::Value(f, Op::Contains),
            _ if kw(Keyword::Not) => State::AfterNot(f),
            _ if kw(Keyword::Starts) || kw(Keyword::Ends) => State::With(f),
            _ => State::Joiner,
        },
        State::AfterNot(f) if kw(Keyword::In) => State::Value(f, Op::Nin),
        State::AfterNot(f) if kw(Keyword::Contains) => State::Value(f, Op::NotContains),
        State::With(f) if kw(Keyword::With) => State::Value(f, Op::StartsWith),
        State::Value(f, _) if t.kind == TokenKind::LBracket => State::ListValue(f),
        State::ListValue(f) if t.kind == TokenKind::Comma => State::ListValue(f),
        State::ListValue(_) | State::ListNext(_) if t.kind == TokenKind::RBracket => State::Joiner,
        State::ListValue(f) => State::ListNext(f),
        State::ListNext(f) if t.kind == TokenKind::Comma => State::ListValue(f),
        _ => State::Joiner,
    }
}

fn candidates(state: State<'_>, replace: Span, schema: &Schema) -> Vec<Completion> {
    let item = |label: &str, kind, detail: &str, documentation: &str| Completion {
        label: label.to_owned(),
        kind,
        detail: detail.to_owned(),
        documentation: documentation.to_owned(),
        insert_text: label.to_owned(),
        replace,
        sort_text: String::new(),
    };
    let field = |name: &str| schema.field(name);
    match state {
        State::Term => {
            let mut out: Vec<Completion> = schema
                .fields()
                .flat_map(|f| {
                    f.names().map(move |name| {
                        let detail = if f.is_custom() {
                            format!("{} (custom)", f.ty.name())
                        } else {
                            f.ty.name().to_owned()
                        };
                        Completion {
                            insert_text: field_text(name),
                            ..item(name, CompletionKind::Field, &detail, &field_doc(f))
                        }
                    })
                })
                .collect();
            out.push(item(
                "NOT",
                CompletionKind::Keyword,
                "negate",
                "Negates the comparison or group that follows.",
            ));
            out
        }
        State::Operator(name) => {
            let allowed = |op: Op| field(name).is_none_or(|f| f.allows(op));
            OpSpelling::ALL
                .iter()
                .filter(|s| allowed(s.op()))
                .map(|s| {
                    let detail = if !s.takes_value() {
                        let what = if s.op() == Op::Eq {
                            "missing or null"
                        } else {
                            "has a value"
                        };
                        format!("the field {what} (`{} null`)", s.op())
                    } else if s.as_str() == s.op().as_str() {
                        s.op().description().to_owned()
                    } else {
                        format!("alias of `{}`: {}", s.op(), s.op().description())
                    };
                    item(s.as_str(), CompletionKind::Operator, &detail, &detail)
                })
                .collect()
        }
        State::AfterNot(name) => {
            let allowed = |op: Op| field(name).is_none_or(|f| f.allows(op));
            let mut out = Vec::new();
            if allowed(Op::Nin) {
                out.push(item(
                    "IN",
                    CompletionKind::Keyword,
                    "NOT IN: equals none of a list",
                    "",
                ));
            }
            if allowed(Op::NotContains) {
                out.push(item(
                    "CONTAINS",
                    CompletionKind::Keyword,
                    "NOT CONTAINS: doesn't contain",
                    "",
                ));
            }
            out
        }
        State::With(_) => vec![item("WITH", CompletionKind::Keyword, "", "")],
        State::Value(name, _) | State::ListValue(name) => values(field(name).as_deref(), replace),
        State::ListNext(_) => Vec::new(),
        State::Joiner => vec![
            item("AND", CompletionKind::Keyword, "both sides must match", ""),
            item("OR", CompletionKind::Keyword, "either side may match", ""),
        ],
    }
}

fn values(def: Option<&FieldDef>, replace: Span) -> Vec<Completion> {
    let Some(def) = def else {
        return Vec::new();
    };
    let value = |label: &str, detail: &str| {
        let mut insert_text = String::new();
        let _ = write_value(&mut insert_text, label);
        Completion {
            label: label.to_owned(),
            kind: CompletionKind::Value,
            detail: detail.to_owned(),
            documentation: String::new(),
            insert_text,
            replace,
            sort_text: String::new(),
        }
    };
    if def.is_enumerated() {
        return def.values.iter().map(|v| value(v, &def.name)).collect();
    }
    match def.ty {
        FieldType::Boolean => vec![value("true", "Boolean"), value("false", "Boolean")],
        FieldType::Date => vec![
            value("today", "midnight today in the workspace's zone"),
            value("yesterday", "midnight yesterday in the workspace's zone"),
            value("now", "the current time"),
            value("now-1d", "24 hours ago"),
            value("now-7d", "7 days ago"),
            value("now-30d", "30 days ago"),
            value("now-1mo", "a calendar month ago"),
        ],
        FieldType::Integer if def.duration => vec![
            value("30m", "30 minutes, in seconds"),
            value("1h", "an hour, in seconds"),
            value("1d", "a day, in seconds"),
        ],
        FieldType::String | FieldType::Integer | FieldType::Float | FieldType::Any => Vec::new(),
    }
}

/// Markdown documentation of a field: type, operators, values, description.
pub(crate) fn field_doc(f: &FieldDef) -> String {
    let ops: Vec<&str> = f.operators().iter().map(|o| o.as_str()).collect();
    let values: Vec<&str> = f.values.iter().map(|v| v.as_ref()).collect();
    let mut doc = format!(
        "**{}** ({})\n\n{}\n\nOperators: `{}`",
        f.name,
        f.ty.name(),
        f.doc,
        ops.join("` `")
    );
    if f.is_enumerated() {
        doc.push_str(&format!("\n\nValues: `{}`", values.join("` `")));
    }
    match &f.order {
        crate::schema::Order::Day(tz) if f.ty == FieldType::Date => doc.push_str(&format!(
            "\n\nMatched by calendar day in {}: `=` the whole day, `>` from the next day, `<` before the day.",
            tz.iana_name().unwrap_or("UTC")
        )),
        _ if f.ty == FieldType::Date => doc.push_str(
            "\n\nA date: unix seconds, `YYYY-MM-DD`, an RFC 3339 date-time with offset, `today`, or `now-7d`.",
        ),
        _ => {}
    }
    if f.duration {
        doc.push_str("\n\nA duration in seconds: `90`, `90s`, `30m`, `2h`, `1d`, `1w`.");
    }
    if f.is_custom() {
        doc.push_str("\n\nA custom attribute of the workspace.");
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(src: &str) -> Vec<String> {
        complete(src, src.len(), &Schema::conversations())
            .into_iter()
            .map(|c| c.label)
            .collect()
    }

    #[test]
    fn fields_at_start_and_after_joiners() {
        assert!(labels("").contains(&"created_at".to_owned()));
        assert!(labels("state = open AND ").contains(&"priority".to_owned()));
        assert!(labels("(").contains(&"state".to_owned()));
        let partial = complete("sta", 3, &Schema::conversations());
        assert_eq!(partial[0].replace, Span::new(0, 3));
    }

    #[test]
    fn operators_fit_the_field() {
        let ops = labels("created_at ");
        assert!(ops.contains(&">".to_owned()) && ops.contains(&">=".to_owned()));
        assert!(!ops.contains(&"~".to_owned()));
        let ops = labels("state ");
        assert!(ops.contains(&"IN".to_owned()) && !ops.contains(&"CONTAINS".to_owned()));
    }

    #[test]
    fn values_after_operators() {
        assert_eq!(labels("state = "), ["open", "closed", "snoozed"]);
        assert_eq!(labels("state IN [open, "), ["open", "closed", "snoozed"]);
        assert_eq!(labels("read != "), ["true", "false"]);
        assert_eq!(labels("state = op"), ["open", "closed", "snoozed"]);
        assert!(labels("created_at > ").contains(&"now-7d".to_owned()));
        assert!(labels("statistics.time_to_admin_reply > ").contains(&"1h".to_owned()));
    }

    #[test]
    fn nothing_inside_comments_and_is_null_explained() {
        assert!(labels("state = open # sta").is_empty());
        assert!(!labels("state = open # note\n").is_empty());
        let items = complete("read ", 5, &Schema::conversations());
        let is_null = items
            .iter()
            .find(|c| c.label == "IS NULL")
            .expect("IS NULL");
        assert!(
            is_null.detail.contains("missing or null"),
            "{}",
            is_null.detail
        );
    }

    #[test]
    fn keywords_after_a_comparison() {
        assert_eq!(labels("state = open "), ["AND", "OR"]);
        assert_eq!(labels("(state = open) "), ["AND", "OR"]);
    }
}
