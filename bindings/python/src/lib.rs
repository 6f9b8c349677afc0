//! The native half of the `intercom_qc` Python package: a thin shell over
//! the `qc` library's front door ([`qc::Settings`] and [`qc::Compiler`]).
//!
//! Every function takes the same keyword-only `**options`, turned into one
//! [`qc::Settings`] at the edge (`options.rs`). Results are plain Python
//! objects: request bodies as `dict`s, diagnostics and field rows as the
//! `dict`s that `qc check --format json` and `qc fields --format json`
//! print, except that every range counts code points (as Python's `str`
//! indexes), not bytes. A query or request with errors raises
//! `intercom_qc.QueryError` (defined in Python, in
//! `intercom_qc/_errors.py`) whose text renders the diagnostics as the
//! command line does; warnings are issued as `intercom_qc.QueryWarning`.
//! Bad arguments raise `ValueError` or `TypeError`.
//!
//! The GIL is released while the library works (compiling, checking,
//! planning, validating, decompiling, formatting, building a schema,
//! reading a schema file, and matching objects), so that other Python
//! threads run meanwhile.

mod convert;
mod options;

use qc::diagnostic::{QUERY_SOURCE as QUERY, REQUEST_SOURCE as REQUEST, render_plain as render};
use std::collections::VecDeque;

use pyo3::PyErrArguments;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::gc::{PyTraverseError, PyVisit};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyIterator, PyList, PyMapping, PyString, PyType};
use pythonize::Depythonizer;
use qc::optimise::PlanError;
use qc::{Diagnostic, Matcher};
use serde_json::Value;

use convert::{dumps, in_code_points, loads, serialised, to_py};
use options::conversion_error;

static QUERY_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static QUERY_WARNING: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// Diagnostics of one source, made ready without the GIL: rendered as the
/// command line prints them, and with their ranges in code points.
struct Report {
    rendered: String,
    diagnostics: Vec<Diagnostic>,
}

impl Report {
    fn new(found: &[Diagnostic], source: &str, name: &str) -> Report {
        Report {
            rendered: if found.is_empty() {
                String::new()
            } else {
                render(found, source, name)
            },
            diagnostics: in_code_points(found, source),
        }
    }

    /// Issues the warnings and notes, all at once, as one
    /// `intercom_qc.QueryWarning` (a `UserWarning`); nothing when there
    /// are none.
    fn warn(&self, py: Python<'_>) -> PyResult<()> {
        if self.diagnostics.is_empty() {
            return Ok(());
        }
        let class = QUERY_WARNING.import(py, "intercom_qc._errors", "QueryWarning")?;
        let warning = class.call1((&self.rendered, serialised(py, &self.diagnostics)?))?;
        py.import("warnings")?
            .getattr("warn")?
            .call1((warning, class, 1))?;
        Ok(())
    }
}

/// Why a call failed, made ready without the GIL.
enum Failure {
    /// The query or request has errors: `QueryError` with its diagnostics.
    Invalid(Report),
    /// The query cannot be planned: `QueryError` without diagnostics.
    Plan(String),
    /// Anything else: `ValueError`.
    Other(String),
}

impl Failure {
    fn of(e: &qc::Error, source: &str, name: &str) -> Failure {
        match e {
            qc::Error::Invalid(found) => Failure::Invalid(Report::new(found, source, name)),
            qc::Error::Plan(why) => {
                let advice = match why {
                    PlanError::TooManyRequests { .. } => "raise max_requests, or narrow the query",
                    _ => "narrow the query, or split it by hand",
                };
                Failure::Plan(format!("{e}; {advice}"))
            }
            other => Failure::Other(other.to_string()),
        }
    }

    /// The Python exception.
    fn into_py(self, py: Python<'_>) -> PyErr {
        match self {
            Failure::Invalid(report) => match serialised(py, &report.diagnostics) {
                Ok(list) => query_error(py, (report.rendered, list.unbind())),
                Err(e) => e,
            },
            Failure::Plan(message) => query_error(py, (message,)),
            Failure::Other(message) => PyValueError::new_err(message),
        }
    }
}

/// `intercom_qc.QueryError(*args)`.
fn query_error<A: PyErrArguments + Send + Sync + 'static>(py: Python<'_>, args: A) -> PyErr {
    match QUERY_ERROR.import(py, "intercom_qc._errors", "QueryError") {
        Ok(class) => PyErr::from_type(class.clone(), args),
        Err(e) => e,
    }
}

