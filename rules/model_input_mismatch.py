"""SC114 model-input-mismatch."""

from __future__ import annotations

from shapecheck.checking.rule import Context, Invalid, Rule
from shapecheck.engine.events import ModelInputMismatch
from shapecheck.engine.provenance import source_note


class ModelInputMismatchRule(Rule):
    """Report a model called (used as a layer) on a tensor its input rejects."""

    code = "SC114"
    name = "model-input-mismatch"
    summary = "A model is called on a tensor whose shape its input rejects"
    what = """
Checks the tensor a Functional model (or a Sequential model that starts with
`keras.Input`) is called on against the shape of the model's input: every
size the input declares must match.
"""
    why = """
Keras raises `ValueError: Input 0 ... of layer 'functional' is incompatible
with the layer: expected shape=(None, 10), found shape=(None, 12)` when the
outer model is built. It is common when an encoder or a pretrained block is
reused on the output of another part of the network.
"""
    VALID = [
        """
import keras
from keras import layers

inp = keras.Input(shape=(10,))
block = keras.Model(inp, layers.Dense(4)(inp))
outer_input = keras.Input(shape=(10,))
outputs = block(outer_input)
""",
    ]
    INVALID = [
        Invalid(
            """
import keras
from keras import layers

inp = keras.Input(shape=(10,))
block = keras.Model(inp, layers.Dense(4)(inp))
outer_input = keras.Input(shape=(12,))
outputs = block(outer_input)
"""
        ),
    ]

    def on_model_input_mismatch(self, ctx: Context, event: ModelInputMismatch) -> None:
        """Report the call, with notes for the model's input and where the tensor comes from."""
        expected = event.model.inputs[0].shape
        notes = []
        if event.model.inputs[0].node is not None:
            notes.append((event.model.inputs[0].node, f"the model's input is declared here as {expected}"))
        source = source_note(event.argument)
        if source is not None:
            notes.append(source)
        ctx.report(self, event.node, f"the model expects input of shape {expected}, but is called on "
                   f"{event.argument.shape}", notes)
