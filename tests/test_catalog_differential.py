"""Differential test: every entry of the layer catalog against the real Keras 3.

For each name in ``catalog.REGISTRY`` a seeded generator (``random.Random``)
draws layer configs and input shapes, valid and invalid alike: ranks 1-5,
dims 1-12 and None, strides, dilation, 'valid'/'same'/'causal' padding,
channels_first/last, pool sizes, return_sequences/return_state, merge modes,
Concatenate axes (0 and negative), broadcasting and mismatched merge inputs,
Reshape targets with -1, Permute dims, wrappers around Dense/Conv1D/RNNs,
Lambda with an ``output_shape``...  Each case is built symbolically with
Keras (``keras.Input(batch_shape=...)`` then ``layer(x)``) and fed to
``catalog.infer`` with the config the analysis would see (every parameter
present, unspecified ones at their literal default).  Then:

* Keras accepts, we raise a ShapeContradiction: FALSE ALARM (fails).
* Keras accepts, we return a shape whose known dims differ: WRONG (fails).
* Keras rejects, we return a fully known shape: CONFIDENT MISS (fails).
* Keras rejects, we return a shape with an unknown part: miss (reported).
* anything else (both reject, or equal shapes): agreement.

An UNKNOWN dim matches anything, and so does a shape of unknown rank.  Any
other exception from the catalog is a crash and fails.

The generators of the entries added for issue 14 (and the drawing
primitives) are in ``test_catalog_generators.py``; a case says how Keras is
called (``layer(x)``, ``layer([a, b])``, ``layer(q, v, k)``, ``cell(x,
[h, c])``, or InputLayer's ``.output``) and the inputs' dtype (strings for
the lookups and TextVectorization, ints for the encoders).

Run ``python tests/test_catalog_differential.py`` for the per-entry table and
the full report (or ``pytest -rA -k summary``); SHAPECHECK_DIFF_SEED and
SHAPECHECK_DIFF_CASES draw other or more cases, SHAPECHECK_DIFF_ONLY=A,B
runs only those entries.  ``bench/catalog_differential.py`` runs the same
with more cases (over 10,000 by default).

Last run (Keras 3.15.1, tensorflow backend, default seed, 40 cases an entry
and 10 an alias; about 50 s on 2 cores): 5640 layer/config pairs over 156
catalog entries, Keras accepting 4556 and rejecting 1084; agreement
5637/5640 (99.9%); 0 false alarms, 0 wrong shapes, 0 confident misses,
0 crashes; 3 misses, "don't know" answers where Keras rejects: RNN on a 2-D
input (2) and AdaptiveAveragePooling1D channels_first on a 1-D input.
"""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import random
import warnings
from collections import Counter
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Callable, Optional

import pytest

keras = pytest.importorskip("keras")

from shapecheck.shapes import catalog  # noqa: E402
from shapecheck.tables import keras_tables as T  # noqa: E402
from shapecheck.shapes.config import Config  # noqa: E402
from shapecheck.shapes.dims import UNKNOWN, Shape  # noqa: E402
from shapecheck.shapes.errors import ShapeContradiction  # noqa: E402

try:
    from tests.test_catalog_generators import (NEW_GENERATORS, Batch, Case, Inner, batch, data_format, dim,
                                               gen_augmentation, int_or_tuple, rank_near, shape, spatial_rank)
except ImportError:  # run as a script: tests/ is on sys.path
    from test_catalog_generators import (NEW_GENERATORS, Batch, Case, Inner, batch,  # type: ignore[no-redef]
                                         data_format, dim, gen_augmentation, int_or_tuple, rank_near, shape,
                                         spatial_rank)

