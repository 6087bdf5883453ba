"""Flags a ruff/mypy user reaches for (issue 15 item 9): --exit-zero, -q/--quiet, --fail-on,
--color (and FORCE_COLOR), `rules --output-format json`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from shapecheck.app.cli import main
from shapecheck.checking.registry import all_rules

ERROR_SCRIPT = "import keras\nmodel = keras.Sequential(\n"  # SC001, an error
WARNING_SCRIPT = """\
import keras
import numpy as np
from keras import layers

model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(3, activation="softmax")])
model.compile(loss="mean_squared_error", optimizer="adam")
model.fit(np.zeros((6, 8)), keras.utils.to_categorical(np.array([0, 1, 2, 0, 1, 2]), 3))
"""  # SC205 probability-output-with-regression-loss, a warning


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, ["check", "--isolated", "--no-cache", *args], env=env, catch_exceptions=False)


@pytest.fixture()
def scripts(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "error.py").write_text(ERROR_SCRIPT)
    (tmp_path / "warning.py").write_text(WARNING_SCRIPT)
    return {"error": tmp_path / "error.py", "warning": tmp_path / "warning.py"}


def test_the_warning_script_has_only_warnings(scripts: dict[str, Path]) -> None:
    out = run("--output-format", "json", str(scripts["warning"])).stdout
    severities = {item["severity"] for item in json.loads(out)}
    assert severities == {"warning"}, out


def test_exit_zero(scripts: dict[str, Path], tmp_path: Path) -> None:
    result = run("--exit-zero", str(scripts["error"]))
    assert result.exit_code == 0 and "[SC001 invalid-syntax]" in result.stdout
    assert run("--exit-zero", str(tmp_path / "missing.py")).exit_code == 2  # read errors still exit 2


def test_fail_on_error_ignores_warnings(scripts: dict[str, Path]) -> None:
    assert run("--fail-on", "error", str(scripts["warning"])).exit_code == 0
    assert run("--fail-on", "error", str(scripts["error"])).exit_code == 1
    assert run("--fail-on", "warning", str(scripts["warning"])).exit_code == 1
    assert run(str(scripts["warning"])).exit_code == 1  # the default fails on any finding


def test_fail_on_from_the_config(scripts: dict[str, Path], tmp_path: Path) -> None:
    (tmp_path / "shapecheck.toml").write_text('fail-on = "error"\n')
    result = CliRunner().invoke(main, ["check", "--no-cache", "--config", str(tmp_path / "shapecheck.toml"),
                                       str(scripts["warning"])], catch_exceptions=False)
    assert result.exit_code == 0, result.output


def test_quiet_prints_the_findings_and_nothing_else(scripts: dict[str, Path]) -> None:
    result = run("-q", str(scripts["error"]))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [line for line in run(str(scripts["error"])).stdout.splitlines()
                                          if not line.startswith("Found ")]
    assert "Found" not in result.stdout and "[SC001" in result.stdout
    clean = run("--quiet", str(scripts["warning"]), "--ignore", "SC205")
    assert clean.exit_code == 0 and clean.stdout == ""


def test_color_always_and_never(scripts: dict[str, Path]) -> None:
    assert "\x1b[" in run("--color", "always", str(scripts["error"])).stdout
    assert "\x1b[" not in run("--color", "never", str(scripts["error"]), env={"FORCE_COLOR": "1"}).stdout
    assert "\x1b[" not in run(str(scripts["error"])).stdout  # auto: not a terminal


def test_force_color_env(scripts: dict[str, Path]) -> None:
    assert "\x1b[" in run(str(scripts["error"]), env={"FORCE_COLOR": "1", "NO_COLOR": "", "CI": ""}).stdout
    assert "\x1b[" not in run("--output-format", "json", str(scripts["error"]), env={"FORCE_COLOR": "1"}).stdout


def test_rules_as_json() -> None:
    result = CliRunner().invoke(main, ["rules", "--output-format", "json"], catch_exceptions=False)
    items = json.loads(result.stdout)
    assert [item["code"] for item in items] == [r.code for r in all_rules()]
    sc102 = next(item for item in items if item["code"] == "SC102")
    assert sc102 == {"code": "SC102", "name": "stacked-rnn-missing-return-sequences", "severity": "error",
                     "summary": sc102["summary"], "fixable": True, "opt_in": False,
                     "url": "docs/rules/SC102.md"}


def test_help_documents_the_flags() -> None:
    text = CliRunner().invoke(main, ["check", "--help"], terminal_width=200).output
    for flag in ("--exit-zero", "-q, --quiet", "--fail-on", "--color", "FORCE_COLOR"):
        assert flag in text, flag
