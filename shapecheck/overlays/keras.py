"""How Keras calls behave, for the interpreter.

Imports bind names to Keras paths; calling a layer class builds a
:class:`~shapecheck.engine.values.Layer` with its config bound like Python binds
arguments; calling a layer on tensors runs the catalog's shape rule;
``Sequential``, ``Model``, ``add`` and ``compile`` build the model
description the rules (and confirmation) read.  Calls this module does not
know return unknown values, and a model handed to unknown code turns opaque.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

import libcst as cst

from shapecheck.tables import keras_api
from shapecheck.tables import keras_tables as T
from shapecheck.engine.events import (
    Compiled,
    DataFed,
    IdentifierString,
    KerasCallKeywords,
    KerasName,
    LambdaMovesBatch,
    LayerApplied,
    LayerCreated,
    MethodCalled,
    NonTensorInput,
    ShapeArgument,
    ShapeProblem,
)
from shapecheck.overlays.lambdas import moves_batch_axis
from shapecheck.shapes import catalog
from shapecheck.shapes.config import Config
from shapecheck.shapes.dims import UNKNOWN, Dim, Shape, is_known
from shapecheck.shapes.errors import ShapeContradiction, SharedLayerMismatch
from shapecheck.engine.values import (
    UNKNOWN_VALUE,
    Array,
    ClassVal,
    Const,
    DictVal,
    Function,
    Instance,
    KerasObject,
    Layer,
    LayerCall,
    Model,
    Ref,
    Seq,
    Tensor,
    Value,
    literal,
)

if TYPE_CHECKING:
    from shapecheck.engine.interpreter import Interpreter, Scope

# Functions known not to change the objects passed to them.
_PURE_BUILTINS = frozenset(
    "print len isinstance str repr int float bool type id hash sorted list tuple max min sum abs round".split()
)

_MODEL_BUILDERS = {"add", "pop", "compile", "build"}
_DATA_METHODS = {"fit", "evaluate", "predict", "train_on_batch", "test_on_batch", "predict_on_batch"}


class Arguments:
    """The evaluated arguments of a call, with their nodes."""

    def __init__(self) -> None:
        self.positional: list[Value] = []
        self.positional_nodes: list[cst.BaseExpression] = []
        self.keywords: dict[str, Value] = {}
        self.keyword_nodes: dict[str, cst.BaseExpression] = {}
        self.keyword_arg_nodes: dict[str, cst.Arg] = {}
        self.complete = True  # False when *args or **kwargs were splatted in

    def values(self) -> list[Value]:
        """Every argument value."""
        return self.positional + list(self.keywords.values())


def _shape_from_value(value: Value) -> Optional[tuple[Dim, ...]]:
    """A shape tuple from an abstract value (ints and None), or None if not one."""
    if not isinstance(value, Seq):
        return None
    dims: list[Dim] = []
    for item in value.items:
        if isinstance(item, Const) and (item.value is None or (isinstance(item.value, int) and not isinstance(item.value, bool))):
            dims.append(item.value)
        else:
            dims.append(UNKNOWN)
    return tuple(dims)


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


def _accepted_keywords(kind: str) -> Optional[frozenset[str]]:
    """Every keyword Keras accepts for layer ``kind``; None when that is not known."""
    if kind not in T.LAYERS_REJECTING_UNKNOWN_KWARGS:
        return None
    params, var_kwargs = T.LAYER_SIGNATURES[kind]
    names = {name for name, _ in params}
    if var_kwargs:
        names |= set(T.BASE_LAYER_KWARGS) - set(T.LAYER_REJECTED_BASE_KWARGS.get(kind, ()))
        names |= set(T.LAYER_EXTRA_KWARGS.get(kind, ()))
    return frozenset(names)


class KerasSemantics:
    """The Keras-specific half of the interpreter."""

    def __init__(self, interp: "Interpreter") -> None:
        from shapecheck.overlays.numpy_arrays import NumpySemantics

        self.interp = interp
        self.numpy = NumpySemantics(interp)

    # ------------------------------------------------------------------ imports
    def do_import(self, node: cst.Import, scope: "Scope") -> None:
        """``import keras``, ``import tensorflow as tf``, ``import keras.layers as L``."""
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            path = _dotted(alias.name)
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                scope.vars[alias.asname.name.value] = Ref(keras_api.canonical(path))
                self._check_path(keras_api.canonical(path), alias.name)
            else:
                top = path.split(".")[0]
                scope.vars[top] = Ref(top)

    def do_import_from(self, node: cst.ImportFrom, scope: "Scope") -> None:
        """``from keras.layers import Dense as D``, ``from tensorflow import keras``."""
        if node.relative or node.module is None:
            if not isinstance(node.names, cst.ImportStar):
                for alias in node.names:
                    scope.vars[_bound_name(alias)] = UNKNOWN_VALUE
            return
        module = keras_api.canonical(_dotted(node.module))
        if isinstance(node.names, cst.ImportStar):
            for name in keras_api.MODULE_NAMES.get(module, ()):
                scope.vars[name] = Ref(f"{module}.{name}")
            return
        for alias in node.names:
            path = keras_api.canonical(f"{module}.{_dotted(alias.name)}")
            scope.vars[_bound_name(alias)] = Ref(path)
            self._check_path(path, alias.name)

    def _check_path(self, path: str, node: cst.CSTNode) -> None:
        if path.startswith("keras.") and not self.interp.guarded:
            self.interp.emit(KerasName(path, node))

    # --------------------------------------------------------------- attributes
    def eval_attribute(self, node: cst.Attribute, obj: Value) -> Value:
        """``keras.layers``, ``x.shape``, ``model.output`` and the like."""
        attr = node.attr.value
        if isinstance(obj, Ref):
            path = keras_api.canonical(f"{obj.path}.{attr}")
            self._check_path(path, node.attr)
            return Ref(path)
        if isinstance(obj, Tensor):
            if attr == "shape":
                if obj.shape.dims is None:
                    return UNKNOWN_VALUE
                return Seq([_dim_value(d) for d in obj.shape.dims])
            return UNKNOWN_VALUE
        if isinstance(obj, Model):
            return self._model_attribute(obj, attr)
        if isinstance(obj, Array):
            return self.numpy.attribute(obj, attr)
        if isinstance(obj, Instance):
            value = obj.attrs.get(attr)
            if value is not None:
                return value
            return self._class_attribute(obj, attr)
        return UNKNOWN_VALUE

    def _class_attribute(self, obj: Instance, attr: str) -> Value:
        for item in obj.cls.node.body.body:
            if isinstance(item, cst.FunctionDef) and item.name.value == attr:
                return Function(item, self.interp.globals, attr, bound_self=obj)
        return UNKNOWN_VALUE

    def _model_attribute(self, model: Model, attr: str) -> Value:
        if model.opaque:
            return UNKNOWN_VALUE
        if attr in ("output", "outputs"):
            outs = model.outputs if model.kind == "functional" else ([model.output] if model.output else [])
            if not outs:
                return UNKNOWN_VALUE
            return outs[0] if attr == "output" and len(outs) == 1 else Seq(list(outs), is_tuple=False)
        if attr in ("input", "inputs"):
            if not model.inputs:
                return UNKNOWN_VALUE
            ins = model.inputs
            return ins[0] if attr == "input" and len(ins) == 1 else Seq(list(ins), is_tuple=False)
        if attr == "output_shape" and model.output is not None and model.output.shape.dims is not None:
            return Seq([_dim_value(d) for d in model.output.shape.dims])
        return UNKNOWN_VALUE

    def subscript_other(self, obj: Value, node: cst.Subscript) -> Value:
        """Indexing a tensor gives a tensor of unknown shape; anything else is unknown."""
        if isinstance(obj, Tensor):
            return Tensor(Shape.unknown(), node=node)
        return UNKNOWN_VALUE

    def tensor_arithmetic(self, left: Value, right: Value) -> Value:
        """``x * 2`` keeps x's shape; tensor-with-tensor arithmetic broadcasts (unknown here)."""
        if isinstance(left, Tensor) and isinstance(right, Const):
            return Tensor(left.shape)
        if isinstance(right, Tensor) and isinstance(left, Const):
            return Tensor(right.shape)
        return Tensor(Shape.unknown())

    def keras_base(self, bases: list[Value]) -> Optional[str]:
        """``"model"`` or ``"layer"`` when a class derives from keras.Model / keras.layers.Layer."""
        for base in bases:
            if isinstance(base, Ref):
                if base.path in ("keras.Model", "keras.models.Model", "keras.Sequential", "keras.models.Sequential"):
                    return "model"
                if base.path.startswith("keras.layers."):
                    return "layer"
            if isinstance(base, ClassVal) and base.keras_base:
                return base.keras_base
        return None

    # --------------------------------------------------------------------- calls
    def eval_args(self, node: cst.Call, scope: "Scope") -> Arguments:
        """Evaluate a call's arguments, keeping each one's node."""
        args = Arguments()
        for arg in node.args:
            value = self.interp.eval(arg.value, scope)
            if arg.star == "*":
                items = self.interp.iterate(value)
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

    def eval_call(self, node: cst.Call, scope: "Scope") -> Value:
        """Evaluate a call expression."""
        func = node.func
        if isinstance(func, cst.Attribute):
            receiver = self.interp.eval(func.value, scope)
            if isinstance(receiver, Instance) and receiver.cls.keras_base and func.attr.value == "build" \
                    and not isinstance(self._class_attribute(receiver, "build"), Function):
                return self.build_instance(receiver, self.eval_args(node, scope), node)
            if not isinstance(receiver, (Ref, Instance)):
                args = self.eval_args(node, scope)
                return self.call_method(receiver, func.attr.value, args, node, func.attr)
            callee = self.eval_attribute(func, receiver)
        else:
            callee = self.interp.eval(func, scope)
        args = self.eval_args(node, scope)
        return self.call_value(callee, args, node)

    def call_value(self, callee: Value, args: Arguments, node: cst.Call) -> Value:
        """Call an abstract value."""
        if isinstance(callee, Ref):
            return self.call_ref(callee.path, args, node)
        if isinstance(callee, Layer):
            arg = args.positional[0] if args.positional else args.keywords.get("inputs", UNKNOWN_VALUE)
            arg_node = args.positional_nodes[0] if args.positional_nodes else args.keyword_nodes.get("inputs", node)
            return self.apply_layer(callee, arg, node, arg_node)
        if isinstance(callee, Model):
            arg = args.positional[0] if args.positional else args.keywords.get("inputs", UNKNOWN_VALUE)
            return self.apply_model(callee, arg, node)
        if isinstance(callee, Function):
            return self.interp.call_function(callee, args.positional, args.keywords, complete=args.complete)
        if isinstance(callee, ClassVal):
            return self.instantiate(callee, args, node)
        if isinstance(callee, Instance):
            return self.call_instance(callee, args, node)
        self.forget(args.values())
        return UNKNOWN_VALUE

    def instantiate(self, cls: ClassVal, args: Arguments, node: cst.Call) -> Value:
        """A script-defined class: run ``__init__`` on a new instance (its attributes are followed)."""
        instance = Instance(cls)
        init = self._class_attribute(instance, "__init__")
        if isinstance(init, Function):
            self.interp.call_function(init, args.positional, args.keywords, complete=args.complete)
        return instance

    def build_instance(self, instance: Instance, args: Arguments, node: cst.Call) -> Value:
        """``model.build((None, 10, 3))`` on a subclassed model: run ``call`` on a tensor of that shape."""
        shape = args.positional[0] if args.positional else args.keywords.get("input_shape")
        dims = _shape_from_value(shape) if shape is not None else None
        if dims is None:
            return Const(None)
        tensor_args = Arguments()
        tensor_args.positional = [Tensor(Shape(dims), node=node, is_input=True)]
        tensor_args.positional_nodes = [node]
        self.call_instance(instance, tensor_args, node)
        return Const(None)

    def call_instance(self, instance: Instance, args: Arguments, node: cst.Call) -> Value:
        """Calling a subclassed Keras layer or model runs its ``call`` method on the tensors."""
        method = self._class_attribute(instance, "call" if instance.cls.keras_base else "__call__")
        if not isinstance(method, Function):
            self.forget(args.values())
            return Tensor(Shape.unknown(), node=node) if instance.cls.keras_base else UNKNOWN_VALUE
        result = self.interp.call_function(method, args.positional, args.keywords, complete=args.complete)
        if instance.cls.keras_base and not isinstance(result, (Tensor, Seq)):
            return Tensor(Shape.unknown(), node=node)
        return result

    def forget(self, values: list[Value]) -> None:
        """Models handed to code the analysis cannot follow may be changed by it."""
        for value in values:
            if isinstance(value, Model):
                self.make_opaque(value)
            elif isinstance(value, Seq) and not value.is_tuple:
                for item in value.items:
                    if isinstance(item, Model):
                        self.make_opaque(item)

    def make_opaque(self, model: Model) -> None:
        """From now on nothing is known of this model's output."""
        model.opaque = True
        if model.kind == "sequential":
            model.output = Tensor(Shape.unknown())

    def call_ref(self, path: str, args: Arguments, node: cst.Call) -> Value:
        """Call a module-level function or class by its path."""
        if path.startswith("builtins."):
            return self.call_builtin(path[len("builtins."):], args)
        if path.startswith("numpy."):
            return self.numpy.call(path[len("numpy."):], args, node)
        symbol = keras_api.classify(path)
        if symbol is None:
            if path.startswith("tensorflow.") and any(isinstance(v, Tensor) for v in args.values()):
                return Tensor(Shape.unknown(), node=node)
            self.forget(args.values())
            return UNKNOWN_VALUE
        kind = symbol.kind
        if kind == "layer":
            return self.create_layer(symbol.name, args, node)
        if kind == "layer_function":
            return self.call_layer_function(symbol.name, args, node)
        if kind == "input":
            return self.create_input(args, node)
        if kind == "sequential":
            return self.create_sequential(args, node)
        if kind == "model":
            return self.create_functional(args, node)
        if kind in ("loss_class", "optimizer"):
            self.interp.emit(KerasCallKeywords(path, dict(args.keyword_nodes), node))
            return KerasObject(
                "loss" if kind == "loss_class" else "optimizer",
                symbol.name,
                {k: literal(v) for k, v in args.keywords.items()},
                node,
            )
        if kind == "to_categorical":
            return self.to_categorical(args, node)
        if kind == "activation":
            if args.positional and isinstance(args.positional[0], Tensor):
                return Tensor(args.positional[0].shape, node=node)
            return UNKNOWN_VALUE
        if path.startswith("keras.ops.") or path.startswith("keras.backend."):
            if any(isinstance(v, Tensor) for v in args.values()):
                return Tensor(Shape.unknown(), node=node)
        if path.startswith("keras.models.") or path in ("keras.saving.load_model",):
            return UNKNOWN_VALUE
        return UNKNOWN_VALUE

    def call_builtin(self, name: str, args: Arguments) -> Value:
        """The few builtins whose results matter for shapes."""
        pos = args.positional
        if name not in _PURE_BUILTINS and name not in ("range", "enumerate", "zip"):
            self.forget(args.values())
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
            return Const(dims[0]) if dims and is_known(dims[0]) else UNKNOWN_VALUE
        if name == "len" and len(pos) == 1:
            items = self.interp.iterate(pos[0])
            if items is not None:
                return Const(len(items))
            return UNKNOWN_VALUE
        if name in ("int", "float") and len(pos) == 1 and isinstance(pos[0], Const):
            try:
                return Const(int(pos[0].value) if name == "int" else float(pos[0].value))  # type: ignore[arg-type]
            except (TypeError, ValueError, OverflowError):
                return UNKNOWN_VALUE
        if name in ("tuple", "list") and len(pos) == 1:
            items = self.interp.iterate(pos[0])
            if items is not None:
                return Seq(items, is_tuple=name == "tuple")
            return UNKNOWN_VALUE
        if name in ("tuple", "list") and not pos:
            return Seq([], is_tuple=name == "tuple")
        if name in ("max", "min", "sum", "abs", "round") and pos:
            values = self.interp.iterate(pos[0]) if len(pos) == 1 and name != "abs" and name != "round" else pos
            if values and all(isinstance(v, Const) and isinstance(v.value, (int, float)) for v in values):
                nums = [v.value for v in values]  # type: ignore[attr-defined]
                fn = {"max": max, "min": min, "sum": sum}.get(name)
                if fn is not None:
                    return Const(fn(nums))
                if name == "abs" and len(nums) == 1:
                    return Const(abs(nums[0]))
            return UNKNOWN_VALUE
        if name == "enumerate" and len(pos) == 1:
            items = self.interp.iterate(pos[0])
            if items is not None:
                return Seq([Seq([Const(i), v]) for i, v in enumerate(items)], is_tuple=False)
        if name == "zip" and pos:
            lists = [self.interp.iterate(p) for p in pos]
            if all(items is not None for items in lists):
                return Seq([Seq(list(group)) for group in zip(*lists)], is_tuple=False)  # type: ignore[arg-type]
        return UNKNOWN_VALUE

    # ------------------------------------------------------------------ methods
    def call_method(self, receiver: Value, method: str, args: Arguments, node: cst.Call,
                    method_node: cst.CSTNode) -> Value:
        """``model.add(...)``, ``model.compile(...)``, ``layers.append(...)`` and the like."""
        if isinstance(receiver, Model):
            self.interp.emit(MethodCalled(receiver, method, node, method_node, dict(args.keyword_arg_nodes)))
            return self.model_method(receiver, method, args, node)
        if isinstance(receiver, Seq) and not receiver.is_tuple:
            return self.list_method(receiver, method, args)
        if isinstance(receiver, Const) and isinstance(receiver.value, str):
            return UNKNOWN_VALUE
        if isinstance(receiver, Layer):
            self.interp.emit(MethodCalled(receiver, method, node, method_node, dict(args.keyword_arg_nodes)))
            return UNKNOWN_VALUE
        if isinstance(receiver, DictVal):
            if method == "get" and args.positional and isinstance(args.positional[0], Const):
                default = args.positional[1] if len(args.positional) > 1 else Const(None)
                return receiver.items.get(args.positional[0].value, default)
            if method in ("update", "pop", "setdefault", "clear", "popitem"):
                receiver.items.clear()
                self.forget(args.values())
            return UNKNOWN_VALUE
        if isinstance(receiver, Tensor):
            return UNKNOWN_VALUE
        if isinstance(receiver, Array):
            return self.numpy.method(receiver, method, args, node)
        self.forget(args.values())
        return UNKNOWN_VALUE

    def feed(self, model: Model, method: str, args: Arguments, node: cst.Call) -> None:
        """``model.fit(x, y, ...)``: tell the data rules what the model is given."""
        pos, kw = args.positional, args.keywords
        x = pos[0] if pos else kw.get("x", UNKNOWN_VALUE)
        takes_y = not method.startswith("predict")
        y = (pos[1] if len(pos) > 1 else kw.get("y")) if takes_y else None
        self.interp.emit(DataFed(model, method, self._as_data(x), self._as_data(y) if y is not None else None,
                                 node, dict(kw)))

    def _as_data(self, value: Value) -> Value:
        """Nested Python lists of numbers are read as the array Keras would make of them."""
        if isinstance(value, Seq) and value.items and not any(isinstance(v, (Array, Tensor)) for v in value.items):
            array = self.numpy.from_literal(value, None, None, report=False)  # type: ignore[arg-type]
            return array
        return value

    def to_categorical(self, args: Arguments, node: cst.Call) -> Value:
        """``keras.utils.to_categorical(y, num_classes)``: one-hot labels (N, num_classes)."""
        y = args.positional[0] if args.positional else args.keywords.get("x")
        classes = args.positional[1] if len(args.positional) > 1 else args.keywords.get("num_classes", Const(None))
        if isinstance(y, Seq):
            y = self._as_data(y)
        if not isinstance(y, Array) or y.shape.dims is None or not args.complete:
            return UNKNOWN_VALUE
        dims = y.shape.dims
        if len(dims) >= 2 and dims[-1] == 1:
            dims = dims[:-1]
        if isinstance(classes, Const) and isinstance(classes.value, int) and not isinstance(classes.value, bool):
            n: Dim = classes.value
        elif isinstance(classes, Const) and classes.value is None and y.max_value is not None:
            n = y.max_value + 1
        else:
            n = UNKNOWN
        return Array(Shape(dims + (n,)), "float", onehot=True, node=node)

    def list_method(self, seq: Seq, method: str, args: Arguments) -> Value:
        """Python list methods that matter when layer lists are built up."""
        from shapecheck.engine.interpreter import MAX_SEQ

        if method in ("append", "extend", "insert") and len(seq.items) >= MAX_SEQ:
            seq.items = [UNKNOWN_VALUE]  # a list this long is built by a loop we cannot follow anyway
        elif method == "append" and len(args.positional) == 1:
            seq.items.append(args.positional[0])
        elif method == "extend" and len(args.positional) == 1:
            items = self.interp.iterate(args.positional[0])
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

    def model_method(self, model: Model, method: str, args: Arguments, node: cst.Call) -> Value:
        """What a model method does to the model description."""
        if method == "add":
            if args.positional:
                self.sequential_add(model, args.positional[0], args.positional_nodes[0])
            elif "layer" in args.keywords:
                self.sequential_add(model, args.keywords["layer"], args.keyword_nodes["layer"])
            return Const(None)
        if method == "compile":
            self.compile(model, args, node)
            return Const(None)
        if method == "pop":
            self.make_opaque(model)
            return UNKNOWN_VALUE
        if method in _DATA_METHODS:
            self.feed(model, method, args, node)
            return UNKNOWN_VALUE
        if method in ("summary", "fit", "evaluate", "predict", "save", "train_on_batch",
                      "test_on_batch", "predict_on_batch", "count_params", "get_config", "to_json",
                      "save_weights", "load_weights"):
            return UNKNOWN_VALUE
        if method == "build":
            return Const(None)
        self.forget(args.values())
        return UNKNOWN_VALUE

    # ------------------------------------------------------------------- layers
    def create_layer(self, kind: str, args: Arguments, node: cst.Call) -> Value:
        """Construct a layer: bind arguments like Python would and fill in Keras's defaults."""
        params, var_kwargs = T.LAYER_SIGNATURES[kind]
        names = [name for name, _ in params]
        values: dict[str, Any] = {}
        arg_nodes: dict[str, cst.CSTNode] = {}
        extra_positional: list[cst.CSTNode] = []
        for i, (value, value_node) in enumerate(zip(args.positional, args.positional_nodes)):
            if i < len(names):
                values[names[i]] = literal(value)
                arg_nodes[names[i]] = value_node
            else:
                extra_positional.append(value_node)
        accepted = _accepted_keywords(kind)
        unknown_keywords: list[tuple[str, cst.CSTNode]] = []
        extras: dict[str, Value] = {}
        for key, value in args.keywords.items():
            if key in names:
                values[key] = literal(value)
                arg_nodes[key] = args.keyword_nodes[key]
            elif accepted is not None and key not in accepted:
                unknown_keywords.append((key, args.keyword_arg_nodes[key].keyword or args.keyword_nodes[key]))
            else:
                extras[key] = value
                arg_nodes[key] = args.keyword_nodes[key]
        for name, default in params:
            if name in values:
                continue
            if not args.complete or default in (T.REQUIRED, T.NONLITERAL):
                values[name] = UNKNOWN
            else:
                values[name] = default
        layer = Layer(kind, Config(kind, values), node, arg_nodes, complete=args.complete)
        layer.extra_kwargs = {key: literal(value) for key, value in args.keywords.items() if key not in names}
        layer.input_shape = self._layer_input_shape(kind, extras, args, layer)
        positional = list(args.positional)
        self.interp.emit(LayerCreated(layer, positional, unknown_keywords, extra_positional))
        function = layer.config.get("function") if kind == "Lambda" else None
        if isinstance(function, Function):
            how = moves_batch_axis(function, self.interp)
            if how is not None:
                self.interp.emit(LambdaMovesBatch(layer, how))
        if kind in catalog.REGISTRY and catalog.REGISTRY[kind].multi_input and args.positional and (
            isinstance(args.positional[0], Tensor)
            or (isinstance(args.positional[0], Seq) and any(isinstance(v, Tensor) for v in args.positional[0].items))
        ):
            layer.broken = True
        if unknown_keywords or extra_positional:
            layer.broken = True
        return layer

    def _layer_input_shape(self, kind: str, extras: dict[str, Value], args: Arguments,
                           layer: Optional[Layer] = None) -> Optional[Shape]:
        """The input shape a first layer declares through input_shape/input_dim (and batch_size)."""
        batch: Dim = None
        if "batch_size" in extras:
            b = extras["batch_size"]
            batch = b.value if isinstance(b, Const) and isinstance(b.value, int) else UNKNOWN
        if "input_dim" in extras:
            dim = extras["input_dim"]
            d: Dim = dim.value if isinstance(dim, Const) and isinstance(dim.value, int) else UNKNOWN
            return Shape((batch, d))
        if "input_shape" in extras:
            value = extras["input_shape"]
            self.interp.emit(ShapeArgument("input_shape", value, args.keyword_nodes["input_shape"], kind, layer))
            dims = _shape_from_value(value)
            return Shape((batch,) + dims) if dims is not None else Shape.unknown()
        return None

    def create_input(self, args: Arguments, node: cst.Call) -> Value:
        """``keras.Input(shape=...)``: a symbolic input tensor."""
        shape_value = args.positional[0] if args.positional else args.keywords.get("shape")
        shape_node = args.positional_nodes[0] if args.positional_nodes else args.keyword_nodes.get("shape")
        batch_value = args.keywords.get("batch_size", Const(None))
        batch: Dim = batch_value.value if isinstance(batch_value, Const) and (
            batch_value.value is None or isinstance(batch_value.value, int)) else UNKNOWN
        if "batch_shape" in args.keywords:
            dims = _shape_from_value(args.keywords["batch_shape"])
            return Tensor(Shape(dims) if dims is not None else Shape.unknown(), node=node, is_input=True)
        if shape_value is None or not args.complete:
            return Tensor(Shape.unknown(), node=node, is_input=True)
        if shape_node is not None:
            self.interp.emit(ShapeArgument("shape", shape_value, shape_node, "Input"))
        dims = _shape_from_value(shape_value)
        if dims is None:
            return Tensor(Shape.unknown(), node=node, is_input=True)
        return Tensor(Shape((batch,) + dims), node=node, is_input=True)

    def call_layer_function(self, name: str, args: Arguments, node: cst.Call) -> Value:
        """``concatenate([a, b], axis=1)``: build the layer, then call it on the list."""
        kind = keras_api.LAYER_FUNCTION_CLASSES[name]
        if kind not in T.LAYER_SIGNATURES:
            return UNKNOWN_VALUE
        inputs = args.positional[0] if args.positional else args.keywords.get("inputs", UNKNOWN_VALUE)
        inputs_node = args.positional_nodes[0] if args.positional_nodes else args.keyword_nodes.get("inputs", node)
        layer_args = Arguments()
        layer_args.complete = args.complete
        for key, value in args.keywords.items():
            if key != "inputs":
                layer_args.keywords[key] = value
                layer_args.keyword_nodes[key] = args.keyword_nodes[key]
                layer_args.keyword_arg_nodes[key] = args.keyword_arg_nodes[key]
        layer = self.create_layer(kind, layer_args, node)
        if not isinstance(layer, Layer):
            return UNKNOWN_VALUE
        return self.apply_layer(layer, inputs, node, inputs_node)

    def apply_layer(self, layer: Layer, arg: Value, node: cst.CSTNode, arg_node: cst.CSTNode) -> Value:
        """Call a layer on its input(s) and compute the output through the catalog."""
        spec = catalog.spec_for(layer.kind)
        multi = spec is not None and spec.multi_input
        if isinstance(arg, (Layer, Model)):
            self.interp.emit(NonTensorInput(layer, arg, node, arg_node))
            return Tensor(Shape.unknown(), node=node)
        if multi:
            items = arg.items if isinstance(arg, Seq) else None
            if items is None:
                return Tensor(Shape.unknown(), node=node)
            for item in items:
                if isinstance(item, (Layer, Model)):
                    self.interp.emit(NonTensorInput(layer, item, node, arg_node))
                    return Tensor(Shape.unknown(), node=node)
            tensors = [item if isinstance(item, Tensor) else Tensor(Shape.unknown()) for item in items]
        else:
            tensors = [arg if isinstance(arg, Tensor) else Tensor(Shape.unknown())]
        shared_problem = self._shared_mismatch(layer, tensors)
        call = LayerCall(layer, tensors, node)
        layer.calls.append(call)
        if shared_problem is not None:
            self.interp.emit(ShapeProblem(layer, tensors, shared_problem, node))
            return Tensor(Shape.unknown(), call, node)
        if layer.broken or spec is None or not layer.complete:
            out: catalog.Output = Shape.unknown()
        else:
            try:
                out = spec.infer(layer.config, [t.shape for t in tensors])
            except ShapeContradiction as error:
                self.interp.emit(ShapeProblem(layer, tensors, error, node))
                out = Shape.unknown()
                layer.broken = True
            except (TypeError, ValueError, ArithmeticError, IndexError, KeyError, AttributeError):
                if self.interp.strict:
                    raise
                out = Shape.unknown()  # a catalog bug must not cost the rest of the file
        if isinstance(out, tuple):
            call.outputs = [Tensor(s, call, node) for s in out]
            self.interp.emit(LayerApplied(call))
            return Seq(list(call.outputs), is_tuple=False)
        call.outputs = [Tensor(out, call, node)]
        self.interp.emit(LayerApplied(call))
        return call.outputs[0]

    def _shared_mismatch(self, layer: Layer, tensors: list[Tensor]) -> Optional[SharedLayerMismatch]:
        """A second call of a layer must match the first where its weights were sized."""
        if len(tensors) != 1 or not layer.calls or layer.broken:
            return None
        axis = catalog.weight_axis(layer.kind, layer.config)
        new = tensors[0].shape.dims
        if axis is None or not new:
            return None
        for earlier in layer.calls:
            if len(earlier.inputs) != 1:
                continue
            old = earlier.inputs[0].shape.dims
            if not old or len(old) != len(new):
                continue
            a, b = old[axis], new[axis]
            if is_known(a) and is_known(b) and a != b:
                return SharedLayerMismatch(
                    f"was first called on {earlier.inputs[0].shape} and built for size {a} on axis {axis}, "
                    f"but is called again on {tensors[0].shape}")
        return None

    def apply_model(self, model: Model, arg: Value, node: cst.Call) -> Value:
        """Calling a model on a tensor: a Sequential replays its layers on it; a Functional
        model gives its output shape when its input matches exactly."""
        if isinstance(arg, (Layer, Model)):
            return Tensor(Shape.unknown(), node=node)
        if model.kind == "sequential" and not model.opaque and isinstance(arg, Tensor) and model.layers \
                and not model.inputs:
            current: Value = arg
            for layer in model.layers:
                current = self.apply_layer(layer, current, layer.node, layer.node)
                if not isinstance(current, Tensor):
                    return Tensor(Shape.unknown(), node=node)
            return Tensor(current.shape, current.producer, node)  # type: ignore[union-attr]
        outs = model.outputs if model.kind == "functional" else ([model.output] if model.output else [])
        if model.opaque or len(outs) != 1 or len(model.inputs) != 1 or not isinstance(arg, Tensor):
            return Tensor(Shape.unknown(), node=node)
        expected = model.inputs[0].shape
        if expected.dims is None or arg.shape.dims is None or expected.dims[1:] != arg.shape.dims[1:] \
                or any(not is_known(d) for d in expected.dims[1:]):
            return Tensor(Shape.unknown(), node=node)
        out = outs[0].shape
        if out.dims is None:
            return Tensor(Shape.unknown(), node=node)
        return Tensor(Shape((arg.shape.dims[0],) + out.dims[1:]), outs[0].producer, node)

    # ------------------------------------------------------------------- models
    def create_sequential(self, args: Arguments, node: cst.Call) -> Value:
        """``Sequential([...])``: a model whose layers are added in order."""
        model = Model("sequential", node)
        layers = args.positional[0] if args.positional else args.keywords.get("layers")
        layers_node = args.positional_nodes[0] if args.positional_nodes else args.keyword_nodes.get("layers")
        if layers is None or (isinstance(layers, Const) and layers.value is None):
            return model
        if isinstance(layers, Seq):
            element_nodes: list[cst.CSTNode] = []
            if isinstance(layers_node, (cst.List, cst.Tuple)) and len(layers_node.elements) == len(layers.items):
                element_nodes = [el.value for el in layers_node.elements]
            for i, item in enumerate(layers.items):
                self.sequential_add(model, item, element_nodes[i] if element_nodes else (layers_node or node))
            return model
        self.make_opaque(model)
        return model

    def sequential_add(self, model: Model, value: Value, node: cst.CSTNode) -> None:
        """``model.add(layer)``: apply the layer to the model's current output."""
        if isinstance(value, Tensor) and value.is_input and model.output is None and not model.layers:
            model.inputs = [value]
            model.output = value
            return
        if isinstance(value, Layer) and value.kind == "InputLayer" and model.output is None:
            model.inputs = [self._input_layer_tensor(value)]
            model.output = model.inputs[0]
            return
        if isinstance(value, Layer):
            if model.output is None:
                if value.input_shape is not None:
                    start = Tensor(value.input_shape, node=node, is_input=True)
                    model.inputs = [start]
                else:
                    start = Tensor(Shape.unknown())
            else:
                start = model.output
            model.layers.append(value)
            result = self.apply_layer(value, start, node, node)
            model.output = result if isinstance(result, Tensor) else Tensor(Shape.unknown())
            if value.broken:
                self.make_opaque(model)  # Keras cannot build this model: nothing downstream is checked
            return
        if isinstance(value, Model):
            start = model.output or Tensor(Shape.unknown())
            result = self.apply_model(value, start, node)  # type: ignore[arg-type]
            model.output = result if isinstance(result, Tensor) else Tensor(Shape.unknown())
            return
        model.output = Tensor(Shape.unknown())

    def _input_layer_tensor(self, layer: Layer) -> Tensor:
        batch_shape = layer.config.get("batch_shape", None)
        if isinstance(batch_shape, (tuple, list)):
            return Tensor(Shape(tuple(d if d is None or is_known(d) else UNKNOWN for d in batch_shape)),
                          node=layer.node, is_input=True)
        shape = layer.config.get("shape", None)
        if isinstance(shape, (tuple, list)):
            batch = layer.config.get("batch_size", None)
            b: Dim = batch if batch is None or is_known(batch) else UNKNOWN
            return Tensor(Shape((b,) + tuple(d if d is None or is_known(d) else UNKNOWN for d in shape)),
                          node=layer.node, is_input=True)
        return Tensor(Shape.unknown(), node=layer.node, is_input=True)

    def create_functional(self, args: Arguments, node: cst.Call) -> Value:
        """``Model(inputs=..., outputs=...)``."""
        inputs = args.positional[0] if args.positional else args.keywords.get("inputs")
        outputs = args.positional[1] if len(args.positional) > 1 else args.keywords.get("outputs")
        if inputs is None or outputs is None:
            self.forget(args.values())
            return UNKNOWN_VALUE
        model = Model("functional", node)
        model.inputs = _tensors(inputs)
        model.outputs = _tensors(outputs)
        if isinstance(outputs, DictVal) or not model.outputs:
            model.opaque = True
        return model

    def compile(self, model: Model, args: Arguments, node: cst.Call) -> None:
        """``model.compile(optimizer, loss, ...)``: report the loss against the outputs."""
        names = ["optimizer", "loss", "loss_weights", "metrics"]
        given: dict[str, tuple[Value, cst.CSTNode]] = {}
        for i, (value, value_node) in enumerate(zip(args.positional, args.positional_nodes)):
            if i < len(names):
                given[names[i]] = (value, value_node)
        for key, value in args.keywords.items():
            given[key] = (value, args.keyword_nodes[key])
        loss, loss_node = given.get("loss", (UNKNOWN_VALUE, None))
        optimizer, optimizer_node = given.get("optimizer", (Const("rmsprop"), None))
        metrics_value, metrics_node = given.get("metrics", (Seq([]), None))
        metrics: list[tuple[Value, cst.CSTNode]] = []
        if isinstance(metrics_value, Seq) and isinstance(metrics_node, (cst.List, cst.Tuple)) \
                and len(metrics_node.elements) == len(metrics_value.items):
            metrics = [(v, el.value) for v, el in zip(metrics_value.items, metrics_node.elements)]
        if isinstance(loss, Const) and isinstance(loss.value, str) and loss_node is not None:
            self.interp.emit(IdentifierString("loss", loss.value, loss_node))
        if isinstance(optimizer, Const) and isinstance(optimizer.value, str) and optimizer_node is not None:
            self.interp.emit(IdentifierString("optimizer", optimizer.value, optimizer_node))
        for value, value_node in metrics:
            if isinstance(value, Const) and isinstance(value.value, str):
                self.interp.emit(IdentifierString("metric", value.value, value_node))
        model.compiled = True
        model.loss = loss
        outputs = list(model.outputs) if model.kind == "functional" else [model.output] if model.output else []
        self.interp.emit(Compiled(model, loss, loss_node, optimizer, optimizer_node, metrics, node, outputs))


def _tensors(value: Value) -> list[Tensor]:
    if isinstance(value, Tensor):
        return [value]
    if isinstance(value, Seq) and all(isinstance(v, Tensor) for v in value.items):
        return list(value.items)  # type: ignore[arg-type]
    return []


def _dim_value(dim: Dim) -> Value:
    if dim is None or is_known(dim):
        return Const(dim)  # type: ignore[arg-type]
    return UNKNOWN_VALUE


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _bound_name(alias: cst.ImportAlias) -> str:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return _dotted(alias.name).split(".")[0]
