"""SC204 from-logits-after-activation."""

from __future__ import annotations

from shapecheck.engine.events import Compiled
from shapecheck.checking.rule import Context, Invalid, Rule

from ._loss import PROBABILITY, compiled_pair, describe


class FromLogitsAfterActivationRule(Rule):
    """Report `from_logits=True` on a model that already outputs probabilities."""

    code = "SC204"
    name = "from-logits-after-activation"
    summary = "A loss expects logits but the model outputs probabilities"
    what = """
Reports a loss object built with `from_logits=True` when the model's output
layer applies softmax or sigmoid.
"""
    why = """
`from_logits=True` makes the loss apply softmax (or sigmoid) itself, so the
probabilities are squashed a second time. On the TensorFlow backend Keras
notices a final softmax during `fit`, uses its logits and only warns; on the
other backends, and whenever the activation is hidden from it, the loss and
its gradients are wrong, with no error.
"""
    VALID = [
        """
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(3)])
model.compile(loss=keras.losses.CategoricalCrossentropy(from_logits=True), optimizer="adam")
""",
    ]
    INVALID = [
        Invalid(
            """
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(3, activation="softmax")])
model.compile(loss=keras.losses.CategoricalCrossentropy(from_logits=True), optimizer="adam")
""",
            raises=False,
        ),
    ]

    def on_compiled(self, ctx: Context, event: Compiled) -> None:
        """Compare the loss with the model's output layer."""
        pair = compiled_pair(event)
        if pair is None or event.loss_node is None:
            return
        loss, out = pair
        if loss.from_logits is not True or out.activation not in PROBABILITY:
            return
        ctx.report(
            self,
            event.loss_node,
            f"the loss has `from_logits=True`, but the model has {describe(out)}, which is already "
            f"probabilities; remove the `{out.activation}` or set `from_logits=False`",
            [(out.node, f"`{out.layer.kind}` applies `{out.activation}` here")],
        )
