//! The schema: what one endpoint of one workspace accepts, as a value.
//!
//! A [`Schema`] holds a target's fields (its built-in table, plus the
//! workspace's custom attributes read from `--schema` files) and the
//! workspace's time zone. Every stage reads the same rows: the checker
//! types and compiles comparisons with them, the JSON validator checks
//! requests with them, `eval` reads objects at their paths, and completion
//! and hover describe them. Special cases are columns of [`FieldDef`]
//! (`matching`, `order`, `api_ops`, `duration`, `paths`, `value_ids`,
//! `held_by`, `reference_spelling`), never tests of a field's name.
//!
//! A name that several workspace attributes share (a ticket attribute's
//! name in two ticket types) names all of them ([`Schema::fields_named`]);
//! the workspace's attributes that the target cannot search are kept
//! aside ([`Schema::elsewhere`]), so that a query naming one is told why.

pub mod changes;
mod field;
// Generated (see `examples/gen_tables`): left as written.
#[rustfmt::skip]
mod generated;
mod lookup;
mod tables;
mod versions;
mod workspace;
#[cfg(any(test, not(feature = "tzdb")))]
mod zones;
// Generated (see `zones.rs`): left as written.
#[cfg(any(test, not(feature = "tzdb")))]
#[rustfmt::skip]
mod zones_table;

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, OnceLock};

use jiff::tz::TimeZone;

pub use crate::op::{FieldType, OpSet};
pub use field::{
    Bound, CUSTOM_ATTRIBUTES, Days, FieldDef, FieldPath, FieldRef, HeldBy, Matching, Order, Origin,
    TICKET_ATTRIBUTE,
};
pub use lookup::{VersionSummary, api_versions, sorting, sorting_described, versions_of};
pub use workspace::{Attribute, Model, Unsearchable, Workspace};

use crate::target::{ApiVersion, NoEndpoint, Target};
use versions::{Classes, Compare, DayZone, Row, Rule, Table};

/// The fields of one endpoint, in one version of the API, in one
/// workspace, and the workspace's zone.
#[derive(Debug, Clone)]
pub struct Schema {
    target: Target,
    version: ApiVersion,
    timezone: TimeZone,
    /// The calendar days of fields matched by day in the workspace's zone
    /// (the zone, and whether it was configured).
    days: Days,
    fields: Vec<FieldRef>,
    /// Every name and alias of one row, to that row in `fields`.
    index: HashMap<String, usize, BuildHasherDefault<NameHasher>>,
    /// Names that several rows share (a ticket attribute's name in two
    /// ticket types), to those rows.
    shared: HashMap<String, Vec<usize>>,
    /// Attributes of the workspace that this target cannot search (another
    /// model's, or of a kind the API cannot search), by name and alias.
    elsewhere: HashMap<String, Elsewhere>,
    /// The prefix under which attributes are accepted unchecked (no
    /// workspace schema describes them), and their type.
    open_prefix: Option<(&'static str, FieldType)>,
    /// The rules of custom attributes by type.
    classes: Classes,
    /// What the version's text says of the endpoint's results.
    notes: &'static [&'static str],
    /// The request body takes `sort`.
    sorts: bool,
    /// The field that tells kinds of object apart (tickets'
    /// `ticket_type_id`) and its paths, for the rows of attributes held
    /// by some kinds only.
    kind: Option<(Cow<'static, str>, Vec<FieldPath>)>,
}

/// Why a workspace attribute cannot be searched on the schema's target.
#[derive(Debug, Clone, PartialEq)]
pub struct Elsewhere {
    /// The name the API uses.
    pub name: String,
    /// What it is, e.g. "a company attribute" or "a files attribute".
    pub what: String,
    /// The model it belongs to.
    pub model: Model,
}

/// `a` or `an` before `word`.
fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

impl Schema {
    /// The built-in schema of `target`, without custom attributes, in a
    /// workspace whose zone is not known (dates in UTC; days matched in
    /// the workspace's zone sent as their midday in UTC; see
    /// [`Schema::new`] for the version).
    pub fn builtin(target: Target) -> Schema {
        Schema::with_zone(target, None, &[])
    }

    /// The built-in conversations schema, shared: what [`crate::compile`]
    /// uses.
    pub fn conversations() -> Arc<Schema> {
        static SCHEMA: OnceLock<Arc<Schema>> = OnceLock::new();
        SCHEMA
            .get_or_init(|| Arc::new(Schema::builtin(Target::Conversations)))
            .clone()
    }

