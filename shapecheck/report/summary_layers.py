"""Keras's names and parameter counts for layers, computed from their configs (no Keras import).

``dense``, ``dense_1``, ... as Keras 3 numbers a fresh session's layers, and
each layer's ``count_params()`` from its kind, config and input shape; an
answer that cannot be computed is None (shown as ``?``).
"""

from __future__ import annotations

import math
import re
from typing import Any, Optional

import libcst as cst

from shapecheck.engine.values import Layer
from shapecheck.shapes.dims import Shape, is_known

# Layers with no weights at all (count_params() == 0 in Keras 3).
NO_WEIGHTS = frozenset({
    "InputLayer", "Flatten", "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
    "GaussianNoise", "GaussianDropout", "AlphaDropout", "ActivityRegularization", "Masking", "Identity",
    "Activation", "ReLU", "Softmax", "LeakyReLU", "ELU",
    "Reshape", "Permute", "RepeatVector", "Lambda", "Cropping1D", "Cropping2D", "Cropping3D",
    "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D", "UpSampling1D", "UpSampling2D", "UpSampling3D",
    "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D", "AveragePooling3D",
    "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D",
    "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D",
    "Concatenate", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Dot",
    "Rescaling", "Resizing", "CenterCrop",
})
_CONV = re.compile(r"^(Conv|Convolution)([123])D(Transpose)?$")
_SEPARABLE = re.compile(r"^Separable(Conv|Convolution)([12])D$")
_DEPTHWISE = re.compile(r"^DepthwiseConv([12])D$")


def snake_case(name: str) -> str:
    """Keras's ``to_snake_case`` (``Conv2D`` -> ``conv2d``, ``GlobalAveragePooling2D`` ->
    ``global_average_pooling2d``)."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


class LayerNamer:
    """Keras's ``uniquify``: per-name counters over one session."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def next(self, prefix: str) -> str:
        count = self.counts.get(prefix, 0)
        self.counts[prefix] = count + 1
        return prefix if count == 0 else f"{prefix}_{count}"


def explicit_name(layer: Layer) -> Optional[str]:
    """The ``name=`` given to a layer; ``?`` when one was given but is not known."""
    if "name" not in layer.extra_kwargs:
        return None
    name = layer.extra_kwargs["name"]
    return name if isinstance(name, str) else "?"


def call_name(node: cst.CSTNode) -> Optional[str]:
    """The literal ``name=`` of a constructor call, if any."""
    if isinstance(node, cst.Call):
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value == "name" and isinstance(arg.value, cst.SimpleString):
                value = arg.value.evaluated_value
                return value if isinstance(value, str) else None
    return None


# ------------------------------------------------------------------ parameters
def _channels(config: Any, dims: tuple[Any, ...]) -> Any:
    return dims[-1] if config.channels_last() is True else dims[1] if config.channels_last() is False else None


def layer_params(layer: Layer, input_shape: Shape) -> Optional[int]:
    """``layer.count_params()`` after Keras builds it on ``input_shape``, or None when unknown."""
    kind, config = layer.kind, layer.config
    if kind in NO_WEIGHTS:
        return 0
    dims = input_shape.dims
    if dims is None or not dims:
        return None
    bias = config.bool("use_bias", True)
    if bias not in (True, False):
        return None
    last = dims[-1]
    if kind == "Dense":
        units = config.int("units")
        return last * units + (units if bias else 0) if _known(last, units) else None
    if kind == "Embedding":
        a, b = config.int("input_dim"), config.int("output_dim")
        return a * b if _known(a, b) else None
    if kind in ("BatchNormalization", "LayerNormalization"):
        axis = config.get("axis", -1)
        if axis not in (-1, [-1], (-1,), len(dims) - 1) or not is_known(last):
            return None
        center, scale = config.bool("center", True), config.bool("scale", True)
        if center not in (True, False) or scale not in (True, False):
            return None
        moving = 2 if kind == "BatchNormalization" else 0
        if kind == "LayerNormalization" and config.bool("rms_scaling", False) is not False:
            return None
        return (int(center) + int(scale) + moving) * last
    if kind in ("LSTM", "GRU", "SimpleRNN"):
        return _rnn_params(kind, config, last, bias)
    if kind in ("Bidirectional", "TimeDistributed"):
        inner = config.get("layer", None)
        if not isinstance(inner, Layer) or (kind == "Bidirectional" and config.get("backward_layer", None)):
            return None
        inner_shape = input_shape if kind == "Bidirectional" else Shape((dims[0],) + dims[2:])
        one = layer_params(inner, inner_shape)
        return None if one is None else (2 * one if kind == "Bidirectional" else one)
    return _conv_params(kind, config, dims, bias)


def _known(*values: Any) -> bool:
    return all(is_known(v) for v in values)


def _rnn_params(kind: str, config: Any, last: Any, bias: bool) -> Optional[int]:
    units = config.int("units")
    if not _known(units, last):
        return None
    weights = units * (last + units)
    if kind == "LSTM":
        return 4 * (weights + (units if bias else 0))
    if kind == "SimpleRNN":
        return weights + (units if bias else 0)
    reset_after = config.bool("reset_after", True)
    if reset_after not in (True, False):
        return None
    return 3 * (weights + ((2 if reset_after else 1) * units if bias else 0))


def _conv_params(kind: str, config: Any, dims: tuple[Any, ...], bias: bool) -> Optional[int]:
    channels = _channels(config, dims)
    found = _CONV.match(kind)
    if found:
        n, transpose = int(found.group(2)), bool(found.group(3))
        kernel, filters, groups = config.int_tuple("kernel_size", n), config.int("filters"), config.int("groups", 1)
        if transpose:
            groups = 1
        if not _known(filters, channels, groups) or not isinstance(kernel, tuple) or channels % groups:
            return None
        return math.prod(kernel) * (channels // groups) * filters + (filters if bias else 0)
    found = _SEPARABLE.match(kind)
    if found:
        kernel = config.int_tuple("kernel_size", int(found.group(2)))
        filters, multiplier = config.int("filters"), config.int("depth_multiplier", 1)
        if not _known(filters, channels, multiplier) or not isinstance(kernel, tuple):
            return None
        return math.prod(kernel) * channels * multiplier + channels * multiplier * filters + (filters if bias else 0)
    found = _DEPTHWISE.match(kind)
    if found:
        kernel = config.int_tuple("kernel_size", int(found.group(1)))
        multiplier = config.int("depth_multiplier", 1)
        if not _known(channels, multiplier) or not isinstance(kernel, tuple):
            return None
        return math.prod(kernel) * channels * multiplier + (channels * multiplier if bias else 0)
    return None


# ------------------------------------------------------------------- shapes
