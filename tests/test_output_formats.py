"""The output formats (full, json, json-lines, github, gitlab, sarif, junit), -o,
--statistics, standard input, and when colours are allowed."""

from __future__ import annotations

import io
import os
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from shapecheck.app.cli import main
from shapecheck.checking.registry import all_rules
from shapecheck.app.terminal import colorize, decorations_allowed, show_progress

from .conftest import SHARED

BAD = """\
import keras
from keras.layers import LSTM, Dense

model = keras.Sequential()
model.add(LSTM(64, input_shape=(10, 3)))
model.add(LSTM(32))

head = keras.Sequential([keras.Input(shape=(4,)), Dense(1, activation="sigmoid")])
head.compile(loss="mse", optimizer=keras.optimizers.Adam(lr=0.01))
import numpy as np
head.fit(np.zeros((4, 4)), np.array([0, 1, 1, 0]))
"""

def _sarif_schema() -> Path:
    """The official SARIF schema: ``$SARIF_SCHEMA``, or ``shared/schemas`` beside the repository (as in CI
    and the project's folder), or inside it."""
    candidates = [Path(os.environ["SARIF_SCHEMA"])] if os.environ.get("SARIF_SCHEMA") else []
    candidates += [SHARED / "schemas" / "sarif-schema-2.1.0.json",
                   SHARED.parent / "main" / "shared" / "schemas" / "sarif-schema-2.1.0.json",
                   Path(__file__).resolve().parents[1] / "shared" / "schemas" / "sarif-schema-2.1.0.json"]
    return next((path for path in candidates if path.is_file()), candidates[0])


SARIF_SCHEMA = _sarif_schema()


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, ["check", "--isolated", "--no-cache", *args], input=input,
                              catch_exceptions=False)


