"""SC303 nonexistent-keras-name."""

from __future__ import annotations

import difflib
import functools

from shapecheck.tables import keras_api
from shapecheck.engine.events import KerasName
from shapecheck.checking.rule import Context, Invalid, Rule


@functools.lru_cache(maxsize=1024)
def _suggestion(module: str, name: str, space: str) -> str:
    close = difflib.get_close_matches(name, sorted(keras_api.module_names(module, space) or ()), n=1)
    return f"; did you mean `{close[0]}`?" if close else ""


class NonexistentKerasNameRule(Rule):
    """Report a name that a Keras module does not have."""

    code = "SC303"
    name = "nonexistent-keras-name"
    api_probe = True
    summary = "A name that does not exist in the Keras module it is taken from"
    what = """
Checks names taken from `keras`, `keras.layers`, `keras.models`,
`keras.losses`, `keras.optimizers`, `keras.activations`, `keras.metrics`,
`keras.callbacks` and `keras.utils` (through any import style) against what
Keras 3 exports. A name is checked against the namespace it is written
in: under TensorFlow 2.16 and later, `tf.keras` (`tensorflow.keras`) is Keras
3's compatibility namespace, which keeps names that plain `keras` dropped
(`tf.keras.losses.mae`, `tf.keras.losses.Reduction`, the Keras 2
`tf.keras.backend` functions) and lacks a few that plain `keras` has.
Names looked up under a guard that probes for them (`hasattr`, `getattr`
with a default, `try: ... except ImportError/AttributeError`, a version
check) are not reported.
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
        """
import tensorflow as tf

loss = tf.keras.losses.mae
reduction = tf.keras.losses.Reduction.NONE
""",
    ]
    INVALID = [
        Invalid(
            """
from keras import layers

pool = layers.MinPooling2D()
"""
        ),
        Invalid(
            """
import keras

loss = keras.losses.mae
"""
        ),
        Invalid(
            """
import tensorflow as tf

loss = tf.keras.losses.mean_squared_error
"""
        ),
    ]

    def on_keras_name(self, ctx: Context, event: KerasName) -> None:
        """Report names a Keras module lacks (removed ones are SC301's)."""
        space = keras_api.namespace(event.written)
        name = keras_api.missing_attribute(event.path, space)
        if name is None:
            return
        module = event.path.rpartition(".")[0]
        if (module == "keras.layers" and name in keras_api.REMOVED_LAYERS) or event.path in keras_api.REMOVED_PATHS:
            return
        hint = _suggestion(module, name, space)
        shown = "tf." + module if space == keras_api.TF_KERAS else module
        ctx.report(self, event.node, f"`{shown}` has no attribute `{name}`{hint}")
