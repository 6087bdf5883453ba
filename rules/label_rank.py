"""SC406 label-rank."""

from __future__ import annotations

from typing import Optional

from shapecheck.engine.events import DataFed
from shapecheck.checking.rule import Context, Invalid, Rule
from shapecheck.shapes.dims import Dim, is_known

from ._loss import fed_labels
from ._where import data_note, fed_note, output_layer

_SPARSE = frozenset({"sparse_categorical_crossentropy"})
_CLASS_LOSSES = frozenset({"sparse_categorical_crossentropy", "categorical_crossentropy"})


def per_sample(dims: tuple[Dim, ...]) -> Optional[tuple[Dim, ...]]:
    """The axes of one sample without trailing axes of size 1; None when an unknown axis could be 1."""
    rest = list(dims[1:])
    while rest and rest[-1] == 1:
        rest.pop()
    if rest and not is_known(rest[-1]):
        return None
    return tuple(rest)


class LabelRankRule(Rule):
    """Report labels with a different number of axes per sample than the model's output."""

    code = "SC406"
    name = "label-rank-mismatch"
    summary = "The labels have a different number of axes per sample than the model's output"
    what = """
Compares the axes of one sample of the labels `y` given to `fit`/`evaluate`/
`train_on_batch` with the axes of one sample of the model's output, ignoring
trailing axes of size 1 (Keras squeezes or adds one): a `Dense` applied to an
unflattened sequence or feature map (`Embedding -> Dense`, an LSTM with
`return_sequences=True` before the output) gives an output of shape
`(batch, steps, units)` while the labels are `(samples, units)`; a model with
one output per sample trained on per-step targets `(samples, steps)`; a
multi-unit output trained on a 1-D target. Sparse cross-entropy labels have
one axis less than the output (the class axis).
"""
    why = """
Cross-entropy losses raise `Arguments target and output must have the same
rank` at the first training step; regression losses broadcast the two shapes
against each other without a word, so the model trains on a target it was not
given (every time step against the sequence's one value) and predicts a shape
nobody asked for.
"""
    VALID = [
        """
import numpy as np
import keras
from keras import layers

x = np.random.rand(16, 10, 3)
y = np.random.rand(16, 1)
model = keras.Sequential([keras.Input(shape=(10, 3)), layers.LSTM(8), layers.Dense(1)])
model.compile(loss="mse", optimizer="adam")
model.fit(x, y, epochs=1, verbose=0)
""",
        """
import numpy as np
import keras
from keras import layers

x = np.random.randint(0, 50, (16, 10))
y = np.random.randint(0, 50, (16, 10))
model = keras.Sequential([keras.Input(shape=(10,)), layers.Embedding(50, 8), layers.Dense(50, activation="softmax")])
model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
model.fit(x, y, epochs=1, verbose=0)
""",
    ]
    INVALID = [
        Invalid(
            """
import numpy as np
import keras
from keras import layers

x = np.random.rand(16, 6, 3)
y = np.eye(2)[np.random.randint(0, 2, 16)]
model = keras.Sequential([keras.Input(shape=(6, 3)), layers.LSTM(8, return_sequences=True),
                          layers.Dense(2, activation="softmax")])
model.compile(loss="categorical_crossentropy", optimizer="adam")
model.fit(x, y, epochs=1, verbose=0)
"""
        ),
        Invalid(
            """
import numpy as np
import keras
from keras import layers

x = np.random.randint(0, 50, (16, 10))
y = np.random.randint(0, 2, (16,))
model = keras.Sequential([keras.Input(shape=(10,)), layers.Embedding(50, 8), layers.Dense(1, activation="sigmoid")])
model.compile(loss="binary_crossentropy", optimizer="adam")
model.fit(x, y, epochs=1, verbose=0)
"""
        ),
        Invalid(
            """
import numpy as np
import keras
from keras import layers

x = np.random.rand(16, 10, 3)
y = np.random.rand(16, 1)
model = keras.Sequential([keras.Input(shape=(10, 3)), layers.LSTM(8, return_sequences=True), layers.Dense(1)])
model.compile(loss="mse", optimizer="adam")
model.fit(x, y, epochs=1, verbose=0)
""",
            raises=False,
        ),
    ]

    def on_data_fed(self, ctx: Context, event: DataFed) -> None:
        """Compare the per-sample axes of y with those of the model's output."""
        found = fed_labels(event)
        if found is None:
            return
        y, output_shape, output_dims, loss = found
        if y.shape.dims is None or len(y.shape.dims) < 1 or len(output_dims) < 2:
            return
        if loss.name in _CLASS_LOSSES and len(output_dims) == 2:
            return  # class ids against one-hot rows on a 2-D output: SC403
        out = output_dims[:-1] if loss.name in _SPARSE else output_dims
        label_axes, output_axes = per_sample(y.shape.dims), per_sample(out)
        if label_axes is None or output_axes is None or len(label_axes) == len(output_axes):
            return
        what = "class ids of shape" if loss.name in _SPARSE else "labels of shape"
        if len(label_axes) < len(output_axes):
            hint = ("the output keeps an axis the labels do not have (a `Dense` on an unflattened sequence or "
                    "feature map: add `Flatten()`/a pooling layer, or `return_sequences=False` on the last RNN)")
            if not label_axes and len(output_axes) == 1 and loss.name == "binary_crossentropy" \
                    and y.dtype == "int" and not y.onehot:
                hint = (f"class ids with `binary_crossentropy` on {output_axes[0]} output units: use "
                        "`sparse_categorical_crossentropy` (with a softmax output), or one-hot labels")
            elif not label_axes and len(output_axes) == 1:
                hint = (f"the output has {output_axes[0]} units per sample but the target one value: give the "
                        "output layer 1 unit, or targets with one column per unit")
        else:
            hint = ("the labels have an axis the output does not (per-step targets for a model with one output "
                    "per sample: `return_sequences=True` on the last RNN, or labels of one value per sample)")
        output = output_layer(event.model)
        built = data_note(y, "the labels")
        notes = [note for note in (built, fed_note(event)) if note]
        node = output[0] if output is not None else event.node
        if output is None:
            notes = [note for note in (built,) if note]
        ctx.report(self, node, f"`{event.method}` receives {what} {y.shape} for an output of shape {output_shape}: "
                               f"{hint}", notes)
