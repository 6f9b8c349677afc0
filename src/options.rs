//! The compiler's options as plain values: "now", pagination, the input
//! bound, what to do over the API's limits, the plan's bound, the date
//! style of decompiled text and the formatter's width.
//!
//! A leaf: it imports nothing from the rest of the crate, so that every
//! layer can read the options without depending on another layer.
//! [`crate::Settings`] builds these values from what a shell was given.

use serde::Serialize;

/// The largest input the compiler accepts by default: 1 MiB.
pub const DEFAULT_MAX_INPUT_BYTES: usize = 1 << 20;

/// The largest input that the compiler accepts at any setting: `u32::MAX`
/// bytes (4 GiB less one), as far as a [`crate::Span`]'s offsets reach.
pub const MAX_SOURCE_BYTES: usize = u32::MAX as usize;

/// Results per page when pagination is asked for without a size (the
/// API's schema requires the field).
pub const DEFAULT_PER_PAGE: u32 = 20;

/// The most results per page the API returns.
pub const MAX_PER_PAGE: u32 = 150;

/// The most requests a plan may hold by default (`--max-requests`).
pub const DEFAULT_MAX_REQUESTS: usize = 50;

/// The optimiser's default budget of steps for one call: about 0.15 s at
/// most in a release build.
pub const DEFAULT_OPTIMISER_STEPS: u64 = 1_000_000;

/// The formatter's default line width, in columns.
pub const DEFAULT_WIDTH: usize = 80;

/// Settings for compiling: what every operation of [`crate::Compiler`]
/// reads besides its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// "Now" for relative dates (`now-7d`), in unix seconds; the system
    /// clock when `None`. Fix it for reproducible output.
    pub now: Option<i64>,
    /// Pagination to add to the request.
    pub pagination: Option<Pagination>,
    /// Inputs longer than this many bytes are rejected before parsing
    /// (and always those over [`MAX_SOURCE_BYTES`], whatever this says).
    pub max_input_bytes: usize,
    /// What to do with a query over the API's limits.
    pub limits: Limits,
    /// The most requests a plan may hold ([`crate::Compiler::plan`]).
    pub max_requests: usize,
    /// How decompiled text writes dates ([`crate::Compiler::decompile`]).
    pub dates: DateStyle,
    /// The formatter's line width ([`crate::Compiler::format`]).
    pub width: usize,
    /// The steps the optimiser may take to fit or plan one query; past
    /// them the answer is still exact (a plan, or E0203 saying the budget
    /// ran out). The language server uses a smaller budget.
    pub optimiser_steps: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            now: None,
            pagination: None,
            max_input_bytes: DEFAULT_MAX_INPUT_BYTES,
            limits: Limits::Rewrite,
            max_requests: DEFAULT_MAX_REQUESTS,
            dates: DateStyle::Rfc3339,
            width: DEFAULT_WIDTH,
            optimiser_steps: DEFAULT_OPTIMISER_STEPS,
        }
    }
}

/// What the compiler does with a query over the API's limits (2 levels of
/// nested groups, 15 filters per group).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Limits {
    /// Rewrite it, exactly, until it fits, with a note saying what was
    /// rewritten; when nothing fits, an error that says how many requests
    /// `qc plan` needs.
    #[default]
    Rewrite,
    /// Refuse it (`--no-rewrite`).
    Refuse,
    /// Do not check: for plans, which split the query, and for evaluating
    /// a query locally, where the API's limits do not apply.
    Ignore,
}

/// How decompiled text writes dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateStyle {
    /// RFC 3339 in UTC, `2024-01-01T00:00:00Z` (unix seconds when the date
    /// has no such form, e.g. before year 0).
    #[default]
    Rfc3339,
    /// Unix seconds, `1704067200`.
    Unix,
}

/// Pagination of the search results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pagination {
    /// Results per page, 1 to 150.
    pub per_page: u32,
    /// The cursor of the page to continue after.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub starting_after: Option<String>,
}

/// `per_page` outside 1 to [`MAX_PER_PAGE`]: the value given, as written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("per_page must be between 1 and {MAX_PER_PAGE}, got {0}")]
pub struct PerPageError(pub String);

impl Pagination {
    /// Pagination with `per_page` results per page ([`DEFAULT_PER_PAGE`]
    /// when `None`) after an optional cursor.
    ///
    /// ```
    /// use qc::options::Pagination;
    /// assert_eq!(Pagination::new(Some(5), None).map(|p| p.per_page), Ok(5));
    /// assert_eq!(
    ///     Pagination::new(Some(500), None).unwrap_err().to_string(),
    ///     "per_page must be between 1 and 150, got 500"
    /// );
    /// ```
    pub fn new(
        per_page: Option<u32>,
        starting_after: Option<String>,
    ) -> Result<Self, PerPageError> {
        let per_page = per_page.unwrap_or(DEFAULT_PER_PAGE);
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(PerPageError(per_page.to_string()));
        }
        Ok(Self {
            per_page,
            starting_after,
        })
    }
}
