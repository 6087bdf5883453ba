"""The ``concise`` format (the default): one line per finding, its notes under it, then a
summary.  Stable for editor plugins that shell out."""

from __future__ import annotations

from typing import Sequence

from shapecheck.report.diagnostics import Diagnostic
from shapecheck.report.formats.common import Sources, fixable_line, headline, note_line, summary


def concise(diagnostics: Sequence[Diagnostic], files_checked: int, sources: Sources = None) -> str:
    """``path:line:col: error: message  [CODE name]`` (`` [*]`` when fixable) with
    ``note:`` lines under it, then a summary."""
    lines = []
    for d in diagnostics:
        lines.append(headline(d))
        for note in d.notes:
            lines.append(note_line(d, note.cell, note.location, note.message))
        if d.confirmation is not None:
            lines.append(note_line(d, d.cell, d.location, d.confirmation.note()))
    lines.append(summary(diagnostics, files_checked))
    fixable = fixable_line(diagnostics)
    if fixable:
        lines.append(fixable)
    return "\n".join(lines) + "\n"
