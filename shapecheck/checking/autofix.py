"""Fix a file: check, apply the fixes (the unsafe ones only when asked), and re-check
until nothing more changes."""

from __future__ import annotations

from dataclasses import dataclass

from shapecheck.checking.checker import Settings, check_source
from shapecheck.report.diagnostics import Diagnostic
from shapecheck.report.fixes import apply_fixes_of

MAX_PASSES = 10


@dataclass(frozen=True)
class FixResult:
    """The outcome of fixing one file: the text, how many fixes applied (and their codes,
    one per fix), and the findings left in that text."""

    source: str
    fixed: int
    diagnostics: list[Diagnostic]
    fixed_codes: tuple[str, ...] = ()


def fix_source(source: str, filename: str, settings: "Settings", unsafe_fixes: bool = False) -> FixResult:
    """Check, apply the safe fixes (and the unsafe ones with ``unsafe_fixes``), and re-check
    until no fix applies (at most a few passes).

    ``diagnostics`` are the findings left in the final text.
    """
    codes: list[str] = []
    diagnostics = check_source(source, filename, settings)
    for _ in range(MAX_PASSES):
        if not any(d.fix is not None and d.fix.applies(unsafe_fixes) for d in diagnostics):
            break
        new_source, applied = apply_fixes_of(source, diagnostics, unsafe_fixes)
        if not applied or new_source == source:
            break
        new_diagnostics = check_source(new_source, filename, settings)
        if any(d.code == "SC001" for d in new_diagnostics) and not any(d.code == "SC001" for d in diagnostics):
            break  # never turn a parsing file into one that does not parse
        source, diagnostics = new_source, new_diagnostics
        codes.extend(d.code for d in applied)
    return FixResult(source, len(codes), diagnostics, tuple(codes))
