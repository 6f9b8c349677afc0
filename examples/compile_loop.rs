//! Compiles one benchmark case N times, for instruction-count profiling:
//! `valgrind --tool=callgrind target/release/examples/compile_loop largest 100`.
//!
//! Cases: `design_card`, `medium`, `largest` (as in `benches/compile.rs`) and
//! `and` (the sweep's `and` input at 1 MB; `and=N` for N bytes).

use std::hint::black_box;

#[path = "../benches/cases/mod.rs"]
mod cases;

use cases::{DESIGN_CARD, MEDIUM, largest, repeat_to};

fn main() {
    let mut args = std::env::args().skip(1);
    let case = args.next().unwrap_or_else(|| "largest".to_owned());
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(100);
    let source = match case.as_str() {
        "design_card" => DESIGN_CARD.to_owned(),
        "medium" => MEDIUM.to_owned(),
        "and" => repeat_to(&format!("{MEDIUM} AND "), 1_000_000),
        c if c.starts_with("and=") => {
            let size = c["and=".len()..].parse().unwrap_or(1_000_000);
            repeat_to(&format!("{MEDIUM} AND "), size)
        }
        _ => largest(),
    };
    let options = qc::Options {
        now: Some(1_700_000_000),
        max_input_bytes: usize::MAX,
        ..qc::Options::default()
    };
    let mut ok = 0;
    let start = std::time::Instant::now();
    if args.next().as_deref() == Some("baseline") {
        let json = qc::compile(&source, &options)
            .map(|c| c.to_json_string())
            .unwrap_or_default();
        for _ in 0..n {
            let value: serde_json::Value =
                serde_json::from_str(black_box(&json)).unwrap_or_default();
            ok += black_box(serde_json::to_string(&value).unwrap_or_default()).len();
        }
        println!(
            "{case} baseline x{n}: {ok} bytes of JSON, {:.3} µs each",
            start.elapsed().as_secs_f64() * 1e6 / n.max(1) as f64
        );
        return;
    }
    for _ in 0..n {
        if let Ok(c) = qc::compile(black_box(&source), &options) {
            ok += black_box(c.to_json_string()).len();
        }
    }
    println!(
        "{case} x{n}: {ok} bytes of JSON, {:.3} µs each",
        start.elapsed().as_secs_f64() * 1e6 / n.max(1) as f64
    );
}
