//! The two languages a query arrives in: qc's text (`state = open`) and a
//! JSON search request (`{"field": "state", "operator": "=", "value":
//! "open"}`). The rules of [`super::rules`] and [`super::lints`] are the
//! same for both; what differs is a column of this table: how a fix
//! writes a field or a value, how a date is written, and what the help of
//! the null rule says.

use jiff::tz::TimeZone;

use super::dates::{DATE_FORMS, DateError, is_unix_seconds, is_valid_timestamp, parse_date};
use crate::syntax::lexical::field_text;

/// The language a query was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Notation {
    /// qc's query language.
    Text,
    /// A JSON search request, as the API takes it.
    Json,
}

/// The help for a date in a request that is not unix seconds qc can read.
const JSON_DATE_HELP: &str =
    "write the date as unix seconds, e.g. \"1704067200\" for 2024-01-01T00:00:00Z";

impl Notation {
    /// A field name as a fix writes it: bare or quoted in text, a JSON
    /// string in a request.
    pub fn field(self, name: &str) -> String {
        match self {
            Notation::Text => field_text(name),
            Notation::Json => json_string(name),
        }
    }

    /// What asks for the order of the results: the `ORDER BY` clause in
    /// text, the request's `sort` in JSON.
    pub fn sort_clause(self) -> &'static str {
        match self {
            Notation::Text => "`ORDER BY`",
            Notation::Json => "`sort`",
        }
    }

    /// A value's text as a fix that replaces the value writes it: the
    /// text itself in a query, a JSON string in a request.
    pub fn value(self, text: &str) -> String {
        match self {
            Notation::Text => text.to_owned(),
            Notation::Json => json_string(text),
        }
    }

    /// Reads `text` as a date. Text takes every form of [`parse_date`]
    /// (`now` and `tz` are for the relative and calendar forms); a request
    /// takes unix seconds only, as the API does, of any length qc can
    /// represent (the text's "more than 11 digits is milliseconds" rule is
    /// for people typing, not for programs).
    pub fn date(self, text: &str, now: i64, tz: &TimeZone) -> Result<i64, DateError> {
        match self {
            Notation::Text => parse_date(text, now, tz),
            Notation::Json if !is_unix_seconds(text) => Err(DateError::NotADate),
            Notation::Json => text
                .parse::<i64>()
                .ok()
                .filter(|s| is_valid_timestamp(*s))
                .ok_or_else(|| DateError::Invalid {
                    why: "unix seconds out of range (qc handles the years -9999 to 9999)"
                        .to_owned(),
                    fixes: Vec::new(),
                }),
        }
    }

    /// The help for a date that cannot be read: the forms this notation
    /// takes.
    pub fn date_help(self) -> &'static str {
        match self {
            Notation::Text => DATE_FORMS,
            Notation::Json => JSON_DATE_HELP,
        }
    }

    /// The help of the null rule (`rules::null_value`).
    pub fn null_help(self) -> &'static str {
        match self {
            Notation::Text => {
                "`null` goes with `=` and `!=` (or `IS NULL`, `IS NOT NULL`); write `\"null\"` for the text"
            }
            Notation::Json => {
                "`null` goes with `=` and `!=` as the whole value, never in an array; write `\"null\"` for the text"
            }
        }
    }
}

/// `text` as a JSON string.
pub(crate) fn json_string(text: &str) -> String {
    serde_json::Value::String(text.to_owned()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixes_are_written_in_the_notation() {
        assert_eq!(Notation::Text.field("state"), "state");
        assert_eq!(
            Notation::Text.field("custom_attributes.Plan type"),
            "\"custom_attributes.Plan type\""
        );
        assert_eq!(Notation::Json.field("state"), "\"state\"");
        assert_eq!(Notation::Text.value("open"), "open");
        assert_eq!(Notation::Json.value("a \"b\""), r#""a \"b\"""#);
    }

    /// A request's dates are unix seconds of any length in range; the
    /// text reads twelve digits as milliseconds and takes calendar dates.
    #[test]
    fn dates_by_notation() {
        let utc = TimeZone::UTC;
        assert_eq!(
            Notation::Json.date("100000000000", 0, &utc),
            Ok(100_000_000_000)
        );
        assert!(matches!(
            Notation::Text.date("100000000000", 0, &utc),
            Err(DateError::Invalid { .. })
        ));
        assert_eq!(
            Notation::Text.date("2024-01-01", 0, &utc),
            Ok(1_704_067_200)
        );
        assert_eq!(
            Notation::Json.date("2024-01-01", 0, &utc),
            Err(DateError::NotADate)
        );
        assert!(matches!(
            Notation::Json.date("99999999999999999999", 0, &utc),
            Err(DateError::Invalid { .. })
        ));
        assert_eq!(Notation::Json.date("-86400", 0, &utc), Ok(-86_400));
    }
}
