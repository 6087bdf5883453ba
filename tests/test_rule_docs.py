"""``docs/rules/SCxxx.md`` are generated from the rule classes by ``tools/gen_rule_docs.py``;
this fails when they are stale (run ``python tools/gen_rule_docs.py`` to regenerate)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from shapecheck.checking.registry import all_rules

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "rules"


def _tool():
    spec = importlib.util.spec_from_file_location("gen_rule_docs", ROOT / "tools" / "gen_rule_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_rule_docs_are_up_to_date() -> None:
    expected = _tool().render_all()
    found = {p.name: p.read_text(encoding="utf-8") for p in DOCS.glob("*.md")}
    assert sorted(found) == sorted(expected), "docs/rules/ has missing or extra pages: run tools/gen_rule_docs.py"
    stale = [name for name, text in expected.items() if found[name] != text]
    assert not stale, f"stale rule docs {stale}: run python tools/gen_rule_docs.py"


def test_a_page_has_every_section() -> None:
    pages = _tool().render_all()
    assert set(pages) == {f"{r.code}.md" for r in all_rules()} | {"README.md"}
    page = pages["SC102.md"]
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## Fix",
                    "## The Keras error it prevents"):
        assert heading in page, heading
    assert "safe" in page.split("## Fix", 1)[1]
    assert "none" in pages["SC101.md"].split("## Fix", 1)[1].split("##", 1)[0]


def test_the_check_mode_notices_a_stale_page(tmp_path: Path) -> None:
    tool = _tool()
    tool.write_all(tmp_path)
    assert tool.stale(tmp_path) == []
    (tmp_path / "SC102.md").write_text("old\n", encoding="utf-8")
    (tmp_path / "SC999.md").write_text("gone\n", encoding="utf-8")
    assert tool.stale(tmp_path) == ["SC102.md", "SC999.md"]
