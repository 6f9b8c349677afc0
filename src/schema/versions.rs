//! The field tables of every search endpoint in every API version, as
//! generated from Intercom's OpenAPI descriptions (`generated.rs`, written
//! by `cargo run --example gen_tables`), and the types they are written
//! in. What a version's text says is a column here (a field's type, its
//! operators, what `>` means on it, the zone of its days), never a test
//! of a version's name.

use super::FieldType;
use super::field::OpSet;
use crate::op::Op;
use crate::target::{ApiVersion, NoEndpoint, Target};

/// What the API's `>` and `<` mean on a field, as the version's text
/// says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Compare {
    /// "Greater (or equal) than": the bound is included.
    Inclusive,
    /// "Greater than": the bound is excluded (and, on dates, compared to
    /// the second).
    Strict,
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
}

/// One target's table, shared by the versions whose tables are the same.
#[derive(Debug)]
pub(super) struct Table {
    pub target: Target,
    pub versions: &'static [ApiVersion],
    pub rows: &'static [Row],
    pub classes: Classes,
    /// The prefix of the attributes taken unchecked without a workspace
    /// schema, and their type.
    pub unchecked: Option<(&'static str, FieldType)>,
    /// What the text says of the endpoint's results or fields, for
    /// `qc fields`.
    pub notes: &'static [&'static str],
}

/// The table of `target` in `version`, or the error that names the
/// versions that have the endpoint.
pub(super) fn table(target: Target, version: ApiVersion) -> Result<&'static Table, NoEndpoint> {
    let tables = || {
        super::generated::TABLES
            .iter()
            .filter(move |t| t.target == target)
    };
    tables()
        .find(|t| t.versions.contains(&version))
        .ok_or_else(|| {
            let mut versions: Vec<ApiVersion> =
                tables().flat_map(|t| t.versions.iter().copied()).collect();
            versions.sort();
            NoEndpoint {
                target,
                version,
                versions,
            }
        })
}

/// The versions whose API searches `target`, oldest first.
pub fn versions_of(target: Target) -> Vec<ApiVersion> {
    ApiVersion::ALL
        .into_iter()
        .filter(|&v| table(target, v).is_ok())
        .collect()
}

/// The versions whose `target` table has a field named `name`, oldest
/// first.
pub(super) fn versions_with_field(target: Target, name: &str) -> Vec<ApiVersion> {
    let mut versions: Vec<ApiVersion> = super::generated::TABLES
        .iter()
        .filter(|t| t.target == target && t.rows.iter().any(|r| r.name == name))
        .flat_map(|t| t.versions.iter().copied())
        .collect();
    versions.sort();
    versions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_version_has_one_table_per_target_it_searches() {
        for target in Target::ALL {
            for version in ApiVersion::ALL {
                let n = super::super::generated::TABLES
                    .iter()
                    .filter(|t| t.target == target && t.versions.contains(&version))
                    .count();
                assert!(n <= 1, "{target} {version}: {n} tables");
            }
        }
        // As the descriptions say: tickets from 2.10, companies in Preview.
        assert_eq!(versions_of(Target::Conversations), ApiVersion::ALL);
        assert_eq!(versions_of(Target::Contacts), ApiVersion::ALL);
        assert_eq!(versions_of(Target::Tickets), ApiVersion::ALL[3..]);
        assert_eq!(versions_of(Target::Companies), [ApiVersion::Preview]);
        let err = table(Target::Tickets, ApiVersion::V2_9).unwrap_err();
        assert_eq!(
            err.to_string(),
            "tickets search is not in API version 2.9; it is in version 2.10 and later"
        );
        let err = table(Target::Companies, ApiVersion::V2_16).unwrap_err();
        assert_eq!(err.versions, [ApiVersion::Preview]);
        let err = table(Target::Companies, ApiVersion::V2_16).unwrap_err();
        assert_eq!(
            err.to_string(),
            "companies search is not in API version 2.16; it is in version Preview only"
        );
    }

    /// qc's notes (documentation, where `eval` reads a field) cover every
    /// field of every version, and each note is of a field of some version.
    #[test]
    fn every_field_has_its_note_and_every_note_its_field() {
        use super::super::generated::TABLES;
        use super::super::tables::notes;
        for table in TABLES {
            for row in table.rows {
                assert!(
                    notes(table.target).iter().any(|n| n.name == row.name),
                    "{} `{}` has no note in tables.rs",
                    table.target,
                    row.name
                );
            }
        }
        for target in Target::ALL {
            for note in notes(target) {
                assert!(
                    TABLES
                        .iter()
                        .filter(|t| t.target == target)
                        .any(|t| t.rows.iter().any(|r| r.name == note.name)),
                    "the note on {target} `{}` is of no version's field",
                    note.name
                );
            }
        }
    }
}
