"""The ``gitlab`` format: GitLab Code Quality JSON.

In a notebook ``lines`` is the line of the ``.ipynb`` file that holds the finding's cell
line (see :mod:`.notebook_cells`) and the description starts with ``cell 3, line 2:``."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import Sequence

from shapecheck.report.diagnostics import Diagnostic, Severity
from shapecheck.report.formats.common import Sources, relative_path
from shapecheck.report.formats.notebook_cells import Notebooks, cell_place


def gitlab(diagnostics: Sequence[Diagnostic], files_checked: int, sources: Sources = None) -> str:
    """GitLab Code Quality JSON.

    The fingerprint hashes the path, the code, the message and the finding's
    index among identical ones, so it survives lines moving around it.
    """
    seen: Counter[tuple[str, str, str]] = Counter()
    issues = []
    notebooks = Notebooks(sources)
    for d in diagnostics:
        path = relative_path(d.filename)
        key = (path, d.code, d.message)
        seen[key] += 1
        digest = hashlib.sha256("\0".join([*key, str(seen[key])]).encode("utf-8")).hexdigest()
        lines = {"begin": d.location.row, "end": d.end_location.row}
        description = f"{d.code} {d.name}: {d.message}"
        if d.cell is not None:
            row = notebooks.file_row(d)
            lines = {"begin": row, "end": row}
            description = f"{cell_place(d.cell, d.location)}: {description}"
        issues.append({
            "type": "issue",
            "check_name": d.code,
            "description": description,
            "categories": ["Bug Risk"],
            "severity": "major" if d.severity is Severity.ERROR else "minor",
            "fingerprint": digest,
            "location": {"path": path, "lines": lines},
        })
    return json.dumps(issues, indent=2) + "\n"
