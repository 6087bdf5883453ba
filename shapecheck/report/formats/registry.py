"""The output-format registry: :data:`FORMATS` maps each ``--output-format`` name to its
formatter, :data:`MACHINE_FORMATS` names the ones a program reads (no colour, no extra
lines on stdout).  One module per format; :func:`register` adds another.

Every formatter takes the sorted findings, the number of files checked and (optionally)
the checked sources by file name, and returns the whole report.
"""

from __future__ import annotations

from shapecheck.report.formats import concise, full, github, gitlab, json_format, junit, sarif
from shapecheck.report.formats.common import Formatter
from shapecheck.report.formats.statistics import statistics

FORMATS: dict[str, Formatter] = {}
MACHINE_FORMATS: set[str] = set()


def register(name: str, formatter: Formatter, machine: bool = False) -> None:
    """Make ``formatter`` available as ``--output-format name`` (``machine``: read by programs)."""
    FORMATS[name] = formatter
    if machine:
        MACHINE_FORMATS.add(name)


register("concise", concise.concise)
register("full", full.full)
register("json", json_format.as_json, machine=True)
register("json-lines", json_format.as_json_lines, machine=True)
register("github", github.github, machine=True)
register("gitlab", gitlab.gitlab, machine=True)
register("junit", junit.junit, machine=True)
register("sarif", sarif.sarif, machine=True)

__all__ = ["FORMATS", "MACHINE_FORMATS", "Formatter", "register", "statistics"]
