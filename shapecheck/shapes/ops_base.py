"""The registry of ``keras.ops`` shape rules and the helpers they share.

An op's rule is a function ``(shapes, args) -> Output``: ``shapes`` are the
shapes of its tensor operands in the order its :class:`OpSpec` names them
(a list-taking op such as ``concatenate`` gets one shape per list element),
``args`` its literal arguments by Keras parameter name.  A rule mirrors the
op's ``compute_output_spec`` in Keras 3 (what the Functional API runs on
``KerasTensor`` inputs): it raises a :class:`ShapeContradiction` exactly where
that raises for every value an unknown part could take, and gives up (raises
:class:`GiveUp`, which :func:`shapecheck.shapes.ops.apply_op` turns into an
unknown shape) where an argument is not a literal it understands.

Keras dims are ints or None.  Here a dim may also be UNKNOWN, which stands
for "some int or None": a rule reports a contradiction only if every such
value would make Keras raise, and gives a known dim only if every value that
Keras accepts yields that dim.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence, Union

from shapecheck.shapes.dims import UNKNOWN, Dim, Shape, is_known
from shapecheck.shapes.errors import BadConfig, MergeMismatch

Output = Union[Shape, tuple[Shape, ...]]
"""One output shape, or a tuple of them for an op that returns several tensors."""

Args = Mapping[str, Any]
OpFn = Callable[[Sequence[Shape], Args], Output]


class _NotLiteral:
    """The single value of an argument whose value the analysis does not know."""

    _instance: "_NotLiteral | None" = None

    def __new__(cls) -> "_NotLiteral":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NOT_LITERAL"


NOT_LITERAL = _NotLiteral()
"""Pass this for an argument that is present but whose value is not a known literal."""


class GiveUp(Exception):
    """Raised inside a rule when the answer cannot be known; the result is unknown."""


@dataclass(frozen=True)
class OpSpec:
    """A registered op: its Keras parameters in positional order and its rule.

    ``tensors`` names the parameters that hold tensors; ``variadic`` is the
    parameter that takes a list of tensors (``xs`` of concatenate) or the
    ``*operands`` of einsum, if any.  Every other parameter is a literal.
    """

    name: str
    params: tuple[str, ...]
    tensors: tuple[str, ...]
    infer: OpFn
    family: str
    variadic: str | None = None
    defaults: tuple[tuple[str, Any], ...] = ()


OPS: dict[str, OpSpec] = {}


def op(
    *names: str,
    params: Sequence[str],
    tensors: Sequence[str],
    family: str,
    variadic: str | None = None,
    defaults: Mapping[str, Any] | None = None,
) -> Callable[[OpFn], OpFn]:
    """Register the decorated function as the shape rule of the ops ``names``."""

    def register(fn: OpFn) -> OpFn:
        for name in names:
            OPS[name] = OpSpec(
                name, tuple(params), tuple(tensors), fn, family, variadic,
                tuple((defaults or {}).items()),
            )
        return fn

    return register


# -- literal arguments -------------------------------------------------------


def is_int(value: object) -> bool:
    """True for a Python int that is not a bool."""
    return isinstance(value, int) and not isinstance(value, bool)


def arg(args: Args, name: str, default: Any = None) -> Any:
    """The literal value of ``name`` (``default`` if absent); GiveUp if not literal."""
    value = args.get(name, default)
    if value is NOT_LITERAL or value is UNKNOWN:
        raise GiveUp(name)
    return value


def int_arg(args: Args, name: str, default: Any = None) -> int:
    """An int argument; GiveUp for anything else."""
    value = arg(args, name, default)
    if not is_int(value):
        raise GiveUp(name)
    return int(value)


def bool_arg(args: Args, name: str, default: bool = False) -> bool:
    """A bool argument (keepdims...); GiveUp for anything else."""
    value = arg(args, name, default)
    if not isinstance(value, bool):
        raise GiveUp(name)
    return value


def int_tuple(value: Any) -> tuple[int, ...]:
    """A tuple or list of ints as a tuple; GiveUp for anything else."""
    if not isinstance(value, (tuple, list)) or not all(is_int(v) for v in value):
        raise GiveUp("int tuple")
    return tuple(int(v) for v in value)


def axes_arg(args: Args, name: str, default: Any = None) -> tuple[int, ...] | None:
    """An axis argument that may be None, an int, or a tuple/list of ints."""
    value = arg(args, name, default)
    if value is None:
        return None
    if is_int(value):
        return (int(value),)
    return int_tuple(value)


# -- shapes ------------------------------------------------------------------


def dims(shape: Shape) -> list[Dim]:
    """The dims of ``shape`` as a list; GiveUp when its rank is unknown."""
    if shape.dims is None:
        raise GiveUp("rank")
    return list(shape.dims)


def canonical_axis(axis: int, rank: int, what: str = "axis") -> int:
    """``axis`` in ``[0, rank)``; BadConfig when out of ``[-rank, rank)`` (as Keras)."""
    axis = operator.index(axis)
    if not -rank <= axis < rank:
        raise BadConfig(f"{what} {axis} is out of bounds for a tensor of rank {rank}")
    return axis + rank if axis < 0 else axis


def fmt(dims_: Sequence[Dim]) -> str:
    """Dims written as Keras prints a shape."""
    return str(Shape(tuple(dims_)))


def broadcast_dim(a: Dim, b: Dim) -> Dim:
    """Keras's ``broadcast_shapes`` on one axis; ValueError when both are known and clash.

    None against n gives n (Keras trusts the defined side); 1 gives the other.
    """
    if a is UNKNOWN or b is UNKNOWN:
        other = b if a is UNKNOWN else a
        # Whatever an unknown stands for, an accepted pair gives a known n > 1.
        return other if is_known(other) and other != 1 else UNKNOWN
    if a == 1:
        return b
    if a is None:
        return None if b == 1 else b
    if b == 1 or b is None or a == b:
        return a
    raise ValueError(f"{a} vs {b}")


def broadcast(shapes: Sequence[Shape]) -> Shape:
    """The broadcast of ``shapes`` as Keras computes it; MergeMismatch when they clash."""
    if any(s.dims is None for s in shapes):
        return Shape.unknown()
    out: list[Dim] = []
    for s in shapes:
        cur = list(s.dims or ())
        ones: list[Dim] = [1] * abs(len(cur) - len(out))
        if len(out) < len(cur):
            out = ones + out
        elif len(cur) < len(out):
            cur = ones + cur
        try:
            out = [broadcast_dim(a, b) for a, b in zip(out, cur)]
        except ValueError:
            listing = " and ".join(str(x) for x in shapes)
            raise MergeMismatch(f"cannot broadcast shapes {listing}") from None
    return Shape(tuple(out))


def same_except(first: Sequence[Dim], other: Sequence[Dim], skip: int | None) -> bool:
    """Keras's ``shape_equal(..., allow_none=True)``: False only on a proven clash."""
    if len(first) != len(other):
        return False
    for i, (a, b) in enumerate(zip(first, other)):
        if i != skip and is_known(a) and is_known(b) and a != b:
            return False
    return True


