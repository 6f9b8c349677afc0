//! The generator of `src/schema/generated.rs`: reads each version's
//! OpenAPI description, takes from the text of each search path its field
//! table (names, types, allowed values), its operator table (the
//! operators of each type, and whether `>` includes the bound), and what
//! the text says of dates (matched by calendar day, in which zone), of
//! single fields (`tag_id`'s operators, `source.body`'s words, tickets'
//! `category` terms, tickets' `created_at` bounds, fields that are no sort
//! field) and of the endpoint (notes such as companies without users);
//! whether the endpoint's request body takes `sort` (its schema in the
//! description); takes allowed values the text does not list from the
//! enums of the endpoint's model (`conversation.state`);
//! applies `src/schema/overrides.toml`; and writes one table per target
//! and group of versions whose tables are the same.
//!
//! Shared by `examples/gen_tables` (which writes the file) and
//! `tests/tables.rs` (which fails when the file is out of date). Every
//! surprise in a description is an error naming the version, the path and
//! the text, never a silent guess.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use qc::target::{ApiVersion, Target};
use serde::Deserialize;
use serde_yaml_ng::Value;

/// Where the tables are written, from the repository's root.
pub const OUTPUT: &str = "src/schema/generated.rs";
/// Where the descriptions are, from the repository's root.
pub const DESCRIPTIONS: &str = "../shared/intercom/versions";
/// qc's decisions, from the repository's root.
pub const OVERRIDES: &str = "src/schema/overrides.toml";

/// Every version qc knows: its file is `NAME.yaml`. A new version is
/// added to `qc::target::ApiVersion` first.
pub const VERSIONS: &[ApiVersion] = &ApiVersion::ALL;

/// Every target: its path is `Target::search_path`, its model the schema
/// named `Target::object`.
const ENDPOINTS: &[Target] = &Target::ALL;

/// The operators, as the API writes them, and their `qc::Op` variants.
const OPS: &[(&str, &str)] = &[
    ("=", "Eq"),
    ("!=", "Ne"),
    ("IN", "In"),
    ("NIN", "Nin"),
    ("<", "Lt"),
    ("<=", "Le"),
    (">", "Gt"),
    (">=", "Ge"),
    ("~", "Contains"),
    ("!~", "NotContains"),
    ("^", "StartsWith"),
    ("$", "EndsWith"),
];

// ---- what the descriptions say ----------------------------------------

/// The kinds of field the operator tables speak of. `Datetime` is Preview
/// contacts' name for the standard timestamps, `Date` then being Date
/// custom attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    String,
    Integer,
    Boolean,
    Date,
    Datetime,
}

impl Class {
    const ALL: [Class; 5] = [
        Class::String,
        Class::Integer,
        Class::Boolean,
        Class::Date,
        Class::Datetime,
    ];

    fn parse(word: &str) -> Option<Class> {
        Some(match word {
            "String" => Class::String,
            "Integer" => Class::Integer,
            "Boolean" => Class::Boolean,
            "Date" => Class::Date,
            "Datetime" => Class::Datetime,
            _ => return None,
        })
    }

    /// The `qc::schema::FieldType` of a field of the class.
    fn field_type(self) -> &'static str {
        match self {
            Class::String => "String",
            Class::Integer => "Integer",
            Class::Boolean => "Boolean",
            Class::Date | Class::Datetime => "Date",
        }
    }
}

/// A field's type in a field table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    /// One class.
    Class(Class),
    /// "String or Boolean or Date ... or Integer": any scalar.
    Any,
    /// "Matches the attribute's own type": typed by the workspace's schema.
    Own,
}

/// What the API's `>` and `<` mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Compare {
    /// Greater or equal.
    Inclusive,
    /// Greater.
    Strict,
    /// Read two ways (greater, or greater or equal): only `>=`/`<=` sent.
    Ambiguous,
    /// By calendar day, in the workspace's zone (`false`) or in UTC.
    Day { utc: bool },
}

