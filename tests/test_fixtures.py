"""The fixture scripts: the checker reports exactly the marked lines.

A line that must be flagged carries ``# error: [SC102]`` (or ``# warning:``);
every other line must stay silent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import FIXTURES, check, expected_markers

FILES = sorted(p for p in FIXTURES.rglob("*.py"))


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(FIXTURES)) for p in FILES])
def test_fixture(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    expected = expected_markers(source)
    actual = {(d.location.row, d.code, d.severity.value) for d in check(source, str(path))}
    missing = sorted(expected - actual)
    unexpected = sorted(actual - expected)
    assert not missing and not unexpected, f"missing: {missing}\nunexpected: {unexpected}"


def test_fixtures_exist() -> None:
    assert len(FILES) >= 10
    assert any(expected_markers(p.read_text(encoding="utf-8")) for p in FILES)
