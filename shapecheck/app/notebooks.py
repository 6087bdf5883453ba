"""Jupyter notebooks as scripts: their code cells, one after another.

Line numbers of findings in a notebook count the lines of this script: the
code cells in order, each preceded by a ``# %% [cell N]`` marker line (the
percent format that editors and jupytext understand).  IPython magics and
shell escapes (``%pip``, ``!ls``, ``files = !ls``, ``obj?``) that start a
statement become comments (``pass`` inside a block), and cells under a
non-Python cell magic (``%%bash``) are commented out whole, so they neither
fail to parse nor shift lines.  Notebooks are checked, never fixed in place.
"""

from __future__ import annotations

import json
import re
from typing import Any


class NotebookError(Exception):
    """The file is not a notebook shapecheck can read."""


_MAGIC_STARTS = ("%", "!", "?")
# Cell magics whose body is Python (the rest, like %%bash or %%html, is not).
_PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug"})
_SHELL_ASSIGNMENT = re.compile(r"^[A-Za-z_][\w.]*(\s*,\s*[A-Za-z_][\w.]*)*\s*=\s*[!%]")
_HELP = re.compile(r"^[A-Za-z_][\w.]*\?\??$")


def _source_text(source: Any) -> str:
    """A cell's ``source``: a string or a list of strings (anything else counts as empty)."""
    if isinstance(source, str):
        return source
    if isinstance(source, list):
        return "".join(part for part in source if isinstance(part, str))
    return ""


def _is_magic(stripped: str) -> bool:
    """IPython syntax on a line of its own: ``%pip``, ``!ls``, ``x = !ls``, ``obj?``, ``?obj``."""
    return stripped.startswith(_MAGIC_STARTS) or bool(_HELP.match(stripped)) or bool(
        _SHELL_ASSIGNMENT.match(stripped))


class _LineState:
    """Whether the next line starts a new statement: outside brackets, strings and continuations."""

    def __init__(self) -> None:
        self.depth = 0
        self.quote: str = ""  # the open triple quote, if any
        self.continued = False

    @property
    def at_statement_start(self) -> bool:
        return self.depth == 0 and not self.quote and not self.continued

    def feed(self, line: str) -> None:
        """Follow one line of Python (roughly: enough to know where statements start)."""
        i, n = 0, len(line)
        while i < n:
            if self.quote:
                end = line.find(self.quote, i)
                while end > 0 and line[end - 1] == "\\" and not line[:end].endswith("\\\\"):
                    end = line.find(self.quote, end + 1)
                if end < 0:
                    break
                i, self.quote = end + 3, ""
                continue
            char = line[i]
            if char == "#":
                break
            if char in "([{":
                self.depth += 1
            elif char in ")]}":
                self.depth = max(0, self.depth - 1)
            elif char in "'\"":
                triple = line[i:i + 3]
                if triple in ("'''", '"""'):
                    self.quote, i = triple, i + 3
                    continue
                i += 1
                while i < n and line[i] != char:
                    i += 2 if line[i] == "\\" else 1
            i += 1
        self.continued = not self.quote and line.rstrip().endswith("\\") and not line.lstrip().startswith("#")


def _cell_text(cell: dict[str, Any]) -> str:
    """A code cell as Python: IPython magics and shell escapes become comments (``pass`` in a block)."""
    lines = _source_text(cell.get("source", cell.get("input", ""))).splitlines()
    first = next((line.strip() for line in lines if line.strip()), "")
    if first.startswith("%%"):
        name = first[2:].split(maxsplit=1)[0] if len(first) > 2 else ""
        if name not in _PYTHON_CELL_MAGICS:
            return "\n".join(f"# {line}" for line in lines)
    out = []
    state = _LineState()
    for line in lines:
        stripped = line.lstrip()
        if state.at_statement_start and stripped and _is_magic(stripped):
            indent = line[:len(line) - len(stripped)]
            out.append(f"{indent}pass  # {stripped}" if indent else f"# {line}")
            continue
        out.append(line)
        state.feed(line)
    return "\n".join(out)


def notebook_source(text: str) -> str:
    """The code cells of a notebook's JSON as one script."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotebookError(f"not a valid notebook (invalid JSON: {error.msg} at line {error.lineno})") from None
    cells = data.get("cells") if isinstance(data, dict) else None
    if cells is None and isinstance(data, dict) and isinstance(data.get("worksheets"), list):
        cells = [cell for sheet in data["worksheets"] if isinstance(sheet, dict)  # nbformat 3
                 for cell in (sheet.get("cells") if isinstance(sheet.get("cells"), list) else [])]
    if not isinstance(cells, list):
        raise NotebookError("not a valid notebook (no `cells` list)")
    parts = []
    for number, cell in enumerate(cells, start=1):
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            parts.append(f"# %% [cell {number}]\n{_cell_text(cell)}\n")
    return "".join(parts)


_MARKER = re.compile(r"# %% \[cell (\d+)\]$")


def cell_location(script: str, row: int) -> tuple[int, int] | None:
    """The cell number and the row inside that cell of ``row`` (1-based) of a notebook's script.

    For output that names cells, as ``nb.ipynb:cell 3:2:5``; None on a marker line.
    """
    lines = script.splitlines()
    for index in range(min(row, len(lines)) - 1, -1, -1):
        found = _MARKER.match(lines[index])
        if found:
            return (int(found.group(1)), row - index - 1) if index != row - 1 else None
    return None
