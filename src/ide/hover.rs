//! Hover: what the thing under the cursor means.

use serde::Serialize;

use super::complete::field_doc;
use crate::check::parse_date;
use crate::schema::{FieldType, Order, Schema};
use crate::syntax::{Comparison, Expr, ExprKind, Span, ValueKind, parse};

/// Hover information for a range of the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hover {
    /// The range the information is about.
    pub range: Span,
    /// The information, Markdown.
    pub contents: String,
}

/// Hover information at byte `offset`: a field's type, operators, values
/// and description; an operator's meaning in the API; a date's value.
pub fn hover(source: &str, offset: usize, schema: &Schema) -> Option<Hover> {
    let parsed = parse(source);
    let mut found = None;
    find(&parsed.ast.root, offset, &mut |c| {
        found = describe(c, offset, schema)
    });
    found
}

fn find(e: &Expr, offset: usize, f: &mut impl FnMut(&Comparison)) {
    if offset < e.span.start() || offset > e.span.end() {
        return;
    }
    match &e.kind {
        ExprKind::Or(items) | ExprKind::And(items) => items.iter().for_each(|i| find(i, offset, f)),
        ExprKind::Not(inner) | ExprKind::Paren(inner) => find(inner, offset, f),
        ExprKind::Compare(c) => f(c),
        ExprKind::Error => {}
    }
}

fn contains(span: Span, offset: usize) -> bool {
    span.start() <= offset && offset <= span.end() && !span.is_empty()
}

fn describe(c: &Comparison, offset: usize, schema: &Schema) -> Option<Hover> {
    let field = schema.field(&c.field.name);
    let shared = schema.fields_named(&c.field.name);
    if contains(c.field.span, offset) {
        let contents = match &field {
            Some(f) => field_doc(f),
            None if !shared.is_empty() => {
                let docs: Vec<String> = shared.iter().map(|f| field_doc(f)).collect();
                format!(
                    "`{}` names {} ticket attributes, one per ticket type; the query searches each:\n\n{}",
                    c.field.name,
                    shared.len(),
                    docs.join("\n\n---\n\n")
                )
            }
            None => format!(
                "Unknown field `{}`: run `qc fields --target {}` to list the searchable fields.",
                c.field.name,
                schema.target()
            ),
        };
        return Some(Hover {
            range: c.field.span,
            contents,
        });
    }
    if contains(c.op.span, offset) {
        let op = c.op.op();
        let mut contents = format!("**{}**: {}", c.op.spelling, op.description());
        if c.op.spelling.as_str() != op.as_str() {
            contents.push_str(&format!("\n\nAn alias of `{op}`."));
        }
        if let Some(f) = &field
            && op.is_order()
        {
            let day;
            contents.push_str(match (&f.order, op) {
                (Order::Inclusive, crate::op::Op::Gt) => {
                    "\n\nStrict. The API's `>` includes the bound, so `x > n` is sent as `> n+1`."
                }
                (Order::Inclusive, crate::op::Op::Ge) => {
                    "\n\nInclusive. Sent as the API's `>`, which includes the bound."
                }
                (Order::Inclusive, crate::op::Op::Lt) => {
                    "\n\nStrict. The API's `<` includes the bound, so `x < n` is sent as `< n-1`."
                }
                (Order::Inclusive, _) => {
                    "\n\nInclusive. Sent as the API's `<`, which includes the bound."
                }
                (Order::Strict, crate::op::Op::Ge | crate::op::Op::Le)
                    if !f.api_ops.contains(op) =>
                {
                    "\n\nInclusive. The API's strict operator is sent a step further (`x >= n` as `> n-1`)."
                }
                (Order::Strict, _) => {
                    "\n\nSent as written: this endpoint's operator means the same."
                }
                (Order::Ambiguous, crate::op::Op::Gt | crate::op::Op::Lt) => {
                    "\n\nStrict. The reference reads this field's `>`/`<` two ways, so `x > n` is sent as `>= n+1` (`x < n` as `<= n-1`), exact under both."
                }
                (Order::Ambiguous, _) => "\n\nInclusive. Sent as written.",
                (Order::Day(days), _) => {
                    day = if days.is_configured() {
                        format!(
                            "\n\nCompared by calendar day in {}.",
                            days.zone().iana_name().unwrap_or("UTC")
                        )
                    } else {
                        "\n\nCompared by calendar day in the workspace's time zone (not configured: each day is sent as its midday in UTC).".to_owned()
                    };
                    &day
                }
            });
        }
        return Some(Hover {
            range: c.op.span,
            contents,
        });
    }
    let def = field.filter(|f| f.ty == FieldType::Date)?;
    let scalars = match &c.value.kind {
        ValueKind::Scalar(s) => std::slice::from_ref(s),
        ValueKind::List(items) => items.as_slice(),
        ValueKind::Error => &[],
    };
    let s = scalars.iter().find(|s| contains(s.span, offset))?;
    let now = jiff::Timestamp::now().as_second();
    let seconds = parse_date(&s.text, now, schema.timezone()).ok()?;
    let rfc3339 = jiff::Timestamp::from_second(seconds)
        .map(|t| t.to_string())
        .unwrap_or_default();
    Some(Hover {
        range: s.span,
        contents: format!(
            "`{}` (Date): unix seconds `{seconds}` = `{rfc3339}`",
            def.name
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_operator_and_date_hovers() {
        let src = "created_at >= 2024-01-01 AND state = open";
        let schema = Schema::conversations();
        let hover = |src, at| hover(src, at, &schema);
        let h = hover(src, 3).expect("field hover");
        assert_eq!(h.range, Span::new(0, 10));
        assert!(h.contents.contains("Date"), "{}", h.contents);
        let h = hover(src, 11).expect("operator hover");
        assert!(
            h.contents.contains("Greater than or equal to")
                && h.contents.contains("Sent as the API's `>`"),
            "{}",
            h.contents
        );
        let h = hover(src, 16).expect("date hover");
        assert!(h.contents.contains("1704067200"), "{}", h.contents);
        let h = hover(src, 31).expect("enum field hover");
        assert!(h.contents.contains("snoozed"), "{}", h.contents);
        assert!(hover(src, 25).is_none(), "AND has no hover");
    }
}
