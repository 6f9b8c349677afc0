//! Plans: several requests whose union is exactly a query that no single
//! request can express (`qc plan`).
//!
//! [`plan`] first looks for one request (the query simplified and nested,
//! its CNF, its DNF: `cover`), then makes plans several ways and keeps the
//! one of the fewest requests: from the normal forms (the CNF's ORs in
//! balanced chunks, the DNF's terms packed, the members of the top OR
//! each one way or the other: `cover`), and the search by distribution
//! here, bounded to fewer requests than the best found so far.
//!
//! The search splits the query into alternatives whose union is the
//! query: an OR into its members, an AND holding an OR by distributing it
//! (`a AND (b OR c)` is `(a AND b) OR (a AND c)`) over an OR too deep for
//! level 2 first, then over one too wide for a group (in balanced
//! chunks), then over the narrowest (whose filters appear most elsewhere
//! in the AND, so that its alternatives absorb the most), until each
//! alternative fits. The alternatives are packed greedily, as they come,
//! into as few requests as fit, and the search stops as soon as the plan
//! holds more requests than allowed. An AND of filters made by
//! distributing that does not fit loses the filters the query does not
//! need (a prime implicant); one that still does not fit, or an AND of the
//! query that holds no OR, cannot be split: a union cannot narrow a
//! result.
//!
//! Before distributing an AND of the query, the planner counts the ORs in
//! it that no rewrite can remove (their filters appear nowhere else, and
//! none of them is a `NIN` that a merged `!=` could equal): each
//! alternative keeps those that were not distributed. Those too large to
//! sit at level 2 must all be distributed, and of the others all but the
//! `w` members a group may hold, so with `k` more than `w` there are at
//! least `2^(k − w)` alternatives, times the widths of the former. When
//! that is more than the requests left can hold, the plan is refused at
//! once.

use super::budget::{ApiLimits, Budget, Meter, Settings, Spent};
use super::cover::{self, Forms};
use super::fit::{MAX_REWRITE_FILTERS, filter_count, fits_within};
use super::forms::Atoms;
use super::pack::{Full, Packer, packed};
use super::rewrite::{self, Map, Rewrites, filter_fingerprint, nestable};
use crate::check::{Group, GroupOp, Node, Query};
use crate::op::Op;
use crate::span::Span;

/// Why a query cannot be planned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// The plan would need more requests than allowed.
    #[error("{}", too_many(*max, *found))]
    TooManyRequests {
        /// The bound.
        max: usize,
        /// The requests of the smallest plan qc found, when it counted
        /// one (`None`: it proved or found only that more than `max` are
        /// needed).
        found: Option<usize>,
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
    #[error(
        "an AND group of {filters} filters does not fit one request, and it has no OR to split the query on"
    )]
    CannotSplit {
        /// The filters that are direct members of the group.
        filters: usize,
        /// Where the group is in the source.
        span: Span,
        /// The most filters one request can hold in an AND of them.
        most: usize,
    },
    /// The search ran out of its budget of steps ([`super::Budget`]).
    #[error("the optimiser's budget of {steps} steps ran out before it found requests that fit")]
    Budget {
        /// The budget.
        steps: u64,
    },
}

fn too_many(max: usize, found: Option<usize>) -> String {
    match found {
        Some(n) => {
            format!("the smallest plan qc finds has {n} requests, more than the {max} allowed")
        }
        None => format!("the query needs more than {max} requests"),
    }
}

impl From<Full> for PlanError {
    fn from(full: Full) -> Self {
        PlanError::TooManyRequests {
            max: full.max,
            found: None,
        }
    }
}

impl From<Spent> for PlanError {
    fn from(spent: Spent) -> Self {
        PlanError::Budget { steps: spent.steps }
    }
}

impl PlanError {
    /// What to do about it, in words (for the help of a diagnostic, or
    /// after the error on the command line).
    pub fn advice(&self) -> String {
        match self {
            PlanError::TooManyRequests { max, found } => format!(
                "allow {} (`--max-plan N` on `qc plan` and `qc search`), or narrow the query",
                match found {
                    Some(n) => format!("a plan of {n} requests"),
                    None => format!("more requests than {max}"),
                }
            ),
            PlanError::TooLarge { .. } => {
                "narrow the query, or split it into several queries by hand".to_owned()
            }
            PlanError::CannotSplit { most, .. } => format!(
                "one request holds at most {most} filters joined by AND, and a union of requests cannot narrow a result; fold comparisons on one field into NIN [...], or drop some filters and apply them to the results"
            ),
            PlanError::Budget { .. } => "simplify the query (fewer OR groups inside an AND), or split it into several queries by hand".to_owned(),
        }
    }
}

