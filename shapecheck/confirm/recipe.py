"""From a finding to a recipe: what to rebuild with Keras, and what Keras should do.

A recipe is JSON: an ``action`` (what the worker does and expects), usually
a ``graph`` (see :mod:`shapecheck.confirm.encode`) and the action's own
fields.  The action follows the interpreter event behind the finding:

* ``raise_at`` (shape problems): build the layers before, then the flagged
  layer on its inputs; Keras must raise there.
* ``call_on_object``, ``construct_with_tensors``, ``rejects_keyword``,
  ``missing_attribute``, ``identifier``, ``shape_not_tuple``: the minimal
  Keras call the finding names (a layer called on a layer, a keyword, a
  module attribute, a loss string, ``Input(shape=int)``...).
* ``softmax_ones``, ``batch_concat``, ``loss_symptom``: silent findings,
  confirmed by the symptom on synthetic data (see :mod:`shapecheck.confirm.actions`).
* ``fit_data``: data of the inferred shapes fed to ``fit``/``predict``.
* ``syntax``: Python's own compiler (nothing is run).
* ``build``: everything a script builds, expected to build (the VALID test).

Nothing here imports Keras.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any, Callable, Optional

import libcst as cst

from shapecheck.tables import keras_api
from shapecheck.tables import keras_tables as T
from shapecheck.report.diagnostics import Diagnostic
from shapecheck.engine.events import (
    EmbeddingWeightsMismatch,
    Compiled,
    DataFed,
    IdentifierString,
    KerasCallKeywords,
    KerasName,
    LayerApplied,
    LayerCreated,
    MethodCalled,
    ModelGivenLayer,
    ModelInputMismatch,
    NonTensorInput,
    OpProblem,
    ShapeArgument,
    ShapeProblem,
    TensorflowCall,
)
from shapecheck.shapes.dims import UNKNOWN, is_known
from shapecheck.engine.values import Array, Generator, Layer, Model, Seq, Tensor, Value, literal
from shapecheck.confirm.recipe_ops import (
    embedding_weights,
    model_given_layer,
    model_input_mismatch,
    op_problem,
    tensorflow_call,
)
from shapecheck.confirm.encode import GraphEncoder, Json, Unconfirmable, encode_value, is_multi_input, spreads_inputs
from shapecheck.confirm.protocol import Recipe

LOSS_SYMPTOMS = {
    "SC202": "categorical_on_binary",
    "SC203": "competing_units",
    "SC204": "logits_warning",
    "SC205": "bounded_output",
    "SC207": "unbounded_output",
}
"""Silent loss findings, by code, and the symptom the worker looks for."""

NOT_KERAS = {
    "SC002": "a file that cannot be read: nothing of Keras is involved",
    "SC401": "a numpy finding: it involves no Keras model to rebuild",
    "SC405": "the `Lambda` runs a function defined in the script, which confirmation never runs",
    "SC900": "a suppression comment: nothing of Keras is involved",
}
"""Codes whose findings are out of Keras's reach by nature, and why."""


@dataclass(frozen=True)
class Plan:
    """A recipe for one finding, or the reason there is none."""

    recipe: Optional[Recipe]
    reason: str = ""


def plan_for(diagnostic: Diagnostic, source: Optional[str] = None) -> Plan:
    """How to confirm ``diagnostic`` (``source`` is its file, needed for syntax errors only)."""
    if diagnostic.code in NOT_KERAS:
        return Plan(None, NOT_KERAS[diagnostic.code])
    try:
        recipe = _recipe(diagnostic, source)
    except Unconfirmable as why:
        return Plan(None, str(why))
    if recipe is None:
        return Plan(None, f"no way to rebuild what {diagnostic.code} reports")
    recipe["code"] = diagnostic.code
    return Plan(recipe)


def _recipe(d: Diagnostic, source: Optional[str]) -> Optional[Recipe]:
    event = d.event
    if d.code == "SC001":
        if getattr(d, "cell", None) is not None:
            raise Unconfirmable("a notebook cell is judged by IPython's cell transformer, which confirmation "
                                "does not run; Python alone would judge the joined script instead")
        if source is None:
            raise Unconfirmable("the file's text is not available")
        return {"action": "syntax", "source": source, "filename": d.filename}
    builder = _BUILDERS.get(type(event))
    return builder(d, event) if builder is not None else None


