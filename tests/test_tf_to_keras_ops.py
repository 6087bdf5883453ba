"""The TF -> keras.ops table against the installed TensorFlow and Keras.

Every TF name exists in tensorflow and every Keras name in keras.ops; each
entry lists exactly the TF function's parameters in order and maps them to
parameters the Keras op has; positional arguments land on the same
parameter; a one-to-one entry has the same defaults and needs nothing TF
would default; and for a handful of functions, TF on a KerasTensor raises
while the keras.ops twin builds, and both agree on concrete arrays.
"""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import inspect
from typing import Any, Callable

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

from shapecheck.shapes.dims import Shape  # noqa: E402
from shapecheck.shapes.ops import OPS, call_op  # noqa: E402
from shapecheck.tables.tf_to_keras_ops import (  # noqa: E402
    SAME_MEANING_DEFAULTS,
    TF_TO_KERAS_OPS,
    keras_call_for,
)

ENTRIES = sorted(TF_TO_KERAS_OPS)


def _resolve(root: Any, dotted: str) -> Any:
    obj = root
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def _tf(name: str) -> Callable[..., Any]:
    return _resolve(tf, name.removeprefix("tf."))  # type: ignore[no-any-return]


def _keras(name: str) -> Callable[..., Any]:
    return _resolve(keras.ops, name)  # type: ignore[no-any-return]


def _params(fn: Callable[..., Any]) -> list[inspect.Parameter]:
    return [p for p in inspect.signature(fn).parameters.values()
            if p.kind is not inspect.Parameter.VAR_KEYWORD]


@pytest.mark.parametrize("tf_name", ENTRIES)
def test_entry_matches_both_signatures(tf_name: str) -> None:
    """Names exist; TF parameters listed in order; Keras targets exist; positions line up."""
    entry = TF_TO_KERAS_OPS[tf_name]
    tf_params = _params(_tf(tf_name))
    keras_params = [p.name for p in _params(_keras(entry.keras_name))]
    assert [p for p, _ in entry.params] == [p.name for p in tf_params], tf_name
    targets = [k for _, k in entry.params if k is not None]
    assert set(targets) <= set(keras_params), (tf_name, targets, keras_params)
    assert len(set(targets)) == len(targets), tf_name
    for i, (_, keras_param) in enumerate(entry.params[: entry.max_positional]):
        # keras_call_for keeps at most max_positional arguments in place
        assert keras_param is not None and keras_params.index(keras_param) == i, (tf_name, keras_param)


@pytest.mark.parametrize("tf_name", [n for n in ENTRIES if TF_TO_KERAS_OPS[n].one_to_one])
def test_one_to_one_entries_share_defaults(tf_name: str) -> None:
    """A one-to-one entry: equal defaults, and Keras requires nothing TF defaults."""
    entry = TF_TO_KERAS_OPS[tf_name]
    tf_params = {p.name: p for p in _params(_tf(tf_name))}
    keras_params = {p.name: p for p in _params(_keras(entry.keras_name))}
    empty = inspect.Parameter.empty
    for tf_param, keras_param in entry.params:
        if keras_param is None:
            continue
        t, k = tf_params[tf_param].default, keras_params[keras_param].default
        if t is not empty:
            assert k is not empty, f"{tf_name}: Keras requires {keras_param}, TF defaults it"
            if (tf_name, tf_param) not in SAME_MEANING_DEFAULTS:
                assert t == k, f"{tf_name}: {tf_param}={t!r} but {keras_param}={k!r}"
    mapped = {k for _, k in entry.params if k}
    for name, p in keras_params.items():
        if p.default is empty and p.kind is not inspect.Parameter.VAR_POSITIONAL:
            assert name in mapped, f"{tf_name}: Keras requires {name}, which TF has not"


