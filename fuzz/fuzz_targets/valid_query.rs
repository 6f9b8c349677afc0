//! Structure-aware: builds valid queries within the API's limits from the
//! field table, and asserts that they compile and that the JSON obeys the
//! limits and the operator/type table.
#![no_main]

use std::sync::LazyLock;

use arbitrary::{Arbitrary, Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use qc::Op;
use qc::check::{MAX_GROUP_MEMBERS, MAX_NESTING};
use qc::schema::{FieldDef, FieldType, Schema};
use qc::syntax::OpSpelling;
use qc::syntax::lexical::write_value;
use serde_json::Value as Json;

/// The built-in conversations schema, leaked so that its rows are
/// `'static`.
static SCHEMA: LazyLock<&'static Schema> =
    LazyLock::new(|| Box::leak(Box::new(Schema::builtin(qc::Target::Conversations))));

/// Its rows, in the reference's order.
static FIELDS: LazyLock<Vec<&'static FieldDef>> = LazyLock::new(|| SCHEMA.fields().collect());

/// One comparison: a field, one of its operators, fitting values.
#[derive(Debug)]
struct Comparison {
    field: &'static FieldDef,
    spelling: OpSpelling,
    values: Vec<String>,
    negated: bool,
}

/// A member of the top-level group: a comparison or a parenthesised group.
#[derive(Debug)]
enum Member {
    Compare(Comparison),
    /// A group of the other operator (after NOT elimination), 2..=15 members.
    Group {
        negated: bool,
        items: Vec<Comparison>,
    },
}

#[derive(Debug)]
struct Query {
    top_and: bool,
    members: Vec<Member>,
}

fn spellings_of(op: Op) -> Vec<OpSpelling> {
    OpSpelling::ALL
        .iter()
        .copied()
        .filter(|s| s.op() == op)
        .collect()
}

fn value_for(u: &mut Unstructured, field: &FieldDef, op: Op) -> Result<String> {
    if field.is_enumerated() {
        return Ok(u.choose(&field.values)?.to_string());
    }
    Ok(match field.ty {
        FieldType::String => {
            let s: String = u.arbitrary()?;
            // `^`, `$`, `~` and friends on empty text are still valid; keep any string.
            s
        }
        FieldType::Integer => {
            let n: i64 = u.int_in_range(-1_000_000_000_000..=1_000_000_000_000)?;
            n.to_string()
        }
        FieldType::Boolean => u.choose(&["true", "false", "TRUE", "False"])?.to_string(),
        FieldType::Date => match u.int_in_range(0..=1u8)? {
            0 => u.int_in_range(0i64..=4_000_000_000)?.to_string(),
            _ => format!(
                "{:04}-{:02}-{:02}",
                u.int_in_range(1970..=2100)?,
                u.int_in_range(1..=12)?,
                u.int_in_range(1..=28)?
            ),
        },
        FieldType::Float | FieldType::Any => unreachable!("no such built-in conversations field"),
    })
    .map(|v| {
        let _ = op;
        v
    })
}

fn comparison(u: &mut Unstructured, negatable: bool) -> Result<Comparison> {
    let field: &'static FieldDef = u.choose(&FIELDS)?;
    let ops: Vec<Op> = field
        .operators()
        .iter()
        .filter(|op| !negatable || !matches!(op, Op::StartsWith | Op::EndsWith))
        .collect();
    let op = *u.choose(&ops)?;
    let spelling = *u.choose(&spellings_of(op))?;
    let count = if op.takes_list() {
        u.int_in_range(1..=5)?
    } else {
        1
    };
    let mut values = Vec::with_capacity(count);
    for _ in 0..count {
        values.push(value_for(u, field, op)?);
    }
    let can_not = !matches!(op, Op::StartsWith | Op::EndsWith);
    Ok(Comparison {
        field,
        spelling,
        values,
        negated: can_not && u.arbitrary()?,
    })
}

impl<'a> Arbitrary<'a> for Query {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let top_and = u.arbitrary()?;
        let n = u.int_in_range(1..=MAX_GROUP_MEMBERS)?;
        let mut members = Vec::with_capacity(n);
        for _ in 0..n {
            if n > 1 && u.ratio(1, 3)? {
                let negated: bool = u.arbitrary()?;
                let k = u.int_in_range(2..=MAX_GROUP_MEMBERS)?;
                let mut items = Vec::with_capacity(k);
                for _ in 0..k {
                    items.push(comparison(u, negated)?);
                }
                members.push(Member::Group { negated, items });
            } else {
                members.push(Member::Compare(comparison(u, false)?));
            }
        }
        Ok(Query { top_and, members })
    }
}

