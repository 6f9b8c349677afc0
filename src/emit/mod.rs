//! Checked query to the JSON body of `POST /conversations/search`.
//!
//! Output is deterministic: keys in the order `query`, `sort`,
//! `pagination` and `field`, `operator`, `value`; a single filter is
//! emitted bare, groups as `{"operator": "AND"|"OR", "value": [...]}`; a
//! sort as `{"field": NAME, "order": "ascending"|"descending"}`, its
//! order always written (a query without `ASC`/`DESC` asks for the API's
//! default, descending, and says so).
//!
//! Compact text is written directly (see [`emit_string`]); the indented
//! form and [`emit`] go through the types' `Serialize` implementations,
//! and a test checks that both give the same JSON.

use crate::check::{Filter, FilterValue, GroupOp, Node, Query, ScalarValue};
use crate::op::Op;
use crate::schema::Origin;

/// The request body as a JSON value.
pub fn emit(query: &Query) -> serde_json::Value {
    // Serialising these types cannot fail: every map key is a string.
    serde_json::to_value(query).unwrap_or(serde_json::Value::Null)
}

/// The request body as text: compact, or indented when `pretty`.
pub fn emit_string(query: &Query, pretty: bool) -> String {
    if !pretty {
        return compact(query);
    }
    serde_json::to_string_pretty(query).unwrap_or_else(|_| emit(query).to_string())
}

/// Bytes of compact JSON per filter, roughly: the output buffer is sized
/// once instead of growing by doubling.
const BYTES_PER_FILTER: usize = 64;

/// Compact JSON text, byte for byte what `serde_json::to_string(query)`
/// gives, written without serde: keys, field names and operators are
/// constants that need no escaping (a test checks the operators), strings
/// are copied when they need none, numbers are written by itoa (as serde_json
/// does), and the rest goes through serde_json.
fn compact(query: &Query) -> String {
    let mut out = String::with_capacity(filter_count(&query.root) * BYTES_PER_FILTER + 32);
    out.push_str("{\"query\":");
    write_node(&mut out, &query.root);
    if let Some(sort) = &query.sort {
        out.push_str(",\"sort\":{\"field\":");
        write_str(&mut out, &sort.field.name);
        out.push_str(",\"order\":\"");
        out.push_str(sort.order.as_str());
        out.push_str("\"}");
    }
    if let Some(p) = &query.pagination {
        out.push_str(",\"pagination\":");
        out.push_str(&serde_json::to_string(p).unwrap_or_default());
    }
    out.push('}');
    out
}

/// The filters of a tree.
fn filter_count(node: &Node) -> usize {
    match node {
        Node::Filter(_) => 1,
        Node::Group(g) => g.members.iter().map(filter_count).sum(),
    }
}