    /// The schema of `target` in the default API version (2.11; for a
    /// target that 2.11 does not search, the first version that does) in a
    /// workspace whose zone is `timezone` and whose attributes the
    /// `workspaces` files describe. See [`Schema::for_version`].
    pub fn new(target: Target, timezone: TimeZone, workspaces: &[Workspace]) -> Schema {
        Schema::with_zone(target, Some(timezone), workspaces)
    }

    /// [`Schema::new`] where the zone may not be known (`None`): dates are
    /// then read in UTC, and days that the API truncates in the
    /// workspace's zone (contacts') are sent as their midday in UTC.
    pub fn with_zone(
        target: Target,
        timezone: Option<TimeZone>,
        workspaces: &[Workspace],
    ) -> Schema {
        let version = if lookup::table(target, ApiVersion::DEFAULT).is_ok() {
            ApiVersion::DEFAULT
        } else {
            versions_of(target)
                .first()
                .copied()
                .unwrap_or(ApiVersion::DEFAULT)
        };
        match Schema::for_version_with_zone(target, version, timezone, workspaces) {
            Ok(schema) => schema,
            // Every target has a table in some version (a test says so).
            Err(_) => unreachable!("every target is searched in some version"),
        }
    }

    /// The schema of `target` as API version `version` documents it, in a
    /// workspace whose zone is `timezone` and whose attributes the
    /// `workspaces` files describe; an error naming the versions that have
    /// the endpoint when `version` has none. Attributes of another model
    /// than the target's are left out.
    pub fn for_version(
        target: Target,
        version: ApiVersion,
        timezone: TimeZone,
        workspaces: &[Workspace],
    ) -> Result<Schema, NoEndpoint> {
        Schema::for_version_with_zone(target, version, Some(timezone), workspaces)
    }

    /// [`Schema::for_version`] where the zone may not be known (`None`;
    /// see [`Schema::with_zone`]).
    pub fn for_version_with_zone(
        target: Target,
        version: ApiVersion,
        timezone: Option<TimeZone>,
        workspaces: &[Workspace],
    ) -> Result<Schema, NoEndpoint> {
        let table = lookup::table(target, version)?;
        let days = match &timezone {
            Some(tz) => Days::configured(tz.clone()),
            None => Days::unknown_zone(),
        };
        let mut schema = Schema {
            target,
            version,
            timezone: timezone.unwrap_or(TimeZone::UTC),
            days,
            fields: Vec::with_capacity(table.rows.len()),
            index: HashMap::with_capacity_and_hasher(
                table.rows.len(),
                BuildHasherDefault::default(),
            ),
            shared: HashMap::new(),
            elsewhere: HashMap::new(),
            open_prefix: None,
            classes: table.classes,
            notes: table.notes,
            sorts: table.sort,
            kind: None,
        };
        let fixed = fixed_rows(table).unwrap_or_default();
        for (i, row) in table.rows.iter().enumerate() {
            // The row built once for the program, unless it depends on a
            // zone other than the one it was built with.
            let zoned = matches!(row.rule.compare, Compare::Day(DayZone::Workspace));
            let def = match fixed.get(i) {
                Some(def) if !zoned || schema.days == Days::unknown_zone() => FieldRef::fixed(def),
                _ => FieldRef::from(builtin_row(target, row, &schema.days)),
            };
            if note_flags(target, row.name) & tables::KIND != 0 {
                schema.kind = Some((def.name.clone(), def.paths.clone()));
            }
            schema.add(def);
        }
        let model = Model::of(target);
        let mut described = false;
        for attribute in workspaces.iter().flat_map(|w| &w.attributes) {
            if attribute.model != model {
                continue;
            }
            described = true;
            let def = schema.custom(attribute);
            schema.add(FieldRef::from(def));
        }
        // What this target cannot search, for the error that says why:
        // other models' attributes, and unsearchable ones.
        let other_models = workspaces
            .iter()
            .flat_map(|w| &w.attributes)
            .filter(|a| a.model != model)
            .map(|a| {
                let what = format!("{} {} attribute", article(a.model.name()), a.model.name());
                (a.name.as_str(), a.alias.as_deref(), what, a.model)
            });
        let unsearchable = workspaces
            .iter()
            .flat_map(|w| &w.unsearchable)
            .filter(|u| u.model == model)
            .map(|u| {
                (
                    u.name.as_str(),
                    u.alias.as_deref(),
                    u.what.to_owned(),
                    u.model,
                )
            });
        let aside: Vec<_> = other_models.chain(unsearchable).collect();
        for (name, alias, what, model) in aside {
            for written in std::iter::once(name).chain(alias) {
                if schema.index.contains_key(written) || schema.shared.contains_key(written) {
                    continue;
                }
                schema
                    .elsewhere
                    .entry(written.to_owned())
                    .or_insert_with(|| Elsewhere {
                        name: name.to_owned(),
                        what: what.clone(),
                        model,
                    });
            }
        }
        let any_of_model = workspaces.iter().any(|w| w.describes(model));
        if !described && !any_of_model {
            schema.open_prefix = table.unchecked;
        }
        Ok(schema)
    }

