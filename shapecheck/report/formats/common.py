"""Helpers shared by the output formats: the summary lines, plurals, the headline of a
finding, notebook cell prefixes, repository-relative paths and the checked sources."""

from __future__ import annotations

import os
from collections import Counter
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


def headline(d: Diagnostic) -> str:
    """The first line of a finding in the concise and full formats:
    ``path:line:col: error: message  [CODE name]`` (`` [*]`` when fixable)."""
    marker = " [*]" if d.fix is not None else ""
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


def fixable_line(diagnostics: Sequence[Diagnostic]) -> str:
    """``[*] 2 fixable with `shapecheck check --fix`.`` (empty when nothing is fixable)."""
    count = sum(d.fix is not None for d in diagnostics)
    return f"[*] {count} fixable with `shapecheck check --fix`." if count else ""


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
