"""When to decorate output for a person: colours and a progress bar.

Never under pre-commit (``PRE_COMMIT`` set), in CI (``CI`` set), with
``NO_COLOR`` set, when the stream is not a terminal, or with a
machine-readable output format.
"""

from __future__ import annotations

import os
import re
from typing import Mapping, Optional, TextIO

import click

HUMAN_FORMATS = frozenset({"concise", "full"})
PROGRESS_MIN_FILES = 50
_QUIET_VARIABLES = ("PRE_COMMIT", "CI", "NO_COLOR")


def _is_terminal(stream: Optional[TextIO]) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def decorations_allowed(stream: Optional[TextIO], fmt: str, env: Optional[Mapping[str, str]] = None) -> bool:
    """True when ``stream`` may get colours or a progress bar for format ``fmt``."""
    env = os.environ if env is None else env
    if any(env.get(name) for name in _QUIET_VARIABLES):
        return False
    return fmt in HUMAN_FORMATS and _is_terminal(stream)


def color_wanted(choice: str, stream: Optional[TextIO], fmt: str, env: Optional[Mapping[str, str]] = None) -> bool:
    """Whether to colour a report: ``--color always|never``, or ``auto``: ``FORCE_COLOR`` (set and
    not ``0``) forces it, else as :func:`decorations_allowed`.  Machine formats are never coloured."""
    env = os.environ if env is None else env
    if fmt not in HUMAN_FORMATS or choice == "never":
        return False
    if choice == "always" or env.get("FORCE_COLOR", "") not in ("", "0"):
        return True
    return decorations_allowed(stream, fmt, env)


def show_progress(stderr: Optional[TextIO], fmt: str, files: int, env: Optional[Mapping[str, str]] = None) -> bool:
    """A progress bar on stderr: only for many files, on a terminal, outside CI and pre-commit."""
    return files >= PROGRESS_MIN_FILES and decorations_allowed(stderr, fmt, env)


_SEVERITY = re.compile(r"^(?P<where>[^\n]*?:\d+:\d+: )(?P<severity>error|warning|note)(?P<rest>:)", re.MULTILINE)
_CODE = re.compile(r"\[(?P<code>SC\d+) (?P<name>[a-z0-9-]+)\]")
_COLOURS = {"error": "red", "warning": "yellow", "note": "cyan"}


def colorize(report: str) -> str:
    """The concise or full report with coloured severities and codes."""
    report = _SEVERITY.sub(lambda m: m.group("where") + click.style(m.group("severity"), fg=_COLOURS[m.group("severity")],
                                                                    bold=True) + m.group("rest"), report)
    return _CODE.sub(lambda m: "[" + click.style(m.group("code"), bold=True) + " " + m.group("name") + "]", report)
