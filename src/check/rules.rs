//! Field rules shared by the compiler and the JSON validator, so that a
//! query and a request break them with the same diagnostic: finding the
//! field, the operators it takes, the list/scalar shape of its value, its
//! allowed values, and reading a value as the field's type.

use jiff::tz::TimeZone;

use super::dates::{DateError, is_unix_seconds, parse_duration};
use super::notation::Notation;
use super::query::ScalarValue;
use crate::diagnostic::{Code, Diagnostic, clip, closest};
use crate::op::Op;
use crate::schema::{FieldDef, FieldRef, FieldType, Matching, OpSet, Origin, Schema};
use crate::syntax::Span;

/// `a` or `an` before a field type's name.
pub fn article(ty: FieldType) -> &'static str {
    ty.article()
}

/// The field named `name`, and a warning when it is not checked (a custom
/// attribute accepted without a schema) or archived; or the error for an
/// unknown field, with the closest known name written in `notation`.
pub fn lookup(
    schema: &Schema,
    name: &str,
    span: Span,
    notation: Notation,
) -> Result<(FieldRef, Option<Diagnostic>), Box<Diagnostic>> {
    lookup_among(schema, name, span, notation, || schema.closest(name))
}

/// [`lookup`] where an unknown name's "did you mean" is what `closest`
/// finds (asked only for an unknown name: it compares the name with
/// every field's).
fn lookup_among<'s>(
    schema: &'s Schema,
    name: &str,
    span: Span,
    notation: Notation,
    closest: impl FnOnce() -> Option<&'s str>,
) -> Result<(FieldRef, Option<Diagnostic>), Box<Diagnostic>> {
    if let Some(field) = schema.field(name) {
        let warning = match field.origin {
            Origin::Unchecked => Some(
                Diagnostic::new(
                    Code::UncheckedAttribute,
                    span,
                    format!(
                        "`{}` is not checked: without a workspace schema its name and type are unknown (taken as {})",
                        clip(name),
                        field.ty
                    ),
                )
                .with_help("pass the workspace's attributes with `--schema FILE` (the JSON of `GET /data_attributes` or `GET /ticket_types`)"),
            ),
            _ if field.archived => Some(Diagnostic::new(
                Code::ArchivedAttribute,
                span,
                format!("`{}` is an archived attribute", clip(name)),
            )),
            _ if field.reference_spelling == Some(name) => Some(
                Diagnostic::new(
                    Code::ReferenceSpelling,
                    span,
                    format!(
                        "`{name}` is the search table's spelling of the {} model's `{}`, which qc sends",
                        crate::schema::Model::of(schema.target()).name(),
                        field.name
                    ),
                )
                .with_help(format!("write `{}`", field.name))
                .with_suggestion(span, notation.field(&field.name)),
            ),
            _ => None,
        };
        return Ok((field, warning));
    }
    if let Some(other) = schema.elsewhere(name) {
        return Err(Box::new(not_searchable(schema, name, other, span)));
    }
    let what = if name.starts_with(crate::schema::CUSTOM_ATTRIBUTES)
        || name.starts_with(crate::schema::TICKET_ATTRIBUTE)
    {
        "attribute"
    } else {
        "field"
    };
    let mut d = Diagnostic::new(
        Code::UnknownField,
        span,
        format!(
            "unknown {what} `{}` for {} search",
            clip(name),
            schema.target()
        ),
    );
    let elsewhere = schema.versions_with_field(name);
    d = match closest() {
        _ if !elsewhere.is_empty() => d.with_help(format!(
            "`{}` is a {} field in API {}, not in {} (the API version qc compiles for is an option: `--api-version`, `api_version`)",
            clip(name),
            schema.target(),
            crate::target::ApiVersion::describe(&elsewhere),
            schema.version()
        )),
        Some(s) => d.with_closest(span, s, notation.field(s)),
        None => d.with_help(format!(
            "run `qc fields --target {}` to list the searchable fields",
            schema.target()
        )),
    };
    Err(Box::new(d))
}

