//! Completion: what may come next at a cursor position.

use std::ops::ControlFlow;

use serde::Serialize;

use crate::op::{Op, SortOrder};
use crate::schema::{FieldDef, FieldType, Schema};
use crate::span::Span;
use crate::syntax::lexer::{Lexer, Token, TokenKind};
use crate::syntax::lexical::{Keyword, OpSpelling, field_text, sort_field_text, write_value};

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

/// Where the cursor is in the grammar. A field is named by the span of
/// its token, so that a state can be kept with the text it describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// A comparison (or NOT / `(`) may start here.
    Term,
    /// After a field name: an operator comes next.
    Operator(Span),
    /// After `NOT` following a field: `IN` or `CONTAINS`.
    AfterNot(Span),
    /// After `STARTS` / `ENDS`: `WITH`.
    With(Span),
    /// After an operator: a value.
    Value(Span, Op),
    /// Inside a list, where a value may come.
    ListValue(Span),
    /// Inside a list after a value: `,` or `]`.
    ListNext(Span),
    /// After a complete comparison or `)`: AND / OR, or `ORDER BY`.
    Joiner,
    /// After `ORDER`: `BY`.
    By,
    /// After `ORDER BY`: a sort field.
    SortField,
    /// After `ORDER BY field`: `ASC` or `DESC`.
    Direction,
    /// After `ORDER BY field ASC|DESC`: the end of the query.
    End,
}

impl State {
    /// The state with its field span moved by `by` (`None` when it cannot be).
    fn shifted(self, by: impl Fn(Span) -> Option<Span>) -> Option<State> {
        Some(match self {
            State::Operator(f) => State::Operator(by(f)?),
            State::AfterNot(f) => State::AfterNot(by(f)?),
            State::With(f) => State::With(by(f)?),
            State::Value(f, op) => State::Value(by(f)?, op),
            State::ListValue(f) => State::ListValue(by(f)?),
            State::ListNext(f) => State::ListNext(by(f)?),
            State::Term => State::Term,
            State::Joiner => State::Joiner,
            State::By => State::By,
            State::SortField => State::SortField,
            State::Direction => State::Direction,
            State::End => State::End,
        })
    }
}

/// The field name a token spells: its text without quotes.
fn field_name(source: &str, span: Span) -> &str {
    source
        .get(span.range())
        .unwrap_or("")
        .trim_matches(['"', '\''])
}

/// The grammar state after the token that ends at `pos`, and how many
/// parentheses are open there: lexing can resume at `pos`
/// ([`Lexer::at`]) in that state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Point {
    pos: usize,
    state: State,
    /// Open parentheses (saturating: a text has fewer than `u32::MAX`
    /// characters in any case).
    depth: u32,
}

/// The completions at byte `offset` of `source`.
///
/// The candidates are not filtered by what has been typed: editors filter
/// them against the word in [`Completion::replace`] themselves. This reads
/// the text from its start to the cursor; an editor asking again and again
/// of a long document keeps [`Checkpoints`] instead.
pub fn complete(source: &str, offset: usize, schema: &Schema) -> Vec<Completion> {
    let offset = floor_char_boundary(source, offset);
    listed(
        source,
        scan(source, offset, None, |_| ControlFlow::Continue(())),
        schema,
    )
}

