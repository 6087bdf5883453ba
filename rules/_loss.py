"""Helpers shared by the loss/activation rules (not a rule)."""

from __future__ import annotations

from typing import Optional

from shapecheck.tables import keras_tables as T
from shapecheck.engine.events import Compiled
from shapecheck.engine.model_outputs import LossInfo, OutputInfo, loss_info, model_output, output_info

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