def reduce_dims(shape: Shape, axis: tuple[int, ...] | None, keepdims: bool) -> Shape:
    """Keras's ``reduce_shape``: drop (or set to 1) the reduced axes."""
    if axis is None:
        if not keepdims:
            return Shape(())
        return Shape.unknown() if shape.dims is None else Shape((1,) * len(shape.dims))
    ds = dims(shape)
    canon = [canonical_axis(a, len(ds)) for a in axis]
    if keepdims:
        return Shape(tuple(1 if i in canon else d for i, d in enumerate(ds)))
    for a in sorted(canon, reverse=True):
        # Keras deletes once per entry, so a repeated axis removes a second
        # axis, or fails when none is left at that position.
        if a >= len(ds):
            raise BadConfig(f"axis {axis} repeats an axis of {shape}")
        del ds[a]
    return Shape(tuple(ds))


def add_dims(a: Dim, b: Dim) -> Dim:
    """The sum of two dims: None if either is None, UNKNOWN if either is unknown."""
    if a is None or b is None:
        return None
    if a is UNKNOWN or b is UNKNOWN:
        return UNKNOWN
    return a + b  # type: ignore[operator]


def check_sizes(out: Sequence[Dim], what: str) -> Shape:
    """``out`` as a Shape; BadConfig if a dim is negative (Keras refuses such a shape)."""
    for d in out:
        if is_known(d) and d < 0:  # type: ignore[operator]
            raise BadConfig(f"{what} gives a negative size: {fmt(out)}")
    return Shape(tuple(out))
