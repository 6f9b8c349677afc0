//! The optimiser and the planner preserve meaning exactly: for generated
//! queries and generated conversations, the rewritten query, the fitted
//! query and the union of a plan's requests select exactly what the query
//! selects, and what they emit is within the API's limits.

use proptest::prelude::*;
use qc::check::Query;
use qc::optimise::{Settings, fit, fits, optimise, plan};
use serde_json::{Value, json};

/// A comparison on one of a few fields, with a few values, so that
/// generated queries share fields and values and the rewrites apply.
fn comparison() -> impl Strategy<Value = String> {
    prop_oneof![
        (0..3usize, any::<bool>()).prop_map(|(v, ne)| format!(
            "state {} {}",
            if ne { "!=" } else { "=" },
            ["open", "closed", "snoozed"][v]
        )),
        (0..6usize, 0..3usize).prop_map(|(v, op)| format!("tag_ids {} {v}", ["=", "!=", "="][op])),
        (0..6i64, 0..4usize).prop_map(|(n, op)| format!(
            "statistics.count_reopens {} {n}",
            [">", ">=", "<", "<="][op]
        )),
        any::<bool>().prop_map(|b| format!("read = {b}")),
        (0..3usize).prop_map(|v| format!("source.subject ~ {}", ["a", "b", "ab"][v])),
    ]
}

/// A query of nested AND/OR groups of those comparisons.
fn query() -> impl Strategy<Value = String> {
    let leaf = comparison();
    leaf.prop_recursive(4, 40, 6, |inner| {
        (any::<bool>(), prop::collection::vec(inner, 1..6)).prop_map(|(and, items)| {
            let op = if and { " AND " } else { " OR " };
            format!("({})", items.join(op))
        })
    })
}

fn conversation() -> impl Strategy<Value = Value> {
    (
        prop::option::of(0..3usize),
        prop::collection::vec(0..6u32, 0..3),
        prop::option::of(0..6i64),
        prop::option::of(any::<bool>()),
        prop::option::of(0..4usize),
    )
        .prop_map(|(state, tags, reopens, read, subject)| {
            let mut c = json!({
                "tags": {"type": "tag.list", "tags": tags.iter().map(|t| json!({"id": t.to_string()})).collect::<Vec<_>>()},
            });
            if let Some(s) = state {
                let state = ["open", "closed", "snoozed"][s];
                c["state"] = json!(state);
            }
            if let Some(n) = reopens {
                c["statistics"] = json!({"count_reopens": n});
            }
            if let Some(b) = read {
                c["read"] = json!(b);
            }
            if let Some(s) = subject {
                let subject = ["a", "b", "ab", "xyz"][s];
                c["source"] = json!({"subject": subject});
            }
            c
        })
}

fn compile(text: &str) -> Option<Query> {
    let options = qc::Options {
        now: Some(1_700_000_000),
        limits: qc::Limits::Ignore,
        ..qc::Options::default()
    };
    qc::compile(text, &options).ok().map(|c| c.query)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn rewrites_and_plans_select_exactly_the_query(
        text in query(),
        objects in prop::collection::vec(conversation(), 24),
    ) {
        let Some(q) = compile(&text) else {
            return Ok(());
        };
        let settings = Settings::default();
        let optimised = optimise(&q, &settings);
        let fitted = fit(&q, &settings).ok();
        if let Some((f, _)) = &fitted {
            prop_assert!(fits(&f.root), "fit gave a query over the limits: {text}");
        }
        let requests = plan(&q, &settings).map(|p| p.requests);
        if let Ok(requests) = &requests {
            for r in requests {
                prop_assert!(fits(&r.root), "a planned request is over the limits: {text}");
            }
        }
        for o in &objects {
            let want = qc::eval(&q, o);
            prop_assert_eq!(qc::eval(&optimised, o), want, "optimise changed the meaning of {} on {}", text, o);
            if let Some((f, _)) = &fitted {
                prop_assert_eq!(qc::eval(f, o), want, "fit changed the meaning of {} on {}", text, o);
            }
            if let Ok(requests) = &requests {
                let union = requests.iter().any(|r| qc::eval(r, o));
                prop_assert_eq!(union, want, "the plan's union differs from {} on {}", text, o);
            }
        }
    }
}

#[test]
fn over_the_limits_the_compiler_rewrites_and_says_so() {
    let ors: Vec<String> = (1..=20).map(|i| format!("tag_ids = {i}")).collect();
    let compiled = qc::compile(&ors.join(" OR "), &qc::Options::default()).expect("rewritten");
    assert_eq!(
        compiled.json()["query"]["operator"],
        "IN",
        "{}",
        compiled.to_json_string()
    );
    assert_eq!(compiled.warnings[0].code, qc::Code::Rewritten);

    let refused = qc::compile(
        &ors.join(" OR "),
        &qc::Options {
            limits: qc::Limits::Refuse,
            ..qc::Options::default()
        },
    )
    .unwrap_err();
    assert_eq!(refused.diagnostics()[0].code, qc::Code::GroupTooLarge);

    // A query that fits is emitted as written.
    let fits =
        qc::compile("state = open OR state = closed", &qc::Options::default()).expect("valid");
    assert!(fits.warnings.is_empty());
    assert_eq!(fits.json()["query"]["operator"], "OR");
}

#[test]
fn sixteen_comparisons_joined_by_and_nest() {
    let ands: Vec<String> = (1..=16)
        .map(|i| format!("source.subject !~ w{i}"))
        .collect();
    let compiled = qc::compile(&ands.join(" AND "), &qc::Options::default()).expect("rewritten");
    let top = compiled.json()["query"]["value"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(top.len() <= 15);
    assert!(top.iter().any(|m| m["operator"] == "AND"));
}

#[test]
fn factoring_fits_a_query_three_levels_deep() {
    let text = "(state = open AND read = false AND (source.subject ~ a OR source.subject ~ b)) OR (state = open AND read = false AND (source.subject ~ c OR source.subject ~ d))";
    let compiled = qc::compile(text, &qc::Options::default()).expect("factored");
    insta::assert_snapshot!(compiled.to_json_string(), @r#"{"query":{"operator":"AND","value":[{"field":"state","operator":"=","value":"open"},{"field":"read","operator":"=","value":false},{"operator":"OR","value":[{"field":"source.subject","operator":"~","value":"a"},{"field":"source.subject","operator":"~","value":"b"},{"field":"source.subject","operator":"~","value":"c"},{"field":"source.subject","operator":"~","value":"d"}]}]}}"#);
}

#[test]
fn a_query_no_request_can_hold_is_planned() {
    let text = "(state = open AND read = true AND (tag_ids = 1 OR source.subject ~ a)) OR (state = closed AND read = false AND (tag_ids = 2 OR source.subject ~ b))";
    let err = qc::compile(text, &qc::Options::default()).unwrap_err();
    let first = &err.diagnostics()[0];
    assert_eq!(first.code, qc::Code::NeedsPlan);
    assert!(first.message.contains("2 requests"), "{}", first.message);
    let compiler = qc::Compiler::new(qc::Schema::conversations(), qc::Options::default());
    let requests = compiler.plan(text, 50).expect("a plan");
    assert_eq!(requests.len(), 2);
    assert!(matches!(
        compiler.plan(text, 1),
        Err(qc::Error::Plan(qc::optimise::PlanError::TooManyRequests {
            max: 1
        }))
    ));
}
