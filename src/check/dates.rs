//! Date values to unix seconds (with jiff), in the workspace's time zone.
//!
//! Accepted forms: unix seconds (`1704067200`); a calendar date
//! (`2024-01-01`, midnight in the workspace's zone); an RFC 3339 date-time
//! with an offset (`2024-01-01T00:00:00+02:00`, `...Z`); `today` and
//! `yesterday` (midnight in the zone); and times relative to now: `now`,
//! `now-7d`, `now+2h`, with the units `s m h d w` (fixed lengths) and `mo`
//! `y` (calendar months and years in the zone). Units are case-sensitive.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Span as JSpan, Timestamp, ToSpan};

/// Why a date could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// Not a date in any accepted form.
    NotADate,
    /// Looks like a date but is invalid; the text says why, and `fixes`
    /// holds the replacements that would be right (one: certain; two:
    /// ambiguous, offered as help only).
    Invalid {
        /// What is wrong.
        why: String,
        /// Replacement texts.
        fixes: Vec<String>,
    },
}

impl DateError {
    fn invalid(why: impl Into<String>) -> DateError {
        DateError::Invalid {
            why: why.into(),
            fixes: Vec::new(),
        }
    }

    fn fix(why: impl Into<String>, fixes: Vec<String>) -> DateError {
        DateError::Invalid {
            why: why.into(),
            fixes,
        }
    }
}

/// The help shown with date errors.
pub const DATE_FORMS: &str = "write unix seconds, `YYYY-MM-DD`, an RFC 3339 date-time such as `2024-01-01T00:00:00Z`, `today`, `yesterday`, or `now-7d` (units s m h d w mo y)";

/// The earliest instant qc reads as a date, in unix seconds:
/// -9999-01-02T01:59:59Z (jiff's range).
pub const MIN_DATE_SECONDS: i64 = -377_705_023_201;

/// The latest instant qc reads as a date, in unix seconds:
/// 9999-12-30T22:00:00Z (jiff's range).
pub const MAX_DATE_SECONDS: i64 = 253_402_207_200;

/// Why a date outside [`MIN_DATE_SECONDS`]..=[`MAX_DATE_SECONDS`] is
/// refused, with the range.
pub fn out_of_range_message() -> String {
    format!(
        "out of range: qc reads dates from -9999-01-02T01:59:59Z to 9999-12-30T22:00:00Z (unix seconds {MIN_DATE_SECONDS} to {MAX_DATE_SECONDS})"
    )
}

