//! One row of a schema: a searchable field and every rule about it.

use std::borrow::Cow;
use std::sync::Arc;

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
    /// `> n+1` on whole numbers and dates, and as `> n AND != n` where
    /// there is no next value.
    Inclusive,
    /// `>`/`<` are strict (contacts' Integer fields, Preview contacts'
    /// timestamps, companies): sent as written, and where the API has no
    /// `>=`/`<=` (companies), `x >= n` is sent as `> n-1` on whole steps,
    /// `> n OR = n` elsewhere.
    Strict,
    /// The reference reads `>`/`<` two ways, and documents real
    /// `>=`/`<=` (tickets' `created_at`: its operator table calls `>`
    /// "Greater (or equal) than", and a note offers `>=` and `<=` beside
    /// it): only `>=`/`<=` are sent, which mean the same under both
    /// readings (`x > n` is `>= n+1`).
    Ambiguous,
    /// Compared by calendar day in a zone (contacts' Date fields in the
    /// workspace's zone before Preview; Date custom attributes in UTC in
    /// Preview): `=` matches the whole day, `>` from the start of the next
    /// day, `<` before the start of the day.
    Day(Days),
}

/// The calendar days of a day-matched field: the workspace's time zone,
/// and whether it is known (configured) or only assumed.
///
/// Where the zone is configured, a day is sent as its first instant
/// there. Where it is not, the API still truncates to the workspace's
/// zone, which qc does not know: a day is sent as its midday in UTC,
/// which lies inside that day in every zone from UTC−12 to UTC+11, and
/// days are read in UTC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Days {
    zone: jiff::tz::TimeZone,
    configured: bool,
}

/// Half a day, in seconds: from a UTC midnight to its midday.
const MIDDAY: i64 = 12 * 3_600;

impl Days {
    /// The days of the configured zone `zone`.
    pub fn configured(zone: jiff::tz::TimeZone) -> Days {
        Days {
            zone,
            configured: true,
        }
    }

    /// The days of a workspace whose zone is not known: read in UTC, sent
    /// as their midday in UTC.
    pub fn unknown_zone() -> Days {
        Days {
            zone: jiff::tz::TimeZone::UTC,
            configured: false,
        }
    }

    /// The zone days are read in (UTC when the zone is not configured).
    pub fn zone(&self) -> &jiff::tz::TimeZone {
        &self.zone
    }

    /// True when the workspace's zone was configured.
    pub fn is_configured(&self) -> bool {
        self.configured
    }

    /// The calendar day of `seconds` (as `check::day_of` in the zone).
    pub fn day_of(&self, seconds: i64) -> Option<jiff::civil::Date> {
        jiff::Timestamp::from_second(seconds)
            .ok()
            .map(|t| self.zone.to_datetime(t).date())
    }

    /// The instant qc sends for `date`: its first instant in the zone (as
    /// `check::start_of_day`), or its midday in UTC when the zone is not
    /// configured.
    pub fn instant(&self, date: jiff::civil::Date) -> Option<i64> {
        let start = date
            .to_zoned_datetime(self.zone.clone())
            .ok()?
            .start_of_day()
            .ok()?
            .timestamp()
            .as_second();
        if self.configured {
            Some(start)
        } else {
            start.checked_add(MIDDAY)
        }
    }
}

/// How a query's ordered comparison is sent ([`FieldDef::bound`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// As the API operator given, which means the same.
    As(Op),
    /// As the API operator given, the value a whole step further (by the
    /// amount given): `x > n` as an inclusive `> n+1`, `x >= n` as a
    /// strict `> n-1`.
    Step(Op, i8),
    /// As the API's inclusive operator given, and `!=` the value: where
    /// there is no next value, `x > 2.5` is `> 2.5 AND != 2.5`.
    Without(Op),
    /// As the API's strict operator given, or `=` the value: `x >= 2.5`
    /// is `> 2.5 OR = 2.5`.
    OrEqual(Op),
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

