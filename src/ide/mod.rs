//! Editor services over query text: completion and hover.
//!
//! Pure functions of the text and a byte offset, shared by the language
//! server (`qc lsp`) and the browser playground, so both offer the same
//! suggestions from the same field table; [`Checkpoints`] lets a server
//! answer completions in a long document without rereading it, and
//! [`hover_in`] answers hover from a syntax tree the server kept.

mod complete;
mod hover;

pub use complete::{Checkpoints, Completion, CompletionKind, complete};
pub use hover::{Hover, hover, hover_in};

/// A schema whose target sorts (contacts in 2.16), for the tests of
/// `ORDER BY`.
#[cfg(test)]
fn sorting_schema() -> crate::Schema {
    crate::Schema::for_version_with_zone(
        crate::Target::Contacts,
        crate::target::ApiVersion::V2_16,
        None,
        &[],
    )
    .expect("contacts in 2.16")
}
