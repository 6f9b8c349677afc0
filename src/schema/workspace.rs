//! A workspace's own attributes, read from the JSON Intercom returns:
//!
//! - `GET /data_attributes`: a `data_attribute_list` (`{"type": "list",
//!   "data": [...]}`, or the bare array) whose entries have `model`
//!   (`contact`, `company` or `conversation`), `full_name` such as
//!   `custom_attributes.plan`, `data_type` (`string`, `integer`, `float`,
//!   `boolean`, `date`), `options` and `archived`. Only custom attributes
//!   (`custom: true`, or a `full_name` under `custom_attributes.`) are
//!   taken: the built-in ones are the reference's tables.
//! - `GET /ticket_types`: a `ticket_type_list` (`ticket_types` or `data`),
//!   or one `ticket_type`, whose `ticket_type_attributes` (a list object
//!   with `ticket_type_attributes` or `data`) have `id`, `name` and
//!   `data_type` (`string`, `list`, `integer`, `decimal`, `boolean`,
//!   `datetime`, `files`). They become `ticket_attribute.{id}`, also
//!   writable by name, held by the tickets of their type (the enclosing
//!   ticket type's `id`, or the attribute's `ticket_type_id`). A `list`
//!   attribute's options are `input_options.list_options`, each an `id`
//!   and a `label` (or `value`): a query writes the label, and the id is
//!   sent, as the reference says a list attribute's value is "the list
//!   item id". `files` attributes cannot be searched: they are kept aside,
//!   so that a query naming one is told so.
//!
//! - A schema document ([`Workspace::document`], what `qc schema pull`
//!   writes): an
//!   object with `"type": "qc.workspace_schema"`, `"format": 1`, the
//!   `api_version` it was pulled with, `data_attributes` (the entries of
//!   every model's list) and `ticket_types` (the ticket types), each read
//!   as above. A section that is present describes its models completely,
//!   even when empty.
//!
//! A malformed file is one [`Diagnostic`] per problem, each with its JSON
//! path and position.

use super::field::{CUSTOM_ATTRIBUTES, TICKET_ATTRIBUTE};
use crate::diagnostic::{Code, Diagnostic, LineIndex};
use crate::json::reader::{Json, JsonKind, read_json};
use crate::op::FieldType;
use crate::target::{ApiVersion, Target};

/// The object an attribute belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// Contacts (users and leads).
    Contact,
    /// Companies (API version Preview).
    Company,
    /// Conversations.
    Conversation,
    /// Tickets.
    Ticket,
}

impl Model {
    /// The model's name in messages: `contact`, `company`, ...
    pub const fn name(self) -> &'static str {
        match self {
            Model::Contact => "contact",
            Model::Company => "company",
            Model::Conversation => "conversation",
            Model::Ticket => "ticket",
        }
    }

    /// The target that searches the model, if qc has one.
    pub const fn target(self) -> Option<Target> {
        match self {
            Model::Contact => Some(Target::Contacts),
            Model::Company => None,
            Model::Conversation => Some(Target::Conversations),
            Model::Ticket => Some(Target::Tickets),
        }
    }

    /// The model a target searches.
    pub fn of(target: Target) -> Model {
        match target {
            Target::Conversations => Model::Conversation,
            Target::Contacts => Model::Contact,
            Target::Tickets => Model::Ticket,
            Target::Companies => Model::Company,
        }
    }
}

/// One custom attribute.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    /// What it belongs to.
    pub model: Model,
    /// The name the API searches, e.g. `custom_attributes.plan` or
    /// `ticket_attribute.17`.
    pub name: String,
    /// Another name a query may use (a ticket attribute's name).
    pub alias: Option<String>,
    /// Its type.
    pub ty: FieldType,
    /// Its predefined options; empty when any value goes.
    pub options: Vec<String>,
    /// Where the value is in an object of the model: its keys.
    pub path: Vec<String>,
    /// Its description.
    pub doc: String,
    /// Whether it is archived.
    pub archived: bool,
    /// What is sent for each of `options`, where that is not the option
    /// itself (a ticket list attribute's item ids); else empty.
    pub option_ids: Vec<String>,
    /// The kinds of object that hold it (the ids of the ticket types a
    /// ticket attribute belongs to); empty when every object of the model
    /// does.
    pub kinds: Vec<String>,
}