# ------------------------------------------------------------------ shape findings
def _shape_problem(d: Diagnostic, event: ShapeProblem) -> Recipe:
    enc = GraphEncoder()
    target = enc.layer(event.layer, allow_broken=True)
    for call in _earlier_calls(event):
        for output in call.outputs:  # a shared layer's first call builds its weights
            enc.tensor(output)
    inputs = [enc.tensor(t) for t in event.inputs]
    return {"action": "raise_at", "graph": enc.graph(), "layer": target, "inputs": inputs,
            "multi": is_multi_input(event.layer), "spread": spreads_inputs(event.layer)}


def _earlier_calls(event: ShapeProblem) -> list[Any]:
    """The calls of the flagged layer before the one that fails."""
    calls = event.layer.calls
    for index, call in enumerate(calls):
        if len(call.inputs) == len(event.inputs) and all(a is b for a, b in zip(call.inputs, event.inputs)):
            return calls[:index]
    return []


def _layer_applied(d: Diagnostic, event: LayerApplied) -> Optional[Recipe]:
    action = {"SC108": "batch_concat", "SC201": "softmax_ones"}.get(d.code)
    if action is None or not event.call.outputs:
        return None
    enc = GraphEncoder()
    output = enc.tensor(event.call.outputs[0])
    return {"action": action, "graph": enc.graph(), "output": output}


def _non_tensor_input(d: Diagnostic, event: NonTensorInput) -> Recipe:
    enc = GraphEncoder()
    target = enc.layer(event.layer, allow_broken=True)
    argument: dict[str, Json]
    if isinstance(event.argument, Layer):
        # Only its being a layer object matters, not every argument it was given.
        argument = {"layer": enc.layer(event.argument, allow_broken=True, lenient=True)}
    elif isinstance(event.argument, Model):
        inputs, outputs = _model_tensors(event.argument, None)
        argument = {"model": {"inputs": [enc.tensor(t) for t in inputs],
                              "outputs": [enc.tensor(t) for t in outputs]}}
    else:
        raise Unconfirmable("the argument is neither a layer nor a model")
    return {"action": "call_on_object", "graph": enc.graph(), "layer": target, "argument": argument,
            "multi": is_multi_input(event.layer)}


# ------------------------------------------------------------------ layer construction
def _layer_created(d: Diagnostic, event: LayerCreated) -> Optional[Recipe]:
    layer = event.layer
    enc = GraphEncoder()
    if d.code == "SC106":
        return _merge_with_tensors(enc, event)
    if d.code == "SC206":
        value = layer.config.values.get("activation")
        if not isinstance(value, str):
            return None
        try:
            target: Optional[int] = enc.layer(layer, allow_broken=True)
        except Unconfirmable:
            target = None  # the layer cannot be rebuilt; Keras's activations.get is what it would call
        return {"action": "identifier", "graph": enc.graph(), "family": "activation", "value": value,
                "layer": target}
    if d.code in ("SC301", "SC302"):
        if "positional argument" in d.message and event.extra_positional:
            args = [_encode_or_none(literal(v), "a positional argument") for v in event.positional]
            target = enc.layer(layer, allow_broken=True, positional=args, skip=frozenset(layer.args), lenient=True)
            return {"action": "rejects_keyword", "graph": enc.graph(), "layer": target, "keyword": None}
        key = _keyword_named(d, [k for k, _ in event.unknown_keywords], layer.kind)
        value = _encode_or_none(layer.extra_kwargs.get(key, UNKNOWN), f"`{key}`")
        target = enc.layer(layer, allow_broken=True, extra={key: value}, lenient=True)
        return {"action": "rejects_keyword", "graph": enc.graph(), "layer": target, "keyword": key}
    return None


