"""Output formats for CI systems: GitHub workflow commands, GitLab Code Quality and JUnit XML."""

from __future__ import annotations

import hashlib
import json
import os
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from pathlib import Path
from typing import Mapping, Optional, Sequence

from shapecheck.report.diagnostics import Diagnostic, Severity


def _escape_data(text: str) -> str:
    """GitHub's escaping for a workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """GitHub's escaping for a workflow command's property values."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github(diagnostics: Sequence[Diagnostic], files_checked: int,
           sources: Optional[Mapping[str, str]] = None) -> str:
    """``::error title=shapecheck (SC102),file=...,line=...,col=...,endLine=...,endColumn=...::message``."""
    lines = []
    for d in diagnostics:
        command = "error" if d.severity is Severity.ERROR else "warning"
        props = [
            ("title", f"shapecheck ({d.code})"),
            ("file", d.filename),
            ("line", str(d.location.row)),
            ("col", str(d.location.column)),
            ("endLine", str(d.end_location.row)),
            ("endColumn", str(d.end_location.column)),
        ]
        message = f"{d.message} [{d.code} {d.name}]"
        for note in d.notes:
            message += f"\nnote (line {note.location.row}): {note.message}"
        rendered = ",".join(f"{key}={_escape_property(value)}" for key, value in props)
        lines.append(f"::{command} {rendered}::{_escape_data(message)}")
    return "".join(line + "\n" for line in lines)


def relative_path(filename: str) -> str:
    """A repository-style path: relative to the working directory when inside it, with ``/``."""
    path = Path(filename)
    if path.is_absolute():
        try:
            path = path.relative_to(Path.cwd())
        except ValueError:
            return path.as_posix()
    return Path(os.path.normpath(path)).as_posix()


def gitlab(diagnostics: Sequence[Diagnostic], files_checked: int,
           sources: Optional[Mapping[str, str]] = None) -> str:
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


def junit(diagnostics: Sequence[Diagnostic], files_checked: int,
          sources: Optional[Mapping[str, str]] = None) -> str:
    """JUnit XML: one test suite per file with findings, one failed test case per finding."""
    by_file: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in diagnostics:
        by_file[d.filename].append(d)
    root = ET.Element("testsuites", name="shapecheck", tests=str(max(len(diagnostics), 1)),
                      failures=str(len(diagnostics)), errors="0")
    if not diagnostics:
        suite = ET.SubElement(root, "testsuite", name="shapecheck", tests="1", failures="0", errors="0")
        ET.SubElement(suite, "testcase", name="No findings", classname="shapecheck")
    for filename, found in by_file.items():
        suite = ET.SubElement(root, "testsuite", name=filename, tests=str(len(found)),
                              failures=str(len(found)), errors="0")
        for d in found:
            case = ET.SubElement(suite, "testcase", name=f"{d.code} {d.name}", classname=filename,
                                 file=filename, line=str(d.location.row))
            failure = ET.SubElement(case, "failure", message=d.message, type=d.code)
            text = [f"{filename}:{d.location.row}:{d.location.column}: {d.severity.value}: {d.message}"]
            text += [f"{filename}:{n.location.row}:{n.location.column}: note: {n.message}" for n in d.notes]
            failure.text = "\n".join(text)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
