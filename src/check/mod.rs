//! Syntax tree to checked query: field table, operator and value types,
//! NOT elimination, normalisation and the API's limits, in one pass that
//! reports every problem it finds.
//!
//! Two front ends share the rules (`rules`, `lints`, [`check_limits`],
//! [`Pagination::new`]): [`check`] for qc's text and [`validate`] for a
//! JSON search request. What differs between the two is a column of
//! [`Notation`].

mod dates;
mod limits;
mod lints;
mod lower;
mod normalise;
mod notation;
mod query;
mod request;
mod rules;

pub use dates::{
    DATE_FORMS, DateError, Direction, MAX_DATE_SECONDS, MIN_DATE_SECONDS, add_days, day_exists,
    day_of, is_unix_seconds, is_valid_timestamp, neighbour_day, out_of_range_message, parse_date,
    parse_duration, start_of_day,
};
pub use limits::{MAX_GROUP_MEMBERS, MAX_NESTING, check_limits};
pub use lower::negate;
pub use notation::Notation;
pub use query::{
    DEFAULT_PER_PAGE, Filter, FilterValue, Group, GroupOp, MAX_PER_PAGE, Node, Pagination, Query,
    ScalarValue,
};
pub use request::{Validated, validate, validate_bytes, validate_bytes_with, validate_with};

use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::op::Op;
use crate::options::{Limits, Options};
use crate::schema::{FieldDef, Schema};
use crate::syntax::{Ast, Comparison, Expr, ExprKind, MAX_ERRORS, Scalar, Span, ValueKind};

/// The result of checking: the query when there were no errors, and every
/// diagnostic (errors and warnings) in source order.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The typed, normalised query; `None` when the tree had errors.
    pub query: Option<Query>,
    /// Errors and warnings with positions.
    pub diagnostics: Vec<Diagnostic>,
    /// With [`Limits::Rewrite`], the limits a query that is otherwise
    /// clean goes over: the caller rewrites it to fit, or reports them
    /// ([`crate::Compiler`] does). Empty otherwise: a query with other
    /// errors has its limit errors among `diagnostics`, as written.
    pub over_limits: Vec<Diagnostic>,
}

/// Type-checks a syntax tree against `schema` and compiles it to the
/// target's operators.
///
/// Syntax-error nodes are skipped (the parser reported them) and the rest is
/// still checked, so one run reports everything.
pub fn check(ast: &Ast, schema: &Schema, options: &Options) -> Checked {
    let now = options
        .now
        .unwrap_or_else(|| jiff::Timestamp::now().as_second());
    let mut checker = Checker {
        schema,
        now,
        diagnostics: Vec::new(),
        complete: true,
        errors: 0,
    };
    let mut root = checker.lower(&ast.root, None);
    let mut over_limits = Vec::new();
    if let Some(tree) = &mut root {
        let mut found = Vec::new();
        lints::groups(tree, &mut found);
        if options.limits != Limits::Ignore {
            let mut limits = Vec::new();
            check_limits(tree, &mut limits);
            let clean = checker.complete && checker.errors == 0;
            if !limits.is_empty() && options.limits == Limits::Rewrite && clean {
                over_limits = limits;
            } else {
                found.extend(limits);
            }
        }
        for d in found {
            checker.push(d);
        }
    }
    let Checker {
        mut diagnostics,
        complete,
        ..
    } = checker;
    diagnostics.sort_by_key(|d| d.range);
    for d in diagnostics.iter_mut().chain(&mut over_limits) {
        d.locate(ast.line_index());
    }
    let ok = complete && !crate::diagnostic::has_errors(&diagnostics);
    Checked {
        query: root.filter(|_| ok).map(|root| Query {
            root,
            pagination: options.pagination.clone(),
        }),
        diagnostics,
        over_limits,
    }
}

struct Checker<'s> {
    schema: &'s Schema,
    now: i64,
    diagnostics: Vec<Diagnostic>,
    /// False once a part of the tree could not be lowered.
    complete: bool,
    /// Errors reported so far; reporting stops after [`MAX_ERRORS`].
    errors: usize,
}

