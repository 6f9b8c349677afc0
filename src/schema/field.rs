//! One row of a schema: a searchable field and every rule about it.

use std::borrow::Cow;

use serde::Serialize;

use crate::op::{FieldType, Op, OpSet};

/// Prefix of custom attributes on contacts and conversations.
pub const CUSTOM_ATTRIBUTES: &str = "custom_attributes.";
/// Prefix of ticket attributes on tickets.
pub const TICKET_ATTRIBUTE: &str = "ticket_attribute.";

/// What the endpoint's `>` and `<` mean on an ordered field, and so how a
/// query's strict and inclusive comparisons are compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Order {
    /// `>`/`<` include the bound, and there is no `>=`/`<=`
    /// (conversations; tickets except `created_at`): `x > n` is sent as
    /// `> n+1`, `x >= n` as `> n`.
    Inclusive,
    /// `>`/`<` are strict (contacts' Integer fields, tickets' `created_at`,
    /// Preview contacts' timestamps, companies): sent as written, and
    /// where the API has no `>=`/`<=` (companies), `x >= n` is sent as
    /// `> n-1`.
    Strict,
    /// Compared by calendar day in the zone given (contacts' Date fields
    /// in the workspace's zone before Preview; Date custom attributes in
    /// UTC in Preview): `=` matches the whole day, `>` from the start of
    /// the next day, `<` before the start of the day.
    Day(jiff::tz::TimeZone),
}

/// How text values are matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Matching {
    /// The whole value, exactly.
    Exact,
    /// Word by word, case-insensitively, in HTML text (`source.body`):
    /// `=` matches one word of the body.
    Words,
}

/// Where a value is in an object: its keys, outermost first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath(pub Vec<Cow<'static, str>>);

impl FieldPath {
    /// The path of a dotted name, `source.author.email`.
    pub fn dotted(path: &'static str) -> FieldPath {
        FieldPath(path.split('.').map(Cow::Borrowed).collect())
    }

    /// The path of keys given one by one (a key may hold dots).
    pub fn keys(keys: impl IntoIterator<Item = String>) -> FieldPath {
        FieldPath(keys.into_iter().map(Cow::Owned).collect())
    }
}

impl std::fmt::Display for FieldPath {
    /// The keys joined with dots.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, key) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            f.write_str(key)?;
        }
        Ok(())
    }
}

/// Where a field comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// The endpoint's reference table.
    Builtin,
    /// A workspace schema file (`--schema`).
    Workspace,
    /// A custom attribute accepted by its prefix alone, without a schema:
    /// its name and type are not checked.
    Unchecked,
}

/// One row of a schema: everything qc knows about a searchable field. The
/// compiler, the JSON validator, the evaluator, completion and hover all
/// read the same row.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDef {
    /// The name the API uses, e.g. `source.author.email` or
    /// `ticket_attribute.17`.
    pub name: Cow<'static, str>,
    /// Another name a query may use for it (a ticket attribute's name).
    pub alias: Option<String>,
    /// Its type.
    pub ty: FieldType,
    /// The only values it accepts; empty when any value of the type goes.
    pub values: Cow<'static, [Cow<'static, str>]>,
    /// The operators the endpoint accepts on it.
    pub api_ops: OpSet,
    /// What the endpoint's `>`/`<` mean on it.
    pub order: Order,
    /// How text values match.
    pub matching: Matching,
    /// True when the field holds several values (a list of ids): `=`
    /// matches when one of them does.
    pub many: bool,
    /// True when the field holds a duration in seconds (`90s`, `2h` are
    /// accepted and sent as seconds).
    pub duration: bool,
    /// Where `eval` reads it in an object, arrays walked into; the first
    /// path holding a value wins.
    pub paths: Vec<FieldPath>,
    /// What the field holds.
    pub doc: Cow<'static, str>,
    /// Where the row comes from.
    pub origin: Origin,
    /// True when `qc validate` also accepts a JSON integer for this String
    /// field, with a warning (the OpenAPI table types it Integer, the
    /// reference text String).
    pub lenient_integer: bool,
    /// True for an archived custom attribute (still searchable, with a
    /// warning).
    pub archived: bool,
}

