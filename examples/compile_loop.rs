//! Compiles one benchmark case N times, for instruction-count profiling:
//! `valgrind --tool=callgrind target/release/examples/compile_loop largest 100`.
//!
//! Cases: `design_card`, `medium`, `largest` (as in `benches/compile.rs`) and
//! `and` (the sweep's `and` input at 1 MB).

use std::hint::black_box;

const DESIGN_CARD: &str = "state = open AND (priority = priority OR tag_ids IN [1, 2])";
const MEDIUM: &str = r#"created_at > 2024-01-01 AND updated_at < now-7d AND state IN [open, snoozed] AND NOT (source.author.email ~ "@example.com" OR source.subject ~ "Re:") AND (statistics.count_reopens > 2 OR priority = priority OR statistics.count_assignments < 5) AND read = false AND source.body ~ refund"#;

fn largest() -> String {
    let groups: Vec<String> = (0..15)
        .map(|g| {
            let items: Vec<String> = (0..15)
                .map(|i| match i % 5 {
                    0 => format!("source.subject ~ \"topic {g}-{i}\""),
                    1 => format!("statistics.count_reopens > {}", g * 15 + i),
                    2 => format!("created_at > 2024-{:02}-{:02}", g % 12 + 1, i + 1),
                    3 => format!("tag_ids IN [{g}, {i}, {}]", g * i),
                    _ => format!("source.author.email $ \"@example{g}.com\""),
                })
                .collect();
            format!("({})", items.join(" OR "))
        })
        .collect();
    groups.join(" AND ")
}

fn main() {
    let mut args = std::env::args().skip(1);
    let case = args.next().unwrap_or_else(|| "largest".to_owned());
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(100);
    let source = match case.as_str() {
        "design_card" => DESIGN_CARD.to_owned(),
        "medium" => MEDIUM.to_owned(),
        "and" => {
            let mut s = format!("{MEDIUM} AND ").repeat(1_000_000 / (MEDIUM.len() + 5) + 1);
            s.truncate(1_000_000);
            s
        }
        _ => largest(),
    };
    let options = qc::Options {
        now: Some(1_700_000_000),
        max_input_bytes: usize::MAX,
        ..qc::Options::default()
    };
    let mut ok = 0;
    if args.next().as_deref() == Some("baseline") {
        let json = qc::compile(&source, &options)
            .map(|c| c.to_json_string())
            .unwrap_or_default();
        for _ in 0..n {
            let value: serde_json::Value =
                serde_json::from_str(black_box(&json)).unwrap_or_default();
            ok += black_box(serde_json::to_string(&value).unwrap_or_default()).len();
        }
        println!("{case} baseline x{n}: {ok} bytes of JSON");
        return;
    }
    for _ in 0..n {
        if let Ok(c) = qc::compile(black_box(&source), &options) {
            ok += black_box(c.to_json_string()).len();
        }
    }
    println!("{case} x{n}: {ok} bytes of JSON");
}
