//! Quick fixes that really fix: a diagnostic keeps its suggestion only when
//! applying it leaves text with fewer problems.
//!
//! Heuristics propose fixes (quote these words, join these, replace `==`
//! by `=`), and a heuristic can be wrong: `state = open AN read = false`
//! once suggested `"open AN"`, which leaves as many errors as before. So
//! every suggestion is tried: the fixed text is diagnosed again, and the
//! suggestion is kept only if that text has strictly fewer errors (for the
//! suggestion of a warning: no more errors and strictly fewer warnings).
//!
//! Fixes are also judged together, as an editor's "fix all" applies them:
//! an error's fix that does not help alone is kept when the text with
//! every offered fix has fewer errors than the text with every offered fix
//! but it (it helps the others finish the job). A "did you mean" keeps its
//! help when its fix is withheld: a near miss is worth naming. Editors,
//! `qc check` and the playground then offer only fixes that help.
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
/// suggestion of a warning, no more errors and strictly fewer warnings.
/// An error's fix that fails that test alone is kept when every offered
/// error fix applied together leaves fewer errors than before, and fewer
/// than all of them but it. A help text that only restated a dropped
/// suggestion goes with it, except a "did you mean" of a close known name
/// or value ([`Diagnostic::with_closest`]).
///
/// `diagnose` must not itself verify fixes (it is called once per
/// suggestion tried, and once more per fix judged together).
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
    // The errors whose fix does not help alone.
    let mut alone_failed = Vec::new();
    for (i, d) in diagnostics.iter_mut().enumerate() {
        let Some(suggestion) = &d.suggestion else {
            continue;
        };
        let known = tried
            .iter()
            .find(|(s, _)| same(s, suggestion))
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
            if after.is_some() && d.is_error() {
                alone_failed.push(i);
            } else {
                drop_suggestion(d);
            }
        }
    }
    let kept = helps_together(source, diagnostics, &alone_failed, before, &diagnose);
    for (i, d) in diagnostics.iter_mut().enumerate() {
        if alone_failed.contains(&i) && !kept.contains(&i) {
            drop_suggestion(d);
        }
    }
}

/// The diagnostics among `candidates` (errors whose fix does not help
/// alone) whose fix helps the others: the text with every offered error
/// fix has fewer errors than before, and fewer than the text with every
/// offered error fix but it. Fixes that overlap are not judged together.
fn helps_together(
    source: &str,
    diagnostics: &[Diagnostic],
    candidates: &[usize],
    before: Count,
    diagnose: &impl Fn(&str) -> Vec<Diagnostic>,
) -> Vec<usize> {
    if candidates.is_empty() || candidates.len() > MAX_VERIFIED_SUGGESTIONS {
        return Vec::new();
    }
    // Every error's fix, each once, in text order.
    let mut offered: Vec<(usize, &Suggestion)> = Vec::new();
    for (i, d) in diagnostics.iter().enumerate() {
        if let Some(s) = &d.suggestion
            && d.is_error()
            && !offered.iter().any(|(_, o)| same(o, s))
        {
            offered.push((i, s));
        }
    }
    offered.sort_by_key(|(_, s)| (s.span.start(), s.span.end()));
    let overlap = offered
        .windows(2)
        .any(|w| w[0].1.span.end() > w[1].1.span.start());
    if offered.len() < 2 || overlap {
        return Vec::new();
    }
    let errors = |leave_out: Option<&Suggestion>| {
        let fixes: Vec<&Suggestion> = offered
            .iter()
            .map(|(_, s)| *s)
            .filter(|s| leave_out.is_none_or(|l| !same(s, l)))
            .collect();
        apply_all(source, &fixes).map(|text| Count::of(&diagnose(&text)).errors)
    };
    let Some(all) = errors(None).filter(|&n| n < before.errors) else {
        return Vec::new();
    };
    candidates
        .iter()
        .copied()
        .filter(|&i| {
            let Some(s) = &diagnostics[i].suggestion else {
                return false;
            };
            errors(Some(s)).is_some_and(|without| all < without)
        })
        .collect()
}

