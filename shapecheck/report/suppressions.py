"""Suppression comments: ``# noqa``, ``# noqa: SC102``, ``# shapecheck: ignore[SC102]``
on a line, and ``# shapecheck: ignore-file`` (or ``ignore-file[SC102]``) or, as ruff's
``# ruff: noqa``, ``# shapecheck: noqa`` (or ``# shapecheck: noqa: SC102``) for a whole file.

A line suppression applies to findings that start on its line.  Codes may be
given as codes, prefixes or readable names.  Each suppression remembers which
of its codes silenced something, so the opt-in rule SC900 can report the
ones that did not.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field
from typing import Iterator, Optional

_TOKEN = r"(?:[A-Za-z]+[0-9]+|[a-z][a-z0-9]*(?:-[a-z0-9]+)+)"
_NOQA = re.compile(rf"#\s*noqa(?::[ \t]*(?P<codes>{_TOKEN}(?:(?:[ \t]*,[ \t]*|[ \t]+){_TOKEN})*))?",
                   re.IGNORECASE)
_IGNORE_FILE = re.compile(r"#\s*shapecheck:\s*ignore-file(?:\[(?P<codes>[^\]]*)\])?")
_FILE_NOQA = re.compile(rf"#\s*shapecheck:\s*noqa(?::[ \t]*(?P<codes>{_TOKEN}(?:(?:[ \t]*,[ \t]*|[ \t]+){_TOKEN})*))?",
                        re.IGNORECASE)
FILE_KINDS = frozenset({"ignore-file", "file-noqa"})
_IGNORE = re.compile(r"#\s*shapecheck:\s*ignore(?![\w-])(?:\[(?P<codes>[^\]]*)\])?")
BLANKET = "*"


@dataclass
class Suppression:
    """One suppression comment (or one part of a comment).

    ``codes`` is None for a blanket suppression.  ``row``/``column`` are 1-based
    and point at the ``#``.
    """

    kind: str  # "noqa", "ignore", or for the whole file "ignore-file" or "file-noqa" (``# shapecheck: noqa``)
    row: int
    column: int
    end_column: int
    text: str
    codes: Optional[tuple[str, ...]]
    used: set[str] = field(default_factory=set)

    def matches(self, code: str, name: str) -> Optional[str]:
        """The token of this suppression that silences ``code`` (BLANKET for all), or None."""
        if self.codes is None:
            return BLANKET
        for token in self.codes:
            if code.startswith(token.upper()) or token == name:
                return token
        return None


def _comments(source: str) -> Iterator[tuple[int, int, str]]:
    """(row, 0-based column, text) of each comment; falls back to a line scan
    when the file does not tokenize."""
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                yield tok.start[0], tok.start[1], tok.string
        return
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass
    for row, line in enumerate(source.splitlines(), start=1):
        index = line.find("#")
        if index >= 0:
            yield row, index, line[index:]


def _codes(raw: Optional[str]) -> Optional[tuple[str, ...]]:
    if raw is None:
        return None
    codes = tuple(c for c in re.split(r"[\s,]+", raw) if c)
    return codes or None


class Suppressions:
    """The suppression comments of one file."""

    def __init__(self, source: str) -> None:
        self.file_level: list[Suppression] = []
        self.by_line: dict[int, list[Suppression]] = {}
        if "noqa" not in source.lower() and "shapecheck:" not in source:
            return
        for row, column, comment in _comments(source):
            for kind, pattern in (("ignore-file", _IGNORE_FILE), ("file-noqa", _FILE_NOQA), ("ignore", _IGNORE),
                                  ("noqa", _NOQA)):
                for match in pattern.finditer(comment):
                    item = Suppression(kind, row, column + match.start() + 1, column + match.end() + 1,
                                       match.group(0), _codes(match.group("codes")))
                    if kind in FILE_KINDS:
                        self.file_level.append(item)
                    else:
                        self.by_line.setdefault(row, []).append(item)

    def ignores_file(self) -> bool:
        """True when a blanket ``# shapecheck: ignore-file`` or ``# shapecheck: noqa`` silences the whole file."""
        return any(s.codes is None for s in self.file_level)

    def suppressed(self, line: int, code: str, name: str) -> bool:
        """True when a comment silences ``code`` on ``line`` (recording which comment did)."""
        hit = False
        for item in self.file_level + self.by_line.get(line, []):
            token = item.matches(code, name)
            if token is not None:
                item.used.add(token)
                hit = True
        return hit

    def all(self) -> list[Suppression]:
        """Every suppression of the file, in source order."""
        items = self.file_level + [s for line in sorted(self.by_line) for s in self.by_line[line]]
        return sorted(items, key=lambda s: (s.row, s.column))


def _unwritable_rows(source: str) -> set[int]:
    """Rows whose end is not a place for a comment: inside a multi-line string, or continued
    with a backslash.  Every row, when the file does not tokenize."""
    rows: set[int] = set()
    lines = source.splitlines()
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.STRING and tok.end[0] > tok.start[0]:
                rows.update(range(tok.start[0], tok.end[0]))
            elif tok.type == getattr(tokenize, "FSTRING_MIDDLE", -1) and tok.end[0] > tok.start[0]:
                rows.update(range(tok.start[0], tok.end[0]))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return set(range(1, len(lines) + 1))
    comments = {row: column for row, column, _ in _comments(source)}
    for row, line in enumerate(lines, start=1):
        code = line[:comments[row]] if row in comments else line
        if code.rstrip().endswith("\\"):
            rows.add(row)
    return rows


def add_noqa(source: str, codes_by_row: dict[int, set[str]]) -> tuple[str, int]:
    """``source`` with ``# noqa: CODE`` on each row of ``codes_by_row`` (1-based), as ruff's
    ``--add-noqa``: codes join an existing ``# noqa: X`` comment, otherwise a new comment goes
    at the end of the line (after any comment there).  Rows inside a multi-line string or
    continued with a backslash are left alone.  Returns the text and how many rows changed."""
    if not codes_by_row:
        return source, 0
    lines = source.splitlines(keepends=True)
    skip = _unwritable_rows(source)
    comments = {row: (column, text) for row, column, text in _comments(source)}
    changed = 0
    for row in sorted(codes_by_row):
        if row in skip or not 1 <= row <= len(lines):
            continue
        line = lines[row - 1]
        body = line.rstrip("\r\n")
        ending = line[len(body):]
        comment = comments.get(row)
        match = _NOQA.search(comment[1]) if comment is not None else None
        if comment is not None and match is not None:
            existing = _codes(match.group("codes"))
            if existing is None:
                continue  # a blanket noqa comment silences everything already
            missing = sorted(set(codes_by_row[row]) - {c.upper() for c in existing})
            if not missing:
                continue
            start, end = comment[0] + match.start(), comment[0] + match.end()
            body = body[:start] + "# noqa: " + ", ".join([*existing, *missing]) + body[end:]
        else:
            body = body.rstrip() + "  # noqa: " + ", ".join(sorted(codes_by_row[row]))
        lines[row - 1] = body + ending
        changed += 1
    return "".join(lines), changed
