"""Every public class of the installed ``keras.layers`` has a catalog entry or a stated exemption.

A layer without an entry has an unknown output, so checking goes silent after
it; this test lists the classes (``inspect.isclass`` over ``dir(keras.layers)``)
and fails on any that is neither in ``catalog.REGISTRY`` nor in ``EXEMPT``
with its reason.  It also fails on an exemption that is no longer needed (the
class got an entry or left Keras), so the list cannot go stale.
"""

from __future__ import annotations

import inspect
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pytest

keras = pytest.importorskip("keras")

from shapecheck.shapes import catalog  # noqa: E402
from shapecheck.tables import keras_tables as T  # noqa: E402

EXEMPT: dict[str, str] = {
    "Layer": "the base class of every layer: its output is whatever a subclass's call() returns",
    "Wrapper": "abstract base class of the wrappers; the concrete ones (Bidirectional, TimeDistributed, "
               "SpectralNormalization) have entries",
    "InputSpec": "not a layer: the spec of the inputs a layer accepts",
    "JaxLayer": "wraps an arbitrary JAX function: the output shape is that function's",
    "FlaxLayer": "wraps an arbitrary Flax module: the output shape is that module's",
    "TorchModuleWrapper": "wraps an arbitrary torch.nn.Module: the output shape is that module's",
    "TFSMLayer": "loads a TensorFlow SavedModel from disk: the output shape is the saved endpoint's",
    "Pipeline": "a sequence of arbitrary layers given at run time (a preprocessing container, not a layer kind)",
}


def public_layer_classes() -> list[str]:
    """The public class names of the installed ``keras.layers`` (aliases included)."""
    return sorted(name for name in dir(keras.layers)
                  if not name.startswith("_") and inspect.isclass(getattr(keras.layers, name)))


def test_every_public_class_has_an_entry_or_an_exemption() -> None:
    missing = [name for name in public_layer_classes() if name not in catalog.REGISTRY and name not in EXEMPT]
    assert not missing, f"keras.layers classes with neither a catalog entry nor an exemption: {missing}"


def test_exemptions_are_still_needed_and_have_reasons() -> None:
    public = set(public_layer_classes())
    stale = [name for name in EXEMPT if name not in public or name in catalog.REGISTRY]
    assert not stale, f"exemptions for classes that are gone from keras.layers or have an entry: {stale}"
    assert all(len(reason) > 20 for reason in EXEMPT.values())


def test_every_entry_is_a_public_keras_layer_with_a_signature() -> None:
    """An entry under a name Keras does not export would never be looked up."""
    public = set(public_layer_classes())
    unknown = [name for name in catalog.REGISTRY if name not in public]
    assert not unknown, f"catalog entries that are not public keras.layers classes: {unknown}"
    unsigned = [name for name in catalog.REGISTRY if name not in T.LAYER_SIGNATURES]
    assert not unsigned, f"catalog entries without a constructor signature in keras_tables: {unsigned}"
