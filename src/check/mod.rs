//! Syntax tree to checked query: field table, operator and value types,
//! NOT elimination, normalisation and the API's limits, in one pass that
//! reports every problem it finds.

mod dates;
pub mod fields;
pub mod limits;
mod normalise;
mod query;
pub mod rules;
pub mod suggest;

pub use dates::{DateError, is_unix_seconds, is_valid_timestamp, parse_date};
pub use fields::{FIELDS, FieldDef, FieldType, field};
pub use limits::{MAX_GROUP_MEMBERS, MAX_NESTING, check_limits};
pub use query::{
    DEFAULT_PER_PAGE, Filter, FilterValue, Group, GroupOp, MAX_PER_PAGE, Node, Pagination, Query,
    ScalarValue,
};

use crate::Options;
use crate::diagnostic::{Code, Diagnostic, clip};
use crate::op::Op;
use crate::syntax::{Ast, Comparison, Expr, ExprKind, MAX_ERRORS, Scalar, Span, ValueKind};

/// The result of checking: the query when there were no errors, and every
/// diagnostic (errors and warnings) in source order.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The typed, normalised query; `None` when the tree had errors.
    pub query: Option<Query>,
    /// Errors and warnings with positions.
    pub diagnostics: Vec<Diagnostic>,
}

/// Type-checks and normalises a syntax tree.
///
/// Syntax-error nodes are skipped (the parser reported them) and the rest is
/// still checked, so one run reports everything.
pub fn check(ast: &Ast, options: &Options) -> Checked {
    let now = options
        .now
        .unwrap_or_else(|| jiff::Timestamp::now().as_second());
    let mut checker = Checker {
        now,
        diagnostics: Vec::new(),
        complete: true,
        errors: 0,
    };
    let root = checker.lower(&ast.root, None);
    if let Some(root) = &root {
        let mut limits = Vec::new();
        check_limits(root, &mut limits);
        for d in limits {
            checker.push(d);
        }
    }
    let Checker {
        mut diagnostics,
        complete,
        ..
    } = checker;
    diagnostics.sort_by_key(|d| (d.range.start, d.range.end));
    for d in &mut diagnostics {
        d.locate(&ast.line_index);
    }
    let ok = complete && !crate::diagnostic::has_errors(&diagnostics);
    Checked {
        query: root.filter(|_| ok).map(|root| Query {
            root,
            pagination: options.pagination.clone(),
        }),
        diagnostics,
    }
}

struct Checker {
    now: i64,
    diagnostics: Vec<Diagnostic>,
    /// False once a part of the tree could not be lowered.
    complete: bool,
    /// Errors reported so far; reporting stops after [`MAX_ERRORS`].
    errors: usize,
}

