"""Flags of issue 15 item 9 beyond the exit-code ones: --show-settings, --show-files,
--add-noqa, --watch, --target (and config `target`), file-level `# shapecheck: noqa`, and
SC900 for unknown codes in `# noqa`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from shapecheck.app.cli import main
from shapecheck.checking.checker import Settings, check_source
from shapecheck.checking.registry import all_rules, rule_by_code

STACKED = """\
import keras
from keras.layers import LSTM, Dense

model = keras.Sequential()
model.add(LSTM(64, input_shape=(10, 3)))  # the first RNN
model.add(LSTM(32))
layer = Dense(3, activaton="relu")
"""
LEGACY = """\
import keras

optimizer = keras.optimizers.Adam(lr=0.001)
"""


def run(*args: str, isolated: bool = True):
    flags = ["--isolated"] if isolated else []
    return CliRunner().invoke(main, ["check", *flags, "--no-cache", *args], catch_exceptions=False)


def codes(source: str, *selectors: str) -> list[str]:
    from shapecheck.app.config import resolve_rules

    settings = Settings(tuple(resolve_rules(None, [], list(selectors)))) if selectors else None
    return [d.code for d in check_source(source, "x.py", settings)]


# ------------------------------------------------------------------ --show-settings / --show-files
def test_show_settings_prints_the_resolved_settings(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.shapecheck]\nignore = ["SC205"]\ntarget = "keras2"\noutput-format = "full"\n'
        'per-file-ignores = { "legacy.py" = ["SC1"] }\n')
    (tmp_path / "legacy.py").write_text(STACKED)
    result = run("--show-settings", str(tmp_path / "legacy.py"), isolated=False)
    assert result.exit_code == 0, result.output
    settings = {key.strip(): value for key, value in (line.split(" : ", 1) for line in result.output.splitlines())}
    rules = settings.pop("rules")
    assert settings == {
        "settings for": str(tmp_path / "legacy.py"),
        "config file": str(tmp_path / "pyproject.toml"),
        "target": "keras2",
        "output-format": "full",
        "severity": "(defaults)",
        "per-file-ignores": "legacy.py = [SC1]",
        "exclude": "(none)",
        "force-exclude": "false",
        "respect-gitignore": "true",
        "fail-on": "warning",
        "confirm": "false",
        "cache-dir": "(off)",
        "files": "1",
    }
    expected = [r.code for r in all_rules() if not r.opt_in and not r.code.startswith("SC1")
                and r.code not in ("SC205", "SC301")]
    assert rules == f"{len(expected)}: {', '.join(expected)}"


def test_show_files_lists_what_would_be_checked_after_exclusion(tmp_path: Path) -> None:
    for name in ("a.py", "b.py", "skip/c.py", "notes.ipynb", "data.txt"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("import keras\n" if name.endswith(".py") else "{}")
    result = run("--show-files", "--exclude", "skip", str(tmp_path))
    assert result.exit_code == 0
    assert result.output.splitlines() == sorted(str(tmp_path / n) for n in ("a.py", "b.py", "notes.ipynb"))
    assert "All checks passed" not in result.output


# ------------------------------------------------------------------ --add-noqa
def test_add_noqa_silences_every_finding_and_keeps_comments(tmp_path: Path) -> None:
    path = tmp_path / "script.py"
    path.write_text(STACKED.replace('activaton="relu")', 'activaton="relu")  # noqa: E501'))
    assert run(str(path)).exit_code == 1
    result = run("--add-noqa", str(path))
    assert result.exit_code == 0 and "Added 2 noqa directives." in result.output
    lines = path.read_text().splitlines()
    assert lines[4] == "model.add(LSTM(64, input_shape=(10, 3)))  # the first RNN"
    assert lines[5] == "model.add(LSTM(32))  # noqa: SC102"
    assert lines[6] == 'layer = Dense(3, activaton="relu")  # noqa: E501, SC302'
    assert run(str(path)).exit_code == 0
    again = run("--add-noqa", str(path))
    assert "Added 0 noqa directives." in again.output and path.read_text().splitlines() == lines


def test_add_noqa_appends_after_an_existing_comment_and_skips_continued_lines(tmp_path: Path) -> None:
    path = tmp_path / "script.py"
    source = LEGACY.replace("lr=0.001)", "lr=0.001)  # from the paper") + \
        "other = keras.optimizers.SGD(lr=0.1, \\\n    momentum=0.9)\n"
    path.write_text(source)
    run("--add-noqa", str(path))
    lines = path.read_text().splitlines()
    assert lines[2] == "optimizer = keras.optimizers.Adam(lr=0.001)  # from the paper  # noqa: SC301"
    assert lines[3:] == source.splitlines()[3:]  # a comment after `\` would break the line


# ------------------------------------------------------------------ --target
def test_target_keras2_turns_off_removed_api(tmp_path: Path) -> None:
    path = tmp_path / "script.py"
    path.write_text(LEGACY)
    assert "SC301" in run(str(path)).output
    assert run("--target", "keras3", str(path)).exit_code == 1
    for target in ("keras2", "tf_keras"):
        result = run("--target", target, str(path))
        assert result.exit_code == 0 and "SC301" not in result.output
    (tmp_path / "pyproject.toml").write_text('[tool.shapecheck]\ntarget = "tf_keras"\n')
    assert run(str(path), isolated=False).exit_code == 0
    assert run("--target", "keras3", str(path), isolated=False).exit_code == 1  # the command line wins


def test_target_must_be_a_known_keras(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.shapecheck]\ntarget = "keras1"\n')
    (tmp_path / "a.py").write_text(LEGACY)
    result = run(str(tmp_path / "a.py"), isolated=False)
    assert result.exit_code == 2 and "`target` must be one of keras2, keras3, tf_keras" in result.output


def test_removed_api_is_the_rule_left_out_for_keras2() -> None:
    from shapecheck.app.config import resolve_rules

    left_out = {r.code for r in resolve_rules(None, [], [])} - {r.code for r in resolve_rules(None, [], [], "keras2")}
    assert left_out == {"SC301"}
    assert "Keras 2 or `tf_keras`" in rule_by_code("SC301").documentation()


# ------------------------------------------------------------------ file-level noqa, SC900
@pytest.mark.parametrize("comment, left", [
    ("# shapecheck: noqa", []),
    ("# shapecheck: noqa: SC102", ["SC302"]),
    ("# shapecheck: noqa: SC102, unknown-layer-argument", []),
    ("# SHAPECHECK: NOQA: SC3", ["SC102"]),
])
def test_file_level_noqa(comment: str, left: list[str]) -> None:
    assert codes(STACKED) == ["SC102", "SC302"]
    assert codes(comment + "\n" + STACKED) == left
    assert codes(STACKED + "x = 1  " + comment + "\n") == left  # anywhere in the file


def test_sc900_reports_unknown_codes_and_unused_file_level_noqa() -> None:
    source = STACKED.replace("model.add(LSTM(32))", "model.add(LSTM(32))  # noqa: SC102, SC999, E501")
    [finding] = [d for d in check_source(source, "x.py", _with_sc900()) if d.code == "SC900"]
    assert finding.message == "unused suppression: `# noqa: SC102, SC999, E501` names an unknown rule code `SC999`"
    unused = "# shapecheck: noqa: SC205, SC998\n" + STACKED
    [finding] = [d for d in check_source(unused, "x.py", _with_sc900()) if d.code == "SC900"]
    assert finding.message == ("unused suppression: `# shapecheck: noqa: SC205, SC998` does not silence `SC205` "
                               "in this file; names an unknown rule code `SC998`")
    assert "SC900" not in codes(source)  # opt-in


def _with_sc900() -> Settings:
    from shapecheck.app.config import resolve_rules

    return Settings(tuple(resolve_rules(None, [], ["SC900"])))


# ------------------------------------------------------------------ --watch
def test_watch_checks_again_when_a_file_changes(tmp_path: Path) -> None:
    path = tmp_path / "script.py"
    path.write_text(STACKED)
    env = dict(os.environ, PYTHONUNBUFFERED="1", NO_COLOR="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "shapecheck", "check", "--isolated", "--no-cache", "--output-format", "json",
         "--watch", "--watch-runs", "2", "--watch-interval", "0.05", str(path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        first = ""
        assert process.stdout is not None
        while first.rsplit("\n", 2)[-2:-1] not in (["]"], ["[]"]):  # the first report: a JSON array
            line = process.stdout.readline()
            assert line, process.stderr.read() if process.stderr else "no output"
            first += line
        assert [item["code"] for item in json.loads(first)] == ["SC102", "SC302"]
        time.sleep(0.2)
        path.write_text("import keras\n")
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert json.loads(out) == [] and process.returncode == 0
    assert "Watching for file changes." in err and "File change detected" in err


def test_watch_stops_on_interrupt(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from shapecheck.app import cli_watch

    path = tmp_path / "script.py"
    path.write_text(STACKED)

    def interrupt(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_watch, "_wait_for_change", interrupt)
    result = run("--watch", str(path))
    assert result.exit_code == 0 and "SC102" in result.output


# ------------------------------------------------------------------ help
def test_help_documents_the_new_flags() -> None:
    text = CliRunner().invoke(main, ["check", "--help"], terminal_width=200).output
    for flag in ("--show-fixes", "--unsafe-fixes", "--add-noqa", "--show-settings", "--show-files", "--watch",
                 "--target"):
        assert flag in text, flag
    assert "--watch-runs" not in text  # hidden: for tests
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    for flag in ("--show-fixes", "--unsafe-fixes", "--add-noqa", "--show-settings", "--show-files", "--watch",
                 "--target", "# shapecheck: noqa"):
        assert flag in readme, flag
