//! Whether a query fits the API's limits, and how large it is.

use super::budget::ApiLimits;
use crate::check::Node;

/// The most filters a query may hold for qc to try rewriting or planning
/// it: no request or plan of [`super::DEFAULT_MAX_REQUESTS`] holds more than 50 ×
/// 225 filters anyway, and larger queries are refused before any work.
pub const MAX_REWRITE_FILTERS: usize = 4096;

pub(super) fn filter_count(node: &Node) -> usize {
    let mut n = 0;
    node.for_each_filter(&mut |_| n += 1);
    n
}

/// True when the tree is within Intercom's limits (nesting and group
/// size): [`fits_within`] [`ApiLimits::INTERCOM`].
pub fn fits(root: &Node) -> bool {
    fits_within(root, &ApiLimits::INTERCOM)
}

/// True when the tree is within `limits`: no group deeper than
/// `max_nesting`, none with more than `max_group_members` members.
pub fn fits_within(root: &Node, limits: &ApiLimits) -> bool {
    fn at(node: &Node, level: usize, limits: &ApiLimits) -> bool {
        match node {
            Node::Filter(_) => true,
            Node::Group(g) => {
                level <= limits.max_nesting
                    && g.members.len() <= limits.max_group_members
                    && g.members.iter().all(|m| at(m, level + 1, limits))
            }
        }
    }
    at(root, 1, limits)
}