/// Queries longer than this many bytes have their body built by Python's
/// `json.loads` from qc's JSON text (C, faster for large bodies); shorter
/// ones from the JSON value, object by object (no parsing, faster for
/// small bodies). Measured with benches/compile.py.
const LOADS_ABOVE: usize = 1024;

/// A request body, emitted without the GIL: JSON text for `json.loads`
/// above [`LOADS_ABOVE`], a JSON value below.
enum Body {
    Text(String),
    Value(Value),
}

impl Body {
    fn of(query: &qc::Query, source_len: usize) -> Body {
        if source_len > LOADS_ABOVE {
            Body::Text(qc::emit_string(query, false))
        } else {
            Body::Value(qc::emit(query))
        }
    }

    /// The body as Python objects.
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Body::Text(text) => loads(py, text),
            Body::Value(value) => to_py(py, value),
        }
    }
}

/// Compiles query text to the body of a search request (`POST
/// /conversations/search`, `/contacts/search` or `/tickets/search`), as a
/// dict. A query over the API's limits is rewritten exactly to fit (with a
/// note), or refused when `rewrite` is false (`qc --no-rewrite`).
///
/// Raises QueryError when the query has errors; warnings and notes are
/// issued as QueryWarning.
#[pyfunction]
#[pyo3(signature = (text, **options))]
fn compile<'py>(
    py: Python<'py>,
    text: String,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let compiler = options::compiler(py, options)?;
    let (body, report) = py
        .detach(|| match compiler.compile(&text) {
            Ok(c) => Ok((
                Body::of(&c.query, text.len()),
                Report::new(&c.warnings, &text, QUERY),
            )),
            Err(e) => Err(Failure::of(&e, &text, QUERY)),
        })
        .map_err(|f| f.into_py(py))?;
    report.warn(py)?;
    body.to_py(py)
}

/// Every diagnostic of query text (errors and warnings, in source order),
/// as `qc check --format json` prints them. Empty for a clean query.
#[pyfunction]
#[pyo3(signature = (text, **options))]
fn check<'py>(
    py: Python<'py>,
    text: String,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let compiler = options::compiler(py, options)?;
    let found = py.detach(|| in_code_points(&compiler.diagnose(&text), &text));
    serialised(py, &found)
}

/// The request bodies whose union is exactly the query, each within the
/// API's limits (`qc plan`): one body when the query fits, after
/// rewriting; at most `max_requests` (50 by default).
///
/// Raises QueryError when the query has errors or cannot be planned;
/// warnings and notes are issued as QueryWarning.
#[pyfunction]
#[pyo3(signature = (text, **options))]
fn plan<'py>(
    py: Python<'py>,
    text: String,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyList>> {
    let compiler = options::compiler(py, options)?;
    let (bodies, report) = py
        .detach(|| match compiler.plan(&text) {
            Ok(planned) => Ok((
                planned
                    .requests
                    .iter()
                    .map(|request| Body::of(request, text.len()))
                    .collect::<Vec<Body>>(),
                Report::new(&planned.warnings, &text, QUERY),
            )),
            Err(e) => Err(Failure::of(&e, &text, QUERY)),
        })
        .map_err(|f| f.into_py(py))?;
    report.warn(py)?;
    let list = PyList::empty(py);
    for body in &bodies {
        list.append(body.to_py(py)?)?;
    }
    Ok(list)
}

/// The JSON text of a request body: `str` and `bytes` as they are, other
/// objects through `json.dumps`.
fn body_text(py: Python<'_>, body: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = body.cast::<PyString>() {
        return s.extract();
    }
    if let Ok(b) = body.cast::<PyBytes>() {
        return Ok(String::from_utf8_lossy(b.as_bytes()).into_owned());
    }
    dumps(py, body).map_err(|e| {
        PyTypeError::new_err(format!(
            "body must be JSON text or JSON-serialisable data: {e}"
        ))
    })
}