fn out_of_range() -> DateError {
    DateError::invalid(out_of_range_message())
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

/// More digits than this is milliseconds, not seconds (year 5138 and on).
const MAX_SECONDS_DIGITS: usize = 11;

/// Reads `text` as a date in `tz`, `now` being now in unix seconds.
pub fn parse_date(text: &str, now: i64, tz: &TimeZone) -> Result<i64, DateError> {
    let today_word = text.eq_ignore_ascii_case("today");
    if today_word || text.eq_ignore_ascii_case("yesterday") {
        let today = Timestamp::from_second(now)
            .map_err(|_| out_of_range())?
            .to_zoned_datetime(tz.clone())
            .date();
        let day = if today_word {
            Some(today)
        } else {
            neighbour_day(today, Direction::Before, tz)
        };
        return day
            .and_then(|d| start_of_day(d, tz))
            .ok_or_else(out_of_range);
    }
    if text.get(..3).is_some_and(|w| w.eq_ignore_ascii_case("now")) {
        // The first three bytes are ASCII letters.
        let rest = text.get(3..).unwrap_or_default();
        if rest.is_empty() || rest.starts_with(['+', '-']) {
            return relative(rest, now, tz);
        }
        return Err(DateError::NotADate);
    }
    let starts_digit = text.starts_with(|c: char| c.is_ascii_digit());
    if !starts_digit && !text.starts_with('-') {
        return Err(DateError::NotADate);
    }
    if is_unix_seconds(text) {
        let digits = text.trim_start_matches('-');
        if digits.len() > MAX_SECONDS_DIGITS {
            let fix = text
                .parse::<i128>()
                .map(|ms| (ms / 1000).to_string())
                .ok()
                .into_iter()
                .collect();
            return Err(DateError::fix(
                "this looks like milliseconds; dates are unix seconds",
                fix,
            ));
        }
        let seconds = text
            .parse::<i64>()
            .map_err(|_| DateError::invalid("unix seconds out of range"))?;
        return Ok(seconds);
    }
    if !starts_digit {
        return Err(DateError::NotADate);
    }
    if let Some(fixes) = loose_calendar_date(text) {
        let why = if fixes.len() == 1 {
            "dates are written `YYYY-MM-DD`"
        } else {
            "the order of day and month is ambiguous; dates are written `YYYY-MM-DD`"
        };
        return Err(DateError::fix(why, fixes));
    }
    if let Some(seconds) = canonical_day(text, tz) {
        return Ok(seconds);
    }
    if text.len() == 10 && !text.contains(['T', 't', ' ']) {
        let date: Date = text
            .parse()
            .map_err(|e: jiff::Error| DateError::invalid(e.to_string()))?;
        let start = start_of_day(date, tz).ok_or_else(out_of_range)?;
        if day_of(start, tz) != Some(date) {
            return Err(skipped_day(date, tz));
        }
        return Ok(start);
    }
    if text.contains(['T', 't']) {
        return text
            .parse::<Timestamp>()
            .map(Timestamp::as_second)
            .map_err(|e| {
                // A date-time jiff reads but cannot place is out of its range.
                let read =
                    jiff::fmt::temporal::Pieces::parse(text).is_ok_and(|p| p.offset().is_some());
                if read {
                    out_of_range()
                } else {
                    DateError::invalid(date_time_hint(text, e))
                }
            });
    }
    Err(DateError::invalid(
        "expected YYYY-MM-DD, an RFC 3339 date-time or unix seconds",
    ))
}

/// Midnight of a `YYYY-MM-DD` date in a zone of one fixed offset (UTC
/// unless a workspace says otherwise), computed from the day number: what
/// jiff's parser and [`start_of_day`] answer for such a date, without
/// them. `None` for anything else, which takes the general path.
fn canonical_day(text: &str, tz: &TimeZone) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let number = |from: usize, to: usize| {
        b.get(from..to)?.iter().try_fold(0i32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + i32::from(c - b'0'))
        })
    };
    let (y, m, d) = (number(0, 4)?, number(5, 7)?, number(8, 10)?);
    // Far from the ends of jiff's range, where an offset could step out.
    if !(1000..=9000).contains(&y) {
        return None;
    }
    Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()?;
    let offset = tz.to_fixed_offset().ok()?;
    Some(days_from_civil(y, m, d) * 86_400 - i64::from(offset.seconds()))
}

/// Days from 1970-01-01 to a valid proleptic Gregorian date (Howard
/// Hinnant's `days_from_civil`).
fn days_from_civil(y: i32, m: i32, d: i32) -> i64 {
    let y = i64::from(if m <= 2 { y - 1 } else { y });
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Midnight (the first instant) of `date` in `tz`, in unix seconds.
pub fn start_of_day(date: Date, tz: &TimeZone) -> Option<i64> {
    date.to_zoned_datetime(tz.clone())
        .ok()
        .and_then(|z| z.start_of_day().ok())
        .map(|z| z.timestamp().as_second())
}

/// The calendar day of `seconds` in `tz`.
pub fn day_of(seconds: i64, tz: &TimeZone) -> Option<Date> {
    Timestamp::from_second(seconds)
        .ok()
        .map(|t| t.to_zoned_datetime(tz.clone()).date())
}

/// `YYYY-M-D` (one fix) and `MM/DD/YYYY` or `DD/MM/YYYY` (one fix when
/// only one reading is a date, else two): the `YYYY-MM-DD` forms meant.
fn loose_calendar_date(text: &str) -> Option<Vec<String>> {
    if text.len() == 10 && !text.contains('/') {
        // `YYYY-MM-DD` is canonical, and without `/` no other form applies.
        return None;
    }
    let format = |y: i16, m: i8, d: i8| {
        Date::new(y, m, d)
            .ok()
            .map(|date| format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day()))
    };
    let numbers = |sep: char| -> Option<Vec<i32>> {
        let parts: Vec<&str> = text.split(sep).collect();
        if parts.len() != 3 || parts.iter().any(|p| p.is_empty() || p.len() > 4) {
            return None;
        }
        parts.iter().map(|p| p.parse::<i32>().ok()).collect()
    };
    if let Some(n) = numbers('-') {
        let (y, m, d) = (n[0], n[1], n[2]);
        let canonical = text.len() == 10;
        if canonical || !(1000..=9999).contains(&y) {
            return None;
        }
        return format(y as i16, i8::try_from(m).ok()?, i8::try_from(d).ok()?).map(|f| vec![f]);
    }
    let n = numbers('/')?;
    let (a, b, y) = (n[0], n[1], n[2]);
    if !(1000..=9999).contains(&y) {
        return None;
    }
    let y = y as i16;
    let (a, b) = (i8::try_from(a).ok()?, i8::try_from(b).ok()?);
    let month_first = format(y, a, b);
    let day_first = format(y, b, a);
    let fixes: Vec<String> = match (month_first, day_first) {
        (Some(m), Some(d)) if m == d => vec![m],
        (Some(m), Some(d)) => vec![m, d],
        (Some(m), None) => vec![m],
        (None, Some(d)) => vec![d],
        (None, None) => return None,
    };
    Some(fixes)
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

/// The unit of a relative date or a duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Seconds(i64),
    Months,
    Years,
}

