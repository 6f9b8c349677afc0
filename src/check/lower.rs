//! A comparison as the query means it, to what the target's API needs to
//! select exactly that.
//!
//! A query's `>` and `<` are strict and `>=` and `<=` inclusive, on every
//! target. What the API's operators mean is a column of the field's row
//! ([`Order`]):
//!
//! - **Inclusive** (conversations; tickets but `created_at`): the API's
//!   `>`/`<` include the bound and there is no `>=`/`<=`. `x >= n` is
//!   sent as `> n` and `x <= n` as `< n`. A strict bound on whole numbers
//!   and dates (one second as the step) is the inclusive one a step
//!   further: `x > n` is `> n+1`, `x < n` is `< n-1`. Where there is no
//!   next value (decimals, and ticket attributes of unknown type, which
//!   may hold one), it is the inclusive bound without the value:
//!   `x > n AND x != n`.
//! - **Ambiguous** (tickets' `created_at`): the reference reads `>`/`<`
//!   both as inclusive and as strict, and documents real `>=`/`<=`; only
//!   those are sent: `x > n` is `>= n+1`, `x < n` is `<= n-1`, exact
//!   under either reading.
//! - **Strict** (contacts' Integer fields, Preview contacts' timestamps,
//!   companies): sent as written; where the API has no `>=`/`<=`
//!   (companies), an inclusive bound is the strict one a step back on
//!   whole numbers and dates (`x >= n` is `> n-1`), else the strict one
//!   or the value (`x > n OR x = n`).
//! - **Day** (contacts' Date fields, in the workspace's zone; in Preview,
//!   Date custom attributes, in UTC): values are calendar days in the
//!   field's zone; `=`, `>` and `<` are sent as the day's instant (its
//!   first, or its midday in UTC when the workspace's zone is not
//!   configured), `>= D` as `> D-1`, `<= D` as `< D+1`, `!= D` as
//!   `< D OR > D OR = null` (`!=` matches a missing date), `IN` as an OR
//!   of `=`, `NIN` as an AND of those, and `!= null` as `< D OR = D OR
//!   > D` for any day `D`.
//!
//! Where the endpoint lacks `IN`/`NIN` on a field (contacts' `tag_id`),
//! they become an OR of `=` and an AND of `!=`. Where no exact equivalent
//! exists, the error names the target's rule.

use super::dates::{Direction, add_days, neighbour_day, out_of_range_message, start_of_day};
use super::query::{Filter, FilterValue, GroupOp, Node, ScalarValue};
use crate::diagnostic::{Code, Diagnostic};
use crate::op::Op;
use crate::schema::{Bound, Days, FieldType, Order};
use crate::syntax::Span;
use crate::target::Target;

/// The filter that selects exactly what `filter` does not, as the query
/// means it (`>` strict): `=`/`!=`, `IN`/`NIN`, `~`/`!~` swap, `>` becomes
/// `<=` and `>=` becomes `<`. `^` and `$` have no negation in the API.
pub fn negate(filter: Filter, not: Span) -> Result<Filter, Box<Diagnostic>> {
    let op = match filter.op {
        Op::Eq => Op::Ne,
        Op::Ne => Op::Eq,
        Op::In => Op::Nin,
        Op::Nin => Op::In,
        Op::Contains => Op::NotContains,
        Op::NotContains => Op::Contains,
        Op::Gt => Op::Le,
        Op::Le => Op::Gt,
        Op::Ge => Op::Lt,
        Op::Lt => Op::Ge,
        Op::StartsWith | Op::EndsWith => {
            let (what, verb) = if filter.op == Op::StartsWith {
                ("starts with", "start with")
            } else {
                ("ends with", "end with")
            };
            return Err(Box::new(
                Diagnostic::new(
                    Code::CannotNegate,
                    filter.span,
                    format!(
                        "`{}` ({what}) cannot be negated: the API has no \"does not {verb}\" operator",
                        filter.op
                    ),
                )
                .with_label(not, "negated by this NOT")
                .with_help("rewrite the query without NOT around this comparison"),
            ));
        }
    };
    Ok(Filter { op, ..filter })
}

