"""Shape rules of the generic ``RNN`` layer and of the RNN cells.

``RNN(cell)`` runs a cell (LSTMCell, GRUCell, SimpleRNNCell, StackedRNNCells,
or a list of cells, which Keras stacks) over the time axis of its input.  The
cell is built on ``(batch,) + input[2:]``, so the last axis needs a defined
size; Keras's ``compute_output_shape`` then gives ``(batch, units)`` or, with
``return_sequences``, ``(batch, time, units)`` whatever the rank past 3.
``return_state`` adds one ``(batch, units)`` per state (LSTMCell has two);
a stack of cells returns each cell's states, nested for an LSTMCell, which
the catalog cannot express (unknown then).

A cell called on its own (``cell(x, states)``) is given an unknown output:
it returns an output and a nested list of states (only its input's last axis
is checked: it sizes the kernel).
"""

from __future__ import annotations

from typing import Any, Sequence

from shapecheck.shapes.common import require_defined, single
from shapecheck.shapes.config import Config
from shapecheck.shapes.dims import UNKNOWN, Dim, Shape, is_known
from shapecheck.shapes.errors import BadConfig
from shapecheck.shapes.registry import Output, transfer

CELLS = ("LSTMCell", "GRUCell", "SimpleRNNCell")
_STATES = {"LSTMCell": 2, "GRUCell": 1, "SimpleRNNCell": 1}


@transfer(*CELLS, "StackedRNNCells", family="recurrent")
def cell(config: Config, inputs: Sequence[Shape]) -> Output:
    """A cell called directly returns (output, [states]): unknown to the catalog.

    Its kernel is sized by the input's last axis, which must be defined."""
    if inputs and inputs[0].dims:
        require_defined(inputs[0], -1, "features")
    return Shape.unknown()


def _cells(value: Any) -> list[Any] | None:
    """The cells an RNN runs (a StackedRNNCells or a list is flattened), or None if not known."""
    if isinstance(value, (tuple, list)):
        out: list[Any] = []
        for item in value:
            inner = _cells(item)
            if inner is None:
                return None
            out.append(item if len(inner) == 1 and inner[0] is item else _Stack(inner))
        return out
    kind = getattr(value, "kind", None)
    if kind in CELLS:
        return [value]
    if kind == "StackedRNNCells":
        return [_Stack(_cells(value.config.get("cells")) or [])] if _cells(value.config.get("cells")) else None
    return None


class _Stack:
    """A stack of cells inside an RNN: its output is its last cell's."""

    kind = "StackedRNNCells"

    def __init__(self, cells: list[Any]) -> None:
        self.cells = cells


def _output_size(item: Any) -> Dim:
    if isinstance(item, _Stack):
        return _output_size(item.cells[-1]) if item.cells else UNKNOWN
    units = item.config.get("units")
    return units if is_known(units) else UNKNOWN


def _flat_states(item: Any) -> list[Dim] | None:
    """The state sizes RNN returns for this cell, or None when Keras nests them."""
    if isinstance(item, _Stack):
        sizes: list[Dim] = []
        for inner in item.cells:
            if isinstance(inner, _Stack) or _STATES[inner.kind] != 1:
                return None
            sizes.extend(_flat_states(inner) or [])
        return sizes
    return [_output_size(item)] * _STATES[item.kind]


@transfer("RNN", family="recurrent")
def rnn(config: Config, inputs: Sequence[Shape]) -> Output:
    """RNN(cell): the cell's output at the last step (or at every step), then its states."""
    shape = single(inputs)
    cells = _cells(config.get("cell"))
    if cells is None or not cells:
        return Shape.unknown()
    top: Any = cells[0] if len(cells) == 1 else _Stack(cells)
    if shape.dims is None or len(shape.dims) < 3:
        return Shape.unknown()
    require_defined(shape, -1, "features")
    batch, steps = shape.dims[0], shape.dims[1]
    if config.bool("stateful") is True and batch is None:
        raise BadConfig(f"stateful=True needs a fixed batch size, but receives {shape}")
    units = _output_size(top)
    sequences = config.bool("return_sequences")
    state_flag = config.bool("return_state")
    if sequences is UNKNOWN or state_flag is UNKNOWN:
        return Shape.unknown()
    out = Shape((batch, steps, units)) if sequences else Shape((batch, units))
    if not state_flag:
        return out
    states = _flat_states(top)
    if states is None:
        return Shape.unknown()
    return (out,) + tuple(Shape((batch, s)) for s in states)
