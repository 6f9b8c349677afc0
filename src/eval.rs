//! Evaluating a checked query against a conversation offline, as the API
//! would: what `qc filter` runs on every line of an export.
//!
//! A conversation is a JSON object shaped like the reference's Conversation
//! model (`openapi-2.11.yaml`, schema `conversation`). The rules:
//!
//! - **Paths.** A search field is read at its dotted path
//!   (`source.author.email`, `statistics.count_reopens`). Where the model
//!   names a field differently, [`model_paths`] lists where it is looked for,
//!   in order, and the first path that holds a value wins:
//!
//!   | search field | read from |
//!   |---|---|
//!   | `contact_ids` | `contacts.contacts[].id`, then `contact_ids` |
//!   | `teammate_ids` | `teammates.teammates[].id`, then `teammates.admins[].id`, then `teammate_ids` |
//!   | `tag_ids` | `tags.tags[].id`, then `tag_ids` |
//!   | `conversation_rating.score` | `conversation_rating.score`, then `conversation_rating.rating` |
//!   | `conversation_rating.replied_at` | `conversation_rating.replied_at`, then `conversation_rating.created_at` (when the contact rated) |
//!   | `conversation_rating.contact_id` | `conversation_rating.contact_id`, then `conversation_rating.contact.id` |
//!   | `conversation_rating.admin_d` | `conversation_rating.admin_d`, then `conversation_rating.admin_id`, then `conversation_rating.teammate.id` |
//!
//!   `conversation_rating.requested_at` has no counterpart in the model
//!   and is read only at its own path. Arrays met on the way are walked
//!   into, so a path can reach many values.
//! - **Many values.** A field with several values (the id lists, or any
//!   path through an array) matches `=`, `IN`, `~`, `^`, `$`, `>` and `<`
//!   when *any* value does, and `!=`, `NIN` and `!~` when *no* value
//!   matches the positive operator.
//! - **Missing values.** A field that is absent or `null` has no values, so
//!   by the rule above it matches only `!=`, `NIN` and `!~`. A value of the
//!   wrong type for the field (an object where a string is expected, a
//!   word where a number is) counts as missing.
//! - **Types.** Dates compare as unix seconds (a JSON integer, a string of
//!   digits, or an RFC 3339 string); integers as `i64`; booleans as JSON
//!   `true`/`false`. String fields compare as text, and a number in the data
//!   is compared by its decimal text, so `admin_assignee_id = 5017691`
//!   matches the model's integer `5017691`. Text comparisons are exact and
//!   case-sensitive, except for `source.body`.
//! - **Operators.** `>` and `<` include the bound, as the API documents;
//!   `~` is "contains", `^` "starts with", `$` "ends with".
//! - **`source.body`** is matched as the API's search does, word by word:
//!   HTML tags are removed (and `&amp;` `&lt;` `&gt;` `&quot;` `&#39;`
//!   `&nbsp;` decoded), the text is split at whitespace, and punctuation at
//!   the ends of each word is dropped. `=`/`IN` match when one word equals
//!   the value, `!=`/`NIN` when none does; `~`, `^` and `$` look at the whole
//!   text (tags removed, whitespace collapsed). All body comparisons ignore
//!   letter case.

use std::borrow::Cow;
use std::cmp::Ordering;

use serde_json::Value;

use crate::check::{FieldDef, FieldType, Filter, FilterValue, GroupOp, Node, Query, ScalarValue};
use crate::op::Op;

/// True when `conversation` matches `query`.
///
/// ```
/// let query = qc::compile("state = open AND tag_ids IN [7, 9]", &qc::Options::default())?.query;
/// let conversation = serde_json::json!({
///     "state": "open",
///     "tags": {"type": "tag.list", "tags": [{"type": "tag", "id": "9", "name": "vip"}]}
/// });
/// assert!(qc::eval(&query, &conversation));
/// # Ok::<(), qc::Error>(())
/// ```
pub fn eval(query: &Query, conversation: &Value) -> bool {
    eval_node(&query.root, conversation)
}

/// True when `conversation` matches a filter or group.
pub fn eval_node(node: &Node, conversation: &Value) -> bool {
    match node {
        Node::Filter(f) => eval_filter(f, conversation),
        Node::Group(g) => match g.op {
            GroupOp::And => g.members.iter().all(|m| eval_node(m, conversation)),
            GroupOp::Or => g.members.iter().any(|m| eval_node(m, conversation)),
        },
    }
}

/// The field whose values are HTML text matched word by word.
const BODY: &str = "source.body";

