//! The search endpoints qc compiles for, and the versions of Intercom's
//! API. A leaf module: the name, the request path and the key of the
//! result list of each endpoint, and the name of each version. What each
//! endpoint accepts in each version is its [`crate::schema::Schema`].

use serde::Serialize;

/// A search endpoint of the Intercom API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// `POST /conversations/search` (the default).
    #[default]
    Conversations,
    /// `POST /contacts/search`.
    Contacts,
    /// `POST /tickets/search` (API 2.10 and later).
    Tickets,
    /// `POST /companies/search` (API version Preview only).
    Companies,
}

impl Target {
    /// Every target.
    pub const ALL: [Target; 4] = [
        Target::Conversations,
        Target::Contacts,
        Target::Tickets,
        Target::Companies,
    ];

    /// The name used on the command line and in `qc.toml`.
    pub const fn name(self) -> &'static str {
        match self {
            Target::Conversations => "conversations",
            Target::Contacts => "contacts",
            Target::Tickets => "tickets",
            Target::Companies => "companies",
        }
    }

    /// The request path, e.g. `/contacts/search`.
    pub const fn search_path(self) -> &'static str {
        match self {
            Target::Conversations => "/conversations/search",
            Target::Contacts => "/contacts/search",
            Target::Tickets => "/tickets/search",
            Target::Companies => "/companies/search",
        }
    }

    /// The key of the result list in a search response: `conversations`,
    /// `data` (contacts, companies) or `tickets`.
    pub const fn list_key(self) -> &'static str {
        match self {
            Target::Conversations => "conversations",
            Target::Contacts | Target::Companies => "data",
            Target::Tickets => "tickets",
        }
    }

    /// The object searched, singular: `conversation`, `contact`, `ticket`,
    /// `company`.
    pub const fn object(self) -> &'static str {
        match self {
            Target::Conversations => "conversation",
            Target::Contacts => "contact",
            Target::Tickets => "ticket",
            Target::Companies => "company",
        }
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The error for a target name qc does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown target `{0}`; expected conversations, contacts, tickets or companies")]
pub struct UnknownTarget(pub String);

impl std::str::FromStr for Target {
    type Err = UnknownTarget;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Target::ALL
            .into_iter()
            .find(|t| t.name() == s)
            .ok_or_else(|| UnknownTarget(s.to_owned()))
    }
}

/// A version of Intercom's REST API, as the `Intercom-Version` header
/// names it. Each version documents its own search endpoints, fields and
/// operators; qc compiles for one of them (2.11 by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum ApiVersion {
    /// 2.7.
    V2_7,
    /// 2.8.
    V2_8,
    /// 2.9.
    V2_9,
    /// 2.10: tickets search appears.
    V2_10,
    /// 2.11 (July 2024): the default.
    #[default]
    V2_11,
    /// 2.12.
    V2_12,
    /// 2.13.
    V2_13,
    /// 2.14.
    V2_14,
    /// 2.15.
    V2_15,
    /// 2.16.
    V2_16,
    /// Preview (called Unstable in older documents): the version that is
    /// still changing.
    Preview,
}

impl ApiVersion {
    /// Every version qc knows, oldest first.
    pub const ALL: [ApiVersion; 11] = [
        ApiVersion::V2_7,
        ApiVersion::V2_8,
        ApiVersion::V2_9,
        ApiVersion::V2_10,
        ApiVersion::V2_11,
        ApiVersion::V2_12,
        ApiVersion::V2_13,
        ApiVersion::V2_14,
        ApiVersion::V2_15,
        ApiVersion::V2_16,
        ApiVersion::Preview,
    ];

    /// The version qc compiles for unless told otherwise: 2.11.
    pub const DEFAULT: ApiVersion = ApiVersion::V2_11;

    /// The version's name, as the `Intercom-Version` header sends it:
    /// `2.11`, `Preview`.
    pub const fn name(self) -> &'static str {
        match self {
            ApiVersion::V2_7 => "2.7",
            ApiVersion::V2_8 => "2.8",
            ApiVersion::V2_9 => "2.9",
            ApiVersion::V2_10 => "2.10",
            ApiVersion::V2_11 => "2.11",
            ApiVersion::V2_12 => "2.12",
            ApiVersion::V2_13 => "2.13",
            ApiVersion::V2_14 => "2.14",
            ApiVersion::V2_15 => "2.15",
            ApiVersion::V2_16 => "2.16",
            ApiVersion::Preview => "Preview",
        }
    }

    /// Every version's name, separated by spaces, for messages.
    pub fn names() -> String {
        let names: Vec<&str> = ApiVersion::ALL.iter().map(|v| v.name()).collect();
        names.join(", ")
    }
}

impl std::fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for ApiVersion {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// The error for a version name qc does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown API version `{0}`; expected one of {names}", names = ApiVersion::names())]
pub struct UnknownVersion(pub String);

impl std::str::FromStr for ApiVersion {
    type Err = UnknownVersion;

    /// A version by its name; `Preview` also by its older name `Unstable`
    /// (either in any letter case).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("preview") || s.eq_ignore_ascii_case("unstable") {
            return Ok(ApiVersion::Preview);
        }
        ApiVersion::ALL
            .into_iter()
            .find(|v| v.name() == s)
            .ok_or_else(|| UnknownVersion(s.to_owned()))
    }
}

/// A target that a version's API does not search, with the versions that
/// do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{target} search is not in API version {version}; {}", since(*.target, .versions))]
pub struct NoEndpoint {
    /// The target asked for.
    pub target: Target,
    /// The version asked for.
    pub version: ApiVersion,
    /// The versions that have the endpoint, oldest first.
    pub versions: Vec<ApiVersion>,
}

fn since(target: Target, versions: &[ApiVersion]) -> String {
    if versions.is_empty() {
        format!("no version qc knows has {target} search")
    } else {
        format!("it is in {}", ApiVersion::describe(versions))
    }
}

impl ApiVersion {
    /// Versions in words, oldest first: `version Preview only`, `version
    /// 2.10 and later`, `versions 2.7, 2.8`.
    pub fn describe(versions: &[ApiVersion]) -> String {
        match versions {
            [one] => format!("version {one} only"),
            [first, ..]
                if versions.last() == ApiVersion::ALL.last()
                    && ApiVersion::ALL.ends_with(versions) =>
            {
                format!("version {first} and later")
            }
            many => {
                let names: Vec<&str> = many.iter().map(|v| v.name()).collect();
                format!("versions {}", names.join(", "))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_by_name() {
        for v in ApiVersion::ALL {
            assert_eq!(v.name().parse::<ApiVersion>(), Ok(v));
        }
        assert_eq!("Unstable".parse::<ApiVersion>(), Ok(ApiVersion::Preview));
        assert_eq!("preview".parse::<ApiVersion>(), Ok(ApiVersion::Preview));
        let err = "2.17".parse::<ApiVersion>().unwrap_err().to_string();
        assert_eq!(
            err,
            "unknown API version `2.17`; expected one of 2.7, 2.8, 2.9, 2.10, 2.11, 2.12, 2.13, 2.14, 2.15, 2.16, Preview"
        );
        assert!(ApiVersion::ALL.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(ApiVersion::default(), ApiVersion::DEFAULT);
    }
}
