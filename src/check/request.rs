//! The second front end of the checker: a JSON search request to a
//! checked [`Query`] (`qc validate`).
//!
//! [`validate`] reads a request body for `POST /conversations/search`
//! (`{"query": ..., "sort": ..., "pagination": ...}`, or a bare query
//! object; `sort` where the endpoint takes it) with the
//! positioned reader of [`crate::json::reader`] and checks it with the
//! text checker's rules: the field table, operators by type, the value
//! typing and null rule of [`rules`], enumerated values, the pagination
//! rule of the options ([`Pagination::new`]), the API's limits, and the
//! lints of [`lints`] (a contradiction such as `state = open` AND `state
//! = closed` is a warning, as it is in text). Every problem is a
//! [`Diagnostic`] with its JSON path (`query.value[1].operator`), byte
//! range and line:column; warnings do not make a request invalid.
//!
//! What is the JSON's own is how a JSON value carries a field's type
//! (the wire table of `Validator::carried`): String fields take JSON
//! strings, Integer fields JSON integers, Boolean fields `true`/`false`.
//! Date fields take unix seconds as a string of digits (what the
//! reference shows and qc emits) or, since the OpenAPI schema allows
//! integer values, as a JSON integer; both mean the same and are emitted
//! back as a string.
//!
//! Unlike the text checker this does not normalise: groups are kept as
//! written, so the limits apply to the structure the API would see, and
//! `emit(validate(J)) == J` for every valid `J` in qc's canonical form.
//! The group lints look at the normalised tree, as the compiler's do.
//!
//! ```
//! let v = qc::check::validate(r#"{"query": {"field": "state", "operator": "~", "value": "open"}}"#);
//! assert!(v.query.is_none());
//! assert_eq!(v.diagnostics[0].path.as_deref(), Some("query.operator"));
//! ```

use std::collections::HashMap;

use super::dates::{is_unix_seconds, parse_date};
use super::notation::{Notation, json_string};
use super::{
    Filter, FilterValue, Group, GroupOp, MAX_PER_PAGE, Node, Pagination, Query, ScalarValue, Sort,
    check_limits, lints, rules,
};
use crate::diagnostic::{Code, Diagnostic, LineIndex, has_errors};
use crate::json::reader::{Json, JsonKind, Member, is_integer, read_json};
use crate::op::{Op, SortOrder};
use crate::schema::{FieldDef, FieldRef, FieldType, Order, Schema};
use crate::syntax::Span;

/// The result of validating a JSON request.
#[derive(Debug, Clone)]
pub struct Validated {
    /// The checked query, when there were no errors.
    pub query: Option<Query>,
    /// Errors and warnings in text order, each with a JSON path (except
    /// for malformed JSON) and a line:column.
    pub diagnostics: Vec<Diagnostic>,
}

impl Validated {
    /// True when the request is valid (warnings allowed).
    pub fn is_valid(&self) -> bool {
        self.query.is_some()
    }
}

/// Validates a JSON search request for `POST /conversations/search`.
pub fn validate(text: &str) -> Validated {
    validate_with(text, &Schema::conversations())
}

/// Validates a JSON search request against `schema`.
pub fn validate_with(text: &str, schema: &Schema) -> Validated {
    let mut v = Validator {
        schema,
        diagnostics: Vec::new(),
        paths: HashMap::new(),
        complete: true,
    };
    let query = match read_json(text) {
        Ok(json) => v.request(&json),
        Err(d) => {
            v.diagnostics.push(*d);
            None
        }
    };
    let Validator {
        mut diagnostics,
        complete,
        ..
    } = v;
    crate::diagnostic::sort(&mut diagnostics);
    let index = LineIndex::new(text);
    for d in &mut diagnostics {
        d.locate(&index);
    }
    let ok = complete && !has_errors(&diagnostics);
    Validated {
        query: query.filter(|_| ok),
        diagnostics,
    }
}

/// Validates JSON given as bytes: invalid UTF-8 is a diagnostic at the
/// first bad byte, not a panic.
pub fn validate_bytes(bytes: &[u8]) -> Validated {
    validate_bytes_with(bytes, &Schema::conversations())
}

