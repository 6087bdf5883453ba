"""What the interpreter tells the rules.

The interpreter walks a script once and emits these events; each rule
subscribes by defining ``on_<event name>`` (for example ``on_shape_problem``).
Events carry abstract values and libcst nodes, never positions: positions are
computed later, only for what is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

import libcst as cst

from shapecheck.shapes.dims import Shape
from shapecheck.shapes.errors import ShapeContradiction
from shapecheck.engine.values import Layer, LayerCall, Model, Tensor, Value


@dataclass
class ShapeProblem:
    """A layer's shape rule proved that Keras rejects this call."""

    layer: Layer
    inputs: list[Tensor]
    error: ShapeContradiction
    node: cst.CSTNode

    name = "shape_problem"


@dataclass
class OpProblem:
    """A ``keras.ops`` function, a tensor operator or an index that Keras rejects on these shapes."""

    op: str  # as the script wrote it: "keras.ops.concatenate", "+", "[...]", ".reshape"
    inputs: list[Tensor]
    error: ShapeContradiction
    node: cst.CSTNode
    kind: str = "op"  # "op" (keras.ops.<name>), "operator", "index" or "method"
    function: str = ""  # the op's name, the operator's symbol or the method's name
    positional: list[Any] = field(default_factory=list)  # the call's values (a key's parts, for "index")
    keywords: dict[str, Any] = field(default_factory=dict)

    name = "op_problem"


@dataclass
class LayerApplied:
    """A layer was applied to tensors and its output computed."""

    call: LayerCall

    name = "layer_applied"


@dataclass
class LayerCreated:
    """A layer object was constructed (its config is resolved)."""

    layer: Layer
    positional: list[Value]
    unknown_keywords: list[tuple[str, cst.CSTNode]]
    extra_positional: list[cst.CSTNode] = field(default_factory=list)

    name = "layer_created"


@dataclass
class NonTensorInput:
    """A layer was called on something that is not a tensor (a layer or model object)."""

    layer: Layer
    argument: Value
    node: cst.CSTNode
    argument_node: cst.CSTNode

    name = "non_tensor_input"


@dataclass
class ModelGivenLayer:
    """``Model(inputs, outputs)`` was given a layer object where a tensor belongs (``out = Dense(1)``)."""

    layer: Layer
    role: str  # "inputs" or "outputs"
    inputs: list[Tensor]  # the tensors given as inputs (to rebuild the call)
    outputs: list[Value]  # for role "outputs": what was given, in order (tensors and the layer objects)
    node: cst.Call

    name = "model_given_layer"


@dataclass
class EmbeddingWeightsMismatch:
    """``Embedding(input_dim, output_dim, weights=[matrix])`` with a matrix of another shape."""

    layer: Layer
    matrix: Shape  # the shape of the matrix given
    expected: tuple[int, int]  # (input_dim, output_dim)
    matrix_node: Optional[cst.CSTNode]  # where the matrix was built, when known
    node: cst.CSTNode

    name = "embedding_weights_mismatch"


@dataclass
class ModelInputMismatch:
    """A model was called on a tensor whose shape its input rejects."""

    model: Model
    argument: Tensor
    node: cst.CSTNode

    name = "model_input_mismatch"


@dataclass
class Compiled:
    """``model.compile(...)`` with its resolved loss and the model's outputs."""

    model: Model
    loss: Value
    loss_node: Optional[cst.CSTNode]
    optimizer: Value
    optimizer_node: Optional[cst.CSTNode]
    metrics: list[tuple[Value, cst.CSTNode]]
    node: cst.CSTNode
    # The model's outputs when compile was called (a Sequential may grow later).
    outputs: list[Tensor] = field(default_factory=list)

    name = "compiled"


@dataclass
class KerasName:
    """A Keras module attribute was referenced (``layers.Merge``, ``from keras.layers import X``).

    ``path`` is canonical (``keras.losses.mae``); ``written`` is how the script
    spelled it (``tensorflow.keras.losses.mae``), which decides the namespace.
    """

    path: str
    node: cst.CSTNode
    written: str = ""

    name = "keras_name"


@dataclass
class TensorflowCall:
    """A TensorFlow function was called on a symbolic Keras tensor (outside a layer's ``call``)."""

    path: str
    node: cst.Call
    tensors: int  # how many of its arguments are Keras tensors
    positional: list[Any] = field(default_factory=list)
    keywords: dict[str, Any] = field(default_factory=dict)
    keras_alias: Optional[str] = None  # a module-level name bound to the keras module (for a fix)

    name = "tensorflow_call"


@dataclass
class MethodCalled:
    """A method of a model (or another Keras object) was called."""

    receiver: Value
    method: str
    node: cst.CSTNode
    method_node: cst.CSTNode
    keywords: dict[str, cst.CSTNode]

    name = "method_called"


@dataclass
class KerasCallKeywords:
    """Keywords passed to a Keras constructor or function that is not a layer
    (optimizers, losses, ``keras.Input``)."""

    path: str
    keywords: dict[str, cst.CSTNode]
    node: cst.CSTNode

    name = "keras_call_keywords"


@dataclass
class ShapeArgument:
    """A value given where Keras expects a shape tuple (``input_shape=``, ``Input(shape=)``)."""

    argument: str
    value: Value
    node: cst.CSTNode
    owner: str
    layer: Optional[Layer] = None  # the layer given ``input_shape=`` (None for ``Input``)

    name = "shape_argument"


@dataclass
class IdentifierString:
    """A string Keras resolves by name: a loss, optimizer, metric or activation."""

    family: str
    value: str
    node: cst.CSTNode

    name = "identifier_string"


@dataclass
class NumpyProblem:
    """A numpy call (or list indexing) that numpy or Python itself rejects."""

    message: str
    node: cst.CSTNode

    name = "numpy_problem"


@dataclass
class DataFed:
    """Data given to ``fit``/``evaluate``/``predict``/``train_on_batch``... of a model."""

    model: Model
    method: str
    x: Value
    y: Optional[Value]
    node: cst.CSTNode
    keywords: dict[str, Value]

    name = "data_fed"


@dataclass
class LambdaMovesBatch:
    """A Lambda layer whose function moves the batch axis (``tf.transpose(x)`` without ``perm``)."""

    layer: Layer
    how: str

    name = "lambda_moves_batch"
