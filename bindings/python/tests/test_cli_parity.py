"""For the same inputs, the package gives what the `qc` command gives, over
the fixture corpus (tests/fixtures/ok/*.qc and err/*.qc): request bodies,
diagnostics (`qc check --format json`, their ranges counted in code points
rather than bytes), rendered errors and warnings, plans, validation and
decompilation of the compiled bodies, formatting, the field tables, and
the objects that `qc filter` keeps."""

from __future__ import annotations

import json
import random
import warnings

import pytest

import intercom_qc
from conftest import NOW, ROOT, fixture_files, in_code_points
from test_offsets import CORPUS

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
    return in_code_points(json.loads(out.stdout), text_of(path))


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
    assert intercom_qc.validate(body_text) == in_code_points(json.loads(validated.stdout), body_text)
    assert intercom_qc.validate(body) == [] or json.loads(validated.stdout) != []

    for dates in ("rfc3339", "unix"):
        out = cli(["decompile", "--color", "never", "--dates", dates, "-"], input=body_text.encode())
        assert out.returncode == 0
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", intercom_qc.QueryWarning)
            got = intercom_qc.decompile(body_text, dates=dates)
            assert got == intercom_qc.decompile(body, dates=dates)
        assert got + "\n" == out.stdout.decode()
        rendered = "".join(str(w.message) for w in caught[:1])
        # The command line adds a note on pagination, which has no text.
        stderr = "".join(
            line for line in out.stderr.decode().splitlines(keepends=True) if not line.startswith("note: pagination")
        )
        assert rendered == stderr.replace("─[ stdin:", "─[ request:")


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
    expected = in_code_points(json.loads(validated.stdout), bad)
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
        assert raised.value.diagnostics == in_code_points(json.loads(listed.stderr), text)


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
    expected = in_code_points(json.loads(checked.stdout), query)
    assert intercom_qc.check(query, **options) == expected
    # The schema as a path, as a str path, as parsed JSON and as JSON text.
    for schema_arg in (schema, str(schema), SCHEMA, json.dumps(SCHEMA), [SCHEMA]):
        options["schema"] = schema_arg
        if out.returncode == 0:
            assert compile_quietly(query, **options)[0] == json.loads(out.stdout)
        else:
            with pytest.raises(intercom_qc.QueryError) as raised:
                intercom_qc.compile(query, **options)
            assert raised.value.diagnostics == expected
    fields = cli(["fields", "--format", "json", "--target", target, "--schema", str(schema)])
    assert intercom_qc.fields(target, schema) == json.loads(fields.stdout)


#: Each API version's own table and meaning: 2.16 contacts (`owner_id` a
#: String, `formatted_phone`), the field a version lacks, Preview contacts
#: (seconds in UTC, a real `<=`), Preview tickets (integer assignee ids),
#: companies (Preview only) and conversations' `priority` terms in 2.16.
VERSION_CASES = [
    ("contacts", "2.16", 'owner_id = 123 AND formatted_phone = "+1 555 0100"'),
    ("contacts", "2.15", "formatted_phone = x"),
    ("contacts", "Preview", "created_at > 2024-01-15 AND last_seen_at <= 2024-02-01T10:00:00Z AND email != x"),
    ("contacts", "Preview", "owner_id = 12 AND signed_up_at >= now-7d"),
    ("tickets", "Preview", "admin_assignee_id = 5 AND created_at > now-7d"),
    ("tickets", "2.10", "state = submitted AND created_at > 2024-05-01"),
    ("companies", "Preview", "name ~ acme AND user_count > 3 AND created_at < 2024-05-01"),
    ("conversations", "2.16", "priority = urgent AND statistics.count_reopens > 2"),
    ("conversations", "2.11", "priority = urgent"),
]


@pytest.mark.parametrize("target,version,query", VERSION_CASES)
def test_api_versions_as_the_cli_does(cli, target, version, query):
    flags = ["--now", NOW, "--target", target, "--api-version", version]
    options = {"now": NOW, "target": target, "api_version": version}
    out = cli([*flags, "--", query])
    checked = cli(["check", "--format", "json", *flags, "--", query])
    expected = in_code_points(json.loads(checked.stdout), query)
    assert intercom_qc.check(query, **options) == expected
    if out.returncode == 0:
        assert compile_quietly(query, **options)[0] == json.loads(out.stdout)
    else:
        assert out.returncode == 1, out.stderr
        with pytest.raises(intercom_qc.QueryError) as raised:
            intercom_qc.compile(query, **options)
        assert raised.value.diagnostics == expected
    fields = cli(["fields", "--format", "json", "--target", target, "--api-version", version])
    assert intercom_qc.fields(target, api_version=version) == json.loads(fields.stdout)


