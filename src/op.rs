//! Comparison operators: the operators of the search API's schema
//! (`single_filter_search_request.operator`), which are also what a query's
//! operator spellings mean. A leaf module: it knows no syntax and no field.
//!
//! What an operator *selects* depends on the target: conversations and
//! tickets document `>`/`<` as inclusive, contacts as strict. The schema
//! ([`crate::schema`]) says which; this module only names them.

use serde::Serialize;

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Op {
    /// `=`: equals.
    #[serde(rename = "=")]
    Eq,
    /// `!=`: does not equal.
    #[serde(rename = "!=")]
    Ne,
    /// `>`: greater than.
    #[serde(rename = ">")]
    Gt,
    /// `>=`: greater than or equal to.
    #[serde(rename = ">=")]
    Ge,
    /// `<`: lower than.
    #[serde(rename = "<")]
    Lt,
    /// `<=`: lower than or equal to.
    #[serde(rename = "<=")]
    Le,
    /// `IN`: equals one of a list.
    #[serde(rename = "IN")]
    In,
    /// `NIN`: equals none of a list.
    #[serde(rename = "NIN")]
    Nin,
    /// `~`: contains.
    #[serde(rename = "~")]
    Contains,
    /// `!~`: does not contain.
    #[serde(rename = "!~")]
    NotContains,
    /// `^`: starts with.
    #[serde(rename = "^")]
    StartsWith,
    /// `$`: ends with.
    #[serde(rename = "$")]
    EndsWith,
}

impl Op {
    /// Every operator, in the order of the API schema's enum.
    pub const ALL: &'static [Op] = &[
        Op::Eq,
        Op::Ne,
        Op::In,
        Op::Nin,
        Op::Lt,
        Op::Le,
        Op::Gt,
        Op::Ge,
        Op::Contains,
        Op::NotContains,
        Op::StartsWith,
        Op::EndsWith,
    ];

    /// The operator string the API expects.
    pub const fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::In => "IN",
            Op::Nin => "NIN",
            Op::Contains => "~",
            Op::NotContains => "!~",
            Op::StartsWith => "^",
            Op::EndsWith => "$",
        }
    }

    /// Parses an API operator string.
    pub fn from_api(s: &str) -> Option<Op> {
        Op::ALL.iter().copied().find(|op| op.as_str() == s)
    }

    /// What the operator means in a query: `>` and `<` are strict, `>=`
    /// and `<=` inclusive, whatever a target's API makes of them.
    pub const fn description(self) -> &'static str {
        match self {
            Op::Eq => "Equals",
            Op::Ne => "Doesn't equal",
            Op::Gt => "Greater than (strict)",
            Op::Ge => "Greater than or equal to",
            Op::Lt => "Lower than (strict)",
            Op::Le => "Lower than or equal to",
            Op::In => "In: equals any value of the list (a shortcut for OR)",
            Op::Nin => "Not in: equals no value of the list",
            Op::Contains => "Contains",
            Op::NotContains => "Doesn't contain",
            Op::StartsWith => "Starts with",
            Op::EndsWith => "Ends with",
        }
    }

    /// True for `IN` and `NIN`, which take a list.
    pub const fn takes_list(self) -> bool {
        matches!(self, Op::In | Op::Nin)
    }

    /// True for the order comparisons `>`, `>=`, `<` and `<=`.
    pub const fn is_order(self) -> bool {
        matches!(self, Op::Gt | Op::Ge | Op::Lt | Op::Le)
    }
}

impl std::fmt::Display for Op {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
