"""The package's API: arguments, errors, warnings and options."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import pickle
import re
import threading
import time
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
        (float("nan"), ValueError, "finite"),
        (float("inf"), ValueError, "finite"),
        (True, TypeError, "now: invalid type: boolean"),
        ([], TypeError, "now: invalid type: sequence"),
        (dt.date(2024, 6, 1), TypeError, "now: unsupported type date"),
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
    with pytest.raises(ValueError, match="per_page must be between 1 and 150, got 5.5"):
        intercom_qc.compile("state = open", per_page=5.5)
    for wrong in ("5", True, [5]):
        with pytest.raises(TypeError, match="per_page: invalid type"):
            intercom_qc.compile("state = open", per_page=wrong)


def test_bad_options_raise_value_error_with_a_clear_message():
    with pytest.raises(ValueError, match="unknown target `people`; expected conversations, contacts, tickets or companies"):
        intercom_qc.compile("state = open", target="people")
    with pytest.raises(ValueError, match="companies search is not in API version 2.11; it is in version Preview only"):
        intercom_qc.compile("state = open", target="companies")
    with pytest.raises(ValueError, match="unknown time zone `Mars/Olympus`"):
        intercom_qc.compile("state = open", timezone="Mars/Olympus")
    with pytest.raises(ValueError, match="cannot read /nonexistent/attributes.json: "):
        intercom_qc.compile("state = open", schema="/nonexistent/attributes.json")
    with pytest.raises(ValueError, match="invalid workspace schema") as raised:
        intercom_qc.compile("state = open", schema={"type": "list", "data": 5})
    assert not isinstance(raised.value, QueryError)
    with pytest.raises(TypeError, match="schema must be"):
        intercom_qc.compile("state = open", schema=5)
    with pytest.raises(TypeError, match="dates: unknown variant `iso`, expected `rfc3339` or `unix`"):
        intercom_qc.decompile({"query": {"field": "state", "operator": "=", "value": "open"}}, dates="iso")
    with pytest.raises(TypeError):
        intercom_qc.compile("state = open", "contacts")  # options are keyword-only
    with pytest.raises(TypeError):
        intercom_qc.compile(b"state = open")
    with pytest.raises(TypeError, match="width: invalid value: integer `-1`"):
        intercom_qc.format("state = open", width=-1)
    with pytest.raises(TypeError, match="rewrite: invalid type"):
        intercom_qc.compile("state = open", rewrite="no")


@pytest.mark.parametrize(
    "call",
    [
        lambda **o: intercom_qc.compile("state = open", **o),
        lambda **o: intercom_qc.check("state = open", **o),
        lambda **o: intercom_qc.plan("state = open", **o),
        lambda **o: intercom_qc.validate("{}", **o),
        lambda **o: intercom_qc.decompile("{}", **o),
        lambda **o: intercom_qc.format("state = open", **o),
        lambda **o: intercom_qc.fields(**o),
        lambda **o: intercom_qc.matches("state = open", {}, **o),
        lambda **o: intercom_qc.filter("state = open", [], **o),
    ],
    ids=["compile", "check", "plan", "validate", "decompile", "format", "fields", "matches", "filter"],
)
def test_every_function_takes_the_same_options(call):
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'colour'; the options are target, api_version, timezone, schema, now, per_page, starting_after, rewrite, max_input_bytes, max_requests, dates, width, optimiser_steps, max_file_bytes"):
        call(colour="red")
    with pytest.raises(TypeError, match="unexpected keyword argument 'perPage'"):
        call(perPage=5)  # JavaScript's spelling is not Python's
    with pytest.raises(ValueError, match="unknown time zone `Mars/Olympus`"):
        call(timezone="Mars/Olympus")
    with pytest.raises(ValueError, match="per_page must be between 1 and 150, got 0"):
        call(per_page=0)
    # None is the default, for every option
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QueryWarning)
        try:
            call(**{k: None for k in ("timezone", "now", "per_page", "starting_after", "rewrite", "max_input_bytes", "max_requests", "dates", "width", "max_file_bytes")})
        except QueryError:
            pass  # the body `{}` is invalid; the options were accepted


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
        intercom_qc.fields("people")
    assert any(r["name"] == "name" for r in intercom_qc.fields("companies", api_version="Preview"))


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
    assert set(intercom_qc.__all__) >= {
        "compile", "check", "plan", "validate", "decompile", "fields", "format", "matches", "filter", "QueryError",
    }
    assert all(hasattr(intercom_qc, name) for name in intercom_qc.__all__)
    assert intercom_qc.compile.__doc__ and "QueryError" in intercom_qc.compile.__doc__


def test_rewrite():
    query = " OR ".join(f"tag_ids = {i}" for i in range(20))
    with pytest.warns(QueryWarning, match="N0301") as caught:
        body = intercom_qc.compile(query)
    assert body["query"]["operator"] == "IN"
    assert caught[0].message.diagnostics[0]["severity"] == "note"
    with pytest.raises(QueryError):
        intercom_qc.compile(query, rewrite=False)


def test_options_reach_every_operation():
    assert intercom_qc.format("state = open AND read = true", width=10) == "state = open\nAND read = true"
    body = {"query": {"field": "created_at", "operator": ">", "value": "1704067200"}}
    assert intercom_qc.decompile(body, dates="unix") == "created_at >= 1704067200"
    with pytest.raises(QueryError, match="over the limit of 10 bytes"):
        intercom_qc.compile("state = open AND read = true", max_input_bytes=10)
    [d] = intercom_qc.check("state = open AND read = true", max_input_bytes=10)
    assert d["code"] == "E0008"
    assert intercom_qc.validate({"query": {"field": "role", "operator": "=", "value": "lead"}}, target="contacts") == []
    assert [r["name"] for r in intercom_qc.fields(target="contacts")] == [r["name"] for r in intercom_qc.fields("contacts")]


def test_decompile_warns_when_the_text_does_not_compile_back():
    reopens = [{"field": "statistics.count_reopens", "operator": "=", "value": i} for i in range(20)]
    body = {"query": {"operator": "OR", "value": [{"operator": "OR", "value": reopens[:10]}, *reopens[10:]]}}
    with pytest.warns(QueryWarning) as caught:
        text = intercom_qc.decompile(body)
    assert text == " OR ".join(f"statistics.count_reopens = {i}" for i in range(20))
    [d] = caught[0].message.diagnostics
    assert d["code"] == "W0301" and "does not compile back" in d["message"]
    assert d["range"] == {"start": 0, "end": len(json.dumps(body))}


SPLIT = "(state = open OR read = true) AND " + " AND ".join(
    f"(statistics.count_reopens > {i} OR tag_ids = {i})" for i in range(16)
)


def test_plan():
    assert intercom_qc.plan("state = open", per_page=5) == [intercom_qc.compile("state = open", per_page=5)]
    bodies = intercom_qc.plan(SPLIT, per_page=5, now=NOW)
    assert len(bodies) == 8
    for body in bodies:
        assert body["pagination"] == {"per_page": 5}
        assert intercom_qc.validate(body) == []
    with pytest.raises(QueryError, match="(?s)E0203.*qc plan"):
        intercom_qc.compile(SPLIT, now=NOW)
    with pytest.raises(QueryError, match=r"the smallest plan qc finds has 8 requests, more than the 7 allowed; raise max_requests") as raised:
        intercom_qc.plan(SPLIT, max_requests=7)
    assert raised.value.diagnostics == []
    assert len(intercom_qc.plan(SPLIT, max_requests=8)) == 8
    with pytest.raises(QueryError) as raised:
        intercom_qc.plan("stat = open")
    assert raised.value.diagnostics[0]["help"] == "did you mean `state`?"
    with pytest.warns(QueryWarning, match="smart quotes"):
        assert len(intercom_qc.plan("source.subject ~ “refund”")) == 1


CONVERSATIONS = [
    {"id": "1", "state": "open", "read": False, "source": {"subject": "refund please", "body": "<p>My order</p>"},
     "tags": {"tags": [{"id": "7", "name": "vip"}]}, "created_at": NOW - 3600},
    {"id": "2", "state": "closed", "read": True, "source": {"subject": "Thanks", "body": "<p>All good</p>"},
     "tags": {"tags": []}, "created_at": NOW - 30 * 86400},
    {"id": "3", "state": "open", "read": True, "source": {"subject": "Where is my refund?", "body": ""},
     "tags": {"tags": [{"id": "8", "name": "late"}]}, "created_at": NOW - 86400 * 2},
]


@pytest.mark.parametrize(
    "query,ids",
    [
        ("state = open", ["1", "3"]),
        ("state = open AND read = false", ["1"]),
        ("source.subject ~ refund", ["1", "3"]),
        ("tag_ids = 8 OR state = closed", ["2", "3"]),
        ("created_at > now-1d", ["1"]),
        ("NOT state = open", ["2"]),
    ],
)
def test_matches_and_filter(query, ids):
    assert [c["id"] for c in CONVERSATIONS if intercom_qc.matches(query, c, now=NOW)] == ids
    got = intercom_qc.filter(query, CONVERSATIONS, now=NOW)
    assert iter(got) is got
    items = list(got)
    assert [c["id"] for c in items] == ids
    assert all(any(item is c for c in CONVERSATIONS) for item in items)  # the items themselves


def test_filter_is_lazy_and_reads_ahead_a_bounded_chunk():
    pulled = []

    def endless():
        for i in itertools.count():
            pulled.append(i)
            yield {"state": "open" if i % 1000 == 999 else "closed", "id": i}

    found = intercom_qc.filter("state = open", endless())
    assert pulled == []  # nothing is read before the first next()
    assert next(found)["id"] == 999
    assert next(found)["id"] == 1999
    assert len(pulled) <= 2000 + 256


def test_a_filter_in_a_cycle_is_collected():
    import gc
    import weakref

    class Box:
        pass

    def source(box):
        yield {"state": "open", "boxed": box is not None}

    box = Box()
    box.found = intercom_qc.filter("state = open", source(box))  # box -> filter -> generator -> box
    alive = weakref.ref(box)
    del box
    gc.collect()
    assert alive() is None


def test_filter_and_matches_refuse_what_is_not_json_objects():
    items = [{"state": "open", "id": 0}, [1, 2], {"state": "open", "id": 2}]
    found = intercom_qc.filter("state = open", items)
    assert next(found)["id"] == 0  # the items before a bad one come first
    with pytest.raises(TypeError, match=r"item 1 must be a dict \(a JSON object\), not list"):
        next(found)
    assert next(found)["id"] == 2
    with pytest.raises(StopIteration):
        next(found)
    with pytest.raises(TypeError, match="obj must be a dict"):
        intercom_qc.matches("state = open", "state = open")
    with pytest.raises(TypeError, match="obj: unsupported type datetime"):
        intercom_qc.matches("state = open", {"state": dt.datetime.now()})
    with pytest.raises(TypeError, match="not iterable"):
        intercom_qc.filter("state = open", 5)

    def failing():
        yield {"state": "open"}
        raise RuntimeError("the source failed")

    found = intercom_qc.filter("state = open", failing())
    assert next(found) == {"state": "open"}
    with pytest.raises(RuntimeError, match="the source failed"):
        next(found)


def test_filter_compiles_the_query_once_at_the_call():
    with pytest.raises(QueryError) as raised:
        intercom_qc.filter("stat = open", iter([]))
    assert raised.value.diagnostics[0]["help"] == "did you mean `state`?"
    with pytest.warns(QueryWarning) as caught:
        found = intercom_qc.filter("source.subject ~ “refund”", CONVERSATIONS)
    assert len(caught) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert [c["id"] for c in found] == ["1", "3"]
    # The API's limits on groups do not apply offline.
    nested = " AND ".join(f"(state = open OR statistics.count_reopens > {i})" for i in range(20))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert intercom_qc.matches(nested, {"state": "open"}, rewrite=False)


BIG = 100 * 1024 * 1024


def test_schema_files_are_read_within_a_limit(tmp_path):
    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.truncate(BIG)  # sparse: no disk used
    start = time.perf_counter()
    with pytest.raises(ValueError, match=rf"cannot read {re.escape(str(big))}: it is over the limit of 16777216 bytes \({BIG} bytes\)"):
        intercom_qc.compile("state = open", schema=big)
    assert time.perf_counter() - start < 5
    with pytest.raises(ValueError, match=r"over the limit of 16777216 bytes \(more than that\)"):
        intercom_qc.check("state = open", schema="/dev/zero")
    small = tmp_path / "attributes.json"
    small.write_text(json.dumps({"type": "list", "data": ATTRIBUTES}))
    size = small.stat().st_size
    with pytest.raises(ValueError, match=rf"over the limit of 10 bytes \({size} bytes\)"):
        intercom_qc.fields("contacts", small, max_file_bytes=10)
    with pytest.raises(ValueError, match="over the limit"):
        intercom_qc.fields("contacts", [small, big])
    rows = intercom_qc.fields("contacts", small, max_file_bytes=size)
    assert any(r["name"] == "custom_attributes.plan" for r in rows)
    with pytest.raises(TypeError, match="max_file_bytes must be an int, not str"):
        intercom_qc.fields("contacts", small, max_file_bytes="10")
    not_utf8 = tmp_path / "latin1.json"
    not_utf8.write_bytes(b'{"data": "\xe9"}')
    with pytest.raises(ValueError, match="not UTF-8"):
        intercom_qc.fields("contacts", not_utf8)


# The GIL: a second thread keeps running while the library works.


def ticks_during(call):
    """Runs call() while a second Python thread ticks (at most once a
    millisecond); gives how long the call took and how many ticks fell in
    the window from 20% to 50% of the call, where the library works (the
    arguments are converted before it, the results after it). A call that
    holds the GIL all along leaves no tick there: the thread cannot run."""
    ticks = []
    stop = threading.Event()

    def tick():
        last = time.perf_counter()
        ticks.append(last)
        while not stop.is_set():
            now = time.perf_counter()
            if now - last >= 0.001:
                ticks.append(now)
                last = now

    thread = threading.Thread(target=tick)
    thread.start()
    while not ticks:
        time.sleep(0.001)
    start = time.perf_counter()
    call()
    end = time.perf_counter()
    stop.set()
    thread.join()
    took = end - start
    return took, len([t for t in ticks if start + 0.2 * took < t < start + 0.5 * took])


def slow(make, call, at_least=0.3, limit=2**22):
    """The argument, made by make(n) for a doubling n, that keeps call()
    busy for at least `at_least` seconds (or the one of the limit)."""
    n = 1024
    while True:
        arg = make(n)
        start = time.perf_counter()
        call(arg)
        if time.perf_counter() - start >= at_least or n >= limit:
            return arg
        n *= 2


ROOMY = {"max_input_bytes": 1 << 30}


def in_list(n):
    return "tag_ids IN [" + ", ".join(str(i) for i in range(n)) + "]"


def body_of(n):
    return json.dumps({"query": {"field": "tag_ids", "operator": "IN", "value": [str(i) for i in range(n)]}})


def conversations_of(n):
    text = "<p>" + " ".join(f"word{i} <b>bold</b>" for i in range(200)) + "</p>"
    return [{"state": "open", "source": {"body": text}} for _ in range(n)]


GIL_CASES = {
    "compile": (in_list, lambda q: intercom_qc.compile(q, **ROOMY)),
    "check": (in_list, lambda q: intercom_qc.check(q, **ROOMY)),
    "plan": (in_list, lambda q: intercom_qc.plan(q, **ROOMY)),
    "format": (in_list, lambda q: intercom_qc.format(q, **ROOMY)),
    "validate": (body_of, lambda b: intercom_qc.validate(b, **ROOMY)),
    "decompile": (body_of, lambda b: intercom_qc.decompile(b, **ROOMY)),
    "filter": (conversations_of, lambda items: list(intercom_qc.filter("source.body ~ word199", items))),
}


@pytest.mark.parametrize("name", list(GIL_CASES))
def test_the_gil_is_released_while_the_library_works(name):
    make, call = GIL_CASES[name]
    arg = slow(make, call)
    took, ticks = ticks_during(lambda: call(arg))
    assert took >= 0.2, f"{name} took only {took:.3f} s: the test needs a larger input"
    assert ticks > 0, f"{name}: another thread could not run during {took:.3f} s of work"


def test_the_gil_check_sees_a_call_that_holds_the_gil():
    # re holds the GIL while it backtracks: the check must see no tick.
    def backtrack(s):
        return re.match(r"(a+)+$", s)

    arg = slow(lambda n: "a" * (n.bit_length() + 8) + "b", backtrack, limit=2**20)
    took, ticks = ticks_during(lambda: backtrack(arg))
    assert took >= 0.2 and ticks == 0, (took, ticks)


def test_api_versions_list_each_version_and_its_targets():
    listed = intercom_qc.api_versions()
    assert [v["version"] for v in listed] == [
        "2.7", "2.8", "2.9", "2.10", "2.11", "2.12", "2.13", "2.14", "2.15", "2.16", "Preview",
    ]
    assert [v["version"] for v in listed if v["default"]] == ["2.11"]
    by_name = {v["version"]: v["targets"] for v in listed}
    # No tickets search before 2.10; companies search in Preview only.
    assert by_name["2.9"] == ["conversations", "contacts"]
    assert by_name["2.10"] == ["conversations", "contacts", "tickets"]
    assert by_name["Preview"] == ["conversations", "contacts", "tickets", "companies"]
    # Each listed target compiles in its version; the others are refused.
    for version, targets in by_name.items():
        for target in ("conversations", "contacts", "tickets", "companies"):
            if target in targets:
                assert intercom_qc.fields(target, api_version=version)
            else:
                with pytest.raises(ValueError, match=f"not in API version {version}"):
                    intercom_qc.fields(target, api_version=version)