/// The field `ORDER BY` (or a request's `sort`) names, when the
/// endpoint sorts and the field is a sort field, with the warnings of
/// [`lookup`]; else the error: E0115 where the endpoint takes no `sort`
/// (`at`: the clause), E0116 for a field that is no sort field, E0101 for
/// an unknown one, whose "did you mean" is a sort field.
pub fn sort_field(
    schema: &Schema,
    name: &str,
    span: Span,
    at: Span,
    notation: Notation,
) -> Result<(FieldRef, Option<Diagnostic>), Box<Diagnostic>> {
    if !schema.sorts() {
        return Err(Box::new(sort_not_supported(schema, at, notation)));
    }
    let (field, warning) = lookup_among(schema, name, span, notation, || {
        schema.closest_sortable(name)
    })?;
    if !field.sortable {
        let why = if field.many {
            format!(
                "`{}` holds several values (a list), not one to order by",
                clip(name)
            )
        } else {
            format!("the reference does not sort by `{}`", clip(name))
        };
        return Err(Box::new(
            Diagnostic::new(
                Code::NotSortable,
                span,
                format!(
                    "{} search cannot sort by `{}`: {why}",
                    schema.target(),
                    clip(name)
                ),
            )
            .with_help(format!(
                "sort by a field that holds one value (`qc fields --target {} --api-version {}` says which fields sort)",
                schema.target(),
                schema.version()
            )),
        ));
    }
    Ok((field, warning))
}

/// E0115: the endpoint takes no `sort` in this version; the message says
/// which targets and versions do.
pub fn sort_not_supported(schema: &Schema, at: Span, notation: Notation) -> Diagnostic {
    let what = notation.sort_clause();
    Diagnostic::new(
        Code::SortNotSupported,
        at,
        format!(
            "{} search in API version {} cannot sort: its request takes no `sort`",
            schema.target(),
            schema.version()
        ),
    )
    .with_help(format!(
        "{what} is in {}; remove {what}, or search one of those (`--target`, `--api-version`)",
        crate::schema::sorting_described()
    ))
}

/// The error for a workspace attribute the target cannot search: another
/// model's, or one the API cannot search.
fn not_searchable(
    schema: &Schema,
    name: &str,
    other: &crate::schema::Elsewhere,
    span: Span,
) -> Diagnostic {
    let target = schema.target();
    let shown = if other.name == name {
        format!("`{}`", clip(name))
    } else {
        format!("`{}` ({})", clip(name), other.name)
    };
    let d = Diagnostic::new(
        Code::NotSearchable,
        span,
        format!(
            "{shown} is {}: {target} search cannot search it",
            other.what
        ),
    );
    match other.model.target() {
        Some(t) if t != target => d.with_help(format!(
            "search {}s with `--target {t}`, or use one of {target}' own attributes (`qc fields --target {target}`)",
            other.model.name()
        )),
        Some(_) => d.with_help(format!(
            "search another attribute (`qc fields --target {target}` lists them)"
        )),
        None => d.with_help(format!(
            "qc has no {} search; use one of {target}' own attributes (`qc fields --target {target}`)",
            other.model.name()
        )),
    }
}

/// The error for an operator the field does not take; `spelled` is the
/// operator as written, `allowed` what the field takes, `span` where.
pub fn operator_not_allowed(
    field: &FieldDef,
    spelled: &str,
    span: Span,
    allowed: OpSet,
) -> Diagnostic {
    let article = field.ty.article();
    let kind = if field.is_enumerated() {
        format!("{article} {} field with a fixed set of values", field.ty)
    } else {
        format!("{article} {} field", field.ty)
    };
    Diagnostic::new(
        Code::OperatorNotAllowed,
        span,
        format!(
            "operator `{spelled}` cannot be used with `{}`, {kind}",
            field.name
        ),
    )
    .with_help(format!("`{}` accepts {}", field.name, allowed.join()))
}

