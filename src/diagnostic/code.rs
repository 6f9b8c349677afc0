//! The catalogue of diagnostic codes, and how serious each is.
//!
//! Every diagnostic qc can report has a stable code. Each code carries a
//! one-line title, an explanation, a query that triggers it and how to fix
//! it; `qc explain CODE` prints that entry.

use std::borrow::Cow;

use serde::Serialize;

use crate::op::{FieldType, Op, OpSet};

/// How serious a diagnostic is. Only errors make a query fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The query cannot be compiled.
    Error,
    /// The query compiles but probably does not do what was meant.
    Warning,
    /// Information: what qc did (e.g. rewrote the query to fit).
    Note,
}

macro_rules! codes {
    ($(
        $(#[$doc:meta])*
        $variant:ident = $code:literal, $severity:ident, $title:literal,
        example: $example:literal,
        explanation: $explanation:literal;
    )*) => {
        /// A stable diagnostic code such as `E0101`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Code {
            $($(#[$doc])* $variant,)*
        }

        impl Code {
            /// Every code, in catalogue order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as written in output, e.g. `"E0101"`.
            pub const fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// The severity diagnostics with this code have.
            pub const fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            /// A one-line title.
            pub const fn title(self) -> &'static str {
                match self { $(Code::$variant => $title,)* }
            }

            /// A query that triggers this code (empty when the code cannot be
            /// triggered by query text alone).
            pub const fn example(self) -> &'static str {
                match self { $(Code::$variant => $example,)* }
            }

            /// The explanation as written in the catalogue, with its
            /// [`OPERATOR_SLOTS`] not filled in.
            const fn explanation_template(self) -> &'static str {
                match self { $(Code::$variant => $explanation,)* }
            }
        }
    };
}

