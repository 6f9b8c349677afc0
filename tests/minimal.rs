//! One request whenever one exists, and plans of the fewest requests,
//! against brute force.
//!
//! With small limits (2 levels of groups, 3 members a group) and queries
//! of up to 6 comparisons on 6 distinct fields (so that the comparisons
//! are independent: any of the 64 ways of making them true or false is a
//! real conversation), brute force enumerates every request body over
//! those comparisons that fits the limits, as the truth table of what it
//! selects (a `u64`, one bit for each of the 64 conversations). A query
//! that one of them selects exactly is one request in qc; otherwise qc's
//! plan has exactly as many requests as the smallest set of fitting bodies
//! whose union is the query. What qc emits is judged by evaluating it on
//! the 64 conversations, so its meaning is checked too.

use std::collections::HashSet;
use std::sync::OnceLock;

use proptest::prelude::*;
use qc::check::Query;
use qc::optimise::{ApiLimits, Settings, fits_within, plan};
use serde_json::{Value, json};

/// Six comparisons on six fields, each made true or false by one field of
/// a conversation.
const ATOMS: [&str; 6] = [
    "state = open",
    "read = true",
    "priority = priority",
    "statistics.count_reopens > 2",
    "source.subject ~ refund",
    "open = true",
];

const N: usize = ATOMS.len();

/// 2 levels, 3 members a group.
const SMALL: ApiLimits = ApiLimits {
    max_nesting: 2,
    max_group_members: 3,
};

/// The conversation where comparison `i` is true exactly when bit `i` of
/// `a` is set.
fn conversation(a: usize) -> Value {
    let on = |i: usize| a & (1 << i) != 0;
    json!({
        "state": if on(0) { "open" } else { "closed" },
        "read": on(1),
        "priority": if on(2) { "priority" } else { "not_priority" },
        "statistics": {"count_reopens": if on(3) { 5 } else { 0 }},
        "source": {"subject": if on(4) { "a refund please" } else { "hello" }},
        "open": on(5),
    })
}

fn conversations() -> &'static [Value] {
    static ALL: OnceLock<Vec<Value>> = OnceLock::new();
    ALL.get_or_init(|| (0..1 << N).map(conversation).collect())
}

/// What a query selects among the 64 conversations.
fn table(q: &Query) -> u64 {
    conversations()
        .iter()
        .enumerate()
        .filter(|(_, c)| qc::eval(q, c))
        .fold(0, |t, (a, _)| t | 1 << a)
}

/// The truth table of comparison `i`.
fn atom(i: usize) -> u64 {
    (0..1u64 << N)
        .filter(|a| a & (1 << i) != 0)
        .fold(0, |t, a| t | 1 << a)
}

/// The tables of every body that fits [`SMALL`]: a top group of at most 3
/// members, each a comparison, a group of the other operator of 2 or 3
/// comparisons, or one of the same operator (a sub-group that only
/// spreads the members).
fn bodies() -> &'static HashSet<u64> {
    static ALL: OnceLock<HashSet<u64>> = OnceLock::new();
    ALL.get_or_init(|| {
        let width = SMALL.max_group_members;
        // Every set of 1 to 3 comparisons.
        let mut sets: Vec<Vec<usize>> = Vec::new();
        for mask in 1usize..1 << N {
            if (mask.count_ones() as usize) <= width {
                sets.push((0..N).filter(|i| mask & (1 << i) != 0).collect());
            }
        }
        let and = |s: &[usize]| s.iter().fold(u64::MAX, |t, &i| t & atom(i));
        let or = |s: &[usize]| s.iter().fold(0, |t, &i| t | atom(i));
        let mut all = HashSet::new();
        for top_is_or in [true, false] {
            // The members a top group may hold.
            let mut members: Vec<u64> = Vec::new();
            for s in &sets {
                members.push(and(s));
                if s.len() > 1 {
                    members.push(or(s));
                }
            }
            members.sort_unstable();
            members.dedup();
            let join = |x: u64, y: u64| if top_is_or { x | y } else { x & y };
            for (i, &a) in members.iter().enumerate() {
                all.insert(a);
                for (j, &b) in members.iter().enumerate().skip(i) {
                    let ab = join(a, b);
                    all.insert(ab);
                    for &c in &members[j..] {
                        all.insert(join(ab, c));
                    }
                }
            }
        }
        all
    })
}

