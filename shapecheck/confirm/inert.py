"""What confirmation may touch: the allowlist that keeps the worker inert.

Confirmation rebuilds what the analysis resolved, never the user's script,
and the worker must never read or write the user's files or reach the
network while doing so.  Both sides check: the encoder refuses configs that
name files or remote resources (the finding becomes unconfirmable), and the
worker only constructs layers of the catalog, resolves names in the modules
of configuration objects, and makes the calls of ``actions_ops``.
"""

from __future__ import annotations

import re
from typing import Any

FOREIGN_LAYERS = frozenset({"TFSMLayer", "JaxLayer", "FlaxLayer", "TorchModuleWrapper", "Pipeline", "Layer",
                            "Wrapper", "InputSpec"})
"""Layer classes that load models, wrap another framework's code, or are bases: never constructed."""

RESOLVABLE = ("keras.activations.", "keras.initializers.", "keras.regularizers.", "keras.constraints.",
              "keras.losses.", "keras.optimizers.", "keras.metrics.", "keras.layers.", "keras.ops.",
              "tensorflow.nn.", "tensorflow.math.", "tensorflow.keras.activations.",
              "tensorflow.keras.initializers.", "tensorflow.keras.losses.", "tensorflow.keras.optimizers.",
              "numpy.float", "numpy.int", "numpy.uint", "numpy.bool")
"""Prefixes of the dotted names a recipe may refer to (``$ref``) or construct (``$object``)."""

NOT_RESOLVABLE = ("keras.layers.TFSMLayer", "keras.layers.JaxLayer", "keras.layers.FlaxLayer",
                  "keras.layers.TorchModuleWrapper", "keras.optimizers.schedules.")

FILE_KEYWORDS = frozenset({"vocabulary", "weights", "filepath", "file_path", "path", "idf_weights",
                           "embeddings_file", "vocabulary_file", "call_endpoint", "checkpoint"})
"""Configuration keywords whose string value may name a file or URL."""

_LOOKS_LIKE_A_RESOURCE = re.compile(r"(^[a-z][a-z0-9+.-]*://)|[/\\]|\.(txt|csv|tsv|json|h5|hdf5|keras|pb|npy|npz|"
                                    r"pkl|pickle|vocab|model|ckpt)$", re.IGNORECASE)


def names_a_resource(key: str, value: Any) -> bool:
    """True when a layer argument names a file, a folder or a URL (a vocabulary file, saved weights...)."""
    if isinstance(value, str):
        return key in FILE_KEYWORDS or bool(_LOOKS_LIKE_A_RESOURCE.search(value)) and key not in _PLAIN_STRINGS
    if isinstance(value, (list, tuple)):
        return False  # an inline vocabulary or weights list: data, not a resource
    return False


_PLAIN_STRINGS = frozenset({"name", "activation", "padding", "data_format", "kernel_initializer",
                            "bias_initializer", "recurrent_initializer", "interpolation", "fill_mode",
                            "output_mode", "split", "standardize", "merge_mode", "dtype", "mode"})


def may_construct(kind: str, known: frozenset[str]) -> bool:
    """True when the worker may construct layer class ``kind`` (one the catalog knows, not a foreign one)."""
    return kind in known and kind not in FOREIGN_LAYERS


def may_resolve(path: str) -> bool:
    """True when a recipe may refer to the dotted name ``path``."""
    return path.startswith(RESOLVABLE) and not path.startswith(NOT_RESOLVABLE)
