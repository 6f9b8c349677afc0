//! "Did you mean ...?": the closest known name to a misspelt one.

/// The candidate closest to `input`, if it is close enough to be a likely
/// typo: at most one edit per three characters (at least one), comparing
/// without letter case and also against the last dotted segment
/// (`count_reopens` finds `statistics.count_reopens`).
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    #[cfg(test)]
    searches::add();
    let input = input.to_lowercase();
    let len = input.chars().count();
    // One edit per three characters of the last dotted segment: a typo in
    // `custom_attributes.tier` is judged by `tier`, not by the prefix
    // every custom attribute shares.
    let tail_len = input.rsplit('.').next().map_or(len, |t| t.chars().count());
    let limit = (tail_len / 3).max(1);
    // The distance is at least the difference in length: skip candidates
    // that cannot be close, so a megabyte-long word costs O(length), not
    // O(length × candidate) per candidate.
    let distance = |other: &str| {
        if len.abs_diff(other.chars().count()) > limit {
            usize::MAX
        } else {
            strsim::osa_distance(&input, other)
        }
    };
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let whole = distance(&candidate.to_lowercase());
        let tail = candidate
            .rsplit_once('.')
            .map_or(usize::MAX, |(_, t)| distance(t));
        let d = whole.min(tail);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// How many times [`closest`] ran on this thread, for the tests that
/// show a query without errors looks for no "did you mean": it reads
/// every candidate. Counted in test builds only.
#[cfg(test)]
pub(crate) mod searches {
    use std::cell::Cell;

    thread_local! {
        static SEARCHES: Cell<u64> = const { Cell::new(0) };
    }

    /// Searches so far on this thread.
    pub(crate) fn so_far() -> u64 {
        SEARCHES.with(Cell::get)
    }

    pub(super) fn add() {
        SEARCHES.with(|s| s.set(s.get() + 1));
    }
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
