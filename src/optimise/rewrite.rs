//! The rewrites themselves, bottom-up over the tree, and what they did.
//!
//! Each rewrite is exact, and each is charged to the [`Meter`]: once the
//! budget is spent a rewrite is skipped, which leaves the tree as exact as
//! it was. Duplicates, absorbed members and common members are found
//! through [`fingerprint`]s (hashes that equal nodes share) and confirmed
//! with [`same`], so a group of `n` members costs about `n` steps, not
//! `n²`.

use std::borrow::Cow;
use std::hash::{BuildHasher, Hash, Hasher};

use foldhash::fast::FixedState;

use super::budget::{ApiLimits, Meter, Settings};
use crate::check::{Filter, FilterValue, Group, GroupOp, Node, Query, ScalarValue};
use crate::op::Op;

/// Hash maps and sets of the rewrites: a fast hash with a fixed seed, so
/// that runs are reproducible. Their work is bounded by the budget's
/// charges, not by the hash's resistance to collisions.
pub(super) type Map<K, V> = std::collections::HashMap<K, V, FixedState>;
type Set<K> = std::collections::HashSet<K, FixedState>;

/// An empty [`Map`] with room for `n` entries.
pub(super) fn map_with<K, V>(n: usize) -> Map<K, V> {
    Map::with_capacity_and_hasher(n, FixedState::default())
}

/// A hasher for fingerprints.
fn hasher() -> foldhash::fast::FoldHasher<'static> {
    FixedState::with_seed(0x5143_6f70_7469_6d73).build_hasher()
}

/// What [`super::fit`] did to make a query fit, for the note that says so.
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
    /// The query rewritten as its CNF, an AND of ORs (1 when it was).
    pub cnf: usize,
    /// The query rewritten as its DNF, an OR of ANDs (1 when it was).
    pub dnf: usize,
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
        if self.cnf > 0 {
            parts.push("rewrote as an AND of ORs (its CNF)".to_owned());
        }
        if self.dnf > 0 {
            parts.push("rewrote as an OR of ANDs (its DNF)".to_owned());
        }
        parts.join("; ")
    }
}

/// Every meaning-preserving simplification, whether or not the query
/// fits: folding, merging, absorbing, factoring and collapsing bounds
/// (not nesting or distributing, which only [`super::fit`] and [`super::plan`] do).
/// Past the budget, the query as far as it was simplified: still exact.
pub fn optimise(query: &Query, settings: &Settings) -> Query {
    let mut done = Rewrites::default();
    let mut meter = Meter::new(settings.budget);
    Query {
        root: simplify(query.root.clone(), &mut done, &mut meter),
        pagination: query.pagination.clone(),
        sort: query.sort.clone(),
    }
}

/// True when two nodes mean the same, spans aside (groups: the same
/// members in any order). False, to be safe, once the budget is spent.
pub(super) fn same(a: &Node, b: &Node, meter: &mut Meter) -> bool {
    match (a, b) {
        (Node::Filter(x), Node::Filter(y)) => same_filter(x, y),
        (Node::Group(x), Node::Group(y)) => {
            x.op == y.op
                && x.members.len() == y.members.len()
                && meter.spend(x.members.len().saturating_mul(y.members.len()))
                && x.members
                    .iter()
                    .all(|m| y.members.iter().any(|n| same(m, n, meter)))
                && y.members
                    .iter()
                    .all(|m| x.members.iter().any(|n| same(m, n, meter)))
        }
        _ => false,
    }
}

fn same_filter(x: &Filter, y: &Filter) -> bool {
    x.field.name == y.field.name && x.op == y.op && x.value == y.value
}

/// A hash of what a node means: nodes that [`same`] calls equal have the
/// same fingerprint (a group's members count in any order).
pub(super) fn fingerprint(node: &Node) -> u64 {
    match node {
        Node::Filter(f) => filter_fingerprint(f),
        Node::Group(g) => {
            let sum = g
                .members
                .iter()
                .fold(0u64, |acc, m| acc.wrapping_add(mix(fingerprint(m))));
            let mut h = hasher();
            (1u8, g.op, g.members.len(), sum).hash(&mut h);
            h.finish()
        }
    }
}

