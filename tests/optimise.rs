//! The optimiser and the planner preserve meaning exactly: for generated
//! queries and generated conversations, the rewritten query, the fitted
//! query and the union of a plan's requests select exactly what the query
//! selects, and what they emit is within the API's limits. They work
//! within a budget of steps, and past it the answer is still exact.

use proptest::prelude::*;
use qc::check::Query;
use qc::optimise::{
    ApiLimits, Budget, PlanError, Settings, fit, fits, fits_within, optimise, plan,
};
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
fn a_query_whose_normal_form_fits_is_one_request() {
    // Three levels deep: its CNF is an AND of two ORs.
    let text = "state = open AND (read = false OR (priority = priority AND (statistics.count_reopens > 2 OR source.subject ~ refund)))";
    let compiled = qc::compile(text, &qc::Options::default()).expect("one request");
    assert_eq!(compiled.warnings[0].code, qc::Code::Rewritten);
    assert!(
        compiled.warnings[0].message.contains("its CNF"),
        "{}",
        compiled.warnings[0].message
    );
    insta::assert_snapshot!(compiled.to_json_string(), @r#"{"query":{"operator":"AND","value":[{"field":"state","operator":"=","value":"open"},{"operator":"OR","value":[{"field":"read","operator":"=","value":false},{"field":"priority","operator":"=","value":"priority"}]},{"operator":"OR","value":[{"field":"read","operator":"=","value":false},{"field":"statistics.count_reopens","operator":">","value":3},{"field":"source.subject","operator":"~","value":"refund"}]}]}}"#);
    // Two ORs of ANDs of an OR: its DNF is an OR of four ANDs.
    let text = "(state = open AND read = true AND (tag_ids = 1 OR source.subject ~ a)) OR (state = closed AND read = false AND (tag_ids = 2 OR source.subject ~ b))";
    let compiled = qc::compile(text, &qc::Options::default()).expect("one request");
    assert!(
        compiled.warnings[0].message.contains("its DNF"),
        "{}",
        compiled.warnings[0].message
    );
    let top = &compiled.json()["query"];
    assert_eq!(top["operator"], "OR");
    assert_eq!(top["value"].as_array().map(Vec::len), Some(4));
}

/// An OR of `n` `~` comparisons on `field`, which nothing folds.
fn wide_or(field: &str, n: usize) -> String {
    let members: Vec<String> = (0..n).map(|i| format!("{field} ~ w{i}")).collect();
    format!("({})", members.join(" OR "))
}

#[test]
fn an_and_of_ors_takes_one_request_per_choice_of_chunks() {
    // Two ORs of 16: 2 × 2 requests, each an AND of a chunk of 8 of each.
    let text = format!(
        "{} AND {}",
        wide_or("source.subject", 16),
        wide_or("source.body", 16)
    );
    let q = compile(&text).expect("valid");
    let p = plan(&q, &Settings::default()).expect("a plan");
    assert_eq!(p.requests.len(), 4, "{}", p.why);
    assert_eq!(
        p.why,
        "an AND of ORs with 2 ORs of 16 filters in 2 balanced chunks each, at most 15 filters a chunk, each request taking one chunk of each OR: 2 × 2 = 4 requests"
    );
    for r in &p.requests {
        let body = qc::emit(r);
        let ors = body["query"]["value"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let sizes: Vec<usize> = ors
            .iter()
            .map(|o| o["value"].as_array().map_or(0, Vec::len))
            .collect();
        assert_eq!(sizes, [8, 8], "{body}");
    }
    // Four such ORs: 16 requests, within the default 50.
    let four = [
        "source.subject",
        "source.body",
        "source.author.name",
        "source.author.email",
    ]
    .map(|f| wide_or(f, 16))
    .join(" AND ");
    let q = compile(&four).expect("valid");
    assert_eq!(
        plan(&q, &Settings::default()).map(|p| p.requests.len()),
        Ok(16)
    );
    // ORs of 16, 31 and 5: ⌈16/15⌉ × ⌈31/15⌉ × 1 = 6.
    let mixed = format!(
        "{} AND {} AND {}",
        wide_or("source.subject", 16),
        wide_or("source.body", 31),
        wide_or("source.author.name", 5)
    );
    let q = compile(&mixed).expect("valid");
    assert_eq!(
        plan(&q, &Settings::default()).map(|p| p.requests.len()),
        Ok(6)
    );
    // Fewer allowed: the error names the plan's size.
    let one = Settings {
        max_requests: 3,
        ..Settings::default()
    };
    let q = compile(&text).expect("valid");
    let err = plan(&q, &one).expect_err("4 > 3");
    assert_eq!(
        err,
        PlanError::TooManyRequests {
            max: 3,
            found: Some(4)
        }
    );
    assert_eq!(
        err.to_string(),
        "the smallest plan qc finds has 4 requests, more than the 3 allowed"
    );
    assert!(err.advice().contains("--max-plan"), "{}", err.advice());
}

#[test]
fn the_compiler_names_the_plan_and_the_flag() {
    let text = format!("state = open AND {}", wide_or("source.subject", 16));
    let err = qc::compile(&text, &qc::Options::default()).unwrap_err();
    let first = &err.diagnostics()[0];
    assert_eq!(first.code, qc::Code::NeedsPlan);
    assert!(
        first.message.contains("a plan of 2 requests"),
        "{}",
        first.message
    );
    assert!(
        first
            .help
            .as_deref()
            .unwrap_or_default()
            .contains("--max-plan"),
        "{:?}",
        first.help
    );
    let compiler = qc::Compiler::new(qc::Schema::conversations(), qc::Options::default());
    let planned = compiler.plan(&text).expect("a plan");
    assert_eq!(planned.requests.len(), 2);
    assert!(
        planned
            .note()
            .unwrap_or_default()
            .contains("16 filters in 2 balanced chunks"),
        "{:?}",
        planned.note()
    );
    let one = qc::Compiler::new(
        qc::Schema::conversations(),
        qc::Options {
            max_requests: 1,
            ..qc::Options::default()
        },
    );
    assert!(matches!(
        one.plan(&text),
        Err(qc::Error::Plan(PlanError::TooManyRequests {
            max: 1,
            found: Some(2)
        }))
    ));
}

/// Small limits, where more generated queries are over them: 2 levels, 3
/// members per group.
const SMALL: ApiLimits = ApiLimits {
    max_nesting: 2,
    max_group_members: 3,
};

/// The optimiser's settings for a property: the [`SMALL`] limits or
/// Intercom's, a budget of `steps`, and at most `max_requests` requests.
fn budgeted(small: bool, steps: u64, max_requests: usize) -> Settings {
    Settings {
        limits: if small { SMALL } else { ApiLimits::INTERCOM },
        budget: Budget::steps(steps),
        max_requests,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Whatever the budget (including none) and the limits, the answer is
    /// exact: requests within the limits whose union is the query, after
    /// spending no more than the budget; or an error, which names the
    /// budget when that is what ran out.
    #[test]
    fn within_any_budget_the_answer_is_exact(
        text in query(),
        objects in prop::collection::vec(conversation(), 24),
        steps in prop_oneof![0u64..50, 0u64..5_000],
        small in any::<bool>(),
        max_requests in 1usize..60,
    ) {
        let Some(q) = compile(&text) else {
            return Ok(());
        };
        let settings = budgeted(small, steps, max_requests);
        let optimised = optimise(&q, &settings);
        for o in &objects {
            prop_assert_eq!(qc::eval(&optimised, o), qc::eval(&q, o), "optimise within {} steps changed {}", steps, text);
        }
        match plan(&q, &settings) {
            Ok(p) => {
                prop_assert!(p.steps <= steps, "{} steps spent of {}", p.steps, steps);
                prop_assert!(!p.requests.is_empty() && p.requests.len() <= max_requests);
                for r in &p.requests {
                    prop_assert!(fits_within(&r.root, &settings.limits), "a request over {:?}: {}", settings.limits, text);
                }
                for o in &objects {
                    let union = p.requests.iter().any(|r| qc::eval(r, o));
                    prop_assert_eq!(union, qc::eval(&q, o), "the plan within {} steps differs from {} on {}", steps, text, o);
                }
            }
            Err(PlanError::Budget { steps: named }) => prop_assert_eq!(named, steps),
            Err(PlanError::TooManyRequests { max, .. }) => prop_assert_eq!(max, max_requests),
            Err(_) => {}
        }
    }

    /// An AND of many ORs of distinct comparisons (the shape whose plan
    /// doubles with every OR) costs steps in proportion to its size: it is
    /// refused for needing too many requests within a budget of 40 steps
    /// per comparison, never for the budget.
    #[test]
    fn an_and_of_many_ors_costs_steps_in_proportion_to_its_size(
        widths in prop::collection::vec(2usize..6, 30..400),
    ) {
        let text = and_of_ors(&widths);
        let q = compile(&text).expect("valid");
        let comparisons: usize = widths.iter().sum();
        let settings = Settings {
            budget: Budget::steps(40 * comparisons as u64),
            ..Settings::default()
        };
        prop_assert_eq!(
            plan(&q, &settings).map(|p| p.requests.len()),
            Err(PlanError::TooManyRequests { max: 50, found: None })
        );
    }
}

/// An AND of ORs of `widths[i]` distinct comparisons each.
fn and_of_ors(widths: &[usize]) -> String {
    widths
        .iter()
        .enumerate()
        .map(|(g, &w)| {
            let or: Vec<String> = (0..w)
                .map(|k| format!("source.subject ~ w{g}x{k}"))
                .collect();
            format!("({})", or.join(" OR "))
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

#[test]
fn five_hundred_or_groups_are_refused_at_once() {
    let q = compile(&and_of_ors(&[2; 500])).expect("valid");
    // The simplifications and the count that refuses it: a few thousand
    // steps, where the search the count spares would double 485 times.
    let settings = Settings {
        budget: Budget::steps(20_000),
        ..Settings::default()
    };
    assert_eq!(
        plan(&q, &settings).map(|p| p.requests.len()),
        Err(PlanError::TooManyRequests {
            max: 50,
            found: None
        })
    );
}

#[test]
fn a_spent_budget_is_named() {
    // ORs that share comparisons: no count can refuse them early.
    let chained: Vec<String> = (0..300)
        .map(|g| format!("(source.subject ~ w{g} OR source.subject ~ w{})", g + 1))
        .collect();
    let q = compile(&chained.join(" AND ")).expect("valid");
    let settings = Settings {
        budget: Budget::steps(1_000),
        ..Settings::default()
    };
    let err = plan(&q, &settings).expect_err("over the budget");
    assert_eq!(err, PlanError::Budget { steps: 1_000 });
    assert_eq!(
        err.to_string(),
        "the optimiser's budget of 1000 steps ran out before it found requests that fit"
    );
    // The default budget finishes it, one way or another, but not for
    // lack of budget.
    assert!(!matches!(
        plan(&q, &Settings::default()),
        Err(PlanError::Budget { .. })
    ));
}

#[test]
fn past_the_budget_a_simpler_request_is_still_exact() {
    let ors: Vec<String> = (1..=20).map(|i| format!("tag_ids = {i}")).collect();
    let q = compile(&ors.join(" OR ")).expect("valid");
    // With the budget, the equalities fold into one IN.
    let full = plan(&q, &Settings::default()).expect("one request");
    assert_eq!(full.requests.len(), 1);
    assert_eq!(full.rewrites.folded, 19);
    assert_eq!(qc::emit(&full.requests[0])["query"]["operator"], "IN");
    // With none, the OR is nested into sub-groups instead: simpler work,
    // the same meaning.
    let none = Settings {
        budget: Budget::steps(0),
        ..Settings::default()
    };
    let cheap = plan(&q, &none).expect("one request");
    assert_eq!((cheap.requests.len(), cheap.steps), (1, 0));
    assert_eq!(cheap.rewrites.folded, 0);
    assert!(cheap.rewrites.nested > 0, "{:?}", cheap.rewrites);
    assert!(fits(&cheap.requests[0].root));
    for tag in ["1", "7", "20", "21"] {
        let o = json!({"tags": {"type": "tag.list", "tags": [{"id": tag}]}});
        assert_eq!(
            qc::eval(&cheap.requests[0], &o),
            qc::eval(&q, &o),
            "tag {tag}"
        );
    }
}

#[test]
fn the_limits_are_settings() {
    let q = compile("state = open AND read = true AND tag_ids = 1 AND source.subject ~ a")
        .expect("valid");
    let small = Settings {
        limits: SMALL,
        ..Settings::default()
    };
    // Four members are over 3: nested into a sub-group.
    let (fitted, rewrites) = fit(&q, &small).expect("fits once nested");
    assert_eq!(rewrites.nested, 1);
    assert!(fits_within(&fitted.root, &SMALL));
    assert!(!fits_within(&q.root, &SMALL));
    // Under Intercom's limits it fits as written.
    assert_eq!(fit(&q, &Settings::default()).expect("fits").0, q);
    // One level only: no sub-group can hold the fourth.
    let flat = Settings {
        limits: ApiLimits {
            max_nesting: 1,
            max_group_members: 3,
        },
        ..Settings::default()
    };
    assert!(matches!(
        plan(&q, &flat),
        Err(PlanError::CannotSplit {
            filters: 4,
            most: 3,
            ..
        })
    ));
}

#[test]
fn the_advice_names_the_real_reason() {
    // An AND of 226 comparisons: more than 15 × 15, with no OR to split on.
    let ands: Vec<String> = (0..226)
        .map(|i| format!("source.subject !~ w{i}"))
        .collect();
    let q = compile(&ands.join(" AND ")).expect("valid");
    let err = plan(&q, &Settings::default()).expect_err("no plan");
    assert!(
        matches!(
            err,
            PlanError::CannotSplit {
                filters: 226,
                most: 225,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.advice().contains("--max-plan"), "{}", err.advice());
    assert!(
        err.advice().contains("at most 225 filters"),
        "{}",
        err.advice()
    );
    // Too many requests: the flag that allows more.
    let q = compile(&and_of_ors(&[2; 40])).expect("valid");
    let err = plan(&q, &Settings::default()).expect_err("no plan");
    // 13 of the ORs fill the slots a request has left once the other 27
    // are split into single filters (2 sub-groups of them): 2^27 requests.
    assert_eq!(
        err,
        PlanError::TooManyRequests {
            max: 50,
            found: Some(1 << 27)
        }
    );
    assert!(err.advice().contains("--max-plan"), "{}", err.advice());
}

/// The shapes whose normal forms grow fastest, over distinct comparisons
/// (`source.subject ~ x{n}y`: no token is part of another, so nothing
/// simplifies them away): an AND of ORs, whose DNF holds the product of
/// the ORs' widths; an OR of ANDs, the same for its CNF; three levels
/// that alternate; and ORs chained through shared comparisons, which no
/// count refuses early. The text, and how many tokens it uses.
fn growing() -> impl Strategy<Value = (String, usize)> {
    (0..4usize, 2..40usize, 2..6usize).prop_map(|(shape, groups, width)| {
        let mut next = 0;
        let mut token = || {
            next += 1;
            format!("source.subject ~ x{}y", next - 1)
        };
        let group = |members: Vec<String>, and: bool| {
            format!("({})", members.join(if and { " AND " } else { " OR " }))
        };
        let text = match shape {
            0 | 1 => {
                let and = shape == 0;
                let groups: Vec<String> = (0..groups)
                    .map(|_| group((0..width).map(|_| token()).collect(), !and))
                    .collect();
                group(groups, and)
            }
            2 => {
                let groups: Vec<String> = (0..groups)
                    .map(|_| {
                        let ors = (0..width).map(|_| group(vec![token(), token()], true));
                        group(ors.collect(), false)
                    })
                    .collect();
                group(groups, true)
            }
            _ => {
                let groups: Vec<String> = (0..groups)
                    .map(|g| {
                        group(
                            (g..g + width)
                                .map(|k| format!("source.subject ~ x{k}y"))
                                .collect(),
                            false,
                        )
                    })
                    .collect();
                next = groups.len() + width;
                group(groups, true)
            }
        };
        (text, next)
    })
}

/// A conversation whose subject holds some of the first `tokens` tokens,
/// chosen by `seed` (each with a chance of 1 to 8 in 8, also chosen by
/// `seed`, so that long ANDs and ORs are both true and false).
fn subject(seed: u64, tokens: usize) -> Value {
    let density = seed % 8 + 1;
    let words: Vec<String> = (0..tokens)
        .filter(|&n| {
            let mut x = seed ^ (n as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            x ^= x >> 31;
            x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
            x ^= x >> 29;
            x % 8 < density
        })
        .map(|n| format!("x{n}y"))
        .collect();
    json!({"source": {"subject": words.join(" ")}})
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// The work is bounded by the budget, counted in steps, on the shapes
    /// that grow fastest: a plan never spends more steps than it was
    /// given, and the answer is exact whatever the budget: requests that
    /// fit whose union is the query, or an error that names its reason
    /// (the budget, when that is what ran out). Through the compiler, the
    /// same query within the same budget is one request that fits and
    /// selects exactly what the query says, or E0203 saying why not.
    #[test]
    fn the_fastest_growing_shapes_stay_within_the_budget(
        (text, tokens) in growing(),
        seeds in prop::collection::vec(any::<u64>(), 24),
        steps in prop_oneof![0u64..300, 0u64..30_000],
        small in any::<bool>(),
        max_requests in 1usize..60,
    ) {
        let q = compile(&text).expect("the shapes are valid");
        let objects: Vec<Value> = seeds.iter().map(|&s| subject(s, tokens)).collect();
        let settings = budgeted(small, steps, max_requests);
        let optimised = optimise(&q, &settings);
        for o in &objects {
            prop_assert_eq!(qc::eval(&optimised, o), qc::eval(&q, o), "optimise changed {}", text);
        }
        match plan(&q, &settings) {
            Ok(p) => {
                prop_assert!(p.steps <= steps, "{} steps spent of {} on {}", p.steps, steps, text);
                prop_assert!(!p.requests.is_empty() && p.requests.len() <= max_requests);
                for r in &p.requests {
                    prop_assert!(fits_within(&r.root, &settings.limits), "a request over {:?}: {}", settings.limits, text);
                }
                for o in &objects {
                    let union = p.requests.iter().any(|r| qc::eval(r, o));
                    prop_assert_eq!(union, qc::eval(&q, o), "the plan of {} differs on {}", text, o);
                }
            }
            Err(PlanError::Budget { steps: named }) => prop_assert_eq!(named, steps),
            Err(PlanError::TooManyRequests { max, .. }) => prop_assert_eq!(max, max_requests),
            Err(PlanError::TooLarge { filters, max }) => prop_assert!(filters > max),
            Err(PlanError::CannotSplit { filters, most, .. }) => prop_assert!(filters > most),
        }
        let compiler = qc::Compiler::new(
            qc::Schema::conversations(),
            qc::Options {
                optimiser_steps: steps,
                max_requests,
                ..qc::Options::default()
            },
        );
        match compiler.compile(&text) {
            Ok(c) => {
                prop_assert!(fits(&c.query.root), "compiled over the limits: {}", text);
                for o in &objects {
                    prop_assert_eq!(qc::eval(&c.query, o), qc::eval(&q, o), "compiled {} differs on {}", text, o);
                }
            }
            Err(e) => {
                let first = e.diagnostics().first();
                prop_assert_eq!(first.map(|d| d.code.as_str()), Some("E0203"), "{}", e);
                let message = first.map(|d| d.message.as_str()).unwrap_or_default();
                let budget = format!("budget of {steps} steps ran out");
                // The budget, the requests it takes, or the filters no
                // request holds.
                prop_assert!(
                    message.contains(&budget) || message.contains("requests") || message.contains("filters"),
                    "E0203 without its reason: {}", message
                );
            }
        }
    }
}
