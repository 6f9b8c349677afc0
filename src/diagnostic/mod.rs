//! Diagnostics shared by every stage: one type, stable codes, byte ranges
//! and derived line:column positions.

mod code;
pub mod fixes;
mod position;
mod render;
mod suggest;
mod terminal;

pub use code::{Code, Severity};
pub use position::{LineIndex, OffsetEncoder, Position, PositionEncoding, WidePosition};
pub use render::{QUERY_SOURCE, REQUEST_SOURCE, RenderOptions, render, render_all, render_plain};
pub use suggest::closest;
#[cfg(test)]
pub(crate) use suggest::searches;
pub use terminal::{escape_for_terminal, is_unsafe_for_terminal};

use serde::Serialize;

use crate::span::Span;

/// A secondary location that explains a diagnostic ("group opened here").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    /// Where the label points.
    pub span: Span,
    /// What it says.
    pub message: String,
}

/// A machine-applicable fix: replace `span` with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    /// The text to replace.
    pub span: Span,
    /// The text to put there instead.
    pub replacement: String,
    /// A short description, e.g. "replace with `state`".
    pub message: String,
    /// True when the replacement is the known name or value closest to
    /// what was written (a "did you mean"): a near miss is worth naming
    /// even where replacing it alone does not fix the query, so its help
    /// stays when the fix is withheld ([`fixes::keep_fixes_that_fix`]).
    #[serde(skip)]
    pub closest: bool,
}

/// The start and end of a diagnostic in human terms (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Location {
    /// Where the range starts.
    pub start: Position,
    /// Where the range ends (exclusive).
    pub end: Position,
}

/// A problem found in a query: what, where, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable code, e.g. `E0101`.
    pub code: Code,
    /// What is wrong, in words.
    pub message: String,
    /// The byte range the diagnostic is about.
    pub range: Span,
    /// Line and column of `range` (1-based), filled in by [`Diagnostic::locate`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// Secondary locations.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<Label>,
    /// Advice in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// A replacement that fixes the problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<Suggestion>,
    /// For diagnostics about a JSON document: the path of the value
    /// concerned, e.g. `query.value[1].operator`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with the code's own severity.
    pub fn new(code: Code, range: Span, message: impl Into<String>) -> Self {
        Self {
            severity: code.severity(),
            code,
            message: message.into(),
            range,
            location: None,
            labels: Vec::new(),
            help: None,
            suggestion: None,
            path: None,
        }
    }

    /// Adds the JSON path of the value the diagnostic is about.
    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// The message, followed by ` (at PATH)` when the diagnostic has a
    /// JSON path: what renderers show.
    pub fn message_with_path(&self) -> String {
        match &self.path {
            Some(path) => format!("{} (at `{path}`)", self.message),
            None => self.message.clone(),
        }
    }

    /// Adds advice.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a secondary label.
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Adds a machine-applicable replacement of `span` by `replacement`,
    /// and a matching help text when none is set.
    pub fn with_suggestion(mut self, span: Span, replacement: impl Into<String>) -> Self {
        let replacement = replacement.into();
        let message = if replacement.is_empty() {
            "remove this".to_owned()
        } else {
            format!("replace with `{replacement}`")
        };
        if self.help.is_none() {
            self.help = Some(format!("did you mean `{replacement}`?"));
        }
        self.suggestion = Some(Suggestion {
            span,
            replacement,
            message,
            closest: false,
        });
        self
    }

    /// Adds the known name or value `closest` to what was written as a
    /// "did you mean" (the help) and as the fix replacing `span` with
    /// `replacement` (`closest` written in the input's notation). The help
    /// stays even when the fix is withheld.
    pub fn with_closest(
        mut self,
        span: Span,
        closest: &str,
        replacement: impl Into<String>,
    ) -> Self {
        self.help = Some(format!("did you mean `{closest}`?"));
        self = self.with_suggestion(span, replacement);
        if let Some(s) = &mut self.suggestion {
            s.closest = true;
        }
        self
    }

    /// This diagnostic with every range (its own, its labels' and its
    /// suggestion's) in the code units of `encoder` instead of bytes: for
    /// a language whose strings count UTF-16 units (JavaScript) or code
    /// points (Python). Line:column positions are unchanged.
    pub fn in_units(&self, encoder: &OffsetEncoder) -> Diagnostic {
        let mut d = self.clone();
        d.range = encoder.span(d.range);
        for label in &mut d.labels {
            label.span = encoder.span(label.span);
        }
        if let Some(s) = &mut d.suggestion {
            s.span = encoder.span(s.span);
        }
        d
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Fills in [`Diagnostic::location`] from a line index of the source.
    pub fn locate(&mut self, index: &LineIndex) {
        self.location = Some(Location {
            start: index.position(self.range.start()),
            end: index.position(self.range.end()),
        });
    }
}

impl std::fmt::Display for Diagnostic {
    /// One line: `error[E0101] 1:1: unknown field `stat``.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        write!(f, "{kind}[{}]", self.code)?;
        if let Some(loc) = self.location {
            write!(f, " {}:{}", loc.start.line, loc.start.column)?;
        }
        write!(f, ": {}", self.message_with_path())?;
        if let Some(help) = &self.help {
            write!(f, " (help: {help})")?;
        }
        Ok(())
    }
}

/// The most characters of query text quoted in a message or help.
pub const MAX_QUOTED_CHARS: usize = 64;

/// `text` for quoting in a message: whole when short, else its first
/// [`MAX_QUOTED_CHARS`] characters and `…`, so that a megabyte-long word
/// does not make a megabyte-long message.
pub fn clip(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(MAX_QUOTED_CHARS) {
        None => std::borrow::Cow::Borrowed(text),
        Some((end, _)) => {
            let mut short = text.get(..end).unwrap_or("").to_owned();
            short.push('…');
            std::borrow::Cow::Owned(short)
        }
    }
}

/// How many errors a stage (the parser, the checker) reports before it
/// stops: more would only let hostile input grow the list without bound.
pub const MAX_ERRORS: usize = 100;

/// The diagnostic that ends a list of [`MAX_ERRORS`] errors.
pub fn too_many_errors(at: Span) -> Diagnostic {
    Diagnostic::new(
        Code::TooManyErrors,
        at,
        format!("too many errors; stopped after {MAX_ERRORS} errors (the limit, MAX_ERRORS)"),
    )
    .with_help("fix the errors above and run again")
}

/// True when any diagnostic is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(Diagnostic::is_error)
}

/// Puts diagnostics in source order (by range; those of one range keep
/// their order). Every list is sorted here, so that the sort is compiled
/// once (each closure of its own would be a copy of it: 1.3 KB of the
/// WebAssembly module each).
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(|d| d.range);
}
