//! `qc schema pull` through the real binary, against a scripted Intercom
//! on 127.0.0.1 (`support/intercom.rs`, [`SchemaApi`]): the lists in
//! pages, archived attributes, retries after a 429 and a 500, a bad token,
//! a malformed answer, a file that is not a schema, and a failure that
//! leaves the previous file as it was. Every run checks that the token is
//! on neither stdout nor stderr, nor in the file. Then the schema
//! document as the library reads it.

mod support;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use qc::schema::Workspace;
use qc::target::ApiVersion;
use serde_json::{Value, json};
use support::intercom::{
    Recorded, Reply, Run, SchemaApi, Server, TOKEN, data_attribute, encode_cursor, ticket_type,
};

/// A workspace: contacts with two custom attributes (one archived) and a
/// built-in one, a conversation attribute, a company attribute and two
/// ticket types, in pages of 2.
fn workspace() -> SchemaApi {
    SchemaApi {
        data_attributes: vec![
            data_attribute("contact", "email", "string", false),
            data_attribute("contact", "custom_attributes.plan", "string", false),
            data_attribute("contact", "custom_attributes.seats", "integer", false),
            data_attribute("contact", "custom_attributes.legacy_id", "string", true),
            data_attribute(
                "conversation",
                "custom_attributes.priority_score",
                "float",
                false,
            ),
            data_attribute("company", "custom_attributes.tier", "string", false),
        ],
        ticket_types: vec![
            ticket_type("85", "Bug Report", &[("218", "severity", "integer")]),
            ticket_type(
                "86",
                "Refund",
                &[("301", "amount", "decimal"), ("302", "receipt", "files")],
            ),
        ],
        page_size: Some(2),
    }
}

/// A directory to work in, with a `.git` so that no `qc.toml` above it
/// applies.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::create_dir(dir.path().join(".git")).expect("created");
    dir
}

fn qc(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("qc").expect("the qc binary");
    cmd.current_dir(dir)
        .env("INTERCOM_TOKEN", TOKEN)
        .env("NO_COLOR", "1")
        .env_remove("HTTP_PROXY")
        .env_remove("HTTPS_PROXY")
        .env_remove("ALL_PROXY")
        .env_remove("http_proxy")
        .env_remove("https_proxy")
        .env_remove("all_proxy");
    cmd
}

/// `qc schema pull --base-url SERVER ARGS` in `dir`, with fast retries.
fn pull(dir: &Path, server: &Server, args: &[&str]) -> Run {
    Run::checked(
        qc(dir)
            .args(["schema", "pull", "--backoff-base", "1ms", "--base-url"])
            .arg(server.url())
            .args(args)
            .output()
            .expect("qc ran"),
    )
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("the file")
}

/// The files of `dir` other than `.git`, by name.
fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("readable")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n != ".git")
        .collect();
    names.sort();
    names
}

fn paths(requests: &[Recorded]) -> Vec<String> {
    requests.iter().map(|r| r.path.clone()).collect()
}

