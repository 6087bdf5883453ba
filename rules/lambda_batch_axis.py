"""SC405 lambda-batch-axis."""

from __future__ import annotations

from shapecheck.engine.events import LambdaMovesBatch
from shapecheck.checking.rule import Context, Invalid, Rule


class LambdaBatchAxisRule(Rule):
    """Report a Lambda layer whose function moves the batch axis."""

    code = "SC405"
    name = "lambda-batch-axis"
    summary = "A Lambda layer's function moves the batch axis"
    what = """
Reports `Lambda(lambda x: tf.transpose(x))` and the same with `keras.ops` or
numpy: without `perm`, a transpose reverses every axis, batch included; with a
`perm` that does not start with 0 it moves the batch axis elsewhere.
"""
    why = """
Keras believes the first axis is still the batch: `summary()` shows
`(None, 400, 200)` while the real output is `(400, 200, batch)`. Nothing
fails until the output meets the labels, or the batch size changes. Keep the
batch axis first: `tf.transpose(x, perm=[0, 2, 1])` or `layers.Permute((2, 1))`.
"""
    VALID = [
        """
import keras
from keras import layers, ops

inputs = keras.Input(shape=(200, 400))
swapped = layers.Lambda(lambda x: ops.transpose(x, axes=(0, 2, 1)))(inputs)
""",
    ]
    INVALID = [
        Invalid(
            """
import keras
from keras import layers, ops

inputs = keras.Input(shape=(200, 400))
swapped = layers.Lambda(lambda x: ops.transpose(x))(inputs)
""",
            raises=False,
        ),
    ]

    def on_lambda_moves_batch(self, ctx: Context, event: LambdaMovesBatch) -> None:
        """Report the Lambda layer."""
        ctx.report(self, event.layer.node,
                   f"this `Lambda` moves the batch axis: {event.how}; keep axis 0 first, e.g. "
                   "`perm=[0, 2, 1]` or `layers.Permute((2, 1))`")
