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

mod fit;
mod plan;
mod rewrite;

pub use fit::{MAX_REWRITE_FILTERS, fits};
pub use plan::{DEFAULT_MAX_REQUESTS, PlanError, fit, plan};
pub use rewrite::{Rewrites, optimise};
