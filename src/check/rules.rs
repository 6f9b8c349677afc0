//! Value rules shared by the compiler and the JSON validator, so that a
//! query and a request break them with the same diagnostic.

use super::fields::{FieldDef, FieldType};
use super::suggest;
use crate::diagnostic::{Code, Diagnostic, clip};
use crate::op::Op;
use crate::syntax::Span;

/// `a` or `an` before a field type's name.
pub fn article(ty: FieldType) -> &'static str {
    if ty == FieldType::Integer { "an" } else { "a" }
}

/// The error for an operator the field's type does not take; `spelled` is
/// the operator as written, `span` where.
pub fn operator_not_allowed(field: &FieldDef, spelled: &str, span: Span) -> Diagnostic {
    let allowed: Vec<&str> = field.operators().iter().map(|o| o.as_str()).collect();
    let article = article(field.ty);
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
    .with_help(format!("`{}` accepts {}", field.name, allowed.join(" ")))
}

/// The error for a value an enumerated field does not allow, or `None` when
/// the field allows it. The suggestion, when a close value exists, is that
/// value written by `spell` (bare or quoted, as the input language needs).
pub fn unknown_value(
    field: &FieldDef,
    text: &str,
    span: Span,
    spell: impl FnOnce(&str) -> String,
) -> Option<Diagnostic> {
    if !field.is_enumerated() || field.values.contains(&text) {
        return None;
    }
    let d = Diagnostic::new(
        Code::UnknownValue,
        span,
        format!(
            "`{}` is not a valid value for `{}`; expected one of {}",
            clip(text),
            field.name,
            field.values.join(", ")
        ),
    );
    Some(match suggest::closest(text, field.values.iter().copied()) {
        Some(v) => d
            .with_help(format!("did you mean `{v}`?"))
            .with_suggestion(span, spell(v)),
        None => d,
    })
}

/// The warning for a `source.body` equality with a value of several words
/// (the API matches the body word by word), or `None`.
pub fn multi_word_body(field: &FieldDef, op: Op, text: &str, span: Span) -> Option<Diagnostic> {
    if field.name != "source.body" || !matches!(op, Op::Eq | Op::Ne | Op::In | Op::Nin) {
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
            "`source.body` is matched word by word, so a value of several words never matches",
        )
        .with_help(format!(
            "search for one word, e.g. `source.body = {}`, and join more words with AND",
            clip(first)
        )),
    )
}
