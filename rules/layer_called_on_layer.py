"""SC105 layer-called-on-layer."""

from __future__ import annotations

from shapecheck.engine.events import NonTensorInput
from shapecheck.checking.rule import Context, Invalid, Rule
from shapecheck.engine.values import Layer


class LayerCalledOnLayerRule(Rule):
    """Report a layer called on a layer (or model) object instead of a tensor."""

    code = "SC105"
    name = "layer-called-on-layer"
    summary = "A layer is called on a layer object instead of a tensor"
    what = """
Checks that the argument of a layer call in the Functional API is a tensor
(the result of calling a layer, or `keras.Input`), not a layer object that was
created but never called.
"""
    why = """
`d = Dense(64)` is a layer; `d(x)` is a tensor. `Dense(32)(d)` passes the
layer itself, and Keras raises `Only input tensors may be passed as positional
arguments`.
"""
    VALID = [
        """
import keras
from keras.layers import Dense

inputs = keras.Input(shape=(128,))
hidden_layer = Dense(64)
hidden = hidden_layer(inputs)
outputs = Dense(32)(hidden)
""",
    ]
    INVALID = [
        Invalid(
            """
import keras
from keras.layers import Dense

inputs = keras.Input(shape=(128,))
hidden_layer = Dense(64)
outputs = Dense(32)(hidden_layer)
"""
        ),
        Invalid(
            """
import keras
from keras.layers import Dense

inputs = keras.Input(shape=(128,))
hidden_layer = Dense(64)
hidden = hidden_layer(inputs)
outputs = Dense(32)(hidden_layer)
"""
        ),
    ]

    def on_non_tensor_input(self, ctx: Context, event: NonTensorInput) -> None:
        """Report the call, pointing at the layer object that was passed."""
        arg = event.argument
        what = f"the `{arg.kind}` layer object" if isinstance(arg, Layer) else "a model object"
        notes = []
        if isinstance(arg, Layer) and arg.calls:
            notes.append((arg.calls[-1].node, f"this `{arg.kind}` was called on a tensor here; "
                                              "pass the tensor that call returned, not the layer"))
        elif isinstance(arg, Layer):
            notes.append((arg.node, f"this `{arg.kind}` was created here but never called on a tensor"))
        ctx.report(
            self,
            event.node,
            f"`{event.layer.kind}` expects a tensor, but receives {what}; call that layer on a tensor first",
            notes,
        )