    /// The target the schema describes.
    pub fn target(&self) -> Target {
        self.target
    }

    /// The API version whose documentation the schema follows.
    pub fn version(&self) -> ApiVersion {
        self.version
    }

    /// What the version's documentation says of the endpoint's results
    /// and fields beyond the table (companies without users are not
    /// returned), one sentence each.
    pub fn notes(&self) -> &'static [&'static str] {
        self.notes
    }

    /// True when the endpoint's request takes `sort` (`ORDER BY`) in this
    /// version; [`sorting`] says where it does.
    pub fn sorts(&self) -> bool {
        self.sorts
    }

    /// The closest sort field to a name that is none, for "did you mean".
    pub fn closest_sortable(&self, name: &str) -> Option<&str> {
        crate::diagnostic::closest(
            name,
            self.fields
                .iter()
                .filter(|f| f.sortable)
                .flat_map(|f| f.names()),
        )
    }

    /// The workspace's time zone: `YYYY-MM-DD` is midnight there, and
    /// dates matched by calendar day in the workspace's zone are days
    /// there.
    pub fn timezone(&self) -> &TimeZone {
        &self.timezone
    }

    /// The time zone's name (`UTC` when it has none).
    pub fn timezone_name(&self) -> &str {
        self.timezone.iana_name().unwrap_or("UTC")
    }

    /// True when the workspace's zone was configured (not assumed UTC).
    pub fn timezone_configured(&self) -> bool {
        self.days.is_configured()
    }

    /// The field that tells kinds of object apart (tickets'
    /// `ticket_type_id`), when the target has one.
    pub fn kind_field(&self) -> Option<&str> {
        self.kind.as_ref().map(|(name, _)| name.as_ref())
    }

    /// The rows that share the name `name` (a ticket attribute's name in
    /// several ticket types); empty when `name` names one row or none.
    pub fn fields_named(&self, name: &str) -> Vec<FieldRef> {
        self.shared.get(name).map_or_else(Vec::new, |rows| {
            rows.iter()
                .filter_map(|&i| self.fields.get(i).cloned())
                .collect()
        })
    }

    /// True when some name names several rows ([`Schema::fields_named`]).
    pub(crate) fn has_shared_names(&self) -> bool {
        !self.shared.is_empty()
    }

    /// Why the workspace attribute `name` cannot be searched on this
    /// target, when it is one.
    pub fn elsewhere(&self, name: &str) -> Option<&Elsewhere> {
        self.elsewhere.get(name)
    }

    /// Every field, built-in first in the reference's order, then the
    /// workspace's attributes.
    pub fn fields(&self) -> impl ExactSizeIterator<Item = &FieldDef> {
        self.fields.iter().map(|f| &**f)
    }

