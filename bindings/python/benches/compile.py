"""Benchmark: ``intercom_qc.compile`` against ``json.loads(json.dumps(body))``
of its output, the cost of merely round-tripping the request body through
Python's own JSON module.

The cases are those of the Rust benchmark (benches/cases/mod.rs): the design
card's query, a medium query of ten comparisons, and the largest query the
API allows (an AND of 15 groups of 15 comparisons). Each figure is the best
of several repeats of a timed loop (timeit), per call; the ratio is
compile / baseline (below 1.0: compiling the query costs less than
round-tripping its result through json).

    python bindings/python/benches/compile.py [--repeat N] [--json]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import timeit

import intercom_qc

NOW = 1_700_000_000

DESIGN_CARD = "state = open AND (priority = priority OR tag_ids IN [1, 2])"

MEDIUM = (
    'created_at > 2024-01-01 AND updated_at < now-7d AND state IN [open, snoozed] AND NOT '
    '(source.author.email ~ "@example.com" OR source.subject ~ "Re:") AND '
    "(statistics.count_reopens > 2 OR priority = priority OR statistics.count_assignments < 5) "
    "AND read = false AND source.body ~ refund"
)


def largest() -> str:
    groups = []
    for g in range(15):
        items = []
        for i in range(15):
            kind = i % 5
            if kind == 0:
                items.append(f'source.subject ~ "topic {g}-{i}"')
            elif kind == 1:
                items.append(f"statistics.count_reopens > {g * 15 + i}")
            elif kind == 2:
                items.append(f"created_at > 2024-{g % 12 + 1:02}-{i + 1:02}")
            elif kind == 3:
                items.append(f"tag_ids IN [{g}, {i}, {g * i}]")
            else:
                items.append(f'source.author.email $ "@example{g}.com"')
        groups.append("(" + " OR ".join(items) + ")")
    return " AND ".join(groups)


CASES = [
    ("design card", DESIGN_CARD),
    ("medium: 10 comparisons, a NOT, two groups", MEDIUM),
    ("largest the API allows: 15 × 15 filters", largest()),
]


def best(stmt, repeat: int) -> float:
    """The best time per call, in seconds, over `repeat` timed loops."""
    timer = timeit.Timer(stmt)
    number, _ = timer.autorange()
    return min(timer.repeat(repeat=repeat, number=number)) / number


def run(repeat: int):
    rows = []
    for name, query in CASES:
        body = intercom_qc.compile(query, now=NOW)
        compile_s = best(lambda: intercom_qc.compile(query, now=NOW), repeat)
        baseline_s = best(lambda: json.loads(json.dumps(body)), repeat)
        rows.append(
            {
                "case": name,
                "input_bytes": len(query.encode()),
                "compile_us": compile_s * 1e6,
                "baseline_us": baseline_s * 1e6,
                "ratio": compile_s / baseline_s,
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="timed loops per figure (best is kept)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    rows = run(args.repeat)
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print(
        f"intercom_qc {intercom_qc.__version__}, Python {platform.python_version()} "
        f"({platform.python_implementation()}), {platform.machine()}, {sys.platform}"
    )
    print()
    print("| case | input | compile | json.loads(json.dumps(body)) | ratio |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['case']} | {r['input_bytes']:,} B | {r['compile_us']:.2f} µs "
            f"| {r['baseline_us']:.2f} µs | **{r['ratio']:.2f}** |"
        )


if __name__ == "__main__":
    main()