/// Splits `30m` into 30 and its unit; `M` gets its own message.
fn amount_and_unit(text: &str) -> Result<(i64, Unit), DateError> {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let unit = match unit {
        "s" => Unit::Seconds(1),
        "m" => Unit::Seconds(60),
        "h" => Unit::Seconds(3_600),
        "d" => Unit::Seconds(86_400),
        "w" => Unit::Seconds(604_800),
        "mo" => Unit::Months,
        "y" => Unit::Years,
        "M" => {
            let a = format!("{digits}mo");
            let b = format!("{digits}m");
            return Err(DateError::fix(
                format!("did you mean `{a}` (months) or `{b}` (minutes)? units are case-sensitive"),
                vec![a, b],
            ));
        }
        other => {
            let lower = other.to_ascii_lowercase();
            if lower != other && ["s", "m", "h", "d", "w", "mo", "y"].contains(&lower.as_str()) {
                return Err(DateError::fix(
                    "units are lower case: s m h d w mo y",
                    vec![format!("{digits}{lower}")],
                ));
            }
            return Err(DateError::invalid(
                "expected a number and a unit: s, m, h, d, w, mo (months) or y (years)",
            ));
        }
    };
    if digits.is_empty() {
        return Err(DateError::invalid("expected a number before the unit"));
    }
    let amount = digits
        .parse::<i64>()
        .map_err(|_| DateError::invalid("the amount is out of range"))?;
    Ok((amount, unit))
}

fn relative(rest: &str, now: i64, tz: &TimeZone) -> Result<i64, DateError> {
    if rest.is_empty() {
        return Ok(now);
    }
    let (sign, rest) = match rest.as_bytes().first() {
        Some(b'+') => (1i64, &rest[1..]),
        Some(b'-') => (-1i64, &rest[1..]),
        _ => {
            return Err(DateError::invalid(
                "expected `now`, or `now` then +/- an amount",
            ));
        }
    };
    let (amount, unit) = amount_and_unit(rest).map_err(|e| match e {
        DateError::Invalid { why, fixes } => DateError::Invalid {
            why,
            fixes: fixes
                .into_iter()
                .map(|f| format!("now{}{f}", if sign < 0 { '-' } else { '+' }))
                .collect(),
        },
        other => other,
    })?;
    let signed = amount.checked_mul(sign).ok_or_else(out_of_range)?;
    let seconds = match unit {
        Unit::Seconds(per) => signed
            .checked_mul(per)
            .and_then(|s| now.checked_add(s))
            .ok_or_else(out_of_range)?,
        Unit::Months | Unit::Years => {
            let span: JSpan = if unit == Unit::Months {
                JSpan::new().try_months(signed)
            } else {
                JSpan::new().try_years(signed)
            }
            .map_err(|_| out_of_range())?;
            Timestamp::from_second(now)
                .map_err(|_| out_of_range())?
                .to_zoned_datetime(tz.clone())
                .checked_add(span)
                .map_err(|_| out_of_range())?
                .timestamp()
                .as_second()
        }
    };
    if !is_valid_timestamp(seconds) {
        return Err(out_of_range());
    }
    Ok(seconds)
}

/// Reads a duration (`90s`, `30m`, `2h`, `1d`, `1w`) as seconds; `None`
/// when `text` is not written as one. Months and years have no fixed
/// length and are refused.
pub fn parse_duration(text: &str) -> Option<Result<i64, DateError>> {
    let first = text.chars().next()?;
    let last = text.chars().last()?;
    if !first.is_ascii_digit() || last.is_ascii_digit() {
        return None;
    }
    Some(amount_and_unit(text).and_then(|(amount, unit)| {
        match unit {
            Unit::Seconds(per) => amount
                .checked_mul(per)
                .ok_or_else(|| DateError::invalid("the duration is out of range")),
            Unit::Months | Unit::Years => Err(DateError::invalid(
                "months and years have no fixed length in seconds; use s, m, h, d or w",
            )),
        }
    }))
}

