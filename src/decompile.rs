//! Checked queries back to qc text: `qc decompile`.
//!
//! The text is the shortest readable form: the tightest operator for
//! what the API's means (an inclusive API `> 5` is `>= 5`), values bare where the lexer reads them back unchanged
//! ([`write_value`]), and parentheses only where precedence needs them
//! (an OR group inside an AND group). Groups nested in a group with the
//! same operator are merged and single-member groups unwrapped, as the
//! compiler does, so for every valid request `J`,
//! `compile(decompile(J)) == J` after the compiler's normalisation
//! (see [`Query::normalised`]).
//!
//! A request's `sort` is the `ORDER BY` clause at the end, its order
//! always written (`ASC`, or `DESC` for `descending` and for a `sort`
//! without `order`, which the API sorts descending).
//!
//! ```
//! use qc::decompile::{DateStyle, decompile};
//! let v = qc::check::validate(r#"{"query": {"operator": "AND", "value": [
//!     {"field": "created_at", "operator": ">", "value": "1704067200"},
//!     {"operator": "OR", "value": [
//!         {"field": "state", "operator": "=", "value": "open"},
//!         {"field": "source.subject", "operator": "~", "value": "refund request"}]}]}}"#);
//! let query = v.query.expect("valid");
//! assert_eq!(
//!     decompile(&query, DateStyle::Rfc3339),
//!     r#"created_at >= 2024-01-01T00:00:00Z AND (state = open OR source.subject ~ "refund request")"#
//! );
//! assert_eq!(
//!     decompile(&query, DateStyle::Unix),
//!     r#"created_at >= 1704067200 AND (state = open OR source.subject ~ "refund request")"#
//! );
//! ```

use std::fmt::Write;

use crate::check::{FilterValue, GroupOp, Node, Query, ScalarValue, parse_date};
use crate::op::Op;
use crate::schema::{FieldDef, Order};
use crate::syntax::lexical::{field_text, sort_field_text, write_value};

pub use crate::options::DateStyle;

/// The query as qc text, its `sort` as `ORDER BY`. Pagination is not
/// part of the text (pass it to `qc` with `--per-page`/`--starting-after`).
pub fn decompile(query: &Query, dates: DateStyle) -> String {
    let root = query.normalised().root;
    let mut out = String::new();
    write_node(&mut out, &root, None, dates);
    if let Some(sort) = &query.sort {
        let _ = write!(
            out,
            " ORDER BY {} {}",
            sort_field_text(&sort.field.name),
            sort.order.keyword()
        );
    }
    out
}

fn write_node(out: &mut String, node: &Node, parent: Option<GroupOp>, dates: DateStyle) {
    match node {
        Node::Filter(f) => {
            out.push_str(&field_text(&f.field.name));
            out.push(' ');
            // The tightest text for what the API's operator means: an
            // inclusive `>` is the query's `>=`.
            let op = match (&f.field.order, f.op) {
                (Order::Inclusive, Op::Gt) if !is_null(&f.value) => Op::Ge,
                (Order::Inclusive, Op::Lt) if !is_null(&f.value) => Op::Le,
                (_, op) => op,
            };
            out.push_str(op.as_str());
            out.push(' ');
            let field = &f.field;
            match &f.value {
                FilterValue::One(v) => write_scalar(out, v, dates, field),
                FilterValue::List(items) => {
                    out.push('[');
                    for (i, v) in items.iter().enumerate() {
                        if i > 0 {
                            out.push_str(", ");
                        }
                        write_scalar(out, v, dates, field);
                    }
                    out.push(']');
                }
            }
        }
        Node::Group(g) => {
            // AND binds tighter than OR: only an OR inside an AND needs
            // parentheses (same-operator nesting was merged away).
            let paren = parent == Some(GroupOp::And) && g.op == GroupOp::Or;
            if paren {
                out.push('(');
            }
            for (i, member) in g.members.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                    out.push_str(g.op.as_str());
                    out.push(' ');
                }
                write_node(out, member, Some(g.op), dates);
            }
            if paren {
                out.push(')');
            }
        }
    }
}

fn is_null(value: &FilterValue) -> bool {
    matches!(value, FilterValue::One(ScalarValue::Null))
}

fn write_scalar(out: &mut String, value: &ScalarValue, dates: DateStyle, field: &FieldDef) {
    // Writing to a String cannot fail.
    let _ = match value {
        // A list option sent as its id is written as its label.
        ScalarValue::String(s) => write_value(out, field.written_value(s)),
        ScalarValue::Integer(n) => write!(out, "{n}"),
        ScalarValue::Float(x) => write!(out, "{x:?}"),
        ScalarValue::Boolean(b) => write!(out, "{b}"),
        ScalarValue::Null => write!(out, "null"),
        // A day-matched date that is the instant qc sends for its day is
        // written as the day.
        ScalarValue::Date(seconds) => match (&field.order, dates) {
            (Order::Day(days), DateStyle::Rfc3339) => match days.day_of(*seconds) {
                Some(day) if days.instant(day) == Some(*seconds) => write!(out, "{day}"),
                _ => write!(out, "{}", date_text(*seconds, dates)),
            },
            _ => write!(out, "{}", date_text(*seconds, dates)),
        },
    };
}

/// A date as text that the compiler reads back to the same seconds.
pub fn date_text(seconds: i64, style: DateStyle) -> String {
    let unix = seconds.to_string();
    // More than 11 digits reads as milliseconds: such dates (years 5138
    // and on) are written RFC 3339 in either style.
    let long = unix.trim_start_matches('-').len() > 11;
    if style == DateStyle::Unix && !long {
        return unix;
    }
    match jiff::Timestamp::from_second(seconds) {
        // A negative year is written with a sign, which never reads back.
        Ok(t) if seconds >= YEAR_0 => {
            let d = jiff::tz::TimeZone::UTC.to_datetime(t);
            let text = format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                d.year(),
                d.month(),
                d.day(),
                d.hour(),
                d.minute(),
                d.second()
            );
            // Only when it reads back exactly (the year has four digits).
            if parse_date(&text, 0, &jiff::tz::TimeZone::UTC) == Ok(seconds) {
                text
            } else {
                unix
            }
        }
        _ => unix,
    }
}

/// 0000-01-01T00:00:00Z in unix seconds.
const YEAR_0: i64 = -62_167_219_200;

#[cfg(test)]
mod tests {
    use super::{DateStyle, date_text};
    use crate::check::parse_date;

    /// The text is what jiff's `strftime` writes, where it reads back.
    #[test]
    fn dates_as_strftime_writes_them() {
        let max = jiff::Timestamp::MAX.as_second();
        let min = jiff::Timestamp::MIN.as_second();
        let mut seconds = vec![min, min + 1, -62_167_219_201, -62_167_219_200, -1, 0, 1];
        seconds.extend([
            1_704_067_200,
            253_402_300_799,
            253_402_300_800,
            max - 1,
            max,
        ]);
        seconds.extend((0..2000).map(|i| min + i * ((max - min) / 2000)));
        for s in seconds {
            let expected = match jiff::Timestamp::from_second(s) {
                Ok(t) => {
                    let text = t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
                    if parse_date(&text, 0, &jiff::tz::TimeZone::UTC) == Ok(s) {
                        text
                    } else {
                        s.to_string()
                    }
                }
                Err(_) => s.to_string(),
            };
            assert_eq!(date_text(s, DateStyle::Rfc3339), expected, "{s}");
        }
    }
}
