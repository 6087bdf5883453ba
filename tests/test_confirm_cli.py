"""``shapecheck check --confirm``: the note lines, the summary, the JSON object, and failure modes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner

from shapecheck.app.cli import main
from shapecheck.confirm import Confirmation, Status
from shapecheck.confirm.runner import keras_installed
from shapecheck.report.diagnostics import Diagnostic, Location, Severity
from shapecheck.report.formats.registry import FORMATS

needs_keras = pytest.mark.skipif(not keras_installed(), reason="confirmation needs Keras")

BAD = """\
import keras
from keras.layers import LSTM, Dense

model = keras.Sequential([
    keras.Input(shape=(10, 3)),
    LSTM(64),
    LSTM(32),
    Dense(1),
])
"""

# Runs the CLI in this interpreter, then reports which heavy modules it imported.
IN_PROCESS = """
import json, sys
from shapecheck.app.cli import main
try:
    main(sys.argv[1:], standalone_mode=True)
except SystemExit as exit:
    code = exit.code
loaded = sorted({m.split(".")[0] for m in sys.modules} & {"tensorflow", "keras", "jax", "torch"})
print(json.dumps({"exit": code, "loaded": loaded}), file=sys.stderr)
"""


@pytest.fixture()
def bad(tmp_path: Path) -> Path:
    path = tmp_path / "bad.py"
    path.write_text(BAD)
    return path


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "shapecheck", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)


@needs_keras
def test_confirm_adds_a_note_under_the_finding_and_counts_it_in_the_summary(bad: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--isolated", "--no-cache", "--confirm", "--device", "cpu",
                                       str(bad)], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"{bad}:7:5: error: `LSTM` expects 3-D input")
    assert lines[1] == f"{bad}:6:5: note: add `return_sequences=True` here"
    assert lines[2].startswith(f"{bad}:7:5: note: confirmed by Keras {version('keras')} (CPU): ValueError: ")
    assert "expected ndim=3, found ndim=2. Full shape received: (None, 64)" in lines[2]
    assert lines[3] == "Found 1 error in 1 file (1 confirmed)."


@needs_keras
def test_json_carries_the_confirmation_and_the_main_process_never_imports_tensorflow(bad: Path) -> None:
    out = bad.with_suffix(".json")
    run = subprocess.run([sys.executable, "-c", IN_PROCESS, "check", "--isolated", "--no-cache", "--confirm",
                          "--device", "cpu", "--output-format", "json", "-o", str(out), str(bad)],
                         capture_output=True, text=True, timeout=300)
    report = json.loads(run.stderr.strip().splitlines()[-1])
    assert report == {"exit": 1, "loaded": []}, run.stderr
    [finding] = json.loads(out.read_text())
    confirmation = finding["confirmation"]
    assert set(confirmation) == {"status", "refuted", "backend", "device", "keras_version", "evidence", "seconds"}
    assert confirmation["status"] == "confirmed" and confirmation["refuted"] is False
    assert confirmation["backend"] == os.environ.get("KERAS_BACKEND", "tensorflow")
    assert confirmation["device"] == "CPU"
    assert confirmation["keras_version"] == version("keras")
    assert confirmation["evidence"].startswith("ValueError: ") and "expected ndim=3" in confirmation["evidence"]
    assert isinstance(confirmation["seconds"], float) and confirmation["seconds"] >= 0


def test_without_keras_confirm_says_so_in_one_line_and_exits_2(bad: Path, tmp_path: Path) -> None:
    shim = tmp_path / "shim" / "keras"
    shim.mkdir(parents=True)
    (shim / "__init__.py").write_text('raise ImportError("No module named \'keras\' (shim)")\n')
    result = _cli("check", "--isolated", "--no-cache", "--confirm", str(bad),
                  env={"PYTHONPATH": str(shim.parent)})
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "shapecheck: error: --confirm needs Keras, which cannot be imported here "
        "(ImportError: No module named 'keras' (shim))"
    ]


def test_without_a_findable_keras_confirm_exits_2_before_starting_a_worker(bad: Path, monkeypatch) -> None:
    monkeypatch.setattr("shapecheck.confirm.runner.keras_installed", lambda: False)
    result = CliRunner().invoke(main, ["check", "--isolated", "--no-cache", "--confirm", str(bad)])
    assert result.exit_code == 2
    assert result.output.strip() == ("shapecheck: error: --confirm needs Keras, which is not installed "
                                     "(pip install 'keras-shapecheck[confirm]')")


@needs_keras
def test_device_gpu_uses_a_gpu_or_says_there_is_none(bad: Path) -> None:
    result = _cli("check", "--isolated", "--no-cache", "--confirm", "--device", "gpu", str(bad))
    if result.returncode == 2:
        assert result.stderr.strip().startswith("shapecheck: error: --device gpu, but no GPU is visible to the ")
    else:
        assert result.returncode == 1, result.stderr
        assert "(GPU): ValueError" in result.stdout


def _finding(status: Status, evidence: str) -> Diagnostic:
    where = Location(3, 5)
    confirmation = Confirmation(status, evidence, 0.25, "3.15.1", "tensorflow", "CPU", "Keras 3.15.1")
    return Diagnostic("m.py", "SC102", "stacked-rnn", Severity.ERROR, "msg", where, where, confirmation=confirmation)


def test_refuted_and_unconfirmable_findings_are_shown_and_flagged() -> None:
    findings = [_finding(Status.REFUTED, "Keras built this model without error: `LSTM` returned (None, 4)"),
                _finding(Status.UNCONFIRMABLE, "a `Lambda` layer on the way runs a function defined in the script")]
    lines = FORMATS["concise"](findings, 1).splitlines()
    assert lines[1] == ("m.py:3:5: note: refuted by Keras 3.15.1 (CPU): Keras built this model without error: "
                        "`LSTM` returned (None, 4)")
    assert lines[3] == ("m.py:3:5: note: unconfirmable: a `Lambda` layer on the way runs a function defined in "
                        "the script")
    assert lines[-1] == "Found 2 errors in 1 file (0 confirmed, 1 refuted, 1 unconfirmable)."
    objects = json.loads(FORMATS["json"](findings, 1))
    assert [o["confirmation"]["refuted"] for o in objects] == [True, False]
    assert [o["confirmation"]["status"] for o in objects] == ["refuted", "unconfirmable"]


def test_without_confirm_nothing_changes() -> None:
    where = Location(1, 1)
    plain = Diagnostic("m.py", "SC101", "rank-mismatch", Severity.ERROR, "msg", where, where)
    assert "confirmation" not in json.loads(FORMATS["json"]([plain], 1))[0]
    assert FORMATS["concise"]([plain], 1).splitlines()[-1] == "Found 1 error in 1 file."