def test_the_version_cases_have_both_outcomes(cli):
    outcomes = {
        cli(["--now", NOW, "--target", t, "--api-version", v, "--", q]).returncode
        for t, v, q in VERSION_CASES
    }
    assert outcomes == {0, 1}


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
    assert intercom_qc.check(query, now=NOW, rewrite=rewrite) == in_code_points(json.loads(checked.stdout), query)
    if out.returncode == 0:
        body, warning = compile_quietly(query, now=NOW, rewrite=rewrite)
        assert body == json.loads(out.stdout)
        assert warning is not None and str(warning) == out.stderr.decode()
    else:
        with pytest.raises(intercom_qc.QueryError) as raised:
            intercom_qc.compile(query, now=NOW, rewrite=rewrite)
        assert str(raised.value) == out.stderr.decode()


@pytest.mark.parametrize("text", [t for t, _ in CORPUS])
def test_offsets_are_the_cli_offsets_in_code_points(cli, text):
    checked = cli(["check", "--format", "json", "--now", NOW, "--", text])
    expected = json.loads(checked.stdout)
    got = intercom_qc.check(text, now=NOW)
    assert got == in_code_points(expected, text)
    # Only the units differ: bytes there, code points here.
    assert got != expected


SPLIT = "(state = open OR read = true) AND " + " AND ".join(
    f"(statistics.count_reopens > {i} OR tag_ids = {i})" for i in range(16)
)
PLANNED = [(p.stem, text_of(p)) for p in ALL] + [
    ("split", SPLIT),
    ("fold", OVER_LIMITS[0]),
    ("nest", OVER_LIMITS[1]),
    ("smart quotes", "source.subject ~ “退款” AND state = open"),
]


@pytest.mark.parametrize("name,text", PLANNED, ids=[n for n, _ in PLANNED])
@pytest.mark.parametrize("extra", [[], ["--per-page", "7", "--max-requests", "4"]], ids=["default", "limited"])
def test_plan_as_the_cli_does(cli, name, text, extra):
    if "\0" in text:
        pytest.skip("an argument cannot hold NUL")
    options = {"now": NOW, "per_page": 7, "max_requests": 4} if extra else {"now": NOW}
    out = cli(["plan", "--now", NOW, "--format", "json", *extra, "--", text])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            bodies = intercom_qc.plan(text, **options)
        except intercom_qc.QueryError as e:
            assert out.returncode == 1, out.stderr
            if e.diagnostics:
                assert e.diagnostics == in_code_points(json.loads(out.stderr), text)
            else:
                assert out.stderr.decode().startswith(f"error: {e}".split(";")[0])
            return
    assert out.returncode == 0, out.stderr
    assert bodies == [json.loads(line) for line in out.stdout.decode().splitlines()]
    issued = [w.message for w in caught if isinstance(w.message, intercom_qc.QueryWarning)]
    stderr = out.stderr.decode()
    if issued:
        [warning] = issued
        diagnostics_json = stderr[: stderr.rindex("]") + 1]
        assert warning.diagnostics == in_code_points(json.loads(diagnostics_json), text)
    else:
        assert not stderr.startswith("[")


def test_plan_corpus_has_every_outcome(cli):
    counts = {len(intercom_qc.plan(SPLIT)), len(intercom_qc.plan("state = open"))}
    assert counts == {8, 1}
    with pytest.raises(intercom_qc.QueryError):
        intercom_qc.plan(SPLIT, max_requests=4)


WORDS = ["refund", "Refund", "order", "please", "café", "naïve", "😀", "退款", "日本", "hello", "test", "support", "need", "x"]


