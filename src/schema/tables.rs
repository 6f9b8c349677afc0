//! qc's notes on each searchable field of each endpoint, whatever the API
//! version: what it holds (the reference's documentation text), where
//! `eval` reads it in an object, and whether it holds several values or a
//! duration. Its type, values and operators come from the version's table
//! (`generated.rs`); a test checks that every field of every version has
//! its note here and that every note belongs to some version.
//!
//! Names keep the reference's spelling, including
//! `conversation_rating.admin_d`, except contacts' `andoid_sdk_version`,
//! which `overrides.toml` renames `android_sdk_version`.

use crate::target::Target;

/// qc's note on one field.
#[derive(Debug, Clone, Copy)]
pub(super) struct Note {
    pub name: &'static str,
    /// Where `eval` reads the field; empty means its own name.
    pub paths: &'static [&'static str],
    pub flags: u8,
    pub doc: &'static str,
}

/// A duration in seconds.
pub(super) const DURATION: u8 = 2;
/// The field holds several values (a list of ids): `=` matches when one
/// does.
pub(super) const MANY: u8 = 32;
/// The field that tells kinds of object apart (tickets' `ticket_type_id`):
/// a ticket type's attributes are held by the tickets of that type.
pub(super) const KIND: u8 = 64;

impl Note {
    const fn new(
        name: &'static str,
        paths: &'static [&'static str],
        flags: u8,
        doc: &'static str,
    ) -> Note {
        Note {
            name,
            paths,
            flags,
            doc,
        }
    }
}

/// The notes of `target`'s fields.
pub(super) fn notes(target: Target) -> &'static [Note] {
    match target {
        Target::Conversations => CONVERSATIONS,
        Target::Contacts => CONTACTS,
        Target::Tickets => TICKETS,
        Target::Companies => COMPANIES,
    }
}

