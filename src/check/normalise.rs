//! The compiler's normalisation, applied to a query from elsewhere (JSON).

use super::query::{Node, Query};

impl Query {
    /// The query as the compiler would build it: groups nested in a group
    /// with the same operator merged into it, and single-member groups
    /// replaced by their member. Sort and pagination are kept.
    pub fn normalised(&self) -> Query {
        Query {
            root: self.root.normalised(),
            pagination: self.pagination.clone(),
            sort: self.sort.clone(),
        }
    }
}

impl Node {
    /// The tree as the compiler would build it (see [`Query::normalised`]);
    /// spans are kept.
    pub fn normalised(&self) -> Node {
        match self {
            Node::Group(group) => {
                let members = group.members.iter().map(Node::normalised);
                Node::group(group.op, members, group.span).unwrap_or_else(|| self.clone())
            }
            Node::Filter(_) => self.clone(),
        }
    }
}
