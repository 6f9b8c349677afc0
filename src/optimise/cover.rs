//! Requests from the normal forms ([`super::forms`]).
//!
//! - One request: the smallest that fits among the simplified query, its
//!   CNF and its DNF (each simplified again, and nested). Over two levels
//!   of groups a body is an AND of ORs or an OR of ANDs, and the absorbed
//!   forms are the smallest of each, so when any body over the query's
//!   filters fits, one of these does.
//! - Plans: the CNF with each OR too wide for a group split into balanced
//!   chunks of at most [`ApiLimits::max_group_members`], each request
//!   taking one chunk of each (an AND of ORs of `n₁ … n_k` filters takes
//!   `∏ ⌈nᵢ / 15⌉` requests), ORs split into single filters where the AND
//!   has too many to hold; the DNF's terms packed into as few requests
//!   as hold them; or, over the members of the query's top OR, each member
//!   one way or the other, whichever takes the fewest requests in all.

use super::budget::{ApiLimits, Budget, Meter, Settings};
use super::fit::fits_within;
use super::forms::{Atoms, Bits, normal, tree};
use super::pack::{Packer, packed};
use super::rewrite::{self, Rewrites, as_members, nestable};
use crate::check::{GroupOp, Node};
use crate::span::Span;

/// The query's filters and its two forms.
pub(super) struct Forms {
    atoms: Atoms,
    cnf: Option<Vec<Bits>>,
    dnf: Option<Vec<Bits>>,
    span: Span,
    cap: usize,
}

impl Forms {
    /// The forms of `root` (simplified), each of at most [`cap`] sets.
    /// Each form gets a third of the steps left, so that one that grows
    /// past what fits leaves steps for the other and for what is made of
    /// them.
    pub(super) fn of(root: &Node, settings: &Settings, meter: &mut Meter) -> Forms {
        let atoms = Atoms::of(root);
        let cap = cap(settings);
        let mut form = |outer| {
            let mut share = Meter::new(Budget::steps(meter.left() / 3));
            let form = normal(root, outer, &atoms, cap, &mut share);
            meter.spend(usize::try_from(share.spent()).unwrap_or(usize::MAX));
            form
        };
        let cnf = form(GroupOp::And);
        let dnf = form(GroupOp::Or);
        Forms {
            atoms,
            cnf,
            dnf,
            span: root.span(),
            cap,
        }
    }
}

/// The most sets a form may hold: what the requests allowed could hold
/// as alternatives, within 64 and 4,096.
fn cap(settings: &Settings) -> usize {
    settings
        .limits
        .parts_per_request()
        .saturating_mul(settings.max_requests)
        .clamp(64, 4096)
}

/// How large a request is: its filters, then its nodes.
fn size(node: &Node) -> (usize, usize) {
    fn nodes(node: &Node) -> usize {
        match node {
            Node::Filter(_) => 1,
            Node::Group(g) => 1 + g.members.iter().map(nodes).sum::<usize>(),
        }
    }
    (super::fit::filter_count(node), nodes(node))
}

/// The smallest request that fits among `simple` (the simplified query,
/// nested, if it fits), the CNF and the DNF; with what was rewritten.
pub(super) fn one_request(
    forms: &Forms,
    simple: Option<(Node, Rewrites)>,
    done: &Rewrites,
    limits: &ApiLimits,
    meter: &mut Meter,
) -> Option<(Node, Rewrites)> {
    let mut best = simple;
    for (outer, sets) in [(GroupOp::And, &forms.cnf), (GroupOp::Or, &forms.dnf)] {
        let Some(sets) = sets else {
            continue;
        };
        let Some(form) = tree(sets, outer, &forms.atoms, forms.span) else {
            continue;
        };
        let mut base = done.clone();
        match outer {
            GroupOp::And => base.cnf += 1,
            GroupOp::Or => base.dnf += 1,
        }
        let mut again = base.clone();
        let simpler = rewrite::simplify(form.clone(), &mut again, meter);
        for (node, mut rewrites) in [(simpler, again), (form, base)] {
            if !nestable(&node, 1, limits) {
                continue;
            }
            let Some(node) = rewrite::nest(node, 1, limits, &mut rewrites) else {
                continue;
            };
            if fits_within(&node, limits)
                && best.as_ref().is_none_or(|(b, _)| size(&node) < size(b))
            {
                best = Some((node, rewrites));
            }
        }
    }
    best
}

