//! Whether a query fits the API's limits, and fitting it by simplifying
//! and nesting alone.

use super::rewrite::{self, Rewrites};
use crate::check::{Node, Query, check_limits};

/// The most filters a query may hold for qc to try rewriting or planning
/// it: the rewrites compare members pairwise, and no request or plan of
/// [`super::DEFAULT_MAX_REQUESTS`] holds more than 50 × 225 filters anyway.
pub const MAX_REWRITE_FILTERS: usize = 4096;

pub(super) fn filter_count(node: &Node) -> usize {
    let mut n = 0;
    node.for_each_filter(&mut |_| n += 1);
    n
}

/// True when the tree is within the API's limits (nesting and group size).
pub fn fits(root: &Node) -> bool {
    let mut found = Vec::new();
    check_limits(root, &mut found);
    found.is_empty()
}

/// [`super::fit`] without distributing: simplifying and nesting only.
pub(super) fn fit_local(query: &Query) -> Option<(Query, Rewrites)> {
    if fits(&query.root) {
        return Some((query.clone(), Rewrites::default()));
    }
    if filter_count(&query.root) > MAX_REWRITE_FILTERS {
        return None;
    }
    let mut done = Rewrites::default();
    let root = rewrite::simplify(query.root.clone(), &mut done);
    let root = if fits(&root) {
        root
    } else {
        let nested = rewrite::nest(root, 1, &mut done)?;
        if !fits(&nested) {
            return None;
        }
        nested
    };
    Some((
        Query {
            root,
            pagination: query.pagination.clone(),
        },
        done,
    ))
}
