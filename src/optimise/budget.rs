//! The optimiser's settings (the limits a request must fit, the work
//! allowed, the most requests of a plan) and the meter that counts the
//! work.

use crate::check::{MAX_GROUP_MEMBERS, MAX_NESTING};
use crate::options::DEFAULT_MAX_REQUESTS;

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
    pub(super) fn parts_per_request(&self) -> usize {
        let levels = u32::try_from(self.max_nesting).unwrap_or(u32::MAX);
        self.max_group_members.max(1).saturating_pow(levels).max(1)
    }
}

impl Default for ApiLimits {
    fn default() -> Self {
        Self::INTERCOM
    }
}

/// How much work one call of [`super::fit`], [`super::plan`] or
/// [`super::optimise`] may do, in steps (see the module's documentation).
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

    /// One million steps: at most about 0.15 s of a release build on one
    /// core, whatever the query's shape (`benches/optimise.rs`: 100 to 150
    /// ns a step where steps cost the most), and some thirty times what the
    /// largest plans it makes need.
    pub const DEFAULT_STEPS: u64 = crate::options::DEFAULT_OPTIMISER_STEPS;

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

/// Counts the steps spent against a [`Budget`]. Once the budget is spent
/// it stays spent: every later charge fails.
#[derive(Debug)]
pub(super) struct Meter {
    budget: u64,
    left: u64,
}

/// The optimiser's work on this thread, for the tests that show a query
/// that fits never enters it: searches begun (meters made) and steps
/// spent. Counted in test builds only.
#[cfg(test)]
pub(crate) mod work {
    use std::cell::Cell;

    thread_local! {
        static WORK: Cell<(u64, u64)> = const { Cell::new((0, 0)) };
    }

    /// Searches begun and steps spent on this thread so far.
    pub(crate) fn so_far() -> (u64, u64) {
        WORK.with(Cell::get)
    }

    pub(super) fn add(searches: u64, steps: u64) {
        WORK.with(|w| {
            let (a, b) = w.get();
            w.set((a + searches, b.saturating_add(steps)));
        });
    }
}

impl Meter {
    pub(super) fn new(budget: Budget) -> Meter {
        #[cfg(test)]
        work::add(1, 0);
        Meter {
            budget: budget.steps,
            left: budget.steps,
        }
    }

    /// Spends `n` steps; false when they were not there (the budget is
    /// then spent).
    pub(super) fn spend(&mut self, n: usize) -> bool {
        let n = u64::try_from(n).unwrap_or(u64::MAX);
        #[cfg(test)]
        work::add(0, n);
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
    pub(super) fn is_spent(&self) -> bool {
        self.left == 0
    }

    /// Steps left.
    pub(super) fn left(&self) -> u64 {
        self.left
    }

    /// Steps spent so far.
    pub(super) fn spent(&self) -> u64 {
        self.budget - self.left
    }

    /// [`Meter::spend`] as a `Result`, for the planner's search.
    pub(super) fn charge(&mut self, n: usize) -> Result<(), Spent> {
        if self.spend(n) {
            Ok(())
        } else {
            Err(self.exhausted())
        }
    }

    /// What ran out.
    pub(super) fn exhausted(&self) -> Spent {
        Spent { steps: self.budget }
    }
}

/// The budget ran out: its steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Spent {
    /// The budget's steps.
    pub(super) steps: u64,
}

#[cfg(test)]
mod tests {
    use super::work;
    use crate::{Options, compile};

    /// The optimiser's work of compiling `source`.
    fn work_of(source: &str) -> (u64, u64) {
        let before = work::so_far();
        let options = Options {
            now: Some(1_700_000_000),
            ..Options::default()
        };
        let compiled = compile(source, &options);
        assert!(compiled.is_ok(), "{source}: {compiled:?}");
        let after = work::so_far();
        (after.0 - before.0, after.1 - before.1)
    }

    /// A query that fits the API's limits as written is compiled without
    /// a step of the optimiser (no rewrite, no normal forms, no plan),
    /// however large; one over the limits is rewritten by it.
    #[test]
    fn a_query_that_fits_never_enters_the_optimiser() {
        let group = |g: usize| {
            let items: Vec<String> = (0..15)
                .map(|i| format!("statistics.count_reopens > {}", g * 15 + i))
                .collect();
            format!("({})", items.join(" OR "))
        };
        // The largest query the API allows: an AND of 15 ORs of 15.
        let largest: Vec<String> = (0..15).map(group).collect();
        let fitting = [
            "state = open AND (priority = priority OR tag_ids IN [1, 2])".to_owned(),
            r#"created_at > 2024-01-01 AND NOT (source.author.email ~ "@example.com" OR source.subject ~ "Re:") AND read = false"#.to_owned(),
            "(a = 1 AND b = 2) OR (c = 3 AND d = 4)".replace(['a', 'b', 'c', 'd'], "statistics.count_reopens"),
            largest.join(" AND "),
        ];
        for source in &fitting {
            assert_eq!(work_of(source), (0, 0), "{source}");
        }
        // Sixteen ORs: one group too many, rewritten to fit.
        let over: Vec<String> = (0..16).map(group).collect();
        let (searches, steps) = work_of(&over.join(" AND "));
        assert!(
            searches > 0 && steps > 0,
            "{searches} searches, {steps} steps"
        );
    }
}
