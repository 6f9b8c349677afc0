//! The front door: [`Compiler`], one schema and one set of options, and
//! every operation qc offers. The command line, the language server, the
//! WebAssembly and Python packages and `qc search` call these methods and
//! only convert types at their edge.

use std::sync::Arc;

use crate::check::Validated;
use crate::check::{Query, check};
use crate::diagnostic::{self, Code, Diagnostic, LineIndex};
use crate::error::Error;
use crate::filter::Matcher;
use crate::options::{Limits, MAX_SOURCE_BYTES, Options};
use crate::schema::{FieldDef, Schema};
use crate::syntax::{Ast, Span, parse};
use crate::{emit, ide, optimise};

/// A successfully compiled query.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The checked query.
    pub query: Query,
    /// Warnings and notes found on the way (never errors).
    pub warnings: Vec<Diagnostic>,
}

impl Compiled {
    /// The request body as a JSON value.
    pub fn json(&self) -> serde_json::Value {
        emit::emit(&self.query)
    }

    /// The request body as compact JSON text.
    pub fn to_json_string(&self) -> String {
        emit::emit_string(&self.query, false)
    }
}

/// The requests of a plan: their union is exactly the query.
#[derive(Debug, Clone)]
pub struct Planned {
    /// The requests, each within the API's limits; one when the query fits.
    pub requests: Vec<Query>,
    /// How the plan was made, in words (empty for one request): what the
    /// query was split on, and why that takes this many requests.
    pub why: String,
    /// The query's warnings and notes.
    pub warnings: Vec<Diagnostic>,
}

impl Planned {
    /// What a plan of several requests means, for a note; `None` for one.
    pub fn note(&self) -> Option<String> {
        (self.requests.len() > 1).then(|| {
            format!(
                "{} requests; their union is exactly the query (an object may match several): {}",
                self.requests.len(),
                self.why
            )
        })
    }
}

/// A request body turned back into query text.
#[derive(Debug, Clone)]
pub struct Decompiled {
    /// The query text.
    pub text: String,
    /// The checked request (its pagination is not part of the text).
    pub query: Query,
    /// The body's warnings, and W0301 when the text does not compile back
    /// to the same request.
    pub warnings: Vec<Diagnostic>,
}

/// One entry point for every shell (CLI, LSP, wasm, Python, search): a
/// schema (target, fields, workspace attributes, time zone) and the
/// options. Build one from [`crate::Settings`], or directly:
///
/// ```
/// use std::sync::Arc;
/// let schema = qc::Schema::builtin(qc::Target::Contacts);
/// let compiler = qc::Compiler::new(Arc::new(schema), qc::Options::default());
/// let out = compiler.compile("role = lead AND owner_id >= 5")?;
/// assert_eq!(
///     out.to_json_string(),
///     r#"{"query":{"operator":"AND","value":[{"field":"role","operator":"=","value":"lead"},{"field":"owner_id","operator":">=","value":5}]}}"#
/// );
/// # Ok::<(), qc::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Compiler {
    /// What the target accepts.
    pub schema: Arc<Schema>,
    /// Now, pagination, limits and the other options.
    pub options: Options,
}

impl Compiler {
    /// A compiler for `schema` with `options`.
    pub fn new(schema: Arc<Schema>, options: Options) -> Self {
        Self { schema, options }
    }

    /// The optimiser's settings: Intercom's limits, the default budget,
    /// and [`Options::max_requests`].
    fn optimiser(&self) -> optimise::Settings {
        optimise::Settings {
            max_requests: self.options.max_requests,
            budget: optimise::Budget {
                steps: self.options.optimiser_steps,
            },
            ..optimise::Settings::default()
        }
    }

    /// This compiler with other limits.
    fn with_limits(&self, limits: Limits) -> Compiler {
        Compiler {
            schema: self.schema.clone(),
            options: Options {
                limits,
                ..self.options.clone()
            },
        }
    }

    /// Parses, checks and compiles a query, reporting every problem found.
    /// A suggestion is offered only when applying it leaves fewer problems.
    pub fn compile(&self, source: &str) -> Result<Compiled, Error> {
        self.compile_keeping_tree(source, None)
    }