/// The objects that hold a field, when not every object of the target
/// does: a ticket type's attributes are held by the tickets of that type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldBy {
    /// The field that tells the kinds of object apart (`ticket_type_id`).
    pub field: Cow<'static, str>,
    /// Where that field is in an object, as [`FieldDef::paths`].
    pub paths: Vec<FieldPath>,
    /// Its values on the objects that hold the field (ticket type ids).
    pub kinds: Vec<String>,
}

impl HeldBy {
    /// True when an object of kind `kind` holds the field.
    pub fn holds(&self, kind: &str) -> bool {
        self.kinds.iter().any(|k| k == kind)
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
    /// What is sent for each of `values`, in the same order, where the API
    /// takes another text than the one a query writes (a ticket list
    /// attribute's option is written by its label and sent as its id);
    /// empty when values are sent as written.
    pub value_ids: Vec<String>,
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
    /// The objects that hold the field, when only some do (`None`: every
    /// object of the target).
    pub held_by: Option<HeldBy>,
    /// Another spelling the reference uses for the field, accepted with a
    /// warning and sent as [`FieldDef::name`] (contacts'
    /// `andoid_sdk_version`).
    pub reference_spelling: Option<&'static str>,
    /// True when the request's `sort` takes the field (`ORDER BY`): a
    /// value of each object, where the endpoint sorts at all (see
    /// [`crate::Schema::sorts`]); a list such as contacts' `tag_id` is not.
    pub sortable: bool,
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
        match (&self.order, op) {
            (Order::Day(_), Op::Ne | Op::Ge | Op::Le | Op::In | Op::Nin) => true,
            (Order::Day(_), _) => api.contains(op),
            (_, Op::Gt | Op::Ge | Op::Lt | Op::Le) => self.bound(op).is_some(),
            _ if api.contains(op) => true,
            (_, Op::In) => api.contains(Op::Eq),
            (_, Op::Nin) => api.contains(Op::Ne),
            _ => false,
        }
    }

    /// How the endpoint expresses a query's ordered comparison `op`
    /// (strict `>`/`<`, inclusive `>=`/`<=`) on the field, by what its own
    /// operators mean ([`Order`]); `None` where it cannot exactly (and on
    /// day-matched fields, which have their own rules).
    ///
    /// The API's inclusive operator for a direction is `>`/`<` where they
    /// include the bound, else `>=`/`<=` where it has them; its strict one
    /// is `>`/`<` where they are strict. A query's bound of the kind the
    /// API has is sent as it is; of the other kind, a whole step further
    /// on whole numbers and dates, else with `!=` or `=` the value.
    pub fn bound(&self, op: Op) -> Option<Bound> {
        let api = self.api_ops;
        let above = match op {
            Op::Gt | Op::Ge => true,
            Op::Lt | Op::Le => false,
            _ => return None,
        };
        let (gt, ge) = if above {
            (Op::Gt, Op::Ge)
        } else {
            (Op::Lt, Op::Le)
        };
        let has = |op: Op| api.contains(op).then_some(op);
        // The API's inclusive and strict operators in this direction.
        let (inclusive, strict) = match self.order {
            Order::Inclusive => (has(gt), None),
            Order::Ambiguous => (has(ge), None),
            Order::Strict => (has(ge), has(gt)),
            Order::Day(_) => return None,
        };
        // From a strict bound to the inclusive one: a step inwards.
        let inwards: i8 = if above { 1 } else { -1 };
        let discrete = self.ty.is_discrete();
        if matches!(op, Op::Ge | Op::Le) {
            match (inclusive, strict) {
                (Some(i), _) => Some(Bound::As(i)),
                (None, Some(s)) if discrete => Some(Bound::Step(s, -inwards)),
                (None, Some(s)) if api.contains(Op::Eq) => Some(Bound::OrEqual(s)),
                _ => None,
            }
        } else {
            match (strict, inclusive) {
                (Some(s), _) => Some(Bound::As(s)),
                (None, Some(i)) if discrete => Some(Bound::Step(i, inwards)),
                (None, Some(i)) if api.contains(Op::Ne) => Some(Bound::Without(i)),
                _ => None,
            }
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
            Order::Day(days) => Some(days.zone()),
            _ => None,
        }
    }

