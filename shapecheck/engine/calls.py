"""Calls in the interpreter core: arguments, script-defined functions and classes, dispatch.

A call to a dotted path (``keras.layers.Dense``, ``numpy.zeros``,
``builtins.len``) goes to the overlay registered for its longest prefix; a
method call or a call of a value (a layer, a model) goes to the overlay
registered for the value's type.  Script-defined functions run here, with
their arguments bound like Python binds them.  A call nobody knows returns
an unknown value, and a model handed to it turns opaque.

Each function taking ``self: Interpreter`` is a method of the interpreter,
bound in its class body.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from shapecheck.engine.arguments import Arguments
from shapecheck.engine.scope import (
    MAX_CALL_DEPTH,
    FunctionReturn,
    GeneratorFrame,
    LoopBreak,
    LoopContinue,
    Scope,
    generator_value,
    is_generator,
)
from shapecheck.engine.values import (
    UNKNOWN_VALUE,
    ClassVal,
    Const,
    DictVal,
    Function,
    Instance,
    Model,
    Ref,
    Seq,
    Tensor,
    Value,
)
from shapecheck.shapes.dims import Shape

if TYPE_CHECKING:
    from shapecheck.engine.interpreter import Interpreter


def forget(values: list[Value]) -> None:
    """Models handed to code the analysis cannot follow may be changed by it."""
    for value in values:
        if isinstance(value, Model):
            value.make_opaque()
        elif isinstance(value, Seq) and not value.is_tuple:
            for item in value.items:
                if isinstance(item, Model):
                    item.make_opaque()


def eval_args(self: Interpreter, node: cst.Call, scope: Scope) -> Arguments:
    """Evaluate a call's arguments, keeping each one's node."""
    args = Arguments()
    for arg in node.args:
        value = self.eval(arg.value, scope)
        if arg.star == "*":
            items = self.iterate(value)
            if items is None:
                args.complete = False
            else:
                args.positional.extend(items)
                args.positional_nodes.extend([arg.value] * len(items))
        elif arg.star == "**":
            if isinstance(value, DictVal) and all(isinstance(k, str) for k in value.items):
                for k, v in value.items.items():
                    args.keywords[k] = v
                    args.keyword_nodes[k] = arg.value
                    args.keyword_arg_nodes[k] = arg
            else:
                args.complete = False
        elif arg.keyword is not None:
            args.keywords[arg.keyword.value] = value
            args.keyword_nodes[arg.keyword.value] = arg.value
            args.keyword_arg_nodes[arg.keyword.value] = arg
        else:
            args.positional.append(value)
            args.positional_nodes.append(arg.value)
    return args


def eval_call(self: Interpreter, node: cst.Call, scope: Scope) -> Value:
    """Evaluate a call expression."""
    func = node.func
    if isinstance(func, cst.Attribute):
        receiver = self.eval(func.value, scope)
        if isinstance(receiver, Instance) and receiver.cls.keras_base \
                and not isinstance(class_attribute(self, receiver, func.attr.value), Function):
            for hook in self.overlays.instance_methods:
                result = hook(self, receiver, func.attr.value, node, scope)
                if result is not None:
                    return result
        if not isinstance(receiver, (Ref, Instance)):
            args = self.eval_args(node, scope)
            return self.call_method(receiver, func.attr.value, args, node, func.attr)
        callee = self.eval_attribute(func, receiver)
    else:
        callee = self.eval(func, scope)
    args = self.eval_args(node, scope)
    return self.call_value(callee, args, node)


def eval_attribute(self: Interpreter, node: cst.Attribute, obj: Value) -> Value:
    """``keras.layers`` (a longer path), ``self.dense`` (an instance attribute), or an overlay's answer."""
    attr = node.attr.value
    if isinstance(obj, Ref):
        path = self.overlays.canonical(f"{obj.path}.{attr}")
        written = f"{obj.spelled}.{attr}"
        self.observe_name(path, node.attr, written)
        return Ref(path, written)
    if isinstance(obj, Instance):
        value = obj.attrs.get(attr)
        if value is not None:
            return value
        return class_attribute(self, obj, attr)
    handler = self.overlays.attributes.get(type(obj))
    if handler is not None:
        return handler(self, obj, attr)
    return UNKNOWN_VALUE


