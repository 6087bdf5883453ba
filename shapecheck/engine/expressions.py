"""Expressions of the interpreter core: names, literals, containers, operators, subscripts.

Each function here is a method of :class:`~shapecheck.engine.interpreter.Interpreter`
(bound in its class body); they live apart to keep each module short.  A
value the core does not give meaning to (a tensor, an array, a library
object) is handed to the overlay registered for its type.
"""

from __future__ import annotations

import operator
import re
import warnings
from typing import TYPE_CHECKING, Any, Callable, Optional

import libcst as cst

from shapecheck.engine.events import NumpyProblem
from shapecheck.engine.scope import MAX_INT_BITS, MAX_SEQ, MAX_UNROLL, Scope, truth
from shapecheck.engine.values import (
    UNKNOWN_VALUE,
    ClassVal,
    Const,
    DictVal,
    Function,
    Layer,
    Model,
    Ref,
    Seq,
    Tensor,
    Value,
)
from shapecheck.shapes.dims import UNKNOWN

if TYPE_CHECKING:
    from shapecheck.engine.interpreter import Interpreter

_BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    cst.Add: operator.add,
    cst.Subtract: operator.sub,
    cst.Multiply: operator.mul,
    cst.Divide: operator.truediv,
    cst.FloorDivide: operator.floordiv,
    cst.Modulo: operator.mod,
    cst.Power: operator.pow,
}

_COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    cst.Equal: operator.eq,
    cst.NotEqual: operator.ne,
    cst.LessThan: operator.lt,
    cst.LessThanEqual: operator.le,
    cst.GreaterThan: operator.gt,
    cst.GreaterThanEqual: operator.ge,
    cst.Is: operator.is_,
    cst.IsNot: operator.is_not,
}

_BUILTIN_NAMES = frozenset(
    "range len int float str bool list tuple dict set max min sum abs round print "
    "enumerate zip isinstance sorted reversed open map filter super type object".split()
)

_AUG_TO_BIN: dict[type, cst.CSTNode] = {
    cst.AddAssign: cst.Add(),
    cst.SubtractAssign: cst.Subtract(),
    cst.MultiplyAssign: cst.Multiply(),
    cst.DivideAssign: cst.Divide(),
    cst.FloorDivideAssign: cst.FloorDivide(),
    cst.ModuloAssign: cst.Modulo(),
    cst.PowerAssign: cst.Power(),
}

_PLAIN_LITERALS = (cst.Integer, cst.Float, cst.SimpleString)


def eval(self: Interpreter, node: cst.BaseExpression, scope: Scope) -> Value:
    """Evaluate an expression to an abstract value."""
    self.tick()
    kind = type(node)
    if kind is cst.Name:
        return self.eval_name(node, scope)  # type: ignore[arg-type]
    if kind is cst.Call:
        return self.eval_call(node, scope)  # type: ignore[arg-type]
    handler = _EVALUATORS.get(kind)
    if handler is None:
        handler = _evaluator_of(kind)
    return handler(self, node, scope)


def _eval_attribute(self: Interpreter, node: cst.Attribute, scope: Scope) -> Value:
    return self.eval_attribute(node, self.eval(node.value, scope))


def _eval_sequence(self: Interpreter, node: cst.Tuple | cst.List, scope: Scope) -> Value:
    items: list[Value] = []
    for el in node.elements:
        if type(el) is cst.Element and type(el.value) in _PLAIN_LITERALS:
            items.append(self.eval_literal(el.value))  # data literals are linear in the source: no step
            continue
        if isinstance(el, cst.StarredElement):
            spread = self.iterate(self.eval(el.value, scope))
            if spread is None:
                return UNKNOWN_VALUE
            items.extend(spread)
        else:
            items.append(self.eval(el.value, scope))
    return Seq(items, is_tuple=isinstance(node, cst.Tuple))