def _merge_with_tensors(enc: GraphEncoder, event: LayerCreated) -> Recipe:
    layer = event.layer
    first = event.positional[0]
    items = first.items if isinstance(first, Seq) else [first]
    tensors = []
    for item in items:
        if not isinstance(item, Tensor):
            raise Unconfirmable("an item passed to the constructor is not a tensor")
        tensors.append(enc.tensor(item))
    params = T.LAYER_SIGNATURES[layer.kind][0]
    skip = frozenset({params[0][0]}) if params else frozenset()
    wrapped: Json = [{"$tensor": t} for t in tensors]
    if isinstance(first, Seq) and first.is_tuple:
        wrapped = {"$tuple": wrapped}
    elif not isinstance(first, Seq):
        wrapped = wrapped[0]
    target = enc.layer(layer, allow_broken=True, skip=skip, positional=[wrapped])
    return {"action": "construct_with_tensors", "graph": enc.graph(), "layer": target, "tensors": tensors}


def _keyword_named(d: Diagnostic, keys: list[str], kind: str) -> str:
    """Which of ``keys`` the finding is about (one event may hold several)."""
    for key in keys:
        removed = keras_api.REMOVED_LAYER_KEYWORDS.get(key)
        if removed is not None and d.message == f"{removed.what}; {removed.instead}":
            return key
        if d.message.startswith(f"`{kind}` has no argument `{key}`"):
            return key
    raise Unconfirmable("the finding names no keyword of this call")


# ------------------------------------------------------------------ API findings
def _keras_name(d: Diagnostic, event: KerasName) -> Recipe:
    module, _, name = event.path.rpartition(".")
    if keras_api.namespace(event.written) == keras_api.TF_KERAS:
        module = "tensorflow." + module  # looked up where the script takes it from: tf.keras
    return {"action": "missing_attribute", "path": module, "name": name}


def _method_called(d: Diagnostic, event: MethodCalled) -> Optional[Recipe]:
    if not isinstance(event.receiver, Model):
        return None
    owner = "keras.Sequential" if event.receiver.kind == "sequential" else "keras.Model"
    removed = keras_api.REMOVED_METHODS.get(event.method)
    if removed is not None and d.message == f"{removed.what}; {removed.instead}":
        return {"action": "missing_attribute", "path": owner, "name": event.method}
    for key, arg in event.keywords.items():
        gone = keras_api.REMOVED_FIT_KEYWORDS.get(key)
        if gone is not None and d.message == f"{gone.what}; {gone.instead}":
            value = node_literal(arg.value if isinstance(arg, cst.Arg) else arg)
            return {"action": "rejects_keyword", "callee": {"path": owner, "method": event.method},
                    "kwargs": {key: _encode_or_none(value, f"`{key}`")}, "keyword": key}
    return None


def _call_keywords(d: Diagnostic, event: KerasCallKeywords) -> Optional[Recipe]:
    for key, node in event.keywords.items():
        removed = keras_api.REMOVED_OPTIMIZER_KEYWORDS.get(key)
        if removed is not None and d.message == f"{removed.what}; {removed.instead}":
            return {"action": "rejects_keyword", "callee": {"path": event.path},
                    "kwargs": {key: _encode_or_none(node_literal(node), f"`{key}`")}, "keyword": key}
    return None


def _identifier(d: Diagnostic, event: IdentifierString) -> Recipe:
    return {"action": "identifier", "family": event.family, "value": event.value}


