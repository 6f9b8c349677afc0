//! The two normal forms of a query: its DNF (an OR of ANDs of filters)
//! and its CNF (an AND of ORs of filters), each with every absorbed set
//! removed.
//!
//! A query without NOT (qc pushes NOT into the comparisons) is monotone
//! in its filters. Taking its distinct filters as independent atoms, the
//! absorbed DNF is the set of its prime implicants and the absorbed CNF
//! the set of its prime implicates: every DNF of the query holds each of
//! the former as a term, and every CNF each of the latter as a clause. So
//! when any body of two levels (an OR of ANDs, or an AND of ORs) expresses
//! the query over its filters, these two do, with the fewest filters. The
//! filters are not always independent (`x = 1` implies `x IN [1, 2]`);
//! where they are not, the forms are still exact, and simplifying them
//! afterwards (folding, bounds) takes up some of the slack.
//!
//! Both are built bottom-up within the [`Meter`]'s budget, and give up
//! (`None`) past a number of sets: such a form could fit no request.

use super::budget::Meter;
use super::rewrite::{Map, filter_fingerprint, map_with};
use crate::check::{Filter, GroupOp, Node};
use crate::span::Span;

/// The distinct filters of a query, numbered from 0.
pub(super) struct Atoms {
    /// The filters, by number.
    pub(super) filters: Vec<Filter>,
    /// Their numbers, by fingerprint.
    by_print: Map<u64, Vec<u32>>,
}

impl Atoms {
    /// The distinct filters of `root`.
    pub(super) fn of(root: &Node) -> Atoms {
        let mut atoms = Atoms {
            filters: Vec::new(),
            by_print: map_with(16),
        };
        root.for_each_filter(&mut |f| {
            atoms.intern(f);
        });
        atoms
    }

    fn intern(&mut self, f: &Filter) -> u32 {
        let bucket = self.by_print.entry(filter_fingerprint(f)).or_default();
        for &i in bucket.iter() {
            let known = &self.filters[i as usize];
            if known.field.name == f.field.name && known.op == f.op && known.value == f.value {
                return i;
            }
        }
        let i = u32::try_from(self.filters.len()).unwrap_or(u32::MAX);
        bucket.push(i);
        self.filters.push(f.clone());
        i
    }

    /// The number of `f`, when it is one of the filters.
    pub(super) fn id(&self, f: &Filter) -> Option<u32> {
        self.by_print
            .get(&filter_fingerprint(f))?
            .iter()
            .copied()
            .find(|&i| {
                let known = &self.filters[i as usize];
                known.field.name == f.field.name && known.op == f.op && known.value == f.value
            })
    }

    /// Words of a [`Bits`] over these atoms.
    fn words(&self) -> usize {
        self.filters.len().div_ceil(64).max(1)
    }

    /// The filters of `set`, as nodes.
    pub(super) fn nodes(&self, set: &Bits) -> Vec<Node> {
        set.iter()
            .filter_map(|i| self.filters.get(i).cloned().map(Node::Filter))
            .collect()
    }
}

/// A set of atoms: the filters of one term (in a DNF) or clause (in a
/// CNF).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) struct Bits(Box<[u64]>);

impl Bits {
    fn one(words: usize, i: u32) -> Bits {
        let mut w = vec![0u64; words];
        let i = i as usize;
        if let Some(word) = w.get_mut(i / 64) {
            *word |= 1 << (i % 64);
        }
        Bits(w.into_boxed_slice())
    }

    fn union(&self, other: &Bits) -> Bits {
        Bits(
            self.0
                .iter()
                .zip(other.0.iter())
                .map(|(a, b)| a | b)
                .collect(),
        )
    }

    fn is_disjoint(&self, other: &Bits) -> bool {
        self.0.iter().zip(other.0.iter()).all(|(a, b)| a & b == 0)
    }

    fn is_subset(&self, other: &Bits) -> bool {
        self.0.iter().zip(other.0.iter()).all(|(a, b)| a & !b == 0)
    }

    /// How many atoms the set holds.
    pub(super) fn len(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// The lowest atom of the set.
    fn first(&self) -> Option<usize> {
        self.0
            .iter()
            .enumerate()
            .find(|(_, w)| **w != 0)
            .map(|(k, w)| k * 64 + w.trailing_zeros() as usize)
    }

    /// The atoms of the set, lowest first.
    pub(super) fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(k, &w)| {
            let mut w = w;
            std::iter::from_fn(move || {
                (w != 0).then(|| {
                    let bit = w.trailing_zeros() as usize;
                    w &= w - 1;
                    k * 64 + bit
                })
            })
        })
    }
}