impl Checker<'_> {
    /// Records a diagnostic, up to [`MAX_ERRORS`] errors; the first error
    /// over the cap is replaced by a [`Code::TooManyErrors`] diagnostic and
    /// later ones are dropped, so hostile input cannot grow the list.
    fn push(&mut self, diagnostic: Diagnostic) {
        if diagnostic.is_error() {
            self.errors += 1;
            if self.errors == MAX_ERRORS + 1 {
                self.diagnostics
                    .push(crate::syntax::too_many_errors(diagnostic.range));
            }
        }
        if self.errors <= MAX_ERRORS {
            self.diagnostics.push(diagnostic);
        }
    }

    /// True once the error cap is reached: checking what remains would
    /// only produce diagnostics that are dropped.
    fn gave_up(&self) -> bool {
        self.errors > MAX_ERRORS
    }

    fn fail<T>(&mut self) -> Option<T> {
        self.complete = false;
        None
    }

    /// Lowers an expression; `negated` is the span of the `NOT` that applies
    /// to it, if an odd number of them do.
    fn lower(&mut self, expr: &Expr, negated: Option<Span>) -> Option<Node> {
        match &expr.kind {
            ExprKind::Or(items) => self.lower_group(GroupOp::Or, items, expr.span, negated),
            ExprKind::And(items) => self.lower_group(GroupOp::And, items, expr.span, negated),
            ExprKind::Not(inner) => {
                let not = Span::new(expr.span.start(), expr.span.start() + 3);
                self.lower(inner, if negated.is_some() { None } else { Some(not) })
            }
            ExprKind::Paren(inner) => self.lower(inner, negated),
            ExprKind::Compare(c) => self.lower_comparison(c, expr.span, negated),
            ExprKind::Error => self.fail(),
        }
    }

    fn lower_group(
        &mut self,
        op: GroupOp,
        items: &[Expr],
        span: Span,
        negated: Option<Span>,
    ) -> Option<Node> {
        let op = if negated.is_some() { op.flip() } else { op };
        // `Node::group`, building the merged member list in one vector.
        let mut members = Vec::with_capacity(items.len());
        for item in items {
            if let Some(node) = self.lower(item, negated) {
                Node::push_flat(&mut members, op, node);
            }
        }
        Node::from_flat(op, members, span)
    }

    fn lower_comparison(
        &mut self,
        c: &Comparison,
        span: Span,
        negated: Option<Span>,
    ) -> Option<Node> {
        if self.gave_up() {
            return self.fail();
        }
        let field = match rules::lookup(self.schema, &c.field.name, c.field.span, Notation::Text) {
            Ok((field, warning)) => {
                if let Some(w) = warning {
                    self.push(w);
                }
                field
            }
            Err(d) => {
                self.push(*d);
                return self.fail();
            }
        };
        let op = c.op.op();
        let op_ok = field.allows(op);
        if !op_ok {
            self.push(rules::operator_not_allowed(
                &field,
                c.op.spelling.as_str(),
                c.op.span,
                field.operators(),
            ));
        }
        let value = self.lower_value(&field, c);
        if !op_ok {
            return self.fail();
        }
        let value = value?;
        self.warn_multi_word(&field, c);
        let mut filter = Filter {
            field,
            op,
            value,
            span,
        };
        if let Some(not) = negated {
            match negate(filter, not) {
                Ok(f) => filter = f,
                Err(d) => {
                    self.push(*d);
                    return self.fail();
                }
            }
        }
        let text = match &c.value.kind {
            ValueKind::Scalar(s) => Some(s.text.as_str()),
            _ => None,
        };
        let mut warnings = Vec::new();
        lints::comparison(&filter, text, self.schema, Notation::Text, &mut warnings);
        let node = lower::to_api(filter, self.schema.target(), &mut warnings);
        for w in warnings {
            self.push(w);
        }
        match node {
            Ok(node) => Some(node),
            Err(d) => {
                self.push(*d);
                self.fail()
            }
        }
    }

    fn lower_value(&mut self, field: &Arc<FieldDef>, c: &Comparison) -> Option<FilterValue> {
        let op = c.op.op();
        let (list, items): (Option<usize>, &[Scalar]) = match &c.value.kind {
            ValueKind::Error => return self.fail(),
            ValueKind::Scalar(s) => (None, std::slice::from_ref(s)),
            ValueKind::List(items) => (Some(items.len()), items),
        };
        let to_list = || {
            let ValueKind::Scalar(s) = &c.value.kind else {
                return None;
            };
            Some(format!("[{s}]"))
        };
        let shape = rules::shape(
            op,
            c.op.spelling.as_str(),
            c.op.span,
            c.value.span,
            list,
            to_list,
            Notation::Text,
        );
        let shape_ok = shape.is_none();
        if let Some(d) = shape {
            self.push(d);
        }
        if list.is_none() {
            // One value: no list to build.
            let value = items.first().and_then(|s| self.scalar(field, op, false, s));
            return match value {
                Some(v) if shape_ok => Some(FilterValue::One(v)),
                _ => self.fail(),
            };
        }
        let mut values = Vec::with_capacity(items.len());
        for item in items {
            if let Some(v) = self.scalar(field, op, true, item) {
                values.push(v);
            }
        }
        if !shape_ok || values.len() != items.len() {
            return self.fail();
        }
        Some(FilterValue::List(values))
    }

    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn scalar(
        &mut self,
        field: &FieldDef,
        op: Op,
        in_list: bool,
        s: &Scalar,
    ) -> Option<ScalarValue> {
        let value = if !s.quoted && s.text.eq_ignore_ascii_case("null") {
            rules::null_value(op, in_list, s.span, Notation::Text)
        } else {
            let cx = rules::ValueContext {
                now: self.now,
                // A calendar date on a field matched by day names that day
                // in the field's zone (UTC for Preview's Date custom
                // attributes), elsewhere midnight in the workspace's.
                tz: field.day_zone().unwrap_or(self.schema.timezone()),
                notation: Notation::Text,
            };
            rules::typed_text(field, &s.text, s.quoted, s.span, &cx)
        };
        match value {
            Ok(v) => Some(v),
            Err(d) => {
                self.push(*d);
                self.fail()
            }
        }
    }

    fn warn_multi_word(&mut self, field: &FieldDef, c: &Comparison) {
        let scalars: &[Scalar] = match &c.value.kind {
            ValueKind::Scalar(s) => std::slice::from_ref(s),
            ValueKind::List(items) => items,
            ValueKind::Error => &[],
        };
        for s in scalars {
            if let Some(d) = rules::multi_word(field, c.op.op(), &s.text, s.span) {
                self.push(d);
            }
        }
    }
}
