"""The ``junit`` format: JUnit XML, one test suite per file with findings, one failed test
case per finding.  In a notebook the test case's ``line`` is the line of the ``.ipynb``
file that holds the finding's cell line, and the failure text reads
``nb.ipynb:cell 3:2:5: error: ...`` as the concise format does."""

from __future__ import annotations

from collections import defaultdict
from typing import Sequence

from shapecheck.report.diagnostics import Diagnostic
from shapecheck.report.formats.common import Sources, cell_prefix
from shapecheck.report.formats.notebook_cells import Notebooks


def junit(diagnostics: Sequence[Diagnostic], files_checked: int, sources: Sources = None) -> str:
    """JUnit XML: one test suite per file with findings, one failed test case per finding.  In a notebook the test case's ``line`` is the line of the ``.ipynb``
file that holds the finding's cell line, and the failure text reads
``nb.ipynb:cell 3:2:5: error: ...`` as the concise format does."""
    import xml.etree.ElementTree as ET  # (imported by the run that asks for JUnit, not by every run)

    by_file: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in diagnostics:
        by_file[d.filename].append(d)
    root = ET.Element("testsuites", name="shapecheck", tests=str(max(len(diagnostics), 1)),
                      failures=str(len(diagnostics)), errors="0")
    if not diagnostics:
        suite = ET.SubElement(root, "testsuite", name="shapecheck", tests="1", failures="0", errors="0")
        ET.SubElement(suite, "testcase", name="No findings", classname="shapecheck")
    notebooks = Notebooks(sources)
    for filename, found in by_file.items():
        suite = ET.SubElement(root, "testsuite", name=filename, tests=str(len(found)),
                              failures=str(len(found)), errors="0")
        for d in found:
            case = ET.SubElement(suite, "testcase", name=f"{d.code} {d.name}", classname=filename,
                                 file=filename, line=str(d.location.row if d.cell is None else notebooks.file_row(d)))
            failure = ET.SubElement(case, "failure", message=d.message, type=d.code)
            text = [f"{filename}:{cell_prefix(d.cell)}{d.location.row}:{d.location.column}: "
                    f"{d.severity.value}: {d.message}"]
            text += [f"{filename}:{cell_prefix(n.cell)}{n.location.row}:{n.location.column}: note: {n.message}"
                     for n in d.notes]
            failure.text = "\n".join(text)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
