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

/// Random query texts of up to `max_pieces` pieces, well formed and not:
/// every state of completion, groups, NOT, lists, absolute dates (so that
/// no answer moves with the clock), quoted names, strings across lines,
/// comments, characters of several bytes, stray operators and brackets,
/// and `ORDER BY`.
#[cfg(test)]
fn query_text(max_pieces: usize) -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::strategy::Strategy as _;
    const PIECES: &[&str] = &[
        "state",
        " = ",
        "open",
        " AND ",
        " OR ",
        "NOT ",
        "(",
        ")",
        "[",
        ", ",
        "]",
        " IN ",
        "\"",
        "\n",
        " # note\n",
        "created_at",
        " >= ",
        " > ",
        "2024-01-15",
        "1700000000",
        "priority",
        "tag_ids",
        " ~ ",
        "\"source.subject\"",
        "é",
        " ",
        "unknown_field",
        "=",
        "state = open",
        "created_at < 2024-03-01",
        "tag_ids IN [1, 2]",
        " ORDER BY ",
        "updated_at",
        " DESC",
        "'",
        "--",
        "“x”",
        "STARTS",
        " WITH ",
        "~",
        " ORDER",
        " BY ",
        "DESC",
    ];
    proptest::collection::vec(proptest::sample::select(PIECES), 0..max_pieces)
        .prop_map(|parts| parts.concat())
}
