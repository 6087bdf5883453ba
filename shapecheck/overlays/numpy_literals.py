"""Nested Python lists read as numpy would read them: shape, item kinds, raggedness, one-hot rows.

Helpers of :mod:`shapecheck.overlays.numpy_arrays` (``np.array([[...]])``
and data given to ``fit`` as lists), bounded so huge or self-containing
literals cost little.
"""

from __future__ import annotations

from typing import Optional

from shapecheck.engine.values import Array, Const, Seq, Value
from shapecheck.shapes.dims import UNKNOWN, Dim, is_known


def _is_onehot(value: Value, dims: tuple[Dim, ...]) -> bool:
    """A literal matrix whose rows each hold a single 1 and zeros elsewhere."""
    if len(dims) != 2 or not is_known(dims[1]) or dims[1] < 2 or not isinstance(value, Seq):  # type: ignore[operator]
        return False
    for row in value.items:
        if not isinstance(row, Seq):
            return False
        items = [v.value if isinstance(v, Const) else None for v in row.items]
        if sorted(items, key=repr) != sorted([1] + [0] * (len(items) - 1), key=repr):
            return False
    return True


_MAX_LITERAL_ITEMS = 100_000  # items visited in one nested literal before it counts as unknown
_MAX_LITERAL_DEPTH = 32  # deeper nesting (or a list that contains itself) is unknown


class _LiteralBudget:
    """How many more items one ``_nested_shape`` walk may visit."""

    def __init__(self) -> None:
        self.left = _MAX_LITERAL_ITEMS


def _nested_shape(value: Value, budget: Optional[_LiteralBudget] = None,
                  depth: int = 0) -> Optional[tuple[tuple[Dim, ...], set[str], bool, Optional[int]]]:
    """Shape, item kinds, raggedness and the largest int of a nested literal.

    Unknown (None) past a bounded number of items or levels, so lists that
    share or contain themselves cost little.
    """
    budget = budget or _LiteralBudget()
    budget.left -= 1
    if budget.left < 0 or depth > _MAX_LITERAL_DEPTH:
        return None
    if isinstance(value, Const):
        v = value.value
        kind = "bool" if isinstance(v, bool) else "int" if isinstance(v, int) else \
            "float" if isinstance(v, float) else "str" if isinstance(v, str) else "other"
        return (), {kind}, False, v if kind == "int" else None  # type: ignore[return-value]
    if isinstance(value, Array):
        if value.shape.dims is None:
            return None
        return value.shape.dims, {value.dtype or "other"}, False, value.max_value
    if not isinstance(value, Seq):
        return None
    if not value.items:
        return (0,), {"float"}, False, None
    results: list[tuple[tuple[Dim, ...], set[str], bool, Optional[int]]] = []
    for item in value.items:
        result = _nested_shape(item, budget, depth + 1)
        if result is None:
            return None
        results.append(result)
    subshapes = {r[0] for r in results}  # type: ignore[index]
    kinds: set[str] = set().union(*(r[1] for r in results))  # type: ignore[index]
    ragged = any(r[2] for r in results) or len(subshapes) > 1  # type: ignore[index]
    if any(UNKNOWN in s for s in subshapes):
        return None
    ints = [r[3] for r in results if r[3] is not None]  # type: ignore[index]
    max_int = max(ints) if ints and len(ints) == len(results) else None
    sub = next(iter(subshapes))
    return (len(value.items),) + sub, kinds, ragged, max_int
