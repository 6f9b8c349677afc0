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

/// A copy of the repository's overrides and descriptions in a temporary
/// directory, each description changed by `edit(version, text)`, and the
/// overrides by `overrides`: what the generator makes of them.
fn generated_with(
    edit: impl Fn(&str, String) -> String,
    overrides: impl Fn(String) -> String,
) -> Result<String, String> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(repo.join("src/schema")).expect("created");
    let text = std::fs::read_to_string(root().join(generate::OVERRIDES)).expect("overrides");
    std::fs::write(repo.join(generate::OVERRIDES), overrides(text)).expect("written");
    let versions = dir.path().join("shared/intercom/versions");
    std::fs::create_dir_all(&versions).expect("created");
    let real = root().join(generate::DESCRIPTIONS);
    for version in generate::VERSIONS.iter().map(|v| v.name()) {
        let text =
            std::fs::read_to_string(real.join(format!("{version}.yaml"))).expect("a description");
        std::fs::write(
            versions.join(format!("{version}.yaml")),
            edit(version, text),
        )
        .expect("written");
    }
    generate::generate_from(&repo)
}

/// `sort` is read from each request body's schema: a shape qc does not
/// know is an error naming the version and path, and a hand decision
/// about sort fields that the text already makes, or where no `sort`
/// exists, is refused.
#[test]
fn the_generator_reads_sort_or_says_why_not() {
    let same = |_: &str, text: String| text;
    let unchanged = |text: String| text;
    assert!(generated_with(same, unchanged).is_ok());

    let orders =
        "              - ascending\n              - descending\n              default: descending";
    let err = generated_with(
        |version, text| {
            if version == "2.16" {
                assert!(text.contains(orders), "the 2.16 description's sort orders");
                text.replacen(
                    orders,
                    "              - asc\n              - desc\n              default: desc",
                    1,
                )
            } else {
                text
            }
        },
        unchanged,
    )
    .expect_err("orders qc does not know");
    assert!(
        err.contains("2.16 /contacts/search: a `sort` qc does not know"),
        "{err}"
    );

    let repeat = |text: String| {
        text + "\n[[field]]\ntarget = \"companies\"\nfield = \"tag_id\"\nsortable = false\nreason = \"no sort field\"\n"
    };
    let err = generated_with(same, repeat).expect_err("a decision the text makes");
    assert!(
        err.contains("the text already says it is no sort field"),
        "{err}"
    );

    let nowhere = |text: String| {
        text + "\n[[field]]\ntarget = \"conversations\"\nfield = \"tag_ids\"\nsortable = false\nreason = \"a list\"\n"
    };
    let err = generated_with(same, nowhere).expect_err("no sort there");
    assert!(err.contains("the request takes no `sort` here"), "{err}");
}
