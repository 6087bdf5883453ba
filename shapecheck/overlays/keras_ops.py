"""``keras.ops`` and the tensor operators, for the interpreter: shapes through computations.

Functional code computes between layers: ``keras.ops.concatenate([a, b])``,
``x + y``, ``x[:, -1]``, ``x.reshape(...)``.  Each goes through the ops table
(:mod:`shapecheck.shapes.ops`), which gives the result's shape or proves that
Keras rejects the shapes; a contradiction outside code that runs on real
tensors (a layer's ``call``, a ``tf.function``) becomes an
:class:`~shapecheck.engine.events.OpProblem` for the rules.  Arguments the
table cannot read make the result unknown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import libcst as cst

from shapecheck.engine.arguments import Arguments
from shapecheck.engine.events import OpProblem
from shapecheck.engine.overlay import OVERLAYS
from shapecheck.engine.values import UNKNOWN_VALUE, Const, Seq, Tensor, Value
from shapecheck.overlays.keras_names import is_symbolic
from shapecheck.shapes import ops
from shapecheck.shapes.dims import UNKNOWN, Shape
from shapecheck.shapes.errors import ShapeContradiction

if TYPE_CHECKING:
    from shapecheck.engine.interpreter import Interpreter
    from shapecheck.engine.scope import Scope

_OPERATORS: dict[type, str] = {
    cst.Add: "+", cst.Subtract: "-", cst.Multiply: "*", cst.Divide: "/", cst.FloorDivide: "//",
    cst.Modulo: "%", cst.Power: "**", cst.MatrixMultiply: "@", cst.BitAnd: "&", cst.BitOr: "|",
    cst.BitXor: "^",
}


def _operand(value: Value, depth: int = 0) -> Any:
    """An argument as the ops table reads it: a Shape for a tensor, a literal, or NOT_LITERAL."""
    if isinstance(value, Tensor):
        return value.shape
    if isinstance(value, Const) and (value.value is None or isinstance(value.value, (int, float, str, bool))):
        return value.value
    if isinstance(value, Seq) and depth < 4:
        items = [_operand(item, depth + 1) for item in value.items]
        return tuple(items) if value.is_tuple else items
    return ops.NOT_LITERAL


def _tensors(values: list[Value]) -> list[Tensor]:
    found: list[Tensor] = []
    for value in values:
        for item in value.items if isinstance(value, Seq) else [value]:
            if isinstance(item, Tensor):
                found.append(item)
    return found


def _result(interp: Interpreter, label: str, run: Any, inputs: list[Tensor], node: cst.CSTNode,
            problem: dict[str, Any]) -> Value:
    """Run one shape computation; a contradiction is reported (outside eager code), an accident absorbed.

    ``problem`` says how to rebuild the call for confirmation (kind, function, arguments).
    """
    symbolic = bool(inputs) and all(is_symbolic(t) for t in inputs)
    try:
        out = run()
    except ShapeContradiction as error:
        if symbolic and not interp.eager:  # a real tensor (a dataset's, an eager result) is not checked
            interp.emit(OpProblem(label, inputs, error, node, **problem))
        return Tensor(Shape.unknown(), node=node)
    except (TypeError, ValueError, ArithmeticError, IndexError, KeyError, AttributeError):
        if interp.strict:
            raise
        return Tensor(Shape.unknown(), node=node)
    if out is None:
        return UNKNOWN_VALUE
    if isinstance(out, tuple):
        return Seq([Tensor(shape, node=node, symbolic=symbolic) for shape in out], is_tuple=False)
    return Tensor(out, node=node, symbolic=symbolic)


@OVERLAYS.call("keras.ops")
def call_op(interp: Interpreter, path: str, args: Arguments, node: cst.Call) -> Value:
    """``keras.ops.<name>(...)`` on tensors: the table's shape, or a finding."""
    tensors = _tensors(args.values())
    if not tensors:
        return UNKNOWN_VALUE
    if not args.complete:
        return Tensor(Shape.unknown(), node=node)
    name = path[len("keras.ops."):]
    positional = [_operand(v) for v in args.positional]
    keywords = {k: _operand(v) for k, v in args.keywords.items()}
    problem = {"kind": "op", "function": name, "positional": list(args.positional), "keywords": dict(args.keywords)}
    return _result(interp, f"keras.ops.{name}", lambda: ops.call_op(name, positional, keywords), tensors, node,
                   problem)


@OVERLAYS.operator(Tensor)
def tensor_arithmetic(interp: Interpreter, op: cst.BaseBinaryOp, left: Value, right: Value) -> Value:
    """``x + y``, ``x * mask``, ``a @ b``: broadcasting as Keras does it."""
    symbol = _OPERATORS.get(type(op))
    if symbol is None:
        return Tensor(Shape.unknown())
    a = left.shape if isinstance(left, Tensor) else Shape(()) if _is_number(left) else None
    b = right.shape if isinstance(right, Tensor) else Shape(()) if _is_number(right) else None
    tensors = [v for v in (left, right) if isinstance(v, Tensor)]
    problem = {"kind": "operator", "function": symbol, "positional": [left, right]}
    return _result(interp, symbol, lambda: ops.binary_shape(symbol, a, b), tensors, op, problem)


def _is_number(value: Value) -> bool:
    return isinstance(value, Const) and isinstance(value.value, (int, float)) and not isinstance(value.value, bool)


@OVERLAYS.subscript(Tensor)
def tensor_subscript(interp: Interpreter, tensor: Any, node: cst.Subscript, scope: Scope) -> Value:
    """``x[:, -1]``, ``x[..., 0]``, ``x[:, None]``: the indexed shape."""
    parts: list[Any] = []
    for element in node.slice:
        part = element.slice
        if isinstance(part, cst.Slice):
            bounds = [interp.slice_bound_value(b, scope) for b in (part.lower, part.upper, part.step)]
            parts.append(slice(*[ops.NOT_LITERAL if b is UNKNOWN else b for b in bounds]))
        elif isinstance(part, cst.Index) and isinstance(part.value, cst.Ellipsis):
            parts.append(Ellipsis)
        elif isinstance(part, cst.Index):
            value = interp.eval(part.value, scope)
            if isinstance(value, Const) and (value.value is None or isinstance(value.value, int)):
                parts.append(value.value)
            else:
                parts.append(ops.NOT_LITERAL if isinstance(value, Const) else object())
    one = len(node.slice) == 1 and not isinstance(node.slice[0].comma, cst.Comma)
    key: Any = parts[0] if one else tuple(parts)
    problem = {"kind": "index", "function": "[]", "positional": [tensor, key]}
    written = cst.Module([]).code_for_node(node)
    label = written if len(written) <= 40 else "indexing"
    return _result(interp, label, lambda: ops.index_shape(tensor.shape, key), [tensor], node, problem)


@OVERLAYS.method(Tensor)
def tensor_method(interp: Interpreter, tensor: Any, method: str, args: Arguments, node: cst.Call,
                  method_node: cst.CSTNode) -> Value:
    """``x.reshape(...)``, ``x.squeeze()``: the op of that name; other methods are unknown."""
    name = ops.METHODS.get(method)
    if name is None or not args.complete:
        return UNKNOWN_VALUE
    positional = [tensor.shape] + [_operand(v) for v in args.positional]
    keywords = {k: _operand(v) for k, v in args.keywords.items()}
    problem = {"kind": "method", "function": method, "positional": [tensor, *args.positional],
               "keywords": dict(args.keywords)}
    return _result(interp, f".{method}", lambda: ops.call_op(name, positional, keywords), [tensor], node, problem)
