"""Shape rules of the convolutional LSTMs (ConvLSTM1D, ConvLSTM2D, ConvLSTM3D).

A ConvLSTM{n}D reads ``(batch, time, *spatial, channels)`` (n+3 axes;
channels_first puts the channels after the time axis).  Each step goes
through Keras's ``compute_conv_output_shape``, so the spatial axes shrink
like a Conv{n}D's and the channels become ``filters``; the output is the last
step, or every step with ``return_sequences``, and ``return_state`` adds the
two states (each shaped like one step).  The cell's build refuses a None
spatial or channel size.
"""

from __future__ import annotations

from typing import Any, Sequence

from shapecheck.shapes.common import require_rank, single
from shapecheck.shapes.config import Config
from shapecheck.shapes.conv import _rank_of, _window_output
from shapecheck.shapes.dims import UNKNOWN, Dim, Shape
from shapecheck.shapes.errors import BadConfig
from shapecheck.shapes.registry import Output, transfer

CONV_LSTMS = ("ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D")
_DESCRIBED = {1: "(batch, time, steps, channels)", 2: "(batch, time, rows, cols, channels)",
              3: "(batch, time, dim1, dim2, dim3, channels)"}


def _check_config(kernel: Any, strides: Any, dilation: Any, padding: Any) -> None:
    """Raise BadConfig for what the ConvLSTM constructor refuses."""
    if isinstance(padding, str) and padding not in ("valid", "same"):
        raise BadConfig(f"padding must be 'valid' or 'same', got {padding!r}")
    if kernel is not UNKNOWN and 0 in kernel:
        raise BadConfig(f"kernel_size cannot contain 0, got kernel_size={kernel}")
    if strides is not UNKNOWN and dilation is not UNKNOWN and max(strides) > 1 and max(dilation) > 1:
        raise BadConfig(f"strides > 1 cannot be combined with dilation_rate > 1 (strides={strides}, "
                        f"dilation_rate={dilation})")


def _step(config: Config, shape: Shape, n: int, channels_last: bool) -> tuple[Dim, ...]:
    """One step's output (without the batch axis)."""
    assert shape.dims is not None
    kernel = config.int_tuple("kernel_size", n)
    strides = config.int_tuple("strides", n, 1)
    dilation = config.int_tuple("dilation_rate", n, 1)
    padding = config.str("padding", "valid")
    step = shape.dims[2:]
    spatial = step[:-1] if channels_last else step[1:]
    for d in spatial:
        if d is None:
            raise BadConfig(f"needs defined spatial sizes (ConvLSTM layers only support static "
                            f"spatial shapes), but receives {shape}")
    channels = step[-1] if channels_last else step[0]
    if channels is None:
        raise BadConfig(f"needs a defined channel size to create its weights, but receives {shape}")
    out: list[Dim] = []
    for i, d in enumerate(spatial):
        if UNKNOWN in (kernel, strides, dilation) or padding not in ("valid", "same") or 0 in strides:
            out.append(UNKNOWN)
            continue
        out.append(_window_output(config.layer, i + 2, d, kernel[i], strides[i], dilation[i], padding,
                                  "kernel"))
    filters = config.int("filters")
    return tuple(out) + (filters,) if channels_last else (filters,) + tuple(out)


@transfer(*CONV_LSTMS, family="recurrent")
def conv_lstm(config: Config, inputs: Sequence[Shape]) -> Output:
    """ConvLSTM{n}D over (batch, time, *spatial, channels)."""
    shape = single(inputs)
    n = _rank_of(config.layer)
    kernel = config.int_tuple("kernel_size", n)
    strides = config.int_tuple("strides", n, 1)
    dilation = config.int_tuple("dilation_rate", n, 1)
    if any(v is not UNKNOWN and min(v) < 0 for v in (kernel, strides, dilation)):
        return Shape.unknown()
    _check_config(kernel, strides, dilation, config.str("padding", "valid"))
    require_rank(shape, n + 3, _DESCRIBED[n])
    channels_last = config.channels_last()
    if shape.dims is None or channels_last is UNKNOWN:
        return Shape.unknown()
    batch, steps = shape.dims[0], shape.dims[1]
    if config.bool("stateful") is True and batch is None:
        raise BadConfig(f"stateful=True needs a fixed batch size, but receives {shape}")
    step = _step(config, shape, n, channels_last)
    sequences = config.bool("return_sequences")
    state_flag = config.bool("return_state")
    if sequences is UNKNOWN or state_flag is UNKNOWN:
        return Shape.unknown()
    out = Shape((batch, steps) + step) if sequences else Shape((batch,) + step)
    if state_flag:
        state = Shape((batch,) + step)
        return (out, state, state)
    return out