/// The requests whose union is a query, and what was rewritten on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The requests, each within the limits and carrying the query's
    /// pagination and sort; one when a single request expresses the query.
    pub requests: Vec<Query>,
    /// What was rewritten (for one request, the note that says so).
    pub rewrites: Rewrites,
    /// The budget's steps spent.
    pub steps: u64,
    /// How the plan was made, in words (empty for one request): what the
    /// query was split on, and why that takes this many requests.
    pub why: String,
}

/// The query rewritten only as far as needed to fit `settings.limits` in
/// one request, and what was rewritten: [`plan`] of at most one request.
pub fn fit(query: &Query, settings: &Settings) -> Result<(Query, Rewrites), PlanError> {
    let one = Settings {
        max_requests: 1,
        ..*settings
    };
    let mut plan = plan(query, &one)?;
    match plan.requests.pop() {
        Some(q) if plan.requests.is_empty() => Ok((q, plan.rewrites)),
        _ => Err(PlanError::TooManyRequests {
            max: 1,
            found: None,
        }),
    }
}

/// The requests whose union is exactly what `query` selects, each within
/// `settings.limits` and carrying the query's pagination and sort (an
/// order that holds within each request only: [`crate::Compiler`] refuses
/// a sorted query of several requests): the query as it
/// is when it fits, one request when rewriting (and distributing) makes
/// it fit, else at most `settings.max_requests` requests. Within
/// `settings.budget`; past it, the query simplified as far as the budget
/// went when that fits, else [`PlanError::Budget`].
pub fn plan(query: &Query, settings: &Settings) -> Result<Plan, PlanError> {
    let limits = &settings.limits;
    let request = |root: Node| Query {
        root,
        pagination: query.pagination.clone(),
        sort: query.sort.clone(),
    };
    if fits_within(&query.root, limits) {
        return Ok(Plan {
            requests: vec![query.clone()],
            rewrites: Rewrites::default(),
            steps: 0,
            why: String::new(),
        });
    }
    let filters = filter_count(&query.root);
    if filters > MAX_REWRITE_FILTERS {
        return Err(PlanError::TooLarge {
            filters,
            max: MAX_REWRITE_FILTERS,
        });
    }
    let mut meter = Meter::new(settings.budget);
    let mut done = Rewrites::default();
    let root = rewrite::simplify(query.root.clone(), &mut done, &mut meter);
    let simple = if nestable(&root, 1, limits) {
        let mut rewrites = done.clone();
        rewrite::nest(root.clone(), 1, limits, &mut rewrites).map(|r| (r, rewrites))
    } else {
        None
    };
    let one = |root: Node, rewrites: Rewrites, steps: u64| Plan {
        requests: vec![request(root)],
        rewrites,
        steps,
        why: String::new(),
    };
    if meter.is_spent() {
        // Exact even if the budget ran out on the way.
        return match simple {
            Some((root, rewrites)) => Ok(one(root, rewrites, meter.spent())),
            None => Err(meter.exhausted().into()),
        };
    }
    // The normal forms and what they give, within a quarter of the steps
    // left: the rest is the search's by distribution.
    let mut formed = Meter::new(Budget::steps(meter.left() / 4));
    let forms = Forms::of(&root, settings, &mut formed);
    if let Some((root, rewrites)) = cover::one_request(&forms, simple, &done, limits, &mut formed) {
        meter.spend(usize::try_from(formed.spent()).unwrap_or(usize::MAX));
        return Ok(one(root, rewrites, meter.spent()));
    }
    let max = settings.max_requests;
    if max == 0 {
        return Err(PlanError::TooManyRequests {
            max: 0,
            found: None,
        });
    }
    let found = cover::plans(&forms, &root, settings, &mut formed);
    meter.spend(usize::try_from(formed.spent()).unwrap_or(usize::MAX));
    // The search by distribution, for a plan smaller than those found.
    let bound = found
        .best
        .as_ref()
        .map_or(max, |(b, _)| b.len().saturating_sub(1));
    let streamed = if bound == 0 {
        Err(PlanError::TooManyRequests {
            max: 0,
            found: None,
        })
    } else {
        stream(root, limits, bound, &mut meter)
    };
    let (requests, why) = match (streamed, found.best) {
        (Ok((requests, distributed, why)), _) => {
            if requests.len() == 1 {
                done.distributed += distributed;
            }
            (requests, why)
        }
        (Err(_), Some(best)) => best,
        (Err(e), None) => {
            return Err(match (e, found.fewest) {
                (_, Some(n)) if n > max => PlanError::TooManyRequests {
                    max,
                    found: Some(n),
                },
                (PlanError::TooManyRequests { .. }, _) => {
                    PlanError::TooManyRequests { max, found: None }
                }
                (e, _) => e,
            });
        }
    };
    Ok(Plan {
        requests: requests.into_iter().map(request).collect(),
        rewrites: done,
        steps: meter.spent(),
        why,
    })
}

