"""Shape rules of the core, reshaping, regularisation and normalisation layers."""

from __future__ import annotations

from typing import Any, Sequence

from shapecheck.shapes.registry import transfer
from shapecheck.shapes.common import require_defined, require_min_rank, require_rank, same_shape, single
from shapecheck.shapes.config import Config
from shapecheck.shapes.dims import UNKNOWN, Dim, Shape, dim_product, is_known
from shapecheck.shapes.errors import BadConfig, ReshapeMismatch

SHAPE_PRESERVING = (
    "Activation",
    "ActivityRegularization",
    "AlphaDropout",
    "Dropout",
    "ELU",
    "GaussianDropout",
    "GaussianNoise",
    "Identity",
    "LeakyReLU",
    "Masking",
    "ReLU",
    "Softmax",
)


@transfer(*SHAPE_PRESERVING, family="elementwise")
def keep_shape(config: Config, inputs: Sequence[Shape]) -> Shape:
    """Activations, dropout and noise keep their input's shape."""
    return same_shape(inputs)


def _axes(value: Any) -> tuple[int, ...] | None:
    """An ``axis`` argument (an int or a sequence of ints) as a tuple, or None if not literal."""
    if is_known(value):
        return (value,)
    if isinstance(value, (tuple, list)) and all(is_known(a) for a in value):
        return tuple(value)
    return None


def _require_axes(shape: Shape, axes: tuple[int, ...], defined: bool) -> None:
    """Raise BadConfig when an axis is out of range for ``shape`` (or, with
    ``defined``, when its size is None: the layer sizes its weights by it)."""
    if shape.dims is None:
        return
    rank = len(shape.dims)
    for axis in axes:
        if not -rank <= axis < rank:
            raise BadConfig(f"axis {axis} is out of range for an input of rank {rank}: {shape}")
        if defined:
            require_defined(shape, axis, "the normalised axis")


@transfer("BatchNormalization", "LayerNormalization", "UnitNormalization", family="elementwise")
def normalization(config: Config, inputs: Sequence[Shape]) -> Shape:
    """Normalisation keeps the shape; its ``axis`` must exist, and Batch/LayerNormalization
    need a defined size there for their scale and offset weights."""
    shape = single(inputs)
    axis = config.get("axis", -1)
    if config.layer == "BatchNormalization" and isinstance(axis, (tuple, list)):
        return Shape.unknown()  # Keras takes int(axis)
    axes = _axes(axis)
    if axes is not None:
        _require_axes(shape, axes, defined=config.layer != "UnitNormalization")
    return shape


@transfer("PReLU", family="elementwise")
def prelu(config: Config, inputs: Sequence[Shape]) -> Shape:
    """PReLU keeps the shape; its ``alpha`` weight spans every non-batch axis
    not in ``shared_axes``, so those need a defined size."""
    shape = single(inputs)
    shared = config.get("shared_axes", None)
    shared_axes = () if shared is None else _axes(shared)
    if shape.dims is None or shared_axes is None:
        return shape
    param: list[Any] = list(shape.dims[1:])
    for axis in shared_axes:
        if not -len(param) <= axis - 1 < len(param):
            return Shape.unknown()
        param[axis - 1] = 1
    if None in param:
        raise BadConfig(f"needs a defined size on every non-shared axis to create its weights, "
                        f"but receives {shape}")
    return shape


@transfer("SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", family="elementwise")
def spatial_dropout(config: Config, inputs: Sequence[Shape]) -> Shape:
    """Spatial dropout keeps the shape of an input of exactly n+2 axes."""
    shape = single(inputs)
    n = int(config.layer[-2])
    require_rank(shape, n + 2, "")
    return shape


@transfer("Dense", family="core")
def dense(config: Config, inputs: Sequence[Shape]) -> Shape:
    """Dense maps the last axis to ``units``; leading axes pass through."""
    shape = single(inputs)
    units = config.int("units")
    if shape.dims is None:
        return Shape.unknown()
    require_min_rank(shape, 2, "(batch, ..., features)")
    require_defined(shape, -1, "features")
    return Shape(shape.dims[:-1] + (units,))


