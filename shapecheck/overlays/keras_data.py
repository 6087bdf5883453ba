"""Keras's data utilities, for the interpreter: ``to_categorical`` and data given as lists.

The labels ``to_categorical`` makes are one-hot arrays of a known width
when the number of classes is given (or the labels' largest value is
known); nested Python lists given to ``fit`` are read as the array Keras
would make of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from shapecheck.engine.arguments import Arguments
from shapecheck.engine.values import UNKNOWN_VALUE, Array, Const, Seq, Tensor, Value
from shapecheck.overlays.keras_names import kind
from shapecheck.overlays.numpy_arrays import NumpySemantics
from shapecheck.shapes.dims import UNKNOWN, Dim, Shape

if TYPE_CHECKING:
    from shapecheck.engine.interpreter import Interpreter


@kind("to_categorical")
def _to_categorical_kind(interp: Interpreter, path: str, name: str, args: Arguments, node: cst.Call) -> Value:
    return to_categorical(interp, args, node)


def as_data(interp: Interpreter, value: Value) -> Value:
    """Nested Python lists of numbers are read as the array Keras would make of them."""
    if isinstance(value, Seq) and value.items and not any(isinstance(v, (Array, Tensor)) for v in value.items):
        array = NumpySemantics(interp).from_literal(value, None, None, report=False)  # type: ignore[arg-type]
        return array
    return value


def to_categorical(interp: Interpreter, args: Arguments, node: cst.Call) -> Value:
    """``keras.utils.to_categorical(y, num_classes)``: one-hot labels (N, num_classes)."""
    y = args.positional[0] if args.positional else args.keywords.get("x")
    classes = args.positional[1] if len(args.positional) > 1 else args.keywords.get("num_classes", Const(None))
    if isinstance(y, Seq):
        y = as_data(interp, y)
    if not isinstance(y, Array) or y.shape.dims is None or not args.complete:
        return UNKNOWN_VALUE
    dims = y.shape.dims
    if len(dims) >= 2 and dims[-1] == 1:
        dims = dims[:-1]
    if isinstance(classes, Const) and isinstance(classes.value, int) and not isinstance(classes.value, bool):
        n: Dim = classes.value
    elif isinstance(classes, Const) and classes.value is None and y.max_value is not None:
        n = y.max_value + 1
    else:
        n = UNKNOWN
    return Array(Shape(dims + (n,)), "float", onehot=True, node=node)
