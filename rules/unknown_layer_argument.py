"""SC302 unknown-layer-argument."""

from __future__ import annotations

import difflib

from shapecheck.tables import keras_api
from shapecheck.tables import keras_tables as T
from shapecheck.engine.events import LayerCreated
from shapecheck.checking.rule import Context, FixSpec, Invalid, Rule

from ._fix import rename
from .merge_layer_with_tensors import MergeLayerWithTensorsRule


FIX_CUTOFF = 0.75
"""How similar (difflib's ratio) the one accepted argument must be for the rename fix; at this
cutoff `kernal_size` has one candidate (`kernel_size`) and `regularizer` has two (no fix)."""


class UnknownLayerArgumentRule(Rule):
    """Report a keyword argument a layer does not accept (usually a typo)."""

    code = "SC302"
    name = "unknown-layer-argument"
    api_probe = True
    summary = "A layer is given a keyword argument it does not accept"
    fixable = True
    fix_applicability = "unsafe"
    fix_safety = """
When exactly one accepted argument is close to the misspelt one (at least 75% similar by
`difflib`), the fix renames it (`activaton=` -> `activation=`, `kernal_size=` ->
`kernel_size=`). It is unsafe: the guess may be wrong, and the renamed argument then takes
effect where Keras refused the call before.
"""
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
        given = {arg.keyword.value for arg in getattr(event.layer.node, "args", ()) if arg.keyword is not None}
        for key, node in event.unknown_keywords:
            if key in keras_api.REMOVED_LAYER_KEYWORDS:
                continue
            close = difflib.get_close_matches(key, params, n=1)
            hint = f"; did you mean `{close[0]}`?" if close else ""
            fix = None
            closest = difflib.get_close_matches(key, params, n=2, cutoff=FIX_CUTOFF)
            if len(closest) == 1 and closest[0] not in given:
                replacement = rename(node, closest[0])
                fix = FixSpec(f"Rename `{key}=` to `{closest[0]}=`", (replacement,)) if replacement else None
            ctx.report(self, node, f"`{kind}` has no argument `{key}`{hint}", fix=fix)
        if MergeLayerWithTensorsRule.applies(event):
            return  # SC106 explains the positional tensors better
        for node in event.extra_positional:
            ctx.report(self, node, f"`{kind}` takes at most {len(params)} positional arguments")
