"""The abstract interpreter: runs a script's statements over abstract values.

It walks the libcst tree top-down once, keeping an environment of
:mod:`shapecheck.engine.values`.  Keras calls are delegated to
:mod:`shapecheck.overlays.keras`; everything it does not understand becomes
:data:`~shapecheck.engine.values.UNKNOWN_VALUE`.  Branches on unknown conditions,
loops over unknown iterables and exception handlers run on a copy of the
environment, and whatever they change becomes unknown afterwards, so no path
the script may not take can produce a finding.  Budgets bound the work on
pathological input.
"""

from __future__ import annotations

import copy
import os
import operator
import re
import warnings
from typing import Any, Callable, Iterable, Optional, Sequence

import libcst as cst

from shapecheck.engine.events import NumpyProblem
from shapecheck.shapes.dims import UNKNOWN, Shape, is_known
from shapecheck.engine.values import (
    UNKNOWN_VALUE,
    Array,
    Generator,
    ClassVal,
    Const,
    DictVal,
    Function,
    Instance,
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

Emit = Callable[[Any], None]


class BudgetExceeded(Exception):
    """The interpreter ran out of steps; the rest of the file is not analysed."""


class StatementBudgetExceeded(BudgetExceeded):
    """One top-level statement (or uncalled function) ran out of steps; it is cut off."""


class _Return(Exception):
    def __init__(self, value: Value) -> None:
        self.value = value


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class _GeneratorFrame:
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
        other.vars = {k: _clone(v, memo) for k, v in self.vars.items()}
        return other


def _clone(value: Value, memo: dict[int, Value]) -> Value:
    if id(value) in memo:
        return memo[id(value)]
    if isinstance(value, Model):
        clone = copy.copy(value)
        clone.layers = list(value.layers)
        memo[id(value)] = clone
        return clone
    if isinstance(value, Seq) and not value.is_tuple:
        clone_seq = Seq([], is_tuple=False)
        memo[id(value)] = clone_seq
        clone_seq.items = [_clone(v, memo) for v in value.items]
        return clone_seq
    return value


def _changed(before: Value, after: Value, depth: int = 0, seen: Optional[set[tuple[int, int]]] = None) -> bool:
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
            _changed(a, b, depth + 1, seen) for a, b in zip(before.items, after.items)
        )
    return True


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
                names.add(_dotted(n.name).split(".")[0])

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


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


