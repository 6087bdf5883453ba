"""Dimensions and shapes as the analysis sees them.

A dimension is a known ``int``, ``None`` (Keras's own "any size", such as the
batch axis), or :data:`UNKNOWN` (the analysis could not tell).  A shape is a
tuple of dimensions, or has unknown rank.  Unknown absorbs: any computation
with an unknown input yields unknown, and no rule reports on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, TypeGuard, Union


class _UnknownDim:
    """The single value of an unknown dimension."""

    _instance: "_UnknownDim | None" = None

    def __new__(cls) -> "_UnknownDim":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "?"

    def __reduce__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _UnknownDim()

Dim = Union[int, None, _UnknownDim]


def is_known(dim: object) -> TypeGuard[int]:
    """True when ``dim`` is a concrete integer."""
    return isinstance(dim, int) and not isinstance(dim, bool)


def format_dim(dim: Dim) -> str:
    """A dimension as Keras prints it (``None`` for None, ``?`` for unknown)."""
    return "None" if dim is None else repr(dim)


@dataclass(frozen=True, init=False)
class Shape:
    """A tensor shape, batch axis first, or a shape of unknown rank (``dims is None``)."""

    dims: tuple[Dim, ...] | None

    def __init__(self, dims: Iterable[Dim] | None) -> None:
        object.__setattr__(self, "dims", None if dims is None else tuple(dims))

    @staticmethod
    def unknown() -> "Shape":
        """A shape about which nothing is known."""
        return _UNKNOWN_SHAPE

    @staticmethod
    def of(dims: Iterable[Dim]) -> "Shape":
        """A shape with the given dimensions."""
        return Shape(tuple(dims))

    @property
    def rank(self) -> int | None:
        """The number of axes, or None when the rank is unknown."""
        return None if self.dims is None else len(self.dims)

    @property
    def known_rank(self) -> bool:
        """True when the rank is known."""
        return self.dims is not None

    def __getitem__(self, index: int) -> Dim:
        assert self.dims is not None
        return self.dims[index]

    def with_batch(self, batch: Dim = None) -> "Shape":
        """This shape (without batch axis) with a batch axis prepended."""
        if self.dims is None:
            return self
        return Shape((batch,) + self.dims)

    def __str__(self) -> str:
        if self.dims is None:
            return "(unknown shape)"
        inner = ", ".join(format_dim(d) for d in self.dims)
        if len(self.dims) == 1:
            inner += ","
        return f"({inner})"


_UNKNOWN_SHAPE = Shape(None)


def dim_product(dims: Iterable[Dim]) -> Dim:
    """The product of ``dims``: None if any is None, UNKNOWN if any is unknown."""
    total = 1
    saw_none = False
    for d in dims:
        if d is UNKNOWN:
            return UNKNOWN
        if d is None:
            saw_none = True
            continue
        total *= d  # type: ignore[operator]
    return None if saw_none else total


def dims_conflict(a: Dim, b: Dim) -> bool:
    """True when two dimensions are both known and differ."""
    return is_known(a) and is_known(b) and a != b