    /// [`Compiler::compile`], and the syntax tree it read put in `tree`
    /// when asked for (left `None` when the text is over the input limit
    /// and was not parsed). The tree is handed over through `tree`, not
    /// returned beside the result, so that neither is copied on the way
    /// out.
    fn compile_keeping_tree<'s>(
        &self,
        source: &'s str,
        tree: Option<&mut Option<Ast<'s>>>,
    ) -> Result<Compiled, Error> {
        let mut result = self.compile_unverified(source, tree);
        let diagnostics = match &mut result {
            Ok(compiled) => &mut compiled.warnings,
            Err(Error::Invalid(diagnostics)) => diagnostics,
            Err(_) => return result,
        };
        diagnostic::fixes::keep_fixes_that_fix(source, diagnostics, |text| {
            match self.compile_unverified(text, None) {
                Ok(compiled) => compiled.warnings,
                Err(e) => e.diagnostics().to_vec(),
            }
        });
        result
    }

    /// [`Compiler::compile`] without the check that suggestions really fix;
    /// the syntax tree it read put in `tree` when asked for.
    fn compile_unverified<'s>(
        &self,
        source: &'s str,
        tree: Option<&mut Option<Ast<'s>>>,
    ) -> Result<Compiled, Error> {
        let limit = self.options.max_input_bytes.min(MAX_SOURCE_BYTES);
        if source.len() > limit {
            let too_large = input_too_large(Some(source.len()), limit);
            return Err(Error::Invalid(vec![too_large]));
        }
        // Read in place, not moved out of: the tree is large.
        let mut parsed = parse(source);
        // A query with syntax errors is not rewritten or planned: its
        // limits are reported as they are.
        let checked = if diagnostic::has_errors(&parsed.diagnostics)
            && self.options.limits == Limits::Rewrite
        {
            let refuse = self.with_limits(Limits::Refuse);
            check(&parsed.ast, &self.schema, &refuse.options)
        } else {
            check(&parsed.ast, &self.schema, &self.options)
        };
        let mut diagnostics = std::mem::take(&mut parsed.diagnostics);
        diagnostics.extend(checked.diagnostics);
        let mut query = checked.query;
        if !checked.over_limits.is_empty()
            && let Some(q) = &mut query
        {
            let mut found = fit(q, checked.over_limits, &self.optimiser());
            for d in &mut found {
                d.locate(parsed.ast.line_index());
            }
            diagnostics.extend(found);
        }
        diagnostic::sort(&mut diagnostics);
        if let Some(tree) = tree {
            *tree = Some(parsed.ast);
        }
        match query {
            Some(query) if !diagnostic::has_errors(&diagnostics) => Ok(Compiled {
                query,
                warnings: diagnostics,
            }),
            _ => Err(Error::Invalid(diagnostics)),
        }
    }

    /// Every diagnostic for `source` (syntax, type and limit errors, and
    /// warnings), in source order. What editors and `qc check` show.
    pub fn diagnose(&self, source: &str) -> Vec<Diagnostic> {
        self.diagnose_keeping_tree(source).0
    }

    /// [`Compiler::diagnose`], and the syntax tree read on the way (`None`
    /// when the text is over the input limit, which is not parsed): an
    /// editor keeps the tree, so that hover ([`ide::hover_in`]) looks up a
    /// node instead of parsing the text again.
    ///
    /// ```
    /// let compiler = qc::Compiler::new(qc::Schema::conversations(), qc::Options::default());
    /// let source = "state = open AND priorty = priority";
    /// let (diagnostics, tree) = compiler.diagnose_keeping_tree(source);
    /// assert_eq!(diagnostics.len(), 1); // the misspelt field
    /// let tree = tree.expect("parsed");
    /// let hover = qc::ide::hover_in(&tree, 2, &compiler.schema).expect("a field");
    /// assert_eq!(Some(hover), compiler.hover(source, 2));
    /// ```
    pub fn diagnose_keeping_tree<'s>(&self, source: &'s str) -> (Vec<Diagnostic>, Option<Ast<'s>>) {
        let mut tree = None;
        let result = self.compile_keeping_tree(source, Some(&mut tree));
        let diagnostics = match result {
            Ok(c) => c.warnings,
            Err(Error::Invalid(diagnostics)) => diagnostics,
            Err(e) => e.diagnostics().to_vec(),
        };
        (diagnostics, tree)
    }

    /// The requests whose union is exactly the query, each within the API's
    /// limits (at most [`Options::max_requests`]; see [`optimise::plan`]).
    /// One request when the query fits, after rewriting.
    ///
    /// A sorted query (`ORDER BY`) must be one request: the order would
    /// hold within each request of a plan only, so a sorted query that
    /// takes several is an error (E0204).
    pub fn plan(&self, source: &str) -> Result<Planned, Error> {
        let compiled = self.with_limits(Limits::Ignore).compile(source)?;
        let plan = optimise::plan(&compiled.query, &self.optimiser()).map_err(Error::Plan)?;
        if let Some(sort) = compiled
            .query
            .sort
            .as_ref()
            .filter(|_| plan.requests.len() > 1)
        {
            let mut d = sorted_plan(sort.span, plan.requests.len(), &plan.why);
            d.locate(&LineIndex::new(source));
            let mut diagnostics = compiled.warnings;
            diagnostics.push(d);
            diagnostic::sort(&mut diagnostics);
            return Err(Error::Invalid(diagnostics));
        }
        Ok(Planned {
            requests: plan.requests,
            why: plan.why,
            warnings: compiled.warnings,
        })
    }

    /// Validates a JSON search request for the schema's target.
    pub fn validate(&self, json: &str) -> Validated {
        crate::check::validate_with(json, &self.schema)
    }

    /// Turns a valid JSON search request back into query text, dates in
    /// the style of [`Options::dates`]. The warnings include W0301 when
    /// the text does not compile back to the same request.
    pub fn decompile(&self, json: &str) -> Result<Decompiled, Error> {
        let validated = self.validate(json);
        let Some(query) = validated.query else {
            return Err(Error::Invalid(validated.diagnostics));
        };
        let text = crate::decompile::decompile(&query, self.options.dates);
        let mut warnings = validated.diagnostics;
        warnings.extend(self.round_trip_warning(&query, &text, json));
        Ok(Decompiled {
            text,
            query,
            warnings,
        })
    }

    /// W0301 when `text`, decompiled from the request `json`, does not
    /// compile back to the request (after the compiler's normalisation).
    fn round_trip_warning(&self, query: &Query, text: &str, json: &str) -> Option<Diagnostic> {
        // Decompiled dates are absolute: "now" does not matter, and is
        // fixed so that the clock is not read.
        let compiler = Compiler::new(
            self.schema.clone(),
            Options {
                now: Some(0),
                pagination: None,
                ..self.options.clone()
            },
        );
        let expected = emit::emit(&Query {
            pagination: None,
            ..query.normalised()
        });
        const MERGED: &str = "the text merges nested groups with the same operator; restructure the query (e.g. with IN/NIN) before compiling it";
        let (why, help) = match compiler.compile(text) {
            Ok(c) if c.json() == expected => return None,
            Ok(c) => {
                let cause = crate::check::round_trip_cause(
                    &query.normalised().root,
                    &c.query.root,
                    self.schema.target(),
                );
                (
                    "it compiles to a different request".to_owned(),
                    cause.unwrap_or_else(|| "the text's groups compile to other groups".to_owned()),
                )
            }
            Err(e) => {
                let reasons: Vec<&str> = e
                    .diagnostics()
                    .iter()
                    .filter(|d| d.is_error())
                    .map(|d| d.message.as_str())
                    .collect();
                (reasons.join("; "), MERGED.to_owned())
            }
        };
        let mut d = Diagnostic::new(
            Code::DecompileNotExact,
            Span::new(0, json.len()),
            format!("the decompiled text does not compile back to this request: {why}"),
        )
        .with_help(help);
        d.locate(&LineIndex::new(json));
        Some(d)
    }

    /// The target's fields: built-in first in the reference's order, then
    /// the workspace's attributes.
    pub fn fields(&self) -> impl ExactSizeIterator<Item = &FieldDef> {
        self.schema.fields()
    }

    /// Query text in canonical form (`qc fmt`, without the final newline),
    /// breaking lines at [`Options::width`]. Text with syntax errors is
    /// not formatted.
    pub fn format(&self, source: &str) -> Result<String, Error> {
        crate::format::format_source(source, self.options.width).map_err(Error::Invalid)
    }

    /// A query ready to run on objects offline (`qc filter`): the API's
    /// nesting and group limits do not apply.
    pub fn matcher(&self, source: &str) -> Result<(Matcher, Vec<Diagnostic>), Error> {
        let compiled = self.with_limits(Limits::Ignore).compile(source)?;
        Ok((Matcher::new(compiled.query), compiled.warnings))
    }

    /// Completions at byte `offset` of `source`.
    pub fn complete(&self, source: &str, offset: usize) -> Vec<ide::Completion> {
        ide::complete(source, offset, &self.schema)
    }

    /// Hover information at byte `offset` of `source` (which this parses;
    /// [`ide::hover_in`] looks in a tree already parsed).
    pub fn hover(&self, source: &str, offset: usize) -> Option<ide::Hover> {
        ide::hover(source, offset, &self.schema)
    }
}