impl Compare {
    fn rust(self) -> &'static str {
        match self {
            Compare::Inclusive => "Compare::Inclusive",
            Compare::Strict => "Compare::Strict",
            Compare::Ambiguous => "Compare::Ambiguous",
            Compare::Day { utc: false } => "Compare::Day(DayZone::Workspace)",
            Compare::Day { utc: true } => "Compare::Day(DayZone::Utc)",
        }
    }
}

/// The operators and the meaning of `>` of one class or field.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Rule {
    ops: BTreeSet<usize>,
    compare: Compare,
}

impl Rule {
    fn rust(&self) -> String {
        let ops: Vec<String> = self
            .ops
            .iter()
            .map(|&i| format!("Op::{}", OPS[i].1))
            .collect();
        format!("Rule::new(&[{}], {})", ops.join(", "), self.compare.rust())
    }
}

/// One row of a generated table.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    name: String,
    ty: &'static str,
    values: Vec<String>,
    rule: Rule,
    words: bool,
    also_integer: bool,
    /// The text's spelling of a renamed field.
    spelled: Option<String>,
    /// A sort field of the request's `sort` (false everywhere when the
    /// endpoint takes no `sort`).
    sortable: bool,
}

/// One target's table in one version.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Table {
    rows: Vec<Row>,
    /// The rules of custom attributes by their class: String, Integer
    /// (and Float), Boolean, Date.
    classes: [Rule; 4],
    /// The prefix of attributes taken unchecked without a workspace
    /// schema, and their type (`String`, or `Any` for "any scalar" and
    /// "the attribute's own type").
    unchecked: Option<(String, &'static str)>,
    /// Sentences of the description shown with the table.
    notes: Vec<String>,
    /// The request body takes `sort` (`{"field", "order"}`).
    sort: bool,
}

// ---- reading ------------------------------------------------------------

#[derive(Deserialize)]
struct Document {
    paths: BTreeMap<String, PathItem>,
    components: Components,
}

#[derive(Deserialize)]
struct PathItem {
    post: Option<Operation>,
}

#[derive(Deserialize)]
struct Operation {
    description: Option<String>,
    #[serde(rename = "requestBody")]
    request_body: Option<Value>,
}

#[derive(Deserialize)]
struct Components {
    schemas: BTreeMap<String, Value>,
}

/// An error naming where it was found.
type Result<T> = std::result::Result<T, String>;

/// The generated file, from the descriptions and overrides under `root`
/// (the repository).
pub fn generate_from(root: &Path) -> Result<String> {
    let dir = root.join(DESCRIPTIONS);
    if !dir.is_dir() {
        return Err(format!(
            "the descriptions are not at {}: qc's tables are generated from Intercom's OpenAPI descriptions, kept in shared/intercom/versions beside the repository",
            dir.display()
        ));
    }
    let overrides_path = root.join(OVERRIDES);
    let overrides_text = std::fs::read_to_string(&overrides_path)
        .map_err(|e| format!("cannot read {}: {e}", overrides_path.display()))?;
    let overrides: Overrides = toml::from_str(&overrides_text)
        .map_err(|e| format!("{}: {e}", overrides_path.display()))?;
    let mut tables: Vec<(usize, usize, Table)> = Vec::new();
    for (v, version) in VERSIONS.iter().map(|v| v.name()).enumerate() {
        let file = dir.join(format!("{version}.yaml"));
        let text = std::fs::read_to_string(&file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let doc: Document =
            serde_yaml_ng::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
        check_version(&doc, version)?;
        for (e, endpoint) in ENDPOINTS.iter().enumerate() {
            let Some(description) = doc
                .paths
                .get(endpoint.search_path())
                .and_then(|p| p.post.as_ref())
                .map(|op| op.description.as_deref().unwrap_or_default())
            else {
                continue;
            };
            let at = format!("{version} {}", endpoint.search_path());
            let body = doc
                .paths
                .get(endpoint.search_path())
                .and_then(|p| p.post.as_ref())
                .and_then(|op| op.request_body.as_ref());
            let sorts = takes_sort(&doc, body, &at)?;
            let mut table = read_table(description, sorts, &at)?;
            add_model_values(&mut table, &doc, endpoint.object());
            overrides.apply(&mut table, endpoint.name(), version, &at)?;
            tables.push((e, v, table));
        }
    }
    overrides.all_used(&tables)?;
    Ok(write(&tables))
}

/// The file's own version (`intercom_version`'s default) is its name.
fn check_version(doc: &Document, version: &str) -> Result<()> {
    let default = doc
        .components
        .schemas
        .get("intercom_version")
        .and_then(|s| s.get("default"))
        .and_then(Value::as_str);
    if default == Some(version) {
        Ok(())
    } else {
        Err(format!(
            "{version}.yaml describes version {default:?}, not {version}"
        ))
    }
}

/// The lines of the markdown section that starts with `### title`, up to
/// the next heading.
fn section<'a>(text: &'a str, title: &str) -> Option<Vec<&'a str>> {
    let mut lines = text
        .lines()
        .skip_while(|l| l.trim() != format!("### {title}"));
    lines.next()?;
    Some(lines.take_while(|l| !l.starts_with("### ")).collect())
}