/// Validates a search request body (a dict, or JSON text) against the
/// target's rules, as `qc validate --format json` does: every diagnostic,
/// each with its JSON path. Empty when the body is valid and clean; a
/// body with only warnings is valid.
///
/// Ranges count code points of the JSON text: the text given (`bytes`
/// decoded as UTF-8), or `json.dumps(body)` for a dict.
#[pyfunction]
#[pyo3(signature = (body, **options))]
fn validate<'py>(
    py: Python<'py>,
    body: &Bound<'py, PyAny>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let text = body_text(py, body)?;
    let compiler = options::compiler(py, options)?;
    let found = py.detach(|| in_code_points(&compiler.validate(&text).diagnostics, &text));
    serialised(py, &found)
}

/// Turns a valid search request body (a dict, or JSON text) back into
/// query text, as `qc decompile` does. `dates` is "rfc3339" (default) or
/// "unix". Pagination is not part of the text.
///
/// Raises QueryError when the body is invalid; its warnings (W0301 when
/// the text does not compile back to the same request) are issued as
/// QueryWarning.
#[pyfunction]
#[pyo3(signature = (body, **options))]
fn decompile<'py>(
    py: Python<'py>,
    body: &Bound<'py, PyAny>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<String> {
    let text = body_text(py, body)?;
    let compiler = options::compiler(py, options)?;
    let (decompiled, report) = py
        .detach(|| match compiler.decompile(&text) {
            Ok(d) => Ok((d.text, Report::new(&d.warnings, &text, REQUEST))),
            Err(e) => Err(Failure::of(&e, &text, REQUEST)),
        })
        .map_err(|f| f.into_py(py))?;
    report.warn(py)?;
    Ok(decompiled)
}

/// The searchable fields of a target, as `qc fields --format json` lists
/// them: name, type, operators, allowed values, documentation, and
/// whether the field is a workspace's custom attribute.
#[pyfunction]
#[pyo3(signature = (target = "conversations", schema = None, **options))]
fn fields<'py>(
    py: Python<'py>,
    target: &str,
    schema: Option<&Bound<'py, PyAny>>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let all = match options {
        Some(o) => o.copy()?,
        None => PyDict::new(py),
    };
    all.set_item("target", target)?;
    if let Some(schema) = schema {
        all.set_item("schema", schema)?;
    }
    let compiler = options::compiler(py, Some(&all))?;
    let rows: Vec<&qc::schema::FieldDef> = compiler.fields().collect();
    serialised(py, &rows)
}

/// Every API version qc knows, oldest first: `{"version", "default",
/// "targets"}`, the targets being those the version searches.
#[pyfunction]
fn api_versions(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    serialised(py, &qc::schema::api_versions())
}

/// Prints query text in canonical form, as `qc fmt` does (without the
/// final newline), breaking lines longer than `width` columns (80 by
/// default).
///
/// Raises QueryError when the text has syntax errors.
#[pyfunction]
#[pyo3(signature = (text, **options))]
fn format(py: Python<'_>, text: String, options: Option<&Bound<'_, PyDict>>) -> PyResult<String> {
    let compiler = options::compiler(py, options)?;
    py.detach(|| {
        compiler
            .format(&text)
            .map_err(|e| Failure::of(&e, &text, QUERY))
    })
    .map_err(|f| f.into_py(py))
}

/// The matcher of `query`, its warnings issued.
fn matcher(py: Python<'_>, query: &str, options: Option<&Bound<'_, PyDict>>) -> PyResult<Matcher> {
    let compiler = options::compiler(py, options)?;
    let (matcher, report) = py
        .detach(|| match compiler.matcher(query) {
            Ok((matcher, warnings)) => Ok((matcher, Report::new(&warnings, query, QUERY))),
            Err(e) => Err(Failure::of(&e, query, QUERY)),
        })
        .map_err(|f| f.into_py(py))?;
    report.warn(py)?;
    Ok(matcher)
}

/// `obj` as the JSON object the matcher reads: only the parts the query
/// reads are built (the rest is still checked to be JSON data). `what`
/// names it in messages.
fn object(matcher: &Matcher, obj: &Bound<'_, PyAny>, what: impl Fn() -> String) -> PyResult<Value> {
    if !obj.is_instance_of::<PyDict>() && obj.cast::<PyMapping>().is_err() {
        return Err(PyTypeError::new_err(format!(
            "{} must be a dict (a JSON object), not {}",
            what(),
            obj.get_type().name()?
        )));
    }
    matcher
        .project(&mut Depythonizer::from_object(obj))
        .map_err(|e| conversion_error(obj.py(), &what(), e))
}

