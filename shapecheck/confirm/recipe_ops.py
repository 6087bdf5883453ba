"""Recipes for findings about computations between layers: ``keras.ops`` calls, tensor
operators and indexing, and TensorFlow functions applied to symbolic Keras tensors;
and ``Model(inputs, outputs)`` made from a layer object.

The recipe rebuilds the graph behind each tensor argument and names the call
to make on it; literal arguments travel as JSON (slices and Ellipsis tagged).
An argument that is neither a tensor nor a literal makes the finding
unconfirmable.
"""

from __future__ import annotations

from typing import Any

from shapecheck.confirm.encode import GraphEncoder, Json, Unconfirmable, encode_value
from shapecheck.confirm.protocol import Recipe
from shapecheck.engine.events import (
    EmbeddingWeightsMismatch,
    ModelGivenLayer,
    ModelInputMismatch,
    OpProblem,
    TensorflowCall,
)
from shapecheck.engine.values import Const, Layer, Seq, Tensor
from shapecheck.report.diagnostics import Diagnostic
from shapecheck.shapes.ops_base import NOT_LITERAL


def _argument(enc: GraphEncoder, value: Any, depth: int = 0) -> Json:
    """One argument of the call as JSON: a graph tensor, a literal, a list or tuple of those."""
    if depth > 6:
        raise Unconfirmable("an argument is nested too deeply to rebuild")
    if isinstance(value, Tensor):
        return {"$tensor": enc.tensor(value)}
    if isinstance(value, Const):
        return encode_value(value.value, "an argument")
    if isinstance(value, Seq):
        items = [_argument(enc, item, depth + 1) for item in value.items]
        return {"$tuple": items} if value.is_tuple else items
    if value is Ellipsis:
        return {"$ellipsis": True}
    if isinstance(value, slice):
        return {"$slice": [_argument(enc, part, depth + 1) for part in (value.start, value.stop, value.step)]}
    if isinstance(value, tuple):
        return {"$tuple": [_argument(enc, item, depth + 1) for item in value]}
    if value is NOT_LITERAL:
        raise Unconfirmable("an argument's value is not known statically")
    if value is None or isinstance(value, (bool, int, float, str)):
        return encode_value(value, "an argument")
    raise Unconfirmable("an argument is neither a tensor nor a literal")


def op_problem(d: Diagnostic, event: OpProblem) -> Recipe:
    """Rebuild the tensors and make the call: Keras must raise."""
    enc = GraphEncoder()
    positional = [_argument(enc, v) for v in event.positional]
    keywords = {k: _argument(enc, v) for k, v in event.keywords.items()}
    return {"action": "call_raises", "graph": enc.graph(), "kind": event.kind, "function": event.function,
            "args": positional, "kwargs": keywords}


def tensorflow_call(d: Diagnostic, event: TensorflowCall) -> Recipe:
    """Rebuild the Keras tensors and call the TensorFlow function on them: Keras 3 must refuse."""
    enc = GraphEncoder()
    positional = [_argument(enc, v) for v in event.positional]
    keywords = {k: _argument(enc, v) for k, v in event.keywords.items()}
    return {"action": "call_raises", "graph": enc.graph(), "kind": "tensorflow", "function": event.path,
            "args": positional, "kwargs": keywords}


def model_given_layer(d: Diagnostic, event: ModelGivenLayer) -> Recipe:
    """Make the Model with the layer object where the script puts it: Keras must refuse."""
    enc = GraphEncoder()
    inputs = [enc.tensor(t) for t in event.inputs]
    if event.role == "inputs":
        return {"action": "model_from_objects", "graph": enc.graph(), "inputs": [{"$layer": enc.layer(event.layer,
                allow_broken=True, lenient=True)}], "outputs": [], "role": "inputs"}
    outputs: list[Json] = []
    for item in event.outputs:
        if isinstance(item, Tensor):
            outputs.append({"$tensor": enc.tensor(item)})
        elif isinstance(item, Layer):
            outputs.append({"$layer": enc.layer(item, allow_broken=True, lenient=True)})
        else:
            raise Unconfirmable("an output is neither a tensor nor a layer")
    return {"action": "model_from_objects", "graph": enc.graph(), "inputs": [{"$tensor": t} for t in inputs],
            "outputs": outputs, "role": "outputs"}


def embedding_weights(d: Diagnostic, event: EmbeddingWeightsMismatch) -> Recipe:
    """Build the Embedding with a matrix of the flagged shape: Keras must refuse it."""
    if event.matrix.dims is None or not all(isinstance(v, int) for v in event.matrix.dims):
        raise Unconfirmable(f"the matrix shape {event.matrix} is not fully known")
    enc = GraphEncoder()
    layer = enc.layer(event.layer, skip=frozenset({"weights"}), lenient=True)
    return {"action": "embedding_weights", "graph": enc.graph(), "layer": layer,
            "matrix": list(event.matrix.dims)}


def model_input_mismatch(d: Diagnostic, event: ModelInputMismatch) -> Recipe:
    """Rebuild the model and the tensor, and call the one on the other: Keras must refuse."""
    model = event.model
    outputs = model.outputs if model.kind == "functional" else ([model.output] if model.output else [])
    enc = GraphEncoder()
    spec = {"inputs": [enc.tensor(t) for t in model.inputs], "outputs": [enc.tensor(t) for t in outputs]}
    argument = enc.tensor(event.argument)
    return {"action": "model_call", "graph": enc.graph(), "model": spec, "argument": argument}
