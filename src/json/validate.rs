//! A JSON search request (already read by [`super::reader`]) to the checked
//! [`Query`], applying the compiler's rules: the field table, operators by
//! type, value types, enumerated values and the API's limits.
//!
//! Unlike the compiler this does not normalise: groups are kept as written,
//! so that the limits are checked on the structure the API would see and
//! `emit(validate(J)) == J` for every valid J in qc's canonical form.

use std::sync::Arc;

use super::reader::{Json, JsonKind, Member, is_integer};
use crate::check::rules;
use crate::check::{
    Filter, FilterValue, Group, GroupOp, MAX_PER_PAGE, Node, Pagination, Query, ScalarValue,
    check_limits, is_unix_seconds, is_valid_timestamp, parse_date,
};

/// The help for a date outside what qc (and jiff) can represent.
const DATE_RANGE: &str = "qc handles dates from the year -9999 to 9999";
use crate::diagnostic::{Code, Diagnostic};
use crate::op::Op;
use crate::schema::{FieldDef, FieldType, Order, Schema};
use crate::syntax::Span;

/// Checks a request read from JSON; fills `diagnostics` and returns the
/// query when there were no errors.
pub(super) fn lower(
    root: &Json,
    schema: &Schema,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Query> {
    let mut v = Validator {
        schema,
        diagnostics: Vec::new(),
        group_paths: Vec::new(),
    };
    let query = v.request(root);
    diagnostics.append(&mut v.diagnostics);
    query
}

struct Validator<'s> {
    schema: &'s Schema,
    diagnostics: Vec<Diagnostic>,
    /// The JSON path of every group, for the limit diagnostics.
    group_paths: Vec<(Span, String)>,
}