/// The cells of the first markdown table among `lines`, header and rule
/// left out.
fn table_rows(lines: &[&str]) -> Vec<Vec<String>> {
    lines
        .iter()
        .map(|l| l.trim())
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_owned())
                .collect()
        })
        .collect()
}

/// The texts between backticks.
fn backticked(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// An operator's index in [`OPS`].
fn op_index(op: &str, at: &str) -> Result<usize> {
    OPS.iter()
        .position(|(o, _)| *o == op)
        .ok_or_else(|| format!("{at}: unknown operator `{op}`"))
}

/// A field's type, as a field table writes it.
fn field_type(cell: &str, at: &str) -> Result<Ty> {
    let first = cell.split("<br>").next().unwrap_or_default().trim();
    let without_unit = first.split(" (").next().unwrap_or_default().trim();
    if let Some(class) = Class::parse(without_unit) {
        return Ok(Ty::Class(class));
    }
    let alternatives: Vec<&str> = first
        .split(" or ")
        .map(|a| a.split(" (").next().unwrap_or_default().trim())
        .collect();
    if alternatives.len() > 1
        && alternatives
            .iter()
            .all(|a| Class::parse(a).is_some() || *a == "Float")
    {
        return Ok(Ty::Any);
    }
    if first.starts_with("Matches the attribute's own type") {
        return Ok(Ty::Own);
    }
    Err(format!("{at}: unknown field type `{cell}`"))
}

/// The values a type cell allows: "Accepts user or lead", "Accepted
/// fields are `a`, `b` and `c`."
fn allowed_values(cell: &str) -> Vec<String> {
    let Some((_, rest)) = cell.split_once("<br>") else {
        return Vec::new();
    };
    let quoted = backticked(rest);
    if !quoted.is_empty() {
        return quoted.into_iter().map(str::to_owned).collect();
    }
    match rest.trim().strip_prefix("Accepts ") {
        Some(list) => list
            .trim_end_matches('.')
            .split(" or ")
            .flat_map(|s| s.split(','))
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect(),
        None => Vec::new(),
    }
}

/// The classes of an operator table's "Valid Types" cell, and the fields
/// it leaves out.
fn valid_types(cell: &str, at: &str) -> Result<(BTreeSet<Class>, BTreeSet<String>)> {
    let cell = cell.replace("<br>", " ");
    let mut fields = BTreeSet::new();
    if let Some(rest) = cell.strip_prefix("All") {
        let mut classes: BTreeSet<Class> = Class::ALL.into_iter().collect();
        if let Some(except) = rest.trim().strip_prefix("except ") {
            for word in except
                .split([',', ' '])
                .filter(|w| !w.is_empty() && *w != "and")
            {
                match Class::parse(word) {
                    Some(c) => {
                        classes.remove(&c);
                    }
                    None => {
                        fields.insert(word.trim_matches('`').to_owned());
                    }
                }
            }
        } else if !rest.trim().is_empty() {
            return Err(format!("{at}: unknown valid types `{cell}`"));
        }
        return Ok((classes, fields));
    }
    let mut classes = BTreeSet::new();
    let mut depth = 0usize;
    let mut plain = String::new();
    for c in cell.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    for word in plain.split_whitespace() {
        classes.insert(
            Class::parse(word).ok_or_else(|| format!("{at}: unknown type `{word}` in `{cell}`"))?,
        );
    }
    Ok((classes, fields))
}

/// Whether the request body of a search path takes `sort`: its schema
/// has a `sort` property, an object of a `field` string and an `order`
/// whose values are `ascending` and `descending`, `descending` when
/// omitted (what qc emits and reads; any other shape is an error).
fn takes_sort(doc: &Document, body: Option<&Value>, at: &str) -> Result<bool> {
    let Some(schema) = body
        .and_then(|b| b.get("content"))
        .and_then(|c| c.get("application/json"))
        .and_then(|j| j.get("schema"))
    else {
        return Err(format!("{at}: no JSON request body"));
    };
    let Some(sort) = resolve(doc, schema)
        .and_then(|s| s.get("properties"))
        .and_then(|p| p.get("sort"))
        .and_then(|s| resolve(doc, s))
    else {
        return Ok(false);
    };
    let property = |name: &str| {
        sort.get("properties")
            .and_then(|p| p.get(name))
            .and_then(|s| resolve(doc, s))
    };
    let field_type = property("field")
        .and_then(|f| f.get("type"))
        .and_then(Value::as_str);
    let order = property("order");
    let values: Option<Vec<&str>> = order
        .and_then(|o| o.get("enum"))
        .and_then(Value::as_sequence)
        .map(|values| values.iter().filter_map(Value::as_str).collect());
    let default = order.and_then(|o| o.get("default")).and_then(Value::as_str);
    if field_type != Some("string")
        || values.as_deref() != Some(&["ascending", "descending"][..])
        || default != Some("descending")
    {
        return Err(format!(
            "{at}: a `sort` qc does not know: qc knows `{{\"field\": string, \"order\": \"ascending\" | \"descending\"}}` with `descending` the default, and the description has field {field_type:?}, order {values:?}, default {default:?}"
        ));
    }
    Ok(true)
}

/// The table of one search path's description; `sorts` when its request
/// body takes `sort`.
fn read_table(text: &str, sorts: bool, at: &str) -> Result<Table> {
    let fields = section(text, "Accepted Fields")
        .ok_or_else(|| format!("{at}: no \"Accepted Fields\" section"))?;
    let operators = section(text, "Accepted Operators")
        .ok_or_else(|| format!("{at}: no \"Accepted Operators\" section"))?;

    // The operators of each class, and those a field is left out of.
    let mut by_class: BTreeMap<Class, BTreeSet<usize>> = BTreeMap::new();
    let mut left_out: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    let mut gt_inclusive = None;
    for cells in table_rows(&operators) {
        let [op, types, description] = cells.as_slice() else {
            return Err(format!("{at}: an operator row of {} cells", cells.len()));
        };
        let i = op_index(op, at)?;
        let (classes, fields) = valid_types(types, at)?;
        for c in classes {
            by_class.entry(c).or_default().insert(i);
        }
        for f in fields {
            left_out.entry(f).or_default().insert(i);
        }
        if op == ">" {
            gt_inclusive = Some(description.contains("(or equal)"));
        }
    }
    let order = match gt_inclusive {
        Some(true) => Compare::Inclusive,
        Some(false) => Compare::Strict,
        None => return Err(format!("{at}: the operator table has no `>`")),
    };

    // What the text says of dates.
    let mut day = None;
    if let Some(lines) = section(text, "Searching for Timestamp Fields") {
        let all = lines.join("\n");
        if all.contains("matched by calendar day") {
            let utc = if all.contains("always UTC") {
                true
            } else if all.contains("workspace's timezone") {
                false
            } else {
                return Err(format!(
                    "{at}: dates are matched by calendar day, in no zone the generator knows"
                ));
            };
            day = Some(Compare::Day { utc });
        }
    }
    let class_rule = |c: Class| Rule {
        ops: by_class.get(&c).cloned().unwrap_or_default(),
        compare: match c {
            Class::Date => day.unwrap_or(order),
            _ => order,
        },
    };

    // Sentences about one field or the endpoint.
    let prose: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('|'))
        .collect();
    let prose = prose.join("\n");
    let sentences: Vec<&str> = prose
        .split('\n')
        .flat_map(|l| l.split(". "))
        .map(str::trim)
        .collect();
    let mut only: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    let mut extra: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    let mut words = BTreeSet::new();
    let mut notes = Vec::new();
    let mut not_sorted: BTreeSet<String> = BTreeSet::new();
    for s in &sentences {
        let quoted = backticked(s);
        if s.contains("not as a sort field") {
            let field = quoted.first().ok_or_else(|| format!("{at}: `{s}`"))?;
            not_sorted.insert((*field).to_owned());
            continue;
        }
        if s.starts_with("Searching by `") && s.contains("supports only") {
            let (field, ops) = quoted.split_first().ok_or_else(|| format!("{at}: `{s}`"))?;
            let ops = ops.iter().map(|o| op_index(o, at)).collect::<Result<_>>()?;
            only.insert((*field).to_owned(), ops);
        } else if s.starts_with("You may use") && s.contains("to search by") {
            let (field, ops) = quoted.split_last().ok_or_else(|| format!("{at}: `{s}`"))?;
            let ops = ops
                .iter()
                .map(|o| op_index(o, at))
                .collect::<Result<BTreeSet<usize>>>()?;
            extra.entry((*field).to_owned()).or_default().extend(ops);
        } else if s.contains("against every element of the value separately") {
            if let Some(field) = quoted.first() {
                words.insert((*field).to_owned());
            }
        } else if s.starts_with("Note that the API does not include")
            || s.contains("are not searchable")
        {
            notes.push(s.trim_end_matches('.').to_owned() + ".");
        }
    }
    // Terms a field takes instead of its values' names (tickets'
    // `category`, 2.14 and later).
    let mut terms: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for block in prose.split("{% admonition").skip(1) {
        let block = block.split("{% /admonition %}").next().unwrap_or_default();
        if !block.contains("specific terms must be used") {
            continue;
        }
        let field = block
            .lines()
            .find_map(|l| {
                l.contains("field")
                    .then(|| backticked(l).first().copied())
                    .flatten()
            })
            .ok_or_else(|| format!("{at}: a block of search terms names no field"))?;
        let values: Vec<String> = block
            .lines()
            .filter_map(|l| l.split_once("use the term "))
            .filter_map(|(_, t)| backticked(t).first().map(|v| (*v).to_owned()))
            .collect();
        terms.insert(field.to_owned(), values);
    }

    // The fields.
    let mut rows = Vec::new();
    let mut unchecked = None;
    for cells in table_rows(&fields) {
        let [name, ty] = cells.as_slice() else {
            return Err(format!("{at}: a field row of {} cells", cells.len()));
        };
        let at_field = format!("{at} `{name}`");
        let ty = field_type(ty, &at_field)?;
        if let Some((prefix, _)) = name.split_once('{') {
            unchecked = Some((
                prefix.to_owned(),
                match ty {
                    Ty::Class(c) => c.field_type(),
                    Ty::Any | Ty::Own => "Any",
                },
            ));
            continue;
        }
        let Ty::Class(class) = ty else {
            return Err(format!(
                "{at_field}: only attributes may have several types"
            ));
        };
        let mut rule = class_rule(class);
        if let Some(ops) = only.remove(name.as_str()) {
            rule.ops = ops;
        }
        if let Some(ops) = left_out.get(name.as_str()) {
            rule.ops.retain(|o| !ops.contains(o));
        }
        if let Some(ops) = extra.remove(name.as_str()) {
            rule.ops.extend(ops);
        }
        let mut values = allowed_values(&cells[1]);
        if let Some(t) = terms.remove(name.as_str()) {
            values = t;
        }
        rows.push(Row {
            name: name.clone(),
            ty: class.field_type(),
            values,
            rule,
            words: words.contains(name.as_str()),
            also_integer: false,
            spelled: None,
            sortable: sorts && !not_sorted.remove(name.as_str()),
        });
    }
    if let Some(field) = not_sorted.iter().next() {
        return Err(format!(
            "{at}: the text says `{field}` is no sort field, but {}",
            if sorts {
                "it is not in the field table"
            } else {
                "the request takes no `sort`"
            }
        ));
    }
    for (what, left) in [("supports only", &only), ("you may use", &extra)] {
        if let Some(field) = left.keys().next() {
            return Err(format!(
                "{at}: the text's \"{what}\" names `{field}`, which is not in the field table"
            ));
        }
    }
    if let Some(field) = terms.keys().next() {
        return Err(format!(
            "{at}: search terms for `{field}`, which is not in the field table"
        ));
    }
    // Custom attributes of each class: Float compares as Integer does.
    let classes = [
        class_rule(Class::String),
        class_rule(Class::Integer),
        class_rule(Class::Boolean),
        class_rule(Class::Date),
    ];
    Ok(Table {
        rows,
        classes,
        unchecked,
        notes,
        sort: sorts,
    })
}

