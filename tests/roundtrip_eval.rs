//! `qc::eval` through the round trips: for random valid query texts `q`
//! and random conversations `c`,
//!
//! - `eval(compile(q), c) == eval(compile(decompile(compile(q))), c)`, with
//!   either date style, and also going through the JSON text and `validate`
//!   as `qc q | qc decompile` does;
//! - `eval(compile(q), c) == eval(compile(fmt(q)), c)`.
//!
//! The conversations are shaped like the reference's Conversation model and
//! draw their values from the pools the queries use, so that comparisons
//! match often; the test checks that a fair share of them do and a fair
//! share do not, so the property is not vacuous.

mod support;

use std::cell::Cell;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use qc::Op;
use qc::check::{Node, Query};
use qc::decompile::{DateStyle, decompile};
use qc::format::format_source;
use qc::schema::{FieldDef, FieldType, Matching};
use serde_json::{Map, Value, json};
use support::generate::{Choices, DATES, FIELDS, INTEGERS, TEXTS, options, query};

// ---- random conversations ----

/// A string from the pool: one text, two run together (for `~`, `^` and
/// `$`), or two with a space; a string of digits sometimes as a JSON number,
/// as the model writes some ids.
fn text(ch: &mut Choices<'_>) -> Value {
    let a = TEXTS[ch.pick(TEXTS.len())];
    let s = match ch.pick(6) {
        0 => format!("{a}{}", TEXTS[ch.pick(TEXTS.len())]),
        1 => format!("{} {a}", TEXTS[ch.pick(TEXTS.len())]),
        _ => a.to_owned(),
    };
    match s.parse::<i64>() {
        Ok(n) if ch.chance(2) => json!(n),
        _ => json!(s),
    }
}

/// A message body in HTML: words from the pool, some in tags, capitalised
/// or followed by punctuation.
fn body(ch: &mut Choices<'_>) -> Value {
    let words: Vec<String> = (0..1 + ch.pick(4))
        .map(|_| {
            let w = TEXTS[ch.pick(TEXTS.len())];
            match ch.pick(5) {
                0 => format!("<b>{w}</b>"),
                1 => format!("{w},"),
                2 => w.to_uppercase(),
                _ => w.to_owned(),
            }
        })
        .collect();
    json!(format!("<p>{}</p>", words.join(" ")))
}

/// A date near one the queries use (or anywhere), as a number, a string of
/// digits or RFC 3339 text.
fn date(ch: &mut Choices<'_>) -> Value {
    let near = DATES[ch.pick(DATES.len())].1;
    let secs = match ch.pick(6) {
        0 => near - 1,
        1 => near + 1,
        2 => near + 86_400,
        3 => ch.pick(2_000_000_000) as i64,
        _ => near,
    };
    match ch.pick(4) {
        0 => json!(secs.to_string()),
        1 => match jiff::Timestamp::from_second(secs) {
            Ok(t) => json!(t.to_string()),
            Err(_) => json!(secs),
        },
        _ => json!(secs),
    }
}

fn value(ch: &mut Choices<'_>, field: &FieldDef) -> Value {
    if field.is_enumerated() {
        if ch.chance(8) {
            return json!("other");
        }
        return json!(field.values[ch.pick(field.values.len())]);
    }
    match field.ty {
        FieldType::String if field.matching == Matching::Words => body(ch),
        FieldType::String => text(ch),
        FieldType::Integer => {
            let n = if ch.chance(4) {
                ch.pick(2001) as i64 - 1000
            } else {
                INTEGERS[ch.pick(INTEGERS.len())]
            };
            if ch.chance(6) {
                json!(n.to_string())
            } else {
                json!(n)
            }
        }
        FieldType::Boolean => match ch.pick(6) {
            0 => json!("true"),
            1 => json!("false"),
            n => json!(n % 2 == 0),
        },
        FieldType::Date => date(ch),
        FieldType::Float | FieldType::Any => unreachable!("no such built-in conversations field"),
    }
}

