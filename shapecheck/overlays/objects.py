"""Objects of data libraries, for the interpreter: dispatch by the object's kind.

A :class:`~shapecheck.engine.values.LibObject` is a DataFrame, a scaler, a
Bunch, an image generator...; the overlay that makes one registers what its
methods, attributes and indexing do under its dotted kind (``"pandas.DataFrame"``)
or a prefix of it (``"sklearn"``), and this module routes the interpreter's
method calls, attribute reads and subscripts there.  A kind nobody handles
answers unknown, and an attribute kept in ``attrs`` is read as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Optional, TypeVar

import libcst as cst

from shapecheck.engine.arguments import Arguments
from shapecheck.engine.calls import forget
from shapecheck.engine.overlay import OVERLAYS
from shapecheck.engine.values import UNKNOWN_VALUE, Const, LibObject, Value

if TYPE_CHECKING:
    from shapecheck.engine.interpreter import Interpreter
    from shapecheck.engine.scope import Scope

ObjectMethod = Callable[["Interpreter", LibObject, str, Arguments, cst.Call], Value]
ObjectAttribute = Callable[["Interpreter", LibObject, str], Value]
ObjectSubscript = Callable[["Interpreter", LibObject, cst.Subscript, "Scope"], Value]

METHODS: dict[str, ObjectMethod] = {}
ATTRIBUTES: dict[str, ObjectAttribute] = {}
SUBSCRIPTS: dict[str, ObjectSubscript] = {}

F = TypeVar("F")


def _register(table: dict[str, Any], kinds: tuple[str, ...]) -> Callable[[F], F]:
    def register(fn: F) -> F:
        for k in kinds:
            table[k] = fn
        return fn

    return register


def methods(*kinds: str) -> Callable[[ObjectMethod], ObjectMethod]:
    """Register the decorated handler for method calls on objects of these kinds (or kind prefixes)."""
    return _register(METHODS, kinds)


def attributes(*kinds: str) -> Callable[[ObjectAttribute], ObjectAttribute]:
    """Register the decorated handler for attribute reads on objects of these kinds."""
    return _register(ATTRIBUTES, kinds)


def subscripts(*kinds: str) -> Callable[[ObjectSubscript], ObjectSubscript]:
    """Register the decorated handler for indexing objects of these kinds."""
    return _register(SUBSCRIPTS, kinds)


def find(table: dict[str, F], kind: str) -> Optional[F]:
    """The handler registered for the longest dotted prefix of ``kind``."""
    probe = kind
    while probe:
        found = table.get(probe)
        if found is not None:
            return found
        probe = probe.rpartition(".")[0]
    return None


def as_int(value: Value) -> Optional[int]:
    """An int constant's value (bools are not ints here), else None."""
    if isinstance(value, Const) and isinstance(value.value, int) and not isinstance(value.value, bool):
        return value.value
    return None


@OVERLAYS.method(LibObject)
def object_method(interp: Interpreter, obj: Any, method: str, args: Arguments, node: cst.Call,
                  method_node: cst.CSTNode) -> Value:
    """``scaler.fit_transform(x)``, ``df.to_numpy()``: the handler for the object's kind."""
    handler = find(METHODS, obj.kind)
    if handler is None:
        forget(args.values())
        return UNKNOWN_VALUE
    return handler(interp, obj, method, args, node)


@OVERLAYS.attribute(LibObject)
def object_attribute(interp: Interpreter, obj: Any, attr: str) -> Value:
    """``bunch.data``, ``df.values``: a kept attribute, else the handler for the object's kind."""
    if attr in obj.attrs and isinstance(obj.attrs[attr], Value):
        return obj.attrs[attr]  # type: ignore[no-any-return]
    handler = find(ATTRIBUTES, obj.kind)
    return handler(interp, obj, attr) if handler is not None else UNKNOWN_VALUE


@OVERLAYS.subscript(LibObject)
def object_subscript(interp: Interpreter, obj: Any, node: cst.Subscript, scope: Scope) -> Value:
    """``df[["a", "b"]]``, ``df.iloc[:, 1:]``, ``bunch["data"]``: the handler for the object's kind."""
    handler = find(SUBSCRIPTS, obj.kind)
    if handler is not None:
        return handler(interp, obj, node, scope)
    if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
        key = interp.eval(node.slice[0].slice.value, scope)
        if isinstance(key, Const) and isinstance(key.value, str) and isinstance(obj.attrs.get(key.value), Value):
            return obj.attrs[key.value]  # type: ignore[no-any-return]
    for element in node.slice:
        interp.eval_slice_part(element.slice, scope)
    return UNKNOWN_VALUE
