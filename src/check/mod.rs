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
pub(crate) use lints::round_trip_cause;
pub use lower::negate;
pub use notation::Notation;
pub use query::{
    DEFAULT_PER_PAGE, Filter, FilterValue, Group, GroupOp, MAX_PER_PAGE, Node, Pagination, Query,
    ScalarValue, Sort,
};
pub use request::{Validated, validate, validate_bytes, validate_bytes_with, validate_with};

use crate::diagnostic::{Code, Diagnostic, clip};
use crate::op::Op;
use crate::options::{Limits, Options};
use crate::schema::{FieldDef, FieldRef, Matching, Schema};
use crate::syntax::{
    Ast, Comparison, Expr, ExprKind, MAX_ERRORS, OrderBy, Scalar, Span, ValueKind,
};

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
        kinds: None,
        zone_warned: false,
    };
    let mut root = checker.lower(&ast.root, None);
    let sort = ast.order_by.as_ref().and_then(|o| checker.sort(o));
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
    crate::diagnostic::sort(&mut diagnostics);
    for d in diagnostics.iter_mut().chain(&mut over_limits) {
        d.locate(ast.line_index());
    }
    let ok = complete && !crate::diagnostic::has_errors(&diagnostics);
    Checked {
        query: root.filter(|_| ok).map(|root| Query {
            root,
            pagination: options.pagination.clone(),
            sort,
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
    /// Within an AND group with `ticket_type_id = X` (or `IN [...]`): the
    /// kinds of object every object it selects is of. A name that several
    /// kinds' attributes share means those of these kinds.
    kinds: Option<Vec<String>>,
    /// True once the warning that the zone is not configured was given
    /// (once per query).
    zone_warned: bool,
}

/// What a step of checking gave, tried silently.
struct Trial<T> {
    /// What it gave, when it went through.
    value: Option<T>,
    /// What it reported.
    diagnostics: Vec<Diagnostic>,
}

impl Checker<'_> {
    /// Records a diagnostic, up to [`MAX_ERRORS`] errors; the first error
    /// over the cap is replaced by a [`Code::TooManyErrors`] diagnostic and
    /// later ones are dropped, so hostile input cannot grow the list.
    fn push(&mut self, diagnostic: Diagnostic) {
        if diagnostic.code == Code::ZoneNotSet {
            if self.zone_warned {
                return;
            }
            self.zone_warned = true;
        }
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

    /// The `ORDER BY` clause as the request's `sort`: a sort field of an
    /// endpoint that sorts, in the order written (else descending, the
    /// API's default).
    fn sort(&mut self, o: &OrderBy) -> Option<Sort> {
        match rules::sort_field(
            self.schema,
            &o.field.name,
            o.field.span,
            o.span,
            Notation::Text,
        ) {
            Ok((field, warning)) => {
                if let Some(w) = warning {
                    self.push(w);
                }
                Some(Sort {
                    field,
                    order: o.sort_order(),
                    span: o.span,
                })
            }
            Err(d) => {
                self.push(*d);
                self.fail()
            }
        }
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
        // In an AND group, `ticket_type_id = X` holds for every object it
        // selects.
        let outer = self.kinds.clone();
        if op == GroupOp::And
            && let Some(kinds) = self.kinds_of(items, negated.is_some())
        {
            self.kinds = Some(match outer.as_deref() {
                Some(known) => kinds.into_iter().filter(|k| known.contains(k)).collect(),
                None => kinds,
            });
        }
        // `Node::group`, building the merged member list in one vector,
        // with room for members that bring several (a negated group, a
        // date compared by days) without growing it.
        let mut members = Vec::with_capacity(items.len() + items.len() / 2);
        for item in items {
            if let Some(node) = self.lower(item, negated) {
                Node::push_flat(&mut members, op, node);
            }
        }
        self.kinds = outer;
        Node::from_flat(op, members, span)
    }

    /// The kinds of object (ticket type ids) that the members of an AND
    /// group require, by a comparison `ticket_type_id = X` or `IN [...]`
    /// among them (`negated`: an odd number of NOTs apply to the group).
    fn kinds_of(&self, items: &[Expr], negated: bool) -> Option<Vec<String>> {
        let kind_field = self.schema.kind_field()?;
        for item in items {
            let mut expr = item;
            let mut not = negated;
            loop {
                match &expr.kind {
                    ExprKind::Paren(inner) => expr = inner,
                    ExprKind::Not(inner) => {
                        not = !not;
                        expr = inner;
                    }
                    _ => break,
                }
            }
            let ExprKind::Compare(c) = &expr.kind else {
                continue;
            };
            let op = c.op.op();
            let positive = if not {
                op == Op::Ne || op == Op::Nin
            } else {
                op == Op::Eq || op == Op::In
            };
            if c.field.name != kind_field || !positive {
                continue;
            }
            let kinds = match &c.value.kind {
                ValueKind::Scalar(s) => vec![s.text.to_string()],
                ValueKind::List(items) => items.iter().map(|s| s.text.to_string()).collect(),
                ValueKind::Error => continue,
            };
            return Some(kinds);
        }
        None
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
        if self.schema.has_shared_names() {
            let shared = self.schema.fields_named(&c.field.name);
            if !shared.is_empty() {
                return self.lower_shared(c, span, negated, shared);
            }
        }
        let field = match rules::lookup(self.schema, &c.field.name, c.field.span, Notation::Text) {
            Ok((field, warning)) => {
                if let Some(w) = warning {
                    self.push(w);
                }
                field
            }
            Err(d) => {
                let unknown = d.code == Code::UnknownField;
                self.push(*d);
                if unknown {
                    self.check_as_meant(c);
                }
                return self.fail();
            }
        };
        let filter = self.typed_filter(field, c, span, negated)?;
        self.finish(filter, c, negated)
    }

    /// For an unknown field with a close known one ("did you mean"): the
    /// value checked as that field's, so that `stat = opne` also suggests
    /// `open`, and applying both fixes fixes the query.
    fn check_as_meant(&mut self, c: &Comparison) {
        let Some(meant) = self
            .schema
            .closest(&c.field.name)
            .and_then(|name| self.schema.field(name))
        else {
            return;
        };
        if !meant.allows(c.op.op()) {
            return;
        }
        // Only a value close to one of the field's: any other complaint
        // rests on a guess.
        let trial = self.trial(|s| s.lower_value(&meant, c));
        for d in trial.diagnostics {
            if d.suggestion.as_ref().is_some_and(|s| s.closest) {
                self.push(d);
            }
        }
    }

    /// The comparison typed against `field`: its operator allowed, its
    /// value read as the field's type, `NOT` pushed into it.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn typed_filter(
        &mut self,
        field: FieldRef,
        c: &Comparison,
        span: Span,
        negated: Option<Span>,
    ) -> Option<Filter> {
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
        let filter = Filter {
            field,
            op,
            value,
            span,
        };
        let Some(not) = negated else {
            return Some(filter);
        };
        match negate(filter, not) {
            Ok(f) => Some(f),
            Err(d) => {
                self.push(*d);
                self.fail()
            }
        }
    }

    /// The lints of a typed comparison, and its API form.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn finish(&mut self, filter: Filter, c: &Comparison, negated: Option<Span>) -> Option<Node> {
        let text = match &c.value.kind {
            ValueKind::Scalar(s) => Some(s.text.as_str()),
            _ => None,
        };
        let mut warnings = Vec::new();
        lints::comparison(&filter, text, self.schema, Notation::Text, &mut warnings);
        if negated.is_none()
            && let Some(text) = text
        {
            let written = Span::new(c.op.span.start(), c.value.span.end());
            lints::inclusive_day_end(&filter, text, written, self.schema, &mut warnings);
        }
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

    /// Runs `f` with its diagnostics kept aside: what it gave and
    /// reported, the checker as before.
    fn trial<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Trial<T> {
        let diagnostics = std::mem::take(&mut self.diagnostics);
        let (complete, errors, zone_warned) = (self.complete, self.errors, self.zone_warned);
        self.complete = true;
        let result = f(self);
        let ok = self.complete;
        let found = std::mem::replace(&mut self.diagnostics, diagnostics);
        (self.complete, self.errors, self.zone_warned) = (complete, errors, zone_warned);
        Trial {
            value: result.filter(|_| ok),
            diagnostics: found,
        }
    }

    /// A comparison on a name that several attributes share (a ticket
    /// attribute's name in several ticket types): that attribute in every
    /// ticket type that has it, each typed by its own type, joined with OR
    /// (AND for a negative comparison, which a ticket without the
    /// attribute matches). In an AND group with `ticket_type_id = X`, only
    /// type X's. Attributes that the operator or value does not fit are
    /// left out, with a note; when none fits, the first one's errors.
    fn lower_shared(
        &mut self,
        c: &Comparison,
        span: Span,
        negated: Option<Span>,
        mut candidates: Vec<FieldRef>,
    ) -> Option<Node> {
        let mut fits = Vec::new();
        let mut misfits = Vec::new();
        // The items of a list that each attribute can hold: `IN`/`NIN` on
        // one attribute compare with those only (the others never match).
        let mut narrowed: Vec<(FieldRef, Vec<String>)> = Vec::new();
        for field in &candidates {
            let own;
            let c = match &c.value.kind {
                ValueKind::List(items) if items.len() > 1 && field.allows(c.op.op()) => {
                    let op = c.op.op();
                    let (held, left): (Vec<&Scalar>, Vec<&Scalar>) =
                        items.iter().partition(|item| {
                            let t = self.trial(|s| s.scalar(field, op, true, item));
                            t.value.is_some() && !crate::diagnostic::has_errors(&t.diagnostics)
                        });
                    if held.is_empty() || left.is_empty() {
                        c
                    } else {
                        narrowed.push((
                            field.clone(),
                            left.iter().map(|s| clip(&s.text).into_owned()).collect(),
                        ));
                        let mut fitted = c.clone();
                        fitted.value.kind = ValueKind::List(held.into_iter().cloned().collect());
                        own = fitted;
                        &own
                    }
                }
                _ => c,
            };
            let trial = self.trial(|s| {
                let filter = s.typed_filter(field.clone(), c, span, negated)?;
                let negative = matches!(filter.op, Op::Ne | Op::Nin | Op::NotContains)
                    != matches!(filter.value, FilterValue::One(ScalarValue::Null));
                Some((s.finish(filter, c, negated)?, negative))
            });
            match trial.value {
                Some((node, negative)) if !crate::diagnostic::has_errors(&trial.diagnostics) => {
                    fits.push((field.clone(), node, negative, trial.diagnostics));
                }
                _ => misfits.push((field.clone(), trial.diagnostics)),
            }
        }
        // In an AND group with `ticket_type_id = X`: the attributes of
        // type X, among those the comparison fits. When it fits none of
        // them, the others stay: the group then selects nothing, exactly
        // as its text says, and a warning says so.
        if let Some(kinds) = &self.kinds {
            let held = |f: &FieldRef| {
                f.held_by
                    .as_ref()
                    .is_some_and(|h| kinds.iter().any(|k| h.holds(k)))
            };
            if fits.iter().any(|(f, ..)| held(f)) {
                fits.retain(|(f, ..)| held(f));
                misfits.retain(|(f, _)| held(f));
                candidates.retain(held);
            } else if !fits.is_empty() && candidates.iter().any(held) {
                let mut allowed: Vec<&str> = kinds.iter().map(String::as_str).collect();
                allowed.sort_unstable();
                allowed.dedup();
                self.push(
                    Diagnostic::new(
                        Code::Contradiction,
                        span,
                        format!(
                            "`{}` takes this value only in ticket types that this AND group leaves out (it allows only ticket_type_id {}); the group never matches",
                            clip(&c.field.name),
                            allowed.join(", ")
                        ),
                    )
                    .with_help("check the value, or the `ticket_type_id` it is joined with"),
                );
            }
        }
        if fits.is_empty() {
            let mut first = misfits
                .into_iter()
                .next()
                .map(|(_, d)| d)
                .unwrap_or_default();
            if candidates.len() > 1
                && let Some(e) = first.iter_mut().find(|d| d.is_error())
            {
                e.message.push_str(&format!(
                    "; nor do the other attributes named `{}` take it",
                    clip(&c.field.name)
                ));
            }
            for d in first {
                self.push(d);
            }
            return self.fail();
        }
        let mut seen = Vec::new();
        for (field, _, _, diagnostics) in &fits {
            if field.archived {
                self.push(Diagnostic::new(
                    Code::ArchivedAttribute,
                    c.field.span,
                    format!(
                        "`{}` ({}) is an archived attribute",
                        clip(&c.field.name),
                        field.name
                    ),
                ));
            }
            for d in diagnostics {
                if !seen.contains(&d.code) {
                    seen.push(d.code);
                    self.push(d.clone());
                }
            }
        }
        let narrowed: Vec<(FieldRef, Vec<String>)> = narrowed
            .into_iter()
            .filter(|(f, _)| fits.iter().any(|(g, ..)| FieldRef::ptr_eq(f, g)))
            .collect();
        if !misfits.is_empty() || !narrowed.is_empty() {
            let described = |f: &FieldDef| match &f.held_by {
                Some(h) => format!("{} ({}, {} {})", f.name, f.ty, h.field, h.kinds.join(", ")),
                None => format!("{} ({})", f.name, f.ty),
            };
            let kept: Vec<String> = fits.iter().map(|(f, ..)| described(f)).collect();
            let mut why: Vec<String> = misfits
                .iter()
                .map(|(f, d)| {
                    let because = d
                        .iter()
                        .find(|d| d.is_error())
                        .map_or_else(String::new, |d| format!(": {}", d.message));
                    format!("left out {}{because}", described(f))
                })
                .collect();
            why.extend(narrowed.iter().map(|(f, values)| {
                format!(
                    "{} cannot hold {}, so it is compared with the other values",
                    f.name,
                    values.join(", ")
                )
            }));
            let searched = if misfits.is_empty() {
                format!(
                    "each is compared with the values it can hold: {}",
                    kept.join(", ")
                )
            } else {
                format!(
                    "this comparison fits only {}, so it searches {}",
                    kept.join(", "),
                    if kept.len() == 1 { "that one" } else { "those" }
                )
            };
            self.push(
                Diagnostic::new(
                    Code::NameRestricted,
                    c.field.span,
                    format!(
                        "`{}` names {} ticket attributes; {searched}",
                        clip(&c.field.name),
                        candidates.len(),
                    ),
                )
                .with_help(format!(
                    "{}; write `ticket_attribute.ID` to name one attribute",
                    why.join("; ")
                )),
            );
        }
        let negative = fits.first().is_some_and(|(_, _, n, _)| *n);
        let op = if negative { GroupOp::And } else { GroupOp::Or };
        let nodes: Vec<Node> = fits.into_iter().map(|(_, node, ..)| node).collect();
        Node::group(op, nodes, span)
    }

    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn lower_value(&mut self, field: &FieldDef, c: &Comparison) -> Option<FilterValue> {
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
        if field.matching != Matching::Words {
            // What `rules::multi_word` says of every value.
            return;
        }
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
