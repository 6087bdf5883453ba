"""SC205 probability-output-with-regression-loss."""

from __future__ import annotations

from shapecheck.report.diagnostics import Severity
from shapecheck.engine.events import Compiled
from shapecheck.checking.rule import Context, Invalid, Rule

from ._loss import PROBABILITY, REGRESSION, compiled_pair, describe


class ProbabilityRegressionLossRule(Rule):
    """Warn about a softmax/sigmoid output trained with a regression loss."""

    code = "SC205"
    name = "probability-output-with-regression-loss"
    severity = Severity.WARNING
    summary = "A probability output is trained with a regression loss"
    what = """
Warns when the model ends in a softmax, or in a single sigmoid unit, and is
compiled with a regression loss such as `mse` or `mae`. A sigmoid over many
units with `mse` is left alone: that is how autoencoders reconstruct inputs
scaled to [0, 1].
"""
    why = """
A classifier's probabilities are best trained with cross-entropy; mean squared
error on a sigmoid or softmax saturates and learns slowly. If the targets are
real values, the output should not be squashed into (0, 1).
"""
    VALID = [
        """
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1)])
model.compile(loss="mse", optimizer="adam")
""",
    ]
    INVALID = [
        Invalid(
            """
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(3, activation="softmax")])
model.compile(loss="mean_squared_error", optimizer="adam")
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
        if loss.name not in REGRESSION or out.activation not in PROBABILITY:
            return
        if out.activation == "sigmoid" and out.units != 1:
            return
        ctx.report(
            self,
            event.loss_node,
            f"`{loss.name}` is a regression loss, but the model has {describe(out)}; use a "
            "cross-entropy loss for classification, or a linear output for regression",
            [(out.node, f"`{out.layer.kind}` applies `{out.activation}` here")],
        )