class Interpreter:
    """Runs one module over abstract values and emits events to the rules."""

    def __init__(self, module: cst.Module, emit: Emit) -> None:
        from shapecheck.overlays.keras import KerasSemantics

        self.module = module
        self.emit = emit
        self.steps = 0
        self.max_steps = MAX_STEPS + STEPS_PER_STATEMENT * len(module.body)
        self.exhausted = False  # True once a budget (or Python's recursion limit) stopped the run
        self.statement_deadline: Optional[int] = None
        self._globals_declared: Optional[set[str]] = None
        self.depth = 0
        self.keras = KerasSemantics(self)
        self.functions: list[Function] = []
        self.classes: list[ClassVal] = []
        self.called: set[int] = set()
        # Keyed by node id: valid because the module outlives this interpreter.
        self.generator_cache: dict[int, bool] = {}
        self.literals: dict[int, Value] = {}  # keyed by node id, like generator_cache
        self.generators: list[_GeneratorFrame] = []
        self.speculating = 0
        self.guarded = 0  # inside ``try: ... except ImportError`` (or AttributeError)
        self.strict = os.environ.get("SHAPECHECK_STRICT") == "1"
        self.globals = Scope()
        self.globals.vars["__name__"] = Const("__main__")

    # ------------------------------------------------------------------ driver
    def run(self) -> None:
        """Interpret the module, then every function it defined but never called.

        Each top-level statement (and each uncalled function) has its own
        budget: one that runs out is cut off, whatever it may have changed
        is forgotten, and the next statement runs.  The whole file has a
        budget too; past it, the rest of the file is not analysed.
        """
        try:
            for stmt in self.module.body:
                self.bounded(lambda: self.exec_stmt(stmt, self.globals), stmt)
            self._analyse_uncalled()
        except (BudgetExceeded, RecursionError):
            self.exhausted = True
        except (_Return, _Break, _Continue):
            pass  # `return` or `break` outside a function or loop: Python refuses to compile the file

    def bounded(self, work: Callable[[], object], node: cst.CSTNode) -> None:
        """Run ``work`` (one top-level statement or function) under its own step budget."""
        self.statement_deadline = self.steps + MAX_STATEMENT_STEPS
        try:
            work()
        except StatementBudgetExceeded:
            self.exhausted = True
            self.forget_after_cutoff(node)
        finally:
            self.statement_deadline = None

    def forget_after_cutoff(self, node: cst.CSTNode) -> None:
        """After a statement was cut off, every global it may have changed becomes unknown.

        Only definitions it cannot have touched stay known: constants,
        imported names, classes and module-level functions bound elsewhere
        (a closure may hold state the statement changed halfway).
        """
        touched = assigned_names(node) | self._global_declarations()
        for name, value in list(self.globals.vars.items()):
            kept = isinstance(value, (Const, Ref, ClassVal)) or (
                isinstance(value, Function) and value.scope is self.globals)
            if name in touched or not kept:
                self.havoc(self.globals, name)
                self.globals.vars[name] = UNKNOWN_VALUE

    def _global_declarations(self) -> set[str]:
        """Names some function of the module declares ``global`` (computed once)."""
        if self._globals_declared is None:
            names: set[str] = set()

            class _Collector(cst.CSTVisitor):
                def visit_Global(self, n: cst.Global) -> None:
                    names.update(item.name.value for item in n.names)

            self.module.visit(_Collector())
            self._globals_declared = names
        return self._globals_declared

    def _analyse_uncalled(self) -> None:
        """Functions only called from elsewhere are checked with unknown arguments.

        A subclassed Keras layer or model that the script never called is
        instantiated and called on an unknown input, so the layers its
        ``__init__`` creates are known inside ``call``.
        """
        for cls in self.classes:
            if cls.keras_base is None:
                continue
            methods = {item.name.value: item for item in cls.node.body.body if isinstance(item, cst.FunctionDef)}
            call = methods.get("call")
            if call is None or id(call) in self.called:
                continue
            instance = Instance(cls)
            init = methods.get("__init__")
            if init is not None and id(init) not in self.called:
                self.bounded(lambda: self.call_function(Function(init, self.globals, "__init__", bound_self=instance),
                                                        [], {}, unknown_params=True), init)
            self.bounded(lambda: self.call_function(Function(call, self.globals, "call", bound_self=instance), [],
                                                    {}, unknown_params=True), call)
        index = 0
        while index < len(self.functions):
            fn = self.functions[index]
            index += 1
            if id(fn.node) in self.called or isinstance(fn.node, cst.Lambda):
                continue
            self.called.add(id(fn.node))
            self.bounded(lambda: self.call_function(fn, [], {}, unknown_params=True), fn.node)

    def tick(self) -> None:
        """Count one step against the budget."""
        self.steps += 1
        if self.steps > self.max_steps:
            raise BudgetExceeded
        if self.statement_deadline is not None and self.steps > self.statement_deadline:
            raise StatementBudgetExceeded

    # -------------------------------------------------------------- statements
    def exec_block(self, body: Sequence[cst.CSTNode], scope: Scope) -> None:
        """Run a sequence of statements."""
        for stmt in body:
            self.exec_stmt(stmt, scope)

    def exec_suite(self, suite: cst.BaseSuite, scope: Scope) -> None:
        """Run an indented block or a one-line suite."""
        self.exec_block(suite.body, scope)

    def exec_stmt(self, stmt: cst.CSTNode, scope: Scope) -> None:
        """Run one statement."""
        self.tick()
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                self.exec_small(small, scope)
        elif isinstance(stmt, cst.If):
            self.exec_if(stmt, scope)
        elif isinstance(stmt, cst.For):
            self.exec_for(stmt, scope)
        elif isinstance(stmt, cst.While):
            self.exec_while(stmt, scope)
        elif isinstance(stmt, (cst.Try, cst.TryStar)):
            self.exec_try(stmt, scope)
        elif isinstance(stmt, cst.With):
            for item in stmt.items:
                self.eval(item.item, scope)
                if item.asname is not None:
                    self.assign(item.asname.name, UNKNOWN_VALUE, scope)
            self.exec_suite(stmt.body, scope)
        elif isinstance(stmt, cst.FunctionDef):
            fn = Function(stmt, scope, stmt.name.value)
            self.functions.append(fn)
            scope.vars[stmt.name.value] = fn
        elif isinstance(stmt, cst.ClassDef):
            self.exec_class(stmt, scope)
        elif isinstance(stmt, cst.Match):
            self.speculate([case.body for case in stmt.cases], scope, stmt)

    def exec_small(self, small: cst.BaseSmallStatement, scope: Scope) -> None:
        """Run one simple statement."""
        if isinstance(small, cst.Expr):
            if isinstance(small.value, cst.Yield) and self.generators:
                self.record_yield(small.value, scope)
                return
            self.eval(small.value, scope)
        elif isinstance(small, cst.Assign):
            value = self.eval(small.value, scope)
            for target in small.targets:
                self.assign(target.target, value, scope)
        elif isinstance(small, cst.AnnAssign):
            if small.value is not None:
                self.assign(small.target, self.eval(small.value, scope), scope)
        elif isinstance(small, cst.AugAssign):
            current = self.eval(small.target, scope)
            value = self.binop(small.operator, current, self.eval(small.value, scope))
            self.assign(small.target, value, scope)
        elif isinstance(small, cst.Import):
            self.keras.do_import(small, scope)
        elif isinstance(small, cst.ImportFrom):
            self.keras.do_import_from(small, scope)
        elif isinstance(small, cst.Return):
            value = self.eval(small.value, scope) if small.value is not None else Const(None)
            raise _Return(value)
        elif isinstance(small, cst.Break):
            raise _Break
        elif isinstance(small, cst.Continue):
            raise _Continue
        elif isinstance(small, cst.Del):
            for name in assigned_names_of_target(small.target):
                scope.vars[name] = UNKNOWN_VALUE
        elif isinstance(small, (cst.Global, cst.Nonlocal)):
            for item in small.names:
                scope.vars.pop(item.name.value, None)

    def record_yield(self, node: cst.Yield, scope: Scope) -> None:
        """Count one item of the generator being run, and keep the first few."""
        frame = self.generators[-1]
        value = node.value
        item = self.eval(value, scope) if isinstance(value, cst.BaseExpression) else Const(None)
        if isinstance(value, cst.From):
            frame.uncertain = True
            return
        frame.count += 1
        if len(frame.items) < 4:
            frame.items.append(item)
        if self.speculating:
            frame.uncertain = True

    def exec_while(self, stmt: cst.While, scope: Scope) -> None:
        """Loops are speculated once; ``while True`` around a yield makes a generator endless."""
        if self.generators and truth(self.eval(stmt.test, scope)) is True and _has_yield(stmt.body.body):
            self.generators[-1].endless = True
            self.speculate([stmt.body], scope, stmt)
            raise _Return(UNKNOWN_VALUE)
        self.speculate([stmt.body] + ([stmt.orelse.body] if stmt.orelse else []), scope, stmt)

    def exec_if(self, stmt: cst.If, scope: Scope) -> None:
        """Take the branch a known condition selects; speculate on unknown ones."""
        cond = truth(self.eval(stmt.test, scope))
        if cond is True:
            self.exec_suite(stmt.body, scope)
            return
        orelse = stmt.orelse
        if cond is False:
            if isinstance(orelse, cst.If):
                self.exec_if(orelse, scope)
            elif isinstance(orelse, cst.Else):
                self.exec_suite(orelse.body, scope)
            return
        branches: list[Any] = [stmt.body]
        if isinstance(orelse, cst.If):
            branches.append(orelse)
        elif isinstance(orelse, cst.Else):
            branches.append(orelse.body)
        self.speculate(branches, scope, stmt)

    def speculate(self, branches: Sequence[Any], scope: Scope, node: cst.CSTNode) -> None:
        """Run each branch on a fork of ``scope``; whatever any branch changes becomes unknown.

        Findings inside a branch are still reported: they hold whenever that
        branch runs.
        """
        changed: set[str] = set()
        for branch in branches:
            fork = scope.fork()
            self.speculating += 1
            try:
                if isinstance(branch, cst.If):
                    self.exec_if(branch, fork)
                else:
                    self.exec_suite(branch, fork)
            except (_Return, _Break, _Continue):
                pass
            finally:
                self.speculating -= 1
            for name, value in fork.vars.items():
                if name not in scope.vars or _changed(scope.vars[name], value):
                    changed.add(name)
        for name in changed:
            self.havoc(scope, name)

    def havoc(self, scope: Scope, name: str) -> None:
        """Forget what ``name`` holds; a model it names keeps its identity but turns opaque."""
        current = scope.vars.get(name)
        if isinstance(current, Model):
            self.keras.make_opaque(current)
        elif isinstance(current, Seq) and not current.is_tuple:
            current.items = [UNKNOWN_VALUE]
            scope.vars[name] = UNKNOWN_VALUE
        else:
            scope.vars[name] = UNKNOWN_VALUE

    def exec_for(self, stmt: cst.For, scope: Scope) -> None:
        """Unroll a loop over a known, short iterable; otherwise speculate once."""
        items = self.iterate(self.eval(stmt.iter, scope))
        if items is None or len(items) > MAX_UNROLL:
            def body_with_unknown_target(fork_scope: Scope) -> None:
                self.assign(stmt.target, UNKNOWN_VALUE, fork_scope)
                self.exec_suite(stmt.body, fork_scope)

            self._speculate_fn(body_with_unknown_target, scope)
            return
        try:
            for item in items:
                self.assign(stmt.target, item, scope)
                try:
                    self.exec_suite(stmt.body, scope)
                except _Continue:
                    continue
            else:
                if stmt.orelse is not None:
                    self.exec_suite(stmt.orelse.body, scope)
        except _Break:
            pass

    def _speculate_fn(self, run: Callable[[Scope], None], scope: Scope) -> None:
        fork = scope.fork()
        self.speculating += 1
        try:
            run(fork)
        except (_Return, _Break, _Continue):
            pass
        finally:
            self.speculating -= 1
        for name, value in fork.vars.items():
            if name not in scope.vars or _changed(scope.vars[name], value):
                self.havoc(scope, name)

    def exec_try(self, stmt: cst.Try | cst.TryStar, scope: Scope) -> None:
        """Run the body; handlers only speculatively, since they may not run.

        A body whose handlers catch ImportError or AttributeError probes for
        names that may not exist: looking them up there is not a mistake.
        """
        guarded = _catches_missing_names(stmt)
        self.guarded += guarded
        try:
            self.exec_suite(stmt.body, scope)
        finally:
            self.guarded -= guarded
        if stmt.handlers:
            self.speculate([h.body for h in stmt.handlers], scope, stmt)
        if stmt.orelse is not None:
            self.exec_suite(stmt.orelse.body, scope)
        if stmt.finalbody is not None:
            self.exec_suite(stmt.finalbody.body, scope)

    def exec_class(self, stmt: cst.ClassDef, scope: Scope) -> None:
        """Bind a class; its methods are analysed like uncalled functions."""
        bases = [self.eval(arg.value, scope) for arg in stmt.bases]
        cls = ClassVal(stmt, stmt.name.value, bases, self.keras.keras_base(bases))
        scope.vars[stmt.name.value] = cls
        self.classes.append(cls)
        class_scope = Scope(scope)
        for item in stmt.body.body:
            if isinstance(item, cst.FunctionDef):
                fn = Function(item, class_scope, item.name.value)
                self.functions.append(fn)

    # -------------------------------------------------------------- assignment
    def assign(self, target: cst.BaseExpression, value: Value, scope: Scope) -> None:
        """Bind ``value`` to an assignment target."""
        if isinstance(target, cst.Name):
            scope.vars[target.value] = value
        elif isinstance(target, (cst.Tuple, cst.List)):
            elements = target.elements
            items = self.iterate(value)
            starred = [i for i, el in enumerate(elements) if isinstance(el, cst.StarredElement)]
            if items is None or starred or len(items) != len(elements):
                for el in elements:
                    self.assign(el.value, UNKNOWN_VALUE, scope)
                return
            for el, item in zip(elements, items):
                self.assign(el.value, item, scope)
        elif isinstance(target, cst.Attribute):
            obj = self.eval(target.value, scope)
            if isinstance(obj, Instance):
                obj.attrs[target.attr.value] = value
        elif isinstance(target, cst.Subscript):
            obj = self.eval(target.value, scope)
            if isinstance(obj, DictVal) and len(target.slice) == 1:
                index = target.slice[0].slice
                if isinstance(index, cst.Index):
                    key = self.eval(index.value, scope)
                    if isinstance(key, Const):
                        obj.items[key.value] = value
                        return
                obj.items.clear()
            elif isinstance(obj, Seq) and not obj.is_tuple:
                index = target.slice[0].slice if len(target.slice) == 1 else None
                key = self.eval(index.value, scope) if isinstance(index, cst.Index) else UNKNOWN_VALUE
                if isinstance(key, Const) and isinstance(key.value, int) and not isinstance(key.value, bool) \
                        and -len(obj.items) <= key.value < len(obj.items):
                    obj.items[key.value] = value
                else:
                    obj.items = [UNKNOWN_VALUE] * len(obj.items)
        elif isinstance(target, cst.StarredElement):
            self.assign(target.value, UNKNOWN_VALUE, scope)

    # ------------------------------------------------------------- expressions
    def eval(self, node: cst.BaseExpression, scope: Scope) -> Value:
        """Evaluate an expression to an abstract value."""
        self.tick()
        if isinstance(node, cst.Name):
            return self.eval_name(node, scope)
        if isinstance(node, (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString, cst.ConcatenatedString)):
            return self.eval_literal(node)
        if isinstance(node, cst.Call):
            return self.keras.eval_call(node, scope)
        if isinstance(node, cst.Attribute):
            return self.keras.eval_attribute(node, self.eval(node.value, scope))
        if isinstance(node, (cst.Tuple, cst.List)):
            items: list[Value] = []
            for el in node.elements:
                if isinstance(el.value, _PLAIN_LITERALS) and not isinstance(el, cst.StarredElement):
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
        if isinstance(node, cst.Dict):
            return self.eval_dict(node, scope)
        if isinstance(node, cst.BinaryOperation):
            return self.binop(node.operator, self.eval(node.left, scope), self.eval(node.right, scope))
        if isinstance(node, cst.UnaryOperation):
            return self.unaryop(node.operator, self.eval(node.expression, scope))
        if isinstance(node, cst.Comparison):
            return self.compare(node, scope)
        if isinstance(node, cst.BooleanOperation):
            left = self.eval(node.left, scope)
            t = truth(left)
            if t is None:
                self.eval(node.right, scope)
                return UNKNOWN_VALUE
            if isinstance(node.operator, cst.And):
                return self.eval(node.right, scope) if t else left
            return left if t else self.eval(node.right, scope)
        if isinstance(node, cst.IfExp):
            t = truth(self.eval(node.test, scope))
            if t is None:
                self.eval(node.body, scope)
                self.eval(node.orelse, scope)
                return UNKNOWN_VALUE
            return self.eval(node.body if t else node.orelse, scope)
        if isinstance(node, cst.Subscript):
            return self.subscript(node, scope)
        if isinstance(node, cst.Lambda):
            return Function(node, scope)
        if isinstance(node, (cst.ListComp, cst.GeneratorExp)):
            return self.comprehension(node, scope)
        if isinstance(node, cst.NamedExpr):
            value = self.eval(node.value, scope)
            self.assign(node.target, value, scope)
            return value
        return UNKNOWN_VALUE

    def eval_literal(self, node: cst.BaseExpression) -> Value:
        """A number or string literal, evaluated once per node (libcst compiles it each time)."""
        cached = self.literals.get(id(node))
        if cached is None:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # `"\s"`: Python's warning is not ours to print
                    value = node.evaluated_value  # type: ignore[attr-defined]
            except (ValueError, SyntaxError, MemoryError, OverflowError):
                value = None  # e.g. an integer past Python's digit limit
            cached = Const(value) if value is not None else UNKNOWN_VALUE
            self.literals[id(node)] = cached
        return cached

    def eval_name(self, node: cst.Name, scope: Scope) -> Value:
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

    def eval_dict(self, node: cst.Dict, scope: Scope) -> Value:
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

    def iterate(self, value: Value) -> Optional[list[Value]]:
        """The items of an iterable value, when they are known."""
        if isinstance(value, Seq):
            return list(value.items)
        if isinstance(value, Const) and isinstance(value.value, str) and len(value.value) <= MAX_UNROLL:
            return [Const(c) for c in value.value]
        if isinstance(value, DictVal):
            return [Const(k) for k in value.items]
        return None

    def binop(self, op: cst.CSTNode, left: Value, right: Value) -> Value:
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
        if isinstance(left, Tensor) or isinstance(right, Tensor):
            return self.keras.tensor_arithmetic(left, right)
        return UNKNOWN_VALUE

    def unaryop(self, op: cst.BaseUnaryOp, value: Value) -> Value:
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

    def compare(self, node: cst.Comparison, scope: Scope) -> Value:
        """Chained comparisons of constants."""
        left = self.eval(node.left, scope)
        result: Optional[bool] = True
        for target in node.comparisons:
            right = self.eval(target.comparator, scope)
            outcome = self._compare_one(target.operator, left, right)
            if outcome is None:
                result = None
            elif outcome is False and result is not None:
                return Const(False)
            left = right
        return UNKNOWN_VALUE if result is None else Const(True)

    def _compare_one(self, op: cst.BaseCompOp, left: Value, right: Value) -> Optional[bool]:
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

    def subscript(self, node: cst.Subscript, scope: Scope) -> Value:
        """Indexing and slicing of known tuples, lists, strings and dicts."""
        obj = self.eval(node.value, scope)
        if isinstance(obj, Array):
            return self.index_array(obj, node, scope)
        if len(node.slice) != 1:
            for el in node.slice:
                self._eval_slice_part(el.slice, scope)
            if isinstance(obj, Seq):
                kind = "tuple" if obj.is_tuple else "list"
                self.emit(NumpyProblem(
                    f"a Python {kind} cannot be indexed with a tuple (`TypeError: {kind} indices must be integers "
                    f"or slices, not tuple`); convert it with `np.array(...)` first", node))
            return self.keras.subscript_other(obj, node)
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
            return self.keras.subscript_other(obj, node)
        bounds = [self._slice_bound(b, scope) for b in (part.lower, part.upper, part.step)]
        if isinstance(obj, Seq) and all(b is not UNKNOWN for b in bounds):
            try:
                return Seq(obj.items[slice(*bounds)], obj.is_tuple)
            except (TypeError, ValueError):
                return UNKNOWN_VALUE
        return self.keras.subscript_other(obj, node)

    def index_array(self, array: Array, node: cst.Subscript, scope: Scope) -> Value:
        """``x[0]``, ``x[:, 1:]``, ``x[..., None]`` on a numpy array."""
        parts: list[Any] = []
        for element in node.slice:
            part = element.slice
            if isinstance(part, cst.Slice):
                bounds = [self._slice_bound(b, scope) for b in (part.lower, part.upper, part.step)]
                parts.append(slice(*bounds))
                continue
            value = self.eval(part.value, scope)
            if isinstance(value, Const) and value.value is None:
                parts.append(None)
            elif isinstance(value, Const) and isinstance(value.value, int) and not isinstance(value.value, bool):
                parts.append("int")
            else:
                return Array(Shape.unknown(), array.dtype, node=node)
        return self.keras.numpy.index(array, parts, node)

    def _eval_slice_part(self, part: cst.BaseSlice, scope: Scope) -> None:
        if isinstance(part, cst.Index):
            self.eval(part.value, scope)

    def _slice_bound(self, node: Optional[cst.BaseExpression], scope: Scope) -> Any:
        if node is None:
            return None
        value = self.eval(node, scope)
        if isinstance(value, Const) and (value.value is None or isinstance(value.value, int)):
            return value.value
        return UNKNOWN

    def comprehension(self, node: cst.ListComp | cst.GeneratorExp, scope: Scope) -> Value:
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

    # --------------------------------------------------------------- functions
    def run_generator(self, fn: Function, local: Scope) -> Value:
        """Run a generator function's body, collecting what it yields."""
        frame = _GeneratorFrame()
        self.generators.append(frame)
        try:
            self.exec_suite(fn.node.body, local)  # type: ignore[union-attr]
        except _Return:
            pass
        finally:
            self.generators.pop()
        return _generator_value(fn, frame)

    def call_function(
        self,
        fn: Function,
        args: list[Value],
        kwargs: dict[str, Value],
        unknown_params: bool = False,
        complete: bool = True,
    ) -> Value:
        """Run a script-defined function with abstract arguments."""
        if self.depth >= MAX_CALL_DEPTH:
            return UNKNOWN_VALUE
        self.called.add(id(fn.node))
        local = Scope(fn.scope)
        params = fn.node.params
        positional = list(params.posonly_params) + list(params.params)
        bound_args = list(args)
        if fn.bound_self is not None:
            bound_args.insert(0, fn.bound_self)
        for i, param in enumerate(positional):
            name = param.name.value
            if i == 0 and fn.bound_self is not None:
                value: Value = fn.bound_self
            elif unknown_params or not complete:
                value = UNKNOWN_VALUE
            elif i < len(bound_args):
                value = bound_args[i]
            elif name in kwargs:
                value = kwargs[name]
            elif param.default is not None:
                value = self.eval(param.default, fn.scope)
            else:
                value = UNKNOWN_VALUE
            local.vars[name] = value
        if unknown_params and fn.bound_self is None and positional and isinstance(fn.scope, Scope) \
                and positional[0].name.value == "self":
            local.vars["self"] = UNKNOWN_VALUE
        for param in params.kwonly_params:
            name = param.name.value
            if not unknown_params and complete and name in kwargs:
                local.vars[name] = kwargs[name]
            elif not unknown_params and complete and param.default is not None:
                local.vars[name] = self.eval(param.default, fn.scope)
            else:
                local.vars[name] = UNKNOWN_VALUE
        if isinstance(params.star_arg, cst.Param):
            local.vars[params.star_arg.name.value] = UNKNOWN_VALUE
        if params.star_kwarg is not None:
            local.vars[params.star_kwarg.name.value] = UNKNOWN_VALUE
        self.depth += 1
        try:
            if isinstance(fn.node, cst.Lambda):
                return self.eval(fn.node.body, local)
            if _is_generator(fn.node, self.generator_cache):
                return self.run_generator(fn, local)
            self.exec_suite(fn.node.body, local)
            return Const(None)
        except _Return as ret:
            return ret.value
        except (_Break, _Continue):
            return UNKNOWN_VALUE
        finally:
            self.depth -= 1


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


