//! Lints: queries that are valid but almost certainly not what was meant.
//! Each is a warning with its own code; the exit status stays 0.
//!
//! - On one comparison, as the query means it: `=` on a Date field that the
//!   target matches to the second (W0403), `<=` on a calendar date there,
//!   which stops at the day's first second (W0406, text only), and `%` or
//!   `*` inside an `=` or `~` value, since qc has no wildcards (W0405).
//!   Their help writes the fix in the query's [`Notation`].
//! - On the compiled groups, with the API's meaning of each operator: an
//!   AND group that can never match (W0401: `state = open AND state =
//!   closed`, `x > 5 AND x < 3`, `x = 2 AND x > 5`, `x = a AND x != a`, in
//!   whole steps on integers; W0402 for an empty date range, in seconds or,
//!   on contacts, in days) and an OR group that always matches (W0404:
//!   `read = true OR read = false`, `x = a OR x != a`).
//! - On a request and its decompiled text: why the text compiles to
//!   another request ([`round_trip_cause`], W0301's help).

use jiff::civil::Date;

use super::dates::{Direction, day_of, neighbour_day, start_of_day};
use super::lower;
use super::notation::Notation;
use super::query::{Filter, FilterValue, GroupOp, Node, ScalarValue};
use crate::diagnostic::{Code, Diagnostic, clip};
use crate::op::Op;
use crate::schema::{FieldDef, FieldType, Matching, Order, Schema};
use crate::syntax::Span;
use crate::target::Target;

/// Lints of one comparison, as written (after `NOT`; in a request, as the
/// API takes it), before it is compiled to the target's operators, pushed
/// onto `out`. `text` is the value as written; the help is written in
/// `notation`.
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
pub fn comparison(
    filter: &Filter,
    text: Option<&str>,
    schema: &Schema,
    notation: Notation,
    out: &mut Vec<Diagnostic>,
) {
    // Most comparisons need neither lint: told apart here, before the
    // work of writing one.
    let date_equality = filter.op == Op::Eq && filter.field.ty == FieldType::Date;
    let wildcard = matches!(filter.op, Op::Eq | Op::Contains)
        && filter.field.ty == FieldType::String
        && text.is_some_and(|t| t.bytes().any(|b| matches!(b, b'%' | b'*')));
    if date_equality || wildcard {
        comparison_found(filter, text, schema, notation, out);
    }
}

/// [`comparison`], for a comparison that may need a lint.
#[cold]
fn comparison_found(
    filter: &Filter,
    text: Option<&str>,
    schema: &Schema,
    notation: Notation,
    out: &mut Vec<Diagnostic>,
) {
    let field = &filter.field;
    let tz = schema.timezone();
    if filter.op == Op::Eq
        && field.ty == FieldType::Date
        && !matches!(field.order, Order::Day(_))
        && let FilterValue::One(ScalarValue::Date(seconds)) = filter.value
    {
        let day = day_of(seconds, tz);
        let range = day
            .and_then(|d| Some((d, neighbour_day(d, Direction::After, tz)?)))
            .and_then(|(d, next)| whole_day(filter, d, next, schema, notation));
        let first_second = day.and_then(|d| start_of_day(d, tz)) == Some(seconds);
        let what = if first_second {
            "the first second of that day"
        } else {
            "that one second"
        };
        let d = Diagnostic::new(
            Code::DateEquality,
            filter.span,
            format!(
                "`=` on `{}` matches {what} only: the API compares dates to the second",
                field.name
            ),
        );
        out.push(match range {
            Some(range) => d.with_help(format!("for the whole day write {range}")),
            None => d,
        });
    }
    if matches!(filter.op, Op::Eq | Op::Contains)
        && field.ty == FieldType::String
        && let Some(text) = text
        && text.bytes().any(|b| matches!(b, b'%' | b'*'))
    {
        let inner = text.trim_matches(['%', '*']);
        let meant = match (
            text.starts_with(['%', '*']),
            text.ends_with(['%', '*']),
            inner.contains(['%', '*']),
        ) {
            (true, true, false) => Some(("contains", Op::Contains)),
            (false, true, false) => Some(("starts with", Op::StartsWith)),
            (true, false, false) => Some(("ends with", Op::EndsWith)),
            _ => None,
        };
        let help = match meant {
            Some((what, op)) => format!(
                "for \"{what}\" write `{}`",
                written(filter, op, inner, notation)
            ),
            None => "use `~` (contains), `^` (starts with) or `$` (ends with)".to_owned(),
        };
        out.push(
            Diagnostic::new(
                Code::Wildcard,
                filter.span,
                format!(
                    "qc has no wildcards: `{}` is searched for literally, `%` and `*` included",
                    clip(text)
                ),
            )
            .with_help(help),
        );
    }
}