/// Search fields read from differently named places of the model.
const MODEL_PATHS: &[(&str, &[&str])] = &[
    ("contact_ids", &["contacts.contacts.id", "contact_ids"]),
    (
        "teammate_ids",
        &[
            "teammates.teammates.id",
            "teammates.admins.id",
            "teammate_ids",
        ],
    ),
    ("tag_ids", &["tags.tags.id", "tag_ids"]),
    (
        "conversation_rating.score",
        &["conversation_rating.score", "conversation_rating.rating"],
    ),
    (
        "conversation_rating.replied_at",
        &[
            "conversation_rating.replied_at",
            "conversation_rating.created_at",
        ],
    ),
    (
        "conversation_rating.contact_id",
        &[
            "conversation_rating.contact_id",
            "conversation_rating.contact.id",
        ],
    ),
    (
        "conversation_rating.admin_d",
        &[
            "conversation_rating.admin_d",
            "conversation_rating.admin_id",
            "conversation_rating.teammate.id",
        ],
    ),
];

/// The dotted paths of the Conversation model a search field is read from,
/// in order of preference (arrays on the way are walked into).
pub fn model_paths(field: &'static FieldDef) -> &'static [&'static str] {
    MODEL_PATHS
        .iter()
        .find(|(name, _)| *name == field.name)
        .map_or(std::slice::from_ref(&field.name), |(_, paths)| paths)
}

/// Every non-null value of `field` in `conversation`, from the first of its
/// [`model_paths`] that holds any.
pub fn field_values<'a>(field: &'static FieldDef, conversation: &'a Value) -> Vec<&'a Value> {
    let mut out = Vec::new();
    for path in model_paths(field) {
        collect(conversation, path, &mut out);
        if !out.is_empty() {
            break;
        }
    }
    out
}

/// Walks `path` from `value`, into every element of the arrays met.
fn collect<'a>(value: &'a Value, path: &str, out: &mut Vec<&'a Value>) {
    match value {
        Value::Null => {}
        Value::Array(items) => items.iter().for_each(|v| collect(v, path, out)),
        _ if path.is_empty() => out.push(value),
        Value::Object(map) => {
            let (head, rest) = path.split_once('.').unwrap_or((path, ""));
            if let Some(next) = map.get(head) {
                collect(next, rest, out);
            }
        }
        _ => {}
    }
}

/// A value read from the data, as the field's type sees it.
#[derive(Debug, Clone, PartialEq)]
enum Atom<'a> {
    Text(Cow<'a, str>),
    Int(i64),
    Bool(bool),
}

fn atom(ty: FieldType, value: &Value) -> Option<Atom<'_>> {
    match ty {
        FieldType::String => match value {
            Value::String(s) => Some(Atom::Text(Cow::Borrowed(s))),
            Value::Number(n) => Some(Atom::Text(Cow::Owned(n.to_string()))),
            Value::Bool(b) => Some(Atom::Text(Cow::Borrowed(if *b { "true" } else { "false" }))),
            _ => None,
        },
        FieldType::Integer => match value {
            Value::Number(n) => integral(n).map(Atom::Int),
            Value::String(s) => s.trim().parse().ok().map(Atom::Int),
            _ => None,
        },
        FieldType::Date => match value {
            Value::Number(n) => integral(n).map(Atom::Int),
            Value::String(s) => {
                let s = s.trim();
                s.parse::<i64>()
                    .ok()
                    .or_else(|| s.parse::<jiff::Timestamp>().ok().map(|t| t.as_second()))
                    .map(Atom::Int)
            }
            _ => None,
        },
        FieldType::Boolean => match value {
            Value::Bool(b) => Some(Atom::Bool(*b)),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Some(Atom::Bool(true)),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Some(Atom::Bool(false)),
            _ => None,
        },
    }
}

/// A JSON number as an `i64`, when it is a whole number in range.
fn integral(n: &serde_json::Number) -> Option<i64> {
    if let Some(i) = n.as_i64() {
        return Some(i);
    }
    let f = n.as_f64()?;
    // i64::MAX is not exactly representable; 2^63 is the first float past it.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    (f.fract() == 0.0 && (-LIMIT..LIMIT).contains(&f)).then_some(f as i64)
}

fn scalar_text(v: &ScalarValue) -> Cow<'_, str> {
    match v {
        ScalarValue::String(s) => Cow::Borrowed(s),
        ScalarValue::Integer(n) | ScalarValue::Date(n) => Cow::Owned(n.to_string()),
        ScalarValue::Boolean(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
    }
}