def conversation(rng: random.Random, i: int) -> dict:
    now = 1_717_200_000
    state = rng.choice(["open", "closed", "snoozed"])
    words = lambda k: " ".join(rng.choice(WORDS) for _ in range(rng.randrange(1, k)))
    return {
        "type": "conversation",
        "id": str(i),
        "created_at": now - rng.randrange(400 * 86400),
        "updated_at": now - rng.randrange(40 * 86400),
        "snoozed_until": rng.choice([None, now + rng.randrange(-86400, 86400)]),
        "state": state,
        "open": state == "open",
        "read": rng.choice([True, False]),
        "priority": rng.choice(["priority", "not_priority"]),
        "admin_assignee_id": rng.choice([None, 42, 5017691]),
        "team_assignee_id": rng.choice([None, 5017691, 7]),
        "tags": {"type": "tag.list", "tags": [{"type": "tag", "id": str(rng.randrange(1, 5)), "name": "t"} for _ in range(rng.randrange(3))]},
        "source": {
            "type": rng.choice(["email", "whatsapp", "phone_call", "conversation"]),
            "subject": words(4),
            "body": "<p>" + words(8) + "</p>",
            "url": rng.choice([None, "https://example.com/a", "http://example.org/b", "null"]),
            "author": {
                "type": "user",
                "email": rng.choice(["jane@example.com", "joe@acme.com", "ann@spam.net"]),
                "name": rng.choice(["Zoë", "日本", "Jane"]),
            },
        },
        "statistics": {
            "count_reopens": rng.choice([None, 0, 1, 2, 3, 5, 7]),
            "count_assignments": rng.randrange(4),
            "time_to_admin_reply": rng.choice([None, 30, 120, 4000]),
            "time_to_assignment": rng.choice([None, 600, 3600]),
            "time_to_first_close": rng.choice([None, 3600, 9000]),
        },
        "conversation_rating": rng.choice([None, {"score": rng.randrange(1, 6), "remark": "ok"}]),
        "ai_agent_participated": rng.choice([True, False]),
        "ai_agent": rng.choice([None, {"rating": rng.choice([3, 4, 4.5, 5]), "resolution_state": "confirmed_resolution"}]),
        "custom_attributes": {"score": rng.randrange(10), "plan": rng.choice(["free", "pro", "é"])},
    }


RNG = random.Random(20240601)
CONVERSATIONS = [conversation(RNG, i) for i in range(300)]
FILTERED = [(p.stem, text_of(p)) for p in OK] + [
    ("subject word", "source.subject ~ refund"),
    ("cjk", "source.subject ~ 退款 OR source.author.name = 日本"),
    ("accents", "source.body ~ café AND source.author.name = Zoë"),
    ("emoji", 'source.subject ~ "😀"'),
    ("nested", " AND ".join(f"(state = open OR statistics.count_reopens > {i})" for i in range(20))),
    ("float", "ai_agent.rating > 4"),
    ("not an integer", "ai_agent.rating >= 4.5"),
    ("null", "admin_assignee_id = null AND source.url != null"),
    ("tags", "tag_ids IN [1, 3] AND NOT tag_ids = 2"),
]


@pytest.fixture(scope="module")
def jsonl(tmp_path_factory):
    path = tmp_path_factory.mktemp("filter") / "conversations.jsonl"
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in CONVERSATIONS), encoding="utf-8")
    return path


@pytest.mark.parametrize("name,query", FILTERED, ids=[n for n, _ in FILTERED])
def test_filter_and_matches_as_the_cli_does(cli, jsonl, name, query):
    if "\0" in query:
        pytest.skip("an argument cannot hold NUL")
    out = cli(["filter", "--now", NOW, "--color", "never", "--", query, str(jsonl)])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            kept = list(intercom_qc.filter(query, CONVERSATIONS, now=NOW))
        except intercom_qc.QueryError as e:
            assert out.returncode == 1
            assert str(e) == out.stderr.decode()
            return
    assert out.returncode == 0, out.stderr
    expected = [json.loads(line)["id"] for line in out.stdout.decode().splitlines()]
    assert [c["id"] for c in kept] == expected
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", intercom_qc.QueryWarning)
        assert [c["id"] for c in CONVERSATIONS if intercom_qc.matches(query, c, now=NOW)] == expected
    issued = [w.message for w in caught if isinstance(w.message, intercom_qc.QueryWarning)]
    assert "".join(map(str, issued)) + f"matched {len(expected)} of {len(CONVERSATIONS)}\n" == out.stderr.decode()


def test_the_filter_corpus_selects_some_and_not_all():
    sizes = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _, query in FILTERED:
            try:
                sizes.append(len(list(intercom_qc.filter(query, CONVERSATIONS, now=NOW))))
            except intercom_qc.QueryError:
                pass
    partial = [n for n in sizes if 0 < n < len(CONVERSATIONS)]
    assert len(partial) >= 20, sizes