/// A CNF split into requests, each taking one chunk of each of its ORs.
struct Chunking {
    /// The CNF's single filters (and their `NIN`s), in every request.
    units: Vec<Node>,
    /// Its ORs.
    clauses: Vec<Clause>,
    /// The requests: the product of the clauses' chunks (`None` past
    /// `usize::MAX`).
    count: Option<usize>,
}

/// One OR of a [`Chunking`].
struct Clause {
    members: Vec<Node>,
    /// Its chunks: as many as its members when it is split into single
    /// filters.
    chunks: usize,
}

impl Clause {
    fn split(&self) -> bool {
        self.chunks == self.members.len()
    }

    /// The `j`th of its balanced chunks.
    fn chunk(&self, j: usize) -> &[Node] {
        let n = self.members.len();
        let (base, extra) = (n / self.chunks, n % self.chunks);
        let start = j * base + j.min(extra);
        let len = base + usize::from(j < extra);
        &self.members[start.min(n)..(start + len).min(n)]
    }
}

/// The CNF `sets` split into requests that fit `limits`: its ORs folded
/// (`IN`), its single filters folded (`NIN`), each OR wider than a group
/// in balanced chunks, and, when the AND holds more ORs than fit, those
/// that cost least to split split into single filters. `None` when no
/// split fits (more single filters than a request holds).
fn chunking(
    sets: &[Bits],
    atoms: &Atoms,
    span: Span,
    limits: &ApiLimits,
    meter: &mut Meter,
) -> Option<Chunking> {
    let width = limits.max_group_members.max(1);
    let mut scratch = Rewrites::default();
    let mut units = Vec::new();
    let mut clauses = Vec::new();
    for s in sets {
        if !meter.spend(s.len()) {
            return None;
        }
        match rewrite::regroup(GroupOp::Or, atoms.nodes(s), span, &mut scratch, meter)? {
            Node::Group(g) if g.op == GroupOp::Or => clauses.push(g.members),
            other => units.push(other),
        }
    }
    if units.len() > 1 {
        let folded = rewrite::regroup(GroupOp::And, units, span, &mut scratch, meter)?;
        units = as_members(&folded, GroupOp::And).to_vec();
    }
    // Split first the ORs whose splitting multiplies the requests least
    // (by their width over the chunks they take anyway).
    let kept = |n: usize| n.div_ceil(width);
    clauses.sort_by(|a, b| {
        let (na, nb) = (a.len(), b.len());
        (na * kept(nb)).cmp(&(nb * kept(na))).then(na.cmp(&nb))
    });
    let level2 = limits.max_nesting >= 2;
    let n = clauses.len();
    let mut split = 0;
    while !((split == n || level2)
        && rewrite::layout_fits(units.len() + split, n - split, 1, limits))
    {
        if split == n {
            return None;
        }
        split += 1;
    }
    let clauses: Vec<Clause> = clauses
        .into_iter()
        .enumerate()
        .map(|(i, members)| Clause {
            chunks: if i < split {
                members.len()
            } else {
                kept(members.len())
            },
            members,
        })
        .collect();
    let count = clauses
        .iter()
        .try_fold(1usize, |acc, c| acc.checked_mul(c.chunks));
    Some(Chunking {
        units,
        clauses,
        count,
    })
}

impl Chunking {
    /// The requests, when there are at most `max`.
    fn requests(
        &self,
        max: usize,
        span: Span,
        limits: &ApiLimits,
        meter: &mut Meter,
    ) -> Option<Vec<Node>> {
        let count = self.count.filter(|&c| c <= max)?;
        let mut out = Vec::with_capacity(count);
        let mut at = vec![0usize; self.clauses.len()];
        for _ in 0..count {
            if !meter.spend(self.units.len() + self.clauses.len()) {
                return None;
            }
            let mut members = self.units.clone();
            for (c, &j) in self.clauses.iter().zip(&at) {
                members.push(Node::group(GroupOp::Or, c.chunk(j).iter().cloned(), span)?);
            }
            out.push(packed_and(members, span, limits, meter)?);
            // The next chunk of each clause, as the digits of a number.
            for (k, c) in self.clauses.iter().enumerate() {
                at[k] += 1;
                if at[k] < c.chunks {
                    break;
                }
                at[k] = 0;
            }
        }
        Some(out)
    }

