"""Small helpers shared by the catalog's shape rules."""

from __future__ import annotations

from typing import Sequence

from shapecheck.shapes.dims import UNKNOWN, Dim, Shape
from shapecheck.shapes.errors import BadConfig, RankMismatch


def single(inputs: Sequence[Shape]) -> Shape:
    """The one input of a single-input layer (unknown if it got a list)."""
    return inputs[0] if len(inputs) == 1 else Shape.unknown()


def require_rank(shape: Shape, rank: int, described: str) -> None:
    """Raise RankMismatch when ``shape`` has a known rank other than ``rank``."""
    if shape.rank is not None and shape.rank != rank:
        raise RankMismatch(f"{rank}-D input {described}".rstrip(), shape)


def require_min_rank(shape: Shape, rank: int, described: str) -> None:
    """Raise RankMismatch when ``shape`` has a known rank below ``rank``."""
    if shape.rank is not None and shape.rank < rank:
        raise RankMismatch(f"at least {rank}-D input {described}".rstrip(), shape)


def require_defined(shape: Shape, axis: int, described: str) -> None:
    """Raise BadConfig when axis ``axis`` of ``shape`` is None.

    Keras sizes a weight by that axis when it builds the layer, and refuses a
    None there ("Shapes used to initialize variables must be fully-defined").
    An axis out of range, or a shape of unknown rank, is left to the caller.
    """
    if shape.dims is not None and -len(shape.dims) <= axis < len(shape.dims) and shape.dims[axis] is None:
        raise BadConfig(
            f"needs a defined size on axis {axis % len(shape.dims)} ({described}) to create its "
            f"weights, but receives {shape}"
        )


def same_shape(inputs: Sequence[Shape]) -> Shape:
    """The rule of every layer that keeps its input's shape."""
    return single(inputs)


def unknown_dims(n: int) -> tuple[Dim, ...]:
    """``n`` unknown dimensions."""
    return (UNKNOWN,) * n
