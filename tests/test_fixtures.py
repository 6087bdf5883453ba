"""The fixture scripts: the checker reports exactly the marked lines.

A line that must be flagged carries ``# error: [SC102]`` (or ``# warning:``);
every other line must stay silent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from shapecheck.checking.registry import all_rules

from .conftest import FIXTURES, check, expected_markers

FILES = sorted(p for p in FIXTURES.rglob("*.py") if "realbugs" not in p.parts)  # realbugs: tests/test_realbugs_against_keras.py


IMPLEMENTED = {rule.code for rule in all_rules()}


def _param(path: Path):
    """A fixture whose markers name rules that do not exist yet is a strict xfail:
    it must fail now, and turns into an error the day those rules land."""
    pending = sorted({code for _, code, _ in expected_markers(path.read_text(encoding="utf-8"))} - IMPLEMENTED)
    marks = [pytest.mark.xfail(strict=True, reason=f"rules {', '.join(pending)} are not implemented yet")] if pending else []
    return pytest.param(path, id=str(path.relative_to(FIXTURES)), marks=marks)


@pytest.mark.parametrize("path", [_param(p) for p in FILES])
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
