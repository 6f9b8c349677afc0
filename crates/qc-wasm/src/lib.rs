//! qc in JavaScript: the WebAssembly core of the `intercom-qc` npm package
//! (`bindings/js`), which the playground in `web/` uses too.
//!
//! A thin shell: every function takes its input and ONE options argument,
//! the JSON text of the options object (the package's JavaScript converts
//! `Date`s and the like, then calls `JSON.stringify`), which the library
//! reads with [`qc::Settings::from_json`]; it calls one method of the
//! [`qc::Compiler`] and returns JSON text, which the package's JavaScript
//! parses once. That text is an [`api::Outcome`]:
//! `{"outcome": "value", value, warnings, rendered}`,
//! `{"outcome": "invalid", diagnostics, rendered}` (the package throws
//! `QueryError`) or `{"outcome": "error", kind, message}` (`TypeError` when
//! `kind` is `type`, `RangeError` when it is `range`). Diagnostics are
//! those of `qc check --format json` with every range (its own, its labels'
//! and its suggestion's) in UTF-16 code units, as JavaScript strings count;
//! `complete` and `hover` take UTF-16 offsets and give UTF-16 ranges. No
//! function throws on any input.
//!
//! [`Matcher`] is the one class: a query compiled once and run on many
//! objects, for the package's `matches` and `filter`.

pub mod api;
pub mod text;

// The allocator: talc, which grows the module's memory as it needs, in
// place of the standard library's dlmalloc (7 KB smaller; single-threaded
// WebAssembly only, which this module is).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The JSON text of an outcome.
fn to_json<T: Serialize>(outcome: &api::Outcome<T>) -> String {
    serde_json::to_string(outcome).unwrap_or_else(|e| {
        let message = serde_json::Value::from(format!("qc-wasm: {e}"));
        format!(r#"{{"outcome":"error","kind":"range","message":{message}}}"#)
    })
}

/// Compiles a query; the outcome's value is the request body.
#[wasm_bindgen]
pub fn compile(text: &str, options: &str) -> String {
    to_json(&api::compile(text, options))
}

/// The requests whose union is exactly the query (`qc plan`); the outcome's
/// value is the list of request bodies.
#[wasm_bindgen]
pub fn plan(text: &str, options: &str) -> String {
    to_json(&api::plan(text, options))
}

/// Every diagnostic of a query (the outcome's value).
#[wasm_bindgen]
pub fn check(text: &str, options: &str) -> String {
    to_json(&api::check(text, options))
}

/// Every diagnostic of a JSON search request (the outcome's value).
#[wasm_bindgen]
pub fn validate(json: &str, options: &str) -> String {
    to_json(&api::validate(json, options))
}

/// Formats query text as `qc fmt` does (the `width` option).
#[wasm_bindgen]
pub fn format(text: &str, options: &str) -> String {
    to_json(&api::format(text, options))
}

/// Turns a JSON search request into query text, as `qc decompile` does
/// (the `dates` option).
#[wasm_bindgen]
pub fn decompile(json: &str, options: &str) -> String {
    to_json(&api::decompile(json, options))
}

/// The searchable fields of the target: `[{name, type, values, operators,
/// doc, custom}]`.
#[wasm_bindgen]
pub fn fields(options: &str) -> String {
    to_json(&api::fields(options))
}

/// Completions at a UTF-16 offset: `[{label, kind, detail, documentation,
/// insert, range}]`, unfiltered (the editor filters by the typed word in
/// `range`).
#[wasm_bindgen]
pub fn complete(text: &str, offset: u32, options: &str) -> String {
    to_json(&api::complete(text, offset, options))
}

/// Hover information at a UTF-16 offset: `{range, contents}` (Markdown),
/// or `null`.
#[wasm_bindgen]
pub fn hover(text: &str, offset: u32, options: &str) -> String {
    to_json(&api::hover(text, offset, options))
}

/// A query compiled once, to run on many objects (`qc filter`).
#[wasm_bindgen]
pub struct Matcher {
    matcher: Option<qc::Matcher>,
    outcome: String,
}

#[wasm_bindgen]
impl Matcher {
    /// Compiles `text` with the options; [`Matcher::outcome`] says how it went.
    #[wasm_bindgen(constructor)]
    pub fn new(text: &str, options: &str) -> Matcher {
        let (matcher, outcome) = api::matcher(text, options);
        Matcher {
            matcher,
            outcome: to_json(&outcome),
        }
    }

    /// The outcome of compiling: its value is `true` when the query
    /// compiled, with its warnings.
    pub fn outcome(&self) -> String {
        self.outcome.clone()
    }

    /// Whether the JSON text of an object matches the query; `undefined`
    /// when the text is not a JSON object or the query did not compile.
    pub fn matches(&self, json: &str) -> Option<bool> {
        api::matches(self.matcher.as_ref()?, json)
    }
}

/// Every API version qc knows, oldest first, each with the targets it
/// searches: the JSON text of [`qc::schema::api_versions`].
#[wasm_bindgen(js_name = apiVersions)]
pub fn api_versions() -> String {
    serde_json::to_string(&qc::schema::api_versions()).unwrap_or_else(|_| "[]".to_owned())
}

/// The version of qc this module was built from.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
