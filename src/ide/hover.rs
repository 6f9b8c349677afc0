//! Hover: what the thing under the cursor means.

use serde::Serialize;

use super::complete::{SORT_DOC, field_doc};
use crate::check::parse_date;
use crate::schema::{FieldType, Order, Schema};
use crate::syntax::{Ast, Comparison, Expr, ExprKind, OrderBy, Span, ValueKind, parse};

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
/// This parses `source`; [`hover_in`] looks in a tree already parsed.
pub fn hover(source: &str, offset: usize, schema: &Schema) -> Option<Hover> {
    hover_in(&parse(source).ast, offset, schema)
}

/// [`hover`] in the syntax tree of the text (as [`parse`] or
/// [`crate::Compiler::diagnose_keeping_tree`] made it): the same answer,
/// found by descending to the node at `offset`, each level's operands
/// searched by their spans (O(depth × log width)), without reading the
/// text again.
pub fn hover_in(tree: &Ast<'_>, offset: usize, schema: &Schema) -> Option<Hover> {
    if let Some(o) = tree.order_by.as_ref().filter(|o| contains(o.span, offset)) {
        return Some(describe_order_by(o, offset, schema));
    }
    let mut found = None;
    find(&tree.root, offset, &mut |c| {
        found = describe(c, offset, schema)
    });
    found
}

/// Calls `f` on each comparison whose span holds `offset` (the ends
/// included), left to right.
fn find(e: &Expr, offset: usize, f: &mut impl FnMut(&Comparison)) {
    if offset < e.span.start() || offset > e.span.end() {
        return;
    }
    match &e.kind {
        ExprKind::Or(items) | ExprKind::And(items) => {
            // Operands are in source order, one after another: skip those
            // that end before the offset, stop at the first that starts
            // after it.
            let first = items.partition_point(|i| i.span.end() < offset);
            items[first..]
                .iter()
                .take_while(|i| i.span.start() <= offset)
                .for_each(|i| find(i, offset, f));
        }
        ExprKind::Not(inner) | ExprKind::Paren(inner) => find(inner, offset, f),
        ExprKind::Compare(c) => f(c),
        ExprKind::Error => {}
    }
}

/// The `ORDER BY` clause under the cursor: its field, its order, or what
/// the clause does (and where the endpoint sorts).
fn describe_order_by(o: &OrderBy, offset: usize, schema: &Schema) -> Hover {
    if contains(o.field.span, offset) {
        let contents = match schema.field(&o.field.name) {
            Some(f) if f.sortable => field_doc(&f),
            Some(f) => format!(
                "{}\n\nNot a sort field: {} search cannot sort by it.",
                field_doc(&f),
                schema.target()
            ),
            None => format!(
                "Unknown field `{}`: run `qc fields --target {}` to list the fields.",
                o.field.name,
                schema.target()
            ),
        };
        return Hover {
            range: o.field.span,
            contents,
        };
    }
    if let Some((order, span)) = o.order.filter(|(_, span)| contains(*span, offset)) {
        return Hover {
            range: span,
            contents: format!("**{}**: {}.", order.keyword(), order.description()),
        };
    }
    let mut contents = format!("**ORDER BY**: {SORT_DOC}");
    if !schema.sorts() {
        contents.push_str(&format!(
            "\n\n{} search in API version {} cannot sort; `ORDER BY` is in {}.",
            schema.target(),
            schema.version(),
            crate::schema::sorting_described()
        ));
    }
    Hover {
        range: o.span,
        contents,
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

    /// The walk before operands were searched by span: every operand of
    /// every group on the way looked at in turn.
    fn hover_by_walking_every_operand(
        source: &str,
        offset: usize,
        schema: &Schema,
    ) -> Option<Hover> {
        fn walk(e: &Expr, offset: usize, f: &mut impl FnMut(&Comparison)) {
            if offset < e.span.start() || offset > e.span.end() {
                return;
            }
            match &e.kind {
                ExprKind::Or(items) | ExprKind::And(items) => {
                    items.iter().for_each(|i| walk(i, offset, f))
                }
                ExprKind::Not(inner) | ExprKind::Paren(inner) => walk(inner, offset, f),
                ExprKind::Compare(c) => f(c),
                ExprKind::Error => {}
            }
        }
        let parsed = parse(source);
        if let Some(o) = parsed
            .ast
            .order_by
            .as_ref()
            .filter(|o| contains(o.span, offset))
        {
            return Some(describe_order_by(o, offset, schema));
        }
        let mut found = None;
        walk(&parsed.ast.root, offset, &mut |c| {
            found = describe(c, offset, schema)
        });
        found
    }

    fn text() -> impl Strategy<Value = String> {
        crate::ide::query_text(80)
    }

    use proptest::prelude::*;

    proptest! {
        /// Searching each level's operands by their spans finds what
        /// walking every operand found, at every offset of any text.
        #[test]
        fn searching_by_span_finds_what_walking_found(text in text()) {
            let schema = Schema::conversations();
            let tree = parse(&text);
            for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
                prop_assert_eq!(
                    hover_in(&tree.ast, offset, &schema),
                    hover_by_walking_every_operand(&text, offset, &schema),
                    "at {} of {:?}", offset, text
                );
            }
        }
    }

    #[test]
    fn a_long_document_is_searched_by_span() {
        let line = "(state = open OR created_at > 2024-01-15) AND\n";
        let text = format!("{}read = true", line.repeat(5_000));
        let schema = Schema::conversations();
        let tree = parse(&text);
        for offset in [
            0,
            3,
            14,
            text.len() / 2,
            text.len() - 8,
            text.len() - 2,
            text.len(),
        ] {
            assert_eq!(
                hover_in(&tree.ast, offset, &schema),
                hover_by_walking_every_operand(&text, offset, &schema),
                "at {offset}"
            );
        }
        let end = hover_in(&tree.ast, text.len() - 8, &schema).expect("a field");
        assert_eq!(end.range, Span::new(text.len() - 11, text.len() - 7));
    }

    #[test]
    fn order_by_hovers() {
        let schema = crate::ide::sorting_schema();
        let src = "role = user ORDER BY created_at ASC";
        let h = hover(src, 14, &schema).expect("ORDER BY");
        assert_eq!(h.range, Span::new(12, 35));
        assert!(h.contents.contains("sorts descending"), "{}", h.contents);
        let h = hover(src, 25, &schema).expect("the sort field");
        assert_eq!(h.range, Span::new(21, 31));
        assert!(h.contents.contains("A sort field"), "{}", h.contents);
        let h = hover(src, 33, &schema).expect("ASC");
        assert_eq!(h.range, Span::new(32, 35));
        assert!(h.contents.contains("lowest first"), "{}", h.contents);
        let h = hover("role = user ORDER BY tag_id", 24, &schema).expect("tag_id");
        assert!(h.contents.contains("Not a sort field"), "{}", h.contents);
        // Where the endpoint does not sort, the hover says where it does.
        let h = hover(
            "state = open ORDER BY created_at",
            15,
            &Schema::conversations(),
        )
        .expect("ORDER BY");
        assert!(
            h.contents.contains("cannot sort") && h.contents.contains("contacts in version 2.16"),
            "{}",
            h.contents
        );
    }
}