    /// The prefix accepted without checking (`custom_attributes.` or
    /// `ticket_attribute.`) when no workspace schema describes the
    /// target's attributes.
    pub fn open_prefix(&self) -> Option<&'static str> {
        self.open_prefix.map(|(p, _)| p)
    }

    /// The field a query names: by name, alias or the reference's other
    /// spelling, or an unchecked custom attribute under the open prefix.
    /// A name several rows share names none of them: see
    /// [`Schema::fields_named`].
    pub fn field(&self, name: &str) -> Option<FieldRef> {
        if let Some(&i) = self.index.get(name) {
            return self.fields.get(i).cloned();
        }
        let (prefix, ty) = self.open_prefix?;
        let rest = name.strip_prefix(prefix)?;
        if rest.is_empty() {
            return None;
        }
        Some(FieldRef::from(FieldDef {
            doc: Cow::Owned(format!(
                "A custom attribute of the workspace; without `--schema` its name and type are not checked (taken as {}).",
                ty
            )),
            origin: Origin::Unchecked,
            ..self.attribute_rules(name, ty)
        }))
    }

    /// The API versions whose table of this target has a field named
    /// `name`, oldest first (empty when none has).
    pub fn versions_with_field(&self, name: &str) -> Vec<ApiVersion> {
        lookup::versions_with_field(self.target, name)
    }

    /// The known name closest to a misspelt one, for "did you mean".
    pub fn closest(&self, name: &str) -> Option<&str> {
        crate::diagnostic::closest(name, self.fields.iter().flat_map(|f| f.names()))
    }

    /// Adds a row. A name already taken stays with its row, except a
    /// workspace attribute's name that another attribute also has: that
    /// name then names both ([`Schema::fields_named`]).
    fn add(&mut self, def: FieldRef) {
        let i = self.fields.len();
        let names = def.names().chain(def.reference_spelling);
        for name in names {
            if let Some(rows) = self.shared.get_mut(name) {
                rows.push(i);
                continue;
            }
            match self.index.get(name).copied() {
                None => {
                    self.index.insert(name.to_owned(), i);
                }
                Some(j) => {
                    let both_aliases = def.alias.as_deref() == Some(name)
                        && self
                            .fields
                            .get(j)
                            .is_some_and(|f| f.alias.as_deref() == Some(name));
                    if both_aliases {
                        self.index.remove(name);
                        self.shared.insert(name.to_owned(), vec![j, i]);
                    }
                }
            }
        }
        self.fields.push(def);
    }

    /// The operators of a rule and what its `>`/`<` mean, days in the
    /// workspace's zone.
    fn rule(&self, rule: Rule) -> (OpSet, Order) {
        rule_in(rule, &self.days)
    }

    /// A workspace attribute named `name` of type `ty`, without values:
    /// the rules every attribute of the type follows.
    fn attribute_rules(&self, name: &str, ty: FieldType) -> FieldDef {
        let (api_ops, order) = self.rule(self.classes.of(ty));
        FieldDef {
            name: Cow::Owned(name.to_owned()),
            alias: None,
            ty,
            values: Cow::Borrowed(&[]),
            value_ids: Vec::new(),
            api_ops,
            order,
            matching: Matching::Exact,
            many: false,
            duration: false,
            paths: vec![FieldPath::keys(name.split('.').map(str::to_owned))],
            doc: Cow::Borrowed(""),
            origin: Origin::Workspace,
            lenient_integer: false,
            archived: false,
            held_by: None,
            reference_spelling: None,
            // An attribute holds one value of its type: a sort field
            // wherever the endpoint sorts.
            sortable: self.sorts,
        }
    }

    fn custom(&self, a: &Attribute) -> FieldDef {
        let (mut api_ops, order) = self.rule(self.classes.of(a.ty));
        let (values, value_ids): (Vec<Cow<'static, str>>, Vec<String>) =
            if a.ty == FieldType::String {
                let ids = if a.option_ids.len() == a.options.len() {
                    a.option_ids.clone()
                } else {
                    Vec::new()
                };
                (
                    a.options.iter().map(|o| Cow::Owned(o.clone())).collect(),
                    ids,
                )
            } else {
                (Vec::new(), Vec::new())
            };
        let held_by = match (&self.kind, a.kinds.is_empty()) {
            (Some((field, paths)), false) => Some(HeldBy {
                field: field.clone(),
                paths: paths.clone(),
                kinds: a.kinds.clone(),
            }),
            _ => None,
        };
        if !values.is_empty() {
            api_ops = api_ops.and(OpSet::EQUALITY);
        }
        FieldDef {
            name: Cow::Owned(a.name.clone()),
            alias: a.alias.clone(),
            ty: a.ty,
            values: Cow::Owned(values),
            value_ids,
            api_ops,
            order,
            matching: Matching::Exact,
            many: false,
            duration: false,
            paths: vec![FieldPath::keys(a.path.iter().cloned())],
            doc: Cow::Owned(a.doc.clone()),
            origin: Origin::Workspace,
            lenient_integer: false,
            archived: a.archived,
            held_by,
            reference_spelling: None,
            sortable: self.sorts,
        }
    }
}

/// The operators of a rule and what its `>`/`<` mean, days matched in
/// the workspace's zone in `days`.
fn rule_in(rule: Rule, days: &Days) -> (OpSet, Order) {
    let order = match rule.compare {
        Compare::Inclusive => Order::Inclusive,
        Compare::Strict => Order::Strict,
        Compare::Ambiguous => Order::Ambiguous,
        Compare::Day(DayZone::Workspace) => Order::Day(days.clone()),
        Compare::Day(DayZone::Utc) => Order::Day(Days::configured(TimeZone::UTC)),
    };
    (rule.ops, order)
}

