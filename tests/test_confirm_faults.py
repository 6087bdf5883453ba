"""Confirmation under faults: native crashes, enormous models, memory caps, and the user's code.

* A worker that segfaults in C while rebuilding one finding's model (the real
  worker, wrapped by ``tests/segfaulting_confirm_worker.py``) must not take
  the main process down: that finding is ``unconfirmable`` with the signal,
  and a fresh real worker confirms the findings after it.
* A model whose estimated memory is over the limit (``Dense(10**6)`` after
  ``Input((10**5,))``: 400 GB of weights) is not built; a small model in the
  same run still is.  The estimate itself must agree with the weights Keras
  makes, layer by layer.
* The worker's own memory cap (RLIMIT_DATA) turns a model the estimate lets
  through, but the cap does not, into an out-of-memory verdict, not a
  machine out of memory.
* ``shapecheck check --confirm`` never runs the script: a script whose top
  level writes a file and connects to a socket, and whose ``Lambda`` would
  write another file, leaves no file and makes no connection, while its
  Keras mistake is confirmed and the finding behind the ``Lambda`` is
  ``unconfirmable``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from shapecheck.confirm import ConfirmOptions, Status, confirm_diagnostics, run_recipes
from shapecheck.confirm.memory import estimate, format_bytes, layer_parameters
from shapecheck.confirm.recipe import plan_for, script_recipe
from shapecheck.confirm.runner import keras_installed

from .conftest import check

needs_keras = pytest.mark.skipif(not keras_installed(), reason="confirmation needs Keras")

ROOT = Path(__file__).resolve().parent.parent
SEGFAULTING = Path(__file__).with_name("segfaulting_confirm_worker.py")
FAKE = Path(__file__).with_name("fake_confirm_worker.py")

THREE_FINDINGS = """
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3), layers.LSTM(2)])
stack = keras.Sequential([keras.Input(shape=(10, 3)), layers.LSTM(8), layers.LSTM(4)])
layer = layers.Dense(3, activaton="relu")
"""

ENORMOUS_AND_SMALL = """
import keras
from keras import layers

inputs = keras.Input(shape=(10**5,))
x = layers.Dense(10**6)(inputs)
x = layers.LSTM(8)(x)

small = keras.Sequential([keras.Input(shape=(10, 3)), layers.LSTM(8), layers.LSTM(4)])
"""

# 25,000 features into 30,000 units: 750 million weights, 3 GB, which this machine can give.
LARGE = """
import keras
from keras import layers

inputs = keras.Input(shape=(25000,))
x = layers.Dense(30000)(inputs)
x = layers.LSTM(8)(x)
"""

# Every layer kind the estimate knows, each called on an input whose shape the analysis infers (the
# catalog does not infer what separable, depthwise and transposed convolutions return, so nothing
# is called on their outputs: after them the estimate, a lower bound, counts no weights).
EVERY_KIND = """
import keras
from keras import layers

seq = keras.Input(shape=(12, 7))
a = layers.Dense(5)(seq)
b = layers.Dense(4, use_bias=False)(a)
c = layers.LSTM(6, return_sequences=True)(b)
d = layers.GRU(3, return_sequences=True)(c)
e = layers.GRU(3, reset_after=False, return_sequences=True)(d)
f = layers.SimpleRNN(2, return_sequences=True)(e)
g = layers.Bidirectional(layers.LSTM(3, return_sequences=True))(f)
h = layers.TimeDistributed(layers.Dense(7))(g)
i = layers.LayerNormalization()(h)
j = layers.Conv1D(8, 3)(i)
k = layers.Conv1D(4, 3, groups=2)(j)
m = layers.SeparableConv1D(5, 3, depth_multiplier=2)(k)
n = layers.Conv1DTranspose(3, 2)(k)
o = layers.DepthwiseConv1D(2, use_bias=False)(k)

img = keras.Input(shape=(16, 16, 3))
p = layers.Conv2D(6, (3, 5))(img)
q = layers.Conv2DTranspose(4, 3, use_bias=False)(p)
r = layers.DepthwiseConv2D(3, depth_multiplier=2)(p)
s = layers.SeparableConv2D(5, 3)(p)
t = layers.BatchNormalization()(p)
u = layers.Dense(3)(p)

planes = keras.Input(shape=(3, 16, 16))
v = layers.Conv2D(4, 3, data_format="channels_first")(planes)
vol = keras.Input(shape=(6, 6, 6, 2))
w = layers.Conv3D(3, 2)(vol)
frames = keras.Input(shape=(4, 8, 8, 2))
x = layers.ConvLSTM2D(3, 3)(frames)
ids = keras.Input(shape=(9,), dtype="int32")
y = layers.Embedding(50, 8)(ids)
"""

# The script's own code: what confirmation must never run.
PLANTED = """
import socket

import keras
from keras import layers

with open({top_marker!r}, "w") as f:
    f.write("the script ran")
socket.create_connection(("127.0.0.1", {port}), timeout=5).close()