def _eval_probed_branching(self: Interpreter, node: cst.BooleanOperation | cst.IfExp, scope: Scope) -> Value:
    if self.is_probe(node.left if isinstance(node, cst.BooleanOperation) else node.test):
        self.probing += 1  # ``hasattr(m, "x") and m.x``, ``m.x if hasattr(m, "x") else y``
        try:
            return _eval_branching(self, node, scope)
        finally:
            self.probing -= 1
    return _eval_branching(self, node, scope)


def _eval_named(self: Interpreter, node: cst.NamedExpr, scope: Scope) -> Value:
    value = self.eval(node.value, scope)
    self.assign(node.target, value, scope)
    return value


def _unknown(self: Interpreter, node: cst.BaseExpression, scope: Scope) -> Value:
    return UNKNOWN_VALUE


_Evaluator = Callable[[Any, Any, Scope], Value]  # (the interpreter, the node, the scope)
# By node class; ``isinstance`` against libcst's abstract classes costs a Python-level call each time.
_EVALUATORS: dict[type, _Evaluator] = {
    cst.Name: lambda self, node, scope: self.eval_name(node, scope),
    cst.Integer: lambda self, node, scope: self.eval_literal(node),
    cst.Float: lambda self, node, scope: self.eval_literal(node),
    cst.Imaginary: lambda self, node, scope: self.eval_literal(node),
    cst.SimpleString: lambda self, node, scope: self.eval_literal(node),
    cst.ConcatenatedString: lambda self, node, scope: self.eval_literal(node),
    cst.Call: lambda self, node, scope: self.eval_call(node, scope),
    cst.Attribute: _eval_attribute,
    cst.Tuple: _eval_sequence,
    cst.List: _eval_sequence,
    cst.Dict: lambda self, node, scope: self.eval_dict(node, scope),
    cst.BinaryOperation: lambda self, node, scope: self.binop(
        node.operator, self.eval(node.left, scope), self.eval(node.right, scope)),
    cst.UnaryOperation: lambda self, node, scope: self.unaryop(node.operator, self.eval(node.expression, scope)),
    cst.Comparison: lambda self, node, scope: self.compare(node, scope),
    cst.BooleanOperation: _eval_probed_branching,
    cst.IfExp: _eval_probed_branching,
    cst.Subscript: lambda self, node, scope: self.subscript(node, scope),
    cst.Lambda: lambda self, node, scope: Function(node, scope),
    cst.ListComp: lambda self, node, scope: self.comprehension(node, scope),
    cst.GeneratorExp: lambda self, node, scope: self.comprehension(node, scope),
    cst.NamedExpr: _eval_named,
}


def _evaluator_of(kind: type) -> _Evaluator:
    """The evaluator of a class not in the table (a subclass of one that is), remembered."""
    found = next((handler for base, handler in _EVALUATORS.items() if issubclass(kind, base)), _unknown)
    _EVALUATORS[kind] = found
    return found


def _eval_branching(self: Interpreter, node: cst.BooleanOperation | cst.IfExp, scope: Scope) -> Value:
    """``a and b``, ``a or b``, ``b if a else c``: the side a known ``a`` selects, else both."""
    if isinstance(node, cst.BooleanOperation):
        left = self.eval(node.left, scope)
        t = truth(left)
        if t is None:
            self.eval(node.right, scope)
            return UNKNOWN_VALUE
        if isinstance(node.operator, cst.And):
            return self.eval(node.right, scope) if t else left
        return left if t else self.eval(node.right, scope)
    t = truth(self.eval(node.test, scope))
    if t is None:
        self.eval(node.body, scope)
        self.eval(node.orelse, scope)
        return UNKNOWN_VALUE
    return self.eval(node.body if t else node.orelse, scope)