/// The search by distribution: the query split at its ORs, ANDs
/// distributed over their widest OR until each alternative fits, the
/// alternatives packed as they come into at most `max` requests; with the
/// ANDs distributed, and how, in words.
fn stream(
    root: Node,
    limits: &ApiLimits,
    max: usize,
    meter: &mut Meter,
) -> Result<(Vec<Node>, usize, String), PlanError> {
    let query = root.clone();
    let mut search = Search {
        limits,
        query: &query,
        atoms: Atoms::of(&query),
        unique: Unique::of(&root),
        packer: Packer::new(limits, max),
        meter,
        distributed: 0,
    };
    search.alternatives(root, true)?;
    let distributed = search.distributed;
    let alternatives = search.packer.pushed;
    let groups = search.packer.finish()?;
    let mut requests = Vec::with_capacity(groups.len());
    for members in groups {
        // The packer checked that each request fits: an error here would
        // be qc's own mistake, reported rather than sent.
        let root = packed(members, limits, meter)
            .ok_or(PlanError::TooManyRequests { max, found: None })?;
        requests.push(root);
    }
    let why = format!(
        "the query split at its ORs into {alternatives} alternatives ({distributed} AND{} distributed over an OR), packed into {} requests",
        if distributed == 1 { "" } else { "s" },
        requests.len()
    );
    Ok((requests, distributed, why))
}

/// The search for alternatives, and the requests packed so far.
struct Search<'a> {
    limits: &'a ApiLimits,
    /// The query (simplified), and its filters.
    query: &'a Node,
    atoms: Atoms,
    unique: Unique,
    packer: Packer<'a>,
    meter: &'a mut Meter,
    /// ANDs distributed.
    distributed: usize,
}

