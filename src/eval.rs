//! Evaluating a checked query against a conversation offline, as the API
//! would: what `qc filter` runs on every line of an export.
//!
//! A conversation is a JSON object shaped like the reference's Conversation
//! model (`openapi-2.11.yaml`, schema `conversation`). The rules:
//!
//! - **Paths.** A search field is read where its schema row says
//!   ([`FieldDef::paths`]): its dotted name, or where the object model
//!   names it differently (`contact_ids` from `contacts.contacts[].id`,
//!   contacts' `tag_id` from `tags.data[].id`, tickets' `state` from
//!   `ticket_state`, a ticket attribute from `ticket_attributes.<name>`).
//!   The first path that holds a value wins, and arrays met on the way are
//!   walked into, so a path can reach many values. A field that only some
//!   kinds of object hold ([`FieldDef::held_by`]: a ticket type's
//!   attribute) has no value on an object of another kind (a ticket of
//!   another type); an object that does not say its kind may be of any.
//! - **Many values.** A field with several values (the id lists, or any
//!   path through an array) matches `=`, `IN`, `~`, `^`, `$`, `>` and `<`
//!   when *any* value does, and `!=`, `NIN` and `!~` when *no* value
//!   matches the positive operator.
//! - **Missing values.** A field that is absent or `null` has no values, so
//!   by the rule above it matches only `!=`, `NIN` and `!~`; `= null`
//!   matches exactly such a field, and `!= null` a field with a value. A value of the
//!   wrong type for the field (an object where a string is expected, a
//!   word where a number is) counts as missing.
//! - **Types.** Dates compare as unix seconds (a JSON integer, a string of
//!   digits, or an RFC 3339 string); integers as `i64`; booleans as JSON
//!   `true`/`false`. String fields compare as text, and a number in the data
//!   is compared by its decimal text, so `admin_assignee_id = 5017691`
//!   matches the model's integer `5017691`. A number or a date held as text
//!   by an attribute of unknown type is compared with a number or a date
//!   as one. A list option held by its label is compared by its id, as
//!   qc sends it. Text comparisons are exact and case-sensitive, except
//!   for `source.body`.
//! - **Operators** mean what the target's API documents, by the field's
//!   [`Order`]: inclusive `>`/`<` (conversations, tickets but `created_at`),
//!   strict `>`/`<` with real `>=`/`<=` (contacts' numbers; tickets'
//!   `created_at`, whose `>`/`<` the reference reads two ways and qc never
//!   sends), or calendar days in the workspace's zone (contacts' dates:
//!   `=` the same day, `>` a later day, `<` an earlier day; UTC days where
//!   the zone is not configured). `~` is
//!   "contains", `^` "starts with", `$` "ends with".
//! - **Word-matched fields** ([`Matching::Words`], `source.body`) are matched as the API's search does, word by word:
//!   HTML tags are removed (and `&amp;` `&lt;` `&gt;` `&quot;` `&#39;`
//!   `&nbsp;` decoded), the text is split at whitespace, and punctuation at
//!   the ends of each word is dropped. `=`/`IN` match when one word equals
//!   the value, `!=`/`NIN` when none does; `~`, `^` and `$` look at the whole
//!   text (tags removed, whitespace collapsed). All body comparisons ignore
//!   letter case.
//! - **Sort** (`ORDER BY`, [`sort_key`]): objects are ordered by the
//!   field's value read as above, to the second on dates (the reference:
//!   "sorting uses the full value", also where comparisons go by day):
//!   numbers and dates by value, text by its bytes (case-sensitive),
//!   `false` before `true`; of values of different kinds (an attribute of
//!   unknown type), booleans first, then numbers, then text. A field with
//!   several values sorts by its lowest ascending, its highest descending.
//!   Objects without a value come last in either order, and objects with
//!   the same value keep their order.

use std::borrow::Cow;
use std::cmp::Ordering;

use serde_json::Value;

use crate::check::{Filter, FilterValue, GroupOp, Node, Query, ScalarValue, Sort};
use crate::op::{Op, SortOrder};
use crate::schema::{FieldDef, FieldType, Matching, Order};

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