/// Puts `value` at a dotted `path`, making the objects on the way.
fn set(root: &mut Value, path: &str, value: Value) {
    let mut at = root;
    let mut keys = path.split('.').peekable();
    while let Some(key) = keys.next() {
        let Value::Object(map) = at else { return };
        if keys.peek().is_none() {
            map.insert(key.to_owned(), value);
            return;
        }
        at = map
            .entry(key.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}

/// A conversation with each search field absent, null or set, at one of
/// the paths its schema row says `qc::eval` reads it from:
/// `contacts.contacts[].id`, `tags.tags[].id` and the like for the id
/// lists, `conversation_rating.rating` or `.score`, and so on.
fn conversation(choices: &[u32]) -> Value {
    let mut ch = Choices::new(choices);
    let mut root = json!({"type": "conversation"});
    for field in FIELDS.iter() {
        let paths: Vec<String> = field.paths.iter().map(|p| p.to_string()).collect();
        let path: &str = &paths[ch.pick(paths.len())];
        match ch.pick(8) {
            0 => continue,
            1 => set(&mut root, path, Value::Null),
            // The id lists: many values each.
            _ if field.many => {
                let ids: Vec<Value> = (0..ch.pick(4)).map(|_| text(&mut ch)).collect();
                match path.strip_suffix(".id") {
                    Some(list) => {
                        let items = ids.into_iter().map(|id| json!({"id": id})).collect();
                        set(&mut root, list, Value::Array(items));
                    }
                    None => set(&mut root, path, Value::Array(ids)),
                }
            }
            _ => {
                let v = value(&mut ch, field);
                set(&mut root, path, v);
            }
        }
    }
    root
}

// ---- the property ----

fn compile(text: &str) -> Result<qc::Compiled, String> {
    qc::compile(text, &options()).map_err(|e| format!("{:?}", e.diagnostics()))
}

/// The query's filters, for counting how often each matches.
fn filters(node: &Node, out: &mut Vec<qc::check::Filter>) {
    match node {
        Node::Filter(f) => out.push(f.clone()),
        Node::Group(g) => g.members.iter().for_each(|m| filters(m, out)),
    }
}

/// The forms of `q` that must mean the same: its decompiled text (both date
/// styles), the decompiled text of its JSON after `validate`, and its
/// formatted text.
fn forms(q: &str, width: usize) -> Result<(Query, Vec<(String, Query)>), TestCaseError> {
    let compiled = compile(q).map_err(|e| TestCaseError::fail(format!("{q:?}: {e}")))?;
    let json = compiled.to_json_string();
    let validated = qc::check::validate(&json)
        .query
        .ok_or_else(|| TestCaseError::fail(format!("validate rejected {json}")))?;
    let formatted = format_source(q, width)
        .map_err(|d| TestCaseError::fail(format!("fmt failed on {q:?}: {d:?}")))?;
    let texts = [
        decompile(&compiled.query, DateStyle::Rfc3339),
        decompile(&compiled.query, DateStyle::Unix),
        decompile(&validated, DateStyle::Rfc3339),
        formatted,
    ];
    let mut out = Vec::new();
    for text in texts {
        let again =
            compile(&text).map_err(|e| TestCaseError::fail(format!("{q:?} -> {text:?}: {e}")))?;
        // compile(decompile(compile(q))) == compile(q), and the same for fmt.
        prop_assert_eq!(again.json(), compiled.json(), "{:?} -> {:?}", q, text);
        out.push((text, again.query));
    }
    Ok((compiled.query, out))
}

#[test]
fn eval_agrees_after_decompile_and_fmt() {
    const CONVERSATIONS: usize = 8;
    let matched = Cell::new(0usize);
    let pairs = Cell::new(0usize);
    let positive_matched = Cell::new(0usize);
    let positive = Cell::new(0usize);

    let mut runner = TestRunner::new(Config::with_cases(256));
    let strategy = (
        prop::collection::vec(any::<u32>(), 256),
        prop::collection::vec(prop::collection::vec(any::<u32>(), 400), CONVERSATIONS),
        10usize..120,
    );
    let result = runner.run(&strategy, |(query_choices, conversation_choices, width)| {
        let q = query(&query_choices);
        let (original, forms) = forms(&q, width)?;
        let mut leaves = Vec::new();
        filters(&original.root, &mut leaves);
        for choices in &conversation_choices {
            let c = conversation(choices);
            let want = qc::eval(&original, &c);
            for (text, form) in &forms {
                prop_assert_eq!(
                    qc::eval(form, &c),
                    want,
                    "{:?} and {:?} disagree on {}",
                    q,
                    text,
                    c
                );
            }
            pairs.set(pairs.get() + 1);
            matched.set(matched.get() + usize::from(want));
            for f in &leaves {
                let negative = matches!(f.op, Op::Ne | Op::Nin | Op::NotContains);
                if !negative {
                    positive.set(positive.get() + 1);
                    let hit = qc::eval::eval_filter(f, &c);
                    positive_matched.set(positive_matched.get() + usize::from(hit));
                }
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }

    // Not vacuous: whole queries match and fail to match in fair shares,
    // and comparisons with a positive operator (which a missing field never
    // satisfies) match often enough that the data is really being read.
    let (m, n) = (matched.get(), pairs.get());
    assert!(m * 5 > n && (n - m) * 5 > n, "{m} of {n} matched");
    let (pm, pn) = (positive_matched.get(), positive.get());
    assert!(pm * 12 > pn, "{pm} of {pn} positive comparisons matched");
}
