//! The native half of the `intercom_qc` Python package: qc's compiler,
//! checker, validator, decompiler and formatter, called in-process.
//!
//! A thin shell over the `qc` library. Results are plain Python objects:
//! request bodies as `dict`s, diagnostics and field rows as the `dict`s that
//! `qc check --format json` and `qc fields --format json` print. A query
//! or request with errors raises `intercom_qc.QueryError` (defined in
//! Python, in `intercom_qc/_errors.py`) whose text renders the diagnostics
//! as the command line does; warnings are issued as
//! `intercom_qc.QueryWarning`. Bad arguments raise `ValueError` or
//! `TypeError`.

mod convert;
mod options;

use std::sync::Arc;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyString, PyType};
use qc::decompile::DateStyle;
use qc::diagnostic::{RenderOptions, render_all};
use qc::{Compiler, Diagnostic, Limits, Options};

use convert::{dumps, loads, serialised, to_py};

/// The name diagnostics of query text are rendered under, as the command
/// line names a query given as an argument.
const QUERY: &str = "query";
/// The name diagnostics of a JSON request are rendered under.
const REQUEST: &str = "request";

/// The diagnostics rendered as the command line prints them (no colour).
fn render(diagnostics: &[Diagnostic], source: &str, name: &str) -> String {
    let options = RenderOptions {
        source_name: name.to_owned(),
        ..RenderOptions::default()
    };
    render_all(diagnostics, source, &options)
}

static QUERY_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static QUERY_WARNING: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// `intercom_qc.QueryError(rendered, diagnostics)`.
fn query_error(py: Python<'_>, diagnostics: &[Diagnostic], source: &str, name: &str) -> PyErr {
    let class = match QUERY_ERROR.import(py, "intercom_qc._errors", "QueryError") {
        Ok(c) => c.clone(),
        Err(e) => return e,
    };
    match serialised(py, diagnostics) {
        Ok(list) => PyErr::from_type(class, (render(diagnostics, source, name), list.unbind())),
        Err(e) => e,
    }
}

/// Issues the warnings among `diagnostics`, all at once, as one
/// `intercom_qc.QueryWarning` (a `UserWarning`).
fn warn(py: Python<'_>, diagnostics: &[Diagnostic], source: &str, name: &str) -> PyResult<()> {
    if diagnostics.is_empty() {
        return Ok(());
    }
    let class = QUERY_WARNING.import(py, "intercom_qc._errors", "QueryWarning")?;
    let warning = class.call1((
        render(diagnostics, source, name),
        serialised(py, diagnostics)?,
    ))?;
    py.import("warnings")?
        .getattr("warn")?
        .call1((warning, class, 1))?;
    Ok(())
}

/// Queries longer than this many bytes have their body built by Python's
/// `json.loads` from qc's JSON text (C, faster for large bodies); shorter
/// ones from the JSON value, object by object (no parsing, faster for
/// small bodies). Measured with benches/compile.py.
const LOADS_ABOVE: usize = 1024;

/// The request body as Python objects.
fn body<'py>(
    py: Python<'py>,
    compiled: &qc::Compiled,
    source_len: usize,
) -> PyResult<Bound<'py, PyAny>> {
    if source_len > LOADS_ABOVE {
        loads(py, &compiled.to_json_string())
    } else {
        to_py(py, &compiled.json())
    }
}

/// The compiler for the shared keyword arguments.
#[allow(clippy::too_many_arguments)]
fn compiler(
    py: Python<'_>,
    target: &str,
    now: Option<&Bound<'_, PyAny>>,
    timezone: Option<&str>,
    schema: Option<&Bound<'_, PyAny>>,
    per_page: Option<&Bound<'_, PyAny>>,
    starting_after: Option<String>,
    rewrite: bool,
) -> PyResult<Compiler> {
    let options = Options {
        now: options::now(now)?,
        pagination: options::pagination(per_page, starting_after)?,
        limits: if rewrite {
            Limits::Rewrite
        } else {
            Limits::Refuse
        },
        ..Options::default()
    };
    let schema = options::schema(py, target, timezone, schema)?;
    Ok(Compiler::new(schema, options))
}

/// Compiles query text to the body of a search request (`POST
/// /conversations/search`, `/contacts/search` or `/tickets/search`), as a
/// dict. A query over the API's limits is rewritten exactly to fit (with a
/// note), or refused when `rewrite` is false (`qc --no-rewrite`).
///
/// Raises QueryError when the query has errors; warnings and notes are
/// issued as QueryWarning.
#[pyfunction]
#[pyo3(signature = (text, *, target = "conversations", now = None, timezone = None, schema = None, per_page = None, starting_after = None, rewrite = true))]
#[allow(clippy::too_many_arguments)]
fn compile<'py>(
    py: Python<'py>,
    text: String,
    target: &str,
    now: Option<&Bound<'py, PyAny>>,
    timezone: Option<&str>,
    schema: Option<&Bound<'py, PyAny>>,
    per_page: Option<&Bound<'py, PyAny>>,
    starting_after: Option<String>,
    rewrite: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let compiler = compiler(
        py,
        target,
        now,
        timezone,
        schema,
        per_page,
        starting_after,
        rewrite,
    )?;
    match compiler.compile(&text) {
        Ok(compiled) => {
            warn(py, &compiled.warnings, &text, QUERY)?;
            body(py, &compiled, text.len())
        }
        Err(e) if e.diagnostics().is_empty() => Err(PyValueError::new_err(e.to_string())),
        Err(e) => Err(query_error(py, e.diagnostics(), &text, QUERY)),
    }
}

