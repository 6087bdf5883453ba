"""SC205 probability-output-with-regression-loss."""

from __future__ import annotations

import libcst as cst

from shapecheck.report.diagnostics import Severity
from shapecheck.engine.values import Model
from shapecheck.engine.events import Compiled, DataFed
from shapecheck.checking.rule import Context, Invalid, Rule
from shapecheck.shapes.dims import is_known

from ._data import data_arrays
from ._loss import PROBABILITY, REGRESSION, OutputInfo, compiled_pair, describe


class ProbabilityRegressionLossRule(Rule):
    """Warn about a softmax/sigmoid classifier trained with a regression loss."""

    code = "SC205"
    name = "probability-output-with-regression-loss"
    severity = Severity.WARNING
    summary = "A classifier's probability output is trained with a regression loss"
    what = """
Warns when the model ends in a softmax, or in a single sigmoid unit, is
compiled with a regression loss such as `mse` or `mae`, and is trained on
labels known to be class ids (an int array of one label per sample) or
one-hot rows (`keras.utils.to_categorical`). Where the labels are not known,
it says nothing: a sigmoid trained with `mse` or `mae` is a valid bounded
regression when the targets are in [0, 1], and a sigmoid over many units is
how autoencoders reconstruct inputs scaled to [0, 1].
"""
    why = """
A classifier's probabilities are best trained with cross-entropy; mean squared
error on a sigmoid or softmax saturates and learns slowly.
"""
    VALID = [
        """
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1)])
model.compile(loss="mse", optimizer="adam")
""",
        """
import numpy as np
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1, activation="sigmoid")])
model.compile(loss="mae", optimizer="adam")
model.fit(np.zeros((6, 8)), np.random.rand(6, 1), epochs=1, verbose=0)
""",
    ]
    INVALID = [
        Invalid(
            """
import numpy as np
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(3, activation="softmax")])
model.compile(loss="mean_squared_error", optimizer="adam")
model.fit(np.zeros((6, 8)), keras.utils.to_categorical(np.array([0, 1, 2, 0, 1, 2]), 3), epochs=1, verbose=0)
""",
            raises=False,
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        # By the model's id, with the model kept in the entry (alive, so no other model reuses the id).
        self.compiled: dict[int, tuple[Model, str, OutputInfo, cst.CSTNode]] = {}

    def on_compiled(self, ctx: Context, event: Compiled) -> None:
        """Remember a probability output compiled with a regression loss."""
        pair = compiled_pair(event)
        if pair is None or event.loss_node is None:
            self.compiled.pop(id(event.model), None)
            return
        loss, out = pair
        if loss.name not in REGRESSION or out.activation not in PROBABILITY or \
                (out.activation == "sigmoid" and out.units != 1):
            self.compiled.pop(id(event.model), None)
            return
        self.compiled[id(event.model)] = (event.model, loss.name, out, event.loss_node)

    def on_data_fed(self, ctx: Context, event: DataFed) -> None:
        """Report once the labels show the model is a classifier."""
        found = self.compiled.get(id(event.model))
        if found is None or event.y is None or event.method not in ("fit", "train_on_batch", "evaluate",
                                                                       "test_on_batch"):
            return
        ys = data_arrays(event.y)
        if ys is None or len(ys) != 1 or ys[0].shape.dims is None:
            return
        y = ys[0]
        dims = y.shape.dims
        assert dims is not None
        class_ids = y.dtype in ("int", "bool") and not y.onehot and (
            len(dims) == 1 or (len(dims) == 2 and is_known(dims[1]) and dims[1] == 1))
        if not (class_ids or y.onehot):
            return
        _, loss, out, loss_node = found
        labels = "one-hot labels" if y.onehot else "class-id labels"
        ctx.report(
            self,
            loss_node,
            f"`{loss}` is a regression loss, but the model has {describe(out)} and is trained on {labels}; "
            "use a cross-entropy loss for classification",
            [(out.node, f"`{out.layer.kind}` applies `{out.activation}` here"), (event.node, "labels given here")],
        )
