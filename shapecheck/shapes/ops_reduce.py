"""Shape rules of the reducing and contracting ``keras.ops``: sum, mean, max,
min, prod, std, var, any, all, argmax/argmin, logsumexp; matmul, dot, einsum.

Reductions follow Keras's ``reduce_shape``: ``axis=None`` reduces every axis,
an axis must lie within the rank, ``keepdims`` leaves size-1 axes.  ``matmul``
needs equal inner sizes (None matches anything) and broadcasts the batch
axes; ``einsum`` is computed the way Keras's ``Einsum.compute_output_spec``
does, which broadcasts the sizes a letter takes but does not compare the
sizes of a contracted letter.
"""

from __future__ import annotations

import re
from typing import Sequence

from shapecheck.shapes.dims import UNKNOWN, Dim, Shape, is_known
from shapecheck.shapes.errors import BadConfig, MergeMismatch, RankMismatch
from shapecheck.shapes.ops_base import (
    Args,
    GiveUp,
    OpFn,
    Output,
    arg,
    axes_arg,
    bool_arg,
    broadcast,
    dims,
    is_int,
    op,
    reduce_dims,
)

REDUCTIONS = (
    "sum", "mean", "max", "min", "prod", "std", "var", "any", "all", "amax", "amin",
    "median", "logsumexp", "nansum", "nanmean", "nanmax", "nanmin", "nanprod",
    "nanstd", "nanvar",
)
"""``op(x, axis=None, keepdims=False)`` reductions; ``axis`` an int, a tuple, or None."""


_EXTRA_PARAMS = {"max": ("initial",), "min": ("initial",), "prod": ("dtype",)}


def _register_reductions(fn: OpFn) -> OpFn:
    for name in REDUCTIONS:
        extra = _EXTRA_PARAMS.get(name, ())
        op(name, params=("x", "axis", "keepdims", *extra), tensors=("x",), family="reduce")(fn)
    return fn


@_register_reductions
def reduction(shapes: Sequence[Shape], args: Args) -> Output:
    """Drop (or keep as 1) the axes in ``axis``; every axis when it is None."""
    axes = axes_arg(args, "axis", None)
    keepdims = bool_arg(args, "keepdims", False)
    return reduce_dims(shapes[0], axes, keepdims)


@op("argmax", "argmin", params=("x", "axis", "keepdims"), tensors=("x",), family="reduce")
def argmax(shapes: Sequence[Shape], args: Args) -> Output:
    """``argmax(x, axis=None, keepdims=False)``: ``axis`` one int or None."""
    axis = arg(args, "axis", None)
    if axis is not None and not is_int(axis):
        raise GiveUp("axis")
    keepdims = bool_arg(args, "keepdims", False)
    return reduce_dims(shapes[0], None if axis is None else (axis,), keepdims)


@op("matmul", params=("x1", "x2"), tensors=("x1", "x2"), family="product")
def matmul(shapes: Sequence[Shape], args: Args) -> Output:
    """``matmul(x1, x2)``: x1[-1] meets x2[-2]; 1-D operands gain and lose an axis."""
    a, b = dims(shapes[0]), dims(shapes[1])
    if not a or not b:
        raise RankMismatch("at least 1-D operands", shapes[0] if not a else shapes[1])
    a_1d, b_1d = len(a) == 1, len(b) == 1
    if a_1d:
        a = [1, a[0]]
    if b_1d:
        b = [b[0], 1]
    if is_known(a[-1]) and is_known(b[-2]) and a[-1] != b[-2]:
        raise MergeMismatch(
            f"matmul needs x1.shape[-1] == x2.shape[-2], but received {shapes[0]} and {shapes[1]}"
        )
    lead = broadcast([Shape(tuple(a[:-2])), Shape(tuple(b[:-2]))])
    out = list(lead.dims or ()) + [a[-2], b[-1]]
    if a_1d:
        del out[-2]
    if b_1d:
        del out[-1]
    return Shape(tuple(out))


@op("dot", params=("x1", "x2"), tensors=("x1", "x2"), family="product")
def dot(shapes: Sequence[Shape], args: Args) -> Output:
    """``dot(x1, x2)``: x1[-1] meets x2[-2] (x2[0] when x2 is 1-D); no broadcasting."""
    a, b = dims(shapes[0]), dims(shapes[1])
    if not a or not b:
        return broadcast(shapes)
    if len(a) == 1 and len(b) == 1:
        return Shape(())
    if len(b) == 1:
        x, y = a[-1], b[0]
        # Keras compares with `!=` here, so None against a defined size clashes.
        if x is not UNKNOWN and y is not UNKNOWN and x != y:
            raise MergeMismatch(
                f"dot needs x1.shape[-1] == x2.shape[0], but received {shapes[0]} and {shapes[1]}"
            )
        return Shape(tuple(a[:-1]))
    if is_known(a[-1]) and is_known(b[-2]) and a[-1] != b[-2]:
        raise MergeMismatch(
            f"dot needs x1.shape[-1] == x2.shape[-2], but received {shapes[0]} and {shapes[1]}"
        )
    return Shape(tuple(a[:-1] + b[:-2] + b[-1:]))


_SPEC = re.compile(r"^[a-z]*(\.\.\.)?[a-z]*$")


@op("einsum", params=("subscripts", "operands"), tensors=("operands",), variadic="operands",
    family="product")
def einsum(shapes: Sequence[Shape], args: Args) -> Output:
    """``einsum(subscripts, *operands)`` with a literal, lower-case ``subscripts``."""
    subscripts = arg(args, "subscripts")
    if not isinstance(subscripts, str):
        raise GiveUp("subscripts")
    parts = subscripts.split("->")
    if len(parts) > 2:
        raise BadConfig(f"einsum subscripts {subscripts!r} have more than one '->'")
    inputs = parts[0].split(",")
    if len(inputs) != len(shapes):
        raise BadConfig(
            f"einsum subscripts {subscripts!r} name {len(inputs)} operands, "
            f"but {len(shapes)} are given"
        )
    if not all(_SPEC.match(s) for s in inputs) or (len(parts) == 2 and not _SPEC.match(parts[1])):
        raise GiveUp("subscripts")
    letters = [c for c in parts[0] if c.isalpha()]
    if len(parts) == 2:
        target = parts[1]
    else:
        once = sorted(c for c in set(letters) if letters.count(c) == 1)
        target = "..." + "".join(once)
    head, _, tail = target.partition("...")
    has_wild = "..." in target
    expanded = []
    for spec, shape in zip(inputs, shapes):
        ds = dims(shape)
        left, wild, right = spec.partition("...")
        if len(set(left + right)) != len(left + right):
            raise GiveUp("a letter repeated within one operand")
        if not wild:
            if len(ds) != len(spec):
                raise RankMismatch(f"{len(spec)}-D operand for subscript {spec!r}", shape)
            where = dict(zip(spec, ds))
            middle: list[Dim] = []
        else:
            if len(ds) < max(len(left), len(right)):
                raise RankMismatch(f"at least {len(left) + len(right)}-D operand for {spec!r}", shape)
            if len(ds) < len(left) + len(right):
                raise GiveUp("Keras reads overlapping axes here")
            where = dict(zip(left, ds))
            where.update(zip(right, ds[len(ds) - len(right):]))
            middle = ds[len(left): len(ds) - len(right)]
        out: list[Dim] = [where.get(c, 1) for c in head]
        if has_wild:
            out += middle
        out += [where.get(c, 1) for c in tail]
        expanded.append(Shape(tuple(out)))
    return broadcast(expanded)
