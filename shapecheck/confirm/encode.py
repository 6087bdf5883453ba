"""The interpreter's layers and tensors as a JSON graph the worker can rebuild.

A graph is three lists: ``inputs`` (``{"id", "batch_shape"}``, one per
``keras.Input`` or declared ``input_shape``), ``layers`` (``{"kind", "args",
"kwargs", "label"}``, constructed as ``keras.layers.<kind>(*args, **kwargs)``)
and ``calls`` (``{"layer", "inputs", "multi", "outputs"}``, in an order where
every input exists before it is used).  Tensors and layers are numbered;
``shapes[n]`` is the shape the analysis inferred for tensor ``n`` (batch axis
first, ``null`` for a dim it does not know, or ``null`` for an unknown rank),
which the worker does not use but :mod:`shapecheck.confirm.memory` does.

Config values become JSON with a few tagged forms: ``{"$tuple": [...]}``,
``{"$layer": id}`` (a wrapped layer), ``{"$ref": "keras.activations.relu"}``
(a Keras, TensorFlow or numpy name) and ``{"$object": {"path", "kwargs"}}``
(a loss or optimizer object).  Anything else (a function defined in the
script, a value the analysis did not resolve, a custom layer) cannot be
rebuilt faithfully and raises :class:`Unconfirmable` with the reason.
"""

from __future__ import annotations

import math
from typing import Any, Optional

import libcst as cst

from shapecheck.confirm.inert import FOREIGN_LAYERS, may_resolve, names_a_resource
from shapecheck.shapes import catalog
from shapecheck.shapes.dims import UNKNOWN, is_known
from shapecheck.tables import keras_tables as T
from shapecheck.engine.values import Array, Function, KerasObject, Layer, LayerCall, Ref, Tensor

Json = Any

# Keywords that only declare the input of a first layer: the graph's inputs carry them.
INPUT_KEYWORDS = frozenset({"input_shape", "input_dim", "batch_size", "batch_input_shape"})
_REF_PREFIXES = ("keras.", "tensorflow.", "numpy.")
_OBJECT_MODULES = {"loss": "keras.losses", "optimizer": "keras.optimizers"}


class Unconfirmable(Exception):
    """The finding cannot be rebuilt faithfully; the message says why."""


def encode_value(value: Any, what: str, layer_id: Any = None) -> Json:
    """A literal config value as JSON; ``layer_id`` numbers nested layers."""
    if value is UNKNOWN:
        raise Unconfirmable(f"{what} is not known statically")
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$float": repr(value)}
    if isinstance(value, tuple):
        return {"$tuple": [encode_value(v, what, layer_id) for v in value]}
    if isinstance(value, list):
        return [encode_value(v, what, layer_id) for v in value]
    if isinstance(value, Layer):
        if layer_id is None:
            raise Unconfirmable(f"{what} is a layer")
        return {"$layer": layer_id(value)}
    if isinstance(value, Ref):
        if value.path.startswith(_REF_PREFIXES) and may_resolve(value.path):
            return {"$ref": value.path}
        raise Unconfirmable(f"{what} is `{value.path}`, which is not a Keras name")
    if isinstance(value, KerasObject) and value.family in _OBJECT_MODULES:
        kwargs = {k: encode_value(v, f"`{k}` of `{value.kind}`") for k, v in value.config.items()}
        return {"$object": {"path": f"{_OBJECT_MODULES[value.family]}.{value.kind}", "kwargs": kwargs}}
    if isinstance(value, Array):
        dims = value.shape.dims
        if dims is None or not all(isinstance(d, int) and is_known(d) for d in dims) or value.dtype == "str":
            raise Unconfirmable(f"{what} is an array whose shape is not fully known")
        return {"$zeros": list(dims)}  # only its shape matters to building the layer
    if isinstance(value, Function):
        raise Unconfirmable(f"{what} is a function defined in the script (`{value.name}`), which is never run")
    raise Unconfirmable(f"{what} is not a literal value")


