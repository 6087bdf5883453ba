"""SC103 non-positive-output-size."""

from __future__ import annotations

from shapecheck.engine.events import ShapeProblem
from shapecheck.engine.provenance import input_notes
from shapecheck.checking.rule import Context, Invalid, Rule
from shapecheck.shapes.errors import NonPositiveSize


class NonPositiveOutputRule(Rule):
    """Report a convolution or pooling window larger than what is left of its input."""

    code = "SC103"
    name = "non-positive-output-size"
    summary = "A convolution or pooling layer would output zero or fewer positions"
    what = """
Follows the length of every spatial axis through `Conv1D/2D/3D` and the pooling
layers (kernel or pool size, strides, dilation, padding) and reports the layer
whose output length would be zero or negative.
"""
    why = """
With `padding="valid"` each convolution shortens an axis by `kernel_size - 1`
and each pooling divides it. Once the axis runs out Keras raises
`Computed output size would be zero or negative` while building the model.
"""
    VALID = [
        """
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(28, 3)),
    layers.Conv1D(12, 3),
    layers.Conv1D(32, 3),
    layers.GlobalMaxPooling1D(),
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
    keras.Input(shape=(4, 3)),
    layers.Conv1D(12, 3),
    layers.Conv1D(32, 3),
    layers.GlobalMaxPooling1D(),
])
"""
        ),
        Invalid(
            """
import keras
from keras import layers

inputs = keras.Input(shape=(1, 8))
pooled = layers.MaxPooling1D(pool_size=2)(inputs)
"""
        ),
    ]

    def on_shape_problem(self, ctx: Context, event: ShapeProblem) -> None:
        """Report the layer that runs out of positions."""
        if not isinstance(event.error, NonPositiveSize):
            return
        notes = input_notes(event.inputs)
        ctx.report(self, event.node, f"`{event.layer.kind}` {event.error.message}", notes)
