"""Python's builtins and the methods of lists, dicts and strings, for the interpreter.

The few builtins whose results matter for shapes (``range``, ``len``,
``isinstance``, ``zip``...) are computed on known values; the list methods
that build up layer lists (``append``, ``extend``, ``insert``) are followed.
Any other builtin that may change its arguments makes the models among them
opaque.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Optional

import libcst as cst

from shapecheck.engine.arguments import Arguments
from shapecheck.engine.calls import forget
from shapecheck.engine.overlay import OVERLAYS
from shapecheck.engine.scope import MAX_SEQ
from shapecheck.engine.values import UNKNOWN_VALUE, Array, Const, DictVal, Ref, Seq, Value

if TYPE_CHECKING:
    from shapecheck.engine.interpreter import Interpreter

# Functions known not to change the objects passed to them.
_PURE_BUILTINS = frozenset(
    "print len isinstance str repr int float bool type id hash sorted list tuple max min sum abs round".split()
)

_PLAIN_TYPES: dict[str, type] = {"builtins.int": int, "builtins.float": float, "builtins.str": str,
                                 "builtins.bool": bool}
_KNOWN_KINDS = ("builtins.list", "builtins.tuple", "builtins.dict", "numpy.ndarray") + tuple(_PLAIN_TYPES)


def _isinstance(value: Value, cls: Value) -> Optional[bool]:
    """``isinstance(value, cls)`` for plain Python and numpy types, when the value says; else None.

    Code like ``if not isinstance(a, np.ndarray): continue`` then takes the
    path Python takes, instead of both.
    """
    if isinstance(cls, Seq) and cls.is_tuple:
        verdicts = [_isinstance(value, item) for item in cls.items]
        if any(v is True for v in verdicts):
            return True
        return False if verdicts and all(v is False for v in verdicts) else None
    if not isinstance(cls, Ref) or cls.path not in _KNOWN_KINDS:
        return None
    path = cls.path
    if isinstance(value, Array):
        return path == "numpy.ndarray"
    if isinstance(value, Seq):
        # a list here may stand for a range, zip or enumerate object: only "not an array" is sure
        return False if path in ("numpy.ndarray", "builtins.dict") or path in _PLAIN_TYPES else None
    if isinstance(value, DictVal):
        return path == "builtins.dict"
    if isinstance(value, Const):
        plain = _PLAIN_TYPES.get(path)
        return isinstance(value.value, plain) if plain is not None else False
    return None


@OVERLAYS.call("builtins")
def call_builtin(interp: Interpreter, path: str, args: Arguments, node: cst.Call) -> Value:
    """The few builtins whose results matter for shapes."""
    name = path[len("builtins."):]
    pos = args.positional
    if name not in _PURE_BUILTINS and name not in ("range", "enumerate", "zip"):
        forget(args.values())
    if name == "range" and args.complete and 1 <= len(pos) <= 3 and all(
        isinstance(p, Const) and isinstance(p.value, int) and not isinstance(p.value, bool) for p in pos
    ):
        bounds = [p.value for p in pos]  # type: ignore[attr-defined]
        try:
            r = range(*bounds)
            if len(r) > 10_000:
                return UNKNOWN_VALUE
        except (ValueError, OverflowError):  # a zero step, or more items than an index holds
            return UNKNOWN_VALUE
        return Seq([Const(i) for i in r], is_tuple=False)
    if name == "isinstance" and len(pos) == 2 and args.complete:
        verdict = _isinstance(pos[0], pos[1])
        return UNKNOWN_VALUE if verdict is None else Const(verdict)
    if name == "len" and len(pos) == 1 and isinstance(pos[0], Array):
        dims = pos[0].shape.dims
        first = dims[0] if dims else None
        return Const(first) if isinstance(first, int) else UNKNOWN_VALUE
    if name == "len" and len(pos) == 1:
        items = interp.iterate(pos[0])
        if items is not None:
            return Const(len(items))
        return UNKNOWN_VALUE
    if name in ("int", "float") and len(pos) == 1 and isinstance(pos[0], Const):
        try:
            return Const(int(pos[0].value) if name == "int" else float(pos[0].value))  # type: ignore[arg-type]
        except (TypeError, ValueError, OverflowError):
            return UNKNOWN_VALUE
    if name in ("tuple", "list") and len(pos) == 1:
        items = interp.iterate(pos[0])
        if items is not None:
            return Seq(items, is_tuple=name == "tuple")
        return UNKNOWN_VALUE
    if name in ("tuple", "list") and not pos:
        return Seq([], is_tuple=name == "tuple")
    if name in ("max", "min", "sum", "abs", "round") and pos:
        values = interp.iterate(pos[0]) if len(pos) == 1 and name != "abs" and name != "round" else pos
        if values and all(isinstance(v, Const) and isinstance(v.value, (int, float)) for v in values):
            nums = [v.value for v in values]  # type: ignore[attr-defined]
            reducers: dict[str, Callable[[list[Any]], Any]] = {"max": max, "min": min, "sum": sum}
            if name in reducers:
                return Const(reducers[name](nums))
            if name == "abs" and len(nums) == 1:
                return Const(abs(nums[0]))
        return UNKNOWN_VALUE
    if name == "enumerate" and len(pos) == 1:
        items = interp.iterate(pos[0])
        if items is not None:
            return Seq([Seq([Const(i), v]) for i, v in enumerate(items)], is_tuple=False)
    if name == "zip" and pos:
        lists = [interp.iterate(p) for p in pos]
        if all(items is not None for items in lists):
            return Seq([Seq(list(group)) for group in zip(*lists)], is_tuple=False)  # type: ignore[arg-type]
    return UNKNOWN_VALUE


@OVERLAYS.method(Seq, DictVal, Const)
def container_method(interp: Interpreter, receiver: Any, method: str, args: Arguments, node: cst.Call,
                     method_node: cst.CSTNode) -> Value:
    """``layers.append(...)``, ``config.get(...)``, ``"a".upper()`` and the like."""
    if isinstance(receiver, Seq) and not receiver.is_tuple:
        return list_method(interp, receiver, method, args)
    if isinstance(receiver, Const) and isinstance(receiver.value, str):
        return UNKNOWN_VALUE
    if isinstance(receiver, DictVal):
        if method == "get" and args.positional and isinstance(args.positional[0], Const):
            default = args.positional[1] if len(args.positional) > 1 else Const(None)
            return receiver.items.get(args.positional[0].value, default)
        if method in ("update", "pop", "setdefault", "clear", "popitem"):
            receiver.items.clear()
            forget(args.values())
        return UNKNOWN_VALUE
    forget(args.values())
    return UNKNOWN_VALUE


def list_method(interp: Interpreter, seq: Seq, method: str, args: Arguments) -> Value:
    """Python list methods that matter when layer lists are built up."""
    if method in ("append", "extend", "insert") and len(seq.items) >= MAX_SEQ:
        seq.items = [UNKNOWN_VALUE]  # a list this long is built by a loop we cannot follow anyway
    elif method == "append" and len(args.positional) == 1:
        seq.items.append(args.positional[0])
    elif method == "extend" and len(args.positional) == 1:
        items = interp.iterate(args.positional[0])
        if items is None or len(seq.items) + len(items) > MAX_SEQ:
            seq.items = [UNKNOWN_VALUE]
        else:
            seq.items.extend(items)
    elif method == "insert" and len(args.positional) == 2 and isinstance(args.positional[0], Const) \
            and isinstance(args.positional[0].value, int):
        seq.items.insert(args.positional[0].value, args.positional[1])
    elif method in ("pop", "remove", "clear", "sort", "reverse", "insert"):
        seq.items = [UNKNOWN_VALUE]
    return UNKNOWN_VALUE if method != "copy" else Seq(list(seq.items), is_tuple=False)
