"""Shape rules of ``keras.ops``, tensor indexing and Python operators on tensors.

Pure: no interpreter, no keras import.  Every rule mirrors what Keras 3 does
with symbolic ``KerasTensor`` inputs (the Functional API): it raises a
:class:`~shapecheck.shapes.errors.ShapeContradiction` exactly when Keras
raises at build time, and gives an unknown shape (or unknown dims) where an
input is unknown or an argument is not a literal.  Checked against the
installed Keras by ``tests/test_ops_differential.py``.

Entry points
------------
``apply_op(name, shapes, args)``
    ``name``: the public name under ``keras.ops`` ("add", "mean",
    "image.resize"; see :data:`OPS`).  ``shapes``: the shapes of the tensor
    operands, in the order of the op's tensor parameters below; for the
    list-taking ops (``concatenate``, ``stack``: ``xs``; ``einsum``:
    ``*operands``) one shape per list element, nothing else.  A Python number
    as an operand of a binary op has shape ``()``; None stands for an operand
    whose shape is unknown.  ``args``: the other arguments by parameter name,
    as literals (int, bool, str, None, tuples/lists of those); a missing name
    takes Keras's default; :data:`NOT_LITERAL` marks one present with an
    unknown value.  Returns a Shape, or a tuple of Shapes (``split``).
``call_op(name, positional, keywords)``
    Binds a call as written: ``positional`` and ``keywords`` hold Shapes for
    tensors (a list/tuple of Shapes for ``xs``/``operands``), literals, or
    NOT_LITERAL.  Positional arguments map to the parameters in the order
    listed below (einsum: the subscripts, then every operand).
``index_shape(shape, key)``
    ``x[key]`` with ``key`` an int, slice, None, Ellipsis or a tuple of them.
``binary_shape(op, a, b)`` / ``unary_shape(op, a)``
    Python operators on tensors: ``+ - * / // % ** @ < <= > >= != & | ^``
    and unary ``- ~ abs``.  Keras 3's KerasTensor has no ``__eq__``: ``x ==
    y`` is Python's identity test and gives a bool, for which binary_shape
    returns None.
``METHODS``
    Tensor methods: ``x.reshape(newshape)`` is ``reshape``, ``x.squeeze(axis=None)``
    is ``squeeze``.

Signatures read (positional order; tensors marked *)
----------------------------------------------------
* binary (broadcasting): ``add subtract multiply divide true_divide
  floor_divide mod power maximum minimum equal not_equal less less_equal
  greater greater_equal logical_and logical_or logical_xor arctan2 hypot
  logaddexp divide_no_nan fmod heaviside``: ``(x1*, x2*)``
* ``where(condition*, x1*, x2*)``: broadcast of the three
* unary (same shape; further args ignored): see ``ops_elementwise.UNARY``
  (relu, sigmoid, tanh, exp, log, sqrt, abs, square, cast, gelu, ...), plus
  ``full_like(x*, fill_value)``, ``clip(x*, x_min, x_max)``
* ``softmax/log_softmax(x*, axis=-1)``, ``flip(x*, axis=None)``,
  ``roll(x*, shift, axis=None)``: same shape, axes checked
* ``sort/argsort(x*, axis=-1)``, ``cumsum/cumprod(x*, axis=None, dtype)``:
  same shape, or 1-D when axis is None
* ``concatenate(xs*, axis=0)``, ``stack(x*, axis=0)``
* ``reshape(x*, newshape)``, ``expand_dims(x*, axis)``, ``squeeze(x*, axis=None)``
* ``transpose(x*, axes=None)``, ``swapaxes(x*, axis1, axis2)``,
  ``moveaxis(x*, source, destination)``
* ``tile(x*, repeats)``, ``repeat(x*, repeats, axis=None)``,
  ``pad(x*, pad_width, mode, constant_values)``, ``broadcast_to(x*, shape)``
* ``split(x*, indices_or_sections, axis=0)`` -> tuple of shapes
* ``ravel(x*)``, ``take(x*, indices*, axis=None)``,
  ``take_along_axis(x*, indices*, axis=None)``
* ``one_hot(x*, num_classes, axis=-1, dtype, sparse)``
* ``image.resize(images*, size, interpolation, antialias,
  crop_to_aspect_ratio, pad_to_aspect_ratio, fill_mode, fill_value,
  data_format=None)``; None reads as "channels_last" (pass the resolved
  format if the script changed ``image_data_format``)
* reductions ``sum mean max min prod std var any all amax amin median
  logsumexp nan*``: ``(x*, axis=None, keepdims=False)``;
  ``argmax/argmin(x*, axis=None, keepdims=False)``
* ``matmul(x1*, x2*)``, ``dot(x1*, x2*)``, ``einsum(subscripts, *operands*)``
* always unknown: ``segment_sum/max/min/prod(data*, segment_ids*, ...)``,
  ``nonzero``, ``unique``
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from shapecheck.shapes import ops_elementwise, ops_reduce, ops_structure  # noqa: F401
from shapecheck.shapes.dims import Shape
from shapecheck.shapes.ops_base import NOT_LITERAL, OPS, GiveUp, OpSpec, Output
from shapecheck.shapes.ops_index import index_shape

__all__ = [
    "NOT_LITERAL", "OPS", "OpSpec", "Output", "apply_op", "call_op", "index_shape",
    "binary_shape", "unary_shape", "BINARY_OPERATORS", "METHODS",
]

BINARY_OPERATORS: dict[str, str] = {
    "+": "add", "-": "subtract", "*": "multiply", "/": "true_divide",
    "//": "floor_divide", "%": "mod", "**": "power", "@": "matmul",
    "<": "less", "<=": "less_equal", ">": "greater", ">=": "greater_equal",
    "!=": "not_equal", "&": "logical_and", "|": "logical_or", "^": "logical_xor",
}
"""Python binary operators on a KerasTensor and the op each one calls."""

UNARY_OPERATORS: dict[str, str] = {"-": "negative", "~": "logical_not", "abs": "absolute"}
"""Python unary operators (and ``abs()``) on a KerasTensor and the op each one calls."""

METHODS: dict[str, str] = {"reshape": "reshape", "squeeze": "squeeze"}
"""KerasTensor methods that are ops; called as ``call_op(METHODS[m], [x, *args], kwargs)``."""


def apply_op(name: str, shapes: Sequence[Shape | None], args: Mapping[str, object]) -> Output:
    """The output shape(s) of ``keras.ops.<name>`` on ``shapes`` with literal ``args``.

    Unknown for an op not in :data:`OPS`, an unknown operand the rule needs,
    or a non-literal argument it reads.  Raises a ShapeContradiction where
    Keras would raise building the op on KerasTensors of these shapes.
    """
    spec = OPS.get(name)
    if spec is None:
        return Shape.unknown()
    operands = [Shape.unknown() if s is None else s for s in shapes]
    if spec.variadic is None and len(operands) != len(spec.tensors):
        if not (name == "where" and len(operands) == 1):
            return Shape.unknown()
    full = dict(spec.defaults)
    full.update(args)
    try:
        return spec.infer(operands, full)
    except GiveUp:
        return Shape.unknown()


def call_op(name: str, positional: Sequence[Any], keywords: Mapping[str, Any]) -> Output:
    """Bind a call as written (``keras.ops.<name>(*positional, **keywords)``) and apply it.

    Tensor arguments are Shapes (a sequence of Shapes for a list parameter),
    Python numbers in a tensor slot count as shape ``()``, NOT_LITERAL marks
    an argument of unknown value (an unknown tensor in a tensor slot).
    """
    spec = OPS.get(name)
    if spec is None:
        return Shape.unknown()
    bound: dict[str, Any] = {}
    if spec.variadic == "operands":  # einsum(subscripts, *operands)
        if positional:
            bound["subscripts"] = positional[0]
        bound["operands"] = list(positional[1:])
    else:
        if len(positional) > len(spec.params):
            return Shape.unknown()
        bound.update(zip(spec.params, positional))
    for key, value in keywords.items():
        if key in bound or key not in spec.params:
            return Shape.unknown()
        bound[key] = value
    shapes: list[Shape | None] = []
    for param in spec.tensors:
        if param not in bound:
            if name == "where" and param in ("x1", "x2"):
                continue
            return Shape.unknown()
        value = bound.pop(param)
        if param == spec.variadic:
            if not isinstance(value, (list, tuple)):
                return Shape.unknown()
            shapes.extend(_operand(v) for v in value)
        else:
            shapes.append(_operand(value))
    return apply_op(name, shapes, bound)


def _operand(value: Any) -> Shape | None:
    if isinstance(value, Shape):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Shape(())
    return None


def binary_shape(op: str, a: Shape | None, b: Shape | None) -> Shape | None:
    """The shape of ``a <op> b`` where at least one side is a tensor.

    Returns None for ``==``/``is``/``in`` (a Python bool, not a tensor), and
    unknown for an operator KerasTensor does not define.
    """
    if op in ("==", "is", "is not", "in", "not in", "and", "or"):
        return None
    name = BINARY_OPERATORS.get(op)
    if name is None:
        return Shape.unknown()
    result = apply_op(name, [a, b], {})
    return result if isinstance(result, Shape) else Shape.unknown()


def unary_shape(op: str, a: Shape | None) -> Shape:
    """The shape of ``-a``, ``~a`` or ``abs(a)``: that of ``a``."""
    if op not in UNARY_OPERATORS:
        return Shape.unknown()
    return a if a is not None else Shape.unknown()