@pytest.fixture()
def bad(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.py").write_text(BAD)
    return tmp_path / "bad.py"


def test_full_shows_source_line_and_caret_under_the_span(bad: Path) -> None:
    result = run("--output-format", "full", "bad.py")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    first = lines.index(next(line for line in lines if "[SC102" in line))
    assert lines[first + 1] == "  6 | model.add(LSTM(32))"
    assert lines[first + 2] == "    |           ^^^^^^^^"
    assert lines[first + 3] == "bad.py:5:11: note: add `return_sequences=True` here"
    assert lines[first + 4] == "  5 | model.add(LSTM(64, input_shape=(10, 3)))"
    assert lines[first + 5] == "    |           " + "^" * len("LSTM(64, input_shape=(10, 3))")
    assert "  fix: Add `return_sequences=True` to the `LSTM`" in lines


def test_json_carries_fix_edits(bad: Path) -> None:
    items = json.loads(run("--output-format", "json", "bad.py").output)
    by_code = {item["code"]: item for item in items}
    fix = by_code["SC102"]["fix"]
    assert fix["applicability"] == "safe"
    assert fix["edits"] == [{"content": ", return_sequences=True", "location": {"row": 5, "column": 39},
                             "end_location": {"row": 5, "column": 39}}]
    assert by_code["SC205"]["fix"] is None


def test_json_lines_one_object_per_finding(bad: Path) -> None:
    output = run("--output-format", "json-lines", "bad.py").output
    lines = output.splitlines()
    assert len(lines) == 3
    assert sorted(json.loads(line)["code"] for line in lines) == ["SC102", "SC205", "SC301"]


def test_github_workflow_command(bad: Path) -> None:
    output = run("--output-format", "github", "bad.py").output
    line = next(line for line in output.splitlines() if "SC102" in line)
    assert line.startswith("::error title=shapecheck (SC102),file=bad.py,line=6,col=11,endLine=6,endColumn=19::")
    assert "%0Anote (line 5): add `return_sequences=True` here" in line
    warning = next(line for line in output.splitlines() if "SC205" in line)
    assert warning.startswith("::warning title=shapecheck (SC205),")


def test_github_escaping(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from shapecheck.report.formats.github import github
    from shapecheck.report.diagnostics import Diagnostic, Location, Severity

    d = Diagnostic("dir,a:b.py", "SC101", "rank-mismatch", Severity.ERROR, "100% wrong\nreally\r",
                   Location(1, 2), Location(1, 5))
    assert github([d], 1) == (
        "::error title=shapecheck (SC101),file=dir%2Ca%3Ab.py,line=1,col=2,endLine=1,endColumn=5::"
        "100%25 wrong%0Areally%0D [SC101 rank-mismatch]\n"
    )


def test_gitlab_fingerprints_are_stable_and_unique(bad: Path) -> None:
    first = json.loads(run("--output-format", "gitlab", "bad.py").output)
    assert {issue["check_name"] for issue in first} == {"SC102", "SC205", "SC301"}
    assert len({issue["fingerprint"] for issue in first}) == len(first)
    sc102 = next(issue for issue in first if issue["check_name"] == "SC102")
    assert sc102["location"] == {"path": "bad.py", "lines": {"begin": 6, "end": 6}}
    assert sc102["severity"] == "major"
    # A line added above moves the findings but keeps their fingerprints.
    bad.write_text("# a comment\n" + BAD)
    moved = json.loads(run("--output-format", "gitlab", "bad.py").output)
    moved_sc301 = next(issue for issue in moved if issue["check_name"] == "SC301")
    first_sc301 = next(issue for issue in first if issue["check_name"] == "SC301")
    assert moved_sc301["location"]["lines"]["begin"] == first_sc301["location"]["lines"]["begin"] + 1
    assert moved_sc301["fingerprint"] == first_sc301["fingerprint"]


def test_sarif_is_valid_against_the_schema(bad: Path) -> None:
    if not SARIF_SCHEMA.is_file():
        if os.environ.get("CI"):  # CI has shared/ beside the clone: a skip there would hide a broken path
            pytest.fail(f"the SARIF schema is not at {SARIF_SCHEMA}")
        pytest.skip("the SARIF schema is not in ../shared/schemas (set SARIF_SCHEMA)")
    jsonschema = pytest.importorskip("jsonschema")
    log = json.loads(run("--output-format", "sarif", "bad.py").output)
    validator = jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    errors = sorted(validator.iter_errors(log), key=str)
    assert not errors, errors[0]
    run_ = log["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in all_rules()]
    for entry in rules:
        assert entry["name"] and entry["shortDescription"]["text"] and entry["fullDescription"]["text"]
        assert entry["help"]["text"]
    result = next(r for r in run_["results"] if r["ruleId"] == "SC102")
    assert rules[result["ruleIndex"]]["id"] == "SC102"
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 6, "startColumn": 11, "endLine": 6, "endColumn": 19}
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "bad.py"
    assert result["relatedLocations"][0]["message"]["text"] == "add `return_sequences=True` here"
    replacement = result["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement["insertedContent"]["text"] == ", return_sequences=True"
    # An invalid log is caught, so the check above can fail.
    broken = json.loads(json.dumps(log))
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    assert list(validator.iter_errors(broken))


def test_junit_xml(bad: Path) -> None:
    root = ET.fromstring(run("--output-format", "junit", "bad.py").output)
    assert root.tag == "testsuites" and root.get("failures") == "3"
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == 3
    names = {case.get("name") for case in cases}
    assert "SC102 stacked-rnn-missing-return-sequences" in names
    assert all(case.find("failure") is not None for case in cases)


def test_junit_clean_run_has_a_passing_case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ok.py").write_text("import keras\n")
    result = run("--output-format", "junit", "ok.py")
    assert result.exit_code == 0
    root = ET.fromstring(result.output)
    assert root.get("failures") == "0" and root.findall("./testsuite/testcase")


def test_output_file(bad: Path) -> None:
    result = run("--output-format", "json", "-o", "report.json", "bad.py")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert len(json.loads((bad.parent / "report.json").read_text())) == 3


def test_statistics(bad: Path) -> None:
    result = run("--statistics", "bad.py")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "1  SC102  [*] stacked-rnn-missing-return-sequences",
        "1  SC205  [ ] probability-output-with-regression-loss",
        "1  SC301  [*] removed-api",
    ]
    stats = json.loads(run("--statistics", "--output-format", "json", "bad.py").output)
    assert {s["code"]: s["count"] for s in stats} == {"SC102": 1, "SC205": 1, "SC301": 1}


def test_output_format_from_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.py").write_text(BAD)
    (tmp_path / "pyproject.toml").write_text('[tool.shapecheck]\noutput-format = "json-lines"\n')
    result = CliRunner().invoke(main, ["check", "--no-cache", "bad.py"])
    assert [json.loads(line)["code"] for line in result.output.splitlines()][0] == "SC102"
    overridden = CliRunner().invoke(main, ["check", "--no-cache", "--output-format", "concise", "bad.py"])
    assert overridden.output.startswith("bad.py:6:11: error:")
    (tmp_path / "pyproject.toml").write_text('[tool.shapecheck]\noutput-format = "xml"\n')
    wrong = CliRunner().invoke(main, ["check", "--no-cache", "bad.py"])
    assert wrong.exit_code == 2 and "unknown output format `xml`" in wrong.output


def test_stdin_with_filename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("--stdin-filename", "models/net.py", "--output-format", "json", "-", input=BAD)
    assert result.exit_code == 1
    items = json.loads(result.stdout)
    assert {item["filename"] for item in items} == {"models/net.py"}
    concise = run("--stdin-filename", "net.py", input=BAD)
    assert concise.stdout.splitlines()[0].startswith("net.py:6:11: error: ")
    clean = run("-", input="import keras\n")
    assert clean.exit_code == 0


def test_dash_with_other_paths_is_an_error(bad: Path) -> None:
    result = run("-", "bad.py", input=BAD)
    assert result.exit_code == 2 and "Traceback" not in result.output


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_no_decorations_under_pre_commit_ci_pipes_or_machine_formats() -> None:
    tty = _Stream(True)
    assert decorations_allowed(tty, "concise", env={})
    assert decorations_allowed(tty, "full", env={})
    assert not decorations_allowed(tty, "concise", env={"PRE_COMMIT": "1"})
    assert not decorations_allowed(tty, "concise", env={"CI": "true"})
    assert not decorations_allowed(tty, "concise", env={"NO_COLOR": "1"})
    assert not decorations_allowed(_Stream(False), "concise", env={})
    for fmt in ("json", "json-lines", "github", "gitlab", "sarif", "junit"):
        assert not decorations_allowed(tty, fmt, env={})
    assert show_progress(tty, "concise", 500, env={})
    assert not show_progress(tty, "concise", 500, env={"PRE_COMMIT": "1"})
    assert not show_progress(tty, "concise", 3, env={})


def test_colorize_and_plain_output(bad: Path) -> None:
    line = "bad.py:6:11: error: message  [SC102 stacked-rnn-missing-return-sequences]"
    coloured = colorize(line)
    assert "\x1b[" in coloured and coloured != line
    # Under CliRunner stdout is not a terminal: no escape codes at all.
    assert "\x1b[" not in run("bad.py").output


def test_each_format_lives_in_its_own_module_behind_the_registry() -> None:
    """One module per output format (json and json-lines share one), all behind the registry."""
    from shapecheck.report.formats import registry

    modules = {name: fmt.__module__.rsplit(".", 1)[-1] for name, fmt in registry.FORMATS.items()}
    assert modules == {"concise": "concise", "full": "full", "json": "json_format",
                       "json-lines": "json_format", "github": "github", "gitlab": "gitlab",
                       "junit": "junit", "sarif": "sarif"}
    assert registry.MACHINE_FORMATS == set(registry.FORMATS) - {"concise", "full"}

