"""Scopes, control flow and budgets of the interpreter core, and syntactic helpers.

What a ``Scope`` holds, how a fork of one is compared with the original after
a speculative branch, the exceptions that carry ``return``/``break``/
``continue`` through the interpreter, the budgets that bound the work on
pathological input, and the few questions asked of the syntax tree alone
(which names a statement binds, whether a function is a generator).
"""

from __future__ import annotations

import copy
from typing import Optional, Sequence

import libcst as cst

from shapecheck.engine.values import (
    ClassVal,
    Const,
    Function,
    Generator,
    Layer,
    Model,
    Ref,
    Seq,
    Tensor,
    Value,
)

MAX_UNROLL = 256
MAX_CALL_DEPTH = 8
MAX_STEPS = 50_000  # real scripts use a few thousand; the rest of a file past this is not analysed
STEPS_PER_STATEMENT = 20  # more budget for each top-level statement: long files are analysed to the end
MAX_STATEMENT_STEPS = 25_000  # one top-level statement or function past this is cut off, and the next one runs
MAX_SEQ = 10_000  # items of a list or tuple, characters of a string
MAX_INT_BITS = 4_096  # larger integers are unknown: no shape needs them

class BudgetExceeded(Exception):
    """The interpreter ran out of steps; the rest of the file is not analysed."""


class StatementBudgetExceeded(BudgetExceeded):
    """One top-level statement (or uncalled function) ran out of steps; it is cut off."""


class AnalysisCancelled(BaseException):
    """Whoever asked for the analysis no longer wants it (an editor sent a newer text).

    A BaseException, as KeyboardInterrupt is: no handler for failed inference may swallow it.
    """


# How many interpreter steps pass between two looks at whether the analysis was cancelled.
CANCEL_CHECK_STEPS = 512


class FunctionReturn(Exception):
    """``return``: carries the value out of the function body."""

    def __init__(self, value: Value) -> None:
        self.value = value


class LoopBreak(Exception):
    """``break``."""


class LoopContinue(Exception):
    """``continue``."""


class GeneratorFrame:
    """What one run of a generator function yielded."""

    def __init__(self) -> None:
        self.items: list[Value] = []
        self.count = 0
        self.uncertain = False
        self.endless = False


class Scope:
    """A namespace: module globals, or one function call's locals."""

    def __init__(self, parent: Optional["Scope"] = None) -> None:
        self.vars: dict[str, Value] = {}
        self.parent = parent

    def lookup(self, name: str) -> Optional[Value]:
        """The value bound to ``name`` here or in an enclosing scope."""
        scope: Optional[Scope] = self
        while scope is not None:
            if name in scope.vars:
                return scope.vars[name]
            scope = scope.parent
        return None

    def fork(self) -> "Scope":
        """A copy whose own bindings can change without touching this scope.

        Models and lists are copied too, because ``model.add`` and
        ``list.append`` change them in place.
        """
        other = Scope(self.parent)
        memo: dict[int, Value] = {}
        other.vars = {k: clone_value(v, memo) for k, v in self.vars.items()}
        return other


def clone_value(value: Value, memo: dict[int, Value]) -> Value:
    if id(value) in memo:
        return memo[id(value)]
    if isinstance(value, Model):
        clone = copy.copy(value)
        clone.layers = list(value.layers)
        clone.steps = list(value.steps)
        memo[id(value)] = clone
        return clone
    if isinstance(value, Seq) and not value.is_tuple:
        clone_seq = Seq([], is_tuple=False)
        memo[id(value)] = clone_seq
        clone_seq.items = [clone_value(v, memo) for v in value.items]
        return clone_seq
    return value


def value_changed(before: Value, after: Value, depth: int = 0, seen: Optional[set[tuple[int, int]]] = None) -> bool:
    """True when a fork's binding differs from the original one.

    Each pair of lists is compared once (lists may share or contain
    themselves); lists nested deeper than a few levels count as changed,
    which only makes them unknown.
    """
    if before is after:
        return False
    if depth > 16:
        return True
    if isinstance(before, Model) and isinstance(after, Model):
        return (
            before.layers != after.layers
            or len(before.steps) != len(after.steps)
            or before.output is not after.output
            or before.opaque != after.opaque
            or before.compiled != after.compiled
        )
    if isinstance(before, Seq) and isinstance(after, Seq) and not before.is_tuple:
        seen = set() if seen is None else seen
        if (id(before), id(after)) in seen:
            return False  # compared already, or being compared further up
        seen.add((id(before), id(after)))
        return len(before.items) != len(after.items) or any(
            value_changed(a, b, depth + 1, seen) for a, b in zip(before.items, after.items)
        )
    return True


def truth(value: Value) -> Optional[bool]:
    """The truth value of ``value`` when known."""
    if isinstance(value, Const):
        return bool(value.value)
    if isinstance(value, Seq):
        return bool(value.items)
    if isinstance(value, (Layer, Model, Tensor, Function, ClassVal, Ref)):
        return True
    return None


