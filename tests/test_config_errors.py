"""A broken configuration is an error with one clear line and exit 2, never ignored."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from shapecheck.app.cli import main
from shapecheck.app.config import ConfigError, find_config


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    # A parent folder's valid config that must NOT be used instead of the broken one.
    (tmp_path / "shapecheck.toml").write_text('ignore = ["SC001"]\n', encoding="utf-8")
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "pyproject.toml").write_text("[tool.shapecheck\nselect = [\n", encoding="utf-8")
    (inner / "model.py").write_text("import keras\nmodel = keras.Sequential(\n", encoding="utf-8")
    return inner


def test_find_config_raises_on_a_broken_pyproject(project: Path) -> None:
    with pytest.raises(ConfigError, match=r"pyproject\.toml: invalid TOML: .*line 1"):
        find_config(project / "model.py")


def test_the_cli_says_so_in_one_line_and_exits_2(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["check", "--no-cache", "model.py"], catch_exceptions=False)
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("shapecheck: error: ") and "invalid TOML" in lines[0], lines
    assert str(project / "pyproject.toml") in lines[0]
    assert result.stdout == "" and "Traceback" not in result.output


def test_isolated_skips_the_broken_config(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["check", "--no-cache", "--isolated", "model.py"], catch_exceptions=False)
    assert result.exit_code == 1 and "[SC001 invalid-syntax]" in result.stdout
