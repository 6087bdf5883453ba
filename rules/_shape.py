"""Helpers shared by the shape rules (not a rule)."""

from __future__ import annotations

from typing import Optional

from shapecheck.engine.events import ShapeProblem
from shapecheck.shapes.recurrent import RNN_LAYERS
from shapecheck.engine.values import Layer, Tensor

SEQUENCE_CONSUMERS = frozenset(RNN_LAYERS) | {"Bidirectional", "TimeDistributed"}


def last_output_rnn(tensor: Tensor) -> Optional[Layer]:
    """The RNN layer (bare or inside Bidirectional) that produced ``tensor`` with
    ``return_sequences=False``, if that is how ``tensor`` was made."""
    if tensor.producer is None:
        return None
    layer = tensor.producer.layer
    inner = layer
    if layer.kind == "Bidirectional":
        candidate = layer.config.get("layer")
        if not isinstance(candidate, Layer):
            return None
        inner = candidate
    if inner.kind in RNN_LAYERS and inner.config.get("return_sequences") is False:
        return layer
    return None


def is_stacked_rnn_problem(event: ShapeProblem) -> bool:
    """A rank problem of a sequence layer fed by an RNN's last output (rule SC102's case)."""
    from shapecheck.shapes.errors import RankMismatch

    if not isinstance(event.error, RankMismatch) or event.layer.kind not in SEQUENCE_CONSUMERS:
        return False
    index = event.error.input_index
    return index < len(event.inputs) and last_output_rnn(event.inputs[index]) is not None
