"""SC206 unknown-keras-identifier."""

from __future__ import annotations

import difflib

from shapecheck.tables import keras_tables as T
from shapecheck.engine.events import IdentifierString, LayerCreated
from shapecheck.checking.rule import Context, Invalid, Rule

_KNOWN = {
    "loss": T.LOSS_IDENTIFIERS,
    "optimizer": T.OPTIMIZER_IDENTIFIERS,
    "metric": T.METRIC_IDENTIFIERS,
    "activation": T.ACTIVATION_IDENTIFIERS,
}


class UnknownIdentifierRule(Rule):
    """Report a loss, optimizer, metric or activation name Keras 3 does not know."""

    code = "SC206"
    name = "unknown-keras-identifier"
    summary = "A loss, optimizer, metric or activation string is not a Keras name"
    what = """
Checks the strings Keras resolves by name: `loss=`, `optimizer=` and
`metrics=` of `compile`, and `activation=` of layers.
"""
    why = """
Keras looks these names up only when the model is compiled or built, and
raises `Could not interpret loss identifier: rmse` (or similar) late. `rmse`
in particular is a metric (`RootMeanSquaredError`), not a loss.
"""
    VALID = [
        """
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1, activation="relu")])
model.compile(loss="mean_squared_error", optimizer="adam", metrics=["mae"])
""",
    ]
    INVALID = [
        Invalid(
            """
import numpy as np
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1)])
model.compile(loss="rmse", optimizer="adam")
model.fit(np.zeros((4, 8)), np.zeros((4, 1)), verbose=0)
"""
        ),
    ]

    def on_identifier_string(self, ctx: Context, event: IdentifierString) -> None:
        """Report a compile() string Keras cannot resolve."""
        self._check(ctx, event.family, event.value, event.node)

    def on_layer_created(self, ctx: Context, event: LayerCreated) -> None:
        """Report a layer activation string Keras cannot resolve."""
        layer = event.layer
        value = layer.config.get("activation", None)
        node = layer.args.get("activation")
        if isinstance(value, str) and node is not None:
            self._check(ctx, "activation", value, node)

    def _check(self, ctx: Context, family: str, value: str, node: object) -> None:
        known = _KNOWN[family]
        if value in known:
            return
        # Keras matches optimizer names, and the "acc"/"ce" shorthands, ignoring case.
        if family == "optimizer" and value.lower() in known:
            return
        if family == "metric" and value.lower() in T.COMPILE_METRIC_SPECIAL_STRINGS:
            return
        if family == "loss" and value.lower() in T.COMPILE_LOSS_SPECIAL_STRINGS:
            return
        close = difflib.get_close_matches(value, sorted(known), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        if family == "loss" and value.lower() == "rmse":
            hint = "; `rmse` is a metric (`keras.metrics.RootMeanSquaredError`), not a loss: use 'mse'"
        ctx.report(self, node, f"'{value}' is not a Keras {family}{hint}")  # type: ignore[arg-type]