/// A JSON path: `query.value[1].operator`; the root is `$`.
fn child(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

fn index(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
}

fn shown(path: &str) -> &str {
    if path.is_empty() { "$" } else { path }
}

/// `"text"` as JSON, for suggestions that replace a JSON value.
fn json_string(text: &str) -> String {
    serde_json::Value::String(text.to_owned()).to_string()
}

const FILTER_KEYS: &[&str] = &["field", "operator", "value"];
const GROUP_KEYS: &[&str] = &["operator", "value"];
const REQUEST_KEYS: &[&str] = &["query", "pagination"];
const PAGINATION_KEYS: &[&str] = &["per_page", "starting_after"];

impl Validator<'_> {
    fn push(&mut self, d: Diagnostic, path: &str) {
        self.diagnostics.push(d.with_path(shown(path)));
    }

    fn wrong_type(&mut self, j: &Json, path: &str, expected: &str) {
        let d = Diagnostic::new(
            Code::WrongJsonType,
            j.span,
            format!("expected {expected}, found {}", j.kind.describe()),
        );
        self.push(d, path);
    }

    /// The values of `keys` in an object, reporting unknown and duplicate
    /// keys and (unless an unknown key looks like it) missing `required` ones.
    fn keys<'j>(
        &mut self,
        members: &'j [Member],
        object: Span,
        path: &str,
        keys: &[&'static str],
        required: &[&'static str],
        what: &str,
    ) -> Vec<Option<&'j Json>> {
        let mut found: Vec<Option<&'j Json>> = vec![None; keys.len()];
        let mut misspelt: Vec<&str> = Vec::new();
        for m in members {
            let key_path = child(path, &m.key);
            match keys.iter().position(|k| *k == m.key) {
                Some(i) => match found.get_mut(i) {
                    Some(slot @ None) => *slot = Some(&m.value),
                    _ => {
                        let d = Diagnostic::new(
                            Code::DuplicateKey,
                            m.key_span,
                            format!("`{}` appears twice in this {what}", m.key),
                        )
                        .with_help("keep one of them: JSON readers disagree about which one wins");
                        self.push(d, &key_path);
                    }
                },
                None => {
                    let mut d = Diagnostic::new(
                        Code::UnknownKey,
                        m.key_span,
                        format!(
                            "unknown key `{}` in a {what}; expected {}",
                            m.key,
                            list(keys)
                        ),
                    );
                    match crate::diagnostic::closest(&m.key, keys.iter().copied()) {
                        Some(s) => {
                            misspelt.push(s);
                            d = d
                                .with_help(format!("did you mean `{s}`?"))
                                .with_suggestion(m.key_span, json_string(s));
                        }
                        None => d = d.with_help(format!("remove `{}`", m.key)),
                    }
                    self.push(d, &key_path);
                }
            }
        }
        for (key, value) in keys.iter().zip(&found) {
            if value.is_none() && required.contains(key) && !misspelt.contains(key) {
                let d = Diagnostic::new(
                    Code::MissingKey,
                    Span::new(object.start(), object.start() + 1),
                    format!("this {what} has no `{key}`"),
                )
                .with_help(format!("a {what} needs {}", list(required)));
                self.push(d, path);
            }
        }
        found
    }

    fn request(&mut self, root: &Json) -> Option<Query> {
        let JsonKind::Object(members) = &root.kind else {
            self.wrong_type(
                root,
                "",
                "a search request object (`{\"query\": ...}`) or a query object",
            );
            return None;
        };
        let is_request = members
            .iter()
            .any(|m| REQUEST_KEYS.contains(&m.key.as_str()));
        if !is_request {
            return self.node(root, "").map(|root| self.finish(root, None));
        }
        let found = self.keys(members, root.span, "", REQUEST_KEYS, &["query"], "request");
        let (query, pagination) = match found.as_slice() {
            [q, p] => (*q, *p),
            _ => (None, None),
        };
        let node = query.and_then(|q| self.node(q, "query"));
        let pagination = match pagination {
            Some(Json {
                kind: JsonKind::Null,
                span,
            }) => {
                let d = Diagnostic::new(
                    Code::NullPagination,
                    *span,
                    "`pagination` is null: the API's schema allows it, and it means no pagination",
                )
                .with_help("leave `pagination` out instead");
                self.push(d, "pagination");
                Some(None)
            }
            Some(p) => self.pagination(p, "pagination").map(Some),
            None => Some(None),
        };
        let query = self.finish(node?, None);
        Some(Query {
            pagination: pagination?,
            ..query
        })
    }

    fn finish(&mut self, root: Node, pagination: Option<Pagination>) -> Query {
        let mut limits = Vec::new();
        check_limits(&root, &mut limits);
        for d in limits {
            let path = self
                .group_paths
                .iter()
                .find(|(span, _)| *span == d.range)
                .map(|(_, p)| p.clone())
                .unwrap_or_default();
            self.push(d, &path);
        }
        Query { root, pagination }
    }

    /// A filter or group at `path`.
    fn node(&mut self, j: &Json, path: &str) -> Option<Node> {
        let JsonKind::Object(members) = &j.kind else {
            self.wrong_type(j, path, "a filter or group object");
            return None;
        };
        let get = |key: &str| members.iter().find(|m| m.key == key).map(|m| &m.value);
        let is_filter = get("field").is_some()
            || matches!(get("operator").map(|o| &o.kind),
                Some(JsonKind::String(op)) if Op::from_api(op).is_some() || op == "==");
        if is_filter {
            self.filter(j, members, path)
        } else {
            self.group(j, members, path)
        }
    }

    fn group(&mut self, j: &Json, members: &[Member], path: &str) -> Option<Node> {
        let found = self.keys(members, j.span, path, GROUP_KEYS, GROUP_KEYS, "group");
        let (op, value) = match found.as_slice() {
            [o, v] => (*o, *v),
            _ => (None, None),
        };
        let op = op.and_then(|o| self.group_op(o, &child(path, "operator")));
        let value_path = child(path, "value");
        let items = match value {
            Some(Json {
                kind: JsonKind::Array(items),
                span,
            }) => {
                if items.is_empty() {
                    let d = Diagnostic::new(
                        Code::EmptyGroup,
                        *span,
                        "a group needs at least one filter or group",
                    )
                    .with_help("remove the group, or put filters in its `value`");
                    self.push(d, &value_path);
                }
                Some(items)
            }
            Some(other) => {
                self.wrong_type(other, &value_path, "an array of filters and groups");
                None
            }
            None => None,
        };
        let mut nodes = Vec::new();
        let mut complete = true;
        for (i, item) in items.into_iter().flatten().enumerate() {
            match self.node(item, &index(&value_path, i)) {
                Some(n) => nodes.push(n),
                None => complete = false,
            }
        }
        self.group_paths.push((j.span, path.to_owned()));
        let op = op?;
        (complete && !nodes.is_empty()).then_some(Node::Group(Group {
            op,
            members: nodes,
            span: j.span,
        }))
    }

    fn group_op(&mut self, j: &Json, path: &str) -> Option<GroupOp> {
        let JsonKind::String(op) = &j.kind else {
            self.wrong_type(j, path, "`\"AND\"` or `\"OR\"`");
            return None;
        };
        match op.as_str() {
            "AND" => return Some(GroupOp::And),
            "OR" => return Some(GroupOp::Or),
            _ => {}
        }
        let mut d = Diagnostic::new(
            Code::UnknownGroupOperator,
            j.span,
            format!("unknown group operator `{op}`; expected `AND` or `OR`"),
        );
        if op.eq_ignore_ascii_case("and") || op.eq_ignore_ascii_case("or") {
            let upper = op.to_ascii_uppercase();
            d = d
                .with_help(format!(
                    "group operators are written in capitals: `{upper}`"
                ))
                .with_suggestion(j.span, json_string(&upper));
        } else if op.eq_ignore_ascii_case("not") {
            d = d.with_help("the API has no NOT: negate the filters instead (`=` to `!=`, `IN` to `NIN`, `~` to `!~`)");
        } else {
            d = d.with_help("a group combines its members with `AND` or `OR`");
        }
        self.push(d, path);
        None
    }

    fn filter(&mut self, j: &Json, members: &[Member], path: &str) -> Option<Node> {
        let found = self.keys(members, j.span, path, FILTER_KEYS, FILTER_KEYS, "filter");
        let (field, op, value) = match found.as_slice() {
            [f, o, v] => (*f, *o, *v),
            _ => (None, None, None),
        };
        let field = field.and_then(|f| self.field(f, &child(path, "field")));
        let op_path = child(path, "operator");
        let op = op.and_then(|o| self.operator(o, &op_path).map(|op| (op, o.span)));
        let mut ok = field.is_some() && op.is_some();
        if let (Some(field), Some((op, op_span))) = (&field, op) {
            ok &= self.api_operator(field, op, op_span, &op_path);
        }
        let value = match (&field, value) {
            (Some(field), Some(value)) => self.value(field, op, value, path),
            _ => None,
        };
        let ok = ok && value.is_some();
        let (field, (op, _), value) = (field?, op?, value?);
        ok.then_some(Node::Filter(Filter {
            field,
            op,
            value,
            span: j.span,
        }))
    }

    fn field(&mut self, j: &Json, path: &str) -> Option<Arc<FieldDef>> {
        let JsonKind::String(name) = &j.kind else {
            self.wrong_type(j, path, "a field name string");
            return None;
        };
        // A request names fields as the API does: a ticket attribute by its
        // id, never by the name a query may use.
        let by_alias = self
            .schema
            .field(name)
            .is_some_and(|f| f.alias.as_deref() == Some(name.as_str()));
        if by_alias && let Some(f) = self.schema.field(name) {
            let d = Diagnostic::new(
                Code::UnknownField,
                j.span,
                format!("`{name}` is the name of `{}`; the API takes its id", f.name),
            )
            .with_suggestion(j.span, json_string(&f.name));
            self.push(d, path);
            return None;
        }
        match rules::lookup(self.schema, name, j.span, json_string) {
            Ok((field, warning)) => {
                if let Some(w) = warning {
                    self.push(w, path);
                }
                Some(field)
            }
            Err(d) => {
                self.push(*d, path);
                None
            }
        }
    }

    /// True when the endpoint takes `op` on `field`. `>=`/`<=` where the
    /// endpoint documents only inclusive `>`/`<` (conversations) are in the
    /// API schema's operator enum: accepted with a warning.
    fn api_operator(&mut self, field: &FieldDef, op: Op, span: Span, path: &str) -> bool {
        if field.api_ops.contains(op) {
            return true;
        }
        let ordered = matches!(
            field.ty,
            FieldType::Integer | FieldType::Date | FieldType::Float
        );
        if ordered && field.order == Order::Inclusive && matches!(op, Op::Ge | Op::Le) {
            let inclusive = if op == Op::Ge { ">" } else { "<" };
            let d = Diagnostic::new(
                Code::UndocumentedOperator,
                span,
                format!(
                    "the {} reference does not list `{op}` for `{}`; its `{inclusive}` already includes the bound",
                    self.schema.target(),
                    field.name
                ),
            )
            .with_help(format!("`{inclusive}` means the same and is documented"))
            .with_suggestion(span, json_string(inclusive));
            self.push(d, path);
            return true;
        }
        self.push(
            rules::operator_not_allowed(field, op.as_str(), span, field.api_ops),
            path,
        );
        false
    }

    fn operator(&mut self, j: &Json, path: &str) -> Option<Op> {
        let JsonKind::String(op) = &j.kind else {
            self.wrong_type(j, path, "an operator string such as `\"=\"`");
            return None;
        };
        if let Some(op) = Op::from_api(op) {
            return Some(op);
        }
        let mut d = Diagnostic::new(
            Code::UnknownOperator,
            j.span,
            format!("unknown operator `{op}`"),
        );
        let fix = match op.as_str() {
            "==" => Some(("=", "equality is `=`")),
            "<>" => Some(("!=", "inequality is `!=`")),
            _ => None,
        };
        let upper = op.to_ascii_uppercase();
        match fix {
            Some((to, why)) => d = d.with_help(why).with_suggestion(j.span, json_string(to)),
            None if upper == "IN" || upper == "NIN" => {
                d = d
                    .with_help(format!("operators are written in capitals: `{upper}`"))
                    .with_suggestion(j.span, json_string(&upper));
            }
            None => {
                let all: Vec<&str> = Op::ALL.iter().map(|o| o.as_str()).collect();
                d = d.with_help(format!("the operators are {}", all.join(" ")));
            }
        }
        self.push(d, path);
        None
    }

    /// The value of a filter on a known field. With an unknown operator the
    /// value is still type-checked, as far as its shape allows.
    fn value(
        &mut self,
        field: &FieldDef,
        op: Option<(Op, Span)>,
        j: &Json,
        path: &str,
    ) -> Option<FilterValue> {
        let value_path = child(path, "value");
        let (list, items): (Option<usize>, &[Json]) = match &j.kind {
            JsonKind::Array(items) => (Some(items.len()), items),
            _ => (None, std::slice::from_ref(j)),
        };
        let checked_op = op.map_or(Op::Eq, |(o, _)| o);
        let shape = op.and_then(|(op, op_span)| {
            rules::shape(
                op,
                op.as_str(),
                op_span,
                j.span,
                list,
                || json_text(j).map(|t| format!("[{t}]")),
                json_string,
            )
        });
        let shape_ok = shape.is_none();
        if let Some(d) = shape {
            self.push(d, &value_path);
        }
        let values: Vec<ScalarValue> = match list {
            Some(_) => self.items(field, checked_op, items, &value_path),
            None => self
                .scalar(field, checked_op, j, &value_path)
                .into_iter()
                .collect(),
        };
        if !shape_ok || op.is_none() || values.len() != items.len() {
            return None;
        }
        if list.is_some() && values.contains(&ScalarValue::Null) {
            return None;
        }
        match list {
            Some(_) => Some(FilterValue::List(values)),
            None => values.into_iter().next().map(FilterValue::One),
        }
    }

    fn items(&mut self, field: &FieldDef, op: Op, items: &[Json], path: &str) -> Vec<ScalarValue> {
        items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| self.scalar(field, op, item, &index(path, i)))
            .collect()
    }

    fn scalar(&mut self, field: &FieldDef, op: Op, j: &Json, path: &str) -> Option<ScalarValue> {
        let found = j.kind.describe();
        let mismatch = |expected: &str| {
            Diagnostic::new(
                Code::TypeMismatch,
                j.span,
                format!(
                    "`{}` is {} {} field, so its value must be {expected}, but this is {found}",
                    field.name,
                    rules::article(field.ty),
                    field.ty
                ),
            )
        };
        if let JsonKind::Null = j.kind {
            if matches!(op, Op::Eq | Op::Ne) {
                return Some(ScalarValue::Null);
            }
            let d = Diagnostic::new(
                Code::NullNotAllowed,
                j.span,
                format!("`{op}` cannot compare with null"),
            )
            .with_help("null goes with `=` and `!=`, never in an IN/NIN array");
            self.push(d, path);
            return None;
        }
        let d = match (field.ty, &j.kind) {
            (FieldType::Any, JsonKind::String(s)) => {
                return Some(ScalarValue::String(s.as_str().into()));
            }
            (FieldType::Any, JsonKind::Bool(b)) => return Some(ScalarValue::Boolean(*b)),
            (FieldType::Any | FieldType::Float, JsonKind::Number(n)) => {
                match (n.parse::<i64>(), n.parse::<f64>()) {
                    (Ok(v), _) if field.ty == FieldType::Any => {
                        return Some(ScalarValue::Integer(v));
                    }
                    (_, Ok(f)) if f.is_finite() => return Some(ScalarValue::Float(f)),
                    _ => mismatch("a finite number"),
                }
            }
            (FieldType::Any, _) => mismatch("a string, a number or a boolean"),
            (FieldType::Float, _) => mismatch("a JSON number"),
            (FieldType::String, JsonKind::Number(n)) if field.lenient_integer && is_integer(n) => {
                let d = Diagnostic::new(
                    Code::DocsDisagree,
                    j.span,
                    format!(
                        "`{}` is a String field in the reference text but an Integer in the OpenAPI table: accepted",
                        field.name
                    ),
                )
                .with_help("a JSON string matches what the reference text documents")
                .with_suggestion(j.span, json_string(n));
                self.push(d, path);
                return Some(ScalarValue::String(n.as_str().into()));
            }
            (FieldType::String, JsonKind::String(s)) => {
                match rules::unknown_value(field, s, j.span, json_string) {
                    Some(d) => d,
                    None => {
                        if let Some(d) = rules::multi_word(field, op, s, j.span) {
                            self.push(d, path);
                        }
                        return Some(ScalarValue::String(s.as_str().into()));
                    }
                }
            }
            (FieldType::String, JsonKind::Number(n)) => mismatch("a JSON string")
                .with_help("the API compares String fields as text")
                .with_suggestion(j.span, json_string(n)),
            (FieldType::String, JsonKind::Bool(b)) => {
                mismatch("a JSON string").with_suggestion(j.span, json_string(&b.to_string()))
            }
            (FieldType::String, _) => mismatch("a JSON string"),
            (FieldType::Integer, JsonKind::Number(n)) if is_integer(n) => match n.parse::<i64>() {
                Ok(v) => return Some(ScalarValue::Integer(v)),
                Err(_) => Diagnostic::new(
                    Code::TypeMismatch,
                    j.span,
                    format!(
                        "`{n}` is out of range for `{}`, an Integer field",
                        field.name
                    ),
                )
                .with_help("whole numbers from -9223372036854775808 to 9223372036854775807"),
            },
            (FieldType::Integer, JsonKind::Number(_)) => {
                mismatch("a whole number").with_help("the API compares whole numbers only")
            }
            (FieldType::Integer, JsonKind::String(s)) if s.parse::<i64>().is_ok() => {
                mismatch("a JSON integer").with_suggestion(j.span, s.clone())
            }
            (FieldType::Integer, _) => mismatch("a JSON integer"),
            (FieldType::Boolean, JsonKind::Bool(b)) => return Some(ScalarValue::Boolean(*b)),
            (FieldType::Boolean, JsonKind::String(s)) if s == "true" || s == "false" => {
                mismatch("`true` or `false`").with_suggestion(j.span, s.clone())
            }
            (FieldType::Boolean, _) => mismatch("`true` or `false`"),
            (FieldType::Date, JsonKind::String(s)) if is_unix_seconds(s) => {
                match s.parse::<i64>() {
                    Ok(v) if is_valid_timestamp(v) => return Some(ScalarValue::Date(v)),
                    _ => Diagnostic::new(
                        Code::InvalidDate,
                        j.span,
                        format!("invalid date `{s}`: unix seconds out of range"),
                    )
                    .with_help(DATE_RANGE),
                }
            }
            (FieldType::Date, JsonKind::Number(n)) if is_integer(n) => match n.parse::<i64>() {
                Ok(v) if is_valid_timestamp(v) => {
                    let d = Diagnostic::new(
                        Code::NumericDate,
                        j.span,
                        "a date as a JSON number: the reference writes unix seconds as a string",
                    )
                    .with_help("both are accepted; qc emits the string form")
                    .with_suggestion(j.span, json_string(n));
                    self.push(d, path);
                    return Some(ScalarValue::Date(v));
                }
                _ => Diagnostic::new(
                    Code::InvalidDate,
                    j.span,
                    format!("invalid date `{n}`: unix seconds out of range"),
                )
                .with_help(DATE_RANGE),
            },
            (FieldType::Date, JsonKind::String(s)) => {
                let d = mismatch("unix seconds as a string of digits");
                // A date qc reads in text (but not `now-7d`, which moves).
                match parse_date(s, 0, self.schema.timezone()) {
                    Ok(seconds) if !s.to_ascii_lowercase().starts_with("now") => d
                        .with_help(format!("`{s}` is {seconds} in unix seconds"))
                        .with_suggestion(j.span, json_string(&seconds.to_string())),
                    _ => d.with_help("write the date as unix seconds, e.g. \"1704067200\" for 2024-01-01T00:00:00Z"),
                }
            }
            (FieldType::Date, _) => mismatch("unix seconds as a string of digits").with_help(
                "write the date as unix seconds, e.g. \"1704067200\" for 2024-01-01T00:00:00Z",
            ),
        };
        self.push(d, path);
        None
    }

    fn pagination(&mut self, j: &Json, path: &str) -> Option<Pagination> {
        let JsonKind::Object(members) = &j.kind else {
            self.wrong_type(j, path, "a pagination object (`{\"per_page\": 20}`)");
            return None;
        };
        let found = self.keys(
            members,
            j.span,
            path,
            PAGINATION_KEYS,
            &["per_page"],
            "pagination object",
        );
        let (per_page, after) = match found.as_slice() {
            [p, a] => (*p, *a),
            _ => (None, None),
        };
        let per_page_path = child(path, "per_page");
        let per_page = per_page.and_then(|p| {
            let n = match &p.kind {
                JsonKind::Number(n) if is_integer(n) => n.parse::<i64>().ok(),
                _ => None,
            };
            match n.and_then(|n| u32::try_from(n).ok()) {
                Some(n) if (1..=MAX_PER_PAGE).contains(&n) => Some(n),
                _ => {
                    let d = Diagnostic::new(
                        Code::InvalidPagination,
                        p.span,
                        format!(
                            "`per_page` must be a whole number from 1 to {MAX_PER_PAGE}, but this is {}",
                            match &p.kind {
                                JsonKind::Number(n) => format!("`{n}`"),
                                other => other.describe().to_owned(),
                            }
                        ),
                    )
                    .with_help(format!("the API returns at most {MAX_PER_PAGE} results per page"));
                    self.push(d, &per_page_path);
                    None
                }
            }
        });
        let after_path = child(path, "starting_after");
        let after = match after.map(|a| (&a.kind, a)) {
            None | Some((JsonKind::Null, _)) => Some(None),
            Some((JsonKind::String(s), _)) => Some(Some(s.clone())),
            Some((_, a)) => {
                let d = Diagnostic::new(
                    Code::InvalidPagination,
                    a.span,
                    format!(
                        "`starting_after` must be a cursor string or null, but this is {}",
                        a.kind.describe()
                    ),
                )
                .with_help("use the `starting_after` cursor from the previous page's `pages.next`");
                self.push(d, &after_path);
                None
            }
        };
        Some(Pagination {
            per_page: per_page?,
            starting_after: after?,
        })
    }
}

/// True for `-?[0-9]+`: unix seconds written as a string.
/// A scalar as compact JSON text, for suggestions.
fn json_text(j: &Json) -> Option<String> {
    match &j.kind {
        JsonKind::Null => Some("null".to_owned()),
        JsonKind::Bool(b) => Some(b.to_string()),
        JsonKind::Number(n) => Some(n.clone()),
        JsonKind::String(s) => Some(json_string(s)),
        JsonKind::Array(_) | JsonKind::Object(_) => None,
    }
}

fn list(keys: &[&str]) -> String {
    let quoted: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}
