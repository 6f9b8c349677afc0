//! `qc::json::validate` on arbitrary bytes, and `decompile` on what it
//! accepts: no panic; a valid request re-validates to the same JSON; its
//! decompiled text compiles back to the same (normalised) JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qc::Code;
use qc::decompile::{DateStyle, decompile};

fuzz_target!(|data: &[u8]| {
    let validated = qc::json::validate_bytes(data);
    for d in &validated.diagnostics {
        assert!(d.range.start <= d.range.end && d.range.end <= data.len(), "{d:?}");
    }
    let Some(query) = validated.query else {
        assert!(validated.diagnostics.iter().any(|d| d.is_error()));
        return;
    };
    let json = qc::emit_string(&query, false);
    let again = qc::json::validate(&json);
    let again = again.query.expect("qc's own JSON validates");
    assert_eq!(qc::emit_string(&again, false), json);

    let expected = qc::emit_string(&query.normalised(), false);
    let options = qc::Options {
        now: Some(1_700_000_000),
        pagination: query.pagination.clone(),
        ..qc::Options::default()
    };
    for style in [DateStyle::Rfc3339, DateStyle::Unix] {
        let text = decompile(&query, style);
        match qc::compile(&text, &options) {
            Ok(compiled) => assert_eq!(compiled.to_json_string(), expected, "{text}"),
            Err(e) => {
                // Merging same-operator groups can push a group over the
                // API's limits: the only acceptable failure.
                let limits = [Code::GroupTooLarge, Code::NestingLimit];
                assert!(
                    e.diagnostics()
                        .iter()
                        .filter(|d| d.is_error())
                        .all(|d| limits.contains(&d.code)),
                    "{text}\n{:#?}",
                    e.diagnostics()
                );
            }
        }
    }
});
