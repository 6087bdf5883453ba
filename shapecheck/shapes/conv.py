"""Shape rules of the convolution and pooling layers (1-D, 2-D and 3-D).

The arithmetic follows Keras 3's ``compute_conv_output_shape`` and
``compute_pooling_output_shape``: with ``padding="valid"`` an axis of length
``n`` becomes ``floor((n - dilation * (kernel - 1) - 1) / stride) + 1`` and
Keras rejects a result of zero or less; with ``"same"`` (and ``"causal"``) it
becomes ``floor((n - 1) / stride) + 1``.
"""

from __future__ import annotations

from typing import Any, Sequence

from shapecheck.shapes.registry import transfer
from shapecheck.shapes.common import require_defined, require_rank, single
from shapecheck.shapes.config import Config
from shapecheck.shapes.dims import UNKNOWN, Dim, Shape, is_known
from shapecheck.shapes.errors import BadConfig, NonPositiveSize

_SPATIAL = {1: "(batch, steps, channels)", 2: "(batch, rows, cols, channels)",
            3: "(batch, dim1, dim2, dim3, channels)"}
_SPATIAL_FIRST = {1: "(batch, channels, steps)", 2: "(batch, channels, rows, cols)",
                  3: "(batch, channels, dim1, dim2, dim3)"}


def _rank_of(layer: str) -> int:
    """The spatial rank a layer name ends with: Conv2D -> 2."""
    return int(layer.rstrip("D")[-1])


def _described(n: int, channels_last: Any) -> str:
    return _SPATIAL_FIRST[n] if channels_last is False else _SPATIAL[n]


def _window_output(layer: str, axis: int, size: Dim, window: int, stride: int,
                   dilation: int, padding: str, what: str) -> Dim:
    """Length of one spatial axis after a sliding window."""
    if size is None:
        return None
    if not is_known(size):
        return UNKNOWN
    if padding in ("same", "causal"):
        return (size - 1) // stride + 1  # type: ignore[operator]
    span = dilation * (window - 1) + 1
    out = (size - span) // stride + 1  # type: ignore[operator]
    if out <= 0:
        dil = f", dilation {dilation}" if dilation != 1 else ""
        raise NonPositiveSize(
            f"output size along axis {axis} would be {out}: input length {size}, "
            f"{what} {window}{dil}, stride {stride}, padding '{padding}'"
        )
    return out


def _spatial_axes(shape: Shape, n: int, channels_last: bool) -> tuple[list[int], int]:
    """Indices of the spatial axes and of the channel axis."""
    if channels_last:
        return list(range(1, n + 1)), n + 1
    return list(range(2, n + 2)), 1


def _check_conv_config(n: int, kernel: Any, strides: Any, dilation: Any, padding: Any,
                       filters: Any, groups: Any) -> None:
    """Raise BadConfig for the arguments a Conv{n}D constructor rejects."""
    if padding == "causal" and n != 1:
        raise BadConfig(f"padding 'causal' is only supported by Conv1D, not by Conv{n}D")
    if is_known(groups) and groups <= 0:
        raise BadConfig(f"groups must be a positive integer, got groups={groups}")
    if is_known(filters) and is_known(groups) and groups > 0 and filters % groups:
        raise BadConfig(f"filters={filters} is not divisible by groups={groups}")
    for name, value in (("kernel_size", kernel), ("strides", strides)):
        if value is not UNKNOWN and 0 in value:
            raise BadConfig(f"{name} cannot contain 0, got {name}={value}")
    if strides is not UNKNOWN and dilation is not UNKNOWN and max(strides) > 1 and max(dilation) > 1:
        raise BadConfig(
            f"strides > 1 cannot be combined with dilation_rate > 1 (strides={strides}, "
            f"dilation_rate={dilation})"
        )


@transfer("Conv1D", "Conv2D", "Conv3D", "Convolution1D", "Convolution2D", "Convolution3D",
          family="conv")
