"""The stubs make a type checker catch misuse of the options: an unknown
option, a value of the wrong type, and `fields`' target given twice."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent

MISUSE = """
import intercom_qc
intercom_qc.compile("state = open", colour="red")
intercom_qc.check("state = open", per_page="5")
intercom_qc.fields("tickets", target="contacts")
intercom_qc.decompile("{}", dates="iso")
ok: bool = intercom_qc.matches("state = open", {"state": "open"}, now=1717200000)
"""


def test_mypy_flags_misused_options(tmp_path):
    pytest.importorskip("mypy")
    program = tmp_path / "misuse.py"
    program.write_text(MISUSE)
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(program)],
        capture_output=True,
        text=True,
        cwd=HERE.parent,
        check=False,
    )
    lines = [line for line in out.stdout.splitlines() if ": error:" in line]
    assert [line.split(":")[1] for line in lines] == ["3", "4", "5", "6"], out.stdout
    assert 'Unexpected keyword argument "colour"' in lines[0]
    assert '"per_page"' in lines[1]
    assert 'multiple values for keyword argument "target"' in lines[2]
    assert '"dates"' in lines[3]
