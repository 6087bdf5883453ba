"""Each rule's VALID and INVALID examples, run through the checker (Fixit style).

An INVALID example must produce a finding of its rule; a VALID example must
produce no finding at all.
"""

from __future__ import annotations

import pytest

from shapecheck.checking.checker import Settings, check_source
from shapecheck.checking.registry import all_rules

CASES = [
    pytest.param(rule, kind, i, source, id=f"{rule.code}-{kind}-{i}")
    for rule in all_rules()
    for kind, examples in (("valid", rule.VALID), ("invalid", [ex.code for ex in rule.INVALID]))
    for i, source in enumerate(examples)
]


@pytest.mark.parametrize("rule, kind, index, source", CASES)
def test_example(rule, kind: str, index: int, source: str) -> None:
    # Opt-in rules run only when selected, so their examples select them.
    settings = Settings(tuple(r for r in all_rules() if not r.opt_in or r is rule))
    findings = check_source(source, "example.py", settings)
    if kind == "valid":
        assert findings == [], f"{rule.code} VALID example {index} was flagged: {findings}"
    else:
        codes = [d.code for d in findings]
        assert rule.code in codes, f"{rule.code} INVALID example {index} not flagged (got {codes})"


def test_every_rule_is_documented_and_has_examples() -> None:
    codes = set()
    for rule in all_rules():
        assert rule.code not in codes, f"duplicate code {rule.code}"
        codes.add(rule.code)
        assert rule.VALID and rule.INVALID, f"{rule.code} needs VALID and INVALID examples"
        doc = rule.documentation()
        for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
            assert heading in doc, f"{rule.code} documentation lacks {heading}"
