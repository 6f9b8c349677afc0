//! The benchmark inputs, shared by `benches/compile.rs` and
//! `examples/compile_loop.rs` (the callgrind driver).
#![allow(dead_code)]

/// The design card's query.
pub const DESIGN_CARD: &str = "state = open AND (priority = priority OR tag_ids IN [1, 2])";

/// Ten comparisons over dates, integers and strings, a NOT and two groups.
pub const MEDIUM: &str = r#"created_at > 2024-01-01 AND updated_at < now-7d AND state IN [open, snoozed] AND NOT (source.author.email ~ "@example.com" OR source.subject ~ "Re:") AND (statistics.count_reopens > 2 OR priority = priority OR statistics.count_assignments < 5) AND read = false AND source.body ~ refund"#;

/// The largest query the API allows: an AND of 15 groups, each an OR of 15
/// comparisons (225 filters), mixing strings, integers, dates and lists.
pub fn largest() -> String {
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

/// `unit` repeated and cut to `size` bytes.
pub fn repeat_to(unit: &str, size: usize) -> String {
    let mut s = unit.repeat(size / unit.len() + 1);
    s.truncate(size);
    s
}