/// Every diagnostic of query text (errors and warnings, in source order),
/// as `qc check --format json` prints them. Empty for a clean query.
#[pyfunction]
#[pyo3(signature = (text, *, target = "conversations", now = None, timezone = None, schema = None, per_page = None, starting_after = None, rewrite = true))]
#[allow(clippy::too_many_arguments)]
fn check<'py>(
    py: Python<'py>,
    text: String,
    target: &str,
    now: Option<&Bound<'py, PyAny>>,
    timezone: Option<&str>,
    schema: Option<&Bound<'py, PyAny>>,
    per_page: Option<&Bound<'py, PyAny>>,
    starting_after: Option<String>,
    rewrite: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let compiler = compiler(
        py,
        target,
        now,
        timezone,
        schema,
        per_page,
        starting_after,
        rewrite,
    )?;
    serialised(py, &compiler.diagnose(&text))
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
/// Ranges and positions are into the JSON text: the text given, or
/// `json.dumps(body)` for a dict.
#[pyfunction]
#[pyo3(signature = (body, *, target = "conversations", timezone = None, schema = None))]
fn validate<'py>(
    py: Python<'py>,
    body: &Bound<'py, PyAny>,
    target: &str,
    timezone: Option<&str>,
    schema: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let text = body_text(py, body)?;
    let schema = options::schema(py, target, timezone, schema)?;
    let validated = qc::json::validate_with(&text, &schema);
    serialised(py, &validated.diagnostics)
}

/// Turns a valid search request body (a dict, or JSON text) back into
/// query text, as `qc decompile` does. `dates` is "rfc3339" (default) or
/// "unix". Pagination is not part of the text.
///
/// Raises QueryError when the body is invalid.
#[pyfunction]
#[pyo3(signature = (body, *, target = "conversations", timezone = None, schema = None, dates = "rfc3339"))]
fn decompile<'py>(
    py: Python<'py>,
    body: &Bound<'py, PyAny>,
    target: &str,
    timezone: Option<&str>,
    schema: Option<&Bound<'py, PyAny>>,
    dates: &str,
) -> PyResult<String> {
    let style = match dates {
        "rfc3339" => DateStyle::Rfc3339,
        "unix" => DateStyle::Unix,
        other => {
            return Err(PyValueError::new_err(format!(
                "unknown date style `{other}`; expected rfc3339 or unix"
            )));
        }
    };
    let text = body_text(py, body)?;
    let schema = options::schema(py, target, timezone, schema)?;
    let validated = qc::json::validate_with(&text, &schema);
    match &validated.query {
        Some(query) => {
            warn(py, &validated.diagnostics, &text, REQUEST)?;
            Ok(qc::decompile::decompile(query, style))
        }
        None => Err(query_error(py, &validated.diagnostics, &text, REQUEST)),
    }
}

/// The searchable fields of a target, as `qc fields --format json` lists
/// them: name, type, operators, allowed values, documentation, and
/// whether the field is a workspace's custom attribute.
#[pyfunction]
#[pyo3(signature = (target = "conversations", schema = None, *, timezone = None))]
fn fields<'py>(
    py: Python<'py>,
    target: &str,
    schema: Option<&Bound<'py, PyAny>>,
    timezone: Option<&str>,
) -> PyResult<Bound<'py, PyAny>> {
    let schema: Arc<qc::Schema> = options::schema(py, target, timezone, schema)?;
    let rows: Vec<&qc::schema::FieldDef> = schema.fields().collect();
    serialised(py, &rows)
}

// The default of `width` below is written out for Python's signature.
const _: () = assert!(qc::format::DEFAULT_WIDTH == 80);

/// Prints query text in canonical form, as `qc fmt` does (without the
/// final newline), breaking lines longer than `width` columns.
///
/// Raises QueryError when the text has syntax errors.
#[pyfunction]
#[pyo3(signature = (text, *, width = 80))]
fn format(py: Python<'_>, text: String, width: usize) -> PyResult<String> {
    qc::format::format_source(&text, width).map_err(|d| query_error(py, &d, &text, QUERY))
}

/// qc for Python: compile, check, validate, decompile and format queries
/// for Intercom's search APIs.
#[pymodule]
mod _native {
    #[pymodule_export]
    use super::{check, compile, decompile, fields, format, validate};

    #[pymodule_init]
    fn init(m: &pyo3::Bound<'_, pyo3::types::PyModule>) -> pyo3::PyResult<()> {
        use pyo3::types::PyModuleMethods;
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }
}