/// W0406: `<=` on a calendar date (`2024-06-30`, `today`, `yesterday`)
/// where the target compares dates to the second: it stops at the day's
/// first second. The fix, replacing `written` (the operator and the
/// value), is `< ` the next day. `text` is the value as written.
pub fn inclusive_day_end(
    filter: &Filter,
    text: &str,
    written: Span,
    schema: &Schema,
    out: &mut Vec<Diagnostic>,
) {
    let field = &filter.field;
    if filter.op != Op::Le || field.ty != FieldType::Date || matches!(field.order, Order::Day(_)) {
        return;
    }
    let FilterValue::One(ScalarValue::Date(seconds)) = filter.value else {
        return;
    };
    let calendar = text.len() == 10 && text.parse::<Date>().is_ok();
    let word = ["today", "yesterday"]
        .iter()
        .any(|w| text.eq_ignore_ascii_case(w));
    let tz = schema.timezone();
    let Some(day) = day_of(seconds, tz).filter(|d| start_of_day(*d, tz) == Some(seconds)) else {
        return;
    };
    let Some(next) = neighbour_day(day, Direction::After, tz) else {
        return;
    };
    if !(calendar || word) {
        return;
    }
    out.push(
        Diagnostic::new(
            Code::InclusiveDateEnd,
            filter.span,
            format!(
                "`{} <= {}` ends at {day} 00:00:00, the day's first second: {} search compares dates to the second",
                field.name,
                clip(text),
                schema.target()
            ),
        )
        .with_help(format!(
            "to include the whole day {day}, write `{} < {next}`",
            field.name
        ))
        .with_suggestion(written, format!("< {next}")),
    );
}

/// `filter`'s field compared by `op` with the text `value`, written in
/// `notation`: a comparison in text, a filter object in a request.
fn written(filter: &Filter, op: Op, value: &str, notation: Notation) -> String {
    let value = clip(value);
    match notation {
        Notation::Text => format!("{} {op} \"{value}\"", filter.field.name),
        Notation::Json => {
            let f = Filter {
                op,
                value: FilterValue::One(ScalarValue::String(value.as_ref().into())),
                ..filter.clone()
            };
            serde_json::to_string(&f).unwrap_or_default()
        }
    }
}

/// The comparisons that select the whole `day` (up to `next`) on
/// `filter`'s field, written in `notation`: the query's `>=` and `<` in
/// text, and in a request the AND of the filters the API needs for them
/// (what the compiler would send).
fn whole_day(
    filter: &Filter,
    day: Date,
    next: Date,
    schema: &Schema,
    notation: Notation,
) -> Option<String> {
    match notation {
        Notation::Text => {
            let name = notation.field(&filter.field.name);
            Some(format!("`{name} >= {day} AND {name} < {next}`"))
        }
        Notation::Json => {
            let bound = |op: Op, date: Date| {
                let f = Filter {
                    op,
                    value: FilterValue::One(ScalarValue::Date(start_of_day(
                        date,
                        schema.timezone(),
                    )?)),
                    ..filter.clone()
                };
                let node = lower::to_api(f, schema.target(), &mut Vec::new()).ok()?;
                serde_json::to_string(&node).ok()
            };
            let (from, to) = (bound(Op::Ge, day)?, bound(Op::Lt, next)?);
            Some(format!(
                "an AND group of `{from}` and `{to}` (the day {day})"
            ))
        }
    }
}

