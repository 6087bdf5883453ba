"""Inline suppressions: ``# noqa``, ``# noqa: SC102``, ``# shapecheck: ignore[SC102]``.

A suppression applies to findings that start on its line.  Codes may be
given as codes, prefixes or readable names.
"""

from __future__ import annotations

import re

_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[\w\-]+(?:[\s,]+[\w\-]+)*))?", re.IGNORECASE)
_IGNORE = re.compile(r"#\s*shapecheck:\s*ignore(?:\[(?P<codes>[^\]]*)\])?")


class Suppressions:
    """The suppression comments of one file, by line."""

    def __init__(self, source: str) -> None:
        self.by_line: dict[int, set[str] | None] = {}
        if "noqa" not in source and "shapecheck:" not in source:
            return
        for number, line in enumerate(source.splitlines(), start=1):
            if "#" not in line:
                continue
            for pattern in (_NOQA, _IGNORE):
                match = pattern.search(line)
                if match is None:
                    continue
                codes = match.group("codes")
                if not codes:
                    self.by_line[number] = None
                elif self.by_line.get(number, set()) is not None:
                    found = {c.strip() for c in re.split(r"[\s,]+", codes) if c.strip()}
                    self.by_line.setdefault(number, set()).update(found)  # type: ignore[union-attr]

    def suppressed(self, line: int, code: str, name: str) -> bool:
        """True when a comment on ``line`` silences ``code``."""
        if line not in self.by_line:
            return False
        codes = self.by_line[line]
        if codes is None:
            return True
        return any(code.startswith(c.upper()) or c == name for c in codes)