def eval_literal(self: Interpreter, node: cst.BaseExpression) -> Value:
    """A number or string literal, evaluated once per node (libcst compiles it each time)."""
    cached = self.literals.get(id(node))
    if cached is None:
        try:
            value = _plain_literal(node)
            if value is _NOT_PLAIN:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # `"\s"`: Python's warning is not ours to print
                    value = node.evaluated_value  # type: ignore[attr-defined]
        except (ValueError, SyntaxError, MemoryError, OverflowError):
            value = None  # e.g. an integer past Python's digit limit
        cached = Const(value) if value is not None else UNKNOWN_VALUE
        self.literals[id(node)] = cached
    return cached


def eval_name(self: Interpreter, node: cst.Name, scope: Scope) -> Value:
    """Look a name up; builtins and the three constants included."""
    name = node.value
    found = scope.lookup(name)
    if found is not None:
        return found
    if name == "True":
        return Const(True)
    if name == "False":
        return Const(False)
    if name == "None":
        return Const(None)
    if name in _BUILTIN_NAMES:
        return Ref(f"builtins.{name}")
    return UNKNOWN_VALUE


def eval_dict(self: Interpreter, node: cst.Dict, scope: Scope) -> Value:
    """A dict literal with constant keys."""
    items: dict[Any, Value] = {}
    for el in node.elements:
        if not isinstance(el, cst.DictElement):
            return UNKNOWN_VALUE
        key = self.eval(el.key, scope)
        value = self.eval(el.value, scope)
        if not isinstance(key, Const):
            return UNKNOWN_VALUE
        items[key.value] = value
    return DictVal(items)


def iterate(self: Interpreter, value: Value) -> Optional[list[Value]]:
    """The items of an iterable value, when they are known."""
    if isinstance(value, Seq):
        return list(value.items)
    if isinstance(value, Const) and isinstance(value.value, str) and len(value.value) <= MAX_UNROLL:
        return [Const(c) for c in value.value]
    if isinstance(value, DictVal):
        return [Const(k) for k in value.items]
    return None


def binop(self: Interpreter, op: cst.CSTNode, left: Value, right: Value) -> Value:
    """Arithmetic on constants, tuple/list concatenation and repetition."""
    if isinstance(op, cst.BaseAugOp):
        op = _AUG_TO_BIN.get(type(op), op)
    fn = _BINOPS.get(type(op))
    if fn is None:
        return UNKNOWN_VALUE
    if isinstance(left, Const) and isinstance(right, Const):
        return _const_binop(fn, left.value, right.value)
    if isinstance(left, Seq) and isinstance(right, Seq) and fn is operator.add:
        if len(left.items) + len(right.items) > MAX_SEQ:
            return UNKNOWN_VALUE
        return Seq(left.items + right.items, left.is_tuple)
    if fn is operator.mul:
        seq, count = (left, right) if isinstance(left, Seq) else (right, left)
        if isinstance(seq, Seq) and isinstance(count, Const) and isinstance(count.value, int):
            if len(seq.items) * max(count.value, 0) > MAX_SEQ:
                return UNKNOWN_VALUE
            return Seq(seq.items * count.value, seq.is_tuple)
    handler = self.overlays.arithmetic.get(type(left)) or self.overlays.arithmetic.get(type(right))
    if handler is not None and isinstance(op, cst.BaseBinaryOp):
        return handler(self, op, left, right)
    return UNKNOWN_VALUE


def unaryop(self: Interpreter, op: cst.BaseUnaryOp, value: Value) -> Value:
    """-x, +x, not x, ~x on constants."""
    if isinstance(op, cst.Not):
        t = truth(value)
        return UNKNOWN_VALUE if t is None else Const(not t)
    if isinstance(value, Const) and isinstance(value.value, (int, float, complex)):
        try:
            if isinstance(op, cst.Minus):
                return Const(-value.value)
            if isinstance(op, cst.Plus):
                return Const(+value.value)
            if isinstance(op, cst.BitInvert) and isinstance(value.value, int):
                return Const(~value.value)
        except Exception:
            return UNKNOWN_VALUE
    if isinstance(value, Tensor) and isinstance(op, (cst.Minus, cst.Plus)):
        return value
    return UNKNOWN_VALUE


