//! The keyword arguments every function takes (`**options`), converted at
//! the edge into the library's [`Settings`]: Python values become JSON
//! values, an aware `datetime` for `now` becomes unix seconds, and a
//! schema given as a path is read, within a size limit. Everything else
//! (the names, the types, the ranges, the defaults) is the library's:
//! [`Settings::from_value`] checks it, and its errors become `TypeError`
//! and `ValueError` here.

use std::path::PathBuf;
use std::sync::OnceLock;

use pyo3::exceptions::{PyException, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use pythonize::{PythonizeError, depythonize};
use qc::config::{DEFAULT_MAX_FILE_BYTES, read_bounded};
use qc::settings::schema_values;
use qc::{Compiler, SchemaSource, Settings, SettingsError};
use serde_json::Value;

/// The key whose value may name files.
const SCHEMA: &str = "schema";
/// The key that may be a `datetime`.
const NOW: &str = "now";
/// The one key of this shell's own (as in `qc.toml`): the largest schema
/// file read, in bytes.
const MAX_FILE_BYTES: &str = "max_file_bytes";

/// The compiler that `options` describe. The schema is built (or found in
/// the library's cache) without the GIL.
pub fn compiler(py: Python<'_>, options: Option<&Bound<'_, PyDict>>) -> PyResult<Compiler> {
    let settings = settings(py, options)?;
    py.detach(|| settings.compiler()).map_err(settings_error)
}

/// The settings that `options` describe.
fn settings(py: Python<'_>, options: Option<&Bound<'_, PyDict>>) -> PyResult<Settings> {
    let Some(options) = options.filter(|o| !o.is_empty()) else {
        return Ok(Settings::default());
    };
    let mut map = serde_json::Map::with_capacity(options.len());
    let mut schema = None;
    let mut limit = DEFAULT_MAX_FILE_BYTES;
    for (key, value) in options.iter() {
        let key: String = key.extract()?;
        if !is_option(&key) {
            return Err(PyTypeError::new_err(format!(
                "unexpected keyword argument '{key}'; the options are {}",
                option_names().join(", ")
            )));
        }
        match key.as_str() {
            SCHEMA => schema = Some(value),
            MAX_FILE_BYTES => limit = file_limit(&value)?,
            NOW => {
                map.insert(key, now(&value)?);
            }
            _ => {
                let value = json_value(&key, &value)?;
                map.insert(key, value);
            }
        }
    }
    let mut settings = Settings::from_value(Value::Object(map)).map_err(settings_error)?;
    if let Some(schema) = schema {
        settings.schema = sources(py, &schema, limit)?;
    }
    Ok(settings)
}

/// The names of the options: the library's settings (as [`Settings`]
/// serialises them), and this shell's own.
fn option_names() -> &'static [String] {
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names: Vec<String> = match serde_json::to_value(Settings::default()) {
            Ok(Value::Object(keys)) => keys.into_iter().map(|(k, _)| k).collect(),
            _ => Vec::new(),
        };
        names.push(MAX_FILE_BYTES.to_owned());
        names
    })
}

fn is_option(key: &str) -> bool {
    option_names().iter().any(|k| k == key)
}

/// The Python exception of a [`SettingsError`]: `TypeError` for a value of
/// the wrong type or an unknown name, `ValueError` otherwise.
pub fn settings_error(e: SettingsError) -> PyErr {
    match e {
        SettingsError::Type(message) => PyTypeError::new_err(message),
        other => PyValueError::new_err(other.to_string()),
    }
}

/// An option's value as JSON. Integers beyond 64 bits become floats, so
/// that the library's range check reports them; floats must be finite
/// (JSON has no NaN).
fn json_value(key: &str, value: &Bound<'_, PyAny>) -> PyResult<Value> {
    if let Ok(int) = value.cast::<PyInt>()
        && !value.is_instance_of::<PyBool>()
    {
        if let Ok(n) = int.extract::<i64>() {
            return Ok(n.into());
        }
        if let Ok(n) = int.extract::<u64>() {
            return Ok(n.into());
        }
        let f: f64 = int
            .extract()
            .map_err(|_| PyValueError::new_err(format!("{key}: {int} is out of range")))?;
        return number(key, f);
    }
    if let Ok(f) = value.cast::<PyFloat>() {
        return number(key, f.value());
    }
    depythonize::<Value>(value).map_err(|e| conversion_error(value.py(), key, e))
}

fn number(key: &str, f: f64) -> PyResult<Value> {
    serde_json::Number::from_f64(f)
        .map(Value::Number)
        .ok_or_else(|| PyValueError::new_err(format!("{key} must be a finite number, not {f}")))
}

