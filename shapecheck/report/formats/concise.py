"""The ``concise`` format (the default): one line per finding, its notes under it, then a
summary.  Stable for editor plugins that shell out."""

from __future__ import annotations

from typing import Sequence

from shapecheck.report.diagnostics import Diagnostic
from shapecheck.report.formats.common import (
    DEFAULT_FIXES, FixView, Sources, fix_line, fixable_line, headline, note_line, summary,
)


def concise(diagnostics: Sequence[Diagnostic], files_checked: int, sources: Sources = None,
            fixes: FixView = DEFAULT_FIXES) -> str:
    """``path:line:col: error: message  [CODE name]`` (`` [*]`` when fixable) with
    ``note:`` lines under it (and, with ``--show-fixes``, a ``fix:`` line), then a summary."""
    lines = []
    for d in diagnostics:
        lines.append(headline(d, fixes))
        for note in d.notes:
            lines.append(note_line(d, note.cell, note.location, note.message))
        if fixes.show_fixes and d.fix is not None:
            lines.append(fix_line(d, fixes))
        if d.confirmation is not None:
            lines.append(note_line(d, d.cell, d.location, d.confirmation.note()))
    lines.append(summary(diagnostics, files_checked))
    fixable = fixable_line(diagnostics, fixes)
    if fixable:
        lines.append(fixable)
    return "\n".join(lines) + "\n"
