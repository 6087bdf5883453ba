"""What a model's output is: its final activation and its number of units.

The loss rules compare these against the loss given to ``compile``.  Every
answer may be None (unknown), and then no rule reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import libcst as cst

from shapecheck.shapes.dims import is_known
from shapecheck.engine.values import Const, Function, KerasObject, Layer, Model, Ref, Tensor

# Layers that keep their input's values' meaning (a softmax stays a softmax).
_TRANSPARENT = frozenset({"Dropout", "AlphaDropout", "GaussianDropout", "SpatialDropout1D",
                          "SpatialDropout2D", "SpatialDropout3D", "ActivityRegularization"})
_ACTIVATION_LAYERS = {"Softmax": "softmax", "ReLU": "relu", "ELU": "elu", "LeakyReLU": "leaky_relu",
                      "PReLU": "prelu"}
_LINEAR_DEFAULT = frozenset({"Dense", "Conv1D", "Conv2D", "Conv3D", "Embedding", "EinsumDense"})


def activation_name(value: Any) -> Optional[str]:
    """A layer's ``activation`` config as a canonical name (None: unknown)."""
    if value is None:
        return "linear"
    if isinstance(value, str):
        return value.lower()
    if isinstance(value, Ref):
        name = value.path.rsplit(".", 1)[-1]
        if value.path.startswith(("keras.activations.", "tensorflow.nn.", "tensorflow.math.", "keras.ops.")):
            return name.lower()
    return None


@dataclass
class OutputInfo:
    """The final activation and unit count of one model output."""

    activation: Optional[str]
    units: Optional[int]
    layer: Layer
    node: cst.CSTNode


def _identity(layer: Layer) -> bool:
    """``Activation("linear")`` (a cast to another dtype, say) leaves the values as they are."""
    return layer.kind == "Activation" and not layer.custom and layer.complete \
        and activation_name(layer.config.get("activation")) == "linear"


def output_info(tensor: Tensor) -> Optional[OutputInfo]:
    """Describe the layer that produces ``tensor``; None if unknown."""
    call = tensor.producer
    while call is not None and call.inputs and (call.layer.kind in _TRANSPARENT or _identity(call.layer)):
        call = call.inputs[0].producer
    if call is None:
        return None
    layer = call.layer
    if layer.custom or not layer.complete:
        return None
    if layer.kind == "Activation":
        act = activation_name(layer.config.get("activation"))
    elif layer.kind in _ACTIVATION_LAYERS:
        act = _ACTIVATION_LAYERS[layer.kind]
    elif layer.kind in _LINEAR_DEFAULT:
        act = activation_name(layer.config.get("activation", None))
    else:
        act = None
    units: Optional[int] = None
    dims = tensor.shape.dims
    if dims and is_known(dims[-1]):
        units = dims[-1]  # type: ignore[assignment]
    elif layer.kind == "Dense" and is_known(layer.config.get("units")):
        units = layer.config.get("units")
    return OutputInfo(act, units, layer, call.node)


def model_output(model: Model) -> Optional[Tensor]:
    """The single output tensor of a model, if it has exactly one and it is known."""
    if model.opaque:
        return None
    if model.kind == "sequential":
        return model.output if model.output is not None and model.layers else None
    return model.outputs[0] if len(model.outputs) == 1 else None


@dataclass
class LossInfo:
    """A loss as compile received it."""

    name: str  # canonical function name, e.g. "categorical_crossentropy"
    from_logits: Optional[bool]


def loss_info(value: Any, aliases: dict[str, str], classes: dict[str, str]) -> Optional[LossInfo]:
    """Canonical name and from_logits of a loss given as a string, function or object."""
    if isinstance(value, Const) and isinstance(value.value, str):
        name = aliases.get(value.value)
        return LossInfo(name, False) if name else None
    if isinstance(value, Ref) and value.path.startswith("keras.losses."):
        short = value.path.rsplit(".", 1)[-1]
        name = aliases.get(short) or classes.get(short)
        return LossInfo(name, False) if name else None
    if isinstance(value, KerasObject) and value.family == "loss":
        name = classes.get(value.kind)
        logits = value.config.get("from_logits", False)
        return LossInfo(name, logits if isinstance(logits, bool) else None) if name else None
    if isinstance(value, Function):
        return None
    return None