fn write_node(out: &mut String, node: &Node) {
    match node {
        Node::Filter(f) => write_filter(out, f),
        Node::Group(g) => {
            // Constants, each copied whole.
            match g.op {
                GroupOp::And => out.push_str(r#"{"operator":"AND","value":["#),
                GroupOp::Or => out.push_str(r#"{"operator":"OR","value":["#),
            }
            for (i, member) in g.members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_node(out, member);
            }
            out.push_str("]}");
        }
    }
}

/// A JSON string: copied between quotes when nothing in it needs
/// escaping (the usual case), else escaped by serde_json.
fn write_str(out: &mut String, s: &str) {
    if plain(s.as_bytes()) {
        out.reserve(s.len() + 2);
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        out.push_str(&serde_json::to_string(s).unwrap_or_default());
    }
}

/// True when no byte of `s` needs escaping in a JSON string (none below
/// 0x20, no `"`, no `\\`), read eight bytes at a time: for each of the
/// three tests, `(x - 0x01…01 × n) & !x & 0x80…80` is non-zero exactly when
/// some byte of `x` is below `n` (a byte equal to `c` is a zero in
/// `x ^ 0x01…01 × c`).
fn plain(s: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGH: u64 = ONES << 7;
    let below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x & HIGH;
    let special = |x: u64| {
        below(x, 0x20)
            | below(x ^ (ONES * u64::from(b'"')), 1)
            | below(x ^ (ONES * u64::from(b'\\')), 1)
    };
    let (chunks, rest) = s.as_chunks::<8>();
    if !chunks.iter().all(|&c| special(u64::from_ne_bytes(c)) == 0) {
        return false;
    }
    // The last eight bytes, read from the text itself (they overlap bytes
    // already read); a text shorter than that, a byte at a time.
    let last = s
        .len()
        .checked_sub(8)
        .and_then(|i| s.get(i..))
        .and_then(|t| <[u8; 8]>::try_from(t).ok());
    match last {
        _ if rest.is_empty() => true,
        Some(last) => special(u64::from_ne_bytes(last)) == 0,
        None => rest.iter().all(|&b| b >= 0x20 && b != b'"' && b != b'\\'),
    }
}

/// Writes `,"operator":"…","value":` for `op`, each a constant copied
/// whole (a test checks them against [`Op::as_str`]).
fn write_operator_then_value(out: &mut String, op: Op) {
    match op {
        Op::Eq => out.push_str(r#","operator":"=","value":"#),
        Op::Ne => out.push_str(r#","operator":"!=","value":"#),
        Op::Gt => out.push_str(r#","operator":">","value":"#),
        Op::Ge => out.push_str(r#","operator":">=","value":"#),
        Op::Lt => out.push_str(r#","operator":"<","value":"#),
        Op::Le => out.push_str(r#","operator":"<=","value":"#),
        Op::In => out.push_str(r#","operator":"IN","value":"#),
        Op::Nin => out.push_str(r#","operator":"NIN","value":"#),
        Op::Contains => out.push_str(r#","operator":"~","value":"#),
        Op::NotContains => out.push_str(r#","operator":"!~","value":"#),
        Op::StartsWith => out.push_str(r#","operator":"^","value":"#),
        Op::EndsWith => out.push_str(r#","operator":"$","value":"#),
    }
}

fn write_filter(out: &mut String, f: &Filter) {
    out.push_str("{\"field\":");
    if f.field.origin == Origin::Builtin {
        // The tables' names need no escaping (a test checks them all).
        out.reserve(f.field.name.len() + 2);
        out.push('"');
        out.push_str(&f.field.name);
        out.push('"');
    } else {
        // A workspace attribute's name may hold anything.
        write_str(out, &f.field.name);
    }
    write_operator_then_value(out, f.op);
    match &f.value {
        FilterValue::One(v) => write_scalar(out, v),
        FilterValue::List(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_scalar(out, v);
            }
            out.push(']');
        }
    }
    out.push('}');
}

fn write_scalar(out: &mut String, v: &ScalarValue) {
    match v {
        ScalarValue::String(s) => write_str(out, s),
        ScalarValue::Integer(n) => out.push_str(itoa::Buffer::new().format(*n)),
        ScalarValue::Boolean(b) => out.push_str(if *b { "true" } else { "false" }),
        ScalarValue::Float(f) => out.push_str(&serde_json::to_string(f).unwrap_or_default()),
        ScalarValue::Null => out.push_str("null"),
        ScalarValue::Date(n) => {
            // Unix seconds as a string, as `ScalarValue`'s `Serialize` does.
            out.push('"');
            out.push_str(itoa::Buffer::new().format(*n));
            out.push('"');
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::op::Op;

    proptest::proptest! {
        /// Eight bytes at a time, `plain` says what a byte-by-byte test
        /// says, and `write_str` writes what serde_json writes.
        #[test]
        fn plain_agrees_with_bytes(
            s in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(vec![0u8, 0x1f, 0x20, b'"', b'\\', 0x7f, 0x80, 0xa2, 0xff]),
                    proptest::num::u8::ANY,
                ],
                0..40,
            )
        ) {
            let bytewise = s.iter().all(|&b| b >= 0x20 && b != b'"' && b != b'\\');
            proptest::prop_assert_eq!(super::plain(&s), bytewise);
            let text = String::from_utf8_lossy(&s);
            let mut out = String::new();
            super::write_str(&mut out, &text);
            proptest::prop_assert_eq!(out, serde_json::to_string(&text).unwrap());
        }
    }

    #[test]
    fn operator_then_value_spells_each_operator() {
        for &op in Op::ALL {
            let want = format!(",\"operator\":\"{}\",\"value\":", op.as_str());
            let mut out = String::new();
            super::write_operator_then_value(&mut out, op);
            assert_eq!(out, want);
        }
    }

    /// The compact writer copies built-in field names without escaping.
    #[test]
    fn builtin_names_need_no_escaping() {
        for target in crate::Target::ALL {
            for version in crate::schema::versions_of(target) {
                let schema = crate::Schema::for_version_with_zone(target, version, None, &[])
                    .expect("a version that searches the target");
                for field in schema.fields() {
                    assert!(
                        super::plain(field.name.as_bytes()),
                        "{target} {version} {}",
                        field.name
                    );
                }
            }
        }
    }

    /// The compact writer copies these without escaping.
    #[test]
    fn operators_need_no_escaping() {
        let ops = Op::ALL.iter().map(|o| o.as_str());
        for s in ops.chain(["AND", "OR"]) {
            assert_eq!(serde_json::to_string(s).unwrap(), format!("\"{s}\""));
        }
    }

    /// The compact writer gives what serde_json gives for the same query.
    #[test]
    fn compact_text_matches_serde() {
        let options = crate::Options {
            now: Some(1_700_000_000),
            pagination: Some(crate::check::Pagination {
                per_page: 5,
                starting_after: Some("a\"b".to_owned()),
            }),
            ..crate::Options::default()
        };
        for source in [
            "state = open",
            r#"state = open AND (priority = priority OR tag_ids IN [1, "x\"\\y\n"]) AND NOT read = true"#,
            "created_at > 2024-01-01 AND statistics.count_reopens < -3 AND source.subject ~ \"\u{e9}\u{1}\"",
            "NOT (state IN [open, closed] AND updated_at < now-7d) OR contact_ids NIN [a, b]",
        ] {
            let compiled = crate::compile(source, &options).expect(source);
            assert_eq!(
                super::compact(&compiled.query),
                serde_json::to_string(&compiled.query).unwrap(),
                "{source}"
            );
            let no_page = crate::check::Query {
                pagination: None,
                ..compiled.query
            };
            assert_eq!(
                super::compact(&no_page),
                serde_json::to_string(&no_page).unwrap()
            );
        }
        // A sort, between the query and the pagination; a field name that
        // needs escaping.
        let contacts = crate::Schema::for_version_with_zone(
            crate::Target::Contacts,
            crate::target::ApiVersion::Preview,
            None,
            &[],
        )
        .expect("contacts in Preview");
        let compiler = crate::Compiler::new(std::sync::Arc::new(contacts), options);
        for source in [
            "role = user ORDER BY created_at ASC",
            "role = user order by 'custom_attributes.a \\\"b\\\"'",
        ] {
            let compiled = compiler.compile(source).expect(source);
            let text = super::compact(&compiled.query);
            assert_eq!(text, serde_json::to_string(&compiled.query).unwrap());
            let sort = text.find(",\"sort\":").expect("a sort");
            let page = text.find(",\"pagination\":").expect("pagination");
            assert!(sort < page, "{text}");
        }
    }
}
