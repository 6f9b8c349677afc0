//! qc in the browser: WebAssembly bindings of the compiler for the
//! playground in `web/`: `compile`, `check`, `fields`, `complete`, `hover`
//! (the data the language server uses, from `qc::ide`), `format` and
//! `decompile`.
//!
//! A thin shell: every function converts its arguments, calls the library
//! (through [`api`]) and returns plain JavaScript objects built with
//! `serde-wasm-bindgen`. Ranges are given in UTF-16 code units, as
//! JavaScript strings count them: `from`/`to` offsets and 0-based
//! `line`/`character` positions. No function throws on any query text.

pub mod api;
pub mod text;

use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Converts a value to a plain JavaScript object (objects, not `Map`s;
/// `null` for `None`).
fn to_js<T: Serialize>(value: &T) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or_else(|e| JsValue::from_str(&format!("qc-wasm: {e}")))
}

/// The workspace options of a call: `{target?, timezone?, schema?}`, or
/// the defaults when undefined or malformed.
fn workspace(options: JsValue) -> api::WorkspaceOptions {
    if options.is_undefined() || options.is_null() {
        return api::WorkspaceOptions::default();
    }
    serde_wasm_bindgen::from_value(options).unwrap_or_default()
}

/// Compiles a query. `options` is `{now?, per_page?, starting_after?,
/// pretty?, target?, timezone?, schema?}` (`now` in unix seconds; `schema`
/// the JSON of `GET /data_attributes` or `GET /ticket_types`, as text or
/// an object) or undefined. Returns `{ok, json,
/// diagnostics, error}`: `json` is the request body text when `ok`;
/// `error` explains bad options.
#[wasm_bindgen]
pub fn compile(text: &str, options: JsValue) -> JsValue {
    match compile_options(options) {
        Ok(opts) => to_js(&api::compile(text, &opts)),
        Err(error) => to_js(&api::CompileResult {
            ok: false,
            json: None,
            diagnostics: Vec::new(),
            error: Some(error),
        }),
    }
}

/// The options of [`compile`] and [`plan`]; the defaults when undefined.
fn compile_options(options: JsValue) -> Result<api::CompileOptions, String> {
    if options.is_undefined() || options.is_null() {
        return Ok(api::CompileOptions::default());
    }
    serde_wasm_bindgen::from_value(options).map_err(|e| format!("invalid options: {e}"))
}

/// The requests whose union is exactly the query (`qc plan`), with the
/// same options as [`compile`]: `{ok, requests, diagnostics, error}`,
/// `requests` being compact JSON bodies.
#[wasm_bindgen]
pub fn plan(text: &str, options: JsValue) -> JsValue {
    match compile_options(options) {
        Ok(opts) => to_js(&api::plan(text, &opts)),
        Err(error) => to_js(&api::PlanResult {
            ok: false,
            requests: Vec::new(),
            diagnostics: Vec::new(),
            error: Some(error),
        }),
    }
}

/// Every diagnostic of a query: `[{severity, code, message, range: {from,
/// to, start, end}, help, suggestion, labels}]`.
#[wasm_bindgen]
pub fn check(text: &str, options: JsValue) -> JsValue {
    to_js(&api::check(text, &workspace(options)))
}

/// Formats query text as `qc fmt` does: `{ok, text, diagnostics}`;
/// `width` (columns, default 80) may be undefined.
#[wasm_bindgen]
pub fn format(text: &str, width: Option<u32>) -> JsValue {
    to_js(&api::format(text, width))
}

/// Turns a JSON search request into query text, as `qc decompile` does:
/// `{ok, text, diagnostics}` (diagnostic ranges are into `json`, with a
/// `path` into the request). Dates are RFC 3339 unless `unixDates`.
#[wasm_bindgen]
pub fn decompile(json: &str, unix_dates: Option<bool>, options: JsValue) -> JsValue {
    to_js(&api::decompile(
        json,
        unix_dates.unwrap_or(false),
        &workspace(options),
    ))
}

/// The searchable fields of the options' target: `[{name, type, values,
/// operators, doc, custom}]`.
#[wasm_bindgen]
pub fn fields(options: JsValue) -> JsValue {
    to_js(&api::fields(&workspace(options)))
}

/// Completions at a UTF-16 offset: `[{label, kind, detail, documentation,
/// insert, range}]`, unfiltered (the editor filters by the typed word in
/// `range`).
#[wasm_bindgen]
pub fn complete(text: &str, offset: u32, options: JsValue) -> JsValue {
    to_js(&api::complete(text, offset, &workspace(options)))
}

/// Hover information at a UTF-16 offset: `{range, contents}` (Markdown),
/// or `null`.
#[wasm_bindgen]
pub fn hover(text: &str, offset: u32, options: JsValue) -> JsValue {
    to_js(&api::hover(text, offset, &workspace(options)))
}

/// The version of qc this module was built from.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
