"""The overlay registry: where the interpreter finds a library's semantics.

pytype's design: the interpreter core knows Python (statements, expressions,
scopes, user functions); what a library call, method, attribute or operator
does lives in an *overlay* module that registers handlers here, keyed by the
canonical dotted path it handles (``keras``, ``numpy``, ``sklearn``...) or by
the abstract value type it gives meaning to (a ``Layer`` called on a tensor,
an ``Array``'s methods).  The core looks handlers up by path or type and never
imports an overlay module; :func:`load` imports the overlay package once,
which registers every overlay in it.

An overlay's handler may always answer unknown; the core then goes on as for
any unknown value.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Callable, Optional, TypeVar

import libcst as cst

from shapecheck.engine.values import Value

if TYPE_CHECKING:
    from shapecheck.engine.arguments import Arguments
    from shapecheck.engine.interpreter import Interpreter
    from shapecheck.engine.scope import Scope

OVERLAY_PACKAGES = ("shapecheck.overlays",)
"""Packages whose import registers overlays (each imports its overlay modules)."""

CallHandler = Callable[["Interpreter", str, "Arguments", cst.Call], Value]
"""Calls ``path(...)``: interp, canonical path, arguments, call node."""
MethodHandler = Callable[["Interpreter", Any, str, "Arguments", cst.Call, cst.CSTNode], Value]
"""Calls ``value.method(...)``: interp, receiver, method name, arguments, call node, method-name node."""
AttributeHandler = Callable[["Interpreter", Any, str], Value]
"""Reads ``value.attr``."""
SubscriptHandler = Callable[["Interpreter", Any, cst.Subscript, "Scope"], Value]
"""Reads ``value[...]`` (the handler evaluates the index itself)."""
ValueCallHandler = Callable[["Interpreter", Any, "Arguments", cst.Call], Value]
"""Calls a value itself, ``value(...)`` (a layer or a model on tensors)."""
ArithmeticHandler = Callable[["Interpreter", cst.BaseBinaryOp, Value, Value], Value]
"""``left op right`` where either side is of the registered type."""
Canonicalizer = Callable[[str], str]
"""Maps a dotted path to the library's canonical spelling (``tensorflow.keras.layers`` -> ``keras.layers``)."""
NameObserver = Callable[["Interpreter", str, cst.CSTNode, str], None]
"""Told of every dotted path the script names (imports and attribute chains): canonical path, node, written path."""
ClassKind = Callable[[list[Value]], Optional[str]]
"""What a class deriving from these bases is to a library (``"model"``, ``"layer"``), or None."""
InstanceMethod = Callable[["Interpreter", Any, str, cst.Call, "Scope"], Optional[Value]]
"""A method a library base class gives a script-defined subclass (None: not one it knows)."""

F = TypeVar("F")


class Overlays:
    """Every registered handler, by path prefix or value type."""

    def __init__(self) -> None:
        self.calls: dict[str, CallHandler] = {}
        self.methods: dict[type, MethodHandler] = {}
        self.attributes: dict[type, AttributeHandler] = {}
        self.subscripts: dict[type, SubscriptHandler] = {}
        self.value_calls: dict[type, ValueCallHandler] = {}
        self.arithmetic: dict[type, ArithmeticHandler] = {}
        self.canonicalizers: list[Canonicalizer] = []
        self.name_observers: list[NameObserver] = []
        self.class_kinds: list[ClassKind] = []
        self.instance_methods: list[InstanceMethod] = []
        self.star_names: dict[str, tuple[str, ...]] = {}
        self.eager_decorators: set[str] = set()  # paths of decorators whose function runs on real tensors  # by canonical or written module path

    # ------------------------------------------------------------ registering
    def call(self, *prefixes: str) -> Callable[[CallHandler], CallHandler]:
        """Register the decorated handler for calls to paths under each dotted prefix."""

        def register(fn: CallHandler) -> CallHandler:
            for prefix in prefixes:
                self.calls[prefix] = fn
            return fn

        return register

    def method(self, *types: type) -> Callable[[MethodHandler], MethodHandler]:
        """Register the decorated handler for method calls on values of ``types``."""
        return self._by_type(self.methods, types)

    def attribute(self, *types: type) -> Callable[[AttributeHandler], AttributeHandler]:
        """Register the decorated handler for attribute reads on values of ``types``."""
        return self._by_type(self.attributes, types)

    def subscript(self, *types: type) -> Callable[[SubscriptHandler], SubscriptHandler]:
        """Register the decorated handler for indexing values of ``types``."""
        return self._by_type(self.subscripts, types)

    def value_call(self, *types: type) -> Callable[[ValueCallHandler], ValueCallHandler]:
        """Register the decorated handler for calling values of ``types``."""
        return self._by_type(self.value_calls, types)

    def operator(self, *types: type) -> Callable[[ArithmeticHandler], ArithmeticHandler]:
        """Register the decorated handler for arithmetic with a value of ``types`` on either side."""
        return self._by_type(self.arithmetic, types)

    @staticmethod
    def _by_type(table: dict[type, Any], types: tuple[type, ...]) -> Callable[[F], F]:
        def register(fn: F) -> F:
            for kind in types:
                table[kind] = fn
            return fn

        return register

    # ---------------------------------------------------------------- lookups
    def find_call(self, path: str) -> Optional[CallHandler]:
        """The handler registered for the longest prefix of ``path`` (whole dotted parts)."""
        probe = path
        while probe:
            handler = self.calls.get(probe)
            if handler is not None:
                return handler
            probe = probe.rpartition(".")[0]
        return None

    def canonical(self, path: str) -> str:
        """``path`` in every library's canonical spelling."""
        for fn in self.canonicalizers:
            path = fn(path)
        return path

    def observe_name(self, interp: "Interpreter", path: str, node: cst.CSTNode, written: str) -> None:
        """Tell the overlays the script names ``path`` (spelled ``written``) at ``node``."""
        for fn in self.name_observers:
            fn(interp, path, node, written)

    def class_kind(self, bases: list[Value]) -> Optional[str]:
        """What a library makes of a class with these bases (first overlay that knows)."""
        for fn in self.class_kinds:
            kind = fn(bases)
            if kind is not None:
                return kind
        return None


OVERLAYS = Overlays()
"""The registry every overlay module registers into."""

_loaded = False


def load() -> Overlays:
    """The registry, after importing the overlay packages once."""
    global _loaded
    if not _loaded:
        _loaded = True
        for package in OVERLAY_PACKAGES:
            importlib.import_module(package)
    return OVERLAYS