/// The fewest fitting bodies whose union is `f`.
fn fewest(f: u64) -> usize {
    // The bodies inside `f`, keeping only those no other one holds.
    let mut inside: Vec<u64> = bodies()
        .iter()
        .copied()
        .filter(|&g| g != 0 && g & !f == 0)
        .collect();
    inside.sort_unstable_by_key(|g| std::cmp::Reverse(g.count_ones()));
    let mut maximal: Vec<u64> = Vec::new();
    for g in inside {
        if !maximal.iter().any(|&m| g & !m == 0) {
            maximal.push(g);
        }
    }
    // Deepening search: the lowest conversation not yet covered must be
    // covered by one of the bodies that hold it.
    fn cover(left: u64, depth: usize, maximal: &[u64]) -> bool {
        if left == 0 {
            return true;
        }
        if depth == 0 {
            return false;
        }
        let low = left & left.wrapping_neg();
        maximal
            .iter()
            .filter(|&&g| g & low != 0)
            .any(|&g| cover(left & !g, depth - 1, maximal))
    }
    (1..).find(|&d| cover(f, d, &maximal)).unwrap_or(usize::MAX)
}

/// A query of 3 to 6 comparisons (most distinct, one may come back) in
/// groups that alternate AND and OR, 2 to 4 members each, as deep as they
/// go.
fn query() -> impl Strategy<Value = String> {
    (
        Just((0..N).collect::<Vec<usize>>()).prop_shuffle(),
        3..=N,
        prop::option::weighted(0.2, (0..N, 0..N)),
        prop::collection::vec(any::<u8>(), 12),
        any::<bool>(),
    )
        .prop_map(|(mut leaves, n, again, seeds, and)| {
            leaves.truncate(n);
            if let Some((from, to)) = again {
                leaves[to % n] = leaves[from % n];
            }
            build(&leaves, &mut seeds.into_iter(), and)
        })
}

fn build(leaves: &[usize], seeds: &mut impl Iterator<Item = u8>, and: bool) -> String {
    if let [one] = leaves {
        return ATOMS[*one].to_owned();
    }
    let s = usize::from(seeds.next().unwrap_or(0));
    let parts = (2 + s % 3).min(leaves.len());
    // Cut the leaves into `parts` runs, each of at least one.
    let mut cuts: Vec<usize> = Vec::new();
    let mut from = 0;
    for p in 0..parts - 1 {
        let room = leaves.len() - from - (parts - 1 - p);
        let len = 1 + usize::from(seeds.next().unwrap_or(0)) % room;
        from += len;
        cuts.push(from);
    }
    cuts.push(leaves.len());
    let mut start = 0;
    let members: Vec<String> = cuts
        .into_iter()
        .map(|end| {
            let m = build(&leaves[start..end], seeds, !and);
            start = end;
            m
        })
        .collect();
    format!("({})", members.join(if and { " AND " } else { " OR " }))
}

fn compile(text: &str) -> Query {
    let options = qc::Options {
        limits: qc::Limits::Ignore,
        ..qc::Options::default()
    };
    match qc::compile(text, &options) {
        Ok(c) => c.query,
        Err(e) => panic!("{text} does not compile: {e}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn one_request_whenever_one_exists_and_plans_are_minimal(text in query()) {
        let q = compile(&text);
        let f = table(&q);
        let settings = Settings {
            limits: SMALL,
            max_requests: 64,
            ..Settings::default()
        };
        let p = plan(&q, &settings);
        prop_assert!(p.is_ok(), "{} is not planned: {:?}", text, p);
        let p = p.unwrap_or_else(|_| unreachable!());
        let mut union = 0;
        for r in &p.requests {
            prop_assert!(fits_within(&r.root, &SMALL), "{}: {}", text, qc::emit(r));
            union |= table(r);
        }
        prop_assert_eq!(union, f, "the plan of {} selects something else", text);
        let want = if bodies().contains(&f) { 1 } else { fewest(f) };
        let got: Vec<String> = p.requests.iter().map(|r| qc::emit(r).to_string()).collect();
        prop_assert_eq!(
            p.requests.len(),
            want,
            "{}: qc plans {} requests ({}), brute force {}:\n{}",
            text,
            p.requests.len(),
            p.why,
            want,
            got.join("\n")
        );
    }
}

#[test]
fn the_conversations_make_each_comparison_true_or_false() {
    for (i, text) in ATOMS.iter().enumerate() {
        assert_eq!(table(&compile(text)), atom(i), "{text}");
    }
    // The enumeration holds the shapes it should, and not those it
    // should not: an OR of 4 comparisons fits as (a OR b OR (c OR d)),
    // an AND of ORs of 4 does not.
    let or4 = atom(0) | atom(1) | atom(2) | atom(3);
    assert!(bodies().contains(&or4));
    assert!(!bodies().contains(&(or4 & (atom(4) | atom(5)))));
    let wide = (atom(0) | atom(1) | atom(2) | atom(3)) & atom(4);
    assert!(!bodies().contains(&wide));
    assert_eq!(fewest(wide), 2);
}
