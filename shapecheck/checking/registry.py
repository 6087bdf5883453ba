"""Looking rules up by code, prefix or name."""

from __future__ import annotations

from typing import Optional

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
    if selector.upper() == "ALL":
        return all_rules()
    by_name = [r for r in all_rules() if r.name == selector]
    if by_name:
        return by_name
    return [r for r in all_rules() if r.code.startswith(selector.upper())]
