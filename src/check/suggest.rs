//! "Did you mean ...?": the closest known name to a misspelt one.

/// The candidate closest to `input`, if it is close enough to be a likely
/// typo: at most one edit per three characters (at least one), comparing
/// without letter case and also against the last dotted segment
/// (`count_reopens` finds `statistics.count_reopens`).
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let input = input.to_lowercase();
    let limit = (input.chars().count() / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let whole = strsim::osa_distance(&input, &candidate.to_lowercase());
        let tail = candidate
            .rsplit_once('.')
            .map_or(usize::MAX, |(_, t)| strsim::osa_distance(&input, t));
        let d = whole.min(tail);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn finds_typos_and_ignores_strangers() {
        let fields = [
            "state",
            "open",
            "read",
            "statistics.count_reopens",
            "priority",
        ];
        assert_eq!(closest("stat", fields), Some("state"));
        assert_eq!(closest("priorty", fields), Some("priority"));
        assert_eq!(closest("State", fields), Some("state"));
        assert_eq!(
            closest("count_reopens", fields),
            Some("statistics.count_reopens")
        );
        assert_eq!(closest("xyzzy", fields), None);
        assert_eq!(closest("opne", ["open", "closed", "snoozed"]), Some("open"));
    }
}
