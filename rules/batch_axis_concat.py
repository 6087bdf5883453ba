"""SC108 batch-axis-concatenation."""

from __future__ import annotations

from shapecheck.report.diagnostics import Severity
from shapecheck.engine.events import LayerApplied
from shapecheck.checking.rule import Context, Invalid, Rule


class BatchAxisConcatRule(Rule):
    """Report a concatenation along axis 0, the batch axis."""

    code = "SC108"
    name = "batch-axis-concatenation"
    severity = Severity.WARNING
    summary = "Tensors are concatenated along the batch axis"
    what = """
Reports `Concatenate(axis=0)` and `concatenate(..., axis=0)` in a model.
"""
    why = """
Axis 0 of a Keras tensor is the batch: concatenating along it stacks samples,
so the model outputs more rows than it was given and training fails with a
confusing size mismatch against the labels. Features are joined along the
last axis (`axis=-1`, the default).
"""
    VALID = [
        """
import keras
from keras import layers

a = keras.Input(shape=(3,))
b = keras.Input(shape=(3,))
merged = layers.concatenate([a, b], axis=-1)
""",
    ]
    INVALID = [
        Invalid(
            """
import keras
from keras import layers

a = keras.Input(shape=(3,))
b = keras.Input(shape=(3,))
merged = layers.concatenate([a, b], axis=0)
""",
            raises=False,
        ),
    ]

    def on_layer_applied(self, ctx: Context, event: LayerApplied) -> None:
        """Report Concatenate calls whose axis is 0."""
        layer = event.call.layer
        if layer.kind != "Concatenate" or layer.broken:
            return
        axis = layer.config.get("axis")
        if axis == 0 and not isinstance(axis, bool):
            ctx.report(
                self,
                event.call.node,
                "`Concatenate` joins along axis 0, the batch axis: samples are stacked, not features; "
                "use `axis=-1`",
            )