def leak(x):
    with open({lambda_marker!r}, "w") as f:
        f.write("the Lambda ran")
    return x


model = keras.Sequential([
    keras.Input(shape=(10, 3)),
    layers.LSTM(64),
    layers.LSTM(32),
    layers.Dense(1),
])

other = keras.Sequential([
    keras.Input(shape=(10, 3)),
    layers.Lambda(leak, output_shape=(10, 3)),
    layers.LSTM(16),
    layers.LSTM(4),
])

inline = keras.Sequential([
    keras.Input(shape=(10, 3)),
    layers.Lambda(lambda x: open({lambda_marker!r}, "w").write("inline") and x, output_shape=(10, 3)),
    layers.LSTM(8),
    layers.LSTM(2),
])
"""


def _only_recipe(source: str) -> dict[str, Any]:
    [finding] = check(source)
    plan = plan_for(finding, source)
    assert plan.recipe is not None, plan.reason
    return plan.recipe


# ------------------------------------------------------------------ native crashes
@needs_keras
def test_a_segfault_in_the_worker_marks_one_finding_and_a_fresh_worker_confirms_the_rest(tmp_path: Path) -> None:
    log = tmp_path / "log"
    findings = check(THREE_FINDINGS)
    assert [d.code for d in findings] == ["SC101", "SC102", "SC302"]
    options = ConfirmOptions(device="cpu", command=(sys.executable, str(SEGFAULTING), "SC101", str(log),
                                                    "--device", "cpu"))
    confirmed = confirm_diagnostics(findings, options, {"example.py": THREE_FINDINGS})
    # This process is still here, and only the finding whose model crashed the worker is lost.
    verdicts = [d.confirmation for d in confirmed]
    assert [v.status for v in verdicts] == [Status.UNCONFIRMABLE, Status.CONFIRMED, Status.CONFIRMED]
    assert verdicts[0].evidence.startswith("the Keras worker crashed (killed by SIGSEGV)")
    assert verdicts[0].evidence.endswith("while rebuilding this model")
    assert "expected ndim=3, found ndim=2" in verdicts[1].evidence
    assert verdicts[2].evidence == "ValueError: Unrecognized keyword arguments passed to Dense: {'activaton': 'relu'}"
    assert log.read_text(encoding="utf-8").split() == ["start", "SC101", "start", "SC102", "SC302"]


# ------------------------------------------------------------------ memory: the estimate
@needs_keras
def test_the_weight_estimate_agrees_with_keras_layer_by_layer(keras_module: Any) -> None:
    from shapecheck.confirm.rebuild import Rebuild

    recipe = script_recipe(EVERY_KIND)
    assert recipe["skipped"] == []
    graph = recipe["graph"]
    rebuilt = Rebuild(keras_module, graph)
    rebuilt.run()
    first_input: dict[int, Any] = {}
    for call in graph["calls"]:
        first_input.setdefault(call["layer"], graph["shapes"][call["inputs"][0]])
    assert len(first_input) == 24
    compared = {}
    for layer_id, shape in first_input.items():
        spec = graph["layers"][layer_id]
        assert shape is not None and shape[-1] is not None, f"{spec['kind']}: input shape not inferred"
        compared[spec["kind"], layer_id] = (layer_parameters(spec, shape, graph["layers"]),
                                            rebuilt.layers[layer_id].count_params())
    wrong = {key: pair for key, pair in compared.items() if pair[0] != pair[1]}
    assert not wrong, f"(estimate, Keras) differ: {wrong}"
    assert estimate(recipe).parameters == sum(keras_count for _, keras_count in compared.values())


def test_an_enormous_model_is_estimated_from_its_configs_and_inferred_shapes() -> None:
    recipe = _only_recipe(ENORMOUS_AND_SMALL.split("small =")[0])
    need = estimate(recipe)
    dense = 10**5 * 10**6 + 10**6
    lstm = 4 * 8 * (10**6 + 8) + 4 * 8  # the flagged LSTM, called on the Dense's 10**6 features
    assert need.parameters == dense + lstm
    assert need.bytes == 4 * (dense + lstm)  # raise_at does not train and feeds no data
    assert need.describe() == (f"about 400 GB of memory ({dense + lstm:,} parameters; the largest part: "
                               f"`Dense` with {dense:,} parameters)")
    assert [format_bytes(n) for n in (812, 3_500_000, 4 * 10**9)] == ["812 B", "3.5 MB", "4 GB"]


def test_training_copies_and_synthetic_data_count_too() -> None:
    source = """