codes! {
    /// A token appeared where the grammar expected something else.
    UnexpectedToken = "E0001", Error, "unexpected token",
    example: "state = AND",
    explanation: "The parser expected one thing (a field, an operator, a value, `AND`/`OR`, a closing parenthesis) and found another. The message names both. Fix the query so that each comparison reads `field operator value` and comparisons are joined with `AND` or `OR`.";

    /// A quoted string has no closing quote.
    UnterminatedString = "E0002", Error, "unterminated string",
    example: "source.subject = \"refund",
    explanation: "A string opened with `\"` or `'` must be closed by the same quote on the same query. Add the closing quote, or escape a quote inside the string with a backslash (`\\\"`).";

    /// A backslash escape inside a string is not one qc knows.
    InvalidEscape = "E0003", Error, "invalid escape sequence",
    example: "source.subject = \"a\\qb\"",
    explanation: "Inside quoted strings qc understands `\\\"`, `\\'`, `\\\\`, `\\n`, `\\t` and `\\u{HEX}` (a Unicode scalar value of 1 to 6 hex digits). Any other backslash sequence is an error: write `\\\\` for a literal backslash.";

    /// A parenthesis or bracket is never closed, or a closing one has no opener.
    UnbalancedDelimiter = "E0004", Error, "unbalanced parenthesis or bracket",
    example: "(state = open",
    explanation: "Every `(` needs a matching `)` and every `[` a matching `]`. Add the missing delimiter or remove the stray one.";

    /// A character that has no meaning in qc.
    UnexpectedCharacter = "E0005", Error, "unexpected character",
    example: "state = open & read = true",
    explanation: "The character cannot start any token of the language. Use `AND`/`OR`/`NOT` instead of `&`, `|`, `!`, and quote values that contain such characters. NUL bytes and other control characters are never allowed outside strings.";

    /// Parentheses or `NOT`s are nested deeper than the parser allows.
    NestingTooDeep = "E0006", Error, "nesting too deep",
    example: "",
    explanation: "qc bounds how deeply parentheses and `NOT` may nest (128 levels, `MAX_DEPTH`) so that hostile input cannot exhaust the stack. No query the API accepts comes near that depth: remove redundant parentheses and double negations. (No example is shown: it would be 129 `(` long.)";

    /// The query is empty or blank.
    EmptyQuery = "E0007", Error, "empty query",
    example: "   ",
    explanation: "A query must hold at least one comparison such as `state = open`.";

    /// The input is larger than the configured limit.
    InputTooLarge = "E0008", Error, "input too large",
    example: "",
    explanation: "qc refuses inputs larger than its size limit (1 MiB by default) before parsing them. Raise the limit with `--max-input-bytes` (or `Options::max_input_bytes`) if the query is genuine. (No example: the code depends on the limit, not on the query text.)";

    /// The input bytes are not valid UTF-8.
    InvalidUtf8 = "E0009", Error, "invalid UTF-8",
    example: "",
    explanation: "Queries are text and must be valid UTF-8. The message gives the byte offset of the first invalid sequence; re-save the file as UTF-8. (No example: the check is on the bytes read by `qc`, before there is query text.)";

    /// Too many errors: the rest were not reported.
    TooManyErrors = "E0010", Error, "too many errors",
    example: "",
    explanation: "After 100 errors (`MAX_ERRORS`) the parser stops reporting more, and so does the checker, since the input is most likely not a qc query at all. Fix the first errors and run again. (No example is shown: it takes over 100 errors, e.g. `&` repeated 101 times.)";

    /// Syntax from SQL, Lucene or a programming language where qc has its own.
    ForeignSyntax = "E0011", Error, "syntax from another query language",
    example: "state == open",
    explanation: "qc recognises habits from SQL, Lucene and programming languages and says what qc writes instead, with a fix where the meaning is certain: `==` is `=`; `<>` is `!=`; `x LIKE \"%v%\"` is `x ~ \"v\"`, `\"v%\"` is `^` (starts with) and `\"%v\"` is `$` (ends with), while other patterns have no equivalent, since qc has no wildcards; `x BETWEEN a AND b` is `x >= a AND x <= b`; Lucene's `field:value` is `field = value`. (`IS NULL` and `IS NOT NULL` are valid qc; `&&` and `||` are reported as E0005, with `AND` and `OR` as the fix.)";

    /// The input is a JSON request body, not a query.
    JsonBody = "E0012", Error, "a JSON request body, not a query",
    example: "{\"query\": {\"field\": \"state\", \"operator\": \"=\", \"value\": \"open\"}}",
    explanation: "The input starts with `{`: it is a JSON request body, as the search API receives it, not qc query text. `qc decompile` turns a request body into a query, and `qc validate` checks one against the API's rules.";

    /// The field is not one the conversation search API accepts.
    UnknownField = "E0101", Error, "unknown field",
    example: "stat = open",
    explanation: "Only the fields of the target's reference table can be searched (`qc fields --target T` lists them), plus the workspace's custom attributes: with `--schema`, those it lists; without, any `custom_attributes.NAME` (contacts, conversations) or `ticket_attribute.ID` (tickets), unchecked. When a known field is close to what was written, the message suggests it, and the value is checked as that field's (`stat = opne` suggests `state` and `open`). An attribute that the schema gives to another model, or that the API cannot search, gets E0114 instead.";

    /// The operator does not apply to the field's type.
    OperatorNotAllowed = "E0102", Error, "operator not allowed for this field",
    example: "created_at ~ \"x\"",
    explanation: "Each field accepts the operators of its type that its target can express, exactly or through an equivalent. String: {operators of String}. Integer, Float and Date: {operators of Integer}. Boolean: {operators of Boolean}. Fields with a fixed set of values (state, priority, source.type, role, list attributes) and contacts' `tag_id`: {equality operators}. The message lists the operators the field accepts (`qc fields` too).";

    /// The value does not have the field's type.
    TypeMismatch = "E0103", Error, "value does not fit the field's type",
    example: "statistics.count_reopens > many",
    explanation: "Integer fields take whole numbers, Boolean fields take `true` or `false`, Date fields take a date (unix seconds, `YYYY-MM-DD`, an RFC 3339 date-time with offset, or `now`, `now-7d`, `now+2h`).";

    /// The value is not one of the field's allowed values.
    UnknownValue = "E0104", Error, "value not allowed for this field",
    example: "state = opne",
    explanation: "Some fields take only a fixed set of values: `state` is open, closed or snoozed; `priority` is priority or not_priority; `source.type` is one of the channels in the reference. The message suggests the closest allowed value.";

    /// A list was given to an operator that takes a single value.
    ListNotAllowed = "E0105", Error, "list given to a single-value operator",
    example: "tag_ids = [1, 2]",
    explanation: "Only `IN` and `NIN` (`NOT IN`) take a list. To match any of several values write `field IN [a, b]`; to exclude them write `field NIN [a, b]`.";

    /// `IN`/`NIN` was given a single value.
    ListRequired = "E0106", Error, "`IN`/`NIN` need a list",
    example: "tag_ids IN 1",
    explanation: "`IN` and `NIN` take a bracketed list: `tag_ids IN [1, 2]`. To compare against a single value use `=` or `!=`.";

    /// `IN`/`NIN` was given an empty list.
    EmptyList = "E0107", Error, "empty list",
    example: "tag_ids IN []",
    explanation: "An empty list matches nothing (`IN`) or everything (`NIN`); the API rejects it. Put at least one value in the list.";

    /// The text looks like a date but is not a valid one.
    InvalidDate = "E0108", Error, "invalid date",
    example: "created_at > 2024-13-01",
    explanation: "Dates are unix seconds (`1704067200`, at most 11 digits: more is milliseconds, and the fix divides by 1000), a calendar date `YYYY-MM-DD` (midnight in the workspace's zone; `2024-1-5` and `01/02/2024` get the `YYYY-MM-DD` fix, or two suggestions when day and month could be either), an RFC 3339 date-time with an offset (`2024-01-01T00:00:00+02:00`, `...Z`), `today` and `yesterday`, or relative to now: `now`, `now-7d`, `now+2h`, `now-1mo` with units s, m, h, d, w (fixed) and mo, y (calendar), case-sensitive (`M` is refused: `mo` or `m`?). Dates must fall within the years -9999 to 9999.";

    /// `NOT` was applied to an operator the API cannot negate.
    CannotNegate = "E0109", Error, "operator cannot be negated",
    example: "NOT source.subject ^ \"Re:\"",
    explanation: "The API has no NOT; qc pushes negation into the comparisons (`=` to `!=`, `IN` to `NIN`, `~` to `!~`, `>` to `<=`, `>=` to `<`). `^` (starts with) and `$` (ends with) have no negated form in the API, so `NOT` cannot be applied to them. Rewrite the query without the negation.";

    /// Negating a `>`/`<` comparison would step outside the integer range.
    NegationOverflow = "E0110", Error, "bound out of range",
    example: "statistics.count_reopens > 9223372036854775807",
    explanation: "Where the API's `>`/`<` include the bound (conversations, tickets), a strict `x > n` is sent as `> n+1` and `x < n` as `< n-1`. When `n+1` or `n-1` does not fit a 64-bit integer the comparison cannot be expressed; it is always false, so drop it.";

    /// A duration that is not one.
    InvalidDuration = "E0113", Error, "invalid duration",
    example: "statistics.time_to_admin_reply > 1mo",
    explanation: "Duration fields (`statistics.time_to_assignment`, `time_to_admin_reply`, `time_to_first_close`, `time_to_last_close`, `median_time_to_reply`) hold seconds: write a whole number of seconds or a number and a unit of fixed length, `90s`, `30m`, `2h`, `1d`, `1w`. Months and years have no fixed length in seconds. Units are case-sensitive.";

    /// `null` used where it has no meaning.
    NullNotAllowed = "E0111", Error, "`null` not allowed here",
    example: "tag_ids IN [1, null]",
    explanation: "`null` (bare) is the absence of a value: `field = null` (or `field IS NULL`) matches objects where the field is missing or null, and `field != null` (`IS NOT NULL`) those where it has a value. It goes only with `=` and `!=`, never in an `IN`/`NIN` list or with an ordering operator. To search for the text \"null\", quote it: `\"null\"`.";

    /// The target's API has no operator for this comparison, and qc knows no exact equivalent.
    TargetRule = "E0112", Error, "not expressible on this target",
    example: "qc --target tickets 'ticket_attribute.5 > high'",
    explanation: "Each endpoint accepts its own operators per field. Where one lacks an operator, qc compiles an exact equivalent: on contacts, `tag_id IN [a, b]` becomes `tag_id = a OR tag_id = b`, a Date's `!= D` becomes `< D OR > D OR = null`, `>= D` becomes `> (the day before D)` and `!= null` becomes `< D OR = D OR > D`; where the API's `>` includes the bound, a strict `x > 2.5` on a decimal becomes `x > 2.5 AND x != 2.5`. When no exact equivalent exists (`>` with a text value, on a ticket attribute of unknown type), the comparison is refused, and the message names the target's rule.";

    /// A workspace attribute that this target cannot search.
    NotSearchable = "E0114", Error, "attribute not searchable here",
    example: "",
    explanation: "The workspace schema describes the attribute, but not as one this search can use: it belongs to another model (a company attribute on contacts, a conversation attribute on contacts: each search takes its own model's attributes, and qc has no companies search), or it is of a kind the API cannot search (a ticket `files` attribute). The message says which; search the right target (`--target`), or another attribute. (No example: it needs a workspace schema.)";

    /// `ORDER BY` where the endpoint's request takes no `sort`.
    SortNotSupported = "E0115", Error, "this search cannot sort",
    example: "state = open ORDER BY created_at",
    explanation: "`ORDER BY field [ASC|DESC]` ends a query and sends the request's `sort`, which only some endpoints take, from some API versions on: the message lists them (as the descriptions say: contacts from 2.16, companies in Preview; conversations and tickets never). Elsewhere the API has no order to ask for, so qc refuses rather than send a request the API would reject or ignore: remove `ORDER BY`, or compile for a target and version that sort (`--target`, `--api-version`). `qc validate` reports a request's `sort` there the same way.";

    /// `ORDER BY` on a field the request's `sort` does not take.
    NotSortable = "E0116", Error, "not a sort field",
    example: "qc --target contacts --api-version 2.16 'role = user ORDER BY tag_id'",
    explanation: "The request's `sort` orders the results by a value of each object. A field that holds several values (contacts' and companies' `tag_id`, contacts' `segment_id`: the tags or segments an object has) has no such value: the companies reference says `tag_id` \"can be used as a filter but not as a sort field\", and qc refuses contacts' lists for the same reason. Sort by another field; `qc fields` says which fields sort.";

    /// Groups are nested deeper than the API allows.
    NestingLimit = "E0201", Error, "groups nested too deep for the API",
    example: "read = true OR (state = open AND (source.subject ~ a OR source.subject ~ b OR source.subject ~ c OR source.subject ~ d OR source.subject ~ e OR source.subject ~ f OR source.subject ~ g OR source.subject ~ h OR source.subject ~ i OR source.subject ~ j OR source.subject ~ k OR source.subject ~ l OR source.subject ~ m OR source.subject ~ n OR source.subject ~ o OR source.subject ~ p))",
    explanation: "The API allows at most 2 nested filters: counting the top-level group as the first, a group may hold groups, but those may hold only comparisons. `(a OR b) AND (c OR d)` is the deepest shape allowed. qc rewrites a deeper query exactly where it can (factoring out common members, distributing an AND over an OR: see N0301); what still does not fit is reported here, with E0203 when `qc plan` can split it into several requests.";

    /// A group holds more members than the API allows.
    GroupTooLarge = "E0202", Error, "too many filters in one group",
    example: "state = open AND (source.subject ~ a OR source.subject ~ b OR source.subject ~ c OR source.subject ~ d OR source.subject ~ e OR source.subject ~ f OR source.subject ~ g OR source.subject ~ h OR source.subject ~ i OR source.subject ~ j OR source.subject ~ k OR source.subject ~ l OR source.subject ~ m OR source.subject ~ n OR source.subject ~ o OR source.subject ~ p)",
    explanation: "The API allows at most 15 filters in each AND or OR group. qc rewrites what it can exactly (equalities folded into `IN [...]`, long groups nested into sub-groups: see N0301); a group that still holds more, such as a nested OR of 16 different comparisons, is reported, and `qc plan` splits the query into requests (E0203).";

    /// A workspace schema file is malformed.
    InvalidSchema = "E0401", Error, "invalid workspace schema",
    example: "",
    explanation: "`--schema FILE` reads the JSON Intercom returns from `GET /data_attributes` (a `data_attribute_list`) or `GET /ticket_types` (a `ticket_type_list`). The message gives the file, the JSON path and what is wrong, e.g. a `data_type` qc does not know or an attribute without `full_name`. (No example: the code is about a schema file, not a query.)";

    /// No single request can express the query.
    NeedsPlan = "E0203", Error, "the query needs several requests",
    example: "read = true OR (state = open AND (source.subject ~ a OR source.subject ~ b OR source.subject ~ c OR source.subject ~ d OR source.subject ~ e OR source.subject ~ f OR source.subject ~ g OR source.subject ~ h OR source.subject ~ i OR source.subject ~ j OR source.subject ~ k OR source.subject ~ l OR source.subject ~ m OR source.subject ~ n OR source.subject ~ o OR source.subject ~ p))",
    explanation: "The query is over the API's limits (2 levels of nested groups, 15 filters per group) and no body that fits selects exactly what it selects: not the query rewritten, not its CNF (an AND of ORs), not its DNF (an OR of ANDs). `qc plan` prints the requests whose union is exactly the query (one JSON body per line), and `qc search` runs them and merges the results. The message says how many requests the plan takes and how the query was split (an OR of more than 15 filters into balanced chunks, each request taking one chunk of each; the alternatives of an OR packed 15 to a request); `--max-plan N` on `qc plan` and `qc search` allows at most N, 50 by default.";

    /// A sorted query whose plan takes several requests.
    SortedPlan = "E0204", Error, "a sorted query needs one request",
    example: "qc --target contacts --api-version 2.16 'role = user AND (name ~ w1 OR name ~ w2 OR name ~ w3 OR name ~ w4 OR name ~ w5 OR name ~ w6 OR name ~ w7 OR name ~ w8 OR name ~ w9 OR name ~ w10 OR name ~ w11 OR name ~ w12 OR name ~ w13 OR name ~ w14 OR name ~ w15 OR name ~ w16) ORDER BY created_at'",
    explanation: "A query that no single request can express runs as a plan of several requests whose union is the query (E0203). Each request would carry the `sort`, but the order would hold within each request only: their union, one request after the other, is in no one order, so qc refuses a plan with `ORDER BY` rather than print results out of the order asked for. Remove `ORDER BY` to run the plan (`qc plan`, `qc search`), or narrow the query until one request expresses it.";

    /// The input is not well-formed JSON.
    InvalidJson = "E0301", Error, "malformed JSON",
    example: "{\"query\": {\"field\": \"state\", \"operator\": \"=\", \"value\": \"open\",}}",
    explanation: "`qc validate` and `qc decompile` read a JSON search request. The input must be well-formed JSON (RFC 8259): double-quoted keys and strings, no trailing commas, no comments. The message says what was expected at the position shown.";

    /// JSON arrays and objects are nested deeper than qc reads.
    JsonTooDeep = "E0302", Error, "JSON nested too deep",
    example: "",
    explanation: "qc reads JSON arrays and objects nested at most 128 deep, so that hostile input cannot exhaust the stack. A valid search request is never deeper than about 10 levels: the API allows only 2 levels of nested groups. (No example is shown: it would be 129 `[` long.)";

    /// An object has a key the API does not know in that place.
    UnknownKey = "E0303", Error, "unknown key",
    example: "{\"query\": {\"field\": \"state\", \"operator\": \"=\", \"value\": \"open\", \"negate\": true}}",
    explanation: "A search request holds `query` and optionally `pagination` and `sort` (where the target sorts: E0115); a filter holds `field`, `operator` and `value`; a group holds `operator` and `value`; pagination holds `per_page` and `starting_after`; a sort holds `field` and `order`. Any other key is an error (the API would reject or silently ignore it). When a known key is close to what was written, the message suggests it.";

    /// An object lacks a key it needs.
    MissingKey = "E0304", Error, "missing key",
    example: "{\"query\": {\"field\": \"state\", \"value\": \"open\"}}",
    explanation: "A filter needs `field`, `operator` and `value`; a group needs `operator` and `value`; a request needs `query`; pagination needs `per_page` (the API's schema requires it; 20 is the API's usual page size); a sort needs `field` (its `order` may be left out: descending). Add the missing key.";

    /// A JSON value has the wrong JSON type for its place.
    WrongJsonType = "E0305", Error, "wrong JSON type",
    example: "{\"query\": {\"field\": \"state\", \"operator\": [\"=\"], \"value\": \"open\"}}",
    explanation: "Each place in a search request takes one JSON type: the request, `query`, filters, groups and `pagination` are objects; `field` and `operator` are strings; a group's `value` is an array of filters and groups. (Filter values are checked against the field's type and reported as E0103.)";

    /// A filter's operator is not one the API knows.
    UnknownOperator = "E0306", Error, "unknown operator",
    example: "{\"query\": {\"field\": \"state\", \"operator\": \"==\", \"value\": \"open\"}}",
    explanation: "A filter's operator is one of the API schema's enum: {operators}. A near miss (`==`, `<>`, lower-case `in`) gets its fix.";

    /// A group's operator is not `AND` or `OR`.
    UnknownGroupOperator = "E0307", Error, "unknown group operator",
    example: "{\"query\": {\"operator\": \"XOR\", \"value\": [{\"field\": \"open\", \"operator\": \"=\", \"value\": true}, {\"field\": \"read\", \"operator\": \"=\", \"value\": true}]}}",
    explanation: "A group (an object with `operator` and a `value` array and no `field`) combines its members with `AND` or `OR`, in capitals. There is no NOT: negate the filters instead (`=` to `!=`, `IN` to `NIN`, `~` to `!~`).";

    /// A group has no members.
    EmptyGroup = "E0308", Error, "empty group",
    example: "{\"query\": {\"operator\": \"AND\", \"value\": []}}",
    explanation: "An AND or OR group must hold at least one filter or group. Remove the group or put filters in it.";

    /// The pagination object is invalid.
    InvalidPagination = "E0309", Error, "invalid pagination",
    example: "{\"query\": {\"field\": \"open\", \"operator\": \"=\", \"value\": true}, \"pagination\": {\"per_page\": 500}}",
    explanation: "`pagination` is an object with `per_page`, a whole number from 1 to 150, and optionally `starting_after`, the cursor string from the previous page's response (or null).";

    /// An object has the same key twice.
    DuplicateKey = "E0310", Error, "duplicate key",
    example: "{\"query\": {\"field\": \"state\", \"operator\": \"=\", \"operator\": \"!=\", \"value\": \"open\"}}",
    explanation: "JSON readers disagree about which of two equal keys wins, so the API may not see what was meant. Keep one of them.";

    /// A request's `sort.order` that is not `ascending` or `descending`.
    InvalidSortOrder = "E0311", Error, "invalid sort order",
    example: "",
    explanation: "A request's `sort` is `{\"field\": NAME, \"order\": \"ascending\" | \"descending\"}`; `order` may be left out, and the API then sorts descending. Any other order (`\"desc\"`, `\"ASC\"`) is refused by the API with a `400` error `invalid_sort_order`; the message gives the fix. (No example: the code is about a request for a target that sorts, e.g. `{\"query\": ..., \"sort\": {\"field\": \"created_at\", \"order\": \"desc\"}}` with `--target contacts --api-version 2.16`.)";

    /// `source.body` compared with a value of several words.
    MultiWordBody = "W0001", Warning, "multi-word value for source.body",
    example: "source.body = \"need support\"",
    explanation: "The API matches `source.body` word by word: `source.body = \"need support\"` never matches, while `source.body = support` matches a body containing the word. Search for a single word, or use several comparisons joined with AND.";

    /// A custom attribute accepted without a schema.
    UncheckedAttribute = "W0101", Warning, "custom attribute not checked",
    example: "custom_attributes.plan = pro",
    explanation: "Without a workspace schema, qc accepts `custom_attributes.NAME` (contacts, conversations) as a String and `ticket_attribute.ID` (tickets) as any value, as the reference allows, but cannot tell whether the attribute exists or what type it has. Pass `--schema FILE` with the JSON of `GET /data_attributes` or `GET /ticket_types` (or list it in `qc.toml`) to check names, types and options.";

    /// An archived custom attribute.
    ArchivedAttribute = "W0102", Warning, "archived attribute",
    example: "",
    explanation: "The workspace schema marks this custom attribute as archived: it is still searchable, but it is no longer maintained and may hold stale values. (No example: it needs a workspace schema.)";

    /// A contacts date that is not the start of a day.
    NotAWholeDay = "W0103", Warning, "date matched by calendar day",
    example: "qc --target contacts 'last_seen_at > now-30d'",
    explanation: "Contacts search matches Date fields by calendar day in the workspace's time zone (`--timezone`): `=` matches the whole day, `>` from the start of the next day, `<` before the start of the day. A value with a time of day stands for its day, whatever the time: `last_seen_at > now-7d` does not start seven days ago to the second but at the midnight after that instant, and `< now-7d` ends at the midnight before it. The message says what the comparison selects, and the help gives the comparisons on whole days on either side. Write the day itself (`2024-03-10`, `today`) to make that explicit.";

    /// Contacts days without a configured time zone.
    ZoneNotSet = "W0104", Warning, "the workspace's time zone is not configured",
    example: "qc --target contacts 'last_seen_at > 2024-06-01'",
    explanation: "Contacts search truncates dates to calendar days in the workspace's time zone, which qc knows only when it is configured (`--timezone ZONE`, `timezone` in qc.toml or the `timezone` setting). Without it, qc sends each day as its midday in UTC: that instant lies inside the day in every zone from UTC−12 to UTC+11 (not the far Pacific's UTC+12 to UTC+14), where the day's UTC midnight would fall on the previous day west of UTC. Dates with a time of day and relative dates (`now-7d`) are read in UTC, so their day may differ from the workspace's. Set the zone to silence this warning and to send each day's first instant there. One warning per query.";

    /// `>=`/`<=` in a request where the reference documents inclusive `>`/`<`.
    UndocumentedOperator = "W0201", Warning, "operator not in the target's reference",
    example: "{\"query\": {\"field\": \"statistics.count_reopens\", \"operator\": \">=\", \"value\": 2}}",
    explanation: "The API schema's operator enum lists `>=` and `<=`, but the conversations reference documents only `>` and `<`, as \"greater (or equal)\" and \"lower (or equal)\": they already include the bound. `qc validate` accepts `>=`/`<=` with this warning; `>`/`<` mean the same and are documented.";

    /// A value the reference text and the OpenAPI table type differently.
    DocsDisagree = "W0202", Warning, "the reference and the OpenAPI table disagree",
    example: "{\"query\": {\"field\": \"admin_assignee_id\", \"operator\": \"=\", \"value\": 5017691}}",
    explanation: "The conversations reference text types `admin_assignee_id` and `team_assignee_id` as String, the OpenAPI table as Integer. `qc validate` accepts both with this warning; qc compiles a string, as the reference text documents.";

    /// A date given as a JSON number.
    NumericDate = "W0203", Warning, "date as a JSON number",
    example: "{\"query\": {\"field\": \"created_at\", \"operator\": \">\", \"value\": 1704067200}}",
    explanation: "The reference writes dates as unix seconds in a JSON string; the OpenAPI schema also allows an integer, and the official SDKs send one. `qc validate` accepts both with this warning; qc emits the string form.";

    /// `pagination` is null.
    NullPagination = "W0204", Warning, "null pagination",
    example: "{\"query\": {\"field\": \"open\", \"operator\": \"=\", \"value\": true}, \"pagination\": null}",
    explanation: "The API's schema makes `pagination` nullable: null means no pagination (the API's default page size). `qc validate` accepts it with this warning; leaving `pagination` out says the same.";

    /// `>`/`<` in a request where the reference reads them two ways.
    AmbiguousOperator = "W0205", Warning, "the reference reads this operator two ways",
    example: "",
    explanation: "The tickets reference documents `>` and `<` on Dates as \"Greater (or equal) than\" and \"Lower (or equal) than\", and offers real `>=` and `<=` on `created_at` beside them: on `created_at`, `>`/`<` read both as inclusive and as strict. qc compiles only `>=`/`<=` there, which mean the same under both readings (`created_at > n` is sent as `>= n+1`). `qc validate --target tickets` accepts `>`/`<` with this warning; write `>=` with the first value to include. (No example is shown: it takes a request for tickets, such as `{\"query\": {\"field\": \"created_at\", \"operator\": \">\", \"value\": \"1704067200\"}}` with `--target tickets`.)";

    /// The reference's misspelling of a field.
    ReferenceSpelling = "W0206", Warning, "the reference's spelling of a field",
    example: "qc --target contacts 'andoid_sdk_version = 33'",
    explanation: "The contacts search table lists `andoid_sdk_version`, which is no key of the Contact model that the table says it lists: the model (and every contact in the reference) has `android_sdk_version`. qc accepts the table's spelling with this warning and sends `android_sdk_version`. Write `android_sdk_version`.";

    /// An AND group whose comparisons contradict each other.
    Contradiction = "W0401", Warning, "contradiction: the group never matches",
    example: "state = open AND state = closed",
    explanation: "Within one AND group, comparisons on the same field leave no value that satisfies them all (`state = open AND state = closed`, `x > 5 AND x < 3`, `x = 2 AND x > 5`, `x = a AND x != a`; on whole numbers, `x > 5 AND x < 6`), so the group matches nothing. Fields that hold several values (`tag_ids`, `contact_ids`) are exempt from the `=`/`=` case: a conversation can carry both tags. Check the values and operators, or join the comparisons with OR.";

    /// An AND group whose date bounds leave no date.
    EmptyDateRange = "W0402", Warning, "empty date range",
    example: "created_at > 2024-02-01 AND created_at < 2024-01-01",
    explanation: "The lower bound of the date range is after its upper bound (with the API's meaning of each operator, in whole seconds, and on contacts in whole days: `signed_up_at > 2024-03-01 AND signed_up_at < 2024-03-02` leaves no day), so no date is in it and the group matches nothing. Swap the bounds or check the dates.";

    /// `=` on a Date field matched to the second.
    DateEquality = "W0403", Warning, "`=` on a date matches one second",
    example: "created_at = 2024-01-15",
    explanation: "Conversations and tickets compare dates to the second, so `created_at = 2024-01-15` matches only conversations created at exactly midnight. For the whole day write `created_at >= 2024-01-15 AND created_at < 2024-01-16`. (Contacts match dates by calendar day, so there `=` is the whole day and no warning is given.)";

    /// `<=` on a calendar date where the target compares seconds.
    InclusiveDateEnd = "W0406", Warning, "`<=` on a day stops at its first second",
    example: "created_at <= 2024-06-30",
    explanation: "A calendar date is the first second of its day (midnight in the workspace's zone), and conversations and tickets compare dates to the second: `created_at <= 2024-06-30` ends at 2024-06-30 00:00:00 and leaves out the rest of that day. To include the whole day, write `created_at < 2024-07-01` (the fix). (Contacts match by day, where `<=` includes the whole day.)";

    /// An OR group that matches everything.
    Tautology = "W0404", Warning, "tautology: the group always matches",
    example: "read = true OR read = false",
    explanation: "Within one OR group, comparisons on the same field cover every value (`read = true OR read = false`, `x = a OR x != a`), so the group filters nothing. Drop it, or check the values and operators.";

    /// `%` or `*` in a value, as if qc had wildcards.
    Wildcard = "W0405", Warning, "no wildcards",
    example: "source.subject = \"%refund%\"",
    explanation: "qc (like the API) has no wildcards: `%` and `*` are searched for literally. For \"contains\" use `~ \"refund\"`, for \"starts with\" `^`, for \"ends with\" `$`.";

    /// The query was rewritten to fit the API's limits.
    Rewritten = "N0301", Note, "rewritten to fit the API's limits",
    example: "tag_ids = 1 OR tag_ids = 2 OR tag_ids = 3 OR tag_ids = 4 OR tag_ids = 5 OR tag_ids = 6 OR tag_ids = 7 OR tag_ids = 8 OR tag_ids = 9 OR tag_ids = 10 OR tag_ids = 11 OR tag_ids = 12 OR tag_ids = 13 OR tag_ids = 14 OR tag_ids = 15 OR tag_ids = 16",
    explanation: "The query as written is over the API's limits (2 levels of nested groups, 15 filters per group), so qc rewrote it into an exact equivalent that fits: equalities folded into IN (or `!=` into NIN), lists merged, duplicates and absorbed members removed, common members factored out, redundant bounds dropped, or long groups nested into sub-groups of the same operator. The request selects exactly what the query says. `--no-rewrite` refuses such queries instead.";
    /// A ticket attribute name that several attributes share, restricted to some of them.
    NameRestricted = "N0101", Note, "a shared attribute name restricted to some attributes",
    example: "",
    explanation: "Several ticket types can each have an attribute of one name (every type has `_default_title_`; two can have a \"Severity\"). A name means that attribute in every ticket type that has it: qc sends an OR over their ids (an AND for `!=`, `NIN` and `!~`), each value typed by its own attribute. When the operator or the value fits only some of them (`\"Severity\" = high` where one type's Severity is a list with `high` and the other's a number), the comparison is restricted to those, and this note names them. In an AND group with `ticket_type_id = X`, the name means type X's attribute. Write `ticket_attribute.ID` to name one attribute. (No example: it needs ticket types.)";

    /// A string delimited by typographic quotes.
    SmartQuotes = "W0011", Warning, "smart quotes around a string",
    example: "source.author.email ENDS WITH “@acme.com”",
    explanation: "Word processors and chat apps turn `\"` and `'` into typographic quotes. Where a value starts, qc reads `“ ”` and `‘ ’` as string delimiters, like `\"` and `'`, so they never end up inside the value, and warns so that the query can be corrected where it is kept: the fix writes straight quotes. (Inside a bare word, as in `don’t`, they are ordinary characters.) At most 100 are reported for one query.";

    /// Decompiled text that the compiler would not read back to the same request.
    DecompileNotExact = "W0301", Warning, "decompiled text does not compile back to the same request",
    example: "",
    explanation: "The decompiled text means what the request means, but compiling it gives another request; the help names the cause. The text form merges nested groups with the same operator (`a AND (b AND c)` is `a AND b AND c`), so a request whose groups are split to stay within 15 filters becomes a group of more than 15, which the compiler rejects. A filter can also come back in another form: a `>=` on a field whose reference documents an inclusive `>` compiles to that `>`; a contacts date that is not the instant qc sends for its day (a mid-day value) compiles to the day's own instant; a `>` on tickets' `created_at` compiles to `>=`. The text is still printed. (No example: it takes a JSON request; `qc decompile` reports it.)";
}

