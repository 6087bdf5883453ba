"""The command line, through click's CliRunner: exit codes, formats, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from shapecheck.app.cli import main

BAD = """\
import keras
from keras.layers import LSTM, Dense

model = keras.Sequential()
model.add(LSTM(64, input_shape=(10, 3)))
model.add(LSTM(32))
"""

GOOD = """\
import keras
from keras.layers import LSTM, Dense

model = keras.Sequential()
model.add(LSTM(64, input_shape=(10, 3), return_sequences=True))
model.add(LSTM(32))
"""


def run(*args: str, cwd: Path | None = None):
    runner = CliRunner()
    return runner.invoke(main, list(args), catch_exceptions=False)


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    (tmp_path / "bad.py").write_text(BAD)
    (tmp_path / "good.py").write_text(GOOD)
    return tmp_path


def test_clean_file_exits_0(tree: Path) -> None:
    result = run("check", "--isolated", str(tree / "good.py"))
    assert result.exit_code == 0, result.output
    assert "All checks passed" in result.output


def test_finding_exits_1_with_mypy_style_line_and_note(tree: Path) -> None:
    result = run("check", "--isolated", str(tree / "bad.py"))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == (
        f"{tree / 'bad.py'}:6:11: error: `LSTM` expects 3-D input (batch, timesteps, features), but receives "
        "(None, 64) from the `LSTM` on line 5, which returns only its last output  "
        "[SC102 stacked-rnn-missing-return-sequences] [*]"
    )
    assert lines[1] == f"{tree / 'bad.py'}:5:11: note: add `return_sequences=True` here"
    assert lines[-2] == "Found 1 error in 1 file."
    assert lines[-1] == "[*] 1 fixable with `shapecheck check --fix`."


def test_folder_is_walked(tree: Path) -> None:
    (tree / "sub").mkdir()
    (tree / "sub" / "more.py").write_text(BAD)
    (tree / "notes.txt").write_text(BAD)
    result = run("check", "--isolated", str(tree))
    assert result.exit_code == 1
    assert "Found 2 errors in 2 files." in result.output


def test_json_output_has_ruff_keys(tree: Path) -> None:
    result = run("check", "--isolated", "--output-format", "json", str(tree / "bad.py"))
    assert result.exit_code == 1
    [item] = json.loads(result.output)
    assert set(item) == {"filename", "cell", "code", "name", "message", "severity", "location", "end_location", "notes",
                         "fix", "url"}
    assert item["code"] == "SC102" and item["name"] == "stacked-rnn-missing-return-sequences"
    assert item["location"] == {"row": 6, "column": 11}
    assert item["end_location"]["row"] == 6
    assert item["notes"][0]["location"] == {"row": 5, "column": 11}


def test_missing_path_exits_2_but_checks_the_rest(tree: Path) -> None:
    result = run("check", "--isolated", str(tree / "nope.py"), str(tree / "bad.py"))
    assert result.exit_code == 2
    assert "nope.py: no such file or directory" in result.output
    assert "SC102" in result.output
    assert "Traceback" not in result.output


def test_non_utf8_file_exits_2_with_one_line(tree: Path) -> None:
    (tree / "latin.py").write_bytes(b"# caf\xe9\nimport keras\n")
    result = run("check", "--isolated", str(tree / "latin.py"), str(tree / "good.py"))
    assert result.exit_code == 2
    assert "latin.py: not valid UTF-8" in result.output
    assert "Traceback" not in result.output


def test_syntax_error_is_a_finding(tree: Path) -> None:
    (tree / "broken.py").write_text("import keras\nmodel = keras.Sequential(\n")
    result = run("check", "--isolated", str(tree / "broken.py"))
    assert result.exit_code == 1
    assert "broken.py:" in result.output and "[SC001 invalid-syntax]" in result.output


def test_file_without_keras_is_skipped(tree: Path) -> None:
    (tree / "plain.py").write_text("def f(:\n")  # not even valid, but never parsed
    result = run("check", "--isolated", str(tree / "plain.py"))
    assert result.exit_code == 0


def test_select_and_ignore(tree: Path) -> None:
    assert run("check", "--isolated", "--ignore", "SC102", str(tree / "bad.py")).exit_code == 0
    assert run("check", "--isolated", "--select", "SC2", str(tree / "bad.py")).exit_code == 0
    assert run("check", "--isolated", "--select", "stacked-rnn-missing-return-sequences",
               str(tree / "bad.py")).exit_code == 1


def test_unknown_selector_exits_2(tree: Path) -> None:
    result = run("check", "--isolated", "--select", "XY999", str(tree / "bad.py"))
    assert result.exit_code == 2
    assert "unknown rule selector `XY999`" in result.output


def test_noqa_suppresses(tree: Path) -> None:
    (tree / "quiet.py").write_text(BAD.replace("model.add(LSTM(32))", "model.add(LSTM(32))  # noqa: SC102"))
    assert run("check", "--isolated", str(tree / "quiet.py")).exit_code == 0


def test_pyproject_config_and_bad_key(tree: Path) -> None:
    (tree / "pyproject.toml").write_text('[tool.shapecheck]\nignore = ["SC102"]\n')
    assert run("check", str(tree / "bad.py")).exit_code == 0
    (tree / "pyproject.toml").write_text('[tool.shapecheck]\nignor = ["SC102"]\n')
    result = run("check", str(tree / "bad.py"))
    assert result.exit_code == 2
    assert "unknown configuration key `ignor`" in result.output


def test_rule_and_rules_commands() -> None:
    result = run("rule", "SC102")
    assert result.exit_code == 0
    assert "## What it does" in result.output and "return_sequences=True" in result.output
    listing = run("rules")
    assert listing.exit_code == 0 and "SC101" in listing.output and "SC303" in listing.output
    assert run("rule", "SC999").exit_code == 2


def test_output_is_deterministic(tree: Path) -> None:
    first = run("check", "--isolated", str(tree)).output
    second = run("check", "--isolated", str(tree)).output
    assert first == second
