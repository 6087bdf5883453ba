"""The rules a run selected, by code: what the cache key needs, without the rule classes.

A run whose files are all answered from the cache never imports the rules (they pull in
libcst and the engine: most of the start-up).  So the configuration resolves to a
:class:`Selection` (codes from :mod:`shapecheck.tables.rule_index`, severities, target),
and only a file that must really be checked turns it into the checker's
:class:`~shapecheck.checking.checker.Settings` (:func:`as_settings`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Union

from shapecheck.report.diagnostics import Severity

if TYPE_CHECKING:
    from shapecheck.checking.checker import Settings


@dataclass(frozen=True)
class Selection:
    """Which rules run (their codes, in code order) and at which severity, for the ``target`` Keras."""

    codes: tuple[str, ...]
    severities: tuple[tuple[str, Severity], ...] = ()
    target: str = "keras3"

    def settings(self) -> Settings:
        """The checker's settings: the same selection with the rule classes (this imports the rules)."""
        return _settings(self)


@lru_cache(maxsize=None)
def _settings(selection: Selection) -> Settings:
    from shapecheck.checking.checker import Settings
    from shapecheck.checking.registry import rules_for

    return Settings(rules_for(selection.codes), selection.severities, selection.target)


AnySettings = Union[Selection, "Settings"]
"""What a run's per-file settings may be: a selection, or the checker's settings themselves."""


def as_settings(settings: AnySettings) -> Settings:
    """The checker's settings for ``settings`` (a :class:`Selection` is turned into them)."""
    return settings.settings() if isinstance(settings, Selection) else settings


def selected_codes(settings: AnySettings) -> tuple[str, ...]:
    """The codes of the rules ``settings`` runs, in its order (the rules are not imported)."""
    if isinstance(settings, Selection):
        return settings.codes
    return tuple(rule.code for rule in settings.rules)