/// Resolves `$ref`s.
fn resolve<'a>(doc: &'a Document, mut schema: &'a Value) -> Option<&'a Value> {
    for _ in 0..32 {
        let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
            return Some(schema);
        };
        let name = reference.rsplit('/').next()?;
        schema = doc.components.schemas.get(name)?;
    }
    None
}

/// Allowed values from the model's enums, for fields whose row lists none
/// (`conversation.state`, `conversation.priority`).
fn add_model_values(table: &mut Table, doc: &Document, model: &str) {
    let Some(root) = doc.components.schemas.get(model) else {
        return;
    };
    for row in table
        .rows
        .iter_mut()
        .filter(|r| r.values.is_empty() && r.ty == "String")
    {
        let mut at = resolve(doc, root);
        for key in row.name.split('.') {
            at = at
                .and_then(|s| s.get("properties"))
                .and_then(|p| p.get(key))
                .and_then(|s| resolve(doc, s));
        }
        if let Some(values) = at.and_then(|s| s.get("enum")).and_then(Value::as_sequence) {
            row.values = values
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect();
        }
    }
}

// ---- overrides ------------------------------------------------------------

/// `src/schema/overrides.toml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Overrides {
    #[serde(default)]
    field: Vec<Override>,
}

/// One decision of qc's about one field.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Override {
    target: String,
    field: String,
    /// The first and last versions it applies to (every version when
    /// absent).
    versions: Option<[String; 2]>,
    /// Why: required.
    reason: String,
    /// Add the field when the text's table lacks it, with this type.
    add: Option<String>,
    /// The field's type.
    r#type: Option<String>,
    /// `qc validate` also takes a JSON integer (a String field the table
    /// types Integer).
    also_integer: Option<bool>,
    /// The allowed values (empty: any value of the type).
    values: Option<Vec<String>>,
    /// `>` and `<` are strict.
    strict: Option<bool>,
    /// `>` and `<` read two ways: only `>=`/`<=` are sent.
    ambiguous: Option<bool>,
    /// The name qc sends for the field (the text's is accepted too).
    rename: Option<String>,
    /// The attributes under this prefix are taken unchecked, as String,
    /// without a workspace schema.
    unchecked: Option<bool>,
    /// `false`: not a sort field, where the request takes `sort`.
    sortable: Option<bool>,
}