impl Search<'_> {
    /// Splits `node` (simplified) into alternatives that each fit one
    /// request, handing each to the packer as it is found. `whole` is
    /// true for a node of the query itself, false for an alternative made
    /// by distributing.
    fn alternatives(&mut self, node: Node, whole: bool) -> Result<(), PlanError> {
        self.meter.charge(1)?;
        if nestable(&node, 1, self.limits) {
            return Ok(self.packer.push(node)?);
        }
        match node {
            Node::Group(g) if g.op == GroupOp::Or => {
                for m in g.members {
                    self.alternatives(m, whole)?;
                }
                Ok(())
            }
            Node::Group(g) => self.distribute(g, whole),
            filter => Ok(self.packer.push(filter)?),
        }
    }

    /// An AND too large for one request: distributed over its widest OR.
    /// The count that may refuse it at once is made on the ANDs of the
    /// query itself (each alternative of one has one OR fewer: the count
    /// would say little more, at the cost of reading it all again).
    fn distribute(&mut self, g: Group, whole: bool) -> Result<(), PlanError> {
        self.meter.charge(g.members.len())?;
        let Some((at, how)) = self.split_on(&g) else {
            // An AND of filters made by distributing may hold more than
            // it needs: the filters whose absence still implies the query
            // go, and what is left is sent if it fits.
            if !whole && let Some(fewer) = self.prime(&g)? {
                return self.alternatives(fewer, true);
            }
            return Err(self.cannot_split(&g));
        };
        if whole {
            self.refuse_early(&g)?;
        }
        self.distributed += 1;
        let mut rest = g.members;
        let Node::Group(or) = rest.remove(at) else {
            return Err(PlanError::TooManyRequests {
                max: 0,
                found: None,
            });
        };
        for part in self.parts(or, how) {
            self.meter.charge(rest.len())?;
            let mut members = Vec::with_capacity(rest.len() + 1);
            members.extend(rest.iter().cloned());
            members.push(part);
            let mut scratch = Rewrites::default();
            if let Some(part) =
                rewrite::regroup(GroupOp::And, members, g.span, &mut scratch, self.meter)
            {
                self.alternatives(part, false)?;
            }
        }
        Ok(())
    }

    /// The OR of an AND too large for one request to split the AND on,
    /// and how: first an OR too deep for level 2 (the fewest parts
    /// first), then one too wide for a group (into balanced chunks), else
    /// the narrowest (into single filters), which multiplies the
    /// alternatives least.
    fn split_on(&self, g: &Group) -> Option<(usize, Split)> {
        let width = self.limits.max_group_members.max(1);
        let ors = g.members.iter().enumerate().filter_map(|(i, m)| match m {
            Node::Group(o) if o.op == GroupOp::Or => Some((i, o)),
            _ => None,
        });
        let filters = |o: &Group| {
            o.members
                .iter()
                .filter(|m| matches!(m, Node::Filter(_)))
                .count()
        };
        let deep = ors
            .clone()
            .filter(|(_, o)| filters(o) < o.members.len())
            .min_by_key(|(_, o)| {
                let f = filters(o);
                o.members.len() - f + f.div_ceil(width)
            });
        if let Some((i, _)) = deep {
            return Some((i, Split::Deep));
        }
        if let Some((i, _)) = ors.clone().find(|(_, o)| o.members.len() > width) {
            return Some((i, Split::Chunks));
        }
        // Of the narrowest, the one whose filters appear most elsewhere in
        // the AND: its alternatives absorb the most.
        let mut seen: Map<u64, u32> = rewrite::map_with(g.members.len());
        g.members.iter().for_each(|m| {
            m.for_each_filter(&mut |f| *seen.entry(filter_fingerprint(f)).or_default() += 1)
        });
        let shared = |o: &Group| -> u32 {
            o.members
                .iter()
                .map(|m| match m {
                    Node::Filter(f) => seen
                        .get(&filter_fingerprint(f))
                        .map_or(0, |n| n.saturating_sub(1)),
                    _ => 0,
                })
                .sum()
        };
        ors.min_by_key(|(_, o)| (o.members.len(), std::cmp::Reverse(shared(o))))
            .map(|(i, _)| (i, Split::Single))
    }

    /// The parts of `or` to distribute the AND over.
    fn parts(&self, or: Group, how: Split) -> Vec<Node> {
        let width = self.limits.max_group_members.max(1);
        let span = or.span;
        let chunks = |filters: Vec<Node>, out: &mut Vec<Node>| {
            let n = filters.len();
            let k = n.div_ceil(width).max(1);
            let mut it = filters.into_iter();
            for j in 0..k {
                let len = n / k + usize::from(j < n % k);
                if let Some(chunk) = Node::group(GroupOp::Or, it.by_ref().take(len), span) {
                    out.push(chunk);
                }
            }
        };
        let mut out = Vec::new();
        match how {
            Split::Single => out = or.members,
            Split::Chunks => chunks(or.members, &mut out),
            Split::Deep => {
                let (filters, deep): (Vec<Node>, Vec<Node>) = or
                    .members
                    .into_iter()
                    .partition(|m| matches!(m, Node::Filter(_)));
                chunks(filters, &mut out);
                out.extend(deep);
            }
        }
        out
    }

    /// Refuses `g` when its alternatives provably cannot fit in the
    /// requests left (see the module's documentation).
    fn refuse_early(&mut self, g: &Group) -> Result<(), PlanError> {
        // ORs that stay until distributed: those too large for level 2
        // must all be distributed, and of the others all but the width.
        let mut must = 1usize;
        let mut others = 0usize;
        for m in &g.members {
            self.meter.charge(filter_count(m))?;
            if !self.unique.is_fixed_or(m) {
                continue;
            }
            if nestable(m, 2, self.limits) {
                others += 1;
            } else {
                let width = rewrite::as_members(m, GroupOp::Or).len();
                must = must.saturating_mul(width);
            }
        }
        let k = others.saturating_sub(self.limits.max_group_members);
        let at_least = u32::try_from(k)
            .ok()
            .and_then(|k| 1usize.checked_shl(k))
            .map_or(usize::MAX, |n| n.saturating_mul(must));
        if at_least > self.packer.room() {
            return Err(PlanError::TooManyRequests {
                max: self.packer.max,
                found: None,
            });
        }
        Ok(())
    }

    /// The AND of filters `g`, less every filter whose absence still
    /// implies the query (a prime implicant of it), when that is fewer.
    fn prime(&mut self, g: &Group) -> Result<Option<Node>, PlanError> {
        let mut on = vec![false; self.atoms.filters.len()];
        let mut ids = Vec::with_capacity(g.members.len());
        for m in &g.members {
            let id = match m {
                Node::Filter(f) => self.atoms.id(f),
                _ => None,
            };
            // A member that is not one of the query's filters stays.
            let Some(id) = id else {
                return Ok(None);
            };
            on[id as usize] = true;
            ids.push(id as usize);
        }
        let mut keep = Vec::with_capacity(g.members.len());
        for (m, &id) in g.members.iter().zip(&ids) {
            self.meter.charge(filter_count(self.query))?;
            on[id] = false;
            if !implies(self.query, &self.atoms, &on) {
                on[id] = true;
                keep.push(m.clone());
            }
        }
        Ok((keep.len() < g.members.len())
            .then(|| Node::group(GroupOp::And, keep, g.span))
            .flatten())
    }

    fn cannot_split(&self, g: &Group) -> PlanError {
        let filters = g
            .members
            .iter()
            .filter(|m| matches!(m, Node::Filter(_)))
            .count();
        let width = self.limits.max_group_members;
        let most = if self.limits.max_nesting >= 2 {
            width.saturating_mul(width)
        } else {
            width
        };
        PlanError::CannotSplit {
            filters,
            span: g.span,
            most,
        }
    }
}