SEED = int(os.environ.get("SHAPECHECK_DIFF_SEED", "20240611"))
CASES = int(os.environ.get("SHAPECHECK_DIFF_CASES", "40"))
"""Cases per catalog entry; an alias of a layer already drawn gets a quarter of that."""
ALIAS_CASES = max(1, CASES // 4)


REGISTERED = sorted(catalog.REGISTRY)

def gen_conv(rng: random.Random, name: str) -> Case:
    n = spatial_rank(name)
    kw: dict[str, Any] = {"filters": rng.randint(1, 8), "kernel_size": int_or_tuple(rng, n, 1, 5)}
    if rng.random() < 0.03:
        kw["kernel_size"] = int_or_tuple(rng, n, 0, 2)
    if rng.random() < 0.4:
        kw["strides"] = int_or_tuple(rng, n, 1, 3)
    if rng.random() < 0.25:
        kw["dilation_rate"] = int_or_tuple(rng, n, 1, 3)
    if rng.random() < 0.6:
        kw["padding"] = rng.choice(["valid", "same", "causal", "same", "valid", "SAME"])
    kw.update(data_format(rng))
    if rng.random() < 0.15:
        kw["groups"] = rng.choice([2, 3])
        if rng.random() < 0.7:
            kw["filters"] = kw["groups"] * rng.randint(1, 3)
    s = shape(rng, rank_near(rng, n + 2), none_p=0.15)
    return Case(name, kw, [s])


def gen_pooling(rng: random.Random, name: str) -> Case:
    n = spatial_rank(name)
    kw: dict[str, Any] = {}
    if rng.random() < 0.8 or "Average" in name or "Avg" in name:
        kw["pool_size"] = int_or_tuple(rng, n, 1, 4)
    if rng.random() < 0.4:
        kw["strides"] = int_or_tuple(rng, n, 1, 3)
    if rng.random() < 0.6:
        kw["padding"] = rng.choice(["valid", "same", "same", "valid", "causal", "SAME", "Valid"])
    kw.update(data_format(rng))
    return Case(name, kw, [shape(rng, rank_near(rng, n + 2), none_p=0.15)])


def gen_global_pooling(rng: random.Random, name: str) -> Case:
    n = spatial_rank(name)
    kw: dict[str, Any] = data_format(rng)
    if rng.random() < 0.4:
        kw["keepdims"] = rng.random() < 0.5
    return Case(name, kw, [shape(rng, rank_near(rng, n + 2, 0.25))])


def _merge_inputs(rng: random.Random, count: int, rank: int) -> list[Batch]:
    """Inputs around a common shape: some axes 1 or None, some mismatched, some ranks off."""
    base = shape(rng, rank, none_p=0.1)
    out = []
    for _ in range(count):
        s = list(base)
        for i in range(len(s)):
            r = rng.random()
            if r < 0.08:
                s[i] = None
            elif r < 0.14 and i > 0:
                s[i] = 1
            elif r < 0.2:
                s[i] = rng.randint(1, 12)
        if rng.random() < 0.12 and len(s) > 1:
            s = s[:1] + s[2:]  # one rank lower (broadcasting from the right)
        out.append(tuple(s))
    return out


def gen_elementwise(rng: random.Random, name: str) -> Case:
    count = 2 if name == "Subtract" and rng.random() < 0.85 else rng.choice([1, 2, 2, 3])
    return Case(name, {}, _merge_inputs(rng, count, rng.randint(1, 4)), multi=True)


def gen_concatenate(rng: random.Random, name: str) -> Case:
    rank = rng.randint(2, 4)
    kw: dict[str, Any] = {}
    if rng.random() < 0.7:
        kw["axis"] = rng.choice([-1, -1, -2, 0, 1, 1, 2, 3, -3, -4, 4])
    count = rng.choice([1, 2, 2, 2, 3])
    inputs = _merge_inputs(rng, count, rank)
    if rng.random() < 0.5:
        # Differ only along the concatenation axis: the common valid case.
        axis = kw.get("axis", -1)
        first = list(inputs[0])
        inputs = []
        for _ in range(count):
            s = list(first)
            if -len(s) <= axis < len(s):
                s[axis] = dim(rng, 0.15) if axis % len(s) else batch(rng)
            inputs.append(tuple(s))
    return Case(name, kw, inputs, multi=True)


def gen_dense(rng: random.Random, name: str) -> Case:
    return Case(name, {"units": rng.randint(1, 10)}, [shape(rng, rng.randint(1, 5), none_p=0.15)])


def gen_flatten(rng: random.Random, name: str) -> Case:
    return Case(name, data_format(rng), [shape(rng, rng.randint(1, 5))])


def _factor(rng: random.Random, size: int, parts: int) -> list[int]:
    """``size`` split into ``parts`` positive factors (in random order)."""
    out = []
    for _ in range(parts - 1):
        divisors = [d for d in range(1, size + 1) if size % d == 0]
        d = rng.choice(divisors)
        out.append(d)
        size //= d
    out.append(size)
    rng.shuffle(out)
    return out


def gen_reshape(rng: random.Random, name: str) -> Case:
    s = shape(rng, rng.randint(2, 4), none_p=0.1)
    size = 1
    for d in s[1:]:
        size *= d or 1
    target = _factor(rng, size, rng.randint(1, 3))
    r = rng.random()
    if r < 0.45:
        target[rng.randrange(len(target))] = -1
    elif r < 0.55:
        target = [-1, -1] + target[1:]
    elif r < 0.75:
        target[rng.randrange(len(target))] += rng.choice([1, 2])  # wrong size
        if rng.random() < 0.4:
            target[rng.randrange(len(target))] = -1
    if rng.random() < 0.05:
        target[rng.randrange(len(target))] = None
    wrapped: Any = tuple(target) if rng.random() < 0.8 else list(target)
    return Case(name, {"target_shape": wrapped}, [s])


def gen_permute(rng: random.Random, name: str) -> Case:
    k = rng.randint(1, 4)
    dims = list(range(1, k + 1))
    rng.shuffle(dims)
    rank = rank_near(rng, k + 1, 0.2)
    if rng.random() < 0.1:
        dims[rng.randrange(k)] = rng.randint(0, k + 1)  # not a permutation
    return Case(name, {"dims": tuple(dims)}, [shape(rng, rank)])


def gen_repeat_vector(rng: random.Random, name: str) -> Case:
    return Case(name, {"n": rng.randint(1, 6)}, [shape(rng, rank_near(rng, 2, 0.3))])


def gen_embedding(rng: random.Random, name: str) -> Case:
    kw = {"input_dim": rng.randint(2, 50), "output_dim": rng.randint(1, 10)}
    return Case(name, kw, [shape(rng, rng.randint(1, 4))])


def gen_lambda(rng: random.Random, name: str) -> Case:
    kw: dict[str, Any] = {"function": _identity}
    r = rng.random()
    if r < 0.6:
        kw["output_shape"] = tuple(dim(rng) for _ in range(rng.randint(1, 3)))
    elif r < 0.75:
        kw["output_shape"] = [rng.randint(1, 12) for _ in range(rng.randint(1, 3))]
    return Case(name, kw, [shape(rng, rng.randint(1, 4))])


def _rnn_kwargs(rng: random.Random, stateful: bool = True) -> dict[str, Any]:
    kw: dict[str, Any] = {"units": rng.randint(1, 8)}
    if rng.random() < 0.5:
        kw["return_sequences"] = rng.random() < 0.6
    if rng.random() < 0.4:
        kw["return_state"] = rng.random() < 0.6
    if stateful and rng.random() < 0.1:
        kw["stateful"] = True
    return kw


def gen_rnn(rng: random.Random, name: str) -> Case:
    return Case(name, _rnn_kwargs(rng), [shape(rng, rank_near(rng, 3, 0.2), none_p=0.15)])


def gen_bidirectional(rng: random.Random, name: str) -> Case:
    if rng.random() < 0.06:
        inner = Inner("Dense", {"units": rng.randint(1, 8)})  # not an RNN: Keras refuses
    else:
        inner = Inner(rng.choice(["LSTM", "GRU", "SimpleRNN"]), _rnn_kwargs(rng, stateful=False))
    kw: dict[str, Any] = {"layer": inner}
    if rng.random() < 0.7:
        kw["merge_mode"] = rng.choice(["concat", "sum", "mul", "ave", None])
    return Case(name, kw, [shape(rng, rank_near(rng, 3, 0.2), none_p=0.15)])


def gen_time_distributed(rng: random.Random, name: str) -> Case:
    r = rng.random()
    if r < 0.4:
        inner = Inner("Dense", {"units": rng.randint(1, 8)})
        rank = rng.randint(2, 5)
    elif r < 0.5:
        inner = Inner(rng.choice(["Flatten", "Dropout", "LSTM"]), {})
        if inner.kind == "Dropout":
            inner.kwargs["rate"] = 0.5
        if inner.kind == "LSTM":
            inner.kwargs.update(_rnn_kwargs(rng, stateful=False))
        rank = rng.randint(2, 5)
    elif r < 0.85:
        kw: dict[str, Any] = {"filters": rng.randint(1, 6), "kernel_size": rng.randint(1, 4)}
        if rng.random() < 0.4:
            kw["padding"] = rng.choice(["same", "causal", "valid"])
        inner = Inner("Conv1D", kw)
        rank = rank_near(rng, 4, 0.25)
    else:
        inner = Inner("MaxPooling1D", {"pool_size": rng.randint(1, 3)})
        rank = rank_near(rng, 4, 0.25)
    return Case(name, {"layer": inner}, [shape(rng, rank, none_p=0.12)])


def gen_spatial_dropout(rng: random.Random, name: str) -> Case:
    n = spatial_rank(name)
    kw: dict[str, Any] = {"rate": 0.5}
    if n > 1:
        kw.update(data_format(rng))
    return Case(name, kw, [shape(rng, rank_near(rng, n + 2, 0.3))])


def _axis(rng: random.Random, rank: int) -> Any:
    r = rng.random()
    if r < 0.5:
        return -1
    if r < 0.85:
        return rng.randint(-rank, rank - 1)
    return rng.choice([rank, -rank - 1, rank + 1])  # out of range


ELEMENTWISE_KWARGS: dict[str, Callable[[random.Random], dict[str, Any]]] = {
    "Activation": lambda rng: {"activation": rng.choice(["relu", "tanh", "softmax", "linear"])},
    "ActivityRegularization": lambda rng: {"l1": 0.01},
    "AlphaDropout": lambda rng: {"rate": 0.3},
    "Dropout": lambda rng: {"rate": rng.choice([0.0, 0.2, 0.5])},
    "GaussianDropout": lambda rng: {"rate": 0.2},
    "GaussianNoise": lambda rng: {"stddev": 0.1},
    "ELU": lambda rng: {"alpha": 0.5},
    "LeakyReLU": lambda rng: {"negative_slope": 0.2},
    "ReLU": lambda rng: {"max_value": 6.0} if rng.random() < 0.3 else {},
    "Masking": lambda rng: {"mask_value": 0.0},
}


def gen_elementwise_layer(rng: random.Random, name: str) -> Case:
    rank = rng.randint(1, 5)
    s = shape(rng, rank, none_p=0.12)
    kw: dict[str, Any] = ELEMENTWISE_KWARGS.get(name, lambda rng: {})(rng)
    if name in ("BatchNormalization", "Softmax", "UnitNormalization") and rng.random() < 0.6:
        kw["axis"] = _axis(rng, rank)
    if name == "LayerNormalization" and rng.random() < 0.6:
        kw["axis"] = _axis(rng, rank) if rng.random() < 0.7 else tuple(
            sorted({_axis(rng, rank) for _ in range(2)}))
    if name == "PReLU" and rng.random() < 0.3 and rank > 2:
        kw["shared_axes"] = tuple(sorted(rng.sample(range(1, rank), rng.randint(1, rank - 1))))
    return Case(name, kw, [s])


def _identity(x: Any) -> Any:
    return x


GENERATORS: list[tuple[Callable[[str], bool], Callable[[random.Random, str], Case]]] = NEW_GENERATORS + [
    (lambda n: catalog.REGISTRY[n].family == "augmentation", gen_augmentation),
    (lambda n: n.startswith("Global"), gen_global_pooling),
    (lambda n: "Pool" in n, gen_pooling),
    (lambda n: n.startswith("Conv"), gen_conv),
    (lambda n: n == "Concatenate", gen_concatenate),
    (lambda n: n in ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"), gen_elementwise),
    (lambda n: n == "Dense", gen_dense),
    (lambda n: n == "Flatten", gen_flatten),
    (lambda n: n == "Reshape", gen_reshape),
    (lambda n: n == "Permute", gen_permute),
    (lambda n: n == "RepeatVector", gen_repeat_vector),
    (lambda n: n == "Embedding", gen_embedding),
    (lambda n: n == "Lambda", gen_lambda),
    (lambda n: n in ("LSTM", "GRU", "SimpleRNN"), gen_rnn),
    (lambda n: n == "Bidirectional", gen_bidirectional),
    (lambda n: n == "TimeDistributed", gen_time_distributed),
    (lambda n: n.startswith("SpatialDropout"), gen_spatial_dropout),
]


def generator_for(name: str) -> Callable[[random.Random, str], Case]:
    for matches, gen in GENERATORS:
        if matches(name):
            return gen
    return gen_elementwise_layer


# ------------------------------------------------------------------- running
def _inner_config(value: Any) -> Any:
    """A wrapped layer (or a list of them, as RNN takes cells) as the analysis sees it."""
    if isinstance(value, Inner):
        return SimpleNamespace(kind=value.kind, config=config_for(value.kind, value.kwargs))
    if isinstance(value, list) and value and all(isinstance(v, Inner) for v in value):
        return tuple(_inner_config(v) for v in value)
    return value


def config_for(kind: str, kwargs: dict[str, Any]) -> Config:
    """The config the analysis builds (see ``keras_calls.create_layer``)."""
    params, _ = T.LAYER_SIGNATURES[kind]
    values: dict[str, Any] = {}
    for key, value in kwargs.items():
        values[key] = _inner_config(value)
    for pname, default in params:
        if pname not in values:
            values[pname] = UNKNOWN if default in (T.REQUIRED, T.NONLITERAL) else default
    return Config(kind, values)


def _built(value: Any) -> Any:
    if isinstance(value, Inner):
        return keras_layer(value.kind, value.kwargs)
    if isinstance(value, list) and value and all(isinstance(v, Inner) for v in value):
        return [_built(v) for v in value]
    return value


def keras_layer(kind: str, kwargs: dict[str, Any]) -> Any:
    return getattr(keras.layers, kind)(**{k: _built(v) for k, v in kwargs.items()})


def _flatten(out: Any) -> list[Any]:
    if isinstance(out, (list, tuple)):
        return [t for item in out for t in _flatten(item)]
    return [out]


def _call(layer: Any, case: Case, tensors: list[Any]) -> Any:
    """Call the layer the way ``case.call`` says (InputLayer is not called: its output is read)."""
    if case.call == "none":
        return layer.output
    if case.call == "list":
        return layer(tensors)
    if case.call == "positional":
        return layer(*tensors)
    if case.call == "states":
        return layer(tensors[0], tensors[1:])
    return layer(tensors[0])


def run_keras(case: Case) -> tuple[Optional[list[Batch]], str]:
    """Keras's output shape(s), or None and the first line of its error."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tensors = [keras.Input(batch_shape=s, dtype=case.dtype) for s in case.inputs]
            layer = keras_layer(case.layer, case.kwargs)
            out = _call(layer, case, tensors)
    except Exception as error:  # noqa: BLE001 - any rejection counts
        lines = [ln for ln in str(error).splitlines() if ln.strip()]
        return None, f"{type(error).__name__}: {lines[0][:160] if lines else ''}"
    return [tuple(t.shape) for t in _flatten(out)], ""


def has_unknown(out: Any) -> bool:
    shapes = out if isinstance(out, tuple) else (out,)
    return any(s.dims is None or UNKNOWN in s.dims for s in shapes)


def matches(ours: Any, theirs: list[Batch]) -> bool:
    shapes = ours if isinstance(ours, tuple) else (ours,)
    if len(shapes) == 1 and shapes[0].dims is None:
        return True
    if len(shapes) != len(theirs):
        return False
    for s, t in zip(shapes, theirs):
        if s.dims is None:
            continue
        if len(s.dims) != len(t):
            return False
        if any(d is not UNKNOWN and d != k for d, k in zip(s.dims, t)):
            return False
    return True


@dataclass
class Outcome:
    case: Case
    verdict: str  # agree | false_alarm | wrong | confident_miss | miss | crash
    detail: str = ""
    keras_accepts: bool = True


@dataclass
class LayerReport:
    name: str
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, verdict: str) -> int:
        return sum(o.verdict == verdict for o in self.outcomes)


def check(case: Case) -> Outcome:
    theirs, error = run_keras(case)
    accepts = theirs is not None
    try:
        ours: Any = catalog.infer(case.layer, config_for(case.layer, case.kwargs),
                                  [Shape(s) for s in case.inputs])
    except ShapeContradiction as contradiction:
        if theirs is None:
            return Outcome(case, "agree", keras_accepts=False)
        return Outcome(case, "false_alarm", f"we raise {type(contradiction).__name__}: "
                       f"{contradiction.message}; Keras gives {theirs}")
    except Exception as crash:  # noqa: BLE001
        return Outcome(case, "crash", f"{type(crash).__name__}: {crash}", accepts)
    shown = " + ".join(str(s) for s in ours) if isinstance(ours, tuple) else str(ours)
    if theirs is None:
        verdict = "miss" if has_unknown(ours) else "confident_miss"
        return Outcome(case, verdict, f"we give {shown}; Keras: {error}", keras_accepts=False)
    if matches(ours, theirs):
        return Outcome(case, "agree")
    return Outcome(case, "wrong", f"we give {shown}; Keras gives {theirs}")


_REPORTS: dict[str, LayerReport] = {}


def report_for(name: str) -> LayerReport:
    """Run (once) the cases of one catalog entry."""
    if name in _REPORTS:
        return _REPORTS[name]
    report = LayerReport(name)
    _REPORTS[name] = report
    cls = getattr(keras.layers, name, None)
    if cls is None or name not in T.LAYER_SIGNATURES:
        report.outcomes.append(Outcome(Case(name, {}, []), "crash", "no such Keras layer"))
        return report
    earlier = [n for n in REGISTERED if n < name and getattr(keras.layers, n, None) is cls]
    count = ALIAS_CASES if earlier else CASES
    rng = random.Random(f"{SEED}:{name}")
    gen = generator_for(name)
    for _ in range(count):
        report.outcomes.append(check(gen(rng, name)))
    return report


FAILING = ("false_alarm", "wrong", "confident_miss", "crash")


def per_entry_table(reports: list[LayerReport]) -> str:
    """One line per entry: cases, Keras rejections, agreement rate, false alarms, wrong shapes, misses."""
    lines = [f"{'entry':34} {'cases':>6} {'rejects':>7} {'agree%':>7} {'false':>5} {'wrong':>5} "
             f"{'conf.miss':>9} {'crash':>5} {'miss':>5}"]
    for r in reports:
        n = len(r.outcomes)
        rejects = sum(not o.keras_accepts for o in r.outcomes)
        lines.append(f"{r.name:34} {n:6d} {rejects:7d} {100.0 * r.count('agree') / max(n, 1):7.1f} "
                     f"{r.count('false_alarm'):5d} {r.count('wrong'):5d} {r.count('confident_miss'):9d} "
                     f"{r.count('crash'):5d} {r.count('miss'):5d}")
    return "\n".join(lines)


def summary(reports: list[LayerReport], shown_per_entry: int = 1000) -> str:
    outcomes = [o for r in reports for o in r.outcomes]
    counts = Counter(o.verdict for o in outcomes)
    total = len(outcomes)
    rejected = sum(not o.keras_accepts for o in outcomes)
    lines = [
        f"{total} layer/config pairs over {len(reports)} catalog entries "
        f"(Keras accepts {total - rejected}, rejects {rejected}); "
        f"agreement {counts['agree']}/{total} ({100.0 * counts['agree'] / max(total, 1):.1f}%); "
        f"false alarms {counts['false_alarm']}, wrong shapes {counts['wrong']}, "
        f"confident misses {counts['confident_miss']}, crashes {counts['crash']}, "
        f"misses {counts['miss']}",
    ]
    for r in reports:
        for o in [o for o in r.outcomes if o.verdict != "agree"][:shown_per_entry]:
            lines.append(f"  {o.verdict.upper()}: {o.case}  -- {o.detail}")
    return "\n".join(lines)


# --------------------------------------------------------------------- tests
@pytest.mark.parametrize("name", REGISTERED)
def test_layer_agrees_with_keras(name: str) -> None:
    report = report_for(name)
    bad = [o for o in report.outcomes if o.verdict in FAILING]
    assert not bad, "\n".join(f"{o.verdict}: {o.case} -- {o.detail}" for o in bad)


def test_summary() -> None:
    reports = [report_for(name) for name in REGISTERED]
    text = summary(reports)
    print("\n" + per_entry_table(reports) + "\n" + text)
    assert sum(r.count("agree") for r in reports) > 0


if __name__ == "__main__":
    import time

    start = time.time()
    only = [n for n in os.environ.get("SHAPECHECK_DIFF_ONLY", "").split(",") if n]
    chosen = [report_for(name) for name in REGISTERED if not only or name in only]
    print(per_entry_table(chosen))
    print(summary(chosen))
    print(f"{time.time() - start:.1f} s")
