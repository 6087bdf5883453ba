"""The static pass over real Python files that are not ours: a seeded sample.

``bench/robustness.py`` checks every file of the standard library and the
installed site-packages (the Keras and TensorFlow sources included), each in
a worker process under a time limit, with ``SHAPECHECK_STRICT=1`` and every
file forced past the prefilter.  This test runs it on a sample of files
from there and from the installed Keras, and requires zero internal errors,
crashes, hangs and tracebacks.  ``SHAPECHECK_ROBUST_SEED`` picks another
sample; the whole run is ``python bench/robustness.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

SAMPLE = 150
MAX_BYTES = 60_000  # the largest files only take longer, not more kinds of code


def _run(tmp_path: Path, *args: str) -> dict:
    out = tmp_path / "summary.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "robustness.py"), "--quiet", "--jobs", "2", "--timeout", "120",
         "--json", str(out), *args],
        capture_output=True, text=True, timeout=900)
    assert out.exists(), proc.stdout + proc.stderr
    summary = json.loads(out.read_text())
    summary["_report"] = proc.stdout + proc.stderr
    summary["_returncode"] = proc.returncode
    return summary


def _keras_sources() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("keras")  # its location only: nothing imports it here
    if spec is None or spec.origin is None:
        pytest.skip("keras is not installed")
    return Path(spec.origin).parent


def test_sample_of_stdlib_and_site_packages(tmp_path: Path) -> None:
    seed = os.environ.get("SHAPECHECK_ROBUST_SEED", "1")
    summary = _run(tmp_path, "--sample", str(SAMPLE), "--seed", seed, "--max-bytes", str(MAX_BYTES))
    report = summary["_report"]
    assert summary["files"] == SAMPLE, report
    assert summary["analysed"] + summary["unreadable"] == SAMPLE, report
    assert summary["forced"] > SAMPLE // 2, report  # most files are not Keras scripts: the interpreter ran anyway
    assert not summary["errors"] and not summary["crashes"] and not summary["hangs"], report
    assert not summary["tracebacks"], report
    assert summary["_returncode"] == 0, report


def test_sample_of_the_keras_sources(tmp_path: Path) -> None:
    summary = _run(tmp_path, str(_keras_sources() / "src"), "--sample", "60", "--seed", "2",
                   "--max-bytes", str(MAX_BYTES))
    report = summary["_report"]
    assert summary["analysed"] >= 55, report
    assert not summary["errors"] and not summary["crashes"] and not summary["hangs"], report
    assert not summary["tracebacks"] and summary["_returncode"] == 0, report


def test_a_file_that_used_to_kill_the_parser_is_refused_and_the_run_goes_on(tmp_path: Path) -> None:
    """libcst's native parser segfaults on 100,000 nested brackets: the worker would be counted as crashed."""
    deep = tmp_path / "deep.py"
    deep.write_text("import keras\nx = " + "(" * 100_000 + ")" * 100_000 + "\n")
    good = tmp_path / "good.py"
    good.write_text("import keras\nmodel = keras.Sequential([keras.layers.Dense(1)])\n")
    summary = _run(tmp_path, str(deep), str(good))
    assert summary["analysed"] == 2 and not summary["crashes"], summary["_report"]
    assert summary["codes"] == {"SC001": 1}, summary["_report"]
