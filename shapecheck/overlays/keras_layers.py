"""Keras layers, for the interpreter: constructing a layer, and calling it on tensors.

Calling a layer class builds a :class:`~shapecheck.engine.values.Layer` with
its config bound like Python binds arguments and Keras's defaults filled in
from the generated tables; calling the layer on tensors runs the catalog's
shape rule (:mod:`shapecheck.shapes.catalog`) and tells the rules what
happened.  Tensors' own attributes, indexing and arithmetic are here too.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Optional, Sequence

import libcst as cst

from shapecheck.engine.arguments import Arguments
from shapecheck.engine.events import (
    EmbeddingWeightsMismatch,
    LambdaMovesBatch,
    LayerApplied,
    LayerCreated,
    MethodCalled,
    NonTensorInput,
    ShapeArgument,
    ShapeProblem,
)
from shapecheck.engine.overlay import OVERLAYS
from shapecheck.engine.values import (
    UNKNOWN_VALUE,
    Array,
    Const,
    Function,
    Layer,
    LayerCall,
    Model,
    Seq,
    Tensor,
    Value,
    literal,
)
from shapecheck.overlays.keras_legacy import read_legacy
from shapecheck.overlays.keras_names import is_symbolic, kind
from shapecheck.overlays.lambdas import moves_batch_axis
from shapecheck.shapes import catalog
from shapecheck.shapes.config import Config
from shapecheck.shapes.dims import UNKNOWN, Dim, Shape, is_known
from shapecheck.shapes.errors import BadConfig, ShapeContradiction, SharedLayerMismatch
from shapecheck.tables import keras_api
from shapecheck.tables import keras_tables as T

if TYPE_CHECKING:
    from shapecheck.engine.interpreter import Interpreter


def shape_from_value(value: Value) -> Optional[tuple[Dim, ...]]:
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


@functools.lru_cache(maxsize=None)
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


def dim_value(dim: Dim) -> Value:
    """A dimension as an abstract value (unknown stays unknown)."""
    if dim is None or is_known(dim):
        return Const(dim)  # type: ignore[arg-type]
    return UNKNOWN_VALUE


@kind("layer")
def _layer_kind(interp: Interpreter, path: str, name: str, args: Arguments, node: cst.Call) -> Value:
    return create_layer(interp, name, args, node)


@kind("layer_function")
def _layer_function_kind(interp: Interpreter, path: str, name: str, args: Arguments, node: cst.Call) -> Value:
    return call_layer_function(interp, name, args, node)


@kind("input")
def _input_kind(interp: Interpreter, path: str, name: str, args: Arguments, node: cst.Call) -> Value:
    return create_input(interp, args, node)


@kind("activation")
def _activation_kind(interp: Interpreter, path: str, name: str, args: Arguments, node: cst.Call) -> Value:
    if args.positional and isinstance(args.positional[0], Tensor):
        return Tensor(args.positional[0].shape, node=node)
    return UNKNOWN_VALUE


def create_layer(interp: Interpreter, kind: str, args: Arguments, node: cst.Call) -> Value:
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
    understood = read_legacy(kind, args, names, values, arg_nodes, unknown_keywords) if unknown_keywords else set()
    for name, default in params:
        if name in values:
            continue
        if not args.complete or default in (T.REQUIRED, T.NONLITERAL):
            values[name] = UNKNOWN
        else:
            values[name] = default
    layer = Layer(kind, Config(kind, values), node, arg_nodes, complete=args.complete)
    layer.extra_kwargs = {key: literal(value) for key, value in args.keywords.items() if key not in names}
    weights = args.keywords.get("weights")
    if isinstance(weights, Seq) and weights.items and all(isinstance(w, Array) for w in weights.items):
        # Arrays, kept as such: their shapes are what a rebuild needs.
        (layer.config.values if "weights" in names else layer.extra_kwargs)["weights"] = list(weights.items)
    layer.input_shape = layer_input_shape(interp, kind, extras, args, layer)
    positional = list(args.positional)
    interp.emit(LayerCreated(layer, positional, unknown_keywords, extra_positional))
    if kind == "Embedding" and "weights" in args.keywords:
        _check_embedding_weights(interp, layer, args.keywords["weights"], node)
    function = layer.config.get("function") if kind == "Lambda" else None
    if isinstance(function, Function):
        how = moves_batch_axis(function, interp)
        if how is not None:
            interp.emit(LambdaMovesBatch(layer, how))
    if kind in catalog.REGISTRY and catalog.REGISTRY[kind].multi_input and args.positional and (
        isinstance(args.positional[0], Tensor)
        or (isinstance(args.positional[0], Seq) and any(isinstance(v, Tensor) for v in args.positional[0].items))
    ):
        layer.broken = True
    if any(key not in understood for key, _ in unknown_keywords) or extra_positional:
        layer.broken = True
    return layer


def layer_input_shape(interp: Interpreter, kind: str, extras: dict[str, Value], args: Arguments,
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
        interp.emit(ShapeArgument("input_shape", value, args.keyword_nodes["input_shape"], kind, layer))
        dims = shape_from_value(value)
        return Shape((batch,) + dims) if dims is not None else Shape.unknown()
    return None


def create_input(interp: Interpreter, args: Arguments, node: cst.Call) -> Value:
    """``keras.Input(shape=...)``: a symbolic input tensor."""
    shape_value = args.positional[0] if args.positional else args.keywords.get("shape")
    shape_node = args.positional_nodes[0] if args.positional_nodes else args.keyword_nodes.get("shape")
    batch_value = args.keywords.get("batch_size", Const(None))
    batch: Dim = batch_value.value if isinstance(batch_value, Const) and (
        batch_value.value is None or isinstance(batch_value.value, int)) else UNKNOWN
    if "batch_shape" in args.keywords:
        dims = shape_from_value(args.keywords["batch_shape"])
        return Tensor(Shape(dims) if dims is not None else Shape.unknown(), node=node, is_input=True)
    if shape_value is None or not args.complete:
        return Tensor(Shape.unknown(), node=node, is_input=True)
    if shape_node is not None:
        interp.emit(ShapeArgument("shape", shape_value, shape_node, "Input"))
    dims = shape_from_value(shape_value)
    if dims is None:
        return Tensor(Shape.unknown(), node=node, is_input=True)
    return Tensor(Shape((batch,) + dims), node=node, is_input=True)


def call_layer_function(interp: Interpreter, name: str, args: Arguments, node: cst.Call) -> Value:
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
    layer = create_layer(interp, kind, layer_args, node)
    if not isinstance(layer, Layer):
        return UNKNOWN_VALUE
    return apply_layer(interp, layer, inputs, node, inputs_node)


def apply_layer(interp: Interpreter, layer: Layer, arg: Value, node: cst.CSTNode, arg_node: cst.CSTNode,
                extra: Sequence[Value] = ()) -> Value:
    """Call a layer on its input(s) and compute the output through the catalog.

    ``extra`` are further tensor arguments of a layer that takes several
    (``MultiHeadAttention(query, value, key)``).
    """
    spec = catalog.spec_for(layer.kind)
    multi = spec is not None and spec.multi_input
    if isinstance(arg, (Layer, Model)):
        interp.emit(NonTensorInput(layer, arg, node, arg_node))
        return Tensor(Shape.unknown(), node=node)
    if multi:
        items = arg.items if isinstance(arg, Seq) else None
        if items is None:
            return Tensor(Shape.unknown(), node=node)
        for item in items:
            if isinstance(item, (Layer, Model)):
                interp.emit(NonTensorInput(layer, item, node, arg_node))
                return Tensor(Shape.unknown(), node=node)
        tensors = [item if isinstance(item, Tensor) else Tensor(Shape.unknown()) for item in items]
    else:
        tensors = [arg if isinstance(arg, Tensor) else Tensor(Shape.unknown())]
        tensors += [item if isinstance(item, Tensor) else Tensor(Shape.unknown()) for item in extra]
    shared_problem = shared_mismatch(interp, layer, tensors)
    call = LayerCall(layer, tensors, node)
    layer.calls.append(call)
    if shared_problem is not None:
        interp.emit(ShapeProblem(layer, tensors, shared_problem, node))
        return Tensor(Shape.unknown(), call, node)
    if layer.broken or spec is None or not layer.complete:
        out: catalog.Output = Shape.unknown()
    else:
        try:
            out = spec.infer(layer.config, [t.shape for t in tensors])
        except ShapeContradiction as error:
            if not (interp.eager and isinstance(error, BadConfig) and error.symbolic_only):
                interp.emit(ShapeProblem(layer, tensors, error, node))
            out = Shape.unknown()
            layer.broken = True
        except (TypeError, ValueError, ArithmeticError, IndexError, KeyError, AttributeError):
            if interp.strict:
                raise
            out = Shape.unknown()  # a catalog bug must not cost the rest of the file
    symbolic = all(is_symbolic(t) for t in tensors)
    if isinstance(out, tuple):
        call.outputs = [Tensor(s, call, node, symbolic=symbolic) for s in out]
        interp.emit(LayerApplied(call))
        return Seq(list(call.outputs), is_tuple=False)
    call.outputs = [Tensor(out, call, node, symbolic=symbolic)]
    interp.emit(LayerApplied(call))
    return call.outputs[0]


def shared_mismatch(interp: Interpreter, layer: Layer, tensors: list[Tensor]) -> Optional[SharedLayerMismatch]:
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


@OVERLAYS.value_call(Layer)
def call_layer(interp: Interpreter, layer: Any, args: Arguments, node: cst.Call) -> Value:
    """``Dense(3)(x)``: the layer applied to its first argument (or ``inputs=``); an attention
    layer to its query, value and key."""
    if layer.kind in SPREAD_INPUTS:
        named = ("query", "value", "key")
        given = [args.positional[i] if i < len(args.positional) else args.keywords.get(name)
                 for i, name in enumerate(named)]
        while given and given[-1] is None:
            given.pop()
        if given and given[0] is not None and all(v is not None for v in given) and args.complete:
            query_node = args.positional_nodes[0] if args.positional_nodes else args.keyword_nodes.get("query", node)
            return apply_layer(interp, layer, given[0], node, query_node, [v for v in given[1:] if v is not None])
    arg = args.positional[0] if args.positional else args.keywords.get("inputs", UNKNOWN_VALUE)
    arg_node = args.positional_nodes[0] if args.positional_nodes else args.keyword_nodes.get("inputs", node)
    return apply_layer(interp, layer, arg, node, arg_node)


SPREAD_INPUTS = frozenset({"MultiHeadAttention", "GroupQueryAttention"})
"""Layers called on several tensors as separate arguments (query, value, key)."""


@OVERLAYS.method(Layer)
def layer_method(interp: Interpreter, layer: Any, method: str, args: Arguments, node: cst.Call,
                 method_node: cst.CSTNode) -> Value:
    """A layer's methods (``get_weights``, ``set_weights``...) are told to the rules; their result is unknown."""
    interp.emit(MethodCalled(layer, method, node, method_node, dict(args.keyword_arg_nodes)))
    return UNKNOWN_VALUE


@OVERLAYS.attribute(Tensor)
def tensor_attribute(interp: Interpreter, tensor: Any, attr: str) -> Value:
    """``x.shape`` of a symbolic tensor."""
    if attr == "shape":
        if tensor.shape.dims is None:
            return UNKNOWN_VALUE
        return Seq([dim_value(d) for d in tensor.shape.dims])
    return UNKNOWN_VALUE


def _check_embedding_weights(interp: Interpreter, layer: Layer, weights: Value, node: cst.Call) -> None:
    """``Embedding(input_dim, output_dim, weights=[matrix])``: Keras builds the layer only if the
    matrix is (input_dim, output_dim)."""
    items = weights.items if isinstance(weights, Seq) else []
    if len(items) != 1 or not isinstance(items[0], Array):
        return
    matrix = items[0].shape
    rows, columns = layer.config.get("input_dim", UNKNOWN), layer.config.get("output_dim", UNKNOWN)
    if matrix.dims is None or len(matrix.dims) != 2 or not is_known(rows) or not is_known(columns):
        return
    if any(is_known(got) and got != want for got, want in zip(matrix.dims, (rows, columns))):
        interp.emit(EmbeddingWeightsMismatch(layer, matrix, (rows, columns), items[0].node, node))
