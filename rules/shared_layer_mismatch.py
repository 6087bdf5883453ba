"""SC110 shared-layer-mismatch."""

from __future__ import annotations

from shapecheck.engine.events import ShapeProblem
from shapecheck.engine.provenance import source_note
from shapecheck.checking.rule import Context, Invalid, Rule
from shapecheck.shapes.errors import SharedLayerMismatch


class SharedLayerMismatchRule(Rule):
    """Report a shared layer called on inputs of different sizes."""

    code = "SC110"
    name = "shared-layer-mismatch"
    summary = "A shared layer is called on inputs its weights do not fit"
    what = """
Follows every call of a layer object. The first call builds the layer's
weights for the size of its input's last axis (Dense, the RNNs) or channel
axis (convolutions); a later call on an input of another size is reported.
"""
    why = """
Sharing a layer shares its weights, so every input must have the size they
were built for. Keras raises `Input 0 of layer "dense" is incompatible with
the layer: expected axis -1 of input shape to have value 64` at the second
call.
"""
    VALID = [
        """
import keras
from keras import layers

shared = layers.Dense(16)
a = shared(keras.Input(shape=(8,)))
b = shared(keras.Input(shape=(8,)))
""",
    ]
    INVALID = [
        Invalid(
            """
import keras
from keras import layers

shared = layers.Dense(16)
a = shared(keras.Input(shape=(8,)))
b = shared(keras.Input(shape=(9,)))
"""
        ),
    ]

    def on_shape_problem(self, ctx: Context, event: ShapeProblem) -> None:
        """Report the second call."""
        if not isinstance(event.error, SharedLayerMismatch):
            return
        notes = []
        first = event.layer.calls[0] if event.layer.calls else None
        if first is not None:
            notes.append((first.node, f"first called here, on {first.inputs[0].shape}" if first.inputs
                          else "first called here"))
        note = source_note(event.inputs[0]) if event.inputs else None
        if note:
            notes.append(note)
        ctx.report(self, event.node, f"the shared `{event.layer.kind}` {event.error.message}", notes)
