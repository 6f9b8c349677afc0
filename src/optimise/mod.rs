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
//!   operator, up to 15 × 15;
//! - an AND is distributed over an OR (`a AND (b OR c)` is `(a AND b) OR
//!   (a AND c)`) when that is what it takes, in [`plan`].
//!
//! [`fit`] and [`plan`] rewrite only as far as needed: a query that fits
//! is returned as it is.
//!
//! # Bounded work
//!
//! Every call works within a [`Budget`] of steps ([`Settings::budget`]):
//! a step is one unit of work on one node (visiting it, comparing two,
//! copying one into a part of a plan). The rewrites find duplicates,
//! absorbed members and common members through hashes, so they are about
//! linear in the size of the query; the planner refuses at once a query
//! whose plan provably needs more requests than allowed (an AND of `k`
//! ORs that nothing can simplify away distributes into at least
//! `2^(k − 15)` requests). The budget is the backstop for the rest. When
//! it runs out, the answer is still exact: the query simplified as far as
//! the budget went when that fits, or [`PlanError::Budget`].

mod plan;
mod rewrite;

pub use plan::{DEFAULT_MAX_REQUESTS, Plan, PlanError, fit, plan};

use crate::check::{MAX_GROUP_MEMBERS, MAX_NESTING, Node, Query};

/// The API's limits on the shape of one request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ApiLimits {
    /// The deepest level a group may sit at, the top-level group being
    /// level 1 (Intercom: 2).
    pub max_nesting: usize,
    /// The most direct members one AND or OR group may hold (Intercom:
    /// 15).
    pub max_group_members: usize,
}

impl ApiLimits {
    /// Intercom's search endpoints: 2 levels of groups, 15 members per
    /// group ([`MAX_NESTING`], [`MAX_GROUP_MEMBERS`]).
    pub const INTERCOM: ApiLimits = ApiLimits {
        max_nesting: MAX_NESTING,
        max_group_members: MAX_GROUP_MEMBERS,
    };

    /// The most alternatives one request can hold as an OR of them: a
    /// full tree of groups of `max_group_members`, `max_nesting` deep.
    fn parts_per_request(&self) -> usize {
        let levels = u32::try_from(self.max_nesting).unwrap_or(u32::MAX);
        self.max_group_members.max(1).saturating_pow(levels).max(1)
    }
}

impl Default for ApiLimits {
    fn default() -> Self {
        Self::INTERCOM
    }
}

/// How much work one call of [`fit`], [`plan`] or [`optimise`] may do, in
/// steps (see the module's documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Budget {
    /// The steps allowed.
    pub steps: u64,
}

impl Budget {
    /// The default: [`Budget::DEFAULT_STEPS`].
    pub const DEFAULT: Budget = Budget {
        steps: Self::DEFAULT_STEPS,
    };

    /// One million steps: at most about a tenth of a second of a release
    /// build on one core, whatever the query's shape (`benches/optimise.rs`:
    /// about 100 ns a step where steps cost the most), and some thirty
    /// times what the largest plans it makes need.
    pub const DEFAULT_STEPS: u64 = 1_000_000;

    /// A budget of `steps`.
    pub const fn steps(steps: u64) -> Budget {
        Budget { steps }
    }
}

impl Default for Budget {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The optimiser's settings: the limits a request must fit, the work
/// allowed, and the most requests a plan may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Settings {
    /// The limits each request must fit.
    pub limits: ApiLimits,
    /// The work allowed for one call.
    pub budget: Budget,
    /// The most requests a plan may hold ([`DEFAULT_MAX_REQUESTS`]).
    pub max_requests: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            limits: ApiLimits::INTERCOM,
            budget: Budget::DEFAULT,
            max_requests: DEFAULT_MAX_REQUESTS,
        }
    }
}

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
/// it: no request or plan of [`DEFAULT_MAX_REQUESTS`] holds more than 50 ×
/// 225 filters anyway, and larger queries are refused before any work.
pub const MAX_REWRITE_FILTERS: usize = 4096;

fn filter_count(node: &Node) -> usize {
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

/// Every meaning-preserving simplification, whether or not the query
/// fits: folding, merging, absorbing, factoring and collapsing bounds
/// (not nesting or distributing, which only [`fit`] and [`plan`] do).
/// Past the budget, the query as far as it was simplified: still exact.
pub fn optimise(query: &Query, settings: &Settings) -> Query {
    let mut done = Rewrites::default();
    let mut meter = Meter::new(settings.budget);
    Query {
        root: rewrite::simplify(query.root.clone(), &mut done, &mut meter),
        pagination: query.pagination.clone(),
    }
}

/// Counts the steps spent against a [`Budget`]. Once the budget is spent
/// it stays spent: every later charge fails.
#[derive(Debug)]
pub(crate) struct Meter {
    budget: u64,
    left: u64,
}

impl Meter {
    fn new(budget: Budget) -> Meter {
        Meter {
            budget: budget.steps,
            left: budget.steps,
        }
    }

    /// Spends `n` steps; false when they were not there (the budget is
    /// then spent).
    fn spend(&mut self, n: usize) -> bool {
        let n = u64::try_from(n).unwrap_or(u64::MAX);
        match self.left.checked_sub(n) {
            Some(left) => {
                self.left = left;
                true
            }
            None => {
                self.left = 0;
                false
            }
        }
    }

    /// True once the budget is spent.
    fn is_spent(&self) -> bool {
        self.left == 0
    }

    /// Steps spent so far.
    fn spent(&self) -> u64 {
        self.budget - self.left
    }

    /// [`Meter::spend`] as a `Result`, for the planner's search.
    fn charge(&mut self, n: usize) -> Result<(), PlanError> {
        if self.spend(n) {
            Ok(())
        } else {
            Err(self.exhausted())
        }
    }

    fn exhausted(&self) -> PlanError {
        PlanError::Budget { steps: self.budget }
    }
}
