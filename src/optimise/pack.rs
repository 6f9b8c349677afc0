//! Packing alternatives into requests: the members of each request's
//! top OR, as many as fit.

use super::budget::{ApiLimits, Meter};
use super::fit::fits_within;
use super::rewrite::{self, Rewrites, layout_fits, nestable};
use crate::check::{GroupOp, Node};

/// The packer was full: more requests than its bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Full {
    /// The bound.
    pub(super) max: usize,
}

/// One request: the OR of `members` (which the packer found to fit once
/// nested), simplified where that still fits, nested.
pub(super) fn packed(members: Vec<Node>, limits: &ApiLimits, meter: &mut Meter) -> Option<Node> {
    let span = members.first()?.span();
    let mut scratch = Rewrites::default();
    let root = Node::group(GroupOp::Or, members, span)?;
    let simpler = rewrite::simplify(root.clone(), &mut scratch, meter);
    let choice = if nestable(&simpler, 1, limits) {
        simpler
    } else {
        root
    };
    rewrite::nest(choice, 1, limits, &mut scratch).filter(|r| fits_within(r, limits))
}

/// Packs alternatives, as they come, into OR groups that fit one request.
pub(super) struct Packer<'a> {
    limits: &'a ApiLimits,
    /// The most requests.
    pub(super) max: usize,
    /// The alternatives pushed.
    pub(super) pushed: usize,
    done: Vec<Vec<Node>>,
    current: Vec<Node>,
    layout: Layout,
}

/// The shape of the OR of the alternatives of one request.
#[derive(Debug, Clone, Copy, Default)]
struct Layout {
    /// An alternative that cannot share its request (it needs the top
    /// level to itself).
    alone: bool,
    /// Filters among the OR's members.
    leaves: usize,
    /// Groups among the OR's members (each fits at level 2).
    groups: usize,
}

impl<'a> Packer<'a> {
    pub(super) fn new(limits: &'a ApiLimits, max: usize) -> Self {
        Packer {
            limits,
            max,
            pushed: 0,
            done: Vec::new(),
            current: Vec::new(),
            layout: Layout::default(),
        }
    }

    /// The most alternatives the requests not yet closed could still hold.
    pub(super) fn room(&self) -> usize {
        let open = self.max.saturating_sub(self.done.len());
        open.saturating_mul(self.limits.parts_per_request())
            .saturating_sub(self.current.len())
    }

    /// Adds an alternative that fits one request on its own.
    pub(super) fn push(&mut self, part: Node) -> Result<(), Full> {
        self.pushed += 1;
        if !self.current.is_empty() {
            if let Some(layout) = self.with(&part) {
                self.layout = layout;
                self.current.push(part);
                return Ok(());
            }
            self.done.push(std::mem::take(&mut self.current));
            if self.done.len() >= self.max {
                return Err(Full { max: self.max });
            }
        }
        self.layout = self
            .with_layout(Layout::default(), &part)
            .unwrap_or(Layout {
                alone: true,
                ..Layout::default()
            });
        self.current.push(part);
        Ok(())
    }

    /// The layout of the current request with `part` added, if it fits.
    fn with(&self, part: &Node) -> Option<Layout> {
        if self.layout.alone {
            return None;
        }
        self.with_layout(self.layout, part)
    }

    fn with_layout(&self, mut layout: Layout, part: &Node) -> Option<Layout> {
        for m in rewrite::as_members(part, GroupOp::Or) {
            match m {
                Node::Filter(_) => layout.leaves += 1,
                group if nestable(group, 2, self.limits) => layout.groups += 1,
                _ => return None,
            }
        }
        layout_fits(layout.leaves, layout.groups, 1, self.limits).then_some(layout)
    }

    /// The alternatives of each request.
    pub(super) fn finish(mut self) -> Result<Vec<Vec<Node>>, Full> {
        if !self.current.is_empty() {
            self.done.push(self.current);
        }
        if self.done.len() > self.max {
            return Err(Full { max: self.max });
        }
        Ok(self.done)
    }
}
