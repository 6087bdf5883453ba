"""The generated rule index (``shapecheck/tables/rule_index.py`` and ``rule_texts.py``) agrees
with the rule classes: choosing rules, the cache key and SARIF read the index instead of
importing the rules, so a disagreement would run (or describe) the wrong rules.
Run ``python tools/gen_rule_index.py`` to regenerate."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any, Optional

import pytest

from shapecheck.app.config import FileConfig, resolve_codes, resolve_rules, selection_builder, settings_builder
from shapecheck.checking import registry
from shapecheck.checking.checker import Settings
from shapecheck.checking.registry import io_error, rule_by_code
from shapecheck.checking.rule import TARGETS
from shapecheck.app.selection import as_settings
from shapecheck.report.diagnostics import Location, Severity
from shapecheck.report.formats.sarif import sarif_log
from shapecheck.report.urls import rule_url
from shapecheck.tables import rule_index, rule_texts

ROOT = Path(__file__).resolve().parents[1]


def _tool() -> Any:
    spec = importlib.util.spec_from_file_location("gen_rule_index", ROOT / "tools" / "gen_rule_index.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_index_is_what_the_tool_writes() -> None:
    for name, text in _tool().render().items():
        found = (ROOT / "shapecheck" / "tables" / name).read_text(encoding="utf-8")
        assert found == text, f"shapecheck/tables/{name} is stale: run python tools/gen_rule_index.py"


def test_every_entry_matches_its_rule_class() -> None:
    rules = registry.all_rules()
    assert [e.code for e in rule_index.RULES] == [r.code for r in rules]
    assert rule_index.TARGETS == TARGETS
    for entry, rule in zip(rule_index.RULES, rules):
        assert (entry.name, Severity(entry.severity), entry.opt_in, entry.targets, entry.fixable) == \
            (rule.name, rule.severity, rule.opt_in, rule.targets, rule.fixable), rule.code
        texts = rule_texts.TEXTS[rule.code]
        assert (texts.summary, texts.what, texts.why, texts.documentation) == \
            (rule.summary, rule.what, rule.why, rule.documentation()), rule.code
    assert set(rule_texts.TEXTS) == {r.code for r in rules}
    # Not vacuous: the index holds opt-in, warning and target-limited rules.
    assert any(e.opt_in for e in rule_index.RULES) and any(e.severity == "warning" for e in rule_index.RULES)
    assert any(e.targets != TARGETS for e in rule_index.RULES)


SELECTORS = ["ALL", "SC", "SC1", "SC10", "SC102", "sc102", "SC9", "SC900", "unused-suppression", "removed-api",
             "SC3", "SC30", "rank-mismatch", "SC4", "SC2"]


def _reference_resolve(select_: Optional[list[str]], ignore: list[str], extend: list[str], target: str) -> list[str]:
    """The selection as it was computed from the rule classes before the index existed."""
    def selected(selector: str) -> list[Any]:
        return [r for r in registry.select(selector)
                if not r.opt_in or selector.upper() == r.code or selector == r.name]

    chosen = {r.code: r for r in registry.all_rules() if not r.opt_in} if select_ is None else {}
    for selector in (select_ or []) + extend:
        for rule in selected(selector):
            chosen[rule.code] = rule
    for selector in ignore:
        for rule in registry.select(selector):
            chosen.pop(rule.code, None)
    return [code for code in sorted(chosen) if target in chosen[code].targets]


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_selection_from_the_index_matches_the_classes(target: str) -> None:
    for selector in SELECTORS:
        assert [e.code for e in registry.select_entries(selector)] == [r.code for r in registry.select(selector)]
        assert getattr(registry.entry_by_code(selector), "code", None) == \
            getattr(registry.rule_by_code(selector), "code", None)
        for select_, ignore, extend in [(None, [], []), ([selector], [], []), (None, [selector], []),
                                        (None, [], [selector]), (["ALL"], [selector], ["SC900"])]:
            expected = _reference_resolve(select_, ignore, extend, target)
            assert list(resolve_codes(select_, ignore, extend, target)) == expected, (select_, ignore, extend)
            assert [r.code for r in resolve_rules(select_, ignore, extend, target)] == expected


def test_a_selection_becomes_the_same_settings() -> None:
    config = FileConfig(severity={"SC1": "warning"}, per_file_ignores={"tests/*": ["SC2"]}, extend_select=["SC900"])
    selections = selection_builder(config, ignore=["SC301"], target="keras2")
    settings = settings_builder(config, ignore=["SC301"], target="keras2")
    for path in ("model.py", "tests/test_model.py"):
        chosen, real = selections(path), settings(path)
        assert isinstance(real, Settings) and as_settings(chosen) == real and as_settings(real) is real
        assert chosen.codes == tuple(r.code for r in real.rules) and chosen.severities == real.severities
    assert "SC201" not in selections("tests/test_model.py").codes and "SC201" in selections("model.py").codes
    assert "SC900" in selections("model.py").codes and ("SC101", Severity.WARNING) in selections("x.py").severities


def test_io_error_from_the_index_is_the_rules() -> None:
    finding = io_error("a.py", "permission denied")
    rule = rule_by_code("SC002")
    assert rule is not None
    assert (finding.code, finding.name, finding.severity) == (rule.code, rule.name, rule.severity)
    assert finding.message == "cannot read: permission denied" and finding.location == Location(1, 1)


def test_sarif_describes_the_rules_as_their_classes_do() -> None:
    driver = sarif_log([])["runs"][0]["tool"]["driver"]
    expected = [{
        "id": r.code, "name": r.name, "shortDescription": {"text": r.summary},
        "fullDescription": {"text": " ".join(r.what.split())},
        "help": {"text": " ".join(r.why.split()), "markdown": r.documentation()},
        "helpUri": rule_url(r.code),
        "defaultConfiguration": {"level": r.severity.value, "enabled": not r.opt_in},
        "properties": {"fixable": r.fixable},
    } for r in registry.all_rules()]
    assert driver["rules"] == expected
