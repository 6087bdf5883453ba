"""Where a tensor came from, in words and as a note for the finding."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from shapecheck.engine.values import Tensor


def source_note(tensor: Tensor) -> Optional[tuple[cst.CSTNode, str]]:
    """A note placed at the layer (or Input) that produced ``tensor``, with its shape."""
    if tensor.producer is not None:
        layer = tensor.producer.layer
        return (tensor.producer.node, f"`{layer.kind}` here outputs {tensor.shape}")
    if tensor.is_input and tensor.node is not None:
        return (tensor.node, f"the input is declared here as {tensor.shape}")
    return None


def input_notes(inputs: list[Tensor], index: int = 0) -> list[tuple[cst.CSTNode, str]]:
    """The note for input ``index`` of a layer call (where that input came from), if any."""
    if index >= len(inputs):
        return []
    note = source_note(inputs[index])
    return [note] if note else []
