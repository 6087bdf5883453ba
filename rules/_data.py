"""Helpers shared by the data rules (not a rule)."""

from __future__ import annotations

from typing import Optional

from shapecheck.shapes.dims import Dim, Shape, is_known
from shapecheck.engine.values import Array, Dataset, Generator, Seq, Value


def data_arrays(value: Value) -> Optional[list[Array]]:
    """The arrays of x (one, or a list for several inputs); None when not known."""
    if isinstance(value, Array):
        return [value]
    if isinstance(value, Seq) and value.items and all(isinstance(v, Array) for v in value.items):
        return list(value.items)  # type: ignore[arg-type]
    return None


def batch_from_generator(value: Value) -> Optional[tuple[Value, Optional[Value]]]:
    """The (x, y) of the first item a generator (or a dataset, or a Keras data iterator) yields, when known.

    Keras takes each element of a dataset as one batch, batched or not.
    """
    if isinstance(value, Dataset):
        item = value.element
    elif isinstance(value, Generator) and value.items:
        item = value.items[0]
    else:
        return None
    if isinstance(item, Seq) and len(item.items) >= 2:
        return item.items[0], item.items[1]
    if isinstance(item, Seq) and len(item.items) == 1:
        return item.items[0], None
    return item, None


def fit_mismatch(data: Shape, expected: Shape, last_axis_only: bool = False) -> Optional[str]:
    """Why data of shape ``data`` cannot feed an input of shape ``expected`` (None if it can).

    Keras 3 drops a trailing axis of size 1 from the data, or adds one when the
    input ends in 1, before it compares; then every known non-batch axis must
    match (a Sequential model only checks the last axis, the one its first
    layer's weights are sized by: it rebuilds for other sizes).
    """
    if data.dims is None or expected.dims is None:
        return None
    d, e = data.dims, expected.dims
    if len(d) == len(e) + 1 and d[-1] == 1:
        d = d[:-1]
    elif len(d) == len(e) - 1 and e[-1] == 1:
        e = e[:-1]
    if len(d) != len(e):
        return f"rank {len(d)} against rank {len(e)}"
    for axis in range(len(d) - 1 if last_axis_only else 1, len(d)):
        if axis == 0:
            continue
        if is_known(d[axis]) and is_known(e[axis]) and d[axis] != e[axis]:
            return f"axis {axis} is {d[axis]}, not {e[axis]}"
    return None


def samples(array: Array) -> Dim:
    """The number of samples (the first axis) of an array, if known."""
    dims = array.shape.dims
    return dims[0] if dims else None