/// The most members of a group the group lints compare pairwise: no
/// request holds more than 15, and a larger group is refused or rewritten
/// anyway, so a hostile one is not worth quadratic time.
const MAX_LINTED_MEMBERS: usize = 256;

/// Lints of every group of a compiled tree.
pub fn groups(node: &Node, out: &mut Vec<Diagnostic>) {
    let Node::Group(g) = node else {
        return;
    };
    if g.members.len() > MAX_LINTED_MEMBERS {
        return;
    }
    // Both lints compare filters on one field: most groups have none.
    match g.op {
        GroupOp::And if shares_a_field(&g.members) => contradictions(&g.members, out),
        GroupOp::And => {}
        GroupOp::Or => tautologies(&g.members, out),
    }
    for m in &g.members {
        if let Node::Group(_) = m {
            groups(m, out);
        }
    }
}

/// A point of an ordered field, as its bounds compare: whole steps
/// (integers, dates in seconds, contacts' days) or real numbers.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
enum Point {
    Whole(i128),
    Real(f64),
}

/// `v` as a point of `field`'s order: a day number on day-matched
/// fields, a whole number where values are whole, a real elsewhere.
fn point(field: &FieldDef, v: &ScalarValue) -> Option<Point> {
    match (v, &field.order) {
        (ScalarValue::Date(s), Order::Day(days)) => {
            let epoch = Date::constant(1970, 1, 1);
            let day = days.day_of(*s)?;
            let n = epoch.until(day).ok()?.get_days();
            Some(Point::Whole(i128::from(n)))
        }
        (ScalarValue::Integer(n) | ScalarValue::Date(n), _) if field.ty.is_discrete() => {
            Some(Point::Whole(i128::from(*n)))
        }
        (ScalarValue::Integer(n) | ScalarValue::Date(n), _) => Some(Point::Real(*n as f64)),
        (ScalarValue::Float(f), _) => Some(Point::Real(*f)),
        _ => None,
    }
}

/// A bound of an interval: the point and whether it is included. Whole
/// points are always included (an excluded one is the next step).
#[derive(Debug, Clone, Copy)]
struct Bound {
    at: Point,
    inclusive: bool,
}

impl Bound {
    /// The bound, with a whole point made inclusive by a step towards the
    /// inside (`up` for a lower bound).
    fn new(at: Point, inclusive: bool, up: bool) -> Bound {
        match at {
            Point::Whole(n) if !inclusive => Bound {
                at: Point::Whole(if up { n + 1 } else { n - 1 }),
                inclusive: true,
            },
            _ => Bound { at, inclusive },
        }
    }

    /// True when `self` is a tighter lower (`lower`) or upper bound than
    /// `old`.
    fn tighter(self, old: Bound, lower: bool) -> bool {
        let beyond = if lower {
            self.at > old.at
        } else {
            self.at < old.at
        };
        beyond || (self.at == old.at && !self.inclusive)
    }
}

/// The filters among a group's members (its subgroups are linted on
/// their own).
fn filters(members: &[Node]) -> impl Iterator<Item = &Filter> {
    members.iter().filter_map(|m| match m {
        Node::Filter(f) => Some(f),
        Node::Group(_) => None,
    })
}

fn contradictions(members: &[Node], out: &mut Vec<Diagnostic>) {
    for (i, member) in members.iter().enumerate() {
        let Node::Filter(f) = member else {
            continue;
        };
        // Each field once, at its first filter.
        if filters(&members[..i]).any(|g| same_field(g, f)) {
            continue;
        }
        let on_field = |g: &&Filter| same_field(g, f);
        // Most fields appear once in a group: count before collecting.
        if filters(&members[i..]).filter(on_field).nth(1).is_none() {
            continue;
        }
        let same: Vec<&Filter> = filters(&members[i..]).filter(on_field).collect();
        if let Some((a, b)) = conflicting_equalities(&same) {
            out.push(never(
                Code::Contradiction,
                a,
                b,
                "these comparisons contradict each other: no value matches both",
            ));
            continue;
        }
        if let Some((a, b)) = empty_interval(&same) {
            let (code, why) = if f.field.ty == FieldType::Date {
                (
                    Code::EmptyDateRange,
                    "this date range is empty: no date is in both bounds",
                )
            } else {
                (
                    Code::Contradiction,
                    "these bounds leave no value: no number is in both",
                )
            };
            out.push(never(code, a, b, why));
        }
    }
}

