//! Reading only what a query reads: [`super::Matcher`] parses each line into a
//! JSON value that holds the paths the query's fields are read at
//! ([`crate::schema::FieldDef::paths`]) and nothing else, so that
//! [`crate::eval()`] gives the same answer as on the whole line while the rest is
//! skipped without being built.
//!
//! Skipped parts are still read by serde_json's own parser, value by value
//! (strings as borrowed text, numbers as numbers), so a line is accepted or
//! refused, with the same message at the same column, exactly as when it is
//! parsed whole into a [`serde_json::Value`].

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::check::Query;

/// The paths a query reads, as a tree of object keys.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Paths {
    /// A path ends here: the whole value is kept.
    whole: bool,
    /// The keys paths go on through (few: a linear search is fastest).
    keys: Vec<(String, Paths)>,
}

impl Paths {
    /// Every path `query`'s filters and sort read: their fields', and the
    /// kind of object of fields that only some kinds hold (a ticket's
    /// type).
    pub fn of(query: &Query) -> Paths {
        let mut root = Paths::default();
        let sorted = query.sort.iter().map(|s| &s.field);
        let mut add = |field: &crate::schema::FieldDef| {
            let held = field.held_by.iter().flat_map(|h| &h.paths);
            for path in field.paths.iter().chain(held) {
                root.add(&path.0);
            }
        };
        query.root.for_each_filter(&mut |f| add(&f.field));
        sorted.for_each(|f| add(f));
        root
    }

    fn add(&mut self, path: &[Cow<'static, str>]) {
        let Some((head, rest)) = path.split_first() else {
            self.whole = true;
            return;
        };
        let i = match self.keys.iter().position(|(k, _)| k == head.as_ref()) {
            Some(i) => i,
            None => {
                self.keys.push((head.to_string(), Paths::default()));
                self.keys.len() - 1
            }
        };
        if let Some((_, child)) = self.keys.get_mut(i) {
            child.add(rest);
        }
    }

    fn child(&self, key: &str) -> Option<&Paths> {
        self.keys.iter().find(|(k, _)| k == key).map(|(_, p)| p)
    }
}

/// A value read from any deserializer (a line's JSON, or a binding's own
/// objects), keeping only `paths`.
pub fn project<'de, D: Deserializer<'de>>(d: D, paths: &Paths) -> Result<Value, D::Error> {
    Project(paths).deserialize(d)
}

/// Parses one line of JSON, keeping only `paths`: what
/// `serde_json::from_slice::<Value>` gives, pruned.
///
/// A line that is valid UTF-8 (checked at once, quickly) is read as text,
/// so that its strings are not checked again one by one; any other is read
/// as bytes, for serde_json's message about where it is not.
pub fn parse(bytes: &[u8], paths: &Paths) -> serde_json::Result<Value> {
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            let mut de = serde_json::Deserializer::from_str(text);
            let value = project(&mut de, paths)?;
            de.end()?;
            Ok(value)
        }
        Err(_) => {
            let mut de = serde_json::Deserializer::from_slice(bytes);
            let value = project(&mut de, paths)?;
            de.end()?;
            Ok(value)
        }
    }
}

/// A value read with the paths that go on from it.
struct Project<'p>(&'p Paths);

impl<'de> DeserializeSeed<'de> for Project<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        if self.0.whole {
            Value::deserialize(d)
        } else {
            d.deserialize_any(self)
        }
    }
}

impl<'de> Visitor<'de> for Project<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        // Arrays met on a path are walked into: each element is read with
        // the same paths.
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Project(self.0))? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(Key(key)) = map.next_key()? {
            match self.0.child(&key) {
                Some(paths) => {
                    let value = map.next_value_seed(Project(paths))?;
                    out.insert(key.into_owned(), value);
                }
                None => {
                    map.next_value::<Skip>()?;
                }
            }
        }
        Ok(Value::Object(out))
    }
}

/// An object key, borrowed from the line unless it has escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// A value that is read (so that it is checked as strictly as when it is
/// kept) and dropped: unlike `IgnoredAny`, numbers are converted (so one
/// out of range is an error) and strings are decoded as UTF-8.
struct Skip;

impl<'de> Deserialize<'de> for Skip {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Skip, D::Error> {
        d.deserialize_any(Skip)
    }
}

impl<'de> Visitor<'de> for Skip {
    type Value = Skip;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_str<E>(self, _: &str) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_unit<E>(self) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_none<E>(self) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Skip, D::Error> {
        Skip::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Skip, A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(Skip)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Skip, A::Error> {
        while map.next_key::<Skip>()?.is_some() {
            map.next_value::<Skip>()?;
        }
        Ok(Skip)
    }
}

#[cfg(test)]
mod tests {
    use super::{Paths, parse};