/// The row of `target`'s built-in field `row`, days matched in the
/// workspace's zone in `days`.
fn builtin_row(target: Target, row: &Row, days: &Days) -> FieldDef {
    let (mut api_ops, order) = rule_in(row.rule, days);
    if !row.values.is_empty() {
        api_ops = api_ops.and(OpSet::EQUALITY);
    }
    let note = note(target, row.name);
    let paths: Vec<FieldPath> = match note {
        Some(n) if !n.paths.is_empty() => n.paths.iter().map(|p| FieldPath::dotted(p)).collect(),
        _ => vec![FieldPath::dotted(row.name)],
    };
    let flags = note.map_or(0, |n| n.flags);
    FieldDef {
        name: Cow::Borrowed(row.name),
        alias: None,
        ty: row.ty,
        values: row.values.iter().map(|v| Cow::Borrowed(*v)).collect(),
        value_ids: Vec::new(),
        api_ops,
        order,
        matching: if row.words {
            Matching::Words
        } else {
            Matching::Exact
        },
        many: flags & tables::MANY != 0,
        duration: flags & tables::DURATION != 0,
        paths,
        doc: Cow::Borrowed(note.map_or("", |n| n.doc)),
        origin: Origin::Builtin,
        lenient_integer: row.also_integer,
        archived: false,
        held_by: None,
        reference_spelling: row.spelled,
        sortable: row.sortable,
    }
}

/// The rows of a generated table's fields, built once for the whole
/// program (days matched in the workspace's zone read in an unknown
/// zone: a schema in another zone builds those rows itself). `None` for
/// a table that is not among the generated ones.
fn fixed_rows(table: &'static Table) -> Option<&'static [FieldDef]> {
    static ROWS: OnceLock<Vec<OnceLock<Vec<FieldDef>>>> = OnceLock::new();
    let all = ROWS.get_or_init(|| generated::TABLES.iter().map(|_| OnceLock::new()).collect());
    let i = generated::TABLES
        .iter()
        .position(|t| std::ptr::eq(t, table))?;
    let rows = all.get(i)?.get_or_init(|| {
        let days = Days::unknown_zone();
        table
            .rows
            .iter()
            .map(|row| builtin_row(table.target, row, &days))
            .collect()
    });
    Some(rows)
}

/// qc's note on the field `name` of `target`.
fn note(target: Target, name: &str) -> Option<&'static tables::Note> {
    tables::notes(target).iter().find(|n| n.name == name)
}

/// The flags of qc's note on the field `name` of `target` (0 without one).
fn note_flags(target: Target, name: &str) -> u8 {
    note(target, name).map_or(0, |n| n.flags)
}

/// The time zone `name`, or the error for a name the time zone data does
/// not know. With the `tzdb` feature (the default) the data is the whole
/// bundled IANA database; without it (the WebAssembly build), each zone's
/// current rule, without the offset changes of its history.
pub fn timezone(name: &str) -> Result<TimeZone, String> {
    #[cfg(feature = "tzdb")]
    let zone = TimeZone::get(name).ok();
    #[cfg(not(feature = "tzdb"))]
    let zone = zones::get(name);
    zone.ok_or_else(|| {
        format!("unknown time zone `{name}`; expected an IANA name such as `Europe/Paris` or `UTC`")
    })
}

/// The hasher of the field index: field names are short, trusted (the
/// tables and the workspace's own schema files) and looked up once per
/// comparison, so a multiply-rotate hash of eight bytes at a time (as in
/// rustc's `FxHasher`) replaces SipHash, which costs more than the lookup.
#[derive(Debug, Clone, Copy, Default)]
struct NameHasher(u64);

impl NameHasher {
    const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(Self::SEED);
    }
}

impl Hasher for NameHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if rest.is_empty() {
            return;
        }
        // The last eight bytes read from the text itself (overlapping the
        // words above), or a short text a byte at a time: a word assembled
        // in memory would be read back before its bytes are written.
        let last = bytes
            .len()
            .checked_sub(8)
            .and_then(|i| bytes.get(i..))
            .and_then(|t| <[u8; 8]>::try_from(t).ok());
        let word = match last {
            Some(last) => u64::from_le_bytes(last),
            None => rest
                .iter()
                .rev()
                .fold(0, |word, &b| (word << 8) | u64::from(b)),
        };
        self.add(word);
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}
