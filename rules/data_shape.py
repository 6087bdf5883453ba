"""SC402 data-shape."""

from __future__ import annotations

from shapecheck.engine.events import DataFed
from shapecheck.engine.provenance import source_note
from shapecheck.checking.rule import Context, Invalid, Rule
from shapecheck.shapes.dims import is_known

from ._data import batch_from_generator, data_arrays, fit_mismatch, samples


# First layers whose weights are sized by the input's last axis.
_WEIGHTED_BY_LAST_AXIS = frozenset({"Dense", "LSTM", "GRU", "SimpleRNN", "Bidirectional", "Conv1D", "Conv2D",
                                    "Conv3D"})


class DataShapeRule(Rule):
    """Report data whose shape does not fit the model it is given to."""

    code = "SC402"
    name = "data-shape"
    summary = "The data passed to fit/evaluate/predict does not fit the model's input"
    what = """
Compares the arrays passed to `fit`, `evaluate`, `predict`, `train_on_batch`,
`test_on_batch` and `predict_on_batch` (and the first batch a generator
yields) with the model's inputs: the number of inputs, the rank and every
known feature dimension; and checks that x and y have the same number of
samples. Keras 3's own tolerance is respected: it drops a trailing axis of
size 1 from the data, or adds one when the input ends in 1, so an LSTM with
input `(3, 1)` accepts x of shape `(N, 3)`.
"""
    why = """
Keras raises `Invalid input shape`, `expected axis -1 of input shape to have
value 8` or `Data cardinality is ambiguous` only when training starts, after
the data has been loaded and the model built.
"""
    VALID = [
        """
import numpy as np
import keras
from keras import layers

x = np.random.rand(32, 3)
y = np.random.rand(32, 1)
model = keras.Sequential([keras.Input(shape=(3, 1)), layers.LSTM(4), layers.Dense(1)])
model.compile(loss="mse", optimizer="adam")
model.fit(x, y, epochs=1, verbose=0)
""",
    ]
    INVALID = [
        Invalid(
            """
import numpy as np
import keras
from keras import layers

x = np.random.rand(32, 3)
y = np.random.rand(32, 1)
model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1)])
model.compile(loss="mse", optimizer="adam")
model.fit(x, y, epochs=1, verbose=0)
"""
        ),
        Invalid(
            """
import numpy as np
import keras
from keras import layers

x = np.random.rand(32, 8)
y = np.random.rand(30, 1)
model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1)])
model.compile(loss="mse", optimizer="adam")
model.fit(x, y, epochs=1, verbose=0)
"""
        ),
    ]

    def on_data_fed(self, ctx: Context, event: DataFed) -> None:
        """Compare x (and y's sample count) with the model."""
        model = event.model
        if model.opaque or not model.inputs:
            return
        x, y = event.x, event.y
        batch = batch_from_generator(x)
        if batch is not None:
            x, y = batch
        arrays = data_arrays(x)
        if arrays is None:
            return
        inputs = model.inputs
        last_axis_only = model.kind == "sequential"
        if last_axis_only and (not model.layers or model.layers[0].kind not in _WEIGHTED_BY_LAST_AXIS):
            return
        if len(arrays) != len(inputs) and (len(arrays) > 1 or len(inputs) > 1):
            ctx.report(self, event.node, f"`{event.method}` receives {len(arrays)} input arrays, but the model "
                                         f"has {len(inputs)} inputs")
            return
        for i, (array, tensor) in enumerate(zip(arrays, inputs)):
            why = fit_mismatch(array.shape, tensor.shape, last_axis_only)
            if why is not None:
                what = "the generator yields x" if batch is not None else "x"
                where = f" input {i}" if len(inputs) > 1 else ""
                note = source_note(tensor)
                ctx.report(self, event.node,
                           f"`{event.method}` receives {what} of shape {array.shape}, but the model{where} expects "
                           f"{tensor.shape} ({why})", [note] if note else [])
                return
        y_arrays = data_arrays(y) if y is not None else None
        if batch is None and y_arrays and len(y_arrays) == 1:
            nx, ny = samples(arrays[0]), samples(y_arrays[0])
            if is_known(nx) and is_known(ny) and nx != ny:
                ctx.report(self, event.node, f"`{event.method}` receives x with {nx} samples but y with {ny}; "
                                             "they must have the same length")