/// Reads the tokens that start before the cursor, from `from` (or the
/// start), in one pass: the rest of a long document is not lexed. All but
/// the last go before the cursor; the last may be the word being typed
/// (the cursor inside or at its end), or reach past the cursor. `applied`
/// sees the state after each token read before the cursor, and may stop
/// the reading. `None` when the cursor is inside a comment, where nothing
/// is completed, or when `applied` stopped it.
fn scan(
    source: &str,
    offset: usize,
    from: Option<Point>,
    mut applied: impl FnMut(Point) -> ControlFlow<()>,
) -> Option<(Point, Span)> {
    let mut at = from.unwrap_or(Point {
        pos: 0,
        state: State::Term,
        depth: 0,
    });
    let pos = at.pos;
    let mut apply = |at: Point, t: &Token| {
        let depth = match t.kind {
            TokenKind::LParen => at.depth.saturating_add(1),
            TokenKind::RParen => at.depth.saturating_sub(1),
            _ => at.depth,
        };
        let point = Point {
            pos: t.span.end(),
            state: step(at.state, t),
            depth,
        };
        applied(point).is_continue().then_some(point)
    };
    let mut last: Option<Token> = None;
    let tokens = Lexer::at(source, pos).take_while(|t| t.span.start() < offset);
    for t in tokens {
        match t.kind {
            TokenKind::Comment if offset <= t.span.end() => return None,
            TokenKind::Comment => continue,
            TokenKind::Eof => break,
            _ => {}
        }
        if let Some(before) = last.replace(t) {
            at = apply(at, &before)?;
        }
    }
    let current = last.filter(|t| t.kind == TokenKind::Word && offset <= t.span.end());
    let replace = current.map_or(Span::empty(offset), |t| Span::new(t.span.start(), offset));
    if let Some(t) = last.filter(|t| current.is_none() && t.span.end() <= replace.start()) {
        at = apply(at, &t)?;
    }
    Some((at, replace))
}

/// The candidates of what a scan found, with their sort keys (none
/// inside a comment).
fn listed(source: &str, found: Option<(Point, Span)>, schema: &Schema) -> Vec<Completion> {
    let Some((at, replace)) = found else {
        return Vec::new();
    };
    let mut out = candidates(source, at, replace, schema);
    for (i, c) in out.iter_mut().enumerate() {
        c.sort_text = format!("{i:04}");
    }
    out
}

/// What completion keeps of one document between requests, so that a
/// completion anywhere in a long document reads only the text near the
/// cursor: the grammar state at token ends about every
/// [`Checkpoints::SPACING`] bytes, recorded as completions read the text
/// and kept across edits.
///
/// After an edit, the states before it stay (a token's extent depends on
/// at most the few bytes after it), and those after it are kept, moved, as
/// candidates: the tokens from a token's end depend only on the text from
/// there on, so when lexing from before the edit reaches a candidate's
/// position in the candidate's state, every later candidate holds again.
///
/// ```
/// use qc::ide::Checkpoints;
/// use qc::Span;
/// let schema = qc::Schema::conversations();
/// let mut text = "state = open AND ".repeat(1000);
/// let mut kept = Checkpoints::new();
/// let at_end = kept.complete(&text, text.len(), &schema);
/// assert_eq!(at_end, qc::ide::complete(&text, text.len(), &schema));
/// // An edit near the start: `open` becomes `closed`.
/// text.replace_range(8..12, "closed");
/// kept.edit(Span::new(8, 12), "closed".len());
/// let again = kept.complete(&text, text.len(), &schema);
/// assert_eq!(again, qc::ide::complete(&text, text.len(), &schema));
/// ```
#[derive(Debug, Clone)]
pub struct Checkpoints {
    /// Ordered by position: `points[..valid]` hold for the text;
    /// `points[valid..]`, all after them, are candidates, each consistent
    /// with the one before it.
    points: Vec<Point>,
    valid: usize,
    /// The length of the text they describe (a different text resets them).
    len: usize,
    spacing: usize,
}

impl Default for Checkpoints {
    fn default() -> Self {
        Self::new()
    }
}

impl Checkpoints {
    /// The distance in bytes between recorded states.
    pub const SPACING: usize = 512;

    /// How far past its end a token's extent may depend on the text (the
    /// longest character after a word, with room to spare).
    const LOOKAHEAD: usize = 8;

    /// No states yet: the first completion records them as it reads.
    pub fn new() -> Self {
        Self::with_spacing(Self::SPACING)
    }

    fn with_spacing(spacing: usize) -> Self {
        Self {
            points: Vec::new(),
            valid: 0,
            len: 0,
            spacing: spacing.max(1),
        }
    }

