"""The output-format registry: :data:`FORMATS` maps each ``--output-format`` name to its
formatter, :data:`MACHINE_FORMATS` names the ones a program reads (no colour, no extra
lines on stdout).  One module per format; :func:`register` adds another.

Every formatter takes the sorted findings, the number of files checked and (optionally)
the checked sources by file name, and returns the whole report.  Those registered with
``fix_view`` also take how to show fixes (:class:`~shapecheck.report.formats.common.FixView`);
:func:`render` passes it to them.  The built-in formats' modules are imported when their
format is first used: a run prints one format, and its start-up is most of a warm run's cost.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any, Sequence

from shapecheck.report.diagnostics import Diagnostic
from shapecheck.report.formats.common import DEFAULT_FIXES, FixView, Formatter, Sources
from shapecheck.report.formats.statistics import statistics

FORMATS: dict[str, Formatter] = {}
MACHINE_FORMATS: set[str] = set()
FIX_VIEW_FORMATS: set[str] = set()


def register(name: str, formatter: Formatter, machine: bool = False, fix_view: bool = False) -> None:
    """Make ``formatter`` available as ``--output-format name`` (``machine``: read by programs;
    ``fix_view``: it takes a ``fixes`` :class:`FixView` keyword)."""
    FORMATS[name] = formatter
    if machine:
        MACHINE_FORMATS.add(name)
    if fix_view:
        FIX_VIEW_FORMATS.add(name)


def render(name: str, diagnostics: Sequence[Diagnostic], files_checked: int, sources: Sources = None,
           fixes: FixView = DEFAULT_FIXES) -> str:
    """The whole report in format ``name`` (``fixes`` to the formats that show fixes by it)."""
    if name in FIX_VIEW_FORMATS:
        return FORMATS[name](diagnostics, files_checked, sources, fixes=fixes)
    return FORMATS[name](diagnostics, files_checked, sources)


def lazy(module: str, function: str) -> Formatter:
    """The formatter ``module.function`` (a module of this package), imported on its first call."""
    qualified = f"{__package__}.{module}"

    def formatter(*args: Any, **kwargs: Any) -> str:
        found: Formatter = getattr(import_module(qualified), function)
        return found(*args, **kwargs)

    formatter.__module__, formatter.__name__, formatter.__qualname__ = qualified, function, function
    return formatter


register("concise", lazy("concise", "concise"), fix_view=True)
register("full", lazy("full", "full"), fix_view=True)
register("json", lazy("json_format", "as_json"), machine=True)
register("json-lines", lazy("json_format", "as_json_lines"), machine=True)
register("github", lazy("github", "github"), machine=True)
register("gitlab", lazy("gitlab", "gitlab"), machine=True)
register("junit", lazy("junit", "junit"), machine=True)
register("sarif", lazy("sarif", "sarif"), machine=True)

__all__ = ["FIX_VIEW_FORMATS", "FORMATS", "MACHINE_FORMATS", "FixView", "Formatter", "register", "render",
           "statistics"]