/// True when the object (a dict, as the API returns it) matches the query,
/// as `qc filter` decides. The API's limits on groups do not apply.
///
/// Raises QueryError when the query has errors; its warnings are issued
/// as QueryWarning. Raises TypeError when `obj` is not a dict of JSON
/// data.
#[pyfunction]
#[pyo3(signature = (query, obj, **options))]
fn matches(
    py: Python<'_>,
    query: String,
    obj: &Bound<'_, PyAny>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<bool> {
    let matcher = matcher(py, &query, options)?;
    let value = object(&matcher, obj, || "obj".to_owned())?;
    Ok(matcher.matches(&value))
}

/// The items of `iterable` (dicts, as the API returns them) that match the
/// query, in order, as `qc filter` decides: a lazy iterator, like Python's
/// `filter`. The query is compiled once, at the call.
///
/// Raises QueryError when the query has errors; its warnings are issued
/// as QueryWarning. The iterator raises TypeError for an item that is not
/// a dict of JSON data.
#[pyfunction]
#[pyo3(signature = (query, iterable, **options))]
fn filter(
    py: Python<'_>,
    query: String,
    iterable: &Bound<'_, PyAny>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<Filter> {
    let items = iterable.try_iter()?.unbind();
    let matcher = matcher(py, &query, options)?;
    Ok(Filter {
        matcher,
        items: Some(items),
        ready: VecDeque::new(),
        failed: None,
        read: 0,
    })
}

/// Items are read and matched in chunks of at most this many: each
/// chunk's matching runs without the GIL.
const CHUNK: usize = 256;

/// The iterator `filter()` returns: the matching items, in order.
#[pyclass(module = "intercom_qc._native")]
struct Filter {
    matcher: Matcher,
    /// The items still to read; `None` once they are all read.
    items: Option<Py<PyIterator>>,
    /// Matching items read and not yet returned.
    ready: VecDeque<Py<PyAny>>,
    /// An error met while reading, raised once the items before it are
    /// returned.
    failed: Option<PyErr>,
    /// Items read so far.
    read: usize,
}

#[pymethods]
impl Filter {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    /// The Python objects held, for the garbage collector.
    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        if let Some(items) = &self.items {
            visit.call(items)?;
        }
        for item in &self.ready {
            visit.call(item)?;
        }
        Ok(())
    }

    fn __clear__(&mut self) {
        self.items = None;
        self.ready.clear();
    }

    fn __next__(&mut self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        loop {
            if let Some(item) = self.ready.pop_front() {
                return Ok(Some(item));
            }
            if let Some(e) = self.failed.take() {
                return Err(e);
            }
            let Some(mut items) = self.items.as_ref().map(|i| i.bind(py).clone()) else {
                return Ok(None);
            };
            let mut chunk = Vec::with_capacity(CHUNK);
            let mut values = Vec::with_capacity(CHUNK);
            while chunk.len() < CHUNK {
                let Some(item) = items.next() else {
                    self.items = None;
                    break;
                };
                let at = self.read;
                let read = item.and_then(|item| {
                    object(&self.matcher, &item, || format!("item {at}")).map(|value| (item, value))
                });
                self.read += 1;
                match read {
                    Ok((item, value)) => {
                        chunk.push(item.unbind());
                        values.push(value);
                    }
                    Err(e) => {
                        self.failed = Some(e);
                        break;
                    }
                }
            }
            let matcher = &self.matcher;
            let hits: Vec<bool> = py.detach(|| values.iter().map(|v| matcher.matches(v)).collect());
            self.ready.extend(
                chunk
                    .into_iter()
                    .zip(hits)
                    .filter_map(|(item, hit)| hit.then_some(item)),
            );
        }
    }
}

/// qc for Python: compile, check, plan, validate, decompile and format
/// queries for Intercom's search APIs, and match objects against them.
#[pymodule]
mod _native {
    #[pymodule_export]
    use super::{
        Filter, api_versions, check, compile, decompile, fields, filter, format, matches, plan,
        validate,
    };

    #[pymodule_init]
    fn init(m: &pyo3::Bound<'_, pyo3::types::PyModule>) -> pyo3::PyResult<()> {
        use pyo3::types::PyModuleMethods;
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }
}