fn write_comparison(out: &mut String, c: &Comparison) {
    if c.negated {
        out.push_str("NOT ");
    }
    out.push_str(&c.field.name);
    out.push(' ');
    out.push_str(c.spelling.as_str());
    out.push(' ');
    if c.spelling.op().takes_list() {
        out.push('[');
        for (i, v) in c.values.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            let _ = write_value(out, v);
        }
        out.push(']');
    } else {
        let _ = write_value(out, &c.values[0]);
    }
}

fn render(q: &Query) -> String {
    let top = if q.top_and { " AND " } else { " OR " };
    let mut out = String::new();
    for (i, m) in q.members.iter().enumerate() {
        if i > 0 {
            out.push_str(top);
        }
        match m {
            Member::Compare(c) => write_comparison(&mut out, c),
            Member::Group { negated, items } => {
                // Written with the top operator under NOT (De Morgan flips
                // it), else with the other one: never flattened into the top.
                let inner = match (*negated, q.top_and) {
                    (true, true) | (false, false) => " AND ",
                    _ => " OR ",
                };
                if *negated {
                    out.push_str("NOT ");
                }
                out.push('(');
                for (j, c) in items.iter().enumerate() {
                    if j > 0 {
                        out.push_str(inner);
                    }
                    write_comparison(&mut out, c);
                }
                out.push(')');
            }
        }
    }
    out
}

/// Checks a node of the emitted JSON: limits, field table, operator and types.
fn check_node(node: &Json, level: usize, filters: &mut usize) {
    let obj = node.as_object().expect("a node is an object");
    let op = obj["operator"].as_str().expect("operator is a string");
    if let Some(field) = obj.get("field") {
        *filters += 1;
        let name = field.as_str().expect("field is a string");
        let def = SCHEMA.field(name).expect("a known field");
        let op = Op::from_api(op).expect("a known operator");
        // The API's operators: conversations' `>`/`<` include the bound.
        assert!(def.api_ops.contains(op), "{name} does not take {op:?}");
        let value = &obj["value"];
        let scalars: Vec<&Json> = if op.takes_list() {
            let list = value.as_array().expect("IN/NIN take an array");
            assert!(!list.is_empty());
            list.iter().collect()
        } else {
            vec![value]
        };
        for v in scalars {
            match def.ty {
                FieldType::String => {
                    let s = v.as_str().expect("a String field takes a string");
                    assert!(def.accepts_value(s), "{s} not allowed for {name}");
                }
                FieldType::Integer => assert!(v.is_i64(), "{v} for Integer {name}"),
                FieldType::Boolean => assert!(v.is_boolean(), "{v} for Boolean {name}"),
                FieldType::Date => {
                    let s = v.as_str().expect("dates are strings");
                    assert!(s.parse::<i64>().is_ok(), "{s} is not unix seconds");
                }
                FieldType::Float | FieldType::Any => {
                    unreachable!("no such built-in conversations field")
                }
            }
        }
    } else {
        assert!(op == "AND" || op == "OR", "group operator {op}");
        assert!(level <= MAX_NESTING, "group at level {level}");
        let members = obj["value"].as_array().expect("group value is an array");
        assert!(
            (2..=MAX_GROUP_MEMBERS).contains(&members.len()),
            "group of {}",
            members.len()
        );
        for m in members {
            if m.get("field").is_none() {
                let inner = m["operator"].as_str().expect("operator");
                assert_ne!(inner, op, "same-operator groups are flattened");
            }
            check_node(m, level + 1, filters);
        }
    }
}

fuzz_target!(|query: Query| {
    let text = render(&query);
    let options = qc::Options {
        now: Some(1_700_000_000),
        ..qc::Options::default()
    };
    let compiled = match qc::compile(&text, &options) {
        Ok(c) => c,
        Err(e) => panic!("valid query rejected: {text}\n{:#?}", e.diagnostics()),
    };
    let json: Json = serde_json::from_str(&compiled.to_json_string()).expect("JSON");
    let mut filters = 0;
    check_node(&json["query"], 1, &mut filters);
    let written: usize = query
        .members
        .iter()
        .map(|m| match m {
            Member::Compare(_) => 1,
            Member::Group { items, .. } => items.len(),
        })
        .sum();
    assert_eq!(
        filters, written,
        "every comparison becomes one filter: {text}"
    );
    // The canonical printer's output compiles to the same JSON.
    let reparsed = qc::parse(&text).ast.to_string();
    let again = qc::compile(&reparsed, &options).expect("printed query compiles");
    assert_eq!(
        again.to_json_string(),
        compiled.to_json_string(),
        "{text}\n{reparsed}"
    );
});