impl Overrides {
    fn applies(o: &Override, target: &str, version: &str) -> bool {
        let index = |v: &str| VERSIONS.iter().position(|n| n.name() == v);
        let here = index(version);
        o.target == target
            && match &o.versions {
                None => true,
                Some([from, to]) => here >= index(from) && here <= index(to),
            }
    }

    fn apply(&self, table: &mut Table, target: &str, version: &str, at: &str) -> Result<()> {
        for o in self
            .field
            .iter()
            .filter(|o| Self::applies(o, target, version))
        {
            let at = format!("{OVERRIDES} (`{}` on {target}, at {at})", o.field);
            if o.reason.trim().is_empty() {
                return Err(format!("{at}: an override needs its reason"));
            }
            if o.unchecked == Some(true) {
                if table.unchecked.is_some() {
                    return Err(format!(
                        "{at}: the text already has attributes under a prefix"
                    ));
                }
                table.unchecked = Some((o.field.clone(), "String"));
                continue;
            }
            if let Some(ty) = &o.add {
                if table.rows.iter().any(|r| r.name == o.field) {
                    return Err(format!("{at}: the text already has the field"));
                }
                let class = Class::parse(ty).ok_or_else(|| format!("{at}: unknown type {ty}"))?;
                let index = [Class::String, Class::Integer, Class::Boolean, Class::Date]
                    .iter()
                    .position(|c| *c == class)
                    .ok_or_else(|| format!("{at}: type {ty}"))?;
                table.rows.push(Row {
                    name: o.field.clone(),
                    ty: class.field_type(),
                    values: Vec::new(),
                    rule: table.classes[index].clone(),
                    words: false,
                    also_integer: false,
                    spelled: None,
                    sortable: table.sort,
                });
            }
            let row = table
                .rows
                .iter_mut()
                .find(|r| r.name == o.field)
                .ok_or_else(|| format!("{at}: no such field in the text's table"))?;
            if let Some(ty) = &o.r#type {
                let class = Class::parse(ty).ok_or_else(|| format!("{at}: unknown type {ty}"))?;
                if row.ty == class.field_type() {
                    return Err(format!(
                        "{at}: the text already types it {ty}; remove the override"
                    ));
                }
                let index = [Class::String, Class::Integer, Class::Boolean, Class::Date]
                    .iter()
                    .position(|c| *c == class)
                    .ok_or_else(|| format!("{at}: type {ty}"))?;
                row.ty = class.field_type();
                row.rule = table.classes[index].clone();
            }
            if let Some(b) = o.also_integer {
                row.also_integer = b;
            }
            if let Some(values) = &o.values {
                row.values = values.clone();
            }
            if o.strict == Some(true) {
                row.rule.compare = Compare::Strict;
            }
            if o.ambiguous == Some(true) {
                row.rule.compare = Compare::Ambiguous;
            }
            if let Some(name) = &o.rename {
                row.spelled = Some(std::mem::replace(&mut row.name, name.clone()));
            }
            match o.sortable {
                Some(true) => {
                    return Err(format!(
                        "{at}: a field is a sort field wherever the request takes `sort`; only `sortable = false` is a decision"
                    ));
                }
                Some(false) if !table.sort => {
                    return Err(format!(
                        "{at}: the request takes no `sort` here; narrow `versions`"
                    ));
                }
                Some(false) if !row.sortable => {
                    return Err(format!(
                        "{at}: the text already says it is no sort field; remove the override"
                    ));
                }
                Some(false) => row.sortable = false,
                None => {}
            }
        }
        Ok(())
    }

    /// Every override applies somewhere.
    fn all_used(&self, tables: &[(usize, usize, Table)]) -> Result<()> {
        for o in &self.field {
            let used = tables
                .iter()
                .any(|(e, v, _)| Self::applies(o, ENDPOINTS[*e].name(), VERSIONS[*v].name()));
            if !used {
                return Err(format!(
                    "{OVERRIDES}: the override of `{}` on {} applies to no table",
                    o.field, o.target
                ));
            }
        }
        Ok(())
    }
}

