//! The library's error type.

use crate::diagnostic::Diagnostic;

/// Why a library call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The query has errors; every diagnostic (warnings too) is attached.
    #[error("{}", summary(.0))]
    Invalid(Vec<Diagnostic>),
    /// `per_page` is outside 1..=150.
    #[error("per_page must be between 1 and 150, got {0}")]
    PerPage(u32),
    /// The query cannot be split into requests that fit.
    #[error("cannot plan the query: {0}")]
    Plan(crate::optimise::PlanError),
}

impl Error {
    /// The diagnostics of an [`Error::Invalid`], empty otherwise.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Error::Invalid(d) => d,
            Error::PerPage(_) | Error::Plan(_) => &[],
        }
    }
}

fn summary(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let first = diagnostics.iter().find(|d| d.is_error());
    match (errors, first) {
        (1, Some(d)) => format!("invalid query: {d}"),
        (n, Some(d)) => format!("invalid query ({n} errors), first: {d}"),
        _ => "invalid query".to_owned(),
    }
}
