"""The abstract interpreter core: runs a script's statements over abstract values.

It walks the libcst tree top-down once, keeping an environment of
:mod:`shapecheck.engine.values`.  The core knows Python: statements (here),
expressions (:mod:`~shapecheck.engine.expressions`), calls of script-defined
functions and classes (:mod:`~shapecheck.engine.calls`), scopes and budgets
(:mod:`~shapecheck.engine.scope`).  What a library call means is an
overlay's business: the core finds it in :mod:`~shapecheck.engine.overlay`'s
registry by the call's dotted path or the value's type, and whatever nobody
understands becomes :data:`~shapecheck.engine.values.UNKNOWN_VALUE`.
Branches on unknown conditions, loops over unknown iterables and exception
handlers run on a copy of the environment, and whatever they change becomes
unknown afterwards, so no path the script may not take can produce a
finding.  Budgets bound the work on pathological input.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Optional, Sequence

import libcst as cst

from shapecheck.engine import bindings, calls, expressions, guards, overlay
from shapecheck.engine.scope import (
    CANCEL_CHECK_STEPS,
    MAX_STATEMENT_STEPS,
    MAX_STEPS,
    MAX_UNROLL,
    STEPS_PER_STATEMENT,
    AnalysisCancelled,
    BudgetExceeded,
    FunctionReturn,
    GeneratorFrame,
    LoopBreak,
    LoopContinue,
    Scope,
    StatementBudgetExceeded,
    assigned_names,
    assigned_names_of_target,
    catches_missing_names,
    value_changed,
    has_yield,
    truth,
)
from shapecheck.engine.values import (
    UNKNOWN_VALUE,
    ClassVal,
    Const,
    Function,
    Instance,
    Model,
    Ref,
    Seq,
    Value,
)

Emit = Callable[[Any], None]


class Interpreter:
    """Runs one module over abstract values and emits events to the rules."""

    def __init__(self, module: cst.Module, emit: Emit, source: Optional[str] = None,
                 cancelled: Optional[Callable[[], bool]] = None) -> None:
        self.module = module
        self.cancelled = cancelled  # asked every CANCEL_CHECK_STEPS steps; True stops the run
        self.emit = emit
        self.steps = 0
        self.max_steps = MAX_STEPS + STEPS_PER_STATEMENT * len(module.body)
        self.exhausted = False  # True once a budget (or Python's recursion limit) stopped the run
        self.statement_deadline: Optional[int] = None
        self._globals_declared: Optional[set[str]] = None
        self.depth = 0
        self.overlays = overlay.load()
        self.functions: list[Function] = []
        self.classes: list[ClassVal] = []
        self.called: set[int] = set()
        # Keyed by node id: valid because the module outlives this interpreter.
        self.generator_cache: dict[int, bool] = {}
        self.literals: dict[int, Value] = {}  # keyed by node id, like generator_cache
        self.generators: list[GeneratorFrame] = []
        self.speculating = 0
        self.guarded = 0  # inside ``try: ... except ImportError`` (or AttributeError)
        self.probing = 0  # under a feature or version check (``if hasattr(...)``, ``if tf.__version__ ...``)
        self.probe_names = guards.version_names(module, source)
        self._probes: dict[int, bool] = {}  # keyed by node id, like generator_cache
        self.eager = 0  # inside code that runs on real tensors (a Keras layer's ``call``, a ``tf.function``)
        self.strict = os.environ.get("SHAPECHECK_STRICT") == "1"
        self.globals = Scope()
        self.globals.vars["__name__"] = Const("__main__")
        self.top_index: Optional[int] = None  # the index in the module's body of the statement being run

    # ------------------------------------------------------------------ driver
    def run(self) -> None:
        """Interpret the module, then every function it defined but never called.

        Each top-level statement (and each uncalled function) has its own
        budget: one that runs out is cut off, whatever it may have changed
        is forgotten, and the next statement runs.  The whole file has a
        budget too; past it, the rest of the file is not analysed.
        """
        try:
            for index, stmt in enumerate(self.module.body):
                self.top_index = index
                self.bounded(lambda: self.exec_stmt(stmt, self.globals), stmt)
            self.top_index = None
            self._analyse_uncalled()
        except (BudgetExceeded, RecursionError):
            self.exhausted = True
        except (FunctionReturn, LoopBreak, LoopContinue):
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
                init_fn = Function(init, self.globals, "__init__", bound_self=instance, eager=True)
                self.bounded(lambda: self.call_function(init_fn, [], {}, unknown_params=True), init)
            call_fn = Function(call, self.globals, "call", bound_self=instance, eager=True)
            self.bounded(lambda: self.call_function(call_fn, [], {}, unknown_params=True), call)
        index = 0
        while index < len(self.functions):
            fn = self.functions[index]
            index += 1
            if id(fn.node) in self.called or isinstance(fn.node, cst.Lambda):
                continue
            self.called.add(id(fn.node))
            # A function the script never calls is likely called by Keras (a loss, a metric, a
            # dataset's map function) on real tensors: TensorFlow ops are fine there.
            self.eager += 1
            try:
                self.bounded(lambda: self.call_function(fn, [], {}, unknown_params=True), fn.node)
            finally:
                self.eager -= 1

    def tick(self) -> None:
        """Count one step against the budget."""
        self.steps += 1
        if self.steps > self.max_steps:
            raise BudgetExceeded
        if self.statement_deadline is not None and self.steps > self.statement_deadline:
            raise StatementBudgetExceeded
        if self.cancelled is not None and not self.steps % CANCEL_CHECK_STEPS and self.cancelled():
            raise AnalysisCancelled

    # -------------------------------------------------------------- statements
    def exec_block(self, body: Sequence[cst.CSTNode], scope: Scope) -> None:
        """Run a sequence of statements.

        After ``if <feature or version check>: return ...`` the rest of the
        block is that check's other branch, so it runs with :attr:`probing` set.
        """
        probed = 0
        try:
            for stmt in body:
                self.exec_stmt(stmt, scope)
                if isinstance(stmt, cst.If) and stmt.orelse is None and guards.leaves_block(stmt.body) \
                        and self.is_probe(stmt.test):
                    probed += 1
                    self.probing += 1
        finally:
            self.probing -= probed

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
            fn = Function(stmt, scope, stmt.name.value, eager=self._runs_eagerly(stmt, scope))
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
            self.do_import(small, scope)
        elif isinstance(small, cst.ImportFrom):
            self.do_import_from(small, scope)
        elif isinstance(small, cst.Return):
            value = self.eval(small.value, scope) if small.value is not None else Const(None)
            raise FunctionReturn(value)
        elif isinstance(small, cst.Break):
            raise LoopBreak
        elif isinstance(small, cst.Continue):
            raise LoopContinue
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
        if self.generators and truth(self.eval(stmt.test, scope)) is True and has_yield(stmt.body.body):
            self.generators[-1].endless = True
            self.speculate([stmt.body], scope, stmt)
            raise FunctionReturn(UNKNOWN_VALUE)
        self.speculate([stmt.body] + ([stmt.orelse.body] if stmt.orelse else []), scope, stmt)

    def is_probe(self, test: cst.BaseExpression) -> bool:
        """Whether a condition checks for a feature or a version (see :mod:`guards`)."""
        known = self._probes.get(id(test))
        if known is None:
            known = self._probes[id(test)] = guards.is_probe(test, self.probe_names)
        return known

    def exec_if(self, stmt: cst.If, scope: Scope) -> None:
        """Take the branch a known condition selects; speculate on unknown ones.

        Under a feature or version check, both the test and the branches run
        with :attr:`probing` set: the API they use may belong to another version.
        """
        probe = self.is_probe(stmt.test)
        self.probing += probe
        try:
            self._exec_if(stmt, scope)
        finally:
            self.probing -= probe

    def _exec_if(self, stmt: cst.If, scope: Scope) -> None:
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
            except (FunctionReturn, LoopBreak, LoopContinue):
                pass
            finally:
                self.speculating -= 1
            for name, value in fork.vars.items():
                if name not in scope.vars or value_changed(scope.vars[name], value):
                    changed.add(name)
        for name in changed:
            self.havoc(scope, name)

    def havoc(self, scope: Scope, name: str) -> None:
        """Forget what ``name`` holds; a model it names keeps its identity but turns opaque."""
        current = scope.vars.get(name)
        if isinstance(current, Model):
            current.make_opaque()
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
                except LoopContinue:
                    continue
            else:
                if stmt.orelse is not None:
                    self.exec_suite(stmt.orelse.body, scope)
        except LoopBreak:
            pass

    def _speculate_fn(self, run: Callable[[Scope], None], scope: Scope) -> None:
        fork = scope.fork()
        self.speculating += 1
        try:
            run(fork)
        except (FunctionReturn, LoopBreak, LoopContinue):
            pass
        finally:
            self.speculating -= 1
        for name, value in fork.vars.items():
            if name not in scope.vars or value_changed(scope.vars[name], value):
                self.havoc(scope, name)

    def exec_try(self, stmt: cst.Try | cst.TryStar, scope: Scope) -> None:
        """Run the body; handlers only speculatively, since they may not run.

        A body whose handlers catch ImportError or AttributeError probes for
        names that may not exist: looking them up there is not a mistake.
        """
        guarded = catches_missing_names(stmt)
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
        cls = ClassVal(stmt, stmt.name.value, bases, self.overlays.class_kind(bases))
        scope.vars[stmt.name.value] = cls
        self.classes.append(cls)
        class_scope = Scope(scope)
        for item in stmt.body.body:
            if isinstance(item, cst.FunctionDef):
                fn = Function(item, class_scope, item.name.value, eager=cls.keras_base is not None)
                self.functions.append(fn)

    def _runs_eagerly(self, stmt: cst.FunctionDef, scope: Scope) -> bool:
        """True when a decorator an overlay names (``tf.function``, with or without arguments) makes
        the function run on real tensors."""
        if not stmt.decorators or not self.overlays.eager_decorators:
            return False
        for decorator in stmt.decorators:
            expr = decorator.decorator
            target = expr.func if isinstance(expr, cst.Call) else expr
            if isinstance(target, (cst.Name, cst.Attribute)):
                value = self.eval(target, scope)
                if isinstance(value, Ref) and value.path in self.overlays.eager_decorators:
                    return True
        return False

    # ------------------------------------------------ expressions and calls
    eval = expressions.eval
    eval_literal = expressions.eval_literal
    eval_name = expressions.eval_name
    eval_dict = expressions.eval_dict
    iterate = expressions.iterate
    binop = expressions.binop
    unaryop = expressions.unaryop
    compare = expressions.compare
    compare_one = expressions.compare_one
    subscript = expressions.subscript
    eval_slice_part = expressions.eval_slice_part
    slice_bound_value = expressions.slice_bound_value
    comprehension = expressions.comprehension
    eval_args = calls.eval_args
    eval_call = calls.eval_call
    eval_attribute = calls.eval_attribute
    call_value = calls.call_value
    call_instance = calls.call_instance
    call_method = calls.call_method
    call_function = calls.call_function
    run_generator = calls.run_generator
    assign = bindings.assign
    do_import = bindings.do_import
    do_import_from = bindings.do_import_from
    observe_name = bindings.observe_name