CASES: list[tuple[str, Callable[[Any], tuple[tuple[Any, ...], dict[str, Any]]], tuple[int, ...]]] = [
    ("tf.concat", lambda x: (([x, x], 1), {}), (2, 3, 4)),
    ("tf.reduce_mean", lambda x: ((x, 1), {"keepdims": True}), (2, 3, 4)),
    ("tf.reduce_sum", lambda x: ((x,), {"axis": -1}), (2, 3, 4)),
    ("tf.expand_dims", lambda x: ((x, 1), {}), (2, 3)),
    ("tf.nn.softmax", lambda x: ((x,), {}), (2, 3)),
    ("tf.reshape", lambda x: ((x, (-1, 12)), {}), (2, 3, 4)),
    ("tf.transpose", lambda x: ((x,), {"perm": (0, 2, 1)}), (2, 3, 4)),
    ("tf.matmul", lambda x: ((x, x), {}), (2, 3, 3)),
    ("tf.squeeze", lambda x: ((x, 1), {}), (2, 1, 4)),
    ("tf.stack", lambda x: (([x, x], 1), {}), (2, 3)),
    ("tf.tile", lambda x: ((x, (1, 2)), {}), (2, 3)),
    ("tf.cast", lambda x: ((x, "int32"), {}), (2, 3)),
    ("tf.where", lambda x: ((x > 0, x, x * 2), {}), (2, 3)),
    ("tf.pad", lambda x: ((x, ((0, 0), (1, 2))), {}), (2, 3)),
    ("tf.einsum", lambda x: (("bij,bjk->bik", x, x), {}), (2, 3, 3)),
    ("tf.nn.relu", lambda x: ((x,), {}), (2, 3)),
    ("tf.math.log", lambda x: ((x * x + 1.0,), {}), (2, 3)),
    ("tf.image.resize", lambda x: ((x, (4, 6)), {}), (2, 3, 5, 1)),
]


@pytest.mark.parametrize("tf_name,make,dims", CASES, ids=[c[0] for c in CASES])
def test_tf_refuses_keras_tensor_and_keras_ops_agrees(
    tf_name: str, make: Callable[[Any], tuple[tuple[Any, ...], dict[str, Any]]], dims: tuple[int, ...]
) -> None:
    """TF raises on a KerasTensor; the keras.ops twin builds, fits the shape table, and
    gives TF's values on a concrete array when called with the same arguments."""
    entry = TF_TO_KERAS_OPS[tf_name]
    symbolic = keras.Input(batch_shape=(None,) + dims[1:])
    args, kwargs = make(symbolic)
    with pytest.raises(Exception, match="KerasTensor cannot be used as input to a TensorFlow function"):
        _tf(tf_name)(*args, **kwargs)
    fix = keras_call_for(tf_name, len(args), list(kwargs))
    assert fix is not None and fix[0] == entry.keras_path, tf_name
    renamed = {fix[1][k]: v for k, v in kwargs.items()}
    out = _keras(entry.keras_name)(*args, **renamed)
    # The shape table, called the way the overlay would, agrees with Keras.
    as_shapes = [_shape_of(a) for a in args]
    ours = call_op(entry.keras_name, as_shapes, {k: _shape_of(v) for k, v in renamed.items()})
    assert entry.keras_name in OPS and isinstance(ours, Shape), tf_name
    assert ours.dims == tuple(out.shape), (tf_name, ours, out.shape)
    concrete = np.random.default_rng(0).standard_normal(dims).astype("float32")
    args, kwargs = make(concrete)
    want = np.asarray(_tf(tf_name)(*args, **kwargs))
    got = keras.ops.convert_to_numpy(_keras(entry.keras_name)(*args, **renamed_kw(fix[1], kwargs)))
    assert got.shape == want.shape
    np.testing.assert_allclose(got.astype("float64"), want.astype("float64"), rtol=1e-5, atol=1e-5)


def renamed_kw(renames: dict[str, str], kwargs: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments under their Keras names (``name`` dropped)."""
    return {renames[k]: v for k, v in kwargs.items() if renames[k]}


def _shape_of(value: Any) -> Any:
    if isinstance(value, keras.KerasTensor):
        return Shape(tuple(value.shape))
    if isinstance(value, list):
        return [_shape_of(v) for v in value]
    return value


def test_keras_call_for_refuses_unsafe_calls() -> None:
    """Not one-to-one, an argument without a twin, or a shifted positional: no fix."""
    assert keras_call_for("tf.concat", 2, []) == ("keras.ops.concatenate", {})
    assert keras_call_for("tf.reduce_mean", 1, ["axis", "keepdims", "name"]) == (
        "keras.ops.mean", {"axis": "axis", "keepdims": "keepdims", "name": ""})
    assert keras_call_for("tf.one_hot", 2, ["axis"]) == ("keras.ops.one_hot", {"axis": "axis"})
    assert keras_call_for("tf.one_hot", 3, []) is None  # on_value has no twin
    assert keras_call_for("tf.matmul", 2, ["transpose_b"]) is None
    assert keras_call_for("tf.split", 2, []) is None
    assert keras_call_for("tf.argmax", 2, []) is None
    assert keras_call_for("tf.concat", 3, []) is None  # positional name
    assert keras_call_for("tf.nn.leaky_relu", 1, ["alpha"]) == (
        "keras.ops.leaky_relu", {"alpha": "negative_slope"})
    assert keras_call_for("tf.no_such_function", 1, []) is None
