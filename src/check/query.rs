//! The checked query: typed, normalised and ready to emit.

use compact_str::CompactString;
use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};

use crate::op::{Op, SortOrder};
use crate::schema::FieldRef;
use crate::syntax::Span;

pub use crate::options::{DEFAULT_PER_PAGE, MAX_PER_PAGE, Pagination};

/// A checked query: the filter tree plus optional sort and pagination.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// The filter tree, NOT pushed into comparisons, nested same-operator
    /// groups flattened.
    pub root: Node,
    /// Pagination to send along, if any.
    pub pagination: Option<Pagination>,
    /// The order of the results (`ORDER BY`), if any: the request's `sort`.
    pub sort: Option<Sort>,
}

/// The order of a search's results: the request's `sort`, `{"field":
/// NAME, "order": "ascending" | "descending"}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Sort {
    /// The field sorted on (its row of the schema; a sort field).
    pub field: FieldRef,
    /// Ascending or descending: as written, else the API's default,
    /// descending (always sent).
    pub order: SortOrder,
    /// Where it came from in the source (the `ORDER BY` clause, or the
    /// request's `sort`).
    pub span: Span,
}

/// A filter or a group of filters.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// One comparison.
    Filter(Filter),
    /// An AND or OR of two or more nodes.
    Group(Group),
}

/// One comparison the API understands.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    /// The field compared (its row of the schema).
    pub field: FieldRef,
    /// The API operator.
    pub op: Op,
    /// The typed value.
    pub value: FilterValue,
    /// Where it came from in the source.
    pub span: Span,
}

/// An AND or OR group.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// AND or OR.
    pub op: GroupOp,
    /// The members, in source order.
    pub members: Vec<Node>,
    /// Where it came from in the source.
    pub span: Span,
}

/// How a group combines its members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum GroupOp {
    /// All members must match.
    #[serde(rename = "AND")]
    And,
    /// At least one member must match.
    #[serde(rename = "OR")]
    Or,
}

impl GroupOp {
    /// The operator string the API expects.
    pub const fn as_str(self) -> &'static str {
        match self {
            GroupOp::And => "AND",
            GroupOp::Or => "OR",
        }
    }

    /// AND for OR and OR for AND (De Morgan).
    pub const fn flip(self) -> GroupOp {
        match self {
            GroupOp::And => GroupOp::Or,
            GroupOp::Or => GroupOp::And,
        }
    }
}

/// The value of a filter: one value, or a list for IN/NIN.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum FilterValue {
    /// A single value.
    One(ScalarValue),
    /// A non-empty list, for IN and NIN.
    List(Vec<ScalarValue>),
}

/// A typed single value.
#[derive(Debug, Clone, PartialEq)]
pub enum ScalarValue {
    /// Text (emitted as a JSON string). Short texts (up to 24 bytes, most
    /// values) are kept inline, without an allocation of their own.
    String(CompactString),
    /// A whole number (emitted as a JSON number).
    Integer(i64),
    /// A boolean (emitted as JSON `true`/`false`).
    Boolean(bool),
    /// A decimal number (emitted as a JSON number).
    Float(f64),
    /// Unix seconds (emitted as a JSON string of digits, as the reference does).
    Date(i64),
    /// No value: `= null` matches a missing or null attribute (emitted as
    /// JSON `null`).
    Null,
}

impl Serialize for ScalarValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ScalarValue::String(v) => s.serialize_str(v),
            ScalarValue::Integer(v) => s.serialize_i64(*v),
            ScalarValue::Boolean(v) => s.serialize_bool(*v),
            ScalarValue::Float(v) => s.serialize_f64(*v),
            ScalarValue::Date(v) => s.collect_str(v),
            ScalarValue::Null => s.serialize_unit(),
        }
    }
}

impl Serialize for Query {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let len = 1 + usize::from(self.sort.is_some()) + usize::from(self.pagination.is_some());
        let mut st = s.serialize_struct("Query", len)?;
        st.serialize_field("query", &self.root)?;
        if let Some(sort) = &self.sort {
            st.serialize_field("sort", sort)?;
        }
        if let Some(p) = &self.pagination {
            st.serialize_field("pagination", p)?;
        }
        st.end()
    }
}

impl Serialize for Sort {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Sort", 2)?;
        st.serialize_field("field", &self.field.name)?;
        st.serialize_field("order", self.order.as_str())?;
        st.end()
    }
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Filter(f) => f.serialize(s),
            Node::Group(g) => g.serialize(s),
        }
    }
}

impl Serialize for Filter {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Filter", 3)?;
        st.serialize_field("field", &self.field.name)?;
        st.serialize_field("operator", self.op.as_str())?;
        st.serialize_field("value", &self.value)?;
        st.end()
    }
}

impl Serialize for Group {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Group", 2)?;
        st.serialize_field("operator", self.op.as_str())?;
        st.serialize_field("value", &self.members)?;
        st.end()
    }
}

impl Node {
    /// A group of `members` in normal form: members that are groups with the
    /// same operator are merged into it, a single member stands alone, and
    /// no members give `None`.
    pub fn group(op: GroupOp, members: impl IntoIterator<Item = Node>, span: Span) -> Option<Node> {
        let members = members.into_iter();
        let mut flat = Vec::with_capacity(members.size_hint().0);
        for member in members {
            Node::push_flat(&mut flat, op, member);
        }
        Node::from_flat(op, flat, span)
    }

    /// Adds `member` to the members of an `op` group, merging it in when it
    /// is itself an `op` group.
    pub(crate) fn push_flat(flat: &mut Vec<Node>, op: GroupOp, member: Node) {
        match member {
            Node::Group(g) if g.op == op => flat.extend(g.members),
            other => flat.push(other),
        }
    }

    /// [`Node::group`] of members already merged by [`Node::push_flat`].
    pub(crate) fn from_flat(op: GroupOp, mut flat: Vec<Node>, span: Span) -> Option<Node> {
        match flat.len() {
            0 => None,
            1 => flat.pop(),
            _ => Some(Node::Group(Group {
                op,
                members: flat,
                span,
            })),
        }
    }

    /// The source span of the node.
    pub fn span(&self) -> Span {
        match self {
            Node::Filter(f) => f.span,
            Node::Group(g) => g.span,
        }
    }

    /// Calls `f` on every filter, left to right.
    pub fn for_each_filter(&self, f: &mut impl FnMut(&Filter)) {
        match self {
            Node::Filter(filter) => f(filter),
            Node::Group(g) => g.members.iter().for_each(|m| m.for_each_filter(f)),
        }
    }
}
