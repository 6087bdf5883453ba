"""How much memory a recipe would need, estimated before anything is built.

Confirmation must not exhaust the machine on an enormous model (``Dense(10**6)``
after ``Input((10**5,))`` asks for 10**11 weights, 400 GB).  Before a recipe
goes to the worker, :func:`estimate` adds up, from the recipe alone (the
layers' literal configs and the shapes the analysis inferred for the tensors
each layer is called on):

* the weights of every layer, 4 bytes each (float32): ``Dense`` units x
  (features + 1), ``Embedding`` input_dim x output_dim, a convolution's kernel
  size x input channels x filters, an RNN's 4 (LSTM), 3 (GRU) or 1
  (SimpleRNN) x units x (features + units + 1), normalization and attention
  layers, and the layers inside ``Bidirectional`` / ``TimeDistributed``;
* for recipes that train, three more copies of them (gradients and Adam's two
  moments);
* the synthetic data the recipe feeds the model.

A layer whose input features are not known counts as weightless: the estimate
is a lower bound, and the worker's own memory cap (see
:mod:`shapecheck.confirm.runner`) stops what it misses.  Activations are not
counted.  This module imports neither TensorFlow nor Keras.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Optional, Sequence

from shapecheck.tables import keras_tables as T
from shapecheck.confirm.protocol import Recipe

BYTES_PER_PARAMETER = 4
"""float32 weights."""
TRAINING_COPIES = 4
"""Weights, gradients and Adam's two moments, for recipes that train."""
TRAINING_ACTIONS = frozenset({"softmax_ones", "loss_symptom", "fit_data", "finite_generator", "build"})
"""Recipe actions that compile and train what they build."""
DATA_ACTIONS = frozenset({"softmax_ones", "batch_concat", "loss_symptom", "build"})
"""Recipe actions that feed synthetic data shaped like the graph's inputs."""
SYNTHETIC_SAMPLES = 32
"""Samples of synthetic data (see :data:`shapecheck.confirm.rebuild.SAMPLES`)."""
FREE_DIM = 4
"""The size of a non-batch axis declared as None in synthetic data."""

Shape = Optional[Sequence[Optional[int]]]


@dataclass(frozen=True)
class Estimate:
    """The memory a recipe needs: ``bytes`` in all, ``parameters`` its weights, ``largest`` the biggest part."""

    bytes: int
    parameters: int
    largest: str = ""

    def describe(self) -> str:
        """``about 400 GB of memory (100,001,000,000 parameters; the largest part: `Dense` with ...)``."""
        text = f"about {format_bytes(self.bytes)} of memory ({self.parameters:,} parameters"
        if self.largest:
            text += f"; the largest part: {self.largest}"
        return text + ")"


def format_bytes(count: int) -> str:
    """A byte count in decimal units, three digits at most: ``400 GB``, ``3.5 MB``, ``812 B``."""
    value = float(count)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if value < 999.5:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.3g} {unit}"
        value /= 1000
    return f"{value:,.0f} PB"


def estimate(recipe: Recipe) -> Estimate:
    """The memory ``recipe`` would need in the worker (weights, their training copies, synthetic data)."""
    graph = recipe.get("graph") or {}
    specs: list[dict[str, Any]] = list(graph.get("layers") or [])
    shapes: list[Shape] = list(graph.get("shapes") or [])
    first_inputs: dict[int, list[Shape]] = {}
    for call in graph.get("calls") or []:
        first_inputs.setdefault(call["layer"], [_shape(shapes, t) for t in call.get("inputs", [])])
    target = recipe.get("layer")
    if isinstance(target, int) and isinstance(recipe.get("inputs"), list):
        first_inputs.setdefault(target, [_shape(shapes, t) for t in recipe["inputs"]])
    nested = {value for spec in specs for value in _nested_layers(spec)}
    parameters, largest, largest_count = 0, "", 0
    for layer_id, spec in enumerate(specs):
        if layer_id in nested:
            continue  # counted with the wrapper that holds it
        inputs = first_inputs.get(layer_id, [])
        count = layer_parameters(spec, inputs[0] if inputs else None, specs)
        parameters += count
        if count > largest_count:
            largest_count = count
            largest = f"{spec.get('label', spec.get('kind'))} with {count:,} parameters"
    copies = TRAINING_COPIES if _trains(recipe) else 1
    total = parameters * BYTES_PER_PARAMETER * copies + _data_bytes(recipe, graph)
    return Estimate(total, parameters, largest)


