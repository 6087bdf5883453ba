"""Keras models, for the interpreter: Sequential, Functional and subclassed models.

``Sequential([...])`` and ``model.add`` apply each layer to the model's
current output; ``Model(inputs, outputs)`` records the graph; calling a
model on a tensor replays a Sequential's layers or gives a Functional
model's output shape; ``model.build(shape)`` on a subclassed model runs its
``call`` on a tensor of that shape.  A model handed to code the analysis
cannot follow turns opaque.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

import libcst as cst

from shapecheck.engine.arguments import Arguments
from shapecheck.engine.calls import class_attribute, forget
from shapecheck.engine.events import MethodCalled, ModelGivenLayer, ModelInputMismatch
from shapecheck.engine.overlay import OVERLAYS
from shapecheck.engine.values import (
    UNKNOWN_VALUE,
    Array,
    Const,
    DictVal,
    Function,
    Instance,
    Layer,
    Model,
    Seq,
    Tensor,
    Value,
)
from shapecheck.overlays.keras_layers import apply_layer, dim_value, shape_from_value
from shapecheck.overlays.keras_names import is_symbolic, kind
from shapecheck.overlays.keras_training import compile, feed
from shapecheck.shapes.dims import UNKNOWN, Dim, Shape, is_known

if TYPE_CHECKING:
    from shapecheck.engine.interpreter import Interpreter
    from shapecheck.engine.scope import Scope

_DATA_METHODS = {"fit", "evaluate", "predict", "train_on_batch", "test_on_batch", "predict_on_batch"}


@kind("sequential")
def _sequential_kind(interp: Interpreter, path: str, name: str, args: Arguments, node: cst.Call) -> Value:
    return create_sequential(interp, args, node)


@kind("model")
def _model_kind(interp: Interpreter, path: str, name: str, args: Arguments, node: cst.Call) -> Value:
    return create_functional(interp, args, node)


def create_sequential(interp: Interpreter, args: Arguments, node: cst.Call) -> Value:
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
            sequential_add(interp, model, item, element_nodes[i] if element_nodes else (layers_node or node))
        return model
    model.make_opaque()
    return model


def sequential_add(interp: Interpreter, model: Model, value: Value, node: cst.CSTNode) -> None:
    """``model.add(layer)``: apply the layer to the model's current output."""
    if isinstance(value, Tensor) and value.is_input and model.output is None and not model.steps:
        model.inputs = [value]
        model.output = value
        return
    if isinstance(value, Layer) and value.kind == "InputLayer" and model.output is None:
        model.inputs = [input_layer_tensor(interp, value)]
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
        model.steps.append(value)
        result = apply_layer(interp, value, start, node, node)
        model.output = result if isinstance(result, Tensor) else Tensor(Shape.unknown())
        if value.broken:
            model.make_opaque()  # Keras cannot build this model: nothing downstream is checked
        return
    model.steps.append(value)
    if isinstance(value, Model):
        start = model.output or Tensor(Shape.unknown())
        result = apply_model(interp, value, start, node)  # type: ignore[arg-type]
        model.output = result if isinstance(result, Tensor) else Tensor(Shape.unknown())
        return
    model.output = Tensor(Shape.unknown())  # a layer the analysis does not know: unknown from here


def input_layer_tensor(interp: Interpreter, layer: Layer) -> Tensor:
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


def create_functional(interp: Interpreter, args: Arguments, node: cst.Call) -> Value:
    """``Model(inputs=..., outputs=...)``."""
    inputs = args.positional[0] if args.positional else args.keywords.get("inputs")
    outputs = args.positional[1] if len(args.positional) > 1 else args.keywords.get("outputs")
    if inputs is None or outputs is None:
        forget(args.values())
        return UNKNOWN_VALUE
    model = Model("functional", node)
    for role, given in (("inputs", inputs), ("outputs", outputs)):
        items = given.items if isinstance(given, Seq) else [given]
        for item in items:
            if isinstance(item, Layer) and not item.broken:  # a broken layer has its own finding (SC106...)
                interp.emit(ModelGivenLayer(item, role, _tensors(inputs), list(items) if role == "outputs" else [],
                                            node))
                model.opaque = True
                return model
    model.inputs = _tensors(inputs)
    model.outputs = _tensors(outputs)
    if isinstance(outputs, DictVal) or not model.outputs:
        model.opaque = True
    return model