/// `POST /conversations/search`.
pub(super) static CONVERSATIONS: &[Note] = &[
    Note::new("id", &[], 0, "The id representing the conversation."),
    Note::new(
        "created_at",
        &[],
        0,
        "The time the conversation was created.",
    ),
    Note::new(
        "updated_at",
        &[],
        0,
        "The last time the conversation was updated.",
    ),
    Note::new(
        "source.type",
        &[],
        0,
        "The channel of the message that started the conversation.",
    ),
    Note::new(
        "source.id",
        &[],
        0,
        "The id representing the message that started the conversation.",
    ),
    Note::new(
        "source.delivered_as",
        &[],
        0,
        "The conversation's initiation type: customer_initiated, campaigns_initiated, operator_initiated, automated or admin_initiated.",
    ),
    Note::new(
        "source.subject",
        &[],
        0,
        "The subject of the message that started the conversation.",
    ),
    Note::new(
        "source.body",
        &[],
        0,
        "The body of the message that started the conversation, which may contain HTML. Searched word by word: `=` matches a single word of the body.",
    ),
    Note::new(
        "source.author.id",
        &[],
        0,
        "The id of who sent the message that started the conversation.",
    ),
    Note::new(
        "source.author.type",
        &[],
        0,
        "The type of who sent the message that started the conversation (a contact, an admin or a team).",
    ),
    Note::new(
        "source.author.name",
        &[],
        0,
        "The name of who sent the message that started the conversation.",
    ),
    Note::new(
        "source.author.email",
        &[],
        0,
        "The email of who sent the message that started the conversation.",
    ),
    Note::new(
        "source.url",
        &[],
        0,
        "The URL where the conversation was started.",
    ),
    Note::new(
        "contact_ids",
        &["contacts.contacts.id", "contact_ids"],
        MANY,
        "The ids of the contacts (users or leads) involved in the conversation.",
    ),
    Note::new(
        "teammate_ids",
        &[
            "teammates.teammates.id",
            "teammates.admins.id",
            "teammate_ids",
        ],
        MANY,
        "The ids of the teammates who participated in the conversation (wrote at least one conversation part).",
    ),
    Note::new(
        "admin_assignee_id",
        &[],
        0,
        "The id of the admin assigned to the conversation.",
    ),
    Note::new(
        "team_assignee_id",
        &[],
        0,
        "The id of the team assigned to the conversation.",
    ),
    Note::new(
        "channel_initiated",
        &[],
        0,
        "The channel the conversation was initiated on.",
    ),
    Note::new(
        "open",
        &[],
        0,
        "Whether the conversation is open (true) or closed (false).",
    ),
    Note::new("read", &[], 0, "Whether the conversation has been read."),
    Note::new(
        "state",
        &[],
        0,
        "The state of the conversation: open, closed or snoozed.",
    ),
    Note::new(
        "waiting_since",
        &[],
        0,
        "The last time a contact responded to an admin: when the customer started waiting for a response.",
    ),
    Note::new(
        "snoozed_until",
        &[],
        0,
        "When a snoozed conversation will be marked open again.",
    ),
    Note::new(
        "tag_ids",
        &["tags.tags.id", "tag_ids"],
        MANY,
        "The ids of the tags on the conversation.",
    ),
    Note::new("priority", &[], 0, "The conversation's priority."),
    Note::new(
        "statistics.time_to_assignment",
        &[],
        DURATION,
        "Duration until last assignment before first admin reply, in seconds.",
    ),
    Note::new(
        "statistics.time_to_admin_reply",
        &[],
        DURATION,
        "Duration until first admin reply, in seconds (out of business hours subtracted).",
    ),
    Note::new(
        "statistics.time_to_first_close",
        &[],
        DURATION,
        "Duration until the conversation was first closed, in seconds (out of business hours subtracted).",
    ),
    Note::new(
        "statistics.time_to_last_close",
        &[],
        DURATION,
        "Duration until the conversation was last closed, in seconds (out of business hours subtracted).",
    ),
    Note::new(
        "statistics.median_time_to_reply",
        &[],
        DURATION,
        "Median time of all admin replies after a contact reply, in seconds (out of business hours subtracted).",
    ),
    Note::new(
        "statistics.first_contact_reply_at",
        &[],
        0,
        "Time of the first text conversation part from a contact.",
    ),
    Note::new(
        "statistics.first_assignment_at",
        &[],
        0,
        "Time of the first assignment after first_contact_reply_at.",
    ),
    Note::new(
        "statistics.first_admin_reply_at",
        &[],
        0,
        "Time of the first admin reply after first_contact_reply_at.",
    ),
    Note::new(
        "statistics.first_close_at",
        &[],
        0,
        "Time of the first close after first_contact_reply_at.",
    ),
    Note::new(
        "statistics.last_assignment_at",
        &[],
        0,
        "Time of the last assignment after first_contact_reply_at.",
    ),
    Note::new(
        "statistics.last_assignment_admin_reply_at",
        &[],
        0,
        "Time of the first admin reply since the most recent assignment.",
    ),
    Note::new(
        "statistics.last_contact_reply_at",
        &[],
        0,
        "Time of the last conversation part from a contact.",
    ),
    Note::new(
        "statistics.last_admin_reply_at",
        &[],
        0,
        "Time of the last conversation part from an admin.",
    ),
    Note::new(
        "statistics.last_close_at",
        &[],
        0,
        "Time of the last conversation close.",
    ),
    Note::new(
        "statistics.last_closed_by_id",
        &[],
        0,
        "The id of the last admin who closed the conversation.",
    ),
    Note::new(
        "statistics.count_reopens",
        &[],
        0,
        "Number of reopens after first_contact_reply_at.",
    ),
    Note::new(
        "statistics.count_assignments",
        &[],
        0,
        "Number of assignments after first_contact_reply_at.",
    ),
    Note::new(
        "statistics.count_conversation_parts",
        &[],
        0,
        "Total number of conversation parts.",
    ),
    Note::new(
        "conversation_rating.requested_at",
        &[],
        0,
        "The time the rating was requested in the conversation.",
    ),
    Note::new(
        "conversation_rating.replied_at",
        &[
            "conversation_rating.replied_at",
            "conversation_rating.created_at",
        ],
        0,
        "The time the contact replied to the rating request.",
    ),
    Note::new(
        "conversation_rating.score",
        &["conversation_rating.score", "conversation_rating.rating"],
        0,
        "The rating, between 1 and 5, given to the conversation.",
    ),
    Note::new(
        "conversation_rating.remark",
        &[],
        0,
        "The remark given with the rating.",
    ),
    Note::new(
        "conversation_rating.contact_id",
        &[
            "conversation_rating.contact_id",
            "conversation_rating.contact.id",
        ],
        0,
        "The id of the contact who gave the rating.",
    ),
    Note::new(
        "conversation_rating.admin_d",
        &[
            "conversation_rating.admin_d",
            "conversation_rating.admin_id",
            "conversation_rating.teammate.id",
        ],
        0,
        "The id of the admin the rating is about (spelled `admin_d` in the reference).",
    ),
    Note::new(
        "ai_agent_participated",
        &[],
        0,
        "Whether the AI Agent participated in the conversation.",
    ),
    Note::new(
        "ai_agent.resolution_state",
        &[],
        0,
        "The resolution state of the AI Agent (assumed_resolution, confirmed_resolution, routed_to_team, abandoned).",
    ),
    Note::new(
        "ai_agent.last_answer_type",
        &[],
        0,
        "The type of the last answer delivered by the AI Agent (ai_answer, custom_answer).",
    ),
    Note::new(
        "ai_agent.rating",
        &[],
        0,
        "The customer satisfaction rating given to the AI Agent, from 1 to 5.",
    ),
    Note::new(
        "ai_agent.rating_remark",
        &[],
        0,
        "The remark given with the AI Agent rating.",
    ),
    Note::new(
        "ai_agent.source_type",
        &[],
        0,
        "The type of source that triggered the AI Agent (essentials_plan_setup, profile, workflow, workflow_preview, fin_preview).",
    ),
    Note::new(
        "ai_agent.source_title",
        &[],
        0,
        "The title of the source that triggered the AI Agent.",
    ),
];