/// [`validate_bytes`] against `schema`.
pub fn validate_bytes_with(bytes: &[u8], schema: &Schema) -> Validated {
    match std::str::from_utf8(bytes) {
        Ok(text) => validate_with(text, schema),
        Err(e) => {
            let at = e.valid_up_to();
            let bad = e.error_len().unwrap_or(1);
            let lossy = String::from_utf8_lossy(bytes.get(..at).unwrap_or_default());
            let mut d = Diagnostic::new(
                Code::InvalidUtf8,
                Span::new(at, at + bad),
                format!("the input is not valid UTF-8 (invalid byte at offset {at})"),
            )
            .with_help("JSON text must be UTF-8");
            d.locate(&LineIndex::new(&lossy));
            Validated {
                query: None,
                diagnostics: vec![d],
            }
        }
    }
}

/// How a JSON value carries a value of a field's type: the text to read
/// with [`rules::typed_text`] (quoted: a JSON string), and a warning for a
/// carrier the API takes but the reference does not show.
type Carried<'j> = (&'j str, bool, Option<Diagnostic>);

struct Validator<'s> {
    schema: &'s Schema,
    diagnostics: Vec<Diagnostic>,
    /// The JSON path of every filter and group by its span, for the
    /// diagnostics found on the tree (limits and lints).
    paths: HashMap<Span, String>,
    /// False once a part of the request could not be lowered.
    complete: bool,
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

