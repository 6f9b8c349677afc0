//! The field table: every searchable conversation field, its type, the
//! values it allows and what it means.
//!
//! One row per field, transcribed from the conversation search reference
//! (`shared/intercom/conversations-api-reference.txt`, API version 2.11),
//! keeping its spelling (including `conversation_rating.admin_d`). Where the
//! reference text and the OpenAPI description disagree (the OpenAPI table
//! types `admin_assignee_id` and `team_assignee_id` as Integer), the
//! reference text's table wins: both are String fields.

use serde::Serialize;

use crate::op::Op;

/// The type of a searchable field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum FieldType {
    /// Text; emitted as a JSON string.
    String,
    /// A whole number; emitted as a JSON number.
    Integer,
    /// A point in time; emitted as unix seconds in a JSON string.
    Date,
    /// `true` or `false`; emitted as a JSON boolean.
    Boolean,
}

impl FieldType {
    /// The name used in messages and in `qc fields`.
    pub const fn name(self) -> &'static str {
        match self {
            FieldType::String => "String",
            FieldType::Integer => "Integer",
            FieldType::Date => "Date",
            FieldType::Boolean => "Boolean",
        }
    }
}

impl std::fmt::Display for FieldType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One row of the field table.
///
/// Serialises as `{"name", "type", "operators", "values", "doc"}`, the form
/// `qc fields --format json` and the playground show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldDef {
    /// The dotted name the API uses.
    pub name: &'static str,
    /// Its type.
    pub ty: FieldType,
    /// The only values it accepts; empty when any value of the type goes.
    pub values: &'static [&'static str],
    /// What the field holds, from the reference.
    pub doc: &'static str,
}

impl Serialize for FieldDef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("FieldDef", 5)?;
        st.serialize_field("name", self.name)?;
        st.serialize_field("type", self.ty.name())?;
        st.serialize_field("operators", self.operators())?;
        st.serialize_field("values", self.values)?;
        st.serialize_field("doc", self.doc)?;
        st.end()
    }
}

const STRING_OPS: &[Op] = &[
    Op::Eq,
    Op::Ne,
    Op::In,
    Op::Nin,
    Op::Contains,
    Op::NotContains,
    Op::StartsWith,
    Op::EndsWith,
];
const ORDERED_OPS: &[Op] = &[Op::Eq, Op::Ne, Op::Gt, Op::Lt, Op::In, Op::Nin];
const EQUALITY_OPS: &[Op] = &[Op::Eq, Op::Ne, Op::In, Op::Nin];

impl FieldDef {
    /// The operators the field accepts: by type, and only equality for
    /// enumerated fields.
    pub fn operators(&self) -> &'static [Op] {
        if !self.values.is_empty() {
            return EQUALITY_OPS;
        }
        match self.ty {
            FieldType::String => STRING_OPS,
            FieldType::Integer | FieldType::Date => ORDERED_OPS,
            FieldType::Boolean => EQUALITY_OPS,
        }
    }

    /// True when the field accepts `op`.
    pub fn allows(&self, op: Op) -> bool {
        let op = match op {
            Op::Ge => Op::Gt,
            Op::Le => Op::Lt,
            op => op,
        };
        self.operators().contains(&op)
    }

    /// True when the field accepts only a fixed set of values.
    pub fn is_enumerated(&self) -> bool {
        !self.values.is_empty()
    }
}

/// Looks a field up by its exact name.
pub fn field(name: &str) -> Option<&'static FieldDef> {
    FIELDS.iter().find(|f| f.name == name)
}

const fn row(
    name: &'static str,
    ty: FieldType,
    values: &'static [&'static str],
    doc: &'static str,
) -> FieldDef {
    FieldDef {
        name,
        ty,
        values,
        doc,
    }
}

use FieldType::{Boolean, Date, Integer, String as Str};