/// `POST /contacts/search`.
pub(super) static CONTACTS: &[Note] = &[
    Note::new("id", &[], 0, "The unique identifier of the contact."),
    Note::new("role", &[], 0, "The role of the contact: user or lead."),
    Note::new("name", &[], 0, "The contact's name."),
    Note::new(
        "avatar",
        &["avatar.image_url", "avatar"],
        0,
        "The URL of the contact's avatar image.",
    ),
    Note::new(
        "owner_id",
        &[],
        0,
        "The id of the admin who owns the contact.",
    ),
    Note::new("email", &[], 0, "The contact's email."),
    Note::new("email_domain", &[], 0, "The domain of the contact's email."),
    Note::new("phone", &[], 0, "The contact's phone number."),
    Note::new(
        "formatted_phone",
        &[],
        0,
        "The contact's phone number in the E.164 format (API 2.16 and later).",
    ),
    Note::new(
        "external_id",
        &[],
        0,
        "The identifier for the contact given by the workspace.",
    ),
    Note::new("created_at", &[], 0, "When the contact was created."),
    Note::new("signed_up_at", &[], 0, "When the user signed up."),
    Note::new("updated_at", &[], 0, "When the contact was last updated."),
    Note::new("last_seen_at", &[], 0, "When the contact was last seen."),
    Note::new(
        "last_contacted_at",
        &[],
        0,
        "When the contact was last messaged.",
    ),
    Note::new("last_replied_at", &[], 0, "When the contact last replied."),
    Note::new(
        "last_email_opened_at",
        &[],
        0,
        "When the contact last opened an email.",
    ),
    Note::new(
        "last_email_clicked_at",
        &[],
        0,
        "When the contact last clicked a link in an email.",
    ),
    Note::new(
        "language_override",
        &[],
        0,
        "A preferred language set by the contact.",
    ),
    Note::new(
        "browser",
        &[],
        0,
        "The name of the browser the contact last used.",
    ),
    Note::new(
        "browser_language",
        &[],
        0,
        "The language of the contact's browser.",
    ),
    Note::new("os", &[], 0, "The operating system the contact last used."),
    Note::new("location.country", &[], 0, "The country the contact is in."),
    Note::new("location.region", &[], 0, "The region the contact is in."),
    Note::new("location.city", &[], 0, "The city the contact is in."),
    Note::new(
        "unsubscribed_from_emails",
        &[],
        0,
        "Whether the contact is unsubscribed from emails.",
    ),
    Note::new(
        "marked_email_as_spam",
        &[],
        0,
        "Whether the contact has marked an email as spam.",
    ),
    Note::new(
        "has_hard_bounced",
        &[],
        0,
        "Whether an email to the contact has hard bounced.",
    ),
    Note::new(
        "ios_last_seen_at",
        &[],
        0,
        "When the contact was last seen on an iOS device.",
    ),
    Note::new(
        "ios_app_version",
        &[],
        0,
        "The version of the iOS app the contact last used.",
    ),
    Note::new(
        "ios_device",
        &[],
        0,
        "The iOS device the contact last used.",
    ),
    Note::new(
        "ios_app_device",
        &[],
        0,
        "The iOS app device the contact last used (as the reference names it).",
    ),
    Note::new(
        "ios_os_version",
        &[],
        0,
        "The iOS version the contact last used.",
    ),
    Note::new(
        "ios_app_name",
        &[],
        0,
        "The name of the iOS app the contact last used.",
    ),
    Note::new(
        "ios_sdk_version",
        &[],
        0,
        "The iOS SDK version the contact last used.",
    ),
    Note::new(
        "android_last_seen_at",
        &[],
        0,
        "When the contact was last seen on an Android device.",
    ),
    Note::new(
        "android_app_version",
        &[],
        0,
        "The version of the Android app the contact last used.",
    ),
    Note::new(
        "android_device",
        &[],
        0,
        "The Android device the contact last used.",
    ),
    Note::new(
        "android_app_name",
        &[],
        0,
        "The name of the Android app the contact last used.",
    ),
    Note::new(
        "android_sdk_version",
        &["android_sdk_version", "andoid_sdk_version"],
        0,
        "The Android SDK version the contact last used (the search table spells it `andoid_sdk_version`).",
    ),
    Note::new(
        "segment_id",
        &["segments.data.id", "segment_id"],
        MANY,
        "The id of a segment the contact is in.",
    ),
    Note::new(
        "tag_id",
        &["tags.data.id", "tag_id"],
        MANY,
        "The id of a tag on the contact. The API accepts only `=` and `!=`.",
    ),
];