/// True when two filters compare the same field (by name: two unchecked
/// attributes of one name are one field).
fn same_field(a: &Filter, b: &Filter) -> bool {
    same_def(&a.field, &b.field)
}

/// [`same_field`] of two rows.
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
fn same_def(a: &FieldDef, b: &FieldDef) -> bool {
    std::ptr::eq(a, b) || a.name == b.name
}

/// True when two of the filters among `members` compare the same field.
fn shares_a_field(members: &[Node]) -> bool {
    let mut rest = members;
    while let Some((first, others)) = rest.split_first() {
        rest = others;
        let Node::Filter(a) = first else {
            continue;
        };
        let a: &FieldDef = &a.field;
        if filters(rest).any(|b| same_def(a, &b.field)) {
            return true;
        }
    }
    false
}

fn never(code: Code, a: &Filter, b: &Filter, why: &str) -> Diagnostic {
    Diagnostic::new(
        code,
        b.span,
        format!("{why}, so this AND group never matches"),
    )
    .with_label(a.span, "this comparison")
    .with_help("check the values and operators, or join the comparisons with OR")
}

/// Two filters on one field that no object satisfies together.
fn conflicting_equalities<'f>(same: &[&'f Filter]) -> Option<(&'f Filter, &'f Filter)> {
    let single = !same[0].field.many && same[0].field.matching == Matching::Exact;
    for (i, a) in same.iter().enumerate() {
        for b in &same[i + 1..] {
            let (FilterValue::One(x), FilterValue::One(y)) = (&a.value, &b.value) else {
                continue;
            };
            let conflict = match (a.op, b.op) {
                // `x = a AND x != a`: the value is `a` and is not.
                (Op::Eq, Op::Ne) | (Op::Ne, Op::Eq) => x == y,
                // One value cannot equal two others.
                (Op::Eq, Op::Eq) => single && x != y && !matches!(a.field.order, Order::Day(_)),
                _ => false,
            };
            if conflict {
                return Some((a, b));
            }
        }
    }
    None
}

/// Two bounds (or an equality and a bound, or two equalities) on one
/// single-valued field that leave no value, under the API's meaning of
/// each operator on it: in whole steps where values are whole (`x > 5
/// AND x < 6` on integers), and by calendar day on contacts' dates. Where
/// the reference reads `>`/`<` two ways, the inclusive reading, so that
/// the group is empty under both.
fn empty_interval<'f>(same: &[&'f Filter]) -> Option<(&'f Filter, &'f Filter)> {
    let field = &same[0].field;
    if field.many || field.matching != Matching::Exact {
        return None;
    }
    let mut lo: Option<(Bound, &Filter)> = None;
    let mut hi: Option<(Bound, &Filter)> = None;
    for f in same {
        let FilterValue::One(v) = &f.value else {
            continue;
        };
        let Some(at) = point(field, v) else {
            continue;
        };
        let api_inclusive = matches!(field.order, Order::Inclusive | Order::Ambiguous);
        // Which sides the comparison bounds, and whether it includes `at`.
        let (lower, upper, inclusive) = match f.op {
            Op::Eq => (true, true, true),
            Op::Gt => (true, false, api_inclusive),
            Op::Lt => (false, true, api_inclusive),
            Op::Ge => (true, false, true),
            Op::Le => (false, true, true),
            _ => continue,
        };
        for (side, is_lower) in [(lower, true), (upper, false)] {
            if !side {
                continue;
            }
            let b = Bound::new(at, inclusive, is_lower);
            let slot = if is_lower { &mut lo } else { &mut hi };
            if slot.is_none_or(|(old, _)| b.tighter(old, is_lower)) {
                *slot = Some((b, f));
            }
        }
    }
    let ((l, a), (h, b)) = (lo?, hi?);
    let empty = l.at > h.at || (l.at == h.at && !(l.inclusive && h.inclusive));
    empty.then_some((a, b))
}

