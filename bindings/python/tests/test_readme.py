"""The README's Python examples run, and print what they say."""

from __future__ import annotations

import contextlib
import io
import re

import pytest

from conftest import ROOT


def python_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^## Python\n(.*?)(?=^## )", readme, re.S | re.M)
    assert match, "README.md has a `## Python` section"
    return match.group(1)


def test_the_install_command_is_given():
    assert "pip install ./bindings/python" in python_section()


def blocks() -> list:
    found = re.findall(r"^```python\n(.*?)^```", python_section(), re.S | re.M)
    assert len(found) >= 2, "the Python section has its ```python examples"
    return found


def test_the_first_example_is_short():
    assert len([line for line in blocks()[0].splitlines() if line.strip()]) == 5


@pytest.mark.parametrize("index", range(2))
def test_the_examples_run(index):
    code = blocks()[index]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
    # The comment on each print() line is what it prints.
    expected = re.findall(r"^print\(.*\)\s*#\s?(.*)$", code, re.M)
    assert expected and out.getvalue().splitlines() == expected