#[test]
fn pulls_every_page_of_every_list_into_one_file_that_qc_reads() {
    let api = workspace();
    let server = Server::start(move |request, _| api.reply(request));
    let dir = project();
    let run = pull(dir.path(), &server, &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stdout, "schema = [\"qc-schema.json\"]\n");
    assert_eq!(
        run.stderr,
        "wrote qc-schema.json: 7 custom attributes (contacts 3, conversations 1, companies 1, tickets 2), 1 archived, 2 ticket types; API version 2.11\n\
         use it with this line in a qc.toml here:\n"
    );
    // Contacts come in two pages (four attributes, archived included), the
    // cursor percent-encoded; then one page each.
    let cursor = encode_cursor(2).replace('=', "%3D");
    assert!(cursor.ends_with("%3D%3D"));
    assert_eq!(
        paths(&server.requests()),
        [
            "/data_attributes?model=contact&include_archived=true",
            &format!(
                "/data_attributes?model=contact&include_archived=true&starting_after={cursor}"
            ),
            "/data_attributes?model=conversation&include_archived=true",
            "/data_attributes?model=company&include_archived=true",
            "/ticket_types",
        ]
    );
    for request in server.requests() {
        assert_eq!(request.method, "GET");
        assert_eq!(request.header("intercom-version"), Some("2.11"));
        assert_eq!(request.header("accept"), Some("application/json"));
        assert_eq!(request.header("content-type"), None);
    }
    let text = read(&dir.path().join("qc-schema.json"));
    assert!(!text.contains(TOKEN));
    let written: Value = serde_json::from_str(&text).expect("JSON");
    insta::assert_json_snapshot!("pulled_schema", written);
    assert_eq!(
        files(dir.path()),
        ["qc-schema.json"],
        "no temporary file left"
    );

    // The file is a schema: typed custom attributes, archived ones
    // warned about, unknown ones refused, ticket attributes by name.
    let compile = |args: &[&str]| {
        qc(dir.path())
            .args(["--schema", "qc-schema.json"])
            .args(args)
            .output()
            .expect("qc ran")
    };
    let out = compile(&["--target", "contacts", "custom_attributes.seats > 10"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "{\"query\":{\"field\":\"custom_attributes.seats\",\"operator\":\">\",\"value\":10}}\n"
    );
    let out = compile(&["--target", "contacts", "custom_attributes.legacy_id = a"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("W0102"));
    let out = compile(&["--target", "contacts", "custom_attributes.nope = a"]);
    assert_eq!(out.status.code(), Some(1));
    // (The tickets endpoint's `>` is inclusive: `>= 2` is sent as `> 2`.)
    let out = compile(&["--target", "tickets", "severity >= 2"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "{\"query\":{\"field\":\"ticket_attribute.218\",\"operator\":\">\",\"value\":2}}\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_version_and_the_line_follow_qc_toml() {
    let api = workspace();
    let server = Server::start(move |request, _| api.reply(request));
    let dir = project();
    std::fs::write(dir.path().join("qc.toml"), "api_version = \"2.16\"\n").expect("written");
    let sub = dir.path().join("queries");
    std::fs::create_dir(&sub).expect("created");
    let run = pull(&sub, &server, &["-o", "schema/workspace.json"]);
    // The directory of the file must exist: nothing is created but it.
    assert_eq!(run.code, Some(3), "{}", run.stderr);
    std::fs::create_dir(sub.join("schema")).expect("created");
    let run = pull(&sub, &server, &["-o", "schema/workspace.json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stdout, "schema = [\"queries/schema/workspace.json\"]\n");
    assert!(
        run.stderr.ends_with(&format!(
            "API version 2.16\nuse it with this line in {}:\n",
            dir.path().join("qc.toml").display()
        )),
        "{}",
        run.stderr
    );
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.header("intercom-version") == Some("2.16"))
    );

    // Once qc.toml names it, the schema applies, and pulling again says so.
    std::fs::write(
        dir.path().join("qc.toml"),
        "api_version = \"2.16\"\nschema = [\"queries/schema/workspace.json\"]\n",
    )
    .expect("written");
    let run = pull(
        &sub,
        &server,
        &["-o", "schema/workspace.json", "--api-version", "2.15"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.contains("API version 2.15\n"), "{}", run.stderr);
    assert!(
        run.stderr.ends_with("qc.toml already uses it:\n"),
        "{}",
        run.stderr
    );
    let out = qc(&sub)
        .args(["--target", "contacts", "custom_attributes.nope = 1"])
        .output()
        .expect("qc ran");
    assert_eq!(
        out.status.code(),
        Some(1),
        "qc.toml's schema describes contacts"
    );
}

#[test]
fn a_version_without_tickets_pulls_no_ticket_types() {
    let api = workspace();
    let server = Server::start(move |request, _| api.reply(request));
    let dir = project();
    let run = pull(dir.path(), &server, &["--api-version", "2.8", "-q"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stderr, "");
    assert!(!paths(&server.requests()).contains(&"/ticket_types".to_owned()));
    let written: Value =
        serde_json::from_str(&read(&dir.path().join("qc-schema.json"))).expect("JSON");
    assert_eq!(written["api_version"], "2.8");
    assert_eq!(written.get("ticket_types"), None);
}

#[test]
fn a_bad_token_is_exit_3_and_writes_nothing() {
    let api = workspace();
    let server = Server::start(move |request, _| api.reply(request));
    let dir = project();
    let out = qc(dir.path())
        .env("INTERCOM_TOKEN", "wrong-0123456789")
        .args(["schema", "pull", "--base-url"])
        .arg(server.url())
        .output()
        .expect("qc ran");
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: cannot pull the schema: GET /data_attributes?model=contact&include_archived=true: the API answered 401 Unauthorized: unauthorized: Access Token Invalid (request b4b1e0c0-test)\n\
         help: check the access token (INTERCOM_TOKEN or --token-file) and the workspace's region (--region)\n"
    );
    assert!(out.stdout.is_empty());
    assert_eq!(server.requests().len(), 1, "a 401 is not retried");
    assert!(files(dir.path()).is_empty());

    let out = qc(dir.path())
        .env_remove("INTERCOM_TOKEN")
        .args(["schema", "pull", "--base-url"])
        .arg(server.url())
        .output()
        .expect("qc ran");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: no access token: set INTERCOM_TOKEN or pass --token-file PATH\n"
    );
}

#[test]
fn a_429_and_a_500_are_retried() {
    let api = workspace();
    let server = Server::start(move |request, n| match n {
        0 => Reply::error(429, "rate_limit_exceeded", "Too many requests").header("Retry-After", 0),
        3 => Reply::error(500, "server_error", "Something went wrong"),
        _ => api.reply(request),
    });
    let dir = project();
    let run = pull(dir.path(), &server, &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let requests = paths(&server.requests());
    assert_eq!(requests.len(), 7, "{requests:#?}");
    assert_eq!(requests[0], requests[1], "the 429 is asked again");
    assert_eq!(requests[3], requests[4], "the 500 is asked again");
    let written: Value =
        serde_json::from_str(&read(&dir.path().join("qc-schema.json"))).expect("JSON");
    assert_eq!(written["data_attributes"].as_array().map(Vec::len), Some(6));
}

#[test]
fn a_failure_leaves_the_previous_file_as_it_was() {
    let dir = project();
    let previous = "{\"type\": \"list\", \"data\": []}\n";
    let file = dir.path().join("qc-schema.json");
    std::fs::write(&file, previous).expect("written");
    let cases: Vec<(&str, Reply, &str)> = vec![
        (
            "not JSON",
            Reply::raw(200, "{\"data\": [tru"),
            "the body is not JSON",
        ),
        (
            "no list",
            Reply::json(200, &json!({"type": "list"})),
            "the body has no `ticket_types` or `data` list",
        ),
        (
            "a 500 each time",
            Reply::error(500, "server_error", "boom"),
            "the API answered 500 Internal Server Error after 3 attempts",
        ),
        ("a broken connection", Reply::Truncated, "after 3 attempts"),
    ];
    for (case, reply, message) in cases {
        let api = workspace();
        // The last list fails: everything else was fetched already.
        let server = Server::start(move |request, _| {
            if request.path.starts_with("/ticket_types") {
                reply.clone()
            } else {
                api.reply(request)
            }
        });
        let run = pull(dir.path(), &server, &["--max-retries", "2"]);
        assert_eq!(run.code, Some(3), "{case}: {}", run.stderr);
        let failed_request = run
            .stderr
            .strip_prefix("error: cannot pull the schema: GET ")
            .and_then(|rest| rest.split_once("/ticket_types: "));
        assert!(failed_request.is_some(), "{case}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{case}: {}", run.stderr);
        assert_eq!(read(&file), previous, "{case}");
        assert_eq!(
            files(dir.path()),
            ["qc-schema.json"],
            "{case}: no temporary file left"
        );
    }
}

#[test]
fn an_answer_that_is_no_schema_is_not_written() {
    let dir = project();
    let api = SchemaApi {
        data_attributes: vec![data_attribute(
            "contact",
            "custom_attributes.plan",
            "colour",
            false,
        )],
        ..SchemaApi::default()
    };
    let server = Server::start(move |request, _| api.reply(request));
    let run = pull(dir.path(), &server, &[]);
    assert_eq!(run.code, Some(3));
    assert!(
        run.stderr
            .starts_with("error: the API's answer is not a schema qc can read:\n"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("unknown `data_type` `colour`"),
        "{}",
        run.stderr
    );
    assert!(files(dir.path()).is_empty());
}

#[test]
fn a_file_that_is_not_a_schema_is_not_replaced_without_force() {
    let api = workspace();
    let server = Server::start(move |request, _| api.reply(request));
    let dir = project();
    let notes = dir.path().join("notes.json");
    std::fs::write(&notes, "{\"todo\": [\"write the schema\"]}\n").expect("written");
    let run = pull(dir.path(), &server, &["-o", "notes.json"]);
    assert_eq!(run.code, Some(2));
    assert_eq!(
        run.stderr,
        "error: notes.json is not a qc schema (expected a data attributes list (`{\"type\": \"list\", \"data\": [...]}`) or ticket types (`{\"ticket_types\": [...]}`)); refusing to replace it (choose another file with -o, or pass --force)\n"
    );
    assert!(server.requests().is_empty(), "refused before any request");
    assert_eq!(read(&notes), "{\"todo\": [\"write the schema\"]}\n");

    let run = pull(dir.path(), &server, &["-o", "."]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("is not a regular file"),
        "{}",
        run.stderr
    );

    let run = pull(dir.path(), &server, &["-o", "notes.json", "--force", "-q"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(read(&notes).contains("\"type\": \"qc.workspace_schema\""));

    // A schema, of any form qc reads, is replaced.
    let run = pull(dir.path(), &server, &["-o", "notes.json", "-q"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn the_new_file_keeps_the_old_ones_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let api = workspace();
    let server = Server::start(move |request, _| api.reply(request));
    let dir = project();
    let run = pull(dir.path(), &server, &["-q"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let file = dir.path().join("qc-schema.json");
    let mode = |p: &PathBuf| std::fs::metadata(p).expect("there").permissions().mode() & 0o777;
    assert_eq!(mode(&file), 0o644);
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).expect("set");
    let run = pull(dir.path(), &server, &["-q"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(mode(&file), 0o600);
}

#[test]
fn the_token_in_an_answer_is_redacted_in_the_file() {
    let mut attribute = data_attribute("contact", "custom_attributes.plan", "string", false);
    attribute["description"] = json!(format!("copied from Bearer {TOKEN} by mistake"));
    let api = SchemaApi {
        data_attributes: vec![attribute],
        ..SchemaApi::default()
    };
    let server = Server::start(move |request, _| api.reply(request));
    let dir = project();
    let run = pull(dir.path(), &server, &["-o", "-"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout
            .contains("copied from Bearer <redacted> by mistake"),
        "{}",
        run.stdout
    );
    assert!(files(dir.path()).is_empty(), "`-o -` writes no file");
    let written: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(written["type"], "qc.workspace_schema");
}

#[test]
fn a_repeated_cursor_stops_the_pull() {
    let server = Server::start(|_, _| {
        Reply::json(
            200,
            &json!({"type": "list", "data": [], "pages": {"next": {"starting_after": "again"}}}),
        )
    });
    let dir = project();
    let run = pull(dir.path(), &server, &[]);
    assert_eq!(run.code, Some(3));
    assert!(
        run.stderr
            .contains("returned the cursor `again` a second time"),
        "{}",
        run.stderr
    );
    assert_eq!(server.requests().len(), 2);
}

// ---- the schema document, as the library reads it ---------------------

#[test]
fn a_document_describes_each_model_of_a_section_even_when_empty() {
    use qc::schema::Model;
    let both = Workspace::document(ApiVersion::DEFAULT, Vec::new(), Some(Vec::new()));
    let workspace = Workspace::from_json(&both.to_string()).expect("a schema");
    for model in [
        Model::Contact,
        Model::Conversation,
        Model::Company,
        Model::Ticket,
    ] {
        assert!(workspace.describes(model), "{model:?}");
    }
    let no_tickets = Workspace::document(ApiVersion::DEFAULT, Vec::new(), None);
    let workspace = Workspace::from_json(&no_tickets.to_string()).expect("a schema");
    assert!(workspace.describes(Model::Contact));
    assert!(!workspace.describes(Model::Ticket));
}

#[test]
fn a_malformed_document_is_refused_with_the_path() {
    let messages = |text: &str| -> Vec<String> {
        match Workspace::from_json(text) {
            Ok(_) => Vec::new(),
            Err(diagnostics) => diagnostics
                .iter()
                .map(|d| format!("{}: {}", d.path.as_deref().unwrap_or("?"), d.message))
                .collect(),
        }
    };
    assert_eq!(
        messages(r#"{"type": "qc.workspace_schema", "format": 2, "data_attributes": []}"#),
        [
            "format: this schema document has format 2, and this qc reads format 1: pull it again with this qc (`qc schema pull`), or update qc"
        ]
    );
    assert_eq!(
        messages(r#"{"type": "qc.workspace_schema", "data_attributes": []}"#),
        ["$: this schema document has no `format`"]
    );
    assert_eq!(
        messages(r#"{"type": "qc.workspace_schema", "format": 1, "ticket_types": {}}"#),
        ["ticket_types: expected an array, found an object"]
    );
    assert_eq!(
        messages(
            r#"{"type": "qc.workspace_schema", "format": 1, "data_attributes": [{"full_name": "custom_attributes.a", "data_type": "text"}]}"#
        ),
        [
            "data_attributes[0].data_type: unknown `data_type` `text`; expected string, integer, float, boolean or date"
        ]
    );
    assert_eq!(
        messages(r#"{"type": "qc.workspace_schema", "format": 1}"#),
        ["$: this schema document has neither `data_attributes` nor `ticket_types`"]
    );
}
