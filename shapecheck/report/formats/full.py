"""The ``full`` format: each finding with its source line and carets under the span, its
notes the same way, and its fix.  In a notebook the line shown is the cell's own line
(numbered inside its cell), not the notebook's JSON."""

from __future__ import annotations

from typing import Optional, Sequence

from shapecheck.report.diagnostics import Diagnostic, Location
from shapecheck.report.formats.common import (
    DEFAULT_FIXES, FixView, Sources, fixable_line, headline, note_line, source_lines, summary,
)
from shapecheck.report.formats.notebook_cells import Notebooks


MAX_LINE_WIDTH = 120
"""Longer source lines are cut to this many characters around the span, with ``…`` (as ruff does)."""
CONTEXT_BEFORE = 40
"""How many characters before the span a cut line keeps."""


def excerpt(lines: list[str], start: Location, end: Location) -> list[str]:
    """The source line at ``start`` with carets under the span (to the end of that line); a
    line longer than :data:`MAX_LINE_WIDTH` is cut around the span, ``…`` marking each cut."""
    if not 1 <= start.row <= len(lines):
        return []
    text = lines[start.row - 1].expandtabs(1)
    stop = end.column if end.row == start.row else len(text) + 1
    width = max(1, stop - start.column)
    offset = start.column - 1
    if len(text) > MAX_LINE_WIDTH:
        begin = max(0, offset - CONTEXT_BEFORE)
        finish = min(len(text), begin + MAX_LINE_WIDTH)
        begin = max(0, finish - MAX_LINE_WIDTH)
        head, tail = ("…" if begin > 0 else ""), ("…" if finish < len(text) else "")
        width = max(1, min(width, finish - offset))
        offset = offset - begin + len(head)
        text = head + text[begin:finish] + tail
    gutter = len(str(start.row))
    return [f"  {start.row} | {text}", f"  {' ' * gutter} | {' ' * offset}{'^' * width}"]


def full(diagnostics: Sequence[Diagnostic], files_checked: int, sources: Sources = None,
         fixes: FixView = DEFAULT_FIXES) -> str:
    """Each finding with its source line and a caret under the span, then its notes the same way,
    then its fix (``fix:``, or ``unsafe fix:`` for one ``--fix`` applies only with ``--unsafe-fixes``)."""
    blocks = []
    cache: dict[str, list[str]] = {}
    notebooks = Notebooks(sources)

    def lines_of(filename: str, cell: Optional[int]) -> list[str]:
        if cell is not None:
            return notebooks.lines(filename, cell)
        return cache.setdefault(filename, source_lines(filename, sources))

    for d in diagnostics:
        block = [headline(d, fixes), *excerpt(lines_of(d.filename, d.cell), d.location, d.end_location)]
        for note in d.notes:
            block.append(note_line(d, note.cell, note.location, note.message))
            block.extend(excerpt(lines_of(d.filename, note.cell), note.location, note.end_location))
        if d.confirmation is not None:
            block.append(note_line(d, d.cell, d.location, d.confirmation.note()))
        if d.fix is not None:
            block.append(f"  {'fix' if d.fix.safe else 'unsafe fix'}: {d.fix.message}")
        blocks.append("\n".join(block))
    tail = [summary(diagnostics, files_checked)]
    if fixable_line(diagnostics, fixes):
        tail.append(fixable_line(diagnostics, fixes))
    return "\n\n".join(blocks + ["\n".join(tail)]) + "\n"
