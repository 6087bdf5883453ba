"""``shapecheck shapes``: the summaries it prints, and real Keras's ``model.summary()`` data.

The static part runs the command on small scripts.  The ground-truth part
runs every fixture with the real Keras in one subprocess (a fresh session per
file: each top-level statement, then each top-level function that needs no
argument; training calls are no-ops) and records every Sequential and
Functional model built, by the line of its constructor call: each layer's
class, output shapes and ``count_params()``, and the model's total.  Every
model shapecheck reports as fully known must agree with a Keras model built
on the same line.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from shapecheck.app.cli import main
from shapecheck.report.summary import analyse

from .conftest import FIXTURES

FILES = sorted(p for folder in ("tutorial", "realworld", "corpus") for p in (FIXTURES / folder).rglob("*.py"))


def _shapes(source: str, tmp_path: Path, *args: str) -> Any:
    script = tmp_path / "model.py"
    script.write_text(source, encoding="utf-8")
    return CliRunner().invoke(main, ["shapes", *args, str(script)])


def test_text_summary_names_shapes_and_params(tmp_path: Path) -> None:
    result = _shapes(
        "import keras\n"
        "from keras import layers\n"
        "inp = keras.Input(shape=(10, 8))\n"
        "x = layers.LSTM(16, return_sequences=True)(inp)\n"
        "x = layers.LSTM(16)(x)\n"
        "out = layers.Dense(3, name='head')(x)\n"
        "model = keras.Model(inp, out)\n", tmp_path)
    assert result.exit_code == 0, result.output
    lines = [line.split() for line in result.output.splitlines()]
    assert ["input_layer", "(InputLayer)", "(None,", "10,", "8)", "0", "3"] in lines
    assert ["lstm", "(LSTM)", "(None,", "10,", "16)", "1,600", "4"] in lines
    assert ["lstm_1", "(LSTM)", "(None,", "16)", "2,112", "5"] in lines
    assert ["head", "(Dense)", "(None,", "3)", "51", "6"] in lines
    assert "Total params: 3,763" in result.output
    assert 'Model "functional" (Functional)' in result.output


def test_unknown_is_a_question_mark(tmp_path: Path) -> None:
    result = _shapes(
        "import keras\n"
        "def build(n):\n"
        "    model = keras.Sequential([keras.layers.Dense(n)])\n"
        "    return model\n", tmp_path)
    assert result.exit_code == 0, result.output
    assert "(not fully known)" in result.output
    assert "Total params: ?" in result.output


def test_json_output(tmp_path: Path) -> None:
    result = _shapes(
        "import keras\n"
        "model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(4, 3, groups=1),\n"
        "                          keras.layers.Flatten(), keras.layers.Dense(2, use_bias=False)])\n",
        tmp_path, "--output-format", "json")
    assert result.exit_code == 0, result.output
    [report] = json.loads(result.output)
    [model] = report["models"]
    assert model["fully_known"] and model["total_params"] == 40 + 2704 * 2
    assert [(layer["name"], layer["output_shapes"], layer["params"]) for layer in model["layers"]] == [
        ("conv2d", [[None, 26, 26, 4]], 40), ("flatten", [[None, 2704]], 0), ("dense", [[None, 2]], 5408)]


def test_missing_path_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["shapes", str(tmp_path / "nope.py")])
    assert result.exit_code == 2


# ------------------------------------------------------------------ real Keras
RUNNER = r'''
import ast, inspect, json, os, signal, sys, warnings
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
warnings.simplefilter("ignore")
import keras
from keras.src.models.functional import Functional
from keras.src.models.sequential import Sequential

CURRENT = {"path": None, "models": []}


def record(cls):
    original = cls.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        caller = sys._getframe(1)
        if type(self) is cls and caller.f_code.co_filename == CURRENT["path"]:
            CURRENT["models"].append((caller.f_lineno, self))
    cls.__init__ = init


record(Sequential)
record(Functional)
for name in ("fit", "evaluate", "predict", "train_on_batch", "test_on_batch", "predict_on_batch", "fit_generator"):
    setattr(keras.Model, name, lambda self, *a, **k: None)


def alarm(signum, frame):
    raise TimeoutError("too slow")


signal.signal(signal.SIGALRM, alarm)


def guarded(fn):
    signal.alarm(30)
    try:
        fn()
    except BaseException:
        pass
    finally:
        signal.alarm(0)


def shapes(layer):
    if not layer._inbound_nodes:
        return None
    return [list(t.shape) for t in keras.tree.flatten(layer._inbound_nodes[-1].output_tensors)]


def describe(model):
    if not model.built:
        return None
    rows = []
    for layer in model.layers:
        try:
            params = layer.count_params()
        except Exception:
            params = None
        rows.append({"name": layer.name, "type": type(layer).__name__, "output_shapes": shapes(layer),
                     "params": params})
    return {"name": model.name, "total_params": model.count_params(), "layers": rows}


def run(path):
    keras.backend.clear_session()
    CURRENT["path"], CURRENT["models"] = path, []
    source = open(path, encoding="utf-8").read()
    tree = ast.parse(source)
    namespace = {"__name__": "__fixture__", "__file__": path}
    os.chdir(os.path.dirname(path))
    sys.argv = [path]
    for node in tree.body:
        guarded(lambda: exec(compile(ast.Module([node], []), path, "exec"), namespace))
    for node in tree.body:
        fn = namespace.get(node.name) if isinstance(node, ast.FunctionDef) else None
        if callable(fn) and all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
                                for p in inspect.signature(fn).parameters.values()):
            guarded(fn)
    found = []
    for line, model in CURRENT["models"]:
        try:
            data = describe(model)
        except Exception:
            data = None
        if data is not None:
            found.append({"line": line, **data})
    return found


print("RESULTS" + json.dumps({path: run(path) for path in sys.argv[1:]}))
'''


@pytest.fixture(scope="module")
def keras_models() -> dict[str, list[dict[str, Any]]]:
    """Every Sequential and Functional model the fixtures build with the real Keras."""
    if importlib.util.find_spec("keras") is None:
        pytest.skip("keras is not installed")
    env = dict(os.environ, CUDA_VISIBLE_DEVICES="-1", TF_CPP_MIN_LOG_LEVEL="3")
    run = subprocess.run([sys.executable, "-c", RUNNER, *map(str, FILES)], capture_output=True, text=True,
                         timeout=1800, env=env)
    out = [line for line in run.stdout.splitlines() if line.startswith("RESULTS")]
    assert out, run.stdout[-2000:] + run.stderr[-2000:]
    return json.loads(out[0][len("RESULTS"):])


def _rows(rows: list[dict[str, Any]]) -> list[tuple[str, str, int]]:
    return [(row["type"], json.dumps(row["output_shapes"]), row["params"]) for row in rows]


def test_fully_known_summaries_agree_with_keras(keras_models: dict[str, list[dict[str, Any]]]) -> None:
    checked, unverified, disagreements = 0, [], []
    for path in FILES:
        analysis = analyse(path.read_text(encoding="utf-8"))
        assert analysis is not None
        built = keras_models[str(path)]
        for summary in analysis.models:
            if not summary.fully_known:
                continue
            ours = _rows([{"type": r.kind, "params": r.params,
                           "output_shapes": [list(s) for s in r.outputs or [] if s is not None]}
                          for r in summary.rows])
            theirs = [m for m in built if m["line"] == summary.line]
            if not theirs:
                unverified.append(f"{path.name}:{summary.line}")
                continue
            checked += 1
            ordered = summary.kind == "Sequential"
            if not any(m["total_params"] == summary.total_params and (
                    _rows(m["layers"]) == ours if ordered else Counter(_rows(m["layers"])) == Counter(ours))
                       for m in theirs):
                disagreements.append((f"{path.name}:{summary.line}", ours, [_rows(m["layers"]) for m in theirs]))
    assert not disagreements, "\n".join(map(str, disagreements))
    # The comparison must cover a real share of the fixtures' models.
    assert checked >= 60, (checked, unverified)
    print(f"{checked} fully known models agree with Keras; not built by the runner: {unverified}")