@transfer("Flatten", family="reshaping")
def flatten(config: Config, inputs: Sequence[Shape]) -> Shape:
    """Flatten keeps the batch axis and multiplies the rest together."""
    shape = single(inputs)
    if shape.dims is None:
        return Shape((None, UNKNOWN))
    require_min_rank(shape, 1, "")
    rest = shape.dims[1:]
    return Shape((shape.dims[0], dim_product(rest) if rest else 1))


def _resolve_target(target: tuple[int, ...], size: Dim, input_shape: Shape) -> tuple[Dim, ...]:
    """Fill in the -1 of a Reshape target, or raise when the sizes cannot match."""
    holes = [i for i, d in enumerate(target) if is_known(d) and d == -1]
    if len(holes) > 1:
        raise BadConfig(f"target_shape {target} has more than one -1 (at most one axis can be inferred)")
    if any((not is_known(d)) or d < -1 or d == 0 for d in target):
        return tuple(d if is_known(d) and d > 0 else UNKNOWN for d in target)
    known = 1
    for d in target:
        if d != -1:
            known *= d
    if not is_known(size):
        return tuple(size if d == -1 else d for d in target)  # None stays None, unknown stays unknown
    if holes:
        if size % known:  # type: ignore[operator]
            raise ReshapeMismatch(
                f"cannot reshape {input_shape} into target_shape {target}: "
                f"{size} values are not divisible by {known}"
            )
        return tuple(size // known if d == -1 else d for d in target)  # type: ignore[operator]
    if size != known:
        raise ReshapeMismatch(
            f"cannot reshape {input_shape} ({size} values per sample) into "
            f"target_shape {target} ({known} values)"
        )
    return target


@transfer("Reshape", family="reshaping")
def reshape(config: Config, inputs: Sequence[Shape]) -> Shape:
    """Reshape keeps the batch axis and rearranges the rest into ``target_shape``."""
    shape = single(inputs)
    target = config.get("target_shape")
    if isinstance(target, list):
        target = tuple(target)
    if not isinstance(target, tuple):
        return Shape.unknown()
    batch: Dim = shape.dims[0] if shape.dims else None
    size = dim_product(shape.dims[1:]) if shape.dims is not None else UNKNOWN
    return Shape((batch,) + _resolve_target(target, size, shape))


@transfer("Permute", family="reshaping")
def permute(config: Config, inputs: Sequence[Shape]) -> Shape:
    """Permute reorders the non-batch axes (1-based ``dims``)."""
    shape = single(inputs)
    dims = config.get("dims")
    if not isinstance(dims, (tuple, list)) or not all(is_known(d) for d in dims):
        return Shape.unknown()
    if sorted(dims) != list(range(1, len(dims) + 1)):
        raise BadConfig(f"dims {tuple(dims)} is not a permutation of 1..{len(dims)}")
    require_rank(shape, len(dims) + 1, "")
    if shape.dims is None:
        return Shape.unknown()
    return Shape((shape.dims[0],) + tuple(shape.dims[d] for d in dims))


@transfer("RepeatVector", family="reshaping")
def repeat_vector(config: Config, inputs: Sequence[Shape]) -> Shape:
    """RepeatVector turns (batch, features) into (batch, n, features)."""
    shape = single(inputs)
    require_rank(shape, 2, "(batch, features)")
    n = config.int("n")
    if shape.dims is None:
        return Shape((None, n, UNKNOWN))
    return Shape((shape.dims[0], n, shape.dims[1]))


@transfer("Embedding", family="core")
def embedding(config: Config, inputs: Sequence[Shape]) -> Shape:
    """Embedding appends an ``output_dim`` axis to its integer input."""
    shape = single(inputs)
    if shape.dims is None:
        return Shape.unknown()
    return Shape(shape.dims + (config.int("output_dim"),))


@transfer("Lambda", family="core")
def lambda_layer(config: Config, inputs: Sequence[Shape]) -> Shape:
    """A Lambda's output is unknown unless a literal ``output_shape`` tuple is given
    (Keras 3 fails on a list there)."""
    shape = single(inputs)
    out = config.get("output_shape", None)
    if isinstance(out, tuple) and all(d is None or is_known(d) for d in out):
        batch: Dim = shape.dims[0] if shape.dims else None
        return Shape((batch,) + tuple(out))
    if isinstance(out, list) and all(d is None or is_known(d) for d in out):
        raise BadConfig(f"output_shape={out} is a list; Keras 3 needs a tuple such as {tuple(out)}")
    return Shape.unknown()