/// Every searchable field, in the reference's order.
pub static FIELDS: &[FieldDef] = &[
    row("id", Str, &[], "The id representing the conversation."),
    row(
        "created_at",
        Date,
        &[],
        "The time the conversation was created.",
    ),
    row(
        "updated_at",
        Date,
        &[],
        "The last time the conversation was updated.",
    ),
    row(
        "source.type",
        Str,
        &[
            "conversation",
            "email",
            "facebook",
            "instagram",
            "phone_call",
            "phone_switch",
            "push",
            "sms",
            "twitter",
            "whatsapp",
        ],
        "The channel of the message that started the conversation.",
    ),
    row(
        "source.id",
        Str,
        &[],
        "The id representing the message that started the conversation.",
    ),
    row(
        "source.delivered_as",
        Str,
        &[],
        "The conversation's initiation type: customer_initiated, campaigns_initiated, operator_initiated, automated or admin_initiated.",
    ),
    row(
        "source.subject",
        Str,
        &[],
        "The subject of the message that started the conversation.",
    ),
    row(
        "source.body",
        Str,
        &[],
        "The body of the message that started the conversation, which may contain HTML. Searched word by word: `=` matches a single word of the body.",
    ),
    row(
        "source.author.id",
        Str,
        &[],
        "The id of who sent the message that started the conversation.",
    ),
    row(
        "source.author.type",
        Str,
        &[],
        "The type of who sent the message that started the conversation (a contact, an admin or a team).",
    ),
    row(
        "source.author.name",
        Str,
        &[],
        "The name of who sent the message that started the conversation.",
    ),
    row(
        "source.author.email",
        Str,
        &[],
        "The email of who sent the message that started the conversation.",
    ),
    row(
        "source.url",
        Str,
        &[],
        "The URL where the conversation was started.",
    ),
    row(
        "contact_ids",
        Str,
        &[],
        "The ids of the contacts (users or leads) involved in the conversation.",
    ),
    row(
        "teammate_ids",
        Str,
        &[],
        "The ids of the teammates who participated in the conversation (wrote at least one conversation part).",
    ),
    row(
        "admin_assignee_id",
        Str,
        &[],
        "The id of the admin assigned to the conversation.",
    ),
    row(
        "team_assignee_id",
        Str,
        &[],
        "The id of the team assigned to the conversation.",
    ),
    row(
        "channel_initiated",
        Str,
        &[],
        "The channel the conversation was initiated on.",
    ),
    row(
        "open",
        Boolean,
        &[],
        "Whether the conversation is open (true) or closed (false).",
    ),
    row(
        "read",
        Boolean,
        &[],
        "Whether the conversation has been read.",
    ),
    row(
        "state",
        Str,
        &["open", "closed", "snoozed"],
        "The state of the conversation: open, closed or snoozed.",
    ),
    row(
        "waiting_since",
        Date,
        &[],
        "The last time a contact responded to an admin: when the customer started waiting for a response.",
    ),
    row(
        "snoozed_until",
        Date,
        &[],
        "When a snoozed conversation will be marked open again.",
    ),
    row(
        "tag_ids",
        Str,
        &[],
        "The ids of the tags on the conversation.",
    ),
    row(
        "priority",
        Str,
        &["priority", "not_priority"],
        "Whether the conversation is marked as priority.",
    ),
    row(
        "statistics.time_to_assignment",
        Integer,
        &[],
        "Duration until last assignment before first admin reply, in seconds.",
    ),
    row(
        "statistics.time_to_admin_reply",
        Integer,
        &[],
        "Duration until first admin reply, in seconds (out of business hours subtracted).",
    ),
    row(
        "statistics.time_to_first_close",
        Integer,
        &[],
        "Duration until the conversation was first closed, in seconds (out of business hours subtracted).",
    ),
    row(
        "statistics.time_to_last_close",
        Integer,
        &[],
        "Duration until the conversation was last closed, in seconds (out of business hours subtracted).",
    ),
    row(
        "statistics.median_time_to_reply",
        Integer,
        &[],
        "Median time of all admin replies after a contact reply, in seconds (out of business hours subtracted).",
    ),
    row(
        "statistics.first_contact_reply_at",
        Date,
        &[],
        "Time of the first text conversation part from a contact.",
    ),
    row(
        "statistics.first_assignment_at",
        Date,
        &[],
        "Time of the first assignment after first_contact_reply_at.",
    ),
    row(
        "statistics.first_admin_reply_at",
        Date,
        &[],
        "Time of the first admin reply after first_contact_reply_at.",
    ),
    row(
        "statistics.first_close_at",
        Date,
        &[],
        "Time of the first close after first_contact_reply_at.",
    ),
    row(
        "statistics.last_assignment_at",
        Date,
        &[],
        "Time of the last assignment after first_contact_reply_at.",
    ),
    row(
        "statistics.last_assignment_admin_reply_at",
        Date,
        &[],
        "Time of the first admin reply since the most recent assignment.",
    ),
    row(
        "statistics.last_contact_reply_at",
        Date,
        &[],
        "Time of the last conversation part from a contact.",
    ),
    row(
        "statistics.last_admin_reply_at",
        Date,
        &[],
        "Time of the last conversation part from an admin.",
    ),
    row(
        "statistics.last_close_at",
        Date,
        &[],
        "Time of the last conversation close.",
    ),
    row(
        "statistics.last_closed_by_id",
        Str,
        &[],
        "The id of the last admin who closed the conversation.",
    ),
    row(
        "statistics.count_reopens",
        Integer,
        &[],
        "Number of reopens after first_contact_reply_at.",
    ),
    row(
        "statistics.count_assignments",
        Integer,
        &[],
        "Number of assignments after first_contact_reply_at.",
    ),
    row(
        "statistics.count_conversation_parts",
        Integer,
        &[],
        "Total number of conversation parts.",
    ),
    row(
        "conversation_rating.requested_at",
        Date,
        &[],
        "The time the rating was requested in the conversation.",
    ),
    row(
        "conversation_rating.replied_at",
        Date,
        &[],
        "The time the contact replied to the rating request.",
    ),
    row(
        "conversation_rating.score",
        Integer,
        &[],
        "The rating, between 1 and 5, given to the conversation.",
    ),
    row(
        "conversation_rating.remark",
        Str,
        &[],
        "The remark given with the rating.",
    ),
    row(
        "conversation_rating.contact_id",
        Str,
        &[],
        "The id of the contact who gave the rating.",
    ),
    row(
        "conversation_rating.admin_d",
        Str,
        &[],
        "The id of the admin the rating is about (spelled `admin_d` in the reference).",
    ),
    row(
        "ai_agent_participated",
        Boolean,
        &[],
        "Whether the AI Agent participated in the conversation.",
    ),
    row(
        "ai_agent.resolution_state",
        Str,
        &[],
        "The resolution state of the AI Agent (assumed_resolution, confirmed_resolution, routed_to_team, abandoned).",
    ),
    row(
        "ai_agent.last_answer_type",
        Str,
        &[],
        "The type of the last answer delivered by the AI Agent (ai_answer, custom_answer).",
    ),
    row(
        "ai_agent.rating",
        Integer,
        &[],
        "The customer satisfaction rating given to the AI Agent, from 1 to 5.",
    ),
    row(
        "ai_agent.rating_remark",
        Str,
        &[],
        "The remark given with the AI Agent rating.",
    ),
    row(
        "ai_agent.source_type",
        Str,
        &[],
        "The type of source that triggered the AI Agent (essentials_plan_setup, profile, workflow, workflow_preview, fin_preview).",
    ),
    row(
        "ai_agent.source_title",
        Str,
        &[],
        "The title of the source that triggered the AI Agent.",
    ),
];