impl Checker {
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
                let not = Span::new(expr.span.start, expr.span.start + 3);
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
        let Some(field) = fields::field(&c.field.name) else {
            let mut d = Diagnostic::new(
                Code::UnknownField,
                c.field.span,
                format!("unknown field `{}`", clip(&c.field.name)),
            );
            match suggest::closest(&c.field.name, FIELDS.iter().map(|f| f.name)) {
                Some(s) => d = d.with_suggestion(c.field.span, s),
                None => d = d.with_help("run `qc fields` to list the searchable fields"),
            }
            self.push(d);
            return self.fail();
        };
        // Conversations document `>`/`<` as inclusive.
        let op = match c.op.op() {
            Op::Ge => Op::Gt,
            Op::Le => Op::Lt,
            op => op,
        };
        let op_ok = field.allows(op);
        if !op_ok {
            self.push(rules::operator_not_allowed(
                field,
                c.op.spelling.as_str(),
                c.op.span,
            ));
        }
        let value = self.lower_value(field, c);
        if !op_ok {
            return self.fail();
        }
        let value = value?;
        self.warn_multi_word(field, c);
        let filter = Filter {
            field,
            op,
            value,
            span,
        };
        match negated {
            None => Some(Node::Filter(filter)),
            Some(not) => match negate(filter, not) {
                Ok(f) => Some(Node::Filter(f)),
                Err(d) => {
                    self.push(*d);
                    self.fail()
                }
            },
        }
    }

    fn lower_value(&mut self, field: &'static FieldDef, c: &Comparison) -> Option<FilterValue> {
        let op = c.op.op();
        match &c.value.kind {
            ValueKind::Error => self.fail(),
            ValueKind::Scalar(s) if op.takes_list() => {
                let mut list = String::from("[");
                list.push_str(&s.to_string());
                list.push(']');
                let d = Diagnostic::new(
                    Code::ListRequired,
                    c.value.span,
                    format!("`{}` needs a list of values", c.op.spelling),
                )
                .with_suggestion(c.value.span, list);
                self.push(d);
                // Still check the value itself.
                self.scalar(field, s);
                self.fail()
            }
            ValueKind::Scalar(s) => self.scalar(field, s).map(FilterValue::One),
            ValueKind::List(items) => {
                if !op.takes_list() {
                    let mut d = Diagnostic::new(
                        Code::ListNotAllowed,
                        c.value.span,
                        format!("`{}` takes a single value, not a list", c.op.spelling),
                    );
                    d = match op {
                        Op::Eq => d
                            .with_suggestion(c.op.span, "IN")
                            .with_help("to match any value of a list use `IN`"),
                        Op::Ne => d
                            .with_suggestion(c.op.span, "NIN")
                            .with_help("to exclude every value of a list use `NIN` (or `NOT IN`)"),
                        _ => d.with_help("only `IN` and `NIN` take a list"),
                    };
                    self.push(d);
                }
                if items.is_empty() {
                    self.push(
                        Diagnostic::new(
                            Code::EmptyList,
                            c.value.span,
                            format!("`{}` needs at least one value", c.op.spelling),
                        )
                        .with_help("put at least one value between the brackets"),
                    );
                    return self.fail();
                }
                let mut values = Vec::with_capacity(items.len());
                for item in items {
                    if let Some(v) = self.scalar(field, item) {
                        values.push(v);
                    }
                }
                if !op.takes_list() || values.len() != items.len() {
                    return self.fail();
                }
                Some(FilterValue::List(values))
            }
        }
    }

    fn scalar(&mut self, field: &'static FieldDef, s: &Scalar) -> Option<ScalarValue> {
        let text = s.text.as_str();
        let d = match field.ty {
            FieldType::String => match rules::unknown_value(field, text, s.span, str::to_owned) {
                None => return Some(ScalarValue::String(text.to_owned())),
                Some(d) => d,
            },
            FieldType::Integer => match text.parse::<i64>() {
                Ok(n) => return Some(ScalarValue::Integer(n)),
                Err(_) => {
                    let found = describe_scalar(s);
                    let d = Diagnostic::new(
                        Code::TypeMismatch,
                        s.span,
                        format!(
                            "`{}` is an Integer field, but {found} is not a whole number",
                            field.name
                        ),
                    );
                    if text.parse::<f64>().is_ok() {
                        d.with_help("the API compares whole numbers only")
                    } else {
                        d.with_help(format!("write a whole number, e.g. `{} > 2`", field.name))
                    }
                }
            },
            FieldType::Boolean => {
                if text.eq_ignore_ascii_case("true") {
                    return Some(ScalarValue::Boolean(true));
                }
                if text.eq_ignore_ascii_case("false") {
                    return Some(ScalarValue::Boolean(false));
                }
                let d = Diagnostic::new(
                    Code::TypeMismatch,
                    s.span,
                    format!(
                        "`{}` is a Boolean field, but {} is not `true` or `false`",
                        field.name,
                        describe_scalar(s)
                    ),
                );
                match suggest::closest(text, ["true", "false"]) {
                    Some(v) => d.with_suggestion(s.span, v),
                    None => d.with_help("write `true` or `false`"),
                }
            }
            FieldType::Date => match parse_date(text, self.now) {
                Ok(seconds) => return Some(ScalarValue::Date(seconds)),
                Err(DateError::NotADate) => Diagnostic::new(
                    Code::TypeMismatch,
                    s.span,
                    format!(
                        "`{}` is a Date field, but {} is not a date",
                        field.name,
                        describe_scalar(s)
                    ),
                )
                .with_help("write unix seconds, `YYYY-MM-DD`, an RFC 3339 date-time such as `2024-01-01T00:00:00Z`, or `now-7d`"),
                Err(DateError::Invalid(why)) => Diagnostic::new(
                    Code::InvalidDate,
                    s.span,
                    format!("invalid date `{}`: {why}", clip(text)),
                )
                .with_help("write unix seconds, `YYYY-MM-DD`, an RFC 3339 date-time such as `2024-01-01T00:00:00Z`, or `now-7d`"),
            },
        };
        self.push(d);
        self.fail()
    }

    fn warn_multi_word(&mut self, field: &FieldDef, c: &Comparison) {
        let scalars: &[Scalar] = match &c.value.kind {
            ValueKind::Scalar(s) => std::slice::from_ref(s),
            ValueKind::List(items) => items,
            ValueKind::Error => &[],
        };
        for s in scalars {
            if let Some(d) = rules::multi_word_body(field, c.op.op(), &s.text, s.span) {
                self.push(d);
            }
        }
    }
}

