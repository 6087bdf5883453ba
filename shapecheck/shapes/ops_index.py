"""Shape of ``x[key]`` on a Keras tensor, as Keras 3's ``GetItem`` computes it.

A key is an int, a slice, None (``np.newaxis``), Ellipsis, or a tuple (or
list) of those.  An int removes its axis and must lie within a defined size;
a slice keeps the axis with ``len(range(*slice.indices(size)))`` entries (None
stays None); None inserts a size-1 axis; one Ellipsis stands for the axes the
rest of the key leaves over (Keras appends one when there is none).  More
indices than axes, two Ellipses, an int out of range, or a slice step of 0 on
a defined axis make Keras raise.  So does a key that is a lone slice, None or
Ellipsis (``x[1:3]``, ``x[None]``, ``x[...]``): Keras 3's ``GetItem`` takes
only an int, a tuple or a list as the whole key (``x[1:3,]`` works).  This
models a KerasTensor in the Functional API; inside a Lambda the function runs
on backend tensors, where such keys work.

:data:`~shapecheck.shapes.ops_base.NOT_LITERAL` stands for an int index whose
value is not known, and may also be a bound or step of a slice.
"""

from __future__ import annotations

from typing import Any

from shapecheck.shapes.dims import UNKNOWN, Dim, Shape, is_known
from shapecheck.shapes.errors import BadConfig, RankMismatch
from shapecheck.shapes.ops_base import NOT_LITERAL, is_int


def _literal_slice(part: slice) -> bool:
    return all(v is None or is_int(v) for v in (part.start, part.stop, part.step))


def _understood(part: Any) -> bool:
    if part is None or part is Ellipsis or part is NOT_LITERAL or is_int(part):
        return True
    if isinstance(part, slice):
        return all(v is None or v is NOT_LITERAL or is_int(v) for v in (part.start, part.stop, part.step))
    return False


def index_shape(shape: Shape, key: Any) -> Shape:
    """The shape of ``x[key]`` for ``x`` of shape ``shape``.

    Raises RankMismatch for too many indices and BadConfig for an index out
    of range, two Ellipses or a zero slice step; unknown for any key part it
    does not understand (a tensor, a list of ints as fancy indexing...).
    """
    if key is None or key is Ellipsis or isinstance(key, slice):
        # GetItem accepts only an int, a tuple or a list as the whole key.
        raise BadConfig(f"a KerasTensor takes a lone {_show(key)[1:-1] or ':'} as index only "
                        f"inside a tuple (write x[{_show(key)[1:-1]},]); Keras 3 refuses x[{_show(key)[1:-1]}]")
    parts = list(key) if isinstance(key, (tuple, list)) else [key]
    if not all(_understood(p) for p in parts):
        return Shape.unknown()
    if sum(1 for p in parts if p is Ellipsis) > 1:
        raise BadConfig(f"an index can hold only one Ellipsis, but {key!r} has several")
    if shape.dims is None:
        return Shape.unknown()
    if Ellipsis not in parts:
        parts.append(Ellipsis)
    remaining = list(shape.dims)
    out: list[Dim] = []
    for i, part in enumerate(parts):
        if part is Ellipsis:
            needed = sum(1 for p in parts[i + 1:] if p is not None)
            if needed > len(remaining):
                raise RankMismatch(f"at least {len(shape.dims) + needed - len(remaining)}-D input "
                                   f"for the index {_show(key)}", shape)
            take = len(remaining) - needed
            out += remaining[:take]
            remaining = remaining[take:]
            continue
        if part is None:
            out.append(1)
            continue
        if not remaining:
            raise RankMismatch(f"more axes for the index {_show(key)}", shape)
        size = remaining.pop(0)
        if isinstance(part, slice):
            out.append(_slice_length(part, size, shape, key))
        elif is_int(part) and is_known(size):
            if not -size <= part < size:  # type: ignore[operator]
                raise BadConfig(f"index {part} is out of range for an axis of size {size} "
                                f"in {shape} (index {_show(key)})")
    return Shape(tuple(out))


def _slice_length(part: slice, size: Dim, shape: Shape, key: Any) -> Dim:
    if not is_known(size):
        return size
    if not _literal_slice(part):
        return UNKNOWN
    if part.step == 0:
        raise BadConfig(f"slice step cannot be zero (index {_show(key)} on {shape})")
    return len(range(*part.indices(size)))  # type: ignore[arg-type]


def _show(key: Any) -> str:
    parts = list(key) if isinstance(key, (tuple, list)) else [key]

    def one(p: Any) -> str:
        if p is Ellipsis:
            return "..."
        if isinstance(p, slice):
            text = ":".join("" if v is None else ("?" if v is NOT_LITERAL else str(v))
                            for v in (p.start, p.stop, p.step))
            return text[:-1] if p.step is None else text
        return "?" if p is NOT_LITERAL else str(p)

    return "[" + ", ".join(one(p) for p in parts) + "]"
