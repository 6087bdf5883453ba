"""Where data and label findings are reported, and the notes for the other side (not a rule).

The policy (README, "Where findings are reported"): a finding goes where the fix
most likely goes -- the model's literal (input declaration, output layer) when
the data comes as it is, the line that builds the data or the labels (an
encoder, a data pipeline) when that is what the message says to change -- and
the other side and the ``fit`` call become notes.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from shapecheck.engine.events import DataFed
from shapecheck.overlays.keras_outputs import model_output
from shapecheck.engine.values import Array, Model

Note = tuple[cst.CSTNode, str]


def data_note(array: Array, what: str) -> Optional[Note]:
    """A note at the expression that built ``array`` (``what`` names it: "x", "y", "the labels")."""
    if array.node is None:
        return None
    return array.node, f"{what} is built here as {array.shape}"


# numpy functions that make up data in the script itself (random or literal arrays).
_SYNTHETIC = frozenset({"rand", "randn", "randint", "random", "random_sample", "uniform", "normal", "choice",
                        "zeros", "ones", "empty", "full", "array", "asarray", "arange", "linspace"})


def synthetic(array: Array) -> bool:
    """Whether ``array`` is made up by the script (``np.random.rand(32, 3)``, ``np.zeros(...)``).

    Such data has no source to respect: the call that feeds it is as good a place as any
    for the finding.  Data that is loaded or transformed from loaded data is taken as it is.
    """
    node = array.node
    if not isinstance(node, cst.Call):
        return False
    parts: list[str] = []
    func: cst.BaseExpression = node.func
    while isinstance(func, cst.Attribute):
        parts.append(func.attr.value)
        func = func.value
    if isinstance(func, cst.Name):
        parts.append(func.value)
    return bool(parts) and parts[0] in _SYNTHETIC and parts[-1] in ("np", "numpy")


def fed_note(event: DataFed) -> Note:
    """A note at the ``fit``/``evaluate``/... call."""
    return event.node, f"`{event.method}` is called here"


def output_layer(model: Model) -> Optional[Note]:
    """The node of the layer call (or constructor) that produces the model's output, with its shape."""
    tensor = model_output(model)
    if tensor is None:
        return None
    if tensor.producer is not None:
        call = tensor.producer
        node = call.layer.node if model.kind == "sequential" else call.node
        return node, f"the output layer `{call.layer.kind}` outputs {tensor.shape}"
    return None
