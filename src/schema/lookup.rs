//! Finding a version's table among the generated ones
//! ([`super::generated::TABLES`]), and the versions that have an endpoint
//! or a field.

use super::versions::Table;
use crate::target::{ApiVersion, NoEndpoint, Target};

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

/// An API version and the targets it searches, for a shell's choice of
/// version (the playground's menu, `apiVersions()` in JavaScript,
/// `api_versions()` in Python).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VersionSummary {
    /// The version, by the name `Intercom-Version` sends.
    pub version: ApiVersion,
    /// Whether it is the version qc compiles for unless told otherwise.
    pub default: bool,
    /// The targets it searches, in [`Target::ALL`]'s order.
    pub targets: Vec<Target>,
}

/// Every version qc knows, oldest first, each with the targets it
/// searches.
pub fn api_versions() -> Vec<VersionSummary> {
    ApiVersion::ALL
        .into_iter()
        .map(|version| VersionSummary {
            version,
            default: version == ApiVersion::DEFAULT,
            targets: Target::ALL
                .into_iter()
                .filter(|&t| table(t, version).is_ok())
                .collect(),
        })
        .collect()
}

/// Where the request takes `sort` (`ORDER BY`): each target that sorts
/// in some version, with those versions, oldest first.
pub fn sorting() -> Vec<(Target, Vec<ApiVersion>)> {
    Target::ALL
        .into_iter()
        .filter_map(|target| {
            let versions: Vec<ApiVersion> = ApiVersion::ALL
                .into_iter()
                .filter(|&v| table(target, v).is_ok_and(|t| t.sort))
                .collect();
            (!versions.is_empty()).then_some((target, versions))
        })
        .collect()
}

/// [`sorting`] in words: `contacts in version 2.16 and later, companies in
/// version Preview only`.
pub fn sorting_described() -> String {
    let parts: Vec<String> = sorting()
        .iter()
        .map(|(target, versions)| format!("{target} in {}", ApiVersion::describe(versions)))
        .collect();
    parts.join(", ")
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
    fn api_versions_list_each_version_with_the_targets_it_searches() {
        let listed = api_versions();
        assert_eq!(listed.len(), ApiVersion::ALL.len());
        assert_eq!(listed.iter().filter(|v| v.default).count(), 1);
        for summary in &listed {
            for target in Target::ALL {
                assert_eq!(
                    summary.targets.contains(&target),
                    versions_of(target).contains(&summary.version),
                    "{} {target}",
                    summary.version
                );
            }
        }
        assert_eq!(
            serde_json::to_value(&listed[0]).ok(),
            Some(serde_json::json!({
                "version": "2.7", "default": false, "targets": ["conversations", "contacts"]
            }))
        );
    }

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

    /// As the descriptions say: contacts sort from 2.16, companies in
    /// Preview, conversations and tickets never; and no field is a sort
    /// field where the endpoint takes no `sort`.
    #[test]
    fn sort_is_where_the_descriptions_put_it() {
        assert_eq!(
            sorting(),
            [
                (
                    Target::Contacts,
                    vec![ApiVersion::V2_16, ApiVersion::Preview]
                ),
                (Target::Companies, vec![ApiVersion::Preview]),
            ]
        );
        assert_eq!(
            sorting_described(),
            "contacts in version 2.16 and later, companies in version Preview only"
        );
        for table in super::super::generated::TABLES {
            if !table.sort {
                assert!(
                    table.rows.iter().all(|r| !r.sortable),
                    "{} {:?}",
                    table.target,
                    table.versions
                );
            }
        }
    }

    /// A field that holds several values (qc's notes) is no sort field.
    #[test]
    fn lists_are_no_sort_fields() {
        use super::super::generated::TABLES;
        use super::super::tables::{MANY, notes};
        for table in TABLES {
            for row in table.rows.iter().filter(|r| r.sortable) {
                let note = notes(table.target).iter().find(|n| n.name == row.name);
                assert!(
                    note.is_none_or(|n| n.flags & MANY == 0),
                    "{} `{}` holds several values but is a sort field",
                    table.target,
                    row.name
                );
            }
        }
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