/// `n` days after `date` (before, when negative), on the calendar alone:
/// the day found may not exist in a zone (see [`neighbour_day`]).
pub fn add_days(date: Date, n: i32) -> Option<Date> {
    date.checked_add(n.days()).ok()
}

/// The way [`neighbour_day`] steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Towards the past.
    Before,
    /// Towards the future.
    After,
}

/// The most days in a row a zone has skipped (one, so far: Pacific/Apia
/// 2011-12-30, Pacific/Kiritimati and Pacific/Enderbury 1994-12-31), with
/// room to spare.
const MAX_SKIPPED_DAYS: usize = 3;

/// True when `date` happened in `tz`: its first instant falls on it. A
/// zone that moved across the date line skipped a whole day, whose
/// "midnight" resolves into the next day; a day without a midnight (a
/// clock change at 00:00) still exists, from its first instant.
pub fn day_exists(date: Date, tz: &TimeZone) -> bool {
    start_of_day(date, tz).and_then(|s| day_of(s, tz)) == Some(date)
}

/// The day before or after `date` that exists in `tz`: the calendar's
/// neighbour, or the next one over where the zone skipped it. Never `date`
/// itself, so `>= D` sent as `> ` the day before `D` keeps `D`. `None`
/// out of range.
pub fn neighbour_day(date: Date, direction: Direction, tz: &TimeZone) -> Option<Date> {
    let step = match direction {
        Direction::Before => -1,
        Direction::After => 1,
    };
    let mut day = date;
    for _ in 0..=MAX_SKIPPED_DAYS {
        day = add_days(day, step)?;
        if day_exists(day, tz) {
            return Some(day);
        }
    }
    None
}