def compare(self: Interpreter, node: cst.Comparison, scope: Scope) -> Value:
    """Chained comparisons of constants."""
    left = self.eval(node.left, scope)
    result: Optional[bool] = True
    for target in node.comparisons:
        right = self.eval(target.comparator, scope)
        outcome = self.compare_one(target.operator, left, right)
        if outcome is None:
            result = None
        elif outcome is False and result is not None:
            return Const(False)
        left = right
    return UNKNOWN_VALUE if result is None else Const(True)


def compare_one(self: Interpreter, op: cst.BaseCompOp, left: Value, right: Value) -> Optional[bool]:
    """One comparison of a chain, when both sides say."""
    if isinstance(op, (cst.In, cst.NotIn)):
        items = self.iterate(right)
        if items is None or not isinstance(left, Const) or not all(isinstance(i, Const) for i in items):
            return None
        found = any(i.value == left.value for i in items)  # type: ignore[attr-defined]
        return found if isinstance(op, cst.In) else not found
    if isinstance(left, Const) and isinstance(right, Const):
        fn = _COMPARE.get(type(op))
        if fn is None:
            return None
        if fn in (operator.is_, operator.is_not):
            if left.value is None or right.value is None or isinstance(left.value, bool):
                same = left.value is right.value or (left.value == right.value and type(left.value) is type(right.value))
                return same if fn is operator.is_ else not same
            return None
        try:
            return bool(fn(left.value, right.value))
        except Exception:
            return None
    if isinstance(op, (cst.Is, cst.IsNot)) and isinstance(right, Const) and right.value is None:
        if isinstance(left, (Layer, Model, Tensor, Seq, Function, Ref, ClassVal, DictVal)):
            return isinstance(op, cst.IsNot)
    return None


def subscript(self: Interpreter, node: cst.Subscript, scope: Scope) -> Value:
    """Indexing and slicing of known tuples, lists, strings and dicts."""
    obj = self.eval(node.value, scope)
    handler = self.overlays.subscripts.get(type(obj))
    if handler is not None:
        return handler(self, obj, node, scope)
    if len(node.slice) != 1:
        for el in node.slice:
            self.eval_slice_part(el.slice, scope)
        if isinstance(obj, Seq):
            kind = "tuple" if obj.is_tuple else "list"
            self.emit(NumpyProblem(
                f"a Python {kind} cannot be indexed with a tuple (`TypeError: {kind} indices must be integers "
                f"or slices, not tuple`); convert it with `np.array(...)` first", node))
        return UNKNOWN_VALUE
    part = node.slice[0].slice
    if isinstance(part, cst.Index):
        key = self.eval(part.value, scope)
        if isinstance(obj, DictVal) and isinstance(key, Const):
            return obj.items.get(key.value, UNKNOWN_VALUE)
        if isinstance(obj, (Seq, Const)) and isinstance(key, Const) and isinstance(key.value, int) \
                and not isinstance(key.value, bool):
            seq = obj.items if isinstance(obj, Seq) else obj.value
            if isinstance(seq, (list, str)) and -len(seq) <= key.value < len(seq):
                item = seq[key.value]
                return Const(item) if isinstance(item, str) else item  # type: ignore[return-value]
            return UNKNOWN_VALUE
        return UNKNOWN_VALUE
    if not isinstance(part, cst.Slice):
        return UNKNOWN_VALUE
    bounds = [self.slice_bound_value(b, scope) for b in (part.lower, part.upper, part.step)]
    if isinstance(obj, Seq) and all(b is not UNKNOWN for b in bounds):
        try:
            return Seq(obj.items[slice(*bounds)], obj.is_tuple)
        except (TypeError, ValueError):
            return UNKNOWN_VALUE
    return UNKNOWN_VALUE


