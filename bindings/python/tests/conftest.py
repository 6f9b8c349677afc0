"""Shared helpers: the repository's paths and the `qc` command line, which
the package's outputs are compared with."""

from __future__ import annotations

import copy
import os
import subprocess
from pathlib import Path
from typing import Optional, Sequence

import pytest

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures"
#: "Now" of the fixture snapshots (tests/snapshots.rs): 2024-06-01T00:00:00Z.
NOW = "2024-06-01T00:00:00Z"


def qc_binary() -> Path:
    """The `qc` binary: $QC_BIN, or target/debug/qc (built when missing)."""
    if os.environ.get("QC_BIN"):
        return Path(os.environ["QC_BIN"])
    path = ROOT / "target" / "debug" / "qc"
    if not path.exists():
        subprocess.run(["cargo", "build", "--quiet", "--bin", "qc"], cwd=ROOT, check=True)
    return path


class Cli:
    """Runs `qc` from the repository root, without colour."""

    def __init__(self, binary: Path) -> None:
        self.binary = binary

    def __call__(
        self, args: Sequence[str], input: Optional[bytes] = None
    ) -> subprocess.CompletedProcess:
        env = dict(os.environ, NO_COLOR="1")
        return subprocess.run(
            [str(self.binary), *args],
            input=input,
            capture_output=True,
            cwd=ROOT,
            env=env,
            check=False,
        )


@pytest.fixture(scope="session")
def cli() -> Cli:
    return Cli(qc_binary())


def fixture_files(kind: str) -> list:
    return sorted((FIXTURES / kind).glob("*.qc"))


def in_code_points(diagnostics: list, text: str) -> list:
    """The `qc` command's diagnostics (byte offsets into the UTF-8 text)
    with every range, label span and suggestion span counting code points,
    as the package gives them."""
    data = text.encode("utf-8")

    def points(offset: int) -> int:
        return len(data[:offset].decode("utf-8"))

    def convert(span: dict) -> None:
        span["start"], span["end"] = points(span["start"]), points(span["end"])

    out = copy.deepcopy(diagnostics)
    for d in out:
        convert(d["range"])
        for label in d.get("labels", []):
            convert(label["span"])
        if "suggestion" in d:
            convert(d["suggestion"]["span"])
    return out