/// Rewrites `query`, which goes over the API's limits as `limits` say, to
/// fit: a note that says what was rewritten; or, when nothing fits, the
/// error that says how many requests `qc plan` needs (or why no plan
/// can), after `limits`. One search of the optimiser, within `settings`.
fn fit(
    query: &mut Query,
    mut limits: Vec<Diagnostic>,
    settings: &optimise::Settings,
) -> Vec<Diagnostic> {
    let span = query.root.span();
    let d = match optimise::plan(query, settings) {
        Ok(mut plan) if plan.requests.len() == 1 => {
            if let Some(request) = plan.requests.pop() {
                query.root = request.root;
            }
            return vec![Diagnostic::new(
                Code::Rewritten,
                span,
                format!(
                    "rewritten to fit the API's limits (2 levels of groups, 15 filters per group): {}",
                    plan.rewrites.describe()
                ),
            )
            .with_help("the request selects exactly what the query says; `--no-rewrite` refuses instead")];
        }
        Ok(plan) if query.sort.is_some() => {
            let sort = query.sort.as_ref().map_or(span, |s| s.span);
            sorted_plan(sort, plan.requests.len(), &plan.why)
        }
        Ok(plan) => Diagnostic::new(
            Code::NeedsPlan,
            span,
            format!(
                "no single request can express this query: it takes a plan of {} requests whose union is exactly the query ({})",
                plan.requests.len(),
                plan.why
            ),
        )
        .with_help(format!(
            "run `qc plan` or `qc search`, which run the plan of {} requests (`--max-plan N` allows at most N, {} by default)",
            plan.requests.len(),
            optimise::DEFAULT_MAX_REQUESTS
        )),
        Err(e) => {
            let at = match &e {
                optimise::PlanError::CannotSplit { span, .. } => *span,
                _ => span,
            };
            Diagnostic::new(
                Code::NeedsPlan,
                at,
                format!("no single request can express this query, and no plan can: {e}"),
            )
            .with_help(e.advice())
        }
    };
    limits.insert(0, d);
    limits
}

/// E0204 at the `ORDER BY` clause `at`: a sorted query whose plan takes
/// `requests` requests (made as `why` says), where the order would hold
/// within each request only.
fn sorted_plan(at: Span, requests: usize, why: &str) -> Diagnostic {
    Diagnostic::new(
        Code::SortedPlan,
        at,
        format!(
            "no single request can express this query, and `ORDER BY` cannot order a plan: it takes {requests} requests ({why}), each sorted on its own, and their union is in no one order"
        ),
    )
    .with_help("remove `ORDER BY` to run the plan (`qc plan`, `qc search`), or narrow the query until one request expresses it")
}

/// The diagnostic for an input over the size limit of `limit` bytes; `len`
/// is its length when known (a stream is read only up to the limit).
pub fn input_too_large(len: Option<usize>, limit: usize) -> Diagnostic {
    let size = len.map_or_else(|| "more than that".to_owned(), |n| format!("{n} bytes"));
    let mut d = Diagnostic::new(
        Code::InputTooLarge,
        Span::empty(0),
        format!("the input is over the limit of {limit} bytes ({size})"),
    )
    .with_help("raise the limit with --max-input-bytes if the query is genuine");
    d.locate(&LineIndex::new(""));
    d
}
