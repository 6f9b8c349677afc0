//! The language's short reference, for assistants: the grammar, every
//! operator spelling and what it means, values and dates, the API's
//! limits, each target's fields and examples, and the diagnostic codes.
//!
//! Nothing here is typed by hand: the grammar is `grammar/qc.ebnf` (whose
//! examples the test suite compiles), the operators come from the lexical
//! table ([`OpSpelling::ALL`]) and [`Op::description`], the types from
//! [`FieldType`], the dates from [`DATE_FORMS`], the fields from each
//! target's schema, the examples are built from those fields and compiled
//! (with the JSON they give), and the codes are the catalogue
//! ([`Code::ALL`]). A change to any of them changes the reference.

use std::fmt::Write as _;

use crate::check::{DATE_FORMS, MAX_GROUP_MEMBERS, MAX_NESTING};
use crate::compiler::Compiler;
use crate::diagnostic::Code;
use crate::op::{FieldType, Op};
use crate::options::DEFAULT_MAX_REQUESTS;
use crate::schema::{FieldDef, sorting_described};
use crate::settings::{Now, Settings};
use crate::syntax::OpSpelling;
use crate::syntax::lexical::{field_text, write_value};
use crate::target::Target;

/// The URI of the reference resource.
pub const REFERENCE_URI: &str = "qc://reference";

/// "Now" for the reference's examples, so that their JSON is the same on
/// every run.
pub const EXAMPLES_NOW: &str = "2024-06-01T00:00:00Z";

/// The grammar file, whose productions the reference quotes.
const GRAMMAR: &str = include_str!("../../grammar/qc.ebnf");

/// The productions of the grammar: from `query =` to the examples.
fn productions() -> &'static str {
    let start = GRAMMAR.find("\nquery ").map_or(0, |at| at + 1);
    let end = GRAMMAR.find("(* Examples").unwrap_or(GRAMMAR.len());
    GRAMMAR.get(start..end).unwrap_or(GRAMMAR).trim_end()
}

/// A few lines that teach the language, for the tools' descriptions and
/// the server's instructions.
pub fn primer() -> String {
    let ops: Vec<String> = Op::ALL
        .iter()
        .map(|op| format!("`{op}` {}", op.description().to_lowercase()))
        .collect();
    format!(
        "A query is `field operator value` comparisons joined by AND, OR, NOT and parentheses, e.g. \
         `state = open AND created_at > now-7d`. Operators: {}; `field = null` matches a missing \
         field. Dates: {DATE_FORMS}. It may end in `ORDER BY field [ASC|DESC]` (descending without \
         either) where the search sorts: {}. The resource {REFERENCE_URI} has the whole reference.",
        ops.join(", "),
        sorting_described()
    )
}

/// The reference for the workspace of `settings` (its API version, time
/// zone and attributes), every target that version has.
pub fn reference(settings: &Settings) -> String {
    let mut out = String::new();
    let _ = write_reference(&mut out, settings);
    out
}

fn write_reference(out: &mut String, settings: &Settings) -> std::fmt::Result {
    let version = settings
        .api_version()
        .map_or_else(|_| "?".to_owned(), |v| v.name().to_owned());
    writeln!(out, "# qc: the query language of Intercom's search\n")?;
    writeln!(
        out,
        "qc compiles a query into the JSON body of an Intercom search endpoint (API version \
         {version}), and selects exactly what the text says. Use the `check` tool to see a query's \
         problems with their fixes, `fields` for a target's fields, `search` to run it.\n"
    )?;

    writeln!(
        out,
        "## Grammar (ISO EBNF)\n\n```ebnf\n{}\n```\n",
        productions()
    )?;

    writeln!(out, "## Operators\n")?;
    writeln!(out, "| write | means | sent as |\n|---|---|---|")?;
    for spelling in OpSpelling::ALL {
        let op = spelling.op();
        let (written, sent) = if spelling.takes_value() {
            (format!("`{spelling}`"), format!("`{op}`"))
        } else {
            (format!("`{spelling}`"), format!("`{op}` null"))
        };
        let meaning = match spelling {
            OpSpelling::IsNull => "the field is missing or null".to_owned(),
            OpSpelling::IsNotNull => "the field has a value".to_owned(),
            _ => op.description().to_owned(),
        };
        writeln!(out, "| {written} | {meaning} | {sent} |")?;
    }
    writeln!(
        out,
        "\n`>` and `<` are strict, `>=` and `<=` inclusive, on every target: qc sends each as \
         the target's own operators say it (the examples below show the JSON). `NOT` is pushed \
         into the comparisons. `field = null` matches a missing or null field, `\"null\"` is the \
         text.\n"
    )?;

    writeln!(out, "## Values\n")?;
    writeln!(out, "| type | operators |\n|---|---|")?;
    for ty in [
        FieldType::String,
        FieldType::Integer,
        FieldType::Float,
        FieldType::Date,
        FieldType::Boolean,
        FieldType::Any,
    ] {
        writeln!(out, "| {ty} | {} |", ty.operators().join())?;
    }
    writeln!(
        out,
        "\nA value is a bare word, a number, `true`/`false`, a quoted string (`\"two words\"`) or \
         a list `[a, b]` for `IN`/`NIN`; its field's type says what it means. Dates: {DATE_FORMS}. \
         `YYYY-MM-DD` is midnight in the workspace's time zone.\n"
    )?;

    writeln!(
        out,
        "## Limits\n\nThe API takes at most {MAX_NESTING} levels of groups and {MAX_GROUP_MEMBERS} \
         comparisons in a group. qc rewrites a query over them into an exact equivalent that fits, \
         or runs it as a plan of several requests (at most {DEFAULT_MAX_REQUESTS} by default) \
         whose union is exactly the query.\n"
    )?;

    writeln!(out, "## Targets\n")?;
    for target in Target::ALL {
        let over = Settings {
            target: Some(target.name().to_owned()),
            now: Some(Now::Text(EXAMPLES_NOW.to_owned())),
            ..Settings::default()
        };
        match settings.clone().overridden_by(over).compiler() {
            Ok(compiler) => write_target(out, &compiler)?,
            Err(e) => writeln!(out, "### {target}\n\nNot available: {e}.\n")?,
        }
    }

    writeln!(out, "## Diagnostic codes\n")?;
    writeln!(
        out,
        "Every problem has a code; the `explain` tool says more about each.\n"
    )?;
    for code in Code::ALL {
        writeln!(out, "- `{code}` {}", code.title())?;
    }
    Ok(())
}

