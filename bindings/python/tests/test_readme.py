"""The README's Python example runs, and prints what it says."""

from __future__ import annotations

import contextlib
import io
import re

from conftest import ROOT


def python_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^## Python\n(.*?)(?=^## )", readme, re.S | re.M)
    assert match, "README.md has a `## Python` section"
    return match.group(1)


def test_the_install_command_is_given():
    assert "pip install ./bindings/python" in python_section()


def test_the_example_runs():
    blocks = re.findall(r"^```python\n(.*?)^```", python_section(), re.S | re.M)
    assert blocks, "the Python section has a ```python block"
    code = blocks[0]
    assert len([line for line in code.splitlines() if line.strip()]) == 5
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
    # The comment on each print() line is what it prints.
    expected = re.findall(r"^print\(.*\)\s*#\s?(.*)$", code, re.M)
    assert expected and out.getvalue().splitlines() == expected
