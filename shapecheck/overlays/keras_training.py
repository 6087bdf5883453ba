"""Keras training calls, for the interpreter: ``compile`` and the data given to ``fit``.

``compile`` tells the rules the loss, optimizer and metrics against the
model's outputs; ``fit``/``evaluate``/``predict`` (and the ``*_on_batch``
variants) tell them the data the model is given.  Loss and optimizer objects
keep their literal configuration.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from shapecheck.engine.arguments import Arguments
from shapecheck.engine.events import Compiled, DataFed, IdentifierString, KerasCallKeywords
from shapecheck.engine.values import UNKNOWN_VALUE, Const, KerasObject, Model, Seq, Value, literal
from shapecheck.overlays.keras_data import as_data
from shapecheck.overlays.keras_legacy import fit_keywords
from shapecheck.overlays.keras_names import kind

if TYPE_CHECKING:
    from shapecheck.engine.interpreter import Interpreter


@kind("loss_class", "optimizer")
def configured_object(interp: Interpreter, path: str, name: str, args: Arguments, node: cst.Call) -> Value:
    """``keras.losses.CategoricalCrossentropy(from_logits=True)``, ``Adam(lr=...)``: kept with their config."""
    symbol_kind = "loss_class" if path.startswith("keras.losses.") else "optimizer"
    interp.emit(KerasCallKeywords(path, dict(args.keyword_nodes), node))
    return KerasObject(
        "loss" if symbol_kind == "loss_class" else "optimizer",
        name,
        {k: literal(v) for k, v in args.keywords.items()},
        node,
    )


def compile(interp: Interpreter, model: Model, args: Arguments, node: cst.Call) -> None:
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
        interp.emit(IdentifierString("loss", loss.value, loss_node))
    if isinstance(optimizer, Const) and isinstance(optimizer.value, str) and optimizer_node is not None:
        interp.emit(IdentifierString("optimizer", optimizer.value, optimizer_node))
    for metric, metric_node in metrics:
        if isinstance(metric, Const) and isinstance(metric.value, str):
            interp.emit(IdentifierString("metric", metric.value, metric_node))
    model.compiled = True
    model.loss = loss
    outputs = list(model.outputs) if model.kind == "functional" else [model.output] if model.output else []
    interp.emit(Compiled(model, loss, loss_node, optimizer, optimizer_node, metrics, node, outputs))


def feed(interp: Interpreter, model: Model, method: str, args: Arguments, node: cst.Call) -> None:
    """``model.fit(x, y, ...)``: tell the data rules what the model is given."""
    pos, kw = args.positional, args.keywords
    x = pos[0] if pos else kw.get("x", UNKNOWN_VALUE)
    takes_y = not method.startswith("predict")
    y = (pos[1] if len(pos) > 1 else kw.get("y")) if takes_y else None
    interp.emit(DataFed(model, method, as_data(interp, x), as_data(interp, y) if y is not None else None,
                             node, fit_keywords(kw)))
