//! Results cut to what an assistant needs, so that a page of them fits a
//! context window: the `id`, a short summary of the object (a few keys
//! per target) and the value of every field the query names, read where
//! the evaluator reads it ([`crate::eval::field_values`]).

use serde_json::{Map, Value};

use crate::check::Query;
use crate::eval::field_values;
use crate::schema::FieldRef;
use crate::target::Target;

/// The longest text shown, in characters; longer text is cut with `…`.
pub const MAX_TEXT_CHARS: usize = 200;

/// The most items of a list shown; the rest are left out.
pub const MAX_LIST_ITEMS: usize = 20;

/// The keys of a target's objects that make its summary, as dotted paths.
pub fn summary(target: Target) -> &'static [&'static str] {
    match target {
        Target::Conversations => &[
            "title",
            "state",
            "priority",
            "created_at",
            "updated_at",
            "admin_assignee_id",
            "team_assignee_id",
        ],
        Target::Contacts => &["role", "name", "email", "created_at", "last_seen_at"],
        Target::Tickets => &[
            "ticket_id",
            "category",
            "ticket_state",
            "created_at",
            "updated_at",
            "admin_assignee_id",
            "team_assignee_id",
        ],
        Target::Companies => &[
            "name",
            "company_id",
            "created_at",
            "user_count",
            "monthly_spend",
        ],
    }
}

/// How the results of a search are cut.
#[derive(Debug, Clone)]
pub struct Projection {
    target: Target,
    /// The fields the query names, each once, in the order named (the
    /// sort field of `ORDER BY` last).
    fields: Vec<FieldRef>,
}

impl Projection {
    /// The projection of the results of `queries` (one, or a plan's) on
    /// `target`.
    pub fn new(target: Target, queries: &[Query]) -> Self {
        let mut fields: Vec<FieldRef> = Vec::new();
        let mut add = |field: &FieldRef| {
            if !fields.iter().any(|known| known.name == field.name) {
                fields.push(field.clone());
            }
        };
        for query in queries {
            query.root.for_each_filter(&mut |f| add(&f.field));
        }
        // The results come in its order: its value shows why.
        for sort in queries.iter().filter_map(|q| q.sort.as_ref()) {
            add(&sort.field);
        }
        Projection { target, fields }
    }

    /// `object` cut to its `id`, its summary and the fields of the query.
    pub fn apply(&self, object: &Value) -> Map<String, Value> {
        let mut out = Map::new();
        out.insert(
            "id".to_owned(),
            object.get("id").cloned().unwrap_or(Value::Null),
        );
        for key in summary(self.target) {
            let pointer = format!("/{}", key.replace('.', "/"));
            match object.pointer(&pointer) {
                None | Some(Value::Null) => {}
                Some(v) => {
                    out.insert((*key).to_owned(), shortened(v));
                }
            }
        }
        for field in &self.fields {
            if out.contains_key(field.name.as_ref()) {
                continue;
            }
            let values = field_values(field, object);
            let value = match values.as_slice() {
                [] => Value::Null,
                [one] => shortened(one),
                many => shortened(&Value::Array(many.iter().map(|v| (*v).clone()).collect())),
            };
            out.insert(field.name.to_string(), value);
        }
        out
    }
}

/// `value` with long text cut to [`MAX_TEXT_CHARS`] and long lists to
/// [`MAX_LIST_ITEMS`].
pub fn shortened(value: &Value) -> Value {
    match value {
        Value::String(s) => match s.char_indices().nth(MAX_TEXT_CHARS) {
            Some((at, _)) => Value::String(format!("{}…", &s[..at])),
            None => value.clone(),
        },
        Value::Array(items) => {
            Value::Array(items.iter().take(MAX_LIST_ITEMS).map(shortened).collect())
        }
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), shortened(v))).collect())
        }
        _ => value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn results_keep_the_id_the_summary_and_the_fields_named() {
        let compiler = crate::Settings::default().compiler().expect("defaults");
        let query = compiler
            .compile("tag_ids IN [7] AND source.author.email ~ example")
            .expect("valid")
            .query;
        let projection = Projection::new(Target::Conversations, &[query]);
        let conversation = json!({
            "type": "conversation",
            "id": "42",
            "title": "x".repeat(300),
            "state": "open",
            "priority": null,
            "statistics": {"count_reopens": 2},
            "tags": {"type": "tag.list", "tags": [{"id": "7"}, {"id": "9"}]},
            "source": {"author": {"email": "jane@example.com"}, "body": "long"}
        });
        let out = projection.apply(&conversation);
        let keys: Vec<&str> = out.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            ["id", "title", "state", "tag_ids", "source.author.email"]
        );
        assert_eq!(out["tag_ids"], json!(["7", "9"]));
        assert_eq!(out["source.author.email"], "jane@example.com");
        let title = out["title"].as_str().expect("text");
        assert_eq!(title.chars().count(), MAX_TEXT_CHARS + 1);
        assert!(title.ends_with('…'));
    }

    #[test]
    fn results_keep_the_sort_field() {
        let settings = crate::Settings {
            target: Some("contacts".to_owned()),
            api_version: Some("2.16".to_owned()),
            ..crate::Settings::default()
        };
        let compiler = settings.compiler().expect("contacts in 2.16");
        let query = compiler
            .compile("email ~ example ORDER BY last_seen_at ASC")
            .expect("valid")
            .query;
        let projection = Projection::new(Target::Contacts, &[query]);
        let out =
            projection.apply(&json!({"id": "1", "email": "a@example.com", "last_seen_at": 5}));
        assert_eq!(out["email"], "a@example.com");
        assert_eq!(out["last_seen_at"], 5);
    }

    #[test]
    fn a_field_without_a_value_is_null_and_lists_are_cut() {
        let long: Vec<Value> = (0..50).map(|i| json!(i)).collect();
        assert_eq!(
            shortened(&Value::Array(long)).as_array().map(Vec::len),
            Some(MAX_LIST_ITEMS)
        );
        let compiler = crate::Settings::default().compiler().expect("defaults");
        let query = compiler.compile("read = true").expect("valid").query;
        let out = Projection::new(Target::Conversations, &[query]).apply(&json!({"id": 1}));
        assert_eq!(Value::Object(out), json!({"id": 1, "read": null}));
    }
}