    /// How the requests were made, in words.
    fn describe(&self, width: usize) -> String {
        // The ORs split into chunks, by width and chunks.
        let mut kinds: Vec<(usize, usize, usize)> = Vec::new();
        for c in self.clauses.iter().filter(|c| c.chunks > 1 && !c.split()) {
            match kinds
                .iter_mut()
                .find(|(n, k, _)| *n == c.members.len() && *k == c.chunks)
            {
                Some((_, _, count)) => *count += 1,
                None => kinds.push((c.members.len(), c.chunks, 1)),
            }
        }
        let mut parts: Vec<String> = kinds
            .iter()
            .map(|&(n, k, count)| {
                format!(
                    "{} of {n} filters in {k} balanced chunks{}",
                    if count == 1 {
                        "an OR".to_owned()
                    } else {
                        format!("{count} ORs")
                    },
                    if count == 1 { "" } else { " each" }
                )
            })
            .collect();
        let split = self.clauses.iter().filter(|c| c.split()).count();
        if split > 0 {
            parts.push(format!(
                "{split} OR{} split into single filters (a request holds at most {width} groups)",
                if split == 1 { "" } else { "s" }
            ));
        }
        let factors: Vec<String> = self
            .clauses
            .iter()
            .filter(|c| c.chunks > 1)
            .map(|c| c.chunks.to_string())
            .collect();
        let count = self
            .count
            .map_or_else(|| "too many".to_owned(), |c| c.to_string());
        let product = if factors.len() > 1 {
            format!("{} = ", factors.join(" × "))
        } else {
            String::new()
        };
        format!(
            "an AND of ORs with {}, at most {width} filters a chunk, each request taking one chunk of each OR: {product}{count} requests",
            parts.join(" and "),
        )
    }
}

/// An AND of `members` as one request: simplified where that still fits,
/// nested.
fn packed_and(
    members: Vec<Node>,
    span: Span,
    limits: &ApiLimits,
    meter: &mut Meter,
) -> Option<Node> {
    let root = Node::group(GroupOp::And, members, span)?;
    let mut scratch = Rewrites::default();
    let simpler = rewrite::simplify(root.clone(), &mut scratch, meter);
    [simpler, root].into_iter().find_map(|node| {
        nestable(&node, 1, limits)
            .then(|| rewrite::nest(node, 1, limits, &mut scratch))
            .flatten()
            .filter(|r| fits_within(r, limits))
    })
}

/// Alternatives to pack into requests as the members of their top OR.
#[derive(Default)]
struct Bag {
    /// Those that need a request of their own (an AND of more filters
    /// than a group holds).
    alone: Vec<Node>,
    /// Those that sit in a group at level 2.
    groups: Vec<Node>,
    /// Single filters.
    units: Vec<Node>,
}

impl Bag {
    /// The terms of a DNF, each folded (`NIN`); `None` when one fits no
    /// request.
    fn of(
        sets: &[Bits],
        atoms: &Atoms,
        span: Span,
        limits: &ApiLimits,
        meter: &mut Meter,
    ) -> Option<Bag> {
        let mut bag = Bag::default();
        let mut scratch = Rewrites::default();
        for s in sets {
            if !meter.spend(s.len()) {
                return None;
            }
            let term = rewrite::regroup(GroupOp::And, atoms.nodes(s), span, &mut scratch, meter)?;
            bag.add(term, limits)?;
        }
        Some(bag)
    }

    fn add(&mut self, term: Node, limits: &ApiLimits) -> Option<()> {
        match term {
            Node::Filter(_) => self.units.push(term),
            t if nestable(&t, 2, limits) => self.groups.push(t),
            t if nestable(&t, 1, limits) => self.alone.push(t),
            _ => return None,
        }
        Some(())
    }

    fn extend(&mut self, other: &Bag) {
        self.alone.extend(other.alone.iter().cloned());
        self.groups.extend(other.groups.iter().cloned());
        self.units.extend(other.units.iter().cloned());
    }

    fn is_empty(&self) -> bool {
        self.alone.is_empty() && self.groups.is_empty() && self.units.is_empty()
    }