/// The fingerprint of one filter: its field, operator and value.
pub(super) fn filter_fingerprint(f: &Filter) -> u64 {
    let mut h = hasher();
    0u8.hash(&mut h);
    f.field.name.hash(&mut h);
    f.op.hash(&mut h);
    match &f.value {
        FilterValue::One(v) => hash_scalar(v, &mut h),
        FilterValue::List(vs) => {
            vs.len().hash(&mut h);
            for v in vs {
                hash_scalar(v, &mut h);
            }
        }
    }
    h.finish()
}

/// Hashes a value consistently with its `==` (`0.0 == -0.0`).
fn hash_scalar(v: &ScalarValue, h: &mut impl Hasher) {
    match v {
        ScalarValue::String(s) => (0u8, s.as_str()).hash(h),
        ScalarValue::Integer(n) => (1u8, n).hash(h),
        ScalarValue::Boolean(b) => (2u8, b).hash(h),
        ScalarValue::Float(x) => (3u8, if *x == 0.0 { 0 } else { x.to_bits() }).hash(h),
        ScalarValue::Date(n) => (4u8, n).hash(h),
        ScalarValue::Null => 5u8.hash(h),
    }
}

/// A bijective scramble (splitmix64's finaliser), so that a sum of
/// members' fingerprints does not cancel out.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// A node's members as a group of `op`: its own when it is one, else
/// itself alone.
pub(super) fn as_members(node: &Node, op: GroupOp) -> &[Node] {
    match node {
        Node::Group(g) if g.op == op => &g.members,
        other => std::slice::from_ref(other),
    }
}

/// Simplifies `node` bottom-up, counting what was done.
pub(super) fn simplify(node: Node, done: &mut Rewrites, meter: &mut Meter) -> Node {
    let Node::Group(g) = node else {
        return node;
    };
    let mut members = Vec::with_capacity(g.members.len());
    for m in g.members {
        Node::push_flat(&mut members, g.op, simplify(m, done, meter));
    }
    Node::from_flat(g.op, members, g.span)
        .map(|node| match node {
            Node::Group(g) => simplify_members(g.op, g.members, g.span, done, meter),
            filter => filter,
        })
        .unwrap_or(Node::Group(Group {
            op: g.op,
            members: Vec::new(),
            span: g.span,
        }))
}

/// The group of `op` of `members` (each already simplified), merged into
/// one group and simplified at its own level; `None` for no members.
pub(super) fn regroup(
    op: GroupOp,
    members: Vec<Node>,
    span: crate::span::Span,
    done: &mut Rewrites,
    meter: &mut Meter,
) -> Option<Node> {
    let mut flat = Vec::with_capacity(members.len());
    for m in members {
        Node::push_flat(&mut flat, op, m);
    }
    match Node::from_flat(op, flat, span)? {
        Node::Group(g) => Some(simplify_members(g.op, g.members, g.span, done, meter)),
        filter => Some(filter),
    }
}

/// The rewrites of one group whose members are already simplified.
fn simplify_members(
    op: GroupOp,
    members: Vec<Node>,
    span: crate::span::Span,
    done: &mut Rewrites,
    meter: &mut Meter,
) -> Node {
    let members = dedupe(members, done, meter);
    let members = fold_lists(members, op, done, meter);
    let members = collapse_bounds(members, op, done, meter);
    let members = absorb(members, op, done, meter);
    match factor(&members, op, span, done, meter) {
        Some(node) => node,
        None => Node::from_flat(op, members, span).unwrap_or(Node::Group(Group {
            op,
            members: Vec::new(),
            span,
        })),
    }
}

/// Members that appear twice are kept once.
fn dedupe(members: Vec<Node>, done: &mut Rewrites, meter: &mut Meter) -> Vec<Node> {
    if members.len() < 2 || !meter.spend(members.len()) {
        return members;
    }
    let mut seen: Map<u64, Vec<usize>> = map_with(members.len());
    let mut out: Vec<Node> = Vec::with_capacity(members.len());
    for m in members {
        let bucket = seen.entry(fingerprint(&m)).or_default();
        if bucket.iter().any(|&i| same(&out[i], &m, meter)) {
            done.absorbed += 1;
        } else {
            bucket.push(out.len());
            out.push(m);
        }
    }
    out
}

