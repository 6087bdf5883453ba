"""Keras 1/2 keywords against the installed Keras 3.

Every alias must name a parameter Keras 3 has while Keras 3 rejects the old
name (so SC301/SC302 stay right to report it); a model written with the old
names must get the shapes Keras 3 computes for the same model written with
the new names; and confirmation must encode the translated config, which
real Keras then builds with those shapes.
"""

from __future__ import annotations

import inspect
import os
from typing import Any

import libcst as cst
import pytest

from shapecheck.checking.checker import check_source
from shapecheck.confirm.encode import GraphEncoder
from shapecheck.engine.interpreter import Interpreter
from shapecheck.engine.values import Layer, Model
from shapecheck.tables import keras_legacy as L

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
keras = pytest.importorskip("keras")

# A layer that had each Keras 1 keyword, with a value that is valid for the Keras 3 name.
ALIAS_SAMPLES: dict[str, tuple[str, Any]] = {
    "output_dim": ("Dense", 4), "nb_filter": ("Conv1D", 4), "filter_length": ("Conv1D", 3),
    "border_mode": ("Conv2D", "same"), "subsample": ("Conv2D", (2, 2)), "subsample_length": ("Conv1D", 2),
    "pool_length": ("MaxPooling1D", 2), "stride": ("MaxPooling1D", 2),
}


def test_every_alias_has_a_sample() -> None:
    assert set(ALIAS_SAMPLES) == set(L.SHAPE_ALIASES)


@pytest.mark.parametrize("old", sorted(L.SHAPE_ALIASES))
def test_alias_is_rejected_and_its_target_exists(old: str) -> None:
    kind, value = ALIAS_SAMPLES[old]
    cls = getattr(keras.layers, kind)
    new = L.SHAPE_ALIASES[old]
    assert new in inspect.signature(cls.__init__).parameters, f"{kind} has no {new}"
    required = {"Dense": {"units": 2}, "Conv1D": {"filters": 2, "kernel_size": 2},
                "Conv2D": {"filters": 2, "kernel_size": 2}, "MaxPooling1D": {}}[kind]
    required.pop(new, None)
    cls(**required, **{new: value})
    with pytest.raises((TypeError, ValueError)):
        cls(**required, **{old: value})


@pytest.mark.parametrize("old", sorted(L.SHAPE_NEUTRAL | set(L.KERNEL_PARTS)))
def test_neutral_and_kernel_keywords_are_rejected(old: str) -> None:
    with pytest.raises((TypeError, ValueError)):
        keras.layers.Conv2D(2, 3, **{old: 1})


CASES = [
    ("Convolution2D(nb_filter=8, nb_row=3, nb_col=5, border_mode='valid', subsample=(2, 1), init='uniform')",
     "Conv2D(filters=8, kernel_size=(3, 5), padding='valid', strides=(2, 1))", (20, 21, 3)),
    ("Convolution2D(16, 3, 3, border_mode='same', subsample=(2, 2))",
     "Conv2D(16, (3, 3), padding='same', strides=(2, 2))", (20, 21, 3)),
    ("Convolution2D(16, 3, 3, border_mode='valid')", "Conv2D(16, (3, 3), padding='valid')", (20, 21, 3)),
    ("Convolution1D(nb_filter=6, filter_length=4, subsample_length=2)", "Conv1D(6, 4, strides=2)", (30, 5)),
    ("MaxPooling1D(pool_length=3, stride=2)", "MaxPooling1D(pool_size=3, strides=2)", (30, 5)),
    ("Dense(output_dim=7, init='glorot_uniform', W_regularizer=None)", "Dense(units=7)", (9,)),
    ("LSTM(output_dim=5, dropout_W=0.2, dropout_U=0.2, inner_init='orthogonal')", "LSTM(5)", (4, 3)),
]


def _model(layer_source: str, shape: tuple[int, ...]) -> tuple[Model, Layer]:
    source = (f"from keras.layers import *\nimport keras\n"
              f"model = keras.Sequential([keras.Input(shape={shape!r}), {layer_source}])\n")
    module = cst.parse_module(source)
    interp = Interpreter(module, lambda event: None)
    interp.exec_block(module.body, interp.globals)
    model = interp.globals.vars["model"]
    assert isinstance(model, Model)
    return model, model.layers[-1]


@pytest.mark.parametrize("legacy,modern,shape", CASES)
def test_legacy_layer_has_keras3_shapes(legacy: str, modern: str, shape: tuple[int, ...]) -> None:
    model, layer = _model(legacy, shape)
    assert not layer.broken
    real = keras.Sequential([keras.Input(shape=shape), eval(modern, vars(keras.layers))])
    assert model.output is not None and model.output.shape.dims == tuple(real.output_shape)


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and "$tuple" in value:
        return tuple(_decode(v) for v in value["$tuple"])
    assert not isinstance(value, dict), value
    return value


@pytest.mark.parametrize("legacy,modern,shape", CASES)
def test_confirmation_builds_the_translated_layer(legacy: str, modern: str, shape: tuple[int, ...]) -> None:
    _, layer = _model(legacy, shape)
    enc = GraphEncoder()
    spec = enc.layers[enc.layer(layer)]
    kwargs = spec["kwargs"]
    assert not set(kwargs) & (set(L.SHAPE_ALIASES) | L.SHAPE_NEUTRAL | set(L.KERNEL_PARTS))
    decoded = {k: _decode(v) for k, v in kwargs.items()}  # type: ignore[union-attr]
    built = getattr(keras.layers, spec["kind"])(*spec["args"], **decoded)  # type: ignore[arg-type]
    real = keras.Sequential([keras.Input(shape=shape), built])
    expected = keras.Sequential([keras.Input(shape=shape), eval(modern, vars(keras.layers))])
    assert real.output_shape == expected.output_shape


def test_each_legacy_keyword_is_still_reported() -> None:
    source = ("from keras.models import Sequential\nfrom keras.layers import Dense, Convolution2D, Flatten\n"
              "model = Sequential()\n"
              "model.add(Convolution2D(nb_filter=8, nb_row=3, nb_col=3, border_mode='same', subsample=(2, 2), "
              "input_shape=(8, 8, 1)))\n"
              "model.add(Flatten())\nmodel.add(Dense(output_dim=10, init='uniform'))\n"
              "model.add(Dense(3, input_shape=(11,)))\n")
    found = check_source(source, "x.py")
    reported = [(d.location.row, d.location.column, d.code) for d in found]
    keywords = ["nb_filter", "nb_row", "nb_col", "border_mode", "subsample", "output_dim", "init"]
    lines = source.splitlines()
    for key in keywords:
        line = next(i for i, text in enumerate(lines, 1) if f"{key}=" in text)
        col = lines[line - 1].index(f"{key}=") + 1
        assert any(r[0] == line and r[1] == col and r[2] in ("SC301", "SC302") for r in reported), key
