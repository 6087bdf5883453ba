"""SC101 rank-mismatch: a layer receives input of the wrong rank."""

from __future__ import annotations

from shapecheck.engine.events import OpProblem, ShapeProblem
from shapecheck.engine.provenance import input_notes, source_note
from shapecheck.checking.rule import Context, Invalid, Rule
from shapecheck.shapes.errors import RankMismatch

from ._shape import is_stacked_rnn_problem


class RankMismatchRule(Rule):
    """Report a layer whose input has a rank the layer cannot accept."""

    code = "SC101"
    name = "rank-mismatch"
    summary = "A layer receives input of the wrong rank"
    what = """
Checks that each layer receives input with the number of axes it needs: RNNs
and `Conv1D` need 3-D input (batch, steps, features), `Conv2D` needs 4-D,
`TimeDistributed` needs at least 3-D, `RepeatVector` exactly 2-D.
"""
    why = """
Keras raises `ValueError: Input 0 of layer ... is incompatible with the layer:
expected ndim=3, found ndim=2` only when the model is built, often after the
data has been loaded. The usual cause is a `Dense` or `Flatten` (which output
2-D tensors) placed before a layer that needs a sequence or an image.
"""
    VALID = [
        """
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(28, 3)),
    layers.Conv1D(16, 3),
    layers.Flatten(),
    layers.Dense(10),
])
""",
    ]
    INVALID = [
        Invalid(
            """
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(28,)),
    layers.Dense(16),
    layers.Conv1D(16, 3),
])
"""
        ),
        Invalid(
            """
from keras.layers import Conv2D, Input

x = Input(shape=(32, 3))
y = Conv2D(8, (3, 3))(x)
"""
        ),
        Invalid(
            """
import numpy as np
import keras
from keras import layers


class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.conv = layers.Conv1D(8, 3)
        self.head = layers.Dense(1)

    def call(self, x):
        return self.head(self.conv(x))


model = Net()
model.compile(loss="mse", optimizer="adam")
model.fit(np.zeros((100, 20)), np.zeros((100, 1)), epochs=1, verbose=0)
"""
        ),
    ]

    def on_shape_problem(self, ctx: Context, event: ShapeProblem) -> None:
        """Report rank contradictions (except the stacked-RNN case, which SC102 owns)."""
        error = event.error
        if not isinstance(error, RankMismatch) or is_stacked_rnn_problem(event):
            return
        notes = input_notes(event.inputs, error.input_index)
        ctx.report(self, event.node, f"`{event.layer.kind}` {error.message}", notes)

    def on_op_problem(self, ctx: Context, event: OpProblem) -> None:
        """Report a ``keras.ops`` call, tensor operator or index that Keras rejects on these shapes."""
        if not isinstance(event.error, RankMismatch):
            return
        notes = [n for n in (source_note(t) for t in event.inputs) if n]
        ctx.report(self, event.node, f"`{event.op}` {event.error.message}", notes)
