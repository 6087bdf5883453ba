"""Helpers shared by the output formats: the summary lines, plurals, the headline of a
finding, notebook cell prefixes, repository-relative paths and the checked sources."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Optional, Sequence

from shapecheck.report.diagnostics import Diagnostic, Location, Severity

Sources = Optional[Mapping[str, str]]
"""The checked sources by file name (a formatter reads the file from disk when absent)."""

Formatter = Callable[..., str]
"""``formatter(diagnostics, files_checked, sources=None) -> str``: the whole report."""


def plural(n: int, word: str) -> str:
    """``1 file``, ``2 files``."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def cell_prefix(cell: Optional[int]) -> str:
    """``cell 3:`` before a notebook location, as ruff writes it (empty outside notebooks)."""
    return f"cell {cell}:" if cell is not None else ""


@dataclass(frozen=True)
class FixView:
    """How the concise and full formats show fixes: ``unsafe_fixes`` (``--unsafe-fixes``:
    unsafe fixes count as applicable) and ``show_fixes`` (``--show-fixes``: a line per fix)."""

    unsafe_fixes: bool = False
    show_fixes: bool = False


DEFAULT_FIXES = FixView()
"""Safe fixes only, no ``fix:`` lines: the formats' default."""


def headline(d: Diagnostic, fixes: FixView = DEFAULT_FIXES) -> str:
    """The first line of a finding in the concise and full formats:
    ``path:line:col: error: message  [CODE name]`` (`` [*]`` when ``--fix`` would fix it:
    a safe fix, or an unsafe one with ``--unsafe-fixes``)."""
    marker = " [*]" if d.fix is not None and d.fix.applies(fixes.unsafe_fixes) else ""
    return (f"{d.filename}:{cell_prefix(d.cell)}{d.location.row}:{d.location.column}: {d.severity.value}: "
            f"{d.message}  [{d.code} {d.name}]{marker}")


def summary(diagnostics: Sequence[Diagnostic], files_checked: int) -> str:
    """``Found 2 errors and 1 warning in 2 files.`` or ``All checks passed (N files).``"""
    if not diagnostics:
        return f"All checks passed ({plural(files_checked, 'file')} checked)."
    counts = Counter(d.severity for d in diagnostics)
    parts = []
    if counts[Severity.ERROR]:
        parts.append(plural(counts[Severity.ERROR], "error"))
    if counts[Severity.WARNING]:
        parts.append(plural(counts[Severity.WARNING], "warning"))
    files = len({d.filename for d in diagnostics})
    return f"Found {' and '.join(parts)} in {plural(files, 'file')}{confirmed_suffix(diagnostics)}."


def confirmed_suffix(diagnostics: Sequence[Diagnostic]) -> str:
    """`` (2 confirmed, 1 refuted)`` after --confirm; empty otherwise."""
    if all(d.confirmation is None for d in diagnostics):
        return ""
    from shapecheck.confirm.outcome import summary_suffix

    return summary_suffix([d.confirmation for d in diagnostics])


def fixable_line(diagnostics: Sequence[Diagnostic], fixes: FixView = DEFAULT_FIXES) -> str:
    """``[*] 2 fixable with `shapecheck check --fix`.`` and, as ruff says it, how many unsafe
    fixes ``--unsafe-fixes`` would enable (empty when there is no fix at all)."""
    count = sum(d.fix is not None and d.fix.applies(fixes.unsafe_fixes) for d in diagnostics)
    hidden = sum(d.fix is not None and not d.fix.applies(fixes.unsafe_fixes) for d in diagnostics)
    command = "shapecheck check --fix --unsafe-fixes" if fixes.unsafe_fixes else "shapecheck check --fix"
    hint = ""
    if hidden == 1:
        hint = " (1 hidden fix can be enabled with `--unsafe-fixes`)"
    elif hidden:
        hint = f" ({hidden} hidden fixes can be enabled with `--unsafe-fixes`)"
    if count:
        return f"[*] {count} fixable with `{command}`{hint}."
    return f"No fixes available{hint}." if hidden else ""


def fix_line(d: Diagnostic, fixes: FixView = DEFAULT_FIXES) -> str:
    """``path:line:col: fix: <what it does>`` under a finding (``--show-fixes``); an unsafe
    fix says so, and that ``--unsafe-fixes`` applies it unless given."""
    if d.fix is None:
        return ""
    kind = "fix" if d.fix.safe else ("unsafe fix" if fixes.unsafe_fixes else "unsafe fix (with --unsafe-fixes)")
    return f"{d.filename}:{cell_prefix(d.cell)}{d.location.row}:{d.location.column}: {kind}: {d.fix.message}"


def note_line(d: Diagnostic, cell: Optional[int], location: Location, message: str) -> str:
    """``path:line:col: note: message`` under a finding."""
    return f"{d.filename}:{cell_prefix(cell)}{location.row}:{location.column}: note: {message}"


def source_lines(filename: str, sources: Sources) -> list[str]:
    """The lines of a checked file: from ``sources`` when given, else read from disk."""
    text = sources.get(filename) if sources else None
    if text is None:
        try:
            text = Path(filename).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return []
    return text.splitlines()


def relative_path(filename: str) -> str:
    """A repository-style path: relative to the working directory when inside it, with ``/``."""
    path = Path(filename)
    if path.is_absolute():
        try:
            path = path.relative_to(Path.cwd())
        except ValueError:
            return path.as_posix()
    return Path(os.path.normpath(path)).as_posix()


def where(location: Location) -> dict[str, int]:
    """``{"row": .., "column": ..}`` (1-based) for the JSON formats."""
    return {"row": location.row, "column": location.column}
