"""Fix a file: check, apply the safe fixes, and re-check until nothing more changes."""

from __future__ import annotations

from dataclasses import dataclass

from shapecheck.checking.checker import Settings, check_source
from shapecheck.report.diagnostics import Diagnostic
from shapecheck.report.fixes import apply_fixes

MAX_PASSES = 10


@dataclass(frozen=True)
class FixResult:
    """The outcome of fixing one file."""

    source: str
    fixed: int
    diagnostics: list[Diagnostic]


def fix_source(source: str, filename: str, settings: "Settings") -> FixResult:
    """Check, apply safe fixes, and re-check until no fix applies (at most a few passes).

    ``diagnostics`` are the findings left in the final text.
    """
    fixed = 0
    diagnostics = check_source(source, filename, settings)
    for _ in range(MAX_PASSES):
        if not any(d.fix is not None for d in diagnostics):
            break
        new_source, count = apply_fixes(source, diagnostics)
        if count == 0 or new_source == source:
            break
        new_diagnostics = check_source(new_source, filename, settings)
        if any(d.code == "SC001" for d in new_diagnostics) and not any(d.code == "SC001" for d in diagnostics):
            break  # never turn a parsing file into one that does not parse
        source, diagnostics, fixed = new_source, new_diagnostics, fixed + count
    return FixResult(source, fixed, diagnostics)