/// In an OR, `x = a`, `x = b` and `x IN [..]` become one `x IN [..]`; in an
/// AND, `!=` and `NIN` become one `NIN`. Only where the field takes the
/// list operator, and never with null.
fn fold_lists(
    members: Vec<Node>,
    op: GroupOp,
    done: &mut Rewrites,
    meter: &mut Meter,
) -> Vec<Node> {
    if members.len() < 2 || !meter.spend(members.len()) {
        return members;
    }
    let (one, list) = match op {
        GroupOp::Or => (Op::Eq, Op::In),
        GroupOp::And => (Op::Ne, Op::Nin),
    };
    let foldable = |f: &Filter| {
        f.field.api_ops.contains(list)
            && (f.op == list
                || (f.op == one && !matches!(f.value, FilterValue::One(ScalarValue::Null))))
    };
    // The foldable filter of each field, by name: its index in `out`, and
    // its values by hash (built once the first value is folded in).
    let mut by_field: Map<Cow<'static, str>, (usize, Option<ValueIndex>)> = Map::default();
    let mut out: Vec<Node> = Vec::with_capacity(members.len());
    for m in members {
        let f = match m {
            Node::Filter(f) if foldable(&f) => f,
            other => {
                out.push(other);
                continue;
            }
        };
        let Some((i, known)) = by_field.get_mut(&f.field.name) else {
            by_field.insert(f.field.name.clone(), (out.len(), None));
            out.push(Node::Filter(f));
            continue;
        };
        let Node::Filter(e) = &mut out[*i] else {
            out.push(Node::Filter(f));
            continue;
        };
        if !meter.spend(list_len(&f.value) + known.as_ref().map_or(list_len(&e.value), |_| 0)) {
            out.push(Node::Filter(f));
            continue;
        }
        if f.op == one || e.op == one {
            done.folded += 1;
        } else {
            done.merged += 1;
        }
        let mut values = into_list(std::mem::replace(
            &mut e.value,
            FilterValue::List(Vec::new()),
        ));
        let known = known.get_or_insert_with(|| {
            let mut known: Map<u64, Vec<usize>> = map_with(values.len());
            for (k, v) in values.iter().enumerate() {
                known.entry(scalar_hash(v)).or_default().push(k);
            }
            known
        });
        for v in into_list(f.value) {
            let bucket = known.entry(scalar_hash(&v)).or_default();
            if !bucket.iter().any(|&k| values[k] == v) {
                bucket.push(values.len());
                values.push(v);
            }
        }
        e.op = list;
        e.value = FilterValue::List(values);
        e.span = e.span.cover(f.span);
    }
    out
}

/// The positions of a list's values, by their hash.
type ValueIndex = Map<u64, Vec<usize>>;

fn list_len(value: &FilterValue) -> usize {
    match value {
        FilterValue::One(_) => 1,
        FilterValue::List(vs) => vs.len(),
    }
}

fn scalar_hash(v: &ScalarValue) -> u64 {
    let mut h = hasher();
    hash_scalar(v, &mut h);
    h.finish()
}

fn into_list(value: FilterValue) -> Vec<ScalarValue> {
    match value {
        FilterValue::One(v) => vec![v],
        FilterValue::List(vs) => vs,
    }
}

fn number(v: &FilterValue) -> Option<f64> {
    match v {
        FilterValue::One(ScalarValue::Integer(n) | ScalarValue::Date(n)) => Some(*n as f64),
        FilterValue::One(ScalarValue::Float(f)) => Some(*f),
        _ => None,
    }
}

