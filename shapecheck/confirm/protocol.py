"""The worker protocol: JSON lines over the worker's stdin and stdout.

The worker first writes one :class:`Hello` line (or an ``unavailable`` line
and exits), then answers each :class:`Request` line with one :class:`Reply`
line carrying the same ``id``.  Closing its stdin ends it.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal, Optional, TypedDict

StatusName = Literal["confirmed", "refuted", "unconfirmable"]

Recipe = dict[str, Any]
"""What to rebuild and what to expect (see :mod:`shapecheck.confirm.recipe`)."""


class Hello(TypedDict):
    """The worker's first line once Keras is imported."""

    type: Literal["ready"]
    keras_version: str
    backend: str
    device: str  # "CPU" or "GPU"
    python: str
    import_seconds: float
    max_memory: Optional[int]  # the cap on the worker's writable memory, in bytes (None: none)


class Unavailable(TypedDict):
    """The worker's only line when Keras (or the requested device) is not there."""

    type: Literal["unavailable"]
    reason: str


class Request(TypedDict):
    """One recipe to rebuild."""

    id: int
    recipe: Recipe


class Reply(TypedDict):
    """What Keras did with one recipe."""

    id: int
    status: StatusName
    evidence: str
    seconds: float
    device: str
    engine: str  # "Keras 3.15.1", or "Python 3.11.7" for syntax errors


def dumps(message: Any) -> str:
    """One protocol line (no newline inside)."""
    return json.dumps(message, separators=(",", ":"))


def loads(line: str) -> Optional[dict[str, Any]]:
    """A protocol message, or None when the line is not a JSON object."""
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
MAX_EVIDENCE = 400


def condense(text: str) -> str:
    """A Keras message on one line: ANSI codes and Keras's call-context framing removed.

    ``Exception encountered when calling X.call().\\n\\nThe real message\\n\\nArguments
    received ...`` becomes ``The real message``; of TensorFlow's ``Graph execution
    error`` only the message after the node traceback is kept.
    """
    text = _ANSI.sub("", text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return ""
    chosen = lines[0]
    if chosen.startswith("Exception encountered when calling") and len(lines) > 1:
        chosen = lines[1]
    elif chosen.startswith("Graph execution error"):
        # TensorFlow's runtime errors: a traceback of graph nodes, the real message near the end.
        meaningful = [line for line in lines[1:] if not line.startswith(("File ", "[[", "Detected at node"))]
        chosen = meaningful[-1] if meaningful else chosen
    if len(chosen) > MAX_EVIDENCE:
        chosen = chosen[: MAX_EVIDENCE - 3] + "..."
    return chosen


def describe_error(error: BaseException | str) -> str:
    """``ValueError: message`` on one line (a plain string, as a warning may carry, as is)."""
    if isinstance(error, str):
        return condense(error)
    message = condense(str(error))
    return f"{type(error).__name__}: {message}" if message else type(error).__name__
