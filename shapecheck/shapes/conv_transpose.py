"""Shape rules of the transposed convolutions (Conv1DTranspose, Conv2DTranspose, Conv3DTranspose).

The arithmetic follows Keras 3's ``compute_conv_transpose_output_shape``: a
spatial axis of length ``n`` becomes ``(n - 1) * stride + k + p`` where ``k``
is the dilated kernel ``(kernel - 1) * dilation + 1`` and ``p`` is
``output_padding`` or, without it, ``max(k, stride) - k`` for ``"valid"``;
with ``"same"`` and no ``output_padding`` it becomes ``n * stride``.  The
constructor refuses ``"causal"``, zeros in ``kernel_size``/``strides``, a
non-positive ``filters``, an ``output_padding`` not below ``strides``, and
strides > 1 together with dilation > 1.
"""

from __future__ import annotations

from typing import Any, Sequence

from shapecheck.shapes.common import require_defined, require_rank, single
from shapecheck.shapes.config import Config
from shapecheck.shapes.conv import _described, _rank_of, _spatial_axes
from shapecheck.shapes.dims import UNKNOWN, Dim, Shape, is_known
from shapecheck.shapes.errors import BadConfig
from shapecheck.shapes.registry import transfer

TRANSPOSED = tuple(f"{prefix}{n}DTranspose" for prefix in ("Conv", "Convolution") for n in (1, 2, 3))


def transposed_length(size: Dim, kernel: int, stride: int, dilation: int, padding: str,
                      output_padding: int | None) -> Dim:
    """Length of one spatial axis after a transposed convolution."""
    if size is None:
        return None
    if not is_known(size):
        return UNKNOWN
    span = (kernel - 1) * dilation + 1
    if padding == "valid":
        extra = max(span, stride) - span if output_padding is None else output_padding
        return (size - 1) * stride + span + extra  # type: ignore[operator]
    if output_padding is None:
        return size * stride  # type: ignore[operator]
    return (size - 1) * stride + span % 2 + output_padding  # type: ignore[operator]


def _check_config(kernel: Any, strides: Any, dilation: Any, padding: Any, filters: Any,
                  output_padding: Any) -> None:
    """Raise BadConfig for what the Conv{n}DTranspose constructor rejects."""
    if isinstance(padding, str) and padding not in ("valid", "same"):
        raise BadConfig(f"padding must be 'valid' or 'same' for a transposed convolution, got {padding!r}")
    if is_known(filters) and filters <= 0:
        raise BadConfig(f"filters must be a positive integer, got filters={filters}")
    for name, value in (("kernel_size", kernel), ("strides", strides)):
        if value is not UNKNOWN and 0 in value:
            raise BadConfig(f"{name} cannot contain 0, got {name}={value}")
    if output_padding not in (None, UNKNOWN) and strides is not UNKNOWN:
        for op, s in zip(output_padding, strides):
            if op >= s:
                raise BadConfig(f"output_padding {output_padding} must be strictly less than "
                                f"strides {strides} on every axis")
    if strides is not UNKNOWN and dilation is not UNKNOWN and max(strides) > 1 and max(dilation) > 1:
        raise BadConfig(f"strides > 1 cannot be combined with dilation_rate > 1 (strides={strides}, "
                        f"dilation_rate={dilation})")


@transfer(*TRANSPOSED, family="conv")
def conv_transpose(config: Config, inputs: Sequence[Shape]) -> Shape:
    """Conv{n}DTranspose: n spatial axes grow by the stride; the channel axis becomes ``filters``."""
    shape = single(inputs)
    n = _rank_of(config.layer.replace("Transpose", ""))
    channels_last = config.channels_last()
    kernel = config.int_tuple("kernel_size", n)
    strides = config.int_tuple("strides", n, 1)
    dilation = config.int_tuple("dilation_rate", n, 1)
    padding = config.str("padding", "valid")
    filters = config.int("filters")
    raw_op = config.get("output_padding", None)
    output_padding = None if raw_op is None else config.int_tuple("output_padding", n)
    if any(v is not UNKNOWN and min(v) < 0 for v in (kernel, strides, dilation)):
        return Shape.unknown()
    _check_config(kernel, strides, dilation, padding, filters, output_padding)
    require_rank(shape, n + 2, _described(n, channels_last))
    if shape.dims is None or channels_last is UNKNOWN:
        return Shape.unknown()
    spatial, channel = _spatial_axes(shape, n, channels_last)
    require_defined(shape, channel, "channels")
    dims: list[Dim] = list(shape.dims)
    dims[channel] = filters
    for i, axis in enumerate(spatial):
        if UNKNOWN in (kernel, strides, dilation, output_padding) or padding not in ("valid", "same"):
            dims[axis] = UNKNOWN
            continue
        dims[axis] = transposed_length(shape.dims[axis], kernel[i], strides[i], dilation[i], padding,
                                       None if output_padding is None else output_padding[i])
    return Shape(dims)
