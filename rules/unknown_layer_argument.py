"""SC302 unknown-layer-argument."""

from __future__ import annotations

import difflib

from shapecheck.tables import keras_api
from shapecheck.tables import keras_tables as T
from shapecheck.engine.events import LayerCreated
from shapecheck.checking.rule import Context, Invalid, Rule

from .merge_layer_with_tensors import MergeLayerWithTensorsRule


class UnknownLayerArgumentRule(Rule):
    """Report a keyword argument a layer does not accept (usually a typo)."""

    code = "SC302"
    name = "unknown-layer-argument"
    api_probe = True
    summary = "A layer is given a keyword argument it does not accept"
    what = """
Checks every keyword argument of a Keras layer constructor against the
arguments that layer accepts in Keras 3.
"""
    why = """
Keras 3 raises `Unrecognized keyword arguments passed to Dense: {'activaton':
'relu'}` when the layer is created; a misspelt argument never silently takes
effect.
"""
    VALID = [
        """
from keras.layers import Dense

layer = Dense(32, activation="relu")
""",
    ]
    INVALID = [
        Invalid(
            """
from keras.layers import Dense

layer = Dense(32, activaton="relu")
"""
        ),
    ]

    def on_layer_created(self, ctx: Context, event: LayerCreated) -> None:
        """Report unknown keywords (those SC301 explains as removed APIs excepted)."""
        kind = event.layer.kind
        params = [name for name, _ in T.LAYER_SIGNATURES.get(kind, ((), False))[0]]
        for key, node in event.unknown_keywords:
            if key in keras_api.REMOVED_LAYER_KEYWORDS:
                continue
            close = difflib.get_close_matches(key, params, n=1)
            hint = f"; did you mean `{close[0]}`?" if close else ""
            ctx.report(self, node, f"`{kind}` has no argument `{key}`{hint}")
        if MergeLayerWithTensorsRule.applies(event):
            return  # SC106 explains the positional tensors better
        for node in event.extra_positional:
            ctx.report(self, node, f"`{kind}` takes at most {len(params)} positional arguments")
