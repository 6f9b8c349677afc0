//! Fitting the API's limits: meaning-preserving rewrites of a checked
//! query ([`optimise`], [`fit`]), and plans of several requests whose union
//! is the query ([`plan`]).
//!
//! The rewrites, each exact:
//!
//! - equalities on one field in an OR fold into `IN`, and `!=` in an AND
//!   into `NIN` (where the target has them), and lists merge without
//!   duplicates;
//! - a member that appears twice is kept once, and absorbed members go:
//!   `a OR (a AND b)` is `a`, `a AND (a OR b)` is `a`;
//! - members common to every branch are factored out: `(a AND b) OR (a AND
//!   c)` is `a AND (b OR c)`, and the dual;
//! - redundant bounds collapse: `x > 5 AND x > 7` is `x > 7`, `x > 5 OR
//!   x > 7` is `x > 5`;
//! - a group of more than 15 filters is nested into sub-groups of the same
//!   operator, up to 15 × 15.
//!
//! [`fit`] rewrites only as far as needed: a query that fits is returned
//! as it is.

mod plan;
mod rewrite;

pub use plan::{DEFAULT_MAX_REQUESTS, PlanError, plan};

use crate::check::{Node, Query, check_limits};

/// What [`fit`] did to make a query fit, for the note that says so.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rewrites {
    /// Equalities folded into `IN` (or `!=` into `NIN`).
    pub folded: usize,
    /// `IN`/`NIN` lists merged.
    pub merged: usize,
    /// Duplicate or absorbed members removed.
    pub absorbed: usize,
    /// Groups whose common members were factored out.
    pub factored: usize,
    /// Redundant bounds dropped.
    pub bounds: usize,
    /// Sub-groups made to nest an over-long group.
    pub nested: usize,
    /// ANDs distributed over an OR (`a AND (b OR c)` is `(a AND b) OR (a
    /// AND c)`) to lower the nesting.
    pub distributed: usize,
}

impl Rewrites {
    /// True when nothing was rewritten.
    pub fn is_empty(&self) -> bool {
        *self == Rewrites::default()
    }

    /// What was rewritten, in words: "folded 20 `=` into IN; nested ...".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        let mut say = |n: usize, what: &str| {
            if n > 0 {
                parts.push(format!("{what} ({n})"));
            }
        };
        say(self.folded, "folded equalities into IN/NIN");
        say(self.merged, "merged IN/NIN lists");
        say(self.absorbed, "removed duplicate or absorbed members");
        say(self.factored, "factored out common members");
        say(self.bounds, "dropped redundant bounds");
        say(self.nested, "nested long groups into sub-groups");
        say(self.distributed, "distributed AND over OR");
        parts.join("; ")
    }
}

/// The most filters a query may hold for qc to try rewriting or planning
/// it: the rewrites compare members pairwise, and no request or plan of
/// [`DEFAULT_MAX_REQUESTS`] holds more than 50 × 225 filters anyway.
pub const MAX_REWRITE_FILTERS: usize = 4096;

fn filter_count(node: &Node) -> usize {
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

/// Every meaning-preserving simplification, whether or not the query
/// fits: folding, merging, absorbing, factoring and collapsing bounds
/// (not nesting, which only [`fit`] does).
pub fn optimise(query: &Query) -> Query {
    let mut done = Rewrites::default();
    Query {
        root: rewrite::simplify(query.root.clone(), &mut done),
        pagination: query.pagination.clone(),
    }
}

/// The query rewritten only as far as needed to fit the API's limits, and
/// what was rewritten; `None` when no single request can express it
/// (see [`plan`]).
pub fn fit(query: &Query) -> Option<(Query, Rewrites)> {
    if let Some(found) = fit_local(query) {
        return Some(found);
    }
    // Distributing may bring the nesting down: a plan of one request.
    match plan::plan_local(query, 1) {
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

/// [`fit`] without distributing: simplifying and nesting only.
fn fit_local(query: &Query) -> Option<(Query, Rewrites)> {
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
