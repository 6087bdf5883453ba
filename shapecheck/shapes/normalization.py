"""Shape rules of GroupNormalization, RMSNormalization and SpectralNormalization.

All keep their input's shape.  GroupNormalization needs its ``axis`` in range
with a defined size that ``groups`` divides (``groups=-1``: one group per
channel); RMSNormalization sizes its scale by the ``axis`` dims, so they must
exist and be defined.  SpectralNormalization answers with the wrapped layer's
shape, and Keras refuses to wrap a layer with neither ``kernel`` nor
``embeddings``.  (Batch-, Layer- and UnitNormalization are in ``core``.)
"""

from __future__ import annotations

from typing import Any, Sequence

from shapecheck.shapes.common import require_defined, single
from shapecheck.shapes.config import Config
from shapecheck.shapes.dims import Shape, is_known
from shapecheck.shapes.errors import BadConfig
from shapecheck.shapes.registry import Output, infer, spec_for, transfer

# Layers without ``kernel`` or ``embeddings``: SpectralNormalization refuses them.
_WEIGHTLESS_FAMILIES = frozenset({"elementwise", "reshaping", "pooling", "merge", "resizing", "augmentation"})


def _axes(value: Any) -> tuple[int, ...] | None:
    if is_known(value):
        return (value,)
    if isinstance(value, (tuple, list)) and value and all(is_known(a) for a in value):
        return tuple(value)
    return None


def _in_range(shape: Shape, axes: tuple[int, ...]) -> None:
    assert shape.dims is not None
    rank = len(shape.dims)
    for axis in axes:
        if not -rank <= axis < rank:
            raise BadConfig(f"axis {axis} is out of range for an input of rank {rank}: {shape}")


@transfer("GroupNormalization", family="normalization")
def group_normalization(config: Config, inputs: Sequence[Shape]) -> Shape:
    """GroupNormalization keeps the shape; ``groups`` must divide the ``axis`` size."""
    shape = single(inputs)
    groups = config.get("groups", 32)
    if is_known(groups) and groups <= 0 and groups != -1:
        raise BadConfig(f"groups must be a positive integer or -1, got groups={groups}")
    axis = config.get("axis", -1)
    if shape.dims is None or not is_known(axis):
        return shape
    _in_range(shape, (axis,))
    require_defined(shape, axis, "the grouped axis")
    size = shape.dims[axis]
    if not is_known(size) or not is_known(groups) or groups == -1:
        return shape
    if size < groups:  # type: ignore[operator]
        raise BadConfig(f"groups={groups} is more than the {size} channels on axis {axis} of {shape}")
    if size % groups:  # type: ignore[operator]
        raise BadConfig(f"groups={groups} does not divide the {size} channels on axis {axis} of {shape}")
    return shape


@transfer("RMSNormalization", family="normalization")
def rms_normalization(config: Config, inputs: Sequence[Shape]) -> Shape:
    """RMSNormalization keeps the shape; its scale is sized by the ``axis`` dims."""
    shape = single(inputs)
    axes = _axes(config.get("axis", -1))
    if shape.dims is None or axes is None:
        return shape
    _in_range(shape, axes)
    for axis in axes:
        require_defined(shape, axis, "the normalised axis")
    return shape


@transfer("SpectralNormalization", family="wrapper")
def spectral_normalization(config: Config, inputs: Sequence[Shape]) -> Output:
    """SpectralNormalization: the wrapped layer's output shape."""
    iterations = config.get("power_iterations", 1)
    if is_known(iterations) and iterations <= 0:
        raise BadConfig(f"power_iterations must be greater than zero, got {iterations}")
    inner = config.get("layer")
    kind = getattr(inner, "kind", None)
    if kind is None:
        return Shape.unknown()
    spec = spec_for(kind)
    if spec is None:
        return Shape.unknown()
    out = infer(kind, inner.config, [single(inputs)])
    if spec.family in _WEIGHTLESS_FAMILIES and not getattr(inner, "custom", False):
        raise BadConfig(f"wraps a `{kind}`, which has no `kernel` nor `embeddings` to normalise")
    return out