def conv(config: Config, inputs: Sequence[Shape]) -> Shape:
    """Conv{n}D: n spatial axes shrink by the kernel; the channel axis becomes ``filters``."""
    shape = single(inputs)
    n = _rank_of(config.layer)
    channels_last = config.channels_last()
    kernel = config.int_tuple("kernel_size", n)
    strides = config.int_tuple("strides", n, 1)
    dilation = config.int_tuple("dilation_rate", n, 1)
    padding = config.str("padding", "valid")
    filters = config.int("filters")
    groups = config.int("groups", 1)
    _check_conv_config(n, kernel, strides, dilation, padding, filters, groups)
    require_rank(shape, n + 2, _described(n, channels_last))
    if shape.dims is None or channels_last is UNKNOWN:
        return Shape.unknown()
    spatial, channel = _spatial_axes(shape, n, channels_last)
    require_defined(shape, channel, "channels")
    channels = shape.dims[channel]
    if is_known(channels) and is_known(groups) and channels % groups:  # type: ignore[operator]
        raise BadConfig(f"groups={groups} does not divide the {channels} input channels of {shape}")
    dims: list[Dim] = list(shape.dims)
    dims[channel] = filters
    for i, axis in enumerate(spatial):
        if UNKNOWN in (kernel, strides, dilation) or padding not in ("valid", "same", "causal"):
            dims[axis] = UNKNOWN
            continue
        dims[axis] = _window_output(config.layer, axis, shape.dims[axis], kernel[i], strides[i],
                                    dilation[i], padding, "kernel")
    return Shape(dims)


POOLING = tuple(f"{name}{n}D" for name in ("MaxPooling", "MaxPool", "AveragePooling", "AvgPool")
                for n in (1, 2, 3))


@transfer(*POOLING, family="pooling")
def pooling(config: Config, inputs: Sequence[Shape]) -> Shape:
    """Max/Average pooling: spatial axes shrink by the window, channels stay."""
    shape = single(inputs)
    n = _rank_of(config.layer)
    channels_last = config.channels_last()
    require_rank(shape, n + 2, _described(n, channels_last))
    pool = config.int_tuple("pool_size", n, 2)
    strides_raw = config.get("strides", None)
    strides = pool if strides_raw is None else config.int_tuple("strides", n)
    padding = config.get("padding", "valid")
    if isinstance(padding, str) and padding not in ("valid", "same"):
        # Unlike the convolutions, pooling takes ``padding`` verbatim: no 'causal', no 'SAME'.
        raise BadConfig(f"padding must be 'valid' or 'same', got padding={padding!r}",
                        symbolic_only=padding.lower() in ("valid", "same"))
    for name, value in (("pool_size", pool), ("strides", strides)):
        if value is not UNKNOWN and 0 in value:
            raise BadConfig(f"{name} cannot contain 0, got {name}={value}")
    if shape.dims is None or channels_last is UNKNOWN:
        return Shape.unknown()
    spatial, _ = _spatial_axes(shape, n, channels_last)
    dims: list[Dim] = list(shape.dims)
    for i, axis in enumerate(spatial):
        if UNKNOWN in (pool, strides) or padding not in ("valid", "same"):
            dims[axis] = UNKNOWN
            continue
        dims[axis] = _window_output(config.layer, axis, shape.dims[axis], pool[i], strides[i], 1,
                                    padding, "pool size")
    return Shape(dims)


GLOBAL_POOLING = tuple(f"Global{name}{n}D" for name in ("MaxPooling", "MaxPool", "AveragePooling",
                                                        "AvgPool") for n in (1, 2, 3))


@transfer(*GLOBAL_POOLING, family="pooling")
def global_pooling(config: Config, inputs: Sequence[Shape]) -> Shape:
    """Global pooling reduces every spatial axis, leaving (batch, channels)."""
    shape = single(inputs)
    n = _rank_of(config.layer)
    channels_last = config.channels_last()
    require_rank(shape, n + 2, _described(n, channels_last))
    keepdims = config.bool("keepdims")
    if shape.dims is None or channels_last is UNKNOWN or keepdims is UNKNOWN:
        return Shape.unknown()
    spatial, channel = _spatial_axes(shape, n, channels_last)
    if keepdims:
        return Shape(tuple(1 if i in spatial else d for i, d in enumerate(shape.dims)))
    return Shape((shape.dims[0], shape.dims[channel]))
