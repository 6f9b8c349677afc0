"""For the same inputs, the package gives what the `qc` command gives, over
the fixture corpus (tests/fixtures/ok/*.qc and err/*.qc): request bodies,
diagnostics (`qc check --format json`), rendered errors, validation and
decompilation of the compiled bodies, formatting, and the field tables."""

from __future__ import annotations

import json
import warnings

import pytest

import intercom_qc
from conftest import NOW, ROOT, fixture_files

OK = fixture_files("ok")
ERR = fixture_files("err")
ALL = OK + ERR


def ids(paths):
    return [f"{p.parent.name}/{p.stem}" for p in paths]


def text_of(path) -> str:
    return path.read_text(encoding="utf-8")


def compile_quietly(text, **options):
    """compile(), returning the body and the QueryWarning issued, if any."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        body = intercom_qc.compile(text, **options)
    issued = [w.message for w in caught if isinstance(w.message, intercom_qc.QueryWarning)]
    assert len(issued) <= 1
    return body, issued[0] if issued else None


def cli_check(cli, path):
    out = cli(["check", "--format", "json", "--now", NOW, "-f", str(path)])
    assert out.returncode in (0, 1), out.stderr
    return json.loads(out.stdout)


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_fixtures_compile_or_fail_as_the_cli_does(cli, path):
    text = text_of(path)
    out = cli(["--now", NOW, "-f", str(path)])
    expected = cli_check(cli, path)
    assert intercom_qc.check(text, now=NOW) == expected
    human = None
    if "\0" not in text:  # an argument cannot hold NUL
        human = cli(["--now", NOW, "--color", "never", "--", text])
        assert human.returncode == out.returncode
    if out.returncode == 0:
        body, warning = compile_quietly(text, now=NOW)
        assert body == json.loads(out.stdout)
        if expected:
            assert warning is not None and warning.diagnostics == expected
            assert human is None or str(warning) == human.stderr.decode()
        else:
            assert warning is None
    else:
        assert out.returncode == 1, out.stderr
        assert any(d["severity"] == "error" for d in expected)
        with pytest.raises(intercom_qc.QueryError) as raised:
            intercom_qc.compile(text, now=NOW)
        assert raised.value.diagnostics == expected
        assert human is None or str(raised.value) == human.stderr.decode()


def test_the_corpus_has_both_kinds(cli):
    outcomes = {cli(["--now", NOW, "-f", str(p)]).returncode for p in ALL}
    assert outcomes == {0, 1}


def compiled_bodies():
    """Every fixture, with pagination on some."""
    out = []
    for i, path in enumerate(ALL):
        extra = ["--per-page", "30", "--starting-after", "WzE3MTcyMDAwMDBd"] if i % 5 == 0 else []
        out.append((path, extra))
    return out


@pytest.mark.parametrize("path,extra", compiled_bodies(), ids=ids(ALL))
def test_compiled_bodies_validate_and_decompile_as_the_cli_does(cli, path, extra, tmp_path):
    compiled = cli(["--now", NOW, "-f", str(path), *extra])
    if compiled.returncode != 0:
        pytest.skip("the query does not compile")
    body_text = compiled.stdout.decode()
    body = json.loads(body_text)
    if extra:
        assert body["pagination"] == {"per_page": 30, "starting_after": "WzE3MTcyMDAwMDBd"}
        assert body == compile_quietly(
            text_of(path), now=NOW, per_page=30, starting_after="WzE3MTcyMDAwMDBd"
        )[0]
    file = tmp_path / "body.json"
    file.write_text(body_text, encoding="utf-8")

    validated = cli(["validate", "--format", "json", str(file)])
    assert validated.returncode == 0
    assert intercom_qc.validate(body_text) == json.loads(validated.stdout)
    assert intercom_qc.validate(body) == [] or json.loads(validated.stdout) != []

    for dates in ("rfc3339", "unix"):
        out = cli(["decompile", "--dates", dates, str(file)])
        assert out.returncode == 0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", intercom_qc.QueryWarning)
            got = intercom_qc.decompile(body_text, dates=dates)
            assert got == intercom_qc.decompile(body, dates=dates)
        assert got + "\n" == out.stdout.decode()


def misspelt(body):
    """The body with its first field name misspelt (one letter dropped)."""
    text = json.dumps(body)
    start = text.index('"field": "') + len('"field": "')
    return text[:start] + text[start + 1 :]


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_invalid_bodies_are_reported_as_the_cli_does(cli, path):
    compiled = cli(["--now", NOW, "-f", str(path)])
    if compiled.returncode != 0:
        pytest.skip("the query does not compile")
    bad = misspelt(json.loads(compiled.stdout))
    validated = cli(["validate", "--format", "json", "-"], input=bad.encode())
    assert validated.returncode == 1
    expected = json.loads(validated.stdout)
    assert intercom_qc.validate(bad) == expected
    with pytest.raises(intercom_qc.QueryError) as raised:
        intercom_qc.decompile(bad)
    assert raised.value.diagnostics == expected
    human = cli(["decompile", "--color", "never", "-"], input=bad.encode())
    assert human.returncode == 1
    assert str(raised.value) == human.stderr.decode().replace("─[ stdin:", "─[ request:")


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_format_as_the_cli_does(cli, path):
    text = text_of(path)
    out = cli(["fmt", str(path)])
    if out.returncode == 0:
        assert intercom_qc.format(text) + "\n" == out.stdout.decode()
        narrow = cli(["fmt", "--width", "30", str(path)])
        assert intercom_qc.format(text, width=30) + "\n" == narrow.stdout.decode()
    else:
        assert out.returncode == 1
        listed = cli(["fmt", "--format", "json", str(path)])
        with pytest.raises(intercom_qc.QueryError) as raised:
            intercom_qc.format(text)
        assert raised.value.diagnostics == json.loads(listed.stderr)


@pytest.mark.parametrize("target", ["conversations", "contacts", "tickets"])
def test_fields_as_the_cli_does(cli, target):
    out = cli(["fields", "--format", "json", "--target", target])
    assert intercom_qc.fields(target) == json.loads(out.stdout)


SCHEMA = {
    "type": "list",
    "data": [
        {
            "type": "data_attribute",
            "model": "contact",
            "full_name": "custom_attributes.plan",
            "data_type": "string",
            "options": ["free", "pro"],
        },
        {
            "type": "data_attribute",
            "model": "conversation",
            "full_name": "custom_attributes.score",
            "data_type": "integer",
        },
    ],
}

WORKSPACE_CASES = [
    ("contacts", "Europe/Paris", "custom_attributes.plan = pro AND created_at = 2024-01-15"),
    ("contacts", "America/New_York", "last_seen_at > now-2d AND role = lead"),
    ("contacts", None, "custom_attributes.plan = prp"),
    ("conversations", "Asia/Tokyo", "custom_attributes.score >= 3 AND created_at < 2024-05-01"),
    ("conversations", None, "custom_attributes.scor = 3"),
    ("tickets", "UTC", "state = submitted"),
]


@pytest.mark.parametrize("target,zone,query", WORKSPACE_CASES)
def test_targets_zones_and_schemas_as_the_cli_does(cli, tmp_path, target, zone, query):
    schema = tmp_path / "attributes.json"
    schema.write_text(json.dumps(SCHEMA), encoding="utf-8")
    flags = ["--now", NOW, "--target", target, "--schema", str(schema)]
    options = {"now": NOW, "target": target, "schema": schema}
    if zone:
        flags += ["--timezone", zone]
        options["timezone"] = zone
    out = cli([*flags, "--", query])
    checked = cli(["check", "--format", "json", *flags, "--", query])
    assert intercom_qc.check(query, **options) == json.loads(checked.stdout)
    # The schema as a path, as a str path, as parsed JSON and as JSON text.
    for schema_arg in (schema, str(schema), SCHEMA, json.dumps(SCHEMA), [SCHEMA]):
        options["schema"] = schema_arg
        if out.returncode == 0:
            assert compile_quietly(query, **options)[0] == json.loads(out.stdout)
        else:
            with pytest.raises(intercom_qc.QueryError) as raised:
                intercom_qc.compile(query, **options)
            assert raised.value.diagnostics == json.loads(checked.stdout)
    fields = cli(["fields", "--format", "json", "--target", target, "--schema", str(schema)])
    assert intercom_qc.fields(target, schema) == json.loads(fields.stdout)


def test_the_repository_root_is_found():
    assert (ROOT / "Cargo.toml").exists() and (ROOT / "tests" / "fixtures").is_dir()


OVER_LIMITS = [
    " OR ".join(f"tag_ids = {i}" for i in range(20)),
    " AND ".join(f"(state = open OR statistics.count_reopens > {i})" for i in range(20)),
]


@pytest.mark.parametrize("query", OVER_LIMITS, ids=["fold", "nest"])
@pytest.mark.parametrize("rewrite", [True, False])
def test_queries_over_the_limits_as_the_cli_does(cli, query, rewrite):
    flags = ["--now", NOW] + ([] if rewrite else ["--no-rewrite"])
    out = cli([*flags, "--", query])
    checked = cli(["check", "--format", "json", *flags, "--", query])
    assert intercom_qc.check(query, now=NOW, rewrite=rewrite) == json.loads(checked.stdout)
    if out.returncode == 0:
        body, warning = compile_quietly(query, now=NOW, rewrite=rewrite)
        assert body == json.loads(out.stdout)
        assert warning is not None and str(warning) == out.stderr.decode()
    else:
        with pytest.raises(intercom_qc.QueryError) as raised:
            intercom_qc.compile(query, now=NOW, rewrite=rewrite)
        assert str(raised.value) == out.stderr.decode()