/// An attribute the API cannot search (a ticket `files` attribute), kept
/// so that a query naming it is told why.
#[derive(Debug, Clone, PartialEq)]
pub struct Unsearchable {
    /// What it belongs to.
    pub model: Model,
    /// The name the API uses (`ticket_attribute.21`).
    pub name: String,
    /// The name a query may use for it.
    pub alias: Option<String>,
    /// Why it cannot be searched, e.g. "a files attribute".
    pub what: &'static str,
}

/// The attributes read from one schema file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Workspace {
    /// Every searchable custom attribute in the file.
    pub attributes: Vec<Attribute>,
    /// The attributes in the file that cannot be searched.
    pub unsearchable: Vec<Unsearchable>,
    /// The models the file describes completely (a data attributes list
    /// describes contacts and conversations, ticket types describe
    /// tickets), even when it holds no custom attribute of them.
    models: Vec<Model>,
}

impl Workspace {
    /// True when the file describes `model`'s attributes, so that names
    /// it does not list are unknown rather than unchecked.
    pub fn describes(&self, model: Model) -> bool {
        self.models.contains(&model)
    }

    /// The `type` of a schema document ([`Workspace::document`]).
    pub const DOCUMENT_TYPE: &'static str = "qc.workspace_schema";

    /// The format of the schema documents this qc writes and reads; a
    /// document of a later format is refused with the reason.
    pub const DOCUMENT_FORMAT: u64 = 1;

    /// The schema document of a workspace (`qc schema pull` writes it, and
    /// [`Workspace::from_json`] reads it): the entries of `GET
    /// /data_attributes` of every model, and the ticket types of `GET
    /// /ticket_types` (`None` for an API version without tickets), pulled
    /// with `api_version`.
    pub fn document(
        api_version: ApiVersion,
        data_attributes: Vec<serde_json::Value>,
        ticket_types: Option<Vec<serde_json::Value>>,
    ) -> serde_json::Value {
        let mut document = serde_json::Map::new();
        document.insert("type".into(), Self::DOCUMENT_TYPE.into());
        document.insert("format".into(), Self::DOCUMENT_FORMAT.into());
        document.insert("api_version".into(), api_version.name().into());
        document.insert("data_attributes".into(), data_attributes.into());
        if let Some(types) = ticket_types {
            document.insert("ticket_types".into(), types.into());
        }
        serde_json::Value::Object(document)
    }

    /// Reads a data attributes list or ticket types from JSON text.
    pub fn from_json(text: &str) -> Result<Workspace, Vec<Diagnostic>> {
        let json = read_json(text).map_err(|d| vec![*d])?;
        let mut reader = Reader {
            diagnostics: Vec::new(),
            workspace: Workspace::default(),
        };
        reader.root(&json);
        let Reader {
            mut diagnostics,
            workspace,
        } = reader;
        if diagnostics.is_empty() {
            return Ok(workspace);
        }
        let index = LineIndex::new(text);
        for d in &mut diagnostics {
            d.locate(&index);
        }
        Err(diagnostics)
    }

    /// Reads already-parsed JSON (a `serde_json::Value`), e.g. from the
    /// Python or JavaScript packages.
    pub fn from_value(value: &serde_json::Value) -> Result<Workspace, Vec<Diagnostic>> {
        Workspace::from_json(&value.to_string())
    }
}

/// Reads one item of a list at a JSON path.
type ItemReader = fn(&mut Reader, &Json, &str);

