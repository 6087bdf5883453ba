"""Output formats for people and editors: ``concise``, ``full``, ``json`` and ``json-lines``,
plus ``--statistics``; the CI formats live in :mod:`shapecheck.report.formats.ci` and
:mod:`shapecheck.report.formats.sarif`.  :data:`FORMATS` maps each ``--output-format`` name to
its formatter.

Every formatter takes the sorted findings, the number of files checked and
(optionally) the checked sources by file name, and returns the whole report.
``concise`` and ``json`` are stable for editor plugins that shell out.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Callable, Mapping, Optional, Sequence

from shapecheck.report.diagnostics import Diagnostic, Location, Severity

Sources = Optional[Mapping[str, str]]
Formatter = Callable[..., str]


def concise(diagnostics: Sequence[Diagnostic], files_checked: int, sources: Sources = None) -> str:
    """``path:line:col: error: message  [CODE name]`` (`` [*]`` when fixable) with
    ``note:`` lines under it, then a summary."""
    lines = []
    for d in diagnostics:
        lines.append(headline(d))
        for note in d.notes:
            lines.append(f"{d.filename}:{_cell(note.cell)}{note.location.row}:{note.location.column}: note: {note.message}")
        if d.confirmation is not None:
            lines.append(f"{d.filename}:{_cell(d.cell)}{d.location.row}:{d.location.column}: note: {d.confirmation.note()}")
    lines.append(summary(diagnostics, files_checked))
    fixable = fixable_line(diagnostics)
    if fixable:
        lines.append(fixable)
    return "\n".join(lines) + "\n"


def headline(d: Diagnostic) -> str:
    """The first line of a finding in the concise and full formats."""
    marker = " [*]" if d.fix is not None else ""
    return (f"{d.filename}:{_cell(d.cell)}{d.location.row}:{d.location.column}: {d.severity.value}: "
            f"{d.message}  [{d.code} {d.name}]{marker}")


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
    return f"Found {' and '.join(parts)} in {_plural(files, 'file')}{confirmed_suffix(diagnostics)}."


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


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def source_lines(filename: str, sources: Sources) -> list[str]:
    """The lines of a checked file: from ``sources`` when given, else read from disk."""
    text = sources.get(filename) if sources else None
    if text is None:
        try:
            text = Path(filename).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return []
    return text.splitlines()


def _excerpt(lines: list[str], start: Location, end: Location) -> list[str]:
    """The source line at ``start`` with carets under the span (to the end of that line)."""
    if not 1 <= start.row <= len(lines):
        return []
    text = lines[start.row - 1].expandtabs(1)
    stop = end.column if end.row == start.row else len(text) + 1
    width = max(1, stop - start.column)
    gutter = len(str(start.row))
    return [f"  {start.row} | {text}", f"  {' ' * gutter} | {' ' * (start.column - 1)}{'^' * width}"]


def full(diagnostics: Sequence[Diagnostic], files_checked: int, sources: Sources = None) -> str:
    """Each finding with its source line and a caret under the span, then its notes the same way."""
    blocks = []
    cache: dict[str, list[str]] = {}
    for d in diagnostics:
        lines = cache.setdefault(d.filename, source_lines(d.filename, sources))
        block = [headline(d), *_excerpt(lines, d.location, d.end_location)]
        for note in d.notes:
            block.append(f"{d.filename}:{_cell(note.cell)}{note.location.row}:{note.location.column}: note: {note.message}")
            block.extend(_excerpt(lines, note.location, note.end_location))
        if d.confirmation is not None:
            block.append(f"{d.filename}:{_cell(d.cell)}{d.location.row}:{d.location.column}: note: {d.confirmation.note()}")
        if d.fix is not None:
            block.append(f"  fix: {d.fix.message}")
        blocks.append("\n".join(block))
    tail = [summary(diagnostics, files_checked)]
    if fixable_line(diagnostics):
        tail.append(fixable_line(diagnostics))
    return "\n\n".join(blocks + ["\n".join(tail)]) + "\n"


def _where(location: Location) -> dict[str, int]:
    return {"row": location.row, "column": location.column}


def to_json_object(d: Diagnostic) -> dict[str, object]:
    """One finding as ruff's JSON object (1-based rows and columns), with its fix or null
    (and, after --confirm, its ``confirmation``)."""
    obj = _json_object(d)
    if d.confirmation is not None:
        obj["confirmation"] = d.confirmation.to_json()
    return obj


def _cell(cell: Optional[int]) -> str:
    """``cell 3:`` before a notebook location, as ruff writes it."""
    return f"cell {cell}:" if cell is not None else ""


def _json_object(d: Diagnostic) -> dict[str, object]:
    return {
        "filename": d.filename,
        "cell": d.cell,
        "code": d.code,
        "name": d.name,
        "message": d.message,
        "severity": d.severity.value,
        "location": _where(d.location),
        "end_location": _where(d.end_location),
        "notes": [
            {"message": n.message, "location": _where(n.location), "end_location": _where(n.end_location)}
            for n in d.notes
        ],
        "fix": None if d.fix is None else {
            "applicability": "safe",
            "message": d.fix.message,
            "edits": [
                {"content": e.content, "location": _where(e.location), "end_location": _where(e.end_location)}
                for e in d.fix.edits
            ],
        },
        "url": None,
    }


def as_json(diagnostics: Sequence[Diagnostic], files_checked: int, sources: Sources = None) -> str:
    """A JSON array with one object per finding."""
    return json.dumps([to_json_object(d) for d in diagnostics], indent=2) + "\n"


def as_json_lines(diagnostics: Sequence[Diagnostic], files_checked: int, sources: Sources = None) -> str:
    """One compact JSON object per line, per finding."""
    return "".join(json.dumps(to_json_object(d)) + "\n" for d in diagnostics)


def statistics(diagnostics: Sequence[Diagnostic], as_json_list: bool = False) -> str:
    """Counts per rule, most frequent first: ``   3  SC102  [*] stacked-rnn-...``."""
    counts = Counter((d.code, d.name) for d in diagnostics)
    fixable = Counter(d.code for d in diagnostics if d.fix is not None)
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))
    if as_json_list:
        return json.dumps([{"code": code, "name": name, "count": n, "fixable": fixable[code]}
                           for (code, name), n in rows], indent=2) + "\n"
    if not rows:
        return ""
    width = len(str(rows[0][1]))
    return "".join(f"{n:>{width}}  {code}  {'[*]' if fixable[code] else '[ ]'} {name}\n"
                   for (code, name), n in rows)


def _formats() -> dict[str, Formatter]:
    from shapecheck.report.formats import ci as ci_formats
    from shapecheck.report.formats import sarif

    return {
        "concise": concise,
        "full": full,
        "json": as_json,
        "json-lines": as_json_lines,
        "github": ci_formats.github,
        "gitlab": ci_formats.gitlab,
        "junit": ci_formats.junit,
        "sarif": sarif.sarif,
    }


FORMATS: dict[str, Formatter] = _formats()
MACHINE_FORMATS = frozenset({"json", "json-lines", "github", "gitlab", "junit", "sarif"})
