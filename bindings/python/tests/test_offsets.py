"""Ranges count code points, as Python's ``str`` indexes: over a corpus of
non-ASCII queries (smart quotes, accents, emoji, CJK, several lines), every
diagnostic's range slices the text it is about, every label its own, and
every suggestion, applied with Python slicing, gives the expected text."""

from __future__ import annotations

import json
import warnings

import pytest

import intercom_qc
from intercom_qc import QueryError, QueryWarning

# (query, [(code, text[range], labels' texts, the query with its suggestion applied or None)])
CORPUS = [
    (
        "source.subject ~ “refund” AND stat = open",
        [
            ("W0011", "“refund”", [], 'source.subject ~ "refund" AND stat = open'),
            ("E0101", "stat", [], "source.subject ~ “refund” AND state = open"),
        ],
    ),
    (
        "source.subject ~ ‘remboursé’ AND stat = open",
        [
            ("W0011", "‘remboursé’", [], "source.subject ~ 'remboursé' AND stat = open"),
            ("E0101", "stat", [], "source.subject ~ ‘remboursé’ AND state = open"),
        ],
    ),
    (
        "source.body ~ “café” OR stae = closed",
        [
            ("W0011", "“café”", [], 'source.body ~ "café" OR stae = closed'),
            ("E0101", "stae", [], "source.body ~ “café” OR state = closed"),
        ],
    ),
    (
        'source.subject ~ "😀 refund" AND stat = open',
        [("E0101", "stat", [], 'source.subject ~ "😀 refund" AND state = open')],
    ),
    (
        'source.subject ~ "退款" AND sate = open',
        [("E0101", "sate", [], 'source.subject ~ "退款" AND state = open')],
    ),
    (
        "source.subject ~ “退款” AND priority = priorty",
        [
            ("W0011", "“退款”", [], 'source.subject ~ "退款" AND priority = priorty'),
            ("E0104", "priorty", [], "source.subject ~ “退款” AND priority = priority"),
        ],
    ),
    (
        'source.subject = "naïve" AND state = opne',
        [("E0104", "opne", [], 'source.subject = "naïve" AND state = open')],
    ),
    (
        "state = open AND source.subject ~ “déjà vu”",
        [("W0011", "“déjà vu”", [], 'state = open AND source.subject ~ "déjà vu"')],
    ),
    (
        'source.subject ~ "日本" AND state == open',
        [("E0011", "==", [], 'source.subject ~ "日本" AND state = open')],
    ),
    (
        'source.subject ~ "€" AND state <> closed',
        [("E0011", "<>", [], 'source.subject ~ "€" AND state != closed')],
    ),
    (
        'source.subject LIKE "%réembolso%"',
        [("E0011", "LIKE", [], 'source.subject ~ "réembolso"')],
    ),
    (
        'source.subject ~ "x" AND created_at > 15/01/2024 AND source.body ~ “ü”',
        [
            ("E0108", "15/01/2024", [], 'source.subject ~ "x" AND created_at > 2024-01-15 AND source.body ~ “ü”'),
            ("W0011", "“ü”", [], 'source.subject ~ "x" AND created_at > 15/01/2024 AND source.body ~ "ü"'),
        ],
    ),
    (
        "source.subject ~ “é”\nAND (stat = open OR state = closed",
        [
            ("W0011", "“é”", [], 'source.subject ~ "é"\nAND (stat = open OR state = closed'),
            ("E0101", "stat", [], "source.subject ~ “é”\nAND (state = open OR state = closed"),
            ("E0004", "", ["("], None),
        ],
    ),
    (
        "source.subject ~ “a” AND state = open AND state = closed",
        [
            ("W0011", "“a”", [], 'source.subject ~ "a" AND state = open AND state = closed'),
            ("W0401", "state = closed", ["state = open"], None),
        ],
    ),
    (
        'source.subject ~ "🎉" && state = open',
        [("E0005", "&&", [], 'source.subject ~ "🎉" AND state = open')],
    ),
]


def applied(text: str, suggestion) -> str:
    span = suggestion["span"]
    return text[: span["start"]] + suggestion["replacement"] + text[span["end"] :]


def found(text: str, diagnostics):
    out = []
    for d in diagnostics:
        r = d["range"]
        labels = [text[l["span"]["start"] : l["span"]["end"]] for l in d.get("labels", [])]
        fixed = applied(text, d["suggestion"]) if "suggestion" in d else None
        out.append((d["code"], text[r["start"] : r["end"]], labels, fixed))
    return out


@pytest.mark.parametrize("text,expected", CORPUS, ids=[t for t, _ in CORPUS])
def test_check_slices_and_suggestions_apply_with_python_slicing(text, expected):
    assert found(text, intercom_qc.check(text)) == expected


@pytest.mark.parametrize("text,expected", CORPUS, ids=[t for t, _ in CORPUS])
def test_errors_and_warnings_carry_the_same_ranges(text, expected):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            intercom_qc.compile(text)
            diagnostics = [w.message for w in caught if isinstance(w.message, QueryWarning)][0].diagnostics
        except QueryError as e:
            diagnostics = e.diagnostics
    assert found(text, diagnostics) == expected


def test_a_fixed_query_compiles():
    text = "source.subject ~ “退款” AND stat = open"
    for d in intercom_qc.check(text):
        text = applied(text, d["suggestion"]) if d["severity"] == "error" else text
    assert text == "source.subject ~ “退款” AND state = open"
    with pytest.warns(QueryWarning):
        assert intercom_qc.compile(text)["query"]["value"][1] == {"field": "state", "operator": "=", "value": "open"}


BODY = (
    '{"query": {"operator": "AND", "value": ['
    '{"field": "source.subject", "operator": "~", "value": "café “x” 😀 退款"}, '
    '{"field": "stat", "operator": "=", "value": "open"}]}}'
)


def test_validate_ranges_count_code_points_of_the_text_given():
    [d] = intercom_qc.validate(BODY)
    assert d["path"] == "query.value[1].field"
    assert BODY[d["range"]["start"] : d["range"]["end"]] == '"stat"'
    fixed = applied(BODY, d["suggestion"])
    assert fixed == BODY.replace('"stat"', '"state"')
    assert intercom_qc.validate(fixed) == []
    # bytes are decoded: the same code points
    assert intercom_qc.validate(BODY.encode()) == [d]
    # a dict goes through json.dumps, which escapes non-ASCII text
    dumped = json.dumps(json.loads(BODY))
    [d] = intercom_qc.validate(json.loads(BODY))
    assert dumped[d["range"]["start"] : d["range"]["end"]] == '"stat"'


def test_decompile_errors_count_code_points():
    with pytest.raises(QueryError) as raised:
        intercom_qc.decompile(BODY)
    [d] = raised.value.diagnostics
    assert BODY[d["range"]["start"] : d["range"]["end"]] == '"stat"'


def test_format_errors_count_code_points():
    text = "source.subject ~ “é” AND (state = open"
    with pytest.raises(QueryError) as raised:
        intercom_qc.format(text)
    [d] = [d for d in raised.value.diagnostics if d["code"] == "E0004"]
    [label] = d["labels"]
    assert text[label["span"]["start"] : label["span"]["end"]] == "("
    assert d["range"]["start"] == len(text)