/// The form of `node` whose outer operator is `outer` (OR: the DNF, AND:
/// the CNF), as sets of atoms joined by the other operator: `None` when
/// a set of the form, or of a part of it, would pass `cap` sets, or the
/// budget runs out.
pub(super) fn normal(
    node: &Node,
    outer: GroupOp,
    atoms: &Atoms,
    cap: usize,
    meter: &mut Meter,
) -> Option<Vec<Bits>> {
    let words = atoms.words();
    match node {
        Node::Filter(f) => Some(vec![Bits::one(words, atoms.id(f)?)]),
        Node::Group(g) if g.op == outer => {
            let mut all = Vec::new();
            for m in &g.members {
                all.extend(normal(m, outer, atoms, cap, meter)?);
                if all.len() > cap.saturating_mul(4) {
                    return None;
                }
            }
            absorb(all, atoms.filters.len(), cap, meter)
        }
        Node::Group(g) => {
            let mut acc: Option<Vec<Bits>> = None;
            for m in &g.members {
                let part = normal(m, outer, atoms, cap, meter)?;
                acc = Some(match acc {
                    None => part,
                    Some(acc) => product(&acc, &part, atoms.filters.len(), cap, meter)?,
                });
            }
            acc
        }
    }
}

/// Every union of a set of `a` and a set of `b`, absorbed.
fn product(
    a: &[Bits],
    b: &[Bits],
    atoms: usize,
    cap: usize,
    meter: &mut Meter,
) -> Option<Vec<Bits>> {
    let n = a.len().checked_mul(b.len())?;
    if n > cap.saturating_mul(4) || !meter.spend(n) {
        return None;
    }
    let mut all = Vec::with_capacity(n);
    for x in a {
        for y in b {
            all.push(x.union(y));
        }
    }
    // Sets over disjoint atoms, each family absorbed: so is the product.
    let of = |sets: &[Bits]| {
        sets.iter()
            .skip(1)
            .fold(sets[0].clone(), |acc, s| acc.union(s))
    };
    if !a.is_empty() && !b.is_empty() && of(a).is_disjoint(&of(b)) {
        return (all.len() <= cap).then_some(all);
    }
    absorb(all, atoms, cap, meter)
}

/// The sets of `all` that hold no other set of `all` (duplicates kept
/// once), smallest first; `None` past `cap` of them.
fn absorb(mut all: Vec<Bits>, atoms: usize, cap: usize, meter: &mut Meter) -> Option<Vec<Bits>> {
    if !meter.spend(all.len()) {
        return None;
    }
    all.sort_unstable_by(|x, y| x.len().cmp(&y.len()).then_with(|| x.cmp(y)));
    all.dedup();
    // The sets kept, filed under their lowest atom: a set kept can only
    // be inside a later one when that one holds its lowest atom.
    let mut by_first: Vec<Vec<usize>> = vec![Vec::new(); atoms];
    let mut kept: Vec<Bits> = Vec::with_capacity(all.len());
    for s in all {
        let mut inside = false;
        for i in s.iter() {
            let bucket = &by_first[i];
            if !meter.spend(bucket.len()) {
                return None;
            }
            if bucket.iter().any(|&k| kept[k].is_subset(&s)) {
                inside = true;
                break;
            }
        }
        if !inside {
            if kept.len() == cap {
                return None;
            }
            if let Some(first) = s.first() {
                by_first[first].push(kept.len());
            }
            kept.push(s);
        }
    }
    Some(kept)
}

/// The tree of a form: an `outer` group of `inner` groups of the atoms.
pub(super) fn tree(sets: &[Bits], outer: GroupOp, atoms: &Atoms, span: Span) -> Option<Node> {
    let members: Vec<Node> = sets
        .iter()
        .filter_map(|s| Node::group(outer.flip(), atoms.nodes(s), span))
        .collect();
    Node::group(outer, members, span)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimise::Budget;

    fn bits(words: usize, atoms: &[u32]) -> Bits {
        atoms
            .iter()
            .fold(Bits(vec![0; words].into_boxed_slice()), |acc, &i| {
                acc.union(&Bits::one(words, i))
            })
    }

    #[test]
    fn absorption_keeps_the_minimal_sets() {
        let mut meter = Meter::new(Budget::DEFAULT);
        let all = vec![
            bits(2, &[0, 1, 2]),
            bits(2, &[70]),
            bits(2, &[0, 1]),
            bits(2, &[1, 70]),
            bits(2, &[0, 1]),
            bits(2, &[3, 4]),
        ];
        let kept = absorb(all, 128, 10, &mut meter).expect("within the cap");
        assert_eq!(
            kept,
            vec![bits(2, &[70]), bits(2, &[0, 1]), bits(2, &[3, 4])]
        );
        assert_eq!(kept[2].iter().collect::<Vec<_>>(), vec![3, 4]);
        assert_eq!(kept[0].first(), Some(70));
        // Past the cap: nothing.
        let all = (0..5).map(|i| bits(1, &[i])).collect();
        assert_eq!(absorb(all, 5, 4, &mut meter), None);
    }
}
