"""The ``json`` and ``json-lines`` formats: ruff's JSON objects (1-based rows and columns),
one per finding, with its fix or null and, after --confirm, its ``confirmation``."""

from __future__ import annotations

import json
from typing import Sequence

from shapecheck.report.diagnostics import Diagnostic
from shapecheck.report.urls import rule_url
from shapecheck.report.formats.common import Sources, where


def to_json_object(d: Diagnostic) -> dict[str, object]:
    """One finding as ruff's JSON object (1-based rows and columns), with its fix or null
    (and, after --confirm, its ``confirmation``)."""
    obj: dict[str, object] = {
        "filename": d.filename,
        "cell": d.cell,
        "code": d.code,
        "name": d.name,
        "message": d.message,
        "severity": d.severity.value,
        "location": where(d.location),
        "end_location": where(d.end_location),
        "notes": [
            {"message": n.message, "cell": n.cell, "location": where(n.location),
             "end_location": where(n.end_location)}
            for n in d.notes
        ],
        "fix": None if d.fix is None else {
            "applicability": d.fix.applicability.value,
            "message": d.fix.message,
            "edits": [
                {"content": e.content, "location": where(e.location), "end_location": where(e.end_location)}
                for e in d.fix.edits
            ],
        },
        "url": rule_url(d.code),
    }
    if d.confirmation is not None:
        obj["confirmation"] = d.confirmation.to_json()
    return obj


def as_json(diagnostics: Sequence[Diagnostic], files_checked: int, sources: Sources = None) -> str:
    """A JSON array with one object per finding."""
    return json.dumps([to_json_object(d) for d in diagnostics], indent=2) + "\n"


def as_json_lines(diagnostics: Sequence[Diagnostic], files_checked: int, sources: Sources = None) -> str:
    """One compact JSON object per line, per finding."""
    return "".join(json.dumps(to_json_object(d)) + "\n" for d in diagnostics)
