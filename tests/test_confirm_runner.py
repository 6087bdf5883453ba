"""The confirmation runner against fake workers: timeouts, crashes, restarts, bad output.

No Keras is involved: ``tests/fake_confirm_worker.py`` speaks the worker
protocol and misbehaves on the recipe whose ``code`` it is told.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from shapecheck.confirm import ConfirmOptions, ConfirmUnavailable, Status, confirm_diagnostics, run_recipes

from .conftest import check

FAKE = Path(__file__).with_name("fake_confirm_worker.py")
RECIPES = [{"action": "fake", "code": code} for code in ("A", "B", "C")]


def options(tmp_path: Path, mode: str, **kwargs: float) -> ConfirmOptions:
    return ConfirmOptions(command=(sys.executable, str(FAKE), mode, str(tmp_path / "log")), **kwargs)


def log(tmp_path: Path) -> list[str]:
    return (tmp_path / "log").read_text(encoding="utf-8").split()


def test_every_recipe_gets_the_workers_verdict_in_order(tmp_path: Path) -> None:
    verdicts = run_recipes(RECIPES, options(tmp_path, "ok"))
    assert [v.status for v in verdicts] == [Status.CONFIRMED] * 3
    assert [v.evidence for v in verdicts] == ["fake saw A", "fake saw B", "fake saw C"]
    assert {(v.keras_version, v.backend, v.device) for v in verdicts} == {("0.0-fake", "fake", "CPU")}
    assert log(tmp_path) == ["start", "A", "B", "C"]


def test_identical_recipes_are_rebuilt_once(tmp_path: Path) -> None:
    verdicts = run_recipes([RECIPES[0], RECIPES[1], dict(RECIPES[0])], options(tmp_path, "ok"))
    assert [v.evidence for v in verdicts] == ["fake saw A", "fake saw B", "fake saw A"]
    assert log(tmp_path) == ["start", "A", "B"]


def test_a_hanging_model_times_out_and_a_fresh_worker_takes_the_rest(tmp_path: Path) -> None:
    began = time.monotonic()
    verdicts = run_recipes(RECIPES, options(tmp_path, "hang-on:B", timeout=1.0))
    assert time.monotonic() - began < 30
    assert [v.status for v in verdicts] == [Status.CONFIRMED, Status.UNCONFIRMABLE, Status.CONFIRMED]
    assert "did not finish within 1 s" in verdicts[1].evidence
    assert verdicts[1].seconds >= 1.0
    assert log(tmp_path) == ["start", "A", "B", "start", "C"]


def test_a_worker_killed_mid_model_marks_that_finding_and_the_run_goes_on(tmp_path: Path) -> None:
    verdicts = run_recipes(RECIPES, options(tmp_path, "kill-on:A"))
    assert [v.status for v in verdicts] == [Status.UNCONFIRMABLE, Status.CONFIRMED, Status.CONFIRMED]
    assert "crashed (killed by SIGKILL, out of memory?)" in verdicts[0].evidence
    assert log(tmp_path) == ["start", "A", "start", "B", "C"]


def test_a_worker_that_exits_reports_its_exit_code_and_last_stderr_line(tmp_path: Path) -> None:
    verdicts = run_recipes(RECIPES, options(tmp_path, "exit-on:C"))
    assert [v.status for v in verdicts] == [Status.CONFIRMED, Status.CONFIRMED, Status.UNCONFIRMABLE]
    assert "crashed (exit code 7): fake: something broke" in verdicts[2].evidence


def test_repeated_crashes_end_the_run_without_more_workers(tmp_path: Path) -> None:
    recipes = [{"action": "fake", "code": "X", "n": i} for i in range(6)]
    verdicts = run_recipes(recipes, options(tmp_path, "kill-on:X"))
    assert all(v.status is Status.UNCONFIRMABLE for v in verdicts)
    assert all("crashed" in v.evidence for v in verdicts[:3])
    assert all("failed 3 times in a row" in v.evidence for v in verdicts[3:])
    assert log(tmp_path).count("start") == 3


def test_a_worker_that_never_starts_is_given_up_on(tmp_path: Path) -> None:
    began = time.monotonic()
    verdicts = run_recipes(RECIPES, options(tmp_path, "never-ready", start_timeout=0.5))
    assert time.monotonic() - began < 30
    assert all(v.status is Status.UNCONFIRMABLE for v in verdicts)
    assert "did not start within 0.5 s" in verdicts[0].evidence


def test_the_total_timeout_bounds_the_whole_run(tmp_path: Path) -> None:
    recipes = [{"action": "fake", "code": "H", "n": i} for i in range(4)]
    began = time.monotonic()
    verdicts = run_recipes(recipes, options(tmp_path, "hang-on:H", timeout=30.0, total_timeout=1.5))
    assert time.monotonic() - began < 15
    assert all(v.status is Status.UNCONFIRMABLE for v in verdicts)
    assert all("total confirmation time (1.5 s) ran out" in v.evidence for v in verdicts)


def test_lines_that_are_not_the_answer_are_ignored(tmp_path: Path) -> None:
    verdicts = run_recipes(RECIPES, options(tmp_path, "noisy"))
    assert [v.evidence for v in verdicts] == ["fake saw A", "fake saw B", "fake saw C"]


def test_a_worker_without_keras_makes_confirmation_unavailable(tmp_path: Path) -> None:
    with pytest.raises(ConfirmUnavailable, match="fake: no Keras here"):
        run_recipes(RECIPES, options(tmp_path, "unavailable"))


def test_findings_without_a_recipe_keep_their_reason_and_the_rest_stay_aligned(tmp_path: Path) -> None:
    source = """
import numpy as np
import keras
from keras import layers

a = np.zeros((2, 2)).reshape(3, 3)
model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3), layers.LSTM(2)])
layer = layers.Dense(3, activaton="relu")
"""
    diagnostics = check(source)
    assert [d.code for d in diagnostics] == ["SC401", "SC101", "SC302"]
    confirmed = confirm_diagnostics(diagnostics, options(tmp_path, "ok"), {"example.py": source})
    assert confirmed == diagnostics
    assert [c.confirmation.status for c in confirmed] == [Status.UNCONFIRMABLE, Status.CONFIRMED, Status.CONFIRMED]
    assert "numpy" in confirmed[0].confirmation.evidence
    assert [c.confirmation.evidence for c in confirmed[1:]] == ["fake saw SC101", "fake saw SC302"]
