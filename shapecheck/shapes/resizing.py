"""Shape rules of UpSampling{1,2,3}D, ZeroPadding{1,2,3}D and Cropping{1,2,3}D.

Each takes an input of exactly n+2 axes and changes only its n spatial axes
(``data_format`` says where they are; UpSampling1D and Cropping1D always use
axis 1): UpSampling multiplies them by ``size``, ZeroPadding adds both sides
of ``padding`` and Cropping subtracts both sides of ``cropping``, which Keras
refuses when nothing would be left.  A None axis stays None.  The argument
checks follow the constructors (``standardize_tuple``: UpSampling sizes must
be positive, paddings and croppings non-negative).
"""

from __future__ import annotations

from typing import Any, Sequence

from shapecheck.shapes.common import require_rank, single
from shapecheck.shapes.config import Config
from shapecheck.shapes.conv import _described, _rank_of, _spatial_axes
from shapecheck.shapes.dims import UNKNOWN, Dim, Shape, is_known
from shapecheck.shapes.errors import BadConfig, NonPositiveSize
from shapecheck.shapes.registry import transfer

UPSAMPLING = ("UpSampling1D", "UpSampling2D", "UpSampling3D")
ZERO_PADDING = ("ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D")
CROPPING = ("Cropping1D", "Cropping2D", "Cropping3D")


def _int_literal(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _tuple_of(value: Any, n: int, name: str, minimum: int) -> Any:
    """Keras's ``standardize_tuple``: an int or ``n`` ints, each at least ``minimum``;
    UNKNOWN when not a literal, BadConfig when Keras refuses it."""
    if _int_literal(value):
        items: tuple[Any, ...] = (value,) * n
    elif isinstance(value, (tuple, list)):
        if len(value) != n:
            raise BadConfig(f"{name} must be an int or a tuple of {n} integers, got {name}={value!r}")
        items = tuple(value)
        if not all(_int_literal(v) for v in items):
            return UNKNOWN
    else:
        return UNKNOWN
    if any(v < minimum for v in items):
        what = "positive" if minimum > 0 else "non-negative"
        raise BadConfig(f"{name} must be {what}, got {name}={value!r}")
    return items


def _pairs(config: Config, name: str, n: int, default: Any) -> Any:
    """``padding``/``cropping`` as ``n`` (before, after) pairs, UNKNOWN if not literal."""
    value = config.get(name, default)
    if n == 1:
        pair = _tuple_of(value, 2, name, 0)
        return UNKNOWN if pair is UNKNOWN else (pair,)
    if _int_literal(value):
        if value < 0 and config.layer.startswith("Cropping"):
            raise BadConfig(f"{name} cannot be negative, got {name}={value}")
        if value < 0:
            return UNKNOWN  # ZeroPadding{2,3}D take a negative int unchecked
        return ((value, value),) * n
    if not isinstance(value, (tuple, list)):
        return UNKNOWN
    if len(value) != n:
        raise BadConfig(f"{name} must have {n} elements, got {name}={value!r}")
    pairs = tuple(_tuple_of(v, 2, f"entry {i} of {name}", 0) for i, v in enumerate(value))
    return UNKNOWN if UNKNOWN in pairs else pairs


def _setup(config: Config, inputs: Sequence[Shape]) -> tuple[Shape, int, Any]:
    shape = single(inputs)
    n = _rank_of(config.layer)
    channels_last = True if n == 1 and not config.layer.startswith("ZeroPadding") else config.channels_last()
    require_rank(shape, n + 2, _described(n, channels_last))
    return shape, n, channels_last


@transfer(*UPSAMPLING, family="resizing")
def upsampling(config: Config, inputs: Sequence[Shape]) -> Shape:
    """UpSampling{n}D repeats each spatial position ``size`` times."""
    n = _rank_of(config.layer)
    raw = config.get("size", 2 if n == 1 else (2,) * n)
    if n == 1:
        if raw is UNKNOWN:
            size: Any = UNKNOWN
        elif not _int_literal(raw):
            if isinstance(raw, (tuple, list, str, float, bool)) or raw is None:
                raise BadConfig(f"size must be an integer for UpSampling1D, got size={raw!r}")
            size = UNKNOWN
        elif raw <= 0:
            raise BadConfig(f"size must be a positive integer, got size={raw}")
        else:
            size = (raw,)
    else:
        size = _tuple_of(raw, n, "size", 1)
    shape, n, channels_last = _setup(config, inputs)
    if shape.dims is None or channels_last is UNKNOWN:
        return Shape.unknown()
    spatial, _ = _spatial_axes(shape, n, channels_last)
    dims: list[Dim] = list(shape.dims)
    for i, axis in enumerate(spatial):
        d = dims[axis]
        dims[axis] = None if d is None else (d * size[i] if size is not UNKNOWN and is_known(d) else UNKNOWN)  # type: ignore[operator]
    return Shape(dims)


@transfer(*ZERO_PADDING, family="resizing")
def zero_padding(config: Config, inputs: Sequence[Shape]) -> Shape:
    """ZeroPadding{n}D adds ``before + after`` zeros to each spatial axis."""
    n = _rank_of(config.layer)
    pads = _pairs(config, "padding", n, 1 if n == 1 else ((1, 1),) * n)
    shape, n, channels_last = _setup(config, inputs)
    if shape.dims is None or channels_last is UNKNOWN:
        return Shape.unknown()
    spatial, _ = _spatial_axes(shape, n, channels_last)
    dims: list[Dim] = list(shape.dims)
    for i, axis in enumerate(spatial):
        d = dims[axis]
        dims[axis] = None if d is None else (d + sum(pads[i]) if pads is not UNKNOWN and is_known(d) else UNKNOWN)  # type: ignore[operator]
    return Shape(dims)


@transfer(*CROPPING, family="resizing")
def cropping(config: Config, inputs: Sequence[Shape]) -> Shape:
    """Cropping{n}D removes ``before + after`` positions from each spatial axis."""
    n = _rank_of(config.layer)
    default: Any = (1, 1) if n == 1 else (((0, 0),) * 2 if n == 2 else ((1, 1),) * 3)
    crops = _pairs(config, "cropping", n, default)
    shape, n, channels_last = _setup(config, inputs)
    if shape.dims is None or channels_last is UNKNOWN:
        return Shape.unknown()
    spatial, _ = _spatial_axes(shape, n, channels_last)
    dims: list[Dim] = list(shape.dims)
    for i, axis in enumerate(spatial):
        d = dims[axis]
        if d is None:
            continue
        if crops is UNKNOWN or not is_known(d):
            dims[axis] = UNKNOWN
            continue
        left = d - sum(crops[i])  # type: ignore[operator]
        if left <= 0:
            raise NonPositiveSize(
                f"cropping {crops[i]} leaves {left} positions on axis {axis} of {shape}; "
                f"it must be smaller than the input length")
        dims[axis] = left
    return Shape(dims)
