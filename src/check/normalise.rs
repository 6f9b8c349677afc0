//! The compiler's normalisation, applied to a query from elsewhere (JSON).

use super::query::{Node, Query};

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
    match node {
        Node::Group(group) => {
            let members = group.members.iter().map(normalise);
            Node::group(group.op, members, group.span).unwrap_or_else(|| node.clone())
        }
        Node::Filter(_) => node.clone(),
    }
}