fn tautologies(members: &[Node], out: &mut Vec<Diagnostic>) {
    // Only `=` and `!=` cover every value together: the others are not
    // compared.
    let equality = |f: &Filter| matches!(f.op, Op::Eq | Op::Ne);
    for (i, member) in members.iter().enumerate() {
        let Node::Filter(a) = member else {
            continue;
        };
        if !equality(a) {
            continue;
        }
        for b in filters(&members[i + 1..]) {
            if !equality(b) || !same_field(a, b) {
                continue;
            }
            let (FilterValue::One(x), FilterValue::One(y)) = (&a.value, &b.value) else {
                continue;
            };
            let always = match (a.op, b.op) {
                (Op::Eq, Op::Ne) | (Op::Ne, Op::Eq) => x == y,
                (Op::Eq, Op::Eq) => {
                    a.field.ty == FieldType::Boolean
                        && matches!((x, y), (ScalarValue::Boolean(p), ScalarValue::Boolean(q)) if p != q)
                }
                _ => false,
            };
            if always {
                out.push(
                    Diagnostic::new(
                        Code::Tautology,
                        b.span,
                        "this OR group matches every object that has the field: the comparisons cover every value",
                    )
                    .with_label(a.span, "this comparison")
                    .with_help("drop the group, or check the values and operators"),
                );
                return;
            }
        }
    }
}

/// Why a request's decompiled text compiles to another request (W0301):
/// the first filter that differs between the request (`request`, after
/// the compiler's normalisation) and what its text compiles to
/// (`compiled`) on `target`, and why, in words; `None` when the filters
/// are the same (the groups differ).
pub fn round_trip_cause(request: &Node, compiled: &Node, target: Target) -> Option<String> {
    let mut sent = Vec::new();
    request.for_each_filter(&mut |f| sent.push(f.clone()));
    let mut back = Vec::new();
    compiled.for_each_filter(&mut |f| back.push(f.clone()));
    let same =
        |a: &Filter, b: &Filter| a.field.name == b.field.name && a.op == b.op && a.value == b.value;
    let at = sent.iter().zip(&back).position(|(a, b)| !same(a, b));
    let (a, b) = match at {
        Some(i) => (&sent[i], &back[i]),
        None if sent.len() == back.len() => return None,
        None => {
            return Some(format!(
                "the request has {} filters and the text compiles to {}",
                sent.len(),
                back.len()
            ));
        }
    };
    let json = |f: &Filter| serde_json::to_string(f).unwrap_or_default();
    let field = &a.field;
    let why = match (&field.order, a.op, b.op) {
        _ if a.field.name != b.field.name => String::new(),
        (Order::Inclusive, Op::Ge | Op::Le, Op::Gt | Op::Lt) if a.value == b.value => format!(
            ": the {} reference documents `{}`, which includes the bound, and not `{}` (the same objects)",
            target, b.op, a.op
        ),
        (Order::Ambiguous, Op::Gt | Op::Lt, _) => format!(
            ": the reference reads `{}` on `{}` two ways; the text reads it as strict, which qc sends as `{}`",
            a.op, field.name, b.op
        ),
        (Order::Day(days), _, _) if a.op == b.op => match &a.value {
            FilterValue::One(ScalarValue::Date(s)) => format!(
                ": `{}` is matched by calendar day, and {s} is not the instant qc sends for its day, {}; the text compiles to that instant (the same objects)",
                field.name,
                days.day_of(*s).map_or_else(String::new, |d| d.to_string())
            ),
            _ => String::new(),
        },
        _ => String::new(),
    };
    Some(format!(
        "the request's `{}` compiles back as `{}`{why}",
        json(a),
        json(b)
    ))
}