/// Two bounds with the same operator on one field: in an AND the tighter
/// one, in an OR the looser one, is all that counts.
fn collapse_bounds(
    members: Vec<Node>,
    op: GroupOp,
    done: &mut Rewrites,
    meter: &mut Meter,
) -> Vec<Node> {
    if members.len() < 2 || !meter.spend(members.len()) {
        return members;
    }
    // The bound of each field and operator, as an index into `out`.
    let mut by_bound: Map<(Cow<'static, str>, Op), usize> = Map::default();
    let mut out: Vec<Node> = Vec::with_capacity(members.len());
    for m in members {
        let (f, value) = match m {
            Node::Filter(f) if f.op.is_order() => match number(&f.value) {
                Some(value) => (f, value),
                None => {
                    out.push(Node::Filter(f));
                    continue;
                }
            },
            other => {
                out.push(other);
                continue;
            }
        };
        let key = (f.field.name.clone(), f.op);
        let Some(&i) = by_bound.get(&key) else {
            by_bound.insert(key, out.len());
            out.push(Node::Filter(f));
            continue;
        };
        let Node::Filter(e) = &mut out[i] else {
            out.push(Node::Filter(f));
            continue;
        };
        let old = number(&e.value).unwrap_or(value);
        let lower_bound = matches!(f.op, Op::Gt | Op::Ge);
        // In an AND a lower bound keeps the larger value; in an OR the smaller.
        let keep_new = (lower_bound == (op == GroupOp::And)) == (value > old);
        if keep_new && value != old {
            e.value = f.value;
        }
        e.span = e.span.cover(f.span);
        done.bounds += 1;
    }
    out
}

/// `a OR (a AND b)` is `a`; `a AND (a OR b)` is `a`: a group of the inner
/// operator goes when another member's parts are all among its members
/// (and are fewer: equal groups are duplicates, which `dedupe` removed).
fn absorb(members: Vec<Node>, op: GroupOp, done: &mut Rewrites, meter: &mut Meter) -> Vec<Node> {
    if members.len() < 2 || !meter.spend(members.len()) {
        return members;
    }
    let inner = op.flip();
    let parts: Vec<&[Node]> = members.iter().map(|m| as_members(m, inner)).collect();
    let prints: Vec<Vec<u64>> = parts
        .iter()
        .map(|p| p.iter().map(fingerprint).collect())
        .collect();
    // How many members hold each part; a member that could absorb a group
    // is filed under its rarest part, which the group must hold.
    let mut holders: Map<u64, usize> = map_with(members.len());
    for p in prints.iter().flatten() {
        *holders.entry(*p).or_default() += 1;
    }
    let mut witnesses: Map<u64, Vec<usize>> = map_with(members.len());
    for (j, p) in prints.iter().enumerate() {
        if let Some(rarest) = p
            .iter()
            .min_by_key(|p| holders.get(p).copied().unwrap_or(0))
        {
            witnesses.entry(*rarest).or_default().push(j);
        }
    }
    let mut gone = vec![false; members.len()];
    for (i, m) in members.iter().enumerate() {
        if !matches!(m, Node::Group(g) if g.op == inner) {
            continue;
        }
        // `parts[i]` are the group's members; indexed when first needed.
        let mut own: Option<Map<u64, Vec<usize>>> = None;
        let mut absorbed = false;
        'members: for p in &prints[i] {
            for &j in witnesses.get(p).map(Vec::as_slice).unwrap_or_default() {
                if j == i || gone[j] || parts[j].len() >= parts[i].len() {
                    continue;
                }
                if !meter.spend(parts[j].len()) {
                    break 'members;
                }
                let own = own.get_or_insert_with(|| {
                    let mut own: Map<u64, Vec<usize>> = map_with(prints[i].len());
                    for (k, &p) in prints[i].iter().enumerate() {
                        own.entry(p).or_default().push(k);
                    }
                    own
                });
                // Every part of `j` is a member of the group: whatever the
                // group selects, `j` does (OR), or the reverse (AND).
                let inside = parts[j].iter().zip(&prints[j]).all(|(x, px)| {
                    own.get(px)
                        .is_some_and(|ks| ks.iter().any(|&k| same(&parts[i][k], x, meter)))
                });
                if inside {
                    absorbed = true;
                    break 'members;
                }
            }
        }
        // A member absorbed is no longer a witness.
        gone[i] = absorbed;
    }
    let mut out = Vec::with_capacity(members.len());
    for (m, gone) in members.into_iter().zip(gone) {
        if gone {
            done.absorbed += 1;
        } else {
            out.push(m);
        }
    }
    out
}