struct Reader {
    diagnostics: Vec<Diagnostic>,
    workspace: Workspace,
}

fn get<'j>(j: &'j Json, key: &str) -> Option<&'j Json> {
    match &j.kind {
        JsonKind::Object(members) => members.iter().find(|m| m.key == key).map(|m| &m.value),
        _ => None,
    }
}

fn string<'j>(j: &'j Json, key: &str) -> Option<&'j str> {
    match get(j, key).map(|v| &v.kind) {
        Some(JsonKind::String(s)) => Some(s),
        _ => None,
    }
}

fn boolean(j: &Json, key: &str) -> Option<bool> {
    match get(j, key).map(|v| &v.kind) {
        Some(JsonKind::Bool(b)) => Some(*b),
        _ => None,
    }
}

fn path(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

impl Reader {
    fn error(&mut self, j: &Json, path: &str, message: impl Into<String>) {
        let shown = if path.is_empty() { "$" } else { path };
        self.diagnostics.push(
            Diagnostic::new(Code::InvalidSchema, j.span, message)
                .with_path(shown)
                .with_help("pass the JSON of `GET /data_attributes` or `GET /ticket_types`, or the file `qc schema pull` writes"),
        );
    }

    fn root(&mut self, j: &Json) {
        let (items, items_path) = match &j.kind {
            JsonKind::Array(items) => (items.as_slice(), String::new()),
            JsonKind::Object(_) if string(j, "type") == Some(Workspace::DOCUMENT_TYPE) => {
                self.document(j);
                return;
            }
            JsonKind::Object(_) if string(j, "type") == Some("ticket_type") => {
                self.ticket_type(j, "");
                return;
            }
            JsonKind::Object(_) => {
                let key = ["data", "ticket_types"]
                    .into_iter()
                    .find(|k| get(j, k).is_some());
                match key.and_then(|k| get(j, k).map(|v| (k, v))) {
                    Some((
                        k,
                        Json {
                            kind: JsonKind::Array(items),
                            ..
                        },
                    )) => (items.as_slice(), k.to_owned()),
                    Some((k, other)) => {
                        self.error(
                            other,
                            k,
                            format!("expected an array, found {}", other.kind.describe()),
                        );
                        return;
                    }
                    None => {
                        self.error(j, "", "expected a data attributes list (`{\"type\": \"list\", \"data\": [...]}`) or ticket types (`{\"ticket_types\": [...]}`)");
                        return;
                    }
                }
            }
            other => {
                self.error(
                    j,
                    "",
                    format!("expected an object or an array, found {}", other.describe()),
                );
                return;
            }
        };
        for (i, item) in items.iter().enumerate() {
            let at = format!("{items_path}[{i}]");
            if get(item, "ticket_type_attributes").is_some()
                || string(item, "type") == Some("ticket_type")
            {
                self.ticket_type(item, &at);
            } else {
                self.data_attribute(item, &at);
            }
        }
    }

    /// A schema document ([`Workspace::document`]): its format, then each section
    /// present, whose models it describes even when it is empty.
    fn document(&mut self, j: &Json) {
        match get(j, "format") {
            Some(Json {
                kind: JsonKind::Number(n),
                ..
            }) if n
                .parse::<u64>()
                .is_ok_and(|n| n <= Workspace::DOCUMENT_FORMAT) => {}
            Some(
                other @ Json {
                    kind: JsonKind::Number(n),
                    ..
                },
            ) => {
                let message = format!(
                    "this schema document has format {n}, and this qc reads format {}: pull it again with this qc (`qc schema pull`), or update qc",
                    Workspace::DOCUMENT_FORMAT
                );
                self.error(other, "format", message);
                return;
            }
            Some(other) => {
                let found = other.kind.describe();
                self.error(
                    other,
                    "format",
                    format!("`format` must be a number, found {found}"),
                );
                return;
            }
            None => {
                self.error(j, "", "this schema document has no `format`");
                return;
            }
        }
        let sections: [(&str, &[Model], ItemReader); 2] = [
            (
                "data_attributes",
                &[Model::Contact, Model::Conversation, Model::Company],
                Self::data_attribute,
            ),
            ("ticket_types", &[Model::Ticket], Self::ticket_type),
        ];
        let mut any = false;
        for (key, models, read) in sections {
            let Some(section) = get(j, key) else {
                continue;
            };
            any = true;
            let JsonKind::Array(items) = &section.kind else {
                let found = section.kind.describe();
                self.error(section, key, format!("expected an array, found {found}"));
                continue;
            };
            for &model in models {
                if !self.workspace.models.contains(&model) {
                    self.workspace.models.push(model);
                }
            }
            for (i, item) in items.iter().enumerate() {
                read(self, item, &format!("{key}[{i}]"));
            }
        }
        if !any {
            self.error(
                j,
                "",
                "this schema document has neither `data_attributes` nor `ticket_types`",
            );
        }
    }

    fn required<'j>(&mut self, j: &'j Json, at: &str, key: &str) -> Option<&'j str> {
        match get(j, key) {
            Some(Json {
                kind: JsonKind::String(s),
                ..
            }) => Some(s),
            Some(other) => {
                self.error(
                    other,
                    &path(at, key),
                    format!("`{key}` must be a string, found {}", other.kind.describe()),
                );
                None
            }
            None => {
                self.error(j, at, format!("this attribute has no `{key}`"));
                None
            }
        }
    }

    fn data_attribute(&mut self, j: &Json, at: &str) {
        if !matches!(j.kind, JsonKind::Object(_)) {
            self.error(
                j,
                at,
                format!(
                    "expected a data attribute object, found {}",
                    j.kind.describe()
                ),
            );
            return;
        }
        for model in [Model::Contact, Model::Conversation, Model::Company] {
            if !self.workspace.models.contains(&model) {
                self.workspace.models.push(model);
            }
        }
        let model = match get(j, "model") {
            None => Model::Contact,
            Some(m) => match &m.kind {
                JsonKind::String(s) if s == "contact" => Model::Contact,
                JsonKind::String(s) if s == "company" => Model::Company,
                JsonKind::String(s) if s == "conversation" => Model::Conversation,
                _ => {
                    self.error(
                        m,
                        &path(at, "model"),
                        "`model` must be \"contact\", \"company\" or \"conversation\"",
                    );
                    return;
                }
            },
        };
        let Some(full_name) = self.required(j, at, "full_name") else {
            return;
        };
        let data_type = self.required(j, at, "data_type");
        let custom =
            boolean(j, "custom").unwrap_or(false) || full_name.starts_with(CUSTOM_ATTRIBUTES);
        let ty = match data_type {
            Some("string") => FieldType::String,
            Some("integer") => FieldType::Integer,
            Some("float") => FieldType::Float,
            Some("boolean") => FieldType::Boolean,
            Some("date") => FieldType::Date,
            Some(other) => {
                let other = other.to_owned();
                if let Some(v) = get(j, "data_type") {
                    self.error(v, &path(at, "data_type"), format!("unknown `data_type` `{other}`; expected string, integer, float, boolean or date"));
                }
                return;
            }
            None => return,
        };
        let options = self.options(j, at);
        if !custom {
            return;
        }
        let doc = string(j, "description")
            .filter(|d| !d.is_empty())
            .or_else(|| string(j, "label"))
            .unwrap_or("A custom attribute of the workspace.")
            .to_owned();
        self.workspace.attributes.push(Attribute {
            model,
            name: full_name.to_owned(),
            alias: None,
            ty,
            options,
            // "We can split full_name on `.` to access nested user object
            // values" (the reference's `data_attribute.full_name`).
            path: full_name.split('.').map(str::to_owned).collect(),
            doc,
            archived: boolean(j, "archived").unwrap_or(false),
            option_ids: Vec::new(),
            kinds: Vec::new(),
        });
    }

    fn options(&mut self, j: &Json, at: &str) -> Vec<String> {
        match get(j, "options") {
            None => Vec::new(),
            Some(Json {
                kind: JsonKind::Null,
                ..
            }) => Vec::new(),
            Some(Json {
                kind: JsonKind::Array(items),
                ..
            }) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    match &item.kind {
                        JsonKind::String(s) => out.push(s.clone()),
                        other => self.error(
                            item,
                            &format!("{}[{i}]", path(at, "options")),
                            format!("an option must be a string, found {}", other.describe()),
                        ),
                    }
                }
                out
            }
            Some(other) => {
                self.error(
                    other,
                    &path(at, "options"),
                    format!(
                        "`options` must be an array of strings, found {}",
                        other.kind.describe()
                    ),
                );
                Vec::new()
            }
        }
    }

    fn ticket_type(&mut self, j: &Json, at: &str) {
        if !self.workspace.models.contains(&Model::Ticket) {
            self.workspace.models.push(Model::Ticket);
        }
        let kind = id_text(get(j, "id"));
        let attrs_path = path(at, "ticket_type_attributes");
        let items = match get(j, "ticket_type_attributes") {
            Some(
                list @ Json {
                    kind: JsonKind::Object(_),
                    ..
                },
            ) => {
                let key = ["ticket_type_attributes", "data"]
                    .into_iter()
                    .find(|k| get(list, k).is_some());
                match key.and_then(|k| get(list, k).map(|v| (k, v))) {
                    Some((
                        k,
                        Json {
                            kind: JsonKind::Array(items),
                            ..
                        },
                    )) => Some((items, path(&attrs_path, k))),
                    _ => {
                        self.error(list, &attrs_path, "expected a list object with a `ticket_type_attributes` or `data` array");
                        None
                    }
                }
            }
            Some(Json {
                kind: JsonKind::Array(items),
                ..
            }) => Some((items, attrs_path.clone())),
            Some(other) => {
                self.error(
                    other,
                    &attrs_path,
                    format!(
                        "expected a list of ticket type attributes, found {}",
                        other.kind.describe()
                    ),
                );
                None
            }
            None => {
                self.error(j, at, "this ticket type has no `ticket_type_attributes`");
                None
            }
        };
        let Some((items, items_path)) = items else {
            return;
        };
        for (i, item) in items.iter().enumerate() {
            self.ticket_attribute(item, &format!("{items_path}[{i}]"), kind.as_deref());
        }
    }

    /// One ticket type attribute; `kind` is the id of the ticket type it
    /// is listed in.
    fn ticket_attribute(&mut self, j: &Json, at: &str, kind: Option<&str>) {
        if !matches!(j.kind, JsonKind::Object(_)) {
            self.error(
                j,
                at,
                format!(
                    "expected a ticket type attribute object, found {}",
                    j.kind.describe()
                ),
            );
            return;
        }
        let id = match get(j, "id") {
            Some(Json {
                kind: JsonKind::String(s),
                ..
            }) => s.clone(),
            Some(Json {
                kind: JsonKind::Number(n),
                ..
            }) => n.clone(),
            Some(other) => {
                self.error(
                    other,
                    &path(at, "id"),
                    format!("`id` must be a string, found {}", other.kind.describe()),
                );
                return;
            }
            None => {
                self.error(j, at, "this attribute has no `id`");
                return;
            }
        };
        let Some(name) = self.required(j, at, "name") else {
            return;
        };
        let name = name.to_owned();
        let Some(data_type) = self.required(j, at, "data_type") else {
            return;
        };
        let ty = match data_type {
            "string" | "list" => FieldType::String,
            "integer" => FieldType::Integer,
            "decimal" => FieldType::Float,
            "boolean" => FieldType::Boolean,
            "datetime" => FieldType::Date,
            "files" => FieldType::String,
            other => {
                let other = other.to_owned();
                if let Some(v) = get(j, "data_type") {
                    self.error(v, &path(at, "data_type"), format!("unknown `data_type` `{other}`; expected string, list, integer, decimal, boolean, datetime or files"));
                }
                return;
            }
        };
        let field = format!("{}{id}", TICKET_ATTRIBUTE);
        if data_type == "files" {
            if !self.workspace.unsearchable.iter().any(|u| u.name == field) {
                self.workspace.unsearchable.push(Unsearchable {
                    model: Model::Ticket,
                    name: field,
                    alias: Some(name),
                    what: "a files attribute",
                });
            }
            return;
        }
        // The ticket type it belongs to: the one it is listed in, or its
        // own `ticket_type_id`.
        let kind = kind
            .map(str::to_owned)
            .or_else(|| id_text(get(j, "ticket_type_id")));
        // An id listed again (under another ticket type) is the same
        // attribute, held by that type's tickets too.
        if let Some(known) = self
            .workspace
            .attributes
            .iter_mut()
            .find(|a| a.name == field)
        {
            if let Some(kind) = kind
                && !known.kinds.contains(&kind)
            {
                known.kinds.push(kind);
            }
            return;
        }
        let (options, option_ids) = if data_type == "list" {
            self.list_options(j, at)
        } else {
            (Vec::new(), Vec::new())
        };
        let doc = string(j, "description")
            .filter(|d| !d.is_empty())
            .map_or_else(
                || format!("The ticket attribute `{name}`."),
                |d| format!("{d} (ticket attribute `{name}`)"),
            );
        self.workspace.attributes.push(Attribute {
            model: Model::Ticket,
            path: vec!["ticket_attributes".to_owned(), name.clone()],
            name: field,
            alias: Some(name),
            ty,
            options,
            doc,
            archived: boolean(j, "archived").unwrap_or(false),
            option_ids,
            kinds: kind.into_iter().collect(),
        });
    }

    /// The options of a `list` attribute, `input_options.list_options`:
    /// their labels and their ids. An option is an object with an `id`
    /// and a `label` (or `value`), or a bare string (its own id).
    fn list_options(&mut self, j: &Json, at: &str) -> (Vec<String>, Vec<String>) {
        let at = path(&path(at, "input_options"), "list_options");
        let Some(list) = get(j, "input_options").and_then(|o| get(o, "list_options")) else {
            return (Vec::new(), Vec::new());
        };
        let items = match &list.kind {
            JsonKind::Array(items) => items,
            JsonKind::Null => return (Vec::new(), Vec::new()),
            other => {
                self.error(
                    list,
                    &at,
                    format!(
                        "`list_options` must be an array, found {}",
                        other.describe()
                    ),
                );
                return (Vec::new(), Vec::new());
            }
        };
        let (mut labels, mut ids) = (Vec::new(), Vec::new());
        for (i, item) in items.iter().enumerate() {
            let label = string(item, "label").or_else(|| string(item, "value"));
            let id = id_text(get(item, "id"));
            match (&item.kind, label, id) {
                (JsonKind::String(s), _, _) => {
                    labels.push(s.clone());
                    ids.push(s.clone());
                }
                (_, Some(label), Some(id)) => {
                    labels.push(label.to_owned());
                    ids.push(id);
                }
                _ => self.error(
                    item,
                    &format!("{at}[{i}]"),
                    "a list option must be an object with an `id` and a `label`",
                ),
            }
        }
        (labels, ids)
    }
}

/// The text of an id given as a JSON string or number.
fn id_text(j: Option<&Json>) -> Option<String> {
    match &j?.kind {
        JsonKind::String(s) => Some(s.clone()),
        JsonKind::Number(n) => Some(n.clone()),
        _ => None,
    }
}