def apply_model(interp: Interpreter, model: Model, arg: Value, node: cst.Call) -> Value:
    """Calling a model on a tensor: a Sequential replays its layers on it; a Functional
    model gives its output shape when its input matches exactly."""
    if isinstance(arg, (Layer, Model)):
        return Tensor(Shape.unknown(), node=node)
    if model.kind == "sequential" and not model.opaque and isinstance(arg, Tensor) and model.steps \
            and not model.inputs:
        current: Value = arg
        for step in model.steps:  # an unknown item (a script-defined layer) makes the rest unknown
            interp.tick()  # nested models replay their steps: Sequential([m, m]) 200 deep must stay bounded
            if isinstance(step, Layer):
                current = apply_layer(interp, step, current, step.node, step.node)
            elif isinstance(step, Model):
                current = apply_model(interp, step, current, node)
            else:
                return Tensor(Shape.unknown(), node=node)
            if not isinstance(current, Tensor) or current.shape.dims is None:
                return Tensor(Shape.unknown(), node=node)
        assert isinstance(current, Tensor)
        return Tensor(current.shape, current.producer, node, symbolic=is_symbolic(current))
    outs = model.outputs if model.kind == "functional" else ([model.output] if model.output else [])
    if model.opaque or len(outs) != 1 or len(model.inputs) != 1 or not isinstance(arg, Tensor):
        return Tensor(Shape.unknown(), node=node)
    expected = model.inputs[0].shape
    if _rejects(expected, arg.shape):
        interp.emit(ModelInputMismatch(model, arg, node))
        return Tensor(Shape.unknown(), node=node)
    if expected.dims is None or arg.shape.dims is None or expected.dims[1:] != arg.shape.dims[1:] \
            or any(not is_known(d) for d in expected.dims[1:]):
        return Tensor(Shape.unknown(), node=node)
    out = outs[0].shape
    if out.dims is None:
        return Tensor(Shape.unknown(), node=node)
    return Tensor(Shape((arg.shape.dims[0],) + out.dims[1:]), outs[0].producer, node, symbolic=is_symbolic(arg))


def model_method(interp: Interpreter, model: Model, method: str, args: Arguments, node: cst.Call) -> Value:
    """What a model method does to the model description."""
    if method == "add":
        if args.positional:
            sequential_add(interp, model, args.positional[0], args.positional_nodes[0])
        elif "layer" in args.keywords:
            sequential_add(interp, model, args.keywords["layer"], args.keyword_nodes["layer"])
        return Const(None)
    if method == "compile":
        compile(interp, model, args, node)
        return Const(None)
    if method == "pop":
        model.make_opaque()
        return UNKNOWN_VALUE
    if method in _DATA_METHODS:
        feed(interp, model, method, args, node)
        return UNKNOWN_VALUE
    if method in ("summary", "fit", "evaluate", "predict", "save", "train_on_batch",
                  "test_on_batch", "predict_on_batch", "count_params", "get_config", "to_json",
                  "save_weights", "load_weights"):
        return UNKNOWN_VALUE
    if method == "build":
        return Const(None)
    forget(args.values())
    return UNKNOWN_VALUE


def model_attribute(interp: Interpreter, model: Model, attr: str) -> Value:
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
        return Seq([dim_value(d) for d in model.output.shape.dims])
    return UNKNOWN_VALUE