/// The error for a value an enumerated field does not allow, or `None` when
/// the field allows it. The suggestion, when a close value exists, is that
/// value written in `notation`.
pub fn unknown_value(
    field: &FieldDef,
    text: &str,
    span: Span,
    notation: Notation,
) -> Option<Diagnostic> {
    if let Some(sent) = field.sent_value(text) {
        // A request sends a list option's id, never the label a query
        // writes.
        if notation == Notation::Json && sent != text {
            return Some(
                Diagnostic::new(
                    Code::UnknownValue,
                    span,
                    format!(
                        "`{}` is the label of an option of `{}`; the API takes the option's id, `{sent}`",
                        clip(text),
                        field.name
                    ),
                )
                .with_suggestion(span, notation.value(sent)),
            );
        }
        return None;
    }
    if !field.is_enumerated() {
        return None;
    }
    let values: Vec<&str> = field.values.iter().map(|v| v.as_ref()).collect();
    let d = Diagnostic::new(
        Code::UnknownValue,
        span,
        format!(
            "`{}` is not a valid value for `{}`; expected one of {}",
            clip(text),
            field.name,
            values.join(", ")
        ),
    );
    Some(match closest(text, values.iter().copied()) {
        Some(v) => {
            let fix = match notation {
                Notation::Text => {
                    let mut out = String::new();
                    let _ = crate::syntax::lexical::write_value(&mut out, v);
                    out
                }
                Notation::Json => notation.value(v),
            };
            d.with_closest(span, v, fix)
        }
        None => d,
    })
}

/// The warning for an equality on a word-matched field with a value of
/// several words (the API matches such fields word by word), or `None`.
pub fn multi_word(field: &FieldDef, op: Op, text: &str, span: Span) -> Option<Diagnostic> {
    if field.matching != Matching::Words || !matches!(op, Op::Eq | Op::Ne | Op::In | Op::Nin) {
        return None;
    }
    let mut words = text.split_whitespace();
    let (Some(first), Some(_)) = (words.next(), words.next()) else {
        return None;
    };
    Some(
        Diagnostic::new(
            Code::MultiWordBody,
            span,
            format!(
                "`{}` is matched word by word, so a value of several words never matches",
                field.name
            ),
        )
        .with_help(format!(
            "search for one word, e.g. `{} = {}`, and join more words with AND",
            field.name,
            clip(first)
        )),
    )
}

/// The list/scalar shape rule: `IN`/`NIN` take a non-empty list and every
/// other operator one value. `list` is `Some(len)` for a list value.
/// `to_list` writes the value as a one-item list, for the fix; the fix of
/// the operator is written in `notation`.
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
pub fn shape(
    op: Op,
    spelled: &str,
    op_span: Span,
    value_span: Span,
    list: Option<usize>,
    to_list: impl FnOnce() -> Option<String>,
    notation: Notation,
) -> Option<Diagnostic> {
    match list {
        None if op.takes_list() => {
            let d = Diagnostic::new(
                Code::ListRequired,
                value_span,
                format!("`{spelled}` needs a list of values"),
            );
            Some(match to_list() {
                Some(list) => d.with_suggestion(value_span, list),
                None => d,
            })
        }
        Some(_) if !op.takes_list() => {
            let d = Diagnostic::new(
                Code::ListNotAllowed,
                value_span,
                format!("`{spelled}` takes a single value, not a list"),
            );
            Some(match op {
                Op::Eq => d
                    .with_suggestion(op_span, notation.value("IN"))
                    .with_help("to match any value of a list use `IN`"),
                Op::Ne => d
                    .with_suggestion(op_span, notation.value("NIN"))
                    .with_help("to exclude every value of a list use `NIN` (or `NOT IN`)"),
                _ => d.with_help("only `IN` and `NIN` take a list"),
            })
        }
        Some(0) => Some(
            Diagnostic::new(
                Code::EmptyList,
                value_span,
                format!("`{spelled}` needs at least one value"),
            )
            .with_help("put at least one value in the list"),
        ),
        _ => None,
    }
}

/// The null rule, the same in every notation: `null` is a whole value,
/// compared with `=` or `!=` only (a missing or null attribute). `in_list`
/// is true for an item of a list.
pub fn null_value(
    op: Op,
    in_list: bool,
    span: Span,
    notation: Notation,
) -> Result<ScalarValue, Box<Diagnostic>> {
    if !in_list && matches!(op, Op::Eq | Op::Ne) {
        return Ok(ScalarValue::Null);
    }
    let message = if in_list {
        "a list may not hold `null`".to_owned()
    } else {
        format!("`{op}` cannot compare with `null`")
    };
    Err(Box::new(
        Diagnostic::new(Code::NullNotAllowed, span, message).with_help(notation.null_help()),
    ))
}

