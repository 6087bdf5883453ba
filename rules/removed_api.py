"""SC301 removed-api."""

from __future__ import annotations

from shapecheck.tables import keras_api
from shapecheck.tables import keras_tables as T
from shapecheck.engine.events import KerasCallKeywords, KerasName, LayerCreated, MethodCalled
from shapecheck.report.diagnostics import Severity
from shapecheck.checking.rule import Context, FixSpec, Invalid, Rule
from shapecheck.report.diagnostics import Applicability
from shapecheck.engine.values import Model

from ._fix import keyword_of, rename

# Removed methods with a drop-in replacement, and the keywords the replacement
# accepts (Keras 3's signatures): the fix is offered only when every keyword
# carries over and at most the first argument is positional.
_METHOD_RENAMES: dict[str, tuple[str, frozenset[str]]] = {
    "fit_generator": ("fit", frozenset({
        "x", "y", "batch_size", "epochs", "verbose", "callbacks", "validation_split", "validation_data",
        "shuffle", "class_weight", "sample_weight", "initial_epoch", "steps_per_epoch", "validation_steps",
        "validation_batch_size", "validation_freq"})),
    "predict_generator": ("predict", frozenset({"x", "batch_size", "verbose", "steps", "callbacks"})),
    "evaluate_generator": ("evaluate", frozenset({
        "x", "y", "batch_size", "verbose", "sample_weight", "steps", "callbacks", "return_dict"})),
}
_LAYER_KEYWORD_RENAMES = {"return_states": "return_state"}
_OPTIMIZER_KEYWORD_RENAMES = {"lr": "learning_rate"}


class RemovedApiRule(Rule):
    """Report Keras 1/2 APIs that Keras 3 no longer has."""

    code = "SC301"
    name = "removed-api"
    fixable = True
    fix_applicability = "sometimes"
    fix_safety = """
`lr=` -> `learning_rate=` and `fit_generator(...)` -> `fit(...)` (when every argument
carries over) are safe: Keras 2 already treated them as the same thing. `return_states=`
-> `return_state=` is unsafe: `return_states` never existed, and `return_state=True`
makes the layer return its states too, which the code after it may not expect.
"""
    api_probe = True
    # Keras 2 and tf_keras still have these APIs: a project targeting them is not told otherwise.
    targets = frozenset({"keras3"})
    summary = "A Keras API that no longer exists in Keras 3"
    what = """
Reports APIs that tutorials still show but Keras 3 removed: `fit_generator`,
`predict_generator`, `evaluate_generator` (and the never-existing
`fit_on_generator`), `layers.Merge`, `CuDNNLSTM`/`CuDNNGRU`,
`return_states=`, `batch_input_shape=`, Keras 1 argument names, the
optimizer argument `lr=`, and removed modules and functions
(`keras.preprocessing.text`, `keras.wrappers.scikit_learn`,
`layers.experimental`, `ImageDataGenerator`, `backend.get_session`,
`set_session`, `placeholder`), each where the namespace it is written in
lacks it (`tf.keras` keeps `preprocessing.text` and `ImageDataGenerator`).
"""
    why = """
Each of these fails in Keras 3 with an `AttributeError`, an `ImportError` or
`Unrecognized keyword arguments`, usually after the data has been loaded. The
message names the replacement. A project that targets Keras 2 or `tf_keras`
(`target = "keras2"` or `"tf_keras"`, `--target`), where these still exist, gets
no finding from this rule.
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
        if keras_api.missing_attribute(event.path, keras_api.namespace(event.written)) is None:
            return
        module, _, name = event.path.rpartition(".")
        removed = keras_api.REMOVED_LAYERS.get(name) if module == "keras.layers" else None
        removed = removed or keras_api.REMOVED_PATHS.get(event.path)
        if removed is not None:
            ctx.report(self, event.node, f"{removed.what}; {removed.instead}")

    def on_method_called(self, ctx: Context, event: MethodCalled) -> None:
        """Report removed model methods and removed fit() keywords."""
        if not isinstance(event.receiver, Model):
            return
        removed = keras_api.REMOVED_METHODS.get(event.method)
        if removed is not None and event.method not in T.MODEL_ATTRIBUTES:
            ctx.report(self, event.method_node, f"{removed.what}; {removed.instead}",
                       fix=self._method_fix(event))
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
                fix = None
                new_key = _LAYER_KEYWORD_RENAMES.get(key)
                given = {arg.keyword.value for arg in getattr(event.layer.node, "args", ()) if arg.keyword}
                if new_key is not None and new_key not in given:
                    replacement = rename(node, new_key)
                    fix = FixSpec(f"Rename `{key}=` to `{new_key}=`", (replacement,),
                                  Applicability.UNSAFE) if replacement else None
                ctx.report(self, node, f"{removed.what}; {removed.instead}", fix=fix)

    def on_keras_call_keywords(self, ctx: Context, event: KerasCallKeywords) -> None:
        """Report `lr=` and other removed optimizer keywords."""
        if not event.path.startswith("keras.optimizers."):
            return
        for key, node in event.keywords.items():
            removed = keras_api.REMOVED_OPTIMIZER_KEYWORDS.get(key)
            if removed is not None:
                fix = None
                new_key = _OPTIMIZER_KEYWORD_RENAMES.get(key)
                keyword = keyword_of(event.node, node)
                if new_key is not None and new_key not in event.keywords and keyword is not None:
                    replacement = rename(keyword, new_key)
                    fix = FixSpec(f"Rename `{key}=` to `{new_key}=`", (replacement,),
                                  Applicability.SAFE) if replacement else None
                # The keyword (`lr`) is what is wrong, not its value.
                ctx.report(self, keyword if keyword is not None else node, f"{removed.what}; {removed.instead}",
                           fix=fix, severity=Severity.WARNING if removed.warns_only else None)

    @staticmethod
    def _method_fix(event: MethodCalled) -> FixSpec | None:
        """``fit_generator(...)`` -> ``fit(...)`` when the arguments mean the same to both."""
        if event.method not in _METHOD_RENAMES:
            return None
        new_method, accepted = _METHOD_RENAMES[event.method]
        args = getattr(event.node, "args", None)
        if args is None or any(arg.star for arg in args):
            return None
        if sum(arg.keyword is None for arg in args) > 1 or not set(event.keywords) <= accepted:
            return None
        replacement = rename(event.method_node, new_method)
        return FixSpec(f"Replace `{event.method}` with `{new_method}`", (replacement,),
                       Applicability.SAFE) if replacement else None