// ---- writing ----------------------------------------------------------------

fn string_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("{s:?}")).collect();
    format!("&[{}]", quoted.join(", "))
}

/// The Rust text of a row.
fn row(r: &Row) -> String {
    format!(
        "Row {{ name: {:?}, ty: FieldType::{}, values: {}, rule: {}, words: {}, also_integer: {}, spelled: {}, sortable: {} }}",
        r.name,
        r.ty,
        string_list(&r.values),
        r.rule.rust(),
        r.words,
        r.also_integer,
        r.spelled
            .as_ref()
            .map_or_else(|| "None".to_owned(), |s| format!("Some({s:?})")),
        r.sortable
    )
}

/// The Rust text of a table's contents (everything but its versions).
/// Rows are written once, in `rows`, and tables refer to them: most rows
/// are the same in many versions, and each is then one pointer in the
/// WebAssembly module rather than a copy (6 KB).
fn body(t: &Table, rows: &mut Vec<String>) -> String {
    let mut out = String::new();
    out.push_str("        rows: &[\n");
    for r in &t.rows {
        let text = row(r);
        let index = rows.iter().position(|t| *t == text).unwrap_or_else(|| {
            rows.push(text);
            rows.len() - 1
        });
        let _ = writeln!(out, "            &ROWS[{index}], // {}", r.name);
    }
    out.push_str("        ],\n");
    let _ = writeln!(
        out,
        "        classes: Classes {{ string: {}, integer: {}, boolean: {}, date: {} }},",
        t.classes[0].rust(),
        t.classes[1].rust(),
        t.classes[2].rust(),
        t.classes[3].rust()
    );
    match &t.unchecked {
        Some((prefix, ty)) => {
            let _ = writeln!(
                out,
                "        unchecked: Some(({prefix:?}, FieldType::{ty})),"
            );
        }
        None => out.push_str("        unchecked: None,\n"),
    }
    let _ = writeln!(out, "        notes: {},", string_list(&t.notes));
    let _ = writeln!(out, "        sort: {},", t.sort);
    out
}