    /// Notes that the bytes `old` of the text were replaced by `new_len`
    /// bytes (an editor's incremental change).
    pub fn edit(&mut self, old: Span, new_len: usize) {
        let (a, b) = (old.start(), old.end());
        let Some(len) = (self.len.checked_sub(b - a)).and_then(|l| l.checked_add(new_len)) else {
            return self.reset(0);
        };
        if b > self.len {
            return self.reset(len);
        }
        let keep = self.points[..self.valid].partition_point(|p| p.pos + Self::LOOKAHEAD <= a);
        let first = keep + self.points[keep..].partition_point(|p| p.pos < b);
        // One chain of candidates: the states after the edit that held, or
        // if none did, the candidates after it.
        let end = if first < self.valid {
            self.valid
        } else {
            self.points.len()
        };
        // A position or field at or after `b` moves with the text; a field
        // before it is not known to spell the same (its state is dropped).
        let moved = |at: usize| -> Option<usize> {
            (at >= b)
                .then(|| at - b + a + new_len)
                .filter(|&at| u32::try_from(at).is_ok())
        };
        let by = |s: Span| Some(Span::new(moved(s.start())?, moved(s.end())?));
        let tail: Vec<Point> = self.points[first..end]
            .iter()
            .filter_map(|p| {
                Some(Point {
                    pos: moved(p.pos)?,
                    state: p.state.shifted(by)?,
                    depth: p.depth,
                })
            })
            .collect();
        self.points.truncate(keep);
        self.points.extend(tail);
        self.valid = keep;
        self.len = len;
    }

    fn reset(&mut self, len: usize) {
        self.points.clear();
        self.valid = 0;
        self.len = len;
    }

    /// [`complete`], reading from the last state kept before the cursor,
    /// and keeping the states it reads past.
    pub fn complete(&mut self, source: &str, offset: usize, schema: &Schema) -> Vec<Completion> {
        if source.len() != self.len {
            self.reset(source.len());
        }
        let offset = floor_char_boundary(source, offset);
        self.extend(source, offset);
        let from = self.before(offset);
        let start = from
            .checked_sub(1)
            .and_then(|i| self.points.get(i))
            .copied();
        listed(
            source,
            scan(source, offset, start, |_| ControlFlow::Continue(())),
            schema,
        )
    }

    /// How many of the states that hold are strictly before `offset` (the
    /// token ending at the cursor is read by the scan that follows, so it
    /// is not taken for the word being typed).
    fn before(&self, offset: usize) -> usize {
        self.points[..self.valid].partition_point(|p| p.pos < offset)
    }

