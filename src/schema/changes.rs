//! What differs between two schemas of one target, typically two API
//! versions (`qc fields --api-version B --changes-from A`): fields added
//! and removed, and for the others their type, operators, allowed values
//! and the meaning of their comparisons; and the same for custom
//! attributes of each type.

use serde::Serialize;

use super::{FieldDef, FieldType, Order, Schema};
use crate::op::Op;

/// One field whose rules differ, or that one side lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// The field's name, or `custom_attributes.NAME (Date)` for custom
    /// attributes of a type.
    pub field: String,
    /// `added`, `removed` or `changed`.
    pub change: &'static str,
    /// The type before and after, when it changed.
    #[serde(skip_serializing_if = "Option::is_none", rename = "type")]
    pub ty: Option<[&'static str; 2]>,
    /// The operators a query may write, before and after, when they changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operators: Option<[Vec<&'static str>; 2]>,
    /// What `>`, `<` and `=` mean, before and after, when it changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meaning: Option<[String; 2]>,
    /// The allowed values (empty: any), before and after, when they changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<[Vec<String>; 2]>,
    /// Whether `ORDER BY` takes the field, before and after, when it
    /// changed while the endpoint sorts in both versions (the endpoint
    /// starting or ceasing to sort is the row `ORDER BY`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sortable: Option<[bool; 2]>,
}

impl FieldChange {
    fn new(field: String, change: &'static str) -> Self {
        FieldChange {
            field,
            change,
            ty: None,
            operators: None,
            meaning: None,
            values: None,
            sortable: None,
        }
    }

    /// The change in words, for `qc fields`: `type Integer → String;
    /// operators ...`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some([a, b]) = &self.ty {
            parts.push(format!("type {a} → {b}"));
        }
        if let Some([a, b]) = &self.meaning {
            parts.push(format!("{a} → {b}"));
        }
        if let Some([a, b]) = &self.operators {
            parts.push(format!("operators {} → {}", a.join(" "), b.join(" ")));
        }
        if let Some([a, b]) = &self.values {
            let list = |v: &[String]| {
                if v.is_empty() {
                    "any".to_owned()
                } else {
                    v.join(", ")
                }
            };
            parts.push(format!("values {} → {}", list(a), list(b)));
        }
        if let Some([a, b]) = self.sortable {
            let says = |s: bool| {
                if s {
                    "sorts by it"
                } else {
                    "does not sort by it"
                }
            };
            parts.push(format!("ORDER BY {} → {}", says(a), says(b)));
        }
        if parts.is_empty() {
            self.change.to_owned()
        } else {
            parts.join("; ")
        }
    }
}

/// What `>`, `<` and `=` mean on a field of type `ty`, in words; `None`
/// for types without an order.
fn meaning(ty: FieldType, order: &Order) -> Option<String> {
    if !matches!(
        ty,
        FieldType::Integer | FieldType::Float | FieldType::Date | FieldType::Any
    ) {
        return None;
    }
    Some(match order {
        Order::Inclusive => "the API's `>`/`<` include the bound".to_owned(),
        Order::Strict if ty == FieldType::Date => "compared to the second".to_owned(),
        Order::Strict => "the API's `>`/`<` exclude the bound".to_owned(),
        Order::Ambiguous => "the API's `>`/`<` read two ways; qc sends `>=`/`<=`".to_owned(),
        Order::Day(days) if !days.is_configured() => {
            "compared by calendar day in the workspace's zone".to_owned()
        }
        Order::Day(days) => format!(
            "compared by calendar day in {}",
            days.zone().iana_name().unwrap_or("UTC")
        ),
    })
}

fn ops(f: &FieldDef) -> Vec<&'static str> {
    f.operators().iter().map(Op::as_str).collect()
}

/// How `b` differs from `a` for one field; `None` when it does not.
/// `sorts`: whether both endpoints sort, so that a field's sortability is
/// a change of its own.
fn compare(name: String, a: &FieldDef, b: &FieldDef, sorts: bool) -> Option<FieldChange> {
    let mut c = FieldChange::new(name, "changed");
    if sorts && a.sortable != b.sortable {
        c.sortable = Some([a.sortable, b.sortable]);
    }
    if a.ty != b.ty {
        c.ty = Some([a.ty.name(), b.ty.name()]);
    }
    let (oa, ob) = (ops(a), ops(b));
    if oa != ob {
        c.operators = Some([oa, ob]);
    }
    let (ma, mb) = (meaning(a.ty, &a.order), meaning(b.ty, &b.order));
    if ma != mb {
        let none = || "not ordered".to_owned();
        c.meaning = Some([ma.unwrap_or_else(none), mb.unwrap_or_else(none)]);
    }
    let values = |f: &FieldDef| f.values.iter().map(|v| v.to_string()).collect::<Vec<_>>();
    if a.values != b.values {
        c.values = Some([values(a), values(b)]);
    }
    let changed = c.ty.is_some()
        || c.operators.is_some()
        || c.meaning.is_some()
        || c.values.is_some()
        || c.sortable.is_some();
    changed.then_some(c)
}

/// What differs from `from` to `to` (two schemas of one target): each
/// field of either, in `to`'s order then `from`'s removed ones, then
/// custom attributes of each type. `from` is `None` when its version has
/// no such endpoint: every field is then added. When one endpoint sorts
/// and the other does not, the first row is `ORDER BY`, added or removed.
pub fn changes(from: Option<&Schema>, to: &Schema) -> Vec<FieldChange> {
    fn builtin(s: &Schema) -> Vec<&FieldDef> {
        s.fields().filter(|f| !f.is_custom()).collect()
    }
    let after = builtin(to);
    let before = from.map(builtin).unwrap_or_default();
    let mut out = Vec::new();
    let sorted_before = from.is_some_and(Schema::sorts);
    if sorted_before != to.sorts() {
        let change = if to.sorts() { "added" } else { "removed" };
        out.push(FieldChange::new("ORDER BY".to_owned(), change));
    }
    let sorts = sorted_before && to.sorts();
    for b in &after {
        match before.iter().find(|a| a.name == b.name) {
            None => out.push(FieldChange::new(b.name.to_string(), "added")),
            Some(a) => out.extend(compare(b.name.to_string(), a, b, sorts)),
        }
    }
    for a in &before {
        if !after.iter().any(|b| b.name == a.name) {
            out.push(FieldChange::new(a.name.to_string(), "removed"));
        }
    }
    let Some(from) = from else {
        return out;
    };
    // Custom attributes: an unchecked one, and one of each type.
    let prefix = to.open_prefix().or(from.open_prefix());
    if let Some(prefix) = prefix {
        let probe = format!("{prefix}NAME");
        for ty in [
            FieldType::String,
            FieldType::Integer,
            FieldType::Float,
            FieldType::Boolean,
            FieldType::Date,
        ] {
            let (a, b) = (
                from.attribute_rules(&probe, ty),
                to.attribute_rules(&probe, ty),
            );
            out.extend(compare(format!("{probe} ({ty})"), &a, &b, sorts));
        }
        if let (Some(a), Some(b)) = (from.field(&probe), to.field(&probe)) {
            out.extend(compare(
                format!("{probe} (without --schema)"),
                &a,
                &b,
                sorts,
            ));
        }
    }
    out
}