def eval_slice_part(self: Interpreter, part: cst.BaseSlice, scope: Scope) -> None:
    """Evaluate an index expression for what it does (its value is not needed)."""
    if isinstance(part, cst.Index):
        self.eval(part.value, scope)


def slice_bound_value(self: Interpreter, node: Optional[cst.BaseExpression], scope: Scope) -> Any:
    """A slice bound: an int, None, or UNKNOWN."""
    if node is None:
        return None
    value = self.eval(node, scope)
    if isinstance(value, Const) and (value.value is None or isinstance(value.value, int)):
        return value.value
    return UNKNOWN


def comprehension(self: Interpreter, node: cst.ListComp | cst.GeneratorExp, scope: Scope) -> Value:
    """A list comprehension with one ``for`` over a known iterable."""
    clause = node.for_in
    items = self.iterate(self.eval(clause.iter, scope))
    if items is None or clause.inner_for_in is not None or len(items) > MAX_UNROLL:
        return UNKNOWN_VALUE
    inner = Scope(scope)
    results: list[Value] = []
    for item in items:
        self.assign(clause.target, item, inner)
        keep = True
        for cond in clause.ifs:
            t = truth(self.eval(cond.test, inner))
            if t is None:
                return UNKNOWN_VALUE
            keep = keep and t
        if keep:
            results.append(self.eval(node.elt, inner))
    return Seq(results, is_tuple=False)


def _const_binop(fn: Callable[[Any, Any], Any], left: Any, right: Any) -> Value:
    """Arithmetic on two constants, unknown when the result would be huge.

    The size of the result is bounded before it is computed, so ``x = x * x``
    in a loop, ``"a" * 10**10`` or ``9 ** 64 ** 64`` cost nothing.
    """
    if fn is operator.pow and isinstance(right, int) and abs(right) > 64:
        return UNKNOWN_VALUE
    if _too_big(fn, left, right):
        return UNKNOWN_VALUE
    try:
        result = fn(left, right)
    except Exception:
        return UNKNOWN_VALUE
    if isinstance(result, (str, bytes)) and len(result) > MAX_SEQ:
        return UNKNOWN_VALUE
    if isinstance(result, int) and result.bit_length() > MAX_INT_BITS:
        return UNKNOWN_VALUE
    return Const(result)


def _too_big(fn: Callable[[Any, Any], Any], left: Any, right: Any) -> bool:
    """True when ``fn(left, right)`` would be a number or string past the limits."""
    ints = isinstance(left, int) and isinstance(right, int)
    if fn is operator.mul:
        if ints:
            return left.bit_length() + right.bit_length() > MAX_INT_BITS
        for seq, count in ((left, right), (right, left)):
            if isinstance(seq, (str, bytes, tuple, list)) and isinstance(count, int):
                return len(seq) * max(count, 0) > MAX_SEQ
    if fn is operator.pow and ints and right > 0 and abs(left) > 1:
        return left.bit_length() * right > MAX_INT_BITS
    if fn is operator.mod and isinstance(left, (str, bytes)):
        text = left.decode("latin-1") if isinstance(left, bytes) else left
        return _WIDE_FORMAT.search(text) is not None
    return False


_WIDE_FORMAT = re.compile(r"%(\([^)]*\))?[-#0 +]*(\*|\d{5,}|\d*\.(\*|\d{5,}))")


_NOT_PLAIN = object()


def _plain_literal(node: cst.BaseExpression) -> Any:
    """The value of an int, float or escape-free string literal, read directly.

    libcst's ``evaluated_value`` compiles each literal with CPython's parser;
    the common literals need none of that.  Anything else is ``_NOT_PLAIN``.
    """
    if isinstance(node, cst.Integer):
        return int(node.value, 0)
    if isinstance(node, cst.Float):
        return float(node.value)
    if isinstance(node, cst.SimpleString):
        prefix = node.prefix.lower()
        body = node.raw_value
        if prefix in ("", "u") and "\\" not in body:
            return body
        if prefix == "r":
            return body
    return _NOT_PLAIN

