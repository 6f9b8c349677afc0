//! Quick fixes that really fix: a diagnostic keeps its suggestion only when
//! applying it leaves text with fewer problems.
//!
//! Heuristics propose fixes (quote these words, join these, replace `==`
//! by `=`), and a heuristic can be wrong: `state = open AN read = false`
//! once suggested `"open AN"`, which leaves as many errors as before. So
//! every suggestion is tried: the fixed text is diagnosed again, and the
//! suggestion is kept only if that text has strictly fewer errors (for the
//! suggestion of a warning: no more errors and strictly fewer warnings).
//! Editors, `qc check` and the playground then offer only fixes that
//! help.
//!
//! The cost is one more diagnosis per suggestion, bounded: inputs over
//! [`MAX_VERIFIED_BYTES`] and suggestions past the first
//! [`MAX_VERIFIED_SUGGESTIONS`] are not tried, and lose their suggestion.

use super::{Diagnostic, Severity, Suggestion};

/// Inputs longer than this many bytes keep no suggestion (trying them
/// would take a diagnosis of the whole input per suggestion).
pub const MAX_VERIFIED_BYTES: usize = 16 * 1024;

/// How many distinct suggestions of one input are tried; the rest are
/// dropped.
pub const MAX_VERIFIED_SUGGESTIONS: usize = 16;

/// Removes every suggestion of `diagnostics` (the diagnostics of `source`)
/// that does not leave fewer problems: applied to `source`, the text must
/// have strictly fewer errors according to `diagnose`, or, for the
/// suggestion of a warning, no more errors and strictly fewer warnings. A
/// help text that only restated a dropped suggestion ("did you mean
/// `X`?") goes with it.
///
/// `diagnose` must not itself verify fixes (it is called once per
/// suggestion tried).
///
/// ```
/// use qc::diagnostic::fixes::keep_fixes_that_fix;
/// use qc::{Code, Diagnostic, Span};
///
/// let source = "state = open AN read = false";
/// let offered = |at: Span, fix: &str| {
///     let mut diagnostics = vec![
///         Diagnostic::new(Code::UnexpectedToken, Span::new(13, 15), "found `AN`")
///             .with_suggestion(at, fix),
///     ];
///     keep_fixes_that_fix(source, &mut diagnostics, |text| qc::parse(text).diagnostics);
///     diagnostics[0].suggestion.is_some()
/// };
/// // Replacing `AN` by `AND` fixes the query: offered.
/// assert!(offered(Span::new(13, 15), "AND"));
/// // Quoting `open AN` leaves the error: not offered.
/// assert!(!offered(Span::new(8, 15), "\"open AN\""));
/// ```
pub fn keep_fixes_that_fix(
    source: &str,
    diagnostics: &mut [Diagnostic],
    diagnose: impl Fn(&str) -> Vec<Diagnostic>,
) {
    if diagnostics.iter().all(|d| d.suggestion.is_none()) {
        return;
    }
    let before = Count::of(diagnostics);
    // Suggestions tried so far and what their text counts, so that equal
    // suggestions are tried once.
    let mut tried: Vec<(Suggestion, Option<Count>)> = Vec::new();
    for d in diagnostics.iter_mut() {
        let Some(suggestion) = &d.suggestion else {
            continue;
        };
        let known = tried
            .iter()
            .find(|(s, _)| s.span == suggestion.span && s.replacement == suggestion.replacement)
            .map(|&(_, count)| count);
        let after = match known {
            Some(count) => count,
            None if source.len() > MAX_VERIFIED_BYTES
                || tried.len() >= MAX_VERIFIED_SUGGESTIONS =>
            {
                None
            }
            None => {
                let count = apply(source, suggestion).map(|text| Count::of(&diagnose(&text)));
                tried.push((suggestion.clone(), count));
                count
            }
        };
        let helps = after.is_some_and(|after| after.improves_on(before, d.severity));
        if !helps {
            drop_suggestion(d);
        }
    }
}

/// `source` with `suggestion` applied, if its span lies inside `source` on
/// character boundaries.
pub fn apply(source: &str, suggestion: &Suggestion) -> Option<String> {
    let before = source.get(..suggestion.span.start())?;
    let after = source.get(suggestion.span.end()..)?;
    Some(format!("{before}{}{after}", suggestion.replacement))
}

/// Removes the suggestion of `d`, and its help when the help names the
/// replacement (as in "did you mean `state`?").
fn drop_suggestion(d: &mut Diagnostic) {
    let Some(suggestion) = d.suggestion.take() else {
        return;
    };
    let named = format!("`{}`", suggestion.replacement);
    if d.help.as_deref().is_some_and(|h| h.contains(&named)) {
        d.help = None;
    }
}

/// How many errors and warnings a text has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Count {
    errors: usize,
    warnings: usize,
}

impl Count {
    fn of(diagnostics: &[Diagnostic]) -> Count {
        let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
        Count {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
        }
    }

    /// True when a text with `self` is better than one with `before`, for a
    /// fix of a diagnostic of `severity`.
    fn improves_on(self, before: Count, severity: Severity) -> bool {
        match severity {
            Severity::Error => self.errors < before.errors,
            Severity::Warning | Severity::Note => {
                self.errors <= before.errors && self.warnings < before.warnings
            }
        }
    }
}