/// The API form of a filter as the query means it, and the warnings found
/// on the way.
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
pub fn to_api(
    filter: Filter,
    target: Target,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Node, Box<Diagnostic>> {
    if matches!(filter.value, FilterValue::One(ScalarValue::Null)) {
        return null(filter, target);
    }
    match &filter.field.order {
        Order::Day(days) => {
            let days = days.clone();
            day(filter, target, &days, warnings)
        }
        _ if filter.op.is_order() => bound(filter, target),
        // What [`expand_lists`] keeps as it is, without passing it on.
        _ if filter.field.api_ops.contains(filter.op) => Ok(Node::Filter(filter)),
        _ => expand_lists(filter, target),
    }
}

/// A day that any day-matched date is before, on or after: `!= null` is
/// `< D OR = D OR > D`.
const ANY_DAY: jiff::civil::Date = jiff::civil::date(2000, 1, 1);

/// `= null` and `!= null`: as written where the endpoint takes them; on a
/// day-matched date, which has no `!=`, `!= null` is "before, on or after
/// some day".
fn null(filter: Filter, target: Target) -> Result<Node, Box<Diagnostic>> {
    if let (Order::Day(days), Op::Ne) = (&filter.field.order, filter.op)
        && !filter.field.api_ops.contains(Op::Ne)
        && let Some(any) = days.instant(ANY_DAY)
    {
        let one = |op: Op| {
            Node::Filter(Filter {
                op,
                value: FilterValue::One(ScalarValue::Date(any)),
                ..filter.clone()
            })
        };
        let members = [one(Op::Lt), one(Op::Eq), one(Op::Gt)];
        if let Some(node) = Node::group(GroupOp::Or, members, filter.span) {
            return Ok(node);
        }
    }
    supported(filter, target)
}

/// `filter` itself when the endpoint takes its operator, else the error
/// that names the target's rule.
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
fn supported(filter: Filter, target: Target) -> Result<Node, Box<Diagnostic>> {
    if filter.field.api_ops.contains(filter.op) {
        return Ok(Node::Filter(filter));
    }
    Err(Box::new(
        Diagnostic::new(
            Code::TargetRule,
            filter.span,
            format!(
                "{target} search does not support `{}` on `{}`, and qc knows no exact equivalent",
                filter.op, filter.field.name
            ),
        )
        .with_help(format!(
            "on {target}, `{}` accepts {}",
            filter.field.name,
            filter.field.api_ops.join()
        )),
    ))
}

/// `IN`/`NIN` as an OR of `=`/an AND of `!=` where the endpoint lacks them.
fn expand_lists(filter: Filter, target: Target) -> Result<Node, Box<Diagnostic>> {
    let api = &filter.field.api_ops;
    let (one, group) = match filter.op {
        Op::In if !api.contains(Op::In) && api.contains(Op::Eq) => (Op::Eq, GroupOp::Or),
        Op::Nin if !api.contains(Op::Nin) && api.contains(Op::Ne) => (Op::Ne, GroupOp::And),
        _ => return supported(filter, target),
    };
    let FilterValue::List(values) = &filter.value else {
        return supported(filter, target);
    };
    let members = values.iter().map(|v| {
        Node::Filter(Filter {
            field: filter.field.clone(),
            op: one,
            value: FilterValue::One(v.clone()),
            span: filter.span,
        })
    });
    Node::group(group, members, filter.span).ok_or_else(|| {
        Box::new(Diagnostic::new(
            Code::EmptyList,
            filter.span,
            "an empty list selects nothing",
        ))
    })
}

/// An ordered comparison, as the field's row says the endpoint expresses
/// it ([`FieldDef::bound`](crate::schema::FieldDef::bound)).
fn bound(filter: Filter, target: Target) -> Result<Node, Box<Diagnostic>> {
    let Some(how) = filter.field.bound(filter.op) else {
        return supported(filter, target);
    };
    let FilterValue::One(value) = &filter.value else {
        return supported(filter, target);
    };
    if !matches!(
        value,
        ScalarValue::Integer(_) | ScalarValue::Float(_) | ScalarValue::Date(_)
    ) {
        return Err(Box::new(
            Diagnostic::new(
                Code::TargetRule,
                filter.span,
                format!("`{}` compares numbers and dates only", filter.op),
            )
            .with_help("compare with a number or a date"),
        ));
    }
    // Numbers and dates are copied, not cloned: the filter is rebuilt
    // from its parts.
    let value = value.clone();
    let Filter {
        field,
        op: written,
        span,
        ..
    } = filter;
    let with = |op: Op, value: ScalarValue| {
        Node::Filter(Filter {
            field: field.clone(),
            op,
            value: FilterValue::One(value),
            span,
        })
    };
    let pair = |group: GroupOp, a: Node, b: Node| {
        Node::group(group, [a, b], span).ok_or_else(|| {
            Box::new(Diagnostic::new(
                Code::TargetRule,
                span,
                "this bound cannot be expressed",
            ))
        })
    };
    match how {
        Bound::As(op) => Ok(with(op, value)),
        Bound::Step(op, step) => {
            let stepped = match value {
                ScalarValue::Integer(n) => n.checked_add(i64::from(step)).map(ScalarValue::Integer),
                ScalarValue::Date(n) => n.checked_add(i64::from(step)).map(ScalarValue::Date),
                _ => None,
            };
            match stepped {
                Some(v) => Ok(with(op, v)),
                None => Err(Box::new(Diagnostic::new(
                    Code::NegationOverflow,
                    span,
                    format!("`{written}` cannot be expressed: the bound is out of range"),
                ))),
            }
        }
        // No next value: the inclusive bound without the value itself, or
        // the strict bound or the value.
        Bound::Without(op) => pair(GroupOp::And, with(op, value.clone()), with(Op::Ne, value)),
        Bound::OrEqual(op) => pair(GroupOp::Or, with(op, value.clone()), with(Op::Eq, value)),
    }
}

/// What a day-matched comparison selects, for W0103: a value with a time
/// of day stands for its day `date`.
fn day_meaning(op: Op, date: jiff::civil::Date) -> String {
    let next = add_days(date, 1).map_or_else(|| "the next day".to_owned(), |d| d.to_string());
    match op {
        Op::Gt => format!("matches from the start of the next day, {next}"),
        Op::Ge => format!("matches from the start of {date}"),
        Op::Lt => format!("matches before the start of {date}"),
        Op::Le => format!("matches up to the end of {date}"),
        Op::Ne | Op::Nin => format!("leaves out the whole day {date}"),
        _ => format!("matches the whole day {date}"),
    }
}

/// The help of W0103: the comparisons on whole days near what was
/// written, each with what it selects.
fn day_help(field: &str, op: Op, date: jiff::civil::Date) -> String {
    let next = add_days(date, 1).map_or_else(|| "the next day".to_owned(), |d| d.to_string());
    match op {
        Op::Gt | Op::Ge => format!(
            "write the day: `{field} > {date}` starts on {next}, `{field} >= {date}` on {date}"
        ),
        Op::Lt | Op::Le => format!(
            "write the day: `{field} < {date}` ends before {date}, `{field} <= {date}` after it"
        ),
        _ => format!("write the day, e.g. `{field} {op} {date}`"),
    }
}

/// Contacts' day-matched dates.
fn day(
    filter: Filter,
    target: Target,
    days: &Days,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Node, Box<Diagnostic>> {
    let span = filter.span;
    let out_of_range = || {
        Box::new(Diagnostic::new(
            Code::InvalidDate,
            span,
            format!("the date is {}", out_of_range_message()),
        ))
    };
    if !days.is_configured() {
        warnings.push(
            Diagnostic::new(
                Code::ZoneNotSet,
                span,
                format!(
                    "{target} match `{}` by calendar day in the workspace's time zone, which is not configured: qc sends each day as its midday in UTC, inside that day in every zone from UTC−12 to UTC+11, and reads dates and times in UTC",
                    filter.field.name
                ),
            )
            .with_help("set the workspace's zone: `--timezone ZONE` (an IANA name such as `Europe/Paris`), `timezone = \"Europe/Paris\"` in qc.toml, or the `timezone` setting"),
        );
    }
    let zone = if days.is_configured() {
        days.zone().iana_name().unwrap_or("UTC")
    } else {
        "UTC (assumed)"
    };
    // The day of each value, warning for values that are not one.
    let mut day_of = |v: &ScalarValue| -> Result<jiff::civil::Date, Box<Diagnostic>> {
        let ScalarValue::Date(seconds) = v else {
            return Err(Box::new(Diagnostic::new(
                Code::TargetRule,
                span,
                format!("`{}` compares dates only", filter.field.name),
            )));
        };
        let date = days.day_of(*seconds).ok_or_else(out_of_range)?;
        let first = start_of_day(date, days.zone()).ok_or_else(out_of_range)?;
        if first != *seconds {
            let time = jiff::Timestamp::from_second(*seconds)
                .map(|t| days.zone().to_datetime(t).time().to_string())
                .unwrap_or_default();
            warnings.push(
                Diagnostic::new(
                    Code::NotAWholeDay,
                    span,
                    format!(
                        "{target} match `{}` by calendar day in {zone}: this value is {time} on {date}, not the start of a day, so `{}` {}",
                        filter.field.name,
                        filter.op,
                        day_meaning(filter.op, date)
                    ),
                )
                .with_help(day_help(&filter.field.name, filter.op, date)),
            );
        }
        Ok(date)
    };
    // The instant sent for a value's day (`shift` 0), the day before it
    // (-1) or the day after it (1). The day before and the day after are
    // days that exist in the zone: where the zone skipped the calendar's
    // neighbour, the next one over.
    let sent = |date: jiff::civil::Date, shift: i32| -> Result<ScalarValue, Box<Diagnostic>> {
        let shifted = match shift {
            0 => Some(date),
            s if s < 0 => neighbour_day(date, Direction::Before, days.zone()),
            _ => neighbour_day(date, Direction::After, days.zone()),
        }
        .ok_or_else(|| {
            let which = if shift < 0 { "before" } else { "after" };
            Box::new(
                Diagnostic::new(
                    Code::InvalidDate,
                    span,
                    format!(
                        "`{}` is sent as a bound on the day {which} {date}, which is {}",
                        filter.op,
                        out_of_range_message()
                    ),
                )
                .with_help("drop the bound: every date qc reads is on this side of it"),
            )
        })?;
        days.instant(shifted)
            .map(ScalarValue::Date)
            .ok_or_else(out_of_range)
    };
    let one = |op: Op, value: ScalarValue| {
        Node::Filter(Filter {
            field: filter.field.clone(),
            op,
            value: FilterValue::One(value),
            span,
        })
    };
    // `!= D` also matches contacts without the date, as `!=` does
    // everywhere: `< D OR > D OR = null`.
    let outside = |v: ScalarValue| {
        Node::group(
            GroupOp::Or,
            [
                one(Op::Lt, v.clone()),
                one(Op::Gt, v),
                one(Op::Eq, ScalarValue::Null),
            ],
            span,
        )
    };
    let node = match (&filter.value, filter.op) {
        (FilterValue::One(v), Op::Eq | Op::Gt | Op::Lt) => one(filter.op, sent(day_of(v)?, 0)?),
        (FilterValue::One(v), Op::Ge) => one(Op::Gt, sent(day_of(v)?, -1)?),
        (FilterValue::One(v), Op::Le) => one(Op::Lt, sent(day_of(v)?, 1)?),
        (FilterValue::One(v), Op::Ne) => outside(sent(day_of(v)?, 0)?).ok_or_else(out_of_range)?,
        (FilterValue::List(vs), Op::In) => {
            let members = vs
                .iter()
                .map(|v| sent(day_of(v)?, 0).map(|d| one(Op::Eq, d)))
                .collect::<Result<Vec<_>, _>>()?;
            Node::group(GroupOp::Or, members, span).ok_or_else(out_of_range)?
        }
        (FilterValue::List(vs), Op::Nin) => {
            let members = vs
                .iter()
                .map(|v| sent(day_of(v)?, 0).map(&outside))
                .collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .collect::<Option<Vec<_>>>()
                .ok_or_else(out_of_range)?;
            Node::group(GroupOp::And, members, span).ok_or_else(out_of_range)?
        }
        _ => return supported(filter, target),
    };
    debug_assert!(filter.field.ty == FieldType::Date);
    Ok(node)
}
