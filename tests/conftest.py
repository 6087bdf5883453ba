"""Shared helpers for the tests."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from shapecheck.checking.checker import check_source
from shapecheck.report.diagnostics import Diagnostic

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"

MARKER = re.compile(r"#\s*(?P<severity>error|warning):\s*\[(?P<codes>[A-Z0-9,\s]+)\]")


def check(source: str, filename: str = "example.py") -> list[Diagnostic]:
    """All findings of every rule in ``source``."""
    return check_source(source, filename)


def expected_markers(source: str) -> set[tuple[int, str, str]]:
    """(line, code, severity) for each ``# error: [SC102]`` marker in a fixture."""
    expected = set()
    for number, line in enumerate(source.splitlines(), start=1):
        for match in MARKER.finditer(line):
            for code in match.group("codes").split(","):
                if code.strip():
                    expected.add((number, code.strip(), match.group("severity")))
    return expected


@pytest.fixture(scope="session")
def keras_module():
    """The real Keras (tests that need it are skipped without it)."""
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return pytest.importorskip("keras")
