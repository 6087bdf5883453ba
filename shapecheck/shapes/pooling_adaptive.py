"""Shape rules of the adaptive pooling layers (AdaptiveAverage/MaxPooling{1,2,3}D).

Keras 3's ``compute_output_shape`` ignores the input's rank: the output is
``(batch, *output_size, channels)`` (channels_first: ``(batch, channels,
*output_size)``), with the channels read from the last (first after the
batch) axis.  ``output_size`` is an int or a tuple of n ints; anything else
is refused by the constructor.
"""

from __future__ import annotations

from typing import Any, Sequence

from shapecheck.shapes.common import single
from shapecheck.shapes.config import Config
from shapecheck.shapes.conv import _rank_of
from shapecheck.shapes.dims import UNKNOWN, Dim, Shape, is_known
from shapecheck.shapes.errors import BadConfig
from shapecheck.shapes.registry import transfer

ADAPTIVE = tuple(f"Adaptive{kind}Pooling{n}D" for kind in ("Average", "Max") for n in (1, 2, 3))


def _output_size(config: Config, n: int) -> Any:
    """``output_size`` as n dims (UNKNOWN where not a non-negative int literal)."""
    value = config.get("output_size")
    if is_known(value):
        return (value if value >= 0 else UNKNOWN,) * n
    if isinstance(value, (tuple, list)):
        if len(value) != n:
            raise BadConfig(f"output_size must be an int or a tuple of {n} integers, got {value!r}")
        return tuple(v if is_known(v) and v >= 0 else UNKNOWN for v in value)
    if value is UNKNOWN:
        return (UNKNOWN,) * n
    if n > 1 or value is None or isinstance(value, (str, float)):
        raise BadConfig(f"output_size must be an int or a tuple of {n} integers, got {value!r}")
    return (UNKNOWN,) * n


@transfer(*ADAPTIVE, family="pooling")
def adaptive_pooling(config: Config, inputs: Sequence[Shape]) -> Shape:
    """Adaptive pooling: the spatial axes become ``output_size``, batch and channels stay."""
    shape = single(inputs)
    n = _rank_of(config.layer)
    size = _output_size(config, n)
    channels_last = config.channels_last()
    if shape.dims is None or not shape.dims or channels_last is UNKNOWN:
        return Shape.unknown()
    dims = shape.dims
    batch: Dim = dims[0]
    if channels_last:
        return Shape((batch,) + tuple(size) + (dims[-1],))
    if len(dims) < 2:
        return Shape.unknown()
    return Shape((batch, dims[1]) + tuple(size))
