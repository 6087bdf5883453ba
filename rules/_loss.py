"""Helpers shared by the loss/activation rules (not a rule)."""

from __future__ import annotations

from typing import Any, Optional

from shapecheck.tables import keras_tables as T
from shapecheck.engine.events import Compiled, DataFed
from shapecheck.overlays.keras_outputs import LossInfo, OutputInfo, loss_info, model_output, output_info
from shapecheck.engine.values import Array
from shapecheck.shapes.dims import Dim, Shape

from ._data import data_arrays

CATEGORICAL = "categorical_crossentropy"
BINARY = "binary_crossentropy"
REGRESSION = frozenset({
    "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error", "huber", "log_cosh",
})
PROBABILITY = frozenset({"softmax", "sigmoid"})


def compiled_pair(event: Compiled) -> Optional[tuple[LossInfo, OutputInfo]]:
    """The loss and the model output it is applied to, when both are known."""
    if event.loss_node is None:
        return None
    loss = loss_info(event.loss, T.LOSS_ALIASES, T.LOSS_CLASSES)
    if loss is None:
        return None
    tensor = model_output(event.model)
    if tensor is None:
        return None
    out = output_info(tensor)
    if out is None:
        return None
    return loss, out


def describe(out: OutputInfo) -> str:
    """``a 1-unit sigmoid output`` and the like."""
    units = f"{out.units}-unit " if out.units is not None else ""
    return f"a {units}{out.activation} output"


def fed_labels(event: DataFed) -> Optional[tuple[Array, Shape, tuple[Dim, ...], LossInfo]]:
    """The one label array given to ``fit``, the model's one output shape (and its dims: its rank
    is known) and its compiled loss, when all are known."""
    model = event.model
    if event.y is None or model.loss is None:
        return None
    ys = data_arrays(event.y)
    tensor = model_output(model)
    loss = loss_info(model.loss, T.LOSS_ALIASES, T.LOSS_CLASSES)
    if ys is None or len(ys) != 1 or tensor is None or loss is None or tensor.shape.dims is None:
        return None
    return ys[0], tensor.shape, tensor.shape.dims, loss


def activation_site(out: OutputInfo) -> Any:
    """Where an output's activation is written (its ``activation=`` argument, else the layer call):
    the place a loss/activation finding's fix goes."""
    return out.layer.args.get("activation", out.node)
