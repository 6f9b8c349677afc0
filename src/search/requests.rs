//! Query text to the request bodies a search sends: the one place where a
//! search (`qc search`, the MCP server's `search` tool) meets the
//! compiler.

use serde_json::Value;

use crate::check::Query;
use crate::compiler::Compiler;
use crate::diagnostic::{Code, Diagnostic, fixes};
use crate::error::Error;

/// The requests of a query, and its warnings.
#[derive(Debug, Clone)]
pub struct Requests {
    /// The requests: one when the query fits (after rewriting), else the
    /// plan's several, whose union is exactly the query.
    pub queries: Vec<Query>,
    /// The compiler's warnings and notes.
    pub warnings: Vec<Diagnostic>,
}

impl Requests {
    /// The request bodies, as [`Client::search`](super::Client::search)
    /// takes them.
    pub fn bodies(&self) -> Vec<Value> {
        self.queries.iter().map(crate::emit::emit).collect()
    }

    /// What a plan of several requests means, for a note; `None` for one.
    pub fn note(&self) -> Option<String> {
        (self.queries.len() > 1).then(|| {
            format!(
                "{} requests; their union is exactly the query (an object may match several)",
                self.queries.len()
            )
        })
    }
}

/// The requests that search for `text` with `compiler`, whose schema
/// (target, version, workspace) says the endpoint.
///
/// A query that fits (after rewriting) is one request; one that no single
/// request can express runs as its plan ([`Compiler::plan`]): several
/// requests whose union is exactly the result. When no plan can express
/// it either, the error is the compiler's, whose E0203 says why.
///
/// ```
/// let compiler = qc::Settings::default().compiler()?;
/// let requests = qc::search::requests("state = open", &compiler)?;
/// assert_eq!(requests.bodies()[0]["query"]["field"], "state");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn requests(text: &str, compiler: &Compiler) -> Result<Requests, Error> {
    match compiler.compile(text) {
        Ok(compiled) => Ok(Requests {
            queries: vec![compiled.query],
            warnings: compiled.warnings,
        }),
        Err(e) if e.diagnostics().iter().any(|d| d.code == Code::NeedsPlan) => {
            match compiler.plan(text) {
                Ok(planned) => Ok(Requests {
                    queries: planned.requests,
                    warnings: planned.warnings,
                }),
                // The compiler's E0203 already says why no plan can.
                Err(Error::Plan(_)) => Err(e),
                Err(other) => Err(other),
            }
        }
        Err(e) => Err(e),
    }
}

/// The diagnostics of `text` as a search sees them: the warnings of its
/// requests, or every diagnostic of why there are none. A query that
/// needs a plan is not an error here.
pub fn diagnose(text: &str, compiler: &Compiler) -> Vec<Diagnostic> {
    match requests(text, compiler) {
        Ok(r) => r.warnings,
        Err(e) => e.diagnostics().to_vec(),
    }
}

/// `text` with every fix the compiler offers applied, again on the text
/// that gives ([`fixes::fix_all`]), when the result is a query a search
/// runs ([`requests`] succeeds with it); `None` otherwise. Each fix is
/// one the compiler verified ([`Compiler::compile`]).
///
/// ```
/// let compiler = qc::Settings::default().compiler()?;
/// let fixed = qc::search::fixed("stat = opne AND created_at > 1717200000000", &compiler);
/// assert_eq!(fixed.as_deref(), Some("state = open AND created_at > 1717200000"));
/// # Ok::<(), qc::SettingsError>(())
/// ```
pub fn fixed(text: &str, compiler: &Compiler) -> Option<String> {
    // A query that needs a plan is no error for a search.
    let diagnose = |t: &str| {
        let mut d = compiler.diagnose(t);
        d.retain(|d| d.code != Code::NeedsPlan);
        d
    };
    fixes::fix_all(text, &diagnose(text), diagnose).filter(|t| requests(t, compiler).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_over_the_limits_runs_as_its_plan() {
        let compiler = crate::Settings::default().compiler().expect("defaults");
        // Neither its CNF (an OR of 17) nor its DNF (16 ANDs and a
        // filter) fits one request: a plan of 2.
        let ids: Vec<String> = (1..=16).map(|i| format!("id ~ {i}")).collect();
        let query = &format!("tag_ids = 7 OR (created_at > 1 AND ({}))", ids.join(" OR "));
        assert!(compiler.compile(query).is_err());
        let r = requests(query, &compiler).expect("planned");
        assert_eq!(r.queries.len(), 2);
        assert!(r.note().is_some_and(|n| n.starts_with("2 requests")));
        assert!(diagnose(query, &compiler).iter().all(|d| !d.is_error()));
    }

    #[test]
    fn a_query_no_plan_can_express_keeps_the_compilers_reason() {
        let compiler = crate::Settings::default().compiler().expect("defaults");
        let ands: Vec<String> = (0..226)
            .map(|i| format!("source.subject !~ w{i}"))
            .collect();
        let e = requests(&ands.join(" AND "), &compiler).expect_err("unplannable");
        assert_eq!(e.diagnostics()[0].code, Code::NeedsPlan);
        assert!(e.diagnostics()[0].message.contains("no plan can"));
    }

    #[test]
    fn an_invalid_query_is_its_diagnostics() {
        let compiler = crate::Settings::default().compiler().expect("defaults");
        let d = diagnose("stat = open", &compiler);
        assert_eq!(d[0].code, Code::UnknownField);
    }

    #[test]
    fn fixed_applies_every_fix_round_by_round_and_only_when_that_runs() {
        let compiler = crate::Settings::default().compiler().expect("defaults");
        assert_eq!(
            fixed("stat = opne AND created_at > 1717200000000", &compiler).as_deref(),
            Some("state = open AND created_at > 1717200000")
        );
        // Nothing to fix, or nothing that makes it run.
        assert_eq!(fixed("state = open", &compiler), None);
        assert_eq!(fixed("stat = open AND (", &compiler), None);
        assert_eq!(fixed("zzzzzz = 1", &compiler), None);
        // Too long to verify: no fix, as in the diagnostics.
        let long = format!("stat = open{}", " OR read = true".repeat(2000));
        assert!(long.len() > fixes::MAX_VERIFIED_BYTES);
        assert_eq!(fixed(&long, &compiler), None);
    }

    #[test]
    fn overlapping_suggestions_apply_the_first() {
        use crate::span::Span;
        let at = |start, end, with: &str| {
            Diagnostic::new(Code::UnknownField, Span::new(start, end), "x")
                .with_suggestion(Span::new(start, end), with)
        };
        let d = [
            at(0, 4, "state"),
            at(2, 6, "no"),
            at(7, 11, "open"),
            at(7, 11, "open"),
        ];
        assert_eq!(
            fixes::apply_suggestions("stat = opne", &d).as_deref(),
            Some("state = open")
        );
        assert_eq!(fixes::apply_suggestions("stat", &[]), None);
        // A span outside the text is refused.
        assert_eq!(fixes::apply_suggestions("ab", &[at(1, 9, "c")]), None);
    }
}