/// The lists of operators in explanations, filled in from the operator
/// tables rather than typed out: each slot, as the catalogue writes it, and
/// the operators it stands for (listed in [`Op::ALL`] order).
const OPERATOR_SLOTS: &[(&str, OpSet)] = &[
    ("{operators}", OpSet::ANY),
    ("{operators of String}", FieldType::String.operators()),
    ("{operators of Integer}", FieldType::Integer.operators()),
    ("{operators of Boolean}", FieldType::Boolean.operators()),
    ("{equality operators}", OpSet::EQUALITY),
];

impl Code {
    /// What the code means and how to fix it (what `qc explain` prints).
    pub fn explanation(self) -> Cow<'static, str> {
        let template = self.explanation_template();
        let mut text = Cow::Borrowed(template);
        for (slot, ops) in OPERATOR_SLOTS {
            if text.contains(slot) {
                text = Cow::Owned(text.replace(slot, &operator_list(*ops)));
            }
        }
        text
    }
}

/// `ops` as an explanation lists them: `` `=` `!=` `IN` ``.
fn operator_list(ops: OpSet) -> String {
    let listed: Vec<String> = ops.iter().map(|op: Op| format!("`{op}`")).collect();
    listed.join(" ")
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Code {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(s))
            .ok_or(())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}