/// The exception for a Python value that is not JSON data: a `TypeError`
/// naming `what`; an exception that Python code raised on the way (a
/// mapping's `__getitem__`, say) is kept as it is.
pub fn conversion_error(py: Python<'_>, what: &str, e: PythonizeError) -> PyErr {
    let message = e.to_string();
    let err = PyErr::from(e);
    if err.get_type(py).is(py.get_type::<PyException>()) || err.is_instance_of::<PyTypeError>(py) {
        PyTypeError::new_err(format!("{what}: {message}"))
    } else {
        err
    }
}

/// `now`: an aware `datetime` as unix seconds; any other value as JSON
/// (unix seconds or RFC 3339 text, checked by the library).
fn now(value: &Bound<'_, PyAny>) -> PyResult<Value> {
    let is_datetime = value.hasattr("utcoffset")? && value.hasattr("timestamp")?;
    if !is_datetime {
        return json_value(NOW, value);
    }
    if value.call_method0("utcoffset")?.is_none() {
        return Err(PyValueError::new_err(
            "now is a naive datetime; give it a time zone (e.g. tzinfo=datetime.timezone.utc)",
        ));
    }
    number(NOW, value.call_method0("timestamp")?.extract()?)
}

/// `max_file_bytes`: a non-negative `int`, or `None` for the default.
fn file_limit(value: &Bound<'_, PyAny>) -> PyResult<u64> {
    if value.is_none() {
        return Ok(DEFAULT_MAX_FILE_BYTES);
    }
    if value.is_instance_of::<PyBool>() || !value.is_instance_of::<PyInt>() {
        return Err(PyTypeError::new_err(format!(
            "{MAX_FILE_BYTES} must be an int, not {}",
            value.get_type().name()?
        )));
    }
    value.extract().map_err(|_| {
        PyValueError::new_err(format!(
            "{MAX_FILE_BYTES} must be between 0 and {}, got {value}",
            u64::MAX
        ))
    })
}

/// One item of `schema`: a file to read, or JSON.
enum Item {
    File(PathBuf),
    Json(Value),
}

/// The workspace schemas of the `schema` option: a path (`str` or
/// `os.PathLike`), JSON text (a `str` starting with `{` or `[`, or
/// `bytes`), parsed JSON (a `dict`, or a `list` of attributes), or a list
/// or tuple of those. Files are read through the library's bounded reader;
/// the rest is the library's [`schema_values`] (which tells a list of
/// schemas from the bare array of one).
fn sources(py: Python<'_>, obj: &Bound<'_, PyAny>, limit: u64) -> PyResult<Vec<SchemaSource>> {
    if obj.is_none() {
        return Ok(Vec::new());
    }
    let items = if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let items = obj
            .try_iter()?
            .map(|i| item(&i?))
            .collect::<PyResult<Vec<Item>>>()?;
        if !items.iter().any(|i| matches!(i, Item::File(_))) {
            let values = items.into_iter().filter_map(|i| match i {
                Item::Json(v) => Some(v),
                Item::File(_) => None,
            });
            return Ok(schema_values(Value::Array(values.collect())));
        }
        items
    } else {
        vec![item(obj)?]
    };
    let mut sources = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Item::File(path) => {
                let text = py
                    .detach(|| read_bounded(&path, limit))
                    .map_err(settings_error)?;
                sources.push(SchemaSource {
                    name: Some(path.display().to_string()),
                    text,
                });
            }
            Item::Json(value) => sources.extend(schema_values(value)),
        }
    }
    Ok(sources)
}

fn item(obj: &Bound<'_, PyAny>) -> PyResult<Item> {
    if let Ok(s) = obj.cast::<PyString>() {
        let s = s.to_cow()?;
        let t = s.trim_start();
        return Ok(
            if t.is_empty() || t.starts_with('{') || t.starts_with('[') {
                Item::Json(Value::String(s.into_owned()))
            } else {
                Item::File(PathBuf::from(&*s))
            },
        );
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return std::str::from_utf8(b.as_bytes())
            .map(|s| Item::Json(Value::String(s.to_owned())))
            .map_err(|e| PyValueError::new_err(format!("schema bytes are not UTF-8: {e}")));
    }
    if obj.is_instance_of::<PyDict>()
        || obj.is_instance_of::<PyList>()
        || obj.is_instance_of::<PyTuple>()
    {
        return depythonize::<Value>(obj)
            .map(Item::Json)
            .map_err(|e| conversion_error(obj.py(), SCHEMA, e));
    }
    if obj.hasattr("__fspath__")? {
        let path = obj.py().import("os")?.getattr("fspath")?.call1((obj,))?;
        return Ok(Item::File(path.extract()?));
    }
    Err(PyTypeError::new_err(format!(
        "schema must be a path, JSON text, a dict or a list of them, not {}",
        obj.get_type().name()?
    )))
}
