"""SARIF 2.1.0 output (GitHub code scanning and other viewers).

One run, with a ``rules`` entry per rule (id, name, short and full
description, help, default level), and per finding its full region, its
notes as related locations and its fix as an artifact change.  Columns are
Unicode code points, 1-based; end columns are exclusive, as SARIF defines.

In a notebook the region is the line of the ``.ipynb`` file that holds the
finding's cell line (no columns: they count inside the cell, not the JSON),
the message starts with ``cell 3, line 2:``, a logical location names the
cell, and ``properties`` hold ``cell``, ``cellLine``, ``cellColumn``,
``cellEndLine`` and ``cellEndColumn``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Sequence
from urllib.parse import quote

from shapecheck import __version__
from shapecheck.report.diagnostics import Diagnostic, Location, Severity
from shapecheck.report.formats.common import Sources, relative_path
from shapecheck.report.urls import information_url, rule_url
from shapecheck.report.formats.notebook_cells import Notebooks, cell_place
from shapecheck.tables.rule_index import RULES, RuleEntry
from shapecheck.tables.rule_texts import TEXTS

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"


def _uri(filename: str) -> str:
    path = relative_path(filename)
    if Path(path).is_absolute():
        return Path(path).as_uri()
    return quote(path)


def _region(start: Location, end: Location) -> dict[str, int]:
    return {"startLine": start.row, "startColumn": start.column, "endLine": end.row, "endColumn": end.column}


def _rule_entry(rule: RuleEntry) -> dict[str, Any]:
    """A rule's SARIF metadata, from the generated index (the rules themselves are not imported)."""
    texts = TEXTS[rule.code]
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": texts.summary},
        "fullDescription": {"text": " ".join(texts.what.split())},
        "help": {"text": " ".join(texts.why.split()), "markdown": texts.documentation},
        "helpUri": rule_url(rule.code),
        "defaultConfiguration": {"level": "error" if rule.severity == Severity.ERROR.value else "warning",
                                 "enabled": not rule.opt_in},
        "properties": {"fixable": rule.fixable},
    }


def _cell_properties(cell: int, start: Location, end: Location) -> dict[str, int]:
    return {"cell": cell, "cellLine": start.row, "cellColumn": start.column,
            "cellEndLine": end.row, "cellEndColumn": end.column}


def _result(d: Diagnostic, index: dict[str, int], notebooks: Notebooks) -> dict[str, Any]:
    artifact = {"uri": _uri(d.filename)}
    location: dict[str, Any] = {"physicalLocation": {"artifactLocation": artifact,
                                                     "region": _region(d.location, d.end_location)}}
    message = d.message
    if d.cell is not None:
        location["physicalLocation"]["region"] = {"startLine": notebooks.file_row(d)}
        location["logicalLocations"] = [{"name": f"cell {d.cell}", "kind": "element"}]
        message = f"{cell_place(d.cell, d.location)}: {message}"
    result: dict[str, Any] = {
        "ruleId": d.code,
        "level": "error" if d.severity is Severity.ERROR else "warning",
        "message": {"text": message},
        "locations": [location],
    }
    if d.cell is not None:
        result["properties"] = _cell_properties(d.cell, d.location, d.end_location)
    if d.confirmation is not None:
        result.setdefault("properties", {})["confirmation"] = d.confirmation.to_json()
    if d.code in index:
        result["ruleIndex"] = index[d.code]
    if d.notes:
        related = []
        for i, note in enumerate(d.notes):
            item: dict[str, Any] = {"id": i, "message": {"text": note.message}, "physicalLocation": {
                "artifactLocation": artifact, "region": _region(note.location, note.end_location)}}
            if note.cell is not None:
                item["physicalLocation"]["region"] = {"startLine": notebooks.file_row(d, note.cell, note.location)}
                item["message"]["text"] = f"{cell_place(note.cell, note.location)}: {note.message}"
                item["properties"] = _cell_properties(note.cell, note.location, note.end_location)
            related.append(item)
        result["relatedLocations"] = related
    if d.fix is not None:
        result["fixes"] = [{
            "description": {"text": d.fix.message},
            "properties": {"applicability": d.fix.applicability.value},
            "artifactChanges": [{
                "artifactLocation": artifact,
                "replacements": [{"deletedRegion": _region(e.location, e.end_location),
                                  "insertedContent": {"text": e.content}} for e in d.fix.edits],
            }],
        }]
    return result


def sarif_log(diagnostics: Sequence[Diagnostic], sources: Sources = None) -> dict[str, Any]:
    """The SARIF log as a JSON-ready dict (``sources``: the checked texts, else read from disk)."""
    notebooks = Notebooks(sources)
    rules = RULES
    index = {rule.code: i for i, rule in enumerate(rules)}
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "shapecheck", "version": __version__, "informationUri": information_url(),
                                "rules": [_rule_entry(rule) for rule in rules]}},
            "columnKind": "unicodeCodePoints",
            "results": [_result(d, index, notebooks) for d in diagnostics],
        }],
    }


def sarif(diagnostics: Sequence[Diagnostic], files_checked: int, sources: Sources = None) -> str:
    """The SARIF 2.1.0 log as JSON text."""
    return json.dumps(sarif_log(diagnostics, sources), indent=2) + "\n"