    /// The requests the bag takes: a slot of a request's top group holds
    /// a group, or a sub-group of up to `w` single filters.
    fn cost(&self, limits: &ApiLimits) -> usize {
        let width = limits.max_group_members.max(1);
        let level2 = limits.max_nesting >= 2 && width >= 2;
        if !level2 {
            return self.alone.len() + self.groups.len() + self.units.len().div_ceil(width);
        }
        let slots = self.groups.len() + self.units.len().div_ceil(width);
        self.alone.len() + slots.div_ceil(width)
    }

    /// The requests: those alone, then the groups, then the single
    /// filters (folded into `IN` where they can), packed in turn.
    fn requests(mut self, span: Span, limits: &ApiLimits, meter: &mut Meter) -> Option<Vec<Node>> {
        if self.units.len() > 1 {
            let mut scratch = Rewrites::default();
            let folded = rewrite::regroup(
                GroupOp::Or,
                std::mem::take(&mut self.units),
                span,
                &mut scratch,
                meter,
            )?;
            for m in as_members(&folded, GroupOp::Or).to_vec() {
                self.add(m, limits)?;
            }
        }
        let mut packer = Packer::new(limits, usize::MAX);
        for part in self.alone.into_iter().chain(self.groups).chain(self.units) {
            packer.push(part).ok()?;
        }
        let mut out = Vec::new();
        for members in packer.finish().ok()? {
            out.push(packed(members, limits, meter)?);
        }
        Some(out)
    }
}

/// The plans found from the forms.
#[derive(Default)]
pub(super) struct Found {
    /// The smallest plan within the requests allowed, and how it was made.
    pub(super) best: Option<(Vec<Node>, String)>,
    /// The fewest requests of any plan counted, allowed or not.
    pub(super) fewest: Option<usize>,
}

impl Found {
    fn counted(&mut self, count: usize) {
        self.fewest = Some(self.fewest.map_or(count, |f| f.min(count)));
    }

    fn offer(&mut self, requests: Vec<Node>, why: String) {
        if requests.is_empty() {
            return;
        }
        self.counted(requests.len());
        if self
            .best
            .as_ref()
            .is_none_or(|(b, _)| requests.len() < b.len())
        {
            self.best = Some((requests, why));
        }
    }
}

/// One member of the top OR, and the two ways to send it.
struct Member {
    chunking: Option<Chunking>,
    bag: Option<Bag>,
}

/// Plans of at most `settings.max_requests` requests from the forms: the
/// CNF chunked; and over the members of the top OR (the query itself
/// when it is not an OR), each member chunked or its terms packed.
pub(super) fn plans(forms: &Forms, root: &Node, settings: &Settings, meter: &mut Meter) -> Found {
    let limits = &settings.limits;
    let max = settings.max_requests;
    let width = limits.max_group_members.max(1);
    let span = forms.span;
    let mut found = Found::default();
    let members = as_members(root, GroupOp::Or);
    let whole = |outer| {
        if outer == GroupOp::And {
            forms.cnf.clone()
        } else {
            forms.dnf.clone()
        }
    };
    let form = |m: &Node, outer: GroupOp, meter: &mut Meter| {
        if members.len() == 1 {
            whole(outer)
        } else {
            normal(m, outer, &forms.atoms, forms.cap, meter)
        }
    };
    if members.len() > 1
        && let Some(cnf) = &forms.cnf
        && let Some(c) = chunking(cnf, &forms.atoms, span, limits, meter)
    {
        if let Some(count) = c.count {
            found.counted(count);
        }
        if let Some(requests) = c.requests(max, span, limits, meter) {
            found.offer(requests, c.describe(width));
        }
    }
    let mut each = Vec::with_capacity(members.len());
    for m in members {
        let chunking = form(m, GroupOp::And, meter)
            .and_then(|cnf| chunking(&cnf, &forms.atoms, span, limits, meter))
            .filter(|c| c.count.is_some());
        let bag = form(m, GroupOp::Or, meter)
            .and_then(|dnf| Bag::of(&dnf, &forms.atoms, span, limits, meter));
        if chunking.is_none() && bag.is_none() {
            return found;
        }
        each.push(Member { chunking, bag });
        if meter.is_spent() {
            return found;
        }
    }
    let Some((chunked, count)) = choose(&each, limits) else {
        return found;
    };
    found.counted(count);
    if count > max {
        return found;
    }
    let mut requests = Vec::with_capacity(count);
    let mut bag = Bag::default();
    let mut alternatives = 0;
    let mut why = Vec::new();
    for (m, chunk) in each.iter().zip(&chunked) {
        match (chunk, &m.chunking, &m.bag) {
            (true, Some(c), _) => {
                let Some(r) = c.requests(max, span, limits, meter) else {
                    return found;
                };
                if each.len() == 1 {
                    why.push(c.describe(width));
                }
                requests.extend(r);
            }
            (false, _, Some(b)) => {
                alternatives += b.alone.len() + b.groups.len() + b.units.len();
                bag.extend(b);
            }
            _ => return found,
        }
    }
    let sent_alone = requests.len();
    let parts = chunked.iter().filter(|c| **c).count();
    if !bag.is_empty() {
        let Some(r) = bag.requests(span, limits, meter) else {
            return found;
        };
        let packed = r.len();
        requests.extend(r);
        why.push(if parts == 0 {
            format!(
                "the query is an OR of {alternatives} alternatives (its DNF); a request holds at most {width} of them, or {} single filters: {packed} requests",
                width * width
            )
        } else {
            format!(
                "{parts} of the query's OR members as ANDs of ORs ({sent_alone} requests), and the other {alternatives} alternatives packed {width} to a request ({packed} requests)"
            )
        });
    } else if parts > 1 {
        why.push(format!(
            "the query's {parts} OR members, each as an AND of ORs: {sent_alone} requests"
        ));
    }
    if requests.len() <= max {
        found.offer(requests, why.join("; "));
    }
    found
}

