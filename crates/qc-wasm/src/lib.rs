//! qc in JavaScript: the WebAssembly core of the `intercom-qc` npm package
//! (`bindings/js`), which the playground in `web/` uses too.
//!
//! A thin shell: every function takes its options as plain arguments
//! (strings, numbers, booleans; the package's JavaScript checks the
//! options object and spreads it), calls the library (through [`api`]) and
//! returns JSON text, which the package's JavaScript parses once.
//! `compile`, `plan`, `check`, `validate`, `decompile`, `fields` and
//! `format` return an [`api::Outcome`] (`{value, diagnostics, rendered,
//! error}`), which the package turns into a value or an exception; their
//! diagnostics are those of `qc check --format json`. `complete` and
//! `hover`, for editors, take UTF-16 offsets (as JavaScript strings count
//! them) and give UTF-16 ranges: `from`/`to` offsets and 0-based
//! `line`/`character` positions. No function throws on any input.
//!
//! The workspace arguments, `target`, `timezone` and `schema`, are those of
//! [`api::WorkspaceOptions`]; `schema` is the list of schema files' JSON
//! texts. Taking arguments rather than an object keeps a JavaScript-value
//! deserialiser out of the module.

pub mod api;
pub mod text;

use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The JSON text of a value.
fn to_json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|e| {
        format!(r#"{{"value":null,"diagnostics":[],"rendered":"","error":"qc-wasm: {e}"}}"#)
    })
}

fn workspace(
    target: Option<String>,
    timezone: Option<String>,
    schema: Vec<String>,
) -> api::WorkspaceOptions {
    api::WorkspaceOptions {
        target,
        timezone,
        schema,
    }
}

/// The options of `compile`, `plan` and `check`: the workspace, then "now"
/// (unix seconds, or RFC 3339 text; the clock when both are undefined),
/// `per_page`, `starting_after` and `rewrite`.
#[allow(clippy::too_many_arguments)]
fn compile_options(
    target: Option<String>,
    timezone: Option<String>,
    schema: Vec<String>,
    now_seconds: Option<f64>,
    now_text: Option<String>,
    per_page: Option<f64>,
    starting_after: Option<String>,
    rewrite: Option<bool>,
) -> api::CompileOptions {
    api::CompileOptions {
        workspace: workspace(target, timezone, schema),
        now: match (now_seconds, now_text) {
            (Some(n), _) => Some(api::Now::Seconds(n)),
            (None, Some(t)) => Some(api::Now::Text(t)),
            (None, None) => None,
        },
        per_page,
        starting_after,
        rewrite,
    }
}

/// Compiles a query. The options (see the crate's documentation; `now` as
/// `now_seconds` or `now_text`) are those of `qc`'s flags. The outcome's
/// value is the request body.
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn compile(
    text: &str,
    target: Option<String>,
    timezone: Option<String>,
    schema: Vec<String>,
    now_seconds: Option<f64>,
    now_text: Option<String>,
    per_page: Option<f64>,
    starting_after: Option<String>,
    rewrite: Option<bool>,
) -> String {
    let o = compile_options(
        target,
        timezone,
        schema,
        now_seconds,
        now_text,
        per_page,
        starting_after,
        rewrite,
    );
    to_json(&api::compile(text, &o))
}

/// The requests whose union is exactly the query (`qc plan`); options as
/// [`compile`]'s. The outcome's value is the list of request bodies.
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn plan(
    text: &str,
    target: Option<String>,
    timezone: Option<String>,
    schema: Vec<String>,
    now_seconds: Option<f64>,
    now_text: Option<String>,
    per_page: Option<f64>,
    starting_after: Option<String>,
    rewrite: Option<bool>,
) -> String {
    let o = compile_options(
        target,
        timezone,
        schema,
        now_seconds,
        now_text,
        per_page,
        starting_after,
        rewrite,
    );
    to_json(&api::plan(text, &o))
}

/// Every diagnostic of a query; options as [`compile`]'s.
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn check(
    text: &str,
    target: Option<String>,
    timezone: Option<String>,
    schema: Vec<String>,
    now_seconds: Option<f64>,
    now_text: Option<String>,
    per_page: Option<f64>,
    starting_after: Option<String>,
    rewrite: Option<bool>,
) -> String {
    let o = compile_options(
        target,
        timezone,
        schema,
        now_seconds,
        now_text,
        per_page,
        starting_after,
        rewrite,
    );
    to_json(&api::check(text, &o))
}

/// Every diagnostic of a JSON search request, in the workspace.
#[wasm_bindgen]
pub fn validate(
    json: &str,
    target: Option<String>,
    timezone: Option<String>,
    schema: Vec<String>,
) -> String {
    to_json(&api::validate(json, &workspace(target, timezone, schema)))
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
pub fn decompile(
    json: &str,
    unix_dates: Option<bool>,
    target: Option<String>,
    timezone: Option<String>,
    schema: Vec<String>,
) -> String {
    to_json(&api::decompile(
        json,
        unix_dates.unwrap_or(false),
        &workspace(target, timezone, schema),
    ))
}

/// The searchable fields of the workspace's target: `[{name, type, values,
/// operators, doc, custom}]`.
#[wasm_bindgen]
pub fn fields(target: Option<String>, timezone: Option<String>, schema: Vec<String>) -> String {
    to_json(&api::fields(&workspace(target, timezone, schema)))
}

/// Completions at a UTF-16 offset: `[{label, kind, detail, documentation,
/// insert, range}]`, unfiltered (the editor filters by the typed word in
/// `range`). A workspace with errors means the default workspace.
#[wasm_bindgen]
pub fn complete(
    text: &str,
    offset: u32,
    target: Option<String>,
    timezone: Option<String>,
    schema: Vec<String>,
) -> String {
    to_json(&api::complete(
        text,
        offset,
        &workspace(target, timezone, schema),
    ))
}

/// Hover information at a UTF-16 offset: `{range, contents}` (Markdown),
/// or `null`.
#[wasm_bindgen]
pub fn hover(
    text: &str,
    offset: u32,
    target: Option<String>,
    timezone: Option<String>,
    schema: Vec<String>,
) -> String {
    to_json(&api::hover(
        text,
        offset,
        &workspace(target, timezone, schema),
    ))
}

/// The version of qc this module was built from.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
