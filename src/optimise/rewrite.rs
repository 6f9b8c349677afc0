//! The rewrites themselves, bottom-up over the tree, and what they did.

use crate::check::{Filter, FilterValue, Group, GroupOp, Node, Query, ScalarValue};
use crate::check::{MAX_GROUP_MEMBERS, MAX_NESTING};
use crate::op::Op;

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

/// Every meaning-preserving simplification, whether or not the query
/// fits: folding, merging, absorbing, factoring and collapsing bounds
/// (not nesting, which only [`super::fit`] does).
pub fn optimise(query: &Query) -> Query {
    let mut done = Rewrites::default();
    Query {
        root: simplify(query.root.clone(), &mut done),
        pagination: query.pagination.clone(),
    }
}

/// True when two nodes mean the same, spans aside.
pub(super) fn same(a: &Node, b: &Node) -> bool {
    match (a, b) {
        (Node::Filter(x), Node::Filter(y)) => {
            x.field.name == y.field.name && x.op == y.op && x.value == y.value
        }
        (Node::Group(x), Node::Group(y)) => {
            x.op == y.op
                && x.members.len() == y.members.len()
                && x.members
                    .iter()
                    .all(|m| y.members.iter().any(|n| same(m, n)))
                && y.members
                    .iter()
                    .all(|m| x.members.iter().any(|n| same(m, n)))
        }
        _ => false,
    }
}

/// A node's members as a group of `op`: its own when it is one, else
/// itself alone.
fn as_members(node: &Node, op: GroupOp) -> Vec<&Node> {
    match node {
        Node::Group(g) if g.op == op => g.members.iter().collect(),
        other => vec![other],
    }
}

/// Simplifies `node` bottom-up, counting what was done.
pub(super) fn simplify(node: Node, done: &mut Rewrites) -> Node {
    let Node::Group(g) = node else {
        return node;
    };
    let op = g.op;
    let span = g.span;
    let mut members = Vec::with_capacity(g.members.len());
    for m in g.members {
        Node::push_flat(&mut members, op, simplify(m, done));
    }
    let members = dedupe(members, done);
    let members = fold_lists(members, op, done);
    let members = collapse_bounds(members, op, done);
    let members = absorb(members, op, done);
    match factor(&members, op, span, done) {
        Some(node) => node,
        None => Node::from_flat(op, members, span).unwrap_or(Node::Group(Group {
            op,
            members: Vec::new(),
            span,
        })),
    }
}

fn dedupe(members: Vec<Node>, done: &mut Rewrites) -> Vec<Node> {
    let mut out: Vec<Node> = Vec::with_capacity(members.len());
    for m in members {
        if out.iter().any(|o| same(o, &m)) {
            done.absorbed += 1;
        } else {
            out.push(m);
        }
    }
    out
}

