"""SC112 model-given-layer."""

from __future__ import annotations

from shapecheck.checking.rule import Context, Invalid, Rule
from shapecheck.engine.events import ModelGivenLayer


class ModelGivenLayerRule(Rule):
    """Report a layer object given to ``Model(inputs, outputs)`` where a tensor belongs."""

    code = "SC112"
    name = "model-given-layer"
    summary = "`Model(inputs, outputs)` is given a layer object instead of a tensor"
    what = """
Checks that the `inputs` and `outputs` of a Functional `Model` are tensors:
`keras.Input(...)` and the results of calling layers, not layer objects
(`out = Dense(1)` without calling it on anything).
"""
    why = """
Keras raises `ValueError: All 'outputs' values must be KerasTensors` when the
model is made. The usual cause is a last layer created but never called, so
the fix goes where that layer is created: call it on the previous tensor.
"""
    VALID = [
        """
import keras
from keras import layers

inputs = keras.Input(shape=(8,))
hidden = layers.Dense(4)(inputs)
outputs = layers.Dense(1, activation="sigmoid")(hidden)
model = keras.Model(inputs, outputs)
""",
    ]
    INVALID = [
        Invalid(
            """
import keras
from keras import layers

inputs = keras.Input(shape=(8,))
hidden = layers.Dense(4)(inputs)
outputs = layers.Dense(1, activation="sigmoid")
model = keras.Model(inputs, outputs)
"""
        ),
    ]

    def on_model_given_layer(self, ctx: Context, event: ModelGivenLayer) -> None:
        """Report where the layer is created (it is to be called there), with the Model call as a note."""
        layer = event.layer
        if layer.calls:
            ctx.report(self, event.node, f"the `{event.role}` of this `Model` include the `{layer.kind}` layer "
                       "object, not a tensor; pass the tensor its call returned",
                       [(layer.calls[-1].node, f"this `{layer.kind}` call returns the tensor to pass")])
            return
        ctx.report(self, layer.node, f"this `{layer.kind}` layer is given to `Model(...)` as one of its "
                   f"`{event.role}`, but it is never called on a tensor; call it on the previous tensor here",
                   [(event.node, f"the `Model` is made here from the layer object (`{event.role}` must be "
                                 "tensors)")])
