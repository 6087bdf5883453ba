"""SC303 nonexistent-keras-name."""

from __future__ import annotations

import difflib
import functools

from shapecheck.tables import keras_api
from shapecheck.engine.events import KerasName
from shapecheck.checking.rule import Context, Invalid, Rule


@functools.lru_cache(maxsize=1024)
def _suggestion(module: str, name: str) -> str:
    close = difflib.get_close_matches(name, sorted(keras_api.MODULE_NAMES[module]), n=1)
    return f"; did you mean `{close[0]}`?" if close else ""


class NonexistentKerasNameRule(Rule):
    """Report a name that a Keras module does not have."""

    code = "SC303"
    name = "nonexistent-keras-name"
    summary = "A name that does not exist in the Keras module it is taken from"
    what = """
Checks names taken from `keras`, `keras.layers`, `keras.models`,
`keras.losses`, `keras.optimizers`, `keras.activations`, `keras.metrics`,
`keras.callbacks` and `keras.utils` (through any import style) against what
Keras 3 exports.
"""
    why = """
A missing name fails with `ImportError` or `AttributeError`, and tutorials
mention layers that never existed (`MinPooling2D`). Removed Keras 2 names
are reported by `removed-api` (SC301) instead, with their replacement.
"""
    VALID = [
        """
from keras import layers

pool = layers.MaxPooling2D()
""",
    ]
    INVALID = [
        Invalid(
            """
from keras import layers

pool = layers.MinPooling2D()
"""
        ),
    ]

    def on_keras_name(self, ctx: Context, event: KerasName) -> None:
        """Report names a Keras module lacks (removed ones are SC301's)."""
        name = keras_api.missing_attribute(event.path)
        if name is None:
            return
        module = event.path.rpartition(".")[0]
        if module == "keras.layers" and name in keras_api.REMOVED_LAYERS:
            return
        hint = _suggestion(module, name)
        ctx.report(self, event.node, f"`{module}` has no attribute `{name}`{hint}")
