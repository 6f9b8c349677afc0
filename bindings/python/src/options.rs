//! The keyword arguments every function shares: `target`, `timezone` and
//! `schema` (the workspace), `now`, `per_page` and `starting_after`.
//! Bad values raise `ValueError`, values of the wrong type `TypeError`.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use qc::check::{Pagination, is_valid_timestamp};
use qc::diagnostic::{RenderOptions, render_all};
use qc::schema::Workspace;
use qc::{Schema, Target};

use crate::convert::dumps;

/// One workspace schema: a file to read, or JSON text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    File(PathBuf),
    Json(String),
}

/// What a schema is built from; the last one built is kept, keyed by this.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Key {
    target: Target,
    timezone: Option<String>,
    /// The JSON text of each schema source, with the file it came from.
    schemas: Vec<(Option<PathBuf>, String)>,
}

/// The last schema built: scripts compile many queries for one workspace.
static LAST: Mutex<Option<(Key, Arc<Schema>)>> = Mutex::new(None);

/// The schema of the `target`, `timezone` and `schema` arguments.
pub fn schema(
    py: Python<'_>,
    target: &str,
    timezone: Option<&str>,
    schema: Option<&Bound<'_, PyAny>>,
) -> PyResult<Arc<Schema>> {
    let target: Target = target
        .parse()
        .map_err(|e: qc::target::UnknownTarget| PyValueError::new_err(e.to_string()))?;
    let sources = match schema {
        Some(obj) => sources(py, obj)?,
        None => Vec::new(),
    };
    let mut schemas = Vec::with_capacity(sources.len());
    for source in sources {
        schemas.push(match source {
            Source::File(path) => {
                let text = std::fs::read_to_string(&path).map_err(|e| {
                    PyValueError::new_err(format!(
                        "cannot read schema file {}: {e}",
                        path.display()
                    ))
                })?;
                (Some(path), text)
            }
            Source::Json(text) => (None, text),
        });
    }
    let key = Key {
        target,
        timezone: timezone.map(str::to_owned),
        schemas,
    };
    if let Ok(last) = LAST.lock()
        && let Some((k, s)) = last.as_ref()
        && *k == key
    {
        return Ok(s.clone());
    }
    let tz = match timezone {
        Some(name) => qc::schema::timezone(name).map_err(PyValueError::new_err)?,
        None => jiff::tz::TimeZone::UTC,
    };
    let mut workspaces = Vec::with_capacity(key.schemas.len());
    for (path, text) in &key.schemas {
        let workspace = Workspace::from_json(text).map_err(|diagnostics| {
            let name = path
                .as_ref()
                .map_or_else(|| "schema".to_owned(), |p| p.display().to_string());
            let options = RenderOptions {
                source_name: name.clone(),
                ..RenderOptions::default()
            };
            PyValueError::new_err(format!(
                "invalid workspace schema {name}:\n{}",
                render_all(&diagnostics, text, &options).trim_end()
            ))
        })?;
        workspaces.push(workspace);
    }
    let schema = Arc::new(Schema::new(target, tz, &workspaces));
    if let Ok(mut last) = LAST.lock() {
        *last = Some((key, schema.clone()));
    }
    Ok(schema)
}

