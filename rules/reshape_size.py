"""SC107 reshape-size-mismatch."""

from __future__ import annotations

from shapecheck.engine.events import OpProblem, ShapeProblem
from shapecheck.engine.provenance import input_notes, source_note
from shapecheck.checking.rule import Context, Invalid, Rule
from shapecheck.shapes.errors import BadConfig, ReshapeMismatch


class ReshapeSizeRule(Rule):
    """Report a Reshape whose target does not hold exactly the input's values."""

    code = "SC107"
    name = "reshape-size-mismatch"
    summary = "A Reshape target has a different number of values than its input"
    what = """
Multiplies out the input's non-batch dimensions and the `target_shape` of a
`Reshape` layer (solving a single `-1`) and reports when they differ, or when
the target has more than one `-1`.
"""
    why = """
A reshape can only rearrange values, never add or drop them. Keras raises
`The total size of the tensor must be unchanged` when the model is built.
"""
    VALID = [
        """
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(6,)),
    layers.Reshape((3, 2)),
    layers.Reshape((-1, 1)),
])
""",
    ]
    INVALID = [
        Invalid(
            """
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(6,)),
    layers.Reshape((4, 2)),
])
"""
        ),
    ]

    def on_shape_problem(self, ctx: Context, event: ShapeProblem) -> None:
        """Report the Reshape layer."""
        if not isinstance(event.error, (ReshapeMismatch, BadConfig)) or event.layer.kind != "Reshape":
            return
        notes = input_notes(event.inputs)
        ctx.report(self, event.node, f"`Reshape` {event.error.message}", notes)

    def on_op_problem(self, ctx: Context, event: OpProblem) -> None:
        """Report a ``keras.ops`` call, tensor operator or index that Keras rejects on these shapes."""
        if not isinstance(event.error, ReshapeMismatch):
            return
        notes = [n for n in (source_note(t) for t in event.inputs) if n]
        ctx.report(self, event.node, f"`{event.op}` {event.error.message}", notes)
