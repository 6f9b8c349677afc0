//! The front door's input: one [`Settings`] value that every shell builds
//! from what it was given (flags and `qc.toml`, a JavaScript options
//! object, Python keyword arguments, an LSP client's options) and turns
//! into a [`Compiler`] with [`Settings::compiler`].
//!
//! Settings are plain data and deserialise from JSON (snake_case keys; the
//! camelCase spellings that JavaScript uses are accepted too), so that the
//! WebAssembly and Python shells pass one object across their boundary and
//! a new option is added here, once. Every value is checked here: a shell
//! only maps [`SettingsError::Type`] and [`SettingsError::Value`] to its
//! own exceptions.
//!
//! ```
//! let settings = qc::Settings::from_json(r#"{"target": "contacts", "now": "2024-06-01T00:00:00Z"}"#)?;
//! let compiler = settings.compiler()?;
//! let out = compiler.compile("role = lead")?;
//! assert_eq!(out.to_json_string(), r#"{"query":{"field":"role","operator":"=","value":"lead"}}"#);
//!
//! let err = qc::Settings::from_json(r#"{"perPage": 500}"#)?.compiler().unwrap_err();
//! assert_eq!(err.to_string(), "per_page must be between 1 and 150, got 500");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Reading files (`qc.toml`, `--schema FILE`) is not done here: the
//! `config` layer reads them into [`SchemaSource`]s.

use std::sync::{Arc, Mutex};

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

use crate::check::is_valid_timestamp as valid_timestamp;
use crate::compiler::Compiler;
use crate::diagnostic::{Diagnostic, RenderOptions, render_all};
use crate::options::{DateStyle, Limits, MAX_SOURCE_BYTES, Options, Pagination};
use crate::schema::{Schema, Workspace, timezone};
use crate::target::{ApiVersion, Target, UnknownVersion};

/// Everything a caller can set; every key optional.
///
/// | key | meaning | default |
/// |---|---|---|
/// | `target` | `conversations`, `contacts`, `tickets` or `companies` | conversations |
/// | `api_version` | the Intercom API version: `2.7` to `2.16`, `Preview` (or `Unstable`) | 2.11 |
/// | `timezone` | the workspace's IANA time zone | not known: dates in UTC, days the API reads in the workspace's zone sent as their midday in UTC |
/// | `schema` | workspace schemas: JSON text or parsed JSON of `GET /data_attributes` or `GET /ticket_types`, or a list of them | none |
/// | `now` | "now" for relative dates: unix seconds or RFC 3339 text | the clock |
/// | `per_page`, `starting_after` | pagination to add to the request | none |
/// | `rewrite` | rewrite a query over the API's limits to fit (`false`: refuse) | `true` |
/// | `max_input_bytes` | the longest input accepted | 1 MiB |
/// | `max_requests` | the most requests of a plan | 50 |
/// | `dates` | decompiled dates: `rfc3339` or `unix` | `rfc3339` |
/// | `width` | the formatter's line width | 80 |
/// | `optimiser_steps` | the optimiser's budget for one query | 1,000,000 |
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// `conversations` (default), `contacts`, `tickets` or `companies`.
    pub target: Option<String>,
    /// The Intercom API version to compile for (default 2.11).
    #[serde(alias = "apiVersion")]
    pub api_version: Option<String>,
    /// The workspace's IANA time zone (when absent, dates are read in UTC,
    /// and days the API reads in the workspace's zone are sent as their
    /// midday in UTC).
    pub timezone: Option<String>,
    /// The workspace's schemas.
    #[serde(deserialize_with = "schema_sources")]
    pub schema: Vec<SchemaSource>,
    /// "Now" for relative dates; the clock when absent.
    pub now: Option<Now>,
    /// Results per page (1 to 150).
    #[serde(alias = "perPage")]
    pub per_page: Option<serde_json::Number>,
    /// The cursor of the page to continue after.
    #[serde(alias = "startingAfter")]
    pub starting_after: Option<String>,
    /// Rewrite a query over the API's limits (default), or refuse it.
    pub rewrite: Option<bool>,
    /// The longest input accepted, in bytes.
    #[serde(alias = "maxInputBytes")]
    pub max_input_bytes: Option<u64>,
    /// The most requests a plan may hold.
    #[serde(alias = "maxRequests")]
    pub max_requests: Option<u64>,
    /// How decompiled text writes dates.
    pub dates: Option<DateStyle>,
    /// The formatter's line width, in columns.
    pub width: Option<u64>,
    /// The optimiser's budget of steps for one query.
    #[serde(alias = "optimiserSteps")]
    pub optimiser_steps: Option<u64>,
}

/// One workspace schema: its JSON text, and where it came from (a file's
/// path) for messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemaSource {
    /// The file's name or path, when it came from one.
    pub name: Option<String>,
    /// The JSON text.
    pub text: String,
}