_PLAIN_LITERALS = (cst.Integer, cst.Float, cst.SimpleString)

_MISSING_NAME_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "AttributeError", "Exception",
                                  "BaseException"})


def _catches_missing_names(stmt: cst.Try | cst.TryStar) -> bool:
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


def _generator_value(fn: Function, frame: _GeneratorFrame) -> Generator:
    return Generator(fn, frame.items, None if frame.uncertain or frame.endless else frame.count, frame.endless)


_AUG_TO_BIN: dict[type, cst.CSTNode] = {
    cst.AddAssign: cst.Add(),
    cst.SubtractAssign: cst.Subtract(),
    cst.MultiplyAssign: cst.Multiply(),
    cst.DivideAssign: cst.Divide(),
    cst.FloorDivideAssign: cst.FloorDivide(),
    cst.ModuloAssign: cst.Modulo(),
    cst.PowerAssign: cst.Power(),
}


def assigned_names_of_target(target: cst.BaseExpression) -> set[str]:
    """Names bound by a ``del`` or assignment target."""
    names: set[str] = set()
    _target_names(target, names)
    return names


def _is_generator(node: cst.FunctionDef, cache: dict[int, bool]) -> bool:
    """True when the function body has a ``yield`` statement (outside nested functions).

    Only statement-level yields are looked for (``yield x``, ``y = yield x``),
    which is where generators put them; the walk is over statements only, so
    it stays cheap on large functions.
    """
    cached = cache.get(id(node))
    if cached is None:
        cached = cache[id(node)] = _has_yield(node.body.body)
    return cached


def _has_yield(body: Sequence[cst.CSTNode]) -> bool:
    for stmt in body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                value = getattr(small, "value", None)
                if isinstance(value, cst.Yield):
                    return True
        elif isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            continue
        else:
            for suite in _suites(stmt):
                if _has_yield(suite.body):
                    return True
    return False


def _suites(stmt: cst.CSTNode) -> list[cst.BaseSuite]:
    """The blocks directly inside a compound statement."""
    suites: list[cst.BaseSuite] = []
    body = getattr(stmt, "body", None)
    if isinstance(body, cst.BaseSuite):
        suites.append(body)
    for handler in getattr(stmt, "handlers", ()) or ():
        suites.append(handler.body)
    for case in getattr(stmt, "cases", ()) or ():
        suites.append(case.body)
    for attr in ("orelse", "finalbody"):
        other = getattr(stmt, attr, None)
        if isinstance(other, cst.If):
            suites.extend(_suites(other))
        elif other is not None and isinstance(getattr(other, "body", None), cst.BaseSuite):
            suites.append(other.body)
    return suites
