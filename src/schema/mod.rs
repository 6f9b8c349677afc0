//! The schema: what one endpoint of one workspace accepts, as a value.
//!
//! A [`Schema`] holds a target's fields (its built-in table, plus the
//! workspace's custom attributes read from `--schema` files) and the
//! workspace's time zone. Every stage reads the same rows: the checker
//! types and compiles comparisons with them, the JSON validator checks
//! requests with them, `eval` reads objects at their paths, and completion
//! and hover describe them. Special cases are columns of [`FieldDef`]
//! (`matching`, `order`, `api_ops`, `duration`, `paths`), never tests of a
//! field's name.

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
    CUSTOM_ATTRIBUTES, FieldDef, FieldPath, Matching, Order, Origin, TICKET_ATTRIBUTE,
};
pub use lookup::versions_of;
pub use workspace::{Attribute, Model, Workspace};

use crate::target::{ApiVersion, NoEndpoint, Target};
use versions::{Classes, Compare, DayZone, Row, Rule};

/// The fields of one endpoint, in one version of the API, in one
/// workspace, and the workspace's zone.
#[derive(Debug, Clone)]
pub struct Schema {
    target: Target,
    version: ApiVersion,
    timezone: TimeZone,
    fields: Vec<Arc<FieldDef>>,
    /// Every name and alias, to its row in `fields`.
    index: HashMap<String, usize, BuildHasherDefault<NameHasher>>,
    /// The prefix under which attributes are accepted unchecked (no
    /// workspace schema describes them), and their type.
    open_prefix: Option<(&'static str, FieldType)>,
    /// The rules of custom attributes by type.
    classes: Classes,
    /// What the version's text says of the endpoint's results.
    notes: &'static [&'static str],
}

impl Schema {
    /// The built-in schema of `target`, in UTC, without custom attributes
    /// (see [`Schema::new`] for the version).
    pub fn builtin(target: Target) -> Schema {
        Schema::new(target, TimeZone::UTC, &[])
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
        let version = if lookup::table(target, ApiVersion::DEFAULT).is_ok() {
            ApiVersion::DEFAULT
        } else {
            versions_of(target)
                .first()
                .copied()
                .unwrap_or(ApiVersion::DEFAULT)
        };
        match Schema::for_version(target, version, timezone, workspaces) {
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
        let table = lookup::table(target, version)?;
        let mut schema = Schema {
            target,
            version,
            timezone,
            fields: Vec::with_capacity(table.rows.len()),
            index: HashMap::with_capacity_and_hasher(
                table.rows.len(),
                BuildHasherDefault::default(),
            ),
            open_prefix: None,
            classes: table.classes,
            notes: table.notes,
        };
        for row in table.rows {
            let def = schema.builtin_row(row);
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
            schema.add(def);
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

    /// Every field, built-in first in the reference's order, then the
    /// workspace's attributes.
    pub fn fields(&self) -> impl ExactSizeIterator<Item = &FieldDef> {
        self.fields.iter().map(|f| f.as_ref())
    }

    /// The prefix accepted without checking (`custom_attributes.` or
    /// `ticket_attribute.`) when no workspace schema describes the
    /// target's attributes.
    pub fn open_prefix(&self) -> Option<&'static str> {
        self.open_prefix.map(|(p, _)| p)
    }

    /// The field a query names: by name or alias, or an unchecked custom
    /// attribute under the open prefix.
    pub fn field(&self, name: &str) -> Option<Arc<FieldDef>> {
        if let Some(&i) = self.index.get(name) {
            return self.fields.get(i).cloned();
        }
        let (prefix, ty) = self.open_prefix?;
        let rest = name.strip_prefix(prefix)?;
        if rest.is_empty() {
            return None;
        }
        let (api_ops, order) = self.rule(self.classes.of(ty));
        Some(Arc::new(FieldDef {
            name: Cow::Owned(name.to_owned()),
            alias: None,
            ty,
            values: Cow::Borrowed(&[]),
            api_ops,
            order,
            matching: Matching::Exact,
            many: false,
            duration: false,
            paths: vec![FieldPath::keys(name.split('.').map(str::to_owned))],
            doc: Cow::Owned(format!(
                "A custom attribute of the workspace; without `--schema` its name and type are not checked (taken as {}).",
                ty
            )),
            origin: Origin::Unchecked,
            lenient_integer: false,
            archived: false,
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

    fn add(&mut self, def: FieldDef) {
        let i = self.fields.len();
        for name in def.names() {
            self.index.entry(name.to_owned()).or_insert(i);
        }
        self.fields.push(Arc::new(def));
    }

    /// The operators of a rule and what its `>`/`<` mean, days in their
    /// zone.
    fn rule(&self, rule: Rule) -> (OpSet, Order) {
        let order = match rule.compare {
            Compare::Inclusive => Order::Inclusive,
            Compare::Strict => Order::Strict,
            Compare::Day(DayZone::Workspace) => Order::Day(self.timezone.clone()),
            Compare::Day(DayZone::Utc) => Order::Day(TimeZone::UTC),
        };
        (rule.ops, order)
    }

    fn builtin_row(&self, row: &Row) -> FieldDef {
        let (mut api_ops, order) = self.rule(row.rule);
        if !row.values.is_empty() {
            api_ops = api_ops.and(OpSet::EQUALITY);
        }
        let note = tables::notes(self.target)
            .iter()
            .find(|n| n.name == row.name);
        let paths: Vec<FieldPath> = match note {
            Some(n) if !n.paths.is_empty() => {
                n.paths.iter().map(|p| FieldPath::dotted(p)).collect()
            }
            _ => vec![FieldPath::dotted(row.name)],
        };
        let flags = note.map_or(0, |n| n.flags);
        FieldDef {
            name: Cow::Borrowed(row.name),
            alias: None,
            ty: row.ty,
            values: row.values.iter().map(|v| Cow::Borrowed(*v)).collect(),
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
        }
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
        }
    }

    fn custom(&self, a: &Attribute) -> FieldDef {
        let (mut api_ops, order) = self.rule(self.classes.of(a.ty));
        let values: Vec<Cow<'static, str>> = if a.ty == FieldType::String {
            a.options.iter().map(|o| Cow::Owned(o.clone())).collect()
        } else {
            Vec::new()
        };
        if !values.is_empty() {
            api_ops = api_ops.and(OpSet::EQUALITY);
        }
        FieldDef {
            name: Cow::Owned(a.name.clone()),
            alias: a.alias.clone(),
            ty: a.ty,
            values: Cow::Owned(values),
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
        }
    }
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