/// `true` or `false`.
fn bool_text(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

const FILTER_KEYS: &[&str] = &["field", "operator", "value"];
const GROUP_KEYS: &[&str] = &["operator", "value"];
const REQUEST_KEYS: &[&str] = &["query", "pagination", "sort"];
const PAGINATION_KEYS: &[&str] = &["per_page", "starting_after"];
const SORT_KEYS: &[&str] = &["field", "order"];

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
                            d = d.with_closest(m.key_span, s, json_string(s));
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
            let node = self.node(root, "");
            return self.finish(node, Some(None), Some(None));
        }
        let found = self.keys(members, root.span, "", REQUEST_KEYS, &["query"], "request");
        let (query, pagination, sort) = match found.as_slice() {
            [q, p, s] => (*q, *p, *s),
            _ => (None, None, None),
        };
        let node = query.and_then(|q| self.node(q, "query"));
        let sort = match sort {
            Some(s) => self.sort(s, "sort").map(Some),
            None => Some(None),
        };
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
        self.finish(node, pagination, sort)
    }

    /// The request's `sort`, where the endpoint takes one: `{"field":
    /// NAME, "order": "ascending" | "descending"}`, `order` descending when
    /// left out (as the API documents). `None` (reported) when invalid.
    fn sort(&mut self, j: &Json, path: &str) -> Option<Sort> {
        if !self.schema.sorts() {
            let d = rules::sort_not_supported(self.schema, j.span, Notation::Json);
            self.push(d, path);
            return None;
        }
        let JsonKind::Object(members) = &j.kind else {
            self.wrong_type(
                j,
                path,
                "a sort object (`{\"field\": ..., \"order\": \"ascending\"}`)",
            );
            return None;
        };
        let found = self.keys(members, j.span, path, SORT_KEYS, &["field"], "sort");
        let (field, order) = match found.as_slice() {
            [f, o] => (*f, *o),
            _ => (None, None),
        };
        let field_path = child(path, "field");
        let field = match field.map(|f| (f, &f.kind)) {
            Some((f, JsonKind::String(name))) => {
                match rules::sort_field(self.schema, name, f.span, j.span, Notation::Json) {
                    Ok((field, warning)) => {
                        if let Some(w) = warning {
                            self.push(w, &field_path);
                        }
                        Some(field)
                    }
                    Err(d) => {
                        self.push(*d, &field_path);
                        None
                    }
                }
            }
            Some((f, _)) => {
                self.wrong_type(f, &field_path, "a field name string");
                None
            }
            None => None,
        };
        let order = match order {
            Some(o) => self.sort_order(o, &child(path, "order")),
            None => Some(SortOrder::default()),
        };
        Some(Sort {
            field: field?,
            order: order?,
            span: j.span,
        })
    }

    /// A `sort.order`: `"ascending"` or `"descending"`, exactly.
    fn sort_order(&mut self, j: &Json, path: &str) -> Option<SortOrder> {
        let JsonKind::String(word) = &j.kind else {
            self.wrong_type(j, path, "`\"ascending\"` or `\"descending\"`");
            return None;
        };
        if let Some(order) = SortOrder::from_api(word) {
            return Some(order);
        }
        let lower = word.to_ascii_lowercase();
        // `"ASC"`, `"desc"`, `"Descending"`: the order meant is certain.
        let meant = SortOrder::ALL
            .into_iter()
            .find(|o| lower == o.as_str() || lower == o.keyword().to_ascii_lowercase());
        let mut d = Diagnostic::new(
            Code::InvalidSortOrder,
            j.span,
            format!(
                "unknown sort order `{word}`; expected `ascending` or `descending` (the API answers 400 `invalid_sort_order`)"
            ),
        );
        d = match meant {
            Some(o) => d
                .with_help(format!("the order is written `{o}`"))
                .with_suggestion(j.span, json_string(o.as_str())),
            None => d.with_help(
                "`order` is `ascending` or `descending`; left out, the API sorts descending",
            ),
        };
        self.push(d, path);
        None
    }

    /// The diagnostics of the tree as a whole (as much of it as could be
    /// lowered, as in text): the group lints, on the tree as the compiler
    /// would normalise it, and the limits, on the groups as written. Then
    /// the query, when nothing failed; `pagination` and `sort` are `None`
    /// when they were invalid.
    fn finish(
        &mut self,
        root: Option<Node>,
        pagination: Option<Option<Pagination>>,
        sort: Option<Option<Sort>>,
    ) -> Option<Query> {
        let root = root?;
        let mut found = Vec::new();
        lints::groups(&root.normalised(), &mut found);
        check_limits(&root, &mut found);
        for d in found {
            self.push_on_tree(d);
        }
        let pagination = pagination?;
        let sort = sort?;
        self.complete.then_some(Query {
            root,
            pagination,
            sort,
        })
    }

    /// Records a diagnostic about a filter or group of the tree, with the
    /// JSON path of its range and of each label's.
    fn push_on_tree(&mut self, mut d: Diagnostic) {
        for label in &mut d.labels {
            if let Some(path) = self.paths.get(&label.span) {
                label.message = format!("{} (at `{path}`)", label.message);
            }
        }
        let path = self.paths.get(&d.range).cloned().unwrap_or_default();
        self.push(d, &path);
    }

    /// A filter or group at `path`; `None` (and the request incomplete)
    /// when it could not be lowered.
    fn node(&mut self, j: &Json, path: &str) -> Option<Node> {
        let JsonKind::Object(members) = &j.kind else {
            self.wrong_type(j, path, "a filter or group object");
            self.complete = false;
            return None;
        };
        self.paths.insert(j.span, shown(path).to_owned());
        let get = |key: &str| members.iter().find(|m| m.key == key).map(|m| &m.value);
        let is_filter = get("field").is_some()
            || matches!(get("operator").map(|o| &o.kind),
                Some(JsonKind::String(op)) if Op::from_api(op).is_some() || op == "==");
        let node = if is_filter {
            self.filter(j, members, path)
        } else {
            self.group(j, members, path)
        };
        if node.is_none() {
            self.complete = false;
        }
        node
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
        let nodes: Vec<Node> = items
            .into_iter()
            .flatten()
            .enumerate()
            .filter_map(|(i, item)| self.node(item, &index(&value_path, i)))
            .collect();
        let op = op?;
        (!nodes.is_empty()).then_some(Node::Group(Group {
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
        let value_json = value;
        let value = match (&field, value) {
            (Some(field), Some(value)) => self.value(field, op, value, path),
            _ => None,
        };
        let ok = ok && value.is_some();
        let (field, (op, _), value) = (field?, op?, value?);
        let filter = Filter {
            field,
            op,
            value,
            span: j.span,
        };
        if !ok {
            return None;
        }
        let text = match value_json.map(|v| &v.kind) {
            Some(JsonKind::String(s)) => Some(s.as_str()),
            _ => None,
        };
        let mut warnings = Vec::new();
        lints::comparison(&filter, text, self.schema, Notation::Json, &mut warnings);
        for w in warnings {
            self.push(w, path);
        }
        Some(Node::Filter(filter))
    }

    fn field(&mut self, j: &Json, path: &str) -> Option<FieldRef> {
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
        let shared = self.schema.fields_named(name);
        if !shared.is_empty() {
            let ids: Vec<&str> = shared.iter().map(|f| f.name.as_ref()).collect();
            let d = Diagnostic::new(
                Code::UnknownField,
                j.span,
                format!(
                    "`{name}` is the name of {}; the API takes one attribute's id",
                    ids.join(", ")
                ),
            )
            .with_help("a request names each ticket attribute by its id: an OR group of one filter per id searches them all");
            self.push(d, path);
            return None;
        }
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
        match rules::lookup(self.schema, name, j.span, Notation::Json) {
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
            if field.order == Order::Ambiguous && matches!(op, Op::Gt | Op::Lt) {
                let inclusive = if op == Op::Gt { ">=" } else { "<=" };
                let d = Diagnostic::new(
                    Code::AmbiguousOperator,
                    span,
                    format!(
                        "the {} reference reads `{op}` on `{}` two ways: as inclusive (its operator table) and as strict (beside the real `{inclusive}` it documents)",
                        self.schema.target(),
                        field.name
                    ),
                )
                .with_help(format!(
                    "write `{inclusive}` with the first value to include, which means the same under both readings"
                ));
                self.push(d, path);
            }
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
            // `in`, `nin`: an operator in the wrong letter case.
            None if Op::from_api(&upper).is_some() => {
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
                Notation::Json,
            )
        });
        let shape_ok = shape.is_none();
        if let Some(d) = shape {
            self.push(d, &value_path);
        }
        let values: Vec<ScalarValue> = match list {
            Some(_) => items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| {
                    self.scalar(field, checked_op, true, item, &index(&value_path, i))
                })
                .collect(),
            None => self
                .scalar(field, checked_op, false, j, &value_path)
                .into_iter()
                .collect(),
        };
        if !shape_ok || op.is_none() || values.len() != items.len() {
            return None;
        }
        match list {
            Some(_) => Some(FilterValue::List(values)),
            None => values.into_iter().next().map(FilterValue::One),
        }
    }

    /// One value (`in_list`: an item of a list) of `field`: the null rule
    /// and the value typing of the text checker, on the text of a JSON
    /// value whose type carries the field's.
    fn scalar(
        &mut self,
        field: &FieldDef,
        op: Op,
        in_list: bool,
        j: &Json,
        path: &str,
    ) -> Option<ScalarValue> {
        if let JsonKind::Null = j.kind {
            return match rules::null_value(op, in_list, j.span, Notation::Json) {
                Ok(v) => Some(v),
                Err(d) => {
                    self.push(*d, path);
                    None
                }
            };
        }
        let (text, quoted, warning) = match self.carried(field, j) {
            Ok(carried) => carried,
            Err(d) => {
                self.push(*d, path);
                return None;
            }
        };
        let cx = rules::ValueContext {
            // A request's dates are unix seconds: nothing is relative.
            now: 0,
            tz: self.schema.timezone(),
            notation: Notation::Json,
        };
        match rules::typed_text(field, text, quoted, j.span, &cx) {
            Ok(v) => {
                if let Some(w) = warning {
                    self.push(w, path);
                }
                if let Some(w) = rules::multi_word(field, op, text, j.span) {
                    self.push(w, path);
                }
                Some(v)
            }
            Err(d) => {
                self.push(*d, path);
                None
            }
        }
    }

    /// The wire table: which JSON types carry which field type, as the
    /// API takes them. A JSON type that does not carry the field's type is
    /// an error (with the JSON value that would, when there is one), even
    /// where qc's text would read the same characters: `"3"` is text, not
    /// the number 3.
    fn carried<'j>(&self, field: &FieldDef, j: &'j Json) -> Result<Carried<'j>, Box<Diagnostic>> {
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
        let finite = |n: &str| n.parse::<f64>().is_ok_and(f64::is_finite);
        let d = match (field.ty, &j.kind) {
            (FieldType::Any | FieldType::String, JsonKind::String(s)) => {
                return Ok((s, true, None));
            }
            (FieldType::Any, JsonKind::Bool(b)) => return Ok((bool_text(*b), false, None)),
            (FieldType::Any | FieldType::Float, JsonKind::Number(n)) if finite(n) => {
                return Ok((n, false, None));
            }
            (FieldType::Any | FieldType::Float, JsonKind::Number(_)) => mismatch("a finite number"),
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
                return Ok((n, true, Some(d)));
            }
            (FieldType::String, JsonKind::Number(n)) => mismatch("a JSON string")
                .with_help("the API compares String fields as text")
                .with_suggestion(j.span, json_string(n)),
            (FieldType::String, JsonKind::Bool(b)) => {
                mismatch("a JSON string").with_suggestion(j.span, json_string(bool_text(*b)))
            }
            (FieldType::String, _) => mismatch("a JSON string"),
            (FieldType::Integer, JsonKind::Number(n)) if is_integer(n) => {
                return Ok((n, false, None));
            }
            (FieldType::Integer, JsonKind::Number(_)) => {
                mismatch("a whole number").with_help("the API compares whole numbers only")
            }
            (FieldType::Integer, JsonKind::String(s)) if s.parse::<i64>().is_ok() => {
                mismatch("a JSON integer").with_suggestion(j.span, s.clone())
            }
            (FieldType::Integer, _) => mismatch("a JSON integer"),
            (FieldType::Boolean, JsonKind::Bool(b)) => return Ok((bool_text(*b), false, None)),
            (FieldType::Boolean, JsonKind::String(s)) if s == "true" || s == "false" => {
                mismatch("`true` or `false`").with_suggestion(j.span, s.clone())
            }
            (FieldType::Boolean, _) => mismatch("`true` or `false`"),
            (FieldType::Date, JsonKind::String(s)) if is_unix_seconds(s) => {
                return Ok((s, true, None));
            }
            (FieldType::Date, JsonKind::Number(n)) if is_integer(n) => {
                let d = Diagnostic::new(
                    Code::NumericDate,
                    j.span,
                    "a date as a JSON number: the reference writes unix seconds as a string",
                )
                .with_help("both are accepted; qc emits the string form")
                .with_suggestion(j.span, json_string(n));
                return Ok((n, false, Some(d)));
            }
            (FieldType::Date, JsonKind::String(s)) => {
                let d = mismatch("unix seconds as a string of digits");
                // A date qc reads in text that does not move with now
                // (not `now-7d` or `today`).
                let tz = self.schema.timezone();
                match parse_date(s, 0, tz) {
                    Ok(seconds) if parse_date(s, FORTNIGHT, tz) == Ok(seconds) => d
                        .with_help(format!("`{s}` is {seconds} in unix seconds"))
                        .with_suggestion(j.span, json_string(&seconds.to_string())),
                    _ => d.with_help(Notation::Json.date_help()),
                }
            }
            (FieldType::Date, _) => {
                mismatch("unix seconds as a string of digits").with_help(Notation::Json.date_help())
            }
        };
        Err(Box::new(d))
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
                JsonKind::Number(n) if is_integer(n) => n.parse::<u32>().ok(),
                _ => None,
            };
            // The options' rule, so that a request and `--per-page` agree.
            match n.map(|n| Pagination::new(Some(n), None)) {
                Some(Ok(checked)) => Some(checked.per_page),
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

/// Two weeks in seconds: two "nows" that far apart tell a fixed date from
/// one relative to now.
const FORTNIGHT: i64 = 14 * 86_400;

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