class GraphEncoder:
    """Collects the layers, inputs and calls behind tensors, numbering each once."""

    def __init__(self) -> None:
        self.inputs: list[dict[str, Json]] = []
        self.layers: list[dict[str, Json]] = []
        self.calls: list[dict[str, Json]] = []
        self.shapes: list[Optional[list[Optional[int]]]] = []
        self._tensor_ids: dict[int, int] = {}
        self._layer_ids: dict[int, int] = {}
        self._call_ids: dict[int, int] = {}
        self._objects: list[object] = []  # keeps every numbered object alive, so ids stay unique
        self._next_tensor = 0

    def graph(self) -> dict[str, Json]:
        """The graph as JSON."""
        return {"inputs": self.inputs, "layers": self.layers, "calls": self.calls, "shapes": self.shapes}

    # ---------------------------------------------------------------- tensors
    def tensor(self, tensor: Tensor) -> int:
        """The id of ``tensor``, adding every input, layer and call it depends on."""
        stack = [tensor]
        while stack:
            current = stack[-1]
            if id(current) in self._tensor_ids:
                stack.pop()
                continue
            if current.is_input:
                self._add_input(current)
                stack.pop()
                continue
            call = current.producer
            if call is None:
                raise Unconfirmable("a tensor on the way is computed by the script's own code, which is never run")
            pending = [t for t in call.inputs if id(t) not in self._tensor_ids]
            if pending and id(call) not in self._call_ids:
                stack.extend(pending)
                continue
            self._add_call(call)
            self._alias(current, call)
            stack.pop()
        return self._tensor_ids[id(tensor)]

    def _new_tensor(self, tensor: Tensor) -> int:
        self._objects.append(tensor)
        number = self._next_tensor
        self._next_tensor += 1
        self._tensor_ids[id(tensor)] = number
        dims = tensor.shape.dims
        self.shapes.append(None if dims is None else [d if isinstance(d, int) and is_known(d) else None for d in dims])
        return number

    def _add_input(self, tensor: Tensor) -> None:
        dims = tensor.shape.dims
        if dims is None or any(d is not None and not is_known(d) for d in dims):
            raise Unconfirmable(f"the input shape {tensor.shape} is not fully known")
        self.inputs.append({"id": self._new_tensor(tensor), "batch_shape": list(dims)})

    def _alias(self, tensor: Tensor, call: LayerCall) -> None:
        """A tensor that is not itself an output of its producer (a model applied to a tensor)."""
        if id(tensor) in self._tensor_ids:
            return
        for output in call.outputs:
            if output.shape == tensor.shape:
                self._tensor_ids[id(tensor)] = self._tensor_ids[id(output)]
                self._objects.append(tensor)
                return
        raise Unconfirmable("a tensor on the way comes from calling a model on inputs of another shape")

    def _add_call(self, call: LayerCall) -> None:
        if id(call) in self._call_ids:
            return
        _check_call_node(call)
        layer = self.layer(call.layer)
        inputs = [self._tensor_ids[id(t)] for t in call.inputs]
        outputs = [self._new_tensor(t) for t in call.outputs]
        self._objects.append(call)
        self._call_ids[id(call)] = len(self.calls)
        self.calls.append({"layer": layer, "inputs": inputs, "multi": is_multi_input(call.layer),
                           "spread": spreads_inputs(call.layer), "outputs": outputs})

    # ----------------------------------------------------------------- layers
    def layer(self, layer: Layer, allow_broken: bool = False, extra: Optional[dict[str, Json]] = None,
              skip: frozenset[str] = frozenset(), positional: Optional[list[Json]] = None,
              lenient: bool = False) -> int:
        """The id of ``layer``, constructed from the arguments the script gave it.

        ``extra`` adds keyword arguments (a misspelt one, to see Keras reject
        it); ``skip`` leaves given ones out; ``positional`` passes arguments
        by position instead; ``lenient`` leaves out optional arguments that
        cannot be rebuilt (for calls where only one keyword matters).  Layers
        built with any of these are never shared.
        """
        if layer.kind in FOREIGN_LAYERS:
            raise Unconfirmable(f"`{layer.kind}` loads a saved model or wraps another framework's code, "
                                "which confirmation never runs")
        plain = extra is None and not skip and positional is None and not lenient
        if plain and id(layer) in self._layer_ids:
            return self._layer_ids[id(layer)]
        _check_layer(layer, allow_broken)
        kwargs: dict[str, Json] = {}
        own = {param for param, _ in T.LAYER_SIGNATURES.get(layer.kind, ((), False))[0]}
        for key in layer.args:
            if (key in INPUT_KEYWORDS and key not in own) or key in skip:
                continue  # `Embedding(input_dim=...)` is the layer's own argument, not an input declaration
            if key in layer.config.values:
                value = layer.config.values[key]
            else:
                value = layer.extra_kwargs.get(key, UNKNOWN)
            if names_a_resource(key, value):
                raise Unconfirmable(f"`{key}` of `{layer.kind}` names a file or a remote resource, "
                                    "which confirmation never opens")
            try:
                kwargs[key] = encode_value(value, f"`{key}` of `{layer.kind}`", self.layer)
            except Unconfirmable:
                if not lenient or _required(layer.kind, key):
                    raise
        kwargs.update(extra or {})
        spec: dict[str, Json] = {"kind": layer.kind, "args": positional or [], "kwargs": kwargs,
                                 "label": f"`{layer.kind}`"}
        self._objects.append(layer)
        number = len(self.layers)
        self.layers.append(spec)
        if plain:
            self._layer_ids[id(layer)] = number
        return number


