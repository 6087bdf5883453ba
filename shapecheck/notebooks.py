"""Jupyter notebooks as scripts: their code cells, one after another.

Line numbers of findings in a notebook count the lines of this script: the
code cells in order, each preceded by a ``# %% [cell N]`` marker line (the
percent format that editors and jupytext understand).  IPython magics and
shell escapes (``%pip``, ``!ls``) become comments, so they neither fail to
parse nor shift lines.  Notebooks are checked, never fixed in place.
"""

from __future__ import annotations

import json
from typing import Any


class NotebookError(Exception):
    """The file is not a notebook shapecheck can read."""


_MAGIC_STARTS = ("%", "!", "?")


def _cell_text(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    text = "".join(source) if isinstance(source, list) else str(source)
    lines = []
    for line in text.splitlines():
        stripped = line.lstrip()
        magic = stripped.startswith(_MAGIC_STARTS) or (stripped.endswith("?") and stripped[:-1].isidentifier())
        lines.append(f"# {line}" if magic else line)
    return "\n".join(lines)


def notebook_source(text: str) -> str:
    """The code cells of a notebook's JSON as one script."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotebookError(f"not a valid notebook (invalid JSON: {error.msg} at line {error.lineno})") from None
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list):
        raise NotebookError("not a valid notebook (no `cells` list)")
    parts = []
    for number, cell in enumerate(cells, start=1):
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            parts.append(f"# %% [cell {number}]\n{_cell_text(cell)}\n")
    return "".join(parts)