/// One target: its endpoint, its fields by type, and examples.
fn write_target(out: &mut String, compiler: &Compiler) -> std::fmt::Result {
    let schema = &compiler.schema;
    let target = schema.target();
    writeln!(out, "### {target} (`POST {}`)\n", target.search_path())?;
    for ty in [
        FieldType::String,
        FieldType::Integer,
        FieldType::Float,
        FieldType::Date,
        FieldType::Boolean,
        FieldType::Any,
    ] {
        let names: Vec<String> = schema
            .fields()
            .filter(|f| f.ty == ty)
            .map(|f| match f.values.is_empty() {
                true => format!("`{}`", f.name),
                false => {
                    let values: Vec<&str> = f.values.iter().map(|v| v.as_ref()).collect();
                    format!("`{}` ({})", f.name, values.join(", "))
                }
            })
            .collect();
        if !names.is_empty() {
            writeln!(out, "- {ty}: {}", names.join(", "))?;
        }
    }
    if let Some(prefix) = schema.open_prefix() {
        writeln!(out, "- `{prefix}NAME`: any attribute, unchecked")?;
    }
    for note in schema.notes() {
        writeln!(out, "- {note}")?;
    }
    if schema.sorts() {
        let not: Vec<String> = schema
            .fields()
            .filter(|f| !f.sortable)
            .map(|f| format!("`{}`", f.name))
            .collect();
        let but = if not.is_empty() {
            String::new()
        } else {
            format!(" but {}", not.join(", "))
        };
        writeln!(
            out,
            "- Sorts: a query may end in `ORDER BY field [ASC|DESC]` on any field{but}; without \
             `ASC` or `DESC` the API sorts descending. The request carries it as `sort`."
        )?;
    } else {
        writeln!(
            out,
            "- No `ORDER BY` in API version {}: it is in {}.",
            schema.version(),
            sorting_described()
        )?;
    }
    writeln!(out, "\nExamples (now = {EXAMPLES_NOW}):\n")?;
    for (query, body) in examples(compiler) {
        writeln!(out, "- `{query}` → `{body}`")?;
    }
    writeln!(out)
}

/// The fields the examples of a target would rather show, when they are
/// of the kind an example needs; the table's order decides otherwise.
fn preferred(target: Target) -> &'static [&'static str] {
    match target {
        Target::Conversations => &[
            "state",
            "created_at",
            "statistics.count_reopens",
            "source.subject",
            "read",
        ],
        Target::Contacts => &["role", "last_seen_at", "name", "email"],
        Target::Tickets => &["created_at", "title", "open"],
        Target::Companies => &["created_at", "user_count", "name"],
    }
}