    fn paths(query: &str) -> Paths {
        let compiled =
            crate::compile(query, &crate::Options::default()).expect("the query compiles");
        Paths::of(&compiled.query)
    }

    #[test]
    fn keeps_what_the_query_reads() {
        let p = paths("state = open AND source.author.email $ acme.com AND tag_ids = 1");
        let line = br#"{"id":"1","state":"open","x":{"y":[1,2,{"z":"\u00e9"}]},"source":{"body":"b","author":{"email":"a@acme.com","id":7}},"tags":{"type":"tag.list","tags":[{"id":"1","name":"n"},{"id":"2"}]}}"#;
        let v = parse(line, &p).expect("parses");
        assert_eq!(
            v,
            serde_json::json!({
                "state": "open",
                "source": {"author": {"email": "a@acme.com"}},
                "tags": {"tags": [{"id": "1"}, {"id": "2"}]}
            })
        );
    }

    #[test]
    fn a_value_is_projected_as_its_text_is() {
        let p = paths("state = open AND source.author.email $ acme.com AND tag_ids = 1");
        let line = br#"{"id":"1","state":"open","x":[{"z":null}],"source":{"body":"b","author":{"email":"a@acme.com"}},"tags":{"tags":[{"id":"1","name":"n"}]}}"#;
        let whole: serde_json::Value = serde_json::from_slice(line).expect("valid JSON");
        let from_value = super::project(&whole, &p).expect("a value projects");
        assert_eq!(from_value, parse(line, &p).expect("parses"));
        assert_eq!(from_value.get("id"), None);
    }

    #[test]
    fn refuses_what_a_whole_parse_refuses_with_the_same_message() {
        let p = paths("state = open");
        for line in [
            &br#"{"state":"open","n":1e400}"#[..],
            br#"{"state":"open","s":"\ud800"}"#,
            b"{\"state\":\"open\",\"s\":\"\xff\"}",
            br#"{"state":"open","a":[1,]}"#,
            br#"{"state":"open"} x"#,
            br#"{"state":"open","#,
            br#"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"#,
        ] {
            let whole = serde_json::from_slice::<serde_json::Value>(line).map_err(|e| e.to_string());
            let pruned = parse(line, &p).map_err(|e| e.to_string());
            assert!(whole.is_err(), "{}", String::from_utf8_lossy(line));
            assert_eq!(pruned.err(), whole.err(), "{}", String::from_utf8_lossy(line));
        }
    }

    /// For every field of every target, a query that reads it gives the
    /// same answer on the pruned value as on the whole line.
    #[test]
    fn eval_agrees_with_the_whole_value() {
        let mut lines: Vec<String> = include_str!("../../examples/conversations.jsonl")
            .lines()
            .map(str::to_owned)
            .collect();
        let mut checked = 0;
        lines.push(r#"{"state":"open","tags":[{"tags":[{"id":"7"}]},null,{"tags":{"id":"7"}}],"contacts":{"contacts":[{"id":1},{"id":"c-1"}]},"ticket_attributes":{"a.b":"x"},"custom_attributes":{"x":[1,"2",null]}}"#.to_owned());
        for target in [
            crate::Target::Conversations,
            crate::Target::Contacts,
            crate::Target::Tickets,
        ] {
            let schema = std::sync::Arc::new(crate::Schema::builtin(target));
            let names: Vec<String> = schema.fields().map(|f| f.name.to_string()).collect();
            for name in names {
                let field = crate::syntax::lexical::field_text(&name);
                for query in [format!("{field} = null"), format!("{field} != null")] {
                    let compiler = crate::Compiler::new(schema.clone(), crate::Options::default());
                    let Ok(compiled) = compiler.compile(&query) else {
                        continue;
                    };
                    let p = Paths::of(&compiled.query);
                    checked += 1;
                    for line in &lines {
                        let whole: serde_json::Value =
                            serde_json::from_str(line).expect("the line parses");
                        let pruned = parse(line.as_bytes(), &p).expect("the line parses");
                        assert_eq!(
                            crate::eval(&compiled.query, &pruned),
                            crate::eval(&compiled.query, &whole),
                            "{target:?}: {query} on {line}"
                        );
                    }
                }
            }
        }
        assert!(checked > 100, "only {checked} queries compiled");
    }

    #[test]
    fn other_kinds_are_kept_as_they_are() {
        let p = paths("state = open");
        for line in ["[1,{\"a\":2}]", "\"s\"", "3", "null", "true"] {
            let v = parse(line.as_bytes(), &p).expect("parses");
            let whole: serde_json::Value = serde_json::from_str(line).expect("parses");
            assert_eq!(
                std::mem::discriminant(&v),
                std::mem::discriminant(&whole),
                "{line}"
            );
        }
    }
}
