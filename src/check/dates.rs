//! Date values to unix seconds (with jiff).
//!
//! Accepted forms: unix seconds (`1704067200`), a calendar date
//! (`2024-01-01`, midnight UTC), an RFC 3339 date-time with an offset
//! (`2024-01-01T00:00:00+02:00`, `2024-01-01T00:00:00Z`), and times
//! relative to now: `now`, `now-7d`, `now+2h` (units s, m, h, d, w).

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::Offset;

/// Why a date could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// Not a date in any accepted form.
    NotADate,
    /// Looks like a date but is invalid; the text says why.
    Invalid(String),
}

/// True when `seconds` is a unix time jiff can represent (years -9999 to
/// 9999): what a caller-supplied "now" must be.
pub fn is_valid_timestamp(seconds: i64) -> bool {
    Timestamp::from_second(seconds).is_ok()
}

/// True for unix seconds as text: digits, optionally after a `-`.
pub fn is_unix_seconds(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Reads `text` as a date, `now` being `now` in unix seconds.
pub fn parse_date(text: &str, now: i64) -> Result<i64, DateError> {
    let lower = text.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("now") {
        if rest.is_empty() || rest.starts_with(['+', '-']) {
            return relative(rest, now);
        }
        return Err(DateError::NotADate);
    }
    let starts_digit = text.starts_with(|c: char| c.is_ascii_digit());
    if !starts_digit && !text.starts_with('-') {
        return Err(DateError::NotADate);
    }
    if is_unix_seconds(text) {
        return text
            .parse::<i64>()
            .map_err(|_| DateError::Invalid("unix seconds out of range".to_owned()));
    }
    if !starts_digit {
        return Err(DateError::NotADate);
    }
    if text.len() == 10 && !text.contains(['T', 't', ' ']) {
        let date: Date = text
            .parse()
            .map_err(|e: jiff::Error| DateError::Invalid(e.to_string()))?;
        return Offset::UTC
            .to_timestamp(date.to_datetime(Time::midnight()))
            .map(Timestamp::as_second)
            .map_err(|e| DateError::Invalid(e.to_string()));
    }
    if text.contains(['T', 't']) {
        return text
            .parse::<Timestamp>()
            .map(Timestamp::as_second)
            .map_err(|e| DateError::Invalid(date_time_hint(text, e)));
    }
    Err(DateError::Invalid(
        "expected YYYY-MM-DD, an RFC 3339 date-time or unix seconds".to_owned(),
    ))
}

fn date_time_hint(text: &str, e: jiff::Error) -> String {
    let has_offset = text.ends_with(['Z', 'z'])
        || text
            .rfind(['+', '-'])
            .is_some_and(|i| text[..i].contains(['T', 't']));
    if has_offset {
        e.to_string()
    } else {
        "a date-time needs an offset, e.g. `Z` or `+02:00`".to_owned()
    }
}

fn relative(rest: &str, now: i64) -> Result<i64, DateError> {
    if rest.is_empty() {
        return Ok(now);
    }
    let bad = || {
        DateError::Invalid(
            "expected `now`, or `now` then +/- a number and a unit (s, m, h, d, w), e.g. `now-7d`"
                .to_owned(),
        )
    };
    let (sign, rest) = match rest.as_bytes()[0] {
        b'+' => (1i64, &rest[1..]),
        b'-' => (-1i64, &rest[1..]),
        _ => return Err(bad()),
    };
    let unit = rest.chars().last().ok_or_else(bad)?;
    let digits = &rest[..rest.len() - unit.len_utf8()];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let seconds_per = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3_600,
        'd' => 86_400,
        'w' => 604_800,
        _ => return Err(bad()),
    };
    let amount: i64 = digits.parse().map_err(|_| bad())?;
    amount
        .checked_mul(seconds_per)
        .and_then(|s| now.checked_add(sign * s))
        .ok_or_else(|| DateError::Invalid("relative date out of range".to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000;

    #[test]
    fn accepted_forms() {
        assert_eq!(parse_date("1704067200", NOW), Ok(1_704_067_200));
        assert_eq!(parse_date("2024-01-01", NOW), Ok(1_704_067_200));
        assert_eq!(parse_date("2024-01-01T00:00:00Z", NOW), Ok(1_704_067_200));
        assert_eq!(
            parse_date("2024-01-01T00:00:00+02:00", NOW),
            Ok(1_704_060_000)
        );
        assert_eq!(parse_date("now", NOW), Ok(NOW));
        assert_eq!(parse_date("NOW", NOW), Ok(NOW));
        assert_eq!(parse_date("now-7d", NOW), Ok(NOW - 7 * 86_400));
        assert_eq!(parse_date("now+2h", NOW), Ok(NOW + 7_200));
        assert_eq!(parse_date("now-1w", NOW), Ok(NOW - 604_800));
        assert_eq!(parse_date("now-30m", NOW), Ok(NOW - 1_800));
        assert_eq!(parse_date("now+10s", NOW), Ok(NOW + 10));
    }

    #[test]
    fn rejected_forms() {
        assert_eq!(parse_date("foobar", NOW), Err(DateError::NotADate));
        assert_eq!(parse_date("nowhere", NOW), Err(DateError::NotADate));
        assert!(matches!(
            parse_date("2024-13-01", NOW),
            Err(DateError::Invalid(_))
        ));
        assert!(
            matches!(parse_date("2024-01-01T00:00:00", NOW), Err(DateError::Invalid(m)) if m.contains("offset"))
        );
        assert!(matches!(
            parse_date("now-7y", NOW),
            Err(DateError::Invalid(_))
        ));
        assert!(matches!(
            parse_date("now-d", NOW),
            Err(DateError::Invalid(_))
        ));
        assert!(matches!(
            parse_date("now-99999999999999999w", NOW),
            Err(DateError::Invalid(_))
        ));
    }
}