def _shape_argument(d: Diagnostic, event: ShapeArgument) -> Recipe:
    value = literal(event.value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise Unconfirmable(f"`{event.argument}` is not an int")
    if event.owner == "Input":
        return {"action": "shape_not_tuple", "value": value, "layer": None}
    if event.layer is None:
        raise Unconfirmable(f"the layer given `{event.argument}` is not known")
    enc = GraphEncoder()
    target = enc.layer(event.layer, allow_broken=True, lenient=True, extra={"input_shape": value})
    return {"action": "shape_not_tuple", "graph": enc.graph(), "value": value, "layer": target}


# ------------------------------------------------------------------ compile and data
def _compiled(d: Diagnostic, event: Compiled) -> Optional[Recipe]:
    symptom = LOSS_SYMPTOMS.get(d.code)
    if symptom is None:
        return None
    inputs, outputs = _model_tensors(event.model, event.outputs)
    if len(outputs) != 1:
        raise Unconfirmable("the model does not have exactly one output")
    enc = GraphEncoder()
    model = {"inputs": [enc.tensor(t) for t in inputs], "outputs": [enc.tensor(t) for t in outputs]}
    compile_ = compile_settings(event.loss, event.optimizer)
    return {"action": "loss_symptom", "graph": enc.graph(), "model": model, "compile": compile_,
            "symptom": symptom}


def _data_fed(d: Diagnostic, event: DataFed) -> Optional[Recipe]:
    from shapecheck.rules._data import batch_from_generator

    if d.code == "SC404":
        return _finite_generator(event)
    symptom = LOSS_SYMPTOMS.get(d.code)
    if symptom is not None:  # a loss/output mismatch seen once the labels are known (SC205)
        inputs, outputs = _model_tensors(event.model, None)
        if len(outputs) != 1:
            raise Unconfirmable("the model does not have exactly one output")
        enc = GraphEncoder()
        model = {"inputs": [enc.tensor(t) for t in inputs], "outputs": [enc.tensor(t) for t in outputs]}
        return {"action": "loss_symptom", "graph": enc.graph(), "model": model,
                "compile": compile_settings(event.model.loss, None), "symptom": symptom}
    x, y = event.x, event.y
    validation = event.keywords.get("validation_data")
    if d.code == "SC402" and "validation" in d.message and validation is not None:
        # The finding is about the validation data: feed that (a dataset, or an (x, y) pair).
        x, y = (validation.items[0], validation.items[1]) if isinstance(validation, Seq) \
            and len(validation.items) >= 2 else (validation, None)
    batch = batch_from_generator(x)
    if batch is not None:
        x, y = batch
    inputs, outputs = _model_tensors(event.model, None)
    enc = GraphEncoder()
    model = {"inputs": [enc.tensor(t) for t in inputs], "outputs": [enc.tensor(t) for t in outputs]}
    trains = not event.method.startswith("predict")
    compile_ = compile_settings(event.model.loss, None) if trains else None
    recipe: Recipe = {"action": "fit_data", "graph": enc.graph(), "model": model, "compile": compile_,
                      "method": event.method, "x": _arrays(x, "x"),
                      "y": _arrays(y, "y") if trains and y is not None else None}
    if d.code == "SC406":
        recipe["label_rank"] = True  # a regression loss broadcasts silently: compare the shapes
    return recipe


def _finite_generator(event: DataFed) -> Recipe:
    """A generator of as many synthetic batches as the script's yields, fed to ``fit`` with its settings."""
    from shapecheck.rules._data import batch_from_generator

    generator = event.x
    batch = batch_from_generator(generator)
    if not isinstance(generator, Generator) or generator.count is None or batch is None or batch[1] is None:
        raise Unconfirmable("the generator's batches are not known")
    x, y = batch
    inputs, outputs = _model_tensors(event.model, None)
    enc = GraphEncoder()
    model = {"inputs": [enc.tensor(t) for t in inputs], "outputs": [enc.tensor(t) for t in outputs]}
    settings = {}
    for key in ("epochs", "steps_per_epoch"):
        if key in event.keywords:
            value = literal(event.keywords[key])
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                raise Unconfirmable(f"`{key}` is not known")
            settings[key] = value
    return {"action": "finite_generator", "graph": enc.graph(), "model": model,
            "compile": compile_settings(event.model.loss, None), "x": _arrays(x, "x"), "y": _arrays(y, "y"),
            "count": generator.count, "fit": settings}


def _arrays(value: Value, what: str) -> list[dict[str, Json]]:
    items = value.items if isinstance(value, Seq) else [value]
    arrays = []
    for item in items:
        if not isinstance(item, Array) or item.shape.dims is None:
            raise Unconfirmable(f"the shape of {what} is not known")
        dims = list(item.shape.dims)
        if dims and not is_known(dims[0]):
            dims[0] = 16  # the sample count is not what the finding is about
        if any(not is_known(dim) for dim in dims):
            raise Unconfirmable(f"the shape of {what}, {item.shape}, is not fully known")
        arrays.append({"shape": dims, "dtype": item.dtype or "float", "onehot": item.onehot,
                       "max_value": item.max_value})
    return arrays


def compile_settings(loss: Any, optimizer: Any) -> dict[str, Json]:
    """The loss and optimizer for ``model.compile`` (an optimizer that cannot be rebuilt becomes adam)."""
    if loss is None:
        raise Unconfirmable("the model is not compiled with a known loss")
    settings = {"loss": encode_value(literal(loss), "the loss"), "optimizer": "adam"}
    if optimizer is not None:
        try:
            settings["optimizer"] = encode_value(literal(optimizer), "the optimizer")
        except Unconfirmable:
            pass  # the optimizer does not change a model's shapes or a loss's symptom
    return settings


def _model_tensors(model: Model, snapshot: Optional[list[Tensor]]) -> tuple[list[Tensor], list[Tensor]]:
    if model.opaque:
        raise Unconfirmable("the model is changed by code the analysis does not follow")
    if not model.inputs:
        raise Unconfirmable("the model's input shape is not declared")
    if snapshot:
        return list(model.inputs), list(snapshot)
    if model.kind == "sequential":
        outputs = [model.output] if model.output is not None and model.layers else []
    else:
        outputs = list(model.outputs)
    if not outputs:
        raise Unconfirmable("the model has no known output")
    return list(model.inputs), outputs


# ------------------------------------------------------------------ helpers
def node_literal(node: cst.CSTNode) -> Any:
    """The value of a literal expression node (``0.001``, ``(3, 4)``), or UNKNOWN."""
    try:
        return ast.literal_eval(cst.Module([]).code_for_node(node).strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return UNKNOWN


def _encode_or_none(value: Any, what: str) -> Json:
    """A value where only its presence matters (a rejected keyword): None when it cannot be encoded."""
    try:
        return encode_value(value, what)
    except Unconfirmable:
        return None


_BUILDERS: dict[type, Callable[[Diagnostic, Any], Optional[Recipe]]] = {
    ShapeProblem: _shape_problem,
    LayerApplied: _layer_applied,
    NonTensorInput: _non_tensor_input,
    LayerCreated: _layer_created,
    KerasName: _keras_name,
    MethodCalled: _method_called,
    KerasCallKeywords: _call_keywords,
    IdentifierString: _identifier,
    ShapeArgument: _shape_argument,
    Compiled: _compiled,
    DataFed: _data_fed,
    OpProblem: op_problem,
    TensorflowCall: tensorflow_call,
    ModelGivenLayer: model_given_layer,
    EmbeddingWeightsMismatch: embedding_weights,
    ModelInputMismatch: model_input_mismatch,
}


# ------------------------------------------------------------------ whole scripts
def script_recipe(source: str) -> Recipe:
    """Everything a script builds (layers, calls, compiled models), to be built without error.

    The ``skipped`` list holds the reason for each part that cannot be rebuilt.
    """
    from shapecheck.engine.interpreter import Interpreter

    module = cst.parse_module(source)
    events: list[Any] = []
    Interpreter(module, events.append).run()
    enc = GraphEncoder()
    construct: list[int] = []
    models: list[dict[str, Json]] = []
    skipped: list[str] = []
    for event in events:
        try:
            if isinstance(event, LayerCreated):
                construct.append(enc.layer(event.layer))
            elif isinstance(event, LayerApplied):
                for tensor in event.call.outputs:
                    enc.tensor(tensor)
            elif isinstance(event, Compiled):
                inputs, outputs = _model_tensors(event.model, event.outputs)
                models.append({"inputs": [enc.tensor(t) for t in inputs],
                               "outputs": [enc.tensor(t) for t in outputs],
                               "compile": compile_settings(event.loss, event.optimizer)})
        except Unconfirmable as why:
            skipped.append(str(why))
    return {"action": "build", "graph": enc.graph(), "construct": construct, "models": models,
            "skipped": skipped, "code": "build"}