/// The error for a calendar date that `tz` skipped.
fn skipped_day(date: Date, tz: &TimeZone) -> DateError {
    let zone = tz.iana_name().unwrap_or("the workspace's time zone");
    let fixes: Vec<String> = [Direction::Before, Direction::After]
        .into_iter()
        .filter_map(|d| neighbour_day(date, d, tz))
        .map(|d| d.to_string())
        .collect();
    DateError::fix(
        format!("{date} did not happen in {zone}: the zone skipped that day"),
        fixes,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000;

    fn utc(text: &str) -> Result<i64, DateError> {
        parse_date(text, NOW, &TimeZone::UTC)
    }

    #[test]
    fn canonical_days_agree_with_jiff() {
        let zones = [
            TimeZone::UTC,
            TimeZone::fixed(jiff::tz::offset(-5)),
            TimeZone::fixed(jiff::tz::Offset::from_seconds(19_800).unwrap()),
        ];
        for tz in &zones {
            for y in [1000, 1600, 1899, 1900, 1969, 1970, 2000, 2024, 2100, 9000] {
                for m in 1..=12i8 {
                    for d in [1, 15, 28, 29, 30, 31] {
                        let text = format!("{y:04}-{m:02}-{d:02}");
                        let slow = Date::new(y as i16, m, d)
                            .ok()
                            .and_then(|date| start_of_day(date, tz));
                        assert_eq!(canonical_day(&text, tz), slow, "{text}");
                    }
                }
            }
        }
        // Other zones and forms take the general path.
        let paris = crate::schema::timezone("Europe/Paris").unwrap();
        assert_eq!(canonical_day("2024-01-01", &paris), None);
        assert_eq!(canonical_day("0999-01-01", &TimeZone::UTC), None);
        assert_eq!(canonical_day("2024-1-011", &TimeZone::UTC), None);
    }

    #[test]
    fn accepted_forms() {
        assert_eq!(utc("1704067200"), Ok(1_704_067_200));
        assert_eq!(utc("2024-01-01"), Ok(1_704_067_200));
        assert_eq!(utc("2024-01-01T00:00:00Z"), Ok(1_704_067_200));
        assert_eq!(utc("2024-01-01T00:00:00+02:00"), Ok(1_704_060_000));
        assert_eq!(utc("now"), Ok(NOW));
        assert_eq!(utc("NOW"), Ok(NOW));
        assert_eq!(utc("now-7d"), Ok(NOW - 7 * 86_400));
        assert_eq!(utc("now+2h"), Ok(NOW + 7_200));
        assert_eq!(utc("now-1w"), Ok(NOW - 604_800));
        assert_eq!(utc("now-30m"), Ok(NOW - 1_800));
        assert_eq!(utc("now+10s"), Ok(NOW + 10));
        // 2023-11-14T22:13:20Z: today is 2023-11-14.
        assert_eq!(utc("today"), Ok(1_699_920_000));
        assert_eq!(utc("yesterday"), Ok(1_699_920_000 - 86_400));
        // Calendar months: 2023-10-14T22:13:20Z.
        assert_eq!(utc("now-1mo"), Ok(NOW - 31 * 86_400));
        assert_eq!(utc("now-1y"), Ok(NOW - 365 * 86_400));
    }

    #[test]
    fn calendar_dates_are_midnight_in_the_zone() {
        let paris = crate::schema::timezone("Europe/Paris").unwrap();
        assert_eq!(
            parse_date("2024-01-01", NOW, &paris),
            Ok(1_704_067_200 - 3_600)
        );
    }

    #[test]
    fn rejected_forms() {
        assert_eq!(utc("foobar"), Err(DateError::NotADate));
        assert_eq!(utc("nowhere"), Err(DateError::NotADate));
        assert!(matches!(utc("2024-13-01"), Err(DateError::Invalid { .. })));
        assert!(
            matches!(utc("2024-01-01T00:00:00"), Err(DateError::Invalid { why, .. }) if why.contains("offset"))
        );
        assert!(matches!(utc("now-7x"), Err(DateError::Invalid { .. })));
        assert!(matches!(utc("now-d"), Err(DateError::Invalid { .. })));
        assert!(matches!(
            utc("now-99999999999999999w"),
            Err(DateError::Invalid { .. })
        ));
        assert!(matches!(
            utc("now-99999999999d"),
            Err(DateError::Invalid { .. })
        ));
    }

    #[test]
    fn fixes() {
        let fixes = |t: &str| match utc(t) {
            Err(DateError::Invalid { fixes, .. }) => fixes,
            other => panic!("{t}: {other:?}"),
        };
        assert_eq!(fixes("now-1M"), ["now-1mo", "now-1m"]);
        assert_eq!(fixes("2024-1-5"), ["2024-01-05"]);
        assert_eq!(fixes("01/02/2024"), ["2024-01-02", "2024-02-01"]);
        assert_eq!(fixes("13/02/2024"), ["2024-02-13"]);
        assert_eq!(fixes("1717200000000"), ["1717200000"]);
    }

    #[test]
    fn the_range_is_jiffs() {
        assert_eq!(Timestamp::MIN.as_second(), MIN_DATE_SECONDS);
        assert_eq!(Timestamp::MAX.as_second(), MAX_DATE_SECONDS);
        assert_eq!(Timestamp::MIN.to_string(), "-009999-01-02T01:59:59Z");
        assert_eq!(
            Timestamp::from_second(MAX_DATE_SECONDS)
                .unwrap()
                .to_string(),
            "9999-12-30T22:00:00Z"
        );
        assert!(is_valid_timestamp(MAX_DATE_SECONDS) && !is_valid_timestamp(MAX_DATE_SECONDS + 1));
    }

    #[test]
    fn neighbours_are_days_that_happened() {
        let date = |y, m, d| Date::new(y, m, d).unwrap();
        let apia = crate::schema::timezone("Pacific/Apia").unwrap();
        assert!(!day_exists(date(2011, 12, 30), &apia));
        assert!(day_exists(date(2011, 12, 30), &TimeZone::UTC));
        let before = neighbour_day(date(2011, 12, 31), Direction::Before, &apia);
        let after = neighbour_day(date(2011, 12, 29), Direction::After, &apia);
        assert_eq!(before, Some(date(2011, 12, 29)));
        assert_eq!(after, Some(date(2011, 12, 31)));
        // Elsewhere, and on other days, the calendar's neighbours.
        let utc = neighbour_day(date(2011, 12, 31), Direction::Before, &TimeZone::UTC);
        assert_eq!(utc, Some(date(2011, 12, 30)));
        let new_year = neighbour_day(date(2011, 12, 31), Direction::After, &apia);
        assert_eq!(new_year, Some(date(2012, 1, 1)));
        // A day without a midnight exists from its first instant.
        let sao_paulo = crate::schema::timezone("America/Sao_Paulo").unwrap();
        assert!(day_exists(date(2018, 11, 4), &sao_paulo));
        assert_eq!(
            start_of_day(date(2018, 11, 4), &sao_paulo),
            Some(1_541_300_400)
        );
        // Past the range: no neighbour.
        let last = neighbour_day(date(9999, 12, 30), Direction::After, &TimeZone::UTC);
        assert_eq!(last, None);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90s"), Some(Ok(90)));
        assert_eq!(parse_duration("2h"), Some(Ok(7_200)));
        assert_eq!(parse_duration("1w"), Some(Ok(604_800)));
        assert_eq!(parse_duration("90"), None);
        assert!(matches!(parse_duration("1mo"), Some(Err(_))));
    }
}