/// Which members to chunk (the others' terms are packed together), and
/// the requests that takes: every choice when there are few members that
/// can go either way, else each member the way that costs it less.
fn choose(each: &[Member], limits: &ApiLimits) -> Option<(Vec<bool>, usize)> {
    let width = limits.max_group_members.max(1);
    let fixed: Vec<Option<bool>> = each
        .iter()
        .map(|m| match (&m.chunking, &m.bag) {
            (Some(_), None) => Some(true),
            (None, _) => Some(false),
            (Some(_), Some(_)) => None,
        })
        .collect();
    let free: Vec<usize> = (0..each.len()).filter(|&i| fixed[i].is_none()).collect();
    let cost = |chunk: &[bool]| -> Option<usize> {
        let mut bag = Bag::default();
        let mut total = 0usize;
        for (m, &c) in each.iter().zip(chunk) {
            if c {
                total = total.checked_add(m.chunking.as_ref()?.count?)?;
            } else {
                bag.extend(m.bag.as_ref()?);
            }
        }
        total.checked_add(if bag.is_empty() { 0 } else { bag.cost(limits) })
    };
    let start: Vec<bool> = fixed.iter().map(|f| f.unwrap_or(false)).collect();
    if free.len() <= 10 {
        let mut best: Option<(Vec<bool>, usize)> = None;
        for mask in 0u32..(1 << free.len()) {
            let mut chunk = start.clone();
            for (bit, &i) in free.iter().enumerate() {
                chunk[i] = mask & (1 << bit) != 0;
            }
            // On a tie, the choice that chunks more: its requests repeat
            // fewer filters.
            let chunked = chunk.iter().filter(|c| **c).count();
            if let Some(c) = cost(&chunk)
                && best.as_ref().is_none_or(|(b, cb)| {
                    c < *cb || (c == *cb && chunked > b.iter().filter(|c| **c).count())
                })
            {
                best = Some((chunk, c));
            }
        }
        return best;
    }
    // Many members: each chunked when its requests are fewer than the
    // share of requests its terms would fill.
    let mut chunk = start;
    for &i in &free {
        let (Some(c), Some(b)) = (&each[i].chunking, &each[i].bag) else {
            continue;
        };
        let slots = b.groups.len() * width + b.units.len() + b.alone.len() * width * width;
        chunk[i] = c
            .count
            .is_some_and(|n| n.saturating_mul(width * width) <= slots);
    }
    let c = cost(&chunk)?;
    Some((chunk, c))
}