/// `POST /tickets/search`.
pub(super) static TICKETS: &[Note] = &[
    Note::new("id", &[], 0, "The id of the ticket."),
    Note::new(
        "created_at",
        &[],
        0,
        "When the ticket was created. The only field where the API accepts `>=` and `<=`; qc sends only those, as the reference reads its `>` and `<` two ways.",
    ),
    Note::new("updated_at", &[], 0, "When the ticket was last updated."),
    Note::new(
        "title",
        &["ticket_attributes._default_title_", "title"],
        0,
        "The title of the ticket.",
    ),
    Note::new(
        "description",
        &["ticket_attributes._default_description_", "description"],
        0,
        "The description of the ticket.",
    ),
    Note::new(
        "category",
        &[],
        0,
        "The category of the ticket: Customer, Back-office or Tracker (from API 2.14 searched by the terms request, task and tracker).",
    ),
    Note::new(
        "ticket_type_id",
        &["ticket_type.id", "ticket_type_id"],
        KIND,
        "The id of the ticket's type.",
    ),
    Note::new(
        "contact_ids",
        &["contacts.contacts.id", "contact_ids"],
        MANY,
        "The ids of the contacts on the ticket.",
    ),
    Note::new(
        "teammate_ids",
        &[],
        MANY,
        "The ids of the teammates on the ticket.",
    ),
    Note::new(
        "admin_assignee_id",
        &[],
        0,
        "The id of the admin assigned to the ticket.",
    ),
    Note::new(
        "team_assignee_id",
        &[],
        0,
        "The id of the team assigned to the ticket.",
    ),
    Note::new("open", &[], 0, "Whether the ticket is open."),
    Note::new(
        "state",
        &["ticket_state", "state"],
        0,
        "The state of the ticket (submitted, in_progress, waiting_on_customer, resolved).",
    ),
    Note::new(
        "snoozed_until",
        &[],
        0,
        "When a snoozed ticket will be reopened.",
    ),
];

/// `POST /companies/search` (API version Preview).
pub(super) static COMPANIES: &[Note] = &[
    Note::new(
        "company_id",
        &[],
        0,
        "The company id you have defined for the company.",
    ),
    Note::new("name", &[], 0, "The name of the company."),
    Note::new(
        "created_at",
        &[],
        0,
        "The time the company was added in Intercom.",
    ),
    Note::new(
        "updated_at",
        &[],
        0,
        "The last time the company was updated.",
    ),
    Note::new(
        "remote_created_at",
        &[],
        0,
        "The time the company was created by you.",
    ),
    Note::new(
        "last_request_at",
        &[],
        0,
        "The time the company last recorded making a request.",
    ),
    Note::new(
        "monthly_spend",
        &[],
        0,
        "How much revenue the company generates for your business.",
    ),
    Note::new(
        "session_count",
        &[],
        0,
        "How many sessions the company has recorded.",
    ),
    Note::new("user_count", &[], 0, "The number of users in the company."),
    Note::new(
        "tag_id",
        &["tags.tags.id", "tag_id"],
        MANY,
        "The id of a tag on the company. The API accepts only `=` and `!=`.",
    ),
];
