"""Shape rules of the element-wise ``keras.ops``: binary ops that broadcast,
unary ops and activations that keep their input's shape, and ``where``.

Binary ops follow Keras's ``broadcast_shapes``: shapes align from the right,
1 stretches, and None against a defined size gives that size.  A Python
number as an operand has shape ``()``.
"""

from __future__ import annotations

from typing import Sequence

from shapecheck.shapes.dims import Dim, Shape, dim_product
from shapecheck.shapes.ops_base import (
    Args,
    GiveUp,
    Output,
    arg,
    axes_arg,
    broadcast,
    canonical_axis,
    dims,
    op,
)

BINARY = (
    "add", "subtract", "multiply", "divide", "true_divide", "floor_divide", "mod",
    "power", "maximum", "minimum", "equal", "not_equal", "less", "less_equal",
    "greater", "greater_equal", "logical_and", "logical_or", "logical_xor",
    "arctan2", "hypot", "logaddexp", "divide_no_nan", "fmod", "heaviside",
)
"""Binary ops ``op(x1, x2)`` whose output is the broadcast of the two inputs."""

UNARY = (
    # numpy-style math
    "abs", "absolute", "negative", "square", "sqrt", "rsqrt", "exp", "exp2", "expm1",
    "log", "log1p", "log2", "log10", "sign", "floor", "ceil", "round", "trunc",
    "sin", "cos", "tan", "sinh", "cosh", "tanh", "arcsin", "arccos", "arctan",
    "arcsinh", "arccosh", "arctanh", "reciprocal", "logical_not", "isnan", "isinf",
    "isfinite", "erf", "erfinv", "conj", "conjugate", "real", "imag", "copy",
    "nan_to_num", "tril", "triu", "cbrt", "deg2rad", "rad2deg",
    # core / dtype
    "cast", "stop_gradient", "zeros_like", "ones_like", "convert_to_tensor",
    "saturate_cast",
    # activations
    "relu", "relu6", "sigmoid", "softplus", "softsign", "silu", "swish", "gelu",
    "elu", "selu", "leaky_relu", "hard_sigmoid", "hard_silu", "hard_swish",
    "log_sigmoid", "celu", "hard_tanh", "tanh_shrink", "soft_shrink", "hard_shrink",
    "sparse_plus", "squareplus", "sparse_sigmoid",
)
"""Unary ops ``op(x, ...)`` whose output has the input's shape; other args are not read."""


def _binary(shapes: Sequence[Shape], args: Args) -> Output:
    """``op(x1, x2)``: the broadcast of both operands."""
    return broadcast(shapes)


def _unary(shapes: Sequence[Shape], args: Args) -> Output:
    """``op(x)``: the input's shape."""
    return shapes[0]


for _name in BINARY:
    op(_name, params=("x1", "x2"), tensors=("x1", "x2"), family="binary")(_binary)

_EXTRA_PARAMS: dict[str, tuple[str, ...]] = {
    "cast": ("dtype",), "saturate_cast": ("dtype",), "zeros_like": ("dtype",),
    "ones_like": ("dtype",), "convert_to_tensor": ("dtype", "sparse", "ragged"),
    "celu": ("alpha",), "elu": ("alpha",), "gelu": ("approximate",),
    "leaky_relu": ("negative_slope",), "hard_shrink": ("threshold",),
    "soft_shrink": ("threshold",), "squareplus": ("b",), "round": ("decimals",),
    "tril": ("k",), "triu": ("k",), "nan_to_num": ("nan", "posinf", "neginf"),
}

for _name in UNARY:
    _first = "variable" if _name == "stop_gradient" else "x"
    op(_name, params=(_first, *_EXTRA_PARAMS.get(_name, ())), tensors=(_first,),
       family="unary")(_unary)

op("full_like", params=("x", "fill_value", "dtype"), tensors=("x",), family="unary")(_unary)
op("clip", params=("x", "x_min", "x_max"), tensors=("x",), family="unary")(_unary)


@op("softmax", "log_softmax", params=("x", "axis"), tensors=("x",), family="unary",
    defaults={"axis": -1})
def softmax(shapes: Sequence[Shape], args: Args) -> Output:
    """``softmax(x, axis=-1)``: every axis given must lie within the input's rank."""
    x = shapes[0]
    axes = axes_arg(args, "axis", -1)
    if axes is not None and x.dims is not None:
        for a in axes:
            canonical_axis(a, len(x.dims))
    return x


@op("flip", params=("x", "axis"), tensors=("x",), family="unary")
def flip(shapes: Sequence[Shape], args: Args) -> Output:
    """``flip(x, axis=None)``: same shape; the axes must be in range."""
    return softmax(shapes, {"axis": arg(args, "axis", None)})


@op("roll", params=("x", "shift", "axis"), tensors=("x",), family="unary")
def roll(shapes: Sequence[Shape], args: Args) -> Output:
    """``roll(x, shift, axis=None)``: same shape; the axes must be in range."""
    return softmax(shapes, {"axis": arg(args, "axis", None)})


def _flat_or_same(shapes: Sequence[Shape], args: Args, default: object) -> Output:
    x = shapes[0]
    axis = arg(args, "axis", default)
    if axis is None:
        ds = dims(x)
        return _flat(ds)
    if not isinstance(axis, int) or isinstance(axis, bool):
        raise GiveUp("axis")
    if x.dims is not None:
        canonical_axis(axis, len(x.dims))
    return x


def _flat(ds: list[Dim]) -> Shape:
    return Shape((dim_product(ds),))


@op("sort", "argsort", params=("x", "axis"), tensors=("x",), family="unary",
    defaults={"axis": -1})
def sort(shapes: Sequence[Shape], args: Args) -> Output:
    """``sort(x, axis=-1)``: same shape, or flattened when ``axis=None``."""
    return _flat_or_same(shapes, args, -1)


@op("cumsum", "cumprod", params=("x", "axis", "dtype"), tensors=("x",), family="unary")
def cumsum(shapes: Sequence[Shape], args: Args) -> Output:
    """``cumsum(x, axis=None)``: flattened when ``axis=None``, else same shape."""
    return _flat_or_same(shapes, args, None)


@op("where", params=("condition", "x1", "x2"), tensors=("condition", "x1", "x2"),
    family="binary")
def where(shapes: Sequence[Shape], args: Args) -> Output:
    """``where(condition, x1, x2)``: the broadcast of all three (one-argument form: unknown)."""
    if len(shapes) != 3:
        raise GiveUp("where without x1/x2")
    return broadcast(shapes)
