"""What a dotted Keras path names, read from the generated tables.

``classify("keras.layers.Dense")`` says it is a layer class; the interpreter
uses this to decide how a call behaves.  Paths through TensorFlow are first
canonicalised: ``tensorflow.keras.layers.Dense`` is ``keras.layers.Dense``.
Removed Keras 2 names that tutorials still use live in :data:`REMOVED`.

A name is checked against the namespace it was *written* in: under
TensorFlow >= 2.16 ``tf.keras`` is Keras 3's compatibility namespace, which
keeps names plain ``keras`` dropped (``tf.keras.losses.mae``), so a path
spelled through ``tensorflow.keras`` is looked up in
:data:`TF_MODULE_NAMES` and one spelled through ``keras`` in
:data:`MODULE_NAMES` (see :func:`namespace`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from shapecheck.tables import keras_tables as T
from shapecheck.tables import tf_keras_names

_PREFIXES = (
    ("tensorflow.keras", "keras"),
    ("tf_keras", "keras"),
    ("keras.api", "keras"),
)

# Submodules Keras exposes under more than one path.
_MODULE_ALIASES = {
    "keras.layers.core": "keras.layers",
    "keras.layers.recurrent": "keras.layers",
    "keras.layers.convolutional": "keras.layers",
    "keras.layers.pooling": "keras.layers",
    "keras.layers.merge": "keras.layers",
    "keras.layers.merging": "keras.layers",
    "keras.layers.normalization": "keras.layers",
    "keras.layers.wrappers": "keras.layers",
    "keras.layers.embeddings": "keras.layers",
}

MODULE_NAMES: dict[str, frozenset[str]] = {
    "keras": T.KERAS_TOP_NAMES,
    "keras.layers": T.KERAS_LAYERS_NAMES,
    "keras.models": T.KERAS_MODELS_NAMES,
    "keras.losses": T.KERAS_LOSSES_NAMES,
    "keras.optimizers": T.KERAS_OPTIMIZERS_NAMES,
    "keras.activations": T.KERAS_ACTIVATIONS_NAMES,
    "keras.metrics": T.KERAS_METRICS_NAMES,
    "keras.callbacks": T.KERAS_CALLBACKS_NAMES,
    "keras.utils": T.KERAS_UTILS_NAMES,
    "keras.backend": T.KERAS_BACKEND_NAMES,
    "keras.preprocessing": T.KERAS_PREPROCESSING_NAMES,
    "keras.preprocessing.sequence": T.KERAS_PREPROCESSING_SEQUENCE_NAMES,
    "keras.preprocessing.image": T.KERAS_PREPROCESSING_IMAGE_NAMES,
    "keras.wrappers": T.KERAS_WRAPPERS_NAMES,
}
"""Canonical module path -> the names plain ``keras`` (Keras 3) has there."""

TF_MODULE_NAMES: dict[str, frozenset[str]] = tf_keras_names.TF_KERAS_MODULE_NAMES
"""The same for ``tf.keras`` / ``tensorflow.keras`` as TensorFlow exposes it."""

KERAS = "keras"
TF_KERAS = "tf.keras"
_TF_PREFIXES = ("tensorflow.keras", "tf_keras")

LAYER_FUNCTION_CLASSES = {
    "concatenate": "Concatenate",
    "add": "Add",
    "subtract": "Subtract",
    "multiply": "Multiply",
    "average": "Average",
    "maximum": "Maximum",
    "minimum": "Minimum",
    "dot": "Dot",
}


@dataclass(frozen=True)
class Removed:
    """A Keras 2 API that Keras 3 no longer has, and what to use instead."""

    what: str
    instead: str
    warns_only: bool = False  # Keras 3 accepts it with a warning (and ignores it): a warning, not an error


# Names looked up as module attributes (keras.layers.X), model methods and keywords.
REMOVED_LAYERS: dict[str, Removed] = {
    "Merge": Removed("`Merge` was removed in Keras 2", "use `Concatenate()`, `Add()`, ... or their lowercase functions"),
    "merge": Removed("`merge` was removed in Keras 2", "use `concatenate(...)`, `add(...)`, ..."),
    "CuDNNLSTM": Removed("`CuDNNLSTM` does not exist in Keras 3", "use `LSTM`, which uses cuDNN automatically on a GPU"),
    "CuDNNGRU": Removed("`CuDNNGRU` does not exist in Keras 3", "use `GRU`, which uses cuDNN automatically on a GPU"),
    "MaxoutDense": Removed("`MaxoutDense` was removed in Keras 2", "use `Dense` followed by a max over units"),
    "Highway": Removed("`Highway` was removed in Keras 2", "write the layer yourself"),
}

REMOVED_METHODS: dict[str, Removed] = {
    "fit_generator": Removed("`fit_generator` was removed in Keras 3", "use `fit`, which accepts generators"),
    "predict_generator": Removed("`predict_generator` was removed in Keras 3", "use `predict`"),
    "evaluate_generator": Removed("`evaluate_generator` was removed in Keras 3", "use `evaluate`"),
    "fit_on_generator": Removed("`fit_on_generator` does not exist in any Keras version", "use `fit`, which accepts generators"),
    "predict_classes": Removed("`predict_classes` was removed in TensorFlow 2.6", "use `np.argmax(model.predict(x), axis=-1)`"),
    "predict_proba": Removed("`predict_proba` was removed in TensorFlow 2.6", "use `model.predict(x)`"),
}

REMOVED_LAYER_KEYWORDS: dict[str, Removed] = {
    "return_states": Removed("`return_states` is not a Keras argument", "use `return_state=True`"),
    "batch_input_shape": Removed("`batch_input_shape` was removed in Keras 3", "start the model with `keras.Input(batch_shape=...)`"),
    "output_dim": Removed("`output_dim` is the Keras 1 name of `units`", "use `units=`"),
    "init": Removed("`init` is the Keras 1 name of `kernel_initializer`", "use `kernel_initializer=`"),
    "border_mode": Removed("`border_mode` is the Keras 1 name of `padding`", "use `padding=`"),
    "subsample_length": Removed("`subsample_length` is the Keras 1 name of `strides`", "use `strides=`"),
    "nb_filter": Removed("`nb_filter` is the Keras 1 name of `filters`", "use `filters=`"),
    "filter_length": Removed("`filter_length` is the Keras 1 name of `kernel_size`", "use `kernel_size=`"),
    "W_regularizer": Removed("`W_regularizer` is the Keras 1 name of `kernel_regularizer`", "use `kernel_regularizer=`"),
    "dropout_W": Removed("`dropout_W` is the Keras 1 name of `dropout`", "use `dropout=`"),
    "dropout_U": Removed("`dropout_U` is the Keras 1 name of `recurrent_dropout`", "use `recurrent_dropout=`"),
}

REMOVED_OPTIMIZER_KEYWORDS: dict[str, Removed] = {
    "lr": Removed("optimizer argument `lr` was removed in Keras 3", "use `learning_rate=`"),
    "decay": Removed("optimizer argument `decay` is ignored by Keras 3 (it only warns)",
                     "use a `keras.optimizers.schedules` learning-rate schedule", warns_only=True),
}

# Modules and module-level names by canonical path; reported only where the
# namespace the script writes them in lacks them (tf.keras keeps some).
REMOVED_PATHS: dict[str, Removed] = {
    "keras.preprocessing.text": Removed("`keras.preprocessing.text` (`Tokenizer`) was removed in Keras 3",
                                        "use `keras.layers.TextVectorization`"),
    "keras.preprocessing.sequence.TimeseriesGenerator": Removed(
        "`TimeseriesGenerator` was removed in Keras 3", "use `keras.utils.timeseries_dataset_from_array`"),
    "keras.preprocessing.sequence.skipgrams": Removed("`skipgrams` was removed in Keras 3",
                                                      "generate the pairs yourself"),
    "keras.preprocessing.sequence.make_sampling_table": Removed("`make_sampling_table` was removed in Keras 3",
                                                                "compute the table yourself"),
    "keras.preprocessing.image.ImageDataGenerator": Removed(
        "`ImageDataGenerator` was removed from Keras 3",
        "use `keras.utils.image_dataset_from_directory` and augmentation layers (`keras.layers.RandomFlip`, ...)"),
    "keras.wrappers.scikit_learn": Removed("`keras.wrappers.scikit_learn` was removed in Keras 3",
                                           "use `keras.wrappers.SKLearnClassifier` / `SKLearnRegressor`"),
    "keras.layers.experimental": Removed("`layers.experimental` was removed in Keras 3",
                                         "the preprocessing layers are in `keras.layers` (`keras.layers.RandomFlip`, ...)"),
    "keras.backend.get_session": Removed("`get_session` was removed (TensorFlow 2 has no sessions)",
                                         "drop it; `keras.backend.clear_session()` resets the state"),
    "keras.backend.set_session": Removed("`set_session` was removed (TensorFlow 2 has no sessions)",
                                         "drop it; configure devices with `tf.config`"),
    "keras.backend.placeholder": Removed("`placeholder` was removed in Keras 3", "use `keras.Input(shape=...)`"),
}

REMOVED_FIT_KEYWORDS: dict[str, Removed] = {
    "nb_epoch": Removed("`nb_epoch` is the Keras 1 name of `epochs`", "use `epochs=`"),
}


def canonical(path: str) -> str:
    """``tensorflow.keras.layers.Dense`` -> ``keras.layers.Dense``."""
    for prefix, replacement in _PREFIXES:
        if path == prefix or path.startswith(prefix + "."):
            path = replacement + path[len(prefix):]
            break
    module, _, name = path.rpartition(".")
    if module in _MODULE_ALIASES:
        path = f"{_MODULE_ALIASES[module]}.{name}"
    return path


@dataclass(frozen=True)
class Symbol:
    """What a canonical Keras path names."""

    kind: str  # layer | layer_function | input | sequential | model | loss | optimizer | activation | metric | module | other
    name: str


_TOP_ALIASES = {
    "keras.Sequential": Symbol("sequential", "Sequential"),
    "keras.models.Sequential": Symbol("sequential", "Sequential"),
    "keras.Model": Symbol("model", "Model"),
    "keras.models.Model": Symbol("model", "Model"),
    "keras.Input": Symbol("input", "Input"),
    "keras.layers.Input": Symbol("input", "Input"),
}


def classify(path: str) -> Optional[Symbol]:
    """What ``path`` (canonical) names in Keras, or None when it is not a Keras path."""
    if path == "keras" or not path.startswith("keras."):
        return Symbol("module", "keras") if path == "keras" else None
    if path in _TOP_ALIASES:
        return _TOP_ALIASES[path]
    if path in MODULE_NAMES:
        return Symbol("module", path)
    module, _, name = path.rpartition(".")
    if module == "keras.layers":
        if name in T.LAYER_SIGNATURES:
            return Symbol("layer", name)
        if name in LAYER_FUNCTION_CLASSES:
            return Symbol("layer_function", name)
        return Symbol("other", name)
    if module == "keras.losses":
        if name in T.LOSS_CLASSES:
            return Symbol("loss_class", name)
        return Symbol("loss", name)
    if module == "keras.optimizers":
        if name in T.OPTIMIZER_SIGNATURES:
            return Symbol("optimizer", name)
        return Symbol("other", name)
    if module == "keras.activations":
        return Symbol("activation", name)
    if module == "keras.utils" and name == "to_categorical":
        return Symbol("to_categorical", name)
    return Symbol("other", name)


def namespace(written: str) -> str:
    """:data:`TF_KERAS` for a path written through ``tensorflow.keras``, else :data:`KERAS`."""
    for prefix in _TF_PREFIXES:
        if written == prefix or written.startswith(prefix + "."):
            return TF_KERAS
    return KERAS


def module_names(module: str, space: str = KERAS) -> Optional[frozenset[str]]:
    """The names canonical ``module`` has in namespace ``space`` (None: not a tabled module)."""
    return (TF_MODULE_NAMES if space == TF_KERAS else MODULE_NAMES).get(module)


def missing_attribute(path: str, space: str = KERAS) -> Optional[str]:
    """The missing name when ``path`` is ``module.name`` of a Keras module that lacks it.

    ``path`` is canonical; ``space`` is the namespace it was written in.
    """
    module, _, name = path.rpartition(".")
    names = module_names(module, space)
    if names is None or name.startswith("_") or name in names:
        return None
    return name
