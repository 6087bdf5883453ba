"""SC202 categorical-loss-on-binary-output."""

from __future__ import annotations

from shapecheck.engine.events import Compiled
from shapecheck.report.diagnostics import Severity
from shapecheck.checking.rule import Context, Invalid, Rule

from ._loss import CATEGORICAL, activation_site, compiled_pair, describe


class CategoricalLossBinaryOutputRule(Rule):
    """Report categorical cross-entropy on a single unit or on a sigmoid output."""

    code = "SC202"
    name = "categorical-loss-on-binary-output"
    summary = "categorical_crossentropy is used on a 1-unit or sigmoid output"
    what = """
Reports `categorical_crossentropy` (as a string, function or
`CategoricalCrossentropy`) when the model's output has one unit (an error:
the loss is always 0) or a sigmoid activation over several units (a
warning: Keras 3 trains it, but it is usually a multi-label model given the
multi-class loss).
"""
    why = """
Categorical cross-entropy expects a probability distribution over classes.
Over one unit the normalised prediction is always 1.0, so the loss is always
0 and nothing is learned. With sigmoid outputs the units are independent
probabilities, which is the multi-label case: use `binary_crossentropy`.
"""
    VALID = [
        """
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(3, activation="softmax")])
model.compile(loss="categorical_crossentropy", optimizer="adam")
""",
    ]
    INVALID = [
        Invalid(
            """
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1, activation="sigmoid")])
model.compile(loss="categorical_crossentropy", optimizer="adam")
""",
            raises=False,
        ),
        Invalid(
            """
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(4, activation="sigmoid")])
model.compile(loss="categorical_crossentropy", optimizer="adam")
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
        if loss.name != CATEGORICAL or not (out.units == 1 or out.activation == "sigmoid"):
            return
        # Reported where the fix usually goes, the output's activation; the loss is the note.
        at = activation_site(out)
        loss_note = (event.loss_node, "the loss is given here")
        if out.units is not None and out.units > 1:
            # Keras 3 trains this; it is the multi-label vs multi-class question, not a certain bug.
            ctx.report(
                self,
                at,
                f"`categorical_crossentropy` is the multi-class loss, but the model has {describe(out)}, "
                "whose units are independent (multi-label); use `softmax` here if a sample has exactly one "
                "class, or `binary_crossentropy` if it may have several labels",
                [loss_note],
                severity=Severity.WARNING,
            )
            return
        ctx.report(
            self,
            at,
            f"`categorical_crossentropy` expects a softmax over several classes, but the model has "
            f"{describe(out)}; use one sigmoid unit with `binary_crossentropy`, or a softmax over the classes",
            [loss_note],
        )