/// Queries on `compiler`'s target built from its own fields, each with
/// the JSON it compiles to; a built query that does not compile is left
/// out.
pub fn examples(compiler: &Compiler) -> Vec<(String, String)> {
    let builtin: Vec<&FieldDef> = compiler.fields().filter(|f| !f.is_custom()).collect();
    let preferred = preferred(compiler.schema.target());
    let rank = |f: &FieldDef| {
        preferred
            .iter()
            .position(|p| *p == f.name)
            .unwrap_or(preferred.len())
    };
    let find = |test: &dyn Fn(&FieldDef) -> bool| {
        builtin
            .iter()
            .copied()
            .filter(|f| test(f))
            .min_by_key(|f| rank(f))
    };
    let enumerated = find(&|f| f.values.len() >= 2 && f.allows(Op::In));
    let date = find(&|f| f.ty == FieldType::Date && f.allows(Op::Gt) && f.allows(Op::Ge));
    let integer = find(&|f| f.ty == FieldType::Integer && f.allows(Op::Gt));
    let text = find(&|f| {
        f.ty == FieldType::String && !f.is_enumerated() && !f.many && f.allows(Op::Contains)
    });
    let boolean = find(&|f| f.ty == FieldType::Boolean && f.allows(Op::Eq));

    let name = |f: &FieldDef| field_text(&f.name);
    let value = |f: &FieldDef, i: usize| {
        let mut text = String::new();
        let _ = write_value(&mut text, f.values.get(i).map_or("", |v| v.as_ref()));
        text
    };
    let mut queries = Vec::new();
    let mut first = None;
    if let Some(e) = enumerated {
        let (n, a, b) = (name(e), value(e, 0), value(e, 1));
        queries.push(format!("{n} = {a}"));
        queries.push(format!("{n} IN [{a}, {b}]"));
        queries.push(format!("NOT {n} = {a}"));
        first = Some(format!("{n} = {a}"));
    }
    if let Some(d) = date {
        queries.push(format!("{} > now-7d", name(d)));
        queries.push(format!("{} >= 2024-01-01", name(d)));
    }
    if let Some(i) = integer {
        queries.push(format!("{} > 2", name(i)));
    }
    if let Some(t) = text {
        queries.push(format!("{} ~ \"refund\"", name(t)));
        queries.push(format!("{} = null", name(t)));
    }
    if let Some(b) = boolean {
        queries.push(format!("{} = true", name(b)));
        first = first.or(Some(format!("{} = true", name(b))));
    }
    if let (Some(first), Some(d), Some(t)) = (first.as_ref(), date, text) {
        queries.push(format!(
            "{first} AND ({} > now-30d OR {} ^ \"Re:\")",
            name(d),
            name(t)
        ));
    }
    if let (Some(first), Some(d)) = (first, date.filter(|d| d.sortable)) {
        queries.push(format!("{first} ORDER BY {} DESC", name(d)));
    }
    queries
        .into_iter()
        .filter_map(|q| {
            let compiled = compiler.compile(&q).ok()?;
            let json = compiled.json();
            // The filter, or with a sort, the filter and the sort.
            let body = match compiled.query.sort {
                None => serde_json::to_string(&json["query"]).ok()?,
                Some(_) => serde_json::to_string(&serde_json::json!({
                    "query": json["query"],
                    "sort": json["sort"],
                }))
                .ok()?,
            };
            Some((q, body))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grammar_is_the_files_productions() {
        let p = productions();
        assert!(
            p.starts_with("query        = or_expr , [ order_by ] ;"),
            "{p}"
        );
        assert!(p.contains("order_by     = \"ORDER\" , \"BY\""), "{p}");
        assert!(p.contains("operator     ="));
        assert!(!p.contains("example:"));
    }

    #[test]
    fn the_primer_names_every_operator() {
        let primer = primer();
        for op in Op::ALL {
            assert!(primer.contains(&format!("`{op}` ")), "{op}: {primer}");
        }
        assert!(primer.contains(DATE_FORMS));
        assert!(primer.contains("ORDER BY") && primer.contains(&sorting_described()));
    }

    /// Where the target sorts, the reference says so, lists the fields
    /// it cannot sort by and shows an example with its `sort`; elsewhere
    /// it says where sorting is.
    #[test]
    fn the_reference_says_where_queries_sort() {
        let settings = Settings {
            api_version: Some("Preview".to_owned()),
            ..Settings::default()
        };
        let text = reference(&settings);
        let contacts = text
            .split("### contacts")
            .nth(1)
            .and_then(|t| t.split("### ").next())
            .expect("a contacts section");
        assert!(
            contacts.contains("ORDER BY field [ASC|DESC]` on any field but `segment_id`, `tag_id`"),
            "{contacts}"
        );
        assert!(
            contacts.contains("ORDER BY last_seen_at DESC` → `{\"query\":"),
            "{contacts}"
        );
        assert!(
            contacts.contains(r#""sort":{"field":"last_seen_at","order":"descending"}"#),
            "{contacts}"
        );
        let conversations = text
            .split("### conversations")
            .nth(1)
            .and_then(|t| t.split("### ").next())
            .expect("a conversations section");
        assert!(
            conversations.contains("No `ORDER BY` in API version Preview: it is in contacts"),
            "{conversations}"
        );
        assert!(
            !conversations.contains("ORDER BY created_at"),
            "{conversations}"
        );
    }
}
