//! The API's structural limits, checked on the normalised tree.
//!
//! From the conversation search reference: "There's a limit of max 2
//! nested filters" and "There's a limit of max 15 filters for each AND or
//! OR group". qc reads the first as: counting the top-level group as level
//! 1, groups may sit at most at level 2, so `(a OR b) AND (c OR d)` is the
//! deepest shape allowed and `a AND (b OR (c AND d))` is too deep.

use super::query::Node;
use crate::diagnostic::{Code, Diagnostic};

/// The deepest level a group may sit at (the top-level group is level 1).
pub const MAX_NESTING: usize = 2;

/// The most direct members one AND or OR group may hold.
pub const MAX_GROUP_MEMBERS: usize = 15;

/// Reports every group that breaks a limit.
pub fn check_limits(root: &Node, diagnostics: &mut Vec<Diagnostic>) {
    visit(root, 1, diagnostics);
}

fn visit(node: &Node, level: usize, diagnostics: &mut Vec<Diagnostic>) {
    let Node::Group(group) = node else {
        return;
    };
    if level > MAX_NESTING {
        diagnostics.push(
            Diagnostic::new(
                Code::NestingLimit,
                group.span,
                format!(
                    "this {} group is nested {level} deep; the API allows at most {MAX_NESTING} levels of nested filters",
                    group.op.as_str()
                ),
            )
            .with_help("the deepest shape allowed is `(a OR b) AND (c OR d)`: flatten the query or use IN/NIN"),
        );
        return;
    }
    if group.members.len() > MAX_GROUP_MEMBERS {
        diagnostics.push(
            Diagnostic::new(
                Code::GroupTooLarge,
                group.span,
                format!(
                    "this {} group holds {} filters; the API allows at most {MAX_GROUP_MEMBERS} per AND or OR group",
                    group.op.as_str(),
                    group.members.len()
                ),
            )
            .with_help("combine comparisons on one field with IN [...], or split the query"),
        );
    }
    // Only groups have limits: a filter needs no visit.
    for member in &group.members {
        if let Node::Group(_) = member {
            visit(member, level + 1, diagnostics);
        }
    }
}
