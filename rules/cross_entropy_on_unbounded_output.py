"""SC207 cross-entropy-on-unbounded-output."""

from __future__ import annotations

from shapecheck.checking.rule import Context, Invalid, Rule
from shapecheck.engine.events import Compiled
from shapecheck.report.diagnostics import Severity

from ._loss import BINARY, CATEGORICAL, activation_site, compiled_pair, describe

_CROSS_ENTROPIES = frozenset({CATEGORICAL, BINARY, "sparse_categorical_crossentropy"})
_UNBOUNDED = frozenset({"linear", "relu"})


class CrossEntropyOnUnboundedOutputRule(Rule):
    """Report a cross-entropy that reads probabilities from an output that does not make them."""

    code = "SC207"
    name = "cross-entropy-on-unbounded-output"
    severity = Severity.WARNING
    summary = "A cross-entropy loss on a linear or relu output without `from_logits=True`"
    what = """
Reports `categorical_crossentropy`, `sparse_categorical_crossentropy` or
`binary_crossentropy` (as a string, or a loss object without
`from_logits=True`) on a model whose output layer has no activation (linear)
or a relu: the loss expects probabilities, and these outputs are not.
"""
    why = """
Keras does not raise: it clips the outputs into (0, 1) (and, for the
categorical losses, divides by their sum), so negative or large raw scores
give a wrong loss and gradients, training stalls or the loss becomes NaN.
Add `activation="softmax"` (or `"sigmoid"` for one unit) to the output layer,
or keep the raw scores and pass `from_logits=True` to the loss.
"""
    VALID = [
        """
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(4)])
model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), optimizer="adam")
""",
    ]
    INVALID = [
        Invalid(
            """
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(16, activation="relu"), layers.Dense(4)])
model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
""",
            raises=False,
        ),
    ]

    def on_compiled(self, ctx: Context, event: Compiled) -> None:
        """Report at the output layer (its activation is what usually changes), the loss as a note."""
        pair = compiled_pair(event)
        if pair is None or event.loss_node is None:
            return
        loss, out = pair
        if loss.name not in _CROSS_ENTROPIES or loss.from_logits is not False or out.activation not in _UNBOUNDED:
            return
        if loss.name == CATEGORICAL and out.units == 1:
            return  # SC202's case
        fix = "`activation=\"sigmoid\"`" if loss.name == BINARY else "`activation=\"softmax\"`"
        ctx.report(
            self,
            activation_site(out),
            f"`{loss.name}` reads the outputs as probabilities, but the model has {describe(out)}; "
            f"add {fix} here, or pass `from_logits=True` to the loss",
            [(event.loss_node, "the loss is given here")],
        )
