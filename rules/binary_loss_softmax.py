"""SC203 binary-loss-on-softmax."""

from __future__ import annotations

from shapecheck.engine.events import Compiled
from shapecheck.checking.rule import Context, Invalid, Rule

from ._loss import BINARY, compiled_pair, describe


class BinaryLossSoftmaxRule(Rule):
    """Report binary cross-entropy on a softmax over several units."""

    code = "SC203"
    name = "binary-loss-on-softmax"
    summary = "binary_crossentropy is used on a multi-unit softmax output"
    what = """
Reports `binary_crossentropy` when the model ends in a softmax over three or
more units. (Over exactly two units the two cross-entropies are equal, so
that case is left alone.)
"""
    why = """
Binary cross-entropy treats every unit as an independent yes/no probability,
while softmax makes the units compete: the loss averages per-unit terms over
all classes instead of scoring the one true class, so it is scaled down and
no longer the model's likelihood. For one class out of many use
`categorical_crossentropy` (or the sparse one with integer labels); for
independent labels use sigmoid units.
"""
    VALID = [
        """
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1, activation="sigmoid")])
model.compile(loss="binary_crossentropy", optimizer="adam")
""",
    ]
    INVALID = [
        Invalid(
            """
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(3, activation="softmax")])
model.compile(loss="binary_crossentropy", optimizer="adam")
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
        if loss.name != BINARY or out.activation != "softmax" or out.units is None or out.units < 3:
            return
        ctx.report(
            self,
            event.loss_node,
            f"`binary_crossentropy` treats each unit as an independent probability, but the model has "
            f"{describe(out)}; use `categorical_crossentropy` (or sigmoid units for independent labels)",
            [(out.node, f"the output layer `{out.layer.kind}` is here")],
        )
