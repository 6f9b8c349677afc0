//! Comparison operators: the operators of the search API's schema
//! (`single_filter_search_request.operator`), which are also what a query's
//! operator spellings mean; sets of them ([`OpSet`]); and the types of the
//! values they compare ([`FieldType`]), each with the operators a query may
//! write on it. A leaf module: it knows no syntax and no field.
//!
//! What an operator *selects* depends on the target: conversations and
//! tickets document `>`/`<` as inclusive, contacts as strict. The schema
//! ([`crate::schema`]) says which, field by field; this module only names
//! them.

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

/// The type of a searchable field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum FieldType {
    /// Text; emitted as a JSON string.
    String,
    /// A whole number; emitted as a JSON number.
    Integer,
    /// A decimal number (custom attributes); emitted as a JSON number.
    Float,
    /// A point in time; emitted as unix seconds in a JSON string.
    Date,
    /// `true` or `false`; emitted as a JSON boolean.
    Boolean,
    /// Any scalar, taken as written (ticket attributes whose type is not
    /// known): numbers and booleans as JSON numbers and booleans, the rest
    /// as strings.
    Any,
}

impl FieldType {
    /// The name used in messages and in `qc fields`.
    pub const fn name(self) -> &'static str {
        match self {
            FieldType::String => "String",
            FieldType::Integer => "Integer",
            FieldType::Float => "Float",
            FieldType::Date => "Date",
            FieldType::Boolean => "Boolean",
            FieldType::Any => "Any",
        }
    }

    /// `a` or `an` before the type's name.
    pub const fn article(self) -> &'static str {
        match self {
            FieldType::Integer | FieldType::Any => "an",
            _ => "a",
        }
    }

    /// True for types whose values are whole steps (whole numbers, dates
    /// in seconds): a strict bound is the inclusive one a step further.
    /// Elsewhere (decimals, untyped attributes) there is no next value.
    pub const fn is_discrete(self) -> bool {
        matches!(self, FieldType::Integer | FieldType::Date)
    }

    /// The operators a query may write on a field of this type.
    pub const fn operators(self) -> OpSet {
        match self {
            FieldType::String => OpSet::TEXT,
            FieldType::Integer | FieldType::Float | FieldType::Date => OpSet::ORDERED,
            FieldType::Boolean => OpSet::EQUALITY,
            FieldType::Any => OpSet::ANY,
        }
    }
}

impl std::fmt::Display for FieldType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of operators, as a bit set over [`Op`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct OpSet(u16);

impl OpSet {
    /// The set of `ops`.
    pub const fn of(ops: &[Op]) -> OpSet {
        let mut bits = 0;
        let mut i = 0;
        while i < ops.len() {
            bits |= 1 << ops[i] as u16;
            i += 1;
        }
        OpSet(bits)
    }

    /// `=` `!=` `IN` `NIN`.
    pub const EQUALITY: OpSet = OpSet::of(&[Op::Eq, Op::Ne, Op::In, Op::Nin]);
    /// Equality and `~` `!~` `^` `$`.
    pub const TEXT: OpSet = OpSet::of(&[
        Op::Eq,
        Op::Ne,
        Op::In,
        Op::Nin,
        Op::Contains,
        Op::NotContains,
        Op::StartsWith,
        Op::EndsWith,
    ]);
    /// Equality and `>` `>=` `<` `<=`.
    pub const ORDERED: OpSet = OpSet::of(&[
        Op::Eq,
        Op::Ne,
        Op::In,
        Op::Nin,
        Op::Gt,
        Op::Ge,
        Op::Lt,
        Op::Le,
    ]);
    /// Equality and the API's inclusive `>` `<` (conversations, tickets).
    pub const ORDERED_INCLUSIVE: OpSet =
        OpSet::of(&[Op::Eq, Op::Ne, Op::In, Op::Nin, Op::Gt, Op::Lt]);
    /// What contacts accept on Date fields: `=` `>` `<`.
    pub const DAY: OpSet = OpSet::of(&[Op::Eq, Op::Gt, Op::Lt]);
    /// `>=` `<=`.
    pub const GE_LE: OpSet = OpSet::of(&[Op::Ge, Op::Le]);
    /// `=` `!=` only (contacts' `tag_id`).
    pub const EQ_NE: OpSet = OpSet::of(&[Op::Eq, Op::Ne]);
    /// Every operator.
    pub const ANY: OpSet = OpSet::of(Op::ALL);

    /// True when `op` is in the set.
    pub const fn contains(self, op: Op) -> bool {
        self.0 & (1 << op as u16) != 0
    }

    /// The set with `op`.
    pub const fn with(self, op: Op) -> OpSet {
        OpSet(self.0 | (1 << op as u16))
    }

    /// The set without `ops`.
    pub const fn without(self, ops: OpSet) -> OpSet {
        OpSet(self.0 & !ops.0)
    }

    /// The operators of either set.
    pub const fn union(self, other: OpSet) -> OpSet {
        OpSet(self.0 | other.0)
    }

    /// The operators of both sets.
    pub const fn and(self, other: OpSet) -> OpSet {
        OpSet(self.0 & other.0)
    }

    /// The operators, in [`Op::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Op> {
        Op::ALL.iter().copied().filter(move |op| self.contains(*op))
    }

    /// The operators as text, separated by spaces.
    pub fn join(self) -> String {
        let ops: Vec<&str> = self.iter().map(Op::as_str).collect();
        ops.join(" ")
    }
}

impl From<&[Op]> for OpSet {
    fn from(ops: &[Op]) -> Self {
        OpSet::of(ops)
    }
}

/// The order of a search's results (`ORDER BY field ASC|DESC`), as the
/// request's `sort.order` names it. Where the API takes `sort`, its
/// description makes `descending` the order when none is given
/// (`examples/gen_tables` refuses a description that says otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SortOrder {
    /// `ASC`: lowest first.
    Ascending,
    /// `DESC`: highest first; the API's default.
    #[default]
    Descending,
}

impl SortOrder {
    /// Both orders.
    pub const ALL: [SortOrder; 2] = [SortOrder::Ascending, SortOrder::Descending];

    /// The API's word: `ascending`, `descending`.
    pub const fn as_str(self) -> &'static str {
        match self {
            SortOrder::Ascending => "ascending",
            SortOrder::Descending => "descending",
        }
    }

    /// The query's keyword: `ASC`, `DESC`.
    pub const fn keyword(self) -> &'static str {
        match self {
            SortOrder::Ascending => "ASC",
            SortOrder::Descending => "DESC",
        }
    }

    /// The order the API calls `word` (exactly: `ascending`, `descending`).
    pub fn from_api(word: &str) -> Option<SortOrder> {
        SortOrder::ALL.into_iter().find(|o| o.as_str() == word)
    }

    /// What it means, for documentation.
    pub const fn description(self) -> &'static str {
        match self {
            SortOrder::Ascending => "lowest first (oldest first on dates)",
            SortOrder::Descending => {
                "highest first (newest first on dates); the API's order when none is given"
            }
        }
    }
}

impl std::fmt::Display for SortOrder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
