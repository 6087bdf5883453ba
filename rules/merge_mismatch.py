"""SC104 merge-shape-mismatch."""

from __future__ import annotations

from shapecheck.engine.events import OpProblem, ShapeProblem
from shapecheck.engine.provenance import source_note
from shapecheck.checking.rule import Context, Invalid, Rule
from shapecheck.shapes.errors import MergeMismatch


class MergeMismatchRule(Rule):
    """Report merge layers whose inputs do not fit together."""

    code = "SC104"
    name = "merge-shape-mismatch"
    summary = "Merged tensors have incompatible shapes"
    what = """
Checks `Concatenate`/`concatenate` (every axis except the concatenation axis
must match, and the ranks must be equal) and the element-wise merges `Add`,
`Subtract`, `Multiply`, `Average`, `Maximum`, `Minimum` (the shapes must be
equal or broadcast).
"""
    why = """
Keras raises `A Concatenate layer requires inputs with matching shapes except
for the concatenation axis` or `Inputs have incompatible shapes` when the model
is built. Concatenating along the wrong axis is the usual cause.
"""
    VALID = [
        """
import keras
from keras import layers

a = keras.Input(shape=(10, 4))
b = keras.Input(shape=(10, 6))
merged = layers.concatenate([a, b], axis=-1)
""",

        """
import keras
from keras import layers

query = keras.Input(shape=(10, 16))
value = keras.Input(shape=(12, 16))
attended = layers.MultiHeadAttention(num_heads=2, key_dim=8)(query=query, value=value)
outputs = layers.Dense(3)(attended)
""",
    ]
    INVALID = [
        Invalid(
            """
import keras
from keras import layers

a = keras.Input(shape=(10, 4))
b = keras.Input(shape=(12, 4))
merged = layers.concatenate([a, b], axis=-1)
"""
        ),
        Invalid(
            """
import keras
from keras import layers

a = keras.Input(shape=(3,))
b = keras.Input(shape=(4,))
total = layers.Add()([a, b])
"""
        ),
        Invalid(
            """
import keras

a = keras.Input(shape=(20, 16))
b = keras.Input(shape=(20, 15))
total = a + b
"""
        ),
        Invalid(
            """
import keras
from keras import layers

query = keras.Input(shape=(10, 16))
value = keras.Input(shape=(12, 16))
key = keras.Input(shape=(11, 16))
attended = layers.MultiHeadAttention(num_heads=2, key_dim=8)(query, value, key)
"""
        ),
    ]

    def on_shape_problem(self, ctx: Context, event: ShapeProblem) -> None:
        """Report the merge call."""
        if not isinstance(event.error, MergeMismatch):
            return
        notes = [n for n in (source_note(t) for t in event.inputs) if n]
        ctx.report(self, event.node, f"`{event.layer.kind}` {event.error.message}", notes)

    def on_op_problem(self, ctx: Context, event: OpProblem) -> None:
        """Report a ``keras.ops`` call, tensor operator or index that Keras rejects on these shapes."""
        if not isinstance(event.error, MergeMismatch):
            return
        notes = [n for n in (source_note(t) for t in event.inputs) if n]
        ctx.report(self, event.node, f"`{event.op}` {event.error.message}", notes)
