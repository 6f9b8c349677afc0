//! A comparison as the query means it, to what the target's API needs to
//! select exactly that.
//!
//! A query's `>` and `<` are strict and `>=` and `<=` inclusive, on every
//! target. What the API's operators mean is a column of the field's row
//! ([`Order`]):
//!
//! - **Inclusive** (conversations; tickets but `created_at`): the API's
//!   `>`/`<` include the bound and there is no `>=`/`<=`, so on whole
//!   numbers and dates (one second as the step) `x > n` is sent as
//!   `> n+1`, `x >= n` as `> n`, `x < n` as `< n-1` and `x <= n` as `< n`.
//! - **Strict** (contacts' Integer fields, tickets' `created_at`, Preview
//!   contacts' timestamps, companies): sent as written; where the API has
//!   no `>=`/`<=` (companies), `x >= n` is sent as `> n-1` and `x <= n` as
//!   `< n+1`.
//! - **Day** (contacts' Date fields, in the workspace's zone; in Preview,
//!   Date custom attributes, in UTC): values are calendar days in the
//!   field's zone; `=`, `>` and `<` are sent as the day's first
//!   instant, `>= D` as `> D-1`, `<= D` as `< D+1`, `!= D` as
//!   `< D OR > D OR = null` (`!=` matches a missing date), `IN` as an OR
//!   of `=` and `NIN` as an AND of those.
//!
//! Where the endpoint lacks `IN`/`NIN` on a field (contacts' `tag_id`),
//! they become an OR of `=` and an AND of `!=`. Where no exact equivalent
//! exists, the error names the target's rule.

