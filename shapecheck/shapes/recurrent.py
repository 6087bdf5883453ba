"""Shape rules of the recurrent layers and the wrappers around them."""

from __future__ import annotations

from typing import Sequence

from shapecheck.shapes.registry import Output, infer, spec_for, transfer
from shapecheck.shapes.common import require_defined, require_min_rank, require_rank, single
from shapecheck.shapes.config import Config
from shapecheck.shapes.dims import UNKNOWN, Dim, Shape, is_known
from shapecheck.shapes.errors import BadConfig, RankMismatch

RNN_LAYERS = ("LSTM", "GRU", "SimpleRNN")
# Recurrent layers the catalog has no shape rule for (Bidirectional accepts them).
_OTHER_RNNS = frozenset({"RNN", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"})
STATES_PER_RNN = {"LSTM": 2, "GRU": 1, "SimpleRNN": 1}
SEQUENCE_INPUT = "(batch, timesteps, features)"


@transfer(*RNN_LAYERS, family="recurrent")
def rnn(config: Config, inputs: Sequence[Shape]) -> Output:
    """An RNN reads (batch, timesteps, features); it returns its last output
    (batch, units) or, with ``return_sequences``, every step's (batch, timesteps, units);
    with ``return_state`` its final states follow."""
    shape = single(inputs)
    require_rank(shape, 3, SEQUENCE_INPUT)
    require_defined(shape, -1, "features")
    units = config.int("units")
    batch: Dim = shape.dims[0] if shape.dims else None
    if config.bool("stateful") is True and shape.dims is not None and batch is None:
        raise BadConfig(f"stateful=True needs a fixed batch size, but receives {shape}")
    steps: Dim = shape.dims[1] if shape.dims else UNKNOWN
    sequences = config.bool("return_sequences")
    if sequences is UNKNOWN:
        out = Shape.unknown()
    elif sequences:
        out = Shape((batch, steps, units))
    else:
        out = Shape((batch, units))
    state_flag = config.bool("return_state")
    if state_flag is UNKNOWN:
        return Shape.unknown()
    if state_flag:
        states = STATES_PER_RNN[config.layer]
        return (out,) + (Shape((batch, units)),) * states
    return out


@transfer("Bidirectional", family="wrapper")
def bidirectional(config: Config, inputs: Sequence[Shape]) -> Output:
    """Bidirectional runs its RNN both ways and merges the two outputs."""
    inner = config.get("layer")
    kind = getattr(inner, "kind", None)
    if kind not in RNN_LAYERS:
        if kind is not None and not getattr(inner, "custom", False) and kind not in _OTHER_RNNS:
            raise BadConfig(f"wraps a `{kind}`, but `Bidirectional` needs a recurrent layer (LSTM, GRU, SimpleRNN)")
        return Shape.unknown()
    result = infer(kind, inner.config, inputs)
    states: tuple[Shape, ...] = ()
    if isinstance(result, tuple):
        forward, states = result[0], result[1:]
    else:
        forward = result
    mode = config.get("merge_mode", "concat")
    if mode == "concat":
        if forward.dims is None:
            merged: Output = Shape.unknown()
        else:
            last = forward.dims[-1]
            merged = Shape(forward.dims[:-1] + ((last * 2) if is_known(last) else last,))  # type: ignore[operator]
    elif mode in ("sum", "mul", "ave"):
        merged = forward
    elif mode is None:
        merged = (forward, forward)
    else:
        return Shape.unknown()
    if not states:
        return merged
    head = merged if isinstance(merged, tuple) else (merged,)
    return head + states + states


@transfer("TimeDistributed", family="wrapper")
def time_distributed(config: Config, inputs: Sequence[Shape]) -> Output:
    """TimeDistributed applies its layer to every step of a (batch, timesteps, ...) input."""
    shape = single(inputs)
    require_min_rank(shape, 3, "(batch, timesteps, ...)")
    inner = config.get("layer")
    kind = getattr(inner, "kind", None)
    if kind is None or shape.dims is None:
        return Shape.unknown()
    try:
        step = infer(kind, inner.config, [Shape((shape.dims[0],) + shape.dims[2:])])
    except RankMismatch:
        # Keras asks the wrapped layer for its output shape without checking its
        # input rank, so a per-step rank the bare layer refuses may still build.
        # A convolution's shape arithmetic insists on its rank, though, and an
        # RNN sizes its kernel by the last axis of (batch,) + step[2:]: for a
        # 2-D step that is the batch axis, refused when None.
        family = getattr(spec_for(kind), "family", None)
        if family == "conv" or (family == "recurrent" and len(shape.dims) < 4 and shape.dims[0] is None):
            raise
        return Shape.unknown()
    if isinstance(step, tuple) or step.dims is None:
        return Shape.unknown()
    return Shape((step.dims[0], shape.dims[1]) + step.dims[1:])
