//! Values between Rust and Python: JSON values to `dict`/`list`/`str`/
//! `int`/`float`/`bool`/`None`, Python objects to JSON text, and
//! diagnostics with their ranges in code points.

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyList, PyString};
use qc::Diagnostic;
use qc::diagnostic::{OffsetEncoder, PositionEncoding};
use serde::Serialize;
use serde_json::Value;

/// A JSON value as Python objects. Objects keep their key order.
pub fn to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(members) => {
            let dict = PyDict::new(py);
            for (key, item) in members {
                dict.set_item(key_of(py, key), to_py(py, item)?)?;
            }
            dict.into_any()
        }
    })
}

/// The keys every request body repeats, interned once.
fn key_of<'py>(py: Python<'py>, key: &str) -> Bound<'py, PyString> {
    match key {
        "field" => intern!(py, "field").clone(),
        "operator" => intern!(py, "operator").clone(),
        "value" => intern!(py, "value").clone(),
        "query" => intern!(py, "query").clone(),
        _ => PyString::new(py, key),
    }
}

/// Any serialisable value (diagnostics, field rows) as Python objects,
/// through the same JSON form as the command line's `--format json`.
pub fn serialised<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    let value = serde_json::to_value(value)
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(format!("intercom_qc: {e}")))?;
    to_py(py, &value)
}

/// Diagnostics of `source` with every range, label span and suggestion
/// span counting code points (as Python's `str` indexes), not bytes, so
/// that `text[:start] + replacement + text[end:]` applies a suggestion.
pub fn in_code_points(diagnostics: &[Diagnostic], source: &str) -> Vec<Diagnostic> {
    if source.is_ascii() {
        return diagnostics.to_vec();
    }
    let encoder = OffsetEncoder::new(source, PositionEncoding::Utf32);
    diagnostics.iter().map(|d| d.in_units(&encoder)).collect()
}

static DUMPS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// `json.loads(text)`: JSON text as Python objects, by Python's own
/// (C) parser, which is faster than building them one by one from Rust.
pub fn loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    let loads = LOADS.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        Ok(py.import("json")?.getattr("loads")?.unbind())
    })?;
    loads.bind(py).call1((text,))
}

/// `json.dumps(obj)`: the JSON text of already-parsed data.
pub fn dumps(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<String> {
    let dumps = DUMPS.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        Ok(py.import("json")?.getattr("dumps")?.unbind())
    })?;
    dumps.bind(py).call1((obj,))?.extract()
}