import keras
from keras import layers
model = keras.Sequential([keras.Input(shape=(1000,)), layers.Dense(1, activation="softmax")])
model.compile(loss="mse", optimizer="adam")
"""
    [finding] = [d for d in check(source) if d.code == "SC201"]
    recipe = plan_for(finding, source).recipe
    assert recipe is not None and recipe["action"] == "softmax_ones"
    weights = 1000 * 1 + 1
    assert estimate(recipe).bytes == weights * 4 * 4 + 32 * 1000 * 4  # weights x4 for Adam; 32 samples


def test_a_model_over_the_limit_never_reaches_a_worker(tmp_path: Path) -> None:
    recipe = _only_recipe(ENORMOUS_AND_SMALL.split("small =")[0])
    options = ConfirmOptions(command=(sys.executable, str(FAKE), "ok", str(tmp_path / "log")))
    [verdict] = run_recipes([recipe], options)
    assert verdict.status is Status.UNCONFIRMABLE
    assert verdict.evidence.startswith("the model would need about 400 GB of memory (")
    assert verdict.evidence.endswith("more than the 4 GB confirmation allows a model; not built")
    assert not (tmp_path / "log").exists()  # no worker was started for it
    [sent] = run_recipes([recipe], ConfirmOptions(command=options.command, max_model_bytes=None))
    assert sent.evidence == "fake saw SC101"  # without a limit it is sent


@needs_keras
def test_an_enormous_model_is_unconfirmable_and_a_small_one_in_the_same_run_is_confirmed() -> None:
    findings = check(ENORMOUS_AND_SMALL)
    assert [d.code for d in findings] == ["SC101", "SC102"]
    confirmed = confirm_diagnostics(findings, ConfirmOptions(device="cpu"), {"example.py": ENORMOUS_AND_SMALL})
    enormous, small = (d.confirmation for d in confirmed)
    assert enormous.status is Status.UNCONFIRMABLE
    assert enormous.evidence.startswith("the model would need about 400 GB of memory (100,033,000,288 "
                                        "parameters; the largest part: `Dense` with 100,001,000,000 parameters)")
    assert small.status is Status.CONFIRMED
    assert "expected ndim=3, found ndim=2" in small.evidence


# ------------------------------------------------------------------ memory: the worker's cap
@needs_keras
def test_the_workers_memory_cap_stops_a_build_the_estimate_let_through() -> None:
    recipes = [_only_recipe(LARGE), _only_recipe(THREE_FINDINGS.split("stack =")[0])]
    assert estimate(recipes[0]).bytes > 3 * 10**9
    options = ConfirmOptions(device="cpu", max_model_bytes=None, memory_cap=2 * 10**9)
    assert "--max-memory" in options.worker_command()
    large, small = run_recipes(recipes, options)
    assert large.status is Status.UNCONFIRMABLE
    assert large.evidence.startswith("Keras ran out of memory under the worker's 2 GB cap: ")
    assert "OOM when allocating tensor with shape[25000,30000]" in large.evidence
    assert small.status is Status.CONFIRMED


def test_the_default_cap_leaves_room_for_tensorflow_and_the_largest_model_allowed() -> None:
    options = ConfirmOptions()
    cap = options.worker_memory_cap()
    assert cap is not None
    command = options.worker_command()
    assert command[command.index("--max-memory") + 1] == str(cap)
    ram = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    assert cap <= max(ram * 3 // 4, 1_500 * 10**6 + 32 * 10**6 * (os.cpu_count() or 1))
    assert cap >= min(1_500 * 10**6 + 4 * 10**9, ram * 3 // 4)
    assert ConfirmOptions(memory_cap=0).worker_memory_cap() is None
    assert "--max-memory" not in ConfirmOptions(memory_cap=0).worker_command()


# ------------------------------------------------------------------ the user's code is never run
@needs_keras
def test_confirm_never_runs_the_script_nor_its_lambda(tmp_path: Path) -> None:
    top_marker, lambda_marker = tmp_path / "top-level-ran", tmp_path / "lambda-ran"
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        listener.setblocking(False)
        script = tmp_path / "planted.py"
        script.write_text(PLANTED.format(top_marker=str(top_marker), lambda_marker=str(lambda_marker),
                                         port=listener.getsockname()[1]))
        run = subprocess.run([sys.executable, "-m", "shapecheck", "check", "--isolated", "--no-cache", "--confirm",
                              "--device", "cpu", str(script)], capture_output=True, text=True, timeout=300,
                             cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)})
        with pytest.raises(BlockingIOError):
            listener.accept()  # nothing connected, not even one connection waiting in the backlog
    assert run.returncode == 1, run.stderr
    notes = [line.split(": note: ", 1)[1] for line in run.stdout.splitlines() if ": note: " in line]
    confirmations = [note for note in notes if note.startswith(("confirmed", "unconfirmable", "refuted"))]
    assert len(confirmations) == 3, run.stdout
    assert confirmations[0].startswith("confirmed by Keras ") and "expected ndim=3" in confirmations[0]
    never_run = "unconfirmable: a `Lambda` layer on the way runs a function defined in the script, which is never run"
    assert confirmations[1:] == [never_run, never_run]  # the named function and the inline lambda
    assert "Found 3 errors in 1 file (1 confirmed, 2 unconfirmable)." in run.stdout.splitlines()
    assert not top_marker.exists() and not lambda_marker.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["planted.py"]
