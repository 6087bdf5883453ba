"""Fixes: from a rule's node replacements to text edits, and applying them.

A rule describes its fix as libcst node replacements (:class:`~shapecheck.checking.rule.FixSpec`).
:func:`build_fix` renders the module with those nodes replaced and keeps only
the changed span as a text edit, so indentation, comments and formatting
elsewhere stay byte for byte, and carries the rule's applicability (safe or
unsafe).  :func:`apply_fixes` applies the edits of non-overlapping fixes, the
unsafe ones only when asked (the check-and-apply loop is
:mod:`shapecheck.checking.autofix`).
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING, Any, Optional, Sequence

import libcst as cst

from shapecheck.report.diagnostics import Diagnostic, Edit, Fix, Location

if TYPE_CHECKING:
    from shapecheck.checking.rule import FixSpec

_NEWLINE = re.compile(r"\r\n|\r|\n")


class LineIndex:
    """Converts between string offsets and 1-based (row, column) positions."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
        self.length = len(text)

    def location(self, offset: int) -> Location:
        """The 1-based row and column of ``offset``."""
        row = bisect.bisect_right(self.starts, offset) - 1
        return Location(row + 1, offset - self.starts[row] + 1)

    def offset(self, location: Location) -> int:
        """The string offset of a 1-based ``location`` (clamped to the text)."""
        row = min(max(location.row, 1), len(self.starts)) - 1
        return min(self.starts[row] + location.column - 1, self.length)


def build_fix(module: cst.Module, spec: "FixSpec") -> Optional[Fix]:
    """The text edit that turns ``module`` into ``module`` with ``spec`` applied.

    Returns None when the replacement changes nothing or cannot be rendered.
    """
    try:
        new_module: cst.CSTNode = module
        for old, new in spec.replacements:
            new_module = new_module.deep_replace(old, new)  # type: ignore[arg-type]
        if not isinstance(new_module, cst.Module):
            return None
        before, after = module.code, new_module.code
    except Exception:  # noqa: BLE001 - a fix that cannot be rendered is simply not offered
        return None
    if before == after:
        return None
    prefix, suffix = _common_ends(before, after)
    index = LineIndex(before)
    edit = Edit(index.location(prefix), index.location(len(before) - suffix),
                after[prefix:len(after) - suffix])
    return Fix(spec.description, (edit,), spec.applicability)


def _common_ends(before: str, after: str) -> tuple[int, int]:
    """Lengths of the common prefix and suffix, widened to whole words so that
    `False` -> `True` reads as that and not `Fals` -> `Tru`."""
    prefix = 0
    limit = min(len(before), len(after))
    while prefix < limit and before[prefix] == after[prefix]:
        prefix += 1
    suffix = 0
    while (suffix < limit - prefix and before[len(before) - 1 - suffix] == after[len(after) - 1 - suffix]):
        suffix += 1
    while prefix > 0 and _word(before[prefix - 1]):
        prefix -= 1
    while suffix > 0 and _word(before[len(before) - suffix]):
        suffix -= 1
    return prefix, suffix


def quick_fix(module: cst.Module, source: str, lines: LineIndex, ranges: dict[int, Any],
              spec: "FixSpec") -> Optional[Fix]:
    """The same edits as :func:`build_fix`, without re-rendering the whole module.

    Each old node's source range is known already; when the source text in
    that range is exactly the old node's own code, the edit is that range
    replaced by the new node's code.  Otherwise (a node whose range and code
    differ, such as one owning surrounding whitespace) it returns None and
    the caller falls back to :func:`build_fix`.
    """
    edits = []
    for old, new in spec.replacements:
        where = ranges.get(id(old))
        if where is None:
            return None
        start = lines.offset(Location(where.start.line, where.start.column + 1))
        end = lines.offset(Location(where.end.line, where.end.column + 1))
        if source[start:end] != module.code_for_node(old):
            return None
        before, after = source[start:end], module.code_for_node(new)
        if before == after:
            continue
        prefix, suffix = _common_ends(before, after)
        edits.append(Edit(lines.location(start + prefix), lines.location(end - suffix),
                          after[prefix:len(after) - suffix]))
    if not edits:
        return None
    edits.sort(key=lambda e: (e.location.row, e.location.column))
    return Fix(spec.description, tuple(edits), spec.applicability)


def _word(char: str) -> bool:
    return char.isalnum() or char == "_"


def apply_fixes(source: str, diagnostics: Sequence[Diagnostic], unsafe_fixes: bool = False) -> tuple[str, int]:
    """Apply the fixes of ``diagnostics`` whose edits do not overlap (the unsafe ones only
    with ``unsafe_fixes``); return the text and how many applied."""
    text, applied = apply_fixes_of(source, diagnostics, unsafe_fixes)
    return text, len(applied)


def apply_fixes_of(source: str, diagnostics: Sequence[Diagnostic],
                   unsafe_fixes: bool = False) -> tuple[str, list[Diagnostic]]:
    """:func:`apply_fixes`, returning the findings whose fixes were applied."""
    index = LineIndex(source)
    spans: list[tuple[int, int, int, Diagnostic]] = []
    for order, d in enumerate(diagnostics):
        if d.fix is None or not d.fix.edits or not d.fix.applies(unsafe_fixes):
            continue
        offsets = [(index.offset(e.location), index.offset(e.end_location)) for e in d.fix.edits]
        spans.append((min(s for s, _ in offsets), max(e for _, e in offsets), order, d))
    spans.sort(key=lambda item: (item[0], item[1], item[2]))
    chosen: list[Diagnostic] = []
    edits: list[tuple[int, int, str]] = []
    last_start, last_end = -1, -1
    seen: set[Fix] = set()
    for start, end, _, d in spans:
        fix = d.fix
        assert fix is not None
        if fix in seen:
            continue  # two findings with one and the same fix
        if start < last_end or (start == end == last_start):
            continue  # overlaps a fix already chosen: the next pass gets it
        seen.add(fix)
        chosen.append(d)
        for e in fix.edits:
            edits.append((index.offset(e.location), index.offset(e.end_location), e.content))
        last_start, last_end = start, end
    text = source
    for start, end, content in sorted(edits, reverse=True):
        text = text[:start] + content + text[end:]
    return text, chosen
