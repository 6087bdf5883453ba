"""Shape rules of the separable and depthwise convolutions.

SeparableConv{1,2}D follow Keras 3's ``compute_conv_output_shape`` exactly like
Conv{n}D (the channel axis becomes ``filters``); DepthwiseConv{1,2}D make it
``depth_multiplier * channels``.  Both constructors refuse ``"causal"``
padding, zeros in ``kernel_size``/``strides`` and a non-positive
``depth_multiplier`` (and ``filters``); unlike Conv{n}D they accept strides > 1
together with dilation > 1 when built symbolically.
"""

from __future__ import annotations

from typing import Any, Sequence

from shapecheck.shapes.common import require_defined, require_rank, single
from shapecheck.shapes.config import Config
from shapecheck.shapes.conv import _described, _rank_of, _spatial_axes, _window_output
from shapecheck.shapes.dims import UNKNOWN, Dim, Shape, is_known
from shapecheck.shapes.errors import BadConfig
from shapecheck.shapes.registry import transfer

SEPARABLE = ("SeparableConv1D", "SeparableConv2D", "SeparableConvolution1D", "SeparableConvolution2D")
DEPTHWISE = ("DepthwiseConv1D", "DepthwiseConv2D")


def _check_config(kernel: Any, strides: Any, padding: Any, positive: dict[str, Any]) -> None:
    """Raise BadConfig for what the separable/depthwise constructors reject."""
    if isinstance(padding, str) and padding not in ("valid", "same"):
        raise BadConfig(f"padding must be 'valid' or 'same', got {padding!r}")
    for name, value in positive.items():
        if is_known(value) and value <= 0:
            raise BadConfig(f"{name} must be a positive integer, got {name}={value}")
    for name, tup in (("kernel_size", kernel), ("strides", strides)):
        if tup is not UNKNOWN and 0 in tup:
            raise BadConfig(f"{name} cannot contain 0, got {name}={tup}")


@transfer(*SEPARABLE, *DEPTHWISE, family="conv")
def separable(config: Config, inputs: Sequence[Shape]) -> Shape:
    """Separable/depthwise convolution: spatial axes shrink by the kernel as in Conv{n}D."""
    shape = single(inputs)
    n = _rank_of(config.layer)
    depthwise = config.layer.startswith("Depthwise")
    channels_last = config.channels_last()
    kernel = config.int_tuple("kernel_size", n)
    strides = config.int_tuple("strides", n, 1)
    dilation = config.int_tuple("dilation_rate", n, 1)
    padding = config.str("padding", "valid")
    multiplier = config.int("depth_multiplier", 1)
    filters = UNKNOWN if depthwise else config.int("filters")
    if any(v is not UNKNOWN and min(v) < 0 for v in (kernel, strides, dilation)):
        return Shape.unknown()
    positive = {"depth_multiplier": multiplier} if depthwise else {"depth_multiplier": multiplier,
                                                                    "filters": filters}
    _check_config(kernel, strides, padding, positive)
    require_rank(shape, n + 2, _described(n, channels_last))
    if shape.dims is None or channels_last is UNKNOWN:
        return Shape.unknown()
    spatial, channel = _spatial_axes(shape, n, channels_last)
    require_defined(shape, channel, "channels")
    channels = shape.dims[channel]
    dims: list[Dim] = list(shape.dims)
    if depthwise:
        dims[channel] = channels * multiplier if is_known(channels) and is_known(multiplier) else UNKNOWN  # type: ignore[operator]
    else:
        dims[channel] = filters
    for i, axis in enumerate(spatial):
        if UNKNOWN in (kernel, strides, dilation) or padding not in ("valid", "same"):
            dims[axis] = UNKNOWN
            continue
        dims[axis] = _window_output(config.layer, axis, shape.dims[axis], kernel[i], strides[i],
                                    dilation[i], padding, "kernel")
    return Shape(dims)