    /// True when the field accepts only a fixed set of values.
    pub fn is_enumerated(&self) -> bool {
        !self.values.is_empty()
    }

    /// True when `text` is one of the field's values (or any goes), as a
    /// query writes it or as it is sent.
    pub fn accepts_value(&self, text: &str) -> bool {
        !self.is_enumerated() || self.sent_value(text).is_some()
    }

    /// What is sent for the value `text` of an enumerated field: its id
    /// when the field's values have ids (`text` being a value or an id),
    /// else `text` itself when it is a value; `None` when it is neither.
    pub fn sent_value<'t>(&'t self, text: &'t str) -> Option<&'t str> {
        if let Some(i) = self.values.iter().position(|v| v == text) {
            return Some(self.value_ids.get(i).map_or(text, String::as_str));
        }
        self.value_ids
            .iter()
            .find(|id| *id == text)
            .map(String::as_str)
    }

    /// The value a query writes for what is sent as `sent` (a list
    /// option's label for its id); `sent` itself when values are sent as
    /// written.
    pub fn written_value<'t>(&'t self, sent: &'t str) -> &'t str {
        self.value_ids
            .iter()
            .position(|id| id == sent)
            .and_then(|i| self.values.get(i))
            .map_or(sent, |v| v.as_ref())
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
        if !self.value_ids.is_empty() {
            st.serialize_field("value_ids", &self.value_ids)?;
        }
        if let Some(spelling) = self.reference_spelling {
            st.serialize_field("reference_spelling", spelling)?;
        }
        if self.sortable {
            st.serialize_field("sortable", &true)?;
        }
        st.end()
    }
}

/// A schema row as a checked filter holds it ([`crate::check::Filter::field`]),
/// read as a [`FieldDef`] (it dereferences to one).
///
/// The built-in rows of each table are built once and kept for the whole
/// program, so a filter points at its row directly, without a reference
/// count to update (an atomic operation per filter made, copied and
/// dropped). The rows made for one schema (a workspace's attributes, an
/// unchecked custom attribute, a built-in date matched by day in a
/// configured zone) are shared by reference count.
///
/// Two `FieldRef`s are equal when their rows are.
#[derive(Clone)]
pub struct FieldRef(Held);

#[derive(Clone)]
enum Held {
    Static(&'static FieldDef),
    Shared(Arc<FieldDef>),
}

impl FieldRef {
    /// A row kept for the whole program (a built-in table's).
    pub(super) fn fixed(def: &'static FieldDef) -> FieldRef {
        FieldRef(Held::Static(def))
    }

    /// True when `a` and `b` are the same row (not only equal rows).
    pub fn ptr_eq(a: &FieldRef, b: &FieldRef) -> bool {
        std::ptr::eq::<FieldDef>(&**a, &**b)
    }
}

impl std::ops::Deref for FieldRef {
    type Target = FieldDef;

    #[inline]
    fn deref(&self) -> &FieldDef {
        match &self.0 {
            Held::Static(def) => def,
            Held::Shared(def) => def,
        }
    }
}

impl AsRef<FieldDef> for FieldRef {
    fn as_ref(&self) -> &FieldDef {
        self
    }
}

impl From<FieldDef> for FieldRef {
    /// A row of its own, shared by reference count.
    fn from(def: FieldDef) -> FieldRef {
        FieldRef(Held::Shared(Arc::new(def)))
    }
}

impl From<Arc<FieldDef>> for FieldRef {
    fn from(def: Arc<FieldDef>) -> FieldRef {
        FieldRef(Held::Shared(def))
    }
}

impl PartialEq for FieldRef {
    fn eq(&self, other: &FieldRef) -> bool {
        **self == **other
    }
}

impl std::fmt::Debug for FieldRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        FieldDef::fmt(self, f)
    }
}