@OVERLAYS.value_call(Model)
def call_model(interp: Interpreter, model: Any, args: Arguments, node: cst.Call) -> Value:
    """``model(x)``: a model used as a layer."""
    arg = args.positional[0] if args.positional else args.keywords.get("inputs", UNKNOWN_VALUE)
    return apply_model(interp, model, arg, node)


@OVERLAYS.method(Model)
def call_model_method(interp: Interpreter, model: Any, method: str, args: Arguments, node: cst.Call,
                      method_node: cst.CSTNode) -> Value:
    """``model.add(...)``, ``model.compile(...)``, ``model.fit(...)``: told to the rules, then followed."""
    interp.emit(MethodCalled(model, method, node, method_node, dict(args.keyword_arg_nodes)))
    return model_method(interp, model, method, args, node)


@OVERLAYS.attribute(Model)
def read_model_attribute(interp: Interpreter, model: Any, attr: str) -> Value:
    """``model.output``, ``model.inputs``, ``model.output_shape``."""
    return model_attribute(interp, model, attr)


@OVERLAYS.instance_methods.append
def build_subclassed(interp: Interpreter, instance: Any, method: str, node: cst.Call, scope: Scope) -> Optional[Value]:
    """``model.build((None, 10, 3))`` on a subclassed model: run ``call`` on a tensor of that shape."""
    if method == "build":
        return build_instance(interp, instance, interp.eval_args(node, scope), node)
    if method in _FED_METHODS and instance.cls.keras_base == "model":
        return feed_instance(interp, instance, interp.eval_args(node, scope), node)
    return None


_FED_METHODS = frozenset({"fit", "predict", "evaluate", "train_on_batch", "test_on_batch", "predict_on_batch"})


def feed_instance(interp: Interpreter, instance: Instance, args: Arguments, node: cst.Call) -> Value:
    """``model.fit(x, y)`` on a subclassed model never called on a tensor: run ``call`` on x's shape.

    Keras builds a subclassed model from the first data it sees; mistakes
    inside ``call`` show then.  Only an array of known shape is used.
    """
    x = args.first("x")
    call = class_attribute(interp, instance, "call")
    if not isinstance(x, Array) or not x.shape.dims or not isinstance(call, Function) \
            or id(call.node) in interp.called:
        forget(args.values())
        return UNKNOWN_VALUE
    tensor_args = Arguments()
    tensor_args.positional = [Tensor(Shape((None,) + tuple(x.shape.dims[1:])), node=node, is_input=True)]
    tensor_args.positional_nodes = [node]
    interp.call_instance(instance, tensor_args, node)
    return UNKNOWN_VALUE


def build_instance(interp: Interpreter, instance: Instance, args: Arguments, node: cst.Call) -> Value:
    """``model.build((None, 10, 3))`` on a subclassed model: run ``call`` on a tensor of that shape."""
    shape = args.positional[0] if args.positional else args.keywords.get("input_shape")
    dims = shape_from_value(shape) if shape is not None else None
    if dims is None:
        return Const(None)
    tensor_args = Arguments()
    tensor_args.positional = [Tensor(Shape(dims), node=node, is_input=True)]
    tensor_args.positional_nodes = [node]
    interp.call_instance(instance, tensor_args, node)
    return Const(None)


def _tensors(value: Value) -> list[Tensor]:
    if isinstance(value, Tensor):
        return [value]
    if isinstance(value, Seq) and all(isinstance(v, Tensor) for v in value.items):
        return list(value.items)  # type: ignore[arg-type]
    return []


def _rejects(expected: Shape, given: Shape) -> bool:
    """True when Keras's input check refuses ``given`` for an input declared ``expected``: a known
    size that differs from a declared one, at the same rank (None accepts anything; Keras adjusts
    some rank differences, so those are left alone)."""
    if expected.dims is None or given.dims is None or len(expected.dims) != len(given.dims):
        return False
    return any(is_known(want) and is_known(got) and want != got
               for want, got in zip(expected.dims[1:], given.dims[1:]))