/// `(a AND b) OR (a AND c)` is `a AND (b OR c)`, and the dual; `None` when
/// the branches share nothing.
fn factor(
    members: &[Node],
    op: GroupOp,
    span: crate::span::Span,
    done: &mut Rewrites,
    meter: &mut Meter,
) -> Option<Node> {
    if members.len() < 2 || !meter.spend(members.len()) {
        return None;
    }
    let inner = op.flip();
    let branches: Vec<&[Node]> = members.iter().map(|m| as_members(m, inner)).collect();
    // Fingerprints found in every branch, narrowed branch by branch.
    let mut candidates: Set<u64> = branches[0].iter().map(fingerprint).collect();
    for b in &branches[1..] {
        if candidates.is_empty() || !meter.spend(b.len()) {
            return None;
        }
        let here: Set<u64> = b.iter().map(fingerprint).collect();
        candidates.retain(|p| here.contains(p));
    }
    if candidates.is_empty() {
        return None;
    }
    let common: Vec<&Node> = branches[0]
        .iter()
        .filter(|c| {
            candidates.contains(&fingerprint(c))
                && branches[1..]
                    .iter()
                    .all(|b| b.iter().any(|x| same(x, c, meter)))
        })
        .collect();
    if common.is_empty() {
        return None;
    }
    done.factored += 1;
    let mut scratch = Rewrites::default();
    let mut rests = Vec::with_capacity(branches.len());
    for b in &branches {
        let rest: Vec<Node> = b
            .iter()
            .filter(|x| {
                !(candidates.contains(&fingerprint(x)) && common.iter().any(|c| same(x, c, meter)))
            })
            .cloned()
            .collect();
        if rest.is_empty() {
            // One branch is the common part alone: it absorbs the others.
            return Node::group(inner, common.into_iter().cloned(), span);
        }
        rests.push(regroup(inner, rest, span, &mut scratch, meter)?);
    }
    let alternatives = regroup(op, rests, span, &mut scratch, meter)?;
    let mut all: Vec<Node> = common.into_iter().cloned().collect();
    all.push(alternatives);
    regroup(inner, all, span, done, meter)
}

/// True when [`nest`] makes `node`, sitting at `level`, fit `limits`.
pub(super) fn nestable(node: &Node, level: usize, limits: &ApiLimits) -> bool {
    let Node::Group(g) = node else {
        return true;
    };
    let width = limits.max_group_members;
    if level > limits.max_nesting || !g.members.iter().all(|m| nestable(m, level + 1, limits)) {
        return false;
    }
    let groups = g
        .members
        .iter()
        .filter(|m| matches!(m, Node::Group(_)))
        .count();
    let leaves = g.members.len() - groups;
    layout_fits(leaves, groups, level, limits) || g.members.len() <= width
}

/// True when a group at `level` of `leaves` filters and `groups` groups
/// (each fitting the level below) fits once its filters are nested into
/// sub-groups of the same operator.
pub(super) fn layout_fits(leaves: usize, groups: usize, level: usize, limits: &ApiLimits) -> bool {
    let width = limits.max_group_members;
    if level > limits.max_nesting {
        return false;
    }
    if leaves + groups <= width {
        return true;
    }
    level < limits.max_nesting
        && width >= 2
        && groups <= width
        && leaves.div_ceil(width) <= width - groups
}

/// Nests over-long groups: the filters of a group of more than 15 members
/// go into sub-groups of the same operator (at most 15 each), as long as
/// the sub-groups sit no deeper than the API allows. `None` when a group
/// cannot be made to fit.
pub(super) fn nest(
    node: Node,
    level: usize,
    limits: &ApiLimits,
    done: &mut Rewrites,
) -> Option<Node> {
    let Node::Group(g) = node else {
        return Some(node);
    };
    let width = limits.max_group_members;
    let mut members = Vec::with_capacity(g.members.len());
    for m in g.members {
        members.push(nest(m, level + 1, limits, done)?);
    }
    if members.len() <= width {
        return Some(Node::Group(Group { members, ..g }));
    }
    if level + 1 > limits.max_nesting || width < 2 {
        return None;
    }
    let (leaves, groups): (Vec<Node>, Vec<Node>) = members
        .into_iter()
        .partition(|m| matches!(m, Node::Filter(_)));
    let room = width.checked_sub(groups.len())?;
    let chunks = leaves.len().div_ceil(width);
    if chunks > room {
        return None;
    }
    // Fill the room: as many leaves as possible stay direct members.
    let direct = (room - chunks).min(leaves.len());
    let mut leaves = leaves.into_iter();
    let mut out: Vec<Node> = groups;
    out.extend(leaves.by_ref().take(direct));
    let rest: Vec<Node> = leaves.collect();
    for chunk in rest.chunks(width) {
        if chunk.len() == 1 {
            out.extend(chunk.iter().cloned());
            continue;
        }
        let span = chunk[0].span().cover(chunk[chunk.len() - 1].span());
        done.nested += 1;
        out.push(Node::Group(Group {
            op: g.op,
            members: chunk.to_vec(),
            span,
        }));
    }
    if out.len() > width {
        return None;
    }
    Some(Node::Group(Group {
        op: g.op,
        members: out,
        span: g.span,
    }))
}