def layer_parameters(spec: dict[str, Any], input_shape: Shape, specs: Sequence[dict[str, Any]] = ()) -> int:
    """The weights a layer ``spec`` of a recipe graph makes when called on ``input_shape`` (0 when not known)."""
    kind = str(spec.get("kind"))
    config = _config(spec)
    if kind in ("Bidirectional", "TimeDistributed"):
        inner = _inner_spec(config.get("layer"), specs)
        if inner is None:
            return 0
        if kind == "TimeDistributed":
            step = None if input_shape is None else [input_shape[0], *input_shape[2:]]
            return layer_parameters(inner, step, specs)
        backward = _inner_spec(config.get("backward_layer"), specs)
        return layer_parameters(inner, input_shape, specs) + layer_parameters(backward or inner, input_shape, specs)
    if kind == "Embedding":
        return _product(config.get("input_dim"), config.get("output_dim"))
    rule = _RULES.get(kind)
    return rule(config, input_shape) if rule is not None else 0


# ------------------------------------------------------------------ per-kind rules
def _dense(config: dict[str, Any], shape: Shape) -> int:
    features, units = _last(shape), _int(config.get("units"))
    if features is None or units is None:
        return 0
    return units * features + (units if config.get("use_bias", True) else 0)


def _rnn(gates: int) -> Any:
    def rule(config: dict[str, Any], shape: Shape) -> int:
        features, units = _last(shape), _int(config.get("units"))
        if features is None or units is None:
            return 0
        biases = gates * units if config.get("use_bias", True) else 0
        if gates == 3 and config.get("reset_after", True):
            biases *= 2  # GRU's reset_after keeps separate input and recurrent biases
        return gates * units * (features + units) + biases

    return rule


