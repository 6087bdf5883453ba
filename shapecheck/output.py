"""Output formats: ``concise`` (mypy/ruff style lines) and ``json`` (ruff's keys)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Callable, Sequence

from .diagnostics import Diagnostic, Severity


def concise(diagnostics: Sequence[Diagnostic], files_checked: int) -> str:
    """``path:line:col: error: message  [CODE name]`` with ``note:`` lines under it, then a summary."""
    lines = []
    for d in diagnostics:
        lines.append(f"{d.filename}:{d.location.row}:{d.location.column}: {d.severity.value}: "
                     f"{d.message}  [{d.code} {d.name}]")
        for note in d.notes:
            lines.append(f"{d.filename}:{note.location.row}:{note.location.column}: note: {note.message}")
    lines.append(summary(diagnostics, files_checked))
    return "\n".join(lines) + "\n"


def summary(diagnostics: Sequence[Diagnostic], files_checked: int) -> str:
    """``Found 2 errors and 1 warning in 2 files.`` or ``All checks passed (N files).``"""
    if not diagnostics:
        return f"All checks passed ({_plural(files_checked, 'file')} checked)."
    counts = Counter(d.severity for d in diagnostics)
    parts = []
    if counts[Severity.ERROR]:
        parts.append(_plural(counts[Severity.ERROR], "error"))
    if counts[Severity.WARNING]:
        parts.append(_plural(counts[Severity.WARNING], "warning"))
    files = len({d.filename for d in diagnostics})
    return f"Found {' and '.join(parts)} in {_plural(files, 'file')}."


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def to_json_object(d: Diagnostic) -> dict[str, object]:
    """One finding as ruff's JSON object (1-based rows and columns)."""
    return {
        "filename": d.filename,
        "code": d.code,
        "name": d.name,
        "message": d.message,
        "severity": d.severity.value,
        "location": {"row": d.location.row, "column": d.location.column},
        "end_location": {"row": d.end_location.row, "column": d.end_location.column},
        "notes": [
            {
                "message": n.message,
                "location": {"row": n.location.row, "column": n.location.column},
                "end_location": {"row": n.end_location.row, "column": n.end_location.column},
            }
            for n in d.notes
        ],
        "url": None,
    }


def as_json(diagnostics: Sequence[Diagnostic], files_checked: int) -> str:
    """A JSON array with one object per finding."""
    return json.dumps([to_json_object(d) for d in diagnostics], indent=2) + "\n"


FORMATS: dict[str, Callable[[Sequence[Diagnostic], int], str]] = {
    "concise": concise,
    "json": as_json,
}
