//! The field tables of every search endpoint in every API version, as
//! generated from Intercom's OpenAPI descriptions (`generated.rs`, written
//! by `cargo run --example gen_tables`), and the types they are written
//! in. What a version's text says is a column here (a field's type, its
//! operators, what `>` means on it, the zone of its days), never a test
//! of a version's name.

use crate::op::FieldType;
use crate::op::Op;
use crate::op::OpSet;
use crate::target::{ApiVersion, Target};

/// What the API's `>` and `<` mean on a field, as the version's text
/// says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Compare {
    /// "Greater (or equal) than": the bound is included.
    Inclusive,
    /// "Greater than": the bound is excluded (and, on dates, compared to
    /// the second).
    Strict,
    /// Read two ways: the text documents `>`/`<` as inclusive and real
    /// `>=`/`<=` beside them (tickets' `created_at`); qc sends only
    /// `>=`/`<=`, which mean the same under both readings.
    Ambiguous,
    /// Matched by calendar day, in the zone given.
    Day(DayZone),
}

/// The zone whose calendar days a day-matched date is compared in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DayZone {
    /// The workspace's zone (`--timezone`).
    Workspace,
    /// UTC, whatever the workspace's zone.
    Utc,
}

/// The operators the endpoint takes on a field, and what its `>` means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Rule {
    pub ops: OpSet,
    pub compare: Compare,
}

impl Rule {
    pub(super) const fn new(ops: &[Op], compare: Compare) -> Rule {
        Rule {
            ops: OpSet::of(ops),
            compare,
        }
    }
}

/// The rules of the workspace's custom attributes, by their type.
#[derive(Debug, Clone, Copy)]
pub(super) struct Classes {
    pub string: Rule,
    /// Integer and Float attributes.
    pub integer: Rule,
    pub boolean: Rule,
    pub date: Rule,
}

impl Classes {
    /// The rule of an attribute of type `ty`; for `Any` (an attribute
    /// whose type is not known), every operator of the scalar types with
    /// the numbers' meaning of `>`.
    pub(super) fn of(&self, ty: FieldType) -> Rule {
        match ty {
            FieldType::String => self.string,
            FieldType::Integer | FieldType::Float => self.integer,
            FieldType::Boolean => self.boolean,
            FieldType::Date => self.date,
            FieldType::Any => Rule {
                ops: OpSet::of(&[])
                    .union(self.string.ops)
                    .union(self.integer.ops)
                    .union(self.boolean.ops),
                compare: self.integer.compare,
            },
        }
    }
}

/// One field of a version's table.
#[derive(Debug, Clone, Copy)]
pub(super) struct Row {
    pub name: &'static str,
    pub ty: FieldType,
    /// The values the text (or the model's enum) allows; empty for any.
    pub values: &'static [&'static str],
    pub rule: Rule,
    /// Matched word by word (`source.body`).
    pub words: bool,
    /// A String field that the table types Integer: `qc validate` also
    /// takes a JSON integer, with a warning (see `overrides.toml`).
    pub also_integer: bool,
    /// The text's spelling of a field `overrides.toml` renames, accepted
    /// with a warning (contacts' `andoid_sdk_version`).
    pub spelled: Option<&'static str>,
    /// A field the request's `sort` takes (false everywhere in a table
    /// whose endpoint takes no `sort`).
    pub sortable: bool,
}

/// One target's table, shared by the versions whose tables are the same.
#[derive(Debug)]
pub(super) struct Table {
    pub target: Target,
    pub versions: &'static [ApiVersion],
    /// The rows, shared with the tables of other versions that have them.
    pub rows: &'static [&'static Row],
    pub classes: Classes,
    /// The prefix of the attributes taken unchecked without a workspace
    /// schema, and their type.
    pub unchecked: Option<(&'static str, FieldType)>,
    /// What the text says of the endpoint's results or fields, for
    /// `qc fields`.
    pub notes: &'static [&'static str],
    /// The request body takes `sort` (`{"field", "order"}`).
    pub sort: bool,
}