    /// Records states from the last one that holds up to `offset`, until
    /// the reading meets a candidate in its state (then all of them hold).
    fn extend(&mut self, source: &str, offset: usize) {
        if self.before(offset) < self.valid {
            return; // a state that holds is already past the cursor
        }
        let start = self
            .valid
            .checked_sub(1)
            .and_then(|i| self.points.get(i))
            .copied();
        let spacing = self.spacing;
        let candidates = self.points.get(self.valid..).unwrap_or_default();
        let mut next = 0; // the next candidate not passed
        let mut synced = false;
        let mut fresh = Vec::new();
        let mut last = start.map_or(0, |p| p.pos);
        scan(source, offset, start, |point| {
            while candidates.get(next).is_some_and(|c| c.pos < point.pos) {
                next += 1; // passed: it no longer holds
            }
            if let Some(c) = candidates.get(next).filter(|c| c.pos == point.pos) {
                if *c == point {
                    synced = true;
                    return ControlFlow::Break(());
                }
                next += 1;
            }
            if point.pos >= last + spacing {
                fresh.push(point);
                last = point.pos;
            }
            ControlFlow::Continue(())
        });
        let at = self.valid;
        let added = fresh.len();
        self.points.splice(at..at + next, fresh);
        self.valid = if synced {
            self.points.len()
        } else {
            at + added
        };
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The state after `t`, from `state`.
fn step(state: State, t: &Token) -> State {
    // The keyword the lexer recognised (`is_keyword` on the word).
    let kw = |k| t.keyword == Some(k);
    match state {
        State::Term | State::Joiner if kw(Keyword::And) || kw(Keyword::Or) || kw(Keyword::Not) => {
            State::Term
        }
        State::Joiner if kw(Keyword::Order) => State::By,
        State::By if kw(Keyword::By) => State::SortField,
        // A bare `ASC`/`DESC` right after `ORDER BY` is the order, as the
        // parser reads it.
        State::SortField
            if matches!(t.kind, TokenKind::Word | TokenKind::Str { .. })
                && t.keyword.and_then(Keyword::sort_order).is_none() =>
        {
            State::Direction
        }
        State::Direction | State::SortField
            if t.keyword.and_then(Keyword::sort_order).is_some() =>
        {
            State::End
        }
        State::SortField | State::Direction | State::End => State::End,
        State::Term if t.kind == TokenKind::LParen => State::Term,
        State::Term if matches!(t.kind, TokenKind::Word | TokenKind::Str { .. }) => {
            State::Operator(t.span)
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

/// The candidates at `at`, whose word being typed is `replace`.
fn candidates(source: &str, at: Point, replace: Span, schema: &Schema) -> Vec<Completion> {
    let state = at.state;
    let item = |label: &str, kind, detail: &str, documentation: &str| Completion {
        label: label.to_owned(),
        kind,
        detail: detail.to_owned(),
        documentation: documentation.to_owned(),
        insert_text: label.to_owned(),
        replace,
        sort_text: String::new(),
    };
    let field = |span: Span| schema.field(field_name(source, span));
    match state {
        State::Term => {
            // A name several attributes share is offered once.
            let mut offered = std::collections::HashSet::new();
            let mut out: Vec<Completion> = schema
                .fields()
                .flat_map(|f| f.names().map(move |name| (f, name)))
                .filter(|(_, name)| offered.insert(*name))
                .map(|(f, name)| {
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
                .map(|&s| {
                    let detail = operator_detail(s);
                    item(s.as_str(), CompletionKind::Operator, &detail, &detail)
                })
                .collect()
        }
        // The rest of each spelling that starts with `NOT` (`NOT IN`).
        State::AfterNot(name) => OpSpelling::ALL
            .iter()
            .filter(|s| s.takes_value() && field(name).is_none_or(|f| f.allows(s.op())))
            .filter_map(|&s| {
                let rest = s.as_str().strip_prefix("NOT ")?;
                let detail = format!("`{s}`, {}", operator_detail(s));
                Some(item(rest, CompletionKind::Keyword, &detail, ""))
            })
            .collect(),
        State::With(_) => vec![item("WITH", CompletionKind::Keyword, "", "")],
        State::Value(name, _) | State::ListValue(name) => values(field(name).as_deref(), replace),
        State::ListNext(_) | State::End => Vec::new(),
        State::Joiner => {
            let mut out = vec![
                item("AND", CompletionKind::Keyword, "both sides must match", ""),
                item("OR", CompletionKind::Keyword, "either side may match", ""),
            ];
            // `ORDER BY` ends the whole query: never inside parentheses.
            if schema.sorts() && at.depth == 0 {
                out.push(Completion {
                    insert_text: "ORDER BY ".to_owned(),
                    ..item(
                        "ORDER BY",
                        CompletionKind::Keyword,
                        "sort the results (ends the query)",
                        SORT_DOC,
                    )
                });
            }
            out
        }
        State::By => vec![item("BY", CompletionKind::Keyword, "", SORT_DOC)],
        State::SortField => schema
            .fields()
            .filter(|f| f.sortable)
            .flat_map(|f| f.names().map(move |name| (f, name)))
            .map(|(f, name)| Completion {
                insert_text: sort_field_text(name),
                ..item(name, CompletionKind::Field, f.ty.name(), &field_doc(f))
            })
            .collect(),
        State::Direction => SortOrder::ALL
            .iter()
            .map(|o| {
                item(
                    o.keyword(),
                    CompletionKind::Keyword,
                    o.as_str(),
                    o.description(),
                )
            })
            .collect(),
    }
}

/// What `ORDER BY` does, for its completions and hover.
pub(crate) const SORT_DOC: &str = "`ORDER BY field [ASC|DESC]` ends the query and sorts the results by one field: `ASC` lowest (oldest) first, `DESC` highest (newest) first. Without `ASC` or `DESC` the API sorts descending.";

/// What an operator spelling means, for its completion item.
fn operator_detail(s: OpSpelling) -> String {
    if !s.takes_value() {
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
        if !f.value_ids.is_empty() {
            doc.push_str(&format!(
                " (sent as their ids: `{}`)",
                f.value_ids.join("` `")
            ));
        }
    }
    if let Some(held) = &f.held_by {
        doc.push_str(&format!(
            "\n\nHeld by the objects whose `{}` is `{}`.",
            held.field,
            held.kinds.join("` or `")
        ));
    }
    if let Some(spelling) = f.reference_spelling {
        doc.push_str(&format!(
            "\n\nThe reference's search table spells it `{spelling}`; qc sends `{}`.",
            f.name
        ));
    }
    match &f.order {
        crate::schema::Order::Day(days) if f.ty == FieldType::Date => doc.push_str(&format!(
            "\n\nMatched by calendar day in {}: `=` the whole day, `>` from the next day, `<` before the day.",
            if days.is_configured() {
                days.zone().iana_name().unwrap_or("UTC")
            } else {
                "the workspace's time zone (not configured: days are read in UTC)"
            }
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
    if f.sortable {
        doc.push_str(&format!(
            "\n\nA sort field: `ORDER BY {} DESC` (or `ASC`).",
            sort_field_text(&f.name)
        ));
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

    /// After `NOT`, the rest of each `NOT` spelling the field allows.
    #[test]
    fn after_not_the_negated_spellings() {
        assert_eq!(labels("state NOT "), ["IN"]);
        assert_eq!(labels("source.subject NOT "), ["IN", "CONTAINS"]);
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

    fn text() -> impl Strategy<Value = String> {
        crate::ide::query_text(60)
    }

    /// An edit of `text`: a range (as fractions of its length) and what
    /// replaces it.
    fn edits() -> impl Strategy<Value = Vec<(f64, f64, String, f64)>> {
        proptest::collection::vec((0.0..1.0f64, 0.0..0.2f64, text(), 0.0..1.0f64), 1..6)
    }

    use proptest::prelude::*;

    proptest! {
        /// Kept states never change an answer: after any edits, completion
        /// from checkpoints is completion from the start.
        #[test]
        fn checkpoints_agree_with_reading_from_the_start(
            start in text(),
            edits in edits(),
            spacing in 1..40usize,
        ) {
            // A target that sorts, whose `ORDER BY` depends on the depth
            // of parentheses kept with each state.
            let schema = crate::ide::sorting_schema();
            let mut text = start;
            let mut kept = Checkpoints::with_spacing(spacing);
            let len = text.len();
            // States recorded all through the text first.
            prop_assert_eq!(kept.complete(&text, len, &schema), complete(&text, len, &schema));
            for (at, width, with, cursor) in edits {
                let a = floor_char_boundary(&text, (at * text.len() as f64) as usize);
                let b = floor_char_boundary(&text, a + (width * text.len() as f64) as usize).max(a);
                text.replace_range(a..b, &with);
                kept.edit(Span::new(a, b), with.len());
                for c in [cursor, 1.0, cursor / 2.0] {
                    let offset = floor_char_boundary(&text, (c * text.len() as f64) as usize);
                    prop_assert_eq!(
                        kept.complete(&text, offset, &schema),
                        complete(&text, offset, &schema),
                        "at {} of {:?}", offset, text
                    );
                }
            }
        }
    }

    #[test]
    fn checkpoints_read_from_near_the_cursor() {
        let schema = Schema::conversations();
        let mut text = "(state = open OR priority = priority) AND\n".repeat(2000);
        let mut kept = Checkpoints::new();
        let end = text.len();
        assert_eq!(
            kept.complete(&text, end, &schema),
            complete(&text, end, &schema)
        );
        let recorded = kept.valid;
        assert!(recorded >= end / Checkpoints::SPACING - 1, "{recorded}");
        // An edit in the middle keeps the states before it, and those after
        // it once lexing meets them again.
        let middle = text.len() / 2;
        let at = middle + text[middle..].find("open").unwrap_or(0);
        text.replace_range(at..at + 4, "closed");
        kept.edit(Span::new(at, at + 4), 6);
        assert!(kept.valid < recorded && kept.points.len() >= recorded - 1);
        let end = text.len();
        assert_eq!(
            kept.complete(&text, at + 8, &schema),
            complete(&text, at + 8, &schema)
        );
        assert!(
            kept.valid < kept.points.len(),
            "the states after the cursor wait"
        );
        assert_eq!(
            kept.complete(&text, end, &schema),
            complete(&text, end, &schema)
        );
        assert_eq!(
            kept.valid,
            kept.points.len(),
            "lexing met the kept states again"
        );
        assert!(kept.points.len() >= recorded - 1);
        // A span given end first is the same span; one past the text
        // forgets what was kept.
        kept.edit(Span::new(8, 4), 4);
        assert_eq!(
            kept.complete(&text, end, &schema),
            complete(&text, end, &schema)
        );
        kept.edit(Span::new(end + 10, end + 20), 3);
        assert_eq!(
            kept.complete(&text, end, &schema),
            complete(&text, end, &schema)
        );
        // A different text (not told of by `edit`) starts afresh.
        assert_eq!(
            kept.complete("state ", 6, &schema),
            complete("state ", 6, &schema)
        );
    }

    #[test]
    fn keywords_after_a_comparison() {
        assert_eq!(labels("state = open "), ["AND", "OR"]);
        assert_eq!(labels("(state = open) "), ["AND", "OR"]);
    }

    /// Where the endpoint sorts: `ORDER BY` after a comparison, then the
    /// sort fields only, then the orders, then nothing.
    #[test]
    fn order_by_where_the_endpoint_sorts() {
        let schema = crate::ide::sorting_schema();
        let labels = |src: &str| -> Vec<String> {
            complete(src, src.len(), &schema)
                .into_iter()
                .map(|c| c.label)
                .collect()
        };
        assert_eq!(labels("role = user "), ["AND", "OR", "ORDER BY"]);
        // It ends the whole query: not inside parentheses, and again once
        // they are closed.
        assert_eq!(labels("(role = user "), ["AND", "OR"]);
        assert_eq!(labels("((role = user) OR name = a "), ["AND", "OR"]);
        assert_eq!(labels("(role = user) "), ["AND", "OR", "ORDER BY"]);
        assert_eq!(
            labels("((role = user) OR (name = a)) "),
            ["AND", "OR", "ORDER BY"]
        );
        // An extra `)` (a parse error) does not make the depth negative.
        assert_eq!(labels("role = user) "), ["AND", "OR", "ORDER BY"]);
        let order_by = complete("role = user ", 12, &schema);
        assert_eq!(order_by[2].insert_text, "ORDER BY ");
        assert!(order_by[2].documentation.contains("sorts descending"));
        assert_eq!(labels("role = user ORDER "), ["BY"]);
        let fields = labels("role = user ORDER BY ");
        assert!(fields.contains(&"created_at".to_owned()), "{fields:?}");
        assert!(fields.contains(&"name".to_owned()), "{fields:?}");
        // Lists are no sort field.
        assert!(!fields.contains(&"tag_id".to_owned()), "{fields:?}");
        assert!(!fields.contains(&"segment_id".to_owned()), "{fields:?}");
        let sortable = schema.fields().filter(|f| f.sortable).count();
        assert_eq!(fields.len(), sortable);
        // The word being typed is replaced.
        let typed = complete("role = user ORDER BY crea", 25, &schema);
        assert_eq!(typed[0].replace, Span::new(21, 25));
        assert_eq!(labels("role = user ORDER BY created_at "), ["ASC", "DESC"]);
        assert_eq!(labels("role = user order by \"name\" "), ["ASC", "DESC"]);
        assert!(labels("role = user ORDER BY created_at DESC ").is_empty());
        // `ORDER` as a field is a field: its operators follow.
        assert!(labels("order ").contains(&"=".to_owned()));
        // Where the endpoint does not sort, no `ORDER BY`.
        let conversations = crate::Schema::conversations();
        assert!(
            complete("state = open ", 13, &conversations)
                .iter()
                .all(|c| c.label != "ORDER BY")
        );
    }
}
