"""SC111 invalid-layer-config."""

from __future__ import annotations

from shapecheck.engine.events import OpProblem, ShapeProblem
from shapecheck.engine.provenance import input_notes, source_note
from shapecheck.checking.rule import Context, Invalid, Rule
from shapecheck.shapes.errors import BadConfig


class InvalidLayerConfigRule(Rule):
    """Report a layer config that Keras rejects when it builds the layer on its input."""

    code = "SC111"
    name = "invalid-layer-config"
    summary = "A layer's arguments cannot work with the input it receives"
    what = """
Reports layer arguments that Keras rejects when the layer is built: `padding="causal"`
on anything but `Conv1D`, `groups` that do not divide the filters or the input
channels, strides above 1 together with a dilation above 1, zero kernel,
pool or stride sizes, an `axis` out of range for the input, an undefined
(`None`) size on the axis a layer sizes its weights by, `stateful=True`
without a fixed batch size, `Bidirectional` around a layer that is not
recurrent, and `Permute` dims that are not a permutation. (`Reshape` targets
are `reshape-size-mismatch`, SC107.)
"""
    why = """
Keras checks these only when the layer first sees its input, so the mistake
surfaces when the model is built or trained, far from the line that made it.
"""
    VALID = [
        """
import keras
from keras import layers

inputs = keras.Input(shape=(32, 32, 3))
x = layers.Conv2D(8, 3, padding="same")(inputs)
""",
    ]
    INVALID = [
        Invalid(
            """
import keras
from keras import layers

inputs = keras.Input(shape=(32, 32, 3))
x = layers.Conv2D(8, 3, padding="causal")(inputs)
"""
        ),
        Invalid(
            """
import keras
from keras import layers

inputs = keras.Input(shape=(10, 4))
x = layers.Bidirectional(layers.Dense(8))(inputs)
"""
        ),
    ]

    def on_shape_problem(self, ctx: Context, event: ShapeProblem) -> None:
        """Report the layer call."""
        if not isinstance(event.error, BadConfig) or event.layer.kind == "Reshape":
            return
        notes = input_notes(event.inputs)
        ctx.report(self, event.node, f"`{event.layer.kind}` {event.error.message}", notes)

    def on_op_problem(self, ctx: Context, event: OpProblem) -> None:
        """Report a ``keras.ops`` call, tensor operator or index that Keras rejects on these shapes."""
        if not isinstance(event.error, BadConfig):
            return
        notes = [n for n in (source_note(t) for t in event.inputs) if n]
        ctx.report(self, event.node, f"`{event.op}` {event.error.message}", notes)