use super::dates::{Direction, day_of, neighbour_day, out_of_range_message, start_of_day};
use super::query::{Filter, FilterValue, GroupOp, Node, ScalarValue};
use crate::diagnostic::{Code, Diagnostic};
use crate::op::Op;
use crate::schema::{FieldType, Order};
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
pub fn to_api(
    filter: Filter,
    target: Target,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Node, Box<Diagnostic>> {
    if matches!(filter.value, FilterValue::One(ScalarValue::Null)) {
        return supported(filter, target);
    }
    match filter.field.order.clone() {
        Order::Day(tz) => day(filter, target, &tz, warnings),
        Order::Inclusive if filter.op.is_order() => inclusive(filter, target),
        Order::Strict
            if matches!(filter.op, Op::Ge | Op::Le)
                && !filter.field.api_ops.contains(filter.op) =>
        {
            inclusive(filter, target)
        }
        Order::Inclusive | Order::Strict => expand_lists(filter, target),
    }
}

/// `filter` itself when the endpoint takes its operator, else the error
/// that names the target's rule.
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

/// Strict and inclusive comparisons on an API whose `>`/`<` include the
/// bound, and inclusive ones on an API whose strict `>`/`<` have no
/// `>=`/`<=` beside them.
fn inclusive(filter: Filter, target: Target) -> Result<Node, Box<Diagnostic>> {
    let strict_api = filter.field.order == Order::Strict;
    let (op, step) = match (filter.op, strict_api) {
        (Op::Gt, false) => (Op::Gt, 1),
        (Op::Ge, false) => (Op::Gt, 0),
        (Op::Lt, false) => (Op::Lt, -1),
        (Op::Le, false) => (Op::Lt, 0),
        (Op::Ge, true) => (Op::Gt, -1),
        (Op::Le, true) => (Op::Lt, 1),
        _ => return supported(filter, target),
    };
    let shifted = match &filter.value {
        FilterValue::One(ScalarValue::Integer(n)) => n.checked_add(step).map(ScalarValue::Integer),
        FilterValue::One(ScalarValue::Date(n)) => n.checked_add(step).map(ScalarValue::Date),
        FilterValue::One(v @ ScalarValue::Float(_)) if step == 0 => Some(v.clone()),
        FilterValue::One(ScalarValue::Float(_)) if strict_api => {
            return Err(Box::new(
                Diagnostic::new(
                    Code::TargetRule,
                    filter.span,
                    format!(
                        "{target} search has no `{}`, and its `{op}` excludes the bound, so `{}` on a decimal field cannot be expressed exactly",
                        filter.op, filter.op
                    ),
                )
                .with_help(format!(
                    "write `{op}` (strict), or a bound that is not the value itself"
                )),
            ));
        }
        FilterValue::One(ScalarValue::Float(_)) => {
            return Err(Box::new(
                Diagnostic::new(
                    Code::TargetRule,
                    filter.span,
                    format!(
                        "{target} search's `{}` includes the bound, so a strict `{}` on a decimal field cannot be expressed exactly",
                        op, filter.op
                    ),
                )
                .with_help(format!(
                    "write `{}` (inclusive), or a bound that is not the value itself",
                    if op == Op::Gt { ">=" } else { "<=" }
                )),
            ));
        }
        _ => {
            return Err(Box::new(
                Diagnostic::new(
                    Code::TargetRule,
                    filter.span,
                    format!("`{}` compares numbers and dates only", filter.op),
                )
                .with_help("compare with a number or a date"),
            ));
        }
    };
    match shifted {
        Some(value) => Ok(Node::Filter(Filter {
            op,
            value: FilterValue::One(value),
            ..filter
        })),
        None => Err(Box::new(Diagnostic::new(
            Code::NegationOverflow,
            filter.span,
            format!(
                "`{}` cannot be expressed: the bound is out of range",
                filter.op
            ),
        ))),
    }
}

/// Contacts' day-matched dates.
fn day(
    filter: Filter,
    target: Target,
    tz: &jiff::tz::TimeZone,
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
    // The first instant of each value's day (`shift` 0), of the day before
    // it (-1) or of the day after it (1), warning for values that are not
    // the first instant of a day. The day before and the day after are
    // days that exist in the zone: where the zone skipped the calendar's
    // neighbour, the next one over.
    let mut start = |v: &ScalarValue, shift: i32| -> Result<ScalarValue, Box<Diagnostic>> {
        let ScalarValue::Date(seconds) = v else {
            return Err(Box::new(Diagnostic::new(
                Code::TargetRule,
                span,
                format!("`{}` compares dates only", filter.field.name),
            )));
        };
        let date = day_of(*seconds, tz).ok_or_else(out_of_range)?;
        let first = start_of_day(date, tz).ok_or_else(out_of_range)?;
        if first != *seconds && shift == 0 {
            warnings.push(
                Diagnostic::new(
                    Code::NotAWholeDay,
                    span,
                    format!(
                        "{target} match `{}` by calendar day in {}: this value is not the start of a day, so it matches the whole day {date}",
                        filter.field.name,
                        tz.iana_name().unwrap_or("UTC")
                    ),
                )
                .with_help(format!("write the day, e.g. `{date}`")),
            );
        }
        let shifted = match shift {
            0 => Some(date),
            s if s < 0 => neighbour_day(date, Direction::Before, tz),
            _ => neighbour_day(date, Direction::After, tz),
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
        start_of_day(shifted, tz)
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
        (FilterValue::One(v), Op::Eq | Op::Gt | Op::Lt) => one(filter.op, start(v, 0)?),
        (FilterValue::One(v), Op::Ge) => {
            start(v, 0)?;
            one(Op::Gt, start(v, -1)?)
        }
        (FilterValue::One(v), Op::Le) => {
            start(v, 0)?;
            one(Op::Lt, start(v, 1)?)
        }
        (FilterValue::One(v), Op::Ne) => outside(start(v, 0)?).ok_or_else(out_of_range)?,
        (FilterValue::List(vs), Op::In) => {
            let members = vs
                .iter()
                .map(|v| start(v, 0).map(|d| one(Op::Eq, d)))
                .collect::<Result<Vec<_>, _>>()?;
            Node::group(GroupOp::Or, members, span).ok_or_else(out_of_range)?
        }
        (FilterValue::List(vs), Op::Nin) => {
            let members = vs
                .iter()
                .map(|v| start(v, 0).map(&outside))
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