/// What a value is read with: now and the zone (for dates), and the
/// notation it was written in (for dates and fixes).
pub struct ValueContext<'a> {
    /// Now, in unix seconds, for relative dates.
    pub now: i64,
    /// The workspace's time zone.
    pub tz: &'a TimeZone,
    /// The language of the query.
    pub notation: Notation,
}

/// Reads `text` as a value of `field`'s type: the value typing of both
/// front ends. The text checker passes every value as written; the JSON
/// validator passes the text of a JSON value whose JSON type carries the
/// field's type (a string for a String or Date field, a number for a
/// number field, `true`/`false` for a Boolean one). `quoted` tells a
/// quoted text from a bare word (only an untyped field reads them
/// differently) and how the value is shown in messages.
pub fn typed_text(
    field: &FieldDef,
    text: &str,
    quoted: bool,
    span: Span,
    cx: &ValueContext<'_>,
) -> Result<ScalarValue, Box<Diagnostic>> {
    let shown = || {
        let text = clip(text);
        if quoted {
            let mut out = String::new();
            let _ = crate::syntax::lexical::write_quoted(&mut out, &text);
            out
        } else {
            format!("`{text}`")
        }
    };
    let mismatch = |what: &str| {
        Diagnostic::new(
            Code::TypeMismatch,
            span,
            format!(
                "`{}` is {} {} field, but {} is not {what}",
                field.name,
                field.ty.article(),
                field.ty,
                shown()
            ),
        )
    };
    match field.ty {
        // `unknown_value`'s rule, the field's values searched once.
        FieldType::String => match field.sent_value(text) {
            Some(sent) if cx.notation == Notation::Text || sent == text => {
                Ok(ScalarValue::String(sent.into()))
            }
            None if !field.is_enumerated() => Ok(ScalarValue::String(text.into())),
            sent => match unknown_value(field, text, span, cx.notation) {
                None => Ok(ScalarValue::String(sent.unwrap_or(text).into())),
                Some(d) => Err(Box::new(d)),
            },
        },
        // A bare value is what it reads as: a whole number, a date (a
        // calendar date, a date-time, `today`, `now-7d`: unix seconds stay
        // a number), a decimal, a boolean, else text.
        FieldType::Any => Ok(if quoted {
            ScalarValue::String(text.into())
        } else if let Ok(n) = text.parse::<i64>() {
            ScalarValue::Integer(n)
        } else if let Ok(seconds) = cx.notation.date(text, cx.now, cx.tz) {
            ScalarValue::Date(seconds)
        } else if let Some(f) = decimal(text) {
            ScalarValue::Float(f)
        } else if text == "true" || text == "false" {
            ScalarValue::Boolean(text == "true")
        } else {
            ScalarValue::String(text.into())
        }),
        FieldType::Integer => {
            if let Ok(n) = text.parse::<i64>() {
                return Ok(ScalarValue::Integer(n));
            }
            // Digits (after an optional `-`) that do not fit.
            if is_unix_seconds(text) {
                return Err(Box::new(
                    Diagnostic::new(
                        Code::TypeMismatch,
                        span,
                        format!(
                            "`{}` is out of range for `{}`, an Integer field",
                            clip(text),
                            field.name
                        ),
                    )
                    .with_help("whole numbers from -9223372036854775808 to 9223372036854775807"),
                ));
            }
            if field.duration
                && let Some(seconds) = parse_duration(text)
            {
                return seconds.map(ScalarValue::Integer).map_err(|e| {
                    Box::new(date_error(e, span, text, "duration", cx.notation).with_help(
                        "a duration is a whole number of seconds, or a number and a unit: s m h d w",
                    ))
                });
            }
            let d = mismatch("a whole number");
            Err(Box::new(if decimal(text).is_some() {
                d.with_help("the API compares whole numbers only")
            } else if field.duration {
                d.with_help(format!(
                    "write seconds or a duration, e.g. `{} > 2h`",
                    field.name
                ))
            } else {
                if parse_duration(text).is_some() {
                    return Err(Box::new(mismatch("a whole number").with_help(format!(
                        "`{}` does not hold a duration: units like `2h` are for duration fields",
                        field.name
                    ))));
                }
                d.with_help(format!("write a whole number, e.g. `{} > 2`", field.name))
            }))
        }
        FieldType::Float => match decimal(text) {
            Some(f) => Ok(ScalarValue::Float(f)),
            None => Err(Box::new(
                mismatch("a number")
                    .with_help(format!("write a number, e.g. `{} > 2.5`", field.name)),
            )),
        },
        FieldType::Boolean => {
            if text.eq_ignore_ascii_case("true") {
                return Ok(ScalarValue::Boolean(true));
            }
            if text.eq_ignore_ascii_case("false") {
                return Ok(ScalarValue::Boolean(false));
            }
            let d = mismatch("`true` or `false`");
            Err(Box::new(match closest(text, ["true", "false"]) {
                Some(v) => d.with_closest(span, v, v),
                None => d.with_help("write `true` or `false`"),
            }))
        }
        FieldType::Date => match cx.notation.date(text, cx.now, cx.tz) {
            Ok(seconds) => Ok(ScalarValue::Date(seconds)),
            Err(DateError::NotADate) => Err(Box::new(
                mismatch("a date").with_help(cx.notation.date_help()),
            )),
            Err(e) => Err(Box::new(date_error(e, span, text, "date", cx.notation))),
        },
    }
}

