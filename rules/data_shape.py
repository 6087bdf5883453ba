"""SC402 data-shape."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from shapecheck.engine.events import DataFed
from shapecheck.engine.provenance import source_note
from shapecheck.engine.values import Array, Dataset, Seq, Tensor, Value
from shapecheck.checking.rule import Context, Invalid, Rule
from shapecheck.shapes.dims import is_known

from ._data import batch_from_generator, data_arrays, fit_mismatch, samples
from ._where import data_note, fed_note, synthetic


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
        """Compare x (and y's sample count) with the model, for the data and for ``validation_data``."""
        model = event.model
        if model.opaque or not model.inputs:
            return
        last_axis_only = model.kind == "sequential"
        if last_axis_only and (not model.layers or model.layers[0].kind not in _WEIGHTED_BY_LAST_AXIS):
            return
        if self._check(ctx, event, event.x, event.y, "x"):
            return
        validation = event.keywords.get("validation_data")
        if isinstance(validation, Dataset):
            self._check(ctx, event, validation, None, "validation_data")
        elif isinstance(validation, Seq) and len(validation.items) >= 2:
            self._check(ctx, event, validation.items[0], validation.items[1], "validation_data x")

    def _check(self, ctx: Context, event: DataFed, x: Value, y: Optional[Value], label: str) -> bool:
        """Report the first way ``x`` (and ``y``) cannot feed the model; True when something was reported."""
        model = event.model
        stream = x if isinstance(x, Dataset) else None
        batch = batch_from_generator(x)
        if batch is not None:
            x, y = batch
        arrays = data_arrays(x)
        if arrays is None:
            return False
        inputs = model.inputs
        if len(arrays) != len(inputs) and (len(arrays) > 1 or len(inputs) > 1):
            ctx.report(self, event.node, f"`{event.method}` receives {len(arrays)} input arrays, but the model "
                                         f"has {len(inputs)} inputs")
            return True
        for i, (array, tensor) in enumerate(zip(arrays, inputs)):
            why = fit_mismatch(array.shape, tensor.shape, model.kind == "sequential")
            if why is None:
                continue
            what = {"x": "x", "validation_data x": "validation x"}.get(label, "validation_data elements")
            if batch is not None and label == "x":
                what = "dataset elements" if stream is not None else "generator batches"
            where = f" input {i}" if len(inputs) > 1 else ""
            message = (f"`{event.method}` receives {what} of shape {array.shape}, but the model{where} expects "
                       f"{tensor.shape} ({why})")
            node, notes = self._where(event, stream, array, tensor, batch is not None)
            ctx.report(self, node, message, notes)
            return True
        y_arrays = data_arrays(y) if y is not None else None
        if batch is None and y_arrays and len(y_arrays) == 1:
            nx, ny = samples(arrays[0]), samples(y_arrays[0])
            if is_known(nx) and is_known(ny) and nx != ny:
                notes = [note for note in (data_note(arrays[0], "x"), data_note(y_arrays[0], "y")) if note]
                ctx.report(self, event.node, f"`{event.method}` receives x with {nx} samples but y with {ny}; "
                                             "they must have the same length", notes)
                return True
        return False

    @staticmethod
    def _where(event: DataFed, stream: Optional[Dataset], array: Array, tensor: Tensor,
               streamed: bool) -> tuple[cst.CSTNode, list[tuple[cst.CSTNode, str]]]:
        """Where the fix goes (see the README, "Where findings are reported"), and notes for the rest.

        A dataset or data iterator is reported where it is built (its size, ``target_size`` or missing
        ``.batch``); a generator function's batches and arrays the script made up
        (``np.random.rand``) at the ``fit`` call; loaded or derived data at the model's input
        declaration. The other side and the ``fit`` call are notes.
        """
        declared = source_note(tensor)
        fed = fed_note(event)
        if stream is not None and stream.node is not None:
            notes = [declared] if declared else []
            return stream.node, notes + [fed]
        if declared is not None and not streamed and not synthetic(array):
            built = data_note(array, "the data")
            notes = [built] if built else []
            return declared[0], notes + [fed]
        return event.node, [note for note in (declared, data_note(array, "the data")) if note]