/// The schema sources an argument names: a path (`str` or `os.PathLike`),
/// JSON text (a `str` starting with `{` or `[`, or `bytes`), parsed JSON
/// (a `dict`, or a `list` of attributes), or a list of those.
fn sources(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<Vec<Source>> {
    if obj.is_none() {
        return Ok(Vec::new());
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let items: Vec<Bound<'_, PyAny>> = obj.try_iter()?.collect::<PyResult<_>>()?;
        if !items.is_empty() && !items.iter().any(|i| is_whole_file(i)) {
            // The bare array of `GET /data_attributes` (or of ticket types).
            return Ok(vec![Source::Json(dumps(py, obj)?)]);
        }
        return items.iter().map(|i| one_source(py, i)).collect();
    }
    Ok(vec![one_source(py, obj)?])
}

/// True for an item that is a schema by itself, not an attribute of a bare
/// array: a path, text, a list, or a list object (`data`/`ticket_types`).
fn is_whole_file(item: &Bound<'_, PyAny>) -> bool {
    match item.cast::<PyDict>() {
        Ok(d) => d.contains("data").unwrap_or(false) || d.contains("ticket_types").unwrap_or(false),
        Err(_) => true,
    }
}

fn one_source(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<Source> {
    if let Ok(s) = obj.cast::<PyString>() {
        let s: String = s.extract()?;
        let s = s.as_str();
        let t = s.trim_start();
        return Ok(if t.starts_with('{') || t.starts_with('[') {
            Source::Json(s.to_owned())
        } else {
            Source::File(PathBuf::from(s))
        });
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return std::str::from_utf8(b.as_bytes())
            .map(|s| Source::Json(s.to_owned()))
            .map_err(|e| PyValueError::new_err(format!("schema bytes are not UTF-8: {e}")));
    }
    if obj.is_instance_of::<PyDict>() || obj.is_instance_of::<PyList>() {
        return Ok(Source::Json(dumps(py, obj)?));
    }
    if obj.hasattr("__fspath__")? {
        let path = py.import("os")?.getattr("fspath")?.call1((obj,))?;
        let path: PathBuf = path.extract()?;
        return Ok(Source::File(path));
    }
    Err(PyTypeError::new_err(format!(
        "schema must be a path, JSON text, a dict or a list of them, not {}",
        obj.get_type().name()?
    )))
}

/// `now` in unix seconds: an `int` or `float` of seconds, an aware
/// `datetime`, or RFC 3339 text (`2024-06-01T00:00:00Z`, as `qc --now`).
pub fn now(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<i64>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(None);
    };
    let seconds = if obj.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err(
            "now must be unix seconds, a datetime or RFC 3339 text, not bool",
        ));
    } else if obj.is_instance_of::<PyInt>() {
        obj.extract::<i64>()
            .map_err(|_| PyValueError::new_err(out_of_range()))?
    } else if obj.is_instance_of::<PyFloat>() {
        let f: f64 = obj.extract()?;
        if !f.is_finite() {
            return Err(PyValueError::new_err(out_of_range()));
        }
        // `as` saturates; out-of-range values are refused below.
        f.floor() as i64
    } else if let Ok(s) = obj.cast::<PyString>() {
        let text: String = s.extract()?;
        text.parse::<jiff::Timestamp>()
            .map(|t| t.as_second())
            .map_err(|e| {
                PyValueError::new_err(format!(
                    "now: expected an RFC 3339 date-time such as 2024-01-01T00:00:00Z: {e}"
                ))
            })?
    } else if obj.hasattr("utcoffset")? && obj.hasattr("timestamp")? {
        if obj.call_method0("utcoffset")?.is_none() {
            return Err(PyValueError::new_err(
                "now is a naive datetime; give it a time zone (e.g. tzinfo=datetime.timezone.utc)",
            ));
        }
        let f: f64 = obj.call_method0("timestamp")?.extract()?;
        f.floor() as i64
    } else {
        return Err(PyTypeError::new_err(format!(
            "now must be unix seconds, a datetime or RFC 3339 text, not {}",
            obj.get_type().name()?
        )));
    };
    if !is_valid_timestamp(seconds) {
        return Err(PyValueError::new_err(out_of_range()));
    }
    Ok(Some(seconds))
}

fn out_of_range() -> &'static str {
    "now must be between the years -9999 and 9999"
}

/// The pagination of `per_page` and `starting_after`, none when both are
/// `None`.
pub fn pagination(
    per_page: Option<&Bound<'_, PyAny>>,
    starting_after: Option<String>,
) -> PyResult<Option<Pagination>> {
    let per_page = match per_page.filter(|p| !p.is_none()) {
        None => None,
        Some(p) if p.is_instance_of::<PyBool>() || !p.is_instance_of::<PyInt>() => {
            return Err(PyTypeError::new_err(format!(
                "per_page must be an int, not {}",
                p.get_type().name()?
            )));
        }
        Some(p) => {
            let n: i128 = p.extract().unwrap_or(i128::MAX);
            match u32::try_from(n) {
                Ok(n) => Some(n),
                Err(_) => {
                    return Err(PyValueError::new_err(format!(
                        "per_page must be between 1 and 150, got {p}"
                    )));
                }
            }
        }
    };
    if per_page.is_none() && starting_after.is_none() {
        return Ok(None);
    }
    Pagination::new(per_page, starting_after)
        .map(Some)
        .map_err(|e| PyValueError::new_err(e.to_string()))
}
