//! Plans: several requests whose union is exactly a query that no single
//! request can express (`qc plan`); and [`fit`], which falls back on a
//! plan of one request when simplifying and nesting are not enough.
//!
//! The query is split into alternatives whose union is the query: an OR
//! into its members, an AND holding an OR by distributing it (`a AND (b OR
//! c)` is `(a AND b) OR (a AND c)`), until each alternative fits. The
//! alternatives are then packed greedily into as few requests as fit, each
//! rewritten by [`fit`]. An AND that holds no OR and still does not
//! fit cannot be split: a union cannot narrow a result.

use super::fit::{MAX_REWRITE_FILTERS, filter_count, fit_local, fits};
use super::rewrite::{self, Rewrites, optimise};
use crate::check::{GroupOp, Node, Query};

pub use crate::options::DEFAULT_MAX_REQUESTS;

/// Why a query cannot be planned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// The plan would need more requests than allowed.
    #[error("the query needs more than {max} requests")]
    TooManyRequests {
        /// The bound.
        max: usize,
    },
    /// The query holds more filters than qc rewrites or plans.
    #[error("it holds {filters} filters; qc rewrites and plans queries of at most {max}")]
    TooLarge {
        /// Filters in the query.
        filters: usize,
        /// [`MAX_REWRITE_FILTERS`].
        max: usize,
    },
    /// An AND group too large for one request, with no OR to split on.
    #[error("an AND group too large for one request has no OR to split the query on")]
    CannotSplit,
}

/// The query rewritten only as far as needed to fit the API's limits, and
/// what was rewritten; `None` when no single request can express it
/// (see [`plan`]).
pub fn fit(query: &Query) -> Option<(Query, Rewrites)> {
    if let Some(found) = fit_local(query) {
        return Some(found);
    }
    // Distributing may bring the nesting down: a plan of one request.
    match plan_local(query, 1) {
        Ok(mut requests) if requests.len() == 1 => {
            let done = Rewrites {
                distributed: 1,
                ..Rewrites::default()
            };
            requests.pop().map(|q| (q, done))
        }
        _ => None,
    }
}

/// The requests whose union is exactly what `query` selects, each within
/// the API's limits and carrying the query's pagination; one request when
/// the query fits (after rewriting). At most `max` requests.
pub fn plan(query: &Query, max: usize) -> Result<Vec<Query>, PlanError> {
    if let Some((q, _)) = fit(query) {
        return Ok(vec![q]);
    }
    plan_local(query, max)
}

/// [`plan`] of a query that does not fit without distributing.
pub(super) fn plan_local(query: &Query, max: usize) -> Result<Vec<Query>, PlanError> {
    if let Some((q, _)) = fit_local(query) {
        return Ok(vec![q]);
    }
    let filters = filter_count(&query.root);
    if filters > MAX_REWRITE_FILTERS {
        return Err(PlanError::TooLarge {
            filters,
            max: MAX_REWRITE_FILTERS,
        });
    }
    let mut done = Rewrites::default();
    let root = rewrite::simplify(query.root.clone(), &mut done);
    // Alternatives are bounded so that a query that distributes into
    // millions fails fast instead of filling memory.
    let bound =
        max.saturating_mul(crate::check::MAX_GROUP_MEMBERS * crate::check::MAX_GROUP_MEMBERS);
    let mut parts = Vec::new();
    alternatives(root, bound, &mut parts)?;
    // Pack the alternatives greedily into OR groups that fit once long
    // groups are nested (each step costs the size of one request).
    let mut groups: Vec<Vec<Node>> = Vec::new();
    let mut current: Vec<Node> = Vec::new();
    for part in parts {
        current.push(part);
        if packed(&current).is_none() {
            let part = current.pop().ok_or(PlanError::CannotSplit)?;
            if current.is_empty() {
                return Err(PlanError::CannotSplit);
            }
            groups.push(std::mem::take(&mut current));
            if groups.len() >= max {
                return Err(PlanError::TooManyRequests { max });
            }
            current.push(part);
            if packed(&current).is_none() {
                return Err(PlanError::CannotSplit);
            }
        }
    }
    if !current.is_empty() {
        groups.push(current);
    }
    if groups.len() > max {
        return Err(PlanError::TooManyRequests { max });
    }
    groups
        .into_iter()
        .map(|members| {
            let root = packed(&members).ok_or(PlanError::CannotSplit)?;
            let query = Query {
                root,
                pagination: query.pagination.clone(),
            };
            // The request as a query of its own: simplified where that helps.
            Ok(match fit_local(&optimise_if_smaller(&query)) {
                Some((q, _)) => q,
                None => query,
            })
        })
        .collect()
}

/// The OR of `members`, nested to fit, or `None` when it cannot fit.
fn packed(members: &[Node]) -> Option<Node> {
    let span = members.first()?.span();
    let root = Node::group(GroupOp::Or, members.iter().cloned(), span)?;
    if fits(&root) {
        return Some(root);
    }
    let mut done = Rewrites::default();
    rewrite::nest(root, 1, &mut done).filter(fits)
}

fn optimise_if_smaller(query: &Query) -> Query {
    let simpler = optimise(query);
    if fits(&simpler.root) {
        simpler
    } else {
        query.clone()
    }
}

/// Splits `node` into alternatives that each fit one request.
fn alternatives(node: Node, bound: usize, out: &mut Vec<Node>) -> Result<(), PlanError> {
    if out.len() > bound {
        return Err(PlanError::TooManyRequests { max: bound });
    }
    if fits(&node)
        || fit_local(&Query {
            root: node.clone(),
            pagination: None,
        })
        .is_some()
    {
        out.push(node);
        return Ok(());
    }
    let Node::Group(g) = node else {
        out.push(node);
        return Ok(());
    };
    match g.op {
        GroupOp::Or => {
            for m in g.members {
                alternatives(m, bound, out)?;
            }
            Ok(())
        }
        GroupOp::And => {
            // Distribute over the OR member with the most members.
            let widest = g
                .members
                .iter()
                .enumerate()
                .filter_map(|(i, m)| match m {
                    Node::Group(o) if o.op == GroupOp::Or => Some((o.members.len(), i)),
                    _ => None,
                })
                .max()
                .map(|(_, i)| i)
                .ok_or(PlanError::CannotSplit)?;
            let mut rest = g.members;
            let Node::Group(or) = rest.remove(widest) else {
                return Err(PlanError::CannotSplit);
            };
            for branch in or.members {
                let mut members = rest.clone();
                members.push(branch);
                let mut done = Rewrites::default();
                if let Some(node) = Node::group(GroupOp::And, members, g.span) {
                    alternatives(rewrite::simplify(node, &mut done), bound, out)?;
                }
            }
            Ok(())
        }
    }
}
