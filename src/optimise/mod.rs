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
//! - when that is not enough, the query's CNF (an AND of ORs) and DNF (an
//!   OR of ANDs), absorbed and simplified: the smallest of the three that
//!   fits is the request (see `cover`: over two levels of groups, when any
//!   body over the query's filters fits, one of these does);
//! - else a plan: the CNF's ORs split into balanced chunks, the DNF's
//!   terms packed, or an AND distributed over an OR (`a AND (b OR c)` is
//!   `(a AND b) OR (a AND c)`), whichever takes the fewest requests, in
//!   [`plan`].
//!
//! [`fit`] and [`plan`] rewrite only as far as needed: a query that fits
//! is returned as it is, before any of this work.
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
//! the budget went when that fits, or [`PlanError::Budget`]. The normal
//! forms get a quarter of the steps left after simplifying (each form a
//! third of that, so that one growing past what fits leaves steps for the
//! other); the search by distribution the rest.

mod budget;
mod cover;
mod fit;
mod forms;
mod pack;
mod plan;
mod rewrite;

pub use crate::options::DEFAULT_MAX_REQUESTS;
pub use budget::{ApiLimits, Budget, Settings};
pub use fit::{MAX_REWRITE_FILTERS, fits, fits_within};
pub use plan::{Plan, PlanError, fit, plan};
pub use rewrite::{Rewrites, optimise};