fn atom_text<'b>(a: &'b Atom<'_>) -> Cow<'b, str> {
    match a {
        Atom::Text(s) => Cow::Borrowed(s),
        Atom::Int(n) => Cow::Owned(n.to_string()),
        Atom::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
    }
}

/// Orders a data value against a query value of the same kind; values of
/// different kinds are compared by their text.
fn compare(a: &Atom<'_>, v: &ScalarValue) -> Ordering {
    match (a, v) {
        (Atom::Int(x), ScalarValue::Integer(y) | ScalarValue::Date(y)) => x.cmp(y),
        (Atom::Bool(x), ScalarValue::Boolean(y)) => x.cmp(y),
        (Atom::Text(x), ScalarValue::String(y)) => x.as_ref().cmp(y.as_str()),
        _ => atom_text(a).as_ref().cmp(scalar_text(v).as_ref()),
    }
}

/// The operator a negative operator negates, and whether it was negative.
fn positive(op: Op) -> (Op, bool) {
    match op {
        Op::Ne => (Op::Eq, true),
        Op::Nin => (Op::In, true),
        Op::NotContains => (Op::Contains, true),
        other => (other, false),
    }
}

/// True when one data value passes a positive operator.
fn test(op: Op, a: &Atom<'_>, value: &FilterValue) -> bool {
    let one = |f: &dyn Fn(&ScalarValue) -> bool| match value {
        FilterValue::One(v) => f(v),
        FilterValue::List(vs) => vs.iter().any(f),
    };
    match op {
        Op::Eq | Op::Ne | Op::In | Op::Nin => one(&|v| compare(a, v) == Ordering::Equal),
        Op::Gt | Op::Ge => one(&|v| compare(a, v) != Ordering::Less),
        Op::Lt | Op::Le => one(&|v| compare(a, v) != Ordering::Greater),
        Op::Contains | Op::NotContains => one(&|v| atom_text(a).contains(scalar_text(v).as_ref())),
        Op::StartsWith => one(&|v| atom_text(a).starts_with(scalar_text(v).as_ref())),
        Op::EndsWith => one(&|v| atom_text(a).ends_with(scalar_text(v).as_ref())),
    }
}

/// True when `conversation` matches one filter.
pub fn eval_filter(filter: &Filter, conversation: &Value) -> bool {
    let values = field_values(filter.field, conversation);
    let (op, negative) = positive(filter.op);
    let any = if filter.field.name == BODY {
        body_matches(op, &values, &filter.value)
    } else {
        values
            .iter()
            .filter_map(|v| atom(filter.field.ty, v))
            .any(|a| test(op, &a, &filter.value))
    };
    any != negative
}

fn body_matches(op: Op, values: &[&Value], value: &FilterValue) -> bool {
    let value = match value {
        FilterValue::One(v) => FilterValue::One(body_value(op, v)),
        FilterValue::List(vs) => FilterValue::List(vs.iter().map(|v| body_value(op, v)).collect()),
    };
    values.iter().filter_map(|v| v.as_str()).any(|html| {
        let text = strip_html(html).to_lowercase();
        if matches!(op, Op::Eq | Op::In) {
            text.split_whitespace()
                .map(trim_word)
                .any(|w| test(op, &Atom::Text(Cow::Borrowed(w)), &value))
        } else {
            let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
            test(op, &Atom::Text(Cow::Owned(collapsed)), &value)
        }
    })
}

/// A query value for comparing with body text: lower case, and for word
/// comparisons trimmed like the body's words.
fn body_value(op: Op, v: &ScalarValue) -> ScalarValue {
    let lower = scalar_text(v).to_lowercase();
    if matches!(op, Op::Eq | Op::In) {
        ScalarValue::String(trim_word(&lower).to_owned())
    } else {
        ScalarValue::String(lower)
    }
}

/// A word without the punctuation at its ends (`"refund,"` → `refund`).
pub fn trim_word(word: &str) -> &str {
    word.trim_matches(|c: char| !c.is_alphanumeric())
}

/// The text of an HTML fragment: tags replaced by spaces and the common
/// entities decoded. A `<` with no `>` after it is kept as text.
pub fn strip_html(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        text.push_str(&rest[..open]);
        text.push(' ');
        rest = &rest[open + close + 1..];
    }
    text.push_str(rest);
    if !text.contains('&') {
        return text;
    }
    const ENTITIES: &[(&str, &str)] = &[
        ("&nbsp;", " "),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&apos;", "'"),
        ("&amp;", "&"),
    ];
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        match ENTITIES.iter().find(|(e, _)| tail.starts_with(e)) {
            Some((e, decoded)) => {
                out.push_str(decoded);
                rest = &tail[e.len()..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}
