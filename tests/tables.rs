//! The field tables (`src/schema/generated.rs`) are what the generator
//! makes of Intercom's OpenAPI descriptions (`../shared/intercom/versions`)
//! and `src/schema/overrides.toml`: this test fails when they disagree.
//! Regenerate with `cargo run --example gen_tables`.

#[path = "../examples/gen_tables/generate.rs"]
#[allow(dead_code)]
mod generate;

use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_checked_in_tables_are_the_descriptions() {
    let generated = generate::generate_from(root()).unwrap_or_else(|e| panic!("{e}"));
    let path = root().join(generate::OUTPUT);
    let current = std::fs::read_to_string(&path).expect("the tables are readable");
    if current != generated {
        let line = current
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| current.lines().count().min(generated.lines().count()))
            + 1;
        panic!(
            "{} differs from what the descriptions say (first at line {line}): run `cargo run --example gen_tables`",
            generate::OUTPUT
        );
    }
}

/// The generator refuses what it does not understand rather than guess.
#[test]
fn the_generator_names_what_it_cannot_read() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(repo.join("src/schema")).expect("created");
    let err = generate::generate_from(&repo).expect_err("no descriptions");
    assert!(err.contains("the descriptions are not at"), "{err}");

    // A description whose field table has a type nobody knows.
    let versions = dir.path().join("shared/intercom/versions");
    std::fs::create_dir_all(&versions).expect("created");
    std::fs::copy(
        root().join(generate::OVERRIDES),
        repo.join(generate::OVERRIDES),
    )
    .expect("copied");
    let real = root().join(generate::DESCRIPTIONS);
    for version in generate::VERSIONS.iter().map(|v| v.name()) {
        let text =
            std::fs::read_to_string(real.join(format!("{version}.yaml"))).expect("a description");
        let text = if version == "2.8" {
            text.replacen(
                "| open                                      | Boolean ",
                "| open                                      | Flag    ",
                1,
            )
        } else {
            text
        };
        std::fs::write(versions.join(format!("{version}.yaml")), text).expect("written");
    }
    let err = generate::generate_from(&repo).expect_err("an unknown type");
    assert!(
        err.contains("2.8 /conversations/search `open`: unknown field type `Flag`"),
        "{err}"
    );
}