/// A finite decimal number written plainly (`2.5`, `-3`, `1e3`).
fn decimal(text: &str) -> Option<f64> {
    let starts = text.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '.');
    text.parse::<f64>().ok().filter(|f| starts && f.is_finite())
}

/// The diagnostic for an invalid date or duration: one fix is a
/// suggestion (written in `notation`), two are offered as help only.
pub fn date_error(
    e: DateError,
    span: Span,
    text: &str,
    what: &str,
    notation: Notation,
) -> Diagnostic {
    let (why, fixes) = match e {
        DateError::NotADate => ("not a date".to_owned(), Vec::new()),
        DateError::Invalid { why, fixes } => (why, fixes),
    };
    let code = if what == "duration" {
        Code::InvalidDuration
    } else {
        Code::InvalidDate
    };
    let d = Diagnostic::new(
        code,
        span,
        format!("invalid {what} `{}`: {why}", clip(text)),
    );
    match fixes.as_slice() {
        [one] => d.with_suggestion(span, notation.value(one)),
        [a, b] => d.with_help(format!("write `{a}` or `{b}`")),
        _ if what == "date" => d.with_help(notation.date_help()),
        _ => d,
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::searches;
    use crate::{Compiler, Options, Schema, Target};

    /// A query whose every field is known looks for no "did you mean"
    /// (which reads every name of the schema), in text, in a request and
    /// in `ORDER BY`; an unknown field does.
    #[test]
    fn known_fields_look_for_no_closest_name() {
        let options = Options {
            now: Some(1_700_000_000),
            ..Options::default()
        };
        let conversations = Compiler::new(Schema::conversations(), options.clone());
        let contacts = Schema::for_version_with_zone(
            Target::Contacts,
            crate::target::ApiVersion::Preview,
            None,
            &[],
        )
        .expect("contacts in Preview");
        let contacts = Compiler::new(std::sync::Arc::new(contacts), options);
        let before = searches::so_far();
        let body = conversations
            .compile("state = open AND (priority = priority OR tag_ids IN [1, 2]) AND custom_attributes.tier = gold")
            .expect("compiles")
            .to_json_string();
        assert!(conversations.validate(&body).query.is_some(), "{body}");
        contacts
            .compile("role = user ORDER BY created_at ASC")
            .expect("compiles");
        assert_eq!(searches::so_far(), before);
        assert!(conversations.compile("stat = open").is_err());
        assert!(searches::so_far() > before);
    }
}