/// True when `node` holds wherever the filters `on` (by their number
/// among `atoms`) hold and no other does.
fn implies(node: &Node, atoms: &Atoms, on: &[bool]) -> bool {
    match node {
        Node::Filter(f) => atoms.id(f).is_some_and(|i| on[i as usize]),
        Node::Group(g) if g.op == GroupOp::And => g.members.iter().all(|m| implies(m, atoms, on)),
        Node::Group(g) => g.members.iter().any(|m| implies(m, atoms, on)),
    }
}

/// How an OR is split to distribute an AND over it.
#[derive(Debug, Clone, Copy)]
enum Split {
    /// Into its members.
    Single,
    /// Into balanced chunks of at most a group's width.
    Chunks,
    /// Its filters into chunks, each other member alone.
    Deep,
}

/// How often each filter appears in the query, by fingerprint: an OR whose
/// filters appear nowhere else cannot be absorbed, merged or factored away.
struct Unique {
    counts: Map<u64, u32>,
}

impl Unique {
    fn of(root: &Node) -> Unique {
        let mut counts: Map<u64, u32> = Map::default();
        root.for_each_filter(&mut |f| {
            let n = counts.entry(filter_fingerprint(f)).or_default();
            *n = n.saturating_add(1);
        });
        Unique { counts }
    }

    /// True for an OR group that stays in every alternative of an AND
    /// holding it until it is itself distributed: each of its filters
    /// appears once in the query, and none of its members is a `NIN` (which
    /// `!=` merged elsewhere could equal).
    fn is_fixed_or(&self, node: &Node) -> bool {
        let Node::Group(g) = node else {
            return false;
        };
        let mut unique = true;
        node.for_each_filter(&mut |f| {
            unique &= self.counts.get(&filter_fingerprint(f)) == Some(&1);
        });
        g.op == GroupOp::Or
            && unique
            && !g
                .members
                .iter()
                .any(|m| matches!(m, Node::Filter(f) if f.op == Op::Nin))
    }
}