/// In an OR, `x = a`, `x = b` and `x IN [..]` become one `x IN [..]`; in an
/// AND, `!=` and `NIN` become one `NIN`. Only where the field takes the
/// list operator, and never with null.
fn fold_lists(members: Vec<Node>, op: GroupOp, done: &mut Rewrites) -> Vec<Node> {
    let (one, list) = match op {
        GroupOp::Or => (Op::Eq, Op::In),
        GroupOp::And => (Op::Ne, Op::Nin),
    };
    let foldable = |f: &Filter| {
        f.field.api_ops.contains(list)
            && (f.op == list
                || (f.op == one && !matches!(f.value, FilterValue::One(ScalarValue::Null))))
    };
    let mut out: Vec<Node> = Vec::with_capacity(members.len());
    for m in members {
        let Node::Filter(f) = m else {
            out.push(m);
            continue;
        };
        if !foldable(&f) {
            out.push(Node::Filter(f));
            continue;
        }
        let existing = out.iter_mut().find_map(|o| match o {
            Node::Filter(e) if e.field.name == f.field.name && foldable(e) => Some(e),
            _ => None,
        });
        let Some(e) = existing else {
            out.push(Node::Filter(f));
            continue;
        };
        if f.op == one || e.op == one {
            done.folded += 1;
        } else {
            done.merged += 1;
        }
        let mut values = into_list(std::mem::replace(
            &mut e.value,
            FilterValue::List(Vec::new()),
        ));
        for v in into_list(f.value) {
            if !values.contains(&v) {
                values.push(v);
            }
        }
        e.op = list;
        e.value = FilterValue::List(values);
        e.span = e.span.cover(f.span);
    }
    out
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
fn collapse_bounds(members: Vec<Node>, op: GroupOp, done: &mut Rewrites) -> Vec<Node> {
    let mut out: Vec<Node> = Vec::with_capacity(members.len());
    for m in members {
        let Node::Filter(f) = m else {
            out.push(m);
            continue;
        };
        let Some(value) = number(&f.value).filter(|_| f.op.is_order()) else {
            out.push(Node::Filter(f));
            continue;
        };
        let existing = out.iter_mut().find_map(|o| match o {
            Node::Filter(e)
                if e.field.name == f.field.name && e.op == f.op && number(&e.value).is_some() =>
            {
                Some(e)
            }
            _ => None,
        });
        let Some(e) = existing else {
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

/// `a OR (a AND b)` is `a`; `a AND (a OR b)` is `a`.
fn absorb(members: Vec<Node>, op: GroupOp, done: &mut Rewrites) -> Vec<Node> {
    let inner = op.flip();
    let absorbed: Vec<bool> = members
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let Node::Group(g) = m else {
                return false;
            };
            g.op == inner
                && members.iter().enumerate().any(|(j, other)| {
                    // `other` is a part of `g`: whatever `g` selects, it does.
                    j != i
                        && as_members(other, inner)
                            .iter()
                            .all(|o| g.members.iter().any(|x| same(x, o)))
                })
        })
        .collect();
    let mut out = Vec::with_capacity(members.len());
    for (m, gone) in members.into_iter().zip(absorbed) {
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
) -> Option<Node> {
    if members.len() < 2 {
        return None;
    }
    let inner = op.flip();
    let branches: Vec<Vec<&Node>> = members.iter().map(|m| as_members(m, inner)).collect();
    let common: Vec<&Node> = branches[0]
        .iter()
        .copied()
        .filter(|c| branches[1..].iter().all(|b| b.iter().any(|x| same(x, c))))
        .collect();
    if common.is_empty() {
        return None;
    }
    done.factored += 1;
    let mut rests = Vec::with_capacity(branches.len());
    for b in &branches {
        let rest: Vec<Node> = b
            .iter()
            .filter(|x| !common.iter().any(|c| same(x, c)))
            .map(|x| (*x).clone())
            .collect();
        if rest.is_empty() {
            // One branch is the common part alone: it absorbs the others.
            return Node::group(inner, common.into_iter().cloned(), span);
        }
        rests.push(Node::group(inner, rest, span)?);
    }
    let mut rest_done = Rewrites::default();
    let alternatives = simplify(Node::group(op, rests, span)?, &mut rest_done);
    let mut all: Vec<Node> = common.into_iter().cloned().collect();
    all.push(alternatives);
    Some(simplify(Node::group(inner, all, span)?, done))
}

/// Nests over-long groups: the filters of a group of more than 15 members
/// go into sub-groups of the same operator (at most 15 each), as long as
/// the sub-groups sit no deeper than the API allows. `None` when a group
/// cannot be made to fit.
pub(super) fn nest(node: Node, level: usize, done: &mut Rewrites) -> Option<Node> {
    let Node::Group(g) = node else {
        return Some(node);
    };
    let mut members = Vec::with_capacity(g.members.len());
    for m in g.members {
        members.push(nest(m, level + 1, done)?);
    }
    if members.len() <= MAX_GROUP_MEMBERS {
        return Some(Node::Group(Group { members, ..g }));
    }
    if level + 1 > MAX_NESTING {
        return None;
    }
    let (leaves, groups): (Vec<Node>, Vec<Node>) = members
        .into_iter()
        .partition(|m| matches!(m, Node::Filter(_)));
    let room = MAX_GROUP_MEMBERS.checked_sub(groups.len())?;
    let chunks = leaves.len().div_ceil(MAX_GROUP_MEMBERS);
    if chunks > room {
        return None;
    }
    // Fill the room: as many leaves as possible stay direct members.
    let direct = (room - chunks).min(leaves.len());
    let mut leaves = leaves.into_iter();
    let mut out: Vec<Node> = groups;
    out.extend(leaves.by_ref().take(direct));
    let rest: Vec<Node> = leaves.collect();
    for chunk in rest.chunks(MAX_GROUP_MEMBERS) {
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
    if out.len() > MAX_GROUP_MEMBERS {
        return None;
    }
    Some(Node::Group(Group {
        op: g.op,
        members: out,
        span: g.span,
    }))
}