def _conv(rank: int, transpose: bool = False) -> Any:
    def rule(config: dict[str, Any], shape: Shape) -> int:
        channels, filters = _channels(config, shape), _int(config.get("filters"))
        kernel = _kernel(config.get("kernel_size"), rank)
        if channels is None or filters is None or kernel is None:
            return 0
        groups = 1 if transpose else max(_int(config.get("groups", 1)) or 1, 1)
        return kernel * (channels // groups) * filters + (filters if config.get("use_bias", True) else 0)

    return rule


def _depthwise(rank: int) -> Any:
    def rule(config: dict[str, Any], shape: Shape) -> int:
        channels, kernel = _channels(config, shape), _kernel(config.get("kernel_size"), rank)
        multiplier = _int(config.get("depth_multiplier", 1))
        if channels is None or kernel is None or multiplier is None:
            return 0
        return kernel * channels * multiplier + (channels * multiplier if config.get("use_bias", True) else 0)

    return rule


def _separable(rank: int) -> Any:
    def rule(config: dict[str, Any], shape: Shape) -> int:
        channels, filters = _channels(config, shape), _int(config.get("filters"))
        kernel, multiplier = _kernel(config.get("kernel_size"), rank), _int(config.get("depth_multiplier", 1))
        if channels is None or filters is None or kernel is None or multiplier is None:
            return 0
        return (kernel * channels * multiplier + channels * multiplier * filters
                + (filters if config.get("use_bias", True) else 0))

    return rule


def _conv_lstm(rank: int) -> Any:
    def rule(config: dict[str, Any], shape: Shape) -> int:
        step = None if shape is None else [shape[0], *shape[2:]]  # the time axis is not a channel axis
        channels, filters = _channels(config, step), _int(config.get("filters"))
        kernel = _kernel(config.get("kernel_size"), rank)
        if channels is None or filters is None or kernel is None:
            return 0
        return 4 * kernel * filters * (channels + filters) + (4 * filters if config.get("use_bias", True) else 0)

    return rule


def _normalization(per_feature: int) -> Any:
    def rule(config: dict[str, Any], shape: Shape) -> int:
        features = _last(shape)
        return 0 if features is None else per_feature * features

    return rule


def _attention(config: dict[str, Any], shape: Shape) -> int:
    features, heads, key_dim = _last(shape), _int(config.get("num_heads")), _int(config.get("key_dim"))
    value_dim = _int(config.get("value_dim")) if config.get("value_dim") is not None else key_dim
    if features is None or heads is None or key_dim is None or value_dim is None:
        return 0
    projections = features * heads * (2 * key_dim + value_dim) + heads * value_dim * features
    biases = heads * (2 * key_dim + value_dim) + features if config.get("use_bias", True) else 0
    return projections + biases


_RULES: dict[str, Any] = {
    "Dense": _dense,
    "LSTM": _rnn(4), "GRU": _rnn(3), "SimpleRNN": _rnn(1),
    "Conv1D": _conv(1), "Conv2D": _conv(2), "Conv3D": _conv(3),
    "Convolution1D": _conv(1), "Convolution2D": _conv(2), "Convolution3D": _conv(3),
    "Conv1DTranspose": _conv(1, True), "Conv2DTranspose": _conv(2, True), "Conv3DTranspose": _conv(3, True),
    "Convolution2DTranspose": _conv(2, True), "Convolution3DTranspose": _conv(3, True),
    "DepthwiseConv1D": _depthwise(1), "DepthwiseConv2D": _depthwise(2),
    "SeparableConv1D": _separable(1), "SeparableConv2D": _separable(2),
    "SeparableConvolution1D": _separable(1), "SeparableConvolution2D": _separable(2),
    "ConvLSTM1D": _conv_lstm(1), "ConvLSTM2D": _conv_lstm(2), "ConvLSTM3D": _conv_lstm(3),
    "BatchNormalization": _normalization(4), "LayerNormalization": _normalization(2),
    "MultiHeadAttention": _attention,
}
"""Weights by layer kind, from its config and input shape."""


# ------------------------------------------------------------------ helpers
def _config(spec: dict[str, Any]) -> dict[str, Any]:
    """The layer's arguments by name: keywords, and positional ones named by the layer's signature."""
    config = dict(spec.get("kwargs") or {})
    params = T.LAYER_SIGNATURES.get(str(spec.get("kind")), ((), False))[0]
    for (name, _), value in zip(params, spec.get("args") or []):
        config.setdefault(name, value)
    return config


def _nested_layers(spec: dict[str, Any]) -> list[int]:
    config = _config(spec)
    return [value["$layer"] for value in config.values() if isinstance(value, dict) and "$layer" in value]


def _inner_spec(value: Any, specs: Sequence[dict[str, Any]]) -> Optional[dict[str, Any]]:
    if isinstance(value, dict) and isinstance(value.get("$layer"), int) and 0 <= value["$layer"] < len(specs):
        return specs[value["$layer"]]
    return None


def _shape(shapes: list[Shape], tensor_id: Any) -> Shape:
    if isinstance(tensor_id, int) and 0 <= tensor_id < len(shapes):
        return shapes[tensor_id]
    return None


def _int(value: Any) -> Optional[int]:
    if isinstance(value, dict) and "$tuple" in value and len(value["$tuple"]) == 1:
        value = value["$tuple"][0]  # `units=(64,)` is rejected by Keras anyway; be lenient
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _product(*values: Any) -> int:
    ints = [i for i in (_int(v) for v in values) if i is not None]
    return math.prod(ints) if len(ints) == len(values) else 0


def _last(shape: Shape) -> Optional[int]:
    return _int(shape[-1]) if shape else None


def _channels(config: dict[str, Any], shape: Shape) -> Optional[int]:
    if not shape or len(shape) < 2:
        return None
    return _int(shape[1] if config.get("data_format") == "channels_first" else shape[-1])


def _kernel(value: Any, rank: int) -> Optional[int]:
    """The number of positions in a kernel: ``3`` in 2-D is 9, ``(3, 5)`` is 15."""
    if isinstance(value, dict) and "$tuple" in value:
        value = value["$tuple"]
    if isinstance(value, list):
        sizes = [_int(v) for v in value]
        known = [s for s in sizes if s is not None]
        return math.prod(known) if known and len(known) == len(sizes) else None
    size = _int(value)
    return None if size is None else size ** rank


def _trains(recipe: Recipe) -> bool:
    if recipe.get("action") == "fit_data":
        return not str(recipe.get("method", "")).startswith("predict")
    if recipe.get("action") == "build":
        return bool(recipe.get("models"))
    return recipe.get("action") in TRAINING_ACTIONS


def _data_bytes(recipe: Recipe, graph: dict[str, Any]) -> int:
    """The synthetic arrays the worker makes: the recipe's own (``x``/``y``) or inputs shaped like the graph's."""
    total = 0
    for key in ("x", "y"):
        for array in recipe.get(key) or []:
            dims = [_int(d) for d in array.get("shape", [])]
            known = [d for d in dims if d is not None]
            if len(known) == len(dims):
                total += math.prod(known) * (8 if array.get("dtype") == "int" else 4)
    if recipe.get("action") in DATA_ACTIONS:
        for spec in graph.get("inputs") or []:
            dims = list(spec.get("batch_shape") or [])
            if not dims:
                continue
            samples = _int(dims[0]) or SYNTHETIC_SAMPLES
            rest = [FREE_DIM if d is None else (_int(d) or 0) for d in dims[1:]]
            total += samples * math.prod(rest) * 4
    return total