/// The generated file.
fn write(tables: &[(usize, usize, Table)]) -> String {
    let mut out = String::from(
        "//! Generated by `cargo run --example gen_tables` from Intercom's OpenAPI\n\
         //! descriptions (`shared/intercom/versions/`) and `overrides.toml`: do not\n\
         //! edit. `tests/tables.rs` fails when this file and the descriptions\n\
         //! disagree. One table per target and group of versions whose tables are\n\
         //! the same, oldest first; the rows of every table in [`ROWS`], each once.\n\n\
         use super::versions::{Classes, Compare, DayZone, Row, Rule, Table};\n\
         use super::FieldType;\n\
         use crate::op::Op;\n\
         use crate::target::{ApiVersion, Target};\n\n\
         /// Every table.\n\
         pub(super) static TABLES: &[Table] = &[\n",
    );
    let mut rows = Vec::new();
    for (e, endpoint) in ENDPOINTS.iter().enumerate() {
        // Versions grouped by identical contents, in the order of their
        // first version.
        let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
        for (_, v, t) in tables.iter().filter(|(te, _, _)| *te == e) {
            let text = body(t, &mut rows);
            match groups.iter_mut().find(|(b, _)| *b == text) {
                Some((_, vs)) => vs.push(*v),
                None => groups.push((text, vec![*v])),
            }
        }
        for (text, versions) in groups {
            let names: Vec<String> = versions
                .iter()
                .map(|&v| format!("ApiVersion::{:?}", VERSIONS[v]))
                .collect();
            let _ = writeln!(
                out,
                "    Table {{\n        target: Target::{endpoint:?},\n        versions: &[{}],",
                names.join(", ")
            );
            out.push_str(&text);
            out.push_str("    },\n");
        }
    }
    out.push_str("];\n");
    let _ = writeln!(
        out,
        "\n/// Every row of [`TABLES`], each once.\nstatic ROWS: [Row; {}] = [",
        rows.len()
    );
    for (i, text) in rows.iter().enumerate() {
        let _ = writeln!(out, "    /* {i} */ {text},");
    }
    out.push_str("];\n");
    out
}