/// True for two suggestions that make the same change.
fn same(a: &Suggestion, b: &Suggestion) -> bool {
    a.span == b.span && a.replacement == b.replacement
}

/// `source` with `fixes` (in text order, not overlapping) applied.
fn apply_all(source: &str, fixes: &[&Suggestion]) -> Option<String> {
    let mut out = String::with_capacity(source.len());
    let mut at = 0;
    for s in fixes {
        out.push_str(source.get(at..s.span.start())?);
        out.push_str(&s.replacement);
        at = s.span.end();
    }
    out.push_str(source.get(at..)?);
    Some(out)
}

/// `source` with `suggestion` applied, if its span lies inside `source` on
/// character boundaries.
pub fn apply(source: &str, suggestion: &Suggestion) -> Option<String> {
    let before = source.get(..suggestion.span.start())?;
    let after = source.get(suggestion.span.end()..)?;
    Some(format!("{before}{}{after}", suggestion.replacement))
}

/// How many rounds of fixes [`fix_all`] applies at most: a fix can
/// reveal the next problem (`stat = opne`: the value is checked once the
/// field is known).
pub const MAX_FIX_ROUNDS: usize = 4;

/// `source` with every suggestion of `diagnostics` applied, at once; where
/// two overlap, the first in the text wins. `None` when there is none, or
/// when a suggestion's span does not lie inside `source` on character
/// boundaries.
///
/// ```
/// use qc::diagnostic::fixes::apply_suggestions;
/// let diagnostics = qc::diagnose("stat = open AND raed = true", &qc::Options::default());
/// assert_eq!(
///     apply_suggestions("stat = open AND raed = true", &diagnostics).as_deref(),
///     Some("state = open AND read = true")
/// );
/// ```
pub fn apply_suggestions(source: &str, diagnostics: &[Diagnostic]) -> Option<String> {
    let mut suggestions: Vec<&Suggestion> = diagnostics
        .iter()
        .filter_map(|d| d.suggestion.as_ref())
        .collect();
    if suggestions.is_empty() {
        return None;
    }
    suggestions.sort_by_key(|s| (s.span.start(), s.span.end()));
    let mut kept: Vec<&Suggestion> = Vec::with_capacity(suggestions.len());
    for s in suggestions {
        match kept.last() {
            Some(last) if same(last, s) || s.span.start() < last.span.end() => {}
            _ => kept.push(s),
        }
    }
    apply_all(source, &kept)
}

/// `source` with all its fixes applied: the suggestions of `diagnostics`
/// (the diagnostics of `source`), then those of the text that gives, as
/// `diagnose` reports them, for at most [`MAX_FIX_ROUNDS`] rounds. `Some`
/// only when the text changed and has no error left. An input over
/// [`MAX_VERIFIED_BYTES`] gets none, as its fixes are not verified either.
///
/// ```
/// use qc::diagnostic::fixes::fix_all;
/// let compiler = qc::Settings::default().compiler()?;
/// let source = "stat = opne";
/// let fixed = fix_all(source, &compiler.diagnose(source), |t| compiler.diagnose(t));
/// assert_eq!(fixed.as_deref(), Some("state = open"));
/// # Ok::<(), qc::SettingsError>(())
/// ```
pub fn fix_all(
    source: &str,
    diagnostics: &[Diagnostic],
    diagnose: impl Fn(&str) -> Vec<Diagnostic>,
) -> Option<String> {
    if source.len() > MAX_VERIFIED_BYTES {
        return None;
    }
    let mut text = apply_suggestions(source, diagnostics)?;
    let mut left = diagnose(&text);
    for _ in 1..MAX_FIX_ROUNDS {
        match apply_suggestions(&text, &left) {
            Some(next) if next != text => {
                left = diagnose(&next);
                text = next;
            }
            _ => break,
        }
    }
    (text != source && !super::has_errors(&left)).then_some(text)
}

/// Removes the suggestion of `d`, and its help when the help names the
/// replacement, unless it is a "did you mean" of a close known name or
/// value ([`Suggestion::closest`]).
fn drop_suggestion(d: &mut Diagnostic) {
    let Some(suggestion) = d.suggestion.take() else {
        return;
    };
    if suggestion.closest {
        return;
    }
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
