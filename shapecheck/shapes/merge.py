"""Shape rules of the merge layers: Concatenate and the element-wise merges.

Both follow Keras 3's ``build`` checks: Concatenate needs equal ranks and equal
dimensions outside the axis (None matches anything); the element-wise merges
broadcast the non-batch axes from the right, where 1 and None match anything.
"""

from __future__ import annotations

from typing import Sequence

from shapecheck.shapes.registry import transfer
from shapecheck.shapes.config import Config
from shapecheck.shapes.dims import UNKNOWN, Dim, Shape, is_known
from shapecheck.shapes.errors import BadConfig, MergeMismatch

ELEMENTWISE = ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum")


def _listing(inputs: Sequence[Shape]) -> str:
    return "[" + ", ".join(str(s) for s in inputs) + "]"


@transfer("Concatenate", family="merge", multi_input=True)
def concatenate(config: Config, inputs: Sequence[Shape]) -> Shape:
    """Concatenate joins its inputs along ``axis``; all other axes must agree."""
    axis = config.int("axis", -1)
    if axis is UNKNOWN or not inputs or any(s.dims is None for s in inputs):
        return Shape.unknown()
    ranks = {s.rank for s in inputs}
    if len(ranks) != 1:
        # Keras drops the axis from each shape that has it, then compares ranks:
        # (None, None) and (10,) on axis=1 both leave one axis and are accepted.
        reduced = {r - 1 if r > axis else r for r in ranks}  # type: ignore[operator]
        if len(reduced) == 1:
            return Shape.unknown()
        raise MergeMismatch(
            f"inputs must have the same rank, but received {_listing(inputs)}"
        )
    (rank,) = ranks
    assert rank is not None
    if not -rank <= axis < rank:
        if len(inputs) == 1 and axis >= rank:
            return inputs[0]  # Keras never looks up a lone input's axis past the end
        raise BadConfig(f"axis {axis} is out of range for inputs of rank {rank}: {_listing(inputs)}")
    axis %= rank
    out: list[Dim] = []
    for i in range(rank):
        column = [s.dims[i] for s in inputs]  # type: ignore[index]
        if i == axis:
            if any(d is None for d in column):
                out.append(None)
            elif all(is_known(d) for d in column):
                out.append(sum(column))  # type: ignore[arg-type]
            else:
                out.append(UNKNOWN)
            continue
        known = {d for d in column if is_known(d)}
        if len(known) > 1:
            raise MergeMismatch(
                f"inputs must match on every axis except the concatenation axis "
                f"({axis}), but received {_listing(inputs)}: axis {i} differs"
            )
        out.append(column[0])  # Keras keeps the first input's dim (None stays None)
    return Shape(out)


def _broadcast(a: tuple[Dim, ...], b: tuple[Dim, ...], inputs: Sequence[Shape]) -> tuple[Dim, ...]:
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return a
    out = list(a[: len(a) - len(b)])
    for i, j in zip(a[len(a) - len(b):], b):
        if i is UNKNOWN or j is UNKNOWN:
            out.append(UNKNOWN)
        elif i is None or j is None:
            out.append(None)
        elif i == 1:
            out.append(j)
        elif j == 1 or i == j:
            out.append(i)
        else:
            raise MergeMismatch(f"inputs must have the same shape, but received {_listing(inputs)}")
    return tuple(out)


@transfer(*ELEMENTWISE, family="merge", multi_input=True)
def elementwise(config: Config, inputs: Sequence[Shape]) -> Shape:
    """Add, Multiply, ...: the inputs' non-batch axes must broadcast together."""
    if config.layer == "Subtract" and len(inputs) != 2:
        raise MergeMismatch(f"`Subtract` takes exactly 2 inputs, but received {len(inputs)}")
    if not inputs or any(s.dims is None for s in inputs):
        return Shape.unknown()
    batches = {s.dims[0] for s in inputs if s.dims and is_known(s.dims[0])}  # type: ignore[index]
    if len(batches) > 1:
        raise MergeMismatch(f"inputs must have the same batch size, but received {_listing(inputs)}")
    rest: tuple[Dim, ...] = inputs[0].dims[1:]  # type: ignore[index]
    for s in inputs[1:]:
        rest = _broadcast(rest, s.dims[1:], inputs)  # type: ignore[index]
    batch = batches.pop() if batches else None
    return Shape((batch,) + rest)
