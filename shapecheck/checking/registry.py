"""Looking rules up by code, prefix or name: the rule classes, or their entries in the
generated index (:mod:`shapecheck.tables.rule_index`), which choosing rules and the
cache key use so that a run answered from the cache never imports the rules (nor libcst)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from shapecheck.report.diagnostics import Diagnostic, Location, Severity
from shapecheck.tables.rule_index import RULES, RuleEntry

if TYPE_CHECKING:
    from shapecheck.checking.rule import Rule


def all_rules() -> list[type[Rule]]:
    """Every rule, in code order."""
    from shapecheck.rules import ALL_RULES

    return list(ALL_RULES)


def rule_by_code(code: str) -> Optional[type[Rule]]:
    """The rule with this exact code or readable name."""
    for rule in all_rules():
        if rule.code == code.upper() or rule.name == code:
            return rule
    return None


def select(selector: str) -> list[type[Rule]]:
    """The rules a selector names: a code, a code prefix (``SC1``, ``SC``), a name, or ``ALL``."""
    return _matching(selector, all_rules())


def rule_entries() -> list[RuleEntry]:
    """Every rule's index entry, in code order (the rules themselves are not imported)."""
    return list(RULES)


def entry_by_code(code: str) -> Optional[RuleEntry]:
    """The index entry of the rule with this exact code or readable name."""
    for entry in RULES:
        if entry.code == code.upper() or entry.name == code:
            return entry
    return None


def select_entries(selector: str) -> list[RuleEntry]:
    """:func:`select` over the index: the entries of the rules a selector names."""
    return _matching(selector, list(RULES))


def rules_for(codes: tuple[str, ...]) -> tuple[type[Rule], ...]:
    """The rule classes with these codes, in the same order (this imports the rules)."""
    by_code = {rule.code: rule for rule in all_rules()}
    return tuple(by_code[code] for code in codes)


def _matching(selector: str, rules: list[Any]) -> list[Any]:
    """The rules (classes or entries: anything with ``code`` and ``name``) a selector names."""
    if selector.upper() == "ALL":
        return rules
    by_name = [r for r in rules if r.name == selector]
    if by_name:
        return by_name
    return [r for r in rules if r.code.startswith(selector.upper())]


def io_error(filename: str, reason: str) -> Diagnostic:
    """The SC002 io-error finding for a file that could not be read (``reason``: why), at 1:1,
    from the rule index (a warm run that meets an unreadable file imports no rule).

    Reported whatever the selection: a file that was not checked must never look clean."""
    entry = entry_by_code("SC002")
    assert entry is not None
    start = Location(1, 1)
    return Diagnostic(filename, entry.code, entry.name, Severity(entry.severity), f"cannot read: {reason}",
                      start, start)
