"""Findings and their notes, independent of how they are printed.

The checker produces :class:`Diagnostic` objects; the output formats only
read them.  Severities are ``error`` and ``warning``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Optional


class Severity(str, Enum):
    """How serious a finding is."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Location:
    """A 1-based line and column."""

    row: int
    column: int


@dataclass(frozen=True)
class Note:
    """A secondary message tied to a place: where a shape came from, what to change."""

    message: str
    location: Location
    end_location: Location
    cell: Optional[int] = None  # in a notebook: the code cell, and rows count inside it


@dataclass(frozen=True)
class Edit:
    """Replace the text from ``location`` up to ``end_location`` (exclusive) with ``content``."""

    location: Location
    end_location: Location
    content: str


class Applicability(str, Enum):
    """Whether a fix may be applied without a person looking (ruff's meaning).

    A fix is ``safe`` only when it cannot change the program's behaviour beyond
    the mistake its finding reports; ``--fix`` applies those.  Every other fix is
    ``unsafe``: shown, and applied only with ``--unsafe-fixes``.
    """

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True)
class Fix:
    """An automatic fix of one finding: what it does, its text edits, and whether it is safe."""

    message: str
    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.UNSAFE

    @property
    def safe(self) -> bool:
        """True for a safe fix."""
        return self.applicability is Applicability.SAFE

    def applies(self, unsafe_fixes: bool = False) -> bool:
        """True when ``--fix`` applies it (an unsafe fix only with ``--unsafe-fixes``)."""
        return self.safe or unsafe_fixes


@dataclass(frozen=True)
class Diagnostic:
    """One finding of one rule in one file."""

    filename: str
    code: str
    name: str
    severity: Severity
    message: str
    location: Location
    end_location: Location
    notes: tuple[Note, ...] = field(default=())
    # The interpreter event behind the finding (layers, tensors, model): what
    # --confirm rebuilds. Not part of equality, printing or any output format.
    event: Any = field(default=None, compare=False, repr=False, hash=False)
    # The fix of this finding, if its rule has one (``--fix``, code actions), safe or unsafe.
    fix: Optional[Fix] = field(default=None, compare=False)
    # What the real Keras said about it (``--confirm``): a confirm.Confirmation, or None.
    confirmation: Any = field(default=None, compare=False, repr=False, hash=False)
    # In a notebook: the code cell the finding is in; its rows then count inside that cell.
    cell: Optional[int] = None

    def sort_key(self) -> tuple[str, int, int, int, str, str]:
        """Order by file, (cell,) line, column, code (then message, for stability)."""
        return (self.filename, self.cell or 0, self.location.row, self.location.column, self.code, self.message)
