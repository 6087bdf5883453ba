"""The ``github`` format: GitHub Actions workflow commands (annotations on the pull request).

In a notebook the annotation's ``line`` is the line of the ``.ipynb`` file that holds the
finding's cell line (its JSON string; see :mod:`.notebook_cells`), without columns, and the
title and message name the cell and the line inside it (``cell 3, line 2``)."""

from __future__ import annotations

from typing import Sequence

from shapecheck.report.diagnostics import Diagnostic, Severity
from shapecheck.report.formats.common import Sources
from shapecheck.report.formats.notebook_cells import Notebooks, cell_place


def _escape_data(text: str) -> str:
    """GitHub's escaping for a workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """GitHub's escaping for a workflow command's property values."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github(diagnostics: Sequence[Diagnostic], files_checked: int, sources: Sources = None) -> str:
    """``::error title=shapecheck (SC102),file=...,line=...,col=...,endLine=...,endColumn=...::message``."""
    lines = []
    notebooks = Notebooks(sources)
    for d in diagnostics:
        command = "error" if d.severity is Severity.ERROR else "warning"
        if d.cell is None:
            props = [
                ("title", f"shapecheck ({d.code})"),
                ("file", d.filename),
                ("line", str(d.location.row)),
                ("col", str(d.location.column)),
                ("endLine", str(d.end_location.row)),
                ("endColumn", str(d.end_location.column)),
            ]
            message = f"{d.message} [{d.code} {d.name}]"
        else:
            place = cell_place(d.cell, d.location)
            props = [("title", f"shapecheck ({d.code}) {place}"), ("file", d.filename),
                     ("line", str(notebooks.file_row(d)))]
            message = f"{place}: {d.message} [{d.code} {d.name}]"
        for note in d.notes:
            where = cell_place(note.cell, note.location) or f"line {note.location.row}"
            message += f"\nnote ({where}): {note.message}"
        rendered = ",".join(f"{key}={_escape_property(value)}" for key, value in props)
        lines.append(f"::{command} {rendered}::{_escape_data(message)}")
    return "".join(line + "\n" for line in lines)