def class_attribute(self: Interpreter, obj: Instance, attr: str) -> Value:
    """A method of a script-defined class, bound to ``obj``."""
    for item in obj.cls.node.body.body:
        if isinstance(item, cst.FunctionDef) and item.name.value == attr:
            return Function(item, self.globals, attr, bound_self=obj, eager=obj.cls.keras_base is not None)
    return UNKNOWN_VALUE


def call_value(self: Interpreter, callee: Value, args: Arguments, node: cst.Call) -> Value:
    """Call an abstract value."""
    if isinstance(callee, Ref):
        handler = self.overlays.find_call(callee.path)
        if handler is not None:
            return handler(self, callee.path, args, node)
        forget(args.values())
        return UNKNOWN_VALUE
    value_handler = self.overlays.value_calls.get(type(callee))
    if value_handler is not None:
        return value_handler(self, callee, args, node)
    if isinstance(callee, Function):
        return self.call_function(callee, args.positional, args.keywords, complete=args.complete)
    if isinstance(callee, ClassVal):
        return instantiate(self, callee, args)
    if isinstance(callee, Instance):
        return self.call_instance(callee, args, node)
    forget(args.values())
    return UNKNOWN_VALUE


def instantiate(self: Interpreter, cls: ClassVal, args: Arguments) -> Value:
    """A script-defined class: run ``__init__`` on a new instance (its attributes are followed)."""
    instance = Instance(cls)
    init = class_attribute(self, instance, "__init__")
    if isinstance(init, Function):
        self.call_function(init, args.positional, args.keywords, complete=args.complete)
    return instance


def call_instance(self: Interpreter, instance: Instance, args: Arguments, node: cst.Call) -> Value:
    """Calling a subclassed library layer or model runs its ``call`` method on the tensors."""
    method = class_attribute(self, instance, "call" if instance.cls.keras_base else "__call__")
    if not isinstance(method, Function):
        forget(args.values())
        return Tensor(Shape.unknown(), node=node) if instance.cls.keras_base else UNKNOWN_VALUE
    result = self.call_function(method, args.positional, args.keywords, complete=args.complete)
    if instance.cls.keras_base and not isinstance(result, (Tensor, Seq)):
        return Tensor(Shape.unknown(), node=node)
    return result


def call_method(self: Interpreter, receiver: Value, method: str, args: Arguments, node: cst.Call,
                method_node: cst.CSTNode) -> Value:
    """``model.add(...)``, ``layers.append(...)``, ``x.reshape(...)``: the overlay for the receiver's type."""
    handler = self.overlays.methods.get(type(receiver))
    if handler is not None:
        return handler(self, receiver, method, args, node, method_node)
    forget(args.values())
    return UNKNOWN_VALUE


def run_generator(self: Interpreter, fn: Function, local: Scope) -> Value:
    """Run a generator function's body, collecting what it yields."""
    frame = GeneratorFrame()
    self.generators.append(frame)
    try:
        body = fn.node.body
        if isinstance(body, cst.BaseSuite):
            self.exec_suite(body, local)
    except FunctionReturn:
        pass
    finally:
        self.generators.pop()
    return generator_value(fn, frame)


def call_function(
    self: Interpreter,
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
    self.eager += fn.eager
    try:
        if isinstance(fn.node, cst.Lambda):
            return self.eval(fn.node.body, local)
        if is_generator(fn.node, self.generator_cache):
            return self.run_generator(fn, local)
        self.exec_suite(fn.node.body, local)
        return Const(None)
    except FunctionReturn as ret:
        return ret.value
    except (LoopBreak, LoopContinue):
        return UNKNOWN_VALUE
    finally:
        self.depth -= 1
        self.eager -= fn.eager
