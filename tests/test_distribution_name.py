"""The distribution is `keras-shapecheck` (`shapecheck` on the package index is another project):
pyproject, README, messages and SARIF never send people to install the wrong one."""

from __future__ import annotations

import re
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parents[1]
WRONG = re.compile(r"(?<![\w-])shapecheck\[|pip install\s+['\"]?shapecheck(?![\w-])|pypi\.org/project/shapecheck")


def _texts() -> dict[str, str]:
    paths = [ROOT / "README.md", ROOT / "pyproject.toml", ROOT / ".pre-commit-hooks.yaml",
             *(ROOT / "shapecheck").rglob("*.py"), *(ROOT / "rules").glob("*.py"), *(ROOT / "docs").rglob("*.md")]
    return {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in paths if p.is_file()}


def test_the_distribution_name() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == "keras-shapecheck"
    assert project["scripts"] == {"shapecheck": "shapecheck.app.entry:run"}  # the command line, then a quick exit


def test_no_text_names_the_other_project() -> None:
    wrong = {path: WRONG.findall(text) for path, text in _texts().items()}
    assert {path: found for path, found in wrong.items() if found} == {}


def test_the_pattern_catches_the_old_name() -> None:
    assert WRONG.findall("pip install 'shapecheck[server]'") and WRONG.findall("pip install shapecheck")
    assert not WRONG.findall("pip install 'keras-shapecheck[server]' && shapecheck check x.py")


def test_sarif_points_at_the_repository_not_the_package_index() -> None:
    from shapecheck.report.formats.sarif import sarif_log

    uri = sarif_log([])["runs"][0]["tool"]["driver"]["informationUri"]
    assert "pypi" not in uri and uri.endswith("README.md")