/// Every non-null value of `field` in `object`, from the first of its
/// [`FieldDef::paths`] that holds any.
pub fn field_values<'a>(field: &FieldDef, object: &'a Value) -> Vec<&'a Value> {
    let mut out = Vec::new();
    // A ticket type's attribute has no value on a ticket of another type
    // (an object that does not say its type may be of any).
    if let Some(held) = &field.held_by {
        let mut kinds = Vec::new();
        for path in &held.paths {
            collect(object, &path.0, &mut kinds);
            if !kinds.is_empty() {
                break;
            }
        }
        let kind_text = |v: &Value| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        };
        if !kinds.is_empty()
            && !kinds
                .iter()
                .filter_map(|v| kind_text(v))
                .any(|k| held.holds(&k))
        {
            return out;
        }
    }
    for path in field.paths.iter() {
        collect(object, &path.0, &mut out);
        if !out.is_empty() {
            break;
        }
    }
    out
}

/// Walks `path` from `value`, into every element of the arrays met.
fn collect<'a>(value: &'a Value, path: &[Cow<'static, str>], out: &mut Vec<&'a Value>) {
    match value {
        Value::Null => {}
        Value::Array(items) => items.iter().for_each(|v| collect(v, path, out)),
        _ if path.is_empty() => out.push(value),
        Value::Object(map) => {
            if let Some(next) = path.first().and_then(|head| map.get(head.as_ref())) {
                collect(next, &path[1..], out);
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
    Float(f64),
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
        FieldType::Float => match value {
            Value::Number(n) => n.as_f64().map(Atom::Float),
            Value::String(s) => s.trim().parse().ok().map(Atom::Float),
            _ => None,
        },
        FieldType::Any => match value {
            Value::String(s) => Some(Atom::Text(Cow::Borrowed(s))),
            Value::Number(n) => integral(n)
                .map(Atom::Int)
                .or_else(|| n.as_f64().map(Atom::Float)),
            Value::Bool(b) => Some(Atom::Bool(*b)),
            _ => None,
        },
        FieldType::Date => match value {
            Value::Number(n) => integral(n).map(Atom::Int),
            Value::String(s) => date_seconds(s).map(Atom::Int),
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

/// Unix seconds of a date written as text: digits, or RFC 3339.
fn date_seconds(text: &str) -> Option<i64> {
    let text = text.trim();
    text.parse::<i64>()
        .ok()
        .or_else(|| text.parse::<jiff::Timestamp>().ok().map(|t| t.as_second()))
}

/// An object's place in the order of `ORDER BY` ([`sort_key`]): keys
/// compare in the order the objects are printed (the sort's direction
/// included, objects without a value last). Compare only keys of one sort.
#[derive(Debug, Clone)]
pub struct SortKey {
    /// The value sorted by; `None` when the object has none.
    value: Option<SortValue>,
    order: SortOrder,
}

/// A value of a sort field, as [`sort_key`] orders it.
#[derive(Debug, Clone)]
enum SortValue {
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
}

impl SortValue {
    fn of(atom: Atom<'_>) -> SortValue {
        match atom {
            Atom::Bool(b) => SortValue::Bool(b),
            Atom::Int(n) => SortValue::Int(n),
            Atom::Float(x) => SortValue::Float(x),
            Atom::Text(t) => SortValue::Text(t.into_owned()),
        }
    }

    /// Ascending: booleans, then numbers by value, then text by its bytes.
    fn cmp(&self, other: &SortValue) -> Ordering {
        use SortValue::{Bool, Float, Int, Text};
        let rank = |v: &SortValue| match v {
            Bool(_) => 0,
            Int(_) | Float(_) => 1,
            Text(_) => 2,
        };
        match (self, other) {
            (Bool(a), Bool(b)) => a.cmp(b),
            (Int(a), Int(b)) => a.cmp(b),
            (Float(a), Float(b)) => a.total_cmp(b),
            // A whole number and a decimal: by value, the whole number
            // first when they are equal as decimals.
            (Int(a), Float(b)) => (*a as f64).total_cmp(b).then(Ordering::Less),
            (Float(a), Int(b)) => a.total_cmp(&(*b as f64)).then(Ordering::Greater),
            (Text(a), Text(b)) => a.as_bytes().cmp(b.as_bytes()),
            (a, b) => rank(a).cmp(&rank(b)),
        }
    }
}

impl SortKey {
    /// The number of bytes the key holds beyond its own size (a text
    /// value), for bounding what a sort keeps in memory.
    pub fn heap_bytes(&self) -> usize {
        match &self.value {
            Some(SortValue::Text(t)) => t.capacity(),
            _ => 0,
        }
    }
}

impl Ord for SortKey {
    fn cmp(&self, other: &SortKey) -> Ordering {
        match (&self.value, &other.value) {
            (Some(a), Some(b)) => match self.order {
                SortOrder::Ascending => a.cmp(b),
                SortOrder::Descending => b.cmp(a),
            },
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        }
    }
}

impl PartialOrd for SortKey {
    fn partial_cmp(&self, other: &SortKey) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for SortKey {
    fn eq(&self, other: &SortKey) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for SortKey {}

/// Where `object` goes in the order `sort` asks for: sorting objects by
/// their keys (a stable sort) prints them as `ORDER BY` says (see the
/// module documentation).
///
/// ```
/// let compiler = qc::Settings::from_json(r#"{"target": "contacts", "api_version": "2.16"}"#)?.compiler()?;
/// let query = compiler.compile("role = user ORDER BY last_seen_at ASC")?.query;
/// let sort = query.sort.as_ref().expect("sorted");
/// let early = serde_json::json!({"last_seen_at": 1_700_000_000});
/// let late = serde_json::json!({"last_seen_at": 1_800_000_000});
/// let never = serde_json::json!({"last_seen_at": null});
/// let key = |o| qc::eval::sort_key(sort, o);
/// assert!(key(&early) < key(&late) && key(&late) < key(&never));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sort_key(sort: &Sort, object: &Value) -> SortKey {
    let values = field_values(&sort.field, object)
        .into_iter()
        .filter_map(|v| atom(sort.field.ty, v))
        .map(|a| SortValue::of(sent_form(&sort.field, a)));
    let value = match sort.order {
        SortOrder::Ascending => values.min_by(SortValue::cmp),
        SortOrder::Descending => values.max_by(SortValue::cmp),
    };
    SortKey {
        value,
        order: sort.order,
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
        ScalarValue::String(s) => Cow::Borrowed(s.as_str()),
        ScalarValue::Integer(n) | ScalarValue::Date(n) => Cow::Owned(n.to_string()),
        ScalarValue::Float(f) => Cow::Owned(f.to_string()),
        ScalarValue::Boolean(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
        ScalarValue::Null => Cow::Borrowed("null"),
    }
}

fn atom_text<'b>(a: &'b Atom<'_>) -> Cow<'b, str> {
    match a {
        Atom::Text(s) => Cow::Borrowed(s),
        Atom::Int(n) => Cow::Owned(n.to_string()),
        Atom::Float(f) => Cow::Owned(f.to_string()),
        Atom::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
    }
}

/// Orders a data value against a query value of the same kind; values of
/// different kinds are compared by their text. On day-matched fields,
/// dates compare by their calendar day in the zone.
fn compare(a: &Atom<'_>, v: &ScalarValue, order: &Order) -> Ordering {
    match (a, v) {
        (Atom::Int(x), ScalarValue::Date(y)) => match order {
            Order::Day(days) => days.day_of(*x).cmp(&days.day_of(*y)),
            _ => x.cmp(y),
        },
        (Atom::Int(x), ScalarValue::Integer(y)) => x.cmp(y),
        (Atom::Int(x), ScalarValue::Float(y)) => (*x as f64).total_cmp(y),
        (Atom::Float(x), ScalarValue::Float(y)) => x.total_cmp(y),
        (Atom::Float(x), ScalarValue::Integer(y) | ScalarValue::Date(y)) => {
            x.total_cmp(&(*y as f64))
        }
        (Atom::Bool(x), ScalarValue::Boolean(y)) => x.cmp(y),
        // A number or a date held as text by an attribute of unknown type:
        // compared as a number.
        (Atom::Text(x), ScalarValue::Date(y) | ScalarValue::Integer(y)) => {
            match (date_seconds(x), x.trim().parse::<f64>()) {
                (Some(x), _) => x.cmp(y),
                (None, Ok(x)) => x.total_cmp(&(*y as f64)),
                _ => x.as_ref().cmp(scalar_text(v).as_ref()),
            }
        }
        (Atom::Text(x), ScalarValue::Float(y)) => match x.trim().parse::<f64>() {
            Ok(x) => x.total_cmp(y),
            Err(_) => x.as_ref().cmp(scalar_text(v).as_ref()),
        },
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

/// True when one data value passes a positive operator, with the API's
/// meaning of `>`/`<` on the field.
fn test(op: Op, a: &Atom<'_>, value: &FilterValue, order: &Order) -> bool {
    let one = |f: &dyn Fn(&ScalarValue) -> bool| match value {
        FilterValue::One(v) => f(v),
        FilterValue::List(vs) => vs.iter().any(f),
    };
    let inclusive = *order == Order::Inclusive;
    match op {
        Op::Eq | Op::Ne | Op::In | Op::Nin => one(&|v| compare(a, v, order) == Ordering::Equal),
        Op::Gt if inclusive => one(&|v| compare(a, v, order) != Ordering::Less),
        Op::Lt if inclusive => one(&|v| compare(a, v, order) != Ordering::Greater),
        Op::Gt => one(&|v| compare(a, v, order) == Ordering::Greater),
        Op::Lt => one(&|v| compare(a, v, order) == Ordering::Less),
        Op::Ge => one(&|v| compare(a, v, order) != Ordering::Less),
        Op::Le => one(&|v| compare(a, v, order) != Ordering::Greater),
        Op::Contains | Op::NotContains => one(&|v| atom_text(a).contains(scalar_text(v).as_ref())),
        Op::StartsWith => one(&|v| atom_text(a).starts_with(scalar_text(v).as_ref())),
        Op::EndsWith => one(&|v| atom_text(a).ends_with(scalar_text(v).as_ref())),
    }
}

/// True when `object` matches one filter.
pub fn eval_filter(filter: &Filter, object: &Value) -> bool {
    let values = field_values(&filter.field, object);
    let (op, negative) = positive(filter.op);
    if let FilterValue::One(ScalarValue::Null) = filter.value {
        // `= null`: no value (of the field's type); `!= null`: some value.
        let present = values.iter().any(|v| atom(filter.field.ty, v).is_some());
        return present == negative;
    }
    let order = &filter.field.order;
    let any = if filter.field.matching == Matching::Words {
        body_matches(op, &values, &filter.value, order)
    } else {
        values
            .iter()
            .filter_map(|v| atom(filter.field.ty, v))
            .map(|a| sent_form(&filter.field, a))
            .any(|a| test(op, &a, &filter.value, order))
    };
    any != negative
}

/// A value of the data as the query's value is sent: a list option held
/// by its label is compared by its id.
fn sent_form<'a>(field: &FieldDef, a: Atom<'a>) -> Atom<'a> {
    match &a {
        Atom::Text(t) if !field.value_ids.is_empty() => match field.sent_value(t) {
            Some(id) if id != t.as_ref() => Atom::Text(Cow::Owned(id.to_owned())),
            _ => a,
        },
        _ => a,
    }
}

fn body_matches(op: Op, values: &[&Value], value: &FilterValue, order: &Order) -> bool {
    let value = match value {
        FilterValue::One(v) => FilterValue::One(body_value(op, v)),
        FilterValue::List(vs) => FilterValue::List(vs.iter().map(|v| body_value(op, v)).collect()),
    };
    values.iter().filter_map(|v| v.as_str()).any(|html| {
        let text = strip_html(html).to_lowercase();
        if matches!(op, Op::Eq | Op::In) {
            text.split_whitespace()
                .map(trim_word)
                .any(|w| test(op, &Atom::Text(Cow::Borrowed(w)), &value, order))
        } else {
            let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
            test(op, &Atom::Text(Cow::Owned(collapsed)), &value, order)
        }
    })
}

/// A query value for comparing with body text: lower case, and for word
/// comparisons trimmed like the body's words.
fn body_value(op: Op, v: &ScalarValue) -> ScalarValue {
    let lower = scalar_text(v).to_lowercase();
    if matches!(op, Op::Eq | Op::In) {
        ScalarValue::String(trim_word(&lower).into())
    } else {
        ScalarValue::String(lower.into())
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
