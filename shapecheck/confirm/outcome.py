"""What confirmation says about one finding, and how the output formats show it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import Enum
from typing import Any, Optional, Sequence


class Status(str, Enum):
    """Whether Keras agreed with a finding."""

    CONFIRMED = "confirmed"
    REFUTED = "refuted"
    UNCONFIRMABLE = "unconfirmable"


@dataclass(frozen=True)
class Confirmation:
    """The verdict of the real Keras on one finding.

    ``evidence`` is the exception Keras raised (type and message), the symptom
    it showed, or, when unconfirmable, the reason.  ``engine`` is what gave the
    verdict (``Keras 3.15.1``; ``Python 3.11.7`` for syntax errors).
    """

    status: Status
    evidence: str
    seconds: float = 0.0
    keras_version: Optional[str] = None
    backend: Optional[str] = None
    device: Optional[str] = None
    engine: Optional[str] = None

    def note(self) -> str:
        """The note line printed under the finding."""
        by = self.engine or (f"Keras {self.keras_version}" if self.keras_version else "Keras")
        where = f" ({self.device})" if self.device and not by.startswith("Python") else ""
        if self.status is Status.CONFIRMED:
            return f"confirmed by {by}{where}: {self.evidence}"
        if self.status is Status.REFUTED:
            return f"refuted by {by}{where}: {self.evidence}"
        return f"unconfirmable: {self.evidence}"

    def to_json(self) -> dict[str, Any]:
        """The ``confirmation`` object of the JSON output."""
        return {
            "status": self.status.value,
            "refuted": self.status is Status.REFUTED,
            "backend": self.backend,
            "device": self.device,
            "keras_version": self.keras_version,
            "evidence": self.evidence,
            "seconds": round(self.seconds, 3),
        }


def summary_suffix(confirmations: Sequence[Optional[Confirmation]]) -> str:
    """`` (2 confirmed, 1 refuted)`` for the summary line; empty when nothing was confirmed."""
    present = [c for c in confirmations if c is not None]
    if not present:
        return ""
    counts = Counter(c.status for c in present)
    parts = [f"{counts[Status.CONFIRMED]} confirmed"]
    if counts[Status.REFUTED]:
        parts.append(f"{counts[Status.REFUTED]} refuted")
    if counts[Status.UNCONFIRMABLE]:
        parts.append(f"{counts[Status.UNCONFIRMABLE]} unconfirmable")
    return f" ({', '.join(parts)})"