fn describe_scalar(s: &Scalar) -> String {
    let text = clip(&s.text);
    let mut out = String::new();
    if s.quoted {
        let _ = crate::syntax::lexical::write_quoted(&mut out, &text);
    } else {
        out.push('`');
        out.push_str(&text);
        out.push('`');
    }
    out
}

/// The filter that matches exactly what `filter` does not.
///
/// `=`/`!=`, `IN`/`NIN` and `~`/`!~` swap; `x > n` becomes `x < n-1` and
/// `x < n` becomes `x > n+1` because the API's `>`/`<` include the bound.
/// `^` and `$` have no negation in the API.
pub fn negate(filter: Filter, not: Span) -> Result<Filter, Box<Diagnostic>> {
    let op = match filter.op {
        Op::Eq => Op::Ne,
        Op::Ne => Op::Eq,
        Op::In => Op::Nin,
        Op::Nin => Op::In,
        Op::Contains => Op::NotContains,
        Op::NotContains => Op::Contains,
        Op::Gt | Op::Lt | Op::Ge | Op::Le => return negate_bound(filter, not),
        Op::StartsWith | Op::EndsWith => {
            let what = if filter.op == Op::StartsWith {
                "starts with"
            } else {
                "ends with"
            };
            return Err(Box::new(
                Diagnostic::new(
                    Code::CannotNegate,
                    filter.span,
                    format!(
                        "`{}` ({what}) cannot be negated: the API has no \"does not {}\" operator",
                        filter.op,
                        what.replace("starts", "start").replace("ends", "end")
                    ),
                )
                .with_label(not, "negated by this NOT")
                .with_help("rewrite the query without NOT around this comparison"),
            ));
        }
    };
    Ok(Filter { op, ..filter })
}

fn negate_bound(filter: Filter, not: Span) -> Result<Filter, Box<Diagnostic>> {
    let (op, step) = if matches!(filter.op, Op::Gt | Op::Ge) {
        (Op::Lt, -1)
    } else {
        (Op::Gt, 1)
    };
    let shifted = match &filter.value {
        FilterValue::One(ScalarValue::Integer(n)) => n.checked_add(step).map(ScalarValue::Integer),
        FilterValue::One(ScalarValue::Date(n)) => n.checked_add(step).map(ScalarValue::Date),
        // The checker only lets integers and dates reach `>`/`<`.
        _ => None,
    };
    match shifted {
        Some(v) => Ok(Filter {
            op,
            value: FilterValue::One(v),
            ..filter
        }),
        None => Err(Box::new(
            Diagnostic::new(
                Code::NegationOverflow,
                filter.span,
                format!(
                    "`NOT {}` cannot be expressed: the bound is out of range",
                    filter.op
                ),
            )
            .with_label(not, "negated by this NOT"),
        )),
    }
}
