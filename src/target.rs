//! The search endpoints qc compiles for. A leaf module: the name, the
//! request path and the key of the result list of each endpoint. What
//! each one accepts is its [`crate::schema::Schema`].

use serde::Serialize;

/// A search endpoint of the Intercom API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// `POST /conversations/search` (the default).
    #[default]
    Conversations,
    /// `POST /contacts/search`.
    Contacts,
    /// `POST /tickets/search`.
    Tickets,
}

impl Target {
    /// Every target.
    pub const ALL: [Target; 3] = [Target::Conversations, Target::Contacts, Target::Tickets];

    /// The name used on the command line and in `qc.toml`.
    pub const fn name(self) -> &'static str {
        match self {
            Target::Conversations => "conversations",
            Target::Contacts => "contacts",
            Target::Tickets => "tickets",
        }
    }

    /// The request path, e.g. `/contacts/search`.
    pub const fn search_path(self) -> &'static str {
        match self {
            Target::Conversations => "/conversations/search",
            Target::Contacts => "/contacts/search",
            Target::Tickets => "/tickets/search",
        }
    }

    /// The key of the result list in a search response: `conversations`,
    /// `data` (contacts) or `tickets`.
    pub const fn list_key(self) -> &'static str {
        match self {
            Target::Conversations => "conversations",
            Target::Contacts => "data",
            Target::Tickets => "tickets",
        }
    }

    /// The object searched, singular: `conversation`, `contact`, `ticket`.
    pub const fn object(self) -> &'static str {
        match self {
            Target::Conversations => "conversation",
            Target::Contacts => "contact",
            Target::Tickets => "ticket",
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
#[error("unknown target `{0}`; expected conversations, contacts or tickets")]
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
