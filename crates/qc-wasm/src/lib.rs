//! qc in JavaScript: the WebAssembly core of the `intercom-qc` npm package
//! (`bindings/js`), which the playground in `web/` uses too.
//!
//! A thin shell: every function converts its arguments, calls the library
//! (through [`api`]) and returns its result. `compile`, `check`,
//! `validate`, `decompile`, `fields` and `format` return the JSON text of
//! an [`api::Outcome`] (`{value, diagnostics, rendered, error}`), which the
//! package's JavaScript parses once and turns into a value or an
//! exception; their diagnostics are those of `qc check --format json`.
//! `complete` and `hover`, for editors, take UTF-16 offsets (as
//! JavaScript strings count them) and return plain objects with UTF-16
//! ranges: `from`/`to` offsets and 0-based `line`/`character` positions.
//! No function throws on any input.

pub mod api;
pub mod text;

use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;

/// Converts a value to a plain JavaScript object (objects, not `Map`s;
/// `null` for `None`).
fn to_js<T: Serialize>(value: &T) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or_else(|e| JsValue::from_str(&format!("qc-wasm: {e}")))
}

/// The JSON text of an outcome.
fn to_json<T: Serialize>(outcome: &api::Outcome<T>) -> String {
    serde_json::to_string(outcome).unwrap_or_else(|e| {
        format!(r#"{{"value":null,"diagnostics":[],"rendered":"","error":"qc-wasm: {e}"}}"#)
    })
}

/// Options from a JavaScript object; the defaults when undefined or null.
fn from_js<T: DeserializeOwned + Default>(options: JsValue) -> Result<T, String> {
    if options.is_undefined() || options.is_null() {
        return Ok(T::default());
    }
    serde_wasm_bindgen::from_value(options).map_err(|e| format!("invalid options: {e}"))
}

/// Runs `f` with the options, or reports why they are malformed.
fn with<O, T, F>(options: JsValue, f: F) -> String
where
    O: DeserializeOwned + Default,
    T: Serialize,
    F: FnOnce(&O) -> api::Outcome<T>,
{
    match from_js::<O>(options) {
        Ok(o) => to_json(&f(&o)),
        Err(e) => to_json(&api::Outcome::<()>::bad_options(e)),
    }
}

/// Compiles a query. `options` is `{now?, per_page?, starting_after?,
/// target?, timezone?, schema?}` (`now` in unix seconds or RFC 3339;
/// `schema` the JSON of `GET /data_attributes` or `GET /ticket_types`, as
/// text or an object, or a list of them) or undefined. The outcome's
/// value is the request body.
#[wasm_bindgen]
pub fn compile(text: &str, options: JsValue) -> String {
    with(options, |o| api::compile(text, o))
}

/// The requests whose union is exactly the query (`qc plan`); options as
/// [`compile`]'s. The outcome's value is the list of request bodies.
#[wasm_bindgen]
pub fn plan(text: &str, options: JsValue) -> String {
    with(options, |o| api::plan(text, o))
}

/// Every diagnostic of a query; options as [`compile`]'s.
#[wasm_bindgen]
pub fn check(text: &str, options: JsValue) -> String {
    with(options, |o| api::check(text, o))
}

/// Every diagnostic of a JSON search request; `options` is `{target?,
/// timezone?, schema?}`.
#[wasm_bindgen]
pub fn validate(json: &str, options: JsValue) -> String {
    with(options, |o| api::validate(json, o))
}

/// Formats query text as `qc fmt` does; `width` (columns, default 80)
/// may be undefined.
#[wasm_bindgen]
pub fn format(text: &str, width: Option<u32>) -> String {
    to_json(&api::format(text, width))
}

/// Turns a JSON search request into query text, as `qc decompile` does.
/// Dates are RFC 3339 unless `unix_dates`.
#[wasm_bindgen]
pub fn decompile(json: &str, unix_dates: Option<bool>, options: JsValue) -> String {
    with(options, |o| {
        api::decompile(json, unix_dates.unwrap_or(false), o)
    })
}

/// The searchable fields of the options' target: `[{name, type, values,
/// operators, doc, custom}]`.
#[wasm_bindgen]
pub fn fields(options: JsValue) -> String {
    with(options, api::fields)
}

/// Completions at a UTF-16 offset: `[{label, kind, detail, documentation,
/// insert, range}]`, unfiltered (the editor filters by the typed word in
/// `range`). Malformed options mean the default workspace.
#[wasm_bindgen]
pub fn complete(text: &str, offset: u32, options: JsValue) -> JsValue {
    to_js(&api::complete(
        text,
        offset,
        &from_js(options).unwrap_or_default(),
    ))
}

/// Hover information at a UTF-16 offset: `{range, contents}` (Markdown),
/// or `null`.
#[wasm_bindgen]
pub fn hover(text: &str, offset: u32, options: JsValue) -> JsValue {
    to_js(&api::hover(
        text,
        offset,
        &from_js(options).unwrap_or_default(),
    ))
}

/// The version of qc this module was built from.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