impl FieldDef {
    /// The operators a query may write on the field: those of its type
    /// (only equality for enumerated fields) that the endpoint takes, or
    /// that qc compiles to an exact equivalent (see `check::lower`).
    pub fn operators(&self) -> OpSet {
        let by_type = if self.is_enumerated() {
            self.ty.operators().and(OpSet::EQUALITY)
        } else {
            self.ty.operators()
        };
        let mut ops = OpSet::default();
        for op in by_type.iter().filter(|op| self.expressible(*op)) {
            ops = ops.with(op);
        }
        ops
    }

    /// True when `op` can be sent as it is or as an exact equivalent.
    fn expressible(&self, op: Op) -> bool {
        let api = self.api_ops;
        let stepped = matches!(
            self.ty,
            FieldType::Integer | FieldType::Date | FieldType::Any
        );
        match (&self.order, op) {
            // A strict bound is the inclusive one a step further.
            (Order::Inclusive, Op::Gt) => stepped && api.contains(Op::Gt),
            (Order::Inclusive, Op::Lt) => stepped && api.contains(Op::Lt),
            (Order::Inclusive, Op::Ge) => api.contains(Op::Gt),
            (Order::Inclusive, Op::Le) => api.contains(Op::Lt),
            // And an inclusive bound the strict one a step back.
            (Order::Strict, Op::Ge) if !api.contains(Op::Ge) => stepped && api.contains(Op::Gt),
            (Order::Strict, Op::Le) if !api.contains(Op::Le) => stepped && api.contains(Op::Lt),
            (Order::Day(_), Op::Ne | Op::Ge | Op::Le | Op::In | Op::Nin) => true,
            _ if api.contains(op) => true,
            (_, Op::In) => api.contains(Op::Eq),
            (_, Op::Nin) => api.contains(Op::Ne),
            _ => false,
        }
    }

    /// True when a query may write `op` on the field.
    pub fn allows(&self, op: Op) -> bool {
        // `self.operators().contains(op)`, without building the set.
        let by_type = self.ty.operators();
        let by_type = if self.is_enumerated() {
            by_type.and(OpSet::EQUALITY)
        } else {
            by_type
        };
        by_type.contains(op) && self.expressible(op)
    }

    /// The zone whose calendar days the field is compared by, when it is
    /// matched by day.
    pub fn day_zone(&self) -> Option<&jiff::tz::TimeZone> {
        match &self.order {
            Order::Day(tz) => Some(tz),
            _ => None,
        }
    }

    /// True when the field accepts only a fixed set of values.
    pub fn is_enumerated(&self) -> bool {
        !self.values.is_empty()
    }

    /// True when `text` is one of the field's values (or any goes).
    pub fn accepts_value(&self, text: &str) -> bool {
        !self.is_enumerated() || self.values.iter().any(|v| v == text)
    }

    /// True for a custom attribute (from a schema or by prefix).
    pub fn is_custom(&self) -> bool {
        self.origin != Origin::Builtin
    }

    /// Every name a query may use for the field.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_ref()).chain(self.alias.as_deref())
    }
}

impl Serialize for FieldDef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("FieldDef", 8)?;
        st.serialize_field("name", &self.name)?;
        st.serialize_field("type", self.ty.name())?;
        let ops: Vec<&str> = self.operators().iter().map(Op::as_str).collect();
        st.serialize_field("operators", &ops)?;
        st.serialize_field("values", &self.values)?;
        st.serialize_field("doc", &self.doc)?;
        st.serialize_field("custom", &self.is_custom())?;
        if let Some(alias) = &self.alias {
            st.serialize_field("alias", alias)?;
        }
        if self.duration {
            st.serialize_field("unit", "seconds")?;
        }
        st.end()
    }
}
