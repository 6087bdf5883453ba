"""The ``gitlab`` format: GitLab Code Quality JSON."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import Sequence

from shapecheck.report.diagnostics import Diagnostic, Severity
from shapecheck.report.formats.common import Sources, relative_path


def gitlab(diagnostics: Sequence[Diagnostic], files_checked: int, sources: Sources = None) -> str:
    """GitLab Code Quality JSON.

    The fingerprint hashes the path, the code, the message and the finding's
    index among identical ones, so it survives lines moving around it.
    """
    seen: Counter[tuple[str, str, str]] = Counter()
    issues = []
    for d in diagnostics:
        path = relative_path(d.filename)
        key = (path, d.code, d.message)
        seen[key] += 1
        digest = hashlib.sha256("\0".join([*key, str(seen[key])]).encode("utf-8")).hexdigest()
        issues.append({
            "type": "issue",
            "check_name": d.code,
            "description": f"{d.code} {d.name}: {d.message}",
            "categories": ["Bug Risk"],
            "severity": "major" if d.severity is Severity.ERROR else "minor",
            "fingerprint": digest,
            "location": {"path": path, "lines": {"begin": d.location.row, "end": d.end_location.row}},
        })
    return json.dumps(issues, indent=2) + "\n"
