"""SC403 label-shape."""

from __future__ import annotations

from shapecheck.engine.events import DataFed
from shapecheck.checking.rule import Context, Invalid, Rule
from shapecheck.shapes.dims import is_known

from ._data import data_arrays
from ._loss import fed_labels
from ._where import data_note, fed_note, output_layer


class LabelShapeRule(Rule):
    """Report labels that do not match the loss or the model's output."""

    code = "SC403"
    name = "label-shape"
    summary = "The labels passed to fit do not match the loss or the output"
    what = """
Compares the labels `y` given to `fit`/`evaluate`/`train_on_batch` with the
loss from `compile` and the model's output: integer class ids with
`categorical_crossentropy`, one-hot labels with
`sparse_categorical_crossentropy`, more classes than output units, and label
columns that cannot match the output's units.
"""
    why = """
`categorical_crossentropy` wants one row of probabilities per sample (use
`keras.utils.to_categorical`), `sparse_categorical_crossentropy` wants one
integer per sample. Mixing them up fails with a shape error at the first
training step, and a label id beyond the output units fails inside the loss.
"""
    VALID = [
        """
import numpy as np
import keras
from keras import layers

x = np.random.rand(6, 4)
y = np.array([0, 2, 4, 0, 2, 4])
model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(5, activation="softmax")])
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

x = np.random.rand(6, 4)
y = keras.utils.to_categorical(np.array([0, 2, 4, 0, 2, 4]), 5)
model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(5, activation="softmax")])
model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
model.fit(x, y, epochs=1, verbose=0)
"""
        ),
        Invalid(
            """
import numpy as np
import keras
from keras import layers

x = np.random.rand(6, 4)
y = np.array([0, 2, 4, 0, 2, 4])
model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(5, activation="softmax")])
model.compile(loss="categorical_crossentropy", optimizer="adam")
model.fit(x, y, epochs=1, verbose=0)
"""
        ),
    ]

    def on_data_fed(self, ctx: Context, event: DataFed) -> None:
        """Compare y with the loss and the model's output."""
        found = fed_labels(event)
        if found is None:
            return
        y, output_shape, out, loss = found
        dims = y.shape.dims
        units = out[-1] if out else None
        if dims is None or not is_known(units):
            return
        class_ids = y.dtype == "int" and not y.onehot and (len(dims) == 1 or (len(dims) == 2 and dims[1] == 1))
        onehot = y.onehot or (len(dims) == 2 and is_known(dims[1]) and dims[1] > 1 and y.dtype == "float"
                              and loss.name == "sparse_categorical_crossentropy" and dims[1] == units)
        if loss.name == "categorical_crossentropy" and class_ids and units > 1:  # type: ignore[operator]
            self._report(ctx, event, f"labels of shape {y.shape} are class ids, but `categorical_crossentropy` "
                                     f"expects one-hot rows of {units}; use `sparse_categorical_crossentropy` "
                                     "or `keras.utils.to_categorical(y)`")
        elif loss.name == "sparse_categorical_crossentropy" and (y.onehot or onehot) and len(dims) == 2:
            self._report(ctx, event, f"labels of shape {y.shape} are one-hot, but "
                                     "`sparse_categorical_crossentropy` expects one class id per sample; use "
                                     "`categorical_crossentropy` or `np.argmax(y, axis=-1)`")
        elif loss.name == "sparse_categorical_crossentropy" and class_ids and y.max_value is not None \
                and y.max_value >= units:  # type: ignore[operator]
            self._report(ctx, event, f"the labels go up to class {y.max_value}, but the model outputs only "
                                     f"{units} classes (0 to {units - 1})")  # type: ignore[operator]
        elif len(dims) == len(out) and len(dims) >= 2 and not class_ids:
            for axis in range(1, len(dims)):
                a, b = dims[axis], out[axis]
                if is_known(a) and is_known(b) and a != b and a != 1 and b != 1:
                    # One-hot labels made by an encoder: the fix is where they are built.
                    self._report(ctx, event, f"labels of shape {y.shape}, which cannot match the model's output "
                                             f"{output_shape} (axis {axis}: {a} against {b})",
                                 at_labels=y.onehot and y.node is not None)
                    return

    def _report(self, ctx: Context, event: DataFed, message: str, at_labels: bool = False) -> None:
        """Report at the ``fit`` call, or at the line that builds the labels; notes for the other places."""
        ys = data_arrays(event.y) if event.y is not None else None
        built = data_note(ys[0], "the labels") if ys else None
        output = output_layer(event.model)
        if at_labels and built is not None:
            node, notes = built[0], [note for note in (output, fed_note(event)) if note]
        else:
            node, notes = event.node, [note for note in (built, output) if note]
        ctx.report(self, node, f"`{event.method}` receives {message}", notes)
