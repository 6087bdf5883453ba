"""SC113 embedding-weights-mismatch."""

from __future__ import annotations

from shapecheck.checking.rule import Context, Invalid, Rule
from shapecheck.engine.events import EmbeddingWeightsMismatch


class EmbeddingWeightsRule(Rule):
    """Report an ``Embedding`` given a weight matrix of another shape than (input_dim, output_dim)."""

    code = "SC113"
    name = "embedding-weights-mismatch"
    summary = "`Embedding(weights=[matrix])` with a matrix that is not (input_dim, output_dim)"
    what = """
Compares the shape of the matrix given as `weights=[matrix]` to an `Embedding`
(pretrained word vectors, typically) with its `(input_dim, output_dim)`.
"""
    why = """
Keras raises `ValueError: Layer embedding weight shape (10000, 100) is not
compatible with provided weight shape (9999, 100)` when the layer is built.
The usual cause is an `input_dim` that forgot the padding index
(`len(word_index) + 1`) or an `output_dim` that is not the vectors' size.
"""
    VALID = [
        """
import numpy as np
import keras
from keras import layers

matrix = np.zeros((1000, 50))
embed = layers.Embedding(1000, 50, weights=[matrix])
vectors = embed(keras.Input(shape=(20,)))
""",
    ]
    INVALID = [
        Invalid(
            """
import numpy as np
import keras
from keras import layers

matrix = np.zeros((1001, 50))
embed = layers.Embedding(1000, 50, weights=[matrix])
vectors = embed(keras.Input(shape=(20,)))
"""
        ),
    ]

    def on_embedding_weights_mismatch(self, ctx: Context, event: EmbeddingWeightsMismatch) -> None:
        """Report the Embedding, with a note where the matrix is made."""
        rows, columns = event.expected
        notes = [(event.matrix_node, f"the matrix is made here as {event.matrix}")] if event.matrix_node else []
        ctx.report(self, event.node, f"`Embedding` builds a ({rows}, {columns}) weight matrix from its "
                   f"`input_dim` and `output_dim`, but `weights=` gives one of shape {event.matrix}; "
                   "make the two agree", notes)