def assigned_names(node: cst.CSTNode) -> set[str]:
    """Names a statement (or block) may bind, found syntactically."""
    names: set[str] = set()

    class _Collector(cst.CSTVisitor):
        def visit_AssignTarget(self, n: cst.AssignTarget) -> None:
            _target_names(n.target, names)

        def visit_AugAssign(self, n: cst.AugAssign) -> None:
            _target_names(n.target, names)

        def visit_AnnAssign(self, n: cst.AnnAssign) -> None:
            _target_names(n.target, names)

        def visit_For(self, n: cst.For) -> None:
            _target_names(n.target, names)

        def visit_NamedExpr(self, n: cst.NamedExpr) -> None:
            _target_names(n.target, names)

        def visit_AsName(self, n: cst.AsName) -> None:
            _target_names(n.name, names)

        def visit_FunctionDef(self, n: cst.FunctionDef) -> bool:
            names.add(n.name.value)
            return False

        def visit_ClassDef(self, n: cst.ClassDef) -> bool:
            names.add(n.name.value)
            return False

        def visit_ImportAlias(self, n: cst.ImportAlias) -> None:
            if n.asname is None:
                names.add(dotted(n.name).split(".")[0])

    node.visit(_Collector())
    return names


def _target_names(target: cst.BaseExpression, names: set[str]) -> None:
    if isinstance(target, cst.Name):
        names.add(target.value)
    elif isinstance(target, (cst.Tuple, cst.List)):
        for el in target.elements:
            _target_names(el.value, names)
    elif isinstance(target, cst.StarredElement):
        _target_names(target.value, names)

def dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{dotted(node.value)}.{node.attr.value}"
    return ""


_MISSING_NAME_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "AttributeError", "Exception",
                                  "BaseException"})


def catches_missing_names(stmt: cst.Try | cst.TryStar) -> bool:
    """True when a handler catches what a missing module or attribute raises (a bare ``except`` too)."""
    for handler in stmt.handlers:
        kind = handler.type
        if kind is None:
            return True
        kinds = [el.value for el in kind.elements] if isinstance(kind, cst.Tuple) else [kind]
        for item in kinds:
            name = item.attr.value if isinstance(item, cst.Attribute) else getattr(item, "value", None)
            if name in _MISSING_NAME_ERRORS:
                return True
    return False


def generator_value(fn: Function, frame: GeneratorFrame) -> Generator:
    return Generator(fn, frame.items, None if frame.uncertain or frame.endless else frame.count, frame.endless)


def assigned_names_of_target(target: cst.BaseExpression) -> set[str]:
    """Names bound by a ``del`` or assignment target."""
    names: set[str] = set()
    _target_names(target, names)
    return names


def is_generator(node: cst.FunctionDef, cache: dict[int, bool]) -> bool:
    """True when the function body has a ``yield`` statement (outside nested functions).

    Only statement-level yields are looked for (``yield x``, ``y = yield x``),
    which is where generators put them; the walk is over statements only, so
    it stays cheap on large functions.
    """
    cached = cache.get(id(node))
    if cached is None:
        cached = cache[id(node)] = has_yield(node.body.body)
    return cached


def has_yield(body: Sequence[cst.CSTNode]) -> bool:
    for stmt in body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                value = getattr(small, "value", None)
                if isinstance(value, cst.Yield):
                    return True
        elif isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            continue
        else:
            for suite in suites(stmt):
                if has_yield(suite.body):
                    return True
    return False


def suites(stmt: cst.CSTNode) -> list[cst.BaseSuite]:
    """The blocks directly inside a compound statement."""
    found: list[cst.BaseSuite] = []
    body = getattr(stmt, "body", None)
    if isinstance(body, cst.BaseSuite):
        found.append(body)
    for handler in getattr(stmt, "handlers", ()) or ():
        found.append(handler.body)
    for case in getattr(stmt, "cases", ()) or ():
        found.append(case.body)
    for attr in ("orelse", "finalbody"):
        other = getattr(stmt, attr, None)
        if isinstance(other, cst.If):
            found.extend(suites(other))
        elif other is not None and isinstance(getattr(other, "body", None), cst.BaseSuite):
            found.append(other.body)
    return found


_SKIPPED = (cst.BaseParenthesizableWhitespace, cst.Comma, cst.LeftParen, cst.RightParen, cst.Dot,
            cst.AssignEqual, cst.Colon, cst.LeftSquareBracket, cst.RightSquareBracket, cst.LeftCurlyBrace,
            cst.RightCurlyBrace)
_FIELDS: dict[type, tuple[str, ...]] = {}


def child_nodes(node: cst.CSTNode) -> list[cst.CSTNode]:
    """A node's child nodes, punctuation and whitespace left out, read from its dataclass fields.

    libcst's ``children`` runs a visitor for each call, which costs more than a
    whole walk of this kind.
    """
    kind = type(node)
    fields = _FIELDS.get(kind)
    if fields is None:
        fields = _FIELDS[kind] = tuple(name for name in kind.__dataclass_fields__
                                       if not name.startswith(("whitespace", "lpar", "rpar")))
    found: list[cst.CSTNode] = []
    for name in fields:
        value = getattr(node, name)
        if isinstance(value, (list, tuple)):
            found.extend(v for v in value if _is_child(type(v)))
        elif _is_child(type(value)):
            found.append(value)
    return found


# Per class: a child node (True) or not (punctuation, whitespace, or not a node), remembered
# because ``isinstance`` against libcst's abstract classes is a Python-level call each time.
_CHILD_KINDS: dict[type, bool] = {}


def _is_child(kind: type) -> bool:
    known = _CHILD_KINDS.get(kind)
    if known is None:
        known = _CHILD_KINDS[kind] = issubclass(kind, cst.CSTNode) and not issubclass(kind, _SKIPPED)
    return known
