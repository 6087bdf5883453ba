"""SC301 removed-api."""

from __future__ import annotations

from shapecheck import keras_api
from shapecheck import keras_tables as T
from shapecheck.events import KerasCallKeywords, KerasName, LayerCreated, MethodCalled
from shapecheck.rule import Context, Invalid, Rule
from shapecheck.values import Model


class RemovedApiRule(Rule):
    """Report Keras 1/2 APIs that Keras 3 no longer has."""

    code = "SC301"
    name = "removed-api"
    summary = "A Keras API that no longer exists in Keras 3"
    what = """
Reports APIs that tutorials still show but Keras 3 removed: `fit_generator`,
`predict_generator`, `evaluate_generator` (and the never-existing
`fit_on_generator`), `layers.Merge`, `CuDNNLSTM`/`CuDNNGRU`,
`return_states=`, `batch_input_shape=`, Keras 1 argument names, and the
optimizer argument `lr=`.
"""
    why = """
Each of these fails in Keras 3 with an `AttributeError`, an `ImportError` or
`Unrecognized keyword arguments`, usually after the data has been loaded. The
message names the replacement.
"""
    VALID = [
        """
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(10, 3)), layers.LSTM(8, return_state=True)])
optimizer = keras.optimizers.Adam(learning_rate=0.001)
""",
    ]
    INVALID = [
        Invalid(
            """
import keras

optimizer = keras.optimizers.Adam(lr=0.001)
"""
        ),
        Invalid(
            """
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(10, 3)), layers.LSTM(8, return_states=True)])
"""
        ),
        Invalid(
            """
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(1)])
model.compile(loss="mse", optimizer="adam")
model.fit_generator(iter([]), steps_per_epoch=1)
"""
        ),
    ]

    def on_keras_name(self, ctx: Context, event: KerasName) -> None:
        """Report removed layer names (`layers.Merge`, `CuDNNLSTM`)."""
        if keras_api.missing_attribute(event.path) is None:
            return
        module, _, name = event.path.rpartition(".")
        removed = keras_api.REMOVED_LAYERS.get(name) if module == "keras.layers" else None
        if removed is not None:
            ctx.report(self, event.node, f"{removed.what}; {removed.instead}")

    def on_method_called(self, ctx: Context, event: MethodCalled) -> None:
        """Report removed model methods and removed fit() keywords."""
        if not isinstance(event.receiver, Model):
            return
        removed = keras_api.REMOVED_METHODS.get(event.method)
        if removed is not None and event.method not in T.MODEL_ATTRIBUTES:
            ctx.report(self, event.method_node, f"{removed.what}; {removed.instead}")
        if event.method in ("fit", "evaluate", "predict"):
            for key, arg in event.keywords.items():
                gone = keras_api.REMOVED_FIT_KEYWORDS.get(key)
                if gone is not None:
                    ctx.report(self, arg.keyword or arg, f"{gone.what}; {gone.instead}")  # type: ignore[attr-defined]

    def on_layer_created(self, ctx: Context, event: LayerCreated) -> None:
        """Report removed layer keywords (`return_states=`, `batch_input_shape=`)."""
        for key, node in event.unknown_keywords:
            removed = keras_api.REMOVED_LAYER_KEYWORDS.get(key)
            if removed is not None:
                ctx.report(self, node, f"{removed.what}; {removed.instead}")

    def on_keras_call_keywords(self, ctx: Context, event: KerasCallKeywords) -> None:
        """Report `lr=` and other removed optimizer keywords."""
        if not event.path.startswith("keras.optimizers."):
            return
        for key, node in event.keywords.items():
            removed = keras_api.REMOVED_OPTIMIZER_KEYWORDS.get(key)
            if removed is not None:
                ctx.report(self, node, f"{removed.what}; {removed.instead}")