impl SchemaSource {
    /// A schema given as JSON text.
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            name: None,
            text: text.into(),
        }
    }
}

/// "Now" for relative dates.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Now {
    /// Unix seconds (fractions are dropped).
    Seconds(f64),
    /// RFC 3339 text, e.g. `2024-06-01T00:00:00Z`.
    Text(String),
}

impl<'de> Deserialize<'de> for Now {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct NowVisitor;
        impl Visitor<'_> for NowVisitor {
            type Value = Now;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("unix seconds or RFC 3339 text")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Now, E> {
                Ok(Now::Seconds(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Now, E> {
                Ok(Now::Seconds(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Now, E> {
                Ok(Now::Seconds(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Now, E> {
                Ok(Now::Text(v.to_owned()))
            }
        }
        d.deserialize_any(NowVisitor)
    }
}

/// The `schema` key: see [`schema_values`].
fn schema_sources<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<SchemaSource>, D::Error> {
    let value = Option::<serde_json::Value>::deserialize(d)?;
    Ok(schema_values(value.unwrap_or(serde_json::Value::Null)))
}

/// The schemas of a `schema` setting: JSON text, an object (one schema),
/// or an array: a list of schemas when any item is one by itself (text,
/// an array, or a list object with `data` or `ticket_types`), otherwise the
/// bare array of attributes of one schema. Blank texts are skipped.
pub fn schema_values(value: serde_json::Value) -> Vec<SchemaSource> {
    use serde_json::Value;
    let whole = |item: &Value| match item {
        Value::Object(o) => o.contains_key("data") || o.contains_key("ticket_types"),
        _ => true,
    };
    let items = match value {
        Value::Null => Vec::new(),
        Value::Array(items) if items.iter().any(whole) => items,
        one => vec![one],
    };
    items
        .into_iter()
        .filter_map(|item| match item {
            Value::String(text) if text.trim().is_empty() => None,
            Value::String(text) => Some(SchemaSource::text(text)),
            other => Some(SchemaSource::text(other.to_string())),
        })
        .collect()
}

/// Why settings are not usable.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SettingsError {
    /// An unknown key, or a value of the wrong type (a `TypeError` in
    /// JavaScript and Python).
    #[error("{0}")]
    Type(String),
    /// A value of the right type that is not allowed: an unknown target or
    /// zone, `per_page` out of range, "now" out of range (a `RangeError` in
    /// JavaScript, a `ValueError` in Python).
    #[error("{0}")]
    Value(String),
    /// A workspace schema is malformed.
    #[error("invalid workspace schema{}:\n{}", .name.as_ref().map(|n| format!(" {n}")).unwrap_or_default(), rendered(.name.as_deref().unwrap_or("schema"), .text, .diagnostics))]
    Schema {
        /// The schema's file, when it came from one.
        name: Option<String>,
        /// Its text, for rendering the diagnostics.
        text: String,
        /// What is wrong, with JSON paths and positions.
        diagnostics: Vec<Diagnostic>,
    },
}

/// Diagnostics of a schema rendered as the command line prints them.
fn rendered(name: &str, text: &str, diagnostics: &[Diagnostic]) -> String {
    let options = RenderOptions {
        source_name: name.to_owned(),
        ..RenderOptions::default()
    };
    render_all(diagnostics, text, &options)
        .trim_end()
        .to_owned()
}

/// The message for "now" out of range.
const NOW_RANGE: &str = "now must be between the years -9999 and 9999";

impl Settings {
    /// Settings from JSON text (an object), as the WebAssembly and Python
    /// shells pass them. An unknown key or a value of the wrong type is a
    /// [`SettingsError::Type`] naming the key.
    pub fn from_json(text: &str) -> Result<Settings, SettingsError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| SettingsError::Type(format!("options: {e}")))?;
        Settings::from_value(value)
    }

    /// Settings from a parsed JSON object; see [`Settings::from_json`].
    pub fn from_value(value: serde_json::Value) -> Result<Settings, SettingsError> {
        if !value.is_object() {
            return Err(SettingsError::Type(format!(
                "options must be an object, not {}",
                crate::json::value_kind(&value)
            )));
        }
        serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            let message = e.into_inner().to_string();
            SettingsError::Type(format!("{path}: {message}"))
        })
    }

    /// These settings with every key `over` sets replacing ours (flags
    /// over a `qc.toml`).
    pub fn overridden_by(self, over: Settings) -> Settings {
        Settings {
            target: over.target.or(self.target),
            api_version: over.api_version.or(self.api_version),
            timezone: over.timezone.or(self.timezone),
            schema: if over.schema.is_empty() {
                self.schema
            } else {
                over.schema
            },
            now: over.now.or(self.now),
            per_page: over.per_page.or(self.per_page),
            starting_after: over.starting_after.or(self.starting_after),
            rewrite: over.rewrite.or(self.rewrite),
            max_input_bytes: over.max_input_bytes.or(self.max_input_bytes),
            max_requests: over.max_requests.or(self.max_requests),
            dates: over.dates.or(self.dates),
            width: over.width.or(self.width),
            optimiser_steps: over.optimiser_steps.or(self.optimiser_steps),
        }
    }

    /// The target named, conversations by default.
    pub fn target(&self) -> Result<Target, SettingsError> {
        self.target.as_deref().map_or(Ok(Target::default()), |t| {
            t.parse()
                .map_err(|e: crate::target::UnknownTarget| SettingsError::Value(e.to_string()))
        })
    }

    /// The API version named, 2.11 by default.
    pub fn api_version(&self) -> Result<ApiVersion, SettingsError> {
        self.api_version
            .as_deref()
            .map_or(Ok(ApiVersion::DEFAULT), |v| {
                v.parse()
                    .map_err(|e: UnknownVersion| SettingsError::Value(e.to_string()))
            })
    }

    /// The compiler these settings describe.
    pub fn compiler(&self) -> Result<Compiler, SettingsError> {
        let options = self.options()?;
        Ok(Compiler::new(self.schema()?, options))
    }

    /// The options (everything but the schema).
    pub fn options(&self) -> Result<Options, SettingsError> {
        let defaults = Options::default();
        Ok(Options {
            now: self.now_seconds()?,
            pagination: self.pagination()?,
            max_input_bytes: self.max_input_bytes.map_or(defaults.max_input_bytes, |n| {
                usize::try_from(n).map_or(MAX_SOURCE_BYTES, |n| n.min(MAX_SOURCE_BYTES))
            }),
            limits: if self.rewrite.unwrap_or(true) {
                Limits::Rewrite
            } else {
                Limits::Refuse
            },
            max_requests: self.max_requests.map_or(defaults.max_requests, |n| {
                usize::try_from(n).unwrap_or(usize::MAX)
            }),
            dates: self.dates.unwrap_or_default(),
            width: self
                .width
                .map_or(defaults.width, |w| usize::try_from(w).unwrap_or(usize::MAX)),
            optimiser_steps: self.optimiser_steps.unwrap_or(defaults.optimiser_steps),
        })
    }

    /// "Now" in unix seconds, checked.
    fn now_seconds(&self) -> Result<Option<i64>, SettingsError> {
        let seconds = match &self.now {
            None => return Ok(None),
            // `as` saturates; out-of-range values are then refused below.
            Some(Now::Seconds(n)) if n.is_finite() => n.floor() as i64,
            Some(Now::Seconds(_)) => return Err(SettingsError::Value(NOW_RANGE.to_owned())),
            Some(Now::Text(text)) => parse_now(text).map_err(SettingsError::Value)?,
        };
        if valid_timestamp(seconds) {
            Ok(Some(seconds))
        } else {
            Err(SettingsError::Value(NOW_RANGE.to_owned()))
        }
    }

    /// The pagination of `per_page` and `starting_after`, none when both
    /// are absent.
    fn pagination(&self) -> Result<Option<Pagination>, SettingsError> {
        let per_page =
            match &self.per_page {
                None => None,
                Some(n) => Some(n.as_u64().and_then(|n| u32::try_from(n).ok()).ok_or_else(
                    || {
                        SettingsError::Value(
                            crate::options::PerPageError(n.to_string()).to_string(),
                        )
                    },
                )?),
            };
        if per_page.is_none() && self.starting_after.is_none() {
            return Ok(None);
        }
        Pagination::new(per_page, self.starting_after.clone())
            .map(Some)
            .map_err(|e| SettingsError::Value(e.to_string()))
    }

    /// The schema of `target`, `api_version`, `timezone` and `schema`. The
    /// last one built is kept: shells ask again for every query of one
    /// workspace.
    pub fn schema(&self) -> Result<Arc<Schema>, SettingsError> {
        type Key = (
            Option<String>,
            Option<String>,
            Option<String>,
            Vec<SchemaSource>,
        );
        static LAST: Mutex<Option<(Key, Arc<Schema>)>> = Mutex::new(None);
        let key: Key = (
            self.target.clone(),
            self.api_version.clone(),
            self.timezone.clone(),
            self.schema.clone(),
        );
        if let Ok(last) = LAST.lock()
            && let Some((k, s)) = last.as_ref()
            && *k == key
        {
            return Ok(s.clone());
        }
        let target = self.target()?;
        let version = self.api_version()?;
        // No zone: the workspace's is not known (see `Schema::with_zone`).
        let tz = match &self.timezone {
            Some(name) => Some(timezone(name).map_err(SettingsError::Value)?),
            None => None,
        };
        let mut workspaces = Vec::with_capacity(self.schema.len());
        for source in &self.schema {
            let workspace = Workspace::from_json(&source.text).map_err(|diagnostics| {
                SettingsError::Schema {
                    name: source.name.clone(),
                    text: source.text.clone(),
                    diagnostics,
                }
            })?;
            workspaces.push(workspace);
        }
        let schema = Schema::for_version_with_zone(target, version, tz, &workspaces)
            .map_err(|e| SettingsError::Value(e.to_string()))?;
        let schema = Arc::new(schema);
        if let Ok(mut last) = LAST.lock() {
            *last = Some((key, schema.clone()));
        }
        Ok(schema)
    }
}

/// Unix seconds of RFC 3339 text, as `qc --now` takes it.
pub fn parse_now(text: &str) -> Result<i64, String> {
    text.parse::<jiff::Timestamp>()
        .map(|t| t.as_second())
        .map_err(|e| {
            format!("now: expected an RFC 3339 date-time such as 2024-01-01T00:00:00Z: {e}")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_in_both_spellings() {
        let a = Settings::from_json(r#"{"per_page": 5, "starting_after": "x"}"#).expect("valid");
        let b = Settings::from_json(r#"{"perPage": 5, "startingAfter": "x"}"#).expect("valid");
        assert_eq!(a, b);
        let p = a.options().expect("valid").pagination.expect("pagination");
        assert_eq!((p.per_page, p.starting_after.as_deref()), (5, Some("x")));
    }

    #[test]
    fn wrong_types_and_unknown_keys_are_type_errors() {
        for (json, path) in [
            (r#"{"target": 5}"#, "target"),
            (r#"{"rewrite": "yes"}"#, "rewrite"),
            (r#"{"per_page": "5"}"#, "per_page"),
            (r#"{"now": true}"#, "now"),
            (r#"{"dates": 1}"#, "dates"),
            (r#"{"api_version": 2.16}"#, "api_version"),
        ] {
            match Settings::from_json(json) {
                Err(SettingsError::Type(m)) => assert!(m.starts_with(&format!("{path}: ")), "{m}"),
                other => panic!("{json}: {other:?}"),
            }
        }
        match Settings::from_json(r#"{"colour": 1}"#) {
            Err(SettingsError::Type(m)) => assert!(m.contains("unknown field `colour`"), "{m}"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            Settings::from_json("[]"),
            Err(SettingsError::Type(_))
        ));
    }

    #[test]
    fn bad_values_are_value_errors() {
        for (json, message) in [
            (
                r#"{"per_page": 500}"#,
                "per_page must be between 1 and 150, got 500",
            ),
            (
                r#"{"per_page": -1}"#,
                "per_page must be between 1 and 150, got -1",
            ),
            (
                r#"{"per_page": 2.5}"#,
                "per_page must be between 1 and 150, got 2.5",
            ),
            (r#"{"now": 1e300}"#, NOW_RANGE),
            (r#"{"target": "people"}"#, "unknown target `people`"),
            (
                r#"{"target": "companies"}"#,
                "companies search is not in API version 2.11; it is in version Preview only",
            ),
            (
                r#"{"target": "tickets", "api_version": "2.9"}"#,
                "tickets search is not in API version 2.9; it is in version 2.10 and later",
            ),
            (
                r#"{"apiVersion": "3.0"}"#,
                "unknown API version `3.0`; expected one of 2.7, 2.8, 2.9, 2.10, 2.11, 2.12, 2.13, 2.14, 2.15, 2.16, Preview",
            ),
        ] {
            let err = Settings::from_json(json)
                .expect("well typed")
                .compiler()
                .expect_err(json);
            assert!(matches!(err, SettingsError::Value(_)), "{json}: {err:?}");
            assert!(err.to_string().starts_with(message), "{json}: {err}");
        }
    }

    #[test]
    fn schema_lists_and_bare_arrays() {
        let attribute =
            r#"{"model": "contact", "full_name": "custom_attributes.plan", "data_type": "string"}"#;
        let bare = Settings::from_json(&format!(r#"{{"schema": [{attribute}]}}"#)).expect("valid");
        assert_eq!(bare.schema.len(), 1);
        let list = Settings::from_json(&format!(
            r#"{{"schema": [{{"type": "list", "data": [{attribute}]}}, " ", {{"ticket_types": []}}]}}"#
        ))
        .expect("valid");
        assert_eq!(list.schema.len(), 2);
        let settings = Settings {
            target: Some("contacts".into()),
            ..list
        };
        let schema = settings.schema().expect("valid schema");
        assert!(schema.fields().any(|f| f.name == "custom_attributes.plan"));
    }
}
