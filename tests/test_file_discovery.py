"""Walking folders: .gitignore, exclude, --force-exclude; notebooks; standard input."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from shapecheck.app.cli import main
from shapecheck.app.files import discover, read_source

from .test_cli import BAD


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, ["check", "--no-cache", *args], input=input, catch_exceptions=False)


def names(paths) -> list[str]:
    return sorted(Path(p).as_posix() for p in paths)


@pytest.fixture()
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for path in ("a.py", "gen/b.py", "keep/c_tmp.py", "keep/d_tmp.py", "keep/e.py", "nested/f.py", "notes.txt"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(BAD)
    (tmp_path / ".gitignore").write_text("gen/\n*_tmp.py\n")
    (tmp_path / "keep" / ".gitignore").write_text("!d_tmp.py\n")
    return tmp_path


def test_gitignore_is_respected_with_nested_negation(tree: Path) -> None:
    assert names(discover(["."])) == ["a.py", "keep/d_tmp.py", "keep/e.py", "nested/f.py"]
    assert names(discover(["."], respect_gitignore=False)) == [
        "a.py", "gen/b.py", "keep/c_tmp.py", "keep/d_tmp.py", "keep/e.py", "nested/f.py"]


def test_gitignore_above_the_walked_folder_counts_inside_a_repository(tree: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tree)], check=True)
    (tree / "keep" / "sub").mkdir()
    (tree / "keep" / "sub" / "g_tmp.py").write_text(BAD)
    (tree / "keep" / "sub" / "h.py").write_text(BAD)
    assert names(discover(["keep/sub"])) == ["keep/sub/h.py"]


def test_exclude_and_force_exclude(tree: Path) -> None:
    assert names(discover(["."], ["nested"])) == ["a.py", "keep/d_tmp.py", "keep/e.py"]
    assert names(discover(["."], ["keep/*.py"])) == ["a.py", "nested/f.py"]
    # A file named on the command line is checked unless --force-exclude.
    assert names(discover(["nested/f.py"], ["nested"])) == ["nested/f.py"]
    assert names(discover(["nested/f.py"], ["nested"], force_exclude=True)) == []


def test_cli_force_exclude_and_config_exclude(tree: Path) -> None:
    (tree / "pyproject.toml").write_text('[tool.shapecheck]\nexclude = ["nested"]\n')
    assert "nested/f.py" not in run(".").output
    assert "f.py:6:11" in run("nested/f.py").output
    forced = run("--force-exclude", "nested/f.py")
    assert forced.exit_code == 0 and "All checks passed (0 files checked)." in forced.output
    stdin = run("--force-exclude", "--stdin-filename", "nested/f.py", "-", input=BAD)
    assert stdin.exit_code == 0
    assert run("--stdin-filename", "nested/f.py", "-", input=BAD).exit_code == 1


def _notebook(cells: list[tuple[str, str]]) -> str:
    return json.dumps({
        "cells": [{"cell_type": kind, "metadata": {}, "source": text.splitlines(keepends=True),
                   **({"outputs": [], "execution_count": None} if kind == "code" else {})} for kind, text in cells],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    })


def test_notebooks_are_checked_cell_by_cell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "nb.ipynb").write_text(_notebook([
        ("markdown", "# A model\nwith keras"),
        ("code", "%pip install keras\nimport keras\nfrom keras.layers import LSTM"),
        ("code", "model = keras.Sequential()\nmodel.add(LSTM(64, input_shape=(10, 3)))\nmodel.add(LSTM(32))\n!ls"),
    ]))
    source = read_source("nb.ipynb")
    assert source.notebook and source.text is not None
    lines = source.text.splitlines()
    result = run("nb.ipynb")
    assert result.exit_code == 1, result.output
    # Reported as `nb.ipynb:cell 3:ROW:COL`, ROW counting inside the cell.
    cell, row = result.output.split(":")[1:3]
    assert cell == "cell 3"
    assert lines[lines.index("# %% [cell 3]") + int(row)] == "model.add(LSTM(32))"
    assert "SC001" not in result.output
    # Folders include notebooks, and --fix never rewrites one.
    assert "nb.ipynb" in run(".").output
    before = (tmp_path / "nb.ipynb").read_text()
    run("--fix", "nb.ipynb")
    assert (tmp_path / "nb.ipynb").read_text() == before


def test_broken_notebook_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "nb.ipynb").write_text("{not json")
    result = run("nb.ipynb")
    assert result.exit_code == 2
    assert "nb.ipynb: not a valid notebook" in result.output and "Traceback" not in result.output
