"""Type-checked (mypy --strict) by test.sh against the package's stubs: the
API as a typed program uses it. Also run by pytest, below."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Dict, Iterator, List

import intercom_qc
from intercom_qc import QueryError


def use(schema_file: Path) -> List[str]:
    body: Dict[str, Any] = intercom_qc.compile(
        "state = open",
        target="conversations",
        now=dt.datetime(2024, 6, 1, tzinfo=dt.timezone.utc),
        timezone="Europe/Paris",
        per_page=5,
    )
    intercom_qc.compile("role = lead", target="contacts", schema=schema_file, now=1717200000)
    diagnostics: List[intercom_qc.Diagnostic] = intercom_qc.check("stat = open", now="2024-06-01T00:00:00Z")
    lines = [d["location"]["start"]["line"] for d in diagnostics if "location" in d]
    problems = intercom_qc.validate(body) + intercom_qc.validate("{}", schema=[str(schema_file)])
    text: str = intercom_qc.decompile(body, dates="unix") + intercom_qc.format("read=true", width=40)
    names = [f["name"] for f in intercom_qc.fields("tickets", None, timezone="UTC")]
    try:
        intercom_qc.compile("stat = open")
    except QueryError as e:
        problems += e.diagnostics
    options: intercom_qc.Options = {"target": "conversations", "now": 1717200000, "max_requests": 10}
    bodies: List[Dict[str, Any]] = intercom_qc.plan("state = open", **options)
    conversations: List[Dict[str, Any]] = [{"state": "open", "id": "1"}, {"state": "closed", "id": "2"}]
    kept: Iterator[Dict[str, Any]] = intercom_qc.filter("state = open", conversations, **options)
    ids = [c["id"] for c in kept if intercom_qc.matches("state = open", c, dates="unix")]
    for d in diagnostics:
        if "suggestion" in d:
            span = d["suggestion"]["span"]
            names.append("stat = open"[: span["start"]] + d["suggestion"]["replacement"] + "stat = open"[span["end"] :])
    return [text, *names, *map(str, lines), *(p["code"] for p in problems), *ids, str(len(bodies))]


def test_the_typed_program_runs(tmp_path: Path) -> None:
    schema = tmp_path / "attributes.json"
    schema.write_text('{"type": "list", "data": []}')
    out = use(schema)
    assert out[0].startswith("state = open")
    assert "E0101" in out
    assert "state = open" in out  # the suggestion applied
    assert out[-2:] == ["1", "1"]
