"""The package's API: arguments, errors, warnings and options."""

from __future__ import annotations

import datetime as dt
import json
import pickle
import threading
import warnings

import pytest

import intercom_qc
from intercom_qc import QueryError, QueryWarning

NOW = 1_717_200_000  # 2024-06-01T00:00:00Z


def test_compile_returns_the_body_as_python_objects():
    body = intercom_qc.compile("state = open AND read = false AND conversation_rating.score IN [4, 5]")
    assert body == {
        "query": {
            "operator": "AND",
            "value": [
                {"field": "state", "operator": "=", "value": "open"},
                {"field": "read", "operator": "=", "value": False},
                {"field": "conversation_rating.score", "operator": "IN", "value": [4, 5]},
            ],
        }
    }
    assert list(body["query"]["value"][0]) == ["field", "operator", "value"]


def test_now_as_seconds_datetime_or_text():
    expected = intercom_qc.compile("created_at > now-1d", now=NOW)
    assert expected["query"]["value"] == str(NOW - 86400 + 1)  # the API's `>` is inclusive
    utc = dt.datetime(2024, 6, 1, tzinfo=dt.timezone.utc)
    paris = dt.datetime(2024, 6, 1, 2, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    for now in (NOW, float(NOW) + 0.5, utc, paris, "2024-06-01T00:00:00Z", "2024-06-01T02:00:00+02:00"):
        assert intercom_qc.compile("created_at > now-1d", now=now) == expected, now


@pytest.mark.parametrize(
    "now,error,match",
    [
        (dt.datetime(2024, 6, 1), ValueError, "naive"),
        ("yesterday", ValueError, "RFC 3339"),
        (10**20, ValueError, "years"),
        (float("nan"), ValueError, "years"),
        (True, TypeError, "bool"),
        ([], TypeError, "list"),
    ],
)
def test_bad_now(now, error, match):
    with pytest.raises(error, match=match):
        intercom_qc.compile("state = open", now=now)


def test_query_errors_carry_diagnostics_and_render_like_the_cli():
    with pytest.raises(QueryError) as raised:
        intercom_qc.compile("stat = open")
    error = raised.value
    assert isinstance(error, ValueError)
    [d] = error.diagnostics
    assert d["code"] == "E0101" and d["severity"] == "error"
    assert d["range"] == {"start": 0, "end": 4}
    assert d["location"] == {"start": {"line": 1, "column": 1}, "end": {"line": 1, "column": 5}}
    assert d["help"] == "did you mean `state`?"
    assert d["suggestion"]["replacement"] == "state"
    text = str(error)
    assert text.startswith("[E0101] Error: unknown field `stat`")
    assert "─[ query:1:1 ]" in text and "did you mean `state`?" in text
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is QueryError and str(again) == text and again.diagnostics == error.diagnostics


def test_warnings_are_issued_and_check_lists_them():
    query = 'source.body = "need support"'
    with pytest.warns(QueryWarning) as caught:
        body = intercom_qc.compile(query)
    assert body["query"]["field"] == "source.body"
    [warning] = [w.message for w in caught]
    assert warning.diagnostics == intercom_qc.check(query)
    assert warning.diagnostics[0]["severity"] == "warning"
    assert "Warning" in str(warning)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        intercom_qc.compile("state = open")  # no warning


def test_check_is_empty_for_a_clean_query():
    assert intercom_qc.check("state = open") == []
    diagnostics = intercom_qc.check("stat = open AND (")
    assert len(diagnostics) >= 2 and diagnostics[0]["code"] == "E0101"
    assert all(d["severity"] == "error" for d in diagnostics)
    assert [d["range"]["start"] for d in diagnostics] == sorted(d["range"]["start"] for d in diagnostics)


def test_pagination():
    body = intercom_qc.compile("state = open", per_page=5, starting_after="abc")
    assert body["pagination"] == {"per_page": 5, "starting_after": "abc"}
    assert intercom_qc.compile("state = open", starting_after="abc")["pagination"] == {
        "per_page": 20,
        "starting_after": "abc",
    }
    assert "pagination" not in intercom_qc.compile("state = open")
    for bad in (0, 151, -1, 2**40):
        with pytest.raises(ValueError, match=f"per_page must be between 1 and 150, got {bad}"):
            intercom_qc.compile("state = open", per_page=bad)
    with pytest.raises(TypeError, match="per_page must be an int"):
        intercom_qc.compile("state = open", per_page="5")


def test_bad_options_raise_value_error_with_a_clear_message():
    with pytest.raises(ValueError, match="unknown target `companies`; expected conversations, contacts or tickets"):
        intercom_qc.compile("state = open", target="companies")
    with pytest.raises(ValueError, match="unknown time zone `Mars/Olympus`"):
        intercom_qc.compile("state = open", timezone="Mars/Olympus")
    with pytest.raises(ValueError, match="cannot read schema file"):
        intercom_qc.compile("state = open", schema="/nonexistent/attributes.json")
    with pytest.raises(ValueError, match="invalid workspace schema") as raised:
        intercom_qc.compile("state = open", schema={"type": "list", "data": 5})
    assert not isinstance(raised.value, QueryError)
    with pytest.raises(TypeError, match="schema must be"):
        intercom_qc.compile("state = open", schema=5)
    with pytest.raises(ValueError, match="unknown date style"):
        intercom_qc.decompile({"query": {"field": "state", "operator": "=", "value": "open"}}, dates="iso")
    with pytest.raises(TypeError):
        intercom_qc.compile("state = open", "contacts")  # options are keyword-only
    with pytest.raises(TypeError):
        intercom_qc.compile(b"state = open")


ATTRIBUTES = [
    {"model": "contact", "full_name": "custom_attributes.plan", "data_type": "string", "options": ["free", "pro"]},
]
TICKET_TYPES = {
    "type": "ticket_type.list",
    "ticket_types": [
        {
            "type": "ticket_type",
            "id": "7",
            "name": "Bug",
            "ticket_type_attributes": {
                "type": "list",
                "data": [{"type": "ticket_type_attribute", "id": "17", "name": "severity", "data_type": "integer"}],
            },
        }
    ],
}


def test_schema_shapes(tmp_path):
    listed = {"type": "list", "data": ATTRIBUTES}
    file = tmp_path / "attributes.json"
    file.write_text(json.dumps(listed))
    tickets = tmp_path / "tickets.json"
    tickets.write_text(json.dumps(TICKET_TYPES))
    query = "custom_attributes.plan = pro"
    expected = intercom_qc.compile(query, target="contacts", schema=listed)
    for schema in (
        ATTRIBUTES,  # the bare array
        file,
        str(file),
        json.dumps(listed),
        json.dumps(listed).encode(),
        [file, tickets],
        (listed, TICKET_TYPES),
        [str(file)],
    ):
        assert intercom_qc.compile(query, target="contacts", schema=schema) == expected, schema
    with pytest.raises(QueryError, match="did you mean `pro`"):
        intercom_qc.compile("custom_attributes.plan = prp", target="contacts", schema=ATTRIBUTES)
    # Without a schema, custom attributes are not checked.
    with pytest.warns(QueryWarning, match="not checked"):
        assert intercom_qc.compile("custom_attributes.plan = prp", target="contacts")
    body = intercom_qc.compile("severity > 2", target="tickets", schema=[file, tickets])
    assert body["query"] == {"field": "ticket_attribute.17", "operator": ">", "value": 3}  # inclusive `>`
    rows = intercom_qc.fields("tickets", tickets)
    assert [(r["name"], r["alias"]) for r in rows if r["custom"]] == [("ticket_attribute.17", "severity")]


def test_timezone():
    utc = intercom_qc.compile("created_at > 2024-01-15")
    paris = intercom_qc.compile("created_at > 2024-01-15", timezone="Europe/Paris")
    assert int(utc["query"]["value"]) - int(paris["query"]["value"]) == 3600


def test_validate():
    good = {"query": {"field": "state", "operator": "=", "value": "open"}}
    assert intercom_qc.validate(good) == []
    assert intercom_qc.validate(json.dumps(good)) == []
    assert intercom_qc.validate(json.dumps(good).encode()) == []
    bad = {"query": {"field": "state", "operator": "~", "value": "open"}}
    [d] = intercom_qc.validate(bad)
    assert d["path"] == "query.operator" and d["severity"] == "error"
    text = json.dumps(bad)
    assert text[d["range"]["start"] : d["range"]["end"]] == '"~"'
    [d] = intercom_qc.validate("{")
    assert d["severity"] == "error"
    assert intercom_qc.validate(good, target="contacts")  # no `state` on contacts
    with pytest.raises(TypeError, match="JSON"):
        intercom_qc.validate({"query": object()})


def test_decompile():
    body = {
        "query": {
            "operator": "AND",
            "value": [
                {"field": "created_at", "operator": ">", "value": "1704067200"},
                {"field": "state", "operator": "=", "value": "open"},
            ],
        }
    }
    assert intercom_qc.decompile(body) == "created_at >= 2024-01-01T00:00:00Z AND state = open"
    assert intercom_qc.decompile(json.dumps(body), dates="unix") == "created_at >= 1704067200 AND state = open"
    with pytest.raises(QueryError) as raised:
        intercom_qc.decompile({"query": {"field": "stat", "operator": "=", "value": "open"}})
    assert raised.value.diagnostics[0]["path"] == "query.field"
    assert "─[ request:1:" in str(raised.value)


def test_format():
    assert intercom_qc.format("state=open and(read = 'true'  )") == "state = open AND read = true"
    long = " OR ".join(f"statistics.count_reopens = {i}" for i in range(6))
    assert "\n" in intercom_qc.format(long, width=40)
    assert "\n" not in intercom_qc.format(long, width=400)
    with pytest.raises(QueryError) as raised:
        intercom_qc.format("state = open AND (")
    assert raised.value.diagnostics


def test_fields():
    rows = intercom_qc.fields()
    state = next(r for r in rows if r["name"] == "state")
    assert state == {
        "name": "state",
        "type": "String",
        "operators": ["=", "!=", "IN", "NIN"],
        "values": ["open", "closed", "snoozed"],
        "doc": state["doc"],
        "custom": False,
    }
    assert any(r["name"] == "role" for r in intercom_qc.fields("contacts"))
    with pytest.raises(ValueError, match="unknown target"):
        intercom_qc.fields("companies")


def test_threads_share_the_module():
    results = []

    def work(i):
        body = intercom_qc.compile(f"statistics.count_reopens = {i}", target="conversations")
        results.append(body["query"]["value"] == i)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [True] * 8


def test_version_and_exports():
    assert intercom_qc.__version__ == "0.1.0"
    assert set(intercom_qc.__all__) >= {"compile", "check", "validate", "decompile", "fields", "format", "QueryError"}
    assert intercom_qc.compile.__doc__ and "QueryError" in intercom_qc.compile.__doc__


def test_rewrite():
    query = " OR ".join(f"tag_ids = {i}" for i in range(20))
    with pytest.warns(QueryWarning, match="N0301") as caught:
        body = intercom_qc.compile(query)
    assert body["query"]["operator"] == "IN"
    assert caught[0].message.diagnostics[0]["severity"] == "note"
    with pytest.raises(QueryError):
        intercom_qc.compile(query, rewrite=False)