def _check_layer(layer: Layer, allow_broken: bool) -> None:
    if layer.custom:
        raise Unconfirmable(f"`{layer.kind}` is a layer class defined in the script, which is never run")
    if not layer.complete:
        raise Unconfirmable(f"`{layer.kind}` receives arguments through *args or **kwargs that are not known")
    if layer.broken and not allow_broken:
        raise Unconfirmable(f"the `{layer.kind}` layer on the way is itself broken")
    if layer.kind == "Lambda" and isinstance(layer.config.values.get("function"), Function):
        raise Unconfirmable("a `Lambda` layer on the way runs a function defined in the script, which is never run")


def _required(kind: str, name: str) -> bool:
    params = T.LAYER_SIGNATURES.get(kind, ((), False))[0]
    return any(param == name and default == T.REQUIRED for param, default in params)


def spreads_inputs(layer: Layer) -> bool:
    """True for a layer called on its tensors as separate arguments (``mha(query, value, key)``)."""
    return layer.kind in ("MultiHeadAttention", "GroupQueryAttention")


def is_multi_input(layer: Layer) -> bool:
    """True when Keras calls this layer on a list of tensors (merge layers)."""
    spec = catalog.spec_for(layer.kind)
    return bool(spec is not None and spec.multi_input)


def _check_call_node(call: LayerCall) -> None:
    """A call with more than its input (``mha(q, v)``, ``lstm(x, initial_state=s)``) is not rebuilt."""
    node = call.node
    if node is call.layer.node or not isinstance(node, cst.Call):
        return
    args = node.args
    if spreads_inputs(call.layer) and len(args) == len(call.inputs) and not any(a.star for a in args) \
            and all(a.keyword is None or a.keyword.value == name for a, name in zip(args, ("query", "value", "key"))):
        return  # mha(query, value[, key]), positionally or by name in that order: rebuilt as mha(*tensors)
    if len(args) != 1 or args[0].star or (args[0].keyword is not None and args[0].keyword.value != "inputs"):
        raise Unconfirmable(f"the call of `{call.layer.kind}` passes arguments the analysis does not model")
