//! The compiler's normalisation, applied to a query from elsewhere (JSON).

use super::query::{Group, Node, Query};

impl Query {
    /// The query as the compiler would build it: groups nested in a group
    /// with the same operator merged into it, and single-member groups
    /// replaced by their member. Pagination is kept.
    pub fn normalised(&self) -> Query {
        Query {
            root: normalise(&self.root),
            pagination: self.pagination.clone(),
        }
    }
}

fn normalise(node: &Node) -> Node {
    let Node::Group(group) = node else {
        return node.clone();
    };
    let mut members = Vec::with_capacity(group.members.len());
    for member in &group.members {
        match normalise(member) {
            Node::Group(g) if g.op == group.op => members.extend(g.members),
            other => members.push(other),
        }
    }
    if members.len() == 1
        && let Some(only) = members.pop()
    {
        return only;
    }
    Node::Group(Group {
        op: group.op,
        members,
        span: group.span,
    })
}
