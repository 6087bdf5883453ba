"""Notebook findings in the output formats: a cell's own lines, and where they sit in the file.

A finding in a notebook carries its cell (counting every cell of the
notebook from 1, markdown too, nbformat 3 worksheets one after another) and
its line inside that cell.  The ``full`` format shows the cell's line under
the carets, not the notebook's JSON; the CI formats, which annotate lines of
the ``.ipynb`` file itself, need the line of the JSON file that holds that
cell line: in the usual layout (a ``source`` list, one JSON string per
line) that is exactly the line's string; when the cell's source is one
string, it is the line where that string starts.  The JSON is read with
Python's own decoder, instrumented to remember where each value starts.
"""

from __future__ import annotations

import bisect
import json
import json.decoder
import json.scanner
from pathlib import Path
from typing import Any, Callable, Optional

from shapecheck.report.diagnostics import Diagnostic, Location
from shapecheck.report.formats.common import Sources


class _Array(list):  # type: ignore[type-arg]
    """A JSON array that remembers where each of its elements starts in the text."""

    starts: list[int]


class _Object(dict):  # type: ignore[type-arg]
    """A JSON object that remembers where each of its values starts in the text."""

    starts: dict[str, int]


def _recording(scan_once: Callable[[str, int], Any], starts: list[int]) -> Callable[[str, int], Any]:
    def scan(text: str, index: int) -> Any:
        starts.append(index)
        return scan_once(text, index)
    return scan


class _PositionDecoder(json.JSONDecoder):
    """``json.JSONDecoder`` whose arrays and objects know where their values start."""

    def __init__(self) -> None:
        super().__init__()
        self.parse_array = self._array  # type: ignore[assignment]
        self.parse_object = self._object  # type: ignore[assignment]
        self.scan_once = json.scanner.py_make_scanner(self)  # type: ignore[attr-defined]

    @staticmethod
    def _array(s_and_end: tuple[str, int], scan_once: Callable[[str, int], Any]) -> tuple[_Array, int]:
        starts: list[int] = []
        values, end = json.decoder.JSONArray(s_and_end, _recording(scan_once, starts))  # type: ignore[attr-defined]
        array = _Array(values)
        array.starts = starts
        return array, end

    @staticmethod
    def _object(s_and_end: tuple[str, int], strict: bool, scan_once: Callable[[str, int], Any],
                object_hook: Any, object_pairs_hook: Any, memo: Any = None) -> tuple[_Object, int]:
        starts: list[int] = []
        pairs, end = json.decoder.JSONObject(  # type: ignore[attr-defined]
            s_and_end, strict, _recording(scan_once, starts), None, list, memo)
        obj = _Object(pairs)
        obj.starts = {key: start for (key, _), start in zip(pairs, starts)}
        return obj, end


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


class NotebookLayout:
    """The code of each cell of one notebook, and the file line of each cell line."""

    def __init__(self, text: str) -> None:
        self._line_starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n"]
        decoder = _PositionDecoder()
        index = len(text) - len(text.lstrip())
        data, _ = decoder.scan_once(text, index)
        cells = data.get("cells") if isinstance(data, dict) else None
        if cells is None and isinstance(data, dict) and isinstance(data.get("worksheets"), list):
            cells = [cell for sheet in data["worksheets"] if isinstance(sheet, dict)
                     for cell in _list(sheet.get("cells"))]
        self._cells: list[Any] = cells if isinstance(cells, list) else []

    def _source(self, cell: int) -> tuple[Any, Optional[int]]:
        """A cell's raw ``source`` value and where it starts in the text."""
        if not 1 <= cell <= len(self._cells) or not isinstance(self._cells[cell - 1], _Object):
            return None, None
        item = self._cells[cell - 1]
        key = "source" if "source" in item else "input"
        return item.get(key), item.starts.get(key)

    def lines(self, cell: int) -> list[str]:
        """The lines of cell ``cell`` (1-based, counting every cell)."""
        source, _ = self._source(cell)
        if isinstance(source, list):
            source = "".join(part for part in source if isinstance(part, str))
        return source.splitlines() if isinstance(source, str) else []

    def file_row(self, cell: int, row: int) -> Optional[int]:
        """The 1-based line of the notebook file that holds line ``row`` of cell ``cell``."""
        source, start = self._source(cell)
        if isinstance(source, _Array):
            seen = 0  # lines of the cell before each part
            for part, part_start in zip(source, source.starts):
                if not isinstance(part, str):
                    continue
                count = part.count("\n")
                if seen + count > row - 1 or (seen + count == row - 1 and not part.endswith("\n")):
                    return self._row_of(part_start)  # the line starts in this part
                seen += count
            return self._row_of(source.starts[-1]) if source.starts else None
        return self._row_of(start) if start is not None else None

    def _row_of(self, index: int) -> int:
        return bisect.bisect_right(self._line_starts, index)


class Notebooks:
    """The layouts of the notebooks a report names, read once each (from ``sources`` when they
    hold the notebook's JSON, else from disk)."""

    def __init__(self, sources: Sources = None) -> None:
        self._sources = sources
        self._layouts: dict[str, Optional[NotebookLayout]] = {}

    def layout(self, filename: str) -> Optional[NotebookLayout]:
        """The notebook ``filename``'s layout, or None when it cannot be read."""
        if filename not in self._layouts:
            text = self._sources.get(filename) if self._sources else None
            if text is None or not text.lstrip().startswith("{"):
                try:
                    text = Path(filename).read_text(encoding="utf-8-sig")
                except (OSError, UnicodeDecodeError):
                    text = None
            try:
                self._layouts[filename] = NotebookLayout(text) if text is not None else None
            except (ValueError, RecursionError, AttributeError, TypeError):
                self._layouts[filename] = None
        return self._layouts[filename]

    def lines(self, filename: str, cell: int) -> list[str]:
        """The lines of a notebook's cell (empty when unknown)."""
        layout = self.layout(filename)
        return layout.lines(cell) if layout is not None else []

    def file_row(self, d: Diagnostic, cell: Optional[int] = None, location: Optional[Location] = None) -> int:
        """The line of the notebook file that holds a finding's (or one of its notes') cell
        line; line 1 when the file cannot be read."""
        layout = self.layout(d.filename)
        cell = d.cell if cell is None else cell
        location = location or d.location
        found = layout.file_row(cell, location.row) if layout is not None and cell is not None else None
        return found or 1


def cell_place(cell: Optional[int], location: Location) -> str:
    """``cell 3, line 2`` (empty outside notebooks): how the CI formats name a notebook line."""
    return f"cell {cell}, line {location.row}" if cell is not None else ""
